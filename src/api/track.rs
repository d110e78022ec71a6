//! `/api/v1/track/{code}`: a reporter without an account follows their report with its
//! tracking code and its follow-up token (Art. 7.1, 10), the token in the `Follow-Up-Token`
//! header; `POST /api/v1/public/reports`: a guest's report from the portal; the IOC's
//! `/api/v1/reports/{id}/follow-up-token` to issue a new token or revoke it.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::{ClientAddr, Require, ValidJson, roles::Operator};
use crate::api::report_views::{EventView, ReportView};
use crate::api::state::AppState;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::reports::actions::{self, FeedbackInput, RatingInput};
use crate::service::reports::follow_up;
use crate::service::reports::intake::{self, NewReport, Supplement};
use crate::service::reports::queries;

/// The header that carries the follow-up token.
pub const HEADER: &str = "follow-up-token";

/// The reporter behind the code and the header's token (401 otherwise, 429 for an address that
/// showed too many wrong tokens).
pub(crate) async fn follower(
    st: &Data<AppState>,
    req: &HttpRequest,
    code: String,
    addr: ClientAddr,
) -> AppResult<(Principal, String)> {
    let typed = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let st = st.clone();
    let who = block(move || follow_up::open(&st, &code, &typed, &addr.0)).await??;
    let id = who.follow_up.clone().unwrap_or_default();
    Ok((who, id))
}

/// Runs an action as the follower and answers the report after it.
async fn acted(
    st: Data<AppState>,
    req: HttpRequest,
    code: String,
    addr: ClientAddr,
    f: impl FnOnce(&crate::service::Context, &Principal, &str) -> AppResult<()> + Send + 'static,
) -> AppResult<Json<ReportView>> {
    let (who, id) = follower(&st, &req, code, addr).await?;
    let v = block(move || {
        f(&st, &who, &id)?;
        queries::get(&st, &who, &id)
    })
    .await??;
    Ok(Json(v.into()))
}

/// Reporter without an account: their report, as the app shows it to its reporter (state,
/// deadlines, what the IOC asked, the published answer, feedback, ratings), with no identity.
#[utoipa::path(tag = "track", operation_id = "trackReport", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code, e.g. `PA-2026-000123`")),
    responses((status = 200, description = "The report.", body = ReportView),
        (status = 401, description = "The code or the token is wrong, or the token was revoked (`invalid_follow_up_token`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address (`Retry-After`).", body = Problem, content_type = "application/problem+json")))]
#[get("/track/{code}")]
pub async fn track(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
) -> AppResult<HttpResponse> {
    let (who, id) = follower(&st, &req, code.into_inner(), addr).await?;
    let v = block(move || queries::get(&st, &who, &id)).await??;
    Ok(unstored().json(ReportView::from(v)))
}

/// An answer opened by a secret: kept by no cache.
pub(crate) fn unstored() -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::Ok();
    b.insert_header(("Cache-Control", "no-store"))
        .insert_header(("Vary", HEADER));
    b
}

/// Reporter without an account: the steps of the report's history meant for its reporter.
#[utoipa::path(tag = "track", operation_id = "trackReportEvents", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")),
    responses((status = 200, description = "The events, oldest first.", body = Vec<EventView>),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[get("/track/{code}/events")]
pub async fn track_events(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
) -> AppResult<HttpResponse> {
    let (who, id) = follower(&st, &req, code.into_inner(), addr).await?;
    let rows = block(move || queries::events(&st, &who, &id)).await??;
    Ok(unstored().json(rows.into_iter().map(EventView::from).collect::<Vec<_>>()))
}

/// Reporter without an account: supplement the report the IOC asked about (Art. 7.1); it
/// returns to the IOC with a new dispatch clock.
#[utoipa::path(tag = "track", operation_id = "trackSupplement", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")), request_body = Supplement,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[post("/track/{code}/supplement")]
pub async fn track_supplement(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
    body: ValidJson<Supplement>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    acted(st, req, code.into_inner(), addr, move |c, w, i| {
        intake::supplement(c, w, i, b)
    })
    .await
}

/// Reporter without an account: feedback on the published result (Art. 10.1); the lead agency
/// must clarify within 2 working days.
#[utoipa::path(tag = "track", operation_id = "trackFeedback", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")), request_body = FeedbackInput,
    responses((status = 201, description = "The report with the feedback.", body = ReportView),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The result is not published.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[post("/track/{code}/feedback")]
pub async fn track_feedback(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
    body: ValidJson<FeedbackInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let v = acted(st, req, code.into_inner(), addr, move |c, w, i| {
        actions::feedback(c, w, i, b).map(|_| ())
    })
    .await?;
    Ok(HttpResponse::Created().json(v.into_inner()))
}

/// Reporter without an account: rate the published result (Art. 10.3); a new rating replaces
/// the old one, and both stay in the history.
#[utoipa::path(tag = "track", operation_id = "trackRating", security(("follow_up" = [])),
    params(("code" = String, Path, description = "Tracking code")), request_body = RatingInput,
    responses((status = 200, description = "The report after the action.", body = ReportView),
        (status = 401, description = "The code or the token is wrong, or the token was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The result is not published.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong tokens from this address.", body = Problem, content_type = "application/problem+json")))]
#[post("/track/{code}/rating")]
pub async fn track_rating(
    st: Data<AppState>,
    req: HttpRequest,
    code: Path<String>,
    addr: ClientAddr,
    body: ValidJson<RatingInput>,
) -> AppResult<Json<ReportView>> {
    let b = body.into_inner();
    acted(st, req, code.into_inner(), addr, move |c, w, i| {
        actions::rate(c, w, i, b)
    })
    .await
}

/// A guest's report from the portal: the identity Art. 4.2 requires, no account. The answer
/// carries the tracking code and the follow-up token (`follow_up_token`, shown this once; it
/// also goes by e-mail when the reporter gave an address). Reports per client address are
/// limited (`PAHT_GUEST_REPORTS_MAX_PER_ADDRESS` in `PAHT_LOGIN_WINDOW_SECS`).
#[utoipa::path(tag = "track", operation_id = "submitGuestReport", request_body = NewReport,
    responses((status = 201, description = "Created: the report as its reporter sees it, with `follow_up_token`.", body = ReportView),
        (status = 429, description = "Too many reports from this address (`Retry-After`).", body = Problem, content_type = "application/problem+json")))]
#[post("/public/reports")]
pub async fn submit_guest(
    st: Data<AppState>,
    addr: ClientAddr,
    body: ValidJson<NewReport>,
) -> AppResult<HttpResponse> {
    let who = Principal::guest();
    // Refused fields are answered without counting against the address.
    let checked = intake::check_submission(&st, &who, body.into_inner())?;
    st.throttle.guest_report_attempt(&addr.0, st.clock.now())?;
    let outcome = block(move || intake::submit_checked(&st, &who, checked, None)).await??;
    let v = outcome.details().clone();
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/track/{}", v.report.code)))
        .json(ReportView::from(v)))
}

/// A new follow-up token, answered once.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpTokenView {
    /// The report's tracking code.
    pub code: String,
    /// The new token: it replaces the old one, goes to the reporter through the channel of
    /// intake, and is not shown again.
    #[schema(example = "7KQ2-M9XD-4HRT-W3ZP")]
    pub follow_up_token: String,
}

/// Operator: issue a new follow-up token (the reporter lost theirs, or it leaked). The old one
/// stops working; the new one is sent to the reporter and answered here once, to be read out
/// to a caller.
#[utoipa::path(tag = "track", operation_id = "reissueFollowUpToken", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 201, description = "The new token.", body = FollowUpTokenView),
        (status = 409, description = "Someone acted on the report at the same time (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/follow-up-token")]
pub async fn reissue(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (code, token) = block(move || {
        let token = follow_up::reissue(&st, &who, &id)?;
        let r = queries::get(&st, &who, &id)?;
        AppResult::Ok((r.report.code, token))
    })
    .await??;
    Ok(HttpResponse::Created().json(FollowUpTokenView {
        code,
        follow_up_token: token,
    }))
}

/// Operator: revoke the report's follow-up token; nobody follows the report without an account
/// until a new one is issued.
#[utoipa::path(tag = "track", operation_id = "revokeFollowUpToken", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 204, description = "Revoked."),
        (status = 409, description = "The report has no token in force (`no_follow_up_token`).", body = Problem, content_type = "application/problem+json")))]
#[delete("/reports/{id}/follow-up-token")]
pub async fn revoke(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    block(move || follow_up::revoke(&st, &who, &id)).await??;
    Ok(HttpResponse::NoContent().finish())
}
