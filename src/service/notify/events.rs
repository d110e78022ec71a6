//! What each event of a report tells whom (Art. 7–10, 15): the reporter through the channel of
//! intake, the agencies' focal points, staff and leaders, the supervising agencies and the IOC.

use crate::db::models::{EventRow, UserRow};
use crate::db::vault::Vault;
use crate::db::{DbConn, repo};
use crate::domain::report::{AssignmentRole, RejectionReason};
use crate::error::AppResult;

use super::{Message, Planner, local_time};

/// Writes the messages of one event.
pub fn plan(p: &mut Planner<'_>, c: &mut DbConn, ev: &EventRow) -> AppResult<()> {
    let Some(r) = repo::reports::find(c, &ev.report_id)? else {
        return Ok(());
    };
    let st = p.st;
    let msg = |kind| Message::new(st, kind, &r, ev);
    let note = ev.note.clone().unwrap_or_default();
    let assignment = match &ev.assignment_id {
        Some(id) => repo::reports::assignment(c, id)?,
        None => None,
    };
    let agency_of = |c: &mut DbConn, id: &str| -> AppResult<String> {
        Ok(repo::agencies::find(c, id)?
            .map(|a| a.name)
            .unwrap_or_default())
    };
    match ev.action.as_str() {
        // Art. 7: the tracking code, at once, with the follow-up token (Art. 7.1, 10).
        "submitted" => {
            let token = p.follow_up_token.clone().unwrap_or_default();
            p.reporter(c, msg("received").var("token", token))?
        }
        // A new follow-up token, issued by the IOC.
        "follow_up_reissued" => {
            if let Some(token) = p.follow_up_token.clone() {
                p.reporter(c, msg("follow_up_token").var("token", token))?
            }
        }
        // Art. 7.1: what to add.
        "info_requested" => p.reporter(c, msg("info_requested").var("note", note))?,
        "rejected" => {
            let reason = r
                .rejection_reason
                .as_deref()
                .and_then(RejectionReason::parse)
                .map(rejection_words)
                .unwrap_or_default();
            let detail = note.split_once(": ").map(|(_, n)| n).unwrap_or(&note);
            let reason = [reason, detail]
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(". ");
            p.reporter(c, msg("rejected").var("reason", reason))?
        }
        // A duplicate: the reporter follows the original from now on.
        "duplicate_linked" => p.reporter(c, msg("duplicate_linked").var("parent", note))?,
        // Art. 7.4.
        "forwarded" => p.reporter(c, msg("forwarded").var("reason", note))?,
        // Art. 8.3: the reporter is told the new deadline.
        "extension_confirmed" => {
            let due = repo::reports::extension_of(c, &r.id)?
                .map(|e| local_time(e.new_due_at))
                .unwrap_or_default();
            p.reporter(c, msg("extension_confirmed").var("deadline", due))?
        }
        // Art. 9.3a, 9.3b, 9.3c.
        "published" => {
            let lead = repo::reports::assignments_of(c, &r.id)?
                .into_iter()
                .find(|a| a.role == AssignmentRole::Lead && a.approved_at.is_some());
            let agency = match &lead {
                Some(a) => agency_of(c, &a.agency_id)?,
                None => String::new(),
            };
            let answer = if r.state_secret {
                "Nội dung trả lời được gửi theo quy định của pháp luật về bảo vệ bí mật nhà nước."
                    .to_string()
            } else {
                lead.and_then(|a| a.result_answer).unwrap_or_default()
            };
            let kind = if r.confidential || r.state_secret {
                "result_confidential"
            } else {
                "result_published"
            };
            p.reporter(c, msg(kind).var("agency", agency).var("answer", answer))?
        }
        // Art. 10.2.
        "clarified" => {
            let answer = repo::reports::feedback_of(c, &r.id)?
                .into_iter()
                .filter(|f| f.answered_at.is_some())
                .max_by_key(|f| f.answered_at)
                .and_then(|f| f.answer)
                .unwrap_or_default();
            p.reporter(c, msg("feedback_clarified").var("answer", answer))?
        }
        // Art. 15.1: a new task reaches the agency's focal points and staff.
        "dispatched" | "designated" | "coordinator_assigned" => {
            if let Some(a) = &assignment {
                let kind = if a.role == AssignmentRole::Lead {
                    "assignment_new"
                } else {
                    "coordination_new"
                };
                let due = repo::reports::clocks_of(c, &r.id)?
                    .into_iter()
                    .filter(|k| k.assignment_id.as_deref() == Some(a.id.as_str()))
                    .filter(|k| k.done_at.is_none() && k.cancelled_at.is_none())
                    .map(|k| k.due_at)
                    .max()
                    .map(local_time)
                    .unwrap_or_default();
                let name = agency_of(c, &a.agency_id)?;
                let to = handlers(c, &p.st.vault, &a.agency_id)?;
                let m = msg(kind)
                    .var("title", r.title.clone())
                    .var("agency", name)
                    .var("deadline", due);
                p.staff(c, m, to)?
            }
        }
        // A coordinator's answer (or its return) reaches the lead.
        "coordinator_result_approved" | "coordinator_returned" => {
            if let Some(a) = &assignment
                && let Some(lead) = &a.lead_assignment_id
                && let Some(lead) = repo::reports::assignment(c, lead)?
            {
                let name = agency_of(c, &a.agency_id)?;
                let to = handlers(c, &p.st.vault, &lead.agency_id)?;
                let m = if ev.action == "coordinator_returned" {
                    msg("coordinator_returned").var("reason", note)
                } else {
                    msg("coordinator_answered")
                };
                p.staff(c, m.var("agency", name), to)?
            }
        }
        // Art. 8.4: a result awaiting approval reaches the leader.
        "result_submitted" => {
            if let Some(a) = &assignment {
                let name = agency_of(c, &a.agency_id)?;
                let to = leaders(c, &p.st.vault, &a.agency_id)?;
                p.staff(c, msg("result_awaiting_approval").var("agency", name), to)?
            }
        }
        // A result sent back reaches its drafter; one the IOC returns (Art. 9.4) its leaders.
        "result_sent_back" | "result_returned" => {
            if let Some(a) = &assignment {
                let mut to = if ev.action == "result_sent_back" {
                    drafter(c, &p.st.vault, &r.id, &a.id)?
                } else {
                    leaders(c, &p.st.vault, &a.agency_id)?
                };
                if to.is_empty() {
                    to = handlers(c, &p.st.vault, &a.agency_id)?;
                }
                p.staff(c, msg("result_sent_back").var("note", note), to)?
            }
        }
        // The IOC hears what comes back to it.
        "lead_returned" | "extension_requested" => {
            let name = match &assignment {
                Some(a) => agency_of(c, &a.agency_id)?,
                None => String::new(),
            };
            let m = if ev.action == "lead_returned" {
                msg("returned_to_ioc").var("reason", note)
            } else {
                let due = repo::reports::extension_of(c, &r.id)?
                    .map(|e| local_time(e.new_due_at))
                    .unwrap_or_default();
                msg("extension_requested").var("deadline", due)
            };
            let to = repo::users::active_with_role(c, &p.st.vault, "operator", None)?;
            p.staff(c, m.var("agency", name), to)?
        }
        // Art. 10.2: the lead clarifies within 2 working days.
        "feedback_received" => {
            if let Some(lead) = repo::reports::assignments_of(c, &r.id)?
                .into_iter()
                .find(|a| a.role == AssignmentRole::Lead && a.approved_at.is_some())
            {
                let name = agency_of(c, &lead.agency_id)?;
                let to = handlers(c, &p.st.vault, &lead.agency_id)?;
                p.staff(c, msg("feedback_new").var("agency", name), to)?
            }
        }
        // Art. 7.3, 8.5, 15.3: overdue reaches the agency's leader and its supervisors; the
        // IOC's own steps reach the IOC.
        "overdue" => {
            let (step, due) = overdue_step(&note);
            let (name, to) = match &ev.actor_agency_id {
                Some(agency) => {
                    let mut to = leaders(c, &p.st.vault, agency)?;
                    let above = repo::agencies::ancestors(c, agency)?;
                    if !above.is_empty() {
                        to.extend(repo::users::active_with_role(
                            c,
                            &p.st.vault,
                            "supervisor",
                            Some(&above),
                        )?);
                    }
                    (agency_of(c, agency)?, to)
                }
                None => (
                    "Trung tâm IOC".to_string(),
                    repo::users::active_with_role(c, &p.st.vault, "operator", None)?,
                ),
            };
            let m = msg("overdue")
                .var("agency", name)
                .var("step", step)
                .var("deadline", due);
            p.staff(c, m, to)?
        }
        _ => {}
    }
    Ok(())
}

/// An agency's name ("" when it is gone).
pub(super) fn agency_name(c: &mut DbConn, id: &str) -> AppResult<String> {
    Ok(repo::agencies::find(c, id)?
        .map(|a| a.name)
        .unwrap_or_default())
}

/// An agency's processing staff and its focal points (Art. 15.1).
pub(super) fn handlers(c: &mut DbConn, v: &Vault, agency_id: &str) -> AppResult<Vec<UserRow>> {
    let mut to = focal_points(c, v, agency_id)?;
    to.extend(repo::users::active_with_role(
        c,
        v,
        "agency_staff",
        Some(&[agency_id.to_string()]),
    )?);
    Ok(to)
}

/// An agency's leaders, its focal leader first.
pub(super) fn leaders(c: &mut DbConn, v: &Vault, agency_id: &str) -> AppResult<Vec<UserRow>> {
    let mut to: Vec<UserRow> = focal_points(c, v, agency_id)?
        .into_iter()
        .filter(|u| u.role.as_str() == "agency_leader")
        .collect();
    to.extend(repo::users::active_with_role(
        c,
        v,
        "agency_leader",
        Some(&[agency_id.to_string()]),
    )?);
    Ok(to)
}

fn focal_points(c: &mut DbConn, v: &Vault, agency_id: &str) -> AppResult<Vec<UserRow>> {
    let mut out = Vec::new();
    if let Some(a) = repo::agencies::find(c, agency_id)? {
        for id in [a.focal_leader_id, a.focal_staff_id].into_iter().flatten() {
            if let Some(u) = repo::users::find(c, v, &id)?
                && !u.disabled
            {
                out.push(u);
            }
        }
    }
    Ok(out)
}

/// Who submitted the result of an assignment last.
fn drafter(
    c: &mut DbConn,
    v: &Vault,
    report_id: &str,
    assignment_id: &str,
) -> AppResult<Vec<UserRow>> {
    let by = repo::reports::events_of(c, report_id)?
        .into_iter()
        .rev()
        .find(|e| {
            e.action == "result_submitted" && e.assignment_id.as_deref() == Some(assignment_id)
        })
        .and_then(|e| e.actor_user_id);
    Ok(match by {
        Some(id) => repo::users::find(c, v, &id)?.into_iter().collect(),
        None => Vec::new(),
    })
}

/// The step and deadline of the sweeper's note (`step lead_process was due 2026-…`).
fn overdue_step(note: &str) -> (String, String) {
    let mut words = note.split_whitespace();
    let step = words.nth(1).unwrap_or_default();
    let due = words
        .nth(2)
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| local_time(d.naive_utc()))
        .unwrap_or_default();
    let step = crate::domain::steps::Step::parse(step)
        .map(step_words)
        .unwrap_or(step)
        .to_string();
    (step, due)
}

/// A step as the regulation names it.
pub(super) fn step_words(s: crate::domain::steps::Step) -> &'static str {
    use crate::domain::steps::Step::*;
    match s {
        Dispatch => "chuyển cơ quan xử lý (04 giờ làm việc)",
        LeadProcess => "xử lý của cơ quan chủ trì (06 ngày làm việc)",
        LeadReturn => "trả lại phản ánh không đúng thẩm quyền",
        LeadForward => "chuyển cơ quan phối hợp",
        CoordinatorReturn => "trả lại của cơ quan phối hợp",
        CoordinatorProcess => "xử lý của cơ quan phối hợp (04 ngày làm việc)",
        LeadConsolidate => "tổng hợp kết quả (02 ngày làm việc)",
        LeaderApproval => "phê duyệt của lãnh đạo (01 ngày làm việc)",
        LeadRedraft => "hoàn thiện kết quả bị trả lại",
        Publish => "công bố kết quả (04 giờ làm việc)",
        Clarify => "làm rõ phản hồi (02 ngày làm việc)",
        EmergencyRecord => "cập nhật kết quả xử lý khẩn cấp (04 giờ)",
    }
}

fn rejection_words(r: RejectionReason) -> &'static str {
    match r {
        RejectionReason::ComplaintOrDenunciation => {
            "Nội dung là khiếu nại, tố cáo, được giải quyết theo quy định về khiếu nại, tố cáo"
        }
        RejectionReason::ImproperContent => "Nội dung vi phạm quy định tại Điều 3.6 Quy chế",
        RejectionReason::OutOfScope => "Không thuộc phạm vi xử lý của các cơ quan trên địa bàn",
        RejectionReason::Duplicate => "Nội dung đã được phản ánh trước đó",
        RejectionReason::InsufficientInfo => "Thông tin chưa đủ để xử lý và chưa được bổ sung",
    }
}
