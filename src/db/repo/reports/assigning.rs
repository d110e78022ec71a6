//! Assignments of reports to agencies, the agency inbox, and extensions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

pub fn insert_assignment(conn: &mut DbConn, row: &AssignmentRow) -> QueryResult<()> {
    diesel::insert_into(assignments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn assignment(conn: &mut DbConn, id: &str) -> QueryResult<Option<AssignmentRow>> {
    assignments::table
        .find(id)
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

pub fn assignments_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::report_id.eq(report_id))
        .select(AssignmentRow::as_select())
        .order((assignments::assigned_at.asc(), assignments::id.asc()))
        .load(conn)
}

pub fn update_assignment(
    conn: &mut DbConn,
    id: &str,
    changes: &AssignmentChanges,
) -> QueryResult<usize> {
    diesel::update(assignments::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Filters of an agency's inbox.
#[derive(Debug, Default, Clone)]
pub struct InboxFilter {
    pub statuses: Vec<String>,
    pub role: Option<String>,
    /// Soonest running deadline first (assignments with none last), instead of newest first.
    pub by_due: bool,
}

/// The earliest running deadline of an assignment, or a far-future sentinel when none runs
/// (the same on both backends: `NULLS LAST` does not go through the two-backend connection).
const NEXT_DUE: &str = "COALESCE((SELECT MIN(c.due_at) FROM clocks c WHERE c.assignment_id = assignments.id \
     AND c.done_at IS NULL AND c.cancelled_at IS NULL), '9999-12-31 00:00:00')";

/// The sentinel of `NEXT_DUE` as a value.
pub fn no_due() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// The earliest running deadline of each of the given assignments.
pub fn next_dues(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(Option<String>, Option<NaiveDateTime>)>> {
    clocks::table
        .filter(clocks::assignment_id.eq_any(ids.to_vec()))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .group_by(clocks::assignment_id)
        .select((clocks::assignment_id, diesel::dsl::min(clocks::due_at)))
        .load(conn)
}

/// The assignments of some agencies, newest first (after (assigned_at, id)), or soonest
/// deadline first (after (next due, id)).
pub fn inbox(
    conn: &mut DbConn,
    agencies: &[String],
    f: &InboxFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    let mut q = assignments::table
        .filter(assignments::agency_id.eq_any(agencies.to_vec()))
        .select(AssignmentRow::as_select())
        .into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(assignments::status.eq_any(f.statuses.clone()));
    }
    if let Some(r) = &f.role {
        q = q.filter(assignments::role.eq(r.clone()));
    }
    if f.by_due {
        use diesel::dsl::sql;
        use diesel::sql_types::{Bool, Timestamp};
        if let Some((t, id)) = after {
            q = q.filter(
                sql::<Bool>(&format!("({NEXT_DUE} > "))
                    .bind::<Timestamp, _>(t)
                    .sql(&format!(" OR ({NEXT_DUE} = "))
                    .bind::<Timestamp, _>(t)
                    .sql(" AND assignments.id > ")
                    .bind::<diesel::sql_types::Text, _>(id)
                    .sql("))"),
            );
        }
        return q
            .order((sql::<Timestamp>(NEXT_DUE).asc(), assignments::id.asc()))
            .limit(limit)
            .load(conn);
    }
    if let Some((t, id)) = after {
        q = q.filter(
            assignments::assigned_at
                .lt(t)
                .or(assignments::assigned_at.eq(t).and(assignments::id.lt(id))),
        );
    }
    q.order((assignments::assigned_at.desc(), assignments::id.desc()))
        .limit(limit)
        .load(conn)
}

pub fn insert_extension(conn: &mut DbConn, row: &ExtensionRow) -> QueryResult<()> {
    diesel::insert_into(extensions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn extension(conn: &mut DbConn, id: &str) -> QueryResult<Option<ExtensionRow>> {
    extensions::table
        .find(id)
        .select(ExtensionRow::as_select())
        .first(conn)
        .optional()
}

pub fn extension_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<ExtensionRow>> {
    extensions::table
        .filter(extensions::report_id.eq(report_id))
        .select(ExtensionRow::as_select())
        .first(conn)
        .optional()
}

/// Refuses a requested extension; false when it was already decided.
pub fn refuse_extension(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        extensions::table
            .find(id)
            .filter(extensions::status.eq("requested")),
    )
    .set((
        extensions::status.eq("refused"),
        extensions::refused_by.eq(by),
        extensions::refused_at.eq(at),
        extensions::refusal_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn confirm_extension(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        extensions::table
            .find(id)
            .filter(extensions::status.eq("requested")),
    )
    .set((
        extensions::status.eq("confirmed"),
        extensions::confirmed_by.eq(by),
        extensions::confirmed_at.eq(at),
        extensions::citizen_notified_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
