//! Annex I letters, and the addressee of the results they print: "Kính gửi" usually names the
//! reporter, so the draft's addressee and the letter's are sealed at rest like the identity
//! they come from ([`crate::db::vault`]).

use diesel::prelude::*;
use diesel::result::Error;

use crate::db::DbConn;
use crate::db::models::{AssignmentRow, LetterRow};
use crate::db::repo::identity::{Batch, Pass, reseal_column, unopenable};
use crate::db::schema::{assignments, letters};
use crate::db::vault::{Field, Vault};

pub const LETTER_ADDRESSEE: Field = Field("letters.addressee");
pub const RESULT_ADDRESSEE: Field = Field("assignments.result_addressee");

/// What a letter says instead of an addressee who is not to be named: in the public copy
/// without the reporter's consent, and in every copy once the reporter's identity is erased.
pub const WITHHELD: &str = "Người phản ánh";

/// A draft's addressee as stored, for the assignment `id`.
pub fn seal_addressee(v: &Vault, id: &str, clear: &str) -> String {
    v.seal(RESULT_ADDRESSEE, id, clear)
}

/// The assignment with its draft's addressee in clear.
pub fn open_result(v: &Vault, mut a: AssignmentRow) -> Result<AssignmentRow, Error> {
    if let Some(s) = &a.result_addressee {
        a.result_addressee = Some(v.open(RESULT_ADDRESSEE, &a.id, s).map_err(unopenable)?);
    }
    Ok(a)
}

/// The assignment as stored: its draft's addressee sealed.
pub fn seal_result(v: &Vault, a: &AssignmentRow) -> AssignmentRow {
    let mut a = a.clone();
    if let Some(s) = &a.result_addressee {
        a.result_addressee = Some(seal_addressee(v, &a.id, s));
    }
    a
}

/// Issues a letter (its addressee given in clear, stored sealed).
pub fn insert(conn: &mut DbConn, v: &Vault, row: &LetterRow) -> QueryResult<()> {
    let mut row = row.clone();
    row.addressee = v.seal(LETTER_ADDRESSEE, &row.id, &row.addressee);
    diesel::insert_into(letters::table)
        .values(&row)
        .execute(conn)
        .map(|_| ())
}

/// The report's letter, its addressee in clear: the last one issued (a result approved again
/// issues a new one).
pub fn latest_of(conn: &mut DbConn, v: &Vault, report_id: &str) -> QueryResult<Option<LetterRow>> {
    let l: Option<LetterRow> = letters::table
        .filter(letters::report_id.eq(report_id))
        .order((letters::issued_at.desc(), letters::number.desc()))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()?;
    l.map(|mut l| {
        l.addressee = v
            .open(LETTER_ADDRESSEE, &l.id, &l.addressee)
            .map_err(unopenable)?;
        Ok(l)
    })
    .transpose()
}

/// Whether the report has a letter.
pub fn exists_for(conn: &mut DbConn, report_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        letters::table.filter(letters::report_id.eq(report_id)),
    ))
    .get_result(conn)
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

/// Erases the addressee of a report's drafts and letters (the reporter's identity erased):
/// each becomes [`WITHHELD`], and the letters' rendered PDFs, which print the name, are
/// forgotten (rendered again on the next read). Returns the PDFs' objects to release.
pub fn erase_addressees(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<String>> {
    diesel::update(
        assignments::table
            .filter(assignments::report_id.eq(report_id))
            .filter(assignments::result_addressee.is_not_null()),
    )
    .set(assignments::result_addressee.eq(WITHHELD))
    .execute(conn)?;
    let pdfs: Vec<Option<String>> = letters::table
        .filter(letters::report_id.eq(report_id))
        .select(letters::pdf_sha256)
        .load(conn)?;
    diesel::update(letters::table.filter(letters::report_id.eq(report_id)))
        .set((
            letters::addressee.eq(WITHHELD),
            letters::pdf_sha256.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(pdfs.into_iter().flatten().collect())
}

/// Re-seals a batch of drafts' addressees after `after` (see `identity::reseal_reporters`).
pub fn reseal_results(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    reseal_column!(
        conn,
        v,
        pass,
        after,
        limit,
        assignments.result_addressee,
        RESULT_ADDRESSEE,
        "1 = 1"
    )
}

/// Re-seals a batch of letters' addressees after `after`.
pub fn reseal_letters(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    reseal_column!(
        conn,
        v,
        pass,
        after,
        limit,
        letters.addressee,
        LETTER_ADDRESSEE,
        "1 = 1"
    )
}
