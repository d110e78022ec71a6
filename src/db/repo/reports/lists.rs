//! Lists of reports: the filters every list shares, full-text search (SQLite FTS5, PostgreSQL
//! `tsvector`), places (SQLite R*Tree, PostgreSQL GiST over points) and the orders.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Text};

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::schema::*;
use crate::domain::report::AssignmentStatus;
use crate::domain::search::Query;

type Db = <DbConn as diesel::Connection>::Backend;

/// A filter that fits any query over the reports (joined or not).
pub type Condition<QS> = Box<dyn BoxableExpression<QS, Db, SqlType = Bool>>;

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

/// Where reports are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// Inside a box: west, south, east, north (degrees).
    Bbox {
        west: f64,
        south: f64,
        east: f64,
        north: f64,
    },
    /// Within `metres` of a point.
    Near { lat: f64, lng: f64, metres: f64 },
}

/// Metres per degree of latitude, and of longitude at the equator.
const M_PER_DEG_LAT: f64 = 110_574.0;
const M_PER_DEG_LNG: f64 = 111_320.0;

impl Place {
    /// The box that holds the place (a circle's box for `Near`).
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        match *self {
            Place::Bbox {
                west,
                south,
                east,
                north,
            } => (west, south, east, north),
            Place::Near { lat, lng, metres } => {
                let dlat = metres / M_PER_DEG_LAT;
                let dlng = metres / (M_PER_DEG_LNG * lat.to_radians().cos().max(0.01));
                (lng - dlng, lat - dlat, lng + dlng, lat + dlat)
            }
        }
    }

    /// The distance in metres between two points, by the equirectangular approximation (exact
    /// to well under a metre at the distances a report list asks for).
    pub fn metres(lat: f64, lng: f64, lat2: f64, lng2: f64) -> f64 {
        let kx = M_PER_DEG_LNG * lat.to_radians().cos();
        let dx = (lng2 - lng) * kx;
        let dy = (lat2 - lat) * M_PER_DEG_LAT;
        (dx * dx + dy * dy).sqrt()
    }
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
    /// A full-text query (over the public text when `public_only`).
    pub text: Option<Query>,
    /// Where.
    pub place: Option<Place>,
    /// Only reports with coordinates (the maps).
    pub placed_only: bool,
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
    /// Best match of the text first (needs `text`); after this many.
    Relevance(i64),
}

/// Above this many reports holding its rarest word, a query is common: a list in time order
/// then checks the reports newest first against the index and stops at its page, instead of
/// reading every match first.
pub const COMMON: i64 = 5_000;

/// SQLite: at most how many reports a query can match (the fewest reports holding one of its
/// words, from FTS5's vocabulary); `None` on PostgreSQL, whose planner weighs it itself.
pub fn match_estimate(conn: &mut DbConn, q: &Query) -> QueryResult<Option<i64>> {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct Docs {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    if !matches!(conn, DbConn::Sqlite(_)) {
        return Ok(None);
    }
    let mut best: Option<i64> = None;
    for t in q.terms.iter().filter(|t| !t.excluded) {
        for (i, w) in t.words.iter().enumerate() {
            let prefix = t.prefix && i + 1 == t.words.len();
            let n = if prefix {
                let mut end = w.clone();
                end.push(char::MAX);
                diesel::sql_query(
                    "SELECT COALESCE(SUM(doc), 0) AS n FROM (SELECT doc FROM report_fts_vocab \
                     WHERE term >= ? AND term < ? LIMIT 1000)",
                )
                .bind::<Text, _>(w)
                .bind::<Text, _>(end)
                .get_result::<Docs>(conn)?
                .n
            } else {
                diesel::sql_query(
                    "SELECT COALESCE(MAX(doc), 0) AS n FROM report_fts_vocab WHERE term = ?",
                )
                .bind::<Text, _>(w)
                .get_result::<Docs>(conn)?
                .n
            };
            best = Some(best.map_or(n, |b| b.min(n)));
        }
    }
    Ok(best)
}

/// Reports matching a full-text query, over the staff text or the public one; `common` (SQLite)
/// checks each report against the index instead of reading every match first.
pub fn text_condition<QS: 'static>(
    sqlite: bool,
    q: &Query,
    public: bool,
    common: bool,
) -> Condition<QS> {
    if sqlite && common {
        let column = if public { "public_text" } else { "text" };
        Box::new(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM report_search s JOIN report_fts \
                 ON report_fts.rowid = s.doc WHERE s.report_id = reports.id \
                 AND report_fts MATCH ",
            )
            .bind::<Text, _>(q.fts5(column))
            .sql(")"),
        )
    } else if sqlite {
        let column = if public { "public_text" } else { "text" };
        Box::new(
            sql::<Bool>(
                "reports.id IN (SELECT s.report_id FROM report_fts \
                 JOIN report_search s ON s.doc = report_fts.rowid WHERE report_fts MATCH ",
            )
            .bind::<Text, _>(q.fts5(column))
            .sql(")"),
        )
    } else {
        let column = if public { "public_tsv" } else { "tsv" };
        Box::new(
            sql::<Bool>(&format!(
                "reports.id IN (SELECT report_id FROM report_search WHERE {column} @@ \
                 to_tsquery('simple', "
            ))
            .bind::<Text, _>(q.tsquery())
            .sql("))"),
        )
    }
}

/// Reports at a place (reports without coordinates are never in one).
pub fn place_condition<QS: 'static>(sqlite: bool, p: &Place) -> Condition<QS> {
    let (w, s, e, n) = p.bbox();
    let inside: Condition<QS> = if sqlite {
        Box::new(
            sql::<Bool>(
                "reports.id IN (SELECT s.report_id FROM report_places p \
                 JOIN report_search s ON s.doc = p.id WHERE p.min_lat >= ",
            )
            .bind::<Double, _>(s)
            .sql(" AND p.max_lat <= ")
            .bind::<Double, _>(n)
            .sql(" AND p.min_lng >= ")
            .bind::<Double, _>(w)
            .sql(" AND p.max_lng <= ")
            .bind::<Double, _>(e)
            .sql(")"),
        )
    } else {
        Box::new(
            sql::<Bool>(
                "(reports.latitude IS NOT NULL AND reports.longitude IS NOT NULL \
                 AND point(reports.longitude, reports.latitude) <@ box(point(",
            )
            .bind::<Double, _>(w)
            .sql(", ")
            .bind::<Double, _>(s)
            .sql("), point(")
            .bind::<Double, _>(e)
            .sql(", ")
            .bind::<Double, _>(n)
            .sql(")))"),
        )
    };
    match *p {
        Place::Bbox { .. } => inside,
        Place::Near { lat, lng, metres } => {
            let kx = M_PER_DEG_LNG * lat.to_radians().cos();
            let within: Condition<QS> = Box::new(
                sql::<Bool>("((reports.longitude - ")
                    .bind::<Double, _>(lng)
                    .sql(") * ")
                    .bind::<Double, _>(kx)
                    .sql(") * ((reports.longitude - ")
                    .bind::<Double, _>(lng)
                    .sql(") * ")
                    .bind::<Double, _>(kx)
                    .sql(") + ((reports.latitude - ")
                    .bind::<Double, _>(lat)
                    .sql(") * ")
                    .bind::<Double, _>(M_PER_DEG_LAT)
                    .sql(") * ((reports.latitude - ")
                    .bind::<Double, _>(lat)
                    .sql(") * ")
                    .bind::<Double, _>(M_PER_DEG_LAT)
                    .sql(") <= ")
                    .bind::<Double, _>(metres * metres),
            );
            Box::new(inside.and(within))
        }
    }
}

/// Applies the scope and the filters (all but the text when `skip_text`) to a boxed query over
/// the reports.
macro_rules! narrow {
    ($q:ident, $sqlite:expr, $scope:expr, $f:expr, $skip_text:expr, $common:expr) => {{
        let (scope, f) = ($scope, $f);
        match scope {
            Scope::All => {}
            Scope::Reporter(uid) => $q = $q.filter(reports::reporter_user_id.eq(uid.clone())),
            Scope::Agencies(ids) => {
                $q = $q.filter(
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
            $q = $q.filter(reports::status.eq_any(f.statuses.clone()));
        }
        if let Some(c) = &f.category {
            $q = $q.filter(reports::category_code.eq(c.clone()));
        }
        if let Some(u) = &f.admin_unit {
            $q = $q.filter(reports::admin_unit_code.eq(u.clone()));
        }
        if let Some(a) = &f.agency {
            $q = $q.filter(
                reports::id.eq_any(
                    assignments::table
                        .filter(assignments::agency_id.eq(a.clone()))
                        .filter(assignments::status.ne(AssignmentStatus::Cancelled.as_str()))
                        .select(assignments::report_id),
                ),
            );
        }
        if let Some(c) = &f.channel {
            $q = $q.filter(reports::channel.eq(c.clone()));
        }
        if let Some((want, now)) = f.overdue_at {
            let late = clocks::table
                .filter(clocks::done_at.is_null())
                .filter(clocks::cancelled_at.is_null())
                .filter(clocks::due_at.lt(now))
                .select(clocks::report_id);
            $q = if want {
                $q.filter(reports::id.eq_any(late))
            } else {
                $q.filter(reports::id.ne_all(late))
            };
        }
        if let Some(e) = f.emergency {
            $q = $q.filter(reports::emergency.eq(e));
        }
        if let Some(want) = f.referred {
            use crate::db::schema::province_referrals as p;
            let open = p::table
                .filter(p::decided_at.is_null())
                .select(p::report_id);
            $q = if want {
                $q.filter(reports::id.eq_any(open))
            } else {
                $q.filter(reports::id.ne_all(open))
            };
        }
        if let Some(t) = f.submitted_from {
            $q = $q.filter(reports::submitted_at.ge(t));
        }
        if let Some(t) = f.submitted_to {
            $q = $q.filter(reports::submitted_at.lt(t));
        }
        if let Some(text) = &f.text
            && !$skip_text
        {
            $q = $q.filter(text_condition($sqlite, text, f.public_only, $common));
        }
        if let Some(p) = &f.place {
            $q = $q.filter(place_condition($sqlite, p));
        }
        if f.placed_only {
            $q = $q
                .filter(reports::latitude.is_not_null())
                .filter(reports::longitude.is_not_null());
        }
        if f.public_only {
            // The SQL form of `domain::visibility::publicly_listed`.
            $q = $q
                .filter(reports::status.eq(crate::domain::report::ReportStatus::Published.as_str()))
                .filter(reports::confidential.eq(false))
                .filter(reports::state_secret.eq(false));
        }
    }};
}

pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    f: &ReportFilter,
    order: &Order,
    limit: i64,
) -> QueryResult<Vec<ReportRow>> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    if let (Order::Relevance(offset), Some(text)) = (order, &f.text) {
        return by_relevance(conn, sqlite, scope, f, text, *offset, limit);
    }
    let common = match &f.text {
        Some(t) => match_estimate(conn, t)?.is_some_and(|n| n > COMMON),
        None => false,
    };
    let mut q = reports::table.select(ReportRow::as_select()).into_boxed();
    narrow!(q, sqlite, scope, f, false, common);
    q = match order {
        // Relevance without a text is the newest first.
        Order::Newest(_) | Order::Relevance(_) => {
            if let Order::Newest(Some((t, id))) = order {
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

/// Best matches first: FTS5's `bm25` rank on SQLite (ties in the index's order),
/// `ts_rank_cd` on PostgreSQL (ties by id).
fn by_relevance(
    conn: &mut DbConn,
    sqlite: bool,
    scope: &Scope,
    f: &ReportFilter,
    text: &Query,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<ReportRow>> {
    if sqlite {
        let column = if f.public_only { "public_text" } else { "text" };
        let mut q = reports::table
            .inner_join(report_search::table.on(report_search::report_id.eq(reports::id)))
            .inner_join(report_fts::table.on(report_fts::rowid.eq(report_search::doc)))
            .select(ReportRow::as_select())
            .into_boxed();
        narrow!(q, sqlite, scope, f, true, false);
        q.filter(sql::<Bool>("report_fts MATCH ").bind::<Text, _>(text.fts5(column)))
            // The rank alone lets FTS5 sort its matches itself (ties stay in its own, stable
            // order), without a sort of the joined rows: a common word ranks twice as fast.
            .order(report_fts::rank.asc())
            .limit(limit)
            .offset(offset)
            .load(conn)
    } else {
        let column = if f.public_only { "public_tsv" } else { "tsv" };
        let mut q = reports::table
            .inner_join(report_search::table.on(report_search::report_id.eq(reports::id)))
            .select(ReportRow::as_select())
            .into_boxed();
        narrow!(q, sqlite, scope, f, true, false);
        let tsq = text.tsquery();
        q.filter(
            sql::<Bool>(&format!("report_search.{column} @@ to_tsquery('simple', "))
                .bind::<Text, _>(tsq.clone())
                .sql(")"),
        )
        .order((
            sql::<Double>(&format!(
                "ts_rank_cd(report_search.{column}, to_tsquery('simple', "
            ))
            .bind::<Text, _>(tsq)
            .sql("))")
            .desc(),
            reports::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)
    }
}
