//! Reports, their reporters, assignments, clocks, extensions, events, feedback, ratings.
//!
//! This file: reports, idempotency keys, outcomes and copies; `assigning` (assignments, the
//! inbox, extensions), `deadlines` (clocks), `history` (events, feedback, ratings, identity
//! reads, emergencies), `files` (attachments), `lists` (lists with their
//! filters, full-text search and places).

mod assigning;
mod deadlines;
mod files;
mod history;
mod lists;
mod many;

pub use assigning::*;
pub use deadlines::*;
pub use files::*;
pub use history::*;
pub use lists::*;
pub use many::*;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::repo::identity::{open_reporter, stored_reporter};
use crate::db::schema::*;
use crate::db::vault::Vault;

/// Inserts a new report and its reporter (sealed); its search text is written with its
/// tracking code ([`set_code`]).
pub fn insert(
    conn: &mut DbConn,
    v: &Vault,
    row: &ReportRow,
    reporter: &ReporterRow,
) -> QueryResult<()> {
    diesel::insert_into(reports::table)
        .values(row.clone())
        .execute(conn)?;
    diesel::insert_into(report_reporters::table)
        .values(stored_reporter(v, reporter))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ReportRow>> {
    reports::table
        .find(id)
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

/// Takes the report's row lock for the rest of the transaction (PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already holds the database's write lock), so writers of one report run
/// one after the other and each reads the state the previous one left.
pub fn lock(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::update(reports::table.find(id))
        .set(reports::version.eq(reports::version))
        .execute(conn)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<ReportRow>> {
    reports::table
        .filter(reports::code.eq(code))
        .select(ReportRow::as_select())
        .first(conn)
        .optional()
}

/// The reporter of a report, in clear.
pub fn reporter(conn: &mut DbConn, v: &Vault, report_id: &str) -> QueryResult<Option<ReporterRow>> {
    // An erased identity (Law 91/2025/QH15: deleted on request or at the end of its
    // retention) is no identity.
    report_reporters::table
        .find(report_id)
        .filter(report_reporters::erased_at.is_null())
        .select(ReporterRow::as_select())
        .first(conn)
        .optional()?
        .map(|r| open_reporter(v, r))
        .transpose()
}

/// Applies changes if the report is still at `expected_version`; bumps the version. Returns
/// whether it did: a `false` means another action won the race.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected_version: i64,
    changes: &ReportChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        reports::table
            .find(id)
            .filter(reports::version.eq(expected_version)),
    )
    .set((
        changes,
        reports::version.eq(expected_version + 1),
        reports::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn idempotency(
    conn: &mut DbConn,
    user_id: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyRow>> {
    idempotency_keys::table
        .find((user_id, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a row was written, or one with its key already existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Inserted,
    Exists,
}

/// Records an idempotency key; `Exists` when a concurrent submission recorded it first (the
/// transaction must then end: on PostgreSQL the failed insert has aborted it).
pub fn insert_idempotency(conn: &mut DbConn, row: &IdempotencyRow) -> QueryResult<Inserted> {
    match diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)
    {
        Ok(_) => Ok(Inserted::Inserted),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(Inserted::Exists),
        Err(e) => Err(e),
    }
}
/// The reporters of these reports, in clear.
pub fn reporters_in(conn: &mut DbConn, v: &Vault, ids: &[String]) -> QueryResult<Vec<ReporterRow>> {
    report_reporters::table
        .filter(report_reporters::report_id.eq_any(ids.to_vec()))
        .filter(report_reporters::erased_at.is_null())
        .select(ReporterRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| open_reporter(v, r))
        .collect()
}

/// Records the processing time of a report at its publication.
pub fn record_outcome(
    conn: &mut DbConn,
    report_id: &str,
    published_at: NaiveDateTime,
    processing_seconds: i64,
) -> QueryResult<()> {
    diesel::insert_into(report_outcomes::table)
        .values((
            report_outcomes::report_id.eq(report_id),
            report_outcomes::published_at.eq(published_at),
            report_outcomes::processing_seconds.eq(processing_seconds),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The publication instant and processing time recorded for a report, if published.
pub fn outcome_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<(NaiveDateTime, i64)>> {
    report_outcomes::table
        .find(report_id)
        .select((
            report_outcomes::published_at,
            report_outcomes::processing_seconds,
        ))
        .first(conn)
        .optional()
}

/// Copied reports and their rows, in the order the foreign keys need (lead assignments before
/// the coordinators' that point to them).
pub struct Copies<'a> {
    pub reports: &'a [ReportRow],
    pub reporters: &'a [ReporterRow],
    pub assignments: &'a [AssignmentRow],
    pub clocks: &'a [ClockRow],
    pub extensions: &'a [ExtensionRow],
    pub feedback: &'a [FeedbackRow],
    /// (report id, published at, processing seconds)
    pub outcomes: &'a [(String, NaiveDateTime, i64)],
}

/// Inserts copies with multi-row inserts, sent to the backend's own connection (the two-backend
/// connection cannot build them); the reporters sealed.
pub fn insert_copies(conn: &mut DbConn, v: &Vault, c: &Copies<'_>) -> QueryResult<()> {
    macro_rules! insert_all {
        ($table:expr, $rows:expr) => {
            for ch in $rows.chunks(200) {
                match &mut *conn {
                    DbConn::Sqlite(s) => {
                        diesel::insert_into($table).values(ch.to_vec()).execute(s)?
                    }
                    DbConn::Postgresql(p) => {
                        diesel::insert_into($table).values(ch.to_vec()).execute(p)?
                    }
                };
            }
        };
    }
    let outcomes: Vec<_> = c
        .outcomes
        .iter()
        .map(|(id, at, secs)| {
            (
                report_outcomes::report_id.eq(id.clone()),
                report_outcomes::published_at.eq(*at),
                report_outcomes::processing_seconds.eq(*secs),
            )
        })
        .collect();
    insert_all!(reports::table, c.reports);
    let reporters: Vec<_> = c.reporters.iter().map(|r| stored_reporter(v, r)).collect();
    insert_all!(report_reporters::table, reporters);
    let assigned: Vec<_> = c
        .assignments
        .iter()
        .map(|a| crate::db::repo::letters::seal_result(v, a))
        .collect();
    insert_all!(assignments::table, assigned);
    insert_all!(clocks::table, c.clocks);
    insert_all!(extensions::table, c.extensions);
    insert_all!(feedback::table, c.feedback);
    insert_all!(report_outcomes::table, outcomes);
    let search: Vec<_> = c
        .reports
        .iter()
        .map(|r| {
            let answer = lead_answer(
                c.assignments
                    .iter()
                    .filter(|a| a.report_id == r.id)
                    .cloned()
                    .collect::<Vec<_>>()
                    .as_slice(),
            )
            .map(str::to_string);
            let t = r.search_texts(answer.as_deref());
            (
                report_search::report_id.eq(r.id.clone()),
                report_search::text.eq(t.staff),
                report_search::public_text.eq(t.public),
            )
        })
        .collect();
    insert_all!(report_search::table, search);
    Ok(())
}

/// Gives a new report its tracking code and its indexed texts (made with the code).
pub fn set_code(
    conn: &mut DbConn,
    report_id: &str,
    code: &str,
    texts: &SearchTexts,
) -> QueryResult<()> {
    diesel::update(reports::table.find(report_id))
        .set(reports::code.eq(code))
        .execute(conn)?;
    diesel::insert_into(report_search::table)
        .values((
            report_search::report_id.eq(report_id),
            report_search::text.eq(&texts.staff),
            report_search::public_text.eq(&texts.public),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Writes the indexed texts of a report when they changed (an unchanged text is not
/// re-indexed).
pub fn set_search_texts(
    conn: &mut DbConn,
    report_id: &str,
    texts: &SearchTexts,
) -> QueryResult<()> {
    let now: Option<(String, String)> = report_search::table
        .find(report_id)
        .select((report_search::text, report_search::public_text))
        .first(conn)
        .optional()?;
    match now {
        Some((staff, public)) if staff == texts.staff && public == texts.public => {}
        Some(_) => {
            diesel::update(report_search::table.find(report_id))
                .set((
                    report_search::text.eq(&texts.staff),
                    report_search::public_text.eq(&texts.public),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(report_search::table)
                .values((
                    report_search::report_id.eq(report_id),
                    report_search::text.eq(&texts.staff),
                    report_search::public_text.eq(&texts.public),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Reports in id order after `after`, a batch at a time (to rewrite every indexed text).
pub fn reports_after(conn: &mut DbConn, after: &str, limit: i64) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(reports::id.gt(after))
        .order(reports::id)
        .select(ReportRow::as_select())
        .limit(limit)
        .load(conn)
}
