//! Dispatch to agencies (Art. 7.3), escalation and designation by the province (Art. 3.8),
//! referral to the province (Art. 3.7).

use super::*;
use crate::api::extract::{
    Require,
    roles::{Operator, OperatorOrAgency, Province},
};
use std::borrow::Borrow;

/// Operator: no lead agency can be found; ask the province to designate one (Art. 3.8).
#[utoipa::path(tag = "reports", operation_id = "escalateReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = RequestInfoInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/escalate")]
pub async fn escalate(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<RequestInfoInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::escalate(c, w, i, b)
    })
    .await
}

/// The lead agency or the IOC: refer a report in progress to the province, when the agencies
/// cannot agree on how to handle it or handle it incompletely (Art. 3.7). One referral is
/// open at a time.
#[utoipa::path(tag = "reports", operation_id = "referReportToProvince", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = ReferralInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/referral")]
pub async fn refer(
    st: Data<AppState>,
    who: Require<OperatorOrAgency>,
    id: Path<String>,
    body: ValidJson<ReferralInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::refer_to_province(c, w, i, b)
    })
    .await
}

/// Province: decide a referral (Art. 3.7): direct the agencies (the work goes on), or
/// designate the lead agency (the current agencies' work is withdrawn).
#[utoipa::path(tag = "reports", operation_id = "decideReportReferral", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = ReferralDecisionInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/referral/decision")]
pub async fn decide_referral(
    st: Data<AppState>,
    who: Require<Province>,
    id: Path<String>,
    body: ValidJson<ReferralDecisionInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::decide_referral(c, w, i, b)
    })
    .await
}

/// Operator: dispatch an accepted report to its lead agency (Art. 7.3, within 4 working hours of
/// submission). The lead has 1 working day to take or return it and 6 to answer (Art. 8.1). An
/// agency that does not take part yet is flagged so the IOC can invite it.
#[utoipa::path(tag = "reports", operation_id = "dispatchReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = DispatchInput,
    responses((status = 201, description = "Dispatched.", body = DispatchView),
        (status = 409, description = "The report is not accepted.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/assignments")]
pub async fn dispatch(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<DispatchInput>,
) -> AppResult<HttpResponse> {
    dispatch_with(
        st,
        who,
        id.into_inner(),
        body.into_inner(),
        actions::dispatch,
    )
    .await
}

/// Province: designate the lead agency of an escalated report (Art. 3.8, 16.5).
#[utoipa::path(tag = "reports", operation_id = "designateLeadAgency", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = DispatchInput,
    responses((status = 201, description = "Designated.", body = DispatchView),
        (status = 409, description = "The report is not awaiting designation.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/designation")]
pub async fn designate(
    st: Data<AppState>,
    who: Require<Province>,
    id: Path<String>,
    body: ValidJson<DispatchInput>,
) -> AppResult<HttpResponse> {
    dispatch_with(
        st,
        who,
        id.into_inner(),
        body.into_inner(),
        actions::designate,
    )
    .await
}

async fn dispatch_with<W: Borrow<Principal> + Send + 'static>(
    st: Data<AppState>,
    who: W,
    id: String,
    b: DispatchInput,
    f: fn(&crate::service::Context, &W, &str, DispatchInput) -> AppResult<actions::Dispatched>,
) -> AppResult<HttpResponse> {
    let (d, v) = block(move || {
        let d = f(&st, &who, &id, b)?;
        Ok::<_, crate::error::AppError>((d, queries::get(&st, who.borrow(), &id)?))
    })
    .await??;
    let report = ReportView::from(v);
    Ok(HttpResponse::Created().json(DispatchView {
        assignment_id: d.assignment_id,
        agency_not_participating: d.agency_not_participating,
        report,
    }))
}
