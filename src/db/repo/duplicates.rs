//! Duplicate reports: the links the IOC makes (child → parent) and the candidates a report is
//! compared with.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{DuplicateRow, ReportRow};
use crate::db::repo::reports::{Place, place_condition};
use crate::db::schema::*;

pub fn link(conn: &mut DbConn, row: &DuplicateRow) -> QueryResult<()> {
    diesel::insert_into(report_duplicates::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Removes a link; whether there was one.
pub fn unlink(conn: &mut DbConn, child_id: &str) -> QueryResult<bool> {
    diesel::delete(report_duplicates::table.find(child_id))
        .execute(conn)
        .map(|n| n == 1)
}

/// The link of a child, if it is one.
pub fn parent_of(conn: &mut DbConn, child_id: &str) -> QueryResult<Option<DuplicateRow>> {
    report_duplicates::table
        .find(child_id)
        .select(DuplicateRow::as_select())
        .first(conn)
        .optional()
}

/// The children of a report, oldest link first.
pub fn children_of(conn: &mut DbConn, parent_id: &str) -> QueryResult<Vec<DuplicateRow>> {
    report_duplicates::table
        .filter(report_duplicates::parent_id.eq(parent_id))
        .order((report_duplicates::linked_at, report_duplicates::child_id))
        .select(DuplicateRow::as_select())
        .load(conn)
}

/// Which of these reports are children.
pub fn children_among(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<String>> {
    report_duplicates::table
        .filter(report_duplicates::child_id.eq_any(ids))
        .select(report_duplicates::child_id)
        .load(conn)
}

/// What a report is compared with.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The report itself (left out), when it exists.
    pub id: Option<String>,
    pub categories: Vec<String>,
    /// Near its place, or in its administrative unit when it has none.
    pub place: Option<Place>,
    pub admin_unit: String,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// Only reports the public may read.
    pub public_only: bool,
}

/// The most candidates compared.
pub const MAX_CANDIDATES: i64 = 200;

/// Reports that could be the same as the probe: in its categories, near it (or in its unit),
/// in its time window, not refused, not themselves children; the newest first.
pub fn candidates(conn: &mut DbConn, p: &Probe) -> QueryResult<Vec<ReportRow>> {
    use crate::domain::report::ReportStatus;
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let mut q = reports::table
        .select(ReportRow::as_select())
        .filter(reports::category_code.eq_any(p.categories.clone()))
        .filter(reports::submitted_at.between(p.from, p.to))
        .filter(reports::status.ne(ReportStatus::Rejected.as_str()))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            report_duplicates::table.filter(report_duplicates::child_id.eq(reports::id)),
        )))
        .into_boxed();
    if let Some(id) = &p.id {
        q = q.filter(reports::id.ne(id.clone()));
    }
    q = match &p.place {
        Some(place) => q.filter(place_condition(sqlite, place)),
        None => q.filter(reports::admin_unit_code.eq(p.admin_unit.clone())),
    };
    if p.public_only {
        q = q
            .filter(reports::status.eq(ReportStatus::Published.as_str()))
            .filter(reports::confidential.eq(false))
            .filter(reports::state_secret.eq(false));
    }
    q.order((reports::submitted_at.desc(), reports::id.desc()))
        .limit(MAX_CANDIDATES)
        .load(conn)
}

/// The categories routed to the same agency as `code` (its own included): the related fields.
pub fn related_categories(conn: &mut DbConn, code: &str) -> QueryResult<Vec<String>> {
    let agency: Option<Option<String>> = categories::table
        .find(code)
        .select(categories::default_agency_id)
        .first(conn)
        .optional()?;
    let mut out = vec![code.to_string()];
    if let Some(Some(a)) = agency {
        out.extend(
            categories::table
                .filter(categories::default_agency_id.eq(a))
                .filter(categories::code.ne(code))
                .select(categories::code)
                .load::<String>(conn)?,
        );
    }
    Ok(out)
}
