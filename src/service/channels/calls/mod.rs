//! The 1022 switchboard (Art. 6.1a, 7.2, 8.6). Every call it recorded is posted with its
//! recording and kept. An inbound call waits in the IOC's queue: one recorded after hours waits
//! for the next office session (Art. 7.2: the IOC verifies and receives it in office hours).
//! An operator turns it into a report (channel `hotline`, the recording attached, the dispatch
//! clock from the next session after the call), attaches it to a report the caller asked about,
//! or records it as an emergency forwarded to the competent agency (Art. 8.6).

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::models::{CallMeta, CallRow, ReportRow};
use crate::db::repo::channels::CallFilter;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::account::normalize_phone;
use crate::domain::attachment::AttachmentKind;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::{Require, roles::Operator};
use crate::service::reports::files;

mod queue;

pub use queue::*;

/// What became of a call.
pub mod status {
    /// Inbound, waiting for an operator (from `queued_from`).
    pub const QUEUED: &str = "queued";
    /// Outbound (the IOC calling back): kept, attachable to a report.
    pub const LOGGED: &str = "logged";
    /// Turned into a report.
    pub const CONVERTED: &str = "converted";
    /// Attached to a report the caller asked about.
    pub const ATTACHED: &str = "attached";
    /// An emergency forwarded to the competent agency (Art. 8.6).
    pub const FORWARDED: &str = "forwarded";

    pub const ALL: [&str; 5] = [QUEUED, LOGGED, CONVERTED, ATTACHED, FORWARDED];
}

pub(super) fn not_found() -> AppError {
    AppError::not_found("cuộc gọi", "Call")
}

/// The recording of a call, as posted.
pub struct Recording {
    pub content_type: String,
    pub file_name: String,
    pub data: Vec<u8>,
}

/// A call as the switchboard posts it.
pub struct NewCall {
    /// The switchboard's own id of the call (Asterisk `UNIQUEID`, FreeSWITCH `uuid`): the same
    /// call posted again is one call.
    pub switchboard_id: Option<String>,
    pub caller: String,
    pub line: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Whether the switchboard took it after hours; the calendar decides when absent.
    pub after_hours: Option<bool>,
    pub recording: Option<Recording>,
}

fn field(f: &str, code: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(f, code, Msg::new(vi, en))
}

/// Keeps a call posted by the switchboard; `true` with it when the same call was posted before.
pub fn receive(st: &Context, call: NewCall) -> AppResult<(CallMeta, bool)> {
    let now = st.clock.now();
    let mut errors = Vec::new();
    let caller = call.caller.trim();
    if caller.is_empty() || caller.chars().count() > 32 {
        errors.push(field(
            "caller",
            "invalid_value",
            "Số gọi đến phải có từ 1 đến 32 ký tự.",
            "The caller's number must have 1 to 32 characters.",
        ));
    }
    let line = call.line.trim();
    if line.is_empty() || line.chars().count() > 32 {
        errors.push(field(
            "line",
            "invalid_value",
            "Số máy được gọi phải có từ 1 đến 32 ký tự.",
            "The line called must have 1 to 32 characters.",
        ));
    }
    if !matches!(call.direction.as_str(), "inbound" | "outbound") {
        errors.push(field(
            "direction",
            "invalid_value",
            "Chiều cuộc gọi là inbound hoặc outbound.",
            "The direction is inbound or outbound.",
        ));
    }
    if call.end < call.start || call.end - call.start > TimeDelta::hours(24) {
        errors.push(field(
            "end",
            "invalid_value",
            "Thời điểm kết thúc phải sau thời điểm bắt đầu, trong vòng 24 giờ.",
            "The end must follow the start, within 24 hours.",
        ));
    }
    if call.start > now + TimeDelta::minutes(5) {
        errors.push(field(
            "start",
            "in_future",
            "Thời điểm bắt đầu không thể ở tương lai.",
            "The start cannot be in the future.",
        ));
    }
    if call
        .switchboard_id
        .as_deref()
        .is_some_and(|s| s.trim().is_empty() || s.len() > 128)
    {
        errors.push(field(
            "call_id",
            "invalid_value",
            "Mã cuộc gọi của tổng đài có từ 1 đến 128 ký tự.",
            "The switchboard's call id has 1 to 128 characters.",
        ));
    }
    // The recording is checked by its bytes, as every attachment is.
    let recording = match call.recording {
        None => None,
        Some(r) if r.data.len() > st.config.attachment_limit => {
            return Err(AppError::payload_too_large(st.config.attachment_limit));
        }
        Some(r) => match files::kind_of(&r.data) {
            Some((_, t))
                if crate::domain::attachment::CONTENT_TYPES
                    .iter()
                    .any(|(c, k)| *c == t && k.contains(&AttachmentKind::CallRecording)) =>
            {
                Some((t, r))
            }
            _ => {
                errors.push(field(
                    "recording",
                    "content_mismatch",
                    "Bản ghi âm phải là tệp MP3, WAV, M4A hoặc AMR.",
                    "The recording must be an MP3, WAV, M4A or AMR file.",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    // Numbers as the reporters' are kept (0…), so a caller's reports are found by them.
    let caller = normalize_phone(caller).unwrap_or_else(|| caller.to_string());
    let mut conn = st.pool.get()?;
    if let Some(sid) = &call.switchboard_id
        && let Some(c) = repo::channels::call_by_switchboard_id(&mut conn, &st.vault, sid.trim())?
    {
        return Ok((c, true));
    }
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let in_session = |t: DateTime<Utc>| cal.clock_start(t).map(|s| s == t).unwrap_or(false);
    let after_hours = call.after_hours.unwrap_or(!in_session(call.start));
    let inbound = call.direction == "inbound";
    // Art. 7.2: a call recorded after hours waits for the next office session.
    let queued_from = if inbound && after_hours {
        cal.clock_start(call.end).map_err(AppError::internal)?
    } else {
        call.end
    };
    // The recording is stored before the row that names it.
    let blob = match &recording {
        Some((_, r)) => Some(st.objects.put(&r.data)?),
        None => None,
    };
    let row = CallRow {
        id: new_id(),
        switchboard_id: call.switchboard_id.map(|s| s.trim().to_string()),
        caller,
        line: line.to_string(),
        direction: call.direction.clone(),
        started_at: call.start.naive_utc(),
        ended_at: call.end.naive_utc(),
        after_hours,
        queued_from: queued_from.naive_utc(),
        received_at: now.naive_utc(),
        recording_type: recording.as_ref().map(|(t, _)| t.to_string()),
        recording_name: recording
            .as_ref()
            .map(|(_, r)| crate::domain::attachment::safe_file_name(&r.file_name)),
        recording_size: blob.as_ref().map(|b| b.size),
        recording_sha256: blob.map(|b| b.sha256),
        recording: None,
        status: if inbound {
            status::QUEUED
        } else {
            status::LOGGED
        }
        .into(),
        report_id: None,
        agency_id: None,
        note: None,
        claimed_by: None,
        claimed_at: None,
        decided_by: None,
        decided_at: None,
        version: 0,
    };
    match write_tx(&mut conn, |c| {
        repo::channels::insert_call(c, &st.vault, &row)
    }) {
        Ok(()) => {}
        Err(e) if repo::channels::is_duplicate(&e) => {
            // The same call, posted twice at once: the first one stands.
            let sid = row.switchboard_id.as_deref().unwrap_or_default();
            let c = repo::channels::call_by_switchboard_id(&mut conn, &st.vault, sid)?
                .ok_or_else(|| AppError::internal("call vanished"))?;
            return Ok((c, true));
        }
        Err(e) => return Err(e.into()),
    }
    let c = repo::channels::call(&mut conn, &st.vault, &row.id)?.ok_or_else(not_found)?;
    Ok((c, false))
}

/// Which calls to list.
pub struct CallQuery {
    pub status: Option<String>,
    pub caller: Option<String>,
    pub report_id: Option<String>,
    /// Also the after-hours calls whose office session has not come yet.
    pub waiting: bool,
}

/// The calls (operators), in the order of the queue.
pub fn list(
    st: &Context,
    _who: &Require<Operator>,
    q: CallQuery,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<CallMeta>, i64)> {
    let now = st.clock.now().naive_utc();
    // The filter compares blind indexes, which normalise the number.
    let f = CallFilter {
        status: q.status.as_deref(),
        caller: q.caller.as_deref(),
        report_id: q.report_id.as_deref(),
        due_by: (q.status.as_deref() == Some(status::QUEUED) && !q.waiting).then_some(now),
    };
    let mut conn = st.pool.get()?;
    Ok(repo::channels::call_list(
        &mut conn, &st.vault, &f, limit, offset,
    )?)
}

/// A call, and the reports its caller made before (newest first, at most 20).
pub fn get(
    st: &Context,
    _who: &Require<Operator>,
    id: &str,
) -> AppResult<(CallMeta, Vec<ReportRow>)> {
    let mut conn = st.pool.get()?;
    let c = repo::channels::call(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    let reports = reports_of(st, &mut conn, &c.caller)?;
    Ok((c, reports))
}

fn reports_of(st: &Context, conn: &mut DbConn, phone: &str) -> AppResult<Vec<ReportRow>> {
    let ids = repo::channels::reports_of_phone(conn, &st.vault, phone, 20)?;
    found(conn, ids)
}

/// The reports of these ids, in their order.
fn found(conn: &mut DbConn, ids: Vec<String>) -> AppResult<Vec<ReportRow>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(r) = repo::reports::find(conn, &id)? {
            out.push(r);
        }
    }
    Ok(out)
}

/// The reports whose reporter gave this phone number (operators; never public).
pub fn reports_by_phone(
    st: &Context,
    _who: &Require<Operator>,
    phone: &str,
) -> AppResult<Vec<ReportRow>> {
    let Some(phone) = normalize_phone(phone) else {
        return Err(AppError::invalid_field(
            "phone",
            "invalid_phone",
            Msg::new(
                "Số điện thoại không đúng định dạng Việt Nam.",
                "Not a Vietnamese phone number.",
            ),
        ));
    };
    let mut conn = st.pool.get()?;
    reports_of(st, &mut conn, &phone)
}

/// The reports whose reporter gave this identity number (operators; never public): a caller
/// who gives their CCCD instead of calling from the number they reported with.
pub fn reports_by_identity(
    st: &Context,
    _who: &Require<Operator>,
    cccd: &str,
) -> AppResult<Vec<ReportRow>> {
    let cccd: String = cccd.chars().filter(|c| !c.is_whitespace()).collect();
    if !crate::domain::report::plausible_cccd(&cccd, st.clock.now()) {
        return Err(AppError::validation(vec![
            crate::service::reports::intake::invalid_cccd("cccd"),
        ]));
    }
    let mut conn = st.pool.get()?;
    let ids = repo::channels::reports_of_cccd(&mut conn, &st.vault, &cccd, 20)?;
    found(&mut conn, ids)
}

/// The call and a reader of its recording (operators).
pub fn recording(
    st: &Context,
    _who: &Require<Operator>,
    id: &str,
) -> AppResult<(CallMeta, crate::service::objects::Stored)> {
    let mut conn = st.pool.get()?;
    let c = repo::channels::call(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    let (Some(sha), Some(size)) = (c.recording_sha256.clone(), c.recording_size) else {
        return Err(AppError::not_found("bản ghi âm", "Recording"));
    };
    let inline = repo::channels::call_recording(&mut conn, id)?;
    Ok((
        c,
        crate::service::objects::Stored::new(&st.objects, inline, &sha, size),
    ))
}

/// A call's recording as an object of the store, stored now when it was still in the call's
/// row (kept before the object store), to be named by an attachment.
pub(super) fn recording_blob(
    st: &Context,
    conn: &mut crate::db::DbConn,
    c: &CallMeta,
) -> AppResult<Option<crate::service::objects::Blob>> {
    let (Some(sha), Some(size)) = (c.recording_sha256.clone(), c.recording_size) else {
        return Ok(None);
    };
    match repo::channels::call_recording(conn, &c.id)? {
        Some(data) => st.objects.put(&data).map(Some),
        None => Ok(Some(crate::service::objects::Blob { sha256: sha, size })),
    }
}
