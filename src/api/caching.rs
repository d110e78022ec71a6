//! Conditional GETs: a JSON answer to a GET carries a weak `ETag` (a hash of its bytes) and a
//! `Cache-Control`, and a client that sends the same tag in `If-None-Match` gets
//! `304 Not Modified` without the body. Public pages (`/api/v1/public/…`) may be cached by
//! anyone for a minute; everything else only by the caller, and revalidated each time.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, body};
use sha2::{Digest, Sha256};

/// A JSON answer larger than this is sent as it is (exports stream; they are not JSON).
const MAX_TAGGED: usize = 4 * 1024 * 1024;

/// Tags JSON answers to GETs and answers 304 to a matching `If-None-Match`.
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let public = req.path().starts_with("/api/v1/public/");
    let wanted = (req.method() == Method::GET && req.path().starts_with("/api/"))
        .then(|| req.headers().get(header::IF_NONE_MATCH).cloned());
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(if_none_match) = wanted else {
        return Ok(res);
    };
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if res.status() != StatusCode::OK || !json || res.headers().contains_key(header::ETAG) {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = match body::to_bytes_limited(body, MAX_TAGGED).await {
        Ok(Ok(b)) => b,
        // Too large or unreadable: nothing was sent yet, but the body is gone; answer as an
        // error rather than half a page.
        _ => {
            return Ok(ServiceResponse::new(
                req,
                HttpResponse::InternalServerError().finish(),
            ));
        }
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!(
        "W/\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == tag.trim_start_matches("W/"))
        });
    let headers = head.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, v);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if public {
                "public, max-age=60"
            } else {
                "private, no-cache"
            }),
        );
    }
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    if matches {
        headers.remove(header::CONTENT_TYPE);
        *head.status_mut() = StatusCode::NOT_MODIFIED;
        let res = head.set_body(BoxBody::new(()));
        return Ok(ServiceResponse::new(req, res));
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}
