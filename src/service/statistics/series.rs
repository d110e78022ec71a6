//! Time series by day, week or month, and the public statistics.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::repo::stats::{self};
use crate::error::AppResult;
use crate::service::Context;
use crate::service::auth::Principal;

use super::*;

use super::figures::{Figures, counter_scopes, segments};

/// How a series is bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
    Month,
}

/// One bucket of a series.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Point {
    /// The bucket's first local date (a Monday for weeks, the 1st for months).
    pub start: NaiveDate,
    /// Reports submitted.
    pub received: i64,
    /// Results published.
    pub published: i64,
}

fn bucket_start(d: NaiveDate, b: Bucket) -> NaiveDate {
    match b {
        Bucket::Day => d,
        Bucket::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
        Bucket::Month => d.with_day(1).unwrap_or(d),
    }
}

/// Received and published per day, week or month (local dates).
pub fn series(st: &Context, who: &Principal, q: &StatsQuery, b: Bucket) -> AppResult<Vec<Point>> {
    let max_buckets = match b {
        Bucket::Day => 400,
        Bucket::Week => 270,
        Bucket::Month => 130,
    };
    let mut conn = st.read_conn()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(&mut conn, q, sc, false)?;
    let (from, to) = bounds(q.from, q.to)?;
    let mut points: BTreeMap<NaiveDate, Point> = BTreeMap::new();
    let mut d = bucket_start(q.from, b);
    while d <= q.to {
        points.insert(
            d,
            Point {
                start: d,
                received: 0,
                published: 0,
            },
        );
        d = match b {
            Bucket::Day => d + Duration::days(1),
            Bucket::Week => d + Duration::days(7),
            Bucket::Month => d
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(d + Duration::days(31)),
        };
        if points.len() > max_buckets {
            return Err(AppError::invalid_query(
                "bucket",
                "Quá nhiều điểm: chọn khoảng ngắn hơn hoặc nhóm lớn hơn.",
                "Too many buckets: shorten the range or use a larger bucket.",
            ));
        }
    }
    if let Some(scopes) = counter_scopes(&f) {
        // Whole months come from the month counters when the buckets are months.
        let parts = if b == Bucket::Month {
            segments(q.from, q.to)
        } else {
            vec![("d", q.from, q.to + Duration::days(1))]
        };
        for (scope, (grain, first, until)) in scopes
            .iter()
            .flat_map(|s| parts.iter().map(move |p| (s, *p)))
        {
            for c in stats::counted_by_day(
                &mut conn,
                scope,
                grain,
                first,
                until,
                [
                    crate::service::stat_counts::metric::STATUS,
                    crate::domain::report::ReportStatus::Published.as_str(),
                ],
            )? {
                if let Some(p) = points.get_mut(&bucket_start(c.day, b)) {
                    if c.metric == "status" {
                        p.received += c.n;
                    } else {
                        p.published += c.n;
                    }
                }
            }
        }
        return Ok(points.into_values().collect());
    }
    let local = |t: chrono::NaiveDateTime| crate::domain::calendar::local_date(t.and_utc());
    for i in stats::instants(&mut conn, &f, from, to, false)? {
        if let Some(p) = points.get_mut(&bucket_start(local(i.at), b)) {
            p.received += 1;
        }
    }
    for i in stats::instants(&mut conn, &f, from, to, true)? {
        if let Some(p) = points.get_mut(&bucket_start(local(i.at), b)) {
            p.published += 1;
        }
    }
    Ok(points.into_values().collect())
}

/// The public subset: totals and results by category, leaving out confidential and
/// state-secret reports altogether.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicStats {
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (included).
    pub to: NaiveDate,
    /// Reports submitted.
    pub received: i64,
    /// Results published.
    pub published: i64,
    /// Published results by category.
    pub published_by_category: Vec<Keyed>,
    /// Share of the steps due in the period done on time.
    pub on_time_rate: Option<f64>,
    /// Median working hours from submission to publication.
    pub median_processing_hours: Option<f64>,
    /// Ratings.
    pub ratings: RatingStats,
}

pub fn public(st: &Context, q: &StatsQuery) -> AppResult<PublicStats> {
    let mut conn = st.read_conn()?;
    let f = filter(&mut conn, q, None, true)?;
    let fig = Figures::read(&mut conn, q, &f, st.clock.now().naive_utc(), Source::Best)?;
    let s = summary_of(q, &fig);
    let (on, late) = s
        .steps
        .iter()
        .fold((0, 0), |(a, b), x| (a + x.on_time, b + x.late));
    Ok(PublicStats {
        from: q.from,
        to: q.to,
        received: s.received,
        published: s.published,
        published_by_category: keyed(fig.published_by_category),
        on_time_rate: (on + late > 0).then(|| round2(on as f64 / (on + late) as f64)),
        median_processing_hours: s.processing_hours.median,
        ratings: s.ratings,
    })
}
