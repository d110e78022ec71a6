//! `/api/v1/agencies`: processing agencies, their members and focal points (Art. 15.1).

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, patch, post, put};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, roles::Admin, roles::Staff};
use crate::api::state::AppState;
use crate::api::views::{AgencyView, UserView};
use crate::domain::directory::AgencyKind;
use crate::error::{AppError, AppResult};
use crate::service::auth::Principal;
use crate::service::directory::{self as svc, AgencyPatch, FocalPoints, NewAgency};
use crate::service::records::AgencyFilter;

/// Filters of the agency list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgencyQuery {
    /// Only this kind.
    pub kind: Option<AgencyKind>,
    /// Only agencies directly under this one.
    pub parent_id: Option<String>,
    /// Only agencies that take part (`true`) or not yet (`false`).
    pub participating: Option<bool>,
    /// Staff only: the warning list of agencies lacking a focal leader or focal staff member
    /// (Art. 15.1).
    pub missing_focal_points: Option<bool>,
    /// Staff only: the agencies that lack a focal point for more than the 7 working days of
    /// Art. 15.1.
    pub focal_points_overdue: Option<bool>,
}

fn is_staff(who: &Option<Principal>) -> bool {
    who.as_ref()
        .is_some_and(|p| p.role.sees_directory_details())
}

/// List agencies. Staff also see focal points.
#[utoipa::path(tag = "agencies", operation_id = "listAgencies", security((), ("bearer" = [])), params(AgencyQuery),
    responses((status = 200, description = "The agencies, by name.", body = Vec<AgencyView>)))]
#[get("/agencies")]
pub async fn list(
    st: Data<AppState>,
    who: Option<Principal>,
    q: ValidQuery<AgencyQuery>,
) -> AppResult<Json<Vec<AgencyView>>> {
    let q = q.into_inner();
    let staff = is_staff(&who);
    let overdue = q.focal_points_overdue.unwrap_or(false);
    let missing = q.missing_focal_points.unwrap_or(false) || overdue;
    if missing && !staff {
        return Err(if who.is_none() {
            AppError::unauthenticated()
        } else {
            AppError::forbidden()
        });
    }
    let f = AgencyFilter {
        kind: q.kind.map(|k| k.as_str().to_string()),
        parent_id: q.parent_id,
        participating: q.participating,
    };
    let mut rows = block(move || svc::list_agencies(&st, &f, missing)).await??;
    if overdue {
        rows.retain(|d| d.focal_overdue);
    }
    Ok(Json(
        rows.into_iter()
            .map(|d| AgencyView::new(d, staff))
            .collect(),
    ))
}

/// One agency. Staff also see its focal points.
#[utoipa::path(tag = "agencies", operation_id = "getAgency", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Agency id")),
    responses((status = 200, description = "The agency.", body = AgencyView), (status = 404, description = "No such agency.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/agencies/{id}")]
pub async fn get(
    st: Data<AppState>,
    who: Option<Principal>,
    id: Path<String>,
) -> AppResult<Json<AgencyView>> {
    let staff = is_staff(&who);
    let d = block(move || svc::get_agency(&st, &id)).await??;
    Ok(Json(AgencyView::new(d, staff)))
}

/// Create an agency.
#[utoipa::path(tag = "agencies", operation_id = "createAgency", security(("bearer" = [])), request_body = NewAgency,
    responses((status = 201, description = "Created.", body = AgencyView), (status = 409, description = "The code is taken.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/agencies")]
pub async fn create(
    st: Data<AppState>,
    _a: Require<Admin>,
    body: ValidJson<NewAgency>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let d = block(move || svc::create_agency(&st, b).and_then(|a| svc::get_agency(&st, &a.id)))
        .await??;
    Ok(HttpResponse::Created().json(AgencyView::new(d, true)))
}

/// Change an agency.
///
/// Moving it (`parent_id`) recounts, in the same request, the supervisors' statistics of every
/// report it has a part in: for an agency with tens of thousands of reports this takes tens of
/// seconds, during which actions on reports wait (reads do not).
#[utoipa::path(tag = "agencies", operation_id = "updateAgency", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agency id")), request_body = AgencyPatch,
    responses((status = 200, description = "The changed agency.", body = AgencyView), (status = 404, description = "No such agency.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[patch("/agencies/{id}")]
pub async fn update(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
    body: ValidJson<AgencyPatch>,
) -> AppResult<Json<AgencyView>> {
    let b = body.into_inner();
    let d =
        block(move || svc::update_agency(&st, &id, b).and_then(|a| svc::get_agency(&st, &a.id)))
            .await??;
    Ok(Json(AgencyView::new(d, true)))
}

/// Delete an agency that nothing refers to.
#[utoipa::path(tag = "agencies", operation_id = "deleteAgency", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agency id")),
    responses((status = 204, description = "Deleted."), (status = 404, description = "No such agency.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Users, child agencies or categories refer to it (`agency_in_use`).", body = crate::error::Problem, content_type = "application/problem+json")))]
#[delete("/agencies/{id}")]
pub async fn remove(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::delete_agency(&st, &id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Name the agency's focal leader and focal staff member (Art. 15.1).
#[utoipa::path(tag = "agencies", operation_id = "setAgencyFocalPoints", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agency id")), request_body = FocalPoints,
    responses((status = 200, description = "The agency with its focal points.", body = AgencyView), (status = 404, description = "No such agency.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[put("/agencies/{id}/focal-points")]
pub async fn set_focal_points(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
    body: ValidJson<FocalPoints>,
) -> AppResult<Json<AgencyView>> {
    let b = body.into_inner();
    let d = block(move || svc::set_focal_points(&st, &id, b)).await??;
    Ok(Json(AgencyView::new(d, true)))
}

/// The active accounts of an agency: for the IOC, the province, admins, the agency's own
/// people and the supervisors above it.
#[utoipa::path(tag = "agencies", operation_id = "listAgencyMembers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agency id")),
    responses((status = 200, description = "The members, by name.", body = Vec<UserView>), (status = 404, description = "No such agency, or not visible to the caller.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/agencies/{id}/members")]
pub async fn members(
    st: Data<AppState>,
    who: Require<Staff>,
    id: Path<String>,
) -> AppResult<Json<Vec<UserView>>> {
    let rows = block(move || svc::members(&st, &who, &id)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
