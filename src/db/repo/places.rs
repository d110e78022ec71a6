//! The map: counts of reports per grid cell (kept by the database's triggers, migration 000026),
//! the running reports of an area, and agencies' names for the map's labels.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::*;

/// `(cx, cy, reports)` of the cells of `level` in the columns `cx` and rows `cy` (cells with
/// reports only).
pub fn cells_in(
    conn: &mut DbConn,
    level: i32,
    cx: (i32, i32),
    cy: (i32, i32),
) -> QueryResult<Vec<(i32, i32, i64)>> {
    map_cells::table
        .filter(map_cells::level.eq(level))
        .filter(map_cells::cx.between(cx.0, cx.1))
        .filter(map_cells::cy.between(cy.0, cy.1))
        .filter(map_cells::reports.gt(0))
        .select((map_cells::cx, map_cells::cy, map_cells::reports))
        .load(conn)
}

/// `(latitude, longitude, next deadline)` of the reports with a running step inside a box
/// (west, south, east, north), not merged into another.
pub fn running_in(
    conn: &mut DbConn,
    (west, south, east, north): (f64, f64, f64, f64),
) -> QueryResult<Vec<(f64, f64, NaiveDateTime)>> {
    let rows: Vec<(Option<f64>, Option<f64>, Option<NaiveDateTime>)> = reports::table
        // A range (not `IS NOT NULL`), so that SQLite reads the few running reports through
        // their index instead of every report.
        .filter(reports::next_due_at.gt(chrono::DateTime::UNIX_EPOCH.naive_utc()))
        .filter(reports::latitude.between(south, north))
        .filter(reports::longitude.between(west, east))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            report_duplicates::table.filter(report_duplicates::child_id.eq(reports::id)),
        )))
        .select((reports::latitude, reports::longitude, reports::next_due_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, b, c)| Some((a?, b?, c?)))
        .collect())
}
