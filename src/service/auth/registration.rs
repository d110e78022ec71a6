//! A citizen's self-registration, and the contact keys (phone, e-mail) of every account.

use crate::db::models::UserRow;
use crate::db::{new_id, repo, write_tx};
use crate::domain::account::{check_password_strength, normalize_email, normalize_phone};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;

use super::passwords::hash_password;

/// A citizen's self-registration.
pub struct Registration {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub password: String,
}

/// Normalises the contact keys of an account; returns field errors for bad ones.
pub fn normalize_contacts(
    phone: Option<&str>,
    email: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> (Option<String>, Option<String>) {
    let phone = phone
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|p| {
            let n = normalize_phone(p);
            if n.is_none() {
                errors.push(FieldError::new(
                    "phone",
                    "invalid_phone",
                    Msg::new(
                        "Số điện thoại không đúng định dạng Việt Nam.",
                        "Not a Vietnamese phone number.",
                    ),
                ));
            }
            n
        });
    let email = email
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|e| {
            let n = normalize_email(e);
            if n.is_none() {
                errors.push(FieldError::new(
                    "email",
                    "invalid_email",
                    Msg::new(
                        "Địa chỉ thư điện tử không hợp lệ.",
                        "Not a valid e-mail address.",
                    ),
                ));
            }
            n
        });
    (phone, email)
}

/// The conflict error for login keys that another account already uses.
pub fn taken_error(fields: Vec<&'static str>) -> AppError {
    let mut e = AppError::conflict(
        "login_taken",
        "Thông tin đăng nhập đã được một tài khoản khác sử dụng.",
        "Another account already uses this login.",
    );
    e.errors = fields
        .into_iter()
        .map(|f| FieldError::new(f, "taken", Msg::new("Đã được sử dụng.", "Already in use.")))
        .collect();
    e
}

/// Registers a citizen. `address` is the client's, counted against the registration limit;
/// `None` for the service's own callers (demo data).
pub fn register(st: &Context, r: Registration, address: Option<&str>) -> AppResult<UserRow> {
    if let Some(address) = address {
        st.throttle.register_attempt(address, st.clock.now())?;
    }
    let mut errors = Vec::new();
    let (phone, email) = normalize_contacts(r.phone.as_deref(), r.email.as_deref(), &mut errors);
    if phone.is_none() && email.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "phone",
            "required",
            Msg::new(
                "Cần số điện thoại hoặc địa chỉ thư điện tử.",
                "A phone number or an e-mail address is required.",
            ),
        ));
    }
    if let Err(m) = check_password_strength(&r.password) {
        errors.push(FieldError::new("password", "weak_password", m));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let password_hash = hash_password(&r.password)?;
    let now = st.clock.now().naive_utc();
    let row = UserRow {
        id: new_id(),
        username: None,
        email,
        phone,
        full_name: r.full_name.trim().to_string(),
        password_hash,
        role: Role::Citizen,
        agency_id: None,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        let taken = repo::users::taken_keys(
            c,
            &st.vault,
            None,
            row.email.as_deref(),
            row.phone.as_deref(),
            None,
        )?;
        if !taken.is_empty() {
            return Err(taken_error(taken));
        }
        repo::users::insert(c, &st.vault, &row).map_err(|e| unique_to_taken(e, row.email.is_some()))
    })?;
    Ok(row)
}

/// A unique violation that slipped past the check (a concurrent registration) is still a 409.
pub fn unique_to_taken(e: diesel::result::Error, has_email: bool) -> AppError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => taken_error(vec![if has_email { "email" } else { "phone" }]),
        other => other.into(),
    }
}
