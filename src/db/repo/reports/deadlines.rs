//! The clocks of the steps with a time limit, and the overdue sweep's reads and marks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

pub fn insert_clock(conn: &mut DbConn, row: &ClockRow) -> QueryResult<()> {
    diesel::insert_into(clocks::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn clocks_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<ClockRow>> {
    clocks::table
        .filter(clocks::report_id.eq(report_id))
        .select(ClockRow::as_select())
        .order((clocks::started_at.asc(), clocks::id.asc()))
        .load(conn)
}

pub fn clock(conn: &mut DbConn, id: &str) -> QueryResult<Option<ClockRow>> {
    clocks::table
        .find(id)
        .select(ClockRow::as_select())
        .first(conn)
        .optional()
}

/// Closes the open clocks of a report for the given steps (and assignment, when given).
pub fn close_clocks(
    conn: &mut DbConn,
    report_id: &str,
    steps: &[&str],
    assignment_id: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(clocks::table)
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::step.eq_any(steps.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .into_boxed();
    if let Some(a) = assignment_id {
        q = q.filter(clocks::assignment_id.eq(a.to_string()));
    }
    q.set(clocks::done_at.eq(at)).execute(conn)
}

/// Cancels the open clocks of an assignment (a re-dispatch or a return ends them unfinished
/// and uncounted), or of a report's steps when `assignment_id` is `None`.
pub fn cancel_clocks(
    conn: &mut DbConn,
    report_id: &str,
    assignment_id: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(clocks::table)
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .into_boxed();
    if let Some(a) = assignment_id {
        q = q.filter(clocks::assignment_id.eq(a.to_string()));
    }
    q.set(clocks::cancelled_at.eq(at)).execute(conn)
}

pub fn close_clock(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        clocks::table
            .find(id)
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null()),
    )
    .set(clocks::done_at.eq(at))
    .execute(conn)
}

/// Cancels an assignment's open clock of one step.
pub fn cancel_clocks_of_step(
    conn: &mut DbConn,
    assignment_id: &str,
    step: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(clocks::table)
        .filter(clocks::assignment_id.eq(assignment_id))
        .filter(clocks::step.eq(step))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .set(clocks::cancelled_at.eq(at))
        .execute(conn)
}

pub fn set_clock_due(conn: &mut DbConn, id: &str, due: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(clocks::table.find(id))
        .set((
            clocks::due_at.eq(due),
            clocks::overdue_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// The earliest due time of a report's open clocks.
pub fn next_due(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    clocks::table
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .select(diesel::dsl::min(clocks::due_at))
        .first(conn)
}

/// Open clocks past due that the sweeper has not marked yet.
pub fn overdue_candidates(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClockRow>> {
    clocks::table
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .filter(clocks::overdue_at.is_null())
        .filter(clocks::due_at.lt(now))
        .select(ClockRow::as_select())
        .order(clocks::due_at.asc())
        .limit(limit)
        .load(conn)
}

/// Marks a clock overdue unless someone did already; returns whether this call did.
pub fn mark_overdue(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        clocks::table
            .find(id)
            .filter(clocks::overdue_at.is_null())
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null())
            .filter(clocks::due_at.lt(now)),
    )
    .set(clocks::overdue_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Open clocks, not yet late, whose reminder (`false`) or last warning (`true`) is due and not
/// sent.
pub fn reminder_candidates(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(ClockRow, bool)>> {
    let open = || {
        clocks::table
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null())
            .filter(clocks::overdue_at.is_null())
            .filter(clocks::due_at.ge(now))
    };
    let mut out: Vec<(ClockRow, bool)> = open()
        .filter(clocks::warn_at.le(now))
        .filter(clocks::warned_at.is_null())
        .select(ClockRow::as_select())
        .order(clocks::warn_at.asc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(|c| (c, true))
        .collect();
    out.extend(
        open()
            .filter(clocks::remind_at.le(now))
            .filter(clocks::reminded_at.is_null())
            .select(ClockRow::as_select())
            .order(clocks::remind_at.asc())
            .limit(limit)
            .load(conn)?
            .into_iter()
            .map(|c| (c, false)),
    );
    Ok(out)
}

/// Marks a clock's reminder (or warning) sent unless it was; returns whether this call did.
/// A warning also settles a reminder not sent yet: one message is enough that late.
pub fn mark_reminded(
    conn: &mut DbConn,
    id: &str,
    warning: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let q = clocks::table.find(id);
    let n = if warning {
        let n = diesel::update(q.filter(clocks::warned_at.is_null()))
            .set(clocks::warned_at.eq(now))
            .execute(conn)?;
        diesel::update(q.filter(clocks::reminded_at.is_null()))
            .set(clocks::reminded_at.eq(now))
            .execute(conn)?;
        n
    } else {
        diesel::update(q.filter(clocks::reminded_at.is_null()))
            .set(clocks::reminded_at.eq(now))
            .execute(conn)?
    };
    Ok(n == 1)
}

/// Moves a clock's last warning with its deadline (an extension, Art. 8.3).
pub fn set_clock_warn(
    conn: &mut DbConn,
    id: &str,
    warn_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(clocks::table.find(id).filter(clocks::warned_at.is_null()))
        .set(clocks::warn_at.eq(warn_at))
        .execute(conn)
}

/// The running clocks past their due time: (agency, due time), the IOC's own steps without an
/// agency.
pub fn open_overdue(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, NaiveDateTime)>> {
    clocks::table
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .filter(clocks::due_at.lt(now))
        .select((clocks::agency_id, clocks::due_at))
        .load(conn)
}
