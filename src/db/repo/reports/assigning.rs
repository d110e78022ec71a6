//! Assignments of reports to agencies, the agency inbox, and extensions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;
use crate::domain::report::ExtensionStatus;

pub fn insert_assignment(conn: &mut DbConn, row: &AssignmentRow) -> QueryResult<()> {
    diesel::insert_into(assignments::table)
        .values(row.clone())
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
        .values(row.clone())
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

/// What the IOC decides on a requested extension (Art. 8.3).
#[derive(Debug, Clone, Copy)]
pub enum ExtensionDecision<'a> {
    /// The new date applies; the reporter is told at the same moment.
    Confirm,
    /// The original limit stands, for this reason.
    Refuse { reason: &'a str },
}

#[derive(AsChangeset)]
#[diesel(table_name = extensions)]
struct Decided<'a> {
    status: &'static str,
    confirmed_by: Option<&'a str>,
    confirmed_at: Option<NaiveDateTime>,
    citizen_notified_at: Option<NaiveDateTime>,
    refused_by: Option<&'a str>,
    refused_at: Option<NaiveDateTime>,
    refusal_reason: Option<&'a str>,
}

/// Decides a requested extension, once: false when it was already decided.
pub fn decide_extension(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    decision: ExtensionDecision<'_>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let change = match decision {
        ExtensionDecision::Confirm => Decided {
            status: ExtensionStatus::Confirmed.as_str(),
            confirmed_by: Some(by),
            confirmed_at: Some(at),
            citizen_notified_at: Some(at),
            refused_by: None,
            refused_at: None,
            refusal_reason: None,
        },
        ExtensionDecision::Refuse { reason } => Decided {
            status: ExtensionStatus::Refused.as_str(),
            confirmed_by: None,
            confirmed_at: None,
            citizen_notified_at: None,
            refused_by: Some(by),
            refused_at: Some(at),
            refusal_reason: Some(reason),
        },
    };
    let n = diesel::update(
        extensions::table
            .find(id)
            .filter(extensions::status.eq(ExtensionStatus::Requested.as_str())),
    )
    .set(change)
    .execute(conn)?;
    Ok(n == 1)
}
