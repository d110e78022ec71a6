//! `/api/v1/admin/open311-clients`: the city apps that speak Open311 GeoReport v2, for admins:
//! issue an app its `api_key` (answered once), list the apps, rotate a key, revoke it; and the
//! attributes a category's service definition asks beside the identity.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::api::extract::{Require, ValidJson, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppResult, Problem};
use crate::service::open311::services::{self, AttributesInput};
use crate::service::open311::{self as svc, Client};

/// A client app, never its key.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311ClientView {
    /// The app's id.
    pub id: String,
    /// The app's name, recorded as the source of the reports it files.
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub key_prefix: String,
    /// Requests per minute the key may make.
    pub rate_per_minute: i32,
    /// When the key was issued.
    pub created_at: DateTime<Utc>,
    /// When the key was last rotated.
    pub rotated_at: Option<DateTime<Utc>>,
    /// When the key was revoked (it works no more).
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<Client> for Open311ClientView {
    fn from(c: Client) -> Self {
        Self {
            id: c.id,
            name: c.name,
            key_prefix: c.key_prefix,
            rate_per_minute: c.rate_per_minute,
            created_at: utc(c.created_at),
            rotated_at: c.rotated_at.map(utc),
            revoked_at: c.revoked_at.map(utc),
        }
    }
}

/// A client app with its new key, answered once.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311KeyView {
    /// The app.
    #[serde(flatten)]
    pub client: Open311ClientView,
    /// The `api_key` to configure in the app: shown this once, kept only as a hash.
    pub api_key: String,
}

/// A new client app.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOpen311Client {
    /// The app's name, e.g. "Ứng dụng Cần Thơ 311".
    #[validate(length(min = 2, max = 100))]
    #[schema(min_length = 2, max_length = 100)]
    pub name: String,
    /// Requests per minute the key may make, 1–6000 (default 60).
    #[validate(range(min = 1, max = 6000))]
    #[schema(minimum = 1, maximum = 6000)]
    #[serde(default, deserialize_with = "crate::json::optional_whole")]
    pub rate_per_minute: Option<u32>,
}

/// Admin: issue a client app its Open311 `api_key` (answered once).
#[utoipa::path(tag = "open311", operation_id = "createOpen311Client", security(("bearer" = [])),
    request_body = NewOpen311Client,
    responses((status = 201, description = "The app and its key.", body = Open311KeyView)))]
#[post("/admin/open311-clients")]
pub async fn create(
    st: Data<AppState>,
    who: Require<Admin>,
    body: ValidJson<NewOpen311Client>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let (c, key) =
        block(move || svc::create(&st, &who, &b.name, b.rate_per_minute.unwrap_or(60))).await??;
    Ok(HttpResponse::Created().json(Open311KeyView {
        client: c.into(),
        api_key: key,
    }))
}

/// Admin: the client apps, oldest first.
#[utoipa::path(tag = "open311", operation_id = "listOpen311Clients", security(("bearer" = [])),
    responses((status = 200, description = "The apps.", body = Vec<Open311ClientView>)))]
#[get("/admin/open311-clients")]
pub async fn list(
    st: Data<AppState>,
    who: Require<Admin>,
) -> AppResult<Json<Vec<Open311ClientView>>> {
    let rows = block(move || svc::list(&st, &who)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Admin: a new key for an app; the old one stops working at once.
#[utoipa::path(tag = "open311", operation_id = "rotateOpen311Key", security(("bearer" = [])),
    params(("id" = String, Path, description = "Client id")),
    responses((status = 200, description = "The app and its new key.", body = Open311KeyView),
        (status = 409, description = "The key was revoked (`client_revoked`).", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/open311-clients/{id}/rotate")]
pub async fn rotate(
    st: Data<AppState>,
    who: Require<Admin>,
    id: Path<String>,
) -> AppResult<Json<Open311KeyView>> {
    let (c, key) = block(move || svc::rotate(&st, &who, &id)).await??;
    Ok(Json(Open311KeyView {
        client: c.into(),
        api_key: key,
    }))
}

/// Admin: revoke an app's key; it files and reads nothing more.
#[utoipa::path(tag = "open311", operation_id = "revokeOpen311Client", security(("bearer" = [])),
    params(("id" = String, Path, description = "Client id")),
    responses((status = 204, description = "Revoked."),
        (status = 409, description = "Already revoked (`client_revoked`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/admin/open311-clients/{id}")]
pub async fn revoke(
    st: Data<AppState>,
    who: Require<Admin>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::revoke(&st, &who, &id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// An attribute of a category's service definition, as admins set it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAttributeView {
    /// The attribute's code (`attribute[CODE]` in a filing).
    pub code: String,
    /// Its GeoReport datatype.
    pub datatype: String,
    /// Whether a request must answer it.
    pub required: bool,
    /// The question.
    pub description: String,
    /// Its place in the definition (after the identity's attributes).
    pub order: u32,
    /// The values of a list attribute.
    pub values: Vec<ServiceAttributeValue>,
}

/// A value of a list attribute.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAttributeValue {
    /// What the app sends.
    pub key: String,
    /// What the app shows.
    pub name: String,
}

impl From<services::Attribute> for ServiceAttributeView {
    fn from(a: services::Attribute) -> Self {
        Self {
            code: a.code,
            datatype: a.datatype,
            required: a.required,
            description: a.description,
            order: a.order,
            values: a
                .values
                .into_iter()
                .map(|v| ServiceAttributeValue {
                    key: v.key,
                    name: v.name,
                })
                .collect(),
        }
    }
}

/// Admin: the attributes a category's Open311 service definition asks beside the identity.
#[utoipa::path(tag = "open311", operation_id = "getServiceAttributes", security(("bearer" = [])),
    params(("code" = String, Path, description = "Category code")),
    responses((status = 200, description = "The attributes, in order.", body = Vec<ServiceAttributeView>)))]
#[get("/categories/{code}/open311-attributes")]
pub async fn get_attributes(
    st: Data<AppState>,
    who: Require<Admin>,
    code: Path<String>,
) -> AppResult<Json<Vec<ServiceAttributeView>>> {
    let rows = block(move || services::get_custom(&st, &who, &code)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Admin: set the attributes a category's Open311 service definition asks beside the identity
/// (replacing the ones before); filings are checked against them and their answers kept with the
/// report, for staff.
#[utoipa::path(tag = "open311", operation_id = "putServiceAttributes", security(("bearer" = [])),
    params(("code" = String, Path, description = "Category code")), request_body = AttributesInput,
    responses((status = 200, description = "The attributes, in order.", body = Vec<ServiceAttributeView>)))]
#[put("/categories/{code}/open311-attributes")]
pub async fn put_attributes(
    st: Data<AppState>,
    who: Require<Admin>,
    code: Path<String>,
    body: ValidJson<AttributesInput>,
) -> AppResult<Json<Vec<ServiceAttributeView>>> {
    let input = body.into_inner();
    let rows = block(move || services::set_custom(&st, &who, &code, input)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
