//! Proposals for recognition (Art. 17).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::RecognitionRow;
use crate::db::schema::recognition_proposals as p;

pub fn insert(conn: &mut DbConn, row: &RecognitionRow) -> QueryResult<()> {
    diesel::insert_into(p::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The proposals made in `[from, to)`, oldest first; of one agency's leaders when given.
pub fn in_period(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    agency: Option<&str>,
) -> QueryResult<Vec<RecognitionRow>> {
    let mut q = p::table
        .filter(p::proposed_at.ge(from))
        .filter(p::proposed_at.lt(to))
        .select(RecognitionRow::as_select())
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(p::proposed_agency_id.eq(a.to_string()));
    }
    q.order((p::proposed_at.asc(), p::id.asc())).load(conn)
}
