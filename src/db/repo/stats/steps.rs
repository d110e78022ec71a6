//! The step clocks of the statistics: on time, late, running and overdue, per step and agency.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::DbConn;

use super::*;

/// On-time accounting of the clocks of one step and agency, aggregated in the database.
#[derive(Debug, Clone, QueryableByName)]
pub struct StepCounts {
    #[diesel(sql_type = Text)]
    pub step: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub agency_id: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub on_time: i64,
    #[diesel(sql_type = BigInt)]
    pub late: i64,
    #[diesel(sql_type = BigInt)]
    pub running: i64,
    #[diesel(sql_type = BigInt)]
    pub extended: i64,
}

/// Per step and agency, the clocks whose deadline falls in the period: done on time, late (done
/// after the deadline or not done once it passed), running; cancelled clocks do not count.
/// [`pending_steps`] counts only the clocks not done yet (the counters hold the others).
pub fn steps_due(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<StepCounts>> {
    steps_due_among(conn, f, from, to, now, None)
}

/// The open reports: those with a clock not done and not cancelled (as many as the work in
/// progress, whatever the history), for [`pending_steps`] and [`overdue_among`].
pub fn open_report_ids(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        report_id: String,
    }
    // Without DISTINCT, which made SQLite walk every clock in report order.
    let mut ids: Vec<String> =
        Sql::new("SELECT report_id FROM clocks WHERE done_at IS NULL AND cancelled_at IS NULL")
            .load::<Id>(conn)?
            .into_iter()
            .map(|r| r.report_id)
            .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// [`steps_due`] of the clocks not done yet, among the open reports (`open`, from
/// [`open_report_ids`]), a few hundred at a time: with the reports named, the database
/// looks up each of them instead of scanning the reports for the filter.
pub fn pending_steps(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
    open: &[String],
) -> QueryResult<Vec<StepCounts>> {
    by_chunks(open, |ids| {
        steps_due_among(conn, f, from, to, now, Some(ids))
    })
}

/// Runs a query for a few hundred of the open reports at a time and joins the rows (each
/// report's rows come from one run, so counts per step and agency add up).
fn by_chunks<T>(
    open: &[String],
    mut run: impl FnMut(&[String]) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let mut out = Vec::new();
    for ids in open.chunks(500) {
        out.extend(run(ids)?);
    }
    Ok(out)
}

/// Every clock of the period, or (with `among`) the clocks not done yet of those reports.
fn steps_due_among(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
    among: Option<&[String]>,
) -> QueryResult<Vec<StepCounts>> {
    let mut s = Sql::new("");
    let n = s.placeholder(Bind::Ts(now));
    // On time and late as `domain::steps::ClockState` defines them (a step still running past
    // its deadline counts late); `statistics::counters_match_the_rows_and_a_rebuild` holds the
    // two against each other.
    s.text = format!(
        "SELECT c.step AS step, c.agency_id AS agency_id, \
         CAST(SUM(CASE WHEN c.done_at IS NOT NULL AND c.done_at <= c.due_at THEN 1 ELSE 0 END) AS BIGINT) AS on_time, \
         CAST(SUM(CASE WHEN (c.done_at IS NOT NULL AND c.done_at > c.due_at) OR (c.done_at IS NULL AND c.due_at < {n}) THEN 1 ELSE 0 END) AS BIGINT) AS late, \
         CAST(SUM(CASE WHEN c.done_at IS NULL AND c.due_at >= {n} THEN 1 ELSE 0 END) AS BIGINT) AS running, \
         CAST(SUM(CASE WHEN c.due_at <> c.original_due_at THEN 1 ELSE 0 END) AS BIGINT) AS extended \
         FROM clocks c{} WHERE c.cancelled_at IS NULL{}",
        f.join("c"),
        if among.is_some() {
            " AND c.done_at IS NULL"
        } else {
            ""
        }
    );
    s.reports(f);
    if let Some(ids) = among {
        s.among("c.report_id", ids);
    }
    s.range("c.due_at", from, to);
    s.text.push_str(" GROUP BY c.step, c.agency_id");
    s.load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct OverdueCount {
    #[diesel(sql_type = Text)]
    pub step: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub agency_id: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Open clocks past due now (currently overdue), per step and agency.
pub fn overdue_now(
    conn: &mut DbConn,
    f: &StatsFilter,
    now: NaiveDateTime,
) -> QueryResult<Vec<OverdueCount>> {
    overdue_in(conn, f, now, None)
}

/// [`overdue_now`] among the open reports (see [`pending_steps`]).
pub fn overdue_among(
    conn: &mut DbConn,
    f: &StatsFilter,
    now: NaiveDateTime,
    open: &[String],
) -> QueryResult<Vec<OverdueCount>> {
    by_chunks(open, |ids| overdue_in(conn, f, now, Some(ids)))
}

fn overdue_in(
    conn: &mut DbConn,
    f: &StatsFilter,
    now: NaiveDateTime,
    among: Option<&[String]>,
) -> QueryResult<Vec<OverdueCount>> {
    let mut s = Sql::new(&format!(
        "SELECT c.step AS step, c.agency_id AS agency_id, COUNT(*) AS n \
         FROM clocks c{} WHERE c.done_at IS NULL AND c.cancelled_at IS NULL",
        f.join("c")
    ));
    s.reports(f);
    if let Some(ids) = among {
        s.among("c.report_id", ids);
    }
    let p = s.placeholder(Bind::Ts(now));
    s.and(&format!("c.due_at < {p}"));
    s.text.push_str(" GROUP BY c.step, c.agency_id");
    s.load(conn)
}
