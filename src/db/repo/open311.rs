//! Open311 clients (their keys' hashes) and the requests they filed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{Open311ClientRow, Open311RequestRow};
use crate::db::schema::{open311_clients as k, open311_requests as r};

pub fn insert_client(conn: &mut DbConn, row: &Open311ClientRow) -> QueryResult<()> {
    diesel::insert_into(k::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn clients(conn: &mut DbConn) -> QueryResult<Vec<Open311ClientRow>> {
    k::table
        .select(Open311ClientRow::as_select())
        .order((k::created_at.asc(), k::id.asc()))
        .load(conn)
}

pub fn client(conn: &mut DbConn, id: &str) -> QueryResult<Option<Open311ClientRow>> {
    k::table
        .find(id)
        .select(Open311ClientRow::as_select())
        .first(conn)
        .optional()
}

/// The client in force with this key's hash.
pub fn client_by_key(conn: &mut DbConn, key_hash: &str) -> QueryResult<Option<Open311ClientRow>> {
    k::table
        .filter(k::key_hash.eq(key_hash))
        .filter(k::revoked_at.is_null())
        .select(Open311ClientRow::as_select())
        .first(conn)
        .optional()
}

/// A new key for a client in force; whether there was one.
pub fn rotate(
    conn: &mut DbConn,
    id: &str,
    key_hash: &str,
    key_prefix: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(k::table.find(id).filter(k::revoked_at.is_null()))
        .set((
            k::key_hash.eq(key_hash),
            k::key_prefix.eq(key_prefix),
            k::rotated_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Ends a client's key; whether it was in force.
pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(k::table.find(id).filter(k::revoked_at.is_null()))
        .set(k::revoked_at.eq(Some(at)))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn insert_request(conn: &mut DbConn, row: &Open311RequestRow) -> QueryResult<()> {
    diesel::insert_into(r::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn request_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<Open311RequestRow>> {
    r::table
        .find(report_id)
        .select(Open311RequestRow::as_select())
        .first(conn)
        .optional()
}

pub fn request_by_token(conn: &mut DbConn, token: &str) -> QueryResult<Option<Open311RequestRow>> {
    r::table
        .filter(r::token.eq(token))
        .select(Open311RequestRow::as_select())
        .first(conn)
        .optional()
}

/// Which reports an Open311 list shows: verified (past the IOC's check), neither confidential
/// nor state secret (Art. 9.3), in the filters.
#[derive(Debug, Default)]
pub struct RequestFilter {
    /// Tracking codes; when given, the other filters are ignored.
    pub codes: Vec<String>,
    pub categories: Vec<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// The states of `open` or `closed`.
    pub statuses: Vec<String>,
    pub lead_agency: Option<String>,
    pub updated_after: Option<NaiveDateTime>,
    pub updated_before: Option<NaiveDateTime>,
    /// A search over what anyone may read (the query language of every list).
    pub text: Option<crate::domain::search::Query>,
    /// `(min_long, min_lat, max_long, max_lat)`.
    pub bbox: Option<(f64, f64, f64, f64)>,
}

/// The states in which anyone may read a report through Open311: verified by the IOC and not
/// refused (a refused report is read only by the app that filed it).
pub const VERIFIED: [&str; 8] = [
    "accepted",
    "forwarded",
    "in_progress",
    "awaiting_designation",
    "awaiting_publication",
    "published",
    "emergency_forwarded",
    "emergency_handled",
];

pub fn requests(
    conn: &mut DbConn,
    f: &RequestFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<crate::db::models::ReportRow>> {
    use crate::db::schema::reports as rp;
    let mut q = rp::table
        .filter(rp::confidential.eq(false))
        .filter(rp::state_secret.eq(false))
        .filter(rp::status.eq_any(VERIFIED))
        .into_boxed();
    if !f.codes.is_empty() {
        q = q.filter(rp::code.eq_any(f.codes.clone()));
    } else {
        if !f.categories.is_empty() {
            q = q.filter(rp::category_code.eq_any(f.categories.clone()));
        }
        if let Some(t) = f.from {
            q = q.filter(rp::submitted_at.ge(t));
        }
        if let Some(t) = f.to {
            q = q.filter(rp::submitted_at.le(t));
        }
        if !f.statuses.is_empty() {
            q = q.filter(rp::status.eq_any(f.statuses.clone()));
        }
        if let Some(a) = &f.lead_agency {
            q = q.filter(rp::lead_agency_id.eq(a.clone()));
        }
        if let Some(t) = f.updated_after {
            q = q.filter(rp::updated_at.gt(t));
        }
        if let Some(t) = f.updated_before {
            q = q.filter(rp::updated_at.lt(t));
        }
        let sqlite = matches!(conn, DbConn::Sqlite(_));
        if let Some((west, south, east, north)) = f.bbox {
            let place = super::reports::Place::Bbox {
                west,
                south,
                east,
                north,
            };
            q = q.filter(super::reports::place_condition(sqlite, &place));
        }
        if let Some(text) = &f.text {
            // Only what anyone may read is searched: the text as published.
            let common = super::reports::match_estimate(conn, text)?
                .is_some_and(|n| n > super::reports::COMMON);
            q = q.filter(super::reports::text_condition(sqlite, text, true, common));
        }
    }
    q.select(crate::db::models::ReportRow::as_select())
        .order((rp::submitted_at.desc(), rp::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// A public step of a report that anyone may read (mySociety's service request updates).
#[derive(Debug, Clone, Queryable)]
pub struct PublicUpdate {
    pub event_id: String,
    pub at: NaiveDateTime,
    pub action: String,
    pub to_status: Option<String>,
    pub code: String,
}

/// The public steps of verified, non-confidential reports in a period, oldest first.
pub fn public_updates(
    conn: &mut DbConn,
    actions: &[&str],
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<PublicUpdate>> {
    use crate::db::schema::{report_events as e, reports as rp};
    e::table
        .inner_join(rp::table)
        .filter(e::action.eq_any(actions.to_vec()))
        .filter(rp::status.eq_any(VERIFIED))
        .filter(rp::confidential.eq(false))
        .filter(rp::state_secret.eq(false))
        .filter(e::at.ge(from))
        .filter(e::at.le(to))
        .select((e::id, e::at, e::action, e::to_status, rp::code))
        .order((e::at.asc(), e::id.asc()))
        .limit(limit)
        .load(conn)
}

/// The attributes an admin added to a category, in order.
pub fn attributes_of(
    conn: &mut DbConn,
    category: &str,
) -> QueryResult<Vec<crate::db::models::ServiceAttributeRow>> {
    use crate::db::schema::service_attributes as a;
    a::table
        .filter(a::category_code.eq(category))
        .select(crate::db::models::ServiceAttributeRow::as_select())
        .order((a::position.asc(), a::code.asc()))
        .load(conn)
}

/// Replaces a category's attributes.
pub fn set_attributes(
    conn: &mut DbConn,
    category: &str,
    rows: &[crate::db::models::ServiceAttributeRow],
) -> QueryResult<()> {
    use crate::db::schema::service_attributes as a;
    diesel::delete(a::table.filter(a::category_code.eq(category))).execute(conn)?;
    for r in rows {
        diesel::insert_into(a::table).values(r).execute(conn)?;
    }
    Ok(())
}

pub fn insert_report_attributes(
    conn: &mut DbConn,
    rows: &[crate::db::models::ReportAttributeRow],
) -> QueryResult<()> {
    use crate::db::schema::report_attributes as a;
    for r in rows {
        diesel::insert_into(a::table).values(r).execute(conn)?;
    }
    Ok(())
}

pub fn report_attributes(
    conn: &mut DbConn,
    report_id: &str,
) -> QueryResult<Vec<crate::db::models::ReportAttributeRow>> {
    use crate::db::schema::report_attributes as a;
    a::table
        .filter(a::report_id.eq(report_id))
        .select(crate::db::models::ReportAttributeRow::as_select())
        .order((a::code.asc(), a::value.asc()))
        .load(conn)
}
