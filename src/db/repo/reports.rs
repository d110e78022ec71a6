//! Reports, their reporters, assignments, clocks, extensions, events, feedback, ratings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

// ---------------------------------------------------------------- reports

pub fn insert(conn: &mut DbConn, row: &ReportRow, reporter: &ReporterRow) -> QueryResult<()> {
    diesel::insert_into(reports::table)
        .values(row)
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
                        .filter(assignments::status.ne("cancelled"))
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
                    .filter(assignments::status.ne("cancelled"))
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
    if let Some(t) = f.submitted_from {
        q = q.filter(reports::submitted_at.ge(t));
    }
    if let Some(t) = f.submitted_to {
        q = q.filter(reports::submitted_at.lt(t));
    }
    if let Some(text) = &f.text {
        let pat = format!("%{}%", super::escape_like(&text.to_lowercase()));
        q = q.filter(
            super::lower(reports::code.nullable())
                .like(pat.clone())
                .escape('\\')
                .or(super::lower(reports::title.nullable())
                    .like(pat.clone())
                    .escape('\\'))
                .or(super::lower(reports::content.nullable())
                    .like(pat)
                    .escape('\\')),
        );
    }
    if f.public_only {
        q = q
            .filter(reports::status.eq("published"))
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

// ---------------------------------------------------------------- assignments

pub fn insert_assignment(conn: &mut DbConn, row: &AssignmentRow) -> QueryResult<()> {
    diesel::insert_into(assignments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn assignment(conn: &mut DbConn, id: &str) -> QueryResult<Option<AssignmentRow>> {
    assignments::table
        .find(id)
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()
}

pub fn assignments_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::report_id.eq(report_id))
        .select(AssignmentRow::as_select())
        .order((assignments::assigned_at.asc(), assignments::id.asc()))
        .load(conn)
}

pub fn update_assignment(
    conn: &mut DbConn,
    id: &str,
    changes: &AssignmentChanges,
) -> QueryResult<usize> {
    diesel::update(assignments::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Filters of an agency's inbox.
#[derive(Debug, Default, Clone)]
pub struct InboxFilter {
    pub statuses: Vec<String>,
    pub role: Option<String>,
    /// Soonest running deadline first (assignments with none last), instead of newest first.
    pub by_due: bool,
}

/// The earliest running deadline of an assignment, or a far-future sentinel when none runs
/// (the same on both backends: `NULLS LAST` does not go through the two-backend connection).
const NEXT_DUE: &str = "COALESCE((SELECT MIN(c.due_at) FROM clocks c WHERE c.assignment_id = assignments.id \
     AND c.done_at IS NULL AND c.cancelled_at IS NULL), '9999-12-31 00:00:00')";

/// The sentinel of `NEXT_DUE` as a value.
pub fn no_due() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// The earliest running deadline of each of the given assignments.
pub fn next_dues(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(Option<String>, Option<NaiveDateTime>)>> {
    clocks::table
        .filter(clocks::assignment_id.eq_any(ids.to_vec()))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .group_by(clocks::assignment_id)
        .select((clocks::assignment_id, diesel::dsl::min(clocks::due_at)))
        .load(conn)
}

/// The assignments of some agencies, newest first (after (assigned_at, id)), or soonest
/// deadline first (after (next due, id)).
pub fn inbox(
    conn: &mut DbConn,
    agencies: &[String],
    f: &InboxFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    let mut q = assignments::table
        .filter(assignments::agency_id.eq_any(agencies.to_vec()))
        .select(AssignmentRow::as_select())
        .into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(assignments::status.eq_any(f.statuses.clone()));
    }
    if let Some(r) = &f.role {
        q = q.filter(assignments::role.eq(r.clone()));
    }
    if f.by_due {
        use diesel::dsl::sql;
        use diesel::sql_types::{Bool, Timestamp};
        if let Some((t, id)) = after {
            q = q.filter(
                sql::<Bool>(&format!("({NEXT_DUE} > "))
                    .bind::<Timestamp, _>(t)
                    .sql(&format!(" OR ({NEXT_DUE} = "))
                    .bind::<Timestamp, _>(t)
                    .sql(" AND assignments.id > ")
                    .bind::<diesel::sql_types::Text, _>(id)
                    .sql("))"),
            );
        }
        return q
            .order((sql::<Timestamp>(NEXT_DUE).asc(), assignments::id.asc()))
            .limit(limit)
            .load(conn);
    }
    if let Some((t, id)) = after {
        q = q.filter(
            assignments::assigned_at
                .lt(t)
                .or(assignments::assigned_at.eq(t).and(assignments::id.lt(id))),
        );
    }
    q.order((assignments::assigned_at.desc(), assignments::id.desc()))
        .limit(limit)
        .load(conn)
}

// ---------------------------------------------------------------- clocks

pub fn insert_clock(conn: &mut DbConn, row: &ClockRow) -> QueryResult<()> {
    diesel::insert_into(clocks::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn clocks_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<ClockRow>> {
    clocks::table
        .filter(clocks::report_id.eq(report_id))
        .select(ClockRow::as_select())
        .order((clocks::started_at.asc(), clocks::id.asc()))
        .load(conn)
}

pub fn clock(conn: &mut DbConn, id: &str) -> QueryResult<Option<ClockRow>> {
    clocks::table
        .find(id)
        .select(ClockRow::as_select())
        .first(conn)
        .optional()
}

/// Closes the open clocks of a report for the given steps (and assignment, when given).
pub fn close_clocks(
    conn: &mut DbConn,
    report_id: &str,
    steps: &[&str],
    assignment_id: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(clocks::table)
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::step.eq_any(steps.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .into_boxed();
    if let Some(a) = assignment_id {
        q = q.filter(clocks::assignment_id.eq(a.to_string()));
    }
    q.set(clocks::done_at.eq(at)).execute(conn)
}

/// Cancels the open clocks of an assignment (a re-dispatch or a return ends them unfinished
/// and uncounted), or of a report's steps when `assignment_id` is `None`.
pub fn cancel_clocks(
    conn: &mut DbConn,
    report_id: &str,
    assignment_id: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(clocks::table)
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .into_boxed();
    if let Some(a) = assignment_id {
        q = q.filter(clocks::assignment_id.eq(a.to_string()));
    }
    q.set(clocks::cancelled_at.eq(at)).execute(conn)
}

pub fn close_clock(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        clocks::table
            .find(id)
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null()),
    )
    .set(clocks::done_at.eq(at))
    .execute(conn)
}

/// Cancels an assignment's open clock of one step.
pub fn cancel_clocks_of_step(
    conn: &mut DbConn,
    assignment_id: &str,
    step: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(clocks::table)
        .filter(clocks::assignment_id.eq(assignment_id))
        .filter(clocks::step.eq(step))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .set(clocks::cancelled_at.eq(at))
        .execute(conn)
}

pub fn set_clock_due(conn: &mut DbConn, id: &str, due: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(clocks::table.find(id))
        .set((
            clocks::due_at.eq(due),
            clocks::overdue_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// The earliest due time of a report's open clocks.
pub fn next_due(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    clocks::table
        .filter(clocks::report_id.eq(report_id))
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .select(diesel::dsl::min(clocks::due_at))
        .first(conn)
}

/// Open clocks past due that the sweeper has not marked yet.
pub fn overdue_candidates(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClockRow>> {
    clocks::table
        .filter(clocks::done_at.is_null())
        .filter(clocks::cancelled_at.is_null())
        .filter(clocks::overdue_at.is_null())
        .filter(clocks::due_at.lt(now))
        .select(ClockRow::as_select())
        .order(clocks::due_at.asc())
        .limit(limit)
        .load(conn)
}

/// Marks a clock overdue unless someone did already; returns whether this call did.
pub fn mark_overdue(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        clocks::table
            .find(id)
            .filter(clocks::overdue_at.is_null())
            .filter(clocks::done_at.is_null())
            .filter(clocks::cancelled_at.is_null())
            .filter(clocks::due_at.lt(now)),
    )
    .set(clocks::overdue_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- extensions

pub fn insert_extension(conn: &mut DbConn, row: &ExtensionRow) -> QueryResult<()> {
    diesel::insert_into(extensions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn extension(conn: &mut DbConn, id: &str) -> QueryResult<Option<ExtensionRow>> {
    extensions::table
        .find(id)
        .select(ExtensionRow::as_select())
        .first(conn)
        .optional()
}

pub fn extension_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<ExtensionRow>> {
    extensions::table
        .filter(extensions::report_id.eq(report_id))
        .select(ExtensionRow::as_select())
        .first(conn)
        .optional()
}

pub fn confirm_extension(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        extensions::table
            .find(id)
            .filter(extensions::status.eq("requested")),
    )
    .set((
        extensions::status.eq("confirmed"),
        extensions::confirmed_by.eq(by),
        extensions::confirmed_at.eq(at),
        extensions::citizen_notified_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- events

/// Appends an event with the next sequence number of the report.
pub fn append_event(conn: &mut DbConn, mut row: EventRow) -> QueryResult<()> {
    let last: Option<i64> = report_events::table
        .filter(report_events::report_id.eq(&row.report_id))
        .select(diesel::dsl::max(report_events::seq))
        .first(conn)?;
    row.seq = last.unwrap_or(0) + 1;
    diesel::insert_into(report_events::table)
        .values(&row)
        .execute(conn)
        .map(|_| ())
}

pub fn events_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<EventRow>> {
    report_events::table
        .filter(report_events::report_id.eq(report_id))
        .select(EventRow::as_select())
        .order(report_events::seq.asc())
        .load(conn)
}

// ---------------------------------------------------------------- feedback, ratings, reads

pub fn insert_feedback(conn: &mut DbConn, row: &FeedbackRow) -> QueryResult<()> {
    diesel::insert_into(feedback::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn feedback_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<FeedbackRow>> {
    feedback::table
        .filter(feedback::report_id.eq(report_id))
        .select(FeedbackRow::as_select())
        .order((feedback::created_at.asc(), feedback::id.asc()))
        .load(conn)
}

pub fn answer_feedback(
    conn: &mut DbConn,
    id: &str,
    answer: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        feedback::table
            .find(id)
            .filter(feedback::answered_at.is_null()),
    )
    .set((
        feedback::answer.eq(answer),
        feedback::answered_by.eq(by),
        feedback::answered_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_rating(conn: &mut DbConn, row: &RatingRow) -> QueryResult<()> {
    diesel::insert_into(ratings::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn ratings_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<RatingRow>> {
    ratings::table
        .filter(ratings::report_id.eq(report_id))
        .select(RatingRow::as_select())
        .order((ratings::created_at.asc(), ratings::id.asc()))
        .load(conn)
}

pub fn record_identity_read(
    conn: &mut DbConn,
    id: &str,
    report_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(identity_reads::table)
        .values((
            identity_reads::id.eq(id),
            identity_reads::report_id.eq(report_id),
            identity_reads::user_id.eq(user_id),
            identity_reads::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn identity_reads_of(conn: &mut DbConn, report_id: &str) -> QueryResult<i64> {
    identity_reads::table
        .filter(identity_reads::report_id.eq(report_id))
        .count()
        .get_result(conn)
}

// ---------------------------------------------------------------- emergencies

pub fn insert_emergency(conn: &mut DbConn, row: &EmergencyRow) -> QueryResult<()> {
    diesel::insert_into(emergencies::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn emergency(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<EmergencyRow>> {
    emergencies::table
        .find(report_id)
        .select(EmergencyRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_emergency_finished(
    conn: &mut DbConn,
    report_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        emergencies::table
            .find(report_id)
            .filter(emergencies::finished_at.is_null()),
    )
    .set(emergencies::finished_at.eq(at))
    .execute(conn)
}

pub fn set_emergency_record(
    conn: &mut DbConn,
    report_id: &str,
    summary: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        emergencies::table
            .find(report_id)
            .filter(emergencies::recorded_at.is_null()),
    )
    .set((
        emergencies::summary.eq(summary),
        emergencies::recorded_at.eq(at),
    ))
    .execute(conn)
}

// ---------------------------------------------------------------- idempotency

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

pub fn insert_idempotency(conn: &mut DbConn, row: &IdempotencyRow) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

// ---------------------------------------------------------------- attachments

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

pub fn attachment_data(conn: &mut DbConn, id: &str) -> QueryResult<Vec<u8>> {
    attachments::table
        .find(id)
        .select(attachments::data)
        .first(conn)
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
                    DbConn::Sqlite(s) => diesel::insert_into($table).values(ch).execute(s)?,
                    DbConn::Postgresql(p) => diesel::insert_into($table).values(ch).execute(p)?,
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
    Ok(())
}
