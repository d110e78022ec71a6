//! Attachments of a report (Art. 4.3, 7.2): upload, list and download, for those who may see
//! the report; never public.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidQuery, declared_length, read_body};
use crate::app::AppState;
use crate::error::{AppResult, Problem};
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

impl From<crate::db::models::AttachmentMeta> for AttachmentView {
    fn from(m: crate::db::models::AttachmentMeta) -> Self {
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

/// What an upload is.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the file is.
    pub kind: crate::domain::attachment::AttachmentKind,
    /// The file's name.
    #[validate(length(min = 1, max = 255))]
    #[param(min_length = 1, max_length = 255)]
    pub name: String,
}

/// Attach a file (the body is the file; `Content-Type` one of image/jpeg, image/png, image/webp,
/// video/mp4, audio/mpeg, audio/wav, application/pdf, or application/octet-stream and the type is read
/// from the bytes; the bytes must match it). The reporter
/// attaches until dispatch; the operator (e.g. the hotline's call recording, Art. 7.2) and the
/// agencies at work while it is being processed. At most 10 per report.
#[utoipa::path(tag = "reports", operation_id = "addReportAttachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id"), UploadQuery),
    request_body(content = Vec<u8>, description = "The file: its own type, or `application/octet-stream` and the type is read from the bytes", content_type = "application/octet-stream"),
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
    let (limit, timeout) = (st.config.attachment_limit, st.config.upload_timeout);
    let data = read_body(payload, declared_length(&req), limit, timeout)
        .await?
        .to_vec();
    let q = q.into_inner();
    let id = id.into_inner();
    let up = crate::service::reports::files::Upload {
        kind: q.kind,
        content_type,
        file_name: q.name,
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

/// Download an attachment (for those who may see its report).
#[utoipa::path(tag = "reports", operation_id = "downloadAttachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The file.", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 404, description = "No such attachment, or not visible.", body = Problem, content_type = "application/problem+json")))]
#[get("/attachments/{id}")]
pub async fn download_attachment(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (meta, data) =
        block(move || crate::service::reports::files::download(&st, &who, &id)).await??;
    let ascii: String = meta
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{ascii}\""),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(data))
}
