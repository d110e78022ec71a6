//! Consents and data subjects' requests (Law 91/2025/QH15; Art. 4.5).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::*;

/// One consent given or refused for one purpose of one report, or the legal basis recorded
/// instead of a consent.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ConsentRow {
    pub id: String,
    pub report_id: String,
    pub purpose: String,
    pub basis: String,
    pub granted: bool,
    pub wording_version: Option<String>,
    pub channel: String,
    pub proof: Option<String>,
    pub recorded_by: Option<String>,
    pub given_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by_request: Option<String>,
}

/// A data subject's request; `details` (what to correct, or why) is sealed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subject_requests)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SubjectRequestRow {
    pub id: String,
    pub kind: String,
    pub user_id: Option<String>,
    pub report_id: Option<String>,
    pub purpose: Option<String>,
    pub details: Option<String>,
    pub status: String,
    pub received_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub handled_by: Option<String>,
    pub handled_at: Option<NaiveDateTime>,
    pub answer: Option<String>,
    pub version: i32,
}

/// An incident touching personal data, for the notice to the authority within 72 hours.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = privacy_incidents)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct IncidentRow {
    pub id: String,
    pub summary: String,
    pub detected_at: NaiveDateTime,
    pub occurred_from: NaiveDateTime,
    pub occurred_to: NaiveDateTime,
    pub account_id: Option<String>,
    pub notice_due_at: NaiveDateTime,
    pub notified_at: Option<NaiveDateTime>,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub version: i32,
}
