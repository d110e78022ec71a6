//! A report's history: events (append only), feedback, ratings, reads of the reporter's
//! identity, emergencies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

/// Appends an event with the next sequence number of the report.
pub fn append_event(conn: &mut DbConn, mut row: EventRow) -> QueryResult<()> {
    let last: Option<i64> = report_events::table
        .filter(report_events::report_id.eq(&row.report_id))
        .select(diesel::dsl::max(report_events::seq))
        .first(conn)?;
    row.seq = last.unwrap_or(0) + 1;
    insert_event(conn, &row)
}

/// Inserts an event with its number already given (the first event of a new report).
pub fn insert_event(conn: &mut DbConn, row: &EventRow) -> QueryResult<()> {
    diesel::insert_into(report_events::table)
        .values(row)
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

/// The referrals of a report to the province (Art. 3.7), oldest first.
pub fn referrals_of(conn: &mut DbConn, report_id: &str) -> QueryResult<Vec<ReferralRow>> {
    use crate::db::schema::province_referrals as p;
    p::table
        .filter(p::report_id.eq(report_id))
        .order((p::raised_at.asc(), p::id.asc()))
        .select(ReferralRow::as_select())
        .load(conn)
}

pub fn insert_referral(conn: &mut DbConn, row: &ReferralRow) -> QueryResult<()> {
    diesel::insert_into(crate::db::schema::province_referrals::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Records the province's decision on an open referral; false when it was decided already.
pub fn decide_referral(
    conn: &mut DbConn,
    id: &str,
    decision: &str,
    direction: &str,
    designated_agency_id: Option<&str>,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    use crate::db::schema::province_referrals as p;
    let n = diesel::update(p::table.find(id).filter(p::decided_at.is_null()))
        .set((
            p::decision.eq(decision),
            p::direction.eq(direction),
            p::designated_agency_id.eq(designated_agency_id),
            p::decided_by.eq(by),
            p::decided_at.eq(at),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// The last event number of a report (0 before its first).
pub fn last_seq(conn: &mut DbConn, report_id: &str) -> QueryResult<i64> {
    let last: Option<i64> = report_events::table
        .filter(report_events::report_id.eq(report_id))
        .select(diesel::dsl::max(report_events::seq))
        .first(conn)?;
    Ok(last.unwrap_or(0))
}

/// The events of a report after a number, in order.
pub fn events_after(conn: &mut DbConn, report_id: &str, seq: i64) -> QueryResult<Vec<EventRow>> {
    report_events::table
        .filter(report_events::report_id.eq(report_id))
        .filter(report_events::seq.gt(seq))
        .select(EventRow::as_select())
        .order(report_events::seq.asc())
        .load(conn)
}
