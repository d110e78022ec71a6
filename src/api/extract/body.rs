//! JSON bodies, and reading a whole body within its size and time limits.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::api::control;
use crate::error::{AppError, FieldError, Msg};

use super::messages::{describe_serde_error, validate};

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
        let has_type = req.headers().contains_key(header::CONTENT_TYPE);
        let declared = declared_length(req);
        // Taking the payload cannot fail.
        let payload = web::Payload::from_request(req, payload)
            .into_inner()
            .map_err(AppError::internal);
        Box::pin(async move {
            if !is_json && has_type {
                return Err(AppError::unsupported_media_type());
            }
            let body = read_body(payload?, declared, limits.bytes, limits.timeout).await?;
            // No body at all is the empty object: an action whose fields are all optional
            // needs none. Anything else must say it is JSON.
            let body: &[u8] = if body.is_empty() {
                b"{}"
            } else if !is_json {
                return Err(AppError::unsupported_media_type());
            } else {
                &body
            };
            let value = parse_json::<T>(body)?;
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
