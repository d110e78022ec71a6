//! The rows of many reports at once, one statement per table (to rebuild the statistics
//! counters without six statements per report).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;

pub fn find_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(reports::id.eq_any(ids))
        .select(ReportRow::as_select())
        .load(conn)
}

pub fn assignments_of_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::report_id.eq_any(ids))
        .select(AssignmentRow::as_select())
        .load(conn)
}

pub fn clocks_of_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<ClockRow>> {
    clocks::table
        .filter(clocks::report_id.eq_any(ids))
        .select(ClockRow::as_select())
        .load(conn)
}

/// `(report, published_at, processing_seconds)`.
pub fn outcomes_of_many(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(String, NaiveDateTime, i64)>> {
    report_outcomes::table
        .filter(report_outcomes::report_id.eq_any(ids))
        .select((
            report_outcomes::report_id,
            report_outcomes::published_at,
            report_outcomes::processing_seconds,
        ))
        .load(conn)
}

pub fn extensions_of_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<ExtensionRow>> {
    extensions::table
        .filter(extensions::report_id.eq_any(ids))
        .select(ExtensionRow::as_select())
        .load(conn)
}

pub fn feedback_of_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<FeedbackRow>> {
    feedback::table
        .filter(feedback::report_id.eq_any(ids))
        .select(FeedbackRow::as_select())
        .load(conn)
}
