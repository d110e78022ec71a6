//! Response bodies of reports. What each audience may see is decided here: staff and the
//! reporter get [`ReportView`] (the identity only where the service loaded it), the public gets
//! [`PublicReportView`], which has no field that could carry personal data.
//!
//! This file: one report as staff and the reporter see it; `lists`: pages, the history and the
//! outcome of a dispatch; `public`: what anyone may read.

mod family;
mod lists;
mod parts;
mod public;

pub use family::{
    DuplicateChildView, DuplicateOfView, DuplicateReasons, DuplicateSuggestion,
    ServiceAttributeAnswer,
};
pub use lists::{AssignmentPage, DispatchView, EventView, ReportPage, ReportSummary};
pub use parts::{EmergencyView, FeedbackView, RatingView, ReferralView};
pub use public::{
    PublicReportPage, PublicReportSummary, PublicReportView, PublicResult, PublicStep,
};

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::views::utc;
use crate::domain::report::{
    AssignmentRole, AssignmentStatus, Channel, ExtensionStatus, ReportStatus,
};
use crate::service::records::{AssignmentRow, ClockRow};
use crate::service::reports::queries::ReportDetails;

/// The reporter's identity (Art. 4.2): shown in full to the reporter and the IOC operators; the
/// processing agency, with the reporter's consent, gets the name and the means of contact
/// without the identity number (Art. 4.5).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterView {
    /// Full name.
    pub full_name: String,
    /// Contact address.
    pub contact_address: String,
    /// Citizen ID (CCCD): only for the reporter and the IOC.
    pub cccd: Option<String>,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
}

/// A step's clock: when it started, when it is due, and how it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockView {
    /// The step (see `GET /api/v1/calendar/settings` for the limits).
    #[schema(example = "dispatch")]
    pub step: String,
    /// The assignment it belongs to, if any.
    pub assignment_id: Option<String>,
    /// The agency that must act, if any (else the IOC).
    pub agency_id: Option<String>,
    /// When the clock started.
    pub started_at: DateTime<Utc>,
    /// The deadline (as extended, Art. 8.3).
    pub due_at: DateTime<Utc>,
    /// The deadline before any extension.
    pub original_due_at: DateTime<Utc>,
    /// When the step was done.
    pub done_at: Option<DateTime<Utc>>,
    /// `running`, `overdue` (running past its deadline), `on_time`, `late`, or `cancelled`.
    #[schema(example = "running")]
    pub state: &'static str,
}

impl ClockView {
    pub fn new(k: &ClockRow, now: DateTime<Utc>) -> Self {
        let state = crate::domain::steps::ClockState::of(
            k.due_at,
            k.done_at,
            k.cancelled_at.is_some(),
            now.naive_utc(),
        )
        .as_str();
        Self {
            step: k.step.clone(),
            assignment_id: k.assignment_id.clone(),
            agency_id: k.agency_id.clone(),
            started_at: utc(k.started_at),
            due_at: utc(k.due_at),
            original_due_at: utc(k.original_due_at),
            done_at: k.done_at.map(utc),
            state,
        }
    }
}

/// A result drafted by an agency (Annex I).
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    /// Kính gửi.
    pub addressee: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// The signer's title.
    pub signer_title: Option<String>,
}

/// An agency's part in a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    /// Assignment id.
    pub id: String,
    /// The report.
    pub report_id: String,
    /// The agency.
    pub agency_id: String,
    /// `lead` or `coordinator`.
    pub role: AssignmentRole,
    /// For a coordinator, the lead's assignment.
    pub lead_assignment_id: Option<String>,
    /// The assignment's state.
    pub status: AssignmentStatus,
    /// When it was given.
    pub assigned_at: DateTime<Utc>,
    /// When the agency took it.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it was given back, and why.
    pub returned_at: Option<DateTime<Utc>>,
    /// Why it was given back.
    pub return_reason: Option<String>,
    /// The competent agency a coordinator named.
    pub suggested_agency_id: Option<String>,
    /// The draft or approved result.
    pub result: Option<ResultView>,
    /// When the draft went to the leader.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the leader approved it.
    pub approved_at: Option<DateTime<Utc>>,
    /// The leader's (or the IOC's) note when sending it back.
    pub leader_note: Option<String>,
    /// The assignment's earliest running deadline.
    pub next_due_at: Option<DateTime<Utc>>,
}

impl AssignmentView {
    pub fn new(a: &AssignmentRow, next_due: Option<chrono::NaiveDateTime>) -> Self {
        Self {
            next_due_at: next_due.map(utc),
            id: a.id.clone(),
            report_id: a.report_id.clone(),
            agency_id: a.agency_id.clone(),
            role: a.role,
            lead_assignment_id: a.lead_assignment_id.clone(),
            status: a.status,
            assigned_at: utc(a.assigned_at),
            accepted_at: a.accepted_at.map(utc),
            returned_at: a.returned_at.map(utc),
            return_reason: a.return_reason.clone(),
            suggested_agency_id: a.suggested_agency_id.clone(),
            result: a.result_answer.as_ref().map(|_| ResultView {
                addressee: a.result_addressee.clone(),
                answer: a.result_answer.clone(),
                signer_title: a.result_signer_title.clone(),
            }),
            submitted_at: a.submitted_at.map(utc),
            approved_at: a.approved_at.map(utc),
            leader_note: a.leader_note.clone(),
        }
    }

    /// With its next deadline taken from the report's clocks.
    fn with_clocks(a: &AssignmentRow, clocks: &[ClockRow]) -> Self {
        let due = clocks
            .iter()
            .filter(|k| {
                k.assignment_id.as_deref() == Some(a.id.as_str())
                    && k.done_at.is_none()
                    && k.cancelled_at.is_none()
            })
            .map(|k| k.due_at)
            .min();
        Self::new(a, due)
    }
}

/// An extension (Art. 8.3).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionView {
    /// Extension id.
    pub id: String,
    /// The assignment extended.
    pub assignment_id: String,
    /// Why.
    pub reason: String,
    /// The notice document's number.
    pub notice_number: String,
    /// The notice document's date.
    pub notice_date: chrono::NaiveDate,
    /// The committed deadline.
    pub new_deadline: DateTime<Utc>,
    /// `requested`, `confirmed` or `refused`.
    pub status: ExtensionStatus,
    /// When it was asked.
    pub requested_at: DateTime<Utc>,
    /// When the IOC confirmed it.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the reporter was told of the new deadline.
    pub reporter_notified_at: Option<DateTime<Utc>>,
    /// When the IOC refused it.
    pub refused_at: Option<DateTime<Utc>>,
    /// Why the IOC refused it.
    pub refusal_reason: Option<String>,
}

/// A report, as its reporter and the staff who may see it see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    /// Report id.
    pub id: String,
    /// Tracking code, e.g. `PA-2026-000123`.
    pub code: String,
    /// How it arrived.
    pub channel: Channel,
    /// The state (Art. 7–9).
    pub status: ReportStatus,
    /// Title.
    pub title: String,
    /// Content as submitted.
    pub content: String,
    /// Content with its spelling corrected by the IOC (Art. 7.2).
    pub content_corrected: Option<String>,
    /// Category.
    pub category_code: String,
    /// Where.
    pub address: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// When it happened.
    pub incident_at: Option<DateTime<Utc>>,
    /// The reporter: for the reporter and the IOC; the contact details for the processing agency
    /// with consent; nobody else (Art. 4.5).
    pub reporter: Option<ReporterView>,
    /// The agency may see the contact details (Art. 4.5).
    pub consent_share_contact: bool,
    /// The name may be shown with the published result.
    pub consent_public_name: bool,
    /// The result goes to the reporter alone (Art. 9.3b).
    pub confidential: bool,
    /// An emergency (Art. 8.6).
    pub emergency: bool,
    /// Touches state secrets (Art. 9.3c).
    pub state_secret: bool,
    /// The lead agency.
    pub lead_agency_id: Option<String>,
    /// Why it was refused.
    pub rejection_reason: Option<String>,
    /// For a forward for follow-up: `monitoring` or `suggestion`.
    pub forward_kind: Option<String>,
    /// For a forward for follow-up: the agency.
    pub forward_agency_id: Option<String>,
    /// The current rating.
    pub rating: Option<String>,
    /// Whether the one extension was used.
    pub extension_used: bool,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When its result was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The earliest running deadline.
    pub next_due_at: Option<DateTime<Utc>>,
    /// Whether a running step is past its deadline now.
    pub overdue: bool,
    /// The agencies and their work.
    pub assignments: Vec<AssignmentView>,
    /// Every step's clock.
    pub deadlines: Vec<ClockView>,
    /// The extension, if asked.
    pub extension: Option<ExtensionView>,
    /// Feedback and clarifications.
    pub feedback: Vec<FeedbackView>,
    /// Every rating given, oldest first.
    pub ratings: Vec<RatingView>,
    /// The emergency handling.
    pub emergency_handling: Option<EmergencyView>,
    /// Referrals to the province (Art. 3.7), oldest first: staff only.
    pub referrals: Vec<ReferralView>,
    /// Staff only: the words of its title and content that suggest a complaint or a
    /// denunciation, which the IOC refuses (Art. 1.1c, 3.9); a suggestion, never a decision.
    pub complaint_signals: Vec<String>,
    /// The follow-up token (Art. 7.1, 10), only in the answer to the submission that issued it
    /// (and in the e-mail or SMS to the reporter): with the code it opens
    /// `/api/v1/track/{code}` without an account. It is stored hashed and never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        example = "7KQ2-M9XD-4HRT-W3ZP",
        pattern = "^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$"
    )]
    pub follow_up_token: Option<String>,
    /// Staff only: what an Open311 app answered to the attributes an admin added to the
    /// category (`code`, `value`; a list attribute gives one entry per value).
    pub service_attributes: Vec<ServiceAttributeAnswer>,
    /// The report this one was merged into (README, "Duplicates"): this one follows its state
    /// and result, and takes no action of its own.
    pub duplicate_of: Option<DuplicateOfView>,
    /// Staff only: the reports merged into this one.
    pub duplicates: Vec<DuplicateChildView>,
    /// Only in the answer to a submission: reports that may be the same (for a citizen, only
    /// published ones). A suggestion; the report is submitted all the same.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<DuplicateSuggestion>>,
}

impl From<ReportDetails> for ReportView {
    fn from(d: ReportDetails) -> Self {
        let deadlines: Vec<ClockView> = d.clocks.iter().map(|k| ClockView::new(k, d.now)).collect();
        let overdue = deadlines.iter().any(|k| k.state == "overdue");
        let r = d.report;
        let full = d.identity == crate::domain::visibility::Identity::Full;
        let staff = d.audience == crate::domain::visibility::Audience::Staff;
        Self {
            duplicate_of: d.duplicate_of.map(|f| DuplicateOfView::new(f, staff)),
            duplicates: d
                .duplicates
                .into_iter()
                .map(DuplicateChildView::new)
                .collect(),
            possible_duplicates: None,
            follow_up_token: d.follow_up_token,
            service_attributes: d
                .service_attributes
                .into_iter()
                .map(|a| ServiceAttributeAnswer {
                    code: a.code,
                    value: a.value,
                })
                .collect(),
            reporter: d.reporter.map(|p| ReporterView {
                full_name: p.full_name,
                contact_address: p.contact_address,
                cccd: full.then_some(p.cccd),
                phone: p.phone,
                email: p.email,
                organization: p.organization,
            }),
            assignments: d
                .assignments
                .iter()
                .map(|a| AssignmentView::with_clocks(a, &d.clocks))
                .collect(),
            extension: d.extension.map(|e| ExtensionView {
                id: e.id,
                assignment_id: e.assignment_id,
                reason: e.reason,
                notice_number: e.notice_number,
                notice_date: e.notice_date,
                new_deadline: utc(e.new_due_at),
                status: e.status,
                requested_at: utc(e.requested_at),
                confirmed_at: e.confirmed_at.map(utc),
                reporter_notified_at: e.citizen_notified_at.map(utc),
                refused_at: e.refused_at.map(utc),
                refusal_reason: e.refusal_reason,
            }),
            feedback: d
                .feedback
                .into_iter()
                .map(|f| FeedbackView {
                    id: f.id,
                    content: f.content,
                    created_at: utc(f.created_at),
                    answer: f.answer,
                    answered_at: f.answered_at.map(utc),
                })
                .collect(),
            ratings: d
                .ratings
                .into_iter()
                .map(|x| RatingView {
                    rating: x.rating,
                    created_at: utc(x.created_at),
                })
                .collect(),
            emergency_handling: d.emergency.map(|e| EmergencyView {
                agency_id: e.agency_id,
                called_at: utc(e.called_at),
                finished_at: e.finished_at.map(utc),
                summary: e.summary,
                recorded_at: e.recorded_at.map(utc),
            }),
            complaint_signals: if d.audience == crate::domain::visibility::Audience::Staff {
                crate::domain::complaints::complaint_signals(&r.title, &r.content)
                    .into_iter()
                    .map(String::from)
                    .collect()
            } else {
                Vec::new()
            },
            referrals: d
                .referrals
                .into_iter()
                .map(|x| ReferralView {
                    id: x.id,
                    raised_role: x.raised_role,
                    raised_agency_id: x.raised_agency_id,
                    reason: x.reason,
                    raised_at: utc(x.raised_at),
                    decision: x.decision,
                    direction: x.direction,
                    designated_agency_id: x.designated_agency_id,
                    decided_at: x.decided_at.map(utc),
                })
                .collect(),
            deadlines,
            overdue,
            id: r.id,
            code: r.code,
            channel: r.channel,
            status: r.status,
            title: r.title,
            content: r.content,
            content_corrected: r.content_corrected,
            category_code: r.category_code,
            address: r.address,
            admin_unit_code: r.admin_unit_code,
            latitude: r.latitude,
            longitude: r.longitude,
            incident_at: r.incident_at.map(utc),
            consent_share_contact: r.consent_share_contact,
            consent_public_name: r.consent_public_name,
            confidential: r.confidential,
            emergency: r.emergency,
            state_secret: r.state_secret,
            lead_agency_id: r.lead_agency_id,
            rejection_reason: r.rejection_reason,
            forward_kind: r.forward_kind,
            forward_agency_id: r.forward_agency_id,
            rating: r.rating,
            extension_used: r.extension_used,
            submitted_at: utc(r.submitted_at),
            published_at: r.published_at.map(utc),
            next_due_at: r.next_due_at.map(utc),
        }
    }
}
