//! `/api/v1/me/notifications`, `/api/v1/me/notification-settings`, `/api/v1/me/devices`: an
//! account's in-app inbox, its choices and its push devices.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery};
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::notify::inbox::{self as svc, DeviceInput, Preference};

/// A notification in the caller's inbox, in Vietnamese and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    /// Notification id.
    pub id: String,
    /// What it is about, e.g. `result_published`, `assignment_new`, `overdue`.
    pub kind: String,
    /// The report.
    pub report_id: Option<String>,
    /// Title (Vietnamese).
    pub title: String,
    /// Text (Vietnamese).
    pub body: String,
    /// Title (English).
    pub title_en: String,
    /// Text (English).
    pub body_en: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When the caller read it; absent while unread.
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of the inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    /// The notifications of the page.
    pub items: Vec<NotificationView>,
    /// Notifications matching the filter.
    pub total: i64,
    /// Unread notifications of the account, whatever the filter.
    pub unread: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Filter and page of the inbox.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    #[validate(range(min = 0, max = 1_000_000))]
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<i64>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(tag = "notifications", operation_id = "listMyNotifications", security(("bearer" = [])),
    params(NotificationQuery),
    responses((status = 200, description = "A page of the inbox.", body = NotificationPage)))]
#[get("/me/notifications")]
pub async fn list_mine(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<NotificationQuery>,
) -> AppResult<Json<NotificationPage>> {
    let q = q.into_inner();
    let (limit, offset) = (q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let unread_only = q.unread.unwrap_or(false);
    let (rows, total, unread) =
        block(move || svc::list_mine(&st, &who, unread_only, limit, offset)).await??;
    Ok(Json(NotificationPage {
        items: rows
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                kind: n.kind,
                report_id: n.report_id,
                title: n.title,
                body: n.body,
                title_en: n.title_en,
                body_en: n.body_en,
                created_at: utc(n.created_at),
                read_at: n.read_at.map(utc),
            })
            .collect(),
        total,
        unread,
        limit,
        offset,
    }))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications; absent: every unread one.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Option<Vec<String>>,
}

/// How many changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Marked {
    /// Notifications that changed from unread to read.
    pub marked: usize,
}

/// Marks the caller's notifications read (others' ids are ignored).
#[utoipa::path(tag = "notifications", operation_id = "markNotificationsRead", security(("bearer" = [])),
    request_body = MarkRead,
    responses((status = 200, description = "Marked.", body = Marked)))]
#[post("/me/notifications/read")]
pub async fn mark_read(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<MarkRead>,
) -> AppResult<Json<Marked>> {
    let ids = body.into_inner().ids;
    let marked = block(move || svc::mark_read(&st, &who, ids)).await??;
    Ok(Json(Marked { marked }))
}

/// The caller's choice, per kind of staff message, of e-mail and inbox.
#[utoipa::path(tag = "notifications", operation_id = "getNotificationSettings", security(("bearer" = [])),
    responses((status = 200, description = "Every kind of staff message with the caller's choice.", body = Vec<Preference>)))]
#[get("/me/notification-settings")]
pub async fn settings(st: Data<AppState>, who: Principal) -> AppResult<Json<Vec<Preference>>> {
    Ok(Json(block(move || svc::preferences(&st, &who)).await??))
}

/// Choices to change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// The kinds to change, each with its e-mail and inbox choice.
    #[validate(length(min = 1, max = 100), nested)]
    #[schema(min_items = 1, max_items = 100)]
    pub settings: Vec<Preference>,
}

/// Changes the caller's choices for the kinds named (others keep theirs). `overdue` cannot be
/// turned off.
#[utoipa::path(tag = "notifications", operation_id = "putNotificationSettings", security(("bearer" = [])),
    request_body = PreferencesInput,
    responses((status = 200, description = "The choices now.", body = Vec<Preference>),
        (status = 422, description = "An unknown kind, or a mandatory one turned off.", body = Problem, content_type = "application/problem+json")))]
#[put("/me/notification-settings")]
pub async fn put_settings(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<PreferencesInput>,
) -> AppResult<Json<Vec<Preference>>> {
    let prefs = body.into_inner().settings;
    Ok(Json(
        block(move || svc::set_preferences(&st, &who, prefs)).await??,
    ))
}

/// Registers a device of the app for push messages (the token moves to this account if another
/// had it).
#[utoipa::path(tag = "notifications", operation_id = "registerDevice", security(("bearer" = [])),
    request_body = DeviceInput,
    responses((status = 204, description = "Registered.")))]
#[put("/me/devices")]
pub async fn register_device(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<DeviceInput>,
) -> AppResult<HttpResponse> {
    let d = body.into_inner();
    block(move || svc::register_device(&st, &who, d)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops push messages to a device of the caller.
#[utoipa::path(tag = "notifications", operation_id = "removeDevice", security(("bearer" = [])),
    params(("token" = String, Path, description = "The device's push token")),
    responses((status = 204, description = "Removed."),
        (status = 404, description = "No such device of the caller.", body = Problem, content_type = "application/problem+json")))]
#[delete("/me/devices/{token}")]
pub async fn remove_device(
    st: Data<AppState>,
    who: Principal,
    token: Path<String>,
) -> AppResult<HttpResponse> {
    block(move || svc::remove_device(&st, &who, &token)).await??;
    Ok(HttpResponse::NoContent().finish())
}
