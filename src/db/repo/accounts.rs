//! Accounts as stored: every account's e-mail address and phone number, and a citizen's name,
//! sealed like reporters' identities ([`crate::db::vault`]); signing in and the uniqueness of
//! the login keys go through blind indexes of the normalised values. Staff names stay in clear:
//! they act in an official capacity and are shown in the directory (Art. 15.1).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::Bool;

use crate::db::DbConn;
use crate::db::models::{UserChanges, UserRow};
use crate::db::repo::identity::{Batch, Pass, stale_sql, unopenable};
use crate::db::schema::users;
use crate::db::vault::{Field, Vault};
use crate::domain::account::normalize_email;
use crate::domain::roles::Role;

pub const USER_EMAIL: Field = Field("users.email");
pub const USER_PHONE: Field = Field("users.phone");
pub const USER_NAME: Field = Field("users.full_name");

/// The blind index of an e-mail address (case and spaces do not matter).
pub fn email_index(v: &Vault, email: &str) -> String {
    let e = normalize_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    v.blind("email", &e)
}

/// The blind index of a phone number (any Vietnamese form of it).
pub fn phone_index(v: &Vault, phone: &str) -> String {
    v.blind_phone(phone)
}

/// The row as stored, with the blind indexes of its login keys.
pub type StoredUser = (
    UserRow,
    diesel::dsl::Eq<users::phone_index, Option<String>>,
    diesel::dsl::Eq<users::email_index, Option<String>>,
);

pub fn seal_user(v: &Vault, r: &UserRow) -> StoredUser {
    let id = &r.id;
    let sealed = UserRow {
        email: r.email.as_deref().map(|e| v.seal(USER_EMAIL, id, e)),
        phone: r.phone.as_deref().map(|p| v.seal(USER_PHONE, id, p)),
        full_name: if r.role == Role::Citizen {
            v.seal(USER_NAME, id, &r.full_name)
        } else {
            r.full_name.clone()
        },
        ..r.clone()
    };
    (
        sealed,
        users::phone_index.eq(r.phone.as_deref().map(|p| phone_index(v, p))),
        users::email_index.eq(r.email.as_deref().map(|e| email_index(v, e))),
    )
}

pub fn open_user(v: &Vault, mut r: UserRow) -> Result<UserRow, Error> {
    let id = r.id.clone();
    r.email = v
        .open_opt(USER_EMAIL, &id, r.email.as_deref())
        .map_err(unopenable)?;
    r.phone = v
        .open_opt(USER_PHONE, &id, r.phone.as_deref())
        .map_err(unopenable)?;
    r.full_name = v.open(USER_NAME, &id, &r.full_name).map_err(unopenable)?;
    Ok(r)
}

/// Changes as stored: what they set of the e-mail, the phone and (for a citizen) the name is
/// sealed; the blind indexes follow in a second statement of the same transaction.
pub fn update_sealed(
    conn: &mut DbConn,
    v: &Vault,
    id: &str,
    role: Role,
    changes: &UserChanges,
) -> QueryResult<usize> {
    let mut c = changes.clone();
    if let Some(e) = &changes.email {
        c.email = Some(e.as_deref().map(|e| v.seal(USER_EMAIL, id, e)));
    }
    if let Some(p) = &changes.phone {
        c.phone = Some(p.as_deref().map(|p| v.seal(USER_PHONE, id, p)));
    }
    if let Some(n) = &changes.full_name
        && role == Role::Citizen
    {
        c.full_name = Some(v.seal(USER_NAME, id, n));
    }
    let n = diesel::update(users::table.find(id))
        .set(&c)
        .execute(conn)?;
    if let Some(e) = &changes.email {
        diesel::update(users::table.find(id))
            .set(users::email_index.eq(e.as_deref().map(|e| email_index(v, e))))
            .execute(conn)?;
    }
    if let Some(p) = &changes.phone {
        diesel::update(users::table.find(id))
            .set(users::phone_index.eq(p.as_deref().map(|p| phone_index(v, p))))
            .execute(conn)?;
    }
    Ok(n)
}

/// Re-seals a batch of accounts after `after` (see `identity::reseal_reporters`): any whose
/// e-mail or phone is not under the current key (or in clear), or a citizen's name; or whose
/// login keys have no blind index yet.
pub fn reseal_users(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    let name = stale_sql(&["full_name"], v, pass);
    let cond = format!(
        "({} OR (role = 'citizen' AND {name}) \
         OR (email IS NOT NULL AND email_index IS NULL) \
         OR (phone IS NOT NULL AND phone_index IS NULL))",
        stale_sql(&["email", "phone"], v, pass)
    );
    let rows: Vec<UserRow> = users::table
        .filter(users::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(users::id.asc())
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)?;
    let mut out = Batch::of(&rows, |r| &r.id);
    for old in rows {
        let clear = open_user(v, old.clone())?;
        let (sealed, phone, email) = seal_user(v, &clear);
        out.sealed += diesel::update(
            users::table
                .find(&old.id)
                .filter(users::updated_at.eq(old.updated_at))
                .filter(users::full_name.eq(&old.full_name)),
        )
        .set((
            users::email.eq(sealed.email),
            users::phone.eq(sealed.phone),
            users::full_name.eq(sealed.full_name),
            phone,
            email,
        ))
        .execute(conn)?;
    }
    Ok(out)
}
