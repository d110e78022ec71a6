//! `/api/v1/assignments/*` and `/api/v1/extensions/*`: an agency's inbox and its work on an
//! assignment (Art. 8, Annex II).

use crate::api::extract::{Require, roles::Operator};
use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, get, post};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery};
use crate::api::report_views::{AssignmentPage, AssignmentView, ReportView};
use crate::api::state::AppState;
use crate::domain::report::{AssignmentRole, AssignmentStatus};
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::records::InboxFilter;
use crate::service::reports::assignments::{
    self as svc, ApprovalInput, CoordinatorsInput, ExtensionInput, ExtensionRefusal, ResultInput,
    ReturnInput,
};
use crate::service::reports::queries;

/// Runs an action on an assignment and answers its report, in one hop to the blocking pool.
async fn answered<T: Send + 'static>(
    st: Data<AppState>,
    who: Principal,
    assignment_id: String,
    f: impl FnOnce(&crate::service::Context, &Principal, &str) -> AppResult<T> + Send + 'static,
) -> AppResult<Json<ReportView>> {
    let v = block(move || {
        f(&st, &who, &assignment_id)?;
        let (a, _) = svc::get(&st, &who, &assignment_id)?;
        queries::get(&st, &who, &a.report_id)
    })
    .await??;
    Ok(Json(v.into()))
}

async fn report_of(
    st: Data<AppState>,
    who: Principal,
    assignment_id: String,
) -> AppResult<Json<ReportView>> {
    let v = block(move || {
        let (a, _) = svc::get(&st, &who, &assignment_id)?;
        queries::get(&st, &who, &a.report_id)
    })
    .await??;
    Ok(Json(v.into()))
}

/// Filters and page of an inbox.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Assignment states, comma-separated (e.g. `pending,processing`); each one of the
    /// assignment's states.
    #[serde(default, deserialize_with = "crate::api::extract::de::comma_list")]
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub status: Vec<AssignmentStatus>,
    /// `lead` or `coordinator`.
    pub role: Option<AssignmentRole>,
    /// `newest` (default) or `due`: soonest running deadline first.
    pub sort: Option<crate::api::reports::ListOrder>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The agency's inbox: its assignments, newest first (a supervisor sees those of the agencies below).
#[utoipa::path(tag = "assignments", operation_id = "listAssignments", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, description = "A page of assignments.", body = AssignmentPage)))]
#[get("/assignments")]
pub async fn inbox(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<InboxQuery>,
) -> AppResult<Json<AssignmentPage>> {
    let q = q.into_inner();
    let statuses = q.status.iter().map(|s| s.as_str().to_string()).collect();
    let by_due = q.sort == Some(crate::api::reports::ListOrder::Due);
    let filter = InboxFilter {
        by_due,
        statuses,
        role: q.role.map(|r| r.as_str().to_string()),
    };
    let (limit, cursor) = (q.limit.unwrap_or(20), q.cursor);
    let (rows, next) =
        block(move || queries::inbox(&st, &who, filter, cursor.as_deref(), limit)).await??;
    Ok(Json(AssignmentPage {
        items: rows
            .iter()
            .map(|(a, due)| AssignmentView::new(a, *due))
            .collect(),
        next_cursor: next,
    }))
}

/// One assignment.
#[utoipa::path(tag = "assignments", operation_id = "getAssignment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses((status = 200, description = "The assignment.", body = AssignmentView), (status = 404, description = "No such assignment, or not visible.", body = Problem, content_type = "application/problem+json")))]
#[get("/assignments/{id}")]
pub async fn get_one(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<AssignmentView>> {
    let id = id.into_inner();
    let (a, due) = block(move || svc::get(&st, &who, &id)).await??;
    Ok(Json(AssignmentView::new(&a, due)))
}

/// Agency: take the assignment (within 1 working day, Art. 8.1).
#[utoipa::path(tag = "assignments", operation_id = "acceptAssignment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/accept")]
pub async fn accept(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<ReportView>> {
    let id = id.into_inner();
    let (st2, who2, id2) = (st.clone(), who.clone(), id.clone());
    block(move || svc::accept(&st2, &who2, &id2)).await??;
    report_of(st, who, id).await
}

/// Agency: give back a wrong assignment within 1 working day, with the reason; a coordinator
/// names the competent agency (Art. 8.1–8.2, Annex II). The lead's goes back to the IOC.
#[utoipa::path(tag = "assignments", operation_id = "returnAssignment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")), request_body = ReturnInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/return")]
pub async fn give_back(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<ReturnInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        svc::give_back(c, w, i, b)
    })
    .await
}
/// Lead agency: forward to coordinating agencies within 1 working day (Art. 8.2 step 1).
#[utoipa::path(tag = "assignments", operation_id = "addCoordinators", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")), request_body = CoordinatorsInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/coordinators")]
pub async fn coordinators(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<CoordinatorsInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        svc::add_coordinators(c, w, i, b)
    })
    .await
}
/// Agency staff: submit the draft result (Annex I) for the leader's approval (1 working day).
#[utoipa::path(tag = "assignments", operation_id = "submitAssignmentResult", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")), request_body = ResultInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/result")]
pub async fn result(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<ResultInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        svc::submit_result(c, w, i, b)
    })
    .await
}
/// Agency leader: approve the draft (a lead's goes to the IOC, a coordinator's to the lead) or
/// send it back with a note (Art. 8.4).
#[utoipa::path(tag = "assignments", operation_id = "approveAssignmentResult", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")), request_body = ApprovalInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/approval")]
pub async fn approval(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<ApprovalInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        svc::approve(c, w, i, b)
    })
    .await
}
/// Agency: ask for the report's one extension, before the deadline, with the notice document and
/// the committed deadline (Art. 8.3).
#[utoipa::path(tag = "assignments", operation_id = "requestExtension", security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")), request_body = ExtensionInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 404, description = "No such assignment of the caller's agency.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assignment's state does not allow this.", body = Problem, content_type = "application/problem+json")))]
#[post("/assignments/{id}/extensions")]
pub async fn extension(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<ExtensionInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    answered(st, who, id.into_inner(), move |c, w, i| {
        svc::request_extension(c, w, i, b)
    })
    .await
}

/// Operator: confirm an extension; the new deadline is set and the reporter told (Art. 8.3).
#[utoipa::path(tag = "assignments", operation_id = "confirmExtension", security(("bearer" = [])),
    params(("id" = String, Path, description = "Extension id")),
    responses((status = 200, description = "The report with its new deadline.", body = ReportView),
        (status = 404, description = "No such extension.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed or refused.", body = Problem, content_type = "application/problem+json")))]
#[post("/extensions/{id}/confirm")]
pub async fn confirm_extension(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let v = block(move || {
        let report_id = svc::confirm_extension(&st, &who, &id)?;
        queries::get(&st, &who, &report_id)
    })
    .await??;
    Ok(HttpResponse::Ok().json(ReportView::from(v)))
}

/// Operator: refuse an extension, with the reason (Art. 8.3); the deadline stays as it was, and
/// the request was the report's one extension.
#[utoipa::path(tag = "assignments", operation_id = "refuseExtension", security(("bearer" = [])),
    params(("id" = String, Path, description = "Extension id")), request_body = ExtensionRefusal,
    responses((status = 200, description = "The report, its deadline unchanged.", body = ReportView),
        (status = 404, description = "No such extension.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed or refused.", body = Problem, content_type = "application/problem+json")))]
#[post("/extensions/{id}/refusal")]
pub async fn refuse_extension(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<ExtensionRefusal>,
) -> AppResult<HttpResponse> {
    let (id, b) = (id.into_inner(), body.into_inner());
    let v = block(move || {
        let report_id = svc::refuse_extension(&st, &who, &id, b)?;
        queries::get(&st, &who, &report_id)
    })
    .await??;
    Ok(HttpResponse::Ok().json(ReportView::from(v)))
}
