//! First start: the signing key of access tokens and the first admin account.

use std::io::Write;

use crate::config::Config;
use crate::db::models::UserRow;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
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
    crate::db::create_private_dir(&config.data_dir)?;
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

/// The keys of identity encryption: `PAHT_DATA_KEYS` and `PAHT_DATA_INDEX_KEY`, or (SQLite)
/// keys generated on first start and kept in the data folder's `data-keys` (readable by the
/// service's user only; a copy of the database without that file holds no identity in clear).
/// Returns whether they were generated now.
pub fn data_keys(config: &Config) -> AppResult<(crate::config::DataKeys, bool)> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let mut keys = config.data_keys.clone();
    if !keys.keys.is_empty() && keys.index.is_some() {
        return Ok((keys, false));
    }
    let path = config.data_dir.join("data-keys");
    let bad = |e: String| AppError::internal(format!("{}: {e}", path.display()));
    let (kept, generated) = match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mut kept = crate::config::DataKeys::default();
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match line.strip_prefix("index:") {
                    Some(i) => {
                        kept.index = Some(crate::config::DataKeys::parse_index(i).map_err(bad)?)
                    }
                    None => kept
                        .keys
                        .extend(crate::config::DataKeys::parse_keys(line).map_err(bad)?),
                }
            }
            (kept, false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let fresh = crate::db::vault::generate_keys();
            crate::db::create_private_dir(&config.data_dir)?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(&path).map_err(|e| bad(e.to_string()))?;
            let mut text = format!(
                "index:{}\n",
                STANDARD.encode(fresh.index.as_deref().unwrap_or_default())
            );
            for (id, k) in &fresh.keys {
                text.push_str(&format!("{id}:{}\n", STANDARD.encode(k)));
            }
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| bad(e.to_string()))?;
            (fresh, true)
        }
        Err(e) => return Err(bad(e.to_string())),
    };
    if keys.keys.is_empty() {
        keys.keys = kept.keys;
    }
    if keys.index.is_none() {
        keys.index = kept.index;
    }
    if keys.keys.is_empty() || keys.index.is_none() {
        return Err(bad("holds no data key or no index key".into()));
    }
    Ok((keys, generated))
}

pub struct AdminBootstrap {
    pub created: bool,
    pub generated_password: Option<String>,
    /// `PAHT_ADMIN_PASSWORD` is set but an admin already exists: it was not used.
    pub password_ignored: bool,
}

/// Creates the account `admin` when no admin exists: its password from `PAHT_ADMIN_PASSWORD`,
/// or a random one that the caller prints once.
pub fn ensure_admin(st: &Context, conn: &mut DbConn) -> AppResult<AdminBootstrap> {
    if repo::users::any_admin(conn)? {
        return Ok(AdminBootstrap {
            created: false,
            generated_password: None,
            password_ignored: st.config.admin_password.is_some(),
        });
    }
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
            &st.vault,
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
            &st.vault,
            &UserRow {
                id: new_id(),
                username: Some("admin".into()),
                email: None,
                phone: None,
                full_name: "Quản trị hệ thống".into(),
                password_hash: hash,
                role: Role::Admin,
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
        password_ignored: !created && st.config.admin_password.is_some(),
    })
}

/// `paht admin reset-password [LOGIN]`: gives an administrator account (`admin` by default) a
/// new random password, ends its sessions and re-enables it. Returns the login and the
/// password, shown once.
pub fn reset_admin_password(st: &Context, login: &str) -> AppResult<String> {
    let password = format!("{}9", &random_token()[..19]);
    let hash = hash_password(&password)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    st.account_write_tx(&mut conn, |c| -> AppResult<()> {
        let id = crate::domain::account::LoginId::parse(login);
        let user = repo::users::find_by_login(c, &st.vault, &id)?
            .filter(|u| u.role == Role::Admin)
            .ok_or_else(|| {
                AppError::internal(format!("no administrator account signs in as `{login}`"))
            })?;
        repo::users::update(
            c,
            &st.vault,
            &user.id,
            &crate::db::models::UserChanges {
                password_hash: Some(hash),
                disabled: Some(false),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        repo::tokens::revoke_user(c, &user.id, now)?;
        Ok(())
    })?;
    Ok(password)
}

/// `paht admin import-units FILE`: loads an official list of commune-level units (CSV with
/// `code`, `name` and optionally `formed_from`) in force from `valid_from` under `parent`. The
/// whole list is checked first; on any problem nothing is written and every problem is listed.
pub fn import_units(
    st: &Context,
    csv_text: &str,
    parent: &str,
    valid_from: chrono::NaiveDate,
) -> Result<crate::db::seed::UnitImport, Vec<String>> {
    let units = crate::domain::unit_list::parse(csv_text)
        .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get().map_err(|e| vec![e.to_string()])?;
    write_tx(&mut conn, |c| {
        match crate::db::seed::apply_unit_list(c, &units, parent, valid_from, now) {
            Ok(r) => Ok(Ok(r)),
            // Nothing was written before a refusal; the transaction ends cleanly.
            Err(crate::db::seed::ImportError::Refused(why)) => Ok(Err(why)),
            Err(crate::db::seed::ImportError::Db(e)) => Err(e),
        }
    })
    .map_err(|e: diesel::result::Error| vec![e.to_string()])?
}
