//! Agencies (Art. 2.5) and their focal points (Art. 15.1).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{AgencyChanges, AgencyRow, UserRow};
use crate::db::repo::agencies::AgencyFilter;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::directory::AgencyKind;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::stat_counts;
use crate::service::users::double_option;

use super::*;

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
    /// The last moment to name the missing focal points (Art. 15.1), when some are missing.
    pub focal_due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// That moment has passed.
    pub focal_overdue: bool,
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
            errors.push(FieldError::of(
                "parent_id",
                "unknown_agency",
                "Cơ quan cấp trên không tồn tại.",
                "No such parent agency.",
            ));
        } else if let Some(id) = id
            && (p == id || repo::agencies::ancestors(conn, p)?.iter().any(|a| a == id))
        {
            errors.push(FieldError::of(
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
        errors.push(FieldError::of(
            "admin_unit_code",
            "unknown_admin_unit",
            "Đơn vị hành chính không tồn tại.",
            "No such administrative unit.",
        ));
    }
    Ok(())
}

/// A change that may move an agency in the tree: excludes the actions on reports until it
/// commits, and returns the tree before it (the statistics counters of supervisors follow the
/// tree, `service::stat_counts::supervision`).
fn tree_change_begins(c: &mut DbConn) -> AppResult<stat_counts::Supervisors> {
    stat_counts::hold_tree(c, true)?;
    stat_counts::Supervisors::load(c)
}

pub fn create_agency(st: &Context, input: NewAgency) -> AppResult<AgencyRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AgencyRow> {
        let tree = tree_change_begins(c)?;
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
            valid_to: None,
            focal_missing_since: Some(now),
        };
        repo::agencies::insert(c, &row)?;
        stat_counts::tree_changed(c, &tree)?;
        Ok(row)
    })
}

pub fn update_agency(st: &Context, id: &str, patch: AgencyPatch) -> AppResult<AgencyRow> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<AgencyRow> {
        let tree = tree_change_begins(c)?;
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
        stat_counts::tree_changed(c, &tree)?;
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)
    })
}

pub fn delete_agency(st: &Context, id: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        let tree = tree_change_begins(c)?;
        repo::agencies::find(c, id)?.ok_or_else(agency_not_found)?;
        if repo::agencies::is_referenced(c, id)? {
            return Err(AppError::conflict(
                "agency_in_use",
                "Cơ quan đang có tài khoản, cơ quan trực thuộc hoặc lĩnh vực gắn với nó; không thể xóa.",
                "The agency still has users, child agencies or categories; it cannot be deleted.",
            ));
        }
        repo::agencies::delete(c, id)?;
        stat_counts::tree_changed(c, &tree)?;
        Ok(())
    })
}

/// Resolves focal points for a list of agencies with one read of the users involved.
fn with_focal_points(
    conn: &mut DbConn,
    v: &crate::db::vault::Vault,
    agencies: Vec<AgencyRow>,
) -> AppResult<Vec<AgencyDetails>> {
    let mut users: HashMap<String, Option<UserRow>> = HashMap::new();
    for a in &agencies {
        for id in [&a.focal_leader_id, &a.focal_staff_id]
            .into_iter()
            .flatten()
        {
            if !users.contains_key(id) {
                let u = repo::users::find(conn, v, id)?;
                users.insert(id.clone(), u);
            }
        }
    }
    let valid = |a: &AgencyRow, id: &Option<String>, role: Role| -> Option<UserRow> {
        let u = users.get(id.as_ref()?)?.as_ref()?;
        (!u.disabled && u.agency_id.as_deref() == Some(a.id.as_str()) && u.role == role)
            .then(|| u.clone())
    };
    Ok(agencies
        .into_iter()
        .map(|a| AgencyDetails {
            focal_leader: valid(&a, &a.focal_leader_id, Role::AgencyLeader),
            focal_staff: valid(&a, &a.focal_staff_id, Role::AgencyStaff),
            agency: a,
            focal_due_at: None,
            focal_overdue: false,
        })
        .collect())
}

/// Adds the Art. 15.1 deadline to agencies lacking a focal point.
fn with_focal_deadlines(
    st: &Context,
    conn: &mut DbConn,
    mut agencies: Vec<AgencyDetails>,
) -> AppResult<Vec<AgencyDetails>> {
    if agencies.iter().all(|a| a.missing_focal_points().is_empty()) {
        return Ok(agencies);
    }
    let cal = crate::service::calendar::current(st, conn)?;
    let now = st.clock.now();
    for a in &mut agencies {
        if a.missing_focal_points().is_empty() {
            continue;
        }
        // Missing without a recorded start (a member changed outside the service): now.
        let since = a.agency.focal_missing_since.unwrap_or(now.naive_utc());
        a.focal_due_at = focal_points_due(&cal, since);
        a.focal_overdue = a.focal_due_at.is_some_and(|d| d < now);
    }
    Ok(agencies)
}

pub fn get_agency(st: &Context, id: &str) -> AppResult<AgencyDetails> {
    let mut conn = st.pool.get()?;
    let a = repo::agencies::find(&mut conn, id)?.ok_or_else(agency_not_found)?;
    let d = with_focal_points(&mut conn, &st.vault, vec![a])?;
    Ok(with_focal_deadlines(st, &mut conn, d)?.remove(0))
}

pub fn list_agencies(
    st: &Context,
    filter: &AgencyFilter,
    missing_focal_points: bool,
) -> AppResult<Vec<AgencyDetails>> {
    let mut conn = st.pool.get()?;
    let rows = repo::agencies::list(&mut conn, filter)?;
    let mut out = with_focal_points(&mut conn, &st.vault, rows)?;
    if missing_focal_points {
        out.retain(|a| !a.missing_focal_points().is_empty());
    }
    with_focal_deadlines(st, &mut conn, out)
}

/// Art. 15.1: names the agency's focal leader and focal staff member.
pub fn set_focal_points(st: &Context, id: &str, input: FocalPoints) -> AppResult<AgencyDetails> {
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
            let ok = repo::users::find(c, &st.vault, uid)?.is_some_and(|u| {
                !u.disabled && u.agency_id.as_deref() == Some(id) && u.role == role
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
        refresh_focal_points(c, &st.vault, id, now)?;
        Ok(())
    })?;
    get_agency(st, id)
}

/// Art. 15.1: records since when an agency lacks a focal point (a focal point disabled, moved
/// to another agency or given another role counts as lacking), or that it lacks none any more.
/// Call after any change of the agency's focal points or of one of its members.
pub fn refresh_focal_points(
    c: &mut DbConn,
    v: &crate::db::vault::Vault,
    agency_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(a) = repo::agencies::find(c, agency_id)? else {
        return Ok(());
    };
    let since = a.focal_missing_since;
    let d = with_focal_points(c, v, vec![a])?.remove(0);
    let missing = !d.missing_focal_points().is_empty();
    let next = match (missing, since) {
        (true, None) => Some(Some(now)),
        (false, Some(_)) => Some(None),
        _ => None,
    };
    if next.is_some() {
        repo::agencies::update(
            c,
            agency_id,
            &AgencyChanges {
                focal_missing_since: next,
                ..Default::default()
            },
        )?;
    }
    Ok(())
}

/// The last moment to name the missing focal points: 7 working days after they went missing
/// (Art. 15.1).
pub fn focal_points_due(
    cal: &crate::domain::calendar::WorkingCalendar,
    missing_since: NaiveDateTime,
) -> Option<chrono::DateTime<chrono::Utc>> {
    cal.add_working(
        missing_since.and_utc(),
        crate::domain::calendar::WorkingDuration::Days(7),
    )
    .ok()
}

/// Whether the caller may see the members of an agency: the IOC, the province and admins;
/// the agency's own people; supervisors of an agency above it.
pub fn may_see_members(conn: &mut DbConn, who: &Principal, agency_id: &str) -> AppResult<bool> {
    Ok(match who.role {
        Role::Operator | Role::Province | Role::Admin | Role::PrivacyOfficer => true,
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

pub fn members(st: &Context, who: &Principal, agency_id: &str) -> AppResult<Vec<UserRow>> {
    let mut conn = st.pool.get()?;
    repo::agencies::find(&mut conn, agency_id)?.ok_or_else(agency_not_found)?;
    if !may_see_members(&mut conn, who, agency_id)? {
        return Err(agency_not_found());
    }
    Ok(repo::users::active_in_agency(
        &mut conn, &st.vault, agency_id,
    )?)
}
