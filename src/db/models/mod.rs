//! Row structs: one per table, used to read and to insert. Timestamps are UTC.
//!
//! This file: accounts, the directory and the calendar; `reports`: a report and everything
//! attached to it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::*;
use crate::domain::roles::Role;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Identifiable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct UserRow {
    pub id: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub full_name: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub role: Role,
    pub agency_id: Option<String>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields of a user an admin may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub role: Option<String>,
    pub agency_id: Option<Option<String>>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AgencyRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub admin_unit_code: Option<String>,
    pub participating: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub focal_leader_id: Option<String>,
    pub focal_staff_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The last day it existed (a district People's Committee: 30/6/2025).
    pub valid_to: Option<NaiveDate>,
    /// Since when it lacks a focal leader or focal staff member (Art. 15.1).
    pub focal_missing_since: Option<NaiveDateTime>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agencies)]
pub struct AgencyChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub parent_id: Option<Option<String>>,
    pub admin_unit_code: Option<Option<String>>,
    pub participating: Option<bool>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub focal_leader_id: Option<Option<String>>,
    pub focal_staff_id: Option<Option<String>>,
    pub valid_to: Option<Option<NaiveDate>>,
    pub focal_missing_since: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = admin_units)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AdminUnitRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = admin_units)]
pub struct AdminUnitChanges {
    pub name: Option<String>,
    pub level: Option<String>,
    pub parent_code: Option<Option<String>>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_to: Option<Option<NaiveDate>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub default_agency_id: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = categories)]
pub struct CategoryChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub default_agency_id: Option<Option<String>>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendar_days)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CalendarDayRow {
    pub day: NaiveDate,
    pub kind: String,
    pub note: String,
    pub legal_basis: Option<String>,
    pub confirmed: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

mod channels;
mod outbox;
mod privacy;
mod reports;

pub use channels::*;
pub use outbox::*;
pub use privacy::*;
pub use reports::*;
