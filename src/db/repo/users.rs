//! Accounts. Every read opens and every write seals the e-mail, the phone and a citizen's name
//! (`repo::accounts`); the login keys are found through their blind indexes.

use diesel::prelude::*;

use super::accounts::{email_index, open_user, phone_index, seal_user, update_sealed};
use super::lower;
use crate::db::DbConn;
use crate::db::models::{UserChanges, UserRow};
use crate::db::schema::users;
use crate::db::vault::Vault;
use crate::domain::account::LoginId;

fn opened(v: &Vault, rows: Vec<UserRow>) -> QueryResult<Vec<UserRow>> {
    rows.into_iter().map(|r| open_user(v, r)).collect()
}

pub fn insert(conn: &mut DbConn, v: &Vault, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(seal_user(v, row))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, v: &Vault, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(|r| open_user(v, r))
        .transpose()
}

pub fn find_by_login(
    conn: &mut DbConn,
    v: &Vault,
    login: &LoginId,
) -> QueryResult<Option<UserRow>> {
    let q = users::table.select(UserRow::as_select()).into_boxed();
    let q = match login {
        LoginId::Email(e) => q.filter(users::email_index.eq(email_index(v, e))),
        LoginId::Phone(p) => q.filter(users::phone_index.eq(phone_index(v, p))),
        LoginId::Username(u) => q.filter(users::username.eq(u)),
    };
    q.first(conn)
        .optional()?
        .map(|r| open_user(v, r))
        .transpose()
}

/// Which of the given unique keys are already taken (by another user than `except`).
pub fn taken_keys(
    conn: &mut DbConn,
    v: &Vault,
    username: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    except: Option<&str>,
) -> QueryResult<Vec<&'static str>> {
    let mut out = Vec::new();
    let mut check = |field: &'static str, hit: QueryResult<Option<String>>| -> QueryResult<()> {
        if let Some(id) = hit?
            && Some(id.as_str()) != except
        {
            out.push(field);
        }
        Ok(())
    };
    if let Some(u) = username {
        check(
            "username",
            users::table
                .filter(users::username.eq(u))
                .select(users::id)
                .first(conn)
                .optional(),
        )?;
    }
    if let Some(e) = email {
        check(
            "email",
            users::table
                .filter(users::email_index.eq(email_index(v, e)))
                .select(users::id)
                .first(conn)
                .optional(),
        )?;
    }
    if let Some(p) = phone {
        check(
            "phone",
            users::table
                .filter(users::phone_index.eq(phone_index(v, p)))
                .select(users::id)
                .first(conn)
                .optional(),
        )?;
    }
    Ok(out)
}

pub fn any_admin(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::role.eq("admin")),
    ))
    .get_result(conn)
}

/// Filters of the user list.
#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<String>,
    pub agency_id: Option<String>,
    pub disabled: Option<bool>,
    /// Matched in part against staff names and user names, ignoring case; whole against
    /// e-mail addresses and phones (sealed, through their blind indexes).
    pub text: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
    v: &Vault,
    f: &UserFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<UserRow>, i64)> {
    let build = || {
        let mut q = users::table.into_boxed();
        if let Some(r) = &f.role {
            q = q.filter(users::role.eq(r.clone()));
        }
        if let Some(a) = &f.agency_id {
            q = q.filter(users::agency_id.eq(a.clone()));
        }
        if let Some(d) = f.disabled {
            q = q.filter(users::disabled.eq(d));
        }
        if let Some(t) = &f.text {
            // Names of staff and user names match in part; a sealed e-mail or phone matches
            // whole, through its blind index.
            let pat = format!("%{}%", super::escape_like(&t.to_lowercase()));
            q = q.filter(
                lower(users::full_name.nullable())
                    .like(pat.clone())
                    .escape('\\')
                    .or(lower(users::username).like(pat).escape('\\'))
                    .or(users::email_index.eq(email_index(v, t)))
                    .or(users::phone_index.eq(phone_index(v, t))),
            );
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let rows = build()
        .select(UserRow::as_select())
        .order((users::full_name.asc(), users::id.asc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((opened(v, rows)?, total))
}

/// Changes an account (sealed as it is stored); how many rows changed.
pub fn update(conn: &mut DbConn, v: &Vault, id: &str, changes: &UserChanges) -> QueryResult<usize> {
    let role = match &changes.role {
        Some(r) => crate::domain::roles::Role::parse(r),
        None => users::table
            .find(id)
            .select(users::role)
            .first::<String>(conn)
            .optional()?
            .and_then(|r| crate::domain::roles::Role::parse(&r)),
    };
    let Some(role) = role else { return Ok(0) };
    update_sealed(conn, v, id, role, changes)
}

/// Active users of an agency with the given role.
pub fn active_in_agency(
    conn: &mut DbConn,
    v: &Vault,
    agency_id: &str,
) -> QueryResult<Vec<UserRow>> {
    let rows = users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .order(users::full_name.asc())
        .load(conn)?;
    opened(v, rows)
}

/// Active users with a role, in some agencies (any agency when `agencies` is `None`).
pub fn active_with_role(
    conn: &mut DbConn,
    v: &Vault,
    role: &str,
    agencies: Option<&[String]>,
) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table
        .filter(users::role.eq(role.to_string()))
        .filter(users::disabled.eq(false))
        .into_boxed();
    if let Some(a) = agencies {
        q = q.filter(users::agency_id.eq_any(a.to_vec()));
    }
    let rows = q
        .select(UserRow::as_select())
        .order(users::id.asc())
        .load(conn)?;
    opened(v, rows)
}
