//! The switchboard's form: the call's fields and its recording, every problem reported at once.

use actix_web::HttpRequest;
use chrono::{DateTime, Utc};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::channels::calls::{NewCall, Recording};

/// A call as the switchboard posts it (`multipart/form-data`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub(super) struct CallForm {
    /// The caller's number (`${CALLERID(num)}`).
    #[schema(example = "0918765432", max_length = 32)]
    caller: String,
    /// The line called (`${EXTEN}`), e.g. `1022`.
    #[schema(example = "1022", max_length = 32)]
    line: String,
    /// When the call started: RFC 3339, or Unix seconds (`${CDR(start,u)}`).
    #[schema(example = "2026-03-06T10:30:00Z")]
    start: String,
    /// When it ended: RFC 3339, or Unix seconds (`${EPOCH}` in the hangup handler).
    #[schema(example = "2026-03-06T10:34:10Z")]
    end: String,
    /// `inbound` (default) or `outbound` (the IOC calling back).
    #[schema(example = "inbound")]
    direction: Option<String>,
    /// `true` when the switchboard took it after hours (its recorder answered); the working
    /// calendar decides when absent.
    after_hours: Option<bool>,
    /// The switchboard's id of the call (`${UNIQUEID}`, FreeSWITCH `${uuid}`): posting it again
    /// answers the first call.
    #[schema(max_length = 128)]
    call_id: Option<String>,
    /// The recording (MP3, WAV, M4A or AMR; checked by its bytes).
    #[schema(value_type = Option<String>, format = Binary, content_media_type = "application/octet-stream")]
    recording: Option<Vec<u8>>,
}

fn required(f: &str) -> FieldError {
    FieldError::new(
        f,
        "required",
        Msg::new("Trường này là bắt buộc.", "This field is required."),
    )
}

fn instant(f: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let v = v.trim();
    let t = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
    } else {
        DateTime::parse_from_rfc3339(v).ok().map(|t| t.to_utc())
    };
    if t.is_none() {
        errors.push(FieldError::new(
            f,
            "invalid_value",
            Msg::new(
                "Thời điểm phải theo RFC 3339 hoặc số giây Unix.",
                "An instant in RFC 3339 or Unix seconds.",
            ),
        ));
    }
    t
}

/// Reads the switchboard's form into a call (every problem at once).
pub(super) async fn read_call(
    req: &HttpRequest,
    body: actix_web::web::Bytes,
) -> AppResult<NewCall> {
    let mut fields = std::collections::HashMap::new();
    let mut file = None;
    let mut errors = Vec::new();
    for part in crate::api::extract::form_parts(req, body).await? {
        let crate::api::extract::FormPart {
            name,
            file_name,
            content_type,
            data,
        } = part;
        match name.as_str() {
            "recording" if file.is_none() => {
                file = Some(Recording {
                    content_type: content_type.unwrap_or_default(),
                    file_name: file_name.unwrap_or_else(|| "ghi-am".into()),
                    data,
                })
            }
            "caller" | "line" | "start" | "end" | "direction" | "after_hours" | "call_id"
                if !fields.contains_key(&name) =>
            {
                match String::from_utf8(data) {
                    Ok(t) => {
                        fields.insert(name, t);
                    }
                    Err(_) => errors.push(FieldError::new(
                        name,
                        "invalid_value",
                        Msg::new("Không phải văn bản UTF-8.", "Not UTF-8 text."),
                    )),
                }
            }
            "caller" | "line" | "start" | "end" | "direction" | "after_hours" | "call_id"
            | "recording" => errors.push(FieldError::new(
                name,
                "duplicate_field",
                Msg::new(
                    "Trường này chỉ được gửi một lần.",
                    "This field may be sent once.",
                ),
            )),
            _ => errors.push(FieldError::new(
                name,
                "unknown_field",
                Msg::new(
                    "Trường này không được chấp nhận.",
                    "This field is not accepted.",
                ),
            )),
        }
    }
    let mut text = |f: &str| {
        let v = fields.get(f).map(|v| v.trim().to_string());
        if v.is_none() && matches!(f, "caller" | "line" | "start" | "end") {
            errors.push(required(f));
        }
        v
    };
    let (caller, line, start, end) = (text("caller"), text("line"), text("start"), text("end"));
    let (direction, after_hours, call_id) =
        (text("direction"), text("after_hours"), text("call_id"));
    let start = start.and_then(|v| instant("start", &v, &mut errors));
    let end = end.and_then(|v| instant("end", &v, &mut errors));
    let after_hours = match after_hours.as_deref() {
        None | Some("") => None,
        Some("true" | "1" | "yes") => Some(true),
        Some("false" | "0" | "no") => Some(false),
        Some(_) => {
            errors.push(FieldError::new(
                "after_hours",
                "invalid_value",
                Msg::new("Giá trị là true hoặc false.", "true or false."),
            ));
            None
        }
    };
    match (caller, line, start, end) {
        (Some(caller), Some(line), Some(start), Some(end)) if errors.is_empty() => Ok(NewCall {
            switchboard_id: call_id.filter(|s| !s.is_empty()),
            caller,
            line,
            direction: direction
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "inbound".into()),
            start,
            end,
            after_hours,
            recording: file,
        }),
        _ => Err(AppError::validation(errors)),
    }
}
