//! An account's in-app inbox and push devices; the admins' message templates.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{NotificationRow, PushDeviceRow, TemplateRow};
use crate::db::{repo, write_tx};
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;

use super::templates::{self, Audience, BUILTIN, Wording};

/// Kinds no account may turn off: a missed deadline reaches its leader and supervisors
/// (Art. 7.3, 15.3).
pub const MANDATORY: &[&str] = &["overdue"];

/// One kind of staff message and whether the caller receives it by e-mail and in the inbox.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preference {
    /// Kind of message (see `GET /api/v1/admin/templates`).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub kind: String,
    /// By e-mail (to the account's address).
    pub email: bool,
    /// In the in-app inbox.
    pub inbox: bool,
    /// Whether it can be turned off (`overdue` cannot).
    #[serde(default)]
    pub mandatory: bool,
}

/// The caller's choices for every kind of staff message.
pub fn preferences(st: &Context, who: &Principal) -> AppResult<Vec<Preference>> {
    let mut conn = st.pool.get()?;
    let off = repo::outbox::optouts_of(&mut conn, &who.user_id)?;
    let has = |k: &str, ch: &str| off.iter().any(|(a, b)| a == k && b == ch);
    Ok(BUILTIN
        .iter()
        .filter(|b| b.audience == Audience::Staff)
        .map(|b| {
            let mandatory = MANDATORY.contains(&b.kind);
            Preference {
                kind: b.kind.into(),
                email: mandatory || !has(b.kind, "email"),
                inbox: mandatory || !has(b.kind, "inbox"),
                mandatory,
            }
        })
        .collect())
}

/// Saves the caller's choices (kinds not named keep theirs); 422 for an unknown kind or for
/// turning off a mandatory one.
pub fn set_preferences(
    st: &Context,
    who: &Principal,
    prefs: Vec<Preference>,
) -> AppResult<Vec<Preference>> {
    let mut errors = Vec::new();
    for (i, p) in prefs.iter().enumerate() {
        let staff = templates::builtin(&p.kind).is_some_and(|b| b.audience == Audience::Staff);
        if !staff {
            errors.push(FieldError::new(
                format!("settings[{i}].kind"),
                "unknown_kind",
                Msg::new(
                    "Không có loại thông báo này cho cán bộ.",
                    "No such kind of staff message.",
                ),
            ));
        } else if MANDATORY.contains(&p.kind.as_str()) && !(p.email && p.inbox) {
            errors.push(FieldError::new(
                format!("settings[{i}].kind"),
                "mandatory_kind",
                Msg::new(
                    "Không thể tắt thông báo trễ hạn (Điều 7.3, 15.3).",
                    "Overdue notices cannot be turned off (Art. 7.3, 15.3).",
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        let mut off: Vec<(String, String)> = repo::outbox::optouts_of(c, &who.user_id)?
            .into_iter()
            .filter(|(k, _)| !prefs.iter().any(|p| &p.kind == k))
            .collect();
        for p in &prefs {
            if !p.email {
                off.push((p.kind.clone(), "email".into()));
            }
            if !p.inbox {
                off.push((p.kind.clone(), "inbox".into()));
            }
        }
        Ok(repo::outbox::set_optouts(c, &who.user_id, &off)?)
    })?;
    preferences(st, who)
}

/// A page of an account's notifications, the total and the unread count.
pub fn list_mine(
    st: &Context,
    who: &Principal,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<NotificationRow>, i64, i64)> {
    let mut conn = st.pool.get()?;
    Ok(repo::outbox::notifications_of(
        &mut conn,
        &who.user_id,
        unread_only,
        limit,
        offset,
    )?)
}

/// Marks the caller's notifications read (the ones named, or all); returns how many changed.
pub fn mark_read(st: &Context, who: &Principal, ids: Option<Vec<String>>) -> AppResult<usize> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    Ok(write_tx(&mut conn, |c| {
        repo::outbox::mark_read(c, &who.user_id, ids.as_deref(), now)
    })?)
}

/// A device of the app that receives push messages.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    /// The push token the app's platform gave the device.
    #[validate(length(min = 8, max = 4096))]
    #[schema(min_length = 8, max_length = 4096)]
    pub token: String,
    /// `android`, `ios` or `web`.
    #[validate(custom(function = "platform"))]
    #[schema(pattern = "^(android|ios|web)$")]
    pub platform: String,
}

fn platform(p: &str) -> Result<(), validator::ValidationError> {
    if matches!(p, "android" | "ios" | "web") {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_value"))
    }
}

pub fn register_device(st: &Context, who: &Principal, d: DeviceInput) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    write_tx(&mut conn, |c| {
        repo::outbox::save_device(
            c,
            &PushDeviceRow {
                token: d.token.trim().to_string(),
                user_id: who.user_id.clone(),
                platform: d.platform.clone(),
                created_at: now,
            },
        )
    })?;
    Ok(())
}

pub fn remove_device(st: &Context, who: &Principal, token: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    if !write_tx(&mut conn, |c| {
        repo::outbox::delete_device(c, &who.user_id, token)
    })? {
        return Err(AppError::not_found("thiết bị", "Device"));
    }
    Ok(())
}

/// One kind of message with the wording in force.
pub struct Template {
    pub kind: &'static str,
    pub audience: Audience,
    pub vars: &'static [&'static str],
    pub wording: Wording,
    pub customised: bool,
}

pub fn list_templates(st: &Context) -> AppResult<Vec<Template>> {
    let mut conn = st.pool.get()?;
    let saved = repo::outbox::templates(&mut conn)?;
    Ok(BUILTIN
        .iter()
        .map(|b| {
            let s = saved.iter().find(|t| t.kind == b.kind).cloned();
            Template {
                kind: b.kind,
                audience: b.audience,
                vars: b.vars,
                customised: s.is_some(),
                wording: Wording::of(b, s),
            }
        })
        .collect())
}

fn unknown_kind() -> AppError {
    AppError::not_found("loại thông báo", "Message kind")
}

/// Saves an admin's wording of a kind after checking its variables.
pub fn save_template(st: &Context, who: &Principal, kind: &str, w: Wording) -> AppResult<Template> {
    let b = templates::builtin(kind).ok_or_else(unknown_kind)?;
    let errs = templates::check(b, &w);
    if !errs.is_empty() {
        return Err(AppError::validation(
            errs.into_iter()
                .map(|(field, en)| {
                    let vi = if en.contains("unknown variable") {
                        format!("Biến không được dùng cho loại thông báo này ({en}).")
                    } else if en.contains("short message") {
                        format!("Biến này không được có trong tin ngắn (SMS, push): {en}.")
                    } else {
                        format!("Mẫu không hợp lệ: {en}.")
                    };
                    FieldError::new(field, "invalid_template", Msg::new(vi, en))
                })
                .collect(),
        ));
    }
    let mut conn = st.pool.get()?;
    let row = TemplateRow {
        kind: b.kind.into(),
        subject: w.subject.clone(),
        body: w.body.clone(),
        short: w.short.clone(),
        subject_en: w.subject_en.clone(),
        body_en: w.body_en.clone(),
        short_en: w.short_en.clone(),
        updated_at: st.clock.now().naive_utc(),
        updated_by: who.user_id.clone(),
    };
    write_tx(&mut conn, |c| repo::outbox::save_template(c, &row))?;
    Ok(Template {
        kind: b.kind,
        audience: b.audience,
        vars: b.vars,
        wording: w,
        customised: true,
    })
}

/// Returns a kind to its built-in wording.
pub fn reset_template(st: &Context, kind: &str) -> AppResult<()> {
    templates::builtin(kind).ok_or_else(unknown_kind)?;
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| repo::outbox::delete_template(c, kind))?;
    Ok(())
}
