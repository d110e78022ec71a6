//! Admins' subscriptions of other systems to report events (Standard Webhooks). The secret is
//! shown once, when the subscription is made.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::WebhookRow;
use crate::db::{new_id, repo, write_tx};
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;

/// Every action a subscription may name (as `report.<action>`): the steps of a report's
/// history.
pub use crate::domain::visibility::ACTIONS;

/// A new subscription.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where deliveries are POSTed (`https://…`; `http://` for a receiver on a private network).
    #[validate(length(min = 10, max = 2000))]
    #[schema(
        min_length = 10,
        max_length = 2000,
        example = "https://ioc.example.vn/hooks/paht"
    )]
    pub url: String,
    /// Event types (`report.published`, `report.overdue`, …) or `*` for all.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_items = 1, max_items = 64)]
    pub events: Vec<String>,
    /// What the subscription is for.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: String,
}

fn not_found() -> AppError {
    AppError::not_found("đăng ký webhook", "Webhook subscription")
}

pub fn create(st: &Context, who: &Principal, input: NewWebhook) -> AppResult<WebhookRow> {
    let mut errors = Vec::new();
    let url = input.url.trim().to_string();
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        errors.push(FieldError::new(
            "url",
            "invalid_format",
            Msg::new(
                "Địa chỉ phải là URL http(s)://.",
                "Must be an http(s):// URL.",
            ),
        ));
    }
    for (i, e) in input.events.iter().enumerate() {
        let known = e == "*"
            || e.strip_prefix("report.")
                .is_some_and(|a| ACTIONS.contains(&a));
        if !known {
            errors.push(FieldError::new(
                format!("events[{i}]"),
                "unknown_event",
                Msg::new(
                    format!("Loại sự kiện không tồn tại: {e}."),
                    format!("No such event type: {e}."),
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    use base64::Engine;
    let row = WebhookRow {
        id: new_id(),
        url,
        events: input.events.join(","),
        secret: format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
        ),
        description: input.description.trim().to_string(),
        active: true,
        failing_since: None,
        disabled_at: None,
        created_by: who.user_id.clone(),
        created_at: st.clock.now().naive_utc(),
    };
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| repo::outbox::insert_webhook(c, &row))?;
    Ok(row)
}

pub fn list(st: &Context) -> AppResult<Vec<WebhookRow>> {
    let mut conn = st.pool.get()?;
    Ok(repo::outbox::webhooks(&mut conn, false)?)
}

pub fn remove(st: &Context, id: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    if !write_tx(&mut conn, |c| repo::outbox::delete_webhook(c, id))? {
        return Err(not_found());
    }
    Ok(())
}

/// Turns a subscription on (its failing streak forgotten) or off.
pub fn set_active(st: &Context, id: &str, active: bool) -> AppResult<WebhookRow> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    write_tx(&mut conn, |c| -> AppResult<WebhookRow> {
        if !repo::outbox::set_webhook_active(c, id, active, now)? {
            return Err(not_found());
        }
        repo::outbox::webhook(c, id)?.ok_or_else(not_found)
    })
}
