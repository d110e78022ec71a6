//! Conditional GETs: a JSON answer to a GET carries a weak `ETag` (a hash of its bytes) and a
//! `Cache-Control`, and a client that sends the same tag in `If-None-Match` gets
//! `304 Not Modified` without the body. Public pages (`/api/v1/public/…`) may be cached by
//! anyone for a minute; everything else only by the caller, and revalidated each time.
//!
//! The server itself serves an anonymous public page again for a moment (`PublicCache`), and
//! so the answer that a page is not there (an unknown tracking code): any change of a report
//! committed by this process ends that at once, and the time limit bounds changes made
//! elsewhere (another replica, the directory).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError, body};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::RwLock;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use actix_web::web::{Bytes, Data};

use crate::api::state::AppState;

/// At most this many public answers are kept; past it the cache starts again.
const MAX_PUBLIC: usize = 2_000;

/// Anonymous answers of public pages, by path and query.
pub struct PublicCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Kept>>,
}

struct Kept {
    answer: Answer,
    changes: u64,
    at: Instant,
}

/// A kept public answer: a page, or the problem of something that is not there (an unknown
/// tracking code), kept as the error so that it is still answered in the caller's language.
#[derive(Clone)]
enum Answer {
    Page { body: Bytes, tag: String },
    Missing(crate::error::AppError),
}

impl PublicCache {
    /// A cache whose answers live `ttl` at most (zero: nothing is kept).
    pub fn new(ttl: Duration) -> Self {
        PublicCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    fn get(&self, key: &str, changes: u64) -> Option<Answer> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.read().ok()?;
        let k = entries.get(key)?;
        (k.changes == changes && k.at.elapsed() < self.ttl).then(|| k.answer.clone())
    }

    fn put(&self, key: String, answer: Answer, changes: u64) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_PUBLIC {
                entries.clear();
            }
            entries.insert(
                key,
                Kept {
                    answer,
                    changes,
                    at: Instant::now(),
                },
            );
        }
    }
}

/// A weak tag of a body: a hash of its bytes (not a secret; only equality matters).
fn tag_of(bytes: &[u8]) -> String {
    let mut a = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    (bytes.len(), 0x5a17u16).hash(&mut b);
    bytes.hash(&mut b);
    format!("W/\"{:016x}{:016x}\"", a.finish(), b.finish())
}

fn matches(if_none_match: Option<&HeaderValue>, tag: &str) -> bool {
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == tag.trim_start_matches("W/"))
        })
}

/// The answer of a kept public page (or its 304).
fn kept_answer(
    req: ServiceRequest,
    body: Bytes,
    tag: &str,
    fresh: bool,
) -> ServiceResponse<BoxBody> {
    let mut res = if fresh {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type("application/json")
            .body(body)
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    h.append(header::VARY, HeaderValue::from_static("Authorization"));
    req.into_response(res)
}

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
    // An anonymous public page kept from a moment ago, if no report changed since.
    let keep = match (
        &wanted,
        public && !req.headers().contains_key(header::AUTHORIZATION),
    ) {
        (Some(_), true) => req.app_data::<Data<AppState>>().map(|st| {
            let changes = st.report_changes.load(Ordering::Acquire);
            (st.public.clone(), changes, req.uri().to_string())
        }),
        _ => None,
    };
    if let Some((cache, changes, key)) = &keep {
        match cache.get(key, *changes) {
            Some(Answer::Page { body, tag }) => {
                let fresh = matches(wanted.as_ref().and_then(|w| w.as_ref()), &tag);
                return Ok(kept_answer(req, body, &tag, fresh));
            }
            Some(Answer::Missing(e)) => return Ok(req.error_response(e)),
            None => {}
        }
    }
    let res = next.call(req).await?.map_into_boxed_body();
    if let Some((cache, changes, key)) = &keep
        && res.status() == StatusCode::NOT_FOUND
        && let Some(e) = res
            .response()
            .error()
            .and_then(|e| e.as_error::<crate::error::AppError>())
    {
        cache.put(key.clone(), Answer::Missing(e.clone()), *changes);
    }
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
        // Too large or unreadable: nothing was sent yet, but the body is gone; answer a
        // problem document rather than half a page.
        _ => {
            let e = crate::error::AppError::internal("a JSON answer could not be tagged");
            return Ok(ServiceResponse::new(req, e.error_response()));
        }
    };
    let tag = tag_of(&bytes);
    if let Some((cache, changes, key)) = keep {
        cache.put(
            key,
            Answer::Page {
                body: bytes.clone(),
                tag: tag.clone(),
            },
            changes,
        );
    }
    let fresh = matches(if_none_match.as_ref(), &tag);
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
    if fresh {
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
