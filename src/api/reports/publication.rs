//! Publication (Art. 9), the reporter's feedback and rating, the lead's clarification (Art. 10).

use super::*;
use crate::api::extract::{
    Require,
    roles::{AgencyMember, Operator},
};

/// Operator: publish the approved result (Art. 9), within 4 working hours of its approval.
/// Confidential results go to the reporter only; state-secret reports publish nothing.
#[utoipa::path(tag = "reports", operation_id = "publishReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = Note,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/publication")]
pub async fn publish(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<Note>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::publish(c, w, i, b)
    })
    .await
}

/// Operator: return a result that has no answer to the lead agency's leader (Art. 9.4).
#[utoipa::path(tag = "reports", operation_id = "returnReportResult", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = RequestInfoInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/return-result")]
pub async fn return_result(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<RequestInfoInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::return_result(c, w, i, b)
    })
    .await
}

/// Lead agency: clarify the result after the reporter's feedback (Art. 10.2, 2 working days).
#[utoipa::path(tag = "reports", operation_id = "clarifyReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = ClarificationInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/clarification")]
pub async fn clarify(
    st: Data<AppState>,
    who: Require<AgencyMember>,
    id: Path<String>,
    body: ValidJson<ClarificationInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::clarify(c, w, i, b)
    })
    .await
}

/// Reporter: rate the published result (Art. 10.3); a new rating replaces the old one, and
/// both stay in the history.
#[utoipa::path(tag = "reports", operation_id = "rateReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = RatingInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/rating")]
pub async fn rate(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<RatingInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::rate(c, w, i, b)
    })
    .await
}

/// Reporter: feedback on the published result (Art. 10.1). The lead agency must clarify within
/// 2 working days.
#[utoipa::path(tag = "reports", operation_id = "sendReportFeedback", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = FeedbackInput,
    responses((status = 201, description = "The report with the feedback.", body = ReportView),
        (status = 409, description = "The result is not published.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/feedback")]
pub async fn feedback(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<FeedbackInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let v = answered(st, who, id.into_inner(), move |c, w, i| {
        actions::feedback(c, w, i, b)
    })
    .await?;
    Ok(HttpResponse::Created().json(v.into_inner()))
}
