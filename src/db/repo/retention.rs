//! What retention finds and removes (Law 91/2025/QH15: data kept no longer than its purpose
//! needs): the reports whose handling ended before a cutoff, per class of data, and the call
//! recordings older than theirs.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamp};

use crate::db::schema::*;
use crate::db::{DbConn, MultiBackend};

/// The states in which a report's handling is over.
pub const ENDED: [&str; 4] = ["published", "rejected", "forwarded", "emergency_handled"];

/// What a report's own words become once the report's retention ends.
pub const BLANKED: &str = "[Đã xóa theo thời hạn lưu trữ]";

/// The kind of the hotline's recordings among attachments.
const RECORDING: &str = "call_recording";

/// A class of data kept from the end of a report's handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The reporter's identity (and the e-mail and call it came with).
    Identity,
    /// The files attached, the recordings excepted (they have their own class).
    Attachments,
    /// The reporter's own words in the report.
    Report,
}

type Boxed<'a> = reports::BoxedQuery<'a, MultiBackend>;

/// The reports of a class that ended on or before `cutoff` and still hold its data.
fn due(class: Class, cutoff: NaiveDateTime) -> Boxed<'static> {
    // Ended: in an ended state, reached on or before the cutoff.
    let ended = sql::<Bool>(
        "EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = reports.id \
         AND e.to_status = reports.status AND e.at <= ",
    )
    .bind::<Timestamp, _>(cutoff)
    .sql(")");
    let q = reports::table
        .filter(reports::status.eq_any(ENDED))
        .filter(ended)
        .into_boxed();
    match class {
        Class::Identity => q.filter(
            reports::id.eq_any(
                report_reporters::table
                    .filter(report_reporters::erased_at.is_null())
                    .select(report_reporters::report_id),
            ),
        ),
        Class::Attachments => q.filter(
            reports::id.eq_any(
                attachments::table
                    .filter(attachments::kind.ne(RECORDING))
                    .select(attachments::report_id),
            ),
        ),
        Class::Report => q.filter(reports::title.ne(BLANKED)),
    }
}

/// The next `limit` reports of a class due, after `after` (by id): (id, tracking code).
pub fn due_reports(
    conn: &mut DbConn,
    class: Class,
    cutoff: NaiveDateTime,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    due(class, cutoff)
        .filter(reports::id.gt(after.to_string()))
        .order(reports::id)
        .limit(limit)
        .select((reports::id, reports::code))
        .load(conn)
}

/// How many reports of a class are due.
pub fn count_due(conn: &mut DbConn, class: Class, cutoff: NaiveDateTime) -> QueryResult<i64> {
    due(class, cutoff).count().get_result(conn)
}

/// Removes the attachments of a report but its recordings; the digests released.
pub fn drop_attachments_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<String>> {
    let shas: Vec<String> = attachments::table
        .filter(attachments::report_id.eq(report_id))
        .filter(attachments::kind.ne(RECORDING))
        .select(attachments::sha256)
        .load(conn)?;
    diesel::delete(
        attachments::table
            .filter(attachments::report_id.eq(report_id))
            .filter(attachments::kind.ne(RECORDING)),
    )
    .execute(conn)?;
    Ok(shas)
}

/// Removes the recordings of a report's calls (on the calls and among its attachments); the
/// digests released.
pub fn drop_recordings_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<String>> {
    let mut shas: Vec<String> = attachments::table
        .filter(attachments::report_id.eq(report_id))
        .filter(attachments::kind.eq(RECORDING))
        .select(attachments::sha256)
        .load(conn)?;
    diesel::delete(
        attachments::table
            .filter(attachments::report_id.eq(report_id))
            .filter(attachments::kind.eq(RECORDING)),
    )
    .execute(conn)?;
    let calls_of: Vec<String> = calls::table
        .filter(calls::report_id.eq(report_id))
        .select(calls::id)
        .load(conn)?;
    for id in calls_of {
        shas.extend(clear_call_recording(conn, &id)?);
    }
    Ok(shas)
}

fn clear_call_recording(conn: &mut DbConn, call_id: &str) -> QueryResult<Option<String>> {
    let sha: Option<String> = calls::table
        .find(call_id)
        .select(calls::recording_sha256)
        .first(conn)
        .optional()?
        .flatten();
    if sha.is_some() {
        diesel::update(calls::table.find(call_id))
            .set((
                calls::recording.eq(None::<Vec<u8>>),
                calls::recording_sha256.eq(None::<String>),
                calls::recording_size.eq(None::<i64>),
                calls::recording_type.eq(None::<String>),
                calls::recording_name.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    Ok(sha)
}

/// Calls whose recording is older than the cutoff: the next `limit` after `after`.
pub fn calls_due(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    calls::table
        .filter(calls::recording_sha256.is_not_null())
        .filter(calls::started_at.le(cutoff))
        .filter(calls::id.gt(after))
        .order(calls::id)
        .limit(limit)
        .select(calls::id)
        .load(conn)
}

/// Recordings attached to reports, older than the cutoff: the next `limit` after `after`.
pub fn attached_recordings_due(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    attachments::table
        .filter(attachments::kind.eq(RECORDING))
        .filter(attachments::created_at.le(cutoff))
        .filter(attachments::id.gt(after))
        .order(attachments::id)
        .limit(limit)
        .select(attachments::id)
        .load(conn)
}

/// How many recordings are older than the cutoff (calls and attachments).
pub fn count_recordings_due(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<i64> {
    let c: i64 = calls::table
        .filter(calls::recording_sha256.is_not_null())
        .filter(calls::started_at.le(cutoff))
        .count()
        .get_result(conn)?;
    let a: i64 = attachments::table
        .filter(attachments::kind.eq(RECORDING))
        .filter(attachments::created_at.le(cutoff))
        .count()
        .get_result(conn)?;
    Ok(c + a)
}

/// Removes a call's recording; the digest released.
pub fn drop_call_recording(conn: &mut DbConn, call_id: &str) -> QueryResult<Option<String>> {
    clear_call_recording(conn, call_id)
}

/// Removes one attached recording; the digest released.
pub fn drop_attachment(conn: &mut DbConn, id: &str) -> QueryResult<Option<String>> {
    let sha: Option<String> = attachments::table
        .find(id)
        .select(attachments::sha256)
        .first(conn)
        .optional()?;
    diesel::delete(attachments::table.find(id)).execute(conn)?;
    Ok(sha)
}

/// Blanks the reporter's own words in a report (title, content as submitted and as corrected,
/// place); the answer and the statistics stay.
pub fn blank_report(conn: &mut DbConn, report_id: &str) -> QueryResult<usize> {
    diesel::update(reports::table.find(report_id))
        .set((
            reports::title.eq(BLANKED),
            reports::content.eq(BLANKED),
            reports::content_corrected.eq(None::<String>),
            reports::address.eq(BLANKED),
            reports::latitude.eq(None::<f64>),
            reports::longitude.eq(None::<f64>),
        ))
        .execute(conn)
}
