//! The e-mail channel (Art. 6.1c, 7.2): `POST /api/v1/intake/email` takes a raw message from
//! the mail server (an MTA pipe or an inbound-mail webhook, with the intake key); `/api/v1/mail`
//! is the IOC's queue of messages: list, read (the raw bytes too), claim, turn into a report,
//! refuse.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{
    Require, ValidJson, ValidQuery, declared_length, read_body, roles::Operator,
};
use crate::api::report_views::ReportView;
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppError, AppResult, Msg, Problem};
use crate::service::channels::MailMeta;
use crate::service::channels::mail::{self as svc, FileView, RefuseMail, status};
use crate::service::reports::intake::NewReport;

/// The header that carries the mail server's intake key.
pub const INTAKE_HEADER: &str = "intake-key";

/// Whether the request carries the configured key (503 when none is configured: the mail
/// server keeps the message and tries again; 401 for a wrong one).
pub fn check_key(req: &HttpRequest, header: &str, configured: Option<&str>) -> AppResult<()> {
    let Some(key) = configured else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "intake_not_configured",
            Msg::new(
                "Kênh tiếp nhận này chưa được cấu hình trên máy chủ.",
                "This intake channel is not configured on the server.",
            ),
        ));
    };
    let given = req
        .headers()
        .get(header)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Digests of equal length, compared whole: the comparison says nothing of the key.
    if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(key.as_bytes()) {
        return Err(AppError::unauthorized(
            "invalid_intake_key",
            "Khóa tiếp nhận không đúng.",
            "The intake key is wrong.",
        ));
    }
    Ok(())
}

/// What became of a message that arrived.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeView {
    /// The message's id in the IOC's queue.
    pub id: String,
    /// `queued` (for the IOC), `attached` (a reporter's reply taken as the supplement or the
    /// feedback of their report), `ignored` (an auto-reply, a bounce, bulk or our own mail).
    pub status: String,
    /// Why: `reply`, `supplement`, `feedback`, `auto_submitted`, `bounce`, `bulk`,
    /// `auto_reply`, `own_message`.
    pub reason: Option<String>,
    /// Whether the same bytes had arrived before (this answers the first message).
    pub duplicate: bool,
}

/// Mail server: a message as it arrived (RFC 5322, `Content-Type: message/rfc822` or
/// `application/octet-stream`), with the
/// intake key in the `Intake-Key` header. It is kept byte for byte, then read: an auto-reply, a
/// bounce, bulk mail or our own message is set aside; a reporter's reply to their report (by
/// `In-Reply-To`/`References`, or a tracking code in the subject, and only from the report's own
/// address) becomes its supplement when the IOC asked for one, or its feedback on the published
/// result; anything else waits in the IOC's queue. The same bytes posted again answer the first
/// message (200). A message over `PAHT_MAIL_MAX_BYTES` (413 `message_too_large`) or not a
/// message (422 `malformed_message`) is kept all the same, unread, for the IOC; past
/// `PAHT_MAIL_STORE_MAX_BYTES` nothing is kept (413 `payload_too_large`).
#[utoipa::path(tag = "intake", operation_id = "ingestEmail", security(("intake_key" = [])),
    request_body(description = "The raw message, byte for byte (`message/rfc822`, or `application/octet-stream` from a forwarder that cannot name it).", content((Vec<u8> = "message/rfc822"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 201, description = "Kept and read.", body = IntakeView),
        (status = 200, description = "The same bytes arrived before: the first message.", body = IntakeView),
        (status = 401, description = "The intake key is wrong (`invalid_intake_key`).", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Kept unread: too large (`message_too_large`); or not kept, past the storage limit (`payload_too_large`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Kept unread: not a message (`malformed_message`).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No intake key is configured (`intake_not_configured`); the mail server should try again.", body = Problem, content_type = "application/problem+json")))]
#[post("/intake/email")]
pub async fn ingest(
    st: Data<AppState>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
) -> AppResult<HttpResponse> {
    check_key(&req, INTAKE_HEADER, st.config.mail_intake_key.as_deref())?;
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if content_type != "message/rfc822" && content_type != "application/octet-stream" {
        return Err(AppError::unsupported_media_type_of(
            "message/rfc822, application/octet-stream".into(),
        ));
    }
    let limit = st.config.mail_store_max_bytes;
    let body = read_body(
        payload,
        declared_length(&req),
        limit,
        st.config.upload_timeout,
    )
    .await?;
    let bytes = body.to_vec();
    let out = block(move || svc::ingest(&st, bytes, "webhook")).await??;
    answer(out)
}

/// The answer to a message that arrived: 201 or 200, or the problem of a message kept unread.
pub fn answer(out: svc::Ingested) -> AppResult<HttpResponse> {
    let m = out.mail;
    if m.status == status::UNREADABLE {
        return Err(unreadable(&m));
    }
    let view = IntakeView {
        id: m.id,
        status: m.status,
        reason: m.reason,
        duplicate: out.duplicate,
    };
    Ok(if view.duplicate {
        HttpResponse::Ok().json(view)
    } else {
        HttpResponse::Created().json(view)
    })
}

/// The problem of a message kept unread.
pub fn unreadable(m: &MailMeta) -> AppError {
    if m.reason.as_deref() == Some("message_too_large") {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "message_too_large",
            Msg::new(
                format!(
                    "Thư quá lớn để hệ thống đọc ({} byte); thư đã được lưu (mã {}) để Trung tâm IOC xem.",
                    m.size_bytes, m.id
                ),
                format!(
                    "The message is too large to read ({} bytes); it was kept (id {}) for the IOC.",
                    m.size_bytes, m.id
                ),
            ),
        )
    } else {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_message",
            Msg::new(
                format!(
                    "Không đọc được thư (không có phần tiêu đề hoặc người gửi); thư đã được lưu (mã {}) để Trung tâm IOC xem.",
                    m.id
                ),
                format!(
                    "The message cannot be read (no header section or no sender); it was kept (id {}) for the IOC.",
                    m.id
                ),
            ),
        )
    }
}

/// A message of the IOC's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailView {
    /// The message's id.
    pub id: String,
    /// When it reached the system: the dispatch clock of its report counts from here.
    pub received_at: DateTime<Utc>,
    /// How it came: `webhook` (HTTP) or `pipe` (`paht ingest-mail`).
    pub source: String,
    /// Its size as it arrived, bytes.
    pub size_bytes: i64,
    /// SHA-256 of the raw bytes.
    pub sha256: String,
    /// Its `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The sender's address.
    pub from_address: Option<String>,
    /// The sender's name, as their mailer wrote it.
    pub from_name: Option<String>,
    /// The subject, decoded.
    pub subject: Option<String>,
    /// The `Date` the sender's mailer wrote.
    pub sent_at: Option<DateTime<Utc>>,
    /// `queued`, `converted`, `refused`, `attached`, `ignored` or `unreadable`.
    pub status: String,
    /// Why it is in that state (`reply`, `supplement`, `feedback`, `auto_submitted`, `bounce`,
    /// `bulk`, `auto_reply`, `own_message`, `message_too_large`, `malformed_message`).
    pub reason: Option<String>,
    /// The refusal's reason, or why a reply could not be taken.
    pub note: Option<String>,
    /// The report it became, or the report it answers.
    pub report_id: Option<String>,
    /// The operator handling it.
    pub claimed_by: Option<String>,
    /// When it was claimed.
    pub claimed_at: Option<DateTime<Utc>>,
    /// The operator who turned it into a report or refused it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Files it carries.
    pub attachment_count: i32,
}

impl From<MailMeta> for MailView {
    fn from(m: MailMeta) -> Self {
        Self {
            id: m.id,
            received_at: utc(m.received_at),
            source: m.source,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            message_id: m.message_id,
            from_address: m.from_address,
            from_name: m.from_name,
            subject: m.subject,
            sent_at: m.sent_at.map(utc),
            status: m.status,
            reason: m.reason,
            note: m.note,
            report_id: m.report_id,
            claimed_by: m.claimed_by,
            claimed_at: m.claimed_at.map(utc),
            decided_by: m.decided_by,
            decided_at: m.decided_at.map(utc),
            attachment_count: m.attachment_count,
        }
    }
}

/// A file of a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailFileView {
    /// The file's name (decoded), or `tep-N` when it has none.
    pub name: String,
    /// The type the message declares.
    pub declared_type: String,
    /// Its size, bytes.
    pub size_bytes: i64,
    /// Shown inside the text (a pasted picture) rather than attached.
    pub inline: bool,
    /// The type its bytes carry, when a report takes it: it becomes an attachment of the
    /// report the message turns into. `null`: it stays with the message only.
    pub detected_type: Option<String>,
}

impl From<FileView> for MailFileView {
    fn from(f: FileView) -> Self {
        Self {
            name: f.name,
            declared_type: f.declared_type,
            size_bytes: f.size_bytes,
            inline: f.inline,
            detected_type: f.detected_type.map(str::to_string),
        }
    }
}

/// A message read whole: its text (HTML turned into text, forwarded messages unfolded) and its
/// files.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailDetails {
    #[serde(flatten)]
    pub mail: MailView,
    /// The text of the message.
    pub text: String,
    /// Its files, attached or inline.
    pub files: Vec<MailFileView>,
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailPage {
    /// The messages of the page.
    pub items: Vec<MailView>,
    /// Messages matching the filter.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Filters and page of the messages.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MailQuery {
    /// `queued` (the default: the IOC's queue), `converted`, `refused`, `attached`, `ignored`,
    /// `unreadable`, or `all`.
    #[validate(custom(function = "mail_status"))]
    #[param(pattern = "^(queued|converted|refused|attached|ignored|unreadable|all)$")]
    pub status: Option<String>,
    /// Only messages about this report.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub report_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    #[validate(range(min = 0, max = 1_000_000))]
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<i64>,
}

fn mail_status(s: &str) -> Result<(), validator::ValidationError> {
    if s == "all" || status::ALL.contains(&s) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_value"))
    }
}

/// Operator: the messages, oldest first; by default the queue (`queued`).
#[utoipa::path(tag = "intake", operation_id = "listMail", security(("bearer" = [])),
    params(MailQuery),
    responses((status = 200, description = "A page of messages.", body = MailPage)))]
#[get("/mail")]
pub async fn list(
    st: Data<AppState>,
    who: Require<Operator>,
    q: ValidQuery<MailQuery>,
) -> AppResult<Json<MailPage>> {
    let q = q.into_inner();
    let (limit, offset) = (q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let status = match q.status.as_deref() {
        None => Some(status::QUEUED.to_string()),
        Some("all") => None,
        Some(s) => Some(s.to_string()),
    };
    let (rows, total) = block(move || {
        svc::list(
            &st,
            &who,
            status.as_deref(),
            q.report_id.as_deref(),
            limit,
            offset,
        )
    })
    .await??;
    Ok(Json(MailPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        limit,
        offset,
    }))
}

/// Operator: a message, its text and its files.
#[utoipa::path(tag = "intake", operation_id = "getMail", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, description = "The message.", body = MailDetails)))]
#[get("/mail/{id}")]
pub async fn get_one(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<Json<MailDetails>> {
    let (m, files) = block(move || svc::get(&st, &who, &id)).await??;
    let text = m.body_text.clone();
    Ok(Json(MailDetails {
        mail: m.into(),
        text,
        files: files.into_iter().map(Into::into).collect(),
    }))
}

/// Operator: the message as it arrived, byte for byte.
#[utoipa::path(tag = "intake", operation_id = "getMailRaw", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id"), crate::api::download::DownloadHeaders),
    responses((status = 200, description = "The raw message.", body = Vec<u8>, content_type = "message/rfc822"),
        (status = 206, description = "The range of the message asked for (`Range`).", body = Vec<u8>, content_type = "message/rfc822"),
        (status = 304, description = "The message has the tag in `If-None-Match`."),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`).", body = Problem, content_type = "application/problem+json")))]
#[get("/mail/{id}/raw")]
pub async fn raw(
    req: actix_web::HttpRequest,
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let name = format!("{}.eml", id.as_str());
    let ask = crate::api::download::Conditions::of(&req);
    let served = block(move || ask.read(svc::raw(&st, &who, &id)?)).await??;
    Ok(served.respond(
        "message/rfc822",
        &crate::api::download::attachment_disposition(&name),
        "private, no-store",
    ))
}

/// Operator: take a message to work on it; another operator's claim answers 409
/// (`already_claimed`).
#[utoipa::path(tag = "intake", operation_id = "claimMail", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, description = "Claimed.", body = MailView),
        (status = 409, description = "Claimed by another operator (`already_claimed`), or already handled (`mail_already_handled`).", body = Problem, content_type = "application/problem+json")))]
#[post("/mail/{id}/claim")]
pub async fn claim(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<Json<MailView>> {
    let m = block(move || svc::claim(&st, &who, &id)).await??;
    Ok(Json(m.into()))
}

/// Operator: turn a message into a report, completing what Art. 4 requires (the sender's
/// address becomes the reporter's e-mail; `channel` is `email`). The dispatch clock counts from
/// the message's arrival; the message's pictures, videos, recordings and PDF files (by their
/// bytes) become attachments. The reporter receives the acknowledgement with the tracking code
/// and the follow-up token by e-mail.
#[utoipa::path(tag = "intake", operation_id = "convertMail", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")), request_body = NewReport,
    responses((status = 201, description = "The report, with `follow_up_token` (shown this once).", body = ReportView),
        (status = 409, description = "Claimed by another operator (`already_claimed`), already handled (`mail_already_handled`), or handled at the same time (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/mail/{id}/report")]
pub async fn convert(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<NewReport>,
) -> AppResult<HttpResponse> {
    let input = body.into_inner();
    let out = block(move || svc::convert(&st, &who, &id, input)).await??;
    let v = out.details().clone();
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/reports/{}", v.report.id)))
        .json(ReportView::from(v)))
}

/// Operator: refuse a message; the reason goes back to its sender by e-mail.
#[utoipa::path(tag = "intake", operation_id = "refuseMail", security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")), request_body = RefuseMail,
    responses((status = 200, description = "Refused.", body = MailView),
        (status = 409, description = "Claimed by another operator, already handled, or without a sender (`no_sender`).", body = Problem, content_type = "application/problem+json")))]
#[post("/mail/{id}/refuse")]
pub async fn refuse(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<RefuseMail>,
) -> AppResult<Json<MailView>> {
    let input = body.into_inner();
    let m = block(move || svc::refuse(&st, &who, &id, input)).await??;
    Ok(Json(m.into()))
}
