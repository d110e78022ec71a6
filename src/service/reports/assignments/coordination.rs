//! The lead forwards to coordinating agencies (Art. 8.2, step 1) and consolidates once every
//! coordinator has answered (step 3).

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AssignmentRow, ReportChanges, ReportRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::report::{AssignmentRole, AssignmentStatus};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, assignment_not_found};

use super::*;

/// Forwarding to coordinating agencies (Art. 8.2 step 1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinatorsInput {
    /// The coordinating agencies (1–10).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10, min_length = 1, max_length = 10)]
    pub agency_ids: Vec<String>,
    /// What the lead asks of them.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The lead forwards its assignment to coordinating agencies: each has 1 working day to take or
/// return it and 4 to answer (3 + 1 for its leader); the lead's own deadline becomes 2 working
/// days after the last coordinator's result (Art. 8.2, Annex II step 3).
pub fn add_coordinators(
    st: &Context,
    who: &Principal,
    id: &str,
    input: CoordinatorsInput,
) -> AppResult<Vec<String>> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if !is_lead(&a) {
            return Err(AppError::conflict(
                "not_lead",
                "Chỉ cơ quan chủ trì mới chuyển phối hợp.",
                "Only the lead agency forwards to coordinators.",
            ));
        }
        if a.status != AssignmentStatus::Processing {
            return Err(assignment_wrong_state(a.status.as_str()));
        }
        let existing = repo::reports::assignments_of(c, &r.id)?;
        let mut errors = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, aid) in input.agency_ids.iter().enumerate() {
            let f = format!("agency_ids[{i}]");
            let taken = existing.iter().any(|x| {
                x.agency_id == *aid
                    && x.status.is_active()
                    && x.lead_assignment_id.as_deref() == Some(a.id.as_str())
            });
            if repo::agencies::find(c, aid)?.is_none() {
                errors.push(FieldError::new(
                    f,
                    "unknown_agency",
                    Msg::new("Cơ quan không tồn tại.", "No such agency."),
                ));
            } else if *aid == a.agency_id || taken || ids.contains(aid) {
                errors.push(FieldError::new(
                    f,
                    "already_assigned",
                    Msg::new(
                        "Cơ quan đã tham gia xử lý phản ánh này.",
                        "The agency already works on this report.",
                    ),
                ));
            } else {
                ids.push(aid.clone());
            }
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let now = ctx.now_naive();
        // The forward itself had 1 working day from the lead's assignment: recorded as a clock
        // that is done now, so statistics count it on time or late.
        let forward = ctx.start_clock(
            c,
            &r.id,
            Step::LeadForward,
            Some(&a),
            a.assigned_at.and_utc(),
        )?;
        repo::reports::close_clock(c, &forward.id, now)?;
        // The single-agency 6-day clock gives way to the coordination path.
        repo::reports::cancel_clocks_of_step(c, &a.id, Step::LeadProcess.as_str(), now)?;
        let mut created = Vec::new();
        for aid in ids {
            let co = AssignmentRow::pending(
                new_id(),
                &r.id,
                &aid,
                AssignmentRole::Coordinator,
                Some(a.id.clone()),
                &who.user_id,
                now,
            );
            repo::reports::insert_assignment(c, &co)?;
            ctx.start_clock(c, &r.id, Step::CoordinatorReturn, Some(&co), ctx.now)?;
            ctx.start_clock(c, &r.id, Step::CoordinatorProcess, Some(&co), ctx.now)?;
            ctx.event(
                c,
                &r,
                "coordinator_assigned",
                None,
                Some(&co.id),
                input.note.clone(),
            )?;
            created.push(co.id);
        }
        ctx.save(c, &r, ReportChanges::default())?;
        Ok(created)
    })
}

/// When every coordinator of a lead has answered (approved) or returned, the lead's 2-working-day
/// clock to consolidate starts (Art. 8.2 step 3).
pub(super) fn start_consolidation_if_complete(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: &ReportRow,
    coordinator: &AssignmentRow,
) -> AppResult<()> {
    let Some(lead_id) = &coordinator.lead_assignment_id else {
        return Ok(());
    };
    let all = repo::reports::assignments_of(c, &r.id)?;
    let coordinators: Vec<&AssignmentRow> = all
        .iter()
        .filter(|x| x.lead_assignment_id.as_deref() == Some(lead_id.as_str()))
        .collect();
    let done = coordinators.iter().all(|x| x.status.is_settled());
    let any_answered = coordinators
        .iter()
        .any(|x| x.status == AssignmentStatus::Approved);
    let lead = all
        .iter()
        .find(|x| x.id == *lead_id)
        .ok_or_else(assignment_not_found)?;
    let already = repo::reports::clocks_of(c, &r.id)?.iter().any(|k| {
        k.assignment_id.as_deref() == Some(lead_id.as_str())
            && k.step == Step::LeadConsolidate.as_str()
            && k.cancelled_at.is_none()
            && k.done_at.is_none()
    });
    if done && !already && !lead.status.is_settled() {
        if any_answered {
            ctx.start_clock(c, &r.id, Step::LeadConsolidate, Some(lead), ctx.now)?;
        } else {
            // Every coordinator returned: the lead is back to answering alone, with the
            // 6-day clock it had from its assignment.
            ctx.start_clock(
                c,
                &r.id,
                Step::LeadProcess,
                Some(lead),
                lead.assigned_at.and_utc(),
            )?;
        }
    }
    Ok(())
}
