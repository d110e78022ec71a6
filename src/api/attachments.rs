//! Attachments of a report (Art. 4.3, 7.2): upload, list and download, for those who may see
//! the report; never public.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidQuery, declared_length, read_body};
use crate::api::state::AppState;
use crate::error::{AppError, AppResult, FieldError, Msg, Problem};
use crate::service::auth::Principal;

/// An attachment's description.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AttachmentView {
    /// Attachment id (download at `/api/v1/attachments/{id}`).
    pub id: String,
    /// `image`, `video`, `audio`, `call_recording`, `document`.
    pub kind: String,
    /// Content type.
    pub content_type: String,
    /// File name.
    pub file_name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl From<crate::service::records::AttachmentMeta> for AttachmentView {
    fn from(m: crate::service::records::AttachmentMeta) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            content_type: m.content_type,
            file_name: m.file_name,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            created_at: crate::api::views::utc(m.created_at),
        }
    }
}

/// What an upload is, as query parameters (with a raw body) or as form fields (multipart).
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the file is (required, here or as a form field).
    pub kind: Option<crate::domain::attachment::AttachmentKind>,
    /// The file's name (required, here or as a form field; a multipart file's own name serves).
    #[validate(length(min = 1, max = 255))]
    #[param(min_length = 1, max_length = 255)]
    pub name: Option<String>,
}

/// An upload as `multipart/form-data`, as phones and browsers send it.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its part's `Content-Type` is its type (or `application/octet-stream`: read from
    /// the bytes); its `filename` serves as `name`.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// What the file is.
    kind: crate::domain::attachment::AttachmentKind,
    /// The file's name.
    #[schema(min_length = 1, max_length = 255)]
    name: Option<String>,
}

fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "required",
        Msg::new("Trường này là bắt buộc.", "This field is required."),
    )
}

/// The parts of a `multipart/form-data` upload: the file (its type and name) and the fields.
struct FormParts {
    file: Option<(String, Option<String>, Vec<u8>)>,
    kind: Option<String>,
    name: Option<String>,
}

async fn read_form(req: &HttpRequest, body: actix_web::web::Bytes) -> AppResult<FormParts> {
    let mut parts = FormParts {
        file: None,
        kind: None,
        name: None,
    };
    let mut errors = Vec::new();
    for part in crate::api::extract::form_parts(req, body).await? {
        let crate::api::extract::FormPart {
            name: field_name,
            file_name,
            content_type,
            data,
        } = part;
        let text = || String::from_utf8(data.clone()).ok();
        match field_name.as_str() {
            "file" if parts.file.is_none() => {
                parts.file = Some((content_type.unwrap_or_default(), file_name, data))
            }
            "kind" if parts.kind.is_none() => parts.kind = Some(text().unwrap_or_default()),
            "name" if parts.name.is_none() => parts.name = Some(text().unwrap_or_default()),
            "file" | "kind" | "name" => errors.push(FieldError::new(
                field_name,
                "duplicate_field",
                Msg::new(
                    "Trường này chỉ được gửi một lần.",
                    "This field may be sent once.",
                ),
            )),
            _ => errors.push(FieldError::new(
                field_name,
                "unknown_field",
                Msg::new(
                    "Trường này không được chấp nhận.",
                    "This field is not accepted.",
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(parts)
    } else {
        Err(AppError::validation(errors))
    }
}

/// Attach a file, in either of two ways:
/// - `multipart/form-data` with the parts `file`, `kind` and `name` (the file's own name serves
///   when `name` is absent), as phones and browsers send it;
/// - the file as the body, with `kind` and `name` as query parameters.
///
/// The type is the file's `Content-Type` (or, for `application/octet-stream`, read from the
/// bytes): image/jpeg, image/png, image/webp, image/heic (HEIF), video/mp4, video/quicktime (MOV),
/// video/3gpp (3GP), audio/mpeg, audio/wav, audio/mp4 (M4A), audio/amr, application/pdf. The bytes
/// must be of that type. Every missing part is reported at once. The reporter attaches until
/// dispatch; the operator (e.g. the hotline's call recording, Art. 7.2) and the agencies at work
/// while it is being processed. At most 10 per report.
#[utoipa::path(tag = "reports", operation_id = "addReportAttachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id"), UploadQuery),
    request_body(description = "The file as a form (`multipart/form-data`) or as the body (its own type, or `application/octet-stream` and the type is read from the bytes)",
        content((UploadForm = "multipart/form-data"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 201, description = "Attached.", body = AttachmentView),
        (status = 404, description = "No such report, or not visible.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The state does not allow it, or 10 files already.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/attachments")]
pub async fn add_attachment(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    q: ValidQuery<UploadQuery>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
) -> AppResult<HttpResponse> {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    let (limit, timeout) = (st.config.attachment_limit, st.config.upload_timeout);
    // A form carries a little more than its file: its boundaries and its two small fields.
    let limit = if multipart { limit + 16 * 1024 } else { limit };
    let body = read_body(payload, declared_length(&req), limit, timeout).await?;
    let q = q.into_inner();
    let (mut kind, mut name) = (q.kind.map(|k| k.as_str().to_string()), q.name);
    let (file_type, data) = if multipart {
        let parts = read_form(&req, body).await?;
        kind = parts.kind.or(kind);
        name = parts.name.or(name);
        match parts.file {
            Some((t, file_name, data)) => {
                name = name.or(file_name);
                (t, Some(data))
            }
            None => (String::new(), None),
        }
    } else {
        (content_type, Some(body.to_vec()))
    };
    let mut errors = Vec::new();
    if data.as_ref().is_none_or(|d| d.is_empty()) {
        errors.push(required("file"));
    }
    let kind = match kind.as_deref() {
        None | Some("") => {
            errors.push(required("kind"));
            None
        }
        Some(k) => match crate::domain::attachment::AttachmentKind::parse(k) {
            Some(k) => Some(k),
            None => {
                errors.push(FieldError::new(
                    "kind",
                    "invalid_value",
                    Msg::new(
                        "Giá trị không hợp lệ; cần một trong: image, video, audio, call_recording, document.",
                        "Invalid value; expected one of image, video, audio, call_recording, document.",
                    ),
                ));
                None
            }
        },
    };
    match name.as_deref() {
        None | Some("") => errors.push(required("name")),
        Some(n) if n.chars().count() > 255 => errors.push(FieldError::new(
            "name",
            "too_long",
            Msg::new(
                "Tên tệp dài quá 255 ký tự.",
                "The file name is longer than 255 characters.",
            ),
        )),
        Some(n)
            if n.chars()
                .any(|c| crate::api::control::is_refused_control(c, false)) =>
        {
            errors.push(FieldError::control_character("name"))
        }
        Some(_) => {}
    }
    let (Some(kind), Some(file_name), Some(data), true) = (kind, name, data, errors.is_empty())
    else {
        return Err(AppError::validation(errors));
    };
    let id = id.into_inner();
    let up = crate::service::reports::files::Upload {
        kind,
        content_type: file_type,
        file_name,
        data,
    };
    let meta = block(move || crate::service::reports::files::upload(&st, &who, &id, up)).await??;
    Ok(HttpResponse::Created().json(AttachmentView::from(meta)))
}

/// The attachments of a report.
#[utoipa::path(tag = "reports", operation_id = "listReportAttachments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The attachments.", body = Vec<AttachmentView>),
        (status = 404, description = "No such report, or not visible.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/attachments")]
pub async fn list_attachments(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<Vec<AttachmentView>>> {
    let id = id.into_inner();
    let rows = block(move || crate::service::reports::files::list(&st, &who, &id)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Download an attachment (for those who may see its report), whole or a byte range.
#[utoipa::path(tag = "reports", operation_id = "downloadAttachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Attachment id"), crate::api::download::DownloadHeaders),
    responses((status = 200, description = "The file. `ETag` is its SHA-256; `Accept-Ranges: bytes`.", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The range of the file asked for (`Range`, one range).", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "The file has the tag in `If-None-Match`."),
        (status = 404, description = "No such attachment, or not visible.", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`).", body = Problem, content_type = "application/problem+json")))]
#[get("/attachments/{id}")]
pub async fn download_attachment(
    req: HttpRequest,
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let (id, ask) = (id.into_inner(), crate::api::download::Conditions::of(&req));
    let (meta, served) = block(move || {
        let (meta, stored) = crate::service::reports::files::download(&st, &who, &id)?;
        ask.read(stored).map(|s| (meta, s))
    })
    .await??;
    Ok(served.respond(
        &meta.content_type,
        &crate::api::download::attachment_disposition(&meta.file_name),
        "private, no-cache",
    ))
}
