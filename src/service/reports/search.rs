//! What a list's `q`, `bbox`, `near` and `within` say, read into the filters of the lists (the
//! query language is described in `domain::search`).

use chrono::NaiveDateTime;

use crate::db::models::ReportRow;
use crate::db::repo::reports::Place;
use crate::db::{DbConn, repo, write_tx};
use crate::domain::search::{Query, QueryError};
use crate::error::{AppError, AppResult, FieldError};

/// The farthest a `near` search reaches (metres).
pub const MAX_WITHIN: f64 = 50_000.0;
/// How far `near` reaches without `within` (metres).
pub const DEFAULT_WITHIN: f64 = 500.0;

fn bad(field: &str, code: &'static str, vi: &'static str, en: &'static str) -> AppError {
    AppError::bad_parameter("invalid_query", vec![FieldError::of(field, code, vi, en)])
}

/// A search text, read (`None` when empty).
pub fn read_query(q: Option<&str>) -> AppResult<Option<Query>> {
    let Some(q) = q.filter(|q| !q.trim().is_empty()) else {
        return Ok(None);
    };
    Query::parse(q).map(Some).map_err(|e| match e {
        QueryError::NoWord => bad(
            "q",
            "search_no_word",
            "Từ khóa tìm kiếm cần ít nhất một từ (chữ hoặc số) không bị loại trừ.",
            "The search needs at least one word (letters or digits) that is not excluded.",
        ),
        QueryError::TooManyTerms => bad(
            "q",
            "search_too_many_terms",
            "Từ khóa tìm kiếm có quá nhiều từ (tối đa 16).",
            "The search has too many terms (at most 16).",
        ),
        QueryError::ShortPrefix => bad(
            "q",
            "search_short_prefix",
            "Tìm theo tiền tố (dấu *) cần ít nhất 2 ký tự trước dấu *.",
            "A prefix search (*) needs at least 2 characters before the star.",
        ),
    })
}

fn numbers(s: &str, n: usize) -> Option<Vec<f64>> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()?;
    (v.len() == n).then_some(v)
}

fn lat_ok(x: f64) -> bool {
    (-90.0..=90.0).contains(&x)
}

fn lng_ok(x: f64) -> bool {
    (-180.0..=180.0).contains(&x)
}

/// A box (`west,south,east,north`, degrees, as GeoJSON and Open311 write it).
pub fn read_bbox(field: &str, s: &str) -> AppResult<Place> {
    let bad_box = || {
        bad(
            field,
            "invalid_bbox",
            "Khung tọa độ phải có dạng 'tây,nam,đông,bắc' (độ thập phân), tây < đông, nam < bắc.",
            "A box is 'west,south,east,north' in decimal degrees, west < east, south < north.",
        )
    };
    let v = numbers(s, 4).ok_or_else(bad_box)?;
    let (west, south, east, north) = (v[0], v[1], v[2], v[3]);
    if !(lng_ok(west) && lng_ok(east) && lat_ok(south) && lat_ok(north))
        || west >= east
        || south >= north
    {
        return Err(bad_box());
    }
    Ok(Place::Bbox {
        west,
        south,
        east,
        north,
    })
}

/// Where a list looks: a box, or a point and a distance (`within` only with `near`).
pub fn read_place(
    bbox: Option<&str>,
    near: Option<&str>,
    within: Option<f64>,
) -> AppResult<Option<Place>> {
    match (bbox, near) {
        (Some(_), Some(_)) => Err(bad(
            "near",
            "place_twice",
            "Chỉ dùng một trong hai: 'bbox' hoặc 'near'.",
            "Use either 'bbox' or 'near', not both.",
        )),
        (Some(b), None) => {
            if within.is_some() {
                return Err(within_alone());
            }
            read_bbox("bbox", b).map(Some)
        }
        (None, Some(n)) => {
            let v = numbers(n, 2)
                .filter(|v| lat_ok(v[0]) && lng_ok(v[1]))
                .ok_or_else(|| {
                    bad(
                        "near",
                        "invalid_near",
                        "Điểm phải có dạng 'vĩ độ,kinh độ' (độ thập phân).",
                        "A point is 'latitude,longitude' in decimal degrees.",
                    )
                })?;
            let metres = within.unwrap_or(DEFAULT_WITHIN);
            if !(metres.is_finite() && (1.0..=MAX_WITHIN).contains(&metres)) {
                return Err(bad(
                    "within",
                    "invalid_within",
                    "Bán kính phải từ 1 đến 50.000 m.",
                    "The distance must be 1 to 50,000 m.",
                ));
            }
            Ok(Some(Place::Near {
                lat: v[0],
                lng: v[1],
                metres,
            }))
        }
        (None, None) => {
            if within.is_some() {
                return Err(within_alone());
            }
            Ok(None)
        }
    }
}

fn within_alone() -> AppError {
    bad(
        "within",
        "within_without_near",
        "'within' chỉ dùng cùng 'near'.",
        "'within' goes with 'near'.",
    )
}

/// Rewrites the indexed texts of every report once per database, when their form changes
/// (every report since gets its texts in the transaction that writes it). Returns how many it
/// wrote.
pub fn ensure_search_texts(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    const STEP: &str = "search-text-v2";
    if crate::db::seed::has_run(conn, STEP)? {
        return Ok(0);
    }
    let n = rewrite_search_texts(conn)?;
    write_tx(conn, |c| crate::db::seed::record_run(c, STEP, now))?;
    Ok(n)
}

/// Writes the indexed texts of every report, in batches, each in its own transaction. Returns
/// how many it wrote.
pub fn rewrite_search_texts(conn: &mut DbConn) -> AppResult<usize> {
    let mut written = 0;
    let mut after = String::new();
    loop {
        let n = write_tx(conn, |c| -> AppResult<usize> {
            let rows = repo::reports::reports_after(c, &after, 1000)?;
            for r in &rows {
                let texts = search_texts_of(c, r)?;
                repo::reports::set_search_texts(c, &r.id, &texts)?;
            }
            if let Some(last) = rows.last() {
                after = last.id.clone();
            }
            Ok(rows.len())
        })?;
        written += n;
        if n < 1000 {
            return Ok(written);
        }
    }
}

/// The indexed texts of a report as it stands (read with its lead agency's answer).
pub(crate) fn search_texts_of(
    c: &mut DbConn,
    r: &ReportRow,
) -> AppResult<crate::db::models::SearchTexts> {
    let parts = repo::reports::assignments_of(c, &r.id)?;
    Ok(r.search_texts(crate::db::models::lead_answer(&parts)))
}
