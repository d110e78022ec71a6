//! Accounts: sign-in, token refresh with rotation, sign-out, and who is calling.
//!
//! - `tokens`: access tokens (what they claim, how they are checked) and the pair issued at
//!   sign-in;
//! - `passwords`: Argon2 hashes and random tokens;
//! - `registration`: a citizen's self-registration and the contact keys of accounts;
//! - `guards`: who may call a use case, as a type (`Require<Operator>`);
//! - `sessions`: the accounts behind tokens, remembered between requests.

mod guards;
mod passwords;
mod registration;
mod sessions;
mod tokens;

use crate::db::{repo, write_tx};
use crate::domain::account::LoginId;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;

pub use guards::{Require, RoleSet, roles};
pub use passwords::{hash_password, random_token, verify_password};
pub use registration::{Registration, normalize_contacts, register, taken_error, unique_to_taken};
pub use sessions::{Account, SessionCache};
pub use tokens::{
    AccessClaims, JwtKeys, TokenPair, decode_access_token, load_and_remember, load_principal,
    remembered,
};

use passwords::dummy_hash;
use tokens::issue;
pub use tokens::sha256_hex;

/// Who is calling: the user behind a valid access token, as the database says now (a
/// disabled account or a changed role takes effect on the next request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account; empty for a reporter without one (a guest, or a follow-up token's holder).
    pub user_id: String,
    pub role: Role,
    pub agency_id: Option<String>,
    /// For a reporter without an account: the report whose follow-up token they showed
    /// (Art. 7.1, 10). `None` for an account.
    pub follow_up: Option<String>,
}

impl Principal {
    /// Someone with no account submitting a report on the portal (a guest).
    pub fn guest() -> Self {
        Self {
            user_id: String::new(),
            role: Role::Citizen,
            agency_id: None,
            follow_up: None,
        }
    }

    /// The holder of a report's follow-up token: its reporter, without an account.
    pub fn follower(report_id: &str) -> Self {
        Self {
            follow_up: Some(report_id.to_string()),
            ..Self::guest()
        }
    }

    /// Whether the caller has an account (the actor recorded in events).
    pub fn has_account(&self) -> bool {
        !self.user_id.is_empty()
    }

    /// The account to record as the actor of an event: none for a reporter without one.
    pub fn actor_id(&self) -> Option<String> {
        self.has_account().then(|| self.user_id.clone())
    }

    /// Whether the caller is the report's reporter: the account that submitted it, or the
    /// holder of its follow-up token.
    pub fn is_reporter_of(&self, report_id: &str, reporter_user_id: Option<&str>) -> bool {
        if self.role != Role::Citizen {
            return false;
        }
        match &self.follow_up {
            Some(id) => id == report_id,
            None => self.has_account() && reporter_user_id == Some(self.user_id.as_str()),
        }
    }
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

/// Before a sign-in: 429 for an address over its limits, or how long the attempt must wait
/// because its account is under attack (the caller waits, then calls `login`).
pub fn login_delay(st: &Context, login: &str, address: &str) -> AppResult<std::time::Duration> {
    let id = LoginId::parse(login);
    st.throttle.check_login(id.key(), address, st.clock.now())
}

/// Signs in with a user name, phone number or e-mail address and a password.
pub fn login(st: &Context, login: &str, password: &str, address: &str) -> AppResult<TokenPair> {
    let id = LoginId::parse(login);
    let now = st.clock.now();
    // Counted before the password is checked (and checked again: the wait may have let other
    // failures in, on this replica or another).
    let attempt = st.throttle.begin_login(id.key(), address, now)?;
    let mut conn = st.pool.get()?;
    let user = repo::users::find_by_login(&mut conn, &st.vault, &id)?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            verify_password(password, dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        // The attempt stays recorded: it is a failure.
        return Err(invalid_credentials());
    };
    if user.disabled {
        st.throttle.login_withdrawn(attempt)?;
        return Err(AppError::unauthorized(
            "account_disabled",
            "Tài khoản đã bị khóa.",
            "The account is disabled.",
        ));
    }
    st.throttle.login_succeeded(attempt)?;
    write_tx(&mut conn, |c| issue(st, c, &user, None, now))
}

enum RefreshOutcome {
    Issued(TokenPair),
    Refused(AppError),
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used
/// one again means it was stolen or replayed, and its whole family is revoked.
pub fn refresh(st: &Context, refresh_token: &str, address: &str) -> AppResult<TokenPair> {
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
        let user = match repo::users::find(c, &st.vault, &row.user_id)? {
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
            // A reused token revoked its family.
            st.sessions.changed();
            st.throttle.refresh_failed(address, now)?;
            Err(e)
        }
    }
}

/// Signs out: revokes the refresh token's family. Unknown tokens are ignored, so the answer
/// says nothing about which tokens exist.
pub fn logout(st: &Context, refresh_token: &str) -> AppResult<()> {
    let now = st.clock.now();
    let hash = sha256_hex(refresh_token);
    let mut conn = st.pool.get()?;
    st.account_write_tx(&mut conn, |c| -> AppResult<()> {
        if let Some(row) = repo::tokens::find_by_hash(c, &hash)? {
            repo::tokens::revoke_family(c, &row.family_id, now.naive_utc())?;
        }
        Ok(())
    })
}
