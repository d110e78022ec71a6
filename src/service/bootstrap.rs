//! First start: the signing key of access tokens and the first admin account.

use std::io::Write;

use crate::app::AppState;
use crate::config::Config;
use crate::db::models::UserRow;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::auth::{hash_password, random_token};

/// The JWT signing key: `PAHT_JWT_SECRET`, or one generated on first start and kept in the data
/// folder (readable by the service's user only). Returns whether it was generated now.
pub fn jwt_secret(config: &Config) -> AppResult<(Vec<u8>, bool)> {
    if let Some(s) = &config.jwt_secret {
        return Ok((s.as_bytes().to_vec(), false));
    }
    let path = config.data_dir.join("jwt-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim();
        if s.len() >= 32 {
            return Ok((s.as_bytes().to_vec(), false));
        }
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        AppError::internal(format!("cannot create {}: {e}", config.data_dir.display()))
    })?;
    let secret = format!("{}{}", random_token(), random_token());
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(&path)
        .map_err(|e| AppError::internal(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(secret.as_bytes()).map_err(AppError::internal)?;
    Ok((secret.into_bytes(), true))
}

pub struct AdminBootstrap {
    pub created: bool,
    pub generated_password: Option<String>,
}

/// Creates the account `admin` when no admin exists: its password from `PAHT_ADMIN_PASSWORD`,
/// or a random one that the caller prints once.
pub fn ensure_admin(st: &AppState, conn: &mut DbConn) -> AppResult<AdminBootstrap> {
    let (password, generated) = match &st.config.admin_password {
        Some(p) => (p.clone(), false),
        None => (format!("{}9", &random_token()[..19]), true),
    };
    let hash = hash_password(&password)?;
    let now = st.clock.now().naive_utc();
    let created = write_tx(conn, |c| -> AppResult<bool> {
        if repo::users::any_admin(c)? {
            return Ok(false);
        }
        if repo::users::find_by_login(
            c,
            &crate::domain::account::LoginId::Username("admin".into()),
        )?
        .is_some()
        {
            return Err(AppError::internal(
                "a non-admin account holds the login `admin`",
            ));
        }
        repo::users::insert(
            c,
            &UserRow {
                id: new_id(),
                username: Some("admin".into()),
                email: None,
                phone: None,
                full_name: "Quản trị hệ thống".into(),
                password_hash: hash,
                role: Role::Admin.as_str().into(),
                agency_id: None,
                disabled: false,
                created_at: now,
                updated_at: now,
            },
        )?;
        Ok(true)
    })?;
    Ok(AdminBootstrap {
        created,
        generated_password: (created && generated).then_some(password),
    })
}
