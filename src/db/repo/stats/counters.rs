//! The statistics counters (`stat_counts`): per key, local day and month, added to in the same
//! transaction as every change of a report, and rebuilt from the reports when needed.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use crate::db::DbConn;

use super::*;

/// One counter row to add (`n` may be negative).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CounterDelta {
    pub scope: String,
    pub grain: &'static str,
    pub day: NaiveDate,
    pub metric: &'static str,
    pub k1: String,
    pub k2: String,
    pub n: i64,
}

/// Adds deltas to the counters, creating rows as needed. Rows are written in key order, so two
/// transactions touching the same counters lock them in the same order (no deadlock on
/// PostgreSQL).
pub fn add_counts(conn: &mut DbConn, deltas: &[CounterDelta]) -> QueryResult<()> {
    // On SQLite (in-process, no round trip) the few rows of one action go through two prepared
    // statements kept by the connection, which costs less than planning one statement of
    // many rows; PostgreSQL and large batches take one statement per 200 rows.
    if matches!(conn, DbConn::Sqlite(_)) && deltas.len() <= 128 {
        use crate::db::schema::stat_counts as t;
        for d in deltas {
            let key = (
                d.scope.as_str(),
                d.grain,
                d.day,
                d.metric,
                d.k1.as_str(),
                d.k2.as_str(),
            );
            let n = diesel::update(t::table.find(key))
                .set(t::n.eq(t::n + d.n))
                .execute(conn)?;
            if n == 0 {
                diesel::insert_into(t::table)
                    .values((
                        t::scope.eq(key.0),
                        t::grain.eq(key.1),
                        t::day.eq(key.2),
                        t::metric.eq(key.3),
                        t::k1.eq(key.4),
                        t::k2.eq(key.5),
                        t::n.eq(d.n),
                    ))
                    .execute(conn)?;
            }
        }
        return Ok(());
    }
    for chunk in deltas.chunks(200) {
        let mut s =
            Sql::new("INSERT INTO stat_counts (scope, grain, day, metric, k1, k2, n) VALUES ");
        let mut rows = Vec::with_capacity(chunk.len());
        for d in chunk {
            let ps = [
                s.placeholder(Bind::Text(d.scope.clone())),
                s.placeholder(Bind::Text(d.grain.to_string())),
                s.placeholder(Bind::Day(d.day)),
                s.placeholder(Bind::Text(d.metric.to_string())),
                s.placeholder(Bind::Text(d.k1.clone())),
                s.placeholder(Bind::Text(d.k2.clone())),
                s.placeholder(Bind::Int(d.n)),
            ];
            rows.push(format!("({})", ps.join(", ")));
        }
        s.text.push_str(&rows.join(", "));
        s.text.push_str(
            " ON CONFLICT (scope, grain, day, metric, k1, k2) DO UPDATE SET n = stat_counts.n + excluded.n",
        );
        s.query().execute(conn)?;
    }
    Ok(())
}

/// Empties the counters (before a rebuild).
pub fn clear_counts(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM stat_counts")
        .execute(conn)
        .map(|_| ())
}

/// A counter summed over a range.
#[derive(Debug, Clone, QueryableByName)]
pub struct Counted {
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = Text)]
    pub k1: String,
    #[diesel(sql_type = Text)]
    pub k2: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The counters of a scope summed over `[from, until)` at one grain.
pub fn counted(
    conn: &mut DbConn,
    scope: &str,
    grain: &str,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Counted>> {
    if from >= until {
        return Ok(Vec::new());
    }
    let mut s =
        Sql::new("SELECT metric, k1, k2, CAST(SUM(n) AS BIGINT) AS n FROM stat_counts WHERE 1 = 1");
    s.eq("scope", scope);
    s.eq("grain", grain);
    let a = s.placeholder(Bind::Day(from));
    let b = s.placeholder(Bind::Day(until));
    s.and(&format!("day >= {a} AND day < {b}"));
    s.text
        .push_str(" GROUP BY metric, k1, k2 HAVING SUM(n) <> 0");
    s.load(conn)
}

/// A counter of one day (or month) summed over its keys.
#[derive(Debug, Clone, QueryableByName)]
pub struct DayCount {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Text)]
    pub metric: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Per day (or month), two metrics of a scope over `[from, until)`.
pub fn counted_by_day(
    conn: &mut DbConn,
    scope: &str,
    grain: &str,
    from: NaiveDate,
    until: NaiveDate,
    metrics: [&str; 2],
) -> QueryResult<Vec<DayCount>> {
    if from >= until {
        return Ok(Vec::new());
    }
    let mut s =
        Sql::new("SELECT day, metric, CAST(SUM(n) AS BIGINT) AS n FROM stat_counts WHERE 1 = 1");
    s.eq("scope", scope);
    s.eq("grain", grain);
    let a = s.placeholder(Bind::Day(from));
    let b = s.placeholder(Bind::Day(until));
    s.and(&format!("day >= {a} AND day < {b}"));
    let m1 = s.placeholder(Bind::Text(metrics[0].to_string()));
    let m2 = s.placeholder(Bind::Text(metrics[1].to_string()));
    s.and(&format!("metric IN ({m1}, {m2})"));
    s.text.push_str(" GROUP BY day, metric");
    s.load(conn)
}

/// A stored counter: scope, grain, day, metric, k1, k2, count.
pub type CounterRow = (String, String, NaiveDate, String, String, String, i64);

/// Every counter row with a non-zero count, in key order (to compare a rebuild with the
/// counters kept along the way).
pub fn all_counts(conn: &mut DbConn) -> QueryResult<Vec<CounterRow>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        scope: String,
        #[diesel(sql_type = Text)]
        grain: String,
        #[diesel(sql_type = Date)]
        day: NaiveDate,
        #[diesel(sql_type = Text)]
        metric: String,
        #[diesel(sql_type = Text)]
        k1: String,
        #[diesel(sql_type = Text)]
        k2: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let rows: Vec<Row> = Sql::new(
        "SELECT scope, grain, day, metric, k1, k2, n FROM stat_counts WHERE n <> 0 \
         ORDER BY scope, grain, day, metric, k1, k2",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.scope, r.grain, r.day, r.metric, r.k1, r.k2, r.n))
        .collect())
}

/// The ids of the reports with no step pending (none running or late), after `after`, in id
/// order.
/// The highest round of copies made for volume (`<code>-Ck`), 0 when there is none.
pub fn last_copy_round(conn: &mut DbConn) -> QueryResult<u32> {
    use crate::db::schema::reports;
    let codes: Vec<String> = reports::table
        .filter(reports::code.like("%-C%"))
        .select(reports::code)
        .load(conn)?;
    Ok(codes
        .iter()
        .filter_map(|c| c.rsplit_once("-C").and_then(|(_, k)| k.parse::<u32>().ok()))
        .max()
        .unwrap_or(0))
}

pub fn finished_report_ids_after(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let mut s = Sql::new(
        "SELECT r.id AS id FROM reports r WHERE NOT EXISTS (SELECT 1 FROM clocks c \
         WHERE c.report_id = r.id AND c.done_at IS NULL AND c.cancelled_at IS NULL)",
    );
    let a = s.placeholder(Bind::Text(after.to_string()));
    s.and(&format!("r.id > {a}"));
    // Copies made for volume (`<code>-Ck`) are not copied again.
    s.and("r.code NOT LIKE '%-C%'");
    let l = s.placeholder(Bind::Int(limit));
    s.text.push_str(&format!(" ORDER BY r.id LIMIT {l}"));
    Ok(s.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// How many reports there are.
pub fn report_count(conn: &mut DbConn) -> QueryResult<i64> {
    count(Sql::new("SELECT COUNT(*) AS n FROM reports"), conn)
}

/// The ids of reports after `after`, in id order (a rebuild walks them in pages).
pub fn report_ids_after(conn: &mut DbConn, after: &str, limit: i64) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let mut s = Sql::new("SELECT id FROM reports WHERE 1 = 1");
    let a = s.placeholder(Bind::Text(after.to_string()));
    s.and(&format!("id > {a}"));
    let l = s.placeholder(Bind::Int(limit));
    s.text.push_str(&format!(" ORDER BY id LIMIT {l}"));
    Ok(s.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// The reports in which one of these agencies has (or had) an assignment.
pub fn reports_with_parts_of(conn: &mut DbConn, agencies: &[String]) -> QueryResult<Vec<String>> {
    use crate::db::schema::assignments;
    assignments::table
        .filter(assignments::agency_id.eq_any(agencies))
        .select(assignments::report_id)
        .distinct()
        .order(assignments::report_id)
        .load(conn)
}
