//! Aggregates for statistics. Every query takes the same filter, so each figure of a summary is
//! computed over the same reports. Written as portable SQL (diesel's DSL cannot group a
//! dynamically filtered query through the two-backend connection): placeholders are numbered
//! `$1, $2, …` and each is used once, in order, which both backends bind alike.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};

use crate::db::{DbConn, MultiBackend};

/// Which reports a figure counts.
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// Only reports with a (not cancelled) assignment of one of these agencies.
    pub scope_agencies: Option<Vec<String>>,
    /// Only reports whose lead agency is this one.
    pub agency: Option<String>,
    pub category: Option<String>,
    pub area: Option<String>,
    pub channel: Option<String>,
    /// Leave out confidential and state-secret reports.
    pub public_only: bool,
}

#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Ts(NaiveDateTime),
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
    fn reports(&mut self, f: &StatsFilter) {
        if let Some(ids) = &f.scope_agencies {
            if ids.is_empty() {
                self.and("1 = 0");
            } else {
                let ps: Vec<String> = ids
                    .iter()
                    .map(|i| self.placeholder(Bind::Text(i.clone())))
                    .collect();
                self.and(&format!(
                    "r.id IN (SELECT report_id FROM assignments WHERE agency_id IN ({}) AND status <> 'cancelled')",
                    ps.join(", ")
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
            self.eq("r.admin_unit_code", a);
        }
        if let Some(c) = &f.channel {
            self.eq("r.channel", c);
        }
        if f.public_only {
            self.and("r.confidential = FALSE AND r.state_secret = FALSE");
        }
    }
    fn load<T: QueryableByName<MultiBackend> + 'static>(
        self,
        conn: &mut DbConn,
    ) -> QueryResult<Vec<T>> {
        let mut q = diesel::sql_query(self.text).into_boxed::<MultiBackend>();
        for b in self.binds {
            q = match b {
                Bind::Text(s) => q.bind::<Text, _>(s),
                Bind::Ts(t) => q.bind::<Timestamp, _>(t),
            };
        }
        q.load(conn)
    }
}

#[derive(QueryableByName)]
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

#[derive(QueryableByName)]
pub struct Span {
    #[diesel(sql_type = Timestamp)]
    pub submitted_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    pub published_at: NaiveDateTime,
}

/// (submitted_at, published_at) of the reports published in the period.
pub fn processing_spans(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Span>> {
    let mut s = Sql::new(
        "SELECT r.submitted_at AS submitted_at, r.published_at AS published_at FROM reports r WHERE 1 = 1",
    );
    s.reports(f);
    s.range("r.published_at", from, to);
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

/// One clock, for on-time accounting.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClockFacts {
    #[diesel(sql_type = Text)]
    pub step: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub agency_id: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub due_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    pub original_due_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub done_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Bool)]
    pub cancelled: bool,
}

/// The clocks whose deadline falls in the period, of the filtered reports.
pub fn clocks_due(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<ClockFacts>> {
    let mut s = Sql::new(
        "SELECT c.step AS step, c.agency_id AS agency_id, c.due_at AS due_at, c.original_due_at AS original_due_at, \
         c.done_at AS done_at, (c.cancelled_at IS NOT NULL) AS cancelled \
         FROM clocks c JOIN reports r ON r.id = c.report_id WHERE 1 = 1",
    );
    s.reports(f);
    s.range("c.due_at", from, to);
    s.load(conn)
}

/// Open clocks past due now (currently overdue).
pub fn overdue_now(
    conn: &mut DbConn,
    f: &StatsFilter,
    now: NaiveDateTime,
) -> QueryResult<Vec<ClockFacts>> {
    let mut s = Sql::new(
        "SELECT c.step AS step, c.agency_id AS agency_id, c.due_at AS due_at, c.original_due_at AS original_due_at, \
         c.done_at AS done_at, (c.cancelled_at IS NOT NULL) AS cancelled \
         FROM clocks c JOIN reports r ON r.id = c.report_id WHERE c.done_at IS NULL AND c.cancelled_at IS NULL",
    );
    s.reports(f);
    let p = s.placeholder(Bind::Ts(now));
    s.and(&format!("c.due_at < {p}"));
    s.load(conn)
}

#[derive(QueryableByName)]
pub struct LeadFacts {
    #[diesel(sql_type = Text)]
    pub agency_id: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub rating: Option<String>,
}

/// Lead assignments made in the period, with their state and the report's rating.
pub fn lead_assignments(
    conn: &mut DbConn,
    f: &StatsFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<LeadFacts>> {
    let mut s = Sql::new(
        "SELECT a.agency_id AS agency_id, a.status AS status, r.rating AS rating \
         FROM assignments a JOIN reports r ON r.id = a.report_id WHERE a.role = 'lead'",
    );
    s.reports(f);
    s.range("a.assigned_at", from, to);
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

// ---------------------------------------------------------------- issued periodic reports

use crate::db::models::PeriodicReportRow;
use crate::db::schema::periodic_reports as pr;

pub fn insert_periodic(conn: &mut DbConn, row: &PeriodicReportRow) -> QueryResult<()> {
    diesel::insert_into(pr::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn periodic(conn: &mut DbConn, id: &str) -> QueryResult<Option<PeriodicReportRow>> {
    pr::table
        .find(id)
        .select(PeriodicReportRow::as_select())
        .first(conn)
        .optional()
}

pub fn periodic_exists(conn: &mut DbConn, kind: &str, year: i32, n: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        pr::table
            .filter(pr::kind.eq(kind))
            .filter(pr::year.eq(year))
            .filter(pr::n.eq(n)),
    ))
    .get_result(conn)
}

pub fn periodic_list(conn: &mut DbConn) -> QueryResult<Vec<PeriodicReportRow>> {
    pr::table
        .select(PeriodicReportRow::as_select())
        .order((pr::year.desc(), pr::period_to.desc(), pr::kind.asc()))
        .load(conn)
}
