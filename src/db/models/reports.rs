//! A report and what belongs to it: its reporter, assignments, clocks, extension, history,
//! feedback, ratings, attachments, referrals and recognition proposals.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::*;
use crate::domain::report::{
    AssignmentRole, AssignmentStatus, Channel, ExtensionStatus, ReportStatus,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reports)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ReportRow {
    pub id: String,
    pub code: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ReportStatus,
    pub title: String,
    pub content: String,
    pub content_corrected: Option<String>,
    pub category_code: String,
    pub address: String,
    pub admin_unit_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub incident_at: Option<NaiveDateTime>,
    pub reporter_user_id: Option<String>,
    pub consent_share_contact: bool,
    pub consent_public_name: bool,
    pub confidential: bool,
    pub emergency: bool,
    pub state_secret: bool,
    pub entered_by: Option<String>,
    pub lead_agency_id: Option<String>,
    pub rejection_reason: Option<String>,
    pub forward_kind: Option<String>,
    pub forward_agency_id: Option<String>,
    pub rating: Option<String>,
    pub extension_used: bool,
    pub next_due_at: Option<NaiveDateTime>,
    pub submitted_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The two indexed texts of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTexts {
    /// What staff search: the code, the title, the content as submitted and as corrected, the
    /// address and the answer.
    pub staff: String,
    /// What the public search: the code, the title, the content as published (corrected), the
    /// address and, once published, the answer.
    pub public: String,
}

/// The answer of a report's lead agency, the latest one submitted (not of a cancelled part).
pub fn lead_answer(assignments: &[AssignmentRow]) -> Option<&str> {
    assignments
        .iter()
        .filter(|a| a.role == AssignmentRole::Lead && a.status != AssignmentStatus::Cancelled)
        .filter(|a| a.result_answer.is_some())
        .max_by_key(|a| a.submitted_at)
        .and_then(|a| a.result_answer.as_deref())
}

impl ReportRow {
    /// The indexed texts of the report as it stands, with its lead agency's answer.
    pub fn search_texts(&self, answer: Option<&str>) -> SearchTexts {
        use crate::domain::text::search_text;
        let answer = answer.unwrap_or("");
        let published = self.status == ReportStatus::Published;
        SearchTexts {
            staff: search_text(&[
                &self.code,
                &self.title,
                &self.content,
                self.content_corrected.as_deref().unwrap_or(""),
                &self.address,
                answer,
            ]),
            public: search_text(&[
                &self.code,
                &self.title,
                self.content_corrected.as_deref().unwrap_or(&self.content),
                &self.address,
                if published { answer } else { "" },
            ]),
        }
    }
}

/// Changes to a report; `None` leaves a field as it is. The version and `updated_at` are set
/// by the repository.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = reports)]
pub struct ReportChanges {
    pub status: Option<String>,
    pub title: Option<String>,
    pub content: Option<String>,
    pub content_corrected: Option<Option<String>>,
    pub category_code: Option<String>,
    pub address: Option<String>,
    pub admin_unit_code: Option<String>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub incident_at: Option<Option<NaiveDateTime>>,
    pub emergency: Option<bool>,
    pub state_secret: Option<bool>,
    pub lead_agency_id: Option<Option<String>>,
    pub rejection_reason: Option<Option<String>>,
    pub forward_kind: Option<Option<String>>,
    pub forward_agency_id: Option<Option<String>>,
    pub rating: Option<Option<String>>,
    pub extension_used: Option<bool>,
    pub next_due_at: Option<Option<NaiveDateTime>>,
    pub submitted_at: Option<NaiveDateTime>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub consent_share_contact: Option<bool>,
    pub consent_public_name: Option<bool>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = report_reporters)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ReporterRow {
    pub report_id: String,
    pub full_name: String,
    pub contact_address: String,
    pub cccd: String,
    pub phone: String,
    pub email: Option<String>,
    pub organization: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = emergencies)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EmergencyRow {
    pub report_id: String,
    pub agency_id: String,
    pub called_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub summary: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignments)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AssignmentRow {
    pub id: String,
    pub report_id: String,
    pub agency_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: AssignmentRole,
    pub lead_assignment_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: AssignmentStatus,
    pub assigned_at: NaiveDateTime,
    pub assigned_by: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub returned_at: Option<NaiveDateTime>,
    pub return_reason: Option<String>,
    pub suggested_agency_id: Option<String>,
    pub result_addressee: Option<String>,
    pub result_answer: Option<String>,
    pub result_signer_title: Option<String>,
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub leader_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AssignmentRow {
    /// A new assignment, not yet taken.
    pub fn pending(
        id: String,
        report_id: &str,
        agency_id: &str,
        role: AssignmentRole,
        lead_assignment_id: Option<String>,
        assigned_by: &str,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id,
            report_id: report_id.to_string(),
            agency_id: agency_id.to_string(),
            role,
            lead_assignment_id,
            status: AssignmentStatus::Pending,
            assigned_at: now,
            assigned_by: Some(assigned_by.to_string()),
            accepted_at: None,
            returned_at: None,
            return_reason: None,
            suggested_agency_id: None,
            result_addressee: None,
            result_answer: None,
            result_signer_title: None,
            submitted_at: None,
            approved_at: None,
            approved_by: None,
            leader_note: None,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = assignments)]
pub struct AssignmentChanges {
    pub status: Option<String>,
    pub accepted_at: Option<Option<NaiveDateTime>>,
    pub returned_at: Option<Option<NaiveDateTime>>,
    pub return_reason: Option<Option<String>>,
    pub suggested_agency_id: Option<Option<String>>,
    pub result_addressee: Option<Option<String>>,
    pub result_answer: Option<Option<String>>,
    pub result_signer_title: Option<Option<String>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub approved_at: Option<Option<NaiveDateTime>>,
    pub approved_by: Option<Option<String>>,
    pub leader_note: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = clocks)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ClockRow {
    pub id: String,
    pub report_id: String,
    pub assignment_id: Option<String>,
    pub agency_id: Option<String>,
    pub step: String,
    pub started_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub original_due_at: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub overdue_at: Option<NaiveDateTime>,
    /// When the share of its working time is used (`PAHT_REMIND_SHARE_PERCENT`).
    pub remind_at: Option<NaiveDateTime>,
    pub reminded_at: Option<NaiveDateTime>,
    /// A working time before the deadline (`PAHT_REMIND_BEFORE_MINUTES`).
    pub warn_at: Option<NaiveDateTime>,
    pub warned_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = extensions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ExtensionRow {
    pub id: String,
    pub report_id: String,
    pub assignment_id: String,
    pub clock_id: String,
    pub reason: String,
    pub notice_number: String,
    pub notice_date: NaiveDate,
    pub new_due_at: NaiveDateTime,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ExtensionStatus,
    pub requested_by: String,
    pub requested_at: NaiveDateTime,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub citizen_notified_at: Option<NaiveDateTime>,
    pub refused_by: Option<String>,
    pub refused_at: Option<NaiveDateTime>,
    pub refusal_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = report_events)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EventRow {
    pub id: String,
    pub report_id: String,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_agency_id: Option<String>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub assignment_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FeedbackRow {
    pub id: String,
    pub report_id: String,
    pub content: String,
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<String>,
    pub clock_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ratings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RatingRow {
    pub id: String,
    pub report_id: String,
    pub rating: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct IdempotencyRow {
    pub user_id: String,
    pub key: String,
    pub request_hash: String,
    pub report_id: String,
    pub created_at: NaiveDateTime,
}

/// An attachment's metadata (the bytes are read only for a download).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AttachmentMeta {
    pub id: String,
    pub report_id: String,
    pub kind: String,
    pub content_type: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachmentRow {
    pub id: String,
    pub report_id: String,
    pub kind: String,
    pub content_type: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// The bytes, when kept in the row (never for new files: they are in the object store).
    pub data: Option<Vec<u8>>,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = periodic_reports)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PeriodicReportRow {
    pub id: String,
    pub kind: String,
    pub year: i32,
    pub n: i32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub issued_at: NaiveDateTime,
    pub issued_by: String,
    pub note: Option<String>,
    pub data: String,
}

/// A report referred to the province (Art. 3.7), and the province's decision.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = province_referrals)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ReferralRow {
    pub id: String,
    pub report_id: String,
    pub raised_by: String,
    pub raised_role: String,
    pub raised_agency_id: Option<String>,
    pub reason: String,
    pub raised_at: NaiveDateTime,
    /// `direction` or `designation`.
    pub decision: Option<String>,
    pub direction: Option<String>,
    pub designated_agency_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
}

/// A proposal for recognition (Art. 17).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recognition_proposals)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RecognitionRow {
    pub id: String,
    /// `reporter` or `staff`.
    pub nominee: String,
    pub ground: String,
    pub report_id: Option<String>,
    pub user_id: Option<String>,
    pub reason: String,
    pub proposed_by: String,
    pub proposed_role: String,
    pub proposed_agency_id: Option<String>,
    pub proposed_at: NaiveDateTime,
}

/// A report's follow-up token: its hash, never the token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::follow_up_tokens)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FollowUpTokenRow {
    pub report_id: String,
    pub token_hash: String,
    pub issued_at: NaiveDateTime,
    pub issued_by: Option<String>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A report linked by the IOC as a duplicate of another (child → parent).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = report_duplicates)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DuplicateRow {
    pub child_id: String,
    pub parent_id: String,
    pub linked_by: String,
    pub linked_at: NaiveDateTime,
    pub note: Option<String>,
}
