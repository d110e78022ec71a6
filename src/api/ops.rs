//! `/healthz`, `/readyz`, `/metrics`.

use actix_web::web::{Data, Json, block};
use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::state::AppState;
use crate::error::AppResult;

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", operation_id = "healthz", responses((status = 200, description = "Up.", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The database is reachable and every migration is applied.
#[utoipa::path(tag = "operations", operation_id = "readyz",
    responses((status = 200, description = "Ready.", body = Health), (status = 503, description = "Not ready.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/readyz")]
pub async fn readyz(st: Data<AppState>) -> AppResult<Json<Health>> {
    block(move || crate::service::ops::ready(&st)).await??;
    Ok(Json(Health { status: "ok" }))
}

/// Prometheus metrics: requests by route and status, latency histogram, pool usage.
#[utoipa::path(tag = "operations", operation_id = "metrics",
    responses((status = 200, description = "Prometheus text format.", body = String, content_type = "text/plain; version=0.0.4")))]
#[get("/metrics")]
pub async fn metrics(st: Data<AppState>) -> HttpResponse {
    let mut text = st.metrics.render(crate::service::ops::pool_state(&st));
    let ctx = st.ctx.clone();
    // The outbox's backlog, when the database answers.
    if let Ok(Ok(outbox)) = block(move || crate::service::outbox::metrics_text(&ctx)).await {
        text.push_str(&outbox);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text)
}
