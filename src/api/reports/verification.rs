//! The IOC's verification (Art. 7.1–7.4) and the reporter's supplement.

use super::*;
use crate::api::extract::{Require, roles::Operator};

/// Operator: accept a submitted report after verification (Art. 7.1–7.2), optionally with its
/// spelling corrected (the original is kept) and flagged emergency or state secret.
#[utoipa::path(tag = "reports", operation_id = "acceptReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = AcceptInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/accept")]
pub async fn accept(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<AcceptInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::accept(c, w, i, b)
    })
    .await
}

/// Operator: correct the spelling of the content; the original stays (Art. 7.2).
#[utoipa::path(tag = "reports", operation_id = "correctReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = CorrectionInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/correction")]
pub async fn correct(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<CorrectionInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::correct(c, w, i, b)
    })
    .await
}

/// Operator: mark or unmark emergency (Art. 8.6) and state secret (Art. 9.3c).
#[utoipa::path(tag = "reports", operation_id = "setReportFlags", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = FlagsInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/flags")]
pub async fn flags(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<FlagsInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::set_flags(c, w, i, b)
    })
    .await
}

/// Operator: ask the reporter to supplement (Art. 7.1); the dispatch clock stops until they do.
#[utoipa::path(tag = "reports", operation_id = "requestReportInfo", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = RequestInfoInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/request-info")]
pub async fn request_info(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<RequestInfoInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::request_info(c, w, i, b)
    })
    .await
}

/// Reporter: supplement a report the IOC asked about; it returns to the IOC with a new
/// dispatch clock.
#[utoipa::path(tag = "reports", operation_id = "supplementReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = Supplement,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/supplement")]
pub async fn supplement(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<Supplement>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        intake::supplement(c, w, i, b)
    })
    .await
}

/// Operator: refuse a report (complaints and denunciations, Art. 1.1c and 3.9; improper
/// content, Art. 3.6; out of scope; duplicate; insufficient information).
#[utoipa::path(tag = "reports", operation_id = "rejectReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = RejectInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/reject")]
pub async fn reject(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<RejectInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::reject(c, w, i, b)
    })
    .await
}

/// Operator: forward for follow-up (Art. 7.4): to authorities for monitoring, or a
/// constructive suggestion. No processing clock.
#[utoipa::path(tag = "reports", operation_id = "forwardReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = ForwardInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/forward")]
pub async fn forward(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<ForwardInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::forward(c, w, i, b)
    })
    .await
}
