//! Taking an assignment, or giving it back as not the agency's competence (Art. 8.1, 8.2;
//! Annex II steps 2-3).

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AssignmentChanges, ReportChanges};
use crate::db::repo;
use crate::domain::report::AssignmentTransition;
use crate::domain::report::{AssignmentStatus, Transition};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::actions::check_agency;
use crate::service::reports::transition;

use super::*;

/// Takes an assignment (Art. 8.1–8.2): the 1-working-day clock to take or return it stops.
pub fn accept(st: &Context, who: &Principal, id: &str) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if a.status != AssignmentStatus::Pending {
            return Err(assignment_wrong_state(a.status.as_str()));
        }
        let step = if is_lead(&a) {
            Step::LeadReturn
        } else {
            Step::CoordinatorReturn
        };
        ctx.close(c, &r.id, &[step], Some(&a.id))?;
        set_status(
            ctx,
            c,
            &a,
            AssignmentTransition::Accept,
            AssignmentChanges {
                accepted_at: Some(Some(ctx.now_naive())),
                ..Default::default()
            },
        )?;
        ctx.event(c, &r, "assignment_accepted", None, Some(&a.id), None)?;
        ctx.save(c, &r, ReportChanges::default())
    })
}

/// A return of a wrong assignment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    /// Why it is not the agency's competence.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// The competent agency: required from a coordinator (Annex II step 3), optional from the lead.
    pub suggested_agency_id: Option<String>,
}

/// Returns a wrong assignment: the lead's goes back to the IOC to re-dispatch (a new dispatch
/// clock); a coordinator's goes back to the lead, naming the right agency.
pub fn give_back(st: &Context, who: &Principal, id: &str, input: ReturnInput) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        let s = a.status;
        if !matches!(s, AssignmentStatus::Pending | AssignmentStatus::Processing) {
            return Err(assignment_wrong_state(a.status.as_str()));
        }
        if !is_lead(&a) && input.suggested_agency_id.is_none() {
            return Err(AppError::invalid_field(
                "suggested_agency_id",
                "required",
                Msg::new(
                    "Cơ quan phối hợp phải ghi rõ cơ quan đúng thẩm quyền.",
                    "A coordinator must name the competent agency.",
                ),
            ));
        }
        if let Some(sid) = &input.suggested_agency_id {
            check_agency(c, sid, "suggested_agency_id", ctx.now)?;
        }
        let step = if is_lead(&a) {
            Step::LeadReturn
        } else {
            Step::CoordinatorReturn
        };
        ctx.close(c, &r.id, &[step], Some(&a.id))?;
        repo::reports::cancel_clocks(c, &r.id, Some(&a.id), ctx.now_naive())?;
        set_status(
            ctx,
            c,
            &a,
            AssignmentTransition::GiveBack,
            AssignmentChanges {
                returned_at: Some(Some(ctx.now_naive())),
                return_reason: Some(Some(input.reason.clone())),
                suggested_agency_id: Some(input.suggested_agency_id.clone()),
                ..Default::default()
            },
        )?;
        if is_lead(&a) {
            // Back to the IOC's queue; coordinators of this lead are withdrawn.
            let to = transition(&r, Transition::LeadReturned)?;
            for co in repo::reports::assignments_of(c, &r.id)?
                .iter()
                .filter(|x| x.lead_assignment_id.as_deref() == Some(a.id.as_str()))
            {
                if !matches!(
                    co.status,
                    AssignmentStatus::Returned | AssignmentStatus::Cancelled
                ) {
                    repo::reports::cancel_clocks(c, &r.id, Some(&co.id), ctx.now_naive())?;
                    set_status(
                        ctx,
                        c,
                        co,
                        AssignmentTransition::Withdraw,
                        AssignmentChanges::default(),
                    )?;
                }
            }
            ctx.start_clock(c, &r.id, Step::Dispatch, None, ctx.now)?;
            ctx.event(
                c,
                &r,
                "lead_returned",
                Some(to),
                Some(&a.id),
                Some(input.reason),
            )?;
            ctx.save(
                c,
                &r,
                ReportChanges {
                    status: Some(to.as_str().into()),
                    lead_agency_id: Some(None),
                    ..Default::default()
                },
            )
        } else {
            ctx.event(
                c,
                &r,
                "coordinator_returned",
                None,
                Some(&a.id),
                Some(input.reason),
            )?;
            start_consolidation_if_complete(ctx, c, &r, &a)?;
            ctx.save(c, &r, ReportChanges::default())
        }
    })
}
