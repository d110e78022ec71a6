//! Named counters. `next` is called inside a write transaction: on SQLite the transaction holds
//! the write lock (BEGIN IMMEDIATE); on PostgreSQL the row's update lock serialises callers, so
//! each value is handed out once and none is skipped.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::counters;

/// Bumped by every change of the working calendar.
pub const CALENDAR_REVISION: &str = "calendar_revision";

pub fn get(conn: &mut DbConn, name: &str) -> QueryResult<i64> {
    Ok(counters::table
        .find(name)
        .select(counters::value)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds one and returns the new value (1 for a new counter).
pub fn next(conn: &mut DbConn, name: &str) -> QueryResult<i64> {
    let n = diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    if n == 0 {
        // A new counter; a concurrent creator makes this insert fail, and the update then wins.
        let created = conn.transaction(|c| {
            diesel::insert_into(counters::table)
                .values((counters::name.eq(name), counters::value.eq(1i64)))
                .execute(c)
        });
        if created.is_err() {
            diesel::update(counters::table.find(name))
                .set(counters::value.eq(counters::value + 1))
                .execute(conn)?;
        }
    }
    get(conn, name)
}
