//! Extensions (Art. 8.3): asked once, before the deadline, with the notice; confirmed by the IOC.

use crate::service::auth::{Require, roles::Operator};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{ExtensionRow, ReportChanges};
use crate::db::repo::reports::ExtensionDecision;
use crate::db::{new_id, repo};
use crate::domain::report::ExtensionStatus;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::act;

use super::*;

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
    st: &Context,
    who: &Principal,
    id: &str,
    input: ExtensionInput,
) -> AppResult<String> {
    act_on_assignment(st, who, id, false, |ctx, c, r, a| {
        if !a.status.may_extend() {
            return Err(assignment_wrong_state(a.status.as_str()));
        }
        if r.extension_used || repo::reports::extension_of(c, &r.id)?.is_some() {
            return Err(AppError::conflict(
                "extension_exists",
                "Phản ánh chỉ được gia hạn một lần (Điều 8.3).",
                "A report may be extended once (Art. 8.3).",
            ));
        }
        let process_steps = [
            Step::LeadProcess.as_str(),
            Step::LeadConsolidate.as_str(),
            Step::CoordinatorProcess.as_str(),
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
        // The regulation sets no bound on the committed deadline; the province sets one
        // (`PAHT_EXTENSION_MAX_WORKING_DAYS` after the current deadline).
        let max_days = ctx.st.config.extension_max_working_days;
        let latest = ctx
            .cal
            .add_working(
                clock.due_at.and_utc(),
                crate::domain::calendar::WorkingDuration::Days(max_days),
            )
            .map_err(AppError::internal)?;
        if input.new_deadline > latest {
            errors.push(FieldError::new(
                "new_deadline",
                "too_far",
                Msg::new(
                    format!(
                        "Thời hạn mới chậm nhất là {max_days} ngày làm việc sau thời hạn hiện tại ({}).",
                        latest.with_timezone(&crate::domain::calendar::TIME_ZONE).format("%H:%M %d/%m/%Y")
                    ),
                    format!(
                        "The new deadline may be at most {max_days} working days after the current one ({}).",
                        latest.to_rfc3339()
                    ),
                ),
            ));
        }
        if input.notice_date > crate::domain::calendar::local_date(ctx.now) {
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
            status: ExtensionStatus::Requested,
            requested_by: who.user_id.clone(),
            requested_at: ctx.now_naive(),
            confirmed_by: None,
            confirmed_at: None,
            citizen_notified_at: None,
            refused_by: None,
            refused_at: None,
            refusal_reason: None,
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
pub fn confirm_extension(
    st: &Context,
    who: &Require<Operator>,
    extension_id: &str,
) -> AppResult<String> {
    let report_id = {
        let mut conn = st.pool.get()?;
        repo::reports::extension(&mut conn, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?
            .report_id
    };
    act(st, who, &report_id, |ctx, c, r| {
        let e = repo::reports::extension(c, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?;
        if !repo::reports::decide_extension(
            c,
            &e.id,
            &who.user_id,
            ExtensionDecision::Confirm,
            ctx.now_naive(),
        )? {
            return Err(already_decided());
        }
        repo::reports::set_clock_due(c, &e.clock_id, e.new_due_at)?;
        // The last warning before the deadline moves with it.
        if let Some(k) = repo::reports::clock(c, &e.clock_id)?
            && let Some(step) = crate::domain::steps::Step::parse(&k.step)
        {
            let (_, warn) = crate::service::notify::reminders::instants(
                &ctx.cal,
                &ctx.st.config.notify,
                step,
                k.started_at.and_utc(),
                e.new_due_at.and_utc(),
            );
            repo::reports::set_clock_warn(c, &k.id, warn)?;
        }
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

fn already_decided() -> AppError {
    AppError::conflict(
        "already_decided",
        "Yêu cầu gia hạn đã được xác nhận hoặc từ chối.",
        "The extension was already confirmed or refused.",
    )
}

/// Why the IOC refuses an extension.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRefusal {
    /// Why (e.g. the notice does not show why the case needs more time); the agency sees it.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// The IOC refuses an extension (Art. 8.3: it fixes the time on the notice): the deadline stays
/// as it was, and the request was the report's one extension.
pub fn refuse_extension(
    st: &Context,
    who: &Require<Operator>,
    extension_id: &str,
    input: ExtensionRefusal,
) -> AppResult<String> {
    let report_id = {
        let mut conn = st.pool.get()?;
        repo::reports::extension(&mut conn, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?
            .report_id
    };
    act(st, who, &report_id, |ctx, c, r| {
        let e = repo::reports::extension(c, extension_id)?
            .ok_or_else(|| AppError::not_found("yêu cầu gia hạn", "Extension"))?;
        let reason = input.reason.trim().to_string();
        if !repo::reports::decide_extension(
            c,
            &e.id,
            &who.user_id,
            ExtensionDecision::Refuse { reason: &reason },
            ctx.now_naive(),
        )? {
            return Err(already_decided());
        }
        ctx.event(
            c,
            &r,
            "extension_refused",
            None,
            Some(&e.assignment_id),
            Some(reason),
        )?;
        ctx.save(c, &r, ReportChanges::default())?;
        Ok(r.id.clone())
    })
}
