//! Duplicates in a report's view: the report it follows, the reports merged into it, the
//! suggestions; and the answers an Open311 filing gave to its category's attributes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::views::utc;
use crate::domain::report::ReportStatus;
use crate::service::records::{DuplicateRow, ReportRow};
use crate::service::reports::duplicates::{Followed, Suggestion, linked_at};

/// An answer to an attribute of a category's service definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAttributeAnswer {
    /// The attribute's code.
    pub code: String,
    /// The value given.
    pub value: String,
}

/// The report this one was merged into: it follows that one's state and result.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateOfView {
    /// Its id (staff only).
    pub id: Option<String>,
    /// Its tracking code.
    pub code: String,
    /// Its state, which this report follows.
    pub status: ReportStatus,
    /// When its result was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Its published answer (for the reporter, once published to the public).
    pub answer: Option<String>,
    /// The agency that answered.
    pub agency_name: Option<String>,
    /// When the IOC merged this report into it.
    pub linked_at: DateTime<Utc>,
}

impl DuplicateOfView {
    pub fn new(f: Followed, staff: bool) -> Self {
        let (answer, agency_name) = match f.answer {
            Some((a, g)) => (Some(a), g),
            None => (None, None),
        };
        Self {
            id: staff.then(|| f.parent.id.clone()),
            code: f.parent.code,
            status: f.parent.status,
            published_at: f.parent.published_at.map(utc),
            answer,
            agency_name,
            linked_at: linked_at(&f.link),
        }
    }
}

/// A report merged into this one (staff only).
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateChildView {
    /// Its id.
    pub id: String,
    /// Its tracking code.
    pub code: String,
    /// How it arrived.
    pub channel: crate::domain::report::Channel,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When it was merged.
    pub linked_at: DateTime<Utc>,
    /// The operator's note.
    pub note: Option<String>,
}

impl DuplicateChildView {
    pub fn new((l, r): (DuplicateRow, ReportRow)) -> Self {
        Self {
            id: r.id,
            code: r.code,
            channel: r.channel,
            submitted_at: utc(r.submitted_at),
            linked_at: linked_at(&l),
            note: l.note,
        }
    }
}

/// Why a report was suggested as a duplicate.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateReasons {
    /// The same category.
    pub same_category: bool,
    /// A different category routed to the same agency.
    pub related_category: bool,
    /// Metres apart (when both have coordinates).
    pub distance_m: Option<f64>,
    /// The same administrative unit.
    pub same_admin_unit: bool,
    /// Hours between the two submissions.
    pub hours_apart: f64,
    /// The share of words in common, 0–1.
    pub text_similarity: f64,
    /// Words in common (folded; at most 10).
    pub shared_words: Vec<String>,
}

/// A report that may be the same as this one (README, "Duplicates"); never a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateSuggestion {
    /// Its id (staff only).
    pub id: Option<String>,
    /// Its tracking code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// Its state.
    pub status: ReportStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// 0–1: `0.35 × text + 0.25 × place + 0.2 × time + 0.2 × category`; suggested from 0.5.
    pub score: f64,
    /// Why.
    pub reasons: DuplicateReasons,
}

impl DuplicateSuggestion {
    pub fn new(s: Suggestion, staff: bool) -> Self {
        let r = s.reasons;
        Self {
            id: staff.then(|| s.report.id.clone()),
            code: s.report.code,
            title: s.report.title,
            status: s.report.status,
            submitted_at: utc(s.report.submitted_at),
            score: s.score,
            reasons: DuplicateReasons {
                same_category: r.same_category,
                related_category: r.related_category,
                distance_m: r.distance_m,
                same_admin_unit: r.same_admin_unit,
                hours_apart: r.hours_apart,
                text_similarity: r.text_similarity,
                shared_words: r.shared_words,
            },
        }
    }
}
