//! The result drafted by an agency (Annex I) and its leader's approval (Art. 8.4).

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
use crate::service::reports::{assignment_not_found, transition};

use super::*;

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
pub fn submit_result(st: &Context, who: &Principal, id: &str, input: ResultInput) -> AppResult<()> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if !matches!(
            a.status,
            AssignmentStatus::Processing | AssignmentStatus::ChangesRequested
        ) {
            return Err(assignment_wrong_state(a.status.as_str()));
        }
        if is_lead(&a) {
            let pending = repo::reports::assignments_of(c, &r.id)?.iter().any(|x| {
                x.lead_assignment_id.as_deref() == Some(a.id.as_str()) && !x.status.is_settled()
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
            AssignmentTransition::SubmitResult,
            AssignmentChanges {
                result_addressee: Some(Some(repo::letters::seal_addressee(
                    &ctx.st.vault,
                    &a.id,
                    input.addressee.trim(),
                ))),
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

pub fn approve(st: &Context, who: &Principal, id: &str, input: ApprovalInput) -> AppResult<()> {
    act_on_assignment(st, who, id, true, |ctx, c, r, a| {
        if a.status != AssignmentStatus::PendingApproval {
            return Err(assignment_wrong_state(a.status.as_str()));
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
                    AssignmentTransition::SendBack,
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
                    AssignmentTransition::Approve,
                    AssignmentChanges {
                        approved_at: Some(Some(now)),
                        approved_by: Some(Some(who.user_id.clone())),
                        leader_note: Some(input.note.clone()),
                        ..Default::default()
                    },
                )?;
                let steps: &[Step] = if is_lead(&a) {
                    &[Step::LeadProcess, Step::LeadConsolidate, Step::LeadRedraft]
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
