//! Rows of the outbox, its delivery attempts, the in-app inbox, the message templates and the
//! push devices.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::*;

/// One message to deliver through one transport to one recipient.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxRow {
    /// The delivery id: the same on every attempt, for receivers to de-duplicate.
    pub id: String,
    pub kind: String,
    pub report_id: Option<String>,
    pub event_id: Option<String>,
    /// `email`, `sms`, `push`.
    pub transport: String,
    /// An e-mail address, a phone number, a push device token.
    pub recipient: String,
    pub user_id: Option<String>,
    pub subject: String,
    pub body: String,
    /// SMS segments the text takes (1 for other transports).
    pub segments: i32,
    /// The messages of one report to one address form one e-mail thread.
    pub thread_key: Option<String>,
    /// `pending`, `sent`, `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_id: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

impl OutboxRow {
    /// A message waiting for its first attempt, due at once.
    #[allow(clippy::too_many_arguments)]
    pub fn pending(
        id: String,
        kind: &str,
        report_id: Option<String>,
        event_id: Option<String>,
        transport: &str,
        recipient: &str,
        user_id: Option<String>,
        subject: &str,
        body: &str,
        segments: i32,
        thread_key: Option<String>,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id,
            kind: kind.into(),
            report_id,
            event_id,
            transport: transport.into(),
            recipient: recipient.trim().into(),
            user_id,
            subject: subject.into(),
            body: body.into(),
            segments,
            thread_key,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            lease_id: None,
            lease_until: None,
            created_at: now,
            sent_at: None,
            last_error: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_attempts)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxAttemptRow {
    pub id: String,
    pub message_id: String,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub ok: bool,
    pub detail: String,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub report_id: Option<String>,
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = message_templates)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct TemplateRow {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub short: String,
    pub subject_en: String,
    pub body_en: String,
    pub short_en: String,
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = push_devices)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PushDeviceRow {
    pub token: String,
    pub user_id: String,
    pub platform: String,
    pub created_at: NaiveDateTime,
}

/// A system subscribed to report events.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    /// Event types, comma-separated (`report.published`), or `*`.
    pub events: String,
    /// `whsec_` and the base64 key (Standard Webhooks).
    pub secret: String,
    pub description: String,
    pub active: bool,
    pub failing_since: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// An Annex I letter as issued.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::letters)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LetterRow {
    pub id: String,
    pub report_id: String,
    pub assignment_id: String,
    pub agency_id: String,
    pub year: i32,
    pub number: i64,
    pub symbol: String,
    pub issued_at: NaiveDateTime,
    pub parent_name: Option<String>,
    pub agency_name: String,
    pub place: String,
    pub addressee: String,
    pub answer: String,
    pub signer_title: String,
    pub signer_name: String,
    /// The rendered PDF's object, once rendered.
    pub pdf_sha256: Option<String>,
}
