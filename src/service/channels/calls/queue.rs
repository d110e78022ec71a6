//! The IOC's work on a call: claim it, turn it into a report, attach it to a report, record it
//! as an emergency forwarded (Art. 8.6).

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{CallMeta, ReportChanges};
use crate::db::repo::channels::CallChanges;
use crate::db::{repo, write_tx};
use crate::domain::attachment::{AttachmentKind, MAX_PER_REPORT};
use crate::domain::report::{Channel, ReportStatus};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Require, roles::Operator};
use crate::service::channels::{Claim, already_claimed, claim_of};
use crate::service::reports::intake::{
    NewReport, Origin, Submitted, check_submission, submit_from,
};
use crate::service::reports::{act, files};

use super::{not_found, status};

fn changed() -> AppError {
    AppError::conflict(
        "concurrent_update",
        "Cuộc gọi vừa được người khác xử lý. Vui lòng tải lại.",
        "Someone else just handled the call. Reload it.",
    )
}

fn handled(c: &CallMeta) -> AppError {
    AppError::conflict(
        "call_already_handled",
        format!("Cuộc gọi đã được xử lý (trạng thái '{}').", c.status),
        format!("The call was already handled ('{}').", c.status),
    )
}

/// An inbound call still in the queue, not claimed by someone else.
fn open(c: &CallMeta, me: &str) -> AppResult<()> {
    if c.status != status::QUEUED {
        return Err(handled(c));
    }
    if let Claim::Theirs = claim_of(c.claimed_by.as_deref(), me) {
        return Err(already_claimed());
    }
    Ok(())
}

/// An operator takes a call to work on it; another one's claim answers 409.
pub fn claim(st: &Context, who: &Require<Operator>, id: &str) -> AppResult<CallMeta> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let call = repo::channels::call(c, &st.vault, id)?.ok_or_else(not_found)?;
        open(&call, &who.user_id)?;
        if call.claimed_by.is_some() {
            return Ok(call);
        }
        let ok = repo::channels::update_call(
            c,
            id,
            call.version,
            &CallChanges {
                claimed_by: Some(Some(who.user_id.clone())),
                claimed_at: Some(Some(now)),
                ..Default::default()
            },
        )?;
        if !ok {
            return Err(changed());
        }
        repo::channels::call(c, &st.vault, id)?.ok_or_else(not_found)
    })
}

/// Turns a call into a report: channel `hotline`, the caller's number the reporter's when the
/// operator leaves it empty, the recording attached, the dispatch clock counted from the call's
/// turn in the queue (the next office session for a call after hours, Art. 7.2). The report and
/// the call's new state are one write.
pub fn convert(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    mut input: NewReport,
) -> AppResult<Submitted> {
    let mut conn = st.pool.get()?;
    let call = repo::channels::call(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    open(&call, &who.user_id)?;
    let recording = super::recording_blob(st, &mut conn, &call)?;
    drop(conn);
    input.channel = Some(Channel::Hotline);
    if input.reporter.phone.trim().is_empty() {
        input.reporter.phone = call.caller.clone();
    }
    let checked = check_submission(st, who, input)?;
    let (call_id, version, user) = (call.id.clone(), call.version, who.user_id.clone());
    let rec = recording.zip(call.recording_type.clone());
    let name = call
        .recording_name
        .clone()
        .unwrap_or_else(|| format!("cuoc-goi-{call_id}"));
    // The consent was given on the call: its recording, by digest, is the proof.
    let proof = match &rec {
        Some((blob, _)) => format!("cuộc gọi {call_id}, ghi âm sha256:{}", blob.sha256),
        None => format!("cuộc gọi {call_id} (không có ghi âm)"),
    };
    let origin = Origin {
        arrived_at: call.queued_from.and_utc(),
        note: format!("cuộc gọi {call_id}"),
        proof,
        link: Box::new(move |ctx, c, r| {
            let ok = repo::channels::update_call(
                c,
                &call_id,
                version,
                &CallChanges {
                    status: Some(status::CONVERTED.into()),
                    report_id: Some(Some(r.id.clone())),
                    claimed_by: Some(Some(user.clone())),
                    decided_by: Some(Some(user.clone())),
                    decided_at: Some(Some(ctx.now_naive())),
                    ..Default::default()
                },
            )?;
            if !ok {
                return Err(changed());
            }
            if let Some((blob, t)) = &rec {
                files::attach_in(ctx, c, r, AttachmentKind::CallRecording, t, &name, blob)?;
            }
            Ok(())
        }),
    };
    submit_from(st, who, checked, None, Some(origin))
}

/// A call attached to a report the caller asked about.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachCall {
    /// The report.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub report_id: String,
    /// What the caller asked or said, for the history.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// Attaches a call to a report (a caller asking about their case, or the IOC's call back): an
/// event names the call, and its recording joins the report's attachments while the report is
/// open and has room. An emergency forwarded keeps its state and gains the report.
pub fn attach(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: AttachCall,
) -> AppResult<CallMeta> {
    let mut conn = st.pool.get()?;
    let call = repo::channels::call(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    if !matches!(
        call.status.as_str(),
        status::QUEUED | status::LOGGED | status::FORWARDED
    ) || call.report_id.is_some()
    {
        return Err(handled(&call));
    }
    if let Claim::Theirs = claim_of(call.claimed_by.as_deref(), &who.user_id) {
        return Err(already_claimed());
    }
    let recording = super::recording_blob(st, &mut conn, &call)?;
    drop(conn);
    act(st, who, &input.report_id, |ctx, c, r| {
        let to = if call.status == status::FORWARDED {
            status::FORWARDED
        } else {
            status::ATTACHED
        };
        let ok = repo::channels::update_call(
            c,
            &call.id,
            call.version,
            &CallChanges {
                status: Some(to.into()),
                report_id: Some(Some(r.id.clone())),
                note: input.note.clone().map(Some),
                claimed_by: Some(Some(who.user_id.clone())),
                decided_by: Some(Some(who.user_id.clone())),
                decided_at: Some(Some(ctx.now_naive())),
                ..Default::default()
            },
        )?;
        if !ok {
            return Err(changed());
        }
        let mut note = format!("cuộc gọi {} ({})", call.id, call.direction);
        if let Some(n) = &input.note {
            note.push_str(&format!(": {n}"));
        }
        ctx.event(c, &r, "call_attached", None, None, Some(note))?;
        if let (Some(blob), Some(t)) = (&recording, call.recording_type.as_deref())
            && r.status != ReportStatus::Published
            && repo::reports::attachments_of(c, &r.id)?.len() < MAX_PER_REPORT
        {
            let name = call
                .recording_name
                .clone()
                .unwrap_or_else(|| format!("cuoc-goi-{}", call.id));
            files::attach_in(ctx, c, &r, AttachmentKind::CallRecording, t, &name, blob)?;
        }
        ctx.save(c, &r, ReportChanges::default())?;
        repo::channels::call(c, &st.vault, &call.id)?.ok_or_else(not_found)
    })
}

/// An emergency call forwarded to the competent agency (Art. 8.6 step 1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardCall {
    /// The agency the call went to.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub agency_id: String,
    /// What the emergency is and what was passed on.
    #[validate(length(min = 5, max = 2000))]
    #[schema(min_length = 5, max_length = 2000)]
    pub note: String,
}

/// Records a call as an emergency forwarded to an agency (Art. 8.6): it leaves the queue; a
/// report may follow, and the call can then be attached to it.
pub fn forward(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: ForwardCall,
) -> AppResult<CallMeta> {
    let now = st.clock.now();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let call = repo::channels::call(c, &st.vault, id)?.ok_or_else(not_found)?;
        open(&call, &who.user_id)?;
        crate::service::reports::actions::check_agency(c, &input.agency_id, "agency_id", now)?;
        let ok = repo::channels::update_call(
            c,
            id,
            call.version,
            &CallChanges {
                status: Some(status::FORWARDED.into()),
                agency_id: Some(Some(input.agency_id.clone())),
                note: Some(Some(input.note.trim().to_string())),
                claimed_by: Some(Some(who.user_id.clone())),
                decided_by: Some(Some(who.user_id.clone())),
                decided_at: Some(Some(now.naive_utc())),
                ..Default::default()
            },
        )?;
        if !ok {
            return Err(changed());
        }
        repo::channels::call(c, &st.vault, id)?.ok_or_else(not_found)
    })
}
