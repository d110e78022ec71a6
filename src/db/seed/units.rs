//! Loading an official list of commune-level units (the one in force since 1/7/2025 is seeded;
//! `paht admin import-units` loads a later one): new units, renamed ones, units that ended, what
//! each former unit became, and the People's Committees that follow the units.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::{AdminUnitChanges, AdminUnitRow, AgencyChanges, AgencyRow};
use crate::db::schema::{admin_units, agencies};
use crate::db::{DbConn, new_id, repo};
use crate::domain::directory::{AgencyKind, UnitLevel};
use crate::domain::unit_list::{self, ListedUnit};

/// What loading a list changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UnitImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Units in force before that the list no longer has: they end the day before.
    pub ended: usize,
    pub successions: usize,
    pub agencies_added: usize,
    pub agencies_ended: usize,
}

/// Why a list cannot be loaded.
#[derive(Debug)]
pub enum ImportError {
    /// Problems with the list against the data (each one a sentence).
    Refused(Vec<String>),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(e)
    }
}

/// Loads a list of the commune-level units under `parent` in force from `valid_from`. Call
/// inside a write transaction: either the whole list is loaded or nothing.
pub fn apply(
    conn: &mut DbConn,
    units: &[ListedUnit],
    parent: &str,
    valid_from: NaiveDate,
    now: NaiveDateTime,
) -> Result<UnitImport, ImportError> {
    let mut out = UnitImport::default();
    let Some(parent_row) = repo::admin_units::find(conn, parent)? else {
        return Err(ImportError::Refused(vec![format!(
            "đơn vị cấp trên `{parent}` không có trong danh mục"
        )]));
    };
    if parent_row.level != UnitLevel::Province.as_str() {
        return Err(ImportError::Refused(vec![format!(
            "đơn vị cấp trên `{parent}` không phải cấp tỉnh"
        )]));
    }
    let ended_on = unit_list::ended_on(valid_from);
    // Every check first: a refused list writes nothing.
    let mut refused = Vec::new();
    let mut current = Vec::with_capacity(units.len());
    for u in units {
        let cur = repo::admin_units::find(conn, &u.code)?;
        // A code the list reuses for another place is refused when reports were filed under it.
        if let Some(cur) = &cur
            && !u.continues(&cur.code, &cur.name)
            && repo::admin_units::has_reports(conn, &cur.code)?
        {
            refused.push(format!(
                "mã `{}` đang là `{}` (đã có phản ánh), danh sách dùng lại cho `{}` không hình thành từ đơn vị đó",
                cur.code, cur.name, u.name
            ));
        }
        current.push(cur);
    }
    if !refused.is_empty() {
        return Err(ImportError::Refused(refused));
    }
    for (u, cur) in units.iter().zip(current) {
        let Some(cur) = cur else {
            repo::admin_units::insert(
                conn,
                &AdminUnitRow {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    level: UnitLevel::Commune.as_str().into(),
                    parent_code: Some(parent.into()),
                    valid_from: Some(valid_from),
                    valid_to: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            out.added += 1;
            continue;
        };
        let same_unit = u.same_name(&cur.name);
        let unchanged = cur.name == u.name
            && cur.level == UnitLevel::Commune.as_str()
            && cur.parent_code.as_deref() == Some(parent)
            && cur.valid_to.is_none();
        if unchanged {
            out.unchanged += 1;
            continue;
        }
        repo::admin_units::update(
            conn,
            &cur.code,
            &AdminUnitChanges {
                name: Some(u.name.clone()),
                level: Some(UnitLevel::Commune.as_str().into()),
                parent_code: Some(Some(parent.into())),
                valid_from: (!same_unit).then_some(Some(valid_from)),
                valid_to: Some(None),
                updated_at: Some(now),
            },
        )?;
        out.updated += 1;
    }
    // Commune-level units in force before the list that it no longer has end the day before.
    let listed: std::collections::HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let in_force: Vec<AdminUnitRow> = admin_units::table
        .filter(admin_units::parent_code.eq(parent))
        .filter(admin_units::level.eq(UnitLevel::Commune.as_str()))
        .filter(admin_units::valid_to.is_null())
        .select(AdminUnitRow::as_select())
        .load(conn)?;
    for u in in_force
        .iter()
        .filter(|u| !listed.contains(u.code.as_str()))
    {
        if u.valid_from.is_some_and(|f| f >= valid_from) {
            continue;
        }
        repo::admin_units::update(
            conn,
            &u.code,
            &AdminUnitChanges {
                valid_to: Some(Some(ended_on)),
                updated_at: Some(now),
                ..Default::default()
            },
        )?;
        out.ended += 1;
    }
    // What each former unit became, keyed on its code and its last day. A former district that
    // is stored (and ended the same day) is found by its name.
    let districts: Vec<AdminUnitRow> = admin_units::table
        .filter(admin_units::level.eq(UnitLevel::District.as_str()))
        .filter(admin_units::valid_to.eq(ended_on))
        .select(AdminUnitRow::as_select())
        .load(conn)?;
    let provinces: std::collections::HashMap<String, String> = admin_units::table
        .filter(admin_units::level.eq(UnitLevel::Province.as_str()))
        .select((admin_units::code, admin_units::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let province_of = |d: &AdminUnitRow| {
        d.parent_code
            .as_ref()
            .and_then(|c| provinces.get(c))
            .map(String::as_str)
    };
    for u in units {
        for f in &u.formed_from {
            if repo::admin_units::add_succession(conn, &f.code, ended_on, &u.code, f.partial)? {
                out.successions += 1;
            }
            if let Some(district) = districts
                .iter()
                .find(|x| u.district_is(f, &x.name, province_of(x)))
                && repo::admin_units::add_succession(conn, &district.code, ended_on, &u.code, true)?
            {
                out.successions += 1;
            }
        }
    }
    // Every unit in force has its People's Committee; the committees of units that ended end
    // with them.
    for u in units {
        let code = unit_list::committee_code(&u.code);
        let name = unit_list::committee_name(&u.name);
        match repo::agencies::find_by_code(conn, &code)? {
            None => {
                repo::agencies::insert(
                    conn,
                    &AgencyRow {
                        id: new_id(),
                        code,
                        name,
                        kind: AgencyKind::CommuneCommittee.as_str().into(),
                        parent_id: None,
                        admin_unit_code: Some(u.code.clone()),
                        participating: true,
                        email: None,
                        phone: None,
                        focal_leader_id: None,
                        focal_staff_id: None,
                        created_at: now,
                        updated_at: now,
                        valid_to: None,
                        focal_missing_since: Some(now),
                    },
                )?;
                out.agencies_added += 1;
            }
            Some(a) if a.name != name || a.valid_to.is_some() => {
                repo::agencies::update(
                    conn,
                    &a.id,
                    &AgencyChanges {
                        name: Some(name),
                        valid_to: Some(None),
                        updated_at: Some(now),
                        ..Default::default()
                    },
                )?;
            }
            Some(_) => {}
        }
    }
    let ended_units: Vec<(String, Option<NaiveDate>)> = admin_units::table
        .filter(admin_units::valid_to.is_not_null())
        .select((admin_units::code, admin_units::valid_to))
        .load(conn)?;
    for (code, until) in ended_units {
        let n = diesel::update(
            agencies::table
                .filter(agencies::admin_unit_code.eq(&code))
                .filter(agencies::valid_to.is_null())
                .filter(agencies::kind.eq_any([
                    AgencyKind::DistrictCommittee.as_str(),
                    AgencyKind::CommuneCommittee.as_str(),
                ])),
        )
        .set((agencies::valid_to.eq(until), agencies::updated_at.eq(now)))
        .execute(conn)?;
        out.agencies_ended += n;
    }
    Ok(out)
}
