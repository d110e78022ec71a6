use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{AdminUnitChanges, AdminUnitRow};
use crate::db::schema::{admin_units, agencies};

pub fn insert(conn: &mut DbConn, row: &AdminUnitRow) -> QueryResult<()> {
    diesel::insert_into(admin_units::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<AdminUnitRow>> {
    admin_units::table
        .find(code)
        .select(AdminUnitRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the unit list.
#[derive(Debug, Default)]
pub struct UnitFilter {
    pub level: Option<String>,
    pub parent_code: Option<String>,
    /// Only units valid on this date.
    pub valid_on: Option<NaiveDate>,
}

pub fn list(conn: &mut DbConn, f: &UnitFilter) -> QueryResult<Vec<AdminUnitRow>> {
    let mut q = admin_units::table
        .select(AdminUnitRow::as_select())
        .into_boxed();
    if let Some(l) = &f.level {
        q = q.filter(admin_units::level.eq(l.clone()));
    }
    if let Some(p) = &f.parent_code {
        q = q.filter(admin_units::parent_code.eq(p.clone()));
    }
    if let Some(d) = f.valid_on {
        q = q
            .filter(
                admin_units::valid_from
                    .is_null()
                    .or(admin_units::valid_from.le(d)),
            )
            .filter(
                admin_units::valid_to
                    .is_null()
                    .or(admin_units::valid_to.ge(d)),
            );
    }
    q.order(admin_units::code.asc()).load(conn)
}

pub fn update(conn: &mut DbConn, code: &str, changes: &AdminUnitChanges) -> QueryResult<usize> {
    diesel::update(admin_units::table.find(code))
        .set(changes)
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, code: &str) -> QueryResult<usize> {
    diesel::delete(admin_units::table.find(code)).execute(conn)
}

/// Whether a child unit or an agency refers to the unit.
pub fn is_referenced(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    let children: bool = diesel::select(diesel::dsl::exists(
        admin_units::table.filter(admin_units::parent_code.eq(code)),
    ))
    .get_result(conn)?;
    let agencies: bool = diesel::select(diesel::dsl::exists(
        agencies::table.filter(agencies::admin_unit_code.eq(code)),
    ))
    .get_result(conn)?;
    Ok(children || agencies)
}
