//! The e-mail that reached the mailbox and the calls of the 1022 switchboard: what arrived,
//! the IOC's queues, and the conditional updates by which of two operators one wins.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{CallMeta, CallRow, MailMeta, MailRow};
use crate::db::repo::identity::{open_call, open_mail, seal_call, seal_mail};
use crate::db::schema::{calls, mail_messages, mail_messages as mail, report_reporters};
use crate::db::vault::Vault;

/// Whether an insert hit a row with the same key (the same message, the same call).
pub fn is_duplicate(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Stores a message, its sender and text sealed.
pub fn insert_mail(conn: &mut DbConn, v: &Vault, row: &MailRow) -> QueryResult<()> {
    diesel::insert_into(mail::table)
        .values(seal_mail(v, row))
        .execute(conn)
        .map(|_| ())
}

pub fn mail(conn: &mut DbConn, v: &Vault, id: &str) -> QueryResult<Option<MailMeta>> {
    mail::table
        .find(id)
        .select(MailMeta::as_select())
        .first(conn)
        .optional()?
        .map(|m| open_mail(v, m))
        .transpose()
}

/// The message with these bytes, if it arrived before.
pub fn mail_by_sha256(conn: &mut DbConn, v: &Vault, sha256: &str) -> QueryResult<Option<MailMeta>> {
    mail::table
        .filter(mail::sha256.eq(sha256))
        .select(MailMeta::as_select())
        .first(conn)
        .optional()?
        .map(|m| open_mail(v, m))
        .transpose()
}

/// A message's digest and, when they are still in the row, its bytes.
pub fn mail_raw(conn: &mut DbConn, id: &str) -> QueryResult<Option<(String, Option<Vec<u8>>)>> {
    mail::table
        .find(id)
        .select((mail::sha256, mail::raw))
        .first(conn)
        .optional()
}

/// Messages by status (every one when `None`), oldest first: the order the IOC answers them.
pub fn mail_list(
    conn: &mut DbConn,
    v: &Vault,
    status: Option<&str>,
    report_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<MailMeta>, i64)> {
    let filtered = || {
        let mut q = mail::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(mail::status.eq(s.to_string()));
        }
        if let Some(r) = report_id {
            q = q.filter(mail::report_id.eq(r.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(MailMeta::as_select())
        .order((mail::received_at.asc(), mail::id.asc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?
        .into_iter()
        .map(|m| open_mail(v, m))
        .collect::<QueryResult<_>>()?;
    Ok((rows, total))
}

/// What an operator's action on a message changes.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = mail_messages)]
pub struct MailChanges {
    pub status: Option<String>,
    pub reason: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub report_id: Option<Option<String>>,
    pub claimed_by: Option<Option<String>>,
    pub claimed_at: Option<Option<NaiveDateTime>>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
}

/// Changes a message if nobody changed it since it was read at `version`.
pub fn update_mail(
    conn: &mut DbConn,
    id: &str,
    version: i32,
    changes: &MailChanges,
) -> QueryResult<bool> {
    let n = diesel::update(mail::table.find(id).filter(mail::version.eq(version)))
        .set((changes, mail::version.eq(version + 1)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Stores a call, the caller's number sealed and blind-indexed.
pub fn insert_call(conn: &mut DbConn, v: &Vault, row: &CallRow) -> QueryResult<()> {
    diesel::insert_into(calls::table)
        .values((
            seal_call(v, row),
            calls::caller_index.eq(v.blind_phone(&row.caller)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn call(conn: &mut DbConn, v: &Vault, id: &str) -> QueryResult<Option<CallMeta>> {
    calls::table
        .find(id)
        .select(CallMeta::as_select())
        .first(conn)
        .optional()?
        .map(|c| open_call(v, c))
        .transpose()
}

pub fn call_by_switchboard_id(
    conn: &mut DbConn,
    v: &Vault,
    sid: &str,
) -> QueryResult<Option<CallMeta>> {
    calls::table
        .filter(calls::switchboard_id.eq(sid))
        .select(CallMeta::as_select())
        .first(conn)
        .optional()?
        .map(|c| open_call(v, c))
        .transpose()
}

/// Whether a call with this id was recorded.
pub fn call_exists(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(calls::table.find(id))).get_result(conn)
}

/// A recording's bytes when they are still in the row (else in the object store).
pub fn call_recording(conn: &mut DbConn, id: &str) -> QueryResult<Option<Vec<u8>>> {
    calls::table
        .find(id)
        .select(calls::recording)
        .first::<Option<Vec<u8>>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Which calls a list shows.
#[derive(Debug, Default)]
pub struct CallFilter<'a> {
    pub status: Option<&'a str>,
    pub caller: Option<&'a str>,
    pub report_id: Option<&'a str>,
    /// Only calls whose turn in the queue came (after-hours calls wait for the next session).
    pub due_by: Option<NaiveDateTime>,
}

/// Calls, in the order of the queue (the turn, then the start).
pub fn call_list(
    conn: &mut DbConn,
    v: &Vault,
    f: &CallFilter<'_>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<CallMeta>, i64)> {
    let filtered = || {
        let mut q = calls::table.into_boxed();
        if let Some(s) = f.status {
            q = q.filter(calls::status.eq(s.to_string()));
        }
        if let Some(c) = f.caller {
            q = q.filter(calls::caller_index.eq(v.blind_phone(c)));
        }
        if let Some(r) = f.report_id {
            q = q.filter(calls::report_id.eq(r.to_string()));
        }
        if let Some(t) = f.due_by {
            q = q.filter(calls::queued_from.le(t));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(CallMeta::as_select())
        .order((
            calls::queued_from.asc(),
            calls::started_at.asc(),
            calls::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)?
        .into_iter()
        .map(|c| open_call(v, c))
        .collect::<QueryResult<_>>()?;
    Ok((rows, total))
}

/// What an operator's action on a call changes.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = calls)]
pub struct CallChanges {
    pub status: Option<String>,
    pub report_id: Option<Option<String>>,
    pub agency_id: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub claimed_by: Option<Option<String>>,
    pub claimed_at: Option<Option<NaiveDateTime>>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
}

/// Changes a call if nobody changed it since it was read at `version`.
pub fn update_call(
    conn: &mut DbConn,
    id: &str,
    version: i32,
    changes: &CallChanges,
) -> QueryResult<bool> {
    let n = diesel::update(calls::table.find(id).filter(calls::version.eq(version)))
        .set((changes, calls::version.eq(version + 1)))
        .execute(conn)?;
    Ok(n == 1)
}

/// The reports whose reporter gave this phone number, newest first (by its blind index).
pub fn reports_of_phone(
    conn: &mut DbConn,
    v: &Vault,
    phone: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    report_reporters::table
        .filter(report_reporters::phone_index.eq(v.blind_phone(phone)))
        .select(report_reporters::report_id)
        .order(report_reporters::report_id.desc())
        .limit(limit)
        .load(conn)
}

/// The reports whose reporter gave this identity number (through its blind index), newest
/// first.
pub fn reports_of_cccd(
    conn: &mut DbConn,
    v: &Vault,
    cccd: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    report_reporters::table
        .filter(report_reporters::cccd_index.eq(v.blind_cccd(cccd)))
        .select(report_reporters::report_id)
        .order(report_reporters::report_id.desc())
        .limit(limit)
        .load(conn)
}
