//! The raw figures of a period, the same whichever way they are obtained: from the counters
//! kept with every change (whole months and the days around them), or from the rows.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::DbConn;
use crate::db::repo::stats::{self, OverdueCount, StatsFilter, StepCounts};
use crate::error::AppResult;
use crate::service::stat_counts;

use super::*;

/// The raw figures of a period, the same whichever way they are obtained.
pub(super) struct Figures {
    pub(super) by_status: Vec<stats::KeyCount>,
    pub(super) by_channel: Vec<stats::KeyCount>,
    pub(super) by_category: Vec<stats::KeyCount>,
    pub(super) by_area: Vec<stats::KeyCount>,
    pub(super) by_agency: Vec<stats::KeyCount>,
    pub(super) published_by_category: Vec<stats::KeyCount>,
    pub(super) minutes: Vec<stats::MinuteCount>,
    pub(super) ratings: Vec<stats::KeyCount>,
    pub(super) steps: Vec<StepCounts>,
    pub(super) overdue: Vec<OverdueCount>,
    pub(super) leads: Vec<stats::LeadCounts>,
    pub(super) extensions: i64,
    pub(super) feedback: i64,
}

/// The counter scopes whose sum answers a filter, when some do: everything, the public
/// subset, exactly one agency's reports, a supervisor's (its agency and those below), or
/// everything with one filter on the report (a
/// category, an area with the former units counted under it, a channel, a lead agency). Each
/// report counts in one scope of the list at most, so the sum counts it once.
pub(super) fn counter_scopes(f: &StatsFilter) -> Option<Vec<String>> {
    let on_report = [&f.agency, &f.category, &f.area, &f.channel]
        .iter()
        .filter(|x| x.is_some())
        .count();
    match (on_report, &f.scope_agencies, f.public_only) {
        (0, None, false) => Some(vec![stat_counts::ALL.to_string()]),
        (0, None, true) => Some(vec![stat_counts::PUBLIC.to_string()]),
        (0, Some(ids), false) if ids.len() == 1 => Some(ids.clone()),
        (0, Some(_), false) => f
            .scope_root
            .as_deref()
            .map(|root| vec![stat_counts::by::under(root)]),
        (1, None, false) => Some(if let Some(c) = &f.category {
            vec![stat_counts::by::category(c)]
        } else if let Some(c) = &f.channel {
            vec![stat_counts::by::channel(c)]
        } else if let Some(a) = &f.agency {
            vec![stat_counts::by::lead(a)]
        } else {
            f.area
                .iter()
                .chain(&f.area_former)
                .map(|a| stat_counts::by::area(a))
                .collect()
        }),
        _ => None,
    }
}

/// A range of local dates cut into counter reads: whole months at the month grain, the days
/// around them at the day grain. Each is `(grain, first, until)` with `until` excluded.
pub(super) fn segments(
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
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
            (stat_counts::metric::DAY, from, first_full),
            (stat_counts::metric::MONTH, first_full, last_full),
            (stat_counts::metric::DAY, last_full, until),
        ]
    } else {
        vec![(stat_counts::metric::DAY, from, until)]
    }
}

/// Like [`segments`], each with a sign: a month cut by the range is read as the month less
/// the days left out when those are fewer than the days kept (a month's row is the sum of its
/// days'). A year from the 2nd of a month reads 12 months and 2 days, not 11 months and 31
/// days. Each is `(grain, first, until, sign)`.
pub(super) fn signed_segments(
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(&'static str, NaiveDate, NaiveDate, i64)> {
    use stat_counts::metric::{DAY, MONTH};
    let until = to + Duration::days(1);
    let next_month = |m: NaiveDate| {
        m.checked_add_months(chrono::Months::new(1))
            .unwrap_or(until)
    };
    type Part = (&'static str, NaiveDate, NaiveDate, i64);
    // One month cut by the range `[a, b)`: its days, or the month less the days outside.
    fn part(out: &mut Vec<Part>, a: NaiveDate, b: NaiveDate, end: NaiveDate) {
        let m = stat_counts::month_of(a);
        let kept = (b - a).num_days();
        let left_out = (a - m).num_days() + (end - b).num_days();
        if left_out < kept {
            out.push((MONTH, m, end, 1));
            if a > m {
                out.push((DAY, m, a, -1));
            }
            if end > b {
                out.push((DAY, b, end, -1));
            }
        } else {
            out.push((DAY, a, b, 1));
        }
    }
    let mut out = Vec::new();
    let first_month_end = next_month(stat_counts::month_of(from));
    if until <= first_month_end {
        if from.day() == 1 && until == first_month_end {
            return vec![(MONTH, from, until, 1)];
        }
        part(&mut out, from, until, first_month_end);
        return out;
    }
    let first_full = if from.day() == 1 {
        from
    } else {
        part(&mut out, from, first_month_end, first_month_end);
        first_month_end
    };
    let last_full = stat_counts::month_of(until);
    if first_full < last_full {
        out.push((MONTH, first_full, last_full, 1));
    }
    if until > last_full {
        part(&mut out, last_full, until, next_month(last_full));
    }
    out
}

impl Figures {
    /// Straight from the reports, clocks and assignments: any filter.
    pub(super) fn live(
        conn: &mut DbConn,
        f: &StatsFilter,
        from: chrono::NaiveDateTime,
        to: chrono::NaiveDateTime,
        now: chrono::NaiveDateTime,
    ) -> AppResult<Self> {
        Ok(Self {
            by_status: stats::received_by(conn, f, from, to, stat_counts::metric::STATUS)?,
            by_channel: stats::received_by(conn, f, from, to, stat_counts::metric::CHANNEL)?,
            by_category: stats::received_by(conn, f, from, to, stat_counts::metric::CATEGORY)?,
            by_area: stats::received_by(conn, f, from, to, stat_counts::metric::AREA)?,
            by_agency: stats::received_by(conn, f, from, to, stat_counts::metric::AGENCY)?,
            published_by_category: stats::published_by_category(conn, f, from, to)?,
            minutes: stats::processing_minutes(conn, f, from, to)?,
            ratings: stats::ratings(conn, f, from, to)?,
            steps: stats::steps_due(conn, f, from, to, now)?,
            overdue: stats::overdue_now(conn, f, now)?,
            leads: stats::lead_assignments(conn, f, from, to)?,
            extensions: stats::extensions_confirmed(conn, f, from, to)?,
            feedback: stats::feedback_received(conn, f, from, to)?,
        })
    }

    /// From the counters (`service::stat_counts`), plus the steps not done yet, read live.
    pub(super) fn counted(
        conn: &mut DbConn,
        scopes: &[String],
        q: &StatsQuery,
        f: &StatsFilter,
        now: chrono::NaiveDateTime,
    ) -> AppResult<Self> {
        let (from, to) = bounds(q.from, q.to)?;
        let mut sums: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for scope in scopes {
            for (grain, a, b, sign) in signed_segments(q.from, q.to) {
                for c in stats::counted(conn, scope, grain, a, b)? {
                    *sums.entry((c.metric, c.k1, c.k2)).or_insert(0) += sign * c.n;
                }
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
            .filter(|((m, _, _), n)| m == stat_counts::metric::MINUTES && **n != 0)
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
                stat_counts::metric::STEP_ON_TIME
                | stat_counts::metric::STEP_LATE
                | stat_counts::metric::STEP_EXTENDED => {
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
                        stat_counts::metric::STEP_ON_TIME => s.on_time += n,
                        stat_counts::metric::STEP_LATE => s.late += n,
                        _ => s.extended += n,
                    }
                }
                stat_counts::metric::LEAD => {
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
                        s if s == crate::domain::report::AssignmentStatus::Approved.as_str() => {
                            l.approved += n
                        }
                        s if s == crate::domain::report::AssignmentStatus::Returned.as_str() => {
                            l.returned += n
                        }
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
        // The steps not done yet, read live among the open reports named one by one: by their
        // deadline alone or joined to the reports, the planner may scan every clock or report.
        let open = stats::open_report_ids(conn)?;
        steps.extend(stats::pending_steps(conn, f, from, to, now, &open)?);
        Ok(Self {
            by_status: by(stat_counts::metric::STATUS),
            by_channel: by(stat_counts::metric::CHANNEL),
            by_category: by(stat_counts::metric::CATEGORY),
            by_area: by(stat_counts::metric::AREA),
            by_agency: by(stat_counts::metric::AGENCY),
            published_by_category: by(stat_counts::metric::PUBLISHED),
            minutes,
            ratings: by(stat_counts::metric::RATING),
            steps,
            overdue: stats::overdue_among(conn, f, now, &open)?,
            leads: leads.into_values().collect(),
            extensions: total(stat_counts::metric::EXTENSION),
            feedback: total(stat_counts::metric::FEEDBACK),
        })
    }

    /// The counters when they answer the filter, else the rows.
    pub(super) fn read(
        conn: &mut DbConn,
        q: &StatsQuery,
        f: &StatsFilter,
        now: chrono::NaiveDateTime,
        source: Source,
    ) -> AppResult<Self> {
        let mut fig = match (source, counter_scopes(f)) {
            (Source::Best, Some(scopes)) => Self::counted(conn, &scopes, q, f, now)?,
            _ => {
                let (from, to) = bounds(q.from, q.to)?;
                Self::live(conn, f, from, to, now)?
            }
        };
        fig.by_area = roll_up_areas(conn, std::mem::take(&mut fig.by_area))?;
        Ok(fig)
    }
}

/// Reports filed under a former unit that became exactly one unit count under the unit in force
/// (the province of Sóc Trăng under Cần Thơ city); a former unit divided among several keeps its
/// line, since its reports cannot be told apart.
fn roll_up_areas(conn: &mut DbConn, rows: Vec<stats::KeyCount>) -> AppResult<Vec<stats::KeyCount>> {
    let map: std::collections::HashMap<String, String> = repo::admin_units::sole_successions(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<stats::KeyCount> = Vec::with_capacity(rows.len());
    for mut r in rows {
        if let Some(next) = r.k.as_ref().and_then(|k| successor_in_force(&map, k)) {
            r.k = Some(next);
        }
        match out.iter_mut().find(|x| x.k == r.k) {
            Some(x) => x.n += r.n,
            None => out.push(r),
        }
    }
    Ok(out)
}

/// Follows sole successions to the end (a unit may have changed more than once).
fn successor_in_force(
    map: &std::collections::HashMap<String, String>,
    code: &str,
) -> Option<String> {
    let mut cur = map.get(code)?;
    for _ in 0..8 {
        match map.get(cur.as_str()) {
            Some(n) if n != cur => cur = n,
            _ => break,
        }
    }
    Some(cur.clone())
}

/// The former units whose reports count under `area` (the reverse of [`roll_up_areas`]).
pub(super) fn former_units_of(conn: &mut DbConn, area: &str) -> AppResult<Vec<String>> {
    let map: std::collections::HashMap<String, String> = repo::admin_units::sole_successions(conn)?
        .into_iter()
        .collect();
    Ok(map
        .keys()
        .filter(|k| successor_in_force(&map, k).as_deref() == Some(area))
        .cloned()
        .collect())
}

/// Where figures come from: the counters when they can answer (always, in service), or the
/// rows themselves (to check the counters against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Best,
    Rows,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day of the range is counted once and no other day at all, whatever the cut.
    #[test]
    fn signed_segments_count_each_day_of_the_range_once() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let ranges = [
            ("2025-12-02", "2026-12-02"),
            ("2025-03-01", "2026-03-02"),
            ("2025-06-15", "2025-09-14"),
            ("2025-07-01", "2025-07-31"),
            ("2025-11-14", "2025-11-14"),
            ("2026-02-03", "2026-03-31"),
            ("2026-02-02", "2026-02-27"),
            ("2025-01-31", "2025-02-01"),
            ("2024-12-30", "2025-01-02"),
            ("2025-01-01", "2025-12-31"),
        ];
        for (a, b) in ranges {
            let (from, to) = (d(a), d(b));
            let parts = signed_segments(from, to);
            let mut day = from - Duration::days(70);
            while day < to + Duration::days(70) {
                let n: i64 = parts
                    .iter()
                    .filter(|(grain, first, until, _)| {
                        if *grain == stat_counts::metric::MONTH {
                            stat_counts::month_of(day) >= *first
                                && stat_counts::month_of(day) < *until
                        } else {
                            day >= *first && day < *until
                        }
                    })
                    .map(|p| p.3)
                    .sum();
                assert_eq!(
                    n,
                    i64::from(day >= from && day <= to),
                    "{a}..{b} on {day}: {parts:?}"
                );
                day += Duration::days(1);
            }
            let days: i64 = parts
                .iter()
                .filter(|p| p.0 == stat_counts::metric::DAY)
                .map(|p| (p.2 - p.1).num_days())
                .sum();
            assert!(days <= 32, "{a}..{b} reads {days} days: {parts:?}");
        }
    }
}
