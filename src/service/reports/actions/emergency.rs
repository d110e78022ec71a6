//! Emergencies (Art. 8.6): the call forwarded, the work finished on the ground, the handling
//! recorded within 4 hours.

use crate::service::auth::{Require, roles::Operator};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{EmergencyRow, ReportChanges, ReportRow};
use crate::db::{DbConn, repo};
use crate::domain::report::Transition;
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, act, transition};

use super::*;

/// The operator records the forwarded emergency call (Art. 8.6 step 1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyCallInput {
    /// The competent agency the call went to.
    pub agency_id: String,
    /// When the call was forwarded (default: now); not in the future.
    pub called_at: Option<DateTime<Utc>>,
}

pub fn emergency_call(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: EmergencyCallInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        if !r.emergency {
            return Err(AppError::conflict(
                "not_emergency",
                "Phản ánh chưa được đánh dấu khẩn cấp.",
                "The report is not marked as an emergency.",
            ));
        }
        if repo::reports::emergency(c, &r.id)?.is_some() {
            return Err(AppError::conflict(
                "already_recorded",
                "Cuộc gọi chuyển tiếp đã được ghi nhận.",
                "The forwarded call is already recorded.",
            ));
        }
        let called = input.called_at.unwrap_or(ctx.now);
        if called > ctx.now {
            return Err(AppError::invalid_field(
                "called_at",
                "in_future",
                Msg::new("Không thể ở tương lai.", "Cannot be in the future."),
            ));
        }
        check_agency(c, &input.agency_id, "agency_id", ctx.now)?;
        // The forward is the IOC's dispatch of an emergency: its 4-hour step is done.
        let to = transition(&r, Transition::EmergencyCall)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        repo::reports::insert_emergency(
            c,
            &EmergencyRow {
                report_id: r.id.clone(),
                agency_id: input.agency_id.clone(),
                called_at: called.naive_utc(),
                finished_at: None,
                summary: None,
                recorded_at: None,
            },
        )?;
        // Art. 8.6: the agency hears the caller through the forwarded call; the basis of that
        // sharing is the emergency.
        crate::service::privacy::consents::emergency_shared(c, who, &r, &input.agency_id, ctx.now)?;
        ctx.event(c, &r, "emergency_call_forwarded", Some(to), None, None)?;
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

fn emergency_agency(c: &mut DbConn, who: &Principal, r: &ReportRow) -> AppResult<EmergencyRow> {
    let e = repo::reports::emergency(c, &r.id)?.ok_or_else(|| {
        AppError::conflict(
            "no_emergency_call",
            "Chưa ghi nhận cuộc gọi khẩn cấp.",
            "No emergency call is recorded.",
        )
    })?;
    let own = who.agency_id.as_deref() == Some(e.agency_id.as_str())
        && matches!(who.role, Role::AgencyStaff | Role::AgencyLeader);
    if !(own || who.role == Role::Operator) {
        return Err(AppError::forbidden());
    }
    Ok(e)
}

/// The work on the ground finished (Art. 8.6 step 2): 4 clock hours to record what was done.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyFinishedInput {
    /// When the work finished (default: now); not in the future.
    pub finished_at: Option<DateTime<Utc>>,
}

pub fn emergency_finished(
    st: &Context,
    who: &Principal,
    id: &str,
    input: EmergencyFinishedInput,
) -> AppResult<()> {
    act_emergency(st, who, id, |ctx, c, r, _| {
        let at = input.finished_at.unwrap_or(ctx.now);
        if at > ctx.now {
            return Err(AppError::invalid_field(
                "finished_at",
                "in_future",
                Msg::new("Không thể ở tương lai.", "Cannot be in the future."),
            ));
        }
        if repo::reports::set_emergency_finished(c, &r.id, at.naive_utc())? == 0 {
            return Err(AppError::conflict(
                "already_recorded",
                "Đã ghi nhận thời điểm hoàn thành.",
                "The end of the work is already recorded.",
            ));
        }
        ctx.start_clock(c, &r.id, Step::EmergencyRecord, None, at)?;
        ctx.event(c, r, "emergency_finished", None, None, None)?;
        Ok(None)
    })
}

/// What was done (Art. 8.6 step 3).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyRecordInput {
    /// What was done on the ground.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
}

pub fn emergency_record(
    st: &Context,
    who: &Principal,
    id: &str,
    input: EmergencyRecordInput,
) -> AppResult<()> {
    act_emergency(st, who, id, |ctx, c, r, e| {
        if e.finished_at.is_none() {
            return Err(AppError::conflict(
                "not_finished",
                "Chưa ghi nhận thời điểm hoàn thành.",
                "The end of the work is not recorded yet.",
            ));
        }
        if repo::reports::set_emergency_record(c, &r.id, input.summary.trim(), ctx.now_naive())?
            == 0
        {
            return Err(AppError::conflict(
                "already_recorded",
                "Kết quả xử lý khẩn cấp đã được ghi nhận.",
                "The handling is already recorded.",
            ));
        }
        // The recorded handling ends the emergency (Art. 8.6 step 3).
        let to = transition(r, Transition::EmergencyRecorded)?;
        ctx.close(c, &r.id, &[Step::EmergencyRecord], None)?;
        ctx.event(c, r, "emergency_recorded", Some(to), None, None)?;
        Ok(Some(to))
    })
}

fn act_emergency(
    st: &Context,
    who: &Principal,
    id: &str,
    f: impl FnOnce(
        &Act<'_>,
        &mut DbConn,
        &ReportRow,
        &EmergencyRow,
    ) -> AppResult<Option<crate::domain::report::ReportStatus>>,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let e = emergency_agency(c, who, &r)?;
        let to = f(ctx, c, &r, &e)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: to.map(|s| s.as_str().to_string()),
                ..Default::default()
            },
        )
    })
}
