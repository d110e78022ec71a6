//! Attachments: stored with their metadata; the bytes read only on download.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

pub fn insert_attachment(conn: &mut DbConn, row: &NewAttachmentRow) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn attachments_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<AttachmentMeta>> {
    attachments::table
        .filter(attachments::report_id.eq(report_id))
        .select(AttachmentMeta::as_select())
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .load(conn)
}

pub fn attachment_meta(conn: &mut DbConn, id: &str) -> QueryResult<Option<AttachmentMeta>> {
    attachments::table
        .find(id)
        .select(AttachmentMeta::as_select())
        .first(conn)
        .optional()
}

/// An attachment's bytes when they are still in the row (else in the object store).
pub fn attachment_data(conn: &mut DbConn, id: &str) -> QueryResult<Option<Vec<u8>>> {
    attachments::table
        .find(id)
        .select(attachments::data)
        .first(conn)
}
