//! The directory: agencies with their focal points (Art. 15.1), administrative units with the
//! dates they are valid, and categories (lĩnh vực) with an optional default agency.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::app::AppState;
use crate::db::models::{
    AdminUnitChanges, AdminUnitRow, AgencyChanges, AgencyRow, CategoryChanges, CategoryRow, UserRow,
};
use crate::db::repo::admin_units::UnitFilter;
use crate::db::repo::agencies::AgencyFilter;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::directory::{AgencyKind, UnitLevel};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::auth::Principal;
use crate::service::users::double_option;

fn field(f: &str, code: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(f, code, Msg::new(vi, en))
}

fn agency_not_found() -> AppError {
    AppError::not_found("cơ quan", "Agency")
}

// ---------------------------------------------------------------- agencies

/// A new agency.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgency {
    /// A short unique code, e.g. `SGTVT` or the agency's official identifier.
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "SGTVT", min_length = 1, max_length = 50)]
    pub code: String,
    /// Official name.
    #[validate(length(min = 1, max = 300))]
    #[schema(example = "Sở Giao thông vận tải", min_length = 1, max_length = 300)]
    pub name: String,
    /// Kind of agency.
    pub kind: AgencyKind,
    /// The supervising agency (its reports are visible to that agency's supervisors).
    pub parent_id: Option<String>,
    /// The administrative unit the agency serves (for People's Committees).
    pub admin_unit_code: Option<String>,
    /// Whether the agency already takes part in the system; one that does not is flagged on
    /// dispatch so the IOC can invite it.
    #[serde(default = "yes")]
    pub participating: bool,
    /// Official e-mail.
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// Official phone.
    #[validate(length(max = 30))]
    #[schema(max_length = 30)]
    pub phone: Option<String>,
}

fn yes() -> bool {
    true
}

/// Changes to an agency; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyPatch {
    /// Short unique code.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub code: Option<String>,
    /// Official name.
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    /// Kind of agency.
    pub kind: Option<AgencyKind>,
    /// Supervising agency; `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    /// Administrative unit; `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub admin_unit_code: Option<Option<String>>,
    /// Whether the agency takes part in the system.
    pub participating: Option<bool>,
    /// Official e-mail; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Official phone; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

/// The focal points of an agency (Art. 15.1): one leader and one staff member.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPoints {
    /// An active `agency_leader` of the agency, or `null`.
    pub leader_id: Option<String>,
    /// An active `agency_staff` of the agency, or `null`.
    pub staff_id: Option<String>,
}

/// An agency with its focal points resolved.
#[derive(Debug, Clone)]
pub struct AgencyDetails {
    pub agency: AgencyRow,
    pub focal_leader: Option<UserRow>,
    pub focal_staff: Option<UserRow>,
}

impl AgencyDetails {
    /// Which focal points are missing: not named, disabled, or no longer of this agency.
    pub fn missing_focal_points(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.focal_leader.is_none() {
            out.push("leader");
        }
        if self.focal_staff.is_none() {
            out.push("staff");
        }
        out
    }
}

fn check_agency_refs(
    conn: &mut DbConn,
    id: Option<&str>,
    parent_id: Option<&str>,
    unit: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    if let Some(p) = parent_id {
        if repo::agencies::find(conn, p)?.is_none() {
            errors.push(field(
                "parent_id",
                "unknown_agency",
                "Cơ quan cấp trên không tồn tại.",
                "No such parent agency.",
            ));
        } else if let Some(id) = id
            && (p == id || repo::agencies::ancestors(conn, p)?.iter().any(|a| a == id))
        {
            errors.push(field(
                "parent_id",
                "cycle",
                "Cơ quan không thể là cấp trên của chính nó.",
                "An agency cannot supervise itself.",
            ));
        }
    }
    if let Some(u) = unit
        && repo::admin_units::find(conn, u)?.is_none()
    {
        errors.push(field(
            "admin_unit_code",
            "unknown_admin_unit",
            "Đơn vị hành chính không tồn tại.",
            "No such administrative unit.",
        ));
    }
    Ok(())
}

fn code_taken() -> AppError {
    let mut e = AppError::conflict(
        "code_taken",
        "Mã đã được sử dụng.",
        "The code is already in use.",
    );
    e.errors = vec![field(
        "code",
        "taken",
        "Đã được sử dụng.",
        "Already in use.",
    )];
    e
}

pub fn create_agency(st: &AppState, input: NewAgency) -> AppResult<AgencyRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AgencyRow> {
        let mut errors = Vec::new();
        check_agency_refs(
            c,
            None,
            input.parent_id.as_deref(),
            input.admin_unit_code.as_deref(),
            &mut errors,
        )?;
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let code = input.code.trim().to_string();
        if repo::agencies::find_by_code(c, &code)?.is_some() {
            return Err(code_taken());
        }
        let row = AgencyRow {
            id: new_id(),
            code,
            name: input.name.trim().to_string(),
            kind: input.kind.as_str().into(),
            parent_id: input.parent_id,
            admin_unit_code: input.admin_unit_code,
            participating: input.participating,
            email: input.email,
            phone: input.phone,
            focal_leader_id: None,
            focal_staff_id: None,
            created_at: now,
            updated_at: now,
        };
        repo::agencies::insert(c, &row)?;
        Ok(row)
    })
}

pub fn update_agency(st: &AppState, id: &str, patch: AgencyPatch) -> AppResult<AgencyRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AgencyRow> {
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)?;
        let mut errors = Vec::new();
        check_agency_refs(
            c,
            Some(id),
            patch.parent_id.as_ref().and_then(|p| p.as_deref()),
            patch.admin_unit_code.as_ref().and_then(|u| u.as_deref()),
            &mut errors,
        )?;
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let code = patch.code.as_ref().map(|c| c.trim().to_string());
        if let Some(code) = &code
            && repo::agencies::find_by_code(c, code)?.is_some_and(|a| a.id != id)
        {
            return Err(code_taken());
        }
        let changes = AgencyChanges {
            code,
            name: patch.name.map(|n| n.trim().to_string()),
            kind: patch.kind.map(|k| k.as_str().to_string()),
            parent_id: patch.parent_id,
            admin_unit_code: patch.admin_unit_code,
            participating: patch.participating,
            email: patch.email,
            phone: patch.phone,
            updated_at: Some(now),
            ..Default::default()
        };
        repo::agencies::update(c, id, &changes)?;
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)
    })
}

pub fn delete_agency(st: &AppState, id: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)?;
        if repo::agencies::is_referenced(c, id)? {
            return Err(AppError::conflict(
                "agency_in_use",
                "Cơ quan đang có tài khoản, cơ quan trực thuộc hoặc lĩnh vực gắn với nó; không thể xóa.",
                "The agency still has users, child agencies or categories; it cannot be deleted.",
            ));
        }
        repo::agencies::delete(c, id)?;
        Ok(())
    })
}

/// Resolves focal points for a list of agencies with one read of the users involved.
fn with_focal_points(conn: &mut DbConn, agencies: Vec<AgencyRow>) -> AppResult<Vec<AgencyDetails>> {
    let mut users: HashMap<String, Option<UserRow>> = HashMap::new();
    for a in &agencies {
        for id in [&a.focal_leader_id, &a.focal_staff_id]
            .into_iter()
            .flatten()
        {
            if !users.contains_key(id) {
                let u = repo::users::find(conn, id)?;
                users.insert(id.clone(), u);
            }
        }
    }
    let valid = |a: &AgencyRow, id: &Option<String>, role: Role| -> Option<UserRow> {
        let u = users.get(id.as_ref()?)?.as_ref()?;
        (!u.disabled && u.agency_id.as_deref() == Some(a.id.as_str()) && u.role == role.as_str())
            .then(|| u.clone())
    };
    Ok(agencies
        .into_iter()
        .map(|a| AgencyDetails {
            focal_leader: valid(&a, &a.focal_leader_id, Role::AgencyLeader),
            focal_staff: valid(&a, &a.focal_staff_id, Role::AgencyStaff),
            agency: a,
        })
        .collect())
}

pub fn get_agency(st: &AppState, id: &str) -> AppResult<AgencyDetails> {
    let mut conn = st.pool.get()?;
    let a = repo::agencies::find(&mut conn, id)?.ok_or_else(agency_not_found)?;
    Ok(with_focal_points(&mut conn, vec![a])?.remove(0))
}

pub fn list_agencies(
    st: &AppState,
    filter: &AgencyFilter,
    missing_focal_points: bool,
) -> AppResult<Vec<AgencyDetails>> {
    let mut conn = st.pool.get()?;
    let rows = repo::agencies::list(&mut conn, filter)?;
    let mut out = with_focal_points(&mut conn, rows)?;
    if missing_focal_points {
        out.retain(|a| !a.missing_focal_points().is_empty());
    }
    Ok(out)
}

/// Art. 15.1: names the agency's focal leader and focal staff member.
pub fn set_focal_points(st: &AppState, id: &str, input: FocalPoints) -> AppResult<AgencyDetails> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)?;
        let mut errors = Vec::new();
        for (f, uid, role) in [
            ("leader_id", &input.leader_id, Role::AgencyLeader),
            ("staff_id", &input.staff_id, Role::AgencyStaff),
        ] {
            let Some(uid) = uid else { continue };
            let ok = repo::users::find(c, uid)?.is_some_and(|u| {
                !u.disabled && u.agency_id.as_deref() == Some(id) && u.role == role.as_str()
            });
            if !ok {
                errors.push(FieldError::new(
                    f,
                    "not_a_member",
                    Msg::new(
                        format!(
                            "Phải là tài khoản đang hoạt động có vai trò {} của cơ quan này.",
                            role.as_str()
                        ),
                        format!(
                            "Must be an active {} account of this agency.",
                            role.as_str()
                        ),
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        let changes = AgencyChanges {
            focal_leader_id: Some(input.leader_id.clone()),
            focal_staff_id: Some(input.staff_id.clone()),
            updated_at: Some(now),
            ..Default::default()
        };
        repo::agencies::update(c, id, &changes)?;
        Ok(())
    })?;
    get_agency(st, id)
}

/// Whether the caller may see the members of an agency: the IOC, the province and admins;
/// the agency's own people; supervisors of an agency above it.
pub fn may_see_members(conn: &mut DbConn, who: &Principal, agency_id: &str) -> AppResult<bool> {
    Ok(match who.role {
        Role::Operator | Role::Province | Role::Admin => true,
        Role::AgencyStaff | Role::AgencyLeader => who.agency_id.as_deref() == Some(agency_id),
        Role::Supervisor => match &who.agency_id {
            Some(mine) => {
                mine == agency_id || repo::agencies::ancestors(conn, agency_id)?.contains(mine)
            }
            None => false,
        },
        Role::Citizen => false,
    })
}

pub fn members(st: &AppState, who: &Principal, agency_id: &str) -> AppResult<Vec<UserRow>> {
    let mut conn = st.pool.get()?;
    repo::agencies::find(&mut conn, agency_id)?.ok_or_else(agency_not_found)?;
    if !may_see_members(&mut conn, who, agency_id)? {
        return Err(agency_not_found());
    }
    Ok(repo::users::active_in_agency(&mut conn, agency_id)?)
}

// ---------------------------------------------------------------- administrative units

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
        errors.push(field(
            "code",
            "invalid_format",
            "Mã chỉ gồm chữ, số, '-' và '.'.",
            "A code has only letters, digits, '-' and '.'.",
        ));
    }
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(field(
            "valid_to",
            "before_valid_from",
            "Ngày hết hiệu lực trước ngày có hiệu lực.",
            "valid_to is before valid_from.",
        ));
    }
    match (parent, level.parent_level()) {
        (Some(p), _) if p == code => errors.push(field(
            "parent_code",
            "cycle",
            "Đơn vị không thể thuộc chính nó.",
            "A unit cannot contain itself.",
        )),
        (Some(p), allowed) => match repo::admin_units::find(conn, p)? {
            None => errors.push(field(
                "parent_code",
                "unknown_admin_unit",
                "Đơn vị cấp trên không tồn tại.",
                "No such parent unit.",
            )),
            Some(pu) if !allowed.is_some_and(|a| a.iter().any(|l| l.as_str() == pu.level)) => {
                errors.push(field(
                    "parent_code",
                    "wrong_parent_level",
                    "Cấp của đơn vị cấp trên không phù hợp.",
                    "The parent unit is not of a level that can contain this one.",
                ))
            }
            Some(_) => {}
        },
        (None, Some(_)) => errors.push(field(
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

pub fn create_unit(st: &AppState, input: NewAdminUnit) -> AppResult<AdminUnitRow> {
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

pub fn update_unit(st: &AppState, code: &str, patch: AdminUnitPatch) -> AppResult<AdminUnitRow> {
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

pub fn delete_unit(st: &AppState, code: &str) -> AppResult<()> {
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

pub fn get_unit(st: &AppState, code: &str) -> AppResult<AdminUnitRow> {
    let mut conn = st.pool.get()?;
    repo::admin_units::find(&mut conn, code)?.ok_or_else(unit_not_found)
}

pub fn list_units(st: &AppState, filter: &UnitFilter) -> AppResult<Vec<AdminUnitRow>> {
    let mut conn = st.pool.get()?;
    Ok(repo::admin_units::list(&mut conn, filter)?)
}

// ---------------------------------------------------------------- categories

fn category_not_found() -> AppError {
    AppError::not_found("lĩnh vực", "Category")
}

/// A new category (lĩnh vực).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// A stable code: 2–50 of a-z, 0-9 and `-` (also the Open311 `service_code`).
    #[schema(example = "giao-thong", min_length = 2, max_length = 50)]
    pub code: String,
    /// Name shown to citizens.
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Giao thông", min_length = 1, max_length = 200)]
    pub name: String,
    /// What the category covers.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// The agency the IOC usually dispatches these reports to.
    pub default_agency_id: Option<String>,
}

/// Changes to a category; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    /// Name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Description; `null` to remove.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Default agency; `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub default_agency_id: Option<Option<String>>,
    /// `false` hides the category from new reports.
    pub active: Option<bool>,
}

fn check_default_agency(conn: &mut DbConn, id: Option<&str>) -> AppResult<()> {
    if let Some(id) = id
        && repo::agencies::find(conn, id)?.is_none()
    {
        return Err(AppError::validation(vec![field(
            "default_agency_id",
            "unknown_agency",
            "Cơ quan không tồn tại.",
            "No such agency.",
        )]));
    }
    Ok(())
}

pub fn create_category(st: &AppState, input: NewCategory) -> AppResult<CategoryRow> {
    let code = input.code.trim().to_string();
    let valid = (2..=50).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(AppError::validation(vec![field(
            "code",
            "invalid_format",
            "Mã gồm 2–50 ký tự a-z, 0-9 và '-'.",
            "A code has 2–50 of a-z, 0-9 and '-'.",
        )]));
    }
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<CategoryRow> {
        check_default_agency(c, input.default_agency_id.as_deref())?;
        if repo::categories::find(c, &code)?.is_some() {
            return Err(code_taken());
        }
        let row = CategoryRow {
            code,
            name: input.name.trim().to_string(),
            description: input.description,
            default_agency_id: input.default_agency_id,
            active: true,
            created_at: now,
            updated_at: now,
        };
        repo::categories::insert(c, &row)?;
        Ok(row)
    })
}

pub fn update_category(st: &AppState, code: &str, patch: CategoryPatch) -> AppResult<CategoryRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<CategoryRow> {
        repo::categories::find(c, code)?.ok_or_else(category_not_found)?;
        check_default_agency(
            c,
            patch.default_agency_id.as_ref().and_then(|a| a.as_deref()),
        )?;
        let changes = CategoryChanges {
            name: patch.name.map(|n| n.trim().to_string()),
            description: patch.description,
            default_agency_id: patch.default_agency_id,
            active: patch.active,
            updated_at: Some(now),
        };
        repo::categories::update(c, code, &changes)?;
        repo::categories::find(c, code)?.ok_or_else(category_not_found)
    })
}

/// Deletes a category. Once reports refer to it the database refuses (409); deactivate it then.
pub fn delete_category(st: &AppState, code: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        repo::categories::find(c, code)?.ok_or_else(category_not_found)?;
        repo::categories::delete(c, code)?;
        Ok(())
    })
}

pub fn get_category(st: &AppState, code: &str) -> AppResult<CategoryRow> {
    let mut conn = st.pool.get()?;
    repo::categories::find(&mut conn, code)?.ok_or_else(category_not_found)
}

pub fn list_categories(st: &AppState, active: Option<bool>) -> AppResult<Vec<CategoryRow>> {
    let mut conn = st.pool.get()?;
    Ok(repo::categories::list(&mut conn, active)?)
}
