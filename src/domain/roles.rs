//! Who may do what (Art. 2.4, 2.6, 3.8, 7–10, 15, 16). Roles are data in tokens and rows; what each may do is here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The role of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A person or organisation that reports (tổ chức, cá nhân phản ánh).
    Citizen,
    /// IOC reception staff (nhân sự tiếp nhận, Art. 2.4).
    Operator,
    /// Processing staff of one agency (nhân sự xử lý, Art. 2.6).
    AgencyStaff,
    /// A leader of one agency, who approves its results (Art. 8.4).
    AgencyLeader,
    /// A supervising agency's reader (cơ quan quản lý cấp trên, Art. 7.3).
    Supervisor,
    /// The provincial People's Committee (Art. 3.8, 16.5).
    Province,
    /// The system's administrator (Art. 11, 16).
    Admin,
    /// The IOC's personal-data officer: answers reporters' requests about their data and keeps
    /// the records of processing (Law 91/2025/QH15).
    PrivacyOfficer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Citizen,
        Role::Operator,
        Role::AgencyStaff,
        Role::AgencyLeader,
        Role::Supervisor,
        Role::Province,
        Role::Admin,
        Role::PrivacyOfficer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Operator => "operator",
            Role::AgencyStaff => "agency_staff",
            Role::AgencyLeader => "agency_leader",
            Role::Supervisor => "supervisor",
            Role::Province => "province",
            Role::Admin => "admin",
            Role::PrivacyOfficer => "privacy_officer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles bound to one agency: staff and leaders process for it, a supervisor reads for it
    /// and the agencies below it.
    pub fn needs_agency(self) -> bool {
        matches!(
            self,
            Role::AgencyStaff | Role::AgencyLeader | Role::Supervisor
        )
    }

    /// Staff roles are created by admins; citizens register themselves.
    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// Roles that may see the whole directory, including focal points and members.
    pub fn sees_directory_details(self) -> bool {
        self.is_staff()
    }
}

impl TryFrom<String> for Role {
    type Error = crate::domain::directory::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s).ok_or(crate::domain::directory::UnknownValue("Role"))
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn agency_binding() {
        let bound: Vec<Role> = Role::ALL.into_iter().filter(|r| r.needs_agency()).collect();
        assert_eq!(
            bound,
            [Role::AgencyStaff, Role::AgencyLeader, Role::Supervisor]
        );
    }
}
