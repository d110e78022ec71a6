//! The throttles' attempts (`throttle_hits`): one row per counted attempt, shared by every
//! replica. Each statement runs on its own (autocommit), so an attempt is visible to the other
//! replicas as soon as it is recorded.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::throttle_hits;
use crate::db::{DbConn, new_id};

/// Records an attempt; returns its id (to withdraw it).
pub fn record(
    conn: &mut DbConn,
    bucket: &str,
    key: &str,
    at: NaiveDateTime,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(throttle_hits::table)
        .values((
            throttle_hits::id.eq(&id),
            throttle_hits::bucket.eq(bucket),
            throttle_hits::key.eq(key),
            throttle_hits::at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The attempts of a key after `since`, newest first, at most `limit` of them.
pub fn recent(
    conn: &mut DbConn,
    bucket: &str,
    key: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<NaiveDateTime>> {
    throttle_hits::table
        .filter(throttle_hits::bucket.eq(bucket))
        .filter(throttle_hits::key.eq(key))
        .filter(throttle_hits::at.gt(since))
        .order((throttle_hits::at.desc(), throttle_hits::id.desc()))
        .limit(limit)
        .select(throttle_hits::at)
        .load(conn)
}

/// Forgets every attempt of a key.
pub fn clear(conn: &mut DbConn, bucket: &str, key: &str) -> QueryResult<usize> {
    diesel::delete(
        throttle_hits::table
            .filter(throttle_hits::bucket.eq(bucket))
            .filter(throttle_hits::key.eq(key)),
    )
    .execute(conn)
}

/// Withdraws attempts by id.
pub fn withdraw(conn: &mut DbConn, ids: &[String]) -> QueryResult<usize> {
    diesel::delete(throttle_hits::table.filter(throttle_hits::id.eq_any(ids))).execute(conn)
}

/// Deletes the attempts recorded before `before`.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(throttle_hits::table.filter(throttle_hits::at.lt(before))).execute(conn)
}
