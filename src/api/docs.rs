//! The API contract: the document utoipa collects from the handlers, completed with what every
//! operation shares (the bearer scheme, the problem responses), served at `/openapi.json` with
//! Swagger UI (vendored, works offline) at `/docs`.

use utoipa::OpenApi as _;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, LicenseBuilder, OpenApi, Ref, RefOr, ServerBuilder, Tag,
};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{Problem, ProblemField};

const DESCRIPTION: &str = "API of PAHT, the field-report system (phản ánh hiện trường) of the province: \
citizens report problems on the ground, the IOC verifies and dispatches them, agencies answer within \
the working-day limits of the provincial regulation, and the results are published.\n\n\
Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`; \
`detail` is in Vietnamese unless the request sends `Accept-Language: en`. \
Authenticated operations take `Authorization: Bearer <access_token>` from `POST /api/v1/auth/login`.";

#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(
    Problem,
    ProblemField,
    crate::domain::report::AssignmentRole,
    crate::domain::attachment::AttachmentKind,
    crate::api::reports::ListOrder,
    crate::api::public::PublicOrder,
    crate::api::statistics::Format,
    crate::api::statistics::SeriesBucket,
    crate::domain::periods::PeriodKind,
    crate::domain::privacy::RequestStatus
)))]
struct Base;

/// The shared problem responses, by status.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "400",
        "The request cannot be read: malformed JSON, or an invalid path or query parameter.",
    ),
    (
        "401",
        "Not signed in, or the access token is invalid or expired.",
    ),
    ("403", "The caller's role may not do this."),
    ("404", "No such resource, or the caller may not see it."),
    ("405", "The path does not take this method (see `Allow`)."),
    (
        "408",
        "The request body did not arrive in time (`request_timeout`).",
    ),
    (
        "409",
        "The resource's current state does not allow this, or a unique value is taken.",
    ),
    ("413", "The request body is larger than the limit."),
    ("415", "The request body is not `application/json`."),
    ("422", "Some fields are invalid; `errors` names them."),
    (
        "429",
        "Too many attempts; retry after `Retry-After` seconds.",
    ),
    ("500", "An internal error; nothing of its cause is sent."),
    (
        "503",
        "The database is unreachable (`service_unavailable`), or more state-changing requests \
         are in progress than the server serves in time (`overloaded`: nothing was written); \
         retry after `Retry-After` seconds.",
    ),
];

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The operations of a path.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

fn add_problem(op: &mut Operation, status: &str) {
    if !op.responses.responses.contains_key(status) {
        op.responses.responses.insert(
            status.to_string(),
            RefOr::Ref(Ref::from_response_name(format!("Problem{status}"))),
        );
    }
}

/// Every tag an operation uses, with what it groups.
const TAGS: &[(&str, &str)] = &[
    ("auth", "Sign-up, sign-in, token refresh and sign-out."),
    ("me", "The signed-in user's own account."),
    (
        "privacy",
        "Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; Art. 4.5): the consent wording, reporters' requests about their data, and the privacy officer's queue, exports, identity-read log, processing inventory and incident log.",
    ),
    ("users", "Accounts, managed by admins."),
    (
        "agencies",
        "Processing agencies and their focal points (Art. 15.1).",
    ),
    (
        "admin-units",
        "Administrative units, with the dates they are valid.",
    ),
    ("categories", "Categories of reports (lĩnh vực)."),
    (
        "notifications",
        "The in-app inbox and push devices of every account; for admins, the outbox of messages (e-mail, SMS, push), its dead letters and the message templates (Art. 7.3, 8.3, 9.3, 10.2).",
    ),
    (
        "recognition",
        "Proposals to recognise reporters and staff (Art. 17).",
    ),
    (
        "calendar",
        "The working calendar, deadlines in working time, and the lunar calendar.",
    ),
    (
        "reports",
        "Reports: submission, the IOC's verification and dispatch, publication, feedback and rating (Art. 4-10).",
    ),
    (
        "assignments",
        "The agencies' work on a report: take, return, coordinate, answer, approve, extend (Art. 8).",
    ),
    (
        "statistics",
        "Figures for the IOC dashboard and the periodic reports (Art. 11-12, Decree 09/2019).",
    ),
    (
        "open311",
        "The keys of the city apps that speak Open311 GeoReport v2 (served at `/open311/v2`, outside this contract).",
    ),
    (
        "intake",
        "The channels the IOC reads (Art. 6.1, 7.2): e-mail from the mail server and calls from the 1022 switchboard, the IOC's queues of them, and how an item becomes a report.",
    ),
    (
        "track",
        "Reporters without an account: a guest's report from the portal, and following a report with its tracking code and follow-up token (Art. 7.1, 10); the IOC issues and revokes tokens.",
    ),
    (
        "public",
        "What anyone may read: published results and public statistics, with no personal data.",
    ),
    ("operations", "Health, readiness and metrics."),
];

/// The control characters the server refuses (see `control::is_refused_control`), as
/// patterns: none at all in a parameter; tab and line breaks allowed in body text.
const NO_CONTROL: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
const NO_CONTROL_TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Gives a plain string schema (no format, enum or pattern of its own) a pattern.
fn restrict_string(schema: &mut RefOr<Schema>, pattern: &str) {
    if let RefOr::T(Schema::Array(a)) = schema
        && let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut a.items
    {
        restrict_string(items, pattern);
    }
    if let RefOr::T(Schema::Object(o)) = schema {
        let string = match &o.schema_type {
            SchemaType::Type(t) => *t == Type::String,
            SchemaType::Array(types) => types.contains(&Type::String),
            SchemaType::AnyValue => false,
        };
        if string && o.pattern.is_none() && o.format.is_none() && o.enum_values.is_none() {
            o.pattern = Some(pattern.to_string());
        }
    }
}

fn component_name(r: &Ref) -> Option<String> {
    r.ref_location
        .strip_prefix("#/components/schemas/")
        .map(str::to_string)
}

/// States in the document that control characters are refused: in every string parameter,
/// and in every string of a request body (and of the objects it nests).
fn refuse_control_characters(doc: &mut OpenApi) {
    let mut bodies: Vec<String> = Vec::new();
    for item in doc.paths.paths.values_mut() {
        for op in operations_mut(item) {
            for param in op.parameters.iter_mut().flatten() {
                if let RefOr::T(param) = param
                    && let Some(schema) = param.schema.as_mut()
                {
                    restrict_string(schema, NO_CONTROL);
                }
            }
            if let Some(RefOr::T(body)) = &op.request_body {
                for content in body.content.values() {
                    if let RefOr::T(content) = content
                        && let Some(RefOr::Ref(r)) = &content.schema
                    {
                        bodies.extend(component_name(r));
                    }
                }
            }
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = bodies.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(&name) {
            for prop in o.properties.values_mut() {
                match prop {
                    RefOr::Ref(r) => bodies.extend(component_name(r)),
                    _ => restrict_string(prop, NO_CONTROL_TEXT),
                }
            }
        }
    }
}

/// A JSON body whose fields are all optional may be left out (the server reads no body as
/// `{}`): say so, so that generated clients do not demand one.
fn optional_bodies(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_ref() else {
        return;
    };
    let all_optional = |name: &str| matches!(components.schemas.get(name), Some(RefOr::T(Schema::Object(o))) if o.required.is_empty());
    for item in doc.paths.paths.values_mut() {
        for op in operations_mut(item) {
            if let Some(RefOr::T(body)) = op.request_body.as_mut() {
                let optional = body.content.len() == 1
                    && body.content.iter().all(|(mime, c)| {
                        mime == "application/json"
                            && matches!(c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(r)) if component_name(r).is_some_and(|n| all_optional(&n))))
                    });
                if optional {
                    body.required = Some(utoipa::openapi::Required::False);
                }
            }
        }
    }
}

/// Drops the components no operation reaches (a schema only another unused one refers to
/// included), so that tools see exactly what the API uses.
fn prune_unused(doc: &mut OpenApi) {
    loop {
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let Some(components) = doc.components.as_mut() else {
            return;
        };
        let used =
            |kind: &str, name: &str| text.contains(&format!("\"#/components/{kind}/{name}\""));
        let before = components.schemas.len() + components.responses.len();
        components.schemas.retain(|name, _| used("schemas", name));
        components
            .responses
            .retain(|name, _| used("responses", name));
        if components.schemas.len() + components.responses.len() == before {
            return;
        }
    }
}

/// Completes the generated document: info, servers, tags, the bearer scheme, the problem
/// responses each operation can give (400/500/503 everywhere; 404 where a path names a
/// resource; 401/403 where a token is read; 408/413/415/422 where there is a body), the
/// control characters refused, and no unused component.
pub fn finish(mut doc: OpenApi) -> OpenApi {
    doc.merge(Base::openapi());
    doc.info = InfoBuilder::new()
        .title("PAHT API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .license(Some(
            LicenseBuilder::new()
                .name("MIT")
                .identifier(Some("MIT"))
                .build(),
        ))
        .build();
    doc.servers = Some(vec![
        ServerBuilder::new()
            .url("/")
            .description(Some("The server that serves this document."))
            .build(),
    ]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    // Art. 7.1, 10: a reporter without an account shows the report's follow-up token.
    components.add_security_scheme(
        "follow_up",
        SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
            utoipa::openapi::security::ApiKeyValue::with_description(
                "Follow-Up-Token",
                "The report's follow-up token (`XXXX-XXXX-XXXX-XXXX`), sent to its reporter with the tracking code.",
            ),
        )),
    );
    // Art. 6.1: the mail server and the 1022 switchboard post what arrives with their keys.
    components.add_security_scheme(
        "intake_key",
        SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
            utoipa::openapi::security::ApiKeyValue::with_description(
                "Intake-Key",
                "The mail server's key (`PAHT_MAIL_INTAKE_KEY`).",
            ),
        )),
    );
    components.add_security_scheme(
        "switchboard_key",
        SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
            utoipa::openapi::security::ApiKeyValue::with_description(
                "Switchboard-Key",
                "The 1022 switchboard's key (`PAHT_SWITCHBOARD_KEY`).",
            ),
        )),
    );
    for (status, description) in PROBLEMS {
        components.responses.insert(
            format!("Problem{status}"),
            RefOr::T(problem_response(description)),
        );
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_parameter = path.contains('{');
        for op in operations_mut(item) {
            add_problem(op, "400");
            if has_path_parameter {
                // An unknown (or invisible) resource.
                add_problem(op, "404");
            }
            match &op.security {
                // A token, required or (with `security((), ("bearer" = []))`) optional, can
                // be refused, and so can the role behind it.
                Some(s) if !s.is_empty() => {
                    add_problem(op, "401");
                    add_problem(op, "403");
                }
                // Public: say so, for tools that would otherwise assume a token.
                _ => op.security = Some(Vec::new()),
            }
            if op.request_body.is_some() {
                add_problem(op, "408");
                add_problem(op, "413");
                add_problem(op, "415");
                add_problem(op, "422");
            }
            add_problem(op, "500");
            add_problem(op, "503");
        }
    }
    doc.tags = Some(
        TAGS.iter()
            .map(|(name, d)| {
                let mut t = Tag::new(*name);
                t.description = Some(d.to_string());
                t
            })
            .collect(),
    );
    refuse_control_characters(&mut doc);
    optional_bodies(&mut doc);
    prune_unused(&mut doc);
    doc
}

/// Swagger UI at `/docs` and the document at `/openapi.json`.
pub fn service(doc: OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc)
}

/// `/docs` → `/docs/`.
pub async fn redirect_to_ui() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}
