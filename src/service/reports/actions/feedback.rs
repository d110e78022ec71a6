//! The reporter's feedback, the lead agency's clarification and the rating (Art. 10).

use crate::service::auth::{Require, roles::AgencyMember};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::DbConn;
use crate::db::models::ReportRow;
use crate::db::models::{FeedbackRow, RatingRow, ReportChanges};
use crate::db::{new_id, repo};
use crate::domain::report::{Rating, ReportStatus};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, act, as_reporter, wrong_state};

use super::*;

/// The reporter's feedback on a published result (Art. 10.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    /// What is unclear or wrong in the result.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub content: String,
    /// An operator recording a caller's feedback: the call it came from (its id in PAHT).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub call_id: Option<String>,
}

/// Starts the lead agency's 2-working-day clock to clarify (Art. 10.2).
pub fn feedback(
    st: &Context,
    who: &Principal,
    id: &str,
    input: FeedbackInput,
) -> AppResult<String> {
    act(st, who, id, |ctx, c, r| feedback_in(ctx, c, r, input, None))
}

/// The feedback in the caller's transaction; `source` names what it came from (a message, a
/// call) in the event.
pub fn feedback_in(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: ReportRow,
    input: FeedbackInput,
    source: Option<&str>,
) -> AppResult<String> {
    {
        let by = as_reporter(ctx.who, &r)?;
        let source = crate::service::reports::source_of(c, by, input.call_id.as_deref(), source)?;
        if r.status != ReportStatus::Published {
            return Err(wrong_state(r.status.as_str()));
        }
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(r.status.as_str()))?;
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
        ctx.event(
            c,
            &r,
            "feedback_received",
            None,
            None,
            by.note(None, source.as_deref()),
        )?;
        ctx.save(c, &r, ReportChanges::default())?;
        Ok(f.id)
    }
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
    st: &Context,
    who: &Require<AgencyMember>,
    id: &str,
    input: ClarificationInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(r.status.as_str()))?;
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
    /// An operator recording a caller's rating: the call it came from (its id in PAHT).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub call_id: Option<String>,
}

/// Rates a published result; a new rating replaces the old one, and both stay in the history.
pub fn rate(st: &Context, who: &Principal, id: &str, input: RatingInput) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let by = as_reporter(who, &r)?;
        let source = crate::service::reports::source_of(c, by, input.call_id.as_deref(), None)?;
        if r.status != ReportStatus::Published {
            return Err(wrong_state(r.status.as_str()));
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
            by.note(Some(input.rating.as_str().into()), source.as_deref()),
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
