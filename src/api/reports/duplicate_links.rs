//! Duplicates (README, "Duplicates"): the IOC's suggestions for a report, and linking a
//! duplicate to its original or unlinking it.

use actix_web::delete;

use super::*;
use crate::api::report_views::DuplicateSuggestion;
use crate::service::reports::duplicates;

/// The IOC, the province, admins: reports that may be the same as this one, best first, each
/// with its score and reasons. A suggestion, never a decision.
#[utoipa::path(tag = "reports", operation_id = "suggestDuplicates", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "Likely duplicates, best first (at most 5).", body = Vec<DuplicateSuggestion>),
        (status = 403, description = "Not the IOC, the province or an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/duplicates")]
pub async fn suggestions(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<Vec<DuplicateSuggestion>>> {
    let id = id.into_inner();
    let found = block(move || duplicates::for_report(&st, &who, &id)).await??;
    Ok(Json(
        found
            .into_iter()
            .map(|s| DuplicateSuggestion::new(s, true))
            .collect(),
    ))
}

/// Which report a duplicate follows.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateOfInput {
    /// The original's id.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub parent_id: String,
    /// Why (kept with the link, for staff).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Operator: this report is a duplicate of another. It must still be with the IOC (submitted,
/// waiting for a supplement, or accepted and not dispatched); its clocks stop, it follows the
/// original's state and result, its reporter receives the original's messages, and it counts
/// once in the statistics, as the original.
#[utoipa::path(tag = "reports", operation_id = "linkDuplicate", security(("bearer" = [])),
    params(("id" = String, Path, description = "The duplicate's id")), request_body = DuplicateOfInput,
    responses((status = 200, description = "The duplicate after the link.", body = ReportView),
        (status = 403, description = "Not an operator or an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not linkable: `duplicate_of_itself`, `not_linkable` (dispatched already), `parent_refused`, `already_duplicate`, `parent_is_duplicate`, `has_duplicates`.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/duplicate-of")]
pub async fn link(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<DuplicateOfInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    answered(st, who, id.into_inner(), move |c, w, i| {
        duplicates::link(c, w, i, b.parent_id.trim(), note)
    })
    .await
}

/// Operator: this report is not a duplicate after all. It stands alone again; its IOC step's
/// clock (4 working hours) runs from now.
#[utoipa::path(tag = "reports", operation_id = "unlinkDuplicate", security(("bearer" = [])),
    params(("id" = String, Path, description = "The duplicate's id")),
    responses((status = 200, description = "The report after the unlink.", body = ReportView),
        (status = 403, description = "Not an operator or an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a duplicate (`not_a_duplicate`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/reports/{id}/duplicate-of")]
pub async fn unlink(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<ReportView>> {
    answered(st, who, id.into_inner(), duplicates::unlink).await
}
