//! One error type for the whole service, rendered as an RFC 9457 problem document
//! (`application/problem+json`) with a stable snake_case `code`.
//!
//! - domain and service code return `AppError` built with the constructors below;
//! - database and pool errors convert with `?` (unique violations and "not found" get their own
//!   codes, everything else is an internal error whose cause is logged and never sent);
//! - the request-context middleware re-renders the `detail` in English when the client asks
//!   for it with `Accept-Language: en`; Vietnamese is the default.

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// A message in both languages the API speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub vi: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Msg {
    pub fn new(vi: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// The language of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header: English only when the client
    /// prefers it to Vietnamese.
    pub fn from_accept_language(value: Option<&str>) -> Self {
        let Some(value) = value else { return Lang::Vi };
        let (mut best_en, mut best_vi) = (-1.0f32, -1.0f32);
        for item in value.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if tag == "en" || tag.starts_with("en-") {
                best_en = best_en.max(q);
            } else if tag == "vi" || tag.starts_with("vi-") || tag == "*" {
                best_vi = best_vi.max(q);
            }
        }
        if best_en > 0.0 && best_en > best_vi {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's path in the request, e.g. `email` or `reporter.phone`, or a parameter name.
    pub field: String,
    /// A stable snake_case code, e.g. `required`, `too_long`, `invalid_format`.
    pub code: Cow<'static, str>,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<Cow<'static, str>>, message: Msg) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message,
        }
    }

    /// A control character (U+0000 and the like) where the API takes none.
    pub fn control_character(field: impl Into<String>) -> Self {
        Self::new(
            field,
            "control_character",
            Msg::new(
                "Có ký tự điều khiển (ví dụ U+0000) không được phép.",
                "Contains a control character (such as U+0000) that is not allowed.",
            ),
        )
    }
}

/// The error of every fallible operation in the service (boxed: results stay small).
#[derive(Debug)]
pub struct AppError(Box<ErrorData>);

/// What an `AppError` holds.
#[derive(Debug)]
pub struct ErrorData {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub detail: Msg,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    pub allow: Option<String>,
    /// The internal cause; logged, never sent.
    pub cause: Option<String>,
}

impl std::ops::Deref for AppError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for AppError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.detail.en
        )
    }
}

impl std::error::Error for AppError {}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(status: StatusCode, code: impl Into<Cow<'static, str>>, detail: Msg) -> Self {
        Self(Box::new(ErrorData {
            status,
            code: code.into(),
            detail,
            errors: Vec::new(),
            retry_after: None,
            allow: None,
            cause: None,
        }))
    }

    /// 400: the request cannot be read at all (malformed JSON, bad parameter).
    pub fn bad_request(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, Msg::new(vi, en))
    }

    /// 400 for an invalid path or query parameter, naming it.
    pub fn bad_parameter(code: &'static str, errors: Vec<FieldError>) -> Self {
        let mut e = Self::bad_request(code, "Tham số không hợp lệ.", "Invalid parameter.");
        e.errors = errors;
        e
    }

    /// 422: the body is well-formed but some fields are invalid; `errors` names them.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Msg::new(
                "Dữ liệu gửi lên không hợp lệ.",
                "The submitted data is invalid.",
            ),
        );
        e.errors = errors;
        e
    }

    /// 422 for one invalid field.
    pub fn invalid_field(field: &str, code: &'static str, message: Msg) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    /// 422 for a rule of the domain that the request breaks (not tied to one field).
    pub fn unprocessable(
        code: &'static str,
        vi: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, Msg::new(vi, en))
    }

    /// 400: a control character (U+0000 and the like) where the API takes none.
    pub fn control_character(field: &str) -> Self {
        let mut e = Self::bad_request(
            "control_character",
            "Dữ liệu gửi lên chứa ký tự điều khiển không được phép.",
            "The request contains a control character that is not allowed.",
        );
        e.errors.push(FieldError::control_character(field));
        e
    }

    /// 401.
    pub fn unauthorized(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, Msg::new(vi, en))
    }

    /// 401 for a request that needs a signed-in user and has none.
    pub fn unauthenticated() -> Self {
        Self::unauthorized(
            "unauthenticated",
            "Vui lòng đăng nhập.",
            "Authentication is required.",
        )
    }

    /// 403.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Msg::new(
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
        )
    }

    /// 404 for a resource that does not exist or that the caller may not see.
    pub fn not_found(what_vi: &'static str, what_en: &'static str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Msg::new(
                format!("Không tìm thấy {what_vi}."),
                format!("{what_en} not found."),
            ),
        )
    }

    /// 409.
    pub fn conflict(
        code: &'static str,
        vi: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(StatusCode::CONFLICT, code, Msg::new(vi, en))
    }

    /// 408: the body did not arrive in time (a slow or stalled client).
    pub fn request_timeout(limit: std::time::Duration) -> Self {
        let secs = limit.as_secs_f64();
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            Msg::new(
                format!("Dữ liệu gửi lên không đến đủ trong {secs} giây."),
                format!("The request body did not arrive within {secs} seconds."),
            ),
        )
    }

    /// 413.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Msg::new(
                format!("Dữ liệu gửi lên vượt quá giới hạn {limit} byte."),
                format!("The request body exceeds the limit of {limit} bytes."),
            ),
        )
    }

    /// 415.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Msg::new(
                "Dữ liệu phải có kiểu application/json.",
                "The request body must be application/json.",
            ),
        )
    }

    /// 415 naming the accepted types.
    pub fn unsupported_media_type_of(accepted: String) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Msg::new(
                format!("Kiểu tệp không được chấp nhận; chấp nhận: {accepted}."),
                format!("Unsupported file type; accepted: {accepted}."),
            ),
        )
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            Msg::new(
                format!("Quá nhiều lần thử. Vui lòng thử lại sau {retry_after_secs} giây."),
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
            ),
        );
        e.retry_after = Some(retry_after_secs);
        e
    }

    /// 503: the database cannot be reached.
    pub fn unavailable(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            Msg::new(
                "Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau.",
                "The service is temporarily unavailable. Try again later.",
            ),
        );
        e.retry_after = Some(5);
        e.cause = Some(cause.to_string());
        e
    }

    /// 500: a fault of ours. The cause is logged; the client learns nothing of it.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            Msg::new("Đã xảy ra lỗi hệ thống.", "An internal error occurred."),
        );
        e.cause = Some(cause.to_string());
        e
    }

    /// 404 for a path no route serves.
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            Msg::new(
                "Không có địa chỉ này trong API.",
                "No such path in the API.",
            ),
        )
    }

    /// 405 with `Allow`.
    pub fn method_not_allowed(allow: String) -> Self {
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Msg::new(
                "Phương thức không được hỗ trợ cho địa chỉ này.",
                "Method not allowed for this path.",
            ),
        );
        e.allow = Some(allow);
        e
    }

    /// The problem document in the given language.
    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            r#type: format!("https://paht.vn/problems/{}", self.code.replace('_', "-")),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_string(),
            code: self.code.to_string(),
            errors: self
                .errors
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code.to_string(),
                    message: f.message.get(lang).to_string(),
                })
                .collect(),
        }
    }

    /// The HTTP response in the given language.
    pub fn to_response(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.content_type("application/problem+json");
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Some(allow) = &self.allow
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            res.insert_header((header::ALLOW, v));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.body(serde_json::to_vec(&self.problem(lang)).unwrap_or_default())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = %self.code, cause = self.cause.as_deref().unwrap_or(""), "request failed");
        }
        // The request-context middleware re-renders it in English when asked.
        self.to_response(Lang::Vi)
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "https://paht.vn/problems/validation-failed")]
    pub r#type: String,
    /// The HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person (Vietnamese unless `Accept-Language: en`).
    pub detail: String,
    /// A stable snake_case code for programs.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// The invalid fields, for validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field in a problem document.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ProblemField {
    /// The field's path in the request body, or the parameter's name.
    pub field: String,
    /// A stable snake_case code.
    pub code: String,
    /// What is wrong with it.
    pub message: String,
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::not_found("dữ liệu", "Record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::conflict(
                "already_exists",
                "Dữ liệu đã tồn tại.",
                "A record with the same key already exists.",
            ),
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => AppError::conflict(
                "referenced_record",
                "Dữ liệu đang được tham chiếu hoặc tham chiếu tới dữ liệu không tồn tại.",
                "The record is referenced, or refers to a record that does not exist.",
            ),
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                AppError::unavailable(info.message())
            }
            other => AppError::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::unavailable(e)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::from_accept_language(None), Lang::Vi);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("vi,en;q=0.8")), Lang::Vi);
        assert_eq!(
            Lang::from_accept_language(Some("vi;q=0.5,en;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Vi);
    }

    #[test]
    fn problem_document_hides_the_cause() {
        let e = AppError::internal("password=hunter2 at db");
        let p = serde_json::to_string(&e.problem(Lang::En)).unwrap();
        assert!(!p.contains("hunter2"));
        assert!(p.contains("\"code\":\"internal_error\""));
        assert!(p.contains("\"status\":500"));
    }
}
