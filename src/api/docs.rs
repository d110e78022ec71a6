//! The API contract: the document utoipa collects from the handlers, completed with what every
//! operation shares (the bearer scheme, the problem responses), served at `/openapi.json` with
//! Swagger UI (vendored, works offline) at `/docs`.

use utoipa::OpenApi as _;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, InfoBuilder, OpenApi, Ref, RefOr, Tag};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{Problem, ProblemField};

const DESCRIPTION: &str = "API of PAHT, the field-report system (phản ánh hiện trường) of the province: \
citizens report problems on the ground, the IOC verifies and dispatches them, agencies answer within \
the working-day limits of the provincial regulation, and the results are published.\n\n\
Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`; \
`detail` is in Vietnamese unless the request sends `Accept-Language: en`. \
Authenticated operations take `Authorization: Bearer <access_token>` from `POST /api/v1/auth/login`.";

#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(Problem, ProblemField)))]
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
    ("503", "The database is unreachable; retry later."),
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

fn add_problem(op: &mut Operation, status: &str) {
    if !op.responses.responses.contains_key(status) {
        op.responses.responses.insert(
            status.to_string(),
            RefOr::Ref(Ref::from_response_name(format!("Problem{status}"))),
        );
    }
}

/// Completes the generated document: info, tags, the bearer scheme, and the problem responses
/// each operation can give (400/500/503 everywhere; 401/403 where a token is required;
/// 413/415/422 where there is a body).
pub fn finish(mut doc: OpenApi) -> OpenApi {
    doc.merge(Base::openapi());
    doc.info = InfoBuilder::new()
        .title("PAHT API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(DESCRIPTION))
        .build();
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
    for (status, description) in PROBLEMS {
        components.responses.insert(
            format!("Problem{status}"),
            RefOr::T(problem_response(description)),
        );
    }
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            add_problem(op, "400");
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add_problem(op, "401");
                add_problem(op, "403");
            }
            if op.request_body.is_some() {
                add_problem(op, "413");
                add_problem(op, "415");
                add_problem(op, "422");
            }
            add_problem(op, "500");
            add_problem(op, "503");
        }
    }
    doc.tags = Some(
        [
            ("auth", "Sign-up, sign-in, token refresh and sign-out."),
            ("me", "The signed-in user's own account."),
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
                "calendar",
                "The working calendar, deadlines in working time, and the lunar calendar.",
            ),
            ("operations", "Health, readiness and metrics."),
        ]
        .into_iter()
        .map(|(name, d)| {
            let mut t = Tag::new(name);
            t.description = Some(d.to_string());
            t
        })
        .collect(),
    );
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
