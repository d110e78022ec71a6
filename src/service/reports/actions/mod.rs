//! The IOC's actions on a report (Art. 7, 9), the province's designation (Art. 3.8), the
//! reporter's feedback and rating (Art. 10), and emergencies (Art. 8.6).
//!
//! One file per part: `verification` (accept, correct, flag, ask for more, reject, forward),
//! `dispatch` (to agencies, escalation, the province's designation), `publication`,
//! `feedback` (feedback, clarification, rating), `emergency` and `referral` (to the province,
//! Art. 3.7).

mod dispatch;
mod emergency;
mod feedback;
mod publication;
mod referral;
mod verification;

pub use dispatch::*;
pub use emergency::*;
pub use feedback::*;
pub use publication::*;
pub use referral::*;
pub use verification::*;

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// A note for the history.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Why, for the history (internal: never public).
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}
