//! The summary of a period and the agency table, with its ranking.

use std::collections::BTreeMap;

use crate::db::repo;
use crate::error::AppResult;
use crate::service::Context;
use crate::service::auth::Principal;

use super::*;

use super::figures::Figures;

pub(super) fn summary_of(q: &StatsQuery, fig: &Figures) -> Summary {
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
        rejected: count_of(
            &by_status,
            crate::domain::report::ReportStatus::Rejected.as_str(),
        ),
        forwarded: count_of(
            &by_status,
            crate::domain::report::ReportStatus::Forwarded.as_str(),
        ),
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
            .filter(|c| c.step == crate::domain::steps::Step::Clarify.as_str())
            .map(|c| c.n)
            .sum(),
        steps: step_stats(&fig.steps, &fig.overdue),
        processing_hours,
        feedback: fig.feedback,
        ratings: rating_stats(fig.ratings.iter().map(|r| (r.k.clone(), r.n))),
    }
}

/// The summary of a period, within the caller's scope.
pub fn summary(st: &Context, who: &Principal, q: &StatsQuery) -> AppResult<Summary> {
    summary_from(st, who, q, Source::Best)
}

/// The summary, from a chosen source (the rows, to check the counters).
pub fn summary_from(
    st: &Context,
    who: &Principal,
    q: &StatsQuery,
    source: Source,
) -> AppResult<Summary> {
    let mut conn = st.read_conn()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(&mut conn, q, sc, false)?;
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
pub fn agencies(st: &Context, who: &Principal, q: &StatsQuery) -> AppResult<Vec<AgencyStats>> {
    agencies_from(st, who, q, Source::Best)
}

/// The agency table, from a chosen source (the rows, to check the counters).
pub fn agencies_from(
    st: &Context,
    who: &Principal,
    q: &StatsQuery,
    source: Source,
) -> AppResult<Vec<AgencyStats>> {
    let mut conn = st.read_conn()?;
    let sc = scope(&mut conn, who)?;
    let f = filter(&mut conn, q, sc.clone(), false)?;
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
