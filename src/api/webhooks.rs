//! `/api/v1/admin/webhooks`: other systems' subscriptions to report events, signed per the
//! Standard Webhooks specification.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, post};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::{Require, ValidJson, roles::Admin};
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppResult, Problem};
use crate::service::notify::webhooks::{self as svc, NewWebhook};
use crate::service::records::WebhookRow;

/// A subscription (its secret is shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Subscription id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// Event types, or `*`.
    pub events: Vec<String>,
    /// What it is for.
    pub description: String,
    /// Whether deliveries are made.
    pub active: bool,
    /// Since when deliveries fail without a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was turned off (by an admin, or after failing for `PAHT_WEBHOOK_DISABLE_AFTER_HOURS`).
    pub disabled_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl From<WebhookRow> for WebhookView {
    fn from(h: WebhookRow) -> Self {
        Self {
            id: h.id,
            url: h.url,
            events: h.events.split(',').map(str::to_string).collect(),
            description: h.description,
            active: h.active,
            failing_since: h.failing_since.map(utc),
            disabled_at: h.disabled_at.map(utc),
            created_at: utc(h.created_at),
        }
    }
}

/// A new subscription with its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The subscription.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// `whsec_…`: the receiver verifies `webhook-signature` with it. Shown only now.
    pub secret: String,
}

/// Subscribes a system to report events. Each delivery is a POST of
/// `{type, timestamp, data}` (ids and public fields only, never a reporter's identity) with the
/// headers `webhook-id` (stable across retries), `webhook-timestamp` and `webhook-signature`.
#[utoipa::path(tag = "notifications", operation_id = "createWebhook", security(("bearer" = [])),
    request_body = NewWebhook,
    responses((status = 201, description = "Subscribed; the secret is shown once.", body = CreatedWebhook),
        (status = 422, description = "Not an http(s) URL, or an unknown event type.", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/webhooks")]
pub async fn create(
    st: Data<AppState>,
    a: Require<Admin>,
    body: ValidJson<NewWebhook>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let h = block(move || svc::create(&st, &a, b)).await??;
    let secret = h.secret.clone();
    Ok(HttpResponse::Created().json(CreatedWebhook {
        webhook: h.into(),
        secret,
    }))
}

/// Every subscription.
#[utoipa::path(tag = "notifications", operation_id = "listWebhooks", security(("bearer" = [])),
    responses((status = 200, description = "The subscriptions.", body = Vec<WebhookView>)))]
#[get("/admin/webhooks")]
pub async fn list(st: Data<AppState>, _a: Require<Admin>) -> AppResult<Json<Vec<WebhookView>>> {
    let rows = block(move || svc::list(&st)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Ends a subscription (deliveries still waiting become dead letters).
#[utoipa::path(tag = "notifications", operation_id = "deleteWebhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 204, description = "Removed."),
        (status = 404, description = "No such subscription.", body = Problem, content_type = "application/problem+json")))]
#[delete("/admin/webhooks/{id}")]
pub async fn remove(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::remove(&st, &id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Turns a subscription on again (after its receiver was fixed).
#[utoipa::path(tag = "notifications", operation_id = "enableWebhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, description = "Enabled.", body = WebhookView),
        (status = 404, description = "No such subscription.", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/webhooks/{id}/enable")]
pub async fn enable(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<Json<WebhookView>> {
    set_active(st, id.into_inner(), true).await
}

/// Turns a subscription off.
#[utoipa::path(tag = "notifications", operation_id = "disableWebhook", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, description = "Disabled.", body = WebhookView),
        (status = 404, description = "No such subscription.", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/webhooks/{id}/disable")]
pub async fn disable(
    st: Data<AppState>,
    _a: Require<Admin>,
    id: Path<String>,
) -> AppResult<Json<WebhookView>> {
    set_active(st, id.into_inner(), false).await
}

async fn set_active(st: Data<AppState>, id: String, on: bool) -> AppResult<Json<WebhookView>> {
    Ok(Json(
        block(move || svc::set_active(&st, &id, on)).await??.into(),
    ))
}
