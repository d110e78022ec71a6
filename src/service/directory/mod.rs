//! The directory: agencies with their focal points (Art. 15.1), administrative units with the
//! dates they are valid, and categories (lĩnh vực) with an optional default agency.
//!
//! One file each: `agencies`, `admin_units`, `categories`; the errors they share are here.

mod admin_units;
mod agencies;
mod categories;

pub use admin_units::*;
pub use agencies::*;
pub use categories::*;

use crate::error::{AppError, FieldError};

fn agency_not_found() -> AppError {
    AppError::not_found("cơ quan", "Agency")
}

fn code_taken() -> AppError {
    let mut e = AppError::conflict(
        "code_taken",
        "Mã đã được sử dụng.",
        "The code is already in use.",
    );
    e.errors = vec![FieldError::of(
        "code",
        "taken",
        "Đã được sử dụng.",
        "Already in use.",
    )];
    e
}
