//! `/api/v1/categories`: categories of reports (lĩnh vực).

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, patch, post};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::CategoryView;
use crate::error::AppResult;
use crate::service::directory::{self as svc, CategoryPatch, NewCategory};

/// Filters of the category list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    /// Only active (`true`) or inactive (`false`) categories.
    pub active: Option<bool>,
}

/// List categories.
#[utoipa::path(tag = "categories", operation_id = "listCategories", params(CategoryQuery),
    responses((status = 200, description = "The categories, by name.", body = Vec<CategoryView>)))]
#[get("/categories")]
pub async fn list(
    st: Data<AppState>,
    q: ValidQuery<CategoryQuery>,
) -> AppResult<Json<Vec<CategoryView>>> {
    let active = q.into_inner().active;
    let rows = block(move || svc::list_categories(&st, active)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// One category.
#[utoipa::path(tag = "categories", operation_id = "getCategory",
    params(("code" = String, Path, description = "Category code")),
    responses((status = 200, description = "The category.", body = CategoryView), (status = 404, description = "No such category.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/categories/{code}")]
pub async fn get(st: Data<AppState>, code: Path<String>) -> AppResult<Json<CategoryView>> {
    Ok(Json(
        block(move || svc::get_category(&st, &code)).await??.into(),
    ))
}

/// Create a category.
#[utoipa::path(tag = "categories", operation_id = "createCategory", security(("bearer" = [])), request_body = NewCategory,
    responses((status = 201, description = "Created.", body = CategoryView), (status = 409, description = "The code is taken.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/categories")]
pub async fn create(
    st: Data<AppState>,
    _a: Require<Admin>,
    body: ValidJson<NewCategory>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let row = block(move || svc::create_category(&st, b)).await??;
    Ok(HttpResponse::Created().json(CategoryView::from(row)))
}

/// Change a category.
#[utoipa::path(tag = "categories", operation_id = "updateCategory", security(("bearer" = [])),
    params(("code" = String, Path, description = "Category code")), request_body = CategoryPatch,
    responses((status = 200, description = "The changed category.", body = CategoryView), (status = 404, description = "No such category.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[patch("/categories/{code}")]
pub async fn update(
    st: Data<AppState>,
    _a: Require<Admin>,
    code: Path<String>,
    body: ValidJson<CategoryPatch>,
) -> AppResult<Json<CategoryView>> {
    let b = body.into_inner();
    Ok(Json(
        block(move || svc::update_category(&st, &code, b))
            .await??
            .into(),
    ))
}

/// Delete a category that no report uses (otherwise deactivate it).
#[utoipa::path(tag = "categories", operation_id = "deleteCategory", security(("bearer" = [])),
    params(("code" = String, Path, description = "Category code")),
    responses((status = 204, description = "Deleted."), (status = 404, description = "No such category.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Reports use it.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[delete("/categories/{code}")]
pub async fn remove(
    st: Data<AppState>,
    _a: Require<Admin>,
    code: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::delete_category(&st, &code)).await??;
    Ok(HttpResponse::NoContent().finish())
}
