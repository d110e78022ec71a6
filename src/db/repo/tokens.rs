use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::RefreshTokenRow;
use crate::db::schema::refresh_tokens as rt;

pub fn insert(conn: &mut DbConn, row: &RefreshTokenRow) -> QueryResult<()> {
    diesel::insert_into(rt::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<RefreshTokenRow>> {
    rt::table
        .filter(rt::token_hash.eq(hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a token used if nobody has yet: the conditional update is what makes a refresh race
/// have one winner. Returns whether this call won.
pub fn mark_used(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        rt::table
            .find(id)
            .filter(rt::used_at.is_null())
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::used_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &mut DbConn, family: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        rt::table
            .filter(rt::family_id.eq(family))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(at))
    .execute(conn)
}

pub fn revoke_user(conn: &mut DbConn, user_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        rt::table
            .filter(rt::user_id.eq(user_id))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(at))
    .execute(conn)
}

/// Whether a sign-in (a refresh-token family) of the user is still open: it was not revoked
/// (sign-out, a reused token, a password change or a disabled account revoke every token).
pub fn session_open(conn: &mut DbConn, family: &str, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        rt::table
            .filter(rt::family_id.eq(family))
            .filter(rt::user_id.eq(user_id))
            .filter(rt::revoked_at.is_null()),
    ))
    .get_result(conn)
}
