//! `/api/v1/admin/outbox`, `/api/v1/admin/templates`: the messages PAHT sends, for admins:
//! what waits, what was sent, the dead letters and their replay, and the wording of each kind.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppResult, Problem};
use crate::service::notify::inbox as svc;
use crate::service::notify::templates::{Audience, Wording};
use crate::service::outbox::{admin, mask};

/// A message of the outbox as an admin sees it: the recipient masked, no body.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxView {
    /// The delivery id, the same on every attempt.
    pub id: String,
    /// What it is about, e.g. `received`, `result_published`, `assignment_new`.
    pub kind: String,
    /// The report.
    pub report_id: Option<String>,
    /// `email`, `sms` or `push`.
    pub transport: String,
    /// The address, masked (`ab***@example.vn`, `091****567`).
    pub recipient: String,
    /// SMS segments.
    pub segments: i32,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// When it is due (again).
    pub next_attempt_at: DateTime<Utc>,
    /// When the event that caused it committed.
    pub created_at: DateTime<Utc>,
    /// When a receiver accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// What the last failed attempt answered.
    pub last_error: Option<String>,
}

impl From<crate::service::records::OutboxRow> for OutboxView {
    fn from(m: crate::service::records::OutboxRow) -> Self {
        Self {
            recipient: mask(&m.recipient),
            id: m.id,
            kind: m.kind,
            report_id: m.report_id,
            transport: m.transport,
            segments: m.segments,
            status: m.status,
            attempts: m.attempts,
            next_attempt_at: utc(m.next_attempt_at),
            created_at: utc(m.created_at),
            sent_at: m.sent_at.map(utc),
            last_error: m.last_error,
        }
    }
}

/// A page of the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    /// The messages of the page.
    pub items: Vec<OutboxView>,
    /// Messages matching the filter.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Filters and page of the outbox.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sent` or `dead` (the dead letters).
    #[validate(custom(function = "outbox_status"))]
    #[param(pattern = "^(pending|sent|dead)$")]
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

fn outbox_status(s: &str) -> Result<(), validator::ValidationError> {
    if matches!(s, "pending" | "sent" | "dead") {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_value"))
    }
}

/// The outbox, newest first: `status=dead` lists the dead letters.
#[utoipa::path(tag = "notifications", operation_id = "listOutbox", security(("bearer" = [])),
    params(OutboxQuery),
    responses((status = 200, description = "A page of messages.", body = OutboxPage)))]
#[get("/admin/outbox")]
pub async fn list_outbox(
    st: Data<AppState>,
    _a: Require<Admin>,
    q: ValidQuery<OutboxQuery>,
) -> AppResult<Json<OutboxPage>> {
    let q = q.into_inner();
    let (limit, offset) = (q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let (rows, total) = block(move || {
        admin::list(
            &st,
            q.status.as_deref(),
            q.report_id.as_deref(),
            limit,
            offset,
        )
    })
    .await??;
    Ok(Json(OutboxPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        limit,
        offset,
    }))
}

/// One delivery attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    /// Its number, from 1.
    pub attempt: i32,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Whether the receiver accepted the message.
    pub ok: bool,
    /// What the receiver answered (`smtp 250`, `http 202`) or why it failed.
    pub detail: String,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
}

/// A message with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxDetail {
    #[serde(flatten)]
    pub message: OutboxView,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptView>,
}

/// One message of the outbox, with every delivery attempt.
#[utoipa::path(tag = "notifications", operation_id = "getOutboxMessage", security(("bearer" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses((status = 200, description = "The message.", body = OutboxDetail),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json")))]
#[get("/admin/outbox/{id}")]
pub async fn get_outbox(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<Json<OutboxDetail>> {
    let (m, attempts) = block(move || admin::get(&st, &id)).await??;
    Ok(Json(OutboxDetail {
        message: m.into(),
        attempt_log: attempts
            .into_iter()
            .map(|a| AttemptView {
                attempt: a.attempt,
                at: utc(a.at),
                ok: a.ok,
                detail: a.detail,
                duration_ms: a.duration_ms,
            })
            .collect(),
    }))
}

/// Sends a dead letter again: it returns to the queue, due now, its attempts counted afresh.
#[utoipa::path(tag = "notifications", operation_id = "replayOutboxMessage", security(("bearer" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses((status = 204, description = "Queued again."),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message is not a dead letter.", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/outbox/{id}/replay")]
pub async fn replay(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || admin::replay(&st, &id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// The wording of a kind of message. `{name}` inserts a variable of the kind.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    /// E-mail subject, push title and inbox title (Vietnamese).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub subject: String,
    /// E-mail and inbox text (Vietnamese).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
    /// SMS and push text (Vietnamese); with diacritics it takes 70 characters an SMS segment.
    #[validate(length(min = 1, max = 480))]
    #[schema(min_length = 1, max_length = 480)]
    pub short: String,
    /// Subject and title (English).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub subject_en: String,
    /// E-mail and inbox text (English).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub body_en: String,
    /// SMS and push text (English).
    #[validate(length(min = 1, max = 480))]
    #[schema(min_length = 1, max_length = 480)]
    pub short_en: String,
}

/// A kind of message with the wording in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// Kind of message.
    pub kind: String,
    /// `reporter` or `staff`.
    pub audience: String,
    /// The variables this kind may use.
    pub variables: Vec<String>,
    /// Whether an admin's wording replaces the built-in one.
    pub customised: bool,
    /// E-mail subject, push title and inbox title (Vietnamese).
    pub subject: String,
    /// E-mail and inbox text (Vietnamese).
    pub body: String,
    /// SMS and push text (Vietnamese).
    pub short: String,
    /// Subject and title (English).
    pub subject_en: String,
    /// E-mail and inbox text (English).
    pub body_en: String,
    /// SMS and push text (English).
    pub short_en: String,
}

impl From<svc::Template> for TemplateView {
    fn from(t: svc::Template) -> Self {
        let w = t.wording;
        Self {
            kind: t.kind.into(),
            audience: match t.audience {
                Audience::Reporter => "reporter",
                Audience::Staff => "staff",
            }
            .into(),
            variables: t.vars.iter().map(|v| v.to_string()).collect(),
            customised: t.customised,
            subject: w.subject,
            body: w.body,
            short: w.short,
            subject_en: w.subject_en,
            body_en: w.body_en,
            short_en: w.short_en,
        }
    }
}

/// Every kind of message PAHT sends, with its wording and variables.
#[utoipa::path(tag = "notifications", operation_id = "listTemplates", security(("bearer" = [])),
    responses((status = 200, description = "The kinds.", body = Vec<TemplateView>)))]
#[get("/admin/templates")]
pub async fn list_templates(
    st: Data<AppState>,
    _a: Require<Admin>,
) -> AppResult<Json<Vec<TemplateView>>> {
    let t = block(move || svc::list_templates(&st)).await??;
    Ok(Json(t.into_iter().map(Into::into).collect()))
}

/// Replaces the wording of a kind. Every `{variable}` must be one of the kind's; the short text
/// of a confidential result may not carry the answer.
#[utoipa::path(tag = "notifications", operation_id = "putTemplate", security(("bearer" = [])),
    params(("kind" = String, Path, description = "Kind of message")),
    request_body = TemplateInput,
    responses((status = 200, description = "Saved.", body = TemplateView),
        (status = 404, description = "No such kind.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A variable the kind lacks, or braces that do not close.", body = Problem, content_type = "application/problem+json")))]
#[put("/admin/templates/{kind}")]
pub async fn put_template(
    st: Data<AppState>,
    a: Require<Admin>,
    kind: Path<String>,
    body: ValidJson<TemplateInput>,
) -> AppResult<Json<TemplateView>> {
    let b = body.into_inner();
    let w = Wording {
        subject: b.subject,
        body: b.body,
        short: b.short,
        subject_en: b.subject_en,
        body_en: b.body_en,
        short_en: b.short_en,
    };
    let t = block(move || svc::save_template(&st, &a, &kind, w)).await??;
    Ok(Json(t.into()))
}

/// Returns a kind to its built-in wording.
#[utoipa::path(tag = "notifications", operation_id = "resetTemplate", security(("bearer" = [])),
    params(("kind" = String, Path, description = "Kind of message")),
    responses((status = 204, description = "Reset."),
        (status = 404, description = "No such kind.", body = Problem, content_type = "application/problem+json")))]
#[delete("/admin/templates/{kind}")]
pub async fn reset_template(
    st: Data<AppState>,
    _a: Require<Admin>,
    kind: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::reset_template(&st, &kind)).await??;
    Ok(HttpResponse::NoContent().finish())
}
