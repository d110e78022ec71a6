//! Reference data loaded once at start: the province's administrative units, agencies and
//! categories (Art. 1.2a, 2.5; names and structure are data, since the 2025 merger changed them). A seed step runs once per database;
//! `seed_runs` records it, so an admin's later edits and deletions are never undone.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::models::{AdminUnitRow, AgencyRow, CalendarDayRow, CategoryRow};
use crate::db::schema::seed_runs;
use crate::db::{DbConn, new_id, repo};

mod units;

pub use units::{ImportError, UnitImport, apply as apply_unit_list};

const REFERENCE: &str = include_str!("reference.json");
/// The commune-level units of Cần Thơ city in force since 1/7/2025 (Resolution
/// 1668/NQ-UBTVQH15; codes of Công văn 1027/CTK-CSCL).
const UNITS_2025: &str = include_str!("admin-units-can-tho-2025.csv");
const CALENDAR: &str = include_str!("calendar-2024-2026.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    name: String,
    admin_units: Vec<UnitSeed>,
    agencies: Vec<AgencySeed>,
    categories: Vec<CategorySeed>,
    unit_lists: Vec<UnitListSeed>,
}

/// An official unit list shipped with the release, loaded once as its own seed step.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitListSeed {
    name: String,
    parent: String,
    valid_from: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitSeed {
    code: String,
    name: String,
    level: String,
    parent: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    /// The one unit it became as a whole (the province of Sóc Trăng: Cần Thơ city).
    successor: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencySeed {
    code: String,
    name: String,
    kind: String,
    parent: Option<String>,
    admin_unit: Option<String>,
    participating: bool,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategorySeed {
    code: String,
    name: String,
    description: Option<String>,
    default_agency: Option<String>,
}

/// Loads the unit lists shipped with the release that this database has not loaded yet (the
/// units of 1/7/2025 on a database created before them, too). Returns whether it loaded any.
pub fn load_unit_lists(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    let data: Reference =
        serde_json::from_str(REFERENCE).expect("reference.json is valid (checked by a test)");
    let mut loaded = false;
    for l in &data.unit_lists {
        if has_run(conn, &l.name)? {
            continue;
        }
        let units = crate::domain::unit_list::parse(UNITS_2025)
            .expect("the shipped unit list is valid (checked by a test)");
        match units::apply(conn, &units, &l.parent, l.valid_from, now) {
            Ok(_) => {}
            Err(ImportError::Db(e)) => return Err(e),
            Err(ImportError::Refused(why)) => {
                // An admin's own data conflicts with the shipped list: leave both as they are
                // and say so; `paht admin import-units` loads it once the conflict is resolved.
                tracing::warn!(list = %l.name, problems = ?why, "unit list not loaded");
                continue;
            }
        }
        for u in &data.admin_units {
            if let (Some(to), Some(next)) = (u.valid_to, &u.successor) {
                repo::admin_units::add_succession(conn, &u.code, to, next, false)?;
            }
        }
        record_run(conn, &l.name, now)?;
        loaded = true;
    }
    Ok(loaded)
}

/// Whether a named seed step has run.
pub fn has_run(conn: &mut DbConn, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(seed_runs::table.find(name))).get_result(conn)
}

/// Records that a named seed step ran.
pub fn record_run(conn: &mut DbConn, name: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(seed_runs::table)
        .values((seed_runs::name.eq(name), seed_runs::applied_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Loads the province's reference data if it has never been loaded. Call inside a write
/// transaction. Returns whether it loaded anything.
pub fn load_reference(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    let data: Reference =
        serde_json::from_str(REFERENCE).expect("reference.json is valid (checked by a test)");
    if has_run(conn, &data.name)? {
        return Ok(false);
    }
    for u in &data.admin_units {
        if repo::admin_units::find(conn, &u.code)?.is_none() {
            repo::admin_units::insert(
                conn,
                &AdminUnitRow {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    level: u.level.clone(),
                    parent_code: u.parent.clone(),
                    valid_from: u.valid_from,
                    valid_to: u.valid_to,
                    created_at: now,
                    updated_at: now,
                },
            )?;
        }
    }
    for a in &data.agencies {
        if repo::agencies::find_by_code(conn, &a.code)?.is_some() {
            continue;
        }
        let parent_id = match &a.parent {
            Some(code) => repo::agencies::find_by_code(conn, code)?.map(|p| p.id),
            None => None,
        };
        repo::agencies::insert(
            conn,
            &AgencyRow {
                id: new_id(),
                code: a.code.clone(),
                name: a.name.clone(),
                kind: a.kind.clone(),
                parent_id,
                admin_unit_code: a.admin_unit.clone(),
                participating: a.participating,
                email: a.email.clone(),
                phone: a.phone.clone(),
                focal_leader_id: None,
                focal_staff_id: None,
                created_at: now,
                updated_at: now,
                valid_to: None,
                focal_missing_since: Some(now),
            },
        )?;
    }
    for c in &data.categories {
        if repo::categories::find(conn, &c.code)?.is_some() {
            continue;
        }
        let default_agency_id = match &c.default_agency {
            Some(code) => repo::agencies::find_by_code(conn, code)?.map(|a| a.id),
            None => None,
        };
        repo::categories::insert(
            conn,
            &CategoryRow {
                code: c.code.clone(),
                name: c.name.clone(),
                description: c.description.clone(),
                default_agency_id,
                active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
    }
    record_run(conn, &data.name, now)?;
    Ok(true)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarSeed {
    name: String,
    days: Vec<CalendarDaySeed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarDaySeed {
    date: NaiveDate,
    kind: String,
    note: String,
    legal_basis: Option<String>,
    confirmed: bool,
}

/// The official days of 2024–2026 as the calendar knows them (for the benchmark and tests).
pub fn official_calendar_days() -> Vec<crate::domain::calendar::CalendarDay> {
    let data: CalendarSeed =
        serde_json::from_str(CALENDAR).expect("calendar seed is valid (checked by a test)");
    data.days
        .into_iter()
        .filter_map(|d| {
            Some(crate::domain::calendar::CalendarDay {
                kind: crate::domain::calendar::DayKind::parse(&d.kind)?,
                date: d.date,
                note: d.note,
                legal_basis: d.legal_basis,
                confirmed: d.confirmed,
            })
        })
        .collect()
}

/// Loads the official non-working and make-up days of 2024–2026 (and the pending 24/11) once.
/// Call inside a write transaction. Returns whether it loaded anything.
pub fn load_calendar(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    let data: CalendarSeed =
        serde_json::from_str(CALENDAR).expect("calendar seed is valid (checked by a test)");
    if has_run(conn, &data.name)? {
        return Ok(false);
    }
    for d in data.days {
        if repo::calendar::find(conn, d.date)?.is_none() {
            repo::calendar::insert(
                conn,
                &CalendarDayRow {
                    day: d.date,
                    kind: d.kind,
                    note: d.note,
                    legal_basis: d.legal_basis,
                    confirmed: d.confirmed,
                    created_at: now,
                    updated_at: now,
                },
            )?;
        }
    }
    repo::counters::next(conn, crate::db::repo::counters::CALENDAR_REVISION)?;
    record_run(conn, &data.name, now)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::{AgencyKind, UnitLevel};

    #[test]
    fn the_shipped_unit_list_is_valid() {
        let units = crate::domain::unit_list::parse(UNITS_2025).unwrap();
        assert_eq!(units.len(), 103);
        let wards = units
            .iter()
            .filter(|u| u.name.starts_with("Phường"))
            .count();
        assert_eq!((wards, units.len() - wards), (31, 72));
        assert!(units.iter().all(|u| !u.formed_from.is_empty()));
        let partial: usize = units
            .iter()
            .map(|u| u.formed_from.iter().filter(|f| f.partial).count())
            .sum();
        assert_eq!(partial, 3, "three former wards were split");
    }

    #[test]
    fn reference_data_is_consistent() {
        let data: Reference = serde_json::from_str(REFERENCE).unwrap();
        let unit_codes: Vec<&str> = data.admin_units.iter().map(|u| u.code.as_str()).collect();
        for u in &data.admin_units {
            assert!(UnitLevel::parse(&u.level).is_some(), "{}", u.code);
            if let Some(p) = &u.parent {
                assert!(unit_codes.contains(&p.as_str()), "{} parent {p}", u.code);
            }
        }
        let districts = data
            .admin_units
            .iter()
            .filter(|u| u.level == "district")
            .count();
        assert_eq!(districts, 11, "the province's 11 district-level units");
        let mut seen = Vec::new();
        for a in &data.agencies {
            assert!(AgencyKind::parse(&a.kind).is_some(), "{}", a.code);
            if let Some(p) = &a.parent {
                assert!(
                    seen.contains(&p.as_str()),
                    "{}: parent {p} must come first",
                    a.code
                );
            }
            if let Some(u) = &a.admin_unit {
                assert!(unit_codes.contains(&u.as_str()), "{} unit {u}", a.code);
            }
            seen.push(a.code.as_str());
        }
        assert_eq!(
            data.agencies
                .iter()
                .filter(|a| a.kind == "district_committee")
                .count(),
            11
        );
        for c in &data.categories {
            if let Some(a) = &c.default_agency {
                assert!(seen.contains(&a.as_str()), "{} agency {a}", c.code);
            }
        }
    }

    #[test]
    fn calendar_seed_is_consistent() {
        let data: CalendarSeed = serde_json::from_str(CALENDAR).unwrap();
        for d in &data.days {
            let kind = crate::domain::calendar::DayKind::parse(&d.kind)
                .unwrap_or_else(|| panic!("{}", d.date));
            crate::domain::calendar::check_day_kind(d.date, kind)
                .unwrap_or_else(|e| panic!("{}: {e}", d.date));
        }
        assert_eq!(
            data.days.iter().filter(|d| !d.confirmed).count(),
            1,
            "only 24/11 is pending"
        );
    }
}
