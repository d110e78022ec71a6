//! An agency's work on its assignment (Art. 8, Annex II): take or return it, forward it to
//! coordinating agencies, draft the result, have the leader approve it, ask for an extension.
//!
//! This file: what every action on an assignment shares, and reading one; `taking` (accept or
//! give back), `coordination`, `results` (draft and approval), `extensions`.

mod coordination;
mod extensions;
mod results;
mod taking;

pub use coordination::*;
pub use extensions::*;
pub use results::*;
pub use taking::*;

use crate::db::models::{AssignmentChanges, AssignmentRow, ReportRow};
use crate::db::{DbConn, repo};
use crate::domain::report::AssignmentRole;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, act, assignment_not_found};

fn assignment_wrong_state(status: &str) -> AppError {
    AppError::conflict(
        "invalid_state",
        format!("Nhiệm vụ đang ở trạng thái '{status}', không thể thực hiện thao tác này."),
        format!("The assignment is '{status}'; this action is not allowed in that state."),
    )
}

/// Runs an action on an assignment of the caller's agency (staff or leader; `leader_only` for
/// approvals). Another agency's assignment is not found (404).
fn act_on_assignment<T>(
    st: &Context,
    who: &Principal,
    assignment_id: &str,
    leader_only: bool,
    f: impl FnOnce(&Act<'_>, &mut DbConn, ReportRow, AssignmentRow) -> AppResult<T>,
) -> AppResult<T> {
    if !matches!(
        who.role,
        Role::AgencyStaff | Role::AgencyLeader | Role::Operator
    ) {
        return Err(AppError::forbidden());
    }
    let report_id = {
        let mut conn = st.pool.get()?;
        let a = repo::reports::assignment(&mut conn, assignment_id)?
            .ok_or_else(assignment_not_found)?;
        if who.role != Role::Operator && who.agency_id.as_deref() != Some(a.agency_id.as_str()) {
            return Err(assignment_not_found());
        }
        a.report_id
    };
    if who.role == Role::Operator || (leader_only && who.role != Role::AgencyLeader) {
        return Err(AppError::forbidden());
    }
    act(st, who, &report_id, |ctx, c, r| {
        let a = repo::reports::assignment(c, assignment_id)?.ok_or_else(assignment_not_found)?;
        f(ctx, c, r, a)
    })
}

fn is_lead(a: &AssignmentRow) -> bool {
    a.role == AssignmentRole::Lead
}

/// Moves an assignment by a transition of the domain's state machine (409 when its state does
/// not allow it), with the other changes.
fn set_status(
    ctx: &Act<'_>,
    c: &mut DbConn,
    a: &AssignmentRow,
    t: crate::domain::report::AssignmentTransition,
    mut changes: AssignmentChanges,
) -> AppResult<()> {
    let status = t
        .apply(a.status)
        .ok_or_else(|| assignment_wrong_state(a.status.as_str()))?;
    changes.status = Some(status.as_str().into());
    changes.updated_at = Some(ctx.now_naive());
    repo::reports::update_assignment(c, &a.id, &changes)?;
    Ok(())
}

/// The assignment and its earliest running deadline, if the caller may see its report.
pub fn get(
    st: &Context,
    who: &Principal,
    id: &str,
) -> AppResult<(AssignmentRow, Option<chrono::NaiveDateTime>)> {
    let mut conn = st.pool.get()?;
    let a = repo::reports::assignment(&mut conn, id)?.ok_or_else(assignment_not_found)?;
    let r = repo::reports::find(&mut conn, &a.report_id)?.ok_or_else(assignment_not_found)?;
    if !super::visible(&mut conn, who, &r)? {
        return Err(assignment_not_found());
    }
    let due = repo::reports::next_dues(&mut conn, std::slice::from_ref(&a.id))?
        .into_iter()
        .find_map(|(_, d)| d);
    Ok((repo::letters::open_result(&st.vault, a)?, due))
}
