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
    };
}
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
