//! The feed of report changes behind the live stream. Read in commit order on both backends:
//! on PostgreSQL only rows of transactions older than every transaction still running, ordered
//! by (transaction, id); on SQLite, whose writers are serialised, by id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::EventRow;
use crate::db::repo::reports::Scope;
use crate::db::schema::{assignments, live_events, reports};
use crate::domain::report::AssignmentStatus;

/// A position in the feed: the row's transaction and id (`(0, 0)` before the first).
pub type Cursor = (i64, i64);

/// One change, as the stream tells it.
#[derive(Debug, Clone, Queryable)]
pub struct LiveRow {
    pub id: i64,
    pub txid: i64,
    pub report_id: String,
    pub event_seq: i64,
    pub action: String,
    pub status: Option<String>,
    pub at: NaiveDateTime,
    pub code: String,
}

#[derive(Insertable)]
#[diesel(table_name = live_events)]
struct NewLive<'a> {
    report_id: &'a str,
    event_seq: i64,
    action: &'a str,
    status: Option<&'a str>,
    at: NaiveDateTime,
}

/// Appends the events of one write (in its transaction).
pub fn append(conn: &mut DbConn, evs: &[EventRow]) -> QueryResult<usize> {
    // One statement a row: the multi-connection cannot write a batch.
    let mut n = 0;
    for e in evs {
        n += diesel::insert_into(live_events::table)
            .values(NewLive {
                report_id: &e.report_id,
                event_seq: e.seq,
                action: &e.action,
                status: e.to_status.as_deref(),
                at: e.at,
            })
            .execute(conn)?;
    }
    Ok(n)
}

#[derive(QueryableByName)]
struct Horizon {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    h: i64,
}

/// The first transaction that may still be running: rows of older ones are all committed.
/// Only this database's transactions count (matched on the 32 bits `pg_stat_activity` shows):
/// a transaction running in another database of the cluster writes no row here and must not
/// hold the stream back. With none running here, every transaction before the snapshot's
/// `xmax` has ended.
fn horizon(conn: &mut DbConn) -> QueryResult<i64> {
    match conn {
        DbConn::Postgresql(pg) => Ok(diesel::sql_query(
            "SELECT COALESCE(( \
                SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x \
                WHERE x::text::bigint % 4294967296 IN ( \
                    SELECT backend_xid::text::bigint FROM pg_stat_activity \
                    WHERE datname = current_database() AND backend_xid IS NOT NULL)), \
                pg_snapshot_xmax(pg_current_snapshot())::text::bigint) AS h",
        )
        .get_result::<Horizon>(pg)?
        .h),
        DbConn::Sqlite(_) => Ok(i64::MAX),
    }
}

/// The position after the last committed change.
pub fn head(conn: &mut DbConn) -> QueryResult<Cursor> {
    let h = horizon(conn)?;
    let last: Option<(i64, i64)> = live_events::table
        .filter(live_events::txid.lt(h))
        .select((live_events::txid, live_events::id))
        .order((live_events::txid.desc(), live_events::id.desc()))
        .first(conn)
        .optional()?;
    Ok(last.unwrap_or((0, 0)))
}

/// Whether a position names a row still kept (a client resuming from a pruned row missed
/// changes and must reload).
pub fn exists(conn: &mut DbConn, at: Cursor) -> QueryResult<bool> {
    let n: i64 = live_events::table
        .filter(live_events::id.eq(at.1))
        .filter(live_events::txid.eq(at.0))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The committed changes after a position, in commit order, with the reports' codes.
pub fn after(conn: &mut DbConn, at: Cursor, limit: i64) -> QueryResult<Vec<LiveRow>> {
    let h = horizon(conn)?;
    live_events::table
        .inner_join(reports::table)
        .filter(live_events::txid.lt(h))
        .filter(
            live_events::txid
                .gt(at.0)
                .or(live_events::txid.eq(at.0).and(live_events::id.gt(at.1))),
        )
        .select((
            live_events::id,
            live_events::txid,
            live_events::report_id,
            live_events::event_seq,
            live_events::action,
            live_events::status,
            live_events::at,
            reports::code,
        ))
        .order((live_events::txid.asc(), live_events::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Which of these reports a scope may see, as lists decide.
pub fn visible(conn: &mut DbConn, scope: &Scope, ids: &[String]) -> QueryResult<Vec<String>> {
    match scope {
        Scope::All => Ok(ids.to_vec()),
        Scope::Reporter(uid) => reports::table
            .filter(reports::id.eq_any(ids))
            .filter(reports::reporter_user_id.eq(uid))
            .select(reports::id)
            .load(conn),
        Scope::Agencies(agencies) => assignments::table
            .filter(assignments::report_id.eq_any(ids))
            .filter(assignments::agency_id.eq_any(agencies))
            .filter(assignments::status.ne(AssignmentStatus::Cancelled.as_str()))
            .select(assignments::report_id)
            .distinct()
            .load(conn),
    }
}

/// Forgets the changes older than a time.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(live_events::table.filter(live_events::at.lt(before))).execute(conn)
}
