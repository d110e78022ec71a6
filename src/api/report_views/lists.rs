//! Lists of reports and assignments, the history of a report, and the outcome of a dispatch.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AssignmentView, ReportView};
use crate::api::views::utc;
use crate::domain::report::{Channel, ReportStatus};
use crate::service::records::{EventRow, ReportRow};

/// A report in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportSummary {
    /// Report id.
    pub id: String,
    /// Tracking code.
    pub code: String,
    /// The state.
    pub status: ReportStatus,
    /// Title.
    pub title: String,
    /// Category.
    pub category_code: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// Channel.
    pub channel: Channel,
    /// The lead agency.
    pub lead_agency_id: Option<String>,
    /// An emergency.
    pub emergency: bool,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The earliest running deadline.
    pub next_due_at: Option<DateTime<Utc>>,
    /// Whether that deadline has passed.
    pub overdue: bool,
    /// Staff only: its words suggest a complaint or a denunciation, which the IOC refuses
    /// (Art. 3.9). A suggestion for the operator, never a decision.
    pub possible_complaint: bool,
}

impl ReportSummary {
    /// `staff`: the caller is staff (the hint is theirs alone).
    pub fn new(r: ReportRow, now: DateTime<Utc>, staff: bool) -> Self {
        Self {
            possible_complaint: staff
                && !crate::domain::complaints::complaint_signals(&r.title, &r.content).is_empty(),
            overdue: r.next_due_at.is_some_and(|d| utc(d) < now),
            id: r.id,
            code: r.code,
            status: r.status,
            title: r.title,
            category_code: r.category_code,
            admin_unit_code: r.admin_unit_code,
            channel: r.channel,
            lead_agency_id: r.lead_agency_id,
            emergency: r.emergency,
            submitted_at: utc(r.submitted_at),
            next_due_at: r.next_due_at.map(utc),
        }
    }
}

/// A page of reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPage {
    /// The reports.
    pub items: Vec<ReportSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of assignments.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentPage {
    /// The assignments.
    pub items: Vec<AssignmentView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An event of a report's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Order within the report.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened, e.g. `submitted`, `accepted`, `dispatched`, `overdue`.
    pub action: String,
    /// The state before.
    pub from_status: Option<String>,
    /// The state after.
    pub to_status: Option<String>,
    /// Who (absent for the system).
    pub actor_user_id: Option<String>,
    /// Their role (`system` for the sweeper).
    pub actor_role: Option<String>,
    /// Their agency.
    pub actor_agency_id: Option<String>,
    /// The assignment concerned.
    pub assignment_id: Option<String>,
    /// The note.
    pub note: Option<String>,
}

impl From<EventRow> for EventView {
    fn from(e: EventRow) -> Self {
        Self {
            seq: e.seq,
            at: utc(e.at),
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            actor_user_id: e.actor_user_id,
            actor_role: e.actor_role,
            actor_agency_id: e.actor_agency_id,
            assignment_id: e.assignment_id,
            note: e.note,
        }
    }
}

/// The outcome of a dispatch or designation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchView {
    /// The lead assignment created.
    pub assignment_id: String,
    /// The agency does not take part in the system yet: the IOC invites it (Art. 7.3).
    pub agency_not_participating: bool,
    /// The report after the dispatch.
    pub report: ReportView,
}
