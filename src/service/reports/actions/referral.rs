//! A report referred to the province (Art. 3.7): once it is being processed, agencies that cannot
//! agree on how to handle it, or handle it incompletely, are reported to the province (by the
//! lead agency, or by the IOC on behalf of the Department); the province directs them, or
//! designates the lead agency itself.

use crate::service::auth::{
    Require,
    roles::{OperatorOrAgency, Province},
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AssignmentChanges, ReferralRow, ReportChanges};
use crate::db::{new_id, repo};
use crate::domain::report::{AssignmentRole, ReportStatus};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::reports::{act, wrong_state};

use super::*;

/// Why the report goes to the province.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// What the agencies disagree on, or what is left undone.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// The lead agency (its staff or leader) or the IOC refers a report in progress to the province.
pub fn refer_to_province(
    st: &Context,
    who: &Require<OperatorOrAgency>,
    id: &str,
    input: ReferralInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        if r.status != ReportStatus::InProgress {
            return Err(wrong_state(r.status.as_str()));
        }
        if who.role != Role::Operator {
            let leads = repo::reports::assignments_of(c, &r.id)?
                .into_iter()
                .any(|a| {
                    a.role == AssignmentRole::Lead
                        && who.agency_id.as_deref() == Some(a.agency_id.as_str())
                        && a.status.is_active()
                });
            if !leads {
                // Coordinators answer the lead, which refers the report (Art. 3.7, 8.2).
                return Err(AppError::forbidden());
            }
        }
        if repo::reports::referrals_of(c, &r.id)?
            .iter()
            .any(|x| x.decided_at.is_none())
        {
            return Err(AppError::conflict(
                "referral_open",
                "Phản ánh đang chờ UBND tỉnh cho ý kiến.",
                "The report already waits for the province's decision.",
            ));
        }
        let reason = input.reason.trim().to_string();
        repo::reports::insert_referral(
            c,
            &ReferralRow {
                id: new_id(),
                report_id: r.id.clone(),
                raised_by: who.user_id.clone(),
                raised_role: who.role.as_str().into(),
                raised_agency_id: who.agency_id.clone(),
                reason: reason.clone(),
                raised_at: ctx.now_naive(),
                decision: None,
                direction: None,
                designated_agency_id: None,
                decided_by: None,
                decided_at: None,
            },
        )?;
        ctx.event(c, &r, "referred_to_province", None, None, Some(reason))?;
        ctx.save(c, &r, ReportChanges::default())
    })
}

/// What the province decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralDecision {
    /// Direct the agencies (chỉ đạo): the work goes on with the same lead.
    Direct,
    /// Designate the lead agency (chỉ định): the current agencies' work is withdrawn and the
    /// designated agency starts as lead with its own deadlines.
    Designate,
}

/// The province's decision on a referral.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralDecisionInput {
    pub decision: ReferralDecision,
    /// The direction, for the agencies.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub direction: String,
    /// The designated lead agency (with `designate`).
    pub agency_id: Option<String>,
}

/// The province directs the agencies or designates the lead (Art. 3.7).
pub fn decide_referral(
    st: &Context,
    who: &Require<Province>,
    id: &str,
    input: ReferralDecisionInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let open = repo::reports::referrals_of(c, &r.id)?
            .into_iter()
            .find(|x| x.decided_at.is_none())
            .ok_or_else(|| {
                AppError::conflict(
                    "no_open_referral",
                    "Phản ánh không chờ ý kiến của UBND tỉnh.",
                    "The report does not wait for the province's decision.",
                )
            })?;
        if r.status != ReportStatus::InProgress {
            return Err(wrong_state(r.status.as_str()));
        }
        let direction = input.direction.trim().to_string();
        match input.decision {
            ReferralDecision::Direct => {
                if input.agency_id.is_some() {
                    return Err(AppError::validation(vec![FieldError::new(
                        "agency_id",
                        "not_allowed",
                        Msg::new(
                            "Chỉ chỉ định cơ quan khi quyết định là `designate`.",
                            "An agency is named only with `designate`.",
                        ),
                    )]));
                }
                repo::reports::decide_referral(
                    c,
                    &open.id,
                    "direction",
                    &direction,
                    None,
                    &who.user_id,
                    ctx.now_naive(),
                )?;
                ctx.event(c, &r, "province_directed", None, None, Some(direction))?;
                ctx.save(c, &r, ReportChanges::default())
            }
            ReferralDecision::Designate => {
                let Some(agency_id) = input.agency_id.as_deref() else {
                    return Err(AppError::validation(vec![FieldError::new(
                        "agency_id",
                        "required",
                        Msg::new("Trường này là bắt buộc.", "This field is required."),
                    )]));
                };
                let agency = check_agency(c, agency_id, "agency_id", ctx.now)?;
                // The current agencies' work is withdrawn, with its clocks.
                for a in repo::reports::assignments_of(c, &r.id)? {
                    let Some(withdrawn) =
                        crate::domain::report::AssignmentTransition::Withdraw.apply(a.status)
                    else {
                        continue;
                    };
                    repo::reports::cancel_clocks(c, &r.id, Some(&a.id), ctx.now_naive())?;
                    // The report's version check (`act`) makes this the only concurrent winner.
                    repo::reports::update_assignment(
                        c,
                        &a.id,
                        &AssignmentChanges {
                            status: Some(withdrawn.as_str().into()),
                            updated_at: Some(ctx.now_naive()),
                            ..Default::default()
                        },
                    )?;
                }
                let a = assign_lead(ctx, c, &r, &agency.id)?;
                repo::reports::decide_referral(
                    c,
                    &open.id,
                    "designation",
                    &direction,
                    Some(&agency.id),
                    &who.user_id,
                    ctx.now_naive(),
                )?;
                ctx.event(c, &r, "designated", None, Some(&a.id), Some(direction))?;
                ctx.save(
                    c,
                    &r,
                    ReportChanges {
                        lead_agency_id: Some(Some(agency.id.clone())),
                        ..Default::default()
                    },
                )
            }
        }
    })
}
