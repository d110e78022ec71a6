//! The IOC's verification of a report (Art. 7.1, 7.2, 7.4; Art. 3.6, 3.9): accept, correct the
//! spelling, flag, ask for more, reject, forward for follow-up.

use crate::service::auth::{Require, roles::Operator};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::ReportChanges;
use crate::domain::report::{
    ForwardKind, RejectionReason, ReportStatus, Transition, looks_vietnamese,
};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{act, transition, wrong_state};

use super::*;

/// Verification (Art. 7.1–7.2): the operator accepts a submitted report, optionally with the
/// spelling corrected (the original stays) and flags set.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// The content with its spelling corrected; the original is kept (Art. 7.2).
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content_corrected: Option<String>,
    /// An emergency (Art. 8.6).
    pub emergency: Option<bool>,
    /// Touches state secrets (Art. 9.3c): nothing of its content is ever public.
    pub state_secret: Option<bool>,
    /// A note for the history.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub fn accept(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: AcceptInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Accept)?;
        ctx.event(c, &r, "accepted", Some(to), None, input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                content_corrected: input.content_corrected.map(|t| Some(t.trim().to_string())),
                emergency: input.emergency,
                state_secret: input.state_secret,
                ..Default::default()
            },
        )
    })
}

/// A spelling correction of the content by the IOC (Art. 7.2): the original stays.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// The corrected content.
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content_corrected: String,
}

pub fn correct(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: CorrectionInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let s = r.status;
        if !matches!(
            s,
            ReportStatus::Submitted
                | ReportStatus::Accepted
                | ReportStatus::InProgress
                | ReportStatus::AwaitingDesignation
        ) {
            return Err(wrong_state(r.status.as_str()));
        }
        if !looks_vietnamese(&input.content_corrected) {
            return Err(AppError::invalid_field(
                "content_corrected",
                "not_vietnamese",
                Msg::new(
                    "Nội dung phải viết bằng tiếng Việt.",
                    "The text must be in Vietnamese.",
                ),
            ));
        }
        ctx.event(c, &r, "content_corrected", None, None, None)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                content_corrected: Some(Some(input.content_corrected.trim().to_string())),
                ..Default::default()
            },
        )
    })
}

/// Flags set by the IOC.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsInput {
    /// An emergency (Art. 8.6).
    pub emergency: Option<bool>,
    /// Touches state secrets (Art. 9.3c).
    pub state_secret: Option<bool>,
}

pub fn set_flags(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: FlagsInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        if r.status == ReportStatus::Published {
            return Err(wrong_state(r.status.as_str()));
        }
        let note = format!(
            "emergency: {}, state_secret: {}",
            input.emergency.unwrap_or(r.emergency),
            input.state_secret.unwrap_or(r.state_secret)
        );
        ctx.event(c, &r, "flags_set", None, None, Some(note))?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                emergency: input.emergency,
                state_secret: input.state_secret,
                ..Default::default()
            },
        )
    })
}

/// What the reporter must add (Art. 7.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInfoInput {
    /// What to supplement; shown to the reporter.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

/// The IOC asks the reporter to supplement: the dispatch clock stops until they do.
pub fn request_info(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: RequestInfoInput,
) -> AppResult<()> {
    ioc_hands_off(
        st,
        who,
        id,
        Transition::RequestInfo,
        "info_requested",
        input.note,
    )
}

/// The IOC's part ends without a dispatch (more information asked, or the province asked to
/// designate the lead): the dispatch clock stops, the report changes state, the note is kept.
pub(super) fn ioc_hands_off(
    st: &Context,
    who: &Principal,
    id: &str,
    t: Transition,
    action: &str,
    note: String,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, t)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(c, &r, action, Some(to), None, Some(note))?;
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

/// A refusal (Art. 3.6, 3.9, 1.1c).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    /// Why.
    pub reason: RejectionReason,
    /// Explanation for the reporter.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

pub fn reject(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: RejectInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Reject)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(
            c,
            &r,
            "rejected",
            Some(to),
            None,
            Some(format!("{}: {}", input.reason.as_str(), input.note)),
        )?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                rejection_reason: Some(Some(input.reason.as_str().into())),
                ..Default::default()
            },
        )
    })
}

/// A forward for follow-up (Art. 7.4): no processing clock.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    /// To authorities for monitoring, or a constructive suggestion.
    pub kind: ForwardKind,
    /// The agency it goes to.
    pub agency_id: String,
    /// A note.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

pub fn forward(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: ForwardInput,
) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        let to = transition(&r, Transition::Forward)?;
        check_agency(c, &input.agency_id, "agency_id", ctx.now)?;
        ctx.close(c, &r.id, &[Step::Dispatch], None)?;
        ctx.event(c, &r, "forwarded", Some(to), None, input.note)?;
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                forward_kind: Some(Some(input.kind.as_str().into())),
                forward_agency_id: Some(Some(input.agency_id)),
                ..Default::default()
            },
        )
    })
}
