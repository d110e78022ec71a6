//! What anyone may read of a published report (Art. 9.3): no field that could carry personal
//! data, no actor and no internal note.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::views::utc;
use crate::domain::report::ReportStatus;
use crate::service::records::ReportRow;
use crate::service::reports::queries::PublicDetails;

/// A step of a published report's timeline: no actor, no note.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStep {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub action: String,
    /// The state after.
    pub status: Option<String>,
}

/// The published result.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResult {
    /// The lead agency.
    pub agency_id: Option<String>,
    /// Its name.
    pub agency_name: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// The signer's title.
    pub signer_title: Option<String>,
    /// The official letter (Annex I, PDF), the addressee withheld unless the reporter agreed
    /// to show their name: `/api/v1/public/reports/{code}/letter.pdf`.
    pub letter_url: Option<String>,
}

/// A published report as anyone may read it: no reporter identity (unless they consented to
/// their name), no internal notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReportView {
    /// Tracking code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Content (as corrected by the IOC).
    pub content: String,
    /// Category.
    pub category_code: String,
    /// Where.
    pub address: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// The state.
    pub status: ReportStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When the result was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The reporter's name, only when they agreed to show it.
    pub reporter_name: Option<String>,
    /// The result.
    pub result: Option<PublicResult>,
    /// The steps, without actors or notes.
    pub timeline: Vec<PublicStep>,
}

impl From<PublicDetails> for PublicReportView {
    fn from(d: PublicDetails) -> Self {
        let r = d.report;
        let letter_url = d
            .has_letter
            .then(|| format!("/api/v1/public/reports/{}/letter.pdf", r.code));
        Self {
            code: r.code,
            title: r.title,
            content: r.content_corrected.unwrap_or(r.content),
            category_code: r.category_code,
            address: r.address,
            admin_unit_code: r.admin_unit_code,
            latitude: r.latitude,
            longitude: r.longitude,
            status: r.status,
            submitted_at: utc(r.submitted_at),
            published_at: r.published_at.map(utc),
            reporter_name: d.reporter_name,
            result: d.lead.map(|a| PublicResult {
                agency_id: Some(a.agency_id),
                agency_name: d.lead_agency_name,
                answer: a.result_answer,
                signer_title: a.result_signer_title,
                letter_url,
            }),
            timeline: d
                .events
                .into_iter()
                .filter(|e| crate::domain::visibility::PUBLIC_ACTIONS.contains(&e.action.as_str()))
                .map(|e| PublicStep {
                    at: utc(e.at),
                    action: e.action,
                    status: e.to_status,
                })
                .collect(),
        }
    }
}

/// A published report in the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReportSummary {
    /// Tracking code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category_code: String,
    /// Where.
    pub address: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// The state.
    pub status: ReportStatus,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When the result was published.
    pub published_at: Option<DateTime<Utc>>,
}

impl From<ReportRow> for PublicReportSummary {
    fn from(r: ReportRow) -> Self {
        Self {
            code: r.code,
            title: r.title,
            category_code: r.category_code,
            address: r.address,
            admin_unit_code: r.admin_unit_code,
            status: r.status,
            submitted_at: utc(r.submitted_at),
            published_at: r.published_at.map(utc),
        }
    }
}

/// A page of published reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReportPage {
    /// The reports.
    pub items: Vec<PublicReportSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
