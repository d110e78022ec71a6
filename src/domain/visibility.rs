//! What each audience may see of a report (Art. 4.5, 9.3, 15.6): the reporter's identity, the
//! internal work of the IOC and the agencies, and the answer before it is published.

use crate::domain::report::ReportStatus;
use crate::domain::roles::Role;

/// How much of the reporter's identity a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Nothing: the province, administrators, supervisors, agencies without consent.
    Hidden,
    /// The name and the means of contact (address, phone, e-mail, organisation), not the
    /// identity number: the processing agency when the reporter consented (Art. 4.5).
    Contact,
    /// Everything, including the CCCD number: the reporter, and the IOC operators who verify it
    /// (Art. 7.1).
    Full,
}

/// Art. 4.5, 15.6: the identity is for the IOC operators who verify it, the reporter, and the
/// processing agency with consent; nobody else (the province and administrators included).
/// The privacy officer sees it to answer the reporter's requests. Once the reporter restricted
/// its processing, only they and the privacy officer see it.
pub fn identity_access(
    role: Role,
    is_reporter: bool,
    consent_share_contact: bool,
    restricted: bool,
) -> Identity {
    if is_reporter || role == Role::PrivacyOfficer {
        Identity::Full
    } else if restricted {
        Identity::Hidden
    } else if role == Role::Operator {
        Identity::Full
    } else if consent_share_contact && matches!(role, Role::AgencyStaff | Role::AgencyLeader) {
        Identity::Contact
    } else {
        Identity::Hidden
    }
}

/// Who is looking at a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Staff who may see the report: the whole internal record.
    Staff,
    /// The citizen who reported it: the state, the public steps, their own data, what they were
    /// asked, and the answer once it is published to them (Art. 9.3).
    Reporter,
}

pub fn audience(role: Role, is_reporter: bool) -> Audience {
    if role == Role::Citizen && is_reporter {
        Audience::Reporter
    } else {
        Audience::Staff
    }
}

/// Every step a report's history may hold (the webhooks' event types are these).
pub const ACTIONS: &[&str] = &[
    "submitted",
    "accepted",
    "content_corrected",
    "flags_set",
    "info_requested",
    "supplemented",
    "rejected",
    "forwarded",
    "escalated",
    "closed",
    "referred_to_province",
    "province_directed",
    "designated",
    "dispatched",
    "assignment_accepted",
    "lead_returned",
    "coordinator_assigned",
    "coordinator_returned",
    "coordinator_result_approved",
    "result_submitted",
    "result_sent_back",
    "result_approved",
    "result_returned",
    "extension_requested",
    "extension_confirmed",
    "extension_refused",
    "published",
    "feedback_received",
    "clarified",
    "rated",
    "attachment_added",
    "overdue",
    "emergency_call_forwarded",
    "emergency_finished",
    "emergency_recorded",
    "recognition_proposed",
    "follow_up_reissued",
    "follow_up_revoked",
    "call_attached",
    "duplicate_linked",
    "duplicate_attached",
    "duplicate_unlinked",
    "duplicate_detached",
    "consent_withdrawn",
    "identity_corrected",
    "identity_restricted",
    "identity_erased",
    "retention_applied",
];

/// The history steps anyone may read of a published report.
pub const PUBLIC_ACTIONS: [&str; 10] = [
    "submitted",
    "accepted",
    "dispatched",
    "designated",
    "assignment_accepted",
    "coordinator_assigned",
    "result_approved",
    "extension_confirmed",
    "published",
    "clarified",
];

/// Steps the reporter also sees on their own report: what was asked of them, what they did,
/// where the report went. Internal steps (drafts, send-backs, returns between agencies, flags,
/// extension requests) are not among them; a new step is internal until listed here.
const REPORTER_ACTIONS: [&str; 19] = [
    "retention_applied",
    "consent_withdrawn",
    "identity_corrected",
    "identity_restricted",
    "identity_erased",
    "duplicate_linked",
    "duplicate_unlinked",
    "info_requested",
    "supplemented",
    "rejected",
    "forwarded",
    "escalated",
    "attachment_added",
    "feedback_received",
    "rated",
    "emergency_call_forwarded",
    "emergency_recorded",
    "closed",
    "follow_up_reissued",
];

/// Whether the reporter sees a step of their report's history.
pub fn reporter_sees_step(action: &str) -> bool {
    PUBLIC_ACTIONS.contains(&action) || REPORTER_ACTIONS.contains(&action)
}

/// Whether the reporter sees the note of a step: only the notes addressed to them, i.e. what the
/// IOC asked them to supplement (Art. 7.1), why the report was refused, and the tracking code of
/// the report theirs was merged into (or taken out of).
pub fn reporter_sees_note(action: &str) -> bool {
    matches!(
        action,
        "info_requested" | "rejected" | "duplicate_linked" | "duplicate_unlinked"
    )
}

/// Whether anyone may read the report (Art. 9.3): published, neither confidential (9.3b) nor
/// touching state secrets (9.3c). The public list's query applies the same condition (tested by
/// the privacy tests).
pub fn publicly_listed(status: ReportStatus, confidential: bool, state_secret: bool) -> bool {
    status == ReportStatus::Published && publicly_counted(confidential, state_secret)
}

/// Whether the report counts in the public statistics: neither confidential nor touching state
/// secrets (Art. 9.3b–c), whatever its state.
pub fn publicly_counted(confidential: bool, state_secret: bool) -> bool {
    !confidential && !state_secret
}

/// Whether the answer has been published to the reporter (Art. 9.3): before that, a draft or an
/// approved answer is the agency's and the IOC's work, not the reporter's to read.
pub fn answer_released(status: ReportStatus) -> bool {
    status == ReportStatus::Published
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_follows_the_regulation() {
        use Identity::*;
        for role in Role::ALL {
            assert_eq!(identity_access(role, true, false, true), Full, "{role:?}");
        }
        assert_eq!(identity_access(Role::Operator, false, false, false), Full);
        assert_eq!(
            identity_access(Role::PrivacyOfficer, false, false, true),
            Full
        );
        for role in [Role::Province, Role::Admin, Role::Supervisor] {
            assert_eq!(
                identity_access(role, false, true, false),
                Hidden,
                "{role:?}"
            );
        }
        for role in [Role::AgencyStaff, Role::AgencyLeader] {
            assert_eq!(identity_access(role, false, true, false), Contact);
            assert_eq!(identity_access(role, false, false, false), Hidden);
            assert_eq!(identity_access(role, false, true, true), Hidden);
        }
        assert_eq!(identity_access(Role::Operator, false, true, true), Hidden);
    }

    #[test]
    fn every_listed_step_is_a_step() {
        for a in PUBLIC_ACTIONS.iter().chain(REPORTER_ACTIONS.iter()) {
            assert!(ACTIONS.contains(a), "{a}");
        }
    }

    #[test]
    fn internal_steps_stay_internal() {
        for a in [
            "result_submitted",
            "result_sent_back",
            "result_returned",
            "lead_returned",
            "flags_set",
            "extension_requested",
        ] {
            assert!(!reporter_sees_step(a), "{a}");
        }
        assert!(reporter_sees_step("info_requested") && reporter_sees_note("info_requested"));
        assert!(reporter_sees_step("published") && !reporter_sees_note("published"));
    }
}
