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

/// Whether a child unit, an agency or a succession refers to the unit.
pub fn is_referenced(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    let children: bool = diesel::select(diesel::dsl::exists(
        admin_units::table.filter(admin_units::parent_code.eq(code)),
    ))
    .get_result(conn)?;
    let agencies: bool = diesel::select(diesel::dsl::exists(
        agencies::table.filter(agencies::admin_unit_code.eq(code)),
    ))
    .get_result(conn)?;
    let successions: bool = diesel::select(diesel::dsl::exists(
        crate::db::schema::admin_unit_successions::table
            .filter(crate::db::schema::admin_unit_successions::new_code.eq(code)),
    ))
    .get_result(conn)?;
    Ok(children || agencies || successions)
}

/// Whether any report was filed under the unit.
pub fn has_reports(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    use crate::db::schema::reports;
    diesel::select(diesel::dsl::exists(
        reports::table.filter(reports::admin_unit_code.eq(code)),
    ))
    .get_result(conn)
}

/// Records that a former unit (its code and last day) became, wholly or in part, a new unit.
pub fn add_succession(
    conn: &mut DbConn,
    old_code: &str,
    old_valid_to: NaiveDate,
    new_code: &str,
    partial: bool,
) -> QueryResult<bool> {
    use crate::db::schema::admin_unit_successions as s;
    let exists: bool = diesel::select(diesel::dsl::exists(
        s::table
            .filter(s::old_code.eq(old_code))
            .filter(s::old_valid_to.eq(old_valid_to))
            .filter(s::new_code.eq(new_code)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(s::table)
        .values((
            s::old_code.eq(old_code),
            s::old_valid_to.eq(old_valid_to),
            s::new_code.eq(new_code),
            s::partial.eq(partial),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The units a stored former unit became: `(new code, partial)`. The former unit is the one
/// stored under `code` with its last day, so a code reused for another unit is never confused.
pub fn successors(conn: &mut DbConn, code: &str) -> QueryResult<Vec<(String, bool)>> {
    use crate::db::schema::admin_unit_successions as s;
    let Some(valid_to) = find(conn, code)?.and_then(|u| u.valid_to) else {
        return Ok(vec![]);
    };
    s::table
        .filter(s::old_code.eq(code))
        .filter(s::old_valid_to.eq(valid_to))
        .select((s::new_code, s::partial))
        .order(s::new_code.asc())
        .load(conn)
}

/// Stored former units that became exactly one unit, wholly: `(former code, new code)`. Their
/// reports count under the unit in force in the statistics; a former unit divided among several
/// (a district) keeps its own line.
pub fn sole_successions(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::admin_unit_successions as s;
    let rows: Vec<(String, NaiveDate, String, bool)> = s::table
        .inner_join(
            admin_units::table.on(admin_units::code
                .eq(s::old_code)
                .and(admin_units::valid_to.eq(s::old_valid_to.nullable()))),
        )
        .select((s::old_code, s::old_valid_to, s::new_code, s::partial))
        .load(conn)?;
    let mut by_old: std::collections::BTreeMap<(String, NaiveDate), Vec<(String, bool)>> =
        Default::default();
    for (o, t, n, p) in rows {
        by_old.entry((o, t)).or_default().push((n, p));
    }
    Ok(by_old
        .into_iter()
        .filter_map(|((o, _), v)| match v.as_slice() {
            [(n, false)] => Some((o, n.clone())),
            _ => None,
        })
        .collect())
}
