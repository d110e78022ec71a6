//! Extractors: who is calling (`Principal`, `Require<R>`), validated JSON bodies and query
//! strings, and the client's address. Every failure becomes a problem document naming the
//! field, and never echoes a submitted value (it could be personal data).

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::api::control;
use crate::app::AppState;
use crate::domain::roles::Role;
use crate::error::{AppError, FieldError, Msg};
use crate::service::auth::Principal;

// ---------------------------------------------------------------- who is calling

impl FromRequest for Principal {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .ok_or_else(AppError::unauthenticated),
        )
    }
}

/// A set of roles allowed to call a handler.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// The caller, if signed in with one of the roles of `R`: 401 when not signed in, 403 otherwise.
#[derive(Debug, Clone)]
pub struct Require<R: RoleSet>(pub Principal, PhantomData<R>);

impl<R: RoleSet> Deref for Require<R> {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl<R: RoleSet> FromRequest for Require<R> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let r = match req.extensions().get::<Principal>() {
            None => Err(AppError::unauthenticated()),
            Some(p) if R::ROLES.contains(&p.role) => Ok(Require(p.clone(), PhantomData)),
            Some(_) => Err(AppError::forbidden()),
        };
        std::future::ready(r)
    }
}

/// Role sets used in handler signatures.
pub mod roles {
    use super::RoleSet;
    use crate::domain::roles::Role;

    /// Administrators.
    pub struct Admin;
    impl RoleSet for Admin {
        const ROLES: &'static [Role] = &[Role::Admin];
    }

    /// Every staff role (not citizens).
    pub struct Staff;
    impl RoleSet for Staff {
        const ROLES: &'static [Role] = &[
            Role::Operator,
            Role::AgencyStaff,
            Role::AgencyLeader,
            Role::Supervisor,
            Role::Province,
            Role::Admin,
        ];
    }
}

// ---------------------------------------------------------------- client address

/// The client's address: the peer, or the first `X-Forwarded-For` hop when
/// `PAHT_TRUST_PROXY` is set.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.config.trust_proxy);
        let info = req.connection_info();
        let addr = if trust {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        let addr = addr.unwrap_or("unknown");
        // Strip the port of "ip:port" (and keep IPv6 addresses whole).
        let ip = addr
            .parse::<std::net::SocketAddr>()
            .map(|s| s.ip().to_string())
            .unwrap_or_else(|_| addr.to_string());
        std::future::ready(Ok(ClientAddr(ip)))
    }
}

// ---------------------------------------------------------------- JSON bodies

/// A JSON body, deserialised (unknown fields rejected by the types) and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        let limits = req.app_data::<BodyLimits>().copied().unwrap_or(BodyLimits {
            bytes: 1024 * 1024,
            timeout: std::time::Duration::from_secs(30),
        });
        let declared = declared_length(req);
        // Taking the payload cannot fail.
        let payload = web::Payload::from_request(req, payload)
            .into_inner()
            .map_err(AppError::internal);
        Box::pin(async move {
            if !is_json {
                return Err(AppError::unsupported_media_type());
            }
            let body = read_body(payload?, declared, limits.bytes, limits.timeout).await?;
            let value = parse_json::<T>(&body)?;
            validate(&value)?;
            Ok(ValidJson(value))
        })
    }
}

/// The limits of a JSON body (`ValidJson`): its size, and the time it may take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub bytes: usize,
    pub timeout: std::time::Duration,
}

/// The body's declared length (`Content-Length`), if any.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// Reads a whole body: 413 at once when it declares more than `limit` bytes or when it sends
/// more, 408 when it has not arrived within `timeout` (a slow or stalled client).
pub async fn read_body(
    payload: web::Payload,
    declared: Option<usize>,
    limit: usize,
    timeout: std::time::Duration,
) -> Result<Bytes, AppError> {
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::payload_too_large(limit));
    }
    actix_web::rt::time::timeout(timeout, payload.to_bytes_limited(limit))
        .await
        .map_err(|_| AppError::request_timeout(timeout))?
        .map_err(|_| AppError::payload_too_large(limit))?
        .map_err(|_| {
            AppError::bad_request(
                "unreadable_body",
                "Không đọc được dữ liệu gửi lên.",
                "The request body could not be read.",
            )
        })
}

fn not_an_object(field: &str) -> AppError {
    AppError::validation(vec![FieldError::new(
        field,
        "invalid_type",
        Msg::new(
            "Kiểu dữ liệu không hợp lệ; cần đối tượng JSON.",
            "Invalid type; expected a JSON object.",
        ),
    )])
}

/// A syntax error, with where it is.
fn malformed(inner: &serde_json::Error) -> AppError {
    let mut e = AppError::bad_request(
        "malformed_json",
        "Dữ liệu gửi lên không phải JSON hợp lệ.",
        "The request body is not valid JSON.",
    );
    e.errors.push(FieldError::new(
        "body",
        "malformed_json",
        Msg::new(
            format!(
                "Lỗi cú pháp ở dòng {}, cột {}.",
                inner.line(),
                inner.column()
            ),
            format!(
                "Syntax error at line {}, column {}.",
                inner.line(),
                inner.column()
            ),
        ),
    ));
    e
}

/// Parses a JSON document into `T`, naming the failing field. The document must be an object
/// (serde would take an array for a struct, by position), and its strings must not hold
/// control characters other than tab and line breaks.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        // Still report a syntax error as such.
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Err(e) if !e.is_data() => malformed(&e),
                _ => not_an_object("body"),
            },
        );
    }
    if control::in_json(body) {
        return Err(AppError::validation(vec![FieldError::control_character(
            "body",
        )]));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(de);
    match parsed {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if !inner.is_data() {
                return Err(malformed(&inner));
            }
            Err(AppError::validation(vec![describe_serde_error(
                &path,
                &inner.to_string(),
            )]))
        }
    }
}

/// Turns a serde message into a field error without the submitted value.
fn describe_serde_error(path: &str, msg: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    let expected = msg
        .rsplit_once(", expected ")
        .or_else(|| msg.rsplit_once(" expected "))
        .map(|(_, e)| {
            e.split(" at line ")
                .next()
                .unwrap_or(e)
                .trim_start_matches("one of ")
                .to_string()
        })
        .unwrap_or_default();
    let whole = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    if msg.starts_with("missing field") {
        FieldError::new(
            join(&quoted(msg)),
            "required",
            Msg::new("Trường này là bắt buộc.", "This field is required."),
        )
    } else if msg.starts_with("unknown field") {
        FieldError::new(
            join(&quoted(msg)),
            "unknown_field",
            Msg::new(
                "Trường này không được chấp nhận.",
                "This field is not accepted.",
            ),
        )
    } else if msg.starts_with("unknown variant") {
        FieldError::new(
            whole(),
            "invalid_value",
            Msg::new(
                format!("Giá trị không hợp lệ; cần một trong: {expected}."),
                format!("Invalid value; expected one of {expected}."),
            ),
        )
    } else if expected.is_empty() {
        FieldError::new(
            whole(),
            "invalid_value",
            Msg::new("Giá trị không hợp lệ.", "Invalid value."),
        )
    } else {
        FieldError::new(
            whole(),
            "invalid_type",
            Msg::new(
                format!("Kiểu dữ liệu không hợp lệ; cần {}.", expected_vi(&expected)),
                format!("Invalid type; expected {expected}."),
            ),
        )
    }
}

/// Serde's names of expected types, in Vietnamese.
fn expected_vi(expected: &str) -> String {
    let e = expected.trim();
    let vi = if e.contains("RFC 3339") {
        "thời điểm theo RFC 3339 có múi giờ, ví dụ 2026-02-13T15:00:00+07:00"
    } else if e.contains("YYYY-MM-DD") {
        "ngày dạng YYYY-MM-DD"
    } else if e.contains("string") || e.contains("char") {
        "chuỗi ký tự"
    } else if e.contains("bool") {
        "giá trị true/false"
    } else if e.starts_with('i') || e.starts_with('u') || e.contains("integer") {
        "số nguyên"
    } else if e.starts_with('f') || e.contains("float") || e.contains("number") {
        "số"
    } else if e.contains("sequence") || e.contains("array") {
        "danh sách"
    } else if e.contains("map") || e.starts_with("struct") {
        "đối tượng JSON"
    } else {
        return e.to_string();
    };
    vi.to_string()
}

/// Runs the `validator` rules and names every failing field.
pub fn validate<T: Validate>(value: &T) -> Result<(), AppError> {
    match value.validate() {
        Ok(()) => Ok(()),
        Err(errs) => {
            let mut out = Vec::new();
            flatten(&errs, "", &mut out);
            Err(AppError::validation(out))
        }
    }
}

fn flatten(errs: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    out.push(FieldError::new(
                        path.clone(),
                        e.code.clone(),
                        validation_message(e),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn validation_message(e: &validator::ValidationError) -> Msg {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => Msg::new(
                format!("Độ dài phải từ {min} đến {max} ký tự."),
                format!("Length must be {min} to {max} characters."),
            ),
            (Some(min), None) => Msg::new(
                format!("Cần ít nhất {min} ký tự."),
                format!("At least {min} characters."),
            ),
            (None, Some(max)) => Msg::new(
                format!("Tối đa {max} ký tự."),
                format!("At most {max} characters."),
            ),
            _ => Msg::new("Độ dài không hợp lệ.", "Invalid length."),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => Msg::new(
                format!("Giá trị phải từ {min} đến {max}."),
                format!("Must be between {min} and {max}."),
            ),
            _ => Msg::new("Giá trị ngoài phạm vi cho phép.", "Value out of range."),
        },
        "email" => Msg::new(
            "Địa chỉ thư điện tử không hợp lệ.",
            "Not a valid e-mail address.",
        ),
        "required" => Msg::new("Trường này là bắt buộc.", "This field is required."),
        _ => match &e.message {
            Some(m) => Msg::new(m.to_string(), m.to_string()),
            None => Msg::new("Giá trị không hợp lệ.", "Invalid value."),
        },
    }
}

// ---------------------------------------------------------------- query strings

/// A query string, deserialised (unknown parameters rejected by the types) and validated.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T> ValidQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query::<T>(req.query_string()).map(ValidQuery))
    }
}

pub fn parse_query<T: DeserializeOwned + Validate>(qs: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(qs.as_bytes()));
    let value: T = serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let msg = err.inner().to_string();
        let fe = describe_serde_error(&path, &msg);
        let field = if fe.field == "body" {
            "query".to_string()
        } else {
            fe.field
        };
        AppError::bad_parameter(
            "invalid_query",
            vec![FieldError::new(field, fe.code, fe.message)],
        )
    })?;
    validate(&value)
        .map_err(|mut e| AppError::bad_parameter("invalid_query", std::mem::take(&mut e.errors)))?;
    Ok(value)
}

// ---------------------------------------------------------------- actix configs

/// Maps path-parameter failures to a problem document.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, req| {
        let names: Vec<String> = req
            .match_info()
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        AppError::bad_parameter(
            "invalid_path_parameter",
            names
                .into_iter()
                .map(|n| {
                    FieldError::new(
                        n,
                        "invalid_value",
                        Msg::new("Giá trị không hợp lệ.", "Invalid value."),
                    )
                })
                .collect(),
        )
        .into()
    })
}

/// Maps `web::Query` failures to a problem document.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_err, _req| {
        AppError::bad_parameter(
            "invalid_query",
            vec![FieldError::new(
                "query",
                "invalid_value",
                Msg::new("Tham số truy vấn không hợp lệ.", "Invalid query parameter."),
            )],
        )
        .into()
    })
}

/// Maps `web::Json` failures (where a handler uses it) to problem documents.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |err, _req| {
            use actix_web::error::JsonPayloadError as E;
            match err {
                E::OverflowKnownLength { .. } | E::Overflow { .. } => {
                    AppError::payload_too_large(limit)
                }
                E::ContentType => AppError::unsupported_media_type(),
                _ => AppError::bad_request(
                    "malformed_json",
                    "Dữ liệu gửi lên không phải JSON hợp lệ.",
                    "The request body is not valid JSON.",
                ),
            }
            .into()
        })
}

/// The body-size limit for raw payloads (`ValidJson` reads `BodyLimits`).
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// Deserializers for query parameters, with messages that name what is expected and never
/// repeat the value.
pub mod de {
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::{Deserialize, Deserializer, de::Error};

    /// An RFC 3339 instant with its offset. In a query string an unencoded `+` arrives as a
    /// space, so a space before the offset is read as `+`.
    pub fn instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        let s = s.trim().replace(' ', "+");
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.to_utc())
            .map_err(|_| {
                D::Error::custom(
                    "invalid value, expected an RFC 3339 instant such as 2026-02-13T15:00:00+07:00",
                )
            })
    }

    /// An optional RFC 3339 instant (`#[serde(default, deserialize_with = "de::opt_instant")]`).
    pub fn opt_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        instant(d).map(Some)
    }

    /// An optional local date (`#[serde(default, deserialize_with = "de::opt_date")]`).
    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        date(d).map(Some)
    }

    /// A local date `YYYY-MM-DD`.
    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| D::Error::custom("invalid value, expected a date YYYY-MM-DD"))
    }
}
