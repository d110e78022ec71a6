//! The IOC's actions on a report (Art. 7, 9), the province's designation (Art. 3.8), the
//! reporter's feedback and rating (Art. 10), and emergencies (Art. 8.6).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{Act, act, transition, wrong_state};
use crate::app::AppState;
use crate::db::models::{
    AssignmentRow, EmergencyRow, FeedbackRow, RatingRow, ReportChanges, ReportRow,
};
use crate::db::{DbConn, new_id, repo};
use crate::domain::report::{
    AssignmentRole, AssignmentStatus, ForwardKind, Rating, RejectionReason, ReportStatus,
    Transition, looks_vietnamese,
};
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::auth::Principal;

fn require(who: &Principal, roles: &[Role]) -> AppResult<()> {
    if roles.contains(&who.role) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// A note for the history.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Why, for the history (internal: never public).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Verification (Art. 7.1–7.2): the operator accepts a submitted report, optionally with the
/// spelling corrected (the original stays) and flags set.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// The content with its spelling corrected; the original is kept (Art. 7.2).
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content_corrected: Option<String>,
    /// An emergency (Art. 8.6).
    pub emergency: Option<bool>,
    /// Touches state secrets (Art. 9.3c): nothing of its content is ever public.
    pub state_secret: Option<bool>,
    /// A note for the history.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub fn accept(st: &AppState, who: &Principal, id: &str, input: AcceptInput) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Accept)?;
        ctx.event(c, &r, "accepted", Some(to), None, input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                content_corrected: input.content_corrected.map(|t| Some(t.trim().to_string())),
                emergency: input.emergency,
                state_secret: input.state_secret,
                ..Default::default()
            },
        )
    })
}

/// A spelling correction of the content by the IOC (Art. 7.2): the original stays.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The corrected content.
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content_corrected: String,
}

pub fn correct(st: &AppState, who: &Principal, id: &str, input: CorrectionInput) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let s = super::status_of(&r)?;
        if !matches!(
            s,
            ReportStatus::Submitted
                | ReportStatus::Accepted
                | ReportStatus::InProgress
                | ReportStatus::AwaitingDesignation
        ) {
            return Err(wrong_state(&r.status));
        }
        if !looks_vietnamese(&input.content_corrected) {
            return Err(AppError::invalid_field(
                "content_corrected",
                "not_vietnamese",
                Msg::new(
                    "Nội dung phải viết bằng tiếng Việt.",
                    "The text must be in Vietnamese.",
                ),
            ));
        }
        ctx.event(c, &r, "content_corrected", None, None, None)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                content_corrected: Some(Some(input.content_corrected.trim().to_string())),
                ..Default::default()
            },
        )
    })
}

/// Flags set by the IOC.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsInput {
    /// An emergency (Art. 8.6).
    pub emergency: Option<bool>,
    /// Touches state secrets (Art. 9.3c).
    pub state_secret: Option<bool>,
}

pub fn set_flags(st: &AppState, who: &Principal, id: &str, input: FlagsInput) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        if super::status_of(&r)? == ReportStatus::Published {
            return Err(wrong_state(&r.status));
        }
        let note = format!(
            "emergency: {}, state_secret: {}",
            input.emergency.unwrap_or(r.emergency),
            input.state_secret.unwrap_or(r.state_secret)
        );
        ctx.event(c, &r, "flags_set", None, None, Some(note))?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                emergency: input.emergency,
                state_secret: input.state_secret,
                ..Default::default()
            },
        )
    })
}

/// What the reporter must add (Art. 7.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInfoInput {
    /// What to supplement; shown to the reporter.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

/// The IOC asks the reporter to supplement: the dispatch clock stops until they do.
pub fn request_info(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: RequestInfoInput,
) -> AppResult<()> {
    ioc_hands_off(
        st,
        who,
        id,
        Transition::RequestInfo,
        "info_requested",
        input.note,
    )
}

/// The IOC's part ends without a dispatch (more information asked, or the province asked to
/// designate the lead): the dispatch clock stops, the report changes state, the note is kept.
fn ioc_hands_off(
    st: &AppState,
    who: &Principal,
    id: &str,
    t: Transition,
    action: &str,
    note: String,
) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, t)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(c, &r, action, Some(to), None, Some(note))?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                ..Default::default()
            },
        )
    })
}

/// A refusal (Art. 3.6, 3.9, 1.1c).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    /// Why.
    pub reason: RejectionReason,
    /// Explanation for the reporter.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

pub fn reject(st: &AppState, who: &Principal, id: &str, input: RejectInput) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Reject)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(
            c,
            &r,
            "rejected",
            Some(to),
            None,
            Some(format!("{}: {}", input.reason.as_str(), input.note)),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                rejection_reason: Some(Some(input.reason.as_str().into())),
                ..Default::default()
            },
        )
    })
}

/// A forward for follow-up (Art. 7.4): no processing clock.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    /// To authorities for monitoring, or a constructive suggestion.
    pub kind: ForwardKind,
    /// The agency it goes to.
    pub agency_id: String,
    /// A note.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub fn forward(st: &AppState, who: &Principal, id: &str, input: ForwardInput) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Forward)?;
        check_agency(c, &input.agency_id, "agency_id")?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(c, &r, "forwarded", Some(to), None, input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                forward_kind: Some(Some(input.kind.as_str().into())),
                forward_agency_id: Some(Some(input.agency_id)),
                ..Default::default()
            },
        )
    })
}

pub fn check_agency(c: &mut DbConn, id: &str, f: &str) -> AppResult<crate::db::models::AgencyRow> {
    repo::agencies::find(c, id)?.ok_or_else(|| {
        AppError::validation(vec![FieldError::new(
            f,
            "unknown_agency",
            Msg::new("Cơ quan không tồn tại.", "No such agency."),
        )])
    })
}

/// A dispatch to a lead agency (Art. 7.3).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchInput {
    /// The lead agency (chủ trì).
    pub agency_id: String,
    /// A note for the agency.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Creates a lead assignment with its clocks: 1 working day to take or return it, 6 working days
/// to answer with the leader's approval (Art. 8.1, Annex II).
pub(super) fn assign_lead(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: &ReportRow,
    agency_id: &str,
) -> AppResult<AssignmentRow> {
    let now = ctx.now_naive();
    let a = AssignmentRow::pending(
        new_id(),
        &r.id,
        agency_id,
        AssignmentRole::Lead.as_str(),
        None,
        &ctx.who.user_id,
        now,
    );
    repo::reports::insert_assignment(c, &a)?;
    ctx.start_clock(c, &r.id, Step::LeadReturn, Some(&a), ctx.now)?;
    ctx.start_clock(c, &r.id, Step::LeadProcess, Some(&a), ctx.now)?;
    Ok(a)
}

/// The outcome of a dispatch: the assignment, and whether the agency does not take part yet
/// (the IOC then invites it, Art. 7.3).
pub struct Dispatched {
    pub assignment_id: String,
    pub agency_not_participating: bool,
}

pub fn dispatch(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: DispatchInput,
) -> AppResult<Dispatched> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Dispatch)?;
        let agency = check_agency(c, &input.agency_id, "agency_id")?;
        let a = assign_lead(ctx, c, &r, &agency.id)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        let mut note = input.note.unwrap_or_default();
        if !agency.participating {
            note = format!("{note} [agency not yet participating: invite it]")
                .trim()
                .to_string();
        }
        ctx.event(
            c,
            &r,
            "dispatched",
            Some(to),
            Some(&a.id),
            Some(note).filter(|n| !n.is_empty()),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                lead_agency_id: Some(Some(agency.id.clone())),
                ..Default::default()
            },
        )?;
        Ok(Dispatched {
            assignment_id: a.id,
            agency_not_participating: !agency.participating,
        })
    })
}

/// No lead agency can be found: the IOC asks the province (Art. 3.8, 16.5).
pub fn escalate(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: RequestInfoInput,
) -> AppResult<()> {
    ioc_hands_off(st, who, id, Transition::Escalate, "escalated", input.note)
}

/// The province designates the lead agency of an escalated report (Art. 3.8).
pub fn designate(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: DispatchInput,
) -> AppResult<Dispatched> {
    require(who, &[Role::Province])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Designate)?;
        let agency = check_agency(c, &input.agency_id, "agency_id")?;
        let a = assign_lead(ctx, c, &r, &agency.id)?;
        ctx.event(c, &r, "designated", Some(to), Some(&a.id), input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                lead_agency_id: Some(Some(agency.id.clone())),
                ..Default::default()
            },
        )?;
        Ok(Dispatched {
            assignment_id: a.id,
            agency_not_participating: !agency.participating,
        })
    })
}

/// The approved lead assignment of a report, if any.
pub(super) fn approved_lead(c: &mut DbConn, report_id: &str) -> AppResult<Option<AssignmentRow>> {
    Ok(repo::reports::assignments_of(c, report_id)?
        .into_iter()
        .find(|a| {
            a.role == AssignmentRole::Lead.as_str()
                && a.status == AssignmentStatus::Approved.as_str()
        }))
}

/// Publication (Art. 9): the IOC publishes an approved result that has an answer. A
/// confidential result goes to the reporter alone; a state-secret one publishes nothing of its
/// content (the public views enforce both).
pub fn publish(st: &AppState, who: &Principal, id: &str, input: Note) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Publish)?;
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(&r.status))?;
        if lead
            .result_answer
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
        {
            // Art. 9.4: a result without an answer goes back, it is not published.
            return Err(AppError::conflict(
                "result_without_answer",
                "Kết quả chưa có nội dung trả lời: hãy trả lại cho lãnh đạo cơ quan (Điều 9.4).",
                "The result has no answer: return it to the agency leader (Art. 9.4).",
            ));
        }
        ctx.close(c, &r.id, &[Step::Publish], None)?;
        // The processing time, fixed now with the calendar in force (for statistics).
        let worked = ctx
            .cal
            .working_between(r.submitted_at.and_utc(), ctx.now)
            .map_err(AppError::internal)?;
        repo::reports::record_outcome(c, &r.id, ctx.now_naive(), worked / 1_000_000)?;
        ctx.event(c, &r, "published", Some(to), None, input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                published_at: Some(Some(ctx.now_naive())),
                ..Default::default()
            },
        )
    })
}

/// Art. 9.4: the IOC returns a result without an answer to the lead agency's leader.
pub fn return_result(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: RequestInfoInput,
) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::ResultReturned)?;
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(&r.status))?;
        ctx.close(c, &r.id, &[Step::Publish], None)?;
        repo::reports::update_assignment(
            c,
            &lead.id,
            &crate::db::models::AssignmentChanges {
                status: Some(AssignmentStatus::ChangesRequested.as_str().into()),
                leader_note: Some(Some(input.note.clone())),
                approved_at: Some(None),
                approved_by: Some(None),
                updated_at: Some(ctx.now_naive()),
                ..Default::default()
            },
        )?;
        // The lead redrafts; its leader approves again within 1 working day of the new draft.
        ctx.event(
            c,
            &r,
            "result_returned",
            Some(to),
            Some(&lead.id),
            Some(input.note),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                ..Default::default()
            },
        )
    })
}

/// The reporter's feedback on a published result (Art. 10.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// What is unclear or wrong in the result.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub content: String,
}

fn require_reporter(who: &Principal, r: &ReportRow) -> AppResult<()> {
    if r.reporter_user_id.as_deref() == Some(who.user_id.as_str()) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Starts the lead agency's 2-working-day clock to clarify (Art. 10.2).
pub fn feedback(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: FeedbackInput,
) -> AppResult<String> {
    act(st, who, id, |ctx, c, r| {
        require_reporter(who, &r)?;
        if super::status_of(&r)? != ReportStatus::Published {
            return Err(wrong_state(&r.status));
        }
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(&r.status))?;
        let clock = ctx.start_clock(c, &r.id, Step::Clarify, Some(&lead), ctx.now)?;
        let f = FeedbackRow {
            id: new_id(),
            report_id: r.id.clone(),
            content: input.content.trim().to_string(),
            created_at: ctx.now_naive(),
            answer: None,
            answered_at: None,
            answered_by: None,
            clock_id: Some(clock.id),
        };
        repo::reports::insert_feedback(c, &f)?;
        ctx.event(c, &r, "feedback_received", None, None, None)?;
        ctx.save(c, &r, ReportChanges::default())?;
        Ok(f.id)
    })
}

/// The lead agency's clarification of its result after feedback (Art. 10.2).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClarificationInput {
    /// The feedback answered.
    pub feedback_id: String,
    /// The clarification, for the reporter.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: String,
}

pub fn clarify(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: ClarificationInput,
) -> AppResult<()> {
    require(who, &[Role::AgencyStaff, Role::AgencyLeader])?;
    act(st, who, id, |ctx, c, r| {
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(&r.status))?;
        if who.agency_id.as_deref() != Some(lead.agency_id.as_str()) {
            return Err(AppError::forbidden());
        }
        let fb = repo::reports::feedback_of(c, &r.id)?
            .into_iter()
            .find(|f| f.id == input.feedback_id)
            .ok_or_else(|| AppError::not_found("phản hồi", "Feedback"))?;
        if !repo::reports::answer_feedback(
            c,
            &fb.id,
            input.answer.trim(),
            &who.user_id,
            ctx.now_naive(),
        )? {
            return Err(AppError::conflict(
                "already_answered",
                "Phản hồi này đã được trả lời.",
                "This feedback was already answered.",
            ));
        }
        if let Some(clock) = &fb.clock_id {
            repo::reports::close_clock(c, clock, ctx.now_naive())?;
        }
        ctx.event(c, &r, "clarified", None, Some(&lead.id), None)?;
        ctx.save(c, &r, ReportChanges::default())
    })
}

/// The reporter's rating (Art. 10.3).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// `very_satisfied`, `satisfied` or `dissatisfied`.
    pub rating: Rating,
}

/// Rates a published result; a new rating replaces the old one, and both stay in the history.
pub fn rate(st: &AppState, who: &Principal, id: &str, input: RatingInput) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        require_reporter(who, &r)?;
        if super::status_of(&r)? != ReportStatus::Published {
            return Err(wrong_state(&r.status));
        }
        repo::reports::insert_rating(
            c,
            &RatingRow {
                id: new_id(),
                report_id: r.id.clone(),
                rating: input.rating.as_str().into(),
                created_at: ctx.now_naive(),
            },
        )?;
        ctx.event(
            c,
            &r,
            "rated",
            None,
            None,
            Some(input.rating.as_str().into()),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                rating: Some(Some(input.rating.as_str().into())),
                ..Default::default()
            },
        )
    })
}

/// The operator records the forwarded emergency call (Art. 8.6 step 1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyCallInput {
    /// The competent agency the call went to.
    pub agency_id: String,
    /// When the call was forwarded (default: now); not in the future.
    pub called_at: Option<DateTime<Utc>>,
}

pub fn emergency_call(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: EmergencyCallInput,
) -> AppResult<()> {
    require(who, &[Role::Operator])?;
    act(st, who, id, |ctx, c, r| {
        if !r.emergency {
            return Err(AppError::conflict(
                "not_emergency",
                "Phản ánh chưa được đánh dấu khẩn cấp.",
                "The report is not marked as an emergency.",
            ));
        }
        if repo::reports::emergency(c, &r.id)?.is_some() {
            return Err(AppError::conflict(
                "already_recorded",
                "Cuộc gọi chuyển tiếp đã được ghi nhận.",
                "The forwarded call is already recorded.",
            ));
        }
        let called = input.called_at.unwrap_or(ctx.now);
        if called > ctx.now {
            return Err(AppError::invalid_field(
                "called_at",
                "in_future",
                Msg::new("Không thể ở tương lai.", "Cannot be in the future."),
            ));
        }
        check_agency(c, &input.agency_id, "agency_id")?;
        repo::reports::insert_emergency(
            c,
            &EmergencyRow {
                report_id: r.id.clone(),
                agency_id: input.agency_id.clone(),
                called_at: called.naive_utc(),
                finished_at: None,
                summary: None,
                recorded_at: None,
            },
        )?;
        ctx.event(c, &r, "emergency_call_forwarded", None, None, None)?;
        ctx.save(c, &r, ReportChanges::default())
    })
}

fn emergency_agency(c: &mut DbConn, who: &Principal, r: &ReportRow) -> AppResult<EmergencyRow> {
    let e = repo::reports::emergency(c, &r.id)?.ok_or_else(|| {
        AppError::conflict(
            "no_emergency_call",
            "Chưa ghi nhận cuộc gọi khẩn cấp.",
            "No emergency call is recorded.",
        )
    })?;
    let own = who.agency_id.as_deref() == Some(e.agency_id.as_str())
        && matches!(who.role, Role::AgencyStaff | Role::AgencyLeader);
    if !(own || who.role == Role::Operator) {
        return Err(AppError::forbidden());
    }
    Ok(e)
}

/// The work on the ground finished (Art. 8.6 step 2): 4 clock hours to record what was done.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyFinishedInput {
    /// When the work finished (default: now); not in the future.
    pub finished_at: Option<DateTime<Utc>>,
}

pub fn emergency_finished(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: EmergencyFinishedInput,
) -> AppResult<()> {
    act_emergency(st, who, id, |ctx, c, r, _| {
        let at = input.finished_at.unwrap_or(ctx.now);
        if at > ctx.now {
            return Err(AppError::invalid_field(
                "finished_at",
                "in_future",
                Msg::new("Không thể ở tương lai.", "Cannot be in the future."),
            ));
        }
        if repo::reports::set_emergency_finished(c, &r.id, at.naive_utc())? == 0 {
            return Err(AppError::conflict(
                "already_recorded",
                "Đã ghi nhận thời điểm hoàn thành.",
                "The end of the work is already recorded.",
            ));
        }
        ctx.start_clock(c, &r.id, Step::EmergencyRecord, None, at)?;
        ctx.event(c, r, "emergency_finished", None, None, None)
    })
}

/// What was done (Art. 8.6 step 3).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyRecordInput {
    /// What was done on the ground.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
}

pub fn emergency_record(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: EmergencyRecordInput,
) -> AppResult<()> {
    act_emergency(st, who, id, |ctx, c, r, e| {
        if e.finished_at.is_none() {
            return Err(AppError::conflict(
                "not_finished",
                "Chưa ghi nhận thời điểm hoàn thành.",
                "The end of the work is not recorded yet.",
            ));
        }
        if repo::reports::set_emergency_record(c, &r.id, input.summary.trim(), ctx.now_naive())?
            == 0
        {
            return Err(AppError::conflict(
                "already_recorded",
                "Kết quả xử lý khẩn cấp đã được ghi nhận.",
                "The handling is already recorded.",
            ));
        }
        ctx.close(c, &r.id, &[Step::EmergencyRecord], None)?;
        ctx.event(c, r, "emergency_recorded", None, None, None)
    })
}

fn act_emergency(
    st: &AppState,
    who: &Principal,
    id: &str,
    f: impl FnOnce(&Act<'_>, &mut DbConn, &ReportRow, &EmergencyRow) -> AppResult<()>,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let e = emergency_agency(c, who, &r)?;
        f(ctx, c, &r, &e)?;
        ctx.save(c, &r, ReportChanges::default())
    })
}
