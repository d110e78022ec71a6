//! Middleware: the request context (request id, language of problem documents, metrics, one
//! log line per request) and authentication (once, here; handlers only read the principal).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use tracing::Instrument;

use crate::api::control;
use crate::api::state::AppState;
use crate::config::Config;
use crate::error::{AppError, Lang};
use crate::service::auth;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Takes the caller's `x-request-id` when it is a short token, or makes one.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// Request id in and out, English problem documents on request, metrics and the access log.
/// The log line carries the path without its query string (a search can hold personal data).
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let rid = request_id(&req);
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let method = req.method().to_string();
    let path = req.path().to_string();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let route = req
        .app_data::<web::Data<crate::api::fallback::RouteTable>>()
        .and_then(|t| t.pattern(req.path()).map(str::to_string))
        .unwrap_or_else(|| "unmatched".into());
    let span = tracing::info_span!("request", request_id = %rid);
    let res = next.call(req).instrument(span.clone()).await?;
    let mut res = res.map_into_boxed_body();

    if lang == Lang::En
        && let Some(app_err) = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
    {
        let english = app_err.to_response(Lang::En);
        res = res.into_response(english);
    }
    if let Ok(v) = HeaderValue::from_str(&rid) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    if let Some(st) = state {
        st.metrics.observe(&method, &route, status, elapsed);
    }
    // One line per request at debug level only; a server error or a slow answer is worth a
    // line at any level.
    let ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(method = %method, path = %path, route = %route, status, duration_ms = ms, "request");
        } else if elapsed >= SLOW_REQUEST {
            tracing::info!(method = %method, path = %path, route = %route, status, duration_ms = ms, "slow request");
        } else {
            tracing::debug!(method = %method, path = %path, route = %route, status, duration_ms = ms, "request");
        }
    });
    Ok(res)
}

/// A request answered later than this is logged at info level.
const SLOW_REQUEST: std::time::Duration = std::time::Duration::from_secs(1);

/// Refuses a request with a control character in its path, query or headers (400), before
/// any handler or database sees it.
pub async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(field) = control::in_request(&req) {
        return Ok(req.error_response(AppError::control_character(&field)));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Reads `Authorization: Bearer <token>`, checks it and puts the `Principal` in the request.
/// A request without the header goes on anonymous; a bad token is refused at once (401).
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_string());
        let Some(st) = req.app_data::<web::Data<AppState>>().cloned() else {
            return Ok(req.error_response(AppError::internal("state missing")));
        };
        let result = match token {
            None => Err(AppError::unauthorized(
                "invalid_token",
                "Phiên đăng nhập không hợp lệ.",
                "Malformed Authorization header.",
            )),
            // A token remembered earlier is found as it is (its window checked against the
            // clock); another is checked here (signature, clock) and its account loaded from
            // the database in the blocking pool.
            Some(token) => match auth::remembered(&st, &token, st.clock.now()) {
                Some(found) => Ok(found),
                None => match auth::decode_access_token(&st, &token, st.clock.now()) {
                    Err(e) => Err(e),
                    Ok(claims) => {
                        let st2 = st.clone();
                        match web::block(move || auth::load_and_remember(&st2, &token, &claims))
                            .await
                        {
                            Ok(r) => r,
                            Err(e) => Err(AppError::internal(e)),
                        }
                    }
                },
            },
        };
        match result {
            Ok((p, account)) => {
                let mut ext = req.extensions_mut();
                ext.insert(p);
                ext.insert(account);
            }
            Err(e) => return Ok(req.error_response(e)),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// A cross-origin request the CORS policy refuses (an origin, method or header not allowed)
/// gets a problem document like every other error, not the CORS layer's plain text.
pub async fn cors_problem(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let cross_origin = req.headers().contains_key(header::ORIGIN);
    let refused = || {
        AppError::bad_request(
            "cors_refused",
            "Trang web gửi yêu cầu không được phép gọi API này (CORS): nguồn gốc, phương thức hoặc tiêu đề không nằm trong danh sách cho phép.",
            "The calling site may not use this API (CORS): its origin, method or headers are not allowed.",
        )
    };
    // The CORS layer answers a refusal itself (an error response, not an `Err`).
    let res = next.call(req).await?;
    let plain = res.status() == actix_web::http::StatusCode::BAD_REQUEST
        && res
            .response()
            .error()
            .is_none_or(|e| e.as_error::<AppError>().is_none())
        && !res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
    if cross_origin && plain {
        return Ok(res
            .into_response(refused().error_response())
            .map_into_boxed_body());
    }
    Ok(res.map_into_boxed_body())
}

/// CORS for the configured origins (none by default: same-origin only).
pub fn cors(config: &Config) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static("idempotency-key"),
            REQUEST_ID,
        ])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER, header::LOCATION])
        .max_age(3600);
    for origin in &config.cors_origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}
