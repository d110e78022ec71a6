//! Publication of the result, or its return when it has no answer (Art. 9).

use crate::db::models::ReportChanges;
use crate::db::repo;
use crate::domain::report::Transition;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Require, roles::Operator};
use crate::service::reports::{act, transition, wrong_state};

use super::*;

/// Publication (Art. 9): the IOC publishes an approved result that has an answer. A
/// confidential result goes to the reporter alone; a state-secret one publishes nothing of its
/// content (the public views enforce both).
pub fn publish(st: &Context, who: &Require<Operator>, id: &str, input: Note) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Publish)?;
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(r.status.as_str()))?;
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
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: RequestInfoInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::ResultReturned)?;
        let lead = approved_lead(c, &r.id)?.ok_or_else(|| wrong_state(r.status.as_str()))?;
        ctx.close(c, &r.id, &[Step::Publish], None)?;
        let back = crate::domain::report::AssignmentTransition::ReturnedByIoc
            .apply(lead.status)
            .ok_or_else(|| wrong_state(r.status.as_str()))?;
        repo::reports::update_assignment(
            c,
            &lead.id,
            &crate::db::models::AssignmentChanges {
                status: Some(back.as_str().into()),
                leader_note: Some(Some(input.note.clone())),
                approved_at: Some(None),
                approved_by: Some(None),
                updated_at: Some(ctx.now_naive()),
                ..Default::default()
            },
        )?;
        // Art. 9.4: the lead answers again, and its leader approves, within the redraft limit.
        ctx.start_clock(c, &r.id, Step::LeadRedraft, Some(&lead), ctx.now)?;
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
