//! What names an object of the store, and the rows whose bytes are still in the database.

use diesel::dsl::exists;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{attachments, calls, letters, mail_messages};

/// Whether any row names the object of this digest.
pub fn is_named(conn: &mut DbConn, sha256: &str) -> QueryResult<bool> {
    let a: bool = diesel::select(exists(
        attachments::table.filter(attachments::sha256.eq(sha256)),
    ))
    .get_result(conn)?;
    if a {
        return Ok(true);
    }
    let c: bool = diesel::select(exists(
        calls::table.filter(calls::recording_sha256.eq(sha256)),
    ))
    .get_result(conn)?;
    if c {
        return Ok(true);
    }
    let m: bool = diesel::select(exists(
        mail_messages::table.filter(mail_messages::sha256.eq(sha256)),
    ))
    .get_result(conn)?;
    if m {
        return Ok(true);
    }
    diesel::select(exists(
        letters::table.filter(letters::pdf_sha256.eq(sha256)),
    ))
    .get_result(conn)
}

/// A row whose bytes are still in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Attachment,
    Recording,
    Mail,
}

/// Up to `limit` rows of a kind whose bytes are still in the database, after the id `after`,
/// in id order: (id, digest).
pub fn kept(
    conn: &mut DbConn,
    kind: Kept,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    match kind {
        Kept::Attachment => attachments::table
            .filter(attachments::data.is_not_null())
            .filter(attachments::id.gt(after))
            .select((attachments::id, attachments::sha256))
            .order(attachments::id)
            .limit(limit)
            .load(conn),
        Kept::Recording => calls::table
            .filter(calls::recording.is_not_null())
            .filter(calls::id.gt(after))
            .select((calls::id, calls::recording_sha256.assume_not_null()))
            .order(calls::id)
            .limit(limit)
            .load(conn),
        Kept::Mail => mail_messages::table
            .filter(mail_messages::raw.is_not_null())
            .filter(mail_messages::id.gt(after))
            .select((mail_messages::id, mail_messages::sha256))
            .order(mail_messages::id)
            .limit(limit)
            .load(conn),
    }
}

/// A kept row's bytes.
pub fn kept_bytes(conn: &mut DbConn, kind: Kept, id: &str) -> QueryResult<Option<Vec<u8>>> {
    let got: Option<Option<Vec<u8>>> = match kind {
        Kept::Attachment => attachments::table
            .find(id)
            .select(attachments::data)
            .first(conn)
            .optional()?,
        Kept::Recording => calls::table
            .find(id)
            .select(calls::recording)
            .first(conn)
            .optional()?,
        Kept::Mail => mail_messages::table
            .find(id)
            .select(mail_messages::raw)
            .first(conn)
            .optional()?,
    };
    Ok(got.flatten())
}

/// Empties a kept row's bytes (they are in the store now); false when another mover did.
pub fn release(conn: &mut DbConn, kind: Kept, id: &str) -> QueryResult<bool> {
    let none: Option<Vec<u8>> = None;
    let n = match kind {
        Kept::Attachment => diesel::update(
            attachments::table
                .find(id)
                .filter(attachments::data.is_not_null()),
        )
        .set(attachments::data.eq(none))
        .execute(conn)?,
        Kept::Recording => {
            diesel::update(calls::table.find(id).filter(calls::recording.is_not_null()))
                .set(calls::recording.eq(none))
                .execute(conn)?
        }
        Kept::Mail => diesel::update(
            mail_messages::table
                .find(id)
                .filter(mail_messages::raw.is_not_null()),
        )
        .set(mail_messages::raw.eq(none))
        .execute(conn)?,
    };
    Ok(n == 1)
}
