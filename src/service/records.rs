//! The records the use cases hand to the HTTP layer, and the filters it passes in: the HTTP
//! layer names them from here, never from the database layer.

pub use crate::db::models::{
    AdminUnitRow, AgencyRow, AssignmentRow, AttachmentMeta, CategoryRow, ClockRow, DuplicateRow,
    EmergencyRow, EventRow, ExtensionRow, FeedbackRow, OutboxRow, PeriodicReportRow, RatingRow,
    ReferralRow, ReportRow, ReporterRow, UserRow, WebhookRow,
};
pub use crate::db::repo::admin_units::UnitFilter;
pub use crate::db::repo::agencies::AgencyFilter;
pub use crate::db::repo::reports::{InboxFilter, ReportFilter};
pub use crate::db::repo::users::UserFilter;
