//! Statistics counters: what each report contributes to the figures of `service::statistics`,
//! kept in `stat_counts` per local day and per local month, and changed in the same transaction
//! as the report (issue: a year's summary must not scan a million reports).
//!
//! The contribution of a report is a pure function of its rows ([`Facts`]): the action wrapper
//! reads the facts after locking the report and again before committing, and adds the
//! difference. So whatever an action changes (status, lead agency, category, clocks, ratings…),
//! the counters follow, and a rebuild from the reports gives the same rows (a test checks it).
//!
//! What the counters hold mirrors the definitions in `service::statistics`, by scope (`*`, the
//! public subset, or one agency's reports) and by the day that decides the period:
//! - submission day: `status`, `channel`, `category`, `area`, `agency` (the lead, `''` when none);
//! - publication day: `published` (by category), `rating`, and `minutes` (the processing time in
//!   whole working minutes, as a histogram);
//! - deadline day of each step done (cancelled steps never count): `step_on_time`, `step_late`,
//!   `step_extended`, keyed by step and agency. Steps not done yet are read live: whether they
//!   are late or still running depends on the instant of the request;
//! - assignment day of each lead assignment: `lead` (agency; assigned, approved, returned, and
//!   the report's rating);
//! - confirmation day of the extension: `extension`; day of each feedback: `feedback`.
//!
//! Scopes: everything (`*`), the public subset, each agency with a part in the report, and one
//! scope per value of each filter of the statistics ([`by`]: the category, the area, the
//! channel, the lead agency), so that a figure with one such filter is read from the counters;
//! and one per agency with agencies below it, for its supervisor ([`supervision`]).

use crate::domain::report::{AssignmentRole, AssignmentStatus};
use crate::domain::steps::ClockState;
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

mod supervision;
pub use supervision::{Supervisors, hold_tree, tree_changed};

use crate::db::models::{AssignmentRow, ClockRow, ExtensionRow, FeedbackRow, ReportRow};
use crate::db::repo::stats::{self, CounterDelta};
use crate::db::{DbConn, repo};
use crate::error::AppResult;

/// The scope of everything.
pub const ALL: &str = "*";
/// The names of the counters, written here and read by `service::statistics::figures`: one
/// spelling for both.
pub mod metric {
    pub const STATUS: &str = "status";
    pub const CHANNEL: &str = "channel";
    pub const CATEGORY: &str = "category";
    pub const AREA: &str = "area";
    pub const AGENCY: &str = "agency";
    pub const PUBLISHED: &str = "published";
    pub const RATING: &str = "rating";
    pub const MINUTES: &str = "minutes";
    pub const STEP_ON_TIME: &str = "step_on_time";
    pub const STEP_LATE: &str = "step_late";
    pub const STEP_EXTENDED: &str = "step_extended";
    pub const EXTENSION: &str = "extension";
    pub const FEEDBACK: &str = "feedback";
    /// Lead assignments by agency: `assigned`, `approved`, `returned`, and the ratings.
    pub const LEAD: &str = "lead";
    /// The grains of the counters: a local day, a local month.
    pub const DAY: &str = "d";
    pub const MONTH: &str = "m";
}

/// The scope of the public statistics: no confidential or state-secret report.
pub const PUBLIC: &str = "public";

/// The scopes of the reports with one value of a filter of the statistics, so that a figure
/// filtered by category, area, channel or lead agency is read from counters too.
pub mod by {
    pub fn category(code: &str) -> String {
        format!("category:{code}")
    }
    pub fn area(unit: &str) -> String {
        format!("area:{unit}")
    }
    pub fn channel(channel: &str) -> String {
        format!("channel:{channel}")
    }
    pub fn lead(agency_id: &str) -> String {
        format!("lead:{agency_id}")
    }
    /// The reports of an agency and of every agency below it (a supervisor's).
    pub fn under(agency_id: &str) -> String {
        format!("under:{agency_id}")
    }
}

/// The rows of one report that its contribution depends on.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub report: Option<ReportRow>,
    pub assignments: Vec<AssignmentRow>,
    pub clocks: Vec<ClockRow>,
    pub outcome: Option<(NaiveDateTime, i64)>,
    pub extension: Option<ExtensionRow>,
    pub feedback: Vec<FeedbackRow>,
    /// The supervising agencies whose `under:` scope the report counts in
    /// ([`Supervisors::of_parts`] of the assignments, with the tree of the moment).
    pub supervising: Vec<String>,
}

impl Facts {
    /// A report that does not exist (yet): contributes nothing.
    pub fn none() -> Self {
        Self::default()
    }

    /// Reads the facts of a report (inside the transaction that changes it).
    pub fn load(conn: &mut DbConn, report_id: &str, tree: &Supervisors) -> AppResult<Self> {
        let Some(report) = repo::reports::find(conn, report_id)? else {
            return Ok(Self::none());
        };
        // A merged duplicate counts once, as its parent (README, "Duplicates").
        if repo::duplicates::parent_of(conn, report_id)?.is_some() {
            return Ok(Self::none());
        }
        let assignments = repo::reports::assignments_of(conn, report_id)?;
        Ok(Self {
            report: Some(report),
            supervising: tree.of_parts(&assignments),
            assignments,
            clocks: repo::reports::clocks_of(conn, report_id)?,
            outcome: repo::reports::outcome_of(conn, report_id)?,
            extension: repo::reports::extension_of(conn, report_id)?,
            feedback: repo::reports::feedback_of(conn, report_id)?,
        })
    }
}

impl Facts {
    /// The facts of many reports, read with one statement per table (for a rebuild).
    pub fn load_many(
        conn: &mut DbConn,
        ids: &[String],
        tree: &Supervisors,
    ) -> AppResult<Vec<Self>> {
        use std::collections::HashMap;
        let merged: std::collections::HashSet<String> =
            repo::duplicates::children_among(conn, ids)?
                .into_iter()
                .collect();
        let mut by: HashMap<String, Facts> = repo::reports::find_many(conn, ids)?
            .into_iter()
            .filter(|r| !merged.contains(&r.id))
            .map(|r| {
                (
                    r.id.clone(),
                    Facts {
                        report: Some(r),
                        ..Facts::none()
                    },
                )
            })
            .collect();
        for a in repo::reports::assignments_of_many(conn, ids)? {
            if let Some(f) = by.get_mut(&a.report_id) {
                f.assignments.push(a);
            }
        }
        for c in repo::reports::clocks_of_many(conn, ids)? {
            if let Some(f) = by.get_mut(&c.report_id) {
                f.clocks.push(c);
            }
        }
        for (id, at, seconds) in repo::reports::outcomes_of_many(conn, ids)? {
            if let Some(f) = by.get_mut(&id) {
                f.outcome = Some((at, seconds));
            }
        }
        for e in repo::reports::extensions_of_many(conn, ids)? {
            if let Some(f) = by.get_mut(&e.report_id) {
                f.extension = Some(e);
            }
        }
        for fb in repo::reports::feedback_of_many(conn, ids)? {
            if let Some(f) = by.get_mut(&fb.report_id) {
                f.feedback.push(fb);
            }
        }
        Ok(by
            .into_values()
            .map(|mut f| {
                f.supervising = tree.of_parts(&f.assignments);
                f
            })
            .collect())
    }
}

/// The local (Asia/Ho_Chi_Minh) date of an instant stored in UTC.
pub fn local_day(t: NaiveDateTime) -> NaiveDate {
    crate::domain::calendar::local_date(t.and_utc())
}

/// The first day of the month of a date.
pub fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

type Key = (String, NaiveDate, &'static str, String, String);

/// What a report adds to the counters, per (scope, local day, metric, k1, k2).
pub fn contribution(f: &Facts) -> BTreeMap<Key, i64> {
    let mut out = BTreeMap::new();
    let Some(r) = &f.report else {
        return out;
    };
    let mut items: Vec<(NaiveDate, &'static str, String, String)> = Vec::new();
    let submitted = local_day(r.submitted_at);
    let lead = r.lead_agency_id.clone().unwrap_or_default();
    items.push((submitted, metric::STATUS, r.status.into(), String::new()));
    items.push((submitted, metric::CHANNEL, r.channel.into(), String::new()));
    items.push((
        submitted,
        metric::CATEGORY,
        r.category_code.clone(),
        String::new(),
    ));
    items.push((
        submitted,
        metric::AREA,
        r.admin_unit_code.clone(),
        String::new(),
    ));
    items.push((submitted, metric::AGENCY, lead, String::new()));
    if let Some(p) = r.published_at {
        let day = local_day(p);
        items.push((
            day,
            metric::PUBLISHED,
            r.category_code.clone(),
            String::new(),
        ));
        if let Some(rating) = &r.rating {
            items.push((day, metric::RATING, rating.clone(), String::new()));
        }
    }
    if let Some((at, seconds)) = f.outcome {
        items.push((
            local_day(at),
            metric::MINUTES,
            (seconds / 60).to_string(),
            String::new(),
        ));
    }
    for c in &f.clocks {
        let (None, Some(done)) = (c.cancelled_at, c.done_at) else {
            continue;
        };
        let day = local_day(c.due_at);
        let agency = c.agency_id.clone().unwrap_or_default();
        let metric = match ClockState::of(c.due_at, Some(done), false, done) {
            ClockState::OnTime => metric::STEP_ON_TIME,
            _ => metric::STEP_LATE,
        };
        items.push((day, metric, c.step.clone(), agency.clone()));
        if c.due_at != c.original_due_at {
            items.push((day, metric::STEP_EXTENDED, c.step.clone(), agency));
        }
    }
    for a in f
        .assignments
        .iter()
        .filter(|a| a.role == AssignmentRole::Lead)
    {
        let day = local_day(a.assigned_at);
        items.push((day, metric::LEAD, a.agency_id.clone(), "assigned".into()));
        if matches!(
            a.status,
            AssignmentStatus::Approved | AssignmentStatus::Returned
        ) {
            items.push((day, metric::LEAD, a.agency_id.clone(), a.status.into()));
        }
        if let Some(rating) = &r.rating {
            items.push((day, metric::LEAD, a.agency_id.clone(), rating.clone()));
        }
    }
    if let Some(at) = f.extension.as_ref().and_then(|e| e.confirmed_at) {
        items.push((
            local_day(at),
            metric::EXTENSION,
            String::new(),
            String::new(),
        ));
    }
    for fb in &f.feedback {
        items.push((
            local_day(fb.created_at),
            metric::FEEDBACK,
            String::new(),
            String::new(),
        ));
    }
    // The scopes the report counts in (see `service::statistics::scope`).
    let mut scopes = vec![ALL.to_string()];
    if crate::domain::visibility::publicly_counted(r.confidential, r.state_secret) {
        scopes.push(PUBLIC.to_string());
    }
    for a in &f.assignments {
        if a.status != AssignmentStatus::Cancelled && !scopes.contains(&a.agency_id) {
            scopes.push(a.agency_id.clone());
        }
    }
    scopes.push(by::category(&r.category_code));
    scopes.push(by::area(&r.admin_unit_code));
    scopes.push(by::channel(r.channel.as_str()));
    if let Some(lead) = &r.lead_agency_id {
        scopes.push(by::lead(lead));
    }
    for s in &f.supervising {
        scopes.push(by::under(s));
    }
    for s in &scopes {
        for (day, metric, k1, k2) in &items {
            *out.entry((s.clone(), *day, *metric, k1.clone(), k2.clone()))
                .or_insert(0) += 1;
        }
    }
    out
}

/// The counter rows (day and month) that turn `before` into `after`.
pub fn deltas(before: &Facts, after: &Facts) -> Vec<CounterDelta> {
    let mut sum = Summed::new();
    add_into(&mut sum, before, after);
    rows_of(sum)
}

/// Adds to the counters what changed between two readings of a report's facts.
pub fn record(conn: &mut DbConn, before: &Facts, after: &Facts) -> AppResult<()> {
    let d = deltas(before, after);
    if !d.is_empty() {
        stats::add_counts(conn, &d)?;
    }
    Ok(())
}

/// The seed step that marks the counters as built from the reports.
pub const BUILT: &str = "stat_counts_v3";

/// Rebuilds every counter from the reports (inside a write transaction). Returns how many
/// reports were read.
pub fn rebuild(conn: &mut DbConn) -> AppResult<usize> {
    stats::clear_counts(conn)?;
    let tree = Supervisors::load(conn)?;
    let mut after = String::new();
    let mut seen = 0;
    loop {
        let ids = stats::report_ids_after(conn, &after, 500)?;
        let Some(last) = ids.last().cloned() else {
            return Ok(seen);
        };
        let mut batch = BTreeMap::new();
        for facts in Facts::load_many(conn, &ids, &tree)? {
            add_into(&mut batch, &Facts::none(), &facts);
        }
        add_summed(conn, batch)?;
        seen += ids.len();
        after = last;
    }
}

/// Counter rows by (scope, grain, day, metric, k1, k2), summed over many reports before they
/// are written.
pub type Summed = BTreeMap<
    (
        String,
        &'static str,
        NaiveDate,
        &'static str,
        String,
        String,
    ),
    i64,
>;

/// Adds what one report's change (`before` to `after`) contributes, at the day and the month
/// grain, to a sum over one or many reports.
pub fn add_into(sum: &mut Summed, before: &Facts, after: &Facts) {
    for (facts, sign) in [(after, 1), (before, -1)] {
        for ((scope, day, metric, k1, k2), n) in contribution(facts) {
            *sum.entry((
                scope.clone(),
                metric::DAY,
                day,
                metric,
                k1.clone(),
                k2.clone(),
            ))
            .or_insert(0) += sign * n;
            *sum.entry((scope, metric::MONTH, month_of(day), metric, k1, k2))
                .or_insert(0) += sign * n;
        }
    }
}

/// The counter rows of a sum (those that change something).
fn rows_of(sum: Summed) -> Vec<CounterDelta> {
    sum.into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((scope, grain, day, metric, k1, k2), n)| CounterDelta {
            scope,
            grain,
            day,
            metric,
            k1,
            k2,
            n,
        })
        .collect()
}

/// Writes a sum made by [`add_into`].
pub fn add_summed(conn: &mut DbConn, sum: Summed) -> AppResult<()> {
    let rows = rows_of(sum);
    if !rows.is_empty() {
        stats::add_counts(conn, &rows)?;
    }
    Ok(())
}

/// The counters of the previous format: everything of [`BUILT`] but the supervisors' scopes.
const BUILT_BEFORE_SUPERVISORS: &str = "stat_counts_v2";

/// Builds the counters once, for a database whose reports predate them. Counters of the
/// previous format only lack the supervisors' scopes: those are added by counting the reports
/// of the supervised agencies (as if the tree had just been made), not by reading every report,
/// so that the first start after the upgrade stays short at any size.
pub fn ensure_built(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<bool> {
    crate::db::write_tx(conn, |c| -> AppResult<bool> {
        if crate::db::seed::has_run(c, BUILT)? {
            return Ok(false);
        }
        if crate::db::seed::has_run(c, BUILT_BEFORE_SUPERVISORS)? {
            hold_tree(c, true)?;
            tree_changed(c, &Supervisors::default())?;
        } else {
            rebuild(c)?;
        }
        crate::db::seed::record_run(c, BUILT, now)?;
        Ok(true)
    })
}
