//! Accounts: registration, sign-in, token refresh with rotation, sign-out, and the principal
//! behind an access token.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::db::models::{RefreshTokenRow, UserRow};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::account::{LoginId, check_password_strength, normalize_email, normalize_phone};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};

/// Who is calling: the user behind a valid access token, as the database says now (a
/// disabled account or a changed role takes effect on the next request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub role: Role,
    pub agency_id: Option<String>,
}

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The user id.
    sub: String,
    role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    exp: i64,
    /// Token kind: always `access`.
    typ: String,
    /// The sign-in (refresh-token family) the token belongs to: when it ends (sign-out, a
    /// reused refresh token, a password change, a disabled account) the token stops working.
    sid: String,
}

/// Clock skew tolerated between replicas for `iat` and `nbf` (seconds).
const LEEWAY_SECS: i64 = 30;

/// What a valid access token names.
#[derive(Debug, Clone)]
pub struct AccessClaims {
    pub user_id: String,
    pub session_id: String,
}

/// The HMAC key of access tokens.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the application clock below, not the system's.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims = ["sub", "exp", "iat"]
            .into_iter()
            .map(String::from)
            .collect();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

/// An issued pair of tokens (OAuth 2.0 token response).
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

fn invalid_token() -> AppError {
    AppError::unauthorized(
        "invalid_token",
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.",
        "The access token is invalid or expired.",
    )
}

fn invalid_credentials() -> AppError {
    AppError::unauthorized(
        "invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "The login or the password is wrong.",
    )
}

fn invalid_refresh() -> AppError {
    AppError::unauthorized(
        "invalid_refresh_token",
        "Mã làm mới phiên không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
        "The refresh token is invalid or expired. Sign in again.",
    )
}

/// Hashes a password with Argon2id (default parameters, random salt).
pub fn hash_password(password: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the login names nobody, so that the answer takes as long as
/// for a real account.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks an access token against the application clock: signed with our key, of kind
/// `access`, not expired, not issued or valid from the future, and living no longer than the
/// configured lifetime (a token minted with a far `exp` is refused even with the right key).
pub fn decode_access_token(
    st: &AppState,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<AccessClaims> {
    let data = jsonwebtoken::decode::<Claims>(token, &st.jwt.decoding, &st.jwt.validation)
        .map_err(|_| invalid_token())?;
    let c = data.claims;
    let ttl = i64::try_from(st.config.access_token_ttl.as_secs()).unwrap_or(i64::MAX);
    let now = now.timestamp();
    let fresh = c.typ == "access"
        && c.exp > now
        && c.iat <= now + LEEWAY_SECS
        && c.nbf.is_none_or(|nbf| nbf <= now + LEEWAY_SECS)
        && c.exp.saturating_sub(c.iat) <= ttl.saturating_add(LEEWAY_SECS)
        && c.exp.saturating_sub(now) <= ttl.saturating_add(LEEWAY_SECS)
        && !c.sid.is_empty();
    if !fresh {
        return Err(invalid_token());
    }
    Ok(AccessClaims {
        user_id: c.sub,
        session_id: c.sid,
    })
}

/// Loads the principal behind a checked token: its sign-in must still be open, and its
/// account present and enabled.
pub fn load_principal(conn: &mut DbConn, claims: &AccessClaims) -> AppResult<Principal> {
    let user = repo::users::find(conn, &claims.user_id)?.ok_or_else(invalid_token)?;
    if user.disabled {
        return Err(AppError::unauthorized(
            "account_disabled",
            "Tài khoản đã bị khóa.",
            "The account is disabled.",
        ));
    }
    if !repo::tokens::session_open(conn, &claims.session_id, &claims.user_id)? {
        return Err(AppError::unauthorized(
            "session_ended",
            "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.",
            "The sign-in has ended. Sign in again.",
        ));
    }
    let role = Role::parse(&user.role)
        .ok_or_else(|| AppError::internal(format!("unknown role {}", user.role)))?;
    Ok(Principal {
        user_id: user.id,
        role,
        agency_id: user.agency_id,
    })
}

fn issue(
    st: &AppState,
    conn: &mut DbConn,
    user: &UserRow,
    family: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<TokenPair> {
    let ttl = TimeDelta::from_std(st.config.access_token_ttl).map_err(AppError::internal)?;
    let family = family.unwrap_or_else(new_id);
    let claims = Claims {
        sub: user.id.clone(),
        role: user.role.clone(),
        agency: user.agency_id.clone(),
        iat: now.timestamp(),
        nbf: None,
        exp: (now + ttl).timestamp(),
        typ: "access".into(),
        sid: family.clone(),
    };
    let access_token =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &st.jwt.encoding)
            .map_err(AppError::internal)?;
    let refresh_token = random_token();
    let refresh_ttl =
        TimeDelta::from_std(st.config.refresh_token_ttl).map_err(AppError::internal)?;
    repo::tokens::insert(
        conn,
        &RefreshTokenRow {
            id: new_id(),
            user_id: user.id.clone(),
            family_id: family,
            token_hash: sha256_hex(&refresh_token),
            issued_at: now.naive_utc(),
            expires_at: (now + refresh_ttl).naive_utc(),
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        expires_in: ttl.num_seconds(),
    })
}

/// Before a sign-in: 429 for an address over its limits, or how long the attempt must wait
/// because its account is under attack (the caller waits, then calls `login`).
pub fn login_delay(st: &AppState, login: &str, address: &str) -> AppResult<std::time::Duration> {
    let id = LoginId::parse(login);
    st.throttle.check_login(id.key(), address, st.clock.now())
}

/// Signs in with a user name, phone number or e-mail address and a password.
pub fn login(st: &AppState, login: &str, password: &str, address: &str) -> AppResult<TokenPair> {
    let id = LoginId::parse(login);
    let now = st.clock.now();
    // Checked again: the wait may have let other failures in.
    st.throttle.check_login(id.key(), address, now)?;
    let mut conn = st.pool.get()?;
    let user = repo::users::find_by_login(&mut conn, &id)?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            verify_password(password, dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        st.throttle.login_failed(id.key(), address, now);
        return Err(invalid_credentials());
    };
    if user.disabled {
        return Err(AppError::unauthorized(
            "account_disabled",
            "Tài khoản đã bị khóa.",
            "The account is disabled.",
        ));
    }
    st.throttle.login_succeeded(id.key(), address);
    write_tx(&mut conn, |c| issue(st, c, &user, None, now))
}

enum RefreshOutcome {
    Issued(TokenPair),
    Refused(AppError),
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used
/// one again means it was stolen or replayed, and its whole family is revoked.
pub fn refresh(st: &AppState, refresh_token: &str, address: &str) -> AppResult<TokenPair> {
    let now = st.clock.now();
    st.throttle.check_refresh(address, now)?;
    let hash = sha256_hex(refresh_token);
    let mut conn = st.pool.get()?;
    let outcome = write_tx(&mut conn, |c| -> AppResult<RefreshOutcome> {
        let Some(row) = repo::tokens::find_by_hash(c, &hash)? else {
            return Ok(RefreshOutcome::Refused(invalid_refresh()));
        };
        if row.revoked_at.is_some() || row.expires_at <= now.naive_utc() {
            return Ok(RefreshOutcome::Refused(invalid_refresh()));
        }
        if row.used_at.is_some() || !repo::tokens::mark_used(c, &row.id, now.naive_utc())? {
            repo::tokens::revoke_family(c, &row.family_id, now.naive_utc())?;
            tracing::warn!(family = %row.family_id, "refresh token reused: family revoked");
            return Ok(RefreshOutcome::Refused(AppError::unauthorized(
                "refresh_token_reused",
                "Mã làm mới phiên đã được dùng. Mọi phiên liên quan đã bị thu hồi; vui lòng đăng nhập lại.",
                "The refresh token was already used. Its sessions are revoked; sign in again.",
            )));
        }
        let user = match repo::users::find(c, &row.user_id)? {
            Some(u) if !u.disabled => u,
            _ => return Ok(RefreshOutcome::Refused(invalid_refresh())),
        };
        Ok(RefreshOutcome::Issued(issue(
            st,
            c,
            &user,
            Some(row.family_id),
            now,
        )?))
    })?;
    match outcome {
        RefreshOutcome::Issued(p) => Ok(p),
        RefreshOutcome::Refused(e) => {
            st.throttle.refresh_failed(address, now);
            Err(e)
        }
    }
}

/// Signs out: revokes the refresh token's family. Unknown tokens are ignored, so the answer
/// says nothing about which tokens exist.
pub fn logout(st: &AppState, refresh_token: &str) -> AppResult<()> {
    let now = st.clock.now();
    let hash = sha256_hex(refresh_token);
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        if let Some(row) = repo::tokens::find_by_hash(c, &hash)? {
            repo::tokens::revoke_family(c, &row.family_id, now.naive_utc())?;
        }
        Ok(())
    })
}

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
pub fn register(st: &AppState, r: Registration, address: Option<&str>) -> AppResult<UserRow> {
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
        role: Role::Citizen.as_str().into(),
        agency_id: None,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        let taken =
            repo::users::taken_keys(c, None, row.email.as_deref(), row.phone.as_deref(), None)?;
        if !taken.is_empty() {
            return Err(taken_error(taken));
        }
        repo::users::insert(c, &row).map_err(|e| unique_to_taken(e, row.email.is_some()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trip() {
        let h = hash_password("matkhau123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("matkhau123", &h));
        assert!(!verify_password("matkhau124", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}
