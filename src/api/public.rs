//! `/api/v1/public/*`: published results for anyone, with no personal data (Art. 4.5, 9.3).

use actix_web::get;
use actix_web::web::{Data, Json, Path, block};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::ValidQuery;
use crate::api::report_views::{PublicReportPage, PublicReportView};
use crate::api::state::AppState;
use crate::error::{AppResult, Problem};
use crate::service::records::ReportFilter;
use crate::service::reports::{queries, search};

/// Filters and page of the public list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// Category code.
    pub category: Option<String>,
    /// Administrative unit code.
    pub admin_unit: Option<String>,
    /// Search (see the README, "Search"): words, `"a phrase"`, `prefix*`, `-excluded`, with or
    /// without diacritics; over what the public may read (code, title, the content as
    /// published, address, answer).
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
    /// `newest` (newest publication first; the default without `q`) or `relevance` (best match
    /// of `q` first; the default with `q`).
    pub sort: Option<PublicOrder>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The order of the public list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PublicOrder {
    /// Newest publication first.
    Newest,
    /// Best match of `q` first.
    Relevance,
}

/// Published results, newest first (best match first with a search). Confidential and state-secret reports never appear (Art. 9.3).
#[utoipa::path(tag = "public", operation_id = "listPublicReports", params(PublicQuery),
    responses((status = 200, description = "A page of published reports.", body = PublicReportPage, headers(("ETag" = String, description = "A weak tag of this answer; send it back in `If-None-Match` to get 304 when nothing changed."), ("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is the current one (no body).")))]
#[get("/public/reports")]
pub async fn list(
    st: Data<AppState>,
    q: ValidQuery<PublicQuery>,
) -> AppResult<Json<PublicReportPage>> {
    let q = q.into_inner();
    let filter = ReportFilter {
        category: q.category,
        admin_unit: q.admin_unit,
        text: search::read_query(q.q.as_deref())?,
        place: search::read_place(q.bbox.as_deref(), q.near.as_deref(), q.within)?,
        ..Default::default()
    };
    let by_relevance = q.sort.unwrap_or(PublicOrder::Relevance) == PublicOrder::Relevance;
    let (limit, cursor) = (q.limit.unwrap_or(20), q.cursor);
    let (rows, next) =
        block(move || queries::public_list(&st, filter, by_relevance, cursor.as_deref(), limit))
            .await??;
    Ok(Json(PublicReportPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor: next,
    }))
}

/// A published report by its tracking code: place, status, the timeline of steps and the result;
/// no reporter (unless they agreed to show their name), no internal notes.
#[utoipa::path(tag = "public", operation_id = "getPublicReport",
    params(("code" = String, Path, description = "Tracking code, e.g. PA-2026-000123")),
    responses((status = 200, description = "The published report.", body = PublicReportView, headers(("ETag" = String, description = "A weak tag of this answer; send it back in `If-None-Match` to get 304 when nothing changed."), ("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is the current one (no body)."),
        (status = 404, description = "No published report with this code.", body = Problem, content_type = "application/problem+json")))]
#[get("/public/reports/{code}")]
pub async fn get_one(st: Data<AppState>, code: Path<String>) -> AppResult<Json<PublicReportView>> {
    let code = code.into_inner();
    Ok(Json(
        block(move || queries::public_get(&st, &code))
            .await??
            .into(),
    ))
}
