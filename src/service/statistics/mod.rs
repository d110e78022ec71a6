//! Statistics for the IOC dashboard and the periodic reports (Art. 11.6–11.8, 12).
//!
//! # Metric definitions
//! - A period is a range of local dates (Asia/Ho_Chi_Minh), both ends included.
//! - **Intake** figures (received; by status, channel, category, area, lead agency; rejected;
//!   forwarded) count reports by the time they were *submitted*.
//! - **Results** (published; processing time; ratings) count reports by the time their result
//!   was *published*. Processing time is the working time (office sessions of working days, the
//!   calendar in force) from submission to publication.
//! - **Dispatch and answers** count lead assignments by the time they were *made*: dispatched
//!   (made), answered (approved), returned (given back: the misrouting rate is returned / made).
//! - **On time per step**: a step counts in the period its deadline (as extended, Art. 8.3) falls
//!   in. It is *on time* when done at or before that deadline, *late* when done after it or still
//!   not done once it passed; *running* steps are not yet due; cancelled steps (withdrawn by a
//!   re-dispatch or replaced by coordination) do not count. *Overdue now* counts the steps past
//!   their deadline and not done at the moment of the request, whatever the period.
//! - **Ratings**: the current rating of each report published in the period; the share
//!   satisfied is (very satisfied + satisfied) / rated.
//! - **Confidential and state-secret reports** count in every total (they are real work), never
//!   in anything that shows content; the public statistics leave them out altogether.
//! - **Scope**: an agency's leader and staff see their agency's reports, a supervisor those of the
//!   agencies below; the IOC, the province and admins everything.
//!
//! This file: what a request asks and the shapes of the answers; `figures`: the raw figures of
//! a period, from the counters or from the rows; `summary`: the summary and the agency table;
//! `series`: time series and the public subset; `periodic`: issued periodic reports;
//! `export`: the report list as CSV.

mod export;
mod figures;
mod periodic;
mod series;
mod summary;

pub use export::*;
pub use figures::Source;
pub use periodic::*;
pub use series::*;
pub use summary::*;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, TimeZone};

use crate::db::repo::stats::{self, OverdueCount, StatsFilter, StepCounts};
use crate::db::{DbConn, repo};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::auth::Principal;

/// What a statistics request asks.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency: Option<String>,
    pub category: Option<String>,
    pub area: Option<String>,
    pub channel: Option<String>,
}

/// A count under a key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Keyed {
    /// The key (status, channel, category code, unit code, agency id; `null` when none).
    pub key: Option<String>,
    /// How many.
    pub count: i64,
}

/// On-time accounting of one step.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StepStats {
    /// The step.
    pub step: String,
    /// Done at or before the deadline.
    pub on_time: i64,
    /// Done after the deadline, or not done once it passed.
    pub late: i64,
    /// Not yet due.
    pub running: i64,
    /// Past the deadline and not done at the moment of the request (any period).
    pub overdue_now: i64,
    /// How many of the deadlines were extended.
    pub extended: i64,
}

/// Processing time in working hours.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Durations {
    /// How many reports.
    pub count: i64,
    /// Mean, working hours.
    pub mean: Option<f64>,
    /// Median, working hours.
    pub median: Option<f64>,
    /// 90th percentile, working hours.
    pub p90: Option<f64>,
}

/// Ratings of published results (Art. 10.3).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RatingStats {
    /// Rất hài lòng.
    pub very_satisfied: i64,
    /// Hài lòng.
    pub satisfied: i64,
    /// Không hài lòng.
    pub dissatisfied: i64,
    /// All rated.
    pub rated: i64,
    /// (very satisfied + satisfied) / rated.
    pub satisfied_share: Option<f64>,
}

/// The summary of a period.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Summary {
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (included).
    pub to: NaiveDate,
    /// Reports submitted.
    pub received: i64,
    /// Submitted reports by their state now.
    pub by_status: Vec<Keyed>,
    /// By channel.
    pub by_channel: Vec<Keyed>,
    /// By category.
    pub by_category: Vec<Keyed>,
    /// By administrative unit.
    pub by_area: Vec<Keyed>,
    /// By lead agency.
    pub by_agency: Vec<Keyed>,
    /// Lead assignments made.
    pub dispatched: i64,
    /// Lead assignments answered (approved).
    pub answered: i64,
    /// Lead assignments given back as not the agency's competence.
    pub returned: i64,
    /// returned / dispatched.
    pub misrouting_rate: Option<f64>,
    /// Results published.
    pub published: i64,
    /// Submitted reports refused.
    pub rejected: i64,
    /// Submitted reports forwarded for follow-up.
    pub forwarded: i64,
    /// Extensions confirmed.
    pub extensions: i64,
    /// On time, late and overdue per step.
    pub steps: Vec<StepStats>,
    /// Working hours from submission to publication.
    pub processing_hours: Durations,
    /// Feedback received.
    pub feedback: i64,
    /// Clarifications past their deadline now.
    pub clarifications_overdue: i64,
    /// Ratings.
    pub ratings: RatingStats,
}

/// The UTC instants that bound a range of local dates.
pub fn bounds(
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    if from > to {
        return Err(AppError::invalid_query(
            "to",
            "'to' phải sau 'from'.",
            "'to' must not be before 'from'.",
        ));
    }
    if (to - from).num_days() > 3700 || from.year() < 2000 || to.year() > 2099 {
        return Err(AppError::invalid_query(
            "from",
            "Khoảng thời gian phải trong 2000–2099 và tối đa 10 năm.",
            "The range must lie within 2000–2099 and span at most 10 years.",
        ));
    }
    let start = |d: NaiveDate| -> AppResult<chrono::NaiveDateTime> {
        crate::domain::calendar::TIME_ZONE
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.naive_utc())
            .ok_or_else(|| AppError::internal("local midnight"))
    };
    Ok((start(from)?, start(to + Duration::days(1))?))
}

/// The caller's scope: `None` for everything.
pub fn scope(conn: &mut DbConn, who: &Principal) -> AppResult<Option<Vec<String>>> {
    Ok(match who.role {
        Role::Operator | Role::Province | Role::Admin | Role::PrivacyOfficer => None,
        Role::AgencyStaff | Role::AgencyLeader => Some(who.agency_id.clone().into_iter().collect()),
        Role::Supervisor => match &who.agency_id {
            Some(a) => Some(repo::agencies::with_descendants(conn, a)?),
            None => Some(vec![]),
        },
        Role::Citizen => return Err(AppError::forbidden()),
    })
}

fn filter(
    conn: &mut DbConn,
    q: &StatsQuery,
    scope: Option<Vec<String>>,
    public_only: bool,
) -> AppResult<StatsFilter> {
    let area_former = match &q.area {
        Some(a) => figures::former_units_of(conn, a)?,
        None => vec![],
    };
    // A supervisor's list starts with its own agency (`repo::agencies::with_descendants`).
    let scope_root = scope
        .as_ref()
        .filter(|ids| ids.len() > 1)
        .and_then(|ids| ids.first().cloned());
    Ok(StatsFilter {
        scope_root,
        scope_agencies: scope,
        agency: q.agency.clone(),
        category: q.category.clone(),
        area: q.area.clone(),
        area_former,
        channel: q.channel.clone(),
        public_only,
    })
}

fn keyed(rows: Vec<stats::KeyCount>) -> Vec<Keyed> {
    let mut v: Vec<Keyed> = rows
        .into_iter()
        .map(|r| Keyed {
            key: r.k,
            count: r.n,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

/// Mean, median and p90 (nearest rank) in working hours from a histogram of working minutes.
fn durations(h: &[stats::MinuteCount]) -> Durations {
    let count: i64 = h.iter().map(|b| b.n).sum();
    if count == 0 {
        return Durations::default();
    }
    let total: f64 = h.iter().map(|b| b.minutes as f64 * b.n as f64).sum();
    let rank_value = |p: f64| {
        let rank = ((p * count as f64).ceil() as i64).clamp(1, count);
        let mut seen = 0;
        for b in h {
            seen += b.n;
            if seen >= rank {
                return Some(round2(b.minutes as f64 / 60.0));
            }
        }
        None
    };
    Durations {
        count,
        mean: Some(round2(total / count as f64 / 60.0)),
        median: rank_value(0.5),
        p90: rank_value(0.9),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn step_stats(due: &[StepCounts], overdue: &[OverdueCount]) -> Vec<StepStats> {
    let mut by: BTreeMap<String, StepStats> = BTreeMap::new();
    for c in due {
        let s = by.entry(c.step.clone()).or_insert_with(|| StepStats {
            step: c.step.clone(),
            ..Default::default()
        });
        s.on_time += c.on_time;
        s.late += c.late;
        s.running += c.running;
        s.extended += c.extended;
    }
    for c in overdue {
        by.entry(c.step.clone())
            .or_insert_with(|| StepStats {
                step: c.step.clone(),
                ..Default::default()
            })
            .overdue_now += c.n;
    }
    by.into_values().collect()
}

/// Ratings from rows of (rating, count).
fn rating_stats(rows: impl IntoIterator<Item = (Option<String>, i64)>) -> RatingStats {
    let mut r = RatingStats::default();
    for (k, n) in rows {
        match k.as_deref() {
            Some("very_satisfied") => r.very_satisfied += n,
            Some("satisfied") => r.satisfied += n,
            Some("dissatisfied") => r.dissatisfied += n,
            _ => {}
        }
    }
    r.rated = r.very_satisfied + r.satisfied + r.dissatisfied;
    r.satisfied_share =
        (r.rated > 0).then(|| round2((r.very_satisfied + r.satisfied) as f64 / r.rated as f64));
    r
}
