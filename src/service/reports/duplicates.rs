//! Duplicate reports (README, "Duplicates").
//!
//! **Suggestions.** A report is compared with the reports of the same or a related category
//! (routed to the same agency), within `PAHT_DUPLICATE_RADIUS_M` of its place (in its
//! administrative unit when either has no place), submitted within `PAHT_DUPLICATE_WINDOW_DAYS`
//! of it, not refused and not themselves duplicates. Each gets a score from 0 to 1:
//! `0.35 × text + 0.25 × place + 0.2 × time + 0.2 × category`, where text is the share of words
//! the two have in common (Jaccard, over folded words, common words left out), place is
//! `1 − distance / radius` (0.5 for the same unit without coordinates), time is
//! `1 − hours apart / window`, and category is 1 for the same, 0.5 for a related one. Those
//! scoring at least [`THRESHOLD`] are suggested, best first, at most [`MAX_SUGGESTIONS`], each
//! with its reasons. A suggestion never blocks a submission.
//!
//! **Links.** The IOC links a child to its parent while the child is still in the IOC's hands
//! (submitted, waiting for information, or accepted but not dispatched). The child's clocks stop,
//! it takes no action until unlinked, its view shows the parent's state and result, its reporter
//! receives the parent's messages (forwarded, refused, extended, published), and it leaves the
//! statistics (the two count once, as the parent). Unlinking starts the child's IOC step again
//! from that moment.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::models::{DuplicateRow, ReportChanges, ReportRow};
use crate::db::repo::duplicates::{self as dup, Probe};
use crate::db::repo::reports::Place;
use crate::db::{DbConn, repo};
use crate::domain::report::ReportStatus;
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

/// The least score suggested.
pub const THRESHOLD: f64 = 0.5;
/// The most suggestions given.
pub const MAX_SUGGESTIONS: usize = 5;

/// Why a report was suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct Reasons {
    pub same_category: bool,
    /// A different category routed to the same agency.
    pub related_category: bool,
    /// Metres apart, when both have coordinates.
    pub distance_m: Option<f64>,
    pub same_admin_unit: bool,
    pub hours_apart: f64,
    /// The share of words in common, 0–1.
    pub text_similarity: f64,
    /// The folded words in common (at most 10).
    pub shared_words: Vec<String>,
}

/// A report that may be the same.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub report: ReportRow,
    pub score: f64,
    pub reasons: Reasons,
}

/// Words too common to tell two reports apart.
const COMMON: &[&str] = &[
    "va", "o", "cua", "la", "co", "cac", "nhung", "mot", "tai", "tren", "duoc", "cho", "de", "khi",
    "thi", "nay", "do", "da", "dang", "rat", "trong", "voi", "bi", "nguoi", "dan", "so", "khong",
    "nhieu", "den", "ra", "vao", "tu", "toi", "chung", "em", "anh", "chi", "ong", "ba", "xin",
    "de", "nghi", "phan", "anh", "gi", "lai", "con", "se", "cung", "nen", "vi", "hay",
];

fn word_set(r: &ReportRow) -> HashSet<String> {
    let text = format!(
        "{} {}",
        r.title,
        r.content_corrected.as_deref().unwrap_or(&r.content)
    );
    crate::domain::text::words(&text)
        .into_iter()
        .filter(|w| w.chars().count() > 1 && !COMMON.contains(&w.as_str()))
        .collect()
}

/// Scores a candidate against the subject; `None` below the threshold.
fn score(
    subject: &ReportRow,
    words: &HashSet<String>,
    c: ReportRow,
    radius_m: f64,
    window_days: i64,
) -> Option<Suggestion> {
    let theirs = word_set(&c);
    let mut shared: Vec<String> = words.intersection(&theirs).cloned().collect();
    shared.sort();
    let union = words.union(&theirs).count();
    let text = if union == 0 {
        0.0
    } else {
        shared.len() as f64 / union as f64
    };
    let same_category = c.category_code == subject.category_code;
    let distance_m = match (subject.latitude, subject.longitude, c.latitude, c.longitude) {
        (Some(a), Some(b), Some(x), Some(y)) => Some(Place::metres(a, b, x, y)),
        _ => None,
    };
    let same_admin_unit = c.admin_unit_code == subject.admin_unit_code;
    let place = match distance_m {
        Some(d) => (1.0 - d / radius_m).max(0.0),
        None if same_admin_unit => 0.5,
        None => 0.0,
    };
    let hours = (subject.submitted_at - c.submitted_at).num_minutes().abs() as f64 / 60.0;
    let time = (1.0 - hours / (window_days as f64 * 24.0)).max(0.0);
    let category = if same_category { 1.0 } else { 0.5 };
    let s = 0.35 * text + 0.25 * place + 0.2 * time + 0.2 * category;
    let s = (s * 100.0).round() / 100.0;
    (s >= THRESHOLD).then(|| {
        shared.truncate(10);
        Suggestion {
            score: s,
            reasons: Reasons {
                same_category,
                related_category: !same_category,
                distance_m: distance_m.map(|d| d.round()),
                same_admin_unit,
                hours_apart: (hours * 10.0).round() / 10.0,
                text_similarity: (text * 100.0).round() / 100.0,
                shared_words: shared,
            },
            report: c,
        }
    })
}

/// Likely duplicates of `subject` among the reports (only those the public may read when
/// `public_only`), best first.
pub fn suggest(
    st: &Context,
    c: &mut DbConn,
    subject: &ReportRow,
    public_only: bool,
) -> AppResult<Vec<Suggestion>> {
    let radius = st.config.duplicate_radius_m;
    let window = st.config.duplicate_window_days;
    let place = match (subject.latitude, subject.longitude) {
        (Some(lat), Some(lng)) => Some(Place::Near {
            lat,
            lng,
            metres: radius,
        }),
        _ => None,
    };
    let probe = Probe {
        id: Some(subject.id.clone()),
        categories: dup::related_categories(c, &subject.category_code)?,
        place,
        admin_unit: subject.admin_unit_code.clone(),
        from: subject.submitted_at - TimeDelta::days(window),
        to: subject.submitted_at + TimeDelta::days(window),
        public_only,
    };
    let words = word_set(subject);
    let mut out: Vec<Suggestion> = dup::candidates(c, &probe)?
        .into_iter()
        .filter_map(|r| score(subject, &words, r, radius, window))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.report.submitted_at.cmp(&a.report.submitted_at))
    });
    out.truncate(MAX_SUGGESTIONS);
    Ok(out)
}

/// What a submitter is told right after submitting: for the IOC entering a report, any report;
/// for a citizen or a guest, only published reports the public may read.
pub fn at_submission(st: &Context, who: &Principal, id: &str) -> AppResult<Vec<Suggestion>> {
    let mut conn = st.pool.get()?;
    let Some(r) = repo::reports::find(&mut conn, id)? else {
        return Ok(Vec::new());
    };
    let public_only = !matches!(who.role, Role::Operator | Role::Province | Role::Admin);
    suggest(st, &mut conn, &r, public_only)
}

fn ioc_only(who: &Principal) -> AppResult<()> {
    if matches!(who.role, Role::Operator | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// The IOC's suggestions for one report.
pub fn for_report(st: &Context, who: &Principal, id: &str) -> AppResult<Vec<Suggestion>> {
    if !matches!(who.role, Role::Operator | Role::Province | Role::Admin) {
        return Err(AppError::forbidden());
    }
    let mut conn = st.pool.get()?;
    let r = super::load_visible(&mut conn, who, id)?;
    suggest(st, &mut conn, &r, false)
}

/// A link and the report at its other end.
pub type Linked = (DuplicateRow, ReportRow);

/// Where a report stands as a duplicate: its parent, or its children.
#[derive(Debug, Clone, Default)]
pub struct Family {
    pub parent: Option<Linked>,
    pub children: Vec<Linked>,
}

pub fn family(c: &mut DbConn, id: &str) -> AppResult<Family> {
    let parent = match dup::parent_of(c, id)? {
        Some(l) => repo::reports::find(c, &l.parent_id)?.map(|p| (l, p)),
        None => None,
    };
    let mut children = Vec::new();
    for l in dup::children_of(c, id)? {
        if let Some(r) = repo::reports::find(c, &l.child_id)? {
            children.push((l, r));
        }
    }
    Ok(Family { parent, children })
}

/// The states in which a report may become a child: still in the IOC's hands.
const LINKABLE: [ReportStatus; 3] = [
    ReportStatus::Submitted,
    ReportStatus::NeedsInfo,
    ReportStatus::Accepted,
];

fn refuse(code: &'static str, vi: &'static str, en: &'static str) -> AppError {
    AppError::conflict(code, vi, en)
}

/// Links `child_id` to `parent_id` (Art. 7: the IOC verifies what it receives).
pub fn link(
    st: &Context,
    who: &Principal,
    child_id: &str,
    parent_id: &str,
    note: Option<String>,
) -> AppResult<()> {
    ioc_only(who)?;
    if child_id == parent_id {
        return Err(refuse(
            "duplicate_of_itself",
            "Một phản ánh không thể trùng với chính nó.",
            "A report cannot duplicate itself.",
        ));
    }
    in_family_tx(st, who, child_id, parent_id, |ctx, c, child, parent| {
        if !LINKABLE.contains(&child.status) || !without_agency_parts(c, &child.id)? {
            return Err(refuse(
                "not_linkable",
                "Chỉ gộp được phản ánh còn ở bước tiếp nhận của Trung tâm IOC (chưa chuyển cơ quan xử lý).",
                "Only a report still with the IOC (not dispatched) can be linked as a duplicate.",
            ));
        }
        if parent.status == ReportStatus::Rejected {
            return Err(refuse(
                "parent_refused",
                "Không gộp vào phản ánh đã bị từ chối.",
                "A report cannot be linked to a refused one.",
            ));
        }
        if dup::parent_of(c, &child.id)?.is_some() {
            return Err(refuse(
                "already_duplicate",
                "Phản ánh này đã được gộp vào phản ánh khác; hãy bỏ gộp trước.",
                "This report is already linked to another; unlink it first.",
            ));
        }
        if dup::parent_of(c, &parent.id)?.is_some() {
            return Err(refuse(
                "parent_is_duplicate",
                "Phản ánh gốc được chọn lại là bản trùng của phản ánh khác; hãy gộp vào phản ánh gốc đầu tiên.",
                "The chosen original is itself a duplicate; link to its original.",
            ));
        }
        if !dup::children_of(c, &child.id)?.is_empty() {
            return Err(refuse(
                "has_duplicates",
                "Phản ánh này đang là gốc của các phản ánh trùng khác.",
                "This report is the original of other duplicates.",
            ));
        }
        dup::link(
            c,
            &DuplicateRow {
                child_id: child.id.clone(),
                parent_id: parent.id.clone(),
                linked_by: who.user_id.clone(),
                linked_at: ctx.now_naive(),
                note: note.clone(),
            },
        )?;
        // The child's own clocks stop: it follows its parent now.
        repo::reports::cancel_clocks(c, &child.id, None, ctx.now_naive())?;
        ctx.event(
            c,
            &child,
            "duplicate_linked",
            None,
            None,
            Some(parent.code.clone()),
        )?;
        ctx.event(
            c,
            &parent,
            "duplicate_attached",
            None,
            None,
            Some(child.code.clone()),
        )?;
        ctx.save(c, &child, ReportChanges::default())?;
        ctx.save(c, &parent, ReportChanges::default())
    })
}

/// Unlinks a child: it stands alone again, its IOC step starting afresh.
pub fn unlink(st: &Context, who: &Principal, child_id: &str) -> AppResult<()> {
    ioc_only(who)?;
    let parent_id = {
        let mut conn = st.pool.get()?;
        let r = super::load_visible(&mut conn, who, child_id)?;
        match dup::parent_of(&mut conn, &r.id)? {
            Some(l) => l.parent_id,
            None => return Err(not_a_duplicate()),
        }
    };
    in_family_tx(st, who, child_id, &parent_id, |ctx, c, child, parent| {
        if !dup::unlink(c, &child.id)? {
            return Err(not_a_duplicate());
        }
        // Annex II step 1: back in the IOC's queue, its 4 working hours run from now (a report
        // waiting for the reporter's supplement waits on them, with no clock).
        if child.status != ReportStatus::NeedsInfo {
            ctx.start_clock(c, &child.id, Step::Dispatch, None, ctx.now)?;
        }
        ctx.event(
            c,
            &child,
            "duplicate_unlinked",
            None,
            None,
            Some(parent.code.clone()),
        )?;
        ctx.event(
            c,
            &parent,
            "duplicate_detached",
            None,
            None,
            Some(child.code.clone()),
        )?;
        ctx.save(c, &child, ReportChanges::default())?;
        ctx.save(c, &parent, ReportChanges::default())
    })
}

fn not_a_duplicate() -> AppError {
    refuse(
        "not_a_duplicate",
        "Phản ánh này không được gộp vào phản ánh nào.",
        "This report is not linked to another.",
    )
}

fn without_agency_parts(c: &mut DbConn, id: &str) -> AppResult<bool> {
    Ok(repo::reports::assignments_of(c, id)?
        .iter()
        .all(|a| a.status == crate::domain::report::AssignmentStatus::Cancelled))
}

/// Runs a change of two reports in one transaction: both locked in the order of their ids (two
/// operators linking A to B and B to A cannot deadlock, and the second sees the first's link),
/// their statistics and messages following them.
fn in_family_tx(
    st: &Context,
    who: &Principal,
    child_id: &str,
    parent_id: &str,
    f: impl FnOnce(&super::Act<'_>, &mut DbConn, ReportRow, ReportRow) -> AppResult<()>,
) -> AppResult<()> {
    use crate::service::stat_counts::{self, Facts};
    let mut conn = st.pool.get()?;
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let ctx = super::Act {
        st,
        who,
        now: st.clock.now(),
        cal,
        follow_up_token: Default::default(),
    };
    st.report_write_tx(&mut conn, |c| {
        let (first, second) = if child_id < parent_id {
            (child_id, parent_id)
        } else {
            (parent_id, child_id)
        };
        repo::reports::lock(c, first)?;
        repo::reports::lock(c, second)?;
        let child = super::load_visible(c, who, child_id)?;
        let parent = super::load_visible(c, who, parent_id)?;
        stat_counts::hold_tree(c, false)?;
        let tree = stat_counts::Supervisors::load(c)?;
        let before = [
            Facts::load(c, child_id, &tree)?,
            Facts::load(c, parent_id, &tree)?,
        ];
        let seqs = [
            repo::reports::last_seq(c, child_id)?,
            repo::reports::last_seq(c, parent_id)?,
        ];
        f(&ctx, c, child, parent)?;
        crate::service::notify::plan_after(st, c, child_id, seqs[0])?;
        crate::service::notify::plan_after(st, c, parent_id, seqs[1])?;
        for (id, b) in [child_id, parent_id].into_iter().zip(before.iter()) {
            let after = Facts::load(c, id, &tree)?;
            stat_counts::record(c, b, &after)?;
        }
        Ok(())
    })
}

/// The parent a child follows, as the child's readers see it.
#[derive(Debug, Clone)]
pub struct Followed {
    pub link: DuplicateRow,
    pub parent: ReportRow,
    /// The parent's published answer and its agency's name: for staff once published, for the
    /// child's reporter once published to the public (a confidential result is its own
    /// reporter's alone).
    pub answer: Option<(String, Option<String>)>,
}

/// What the readers of a report see of its family: its parent (if a child) and, for staff, its
/// children.
pub fn followed(
    c: &mut DbConn,
    id: &str,
    staff: bool,
) -> AppResult<(Option<Followed>, Vec<Linked>)> {
    let fam = family(c, id)?;
    let parent = match fam.parent {
        Some((link, parent)) => {
            let open = parent.status == ReportStatus::Published
                && (staff
                    || crate::domain::visibility::publicly_listed(
                        parent.status,
                        parent.confidential,
                        parent.state_secret,
                    ));
            let answer = if open {
                let parts = repo::reports::assignments_of(c, &parent.id)?;
                match crate::db::models::lead_answer(&parts) {
                    Some(a) => {
                        let agency = match &parent.lead_agency_id {
                            Some(x) => repo::agencies::find(c, x)?.map(|g| g.name),
                            None => None,
                        };
                        Some((a.to_string(), agency))
                    }
                    None => None,
                }
            } else {
                None
            };
            Some(Followed {
                link,
                parent,
                answer,
            })
        }
        None => None,
    };
    Ok((parent, if staff { fam.children } else { Vec::new() }))
}

/// When a link was made.
pub fn linked_at(l: &DuplicateRow) -> DateTime<Utc> {
    l.linked_at.and_utc()
}
