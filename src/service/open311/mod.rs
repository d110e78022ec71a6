//! Open311 GeoReport v2: the city apps' standard way in. Admins issue each app its own
//! `api_key` (kept as a hash; rotated; revoked), which files requests and reads back what the
//! app filed; `services` describes the categories, with the identity Art. 4.2 requires as
//! attributes; `requests` files and reads reports with no personal data ever.

mod filing;
pub mod requests;
pub mod services;
pub mod updates;

use chrono::NaiveDateTime;

use crate::db::models::Open311ClientRow;
use crate::db::{new_id, repo, write_tx};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Require, random_token, roles::Admin, sha256_hex};

/// A client app as admins see it (never its key).
pub type Client = Open311ClientRow;

fn not_found() -> AppError {
    AppError::not_found("ứng dụng Open311", "Open311 client")
}

/// A new key: `o311_` and 43 URL-safe characters; its first 9 characters tell it apart.
fn new_key() -> (String, String, String) {
    let key = format!("o311_{}", random_token());
    let prefix: String = key.chars().take(9).collect();
    (sha256_hex(&key), prefix, key)
}

/// Issues a key to a client app; the key is answered this once.
pub fn create(
    st: &Context,
    who: &Require<Admin>,
    name: &str,
    rate_per_minute: u32,
) -> AppResult<(Client, String)> {
    let now = st.clock.now().naive_utc();
    let (hash, prefix, key) = new_key();
    let row = Open311ClientRow {
        id: new_id(),
        name: name.trim().to_string(),
        key_hash: hash,
        key_prefix: prefix,
        rate_per_minute: rate_per_minute as i32,
        created_at: now,
        created_by: who.user_id.clone(),
        rotated_at: None,
        revoked_at: None,
    };
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| repo::open311::insert_client(c, &row))?;
    Ok((row, key))
}

pub fn list(st: &Context, _who: &Require<Admin>) -> AppResult<Vec<Client>> {
    let mut conn = st.pool.get()?;
    Ok(repo::open311::clients(&mut conn)?)
}

/// A new key for a client in force; the old one stops working at once.
pub fn rotate(st: &Context, _who: &Require<Admin>, id: &str) -> AppResult<(Client, String)> {
    let now: NaiveDateTime = st.clock.now().naive_utc();
    let (hash, prefix, key) = new_key();
    let mut conn = st.pool.get()?;
    let row = write_tx(&mut conn, |c| -> AppResult<Client> {
        let row = repo::open311::client(c, id)?.ok_or_else(not_found)?;
        if !repo::open311::rotate(c, id, &hash, &prefix, now)? {
            return Err(revoked());
        }
        Ok(Client {
            key_hash: hash.clone(),
            key_prefix: prefix.clone(),
            rotated_at: Some(now),
            ..row
        })
    })?;
    Ok((row, key))
}

fn revoked() -> AppError {
    AppError::conflict(
        "client_revoked",
        "Khóa của ứng dụng này đã bị thu hồi.",
        "This client's key was revoked.",
    )
}

/// Revokes a client's key: it files and reads nothing more.
pub fn revoke(st: &Context, _who: &Require<Admin>, id: &str) -> AppResult<()> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::open311::client(c, id)?.ok_or_else(not_found)?;
        if !repo::open311::revoke(c, id, now)? {
            return Err(revoked());
        }
        Ok(())
    })
}

/// The client behind an `api_key` (403 for none or a wrong one, as GeoReport v2 says), counted
/// against its rate (429 past it).
pub fn authorize(st: &Context, key: Option<&str>) -> AppResult<Client> {
    let refused = || {
        AppError::refused(
            "invalid_api_key",
            "Thiếu api_key hoặc api_key không hợp lệ.",
            "The api_key is missing or not valid.",
        )
    };
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(refused)?;
    let mut conn = st.pool.get()?;
    let client = repo::open311::client_by_key(&mut conn, &sha256_hex(key))?.ok_or_else(refused)?;
    st.throttle.open311_request(
        &client.id,
        client.rate_per_minute.max(1) as u32,
        st.clock.now(),
    )?;
    Ok(client)
}

/// The client behind an `api_key` when one is given (reading needs none).
pub fn optional(st: &Context, key: Option<&str>) -> AppResult<Option<Client>> {
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => authorize(st, Some(k)).map(Some),
    }
}
