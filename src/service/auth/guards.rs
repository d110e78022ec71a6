//! Who may call a use case, as a type: a use case that takes `&Require<Operator>` cannot be
//! reached by anyone else, and the HTTP layer checks it before it reads a body.

use std::borrow::Borrow;
use std::marker::PhantomData;
use std::ops::Deref;

use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::auth::Principal;

/// A set of roles allowed to call a use case.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// The caller, proven to hold one of the roles of `R`.
#[derive(Debug)]
pub struct Require<R: RoleSet>(Principal, PhantomData<R>);

impl<R: RoleSet> Clone for Require<R> {
    fn clone(&self) -> Self {
        Require(self.0.clone(), PhantomData)
    }
}

impl<R: RoleSet> Require<R> {
    /// The caller as `R`, or 403.
    pub fn check(who: &Principal) -> AppResult<Self> {
        if R::ROLES.contains(&who.role) {
            Ok(Require(who.clone(), PhantomData))
        } else {
            Err(AppError::forbidden())
        }
    }

    /// The caller.
    pub fn principal(&self) -> &Principal {
        &self.0
    }
}

impl<R: RoleSet> Borrow<Principal> for Require<R> {
    fn borrow(&self) -> &Principal {
        &self.0
    }
}

impl<R: RoleSet> Deref for Require<R> {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

/// Role sets used in signatures.
pub mod roles {
    use super::RoleSet;
    use crate::domain::roles::Role;

    /// Administrators.
    pub struct Admin;
    impl RoleSet for Admin {
        const ROLES: &'static [Role] = &[Role::Admin];
    }

    /// IOC operators (Art. 7, 9.3).
    pub struct Operator;
    impl RoleSet for Operator {
        const ROLES: &'static [Role] = &[Role::Operator];
    }

    /// The province's leadership (Art. 3.7, 3.8).
    pub struct Province;
    impl RoleSet for Province {
        const ROLES: &'static [Role] = &[Role::Province];
    }

    /// Staff and leaders of an agency (which agency is checked against the report).
    pub struct AgencyMember;
    impl RoleSet for AgencyMember {
        const ROLES: &'static [Role] = &[Role::AgencyStaff, Role::AgencyLeader];
    }

    /// The IOC, or staff and leaders of an agency (which agency is checked against the report).
    pub struct OperatorOrAgency;
    impl RoleSet for OperatorOrAgency {
        const ROLES: &'static [Role] = &[Role::Operator, Role::AgencyStaff, Role::AgencyLeader];
    }

    /// The IOC's personal-data officer (Law 91/2025/QH15).
    pub struct PrivacyOfficer;
    impl RoleSet for PrivacyOfficer {
        const ROLES: &'static [Role] = &[Role::PrivacyOfficer];
    }

    /// Every staff role (not citizens).
    pub struct Staff;
    impl RoleSet for Staff {
        const ROLES: &'static [Role] = &[
            Role::Operator,
            Role::AgencyStaff,
            Role::AgencyLeader,
            Role::Supervisor,
            Role::Province,
            Role::Admin,
            Role::PrivacyOfficer,
        ];
    }
}
