//! Downloads of stored files (attachments, recordings, raw e-mails, letters): a strong `ETag`
//! (the SHA-256 of the bytes), `If-None-Match` (304), and one byte range (`Range`, 206; 416 past
//! the end) read from the store without the rest of the file, so a player can seek a recording
//! and a broken download can resume. Several ranges in one request are answered with the whole
//! file (RFC 9110 lets a server ignore `Range`); `If-Range` with another tag does the same.

use std::ops::Range;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::{AppError, AppResult, Msg};
use crate::service::objects::Stored;

/// The request headers a download answers to (for the contract).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct DownloadHeaders {
    /// One byte range, e.g. `bytes=0-1023`, `bytes=1024-` or `bytes=-500` (206); a range past
    /// the end answers 416; several ranges, or another unit, answer the whole file.
    #[serde(rename = "Range")]
    pub range: Option<String>,
    /// The `ETag` of a copy already held: 304 when the file is still that.
    #[serde(rename = "If-None-Match")]
    pub if_none_match: Option<String>,
    /// With `Range`: the `ETag` the range belongs to; another tag answers the whole file.
    #[serde(rename = "If-Range")]
    pub if_range: Option<String>,
}

/// What a download request asks, read before the file is looked up.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    range: Option<String>,
    if_none_match: Option<String>,
    if_range: Option<String>,
}

/// What is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    Full,
    NotModified,
    Part(Range<u64>),
    Unsatisfiable,
}

fn tag_of(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

fn header_text(req: &HttpRequest, name: header::HeaderName) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

impl Conditions {
    pub fn of(req: &HttpRequest) -> Conditions {
        Conditions {
            range: header_text(req, header::RANGE),
            if_none_match: header_text(req, header::IF_NONE_MATCH),
            if_range: header_text(req, header::IF_RANGE),
        }
    }

    /// What to answer for a file of this digest and size.
    pub fn want(&self, sha256: &str, size: u64) -> Want {
        let tag = tag_of(sha256);
        if let Some(inm) = &self.if_none_match
            && inm
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == tag)
        {
            return Want::NotModified;
        }
        let Some(range) = &self.range else {
            return Want::Full;
        };
        if self.if_range.as_deref().is_some_and(|t| t.trim() != tag) {
            return Want::Full;
        }
        // A header that is not a byte range at all is ignored (RFC 9110 §14.2).
        let Ok(parsed) = http_range_header::parse_range_header(range) else {
            return Want::Full;
        };
        match parsed.validate(size) {
            Ok(ranges) if ranges.len() == 1 => {
                let r = &ranges[0];
                Want::Part(*r.start()..r.end() + 1)
            }
            Ok(_) => Want::Full,
            Err(_) => Want::Unsatisfiable,
        }
    }

    /// Decides and reads: the answer and the bytes it carries.
    pub fn read(&self, stored: Stored) -> AppResult<Served> {
        let (sha256, size) = (stored.sha256.clone(), stored.size);
        let want = self.want(&sha256, size);
        let body = match &want {
            Want::Full => stored.read(None)?,
            Want::Part(r) => stored.read(Some(r.clone()))?,
            Want::NotModified | Want::Unsatisfiable => Vec::new(),
        };
        Ok(Served {
            want,
            sha256,
            size,
            body,
        })
    }
}

/// A download decided and read (sent from a blocking thread to the response).
#[derive(Debug)]
pub struct Served {
    want: Want,
    sha256: String,
    size: u64,
    body: Vec<u8>,
}

impl Served {
    /// The response: the file's type and disposition, and how it may be cached.
    pub fn respond(self, content_type: &str, disposition: &str, cache: &str) -> HttpResponse {
        let tag = tag_of(&self.sha256);
        if self.want == Want::Unsatisfiable {
            let mut res = AppError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                Msg::new(
                    format!(
                        "Khoảng byte yêu cầu nằm ngoài tệp (tệp có {} byte).",
                        self.size
                    ),
                    format!(
                        "The requested range is outside the file ({} bytes).",
                        self.size
                    ),
                ),
            )
            .error_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", self.size)) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return res;
        }
        let mut b = match &self.want {
            Want::NotModified => HttpResponse::NotModified(),
            Want::Part(_) => HttpResponse::PartialContent(),
            _ => HttpResponse::Ok(),
        };
        b.insert_header((header::ETAG, tag))
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .insert_header((header::CACHE_CONTROL, cache.to_string()))
            .insert_header(("X-Content-Type-Options", "nosniff"));
        match self.want {
            Want::NotModified => b.finish(),
            want => {
                if let Want::Part(r) = want {
                    b.insert_header((
                        header::CONTENT_RANGE,
                        format!("bytes {}-{}/{}", r.start, r.end - 1, self.size),
                    ));
                }
                b.content_type(content_type.to_string())
                    .insert_header((header::CONTENT_DISPOSITION, disposition.to_string()))
                    .body(self.body)
            }
        }
    }
}

/// A `Content-Disposition` value for a download named `name` (ASCII only; others become `_`).
pub fn attachment_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(range: Option<&str>, inm: Option<&str>, if_range: Option<&str>) -> Conditions {
        Conditions {
            range: range.map(Into::into),
            if_none_match: inm.map(Into::into),
            if_range: if_range.map(Into::into),
        }
    }

    #[test]
    fn ranges_tags_and_their_exceptions() {
        let sha = "ab".repeat(32);
        let tag = format!("\"{sha}\"");
        assert_eq!(c(None, None, None).want(&sha, 10), Want::Full);
        assert_eq!(
            c(Some("bytes=2-5"), None, None).want(&sha, 10),
            Want::Part(2..6)
        );
        assert_eq!(
            c(Some("bytes=-3"), None, None).want(&sha, 10),
            Want::Part(7..10)
        );
        assert_eq!(
            c(Some("bytes=8-"), None, None).want(&sha, 10),
            Want::Part(8..10)
        );
        assert_eq!(
            c(Some("bytes=10-"), None, None).want(&sha, 10),
            Want::Unsatisfiable
        );
        assert_eq!(
            c(Some("bytes=0-1,4-5"), None, None).want(&sha, 10),
            Want::Full
        );
        assert_eq!(c(Some("pages=1"), None, None).want(&sha, 10), Want::Full);
        assert_eq!(c(None, Some(&tag), None).want(&sha, 10), Want::NotModified);
        assert_eq!(
            c(None, Some("\"other\", *"), None).want(&sha, 10),
            Want::NotModified
        );
        assert_eq!(c(None, Some("\"other\""), None).want(&sha, 10), Want::Full);
        assert_eq!(
            c(Some("bytes=2-5"), None, Some("\"old\"")).want(&sha, 10),
            Want::Full
        );
        assert_eq!(
            c(Some("bytes=2-5"), None, Some(&tag)).want(&sha, 10),
            Want::Part(2..6)
        );
    }
}
