//! Annex I letters.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::LetterRow;
use crate::db::schema::letters;

pub fn insert(conn: &mut DbConn, row: &LetterRow) -> QueryResult<()> {
    diesel::insert_into(letters::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The report's letter: the last one issued (a result approved again issues a new one).
pub fn latest_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<LetterRow>> {
    letters::table
        .filter(letters::report_id.eq(report_id))
        .order((letters::issued_at.desc(), letters::number.desc()))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()
}

/// Records the object of a letter's rendered PDF, unless one is recorded already.
pub fn set_pdf(conn: &mut DbConn, id: &str, sha256: &str) -> QueryResult<bool> {
    diesel::update(
        letters::table
            .find(id)
            .filter(letters::pdf_sha256.is_null()),
    )
    .set(letters::pdf_sha256.eq(sha256))
    .execute(conn)
    .map(|n| n == 1)
}
