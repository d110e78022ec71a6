//! `/api/v1/reports/*`: submission, verification and dispatch by the IOC, publication, the
//! reporter's supplement, feedback and rating, emergencies; lists and history.
//!
//! This file: submission, lists, one report, its history; `verification`, `dispatching`,
//! `publication` and `emergency`: the actions by stage.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::borrow::Borrow;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery, de};
use crate::api::report_views::{DispatchView, EventView, ReportPage, ReportSummary, ReportView};
use crate::api::state::AppState;
use crate::domain::report::{Channel, ReportStatus};
use crate::error::{AppError, AppResult, FieldError, Msg, Problem};
use crate::service::auth::Principal;
use crate::service::records::ReportFilter;
use crate::service::reports::actions::{
    self, AcceptInput, ClarificationInput, CorrectionInput, DispatchInput, EmergencyCallInput,
    EmergencyFinishedInput, EmergencyRecordInput, FeedbackInput, FlagsInput, ForwardInput, Note,
    RatingInput, ReferralDecisionInput, ReferralInput, RejectInput, RequestInfoInput,
};
use crate::service::reports::intake::{self, NewReport, Submitted, Supplement};
use crate::service::reports::queries::{self, Sort};
use crate::service::reports::search;

mod archive;
mod dispatching;
mod duplicate_links;
mod emergency;
mod publication;
mod verification;

pub use archive::*;
pub use dispatching::*;
pub use duplicate_links::*;
pub use emergency::*;
pub use publication::*;
pub use verification::*;

/// Runs an action on a report and answers the report after it, in one hop to the blocking
/// pool.
async fn answered<T: Send + 'static, W: Borrow<Principal> + Send + 'static>(
    st: Data<AppState>,
    who: W,
    id: String,
    f: impl FnOnce(&crate::service::Context, &W, &str) -> AppResult<T> + Send + 'static,
) -> AppResult<Json<ReportView>> {
    let v = block(move || {
        f(&st, &who, &id)?;
        queries::get(&st, who.borrow(), &id)
    })
    .await??;
    Ok(Json(v.into()))
}

/// Loads the report after an action and answers it.
async fn view(st: Data<AppState>, who: Principal, id: String) -> AppResult<Json<ReportView>> {
    Ok(Json(
        block(move || queries::get(&st, &who, &id)).await??.into(),
    ))
}

/// Submit a report.
///
/// A citizen submits through `app` or `portal`; an operator enters a report received by
/// `email` or `hotline` on the citizen's behalf (Art. 7.2). An `Idempotency-Key` header makes a
/// retried submission answer the first report instead of creating a second (same key with a
/// different body → 422). The IOC's dispatch clock (4 working hours) starts now.
#[utoipa::path(tag = "reports", operation_id = "submitReport", security(("bearer" = [])), request_body = NewReport,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 100, pattern = "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$", description = "A client-chosen key (1–100 visible ASCII characters) that makes retries safe")),
    responses((status = 201, description = "Created (or, for a retried key, the first report with `Idempotent-Replayed: true`).", body = ReportView)))]
#[post("/reports")]
pub async fn submit(
    st: Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: ValidJson<NewReport>,
) -> AppResult<HttpResponse> {
    let key = match req.headers().get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 100)
                .map(str::to_string)
                .ok_or_else(|| {
                    AppError::bad_parameter(
                        "invalid_header",
                        vec![FieldError::new(
                            "Idempotency-Key",
                            "invalid_value",
                            Msg::new(
                                "Khóa phải có 1–100 ký tự.",
                                "The key must have 1–100 characters.",
                            ),
                        )],
                    )
                })?,
        ),
    };
    // Refused fields are answered here, without a thread of the blocking pool.
    let checked = intake::check_submission(&st, &who, body.into_inner())?;
    let staff = who.role.is_staff();
    let (outcome, similar) = block(move || -> AppResult<_> {
        let outcome = intake::submit_checked(&st, &who, checked, key.as_deref())?;
        let id = match &outcome {
            Submitted::Created(d) | Submitted::Replayed(d) => d.report.id.clone(),
        };
        // After the commit, on its own: a suggestion never holds or blocks the submission.
        let similar = crate::service::reports::duplicates::at_submission(&st, &who, &id)?;
        Ok((outcome, similar))
    })
    .await??;
    let replayed = matches!(outcome, Submitted::Replayed(_));
    let v = match outcome {
        Submitted::Created(d) | Submitted::Replayed(d) => *d,
    };
    let mut res = HttpResponse::Created();
    res.insert_header(("Location", format!("/api/v1/reports/{}", v.report.id)));
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    let mut view = ReportView::from(v);
    view.possible_duplicates = Some(
        similar
            .into_iter()
            .map(|s| crate::api::report_views::DuplicateSuggestion::new(s, staff))
            .collect(),
    );
    Ok(res.json(view))
}

/// Filters, order and page of a report list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// States, comma-separated (e.g. `submitted,accepted`); each one of the report's states.
    #[serde(default, deserialize_with = "crate::api::extract::de::comma_list")]
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub status: Vec<ReportStatus>,
    /// Category code.
    pub category: Option<String>,
    /// Administrative unit code.
    pub admin_unit: Option<String>,
    /// Agency id (reports assigned to it).
    pub agency: Option<String>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Only reports with a running step past its deadline (`true`), or none (`false`).
    pub overdue: Option<bool>,
    /// Only emergencies (`true`, Art. 8.6), or none (`false`).
    pub emergency: Option<bool>,
    /// Only reports waiting for the province's decision on a referral (`true`, Art. 3.7), or
    /// none (`false`).
    pub referred: Option<bool>,
    /// Submitted at or after (RFC 3339).
    #[serde(default, deserialize_with = "de::opt_instant")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<DateTime<Utc>>,
    /// Submitted before (RFC 3339).
    #[serde(default, deserialize_with = "de::opt_instant")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<DateTime<Utc>>,
    /// Search (see the README, "Search"): words, `"a phrase"`, `prefix*`, `-excluded`, with or
    /// without diacritics; over the code, title, content (as submitted and as corrected),
    /// address and answer.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only reports inside this box: `west,south,east,north` in decimal degrees.
    #[validate(length(max = 100))]
    #[param(max_length = 100, example = "105.90,9.55,106.05,9.65")]
    pub bbox: Option<String>,
    /// Only reports near this point: `latitude,longitude` in decimal degrees (with `within`).
    #[validate(length(max = 60))]
    #[param(max_length = 60, example = "9.6025,105.9739")]
    pub near: Option<String>,
    /// How far from `near`, in metres (default 500, at most 50,000).
    #[param(minimum = 1, maximum = 50000)]
    pub within: Option<f64>,
    /// `newest` (default without `q`), `due` (soonest running deadline first: the IOC's
    /// queue) or `relevance` (best match of `q` first; the default with `q`).
    pub sort: Option<ListOrder>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListOrder {
    /// Newest first (default).
    Newest,
    /// Soonest running deadline first.
    Due,
    /// Best match of `q` first.
    Relevance,
}

/// List the reports the caller may see: the IOC's queue, an agency's reports, a citizen's own,
/// a supervisor's view of the agencies below, with filters and cursor pagination.
#[utoipa::path(tag = "reports", operation_id = "listReports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "A page of reports.", body = ReportPage)))]
#[get("/reports")]
pub async fn list(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<ReportQuery>,
) -> AppResult<Json<ReportPage>> {
    let now = st.clock.now();
    let (filter, sort, cursor, limit) = q.into_inner().read(now)?;
    let staff = who.role.is_staff();
    let (rows, next) =
        block(move || queries::list(&st, &who, filter, sort, cursor.as_deref(), limit)).await??;
    Ok(Json(ReportPage {
        items: rows
            .into_iter()
            .map(|r| ReportSummary::new(r, now, staff))
            .collect(),
        next_cursor: next,
    }))
}

impl ReportQuery {
    /// The filters, the order, the cursor and the page size it asks for.
    pub fn read(self, now: DateTime<Utc>) -> AppResult<(ReportFilter, Sort, Option<String>, i64)> {
        let q = self;
        let statuses = q.status.iter().map(|s| s.as_str().to_string()).collect();
        let text = search::read_query(q.q.as_deref())?;
        let place = search::read_place(q.bbox.as_deref(), q.near.as_deref(), q.within)?;
        let default = if text.is_some() {
            ListOrder::Relevance
        } else {
            ListOrder::Newest
        };
        let sort = match q.sort.unwrap_or(default) {
            ListOrder::Newest => Sort::Newest,
            ListOrder::Due => Sort::DueSoonest,
            ListOrder::Relevance => Sort::Relevance,
        };
        let filter = ReportFilter {
            statuses,
            category: q.category,
            admin_unit: q.admin_unit,
            agency: q.agency,
            channel: q.channel.map(|c| c.as_str().to_string()),
            overdue_at: q.overdue.map(|o| (o, now.naive_utc())),
            emergency: q.emergency,
            referred: q.referred,
            submitted_from: q.from.map(|t| t.naive_utc()),
            submitted_to: q.to.map(|t| t.naive_utc()),
            text,
            place,
            placed_only: false,
            public_only: false,
        };
        Ok((filter, sort, q.cursor, q.limit.unwrap_or(20)))
    }
}

/// One report, with what the caller may see of it. Staff reads of the reporter's identity are
/// recorded.
#[utoipa::path(tag = "reports", operation_id = "getReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report.", body = ReportView), (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}")]
pub async fn get_one(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<ReportView>> {
    view(st, who, id.into_inner()).await
}

/// The report's history: every action, who did it, from which state to which. Never edited.
#[utoipa::path(tag = "reports", operation_id = "listReportEvents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The events, oldest first.", body = Vec<EventView>), (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/events")]
pub async fn events(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<Vec<EventView>>> {
    let id = id.into_inner();
    let rows = block(move || queries::events(&st, &who, &id)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
