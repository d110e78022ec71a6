//! One error type for the whole service, rendered as an RFC 9457 problem document
//! (`application/problem+json`) with a stable snake_case `code`.
//!
//! - domain and service code return `AppError` built with the constructors below;
//! - database and pool errors convert with `?` (unique violations and "not found" get their own
//!   codes, everything else is an internal error whose cause is logged and never sent);
//! - the request-context middleware re-renders the `detail` in English when the client asks
//!   for it with `Accept-Language: en`; Vietnamese is the default.
//!
//! `message`: the two languages of a message and the invalid fields; `problem`: the document
//! and the HTTP response.

mod message;
mod problem;

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;

pub use message::{FieldError, Lang, Msg};
pub use problem::{Problem, ProblemField};

/// The error of every fallible operation in the service (boxed: results stay small).
#[derive(Debug, Clone)]
pub struct AppError(Box<ErrorData>);

/// What an `AppError` holds.
#[derive(Debug, Clone)]
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
    /// 400 `invalid_query`: one query parameter has an invalid value.
    pub fn invalid_query(field: &str, vi: &'static str, en: &'static str) -> Self {
        Self::bad_parameter(
            "invalid_query",
            vec![FieldError::of(field, "invalid_value", vi, en)],
        )
    }

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

    /// 403 for a credential that is not one (a wrong API key), with its own code.
    pub fn refused(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, Msg::new(vi, en))
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

    /// 404 with a code of its own: what is asked for does not exist yet.
    pub fn missing(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, Msg::new(vi, en))
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

    /// 503: more state-changing requests are in progress than the service serves in time;
    /// nothing was written, and the client may send the same request again after `Retry-After`.
    pub fn overloaded() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            Msg::new(
                "Hệ thống đang quá tải, yêu cầu chưa được thực hiện. Vui lòng gửi lại sau ít giây.",
                "The service is overloaded and did not carry out the request. Send it again in a few seconds.",
            ),
        );
        e.retry_after = Some(1);
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
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::not_found("dữ liệu", "Record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let mut e = AppError::conflict(
                    "already_exists",
                    "Dữ liệu đã tồn tại.",
                    "A record with the same key already exists.",
                );
                // For the log only (a constraint's name and message carry no submitted value).
                e.cause = Some(info.message().to_string());
                e
            }
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
