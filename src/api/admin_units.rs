//! `/api/v1/admin-units`: administrative units with the dates they are valid.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, patch, post};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::AdminUnitView;
use crate::domain::directory::UnitLevel;
use crate::error::AppResult;
use crate::service::directory::{self as svc, AdminUnitPatch, NewAdminUnit};
use crate::service::records::UnitFilter;

/// Filters of the unit list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only this level.
    pub level: Option<UnitLevel>,
    /// Only the units directly under this one.
    pub parent_code: Option<String>,
    /// Only units valid on this local date (e.g. `2025-07-01`).
    pub valid_on: Option<NaiveDate>,
}

/// List administrative units.
#[utoipa::path(tag = "admin-units", operation_id = "listAdminUnits", params(UnitQuery),
    responses((status = 200, description = "The units, by code.", body = Vec<AdminUnitView>)))]
#[get("/admin-units")]
pub async fn list(
    st: Data<AppState>,
    q: ValidQuery<UnitQuery>,
) -> AppResult<Json<Vec<AdminUnitView>>> {
    let q = q.into_inner();
    let f = UnitFilter {
        level: q.level.map(|l| l.as_str().to_string()),
        parent_code: q.parent_code,
        valid_on: q.valid_on,
    };
    let rows = block(move || svc::list_units(&st, &f)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// One administrative unit.
#[utoipa::path(tag = "admin-units", operation_id = "getAdminUnit",
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 200, description = "The unit.", body = AdminUnitView), (status = 404, description = "No such unit.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/admin-units/{code}")]
pub async fn get(st: Data<AppState>, code: Path<String>) -> AppResult<Json<AdminUnitView>> {
    Ok(Json(
        block(move || svc::get_unit(&st, &code)).await??.into(),
    ))
}

/// A unit a former unit became.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SuccessorView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Only part of the former unit went to it.
    pub partial: bool,
}

/// What a former unit became (e.g. a district of before 1/7/2025: the communes and wards formed
/// from its own): the succession recorded for the unit stored under this code and its last day.
#[utoipa::path(tag = "admin-units", operation_id = "listAdminUnitSuccessors",
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 200, description = "The units it became; empty for a unit in force.", body = Vec<SuccessorView>), (status = 404, description = "No such unit.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/admin-units/{code}/successors")]
pub async fn successors(
    st: Data<AppState>,
    code: Path<String>,
) -> AppResult<Json<Vec<SuccessorView>>> {
    let rows = block(move || svc::unit_successors(&st, &code)).await??;
    Ok(Json(
        rows.into_iter()
            .map(|(u, partial)| SuccessorView {
                code: u.code,
                name: u.name,
                partial,
            })
            .collect(),
    ))
}

/// Create an administrative unit.
#[utoipa::path(tag = "admin-units", operation_id = "createAdminUnit", security(("bearer" = [])), request_body = NewAdminUnit,
    responses((status = 201, description = "Created.", body = AdminUnitView), (status = 409, description = "The code is taken.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/admin-units")]
pub async fn create(
    st: Data<AppState>,
    _a: Require<Admin>,
    body: ValidJson<NewAdminUnit>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let row = block(move || svc::create_unit(&st, b)).await??;
    Ok(HttpResponse::Created().json(AdminUnitView::from(row)))
}

/// Change an administrative unit (e.g. set `valid_to` when it is merged).
#[utoipa::path(tag = "admin-units", operation_id = "updateAdminUnit", security(("bearer" = [])),
    params(("code" = String, Path, description = "Unit code")), request_body = AdminUnitPatch,
    responses((status = 200, description = "The changed unit.", body = AdminUnitView), (status = 404, description = "No such unit.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[patch("/admin-units/{code}")]
pub async fn update(
    st: Data<AppState>,
    _a: Require<Admin>,
    code: Path<String>,
    body: ValidJson<AdminUnitPatch>,
) -> AppResult<Json<AdminUnitView>> {
    let b = body.into_inner();
    Ok(Json(
        block(move || svc::update_unit(&st, &code, b))
            .await??
            .into(),
    ))
}

/// Delete an administrative unit that nothing refers to.
#[utoipa::path(tag = "admin-units", operation_id = "deleteAdminUnit", security(("bearer" = [])),
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 204, description = "Deleted."), (status = 404, description = "No such unit.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Units or agencies refer to it (`admin_unit_in_use`).", body = crate::error::Problem, content_type = "application/problem+json")))]
#[delete("/admin-units/{code}")]
pub async fn remove(
    st: Data<AppState>,
    _a: Require<Admin>,
    code: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::delete_unit(&st, &code)).await??;
    Ok(HttpResponse::NoContent().finish())
}
