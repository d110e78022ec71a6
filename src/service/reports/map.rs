//! The maps: reports as points (public and staff), and the province at a glance as counts per
//! grid cell.
//!
//! Cells: at map zoom `z` a cell is `360 / 2^(z+2)` degrees square (a map tile of 256 pixels
//! holds 4 × 4 of them). The database keeps the count of reports per cell at the levels 6, 8,
//! …, 16 (migration 000026); a zoom reads the level at or just below its own and adds the cells
//! up (zooms above 16 get level-16 cells, about 150 m). A merged duplicate counts once, as its
//! parent. `open` and `overdue` are read live from the reports with a running step.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::queries::{Sort, list, public_list};
use crate::db::models::ReportRow;
use crate::db::repo::reports::ReportFilter;
use crate::db::{DbConn, repo};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

/// A report on the IOC's map.
#[derive(Debug, Clone)]
pub struct StaffPoint {
    pub report: ReportRow,
    /// The running step that is due first.
    pub step: Option<String>,
    pub due_at: Option<NaiveDateTime>,
    pub overdue: bool,
    /// The agency at work on that step (the lead agency otherwise).
    pub agency_id: Option<String>,
    pub agency_name: Option<String>,
}

/// Reports with coordinates the caller may see, as points, with their running step.
pub fn staff_points(
    st: &Context,
    who: &Principal,
    filter: ReportFilter,
    sort: Sort,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<StaffPoint>, Option<String>)> {
    let now = st.clock.now().naive_utc();
    let filter = ReportFilter {
        placed_only: true,
        ..filter
    };
    let (rows, next) = list(st, who, filter, sort, cursor, limit)?;
    let mut conn = st.pool.get()?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut running: HashMap<String, crate::db::models::ClockRow> = HashMap::new();
    for c in repo::reports::clocks_of_many(&mut conn, &ids)? {
        if c.done_at.is_some() || c.cancelled_at.is_some() {
            continue;
        }
        let first = running
            .get(&c.report_id)
            .is_none_or(|x| c.due_at < x.due_at);
        if first {
            running.insert(c.report_id.clone(), c);
        }
    }
    let mut names: HashMap<String, Option<String>> = HashMap::new();
    let mut points = Vec::with_capacity(rows.len());
    for r in rows {
        let clock = running.remove(&r.id);
        let agency_id = clock
            .as_ref()
            .and_then(|c| c.agency_id.clone())
            .or_else(|| r.lead_agency_id.clone());
        let agency_name = match &agency_id {
            Some(a) => agency_name(&mut conn, &mut names, a)?,
            None => None,
        };
        points.push(StaffPoint {
            step: clock.as_ref().map(|c| c.step.clone()),
            due_at: clock.as_ref().map(|c| c.due_at),
            overdue: clock.as_ref().is_some_and(|c| c.due_at < now),
            agency_id,
            agency_name,
            report: r,
        });
    }
    Ok((points, next))
}

fn agency_name(
    conn: &mut DbConn,
    names: &mut HashMap<String, Option<String>>,
    id: &str,
) -> AppResult<Option<String>> {
    if let Some(n) = names.get(id) {
        return Ok(n.clone());
    }
    let n = repo::agencies::find(conn, id)?.map(|a| a.name);
    names.insert(id.to_string(), n.clone());
    Ok(n)
}

/// Published reports with coordinates, as the public list gives them.
pub fn public_points(
    st: &Context,
    filter: ReportFilter,
    by_relevance: bool,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<ReportRow>, Option<String>)> {
    let filter = ReportFilter {
        placed_only: true,
        ..filter
    };
    public_list(st, filter, by_relevance, cursor, limit)
}

/// One cell of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Column and row of the cell at the answer's zoom, from (-180, -90).
    pub cx: i64,
    pub cy: i64,
    /// West, south, east, north.
    pub bbox: [f64; 4],
    /// Reports placed in it (a merged duplicate counts once, as its parent).
    pub reports: i64,
    /// Of them, with a running step.
    pub open: i64,
    /// Of those, with a step past its deadline.
    pub overdue: i64,
}

/// The cells of a box at a zoom.
#[derive(Debug, Clone)]
pub struct CellMap {
    pub zoom: u8,
    /// The size of a cell in degrees.
    pub cell_degrees: f64,
    pub cells: Vec<Cell>,
    pub at: DateTime<Utc>,
}

/// The most cells one answer holds; a finer request is refused (zoom out or narrow the box).
pub const MAX_CELLS: i64 = 16_384;
/// The levels the database keeps.
const LEVELS: [u8; 6] = [6, 8, 10, 12, 14, 16];

/// Cells per degree at a level.
fn per_degree(level: u8) -> f64 {
    f64::from(1u32 << (u32::from(level) + 2)) / 360.0
}

fn cell_of(x: f64, shift: f64, per: f64) -> i64 {
    ((x + shift) * per).floor() as i64
}

/// Counts per cell inside a box (west, south, east, north) at a map zoom (0–20), for the IOC,
/// the province and admins (the whole province's picture).
pub fn cells(
    st: &Context,
    who: &Principal,
    bbox: (f64, f64, f64, f64),
    zoom: u8,
) -> AppResult<CellMap> {
    if !matches!(who.role, Role::Operator | Role::Province | Role::Admin) {
        return Err(AppError::forbidden());
    }
    let now = st.clock.now();
    let (west, south, east, north) = bbox;
    let display = zoom.min(16);
    let per = per_degree(display);
    let (x0, x1) = (cell_of(west, 180.0, per), cell_of(east, 180.0, per));
    let (y0, y1) = (cell_of(south, 90.0, per), cell_of(north, 90.0, per));
    if (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS {
        return Err(AppError::invalid_query(
            "bbox",
            "Khung quá lớn so với mức thu phóng: hãy thu nhỏ bản đồ hoặc chọn khung nhỏ hơn.",
            "The box holds too many cells at this zoom: zoom out or narrow the box.",
        ));
    }
    let level = LEVELS.iter().copied().find(|l| *l >= display).unwrap_or(16);
    let shift = u32::from(level - display);
    let mut conn = st.read_conn()?;
    let stored = repo::places::cells_in(
        &mut conn,
        i32::from(level),
        (
            i32::try_from(x0 << shift).unwrap_or(i32::MAX),
            i32::try_from(((x1 + 1) << shift) - 1).unwrap_or(i32::MAX),
        ),
        (
            i32::try_from(y0 << shift).unwrap_or(i32::MAX),
            i32::try_from(((y1 + 1) << shift) - 1).unwrap_or(i32::MAX),
        ),
    )?;
    let mut by_cell: HashMap<(i64, i64), Cell> = HashMap::new();
    let size = 1.0 / per;
    for (cx, cy, n) in stored {
        cell_at(
            &mut by_cell,
            size,
            i64::from(cx) >> shift,
            i64::from(cy) >> shift,
        )
        .reports += n;
    }
    let box_of_cells = (
        x0 as f64 * size - 180.0,
        y0 as f64 * size - 90.0,
        (x1 + 1) as f64 * size - 180.0,
        (y1 + 1) as f64 * size - 90.0,
    );
    let nowv = now.naive_utc();
    for (lat, lng, due) in repo::places::running_in(&mut conn, box_of_cells)? {
        let c = cell_at(
            &mut by_cell,
            size,
            cell_of(lng, 180.0, per),
            cell_of(lat, 90.0, per),
        );
        c.open += 1;
        if due < nowv {
            c.overdue += 1;
        }
    }
    let mut cells: Vec<Cell> = by_cell.into_values().collect();
    cells.sort_by_key(|c| (c.cy, c.cx));
    Ok(CellMap {
        zoom,
        cell_degrees: size,
        cells,
        at: now,
    })
}

fn cell_at(by_cell: &mut HashMap<(i64, i64), Cell>, size: f64, cx: i64, cy: i64) -> &mut Cell {
    by_cell.entry((cx, cy)).or_insert_with(|| Cell {
        cx,
        cy,
        bbox: [
            cx as f64 * size - 180.0,
            cy as f64 * size - 90.0,
            (cx + 1) as f64 * size - 180.0,
            (cy + 1) as f64 * size - 90.0,
        ],
        reports: 0,
        open: 0,
        overdue: 0,
    })
}
