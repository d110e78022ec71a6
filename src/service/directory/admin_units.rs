//! Administrative units, with the dates they are valid (the 2025 reform ended the district
//! level; units are data).

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AdminUnitChanges, AdminUnitRow};
use crate::db::repo::admin_units::UnitFilter;
use crate::db::{DbConn, repo, write_tx};
use crate::domain::directory::UnitLevel;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::users::double_option;

use super::*;

fn unit_not_found() -> AppError {
    AppError::not_found("đơn vị hành chính", "Administrative unit")
}

/// A new administrative unit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdminUnit {
    /// The official code (General Statistics Office), e.g. `941`.
    #[validate(length(min = 1, max = 20))]
    #[schema(example = "941", min_length = 1, max_length = 20)]
    pub code: String,
    /// Official name.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Thành phố Sóc Trăng", min_length = 1, max_length = 200)]
    pub name: String,
    /// Level.
    pub level: UnitLevel,
    /// The unit it belongs to.
    pub parent_code: Option<String>,
    /// First day the unit exists (local date), if known.
    pub valid_from: Option<NaiveDate>,
    /// Last day the unit exists (local date), if it was dissolved or merged.
    pub valid_to: Option<NaiveDate>,
}

/// Changes to an administrative unit; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUnitPatch {
    /// Official name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Level.
    pub level: Option<UnitLevel>,
    /// Parent unit; `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub parent_code: Option<Option<String>>,
    /// First valid day; `null` for unknown.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_from: Option<Option<NaiveDate>>,
    /// Last valid day; `null` for still valid.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_to: Option<Option<NaiveDate>>,
}

fn check_unit(
    conn: &mut DbConn,
    code: &str,
    level: UnitLevel,
    parent: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<()> {
    let mut errors = Vec::new();
    if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        errors.push(FieldError::of(
            "code",
            "invalid_format",
            "Mã chỉ gồm chữ, số, '-' và '.'.",
            "A code has only letters, digits, '-' and '.'.",
        ));
    }
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(FieldError::of(
            "valid_to",
            "before_valid_from",
            "Ngày hết hiệu lực trước ngày có hiệu lực.",
            "valid_to is before valid_from.",
        ));
    }
    match (parent, level.parent_level()) {
        (Some(p), _) if p == code => errors.push(FieldError::of(
            "parent_code",
            "cycle",
            "Đơn vị không thể thuộc chính nó.",
            "A unit cannot contain itself.",
        )),
        (Some(p), allowed) => match repo::admin_units::find(conn, p)? {
            None => errors.push(FieldError::of(
                "parent_code",
                "unknown_admin_unit",
                "Đơn vị cấp trên không tồn tại.",
                "No such parent unit.",
            )),
            Some(pu) if !allowed.is_some_and(|a| a.iter().any(|l| l.as_str() == pu.level)) => {
                errors.push(FieldError::of(
                    "parent_code",
                    "wrong_parent_level",
                    "Cấp của đơn vị cấp trên không phù hợp.",
                    "The parent unit is not of a level that can contain this one.",
                ))
            }
            Some(_) => {}
        },
        (None, Some(_)) => errors.push(FieldError::of(
            "parent_code",
            "required",
            "Cần đơn vị cấp trên.",
            "A parent unit is required.",
        )),
        (None, None) => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(errors))
    }
}

pub fn create_unit(st: &Context, input: NewAdminUnit) -> AppResult<AdminUnitRow> {
    let now = st.clock.now().naive_utc();
    let code = input.code.trim().to_string();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AdminUnitRow> {
        check_unit(
            c,
            &code,
            input.level,
            input.parent_code.as_deref(),
            input.valid_from,
            input.valid_to,
        )?;
        if repo::admin_units::find(c, &code)?.is_some() {
            return Err(code_taken());
        }
        let row = AdminUnitRow {
            code,
            name: input.name.trim().to_string(),
            level: input.level.as_str().into(),
            parent_code: input.parent_code,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
            created_at: now,
            updated_at: now,
        };
        repo::admin_units::insert(c, &row)?;
        Ok(row)
    })
}

pub fn update_unit(st: &Context, code: &str, patch: AdminUnitPatch) -> AppResult<AdminUnitRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AdminUnitRow> {
        let cur = repo::admin_units::find(c, code)?.ok_or_else(unit_not_found)?;
        let level = patch
            .level
            .or_else(|| UnitLevel::parse(&cur.level))
            .unwrap_or(UnitLevel::Commune);
        let parent = patch.parent_code.clone().unwrap_or(cur.parent_code.clone());
        let from = patch.valid_from.unwrap_or(cur.valid_from);
        let to = patch.valid_to.unwrap_or(cur.valid_to);
        check_unit(c, code, level, parent.as_deref(), from, to)?;
        let changes = AdminUnitChanges {
            name: patch.name.map(|n| n.trim().to_string()),
            level: patch.level.map(|l| l.as_str().to_string()),
            parent_code: patch.parent_code,
            valid_from: patch.valid_from,
            valid_to: patch.valid_to,
            updated_at: Some(now),
        };
        repo::admin_units::update(c, code, &changes)?;
        repo::admin_units::find(c, code)?.ok_or_else(unit_not_found)
    })
}

pub fn delete_unit(st: &Context, code: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::admin_units::find(c, code)?.ok_or_else(unit_not_found)?;
        if repo::admin_units::is_referenced(c, code)? {
            return Err(AppError::conflict(
                "admin_unit_in_use",
                "Đơn vị đang có đơn vị trực thuộc hoặc cơ quan gắn với nó; hãy đặt ngày hết hiệu lực thay vì xóa.",
                "The unit still has child units or agencies; set valid_to instead of deleting it.",
            ));
        }
        repo::admin_units::delete(c, code)?;
        Ok(())
    })
}

pub fn get_unit(st: &Context, code: &str) -> AppResult<AdminUnitRow> {
    let mut conn = st.pool.get()?;
    repo::admin_units::find(&mut conn, code)?.ok_or_else(unit_not_found)
}

/// What a former unit became: `(unit, partial)`, by code.
pub fn unit_successors(st: &Context, code: &str) -> AppResult<Vec<(AdminUnitRow, bool)>> {
    let mut conn = st.pool.get()?;
    repo::admin_units::find(&mut conn, code)?.ok_or_else(unit_not_found)?;
    let mut out = Vec::new();
    for (next, partial) in repo::admin_units::successors(&mut conn, code)? {
        if let Some(u) = repo::admin_units::find(&mut conn, &next)? {
            out.push((u, partial));
        }
    }
    Ok(out)
}

pub fn list_units(st: &Context, filter: &UnitFilter) -> AppResult<Vec<AdminUnitRow>> {
    let mut conn = st.pool.get()?;
    Ok(repo::admin_units::list(&mut conn, filter)?)
}
