//! Aggregates for statistics. Every query takes the same filter, so each figure of a summary is
//! computed over the same reports. Written as portable SQL (diesel's DSL cannot group a
//! dynamically filtered query through the two-backend connection): placeholders are numbered
//! `$1, $2, …` and each is used once, in order, which both backends bind alike.
//!
//! This file: the aggregates over the rows; `counters`: the statistics counters kept with every
//! change; `steps`: the step clocks on time, late and overdue; `periodic`: issued periodic
//! reports.

mod counters;
mod periodic;
mod steps;

pub use counters::*;
pub use periodic::*;
pub use steps::*;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};

use crate::db::{DbConn, MultiBackend};

/// Which reports a figure counts.
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// Only reports with a (not cancelled) assignment of one of these agencies.
    pub scope_agencies: Option<Vec<String>>,
    /// The supervising agency whose own and lower agencies `scope_agencies` lists, when it
    /// lists a supervisor's (its figures are then in the counters of that agency's `under:`).
    pub scope_root: Option<String>,
    /// Only reports whose lead agency is this one.
    pub agency: Option<String>,
    pub category: Option<String>,
    pub area: Option<String>,
    /// Former units whose reports count under `area` (they became it as a whole).
    pub area_former: Vec<String>,
    pub channel: Option<String>,
    /// Leave out confidential and state-secret reports.
    pub public_only: bool,
}

impl StatsFilter {
    /// Whether any condition is on the report (else a query over clocks, assignments or
    /// outcomes need not join the reports at all).
    fn on_reports(&self) -> bool {
        self.scope_agencies.is_some()
            || self.agency.is_some()
            || self.category.is_some()
            || self.area.is_some()
            || self.channel.is_some()
            || self.public_only
    }

    /// `JOIN reports r ON r.id = <alias>.report_id` when the filter needs it.
    fn join(&self, alias: &str) -> String {
        if self.on_reports() {
            format!(" JOIN reports r ON r.id = {alias}.report_id")
        } else {
            String::new()
        }
    }
}

#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Ts(NaiveDateTime),
    Day(NaiveDate),
    Int(i64),
}

/// A WHERE clause under construction.
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn new(head: &str) -> Self {
        Self {
            text: head.to_string(),
            binds: Vec::new(),
        }
    }
    fn placeholder(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
    fn and(&mut self, cond: &str) {
        self.text.push_str(" AND ");
        self.text.push_str(cond);
    }
    fn eq(&mut self, col: &str, v: &str) {
        let p = self.placeholder(Bind::Text(v.to_string()));
        self.and(&format!("{col} = {p}"));
    }
    fn range(&mut self, col: &str, from: NaiveDateTime, to: NaiveDateTime) {
        let a = self.placeholder(Bind::Ts(from));
        let b = self.placeholder(Bind::Ts(to));
        self.and(&format!("{col} >= {a} AND {col} < {b}"));
    }
    /// The placeholders of a list of texts, `$3, $4, …`.
    fn list<'a>(&mut self, items: impl IntoIterator<Item = &'a String>) -> String {
        let ps: Vec<String> = items
            .into_iter()
            .map(|i| self.placeholder(Bind::Text(i.clone())))
            .collect();
        ps.join(", ")
    }
    /// `col IN (…)` of these ids.
    fn among(&mut self, col: &str, ids: &[String]) {
        let ps = self.list(ids);
        self.and(&format!("{col} IN ({ps})"));
    }
    fn reports(&mut self, f: &StatsFilter) {
        if let Some(ids) = &f.scope_agencies {
            if ids.is_empty() {
                self.and("1 = 0");
            } else {
                let ps = self.list(ids);
                // Correlated: SQLite would otherwise list every assignment of the agencies
                // before looking at the (few) reports of a figure of open steps.
                self.and(&format!(
                    "EXISTS (SELECT 1 FROM assignments sa WHERE sa.report_id = r.id AND sa.agency_id IN ({ps}) AND sa.status <> 'cancelled')"
                ));
            }
        }
        if let Some(a) = &f.agency {
            self.eq("r.lead_agency_id", a);
        }
        if let Some(c) = &f.category {
            self.eq("r.category_code", c);
        }
        if let Some(a) = &f.area {
            if f.area_former.is_empty() {
                self.eq("r.admin_unit_code", a);
            } else {
                let ps = self.list(std::iter::once(a).chain(&f.area_former));
                self.and(&format!("r.admin_unit_code IN ({ps})"));
            }
        }
        if let Some(c) = &f.channel {
            self.eq("r.channel", c);
        }
        if f.public_only {
            // The SQL form of `domain::visibility::publicly_counted`.
            self.and("r.confidential = FALSE AND r.state_secret = FALSE");
        }
    }
    fn query(
        self,
    ) -> diesel::query_builder::BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery>
    {
        let mut q = diesel::sql_query(self.text).into_boxed::<MultiBackend>();
        for b in self.binds {
            q = match b {
                Bind::Text(s) => q.bind::<Text, _>(s),
                Bind::Ts(t) => q.bind::<Timestamp, _>(t),
                Bind::Day(d) => q.bind::<Date, _>(d),
                Bind::Int(n) => q.bind::<BigInt, _>(n),
            };
        }
        q
    }
    fn load<T: QueryableByName<MultiBackend> + 'static>(
        self,
        conn: &mut DbConn,
    ) -> QueryResult<Vec<T>> {
        self.query().load(conn)
    }
}

#[derive(Debug, Clone, QueryableByName)]
pub struct KeyCount {
    #[diesel(sql_type = Nullable<Text>)]
    pub k: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Reports submitted in the period, by a column: `status`, `channel`, `category`, `area`,
/// `agency` (the lead).
pub fn received_by(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    by: &str,
) -> QueryResult<Vec<KeyCount>> {
    let col = match by {
        "status" => "r.status",
        "channel" => "r.channel",
        "category" => "r.category_code",
        "area" => "r.admin_unit_code",
        _ => "r.lead_agency_id",
    };
    let mut s = Sql::new(&format!(
        "SELECT {col} AS k, COUNT(*) AS n FROM reports r WHERE 1 = 1"
    ));
    s.reports(f);
    s.range("r.submitted_at", from, to);
    s.text.push_str(&format!(" GROUP BY {col}"));
    s.load(conn)
}

/// Reports published in the period, by category.
pub fn published_by_category(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<KeyCount>> {
    let mut s = Sql::new("SELECT r.category_code AS k, COUNT(*) AS n FROM reports r WHERE 1 = 1");
    s.reports(f);
    s.range("r.published_at", from, to);
    s.text.push_str(" GROUP BY r.category_code");
    s.load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct MinuteCount {
    #[diesel(sql_type = BigInt)]
    pub minutes: i64,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The processing times (working minutes, recorded at publication) of the reports published in
/// the period, as a histogram: few rows whatever the volume.
pub fn processing_minutes(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<MinuteCount>> {
    let mut s = Sql::new(&format!(
        "SELECT CAST(o.processing_seconds / 60 AS BIGINT) AS minutes, COUNT(*) AS n FROM report_outcomes o{} WHERE 1 = 1",
        f.join("o")
    ));
    s.reports(f);
    s.range("o.published_at", from, to);
    s.text
        .push_str(" GROUP BY CAST(o.processing_seconds / 60 AS BIGINT) ORDER BY minutes");
    s.load(conn)
}

/// The current ratings of the reports published in the period.
pub fn ratings(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<KeyCount>> {
    let mut s =
        Sql::new("SELECT r.rating AS k, COUNT(*) AS n FROM reports r WHERE r.rating IS NOT NULL");
    s.reports(f);
    s.range("r.published_at", from, to);
    s.text.push_str(" GROUP BY r.rating");
    s.load(conn)
}

#[derive(QueryableByName)]
pub struct Instant {
    #[diesel(sql_type = Timestamp)]
    pub at: NaiveDateTime,
}

/// Submission (`submitted_at`) or publication (`published_at`) instants in the period.
pub fn instants(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    published: bool,
) -> QueryResult<Vec<Instant>> {
    let col = if published {
        "r.published_at"
    } else {
        "r.submitted_at"
    };
    let mut s = Sql::new(&format!("SELECT {col} AS at FROM reports r WHERE 1 = 1"));
    s.reports(f);
    s.range(col, from, to);
    s.load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LeadCounts {
    #[diesel(sql_type = Text)]
    pub agency_id: String,
    #[diesel(sql_type = BigInt)]
    pub assigned: i64,
    #[diesel(sql_type = BigInt)]
    pub approved: i64,
    #[diesel(sql_type = BigInt)]
    pub returned: i64,
    #[diesel(sql_type = BigInt)]
    pub very_satisfied: i64,
    #[diesel(sql_type = BigInt)]
    pub satisfied: i64,
    #[diesel(sql_type = BigInt)]
    pub dissatisfied: i64,
}

/// Per agency, the lead assignments made in the period: how many, approved, returned, and the
/// current ratings of their reports.
pub fn lead_assignments(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<LeadCounts>> {
    let mut s = Sql::new(
        "SELECT a.agency_id AS agency_id, COUNT(*) AS assigned, \
         CAST(SUM(CASE WHEN a.status = 'approved' THEN 1 ELSE 0 END) AS BIGINT) AS approved, \
         CAST(SUM(CASE WHEN a.status = 'returned' THEN 1 ELSE 0 END) AS BIGINT) AS returned, \
         CAST(SUM(CASE WHEN r.rating = 'very_satisfied' THEN 1 ELSE 0 END) AS BIGINT) AS very_satisfied, \
         CAST(SUM(CASE WHEN r.rating = 'satisfied' THEN 1 ELSE 0 END) AS BIGINT) AS satisfied, \
         CAST(SUM(CASE WHEN r.rating = 'dissatisfied' THEN 1 ELSE 0 END) AS BIGINT) AS dissatisfied \
         FROM assignments a JOIN reports r ON r.id = a.report_id WHERE a.role = 'lead'",
    );
    s.reports(f);
    s.range("a.assigned_at", from, to);
    s.text.push_str(" GROUP BY a.agency_id");
    s.load(conn)
}

fn count(s: Sql, conn: &mut DbConn) -> QueryResult<i64> {
    Ok(s.load::<Count>(conn)?.first().map_or(0, |c| c.n))
}

/// Extensions confirmed in the period.
pub fn extensions_confirmed(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    let mut s = Sql::new(
        "SELECT COUNT(*) AS n FROM extensions e JOIN reports r ON r.id = e.report_id WHERE e.confirmed_at IS NOT NULL",
    );
    s.reports(f);
    s.range("e.confirmed_at", from, to);
    count(s, conn)
}

/// Feedback received in the period.
pub fn feedback_received(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    let mut s = Sql::new(
        "SELECT COUNT(*) AS n FROM feedback fb JOIN reports r ON r.id = fb.report_id WHERE 1 = 1",
    );
    s.reports(f);
    s.range("fb.created_at", from, to);
    count(s, conn)
}
