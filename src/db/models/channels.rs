//! The channels' rows: the e-mail that reached the mailbox and the calls of the 1022
//! switchboard. The `…Meta` structs read everything but the raw bytes (lists never load them).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{calls, mail_messages};

/// A message as it arrived, with what became of it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = mail_messages)]
pub struct MailRow {
    pub id: String,
    pub received_at: NaiveDateTime,
    pub source: String,
    pub sha256: String,
    pub size_bytes: i64,
    /// The bytes, when kept in the row (never for new messages: they are in the object store).
    pub raw: Option<Vec<u8>>,
    pub message_id: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub body_text: String,
    pub attachment_count: i32,
    pub status: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub report_id: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
}

/// A message without its raw bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_messages)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MailMeta {
    pub id: String,
    pub received_at: NaiveDateTime,
    pub source: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub message_id: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub body_text: String,
    pub attachment_count: i32,
    pub status: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub report_id: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
}

/// A call of the switchboard, with its recording.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = calls)]
pub struct CallRow {
    pub id: String,
    pub switchboard_id: Option<String>,
    pub caller: String,
    pub line: String,
    pub direction: String,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub after_hours: bool,
    pub queued_from: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub recording_type: Option<String>,
    pub recording_name: Option<String>,
    pub recording_size: Option<i64>,
    pub recording_sha256: Option<String>,
    pub recording: Option<Vec<u8>>,
    pub status: String,
    pub report_id: Option<String>,
    pub agency_id: Option<String>,
    pub note: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
}

/// A call without its recording's bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = calls)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CallMeta {
    pub id: String,
    pub switchboard_id: Option<String>,
    pub caller: String,
    pub line: String,
    pub direction: String,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub after_hours: bool,
    pub queued_from: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub recording_type: Option<String>,
    pub recording_name: Option<String>,
    pub recording_size: Option<i64>,
    pub recording_sha256: Option<String>,
    pub status: String,
    pub report_id: Option<String>,
    pub agency_id: Option<String>,
    pub note: Option<String>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
}

/// An Open311 client app and its key (the hash only).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::open311_clients)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Open311ClientRow {
    pub id: String,
    pub name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub rate_per_minute: i32,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A report filed through Open311: the client and the token answered to it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::open311_requests)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Open311RequestRow {
    pub report_id: String,
    pub client_id: String,
    pub token: String,
    pub created_at: NaiveDateTime,
}

/// An attribute an admin added to a category's service definition.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::service_attributes)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ServiceAttributeRow {
    pub category_code: String,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub description: String,
    pub position: i32,
    /// JSON: `[{"key": …, "name": …}]`.
    pub choices: String,
}

/// An answer of a report to an attribute of its category.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::report_attributes)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ReportAttributeRow {
    pub report_id: String,
    pub code: String,
    pub value: String,
}
