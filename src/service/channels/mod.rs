//! The channels the IOC reads (Art. 6.1, 7.2): the e-mail that reaches the province's mailbox
//! (`mail`) and the calls of the 1022 switchboard (`calls`). What arrives is kept as it came;
//! an operator claims an item of a queue and turns it into a report, or answers it otherwise.

pub mod calls;
pub mod mail;

use crate::error::AppError;

/// A message and a call as the queues hold them (without their bytes).
pub use crate::db::models::{CallMeta, MailMeta};

/// Whose an item of a queue is.
pub(crate) enum Claim {
    Free,
    Mine,
    Theirs,
}

pub(crate) fn claim_of(claimed_by: Option<&str>, me: &str) -> Claim {
    match claimed_by {
        None => Claim::Free,
        Some(u) if u == me => Claim::Mine,
        Some(_) => Claim::Theirs,
    }
}

pub(crate) fn already_claimed() -> AppError {
    AppError::conflict(
        "already_claimed",
        "Một nhân sự tiếp nhận khác đang xử lý mục này.",
        "Another operator is handling this item.",
    )
}
