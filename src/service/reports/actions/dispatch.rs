//! Dispatch to the agencies (Art. 7.3), escalation and the province's designation (Art. 3.8).

use crate::service::auth::{
    Require,
    roles::{Operator, Province},
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AssignmentRow, ReportChanges, ReportRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::report::{AssignmentRole, AssignmentStatus, Transition};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, act, transition};

use super::*;

/// An agency a report can go to: it exists, and has not ceased to exist (the district People's
/// Committees ended on 30/6/2025 with their districts).
pub fn check_agency(
    c: &mut DbConn,
    id: &str,
    f: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<crate::db::models::AgencyRow> {
    let a = repo::agencies::find(c, id)?.ok_or_else(|| {
        AppError::validation(vec![FieldError::new(
            f,
            "unknown_agency",
            Msg::new("Cơ quan không tồn tại.", "No such agency."),
        )])
    })?;
    let today = now
        .with_timezone(&crate::domain::calendar::TIME_ZONE)
        .date_naive();
    if a.valid_to.is_some_and(|d| d < today) {
        return Err(AppError::validation(vec![FieldError::new(
            f,
            "agency_dissolved",
            Msg::new(
                "Cơ quan này đã giải thể hoặc sắp xếp lại; hãy chọn cơ quan đang hoạt động.",
                "This agency no longer exists; choose one in operation.",
            ),
        )]));
    }
    Ok(a)
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
        AssignmentRole::Lead,
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
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: DispatchInput,
) -> AppResult<Dispatched> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Dispatch)?;
        let agency = check_agency(c, &input.agency_id, "agency_id", ctx.now)?;
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
pub fn escalate(st: &Context, who: &Principal, id: &str, input: RequestInfoInput) -> AppResult<()> {
    ioc_hands_off(st, who, id, Transition::Escalate, "escalated", input.note)
}

/// The province designates the lead agency of an escalated report (Art. 3.8).
pub fn designate(
    st: &Context,
    who: &Require<Province>,
    id: &str,
    input: DispatchInput,
) -> AppResult<Dispatched> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Designate)?;
        let agency = check_agency(c, &input.agency_id, "agency_id", ctx.now)?;
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
        .find(|a| a.role == AssignmentRole::Lead && a.status == AssignmentStatus::Approved))
}
