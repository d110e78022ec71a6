//! Access tokens: what they claim, how they are checked against the application clock and the
//! open sign-ins, and the pair of tokens issued at sign-in and refresh.

use crate::service::auth::sessions::Account;
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::db::models::{RefreshTokenRow, UserRow};
use crate::db::{DbConn, new_id, repo};
use crate::error::{AppError, AppResult};
use crate::service::Context;

use super::Principal;
use super::passwords::random_token;

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
    /// The instants (Unix seconds) between which the token may be used: `[from, until)`.
    pub usable: (i64, i64),
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

pub fn sha256_hex(s: &str) -> String {
    crate::service::objects::sha256_of(s.as_bytes())
}

/// Checks an access token against the application clock: signed with our key, of kind
/// `access`, not expired, not issued or valid from the future, and living no longer than the
/// configured lifetime (a token minted with a far `exp` is refused even with the right key).
pub fn decode_access_token(
    st: &Context,
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
        usable: (c.iat.max(c.nbf.unwrap_or(c.iat)) - LEEWAY_SECS, c.exp),
        user_id: c.sub,
        session_id: c.sid,
    })
}

/// The principal behind a token remembered earlier (checked then; no database, no second
/// signature check), or `None` when it must be checked and loaded.
pub fn remembered(st: &Context, token: &str, now: DateTime<Utc>) -> Option<(Principal, Account)> {
    st.sessions.get(token, now.timestamp())
}

/// Loads the principal and account behind a checked token from the database and remembers
/// them.
pub fn load_and_remember(
    st: &Context,
    token: &str,
    claims: &AccessClaims,
) -> AppResult<(Principal, Account)> {
    let generation = st.sessions.generation();
    let mut conn = st.pool.get()?;
    let (p, account) = load_account(&mut conn, &st.vault, claims)?;
    st.sessions
        .remember(token, claims.usable, &p, &account, generation);
    Ok((p, account))
}

/// Loads the principal behind a checked token: its sign-in must still be open, and its
/// account present and enabled.
pub fn load_principal(
    conn: &mut DbConn,
    v: &crate::db::vault::Vault,
    claims: &AccessClaims,
) -> AppResult<Principal> {
    load_account(conn, v, claims).map(|(p, _)| p)
}

fn load_account(
    conn: &mut DbConn,
    v: &crate::db::vault::Vault,
    claims: &AccessClaims,
) -> AppResult<(Principal, Account)> {
    let user = repo::users::find(conn, v, &claims.user_id)?.ok_or_else(invalid_token)?;
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
    let p = Principal {
        user_id: user.id.clone(),
        role: user.role,
        agency_id: user.agency_id.clone(),
        follow_up: None,
    };
    Ok((p, Account(std::sync::Arc::new(user))))
}

pub(super) fn issue(
    st: &Context,
    conn: &mut DbConn,
    user: &UserRow,
    family: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<TokenPair> {
    let ttl = TimeDelta::from_std(st.config.access_token_ttl).map_err(AppError::internal)?;
    let family = family.unwrap_or_else(new_id);
    let claims = Claims {
        sub: user.id.clone(),
        role: user.role.as_str().to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_stored_as_hashes() {
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_ne!(sha256_hex("abc"), sha256_hex("abd"));
    }
}
