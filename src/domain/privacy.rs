//! Personal data of reporters (Law 91/2025/QH15 on personal data protection, Decree
//! 356/2025/NĐ-CP; Art. 4.5 of the regulation): the purposes a reporter consents to, the legal
//! bases recorded where consent is not the basis, and the requests a data subject makes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The version of the consent wording the server shows (`GET /privacy/consents`). A client that
/// shows its own copy names the version it showed.
pub const WORDING_VERSION: &str = "2026-01";

/// A data subject's request is answered within this many working days, on the same calendar as
/// the reports' deadlines.
pub const ANSWER_WORKING_DAYS: u32 = 2;

/// What a consent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Receiving and handling the report with the reporter's identity (Art. 4.2, 7).
    Processing,
    /// Showing the name and the means of contact to the processing agency (Art. 4.5).
    ShareContact,
    /// Showing the reporter's name with the published result.
    PublicName,
    /// Keeping the result confidential: it goes to the reporter alone (Art. 9.3b).
    ConfidentialResult,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::Processing,
        Purpose::ShareContact,
        Purpose::PublicName,
        Purpose::ConfidentialResult,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Processing => "processing",
            Purpose::ShareContact => "share_contact",
            Purpose::PublicName => "public_name",
            Purpose::ConfidentialResult => "confidential_result",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The wording a reporter is shown for this purpose (version `WORDING_VERSION`).
    pub fn wording(self) -> &'static str {
        match self {
            Purpose::Processing => {
                "Tôi đồng ý để Trung tâm IOC và cơ quan xử lý thu thập, lưu trữ và sử dụng họ tên, địa chỉ liên hệ, số định danh cá nhân, số điện thoại, thư điện tử, hình ảnh và ghi âm cuộc gọi của tôi để tiếp nhận, xử lý và trả lời phản ánh này."
            }
            Purpose::ShareContact => {
                "Tôi đồng ý để cơ quan xử lý được xem họ tên và thông tin liên hệ của tôi để liên hệ khi xử lý phản ánh (Điều 4.5 Quy chế)."
            }
            Purpose::PublicName => {
                "Tôi đồng ý để họ tên của tôi được hiển thị cùng kết quả xử lý được công khai."
            }
            Purpose::ConfidentialResult => {
                "Tôi đề nghị giữ bí mật kết quả xử lý: kết quả chỉ gửi riêng cho tôi (Điều 9.3b Quy chế)."
            }
        }
    }

    /// Whether the reporter may withdraw it at any time with immediate effect. Processing is
    /// ended by a request to restrict or delete (handled by the privacy officer, since a report
    /// in progress must still be answered); a wish for confidentiality is kept.
    pub fn withdrawable(self) -> bool {
        matches!(self, Purpose::ShareContact | Purpose::PublicName)
    }
}

/// On what ground a purpose is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The reporter's explicit consent (or its refusal, when `granted` is false).
    Consent,
    /// The reporter asked a state body to act and the regulation binds it to (Art. 3, 7): the
    /// processing of a report whose submission did not carry an explicit consent.
    PublicTask,
    /// An emergency (Art. 8.6: disasters, fires, accidents, crimes): life, health and safety come
    /// before consent.
    Emergency,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Consent => "consent",
            Basis::PublicTask => "public_task",
            Basis::Emergency => "emergency",
        }
    }

    pub fn parse(s: &str) -> Option<Basis> {
        [Basis::Consent, Basis::PublicTask, Basis::Emergency]
            .into_iter()
            .find(|b| b.as_str() == s)
    }
}

/// What a data subject asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A copy of everything held about them, machine-readable.
    Copy,
    /// Correct their identity as held.
    Correct,
    /// Restrict the processing of their identity: nobody but they and the privacy officer
    /// sees it any more.
    Restrict,
    /// Delete their identity from reports that have ended.
    Delete,
    /// Withdraw a consent (`share_contact` or `public_name`): effective at once.
    Withdraw,
}

impl RequestKind {
    pub const ALL: [RequestKind; 5] = [
        RequestKind::Copy,
        RequestKind::Correct,
        RequestKind::Restrict,
        RequestKind::Delete,
        RequestKind::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Copy => "copy",
            RequestKind::Correct => "correct",
            RequestKind::Restrict => "restrict",
            RequestKind::Delete => "delete",
            RequestKind::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a data subject's request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the privacy officer.
    Open,
    /// Carried out (a withdrawal is carried out as it arrives).
    Done,
    /// Refused, with the reason in the answer.
    Refused,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Done => "done",
            RequestStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<RequestStatus> {
        [
            RequestStatus::Open,
            RequestStatus::Done,
            RequestStatus::Refused,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Whether a report's work is over, so its reporter's identity may go: published, refused,
/// forwarded for follow-up (Art. 7.4), or an emergency handled (Art. 8.6).
pub fn report_ended(status: crate::domain::report::ReportStatus) -> bool {
    use crate::domain::report::ReportStatus::*;
    matches!(status, Published | Rejected | Forwarded | EmergencyHandled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
            assert!(!p.wording().is_empty());
        }
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(k));
        }
        for b in [Basis::Consent, Basis::PublicTask, Basis::Emergency] {
            assert_eq!(Basis::parse(b.as_str()), Some(b));
        }
        assert!(Purpose::ShareContact.withdrawable() && !Purpose::Processing.withdrawable());
    }
}
