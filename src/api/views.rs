//! Response bodies of accounts, sign-in and the directory (users, agencies, units,
//! categories), each built from its row here. The report views are in `report_views`; what they
//! may carry about a reporter is decided by `domain::visibility` and applied by
//! `service::reports::queries` before a view is built.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::directory::{AgencyKind, UnitLevel};
use crate::domain::roles::Role;
use crate::service::auth::TokenPair;
use crate::service::directory::AgencyDetails;
use crate::service::records::{AdminUnitRow, CategoryRow, UserRow};

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Account id.
    pub id: String,
    /// User name (staff accounts).
    pub username: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// The agency the account belongs to.
    pub agency_id: Option<String>,
    /// E-mail (a login).
    pub email: Option<String>,
    /// Phone (a login).
    pub phone: Option<String>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        Self {
            role: u.role,
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            agency_id: u.agency_id,
            email: u.email,
            phone: u.phone,
            disabled: u.disabled,
            created_at: utc(u.created_at),
        }
    }
}

/// A page of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    /// The accounts of this page.
    pub items: Vec<UserView>,
    /// How many accounts match in all.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Offset of the first item.
    pub offset: i64,
}

/// Tokens issued at sign-in or refresh (OAuth 2.0 token response).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// A one-time token for `POST /api/v1/auth/refresh`.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
}

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "Bearer",
            expires_in: p.expires_in,
        }
    }
}

/// A person named as a focal point.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberRef {
    /// Account id.
    pub id: String,
    /// Full name.
    pub full_name: String,
}

/// The focal points of an agency (Art. 15.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct FocalPointsView {
    /// The focal leader, if named and still an active leader of the agency.
    pub leader: Option<MemberRef>,
    /// The focal staff member, if named and still active staff of the agency.
    pub staff: Option<MemberRef>,
    /// Which focal points are missing: `leader`, `staff`.
    pub missing: Vec<&'static str>,
    /// Since when one is missing.
    pub missing_since: Option<chrono::DateTime<chrono::Utc>>,
    /// The last moment to name them: 7 working days after (Art. 15.1).
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The 7 working days have passed.
    pub overdue: bool,
}

/// A processing agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    /// Agency id.
    pub id: String,
    /// Short unique code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of agency.
    pub kind: AgencyKind,
    /// The supervising agency.
    pub parent_id: Option<String>,
    /// The administrative unit it serves.
    pub admin_unit_code: Option<String>,
    /// Whether it already takes part in the system.
    pub participating: bool,
    /// Official e-mail.
    pub email: Option<String>,
    /// Official phone.
    pub phone: Option<String>,
    /// The last day it existed, if it ceased to (the district People's Committees: 30/6/2025);
    /// nothing new goes to it after that.
    pub valid_to: Option<chrono::NaiveDate>,
    /// Focal points: shown to staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focal_points: Option<FocalPointsView>,
}

impl AgencyView {
    pub fn new(d: AgencyDetails, staff: bool) -> Self {
        let focal_points = staff.then(|| FocalPointsView {
            missing_since: d
                .focal_due_at
                .and(d.agency.focal_missing_since)
                .map(crate::api::views::utc),
            due_at: d.focal_due_at,
            overdue: d.focal_overdue,
            missing: d.missing_focal_points(),
            leader: d.focal_leader.as_ref().map(|u| MemberRef {
                id: u.id.clone(),
                full_name: u.full_name.clone(),
            }),
            staff: d.focal_staff.as_ref().map(|u| MemberRef {
                id: u.id.clone(),
                full_name: u.full_name.clone(),
            }),
        });
        let a = d.agency;
        Self {
            kind: AgencyKind::parse(&a.kind).unwrap_or(AgencyKind::Department),
            id: a.id,
            code: a.code,
            name: a.name,
            parent_id: a.parent_id,
            admin_unit_code: a.admin_unit_code,
            participating: a.participating,
            email: a.email,
            phone: a.phone,
            valid_to: a.valid_to,
            focal_points,
        }
    }
}

/// An administrative unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminUnitView {
    /// Official code.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Level.
    pub level: UnitLevel,
    /// The unit it belongs to.
    pub parent_code: Option<String>,
    /// First day the unit exists, if known.
    pub valid_from: Option<NaiveDate>,
    /// Last day the unit exists, if it ended.
    pub valid_to: Option<NaiveDate>,
}

impl From<AdminUnitRow> for AdminUnitView {
    fn from(u: AdminUnitRow) -> Self {
        Self {
            level: UnitLevel::parse(&u.level).unwrap_or(UnitLevel::Commune),
            code: u.code,
            name: u.name,
            parent_code: u.parent_code,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        }
    }
}

/// A category of reports (lĩnh vực).
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    /// Stable code (also the Open311 `service_code`).
    pub code: String,
    /// Name.
    pub name: String,
    /// What it covers.
    pub description: Option<String>,
    /// The agency the IOC usually dispatches to.
    pub default_agency_id: Option<String>,
    /// Whether new reports may use it.
    pub active: bool,
}

impl From<CategoryRow> for CategoryView {
    fn from(c: CategoryRow) -> Self {
        Self {
            code: c.code,
            name: c.name,
            description: c.description,
            default_agency_id: c.default_agency_id,
            active: c.active,
        }
    }
}
