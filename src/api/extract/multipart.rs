//! `multipart/form-data` bodies (read within their limit first): every part, whole, in order.
//! Each handler then says which parts it takes (files, text fields) and refuses the rest.

use actix_web::HttpRequest;
use actix_web::web::Bytes;

use crate::error::{AppError, AppResult};

/// One part of a form.
pub struct FormPart {
    /// The part's field name.
    pub name: String,
    /// The file's own name, for a file.
    pub file_name: Option<String>,
    /// The part's declared type (`image/jpeg`), if any.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

pub fn unreadable() -> AppError {
    AppError::bad_request(
        "unreadable_body",
        "Không đọc được dữ liệu multipart/form-data gửi lên.",
        "The multipart/form-data body could not be read.",
    )
}

/// The parts of a form already read (400 `unreadable_body` for a broken one).
pub async fn form_parts(req: &HttpRequest, body: Bytes) -> AppResult<Vec<FormPart>> {
    use futures_util::StreamExt;
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut form = actix_multipart::Multipart::new(req.headers(), stream);
    let mut parts = Vec::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| unreadable())?;
        let name = field.name().unwrap_or("").to_string();
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let content_type = field.content_type().map(|m| m.essence_str().to_string());
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(|_| unreadable())?);
        }
        parts.push(FormPart {
            name,
            file_name,
            content_type,
            data,
        });
    }
    Ok(parts)
}
