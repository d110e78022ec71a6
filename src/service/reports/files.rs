//! Attachments of a report: upload by the reporter (until the IOC has dispatched it), the
//! operator (e.g. the hotline's call recording, Art. 7.2) and the agencies working on it; read by
//! whoever may see the report. Never public.

use super::{Act, act, load_visible, wrong_state};
use crate::db::DbConn;
use crate::db::models::ReportRow;
use crate::db::models::{AttachmentMeta, NewAttachmentRow, ReportChanges};
use crate::db::{new_id, repo};
use crate::domain::attachment::{
    AttachmentKind, CONTENT_TYPES, MAX_PER_REPORT, bytes_match, safe_file_name,
};
use crate::domain::report::ReportStatus;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::objects::{Blob, Stored};

/// A file to attach.
pub struct Upload {
    pub kind: AttachmentKind,
    pub content_type: String,
    pub file_name: String,
    pub data: Vec<u8>,
}

pub fn upload(
    st: &Context,
    who: &Principal,
    report_id: &str,
    up: Upload,
) -> AppResult<AttachmentMeta> {
    let content_type = up
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Generated clients (and multipart parts without a type) send files as octet-stream: the
    // type is then read from the bytes. A named type is taken under any of its usual names.
    let content_type = match content_type.as_str() {
        "application/octet-stream" | "" => crate::domain::attachment::sniff(up.kind, &up.data)
            .map(str::to_string)
            .unwrap_or(content_type),
        named => crate::domain::attachment::canonical_type(named)
            .map(str::to_string)
            .unwrap_or(content_type),
    };
    let Some((_, kinds)) = CONTENT_TYPES.iter().find(|(t, _)| *t == content_type) else {
        return Err(AppError::unsupported_media_type_of(
            CONTENT_TYPES
                .iter()
                .map(|(t, _)| *t)
                .collect::<Vec<_>>()
                .join(", "),
        ));
    };
    if !kinds.contains(&up.kind) {
        return Err(AppError::bad_parameter(
            "invalid_query",
            vec![FieldError::new(
                "kind",
                "kind_mismatch",
                Msg::new(
                    "Loại tệp không khớp với kiểu nội dung.",
                    "The kind does not fit the content type.",
                ),
            )],
        ));
    }
    if up.data.is_empty() || !bytes_match(&content_type, &up.data) {
        return Err(AppError::unprocessable(
            "content_mismatch",
            "Nội dung tệp không đúng với kiểu đã khai báo.",
            "The file's bytes are not of the declared content type.",
        ));
    }
    // Whoever may not see the report stores nothing (checked again in the transaction).
    load_visible(&mut *st.pool.get()?, who, report_id)?;
    // The bytes are stored before the transaction that names them (an upload refused below
    // leaves an object that nothing names: the collector removes it).
    let blob = st.objects.put(&up.data)?;
    drop(up.data);
    act(st, who, report_id, |ctx, c, r| {
        let status = r.status;
        let allowed = match who.role {
            Role::Citizen => matches!(
                status,
                ReportStatus::Submitted | ReportStatus::NeedsInfo | ReportStatus::Accepted
            ),
            Role::Operator => status != ReportStatus::Published,
            Role::AgencyStaff | Role::AgencyLeader => status == ReportStatus::InProgress,
            _ => return Err(AppError::forbidden()),
        };
        if who.role == Role::Citizen && r.reporter_user_id.as_deref() != Some(who.user_id.as_str())
        {
            return Err(AppError::forbidden());
        }
        if !allowed {
            return Err(wrong_state(r.status.as_str()));
        }
        let row = attach_in(ctx, c, &r, up.kind, &content_type, &up.file_name, &blob)?;
        ctx.save(c, &r, ReportChanges::default())?;
        repo::reports::attachment_meta(c, &row.id)?
            .ok_or_else(|| AppError::internal("attachment vanished"))
    })
}

/// Attaches checked bytes, already in the object store, to a report in the caller's
/// transaction, with its event (409 past [`MAX_PER_REPORT`]).
pub fn attach_in(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: &ReportRow,
    kind: AttachmentKind,
    content_type: &str,
    file_name: &str,
    blob: &Blob,
) -> AppResult<NewAttachmentRow> {
    if repo::reports::attachments_of(c, &r.id)?.len() >= MAX_PER_REPORT {
        return Err(AppError::conflict(
            "too_many_attachments",
            format!("Mỗi phản ánh có tối đa {MAX_PER_REPORT} tệp đính kèm."),
            format!("A report has at most {MAX_PER_REPORT} attachments."),
        ));
    }
    let row = NewAttachmentRow {
        id: new_id(),
        report_id: r.id.clone(),
        kind: kind.as_str().into(),
        content_type: content_type.to_string(),
        file_name: safe_file_name(file_name),
        size_bytes: blob.size,
        sha256: blob.sha256.clone(),
        data: None,
        // A reporter without an account (an Open311 app, an e-mail) has none to name.
        uploaded_by: ctx.who.actor_id(),
        created_at: ctx.now_naive(),
    };
    repo::reports::insert_attachment(c, &row)?;
    ctx.event(
        c,
        r,
        "attachment_added",
        None,
        None,
        Some(format!("{} ({})", row.kind, row.content_type)),
    )?;
    Ok(row)
}

/// The kind and the type of a file whose bytes are of a type taken (a file received by e-mail:
/// its declared type is not trusted), or `None`.
pub fn kind_of(data: &[u8]) -> Option<(AttachmentKind, &'static str)> {
    let t = crate::domain::attachment::detect(data)?;
    let kind = CONTENT_TYPES.iter().find(|(c, _)| *c == t)?.1.first()?;
    Some((*kind, t))
}

pub fn list(st: &Context, who: &Principal, report_id: &str) -> AppResult<Vec<AttachmentMeta>> {
    let mut conn = st.pool.get()?;
    let r = load_visible(&mut conn, who, report_id)?;
    Ok(repo::reports::attachments_of(&mut conn, &r.id)?)
}

/// An attachment the caller may see: its description, and a reader of its bytes (all of them,
/// or a range) for the download that follows.
pub fn download(st: &Context, who: &Principal, id: &str) -> AppResult<(AttachmentMeta, Stored)> {
    let not_found = || AppError::not_found("tệp đính kèm", "Attachment");
    let mut conn = st.pool.get()?;
    let meta = repo::reports::attachment_meta(&mut conn, id)?.ok_or_else(not_found)?;
    load_visible(&mut conn, who, &meta.report_id).map_err(|_| not_found())?;
    let inline = repo::reports::attachment_data(&mut conn, id)?;
    Ok((
        meta.clone(),
        Stored::new(&st.objects, inline, &meta.sha256, meta.size_bytes),
    ))
}
