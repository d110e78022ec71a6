//! The live stream of report changes (`GET /api/v1/events/stream`): what the IOC dashboard and
//! agencies' screens hear instead of polling. Each change is one server-sent event, with ids
//! and public fields only (never a reporter's identity, never a note), scoped by role exactly
//! as the lists are; a client resumes after the last id it saw (`Last-Event-ID`).

use crate::db::models::EventRow;
use crate::db::repo::live::{self, Cursor, LiveRow};
use crate::db::repo::reports::Scope;
use crate::db::{DbConn, repo};
use crate::domain::roles::Role;
use crate::domain::visibility;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

/// The most changes one read sends.
const BATCH: i64 = 200;

/// How long the feed keeps a change: a client resuming from older than this reloads.
pub const KEEP_DAYS: i64 = 7;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The `id:` line; resume after it.
    pub id: String,
    /// `report`, or `reset` when changes were missed and the client must reload its lists.
    pub event: &'static str,
    /// The JSON of the `data:` line.
    pub data: serde_json::Value,
}

impl Frame {
    /// The frame as it goes on the wire.
    pub fn wire(&self) -> String {
        format!(
            "id: {}\nevent: {}\ndata: {}\n\n",
            self.id, self.event, self.data
        )
    }
}

/// One client's stream: who it is for and where it stands.
pub struct Subscription {
    who: Principal,
    scope: Scope,
    pub cursor: Cursor,
}

/// Writes the feed rows of events a write appended (in its transaction).
pub fn record(c: &mut DbConn, evs: &[EventRow]) -> AppResult<()> {
    live::append(c, evs)?;
    Ok(())
}

fn encode(c: Cursor) -> String {
    format!("{}-{}", c.0, c.1)
}

fn decode(s: &str) -> Option<Cursor> {
    let (t, i) = s.trim().split_once('-')?;
    Some((t.parse().ok()?, i.parse().ok()?))
}

/// Opens a stream. Without `last_id` it starts at the present; with one it resumes after it,
/// beginning with a `reset` frame when that change is no longer kept or the id is not one of
/// ours.
pub fn open(
    st: &Context,
    who: &Principal,
    last_id: Option<&str>,
) -> AppResult<(Subscription, Vec<Frame>)> {
    let mut conn = st.pool.get()?;
    let scope = crate::service::reports::queries::scope_of(&mut conn, who)?;
    let head = live::head(&mut conn)?;
    let (cursor, first) = match last_id.filter(|s| !s.trim().is_empty()) {
        None => (head, Vec::new()),
        Some(s) => match decode(s) {
            Some(c) if c == (0, 0) || live::exists(&mut conn, c)? => (c, Vec::new()),
            _ => (
                head,
                vec![Frame {
                    id: encode(head),
                    event: "reset",
                    data: serde_json::json!({ "reason": "missed" }),
                }],
            ),
        },
    };
    Ok((
        Subscription {
            who: who.clone(),
            scope,
            cursor,
        },
        first,
    ))
}

impl Subscription {
    /// The changes committed since the last read that this client may see. The cursor moves
    /// past the ones it may not.
    pub fn next(&mut self, st: &Context) -> AppResult<Vec<Frame>> {
        let mut conn = st.pool.get()?;
        let rows = live::after(&mut conn, self.cursor, BATCH)?;
        let Some(last) = rows.last() else {
            return Ok(Vec::new());
        };
        self.cursor = (last.txid, last.id);
        let mut ids: Vec<String> = rows.iter().map(|r| r.report_id.clone()).collect();
        ids.sort();
        ids.dedup();
        let seen = live::visible(&mut conn, &self.scope, &ids)?;
        Ok(rows
            .into_iter()
            .filter(|r| seen.contains(&r.report_id))
            .filter(|r| self.who.role != Role::Citizen || visibility::reporter_sees_step(&r.action))
            .map(frame)
            .collect())
    }
}

fn frame(r: LiveRow) -> Frame {
    Frame {
        id: encode((r.txid, r.id)),
        event: "report",
        data: serde_json::json!({
            "report_id": r.report_id,
            "code": r.code,
            "seq": r.event_seq,
            "action": r.action,
            "status": r.status,
            "at": r.at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }),
    }
}

/// Forgets changes older than `KEEP_DAYS` (the sweeper calls it).
pub fn prune(st: &Context) -> AppResult<usize> {
    let before = st.clock.now().naive_utc() - chrono::TimeDelta::days(KEEP_DAYS);
    let mut conn = st.pool.get()?;
    repo::live::prune(&mut conn, before).map_err(AppError::from)
}
