//! A report (phản ánh) and its assignments: states, who moves them, and the rules of intake
//! (Art. 3–10).

use chrono::{DateTime, Datelike, Utc};

use crate::domain::directory::string_enum;

string_enum! {
    /// How a report reached the system (Art. 6.1).
    Channel {
        /// The mobile app "Công dân Sóc Trăng".
        App = "app",
        /// The web portal.
        Portal = "portal",
        /// E-mail, entered by an operator (Art. 7.2).
        Email = "email",
        /// The 1022 hotline, entered by an operator (Art. 7.2).
        Hotline = "hotline",
        /// An Open311 GeoReport v2 client.
        Open311 = "open311",
    }
}

string_enum! {
    /// The state of a report (Art. 7–9).
    ReportStatus {
        /// Sent, waiting for the IOC's verification.
        Submitted = "submitted",
        /// The IOC asked the reporter to supplement it (Art. 7.1).
        NeedsInfo = "needs_info",
        /// Verified by the IOC, waiting for dispatch.
        Accepted = "accepted",
        /// Refused (Art. 3.6, 3.9, 1.1c).
        Rejected = "rejected",
        /// Passed to authorities for monitoring, or a constructive suggestion (Art. 7.4).
        Forwarded = "forwarded",
        /// With a lead agency.
        InProgress = "in_progress",
        /// No lead agency found: the province designates one (Art. 3.8).
        AwaitingDesignation = "awaiting_designation",
        /// The lead's result is approved; the IOC publishes it (Art. 9).
        AwaitingPublication = "awaiting_publication",
        /// The result is published (Art. 9.3).
        Published = "published",
        /// An emergency: the IOC forwarded the call to the competent agency, which handles it on
        /// the ground (Art. 8.6 steps 1–2). The IOC's dispatch step is done.
        EmergencyForwarded = "emergency_forwarded",
        /// An emergency whose handling the agency recorded (Art. 8.6 step 3): its end.
        EmergencyHandled = "emergency_handled",
    }
}

string_enum! {
    /// An agency's part in a report.
    AssignmentRole {
        /// Chủ trì: answers the report.
        Lead = "lead",
        /// Phối hợp: answers the lead.
        Coordinator = "coordinator",
    }
}

string_enum! {
    /// The state of an assignment (Art. 7.3, 8).
    AssignmentStatus {
        /// Given to the agency, not yet taken.
        Pending = "pending",
        /// Taken; the agency is working on it.
        Processing = "processing",
        /// A draft result waits for the agency leader (Art. 8.4).
        PendingApproval = "pending_approval",
        /// The leader approved the result.
        Approved = "approved",
        /// Given back as not the agency's competence.
        Returned = "returned",
        /// The leader (or the IOC, for a result without an answer) sent the draft back.
        ChangesRequested = "changes_requested",
        /// Withdrawn by a re-dispatch.
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// The state of an extension (Art. 8.3): asked for by the agency, then confirmed or refused
    /// by the IOC, once.
    ExtensionStatus {
        /// Asked for, waiting for the IOC.
        Requested = "requested",
        /// Confirmed: the new date applies and the reporter is told.
        Confirmed = "confirmed",
        /// Refused: the original limit stands.
        Refused = "refused",
    }
}

impl AssignmentStatus {
    /// Still part of the work: neither given back nor withdrawn.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            AssignmentStatus::Returned | AssignmentStatus::Cancelled
        )
    }

    /// Its part is over: answered (approved), given back or withdrawn.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Approved | AssignmentStatus::Returned | AssignmentStatus::Cancelled
        )
    }

    /// The agency may still ask for the report's extension (Art. 8.3): while it works on it.
    pub fn may_extend(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Processing
                | AssignmentStatus::ChangesRequested
                | AssignmentStatus::PendingApproval
        )
    }
}

/// What may happen to an assignment (Art. 7.3, 8, 9.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentTransition {
    /// The agency takes it (Art. 8.1).
    Accept,
    /// The agency gives it back as not its competence (Art. 8.1–8.2).
    GiveBack,
    /// Staff submit the draft result to the leader (Art. 8.4).
    SubmitResult,
    /// The leader approves the draft (Art. 8.4).
    Approve,
    /// The leader sends the draft back (Art. 8.4).
    SendBack,
    /// The IOC returns an approved result that has no answer (Art. 9.4).
    ReturnedByIoc,
    /// Withdrawn: a re-dispatch, the lead's return, or the province's designation (Art. 3.7).
    Withdraw,
}

impl AssignmentTransition {
    /// The states the transition leaves from, and the state it reaches.
    pub fn rule(self) -> (&'static [AssignmentStatus], AssignmentStatus) {
        use AssignmentStatus::*;
        match self {
            AssignmentTransition::Accept => (&[Pending], Processing),
            AssignmentTransition::GiveBack => (&[Pending, Processing], Returned),
            AssignmentTransition::SubmitResult => {
                (&[Processing, ChangesRequested], PendingApproval)
            }
            AssignmentTransition::Approve => (&[PendingApproval], Approved),
            AssignmentTransition::SendBack => (&[PendingApproval], ChangesRequested),
            AssignmentTransition::ReturnedByIoc => (&[Approved], ChangesRequested),
            AssignmentTransition::Withdraw => (
                &[
                    Pending,
                    Processing,
                    PendingApproval,
                    ChangesRequested,
                    Approved,
                ],
                Cancelled,
            ),
        }
    }

    /// The state after the transition, if it may leave `from`.
    pub fn apply(self, from: AssignmentStatus) -> Option<AssignmentStatus> {
        let (allowed, to) = self.rule();
        allowed.contains(&from).then_some(to)
    }
}

string_enum! {
    /// Why the IOC refuses a report.
    RejectionReason {
        /// A complaint or denunciation (khiếu nại, tố cáo): Art. 1.1c, 3.9.
        ComplaintOrDenunciation = "complaint_or_denunciation",
        /// Content that breaks the rules (Art. 3.6).
        ImproperContent = "improper_content",
        /// Not a matter of the province's agencies.
        OutOfScope = "out_of_scope",
        /// Already reported.
        Duplicate = "duplicate",
        /// Too little to act on, and not supplemented.
        InsufficientInfo = "insufficient_info",
    }
}

string_enum! {
    /// What a forward for follow-up is (Art. 7.4).
    ForwardKind {
        /// To the competent authorities to investigate or monitor.
        Monitoring = "monitoring",
        /// A constructive suggestion for the agency to review.
        Suggestion = "suggestion",
    }
}

string_enum! {
    /// The reporter's rating of a result (Art. 10.3).
    Rating {
        /// Rất hài lòng.
        VerySatisfied = "very_satisfied",
        /// Hài lòng.
        Satisfied = "satisfied",
        /// Không hài lòng.
        Dissatisfied = "dissatisfied",
    }
}

/// What a role may do to a report's state; `Err` names the rule broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Accept,
    RequestInfo,
    Supplement,
    Reject,
    Forward,
    Dispatch,
    Escalate,
    Designate,
    LeadReturned,
    LeadApproved,
    ResultReturned,
    Publish,
    EmergencyCall,
    EmergencyRecorded,
}

impl Transition {
    /// The states the transition leaves from, and the state it reaches.
    pub fn rule(self) -> (&'static [ReportStatus], ReportStatus) {
        use ReportStatus::*;
        match self {
            Transition::Accept => (&[Submitted], Accepted),
            Transition::RequestInfo => (&[Submitted], NeedsInfo),
            Transition::Supplement => (&[NeedsInfo], Submitted),
            Transition::Reject => (&[Submitted, NeedsInfo, Accepted], Rejected),
            Transition::Forward => (&[Submitted, Accepted], Forwarded),
            Transition::Dispatch => (&[Accepted], InProgress),
            Transition::Escalate => (&[Accepted], AwaitingDesignation),
            Transition::Designate => (&[AwaitingDesignation], InProgress),
            Transition::LeadReturned => (&[InProgress], Accepted),
            Transition::LeadApproved => (&[InProgress], AwaitingPublication),
            Transition::ResultReturned => (&[AwaitingPublication], InProgress),
            Transition::Publish => (&[AwaitingPublication], Published),
            // Art. 8.6: an emergency is forwarded at once, before or after verification.
            Transition::EmergencyCall => (&[Submitted, Accepted], EmergencyForwarded),
            Transition::EmergencyRecorded => (&[EmergencyForwarded], EmergencyHandled),
        }
    }

    /// The state after the transition, if it may leave `from`.
    pub fn apply(self, from: ReportStatus) -> Option<ReportStatus> {
        let (allowed, to) = self.rule();
        allowed.contains(&from).then_some(to)
    }
}

/// A readable tracking code: `PA-2026-000123`.
pub fn tracking_code(year: i32, seq: i64) -> String {
    format!("PA-{year}-{seq:06}")
}

/// The province codes that open a CCCD (the place of birth registration), per Circular
/// 59/2021/TT-BCA.
const CCCD_PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A plausible citizen ID (CCCD): 12 digits; a province code; a gender-and-century digit for
/// 1900–2099; a birth year not in the future.
pub fn plausible_cccd(s: &str, now: DateTime<Utc>) -> bool {
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let province: u16 = s[0..3].parse().unwrap_or(0);
    let century_digit = s.as_bytes()[3] - b'0';
    let yy: i32 = s[4..6].parse().unwrap_or(0);
    let century = match century_digit {
        0 | 1 => 1900,
        2 | 3 => 2000,
        _ => return false,
    };
    CCCD_PROVINCES.contains(&province) && century + yy <= now.year()
}

/// A lowercase letter of Vietnamese with a diacritic: those of Latin-1 and Latin Extended-A,
/// and the block of Latin Extended Additional made for Vietnamese (ạ … ỹ).
fn marked_letter(c: char) -> bool {
    ('\u{1EA0}'..='\u{1EF9}').contains(&c)
        || matches!(
            c,
            'à' | 'á'
                | 'â'
                | 'ã'
                | 'è'
                | 'é'
                | 'ê'
                | 'ì'
                | 'í'
                | 'ò'
                | 'ó'
                | 'ô'
                | 'õ'
                | 'ù'
                | 'ú'
                | 'ý'
                | 'ă'
                | 'đ'
                | 'ĩ'
                | 'ũ'
                | 'ơ'
                | 'ư'
        )
}

/// Whether a text reads as Vietnamese (Art. 4.1): letters with Vietnamese diacritics, or
/// common Vietnamese words written without them.
pub fn looks_vietnamese(text: &str) -> bool {
    let lower = text.to_lowercase();
    let letters = lower.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    let marked = lower.chars().filter(|c| marked_letter(*c)).count();
    if marked * 100 >= letters * 3 {
        return true;
    }
    const WORDS: [&str; 24] = [
        "khong", "duong", "nha", "cua", "va", "bi", "tai", "da", "co", "nguoi", "dan", "xa",
        "phuong", "huyen", "nuoc", "dien", "rac", "cho", "nay", "rat", "lam", "duoc", "trong",
        "ngay",
    ];
    let hits = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| WORDS.contains(w))
        .count();
    hits >= 2
}

/// The province's bounding box: (south, west, north, east) in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoBounds {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl Default for GeoBounds {
    /// Sóc Trăng and, since the 2025 merger, Cần Thơ city around it.
    fn default() -> Self {
        Self {
            south: 9.20,
            west: 105.20,
            north: 10.40,
            east: 106.40,
        }
    }
}

impl GeoBounds {
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        lat.is_finite()
            && lon.is_finite()
            && (self.south..=self.north).contains(&lat)
            && (self.west..=self.east).contains(&lon)
    }

    /// Parses `south,west,north,east`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| "four numbers: south,west,north,east".to_string())?;
        match v.as_slice() {
            [s, w, n, e]
                if s < n
                    && w < e
                    && (-90.0..=90.0).contains(s)
                    && (-90.0..=90.0).contains(n)
                    && (-180.0..=180.0).contains(w)
                    && (-180.0..=180.0).contains(e) =>
            {
                Ok(Self {
                    south: *s,
                    west: *w,
                    north: *n,
                    east: *e,
                })
            }
            _ => {
                Err("four numbers south,west,north,east with south < north and west < east".into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_spec_section_3() {
        use ReportStatus::*;
        assert_eq!(Transition::Accept.apply(Submitted), Some(Accepted));
        assert_eq!(Transition::Accept.apply(Accepted), None);
        assert_eq!(
            Transition::Dispatch.apply(Submitted),
            None,
            "verify before dispatch"
        );
        assert_eq!(Transition::Supplement.apply(NeedsInfo), Some(Submitted));
        assert_eq!(Transition::LeadReturned.apply(InProgress), Some(Accepted));
        assert_eq!(Transition::Publish.apply(InProgress), None);
        assert_eq!(
            Transition::ResultReturned.apply(AwaitingPublication),
            Some(InProgress)
        );
        assert_eq!(Transition::Reject.apply(Published), None);
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn assignment_transitions() {
        use AssignmentStatus::*;
        use AssignmentTransition as T;
        assert_eq!(T::Accept.apply(Pending), Some(Processing));
        assert_eq!(T::Accept.apply(Processing), None);
        assert_eq!(
            T::SubmitResult.apply(ChangesRequested),
            Some(PendingApproval)
        );
        assert_eq!(T::Approve.apply(Processing), None);
        assert_eq!(T::ReturnedByIoc.apply(Approved), Some(ChangesRequested));
        assert_eq!(T::Withdraw.apply(Returned), None);
        for s in AssignmentStatus::ALL {
            assert_eq!(s.is_active(), !matches!(s, Returned | Cancelled));
        }
    }

    #[test]
    fn cccd_structure() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z")
            .unwrap()
            .to_utc();
        assert!(plausible_cccd("094085001234", now), "Sóc Trăng, male, 1985");
        assert!(plausible_cccd("092301012345", now), "Cần Thơ, female, 2001");
        assert!(!plausible_cccd("003085001234", now), "no province 003");
        assert!(
            !plausible_cccd("094485001234", now),
            "century digit 4 is 2100"
        );
        assert!(!plausible_cccd("094299001234", now), "born 2099");
        assert!(!plausible_cccd("09408500123", now));
        assert!(!plausible_cccd("09408500123a", now));
    }

    #[test]
    fn vietnamese_text() {
        let marked = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        for c in (0..0x2000u32).filter_map(char::from_u32) {
            let lower = c.to_lowercase().next() == Some(c);
            if lower {
                assert_eq!(marked_letter(c), marked.contains(c), "{c}");
            }
        }
        assert!(looks_vietnamese("Đường bị ngập sâu sau cơn mưa"));
        assert!(looks_vietnamese("Duong bi ngap sau con mua o phuong 2"));
        assert!(!looks_vietnamese("The road is flooded after the rain"));
        assert!(!looks_vietnamese("12345 !!!"));
    }

    #[test]
    fn bounds() {
        let b = GeoBounds::default();
        assert!(b.contains(9.6, 105.97), "Sóc Trăng city");
        assert!(b.contains(10.03, 105.78), "Cần Thơ");
        assert!(!b.contains(21.03, 105.85), "Hà Nội");
        assert!(!b.contains(f64::NAN, 105.9));
        assert!(GeoBounds::parse("9,105,10,106").is_ok());
        assert!(GeoBounds::parse("10,105,9,106").is_err());
    }

    #[test]
    fn codes() {
        assert_eq!(tracking_code(2026, 123), "PA-2026-000123");
    }
}
