//! An agency's work on its assignment (Art. 8, Annex II): take or return it, forward it to
//! coordinating agencies, draft the result, have the leader approve it, ask for an extension.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::actions::check_agency;
use super::{Act, act, assignment_not_found, assignment_status, step_name, transition};
use crate::app::AppState;
use crate::db::models::{AssignmentChanges, AssignmentRow, ExtensionRow, ReportChanges, ReportRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::report::{AssignmentRole, AssignmentStatus, Transition};
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::auth::Principal;

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
    st: &AppState,
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
    a.role == AssignmentRole::Lead.as_str()
}

fn set_status(
    ctx: &Act<'_>,
    c: &mut DbConn,
    a: &AssignmentRow,
    status: AssignmentStatus,
    mut changes: AssignmentChanges,
) -> AppResult<()> {
    changes.status = Some(status.as_str().into());
    changes.updated_at = Some(ctx.now_naive());
    repo::reports::update_assignment(c, &a.id, &changes)?;
    Ok(())
}

/// Takes an assignment (Art. 8.1–8.2): the 1-working-day clock to take or return it stops.
pub fn accept(st: &AppState, who: &Principal, id: &str) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if assignment_status(&a)? != AssignmentStatus::Pending {
            return Err(assignment_wrong_state(&a.status));
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
            AssignmentStatus::Processing,
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
pub fn give_back(st: &AppState, who: &Principal, id: &str, input: ReturnInput) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        let s = assignment_status(&a)?;
        if !matches!(s, AssignmentStatus::Pending | AssignmentStatus::Processing) {
            return Err(assignment_wrong_state(&a.status));
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
            check_agency(c, sid, "suggested_agency_id")?;
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
            AssignmentStatus::Returned,
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
                    assignment_status(co)?,
                    AssignmentStatus::Returned | AssignmentStatus::Cancelled
                ) {
                    repo::reports::cancel_clocks(c, &r.id, Some(&co.id), ctx.now_naive())?;
                    set_status(
                        ctx,
                        c,
                        co,
                        AssignmentStatus::Cancelled,
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
    st: &AppState,
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
        if assignment_status(&a)? != AssignmentStatus::Processing {
            return Err(assignment_wrong_state(&a.status));
        }
        let existing = repo::reports::assignments_of(c, &r.id)?;
        let mut errors = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (i, aid) in input.agency_ids.iter().enumerate() {
            let f = format!("agency_ids[{i}]");
            let taken = existing.iter().any(|x| {
                x.agency_id == *aid
                    && !matches!(x.status.as_str(), "returned" | "cancelled")
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
        repo::reports::cancel_clocks_of_step(c, &a.id, step_name(Step::LeadProcess), now)?;
        let mut created = Vec::new();
        for aid in ids {
            let co = AssignmentRow::pending(
                new_id(),
                &r.id,
                &aid,
                AssignmentRole::Coordinator.as_str(),
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
fn start_consolidation_if_complete(
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
    let done = coordinators
        .iter()
        .all(|x| matches!(x.status.as_str(), "approved" | "returned" | "cancelled"));
    let any_answered = coordinators.iter().any(|x| x.status == "approved");
    let lead = all
        .iter()
        .find(|x| x.id == *lead_id)
        .ok_or_else(assignment_not_found)?;
    let already = repo::reports::clocks_of(c, &r.id)?.iter().any(|k| {
        k.assignment_id.as_deref() == Some(lead_id.as_str())
            && k.step == step_name(Step::LeadConsolidate)
            && k.cancelled_at.is_none()
            && k.done_at.is_none()
    });
    if done && !already && !matches!(lead.status.as_str(), "returned" | "cancelled" | "approved") {
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

/// A draft result (Annex I).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    /// "Kính gửi": the addressee.
    #[validate(length(min = 1, max = 300))]
    #[schema(example = "Bà Trần Thị Bình", min_length = 1, max_length = 300)]
    pub addressee: String,
    /// The answer (nội dung trả lời kết quả xử lý).
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub answer: String,
    /// The signer's title (Thủ trưởng đơn vị).
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Giám đốc", min_length = 1, max_length = 200)]
    pub signer_title: String,
}

/// Staff submit the draft result for the leader's approval (1 working day, Art. 8.4). A lead
/// with coordinators submits once each of them has answered or returned.
pub fn submit_result(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: ResultInput,
) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if !matches!(
            assignment_status(&a)?,
            AssignmentStatus::Processing | AssignmentStatus::ChangesRequested
        ) {
            return Err(assignment_wrong_state(&a.status));
        }
        if is_lead(&a) {
            let pending = repo::reports::assignments_of(c, &r.id)?.iter().any(|x| {
                x.lead_assignment_id.as_deref() == Some(a.id.as_str())
                    && !matches!(x.status.as_str(), "approved" | "returned" | "cancelled")
            });
            if pending {
                return Err(AppError::conflict(
                    "coordinators_pending",
                    "Còn cơ quan phối hợp chưa gửi kết quả.",
                    "Some coordinating agencies have not answered yet.",
                ));
            }
        }
        set_status(
            ctx,
            c,
            &a,
            AssignmentStatus::PendingApproval,
            AssignmentChanges {
                result_addressee: Some(Some(input.addressee.trim().to_string())),
                result_answer: Some(Some(input.answer.trim().to_string())),
                result_signer_title: Some(Some(input.signer_title.trim().to_string())),
                submitted_at: Some(Some(ctx.now_naive())),
                ..Default::default()
            },
        )?;
        ctx.start_clock(c, &r.id, Step::LeaderApproval, Some(&a), ctx.now)?;
        ctx.event(c, &r, "result_submitted", None, Some(&a.id), None)?;
        ctx.save(c, &r, ReportChanges::default())
    })
}

/// The leader's decision on a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve: a lead's result goes to the IOC, a coordinator's to the lead.
    Approve,
    /// Send the draft back to staff with a note.
    SendBack,
}

/// An approval decision (Art. 8.4).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    /// `approve` or `send_back`.
    pub decision: Decision,
    /// Required when sending back.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub fn approve(st: &AppState, who: &Principal, id: &str, input: ApprovalInput) -> AppResult<()> {
    act_on_assignment(st, who, id, true, |ctx, c, r, a| {
        if assignment_status(&a)? != AssignmentStatus::PendingApproval {
            return Err(assignment_wrong_state(&a.status));
        }
        ctx.close(c, &r.id, &[Step::LeaderApproval], Some(&a.id))?;
        match input.decision {
            Decision::SendBack => {
                let note = input.note.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
                    AppError::invalid_field(
                        "note",
                        "required",
                        Msg::new(
                            "Cần ghi chú khi trả lại dự thảo.",
                            "A note is required to send a draft back.",
                        ),
                    )
                })?;
                set_status(
                    ctx,
                    c,
                    &a,
                    AssignmentStatus::ChangesRequested,
                    AssignmentChanges {
                        leader_note: Some(Some(note.clone())),
                        ..Default::default()
                    },
                )?;
                ctx.event(c, &r, "result_sent_back", None, Some(&a.id), Some(note))?;
                ctx.save(c, &r, ReportChanges::default())
            }
            Decision::Approve => {
                let now = ctx.now_naive();
                set_status(
                    ctx,
                    c,
                    &a,
                    AssignmentStatus::Approved,
                    AssignmentChanges {
                        approved_at: Some(Some(now)),
                        approved_by: Some(Some(who.user_id.clone())),
                        leader_note: Some(input.note.clone()),
                        ..Default::default()
                    },
                )?;
                let steps: &[Step] = if is_lead(&a) {
                    &[Step::LeadProcess, Step::LeadConsolidate]
                } else {
                    &[Step::CoordinatorProcess]
                };
                ctx.close(c, &r.id, steps, Some(&a.id))?;
                if is_lead(&a) {
                    // The lead's approved result goes to the IOC: 4 working hours to publish (Art. 9.2).
                    let to = transition(&r, Transition::LeadApproved)?;
                    ctx.start_clock(c, &r.id, Step::Publish, None, ctx.now)?;
                    ctx.event(c, &r, "result_approved", Some(to), Some(&a.id), input.note)?;
                    ctx.save(
                        c,
                        &r,
                        ReportChanges {
                            status: Some(to.as_str().into()),
                            ..Default::default()
                        },
                    )
                } else {
                    ctx.event(
                        c,
                        &r,
                        "coordinator_result_approved",
                        None,
                        Some(&a.id),
                        input.note,
                    )?;
                    let fresh =
                        repo::reports::assignment(c, &a.id)?.ok_or_else(assignment_not_found)?;
                    start_consolidation_if_complete(ctx, c, &r, &fresh)?;
                    ctx.save(c, &r, ReportChanges::default())
                }
            }
        }
    })
}

/// An extension request (Art. 8.3).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    /// Why the case needs more time (complex, needs inspection or verification).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// Number of the notice document sent to the IOC.
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "125/TB-SGTVT", min_length = 1, max_length = 100)]
    pub notice_number: String,
    /// Date of the notice document (local), not in the future.
    pub notice_date: NaiveDate,
    /// The deadline the agency commits to; after the current one.
    pub new_deadline: DateTime<Utc>,
}

/// The processing agency asks for its one extension, before its deadline (Art. 8.3).
pub fn request_extension(
    st: &AppState,
    who: &Principal,
    id: &str,
    input: ExtensionInput,
) -> AppResult<String> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if !matches!(
            assignment_status(&a)?,
            AssignmentStatus::Processing
                | AssignmentStatus::ChangesRequested
                | AssignmentStatus::PendingApproval
        ) {
            return Err(assignment_wrong_state(&a.status));
        }
        if r.extension_used || repo::reports::extension_of(c, &r.id)?.is_some() {
            return Err(AppError::conflict(
                "extension_exists",
                "Phản ánh chỉ được gia hạn một lần (Điều 8.3).",
                "A report may be extended once (Art. 8.3).",
            ));
        }
        let process_steps = [
            step_name(Step::LeadProcess),
            step_name(Step::LeadConsolidate),
            step_name(Step::CoordinatorProcess),
        ];
        let clock = repo::reports::clocks_of(c, &r.id)?
            .into_iter()
            .find(|k| {
                k.assignment_id.as_deref() == Some(a.id.as_str())
                    && process_steps.contains(&k.step.as_str())
                    && k.done_at.is_none()
                    && k.cancelled_at.is_none()
            })
            .ok_or_else(|| {
                AppError::conflict(
                    "no_running_deadline",
                    "Không có thời hạn xử lý đang chạy để gia hạn.",
                    "There is no running processing deadline to extend.",
                )
            })?;
        if ctx.now_naive() >= clock.due_at {
            return Err(AppError::conflict(
                "deadline_passed",
                "Đã quá hạn xử lý: không thể gia hạn (Điều 8.3).",
                "The deadline has passed: it can no longer be extended (Art. 8.3).",
            ));
        }
        let mut errors = Vec::new();
        if input.new_deadline.naive_utc() <= clock.due_at {
            errors.push(FieldError::new(
                "new_deadline",
                "not_later",
                Msg::new(
                    "Thời hạn mới phải sau thời hạn hiện tại.",
                    "The new deadline must be after the current one.",
                ),
            ));
        }
        if input.new_deadline > ctx.now + chrono::TimeDelta::days(366) {
            errors.push(FieldError::new(
                "new_deadline",
                "too_far",
                Msg::new("Thời hạn mới quá xa.", "The new deadline is too far away."),
            ));
        }
        if input.notice_date > ctx.now.with_timezone(&Ho_Chi_Minh).date_naive() {
            errors.push(FieldError::new(
                "notice_date",
                "in_future",
                Msg::new(
                    "Ngày văn bản không thể ở tương lai.",
                    "The notice cannot be dated in the future.",
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let e = ExtensionRow {
            id: new_id(),
            report_id: r.id.clone(),
            assignment_id: a.id.clone(),
            clock_id: clock.id.clone(),
            reason: input.reason.trim().to_string(),
            notice_number: input.notice_number.trim().to_string(),
            notice_date: input.notice_date,
            new_due_at: input.new_deadline.naive_utc(),
            status: "requested".into(),
            requested_by: who.user_id.clone(),
            requested_at: ctx.now_naive(),
            confirmed_by: None,
            confirmed_at: None,
            citizen_notified_at: None,
        };
        repo::reports::insert_extension(c, &e)?;
        ctx.event(
            c,
            &r,
            "extension_requested",
            None,
            Some(&a.id),
            Some(format!("{} ({})", e.notice_number, e.reason)),
        )?;
        ctx.save(c, &r, ReportChanges::default())?;
        Ok(e.id)
    })
}

/// The IOC confirms an extension: the new deadline is set and the reporter told (Art. 8.3).
pub fn confirm_extension(st: &AppState, who: &Principal, extension_id: &str) -> AppResult<String> {
    if who.role != Role::Operator {
        return Err(AppError::forbidden());
    }
    let report_id = {
        let mut conn = st.pool.get()?;
        repo::reports::extension(&mut conn, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?
            .report_id
    };
    act(st, who, &report_id, |ctx, c, r| {
        let e = repo::reports::extension(c, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?;
        if !repo::reports::confirm_extension(c, &e.id, &who.user_id, ctx.now_naive())? {
            return Err(AppError::conflict(
                "already_confirmed",
                "Yêu cầu gia hạn đã được xác nhận.",
                "The extension is already confirmed.",
            ));
        }
        repo::reports::set_clock_due(c, &e.clock_id, e.new_due_at)?;
        ctx.event(
            c,
            &r,
            "extension_confirmed",
            None,
            Some(&e.assignment_id),
            Some("reporter notified of the new deadline".into()),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                extension_used: Some(true),
                ..Default::default()
            },
        )?;
        Ok(r.id.clone())
    })
}

/// The assignment and its earliest running deadline, if the caller may see its report.
pub fn get(
    st: &AppState,
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
    Ok((a, due))
}
