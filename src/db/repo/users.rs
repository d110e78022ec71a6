use diesel::prelude::*;

use super::lower;
use crate::db::DbConn;
use crate::db::models::{UserChanges, UserRow};
use crate::db::schema::users;
use crate::domain::account::LoginId;

pub fn insert(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row.clone())
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_login(conn: &mut DbConn, login: &LoginId) -> QueryResult<Option<UserRow>> {
    let q = users::table.select(UserRow::as_select()).into_boxed();
    let q = match login {
        LoginId::Email(e) => q.filter(users::email.eq(e)),
        LoginId::Phone(p) => q.filter(users::phone.eq(p)),
        LoginId::Username(u) => q.filter(users::username.eq(u)),
    };
    q.first(conn).optional()
}

/// Which of the given unique keys are already taken (by another user than `except`).
pub fn taken_keys(
    conn: &mut DbConn,
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
                .filter(users::email.eq(e))
                .select(users::id)
                .first(conn)
                .optional(),
        )?;
    }
    if let Some(p) = phone {
        check(
            "phone",
            users::table
                .filter(users::phone.eq(p))
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
    /// Matched against name, user name, e-mail and phone, ignoring case.
    pub text: Option<String>,
}

pub fn list(
    conn: &mut DbConn,
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
            let pat = format!("%{}%", super::escape_like(&t.to_lowercase()));
            q = q.filter(
                lower(users::full_name.nullable())
                    .like(pat.clone())
                    .escape('\\')
                    .or(lower(users::username).like(pat.clone()).escape('\\'))
                    .or(users::email.like(pat.clone()).escape('\\'))
                    .or(users::phone.like(pat).escape('\\')),
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
    Ok((rows, total))
}

pub fn update(conn: &mut DbConn, id: &str, changes: &UserChanges) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Active users of an agency with the given role.
pub fn active_in_agency(conn: &mut DbConn, agency_id: &str) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .order(users::full_name.asc())
        .load(conn)
}

/// Active users with a role, in some agencies (any agency when `agencies` is `None`).
pub fn active_with_role(
    conn: &mut DbConn,
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
    q.select(UserRow::as_select())
        .order(users::id.asc())
        .load(conn)
}
