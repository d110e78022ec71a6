//! Reports, their reporters, assignments, clocks, extensions, events, feedback, ratings.
//!
//! This file: reports, idempotency keys, outcomes and copies; `assigning` (assignments, the
//! inbox, extensions), `deadlines` (clocks), `history` (events, feedback, ratings, identity
//! reads, emergencies), `files` (attachments).

mod assigning;
mod deadlines;
mod files;
mod history;
mod many;

pub use assigning::*;
pub use deadlines::*;
pub use files::*;
pub use history::*;
pub use many::*;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;
use crate::domain::report::AssignmentStatus;

/// Inserts a new report and its reporter; its search text is written with its tracking code
/// ([`set_code`]).
pub fn insert(conn: &mut DbConn, row: &ReportRow, reporter: &ReporterRow) -> QueryResult<()> {
    diesel::insert_into(reports::table)
        .values(row.clone())
        .execute(conn)?;
    diesel::insert_into(report_reporters::table)
        .values(reporter)
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

pub fn reporter(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<ReporterRow>> {
    report_reporters::table
        .find(report_id)
        .select(ReporterRow::as_select())
        .first(conn)
        .optional()
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

/// Who a list is for.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The IOC, the province, admins.
    All,
    /// A citizen's own reports.
    Reporter(String),
    /// Reports assigned (now or before, not cancelled) to any of these agencies.
    Agencies(Vec<String>),
}

/// Filters of a report list.
#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    pub statuses: Vec<String>,
    pub category: Option<String>,
    pub admin_unit: Option<String>,
    pub agency: Option<String>,
    pub channel: Option<String>,
    /// Only reports with an open clock past its due time (`Some(true)`), or none (`Some(false)`).
    pub overdue_at: Option<(bool, NaiveDateTime)>,
    /// Only emergencies (`Some(true)`), or none (`Some(false)`).
    pub emergency: Option<bool>,
    /// Only reports with an open referral to the province (`Some(true)`), or none.
    pub referred: Option<bool>,
    pub submitted_from: Option<NaiveDateTime>,
    pub submitted_to: Option<NaiveDateTime>,
    /// Text in the code, the title or the content.
    pub text: Option<String>,
    /// Only published, not confidential, not state-secret reports (the public list).
    pub public_only: bool,
}

/// The order of a list, and where the previous page stopped.
#[derive(Debug, Clone)]
pub enum Order {
    /// Newest submissions first; after (submitted_at, id).
    Newest(Option<(NaiveDateTime, String)>),
    /// Soonest open deadline first (reports without one are left out); after (next_due_at, id).
    DueSoonest(Option<(NaiveDateTime, String)>),
    /// Newest publications first (public list); after (published_at, id).
    Published(Option<(NaiveDateTime, String)>),
}

pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &ReportFilter,
    order: &Order,
    limit: i64,
) -> QueryResult<Vec<ReportRow>> {
    let mut q = reports::table.select(ReportRow::as_select()).into_boxed();
    match scope {
        Scope::All => {}
        Scope::Reporter(uid) => q = q.filter(reports::reporter_user_id.eq(uid.clone())),
        Scope::Agencies(ids) => {
            q = q.filter(
                reports::id.eq_any(
                    assignments::table
                        .filter(assignments::agency_id.eq_any(ids.clone()))
                        .filter(assignments::status.ne(AssignmentStatus::Cancelled.as_str()))
                        .select(assignments::report_id),
                ),
            )
        }
    }
    if !f.statuses.is_empty() {
        q = q.filter(reports::status.eq_any(f.statuses.clone()));
    }
    if let Some(c) = &f.category {
        q = q.filter(reports::category_code.eq(c.clone()));
    }
    if let Some(u) = &f.admin_unit {
        q = q.filter(reports::admin_unit_code.eq(u.clone()));
    }
    if let Some(a) = &f.agency {
        q = q.filter(
            reports::id.eq_any(
                assignments::table
                    .filter(assignments::agency_id.eq(a.clone()))
                    .filter(assignments::status.ne(AssignmentStatus::Cancelled.as_str()))
                    .select(assignments::report_id),
            ),
        );
    }
    if let Some(c) = &f.channel {
        q = q.filter(reports::channel.eq(c.clone()));
    }
    if let Some((want, now)) = f.overdue_at {
        let late = clocks::table
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null())
            .filter(clocks::due_at.lt(now))
            .select(clocks::report_id);
        q = if want {
            q.filter(reports::id.eq_any(late))
        } else {
            q.filter(reports::id.ne_all(late))
        };
    }
    if let Some(e) = f.emergency {
        q = q.filter(reports::emergency.eq(e));
    }
    if let Some(want) = f.referred {
        use crate::db::schema::province_referrals as p;
        let open = p::table
            .filter(p::decided_at.is_null())
            .select(p::report_id);
        q = if want {
            q.filter(reports::id.eq_any(open))
        } else {
            q.filter(reports::id.ne_all(open))
        };
    }
    if let Some(t) = f.submitted_from {
        q = q.filter(reports::submitted_at.ge(t));
    }
    if let Some(t) = f.submitted_to {
        q = q.filter(reports::submitted_at.lt(t));
    }
    if let Some(text) = &f.text {
        // Folded alike on both databases: `duong`, `Đường` and `ĐƯỜNG` find the same reports.
        let pat = format!("%{}%", super::escape_like(&crate::domain::text::fold(text)));
        q = q.filter(
            reports::id.eq_any(
                report_search::table
                    .filter(report_search::text.like(pat).escape('\\'))
                    .select(report_search::report_id),
            ),
        );
    }
    if f.public_only {
        // The SQL form of `domain::visibility::publicly_listed`.
        q = q
            .filter(reports::status.eq(crate::domain::report::ReportStatus::Published.as_str()))
            .filter(reports::confidential.eq(false))
            .filter(reports::state_secret.eq(false));
    }
    q = match order {
        Order::Newest(after) => {
            if let Some((t, id)) = after {
                q = q.filter(
                    reports::submitted_at
                        .lt(*t)
                        .or(reports::submitted_at.eq(*t).and(reports::id.lt(id.clone()))),
                );
            }
            q.order((reports::submitted_at.desc(), reports::id.desc()))
        }
        Order::DueSoonest(after) => {
            q = q.filter(reports::next_due_at.is_not_null());
            if let Some((t, id)) = after {
                q = q.filter(
                    reports::next_due_at
                        .gt(*t)
                        .or(reports::next_due_at.eq(*t).and(reports::id.gt(id.clone()))),
                );
            }
            q.order((reports::next_due_at.asc(), reports::id.asc()))
        }
        Order::Published(after) => {
            q = q.filter(reports::published_at.is_not_null());
            if let Some((t, id)) = after {
                q = q.filter(
                    reports::published_at
                        .lt(*t)
                        .or(reports::published_at.eq(*t).and(reports::id.lt(id.clone()))),
                );
            }
            q.order((reports::published_at.desc(), reports::id.desc()))
        }
    };
    q.limit(limit).load(conn)
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
pub fn reporters_in(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<ReporterRow>> {
    report_reporters::table
        .filter(report_reporters::report_id.eq_any(ids.to_vec()))
        .select(ReporterRow::as_select())
        .load(conn)
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
/// connection cannot build them).
pub fn insert_copies(conn: &mut DbConn, c: &Copies<'_>) -> QueryResult<()> {
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
    insert_all!(report_reporters::table, c.reporters);
    insert_all!(assignments::table, c.assignments);
    insert_all!(clocks::table, c.clocks);
    insert_all!(extensions::table, c.extensions);
    insert_all!(feedback::table, c.feedback);
    insert_all!(report_outcomes::table, outcomes);
    let search: Vec<_> = c
        .reports
        .iter()
        .map(|r| {
            (
                report_search::report_id.eq(r.id.clone()),
                report_search::text.eq(r.search_text_now()),
            )
        })
        .collect();
    insert_all!(report_search::table, search);
    Ok(())
}

/// Writes the folded search text of a report (with every change of what it is made of).
/// Gives a new report its tracking code (part of its creation: the version stays).
/// Gives a new report its tracking code and its search text (made with the code).
pub fn set_code(
    conn: &mut DbConn,
    report_id: &str,
    code: &str,
    search_text: &str,
) -> QueryResult<()> {
    diesel::update(reports::table.find(report_id))
        .set(reports::code.eq(code))
        .execute(conn)?;
    diesel::insert_into(report_search::table)
        .values((
            report_search::report_id.eq(report_id),
            report_search::text.eq(search_text),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_search_text(conn: &mut DbConn, report_id: &str, text: &str) -> QueryResult<()> {
    let n = diesel::update(report_search::table.find(report_id))
        .set(report_search::text.eq(text))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(report_search::table)
            .values((
                report_search::report_id.eq(report_id),
                report_search::text.eq(text),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Reports without a search text (from before it existed), a batch at a time.
pub fn without_search_text(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            report_search::table.filter(report_search::report_id.eq(reports::id)),
        )))
        .select(ReportRow::as_select())
        .limit(limit)
        .load(conn)
}
