//! The reporters' follow-up tokens: one row per report, replaced when the IOC issues another.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::FollowUpTokenRow;
use crate::db::schema::follow_up_tokens as t;

/// Writes the report's token, replacing the one before (a new one ends the old one).
pub fn put(conn: &mut DbConn, row: &FollowUpTokenRow) -> QueryResult<()> {
    diesel::delete(t::table.find(&row.report_id)).execute(conn)?;
    diesel::insert_into(t::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<FollowUpTokenRow>> {
    t::table
        .find(report_id)
        .select(FollowUpTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Ends the report's token; whether there was one in force.
pub fn revoke(conn: &mut DbConn, report_id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(t::table.find(report_id).filter(t::revoked_at.is_null()))
        .set(t::revoked_at.eq(Some(at)))
        .execute(conn)
        .map(|n| n > 0)
}
