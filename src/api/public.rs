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
use crate::service::reports::queries;

/// Filters and page of the public list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// Category code.
    pub category: Option<String>,
    /// Administrative unit code.
    pub admin_unit: Option<String>,
    /// Text in the code, title or content.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Published results, newest first. Confidential and state-secret reports never appear (Art. 9.3).
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
        text: q.q.filter(|t| !t.trim().is_empty()),
        ..Default::default()
    };
    let (limit, cursor) = (q.limit.unwrap_or(20), q.cursor);
    let (rows, next) =
        block(move || queries::public_list(&st, filter, cursor.as_deref(), limit)).await??;
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
