//! The directory of agencies, administrative units and categories: the kinds it knows.
//! Names and structure are data; only the kinds are code (Art. 1.2a, 2.5).

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.as_str() == s) }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::directory::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s).ok_or($crate::domain::directory::UnknownValue(stringify!($name)))
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String { v.as_str().to_string() }
        }
    };
}

/// A stored name that is none of its kind's values (a corrupt row): the kind's name, never
/// the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownValue(pub &'static str);

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} value", self.0)
    }
}

impl std::error::Error for UnknownValue {}
pub(crate) use string_enum;

string_enum! {
    /// The kind of a processing agency (cơ quan xử lý, Art. 2.5).
    AgencyKind {
        /// A provincial department or board (Sở, ban ngành tỉnh).
        Department = "department",
        /// A district-level People's Committee (UBND cấp huyện).
        DistrictCommittee = "district_committee",
        /// A commune-level People's Committee (UBND cấp xã).
        CommuneCommittee = "commune_committee",
        /// A central agency located in the province (cơ quan Trung ương đóng trên địa bàn).
        CentralAgency = "central_agency",
        /// A public service unit (đơn vị sự nghiệp công lập).
        PublicServiceUnit = "public_service_unit",
        /// A utility or public-service company (doanh nghiệp cung ứng dịch vụ công ích).
        UtilityCompany = "utility_company",
    }
}

string_enum! {
    /// The level of an administrative unit.
    UnitLevel {
        /// Province or centrally governed city (tỉnh, thành phố trực thuộc trung ương).
        Province = "province",
        /// District level (huyện, thị xã, thành phố thuộc tỉnh); abolished on 1 July 2025.
        District = "district",
        /// Commune level (xã, phường, thị trấn, đặc khu).
        Commune = "commune",
    }
}

impl UnitLevel {
    /// The level a unit's parent must have.
    pub fn parent_level(self) -> Option<&'static [UnitLevel]> {
        match self {
            UnitLevel::Province => None,
            UnitLevel::District => Some(&[UnitLevel::Province]),
            // Since 2025 communes sit directly under the province.
            UnitLevel::Commune => Some(&[UnitLevel::District, UnitLevel::Province]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for l in UnitLevel::ALL {
            assert_eq!(UnitLevel::parse(l.as_str()), Some(*l));
        }
        assert_eq!(AgencyKind::parse("ministry"), None);
    }
}

#[cfg(test)]
mod stored_names {
    use crate::domain::report::{AssignmentStatus, ReportStatus};
    use crate::domain::roles::Role;

    #[test]
    fn stored_names_convert_both_ways_and_a_corrupt_one_is_refused() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::try_from(String::from(*s)), Ok(*s));
        }
        assert_eq!(
            AssignmentStatus::try_from("processing".to_string()),
            Ok(AssignmentStatus::Processing)
        );
        let e = ReportStatus::try_from("publishd".to_string()).unwrap_err();
        assert_eq!(e.to_string(), "unknown ReportStatus value");
        // A corrupt role is an error, never a citizen.
        assert!(Role::try_from("root".to_string()).is_err());
        assert_eq!(Role::try_from("operator".to_string()), Ok(Role::Operator));
    }
}
