//! Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; Art. 4.5):
//! - `GET /api/v1/privacy/consents`: the consent wording a client shows;
//! - `/api/v1/me/privacy-requests` and `/api/v1/track/{code}/privacy-requests`: a reporter's
//!   requests about their data (copy, correct, restrict, delete, withdraw a consent), through
//!   their account or their follow-up token, and the copy once it is ready;
//! - `/api/v1/privacy/…`: the privacy officer's queue and decisions, the exports, the record of
//!   identity reads, the processing inventory and the incident log.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ClientAddr, Require, ValidJson, ValidQuery, roles::PrivacyOfficer};
use crate::api::state::AppState;
use crate::api::track::{follower, unstored};
use crate::domain::privacy::RequestStatus;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::privacy::accountability::{
    self as acc, AffectedPage, IdentityReadView, IncidentInput, IncidentView, ProcessingInventory,
};
use crate::service::privacy::consents::{self, ConsentWording};
use crate::service::privacy::decisions::{self, RequestDecision};
use crate::service::privacy::export::{self, SubjectExport};
use crate::service::privacy::requests::{self, RequestDetails, RequestInput, RequestView};
use crate::service::privacy::retention::{self, RetentionPlan};

/// The consent wording in force: one text per purpose, none pre-ticked. A submission names
/// the version it showed in `consent_wording`.
#[utoipa::path(tag = "privacy", operation_id = "consentWording",
    responses((status = 200, description = "The wording.", body = ConsentWording)))]
#[get("/privacy/consents")]
pub async fn consent_wording() -> Json<ConsentWording> {
    Json(consents::wording())
}

/// A reporter with an account asks about their data: a copy, a correction, a restriction, a
/// deletion, or withdraws a consent (effective at once). Answered within 2 working days.
#[utoipa::path(tag = "privacy", operation_id = "createMyPrivacyRequest", security(("bearer" = [])),
    request_body = RequestInput,
    responses((status = 201, description = "The request (a withdrawal is already done).", body = RequestView),
        (status = 403, description = "Only a citizen's account files requests here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report of the account.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account filed no report (`nothing_held`), or someone acted on the report at the same moment (`concurrent_update`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The request does not hold together (`purpose`, `correction`).", body = Problem, content_type = "application/problem+json")))]
#[post("/me/privacy-requests")]
pub async fn create_mine(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<RequestInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let v = block(move || requests::create(&st, &who, b)).await??;
    Ok(HttpResponse::Created().json(v))
}

/// The signed-in reporter's requests about their data, the soonest due first.
#[utoipa::path(tag = "privacy", operation_id = "listMyPrivacyRequests", security(("bearer" = [])),
    responses((status = 200, description = "The requests.", body = Vec<RequestView>),
        (status = 403, description = "Only a citizen's account has requests.", body = Problem, content_type = "application/problem+json")))]
#[get("/me/privacy-requests")]
pub async fn list_mine(st: Data<AppState>, who: Principal) -> AppResult<Json<Vec<RequestView>>> {
    Ok(Json(block(move || requests::mine(&st, &who)).await??))
}

/// The copy of everything held about the signed-in reporter, once their `copy` request was
/// carried out.
#[utoipa::path(tag = "privacy", operation_id = "myPrivacyExport", security(("bearer" = [])),
    params(("id" = String, Path, description = "The request")),
    responses((status = 200, description = "The export (`paht-subject-export/1`).", body = SubjectExport),
        (status = 404, description = "No such request of the account.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a copy request, or not carried out yet (`copy_not_ready`).", body = Problem, content_type = "application/problem+json")))]
#[get("/me/privacy-requests/{id}/export")]
pub async fn export_mine(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let v = block(move || export::for_requester(&st, &who, &id)).await??;
    Ok(unstored().json(v))
}

/// A reporter without an account asks about their data on the report of their follow-up
/// token.
#[utoipa::path(tag = "track", operation_id = "trackCreatePrivacyRequest", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")), request_body = RequestInput,
    responses((status = 201, description = "The request (a withdrawal is already done).", body = RequestView),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone acted on the report at the same moment (`concurrent_update`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The request does not hold together.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[post("/track/{code}/privacy-requests")]
pub async fn track_create(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
    body: ValidJson<RequestInput>,
) -> AppResult<HttpResponse> {
    let (who, _) = follower(&st, &req, code.into_inner(), addr).await?;
    let b = body.into_inner();
    let v = block(move || requests::create(&st, &who, b)).await??;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(v))
}

/// The requests made with the report's follow-up token.
#[utoipa::path(tag = "track", operation_id = "trackPrivacyRequests", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    responses((status = 200, description = "The requests.", body = Vec<RequestView>),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[get("/track/{code}/privacy-requests")]
pub async fn track_list(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
) -> AppResult<HttpResponse> {
    let (who, _) = follower(&st, &req, code.into_inner(), addr).await?;
    let v = block(move || requests::mine(&st, &who)).await??;
    Ok(unstored().json(v))
}

/// The copy for a reporter without an account, once their `copy` request was carried out.
#[utoipa::path(tag = "track", operation_id = "trackPrivacyExport", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code"),
        ("id" = String, Path, description = "The request")),
    responses((status = 200, description = "The export (`paht-subject-export/1`).", body = SubjectExport),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request made with this token.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a copy request, or not carried out yet (`copy_not_ready`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[get("/track/{code}/privacy-requests/{id}/export")]
pub async fn track_export(
    st: Data<AppState>,
    req: HttpRequest,
    path: Path<(String, String)>,
    addr: ClientAddr,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let (who, _) = follower(&st, &req, code, addr).await?;
    let v = block(move || export::for_requester(&st, &who, &id)).await??;
    Ok(unstored().json(v))
}

/// The queue's filter.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Which requests (default `open`).
    pub status: Option<RequestStatus>,
}

/// The privacy officer's queue of requests, the soonest due first (`overdue` past 2 working
/// days).
#[utoipa::path(tag = "privacy", operation_id = "listPrivacyRequests", security(("bearer" = [])),
    params(QueueQuery),
    responses((status = 200, description = "The requests.", body = Vec<RequestView>)))]
#[get("/privacy/requests")]
pub async fn queue(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
    q: ValidQuery<QueueQuery>,
) -> AppResult<Json<Vec<RequestView>>> {
    let status = q.into_inner().status;
    Ok(Json(block(move || requests::queue(&st, status)).await??))
}

/// One request, with what the reporter wrote and the reports it reaches.
#[utoipa::path(tag = "privacy", operation_id = "getPrivacyRequest", security(("bearer" = [])),
    params(("id" = String, Path, description = "The request")),
    responses((status = 200, description = "The request.", body = RequestDetails),
        (status = 404, description = "No such request.", body = Problem, content_type = "application/problem+json")))]
#[get("/privacy/requests/{id}")]
pub async fn get_request(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let v = block(move || requests::details(&st, &id)).await??;
    Ok(unstored().json(v))
}

/// Decides a request: `done` carries it out in the same transaction (the correction applied,
/// the identity restricted or erased), `refused` answers why not.
#[utoipa::path(tag = "privacy", operation_id = "decidePrivacyRequest", security(("bearer" = [])),
    params(("id" = String, Path, description = "The request")), request_body = RequestDecision,
    responses((status = 200, description = "The request, answered.", body = RequestView),
        (status = 404, description = "No such request.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered (`request_decided`); a deletion while a report is still handled (`reports_in_progress`); someone acted on a report at the same moment (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/privacy/requests/{id}/decision")]
pub async fn decide(
    st: Data<AppState>,
    o: Require<PrivacyOfficer>,
    id: Path<String>,
    body: ValidJson<RequestDecision>,
) -> AppResult<Json<RequestView>> {
    let b = body.into_inner();
    Ok(Json(
        block(move || decisions::decide(&st, &o, &id, b)).await??,
    ))
}

/// Everything held about a request's subject, machine-readable; each identity in it is a read
/// recorded.
#[utoipa::path(tag = "privacy", operation_id = "privacyRequestExport", security(("bearer" = [])),
    params(("id" = String, Path, description = "The request")),
    responses((status = 200, description = "The export (`paht-subject-export/1`).", body = SubjectExport),
        (status = 404, description = "No such request.", body = Problem, content_type = "application/problem+json")))]
#[get("/privacy/requests/{id}/export")]
pub async fn officer_export(
    st: Data<AppState>,
    o: Require<PrivacyOfficer>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let v = block(move || export::for_officer(&st, &o, &id)).await??;
    Ok(unstored().json(v))
}

/// Which identity reads to list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReadsQuery {
    /// From (default: 30 days ago).
    pub from: Option<DateTime<Utc>>,
    /// To, included (default: now).
    pub to: Option<DateTime<Utc>>,
    /// Only the reads of this report (its tracking code).
    #[validate(length(min = 1, max = 32))]
    #[param(min_length = 1, max_length = 32)]
    pub report_code: Option<String>,
    /// Only the reads by this account.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub user_id: Option<String>,
    /// At most this many, 1–1000 (default 200).
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Who read which reporter's identity, and when (Art. 4.5), newest first.
#[utoipa::path(tag = "privacy", operation_id = "identityReads", security(("bearer" = [])),
    params(ReadsQuery),
    responses((status = 200, description = "The reads.", body = Vec<IdentityReadView>),
        (status = 422, description = "`to` is not after `from`.", body = Problem, content_type = "application/problem+json")))]
#[get("/privacy/identity-reads")]
pub async fn identity_reads(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
    q: ValidQuery<ReadsQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let v = block(move || {
        let to = q.to.unwrap_or_else(|| st.clock.now());
        let from = q.from.unwrap_or(to - TimeDelta::days(30));
        acc::identity_reads(
            &st,
            from,
            to,
            q.report_code.as_deref(),
            q.user_id.as_deref(),
            q.limit.unwrap_or(200),
        )
    })
    .await??;
    Ok(unstored().json(v))
}

/// The record of processing (what data, purpose, legal basis, recipients, retention as
/// configured), for the impact assessment.
#[utoipa::path(tag = "privacy", operation_id = "processingInventory", security(("bearer" = [])),
    responses((status = 200, description = "The inventory.", body = ProcessingInventory)))]
#[get("/privacy/inventory")]
pub async fn inventory(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
) -> Json<ProcessingInventory> {
    Json(acc::inventory(&st))
}

/// The dry run of retention: per class of data, its days, its cutoff and what would go now.
/// The service removes it hourly; `paht retention` does it at once.
#[utoipa::path(tag = "privacy", operation_id = "retentionPlan", security(("bearer" = [])),
    responses((status = 200, description = "What would go now.", body = RetentionPlan)))]
#[get("/privacy/retention")]
pub async fn retention_plan(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
) -> AppResult<HttpResponse> {
    let v = block(move || retention::plan(&st)).await??;
    Ok(unstored().json(v))
}

/// Records an incident touching personal data; the authority must be told within 72 hours of
/// its detection.
#[utoipa::path(tag = "privacy", operation_id = "recordIncident", security(("bearer" = [])),
    request_body = IncidentInput,
    responses((status = 201, description = "The incident.", body = IncidentView),
        (status = 422, description = "A date does not hold (`in_future`, `before_from`), or no such account.", body = Problem, content_type = "application/problem+json")))]
#[post("/privacy/incidents")]
pub async fn record_incident(
    st: Data<AppState>,
    o: Require<PrivacyOfficer>,
    body: ValidJson<IncidentInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let v = block(move || acc::record_incident(&st, &o, b)).await??;
    Ok(HttpResponse::Created().json(v))
}

/// The incidents, newest first, with their notice deadline.
#[utoipa::path(tag = "privacy", operation_id = "listIncidents", security(("bearer" = [])),
    responses((status = 200, description = "The incidents.", body = Vec<IncidentView>)))]
#[get("/privacy/incidents")]
pub async fn incidents(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
) -> AppResult<Json<Vec<IncidentView>>> {
    Ok(Json(block(move || acc::incidents(&st)).await??))
}

/// Records that the authority was told of an incident.
#[utoipa::path(tag = "privacy", operation_id = "incidentNotified", security(("bearer" = [])),
    params(("id" = String, Path, description = "The incident")),
    responses((status = 200, description = "The incident.", body = IncidentView),
        (status = 404, description = "No such incident.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already told (`already_notified`).", body = Problem, content_type = "application/problem+json")))]
#[post("/privacy/incidents/{id}/notified")]
pub async fn incident_notified(
    st: Data<AppState>,
    _o: Require<PrivacyOfficer>,
    id: Path<String>,
) -> AppResult<Json<IncidentView>> {
    Ok(Json(block(move || acc::notified(&st, &id)).await??))
}

/// A page of the affected subjects.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AffectedQuery {
    /// The `next` of the previous page.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub after: Option<String>,
    /// Page size, 1–1000 (default 500).
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// The data subjects an incident may have reached, with how to tell them; each identity opened
/// is a read recorded.
#[utoipa::path(tag = "privacy", operation_id = "incidentAffected", security(("bearer" = [])),
    params(("id" = String, Path, description = "The incident"), AffectedQuery),
    responses((status = 200, description = "A page of subjects.", body = AffectedPage),
        (status = 404, description = "No such incident.", body = Problem, content_type = "application/problem+json")))]
#[get("/privacy/incidents/{id}/affected")]
pub async fn incident_affected(
    st: Data<AppState>,
    o: Require<PrivacyOfficer>,
    id: Path<String>,
    q: ValidQuery<AffectedQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let v = block(move || acc::affected(&st, &o, &id, q.after.as_deref(), q.limit.unwrap_or(500)))
        .await??;
    Ok(unstored().json(v))
}
