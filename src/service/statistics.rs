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

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use chrono_tz::Asia::Ho_Chi_Minh;

use crate::app::AppState;
use crate::db::repo::stats::{self, OverdueCount, StatsFilter, StepCounts};
use crate::db::{DbConn, repo};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::auth::Principal;
use crate::service::stat_counts;

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

fn bad(field: &str, vi: &'static str, en: &'static str) -> AppError {
    AppError::bad_parameter(
        "invalid_query",
        vec![FieldError::new(field, "invalid_value", Msg::new(vi, en))],
    )
}

/// The UTC instants that bound a range of local dates.
pub fn bounds(
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<(chrono::NaiveDateTime, chrono::NaiveDateTime)> {
    if from > to {
        return Err(bad(
            "to",
            "'to' phải sau 'from'.",
            "'to' must not be before 'from'.",
        ));
    }
    if (to - from).num_days() > 3700 || from.year() < 2000 || to.year() > 2099 {
        return Err(bad(
            "from",
            "Khoảng thời gian phải trong 2000–2099 và tối đa 10 năm.",
            "The range must lie within 2000–2099 and span at most 10 years.",
        ));
    }
    let start = |d: NaiveDate| -> AppResult<chrono::NaiveDateTime> {
        Ho_Chi_Minh
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
        Role::Operator | Role::Province | Role::Admin => None,
        Role::AgencyStaff | Role::AgencyLeader => Some(who.agency_id.clone().into_iter().collect()),
        Role::Supervisor => match &who.agency_id {
            Some(a) => Some(repo::agencies::with_descendants(conn, a)?),
            None => Some(vec![]),
        },
        Role::Citizen => return Err(AppError::forbidden()),
    })
}

fn filter(q: &StatsQuery, scope: Option<Vec<String>>, public_only: bool) -> StatsFilter {
    StatsFilter {
        scope_agencies: scope,
        agency: q.agency.clone(),
        category: q.category.clone(),
        area: q.area.clone(),
        channel: q.channel.clone(),
        public_only,
    }
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

/// The raw figures of a period, the same whichever way they are obtained.
struct Figures {
    by_status: Vec<stats::KeyCount>,
    by_channel: Vec<stats::KeyCount>,
    by_category: Vec<stats::KeyCount>,
    by_area: Vec<stats::KeyCount>,
    by_agency: Vec<stats::KeyCount>,
    published_by_category: Vec<stats::KeyCount>,
    minutes: Vec<stats::MinuteCount>,
    ratings: Vec<stats::KeyCount>,
    steps: Vec<StepCounts>,
    overdue: Vec<OverdueCount>,
    leads: Vec<stats::LeadCounts>,
    extensions: i64,
    feedback: i64,
}

/// The counter scope that answers a filter, when one does: no filter on the report itself, and
/// everything, the public subset, or exactly one agency's reports.
fn counter_scope(f: &StatsFilter) -> Option<String> {
    if f.agency.is_some() || f.category.is_some() || f.area.is_some() || f.channel.is_some() {
        return None;
    }
    match (&f.scope_agencies, f.public_only) {
        (None, false) => Some(stat_counts::ALL.to_string()),
        (None, true) => Some(stat_counts::PUBLIC.to_string()),
        (Some(ids), false) if ids.len() == 1 => ids.first().cloned(),
        _ => None,
    }
}

/// A range of local dates cut into counter reads: whole months at the month grain, the days
/// around them at the day grain. Each is `(grain, first, until)` with `until` excluded.
fn segments(from: NaiveDate, to: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let until = to + Duration::days(1);
    let first_full = if from.day() == 1 {
        from
    } else {
        stat_counts::month_of(from)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(until)
    };
    let last_full = stat_counts::month_of(until);
    if first_full < last_full {
        vec![
            ("d", from, first_full),
            ("m", first_full, last_full),
            ("d", last_full, until),
        ]
    } else {
        vec![("d", from, until)]
    }
}

impl Figures {
    /// Straight from the reports, clocks and assignments: any filter.
    fn live(
        conn: &mut DbConn,
        f: &StatsFilter,
        from: chrono::NaiveDateTime,
        to: chrono::NaiveDateTime,
        now: chrono::NaiveDateTime,
    ) -> AppResult<Self> {
        Ok(Self {
            by_status: stats::received_by(conn, f, from, to, "status")?,
            by_channel: stats::received_by(conn, f, from, to, "channel")?,
            by_category: stats::received_by(conn, f, from, to, "category")?,
            by_area: stats::received_by(conn, f, from, to, "area")?,
            by_agency: stats::received_by(conn, f, from, to, "agency")?,
            published_by_category: stats::published_by_category(conn, f, from, to)?,
            minutes: stats::processing_minutes(conn, f, from, to)?,
            ratings: stats::ratings(conn, f, from, to)?,
            steps: stats::steps_due(conn, f, from, to, now, false)?,
            overdue: stats::overdue_now(conn, f, now)?,
            leads: stats::lead_assignments(conn, f, from, to)?,
            extensions: stats::extensions_confirmed(conn, f, from, to)?,
            feedback: stats::feedback_received(conn, f, from, to)?,
        })
    }

    /// From the counters (`service::stat_counts`), plus the steps not done yet, read live.
    fn counted(
        conn: &mut DbConn,
        scope: &str,
        q: &StatsQuery,
        f: &StatsFilter,
        now: chrono::NaiveDateTime,
    ) -> AppResult<Self> {
        let (from, to) = bounds(q.from, q.to)?;
        let mut sums: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for (grain, a, b) in segments(q.from, q.to) {
            for c in stats::counted(conn, scope, grain, a, b)? {
                *sums.entry((c.metric, c.k1, c.k2)).or_insert(0) += c.n;
            }
        }
        let key = |k: &str| (!k.is_empty()).then(|| k.to_string());
        let by = |metric: &str| -> Vec<stats::KeyCount> {
            sums.iter()
                .filter(|((m, _, _), n)| m == metric && **n != 0)
                .map(|((_, k1, _), n)| stats::KeyCount { k: key(k1), n: *n })
                .collect()
        };
        let total = |metric: &str| -> i64 {
            sums.iter()
                .filter(|((m, _, _), _)| m == metric)
                .map(|(_, n)| *n)
                .sum()
        };
        let mut minutes: Vec<stats::MinuteCount> = sums
            .iter()
            .filter(|((m, _, _), n)| m == "minutes" && **n != 0)
            .filter_map(|((_, k1, _), n)| {
                k1.parse()
                    .ok()
                    .map(|minutes| stats::MinuteCount { minutes, n: *n })
            })
            .collect();
        minutes.sort_by_key(|m| m.minutes);
        let mut steps: BTreeMap<(String, String), StepCounts> = BTreeMap::new();
        let mut leads: BTreeMap<String, stats::LeadCounts> = BTreeMap::new();
        for ((metric, k1, k2), n) in &sums {
            match metric.as_str() {
                "step_on_time" | "step_late" | "step_extended" => {
                    let s = steps
                        .entry((k1.clone(), k2.clone()))
                        .or_insert_with(|| StepCounts {
                            step: k1.clone(),
                            agency_id: key(k2),
                            on_time: 0,
                            late: 0,
                            running: 0,
                            extended: 0,
                        });
                    match metric.as_str() {
                        "step_on_time" => s.on_time += n,
                        "step_late" => s.late += n,
                        _ => s.extended += n,
                    }
                }
                "lead" => {
                    let l = leads
                        .entry(k1.clone())
                        .or_insert_with(|| stats::LeadCounts {
                            agency_id: k1.clone(),
                            assigned: 0,
                            approved: 0,
                            returned: 0,
                            very_satisfied: 0,
                            satisfied: 0,
                            dissatisfied: 0,
                        });
                    match k2.as_str() {
                        "assigned" => l.assigned += n,
                        "approved" => l.approved += n,
                        "returned" => l.returned += n,
                        "very_satisfied" => l.very_satisfied += n,
                        "satisfied" => l.satisfied += n,
                        "dissatisfied" => l.dissatisfied += n,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        let mut steps: Vec<StepCounts> = steps.into_values().collect();
        steps.extend(stats::steps_due(conn, f, from, to, now, true)?);
        Ok(Self {
            by_status: by("status"),
            by_channel: by("channel"),
            by_category: by("category"),
            by_area: by("area"),
            by_agency: by("agency"),
            published_by_category: by("published"),
            minutes,
            ratings: by("rating"),
            steps,
            overdue: stats::overdue_now(conn, f, now)?,
            leads: leads.into_values().collect(),
            extensions: total("extension"),
            feedback: total("feedback"),
        })
    }

    /// The counters when they answer the filter, else the rows.
    fn read(
        conn: &mut DbConn,
        q: &StatsQuery,
        f: &StatsFilter,
        now: chrono::NaiveDateTime,
        source: Source,
    ) -> AppResult<Self> {
        match (source, counter_scope(f)) {
            (Source::Best, Some(scope)) => Self::counted(conn, &scope, q, f, now),
            _ => {
                let (from, to) = bounds(q.from, q.to)?;
                Self::live(conn, f, from, to, now)
            }
        }
    }
}

/// Where figures come from: the counters when they can answer (always, in service), or the
/// rows themselves (to check the counters against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Best,
    Rows,
}

fn summary_of(q: &StatsQuery, fig: &Figures) -> Summary {
    let by_status = keyed(fig.by_status.clone());
    let count_of = |v: &[Keyed], k: &str| {
        v.iter()
            .filter(|x| x.key.as_deref() == Some(k))
            .map(|x| x.count)
            .sum::<i64>()
    };
    let dispatched: i64 = fig.leads.iter().map(|l| l.assigned).sum();
    let answered: i64 = fig.leads.iter().map(|l| l.approved).sum();
    let returned: i64 = fig.leads.iter().map(|l| l.returned).sum();
    let processing_hours = durations(&fig.minutes);
    Summary {
        from: q.from,
        to: q.to,
        received: by_status.iter().map(|k| k.count).sum(),
        rejected: count_of(&by_status, "rejected"),
        forwarded: count_of(&by_status, "forwarded"),
        by_status,
        by_channel: keyed(fig.by_channel.clone()),
        by_category: keyed(fig.by_category.clone()),
        by_area: keyed(fig.by_area.clone()),
        by_agency: keyed(fig.by_agency.clone()),
        dispatched,
        answered,
        returned,
        misrouting_rate: (dispatched > 0).then(|| round2(returned as f64 / dispatched as f64)),
        published: processing_hours.count,
        extensions: fig.extensions,
        clarifications_overdue: fig
            .overdue
            .iter()
            .filter(|c| c.step == "clarify")
            .map(|c| c.n)
            .sum(),
        steps: step_stats(&fig.steps, &fig.overdue),
        processing_hours,
        feedback: fig.feedback,
        ratings: rating_stats(fig.ratings.iter().map(|r| (r.k.clone(), r.n))),
    }
}

/// The summary of a period, within the caller's scope.
pub fn summary(st: &AppState, who: &Principal, q: &StatsQuery) -> AppResult<Summary> {
    summary_from(st, who, q, Source::Best)
}

/// The summary, from a chosen source (the rows, to check the counters).
pub fn summary_from(
    st: &AppState,
    who: &Principal,
    q: &StatsQuery,
    source: Source,
) -> AppResult<Summary> {
    let mut conn = st.pool.get()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(q, sc, false);
    let fig = Figures::read(&mut conn, q, &f, st.clock.now().naive_utc(), source)?;
    Ok(summary_of(q, &fig))
}

/// One agency's row of the table.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AgencyStats {
    /// Agency id.
    pub agency_id: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Lead assignments made in the period.
    pub assigned: i64,
    /// Of those, answered (approved).
    pub answered: i64,
    /// Of those, given back.
    pub returned: i64,
    /// The agency's steps due in the period done on time.
    pub on_time: i64,
    /// The agency's steps due in the period done late or not done.
    pub late: i64,
    /// The agency's steps past their deadline now.
    pub overdue_now: i64,
    /// on_time / (on_time + late).
    pub on_time_rate: Option<f64>,
    /// Ratings of the reports it led (assigned in the period).
    pub ratings: RatingStats,
    /// The ranking score (see `GET /api/v1/statistics/agencies`), when ranked.
    pub score: Option<f64>,
    /// Rank, 1 = best; `null` below the volume floor.
    pub rank: Option<i64>,
}

/// Steps below the floor are not ranked: a tiny sample cannot top the table.
pub const RANK_MIN_STEPS: i64 = 10;

/// The agency table with its ranking:
/// `score = 0.7 × on-time rate + 0.3 × share satisfied` (the on-time rate alone when nothing was
/// rated), for agencies with at least 10 steps due in the period; ties go to the larger volume.
pub fn agencies(st: &AppState, who: &Principal, q: &StatsQuery) -> AppResult<Vec<AgencyStats>> {
    agencies_from(st, who, q, Source::Best)
}

/// The agency table, from a chosen source (the rows, to check the counters).
pub fn agencies_from(
    st: &AppState,
    who: &Principal,
    q: &StatsQuery,
    source: Source,
) -> AppResult<Vec<AgencyStats>> {
    let mut conn = st.pool.get()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(q, sc.clone(), false);
    let now = st.clock.now().naive_utc();
    let Figures {
        leads,
        steps: due,
        overdue,
        ..
    } = Figures::read(&mut conn, q, &f, now, source)?;
    let mut rows: BTreeMap<String, AgencyStats> = BTreeMap::new();
    let all = repo::agencies::list(&mut conn, &Default::default())?;
    for a in &all {
        if sc.as_ref().is_some_and(|s| !s.contains(&a.id)) {
            continue;
        }
        rows.insert(
            a.id.clone(),
            AgencyStats {
                agency_id: a.id.clone(),
                code: a.code.clone(),
                name: a.name.clone(),
                assigned: 0,
                answered: 0,
                returned: 0,
                on_time: 0,
                late: 0,
                overdue_now: 0,
                on_time_rate: None,
                ratings: RatingStats::default(),
                score: None,
                rank: None,
            },
        );
    }
    let mut ratings: BTreeMap<String, Vec<(Option<String>, i64)>> = BTreeMap::new();
    for l in &leads {
        if let Some(r) = rows.get_mut(&l.agency_id) {
            r.assigned += l.assigned;
            r.answered += l.approved;
            r.returned += l.returned;
            ratings.entry(l.agency_id.clone()).or_default().extend([
                (Some("very_satisfied".to_string()), l.very_satisfied),
                (Some("satisfied".to_string()), l.satisfied),
                (Some("dissatisfied".to_string()), l.dissatisfied),
            ]);
        }
    }
    for c in &due {
        if let Some(r) = c.agency_id.as_ref().and_then(|a| rows.get_mut(a)) {
            r.on_time += c.on_time;
            r.late += c.late;
        }
    }
    for c in &overdue {
        if let Some(r) = c.agency_id.as_ref().and_then(|a| rows.get_mut(a)) {
            r.overdue_now += c.n;
        }
    }
    let mut out: Vec<AgencyStats> = rows
        .into_values()
        .map(|mut r| {
            r.ratings = rating_stats(ratings.remove(&r.agency_id).unwrap_or_default());
            let finished = r.on_time + r.late;
            r.on_time_rate = (finished > 0).then(|| round2(r.on_time as f64 / finished as f64));
            if finished >= RANK_MIN_STEPS {
                let on_time = r.on_time as f64 / finished as f64;
                r.score = Some(round2(match r.ratings.satisfied_share {
                    Some(s) => 0.7 * on_time + 0.3 * s,
                    None => on_time,
                }));
            }
            r
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then((b.on_time + b.late).cmp(&(a.on_time + a.late)))
            .then(a.name.cmp(&b.name))
    });
    let mut rank = 0;
    for r in out.iter_mut() {
        if r.score.is_some() {
            rank += 1;
            r.rank = Some(rank);
        }
    }
    Ok(out)
}

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
pub fn series(st: &AppState, who: &Principal, q: &StatsQuery, b: Bucket) -> AppResult<Vec<Point>> {
    let max_buckets = match b {
        Bucket::Day => 400,
        Bucket::Week => 270,
        Bucket::Month => 130,
    };
    let mut conn = st.pool.get()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(q, sc, false);
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
            return Err(bad(
                "bucket",
                "Quá nhiều điểm: chọn khoảng ngắn hơn hoặc nhóm lớn hơn.",
                "Too many buckets: shorten the range or use a larger bucket.",
            ));
        }
    }
    if let Some(scope) = counter_scope(&f) {
        // Whole months come from the month counters when the buckets are months.
        let parts = if b == Bucket::Month {
            segments(q.from, q.to)
        } else {
            vec![("d", q.from, q.to + Duration::days(1))]
        };
        for (grain, first, until) in parts {
            for c in stats::counted_by_day(
                &mut conn,
                &scope,
                grain,
                first,
                until,
                ["status", "published"],
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
    let local = |t: chrono::NaiveDateTime| t.and_utc().with_timezone(&Ho_Chi_Minh).date_naive();
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

pub fn public(st: &AppState, q: &StatsQuery) -> AppResult<PublicStats> {
    let mut conn = st.pool.get()?;
    let f = filter(q, None, true);
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

/// An issued periodic report: a frozen snapshot of a period's figures.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Snapshot {
    /// The summary of the period, as issued.
    pub summary: Summary,
    /// The agency table, as issued.
    pub agencies: Vec<AgencyStats>,
}

/// Issues the periodic report of a period (operator or admin): computed over everything, stored
/// as it is, and never recomputed. A period is issued once.
pub fn issue_periodic(
    st: &AppState,
    who: &Principal,
    kind: crate::domain::periods::PeriodKind,
    year: i32,
    n: u32,
    note: Option<String>,
) -> AppResult<crate::db::models::PeriodicReportRow> {
    if !matches!(who.role, Role::Operator | Role::Admin) {
        return Err(AppError::forbidden());
    }
    let (from, to) = crate::domain::periods::period(kind, year, n)
        .ok_or_else(|| bad("n", "Kỳ báo cáo không hợp lệ.", "No such period."))?;
    let q = StatsQuery {
        from,
        to,
        agency: None,
        category: None,
        area: None,
        channel: None,
    };
    let everyone = Principal {
        user_id: who.user_id.clone(),
        role: Role::Admin,
        agency_id: None,
    };
    let snap = Snapshot {
        summary: summary(st, &everyone, &q)?,
        agencies: agencies(st, &everyone, &q)?,
    };
    let row = crate::db::models::PeriodicReportRow {
        id: crate::db::new_id(),
        kind: kind.as_str().into(),
        year,
        n: n as i32,
        period_from: from,
        period_to: to,
        issued_at: st.clock.now().naive_utc(),
        issued_by: who.user_id.clone(),
        note,
        data: serde_json::to_string(&snap).map_err(AppError::internal)?,
    };
    let mut conn = st.pool.get()?;
    crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
        if stats::periodic_exists(c, kind.as_str(), year, n as i32)? {
            return Err(AppError::conflict(
                "already_issued",
                "Báo cáo kỳ này đã được ban hành.",
                "The report of this period was already issued.",
            ));
        }
        stats::insert_periodic(c, &row)?;
        Ok(())
    })?;
    Ok(row)
}

pub fn periodic(
    st: &AppState,
    who: &Principal,
    id: &str,
) -> AppResult<(crate::db::models::PeriodicReportRow, Snapshot)> {
    staff_reader(who)?;
    let mut conn = st.pool.get()?;
    let row = stats::periodic(&mut conn, id)?
        .ok_or_else(|| AppError::not_found("báo cáo định kỳ", "Periodic report"))?;
    let snap: Snapshot = serde_json::from_str(&row.data).map_err(AppError::internal)?;
    Ok((row, snap))
}

pub fn periodic_list(
    st: &AppState,
    who: &Principal,
) -> AppResult<Vec<crate::db::models::PeriodicReportRow>> {
    staff_reader(who)?;
    let mut conn = st.pool.get()?;
    Ok(stats::periodic_list(&mut conn)?)
}

/// Issued reports are the province's: the IOC, the province and admins read them.
fn staff_reader(who: &Principal) -> AppResult<()> {
    if matches!(who.role, Role::Operator | Role::Province | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

fn export_scope(conn: &mut DbConn, who: &Principal) -> AppResult<crate::db::repo::reports::Scope> {
    use crate::db::repo::reports::Scope;
    Ok(match scope(conn, who)? {
        None => Scope::All,
        Some(ids) => Scope::Agencies(ids),
    })
}

/// Checks an export before it starts streaming.
pub fn export_check(st: &AppState, who: &Principal, q: &StatsQuery) -> AppResult<()> {
    bounds(q.from, q.to)?;
    let mut conn = st.pool.get()?;
    export_scope(&mut conn, who).map(|_| ())
}

/// One page of the report export as CSV lines (the header on the first page), and the cursor of
/// the next page.
pub fn export_page(
    st: &AppState,
    who: &Principal,
    q: &StatsQuery,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(String, Option<String>)> {
    use crate::db::repo::reports::{Order, ReportFilter};
    let (from, to) = bounds(q.from, q.to)?;
    let mut conn = st.pool.get()?;
    let sc = export_scope(&mut conn, who)?;
    let identity = matches!(who.role, Role::Operator | Role::Admin);
    let f = ReportFilter {
        category: q.category.clone(),
        admin_unit: q.area.clone(),
        agency: q.agency.clone(),
        channel: q.channel.clone(),
        submitted_from: Some(from),
        submitted_to: Some(to),
        ..Default::default()
    };
    let after = cursor
        .map(crate::service::reports::queries::decode_cursor)
        .transpose()?;
    let mut rows = repo::reports::list(&mut conn, &sc, &f, &Order::Newest(after), limit + 1)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| crate::service::reports::queries::encode_cursor(r.submitted_at, &r.id))
    } else {
        None
    };
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    if cursor.is_none() {
        let mut h: Vec<String> = [
            "Mã phản ánh",
            "Ngày gửi",
            "Kênh",
            "Trạng thái",
            "Lĩnh vực",
            "Đơn vị hành chính",
            "Địa chỉ",
            "Tiêu đề",
            "Cơ quan chủ trì",
            "Ngày công bố",
            "Đánh giá",
        ]
        .map(String::from)
        .to_vec();
        if identity {
            h.extend(["Người phản ánh", "Số điện thoại", "Thư điện tử"].map(String::from));
        }
        lines.push(h);
    }
    let reporters = if identity {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let reps = repo::reports::reporters_in(&mut conn, &ids)?;
        // Art. 3.4, 4.5: personal data stays safe; every read of it by staff is recorded.
        let now = st.clock.now().naive_utc();
        crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
            for r in &reps {
                repo::reports::record_identity_read(
                    c,
                    &crate::db::new_id(),
                    &r.report_id,
                    &who.user_id,
                    now,
                )?;
            }
            Ok(())
        })?;
        reps.into_iter()
            .map(|r| (r.report_id.clone(), r))
            .collect::<std::collections::HashMap<_, _>>()
    } else {
        Default::default()
    };
    let local = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .with_timezone(&Ho_Chi_Minh)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for r in &rows {
        // A state-secret report's content stays out of every export (Art. 9.3c).
        let (title, address) = if r.state_secret {
            (String::new(), String::new())
        } else {
            (r.title.clone(), r.address.clone())
        };
        let mut l = vec![
            r.code.clone(),
            local(r.submitted_at),
            r.channel.clone(),
            r.status.clone(),
            r.category_code.clone(),
            r.admin_unit_code.clone(),
            address,
            title,
            r.lead_agency_id.clone().unwrap_or_default(),
            r.published_at.map(local).unwrap_or_default(),
            r.rating.clone().unwrap_or_default(),
        ];
        if identity {
            let p = reporters.get(&r.id);
            l.push(p.map(|p| p.full_name.clone()).unwrap_or_default());
            l.push(p.map(|p| p.phone.clone()).unwrap_or_default());
            l.push(p.and_then(|p| p.email.clone()).unwrap_or_default());
        }
        lines.push(l);
    }
    Ok((crate::service::csv::rows(lines), next))
}
