//! The privacy officer's decisions on data subjects' requests, carried out in the decision's
//! transaction: a correction applied, an identity restricted or erased; and the withdrawal a
//! request makes as it arrives. Each change on a report is a step of its history and moves its
//! version, so a concurrent action on the report waits, then conflicts.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{ReportChanges, ReportRow, SubjectRequestRow};
use crate::db::{DbConn, repo};
use crate::domain::privacy::{Purpose, RequestKind, RequestStatus, report_ended};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::Act;

use super::requests::{RequestView, reports_of, request_not_found, sealed_of, view_of};

/// Runs a change on one report of a request, in the request's transaction: the report is
/// locked, the step recorded, its version moved (a concurrent action on it waits, then
/// conflicts), and whoever follows its steps is told.
pub(super) fn on_report(
    ctx: &Act<'_>,
    c: &mut DbConn,
    report: &ReportRow,
    action: &str,
    note: Option<String>,
    changes: ReportChanges,
    f: impl FnOnce(&mut DbConn, &ReportRow) -> AppResult<()>,
) -> AppResult<()> {
    repo::reports::lock(c, &report.id)?;
    let r = repo::reports::find(c, &report.id)?
        .ok_or_else(crate::service::reports::report_not_found)?;
    let seq = repo::reports::last_seq(c, &r.id)?;
    f(c, &r)?;
    ctx.event(c, &r, action, None, None, note)?;
    ctx.save(c, &r, changes)?;
    crate::service::notify::plan_after_with(ctx.st, c, &r.id, seq, None)?;
    Ok(())
}

pub(super) fn withdraw(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: &ReportRow,
    p: Purpose,
    request_id: &str,
) -> AppResult<()> {
    let mut changes = ReportChanges::default();
    match p {
        Purpose::ShareContact => changes.consent_share_contact = Some(false),
        Purpose::PublicName => changes.consent_public_name = Some(false),
        _ => return Ok(()),
    }
    let at = ctx.now_naive();
    on_report(
        ctx,
        c,
        r,
        "consent_withdrawn",
        Some(p.as_str().to_string()),
        changes,
        |c, r| {
            repo::privacy::withdraw(c, &r.id, p.as_str(), request_id, at)?;
            Ok(())
        },
    )
}

/// How the officer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Carry it out.
    Done,
    /// Refuse it (the answer says why).
    Refused,
}

/// The privacy officer's decision.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDecision {
    /// Carry it out, or refuse it.
    pub outcome: Outcome,
    /// The answer to the reporter: what was done, or why not.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub answer: String,
}

/// Decides an open request and carries it out, in one transaction.
pub fn decide(
    st: &Context,
    who: &Principal,
    id: &str,
    input: RequestDecision,
) -> AppResult<RequestView> {
    let mut conn = st.pool.get()?;
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let now = st.clock.now();
    let ctx = Act {
        st,
        who,
        now,
        cal,
        follow_up_token: Default::default(),
    };
    let mut released = Vec::new();
    let out = st.report_write_tx(&mut conn, |c| {
        let mut r = repo::privacy::request(c, &st.vault, id)?.ok_or_else(request_not_found)?;
        if r.status != RequestStatus::Open.as_str() {
            return Err(decided());
        }
        let status = match input.outcome {
            Outcome::Refused => RequestStatus::Refused,
            Outcome::Done => {
                released = carry_out(&ctx, c, &r)?;
                RequestStatus::Done
            }
        };
        let answer = input.answer.trim().to_string();
        if !repo::privacy::finish(
            c,
            &r.id,
            r.version,
            status.as_str(),
            Some(&who.user_id),
            now.naive_utc(),
            &answer,
        )? {
            return Err(decided());
        }
        r.status = status.as_str().to_string();
        r.handled_at = Some(now.naive_utc());
        r.answer = Some(answer);
        Ok(view_of(&r, now))
    })?;
    // The files of an erased identity (the e-mail as it arrived, the call's recording) leave
    // the store once the erasure committed.
    super::retention::release(st, &released)?;
    Ok(out)
}

fn decided() -> AppError {
    AppError::conflict(
        "request_decided",
        "Yêu cầu này đã được trả lời.",
        "This request has already been answered.",
    )
}

/// Carries a request out; the digests of the files it released.
fn carry_out(ctx: &Act<'_>, c: &mut DbConn, req: &SubjectRequestRow) -> AppResult<Vec<String>> {
    let mut released = Vec::new();
    let kind = RequestKind::parse(&req.kind).unwrap_or(RequestKind::Copy);
    let reports = reports_of(c, req)?;
    let at = ctx.now_naive();
    match kind {
        // The copy is the export (`GET …/export`); a withdrawal was carried out on arrival.
        RequestKind::Copy | RequestKind::Withdraw => {}
        RequestKind::Correct => {
            let fix = sealed_of(req).correction.unwrap_or_default();
            for r in &reports {
                let vault = &ctx.st.vault;
                let Some(mut rep) = repo::reports::reporter(c, vault, &r.id)? else {
                    continue;
                };
                if repo::privacy::erased_at(c, &r.id)?.is_some() {
                    continue;
                }
                let fix = fix.clone();
                on_report(
                    ctx,
                    c,
                    r,
                    "identity_corrected",
                    None,
                    ReportChanges::default(),
                    |c, _| {
                        rep.full_name = fix.full_name.unwrap_or(rep.full_name);
                        rep.contact_address = fix.contact_address.unwrap_or(rep.contact_address);
                        rep.cccd = fix.cccd.unwrap_or(rep.cccd);
                        rep.phone = fix.phone.unwrap_or(rep.phone);
                        rep.email = fix.email.or(rep.email);
                        rep.organization = fix.organization.or(rep.organization);
                        repo::privacy::correct_reporter(c, vault, &rep)?;
                        Ok(())
                    },
                )?;
            }
        }
        RequestKind::Restrict => {
            for r in &reports {
                on_report(
                    ctx,
                    c,
                    r,
                    "identity_restricted",
                    None,
                    ReportChanges::default(),
                    |c, r| {
                        repo::privacy::restrict(c, &r.id)?;
                        Ok(())
                    },
                )?;
            }
        }
        RequestKind::Delete => {
            let open: Vec<&str> = reports
                .iter()
                .filter(|r| !report_ended(r.status))
                .map(|r| r.code.as_str())
                .collect();
            if !open.is_empty() {
                return Err(AppError::conflict(
                    "reports_in_progress",
                    format!(
                        "Phản ánh {} đang được xử lý: chỉ xóa được thông tin người phản ánh khi xử lý đã kết thúc; có thể hạn chế xử lý trong thời gian này.",
                        open.join(", ")
                    ),
                    format!(
                        "Report(s) {} are still being handled: the identity can be deleted once handling ends; restrict it meanwhile.",
                        open.join(", ")
                    ),
                ));
            }
            for r in &reports {
                on_report(
                    ctx,
                    c,
                    r,
                    "identity_erased",
                    None,
                    ReportChanges {
                        consent_share_contact: Some(false),
                        consent_public_name: Some(false),
                        ..Default::default()
                    },
                    |c, r| {
                        released.extend(repo::privacy::erase_identity(c, &r.id, at)?.released);
                        Ok(())
                    },
                )?;
            }
        }
    }
    Ok(released)
}
