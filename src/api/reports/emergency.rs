//! Emergencies (Art. 8.6): the call forwarded, the work finished, the handling recorded.

use super::*;
use crate::api::extract::{Require, roles::Operator};

/// Operator: record the emergency call forwarded to the competent agency (Art. 8.6 step 1).
#[utoipa::path(tag = "reports", operation_id = "recordEmergencyCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = EmergencyCallInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/emergency/call")]
pub async fn emergency_call(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<EmergencyCallInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::emergency_call(c, w, i, b)
    })
    .await
}

/// The emergency's agency: the work on the ground finished; 4 clock hours to record it
/// (Art. 8.6 step 3).
#[utoipa::path(tag = "reports", operation_id = "recordEmergencyFinished", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = EmergencyFinishedInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/emergency/finished")]
pub async fn emergency_finished(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<EmergencyFinishedInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::emergency_finished(c, w, i, b)
    })
    .await
}

/// The emergency's agency: what was done on the ground (Art. 8.6 step 3).
#[utoipa::path(tag = "reports", operation_id = "recordEmergencyHandling", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = EmergencyRecordInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/emergency/record")]
pub async fn emergency_record(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<EmergencyRecordInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        actions::emergency_record(c, w, i, b)
    })
    .await
}
