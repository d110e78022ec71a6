//! Accounts managed by admins (staff), and each user's own account.

use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{UserChanges, UserRow};
use crate::db::repo::users::UserFilter;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::account::{check_password_strength, valid_username};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::{Principal, hash_password, normalize_contacts, taken_error};

/// Reads a field that may be absent (leave as is), `null` (clear) or a value (set).
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A staff account to create.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    /// The user name to sign in with: 3–50 of a-z, 0-9, `.`, `_`, `-`, starting with a letter.
    #[schema(
        example = "ioc.tiepnhan1",
        min_length = 3,
        max_length = 50,
        pattern = r"^[A-Za-z][A-Za-z0-9._\-]*$"
    )]
    pub username: String,
    /// Full name.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Nguyễn Văn An", min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Staff role (not `citizen`).
    pub role: Role,
    /// The agency: required for `agency_staff`, `agency_leader` and `supervisor`.
    pub agency_id: Option<String>,
    /// Work e-mail (optional; also a login).
    #[schema(format = Email)]
    pub email: Option<String>,
    /// Work phone (optional; also a login).
    #[schema(pattern = r"^[0-9+ .()\-]+$")]
    pub phone: Option<String>,
    /// Initial password: 8–128 characters with letters and digits.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Full name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    /// Staff role (a citizen account stays a citizen).
    pub role: Option<Role>,
    /// The agency; `null` to unbind (only for roles without an agency).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub agency_id: Option<Option<String>>,
    /// E-mail; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Email)]
    pub email: Option<Option<String>>,
    /// Phone; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = r"^[0-9+ .()\-]+$")]
    pub phone: Option<Option<String>>,
    /// `true` disables the account and signs it out everywhere.
    pub disabled: Option<bool>,
    /// A new password (an admin's reset).
    #[schema(min_length = 8, max_length = 128)]
    pub password: Option<String>,
}

/// Checks the role–agency binding: roles that need an agency have an existing one.
fn check_agency(
    conn: &mut DbConn,
    role: Role,
    agency_id: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    match agency_id {
        None if role.needs_agency() => errors.push(FieldError::of(
            "agency_id",
            "required",
            "Vai trò này phải thuộc một cơ quan.",
            "This role must belong to an agency.",
        )),
        // Operators, the province, admins and citizens belong to no agency.
        Some(_) if !role.needs_agency() => errors.push(FieldError::of(
            "agency_id",
            "agency_not_allowed",
            "Vai trò này không thuộc cơ quan nào; bỏ trống agency_id.",
            "This role belongs to no agency; leave agency_id empty.",
        )),
        Some(id) if repo::agencies::find(conn, id)?.is_none() => errors.push(FieldError::of(
            "agency_id",
            "unknown_agency",
            "Cơ quan không tồn tại.",
            "No such agency.",
        )),
        _ => {}
    }
    Ok(())
}

pub fn create_staff(st: &Context, input: NewStaff) -> AppResult<UserRow> {
    let mut errors = Vec::new();
    // Stored in lower case; spaces are refused, not trimmed (the contract's pattern says so).
    let username = input.username.to_lowercase();
    if !valid_username(&username) {
        errors.push(FieldError::new(
            "username",
            "invalid_username",
            Msg::new(
                "Tên đăng nhập gồm 3–50 ký tự a-z, 0-9, '.', '_', '-' và bắt đầu bằng chữ cái.",
                "A user name has 3–50 of a-z, 0-9, '.', '_', '-' and starts with a letter.",
            ),
        ));
    }
    if input.role == Role::Citizen {
        errors.push(FieldError::new(
            "role",
            "not_staff_role",
            Msg::new(
                "Công dân tự đăng ký tài khoản.",
                "Citizens register themselves.",
            ),
        ));
    }
    let (phone, email) =
        normalize_contacts(input.phone.as_deref(), input.email.as_deref(), &mut errors);
    if let Err(m) = check_password_strength(&input.password) {
        errors.push(FieldError::new("password", "weak_password", m));
    }
    let hash = hash_password(&input.password)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<UserRow> {
        check_agency(c, input.role, input.agency_id.as_deref(), &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let taken = repo::users::taken_keys(
            c,
            &st.vault,
            Some(&username),
            email.as_deref(),
            phone.as_deref(),
            None,
        )?;
        if !taken.is_empty() {
            return Err(taken_error(taken));
        }
        let row = UserRow {
            id: new_id(),
            username: Some(username),
            email,
            phone,
            full_name: input.full_name.trim().to_string(),
            password_hash: hash,
            role: input.role,
            agency_id: input.agency_id,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        repo::users::insert(c, &st.vault, &row)?;
        Ok(row)
    })
}

pub fn update_user(
    st: &Context,
    actor: &Principal,
    id: &str,
    patch: UserPatch,
) -> AppResult<UserRow> {
    let mut errors = Vec::new();
    let (phone, email) = normalize_contacts(
        patch.phone.as_ref().and_then(|p| p.as_deref()),
        patch.email.as_ref().and_then(|e| e.as_deref()),
        &mut errors,
    );
    let password_hash = match &patch.password {
        Some(p) => match check_password_strength(p) {
            Ok(()) => Some(hash_password(p)?),
            Err(m) => {
                errors.push(FieldError::new("password", "weak_password", m));
                None
            }
        },
        None => None,
    };
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    st.account_write_tx(&mut conn, |c| -> AppResult<UserRow> {
        let user = repo::users::find(c, &st.vault, id)?
            .ok_or_else(|| AppError::not_found("tài khoản", "User"))?;
        let current_role = user.role;
        let role = patch.role.unwrap_or(current_role);
        if (current_role == Role::Citizen) != (role == Role::Citizen) {
            errors.push(FieldError::new(
                "role",
                "role_change_not_allowed",
                Msg::new(
                    "Không thể chuyển giữa tài khoản công dân và tài khoản cán bộ.",
                    "An account cannot move between citizen and staff.",
                ),
            ));
        }
        // A role without an agency drops the old one; between agency roles it stays unless
        // the patch names another.
        let agency = match &patch.agency_id {
            Some(a) => a.clone(),
            None if !role.needs_agency() => None,
            None => user.agency_id.clone(),
        };
        check_agency(c, role, agency.as_deref(), &mut errors)?;
        if actor.user_id == user.id && (patch.disabled == Some(true) || role != current_role) {
            return Err(AppError::conflict(
                "cannot_change_self",
                "Quản trị viên không thể tự khóa hoặc tự đổi vai trò của mình.",
                "An admin cannot disable their own account or change their own role.",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let new_email = patch.email.as_ref().map(|_| email.clone());
        let new_phone = patch.phone.as_ref().map(|_| phone.clone());
        let taken = repo::users::taken_keys(
            c,
            &st.vault,
            None,
            new_email.as_ref().and_then(|e| e.as_deref()),
            new_phone.as_ref().and_then(|p| p.as_deref()),
            Some(&user.id),
        )?;
        if !taken.is_empty() {
            return Err(taken_error(taken));
        }
        let changes = UserChanges {
            full_name: patch.full_name.as_ref().map(|n| n.trim().to_string()),
            email: new_email,
            phone: new_phone,
            role: patch.role.map(|r| r.as_str().to_string()),
            agency_id: (agency != user.agency_id).then(|| agency.clone()),
            disabled: patch.disabled,
            password_hash: password_hash.clone(),
            updated_at: Some(now),
        };
        repo::users::update(c, &st.vault, &user.id, &changes)?;
        // A focal point disabled, moved or given another role leaves its agency lacking one.
        for a in [&user.agency_id, &agency].into_iter().flatten() {
            crate::service::directory::refresh_focal_points(c, &st.vault, a, now)?;
        }
        if patch.disabled == Some(true) || password_hash.is_some() {
            // Signed out everywhere: a disabled account or a reset password ends every session.
            repo::tokens::revoke_user(c, &user.id, now)?;
        }
        repo::users::find(c, &st.vault, &user.id)?
            .ok_or_else(|| AppError::internal("user vanished"))
    })
}

pub fn get_user(st: &Context, id: &str) -> AppResult<UserRow> {
    let mut conn = st.pool.get()?;
    repo::users::find(&mut conn, &st.vault, id)?
        .ok_or_else(|| AppError::not_found("tài khoản", "User"))
}

pub fn list_users(
    st: &Context,
    filter: &UserFilter,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<UserRow>, i64)> {
    let mut conn = st.pool.get()?;
    Ok(repo::users::list(
        &mut conn, &st.vault, filter, limit, offset,
    )?)
}

/// A change of one's own password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password: 8–128 characters with letters and digits.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

pub fn change_own_password(st: &Context, who: &Principal, input: PasswordChange) -> AppResult<()> {
    if let Err(m) = check_password_strength(&input.new_password) {
        return Err(AppError::validation(vec![FieldError::new(
            "new_password",
            "weak_password",
            m,
        )]));
    }
    let mut conn = st.pool.get()?;
    let user = repo::users::find(&mut conn, &st.vault, &who.user_id)?
        .ok_or_else(AppError::unauthenticated)?;
    if !crate::service::auth::verify_password(&input.current_password, &user.password_hash) {
        return Err(AppError::invalid_field(
            "current_password",
            "wrong_password",
            Msg::new(
                "Mật khẩu hiện tại không đúng.",
                "The current password is wrong.",
            ),
        ));
    }
    let hash = hash_password(&input.new_password)?;
    let now = st.clock.now().naive_utc();
    st.account_write_tx(&mut conn, |c| -> AppResult<()> {
        repo::users::update(
            c,
            &st.vault,
            &user.id,
            &UserChanges {
                password_hash: Some(hash),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        repo::tokens::revoke_user(c, &user.id, now)?;
        Ok(())
    })
}
