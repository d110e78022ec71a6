//! `/api/v1/users`: accounts, managed by admins.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, get, patch, post};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::{UserPage, UserView};
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::service::records::UserFilter;
use crate::service::users::{self as svc, NewStaff, UserPatch};

/// Filters and page of the account list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only this role.
    pub role: Option<Role>,
    /// Only accounts of this agency.
    pub agency_id: Option<String>,
    /// Only disabled (`true`) or active (`false`) accounts.
    pub disabled: Option<bool>,
    /// Text in a staff member's name or a user name (ignoring case), or a whole e-mail address
    /// or phone number (sealed at rest, matched in any form).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    #[validate(range(min = 0, max = 1_000_000))]
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<i64>,
}

/// List accounts.
#[utoipa::path(
    tag = "users",
    operation_id = "listUsers",
    security(("bearer" = [])),
    params(UserQuery),
    responses((status = 200, description = "A page of accounts.", body = UserPage))
)]
#[get("/users")]
pub async fn list(
    st: Data<AppState>,
    _admin: Require<Admin>,
    q: ValidQuery<UserQuery>,
) -> AppResult<Json<UserPage>> {
    let q = q.into_inner();
    let (limit, offset) = (q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let filter = UserFilter {
        role: q.role.map(|r| r.as_str().to_string()),
        agency_id: q.agency_id,
        disabled: q.disabled,
        text: q.q.filter(|t| !t.trim().is_empty()),
    };
    let (rows, total) = block(move || svc::list_users(&st, &filter, limit, offset)).await??;
    Ok(Json(UserPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        limit,
        offset,
    }))
}

/// Create a staff account.
#[utoipa::path(
    tag = "users",
    operation_id = "createUser",
    security(("bearer" = [])),
    request_body = NewStaff,
    responses(
        (status = 201, description = "Created.", body = UserView),
        (status = 409, description = "The user name, e-mail or phone is taken (`login_taken`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create(
    st: Data<AppState>,
    _admin: Require<Admin>,
    body: ValidJson<NewStaff>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let user = block(move || svc::create_staff(&st, b)).await??;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}

/// One account.
#[utoipa::path(
    tag = "users",
    operation_id = "getUser",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses((status = 200, description = "The account.", body = UserView), (status = 404, description = "No such account.", body = crate::error::Problem, content_type = "application/problem+json"))
)]
#[get("/users/{id}")]
pub async fn get(
    st: Data<AppState>,
    _admin: Require<Admin>,
    id: Path<String>,
) -> AppResult<Json<UserView>> {
    let user = block(move || svc::get_user(&st, &id)).await??;
    Ok(Json(user.into()))
}

/// Change an account: name, role, agency, contacts, password; `disabled: true` disables it
/// and ends all its sessions.
#[utoipa::path(
    tag = "users",
    operation_id = "updateUser",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The changed account.", body = UserView),
        (status = 404, description = "No such account.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A login is taken, or an admin tried to disable themselves.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    st: Data<AppState>,
    admin: Require<Admin>,
    id: Path<String>,
    body: ValidJson<UserPatch>,
) -> AppResult<Json<UserView>> {
    let b = body.into_inner();
    let user = block(move || svc::update_user(&st, &admin, &id, b)).await??;
    Ok(Json(user.into()))
}
