//! The parts of a report's view after its intake: feedback, ratings, the emergency handling,
//! referrals to the province.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The reporter's feedback and the agency's clarification (Art. 10).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    /// Feedback id.
    pub id: String,
    /// What the reporter wrote.
    pub content: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The lead agency's clarification.
    pub answer: Option<String>,
    /// When it was clarified.
    pub answered_at: Option<DateTime<Utc>>,
}

/// A rating given (the latest counts; all are kept).
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    /// `very_satisfied`, `satisfied` or `dissatisfied`.
    pub rating: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The handling of an emergency (Art. 8.6).
#[derive(Debug, Serialize, ToSchema)]
pub struct EmergencyView {
    /// The agency the call was forwarded to.
    pub agency_id: String,
    /// When the call was forwarded.
    pub called_at: DateTime<Utc>,
    /// When the work on the ground finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// What was done.
    pub summary: Option<String>,
    /// When it was recorded.
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A referral to the province (Art. 3.7) and its decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    /// Referral id.
    pub id: String,
    /// Who referred it: `operator`, `agency_staff` or `agency_leader`.
    pub raised_role: String,
    /// Their agency (the lead).
    pub raised_agency_id: Option<String>,
    /// Why.
    pub reason: String,
    /// When.
    pub raised_at: DateTime<Utc>,
    /// `direction` or `designation`; absent while the province has not decided.
    pub decision: Option<String>,
    /// The province's direction.
    pub direction: Option<String>,
    /// The lead the province designated.
    pub designated_agency_id: Option<String>,
    /// When the province decided.
    pub decided_at: Option<DateTime<Utc>>,
}
