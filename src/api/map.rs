//! The maps: `GET /api/v1/public/reports.geojson` (published reports, public fields),
//! `GET /api/v1/reports.geojson` (the IOC's map: state, step, overdue, agency; scoped by role)
//! and `GET /api/v1/statistics/map` (counts per grid cell for the province at a glance).

use actix_web::web::{Data, block};
use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::ValidQuery;
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::domain::report::{Channel, ReportStatus};
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::records::ReportFilter;
use crate::service::reports::map::{self, CellMap, StaffPoint};
use crate::service::reports::queries::Sort;
use crate::service::reports::search;

const GEOJSON: &str = "application/geo+json";

/// A point: `[longitude, latitude]` (GeoJSON order).
#[derive(Debug, Serialize, ToSchema)]
pub struct PointGeometry {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `[longitude, latitude]` in decimal degrees (WGS 84).
    #[schema(min_items = 2, max_items = 2)]
    pub coordinates: [f64; 2],
}

impl PointGeometry {
    fn at(lat: Option<f64>, lng: Option<f64>) -> Self {
        Self {
            kind: "Point".into(),
            coordinates: [lng.unwrap_or_default(), lat.unwrap_or_default()],
        }
    }
}

/// What anyone may read of a published report on the map.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPointProps {
    /// Tracking code (`/api/v1/public/reports/{code}` has the rest).
    pub code: String,
    /// Title.
    pub title: String,
    /// Category.
    pub category_code: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// The place as written.
    pub address: String,
    /// When the result was published.
    pub published_at: Option<DateTime<Utc>>,
}

/// A published report on the map.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The tracking code.
    pub id: String,
    /// Where.
    pub geometry: PointGeometry,
    /// What.
    pub properties: PublicPointProps,
}

/// Published reports as GeoJSON (RFC 7946), a page at a time.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The reports.
    pub features: Vec<PublicFeature>,
    /// The next page: pass it as `cursor`. Absent on the last page.
    pub next_cursor: Option<String>,
}

/// A report on the IOC's map.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffPointProps {
    /// Report id.
    pub id: String,
    /// Tracking code.
    pub code: String,
    /// Title.
    pub title: String,
    /// The state.
    pub status: ReportStatus,
    /// Category.
    pub category_code: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// Channel.
    pub channel: Channel,
    /// An emergency (Art. 8.6).
    pub emergency: bool,
    /// The running step due first (Annex II), if any.
    pub step: Option<String>,
    /// Its deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// Whether that deadline has passed.
    pub overdue: bool,
    /// The agency at work on that step (the lead agency otherwise).
    pub agency_id: Option<String>,
    /// Its name.
    pub agency_name: Option<String>,
}

/// A report on the IOC's map.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The report id.
    pub id: String,
    /// Where.
    pub geometry: PointGeometry,
    /// What, and where it stands.
    pub properties: StaffPointProps,
}

/// Reports the caller may see, as GeoJSON (RFC 7946), a page at a time.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The reports.
    pub features: Vec<StaffFeature>,
    /// The next page: pass it as `cursor`. Absent on the last page.
    pub next_cursor: Option<String>,
}

impl From<StaffPoint> for StaffFeature {
    fn from(p: StaffPoint) -> Self {
        let r = p.report;
        Self {
            kind: "Feature".into(),
            id: r.id.clone(),
            geometry: PointGeometry::at(r.latitude, r.longitude),
            properties: StaffPointProps {
                id: r.id,
                code: r.code,
                title: r.title,
                status: r.status,
                category_code: r.category_code,
                admin_unit_code: r.admin_unit_code,
                channel: r.channel,
                emergency: r.emergency,
                step: p.step,
                due_at: p.due_at.map(utc),
                overdue: p.overdue,
                agency_id: p.agency_id,
                agency_name: p.agency_name,
            },
        }
    }
}

/// Where and what a map shows.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// Only reports inside this box: `west,south,east,north` in decimal degrees.
    #[validate(length(max = 100))]
    #[param(max_length = 100, example = "105.90,9.55,106.05,9.65")]
    pub bbox: Option<String>,
    /// Only reports near this point: `latitude,longitude` in decimal degrees (with `within`).
    #[validate(length(max = 60))]
    #[param(max_length = 60, example = "9.6025,105.9739")]
    pub near: Option<String>,
    /// How far from `near`, in metres (default 500, at most 50,000).
    #[param(minimum = 1, maximum = 50000)]
    pub within: Option<f64>,
    /// Search (see the README, "Search").
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Administrative unit code.
    pub admin_unit: Option<String>,
    /// Staff map only: states, comma-separated.
    #[serde(default, deserialize_with = "crate::api::extract::de::comma_list")]
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub status: Vec<ReportStatus>,
    /// Staff map only: reports assigned to this agency.
    pub agency: Option<String>,
    /// Staff map only: only reports with a running step past its deadline (`true`), or none.
    pub overdue: Option<bool>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Features per page, 1–1000 (default 500).
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

impl MapQuery {
    fn filter(&self, now: DateTime<Utc>) -> AppResult<ReportFilter> {
        Ok(ReportFilter {
            statuses: self.status.iter().map(|s| s.as_str().to_string()).collect(),
            category: self.category.clone(),
            admin_unit: self.admin_unit.clone(),
            agency: self.agency.clone(),
            overdue_at: self.overdue.map(|o| (o, now.naive_utc())),
            text: search::read_query(self.q.as_deref())?,
            place: search::read_place(self.bbox.as_deref(), self.near.as_deref(), self.within)?,
            ..Default::default()
        })
    }
}

fn geojson(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok().content_type(GEOJSON).json(body)
}

/// Published reports with coordinates as GeoJSON points, newest publication first (best match
/// first with `q`); public fields only, never the reporter. The state, agency and overdue
/// filters are the staff map's and are refused here.
#[utoipa::path(tag = "public", operation_id = "publicReportsGeojson", params(MapQuery),
    responses((status = 200, description = "A page of published reports (GeoJSON).", body = PublicFeatureCollection, content_type = "application/geo+json"),
        (status = 400, description = "An invalid parameter.", body = Problem, content_type = "application/problem+json")))]
#[get("/public/reports.geojson")]
pub async fn public_geojson(
    st: Data<AppState>,
    q: ValidQuery<MapQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let staff_only = [
        ("status", !q.status.is_empty()),
        ("agency", q.agency.is_some()),
        ("overdue", q.overdue.is_some()),
    ];
    if let Some((field, _)) = staff_only.iter().find(|(_, given)| *given) {
        return Err(crate::error::AppError::invalid_query(
            field,
            "Bản đồ công khai chỉ lọc theo vị trí, từ khóa, lĩnh vực và địa bàn.",
            "The public map filters by place, search, category and area only.",
        ));
    }
    let filter = q.filter(st.clock.now())?;
    let (cursor, limit) = (q.cursor, q.limit.unwrap_or(500));
    let (rows, next) =
        block(move || map::public_points(&st, filter, true, cursor.as_deref(), limit)).await??;
    Ok(geojson(&PublicFeatureCollection {
        kind: "FeatureCollection".into(),
        features: rows
            .into_iter()
            .map(|r| PublicFeature {
                kind: "Feature".into(),
                id: r.code.clone(),
                geometry: PointGeometry::at(r.latitude, r.longitude),
                properties: PublicPointProps {
                    code: r.code,
                    title: r.title,
                    category_code: r.category_code,
                    admin_unit_code: r.admin_unit_code,
                    address: r.address,
                    published_at: r.published_at.map(utc),
                },
            })
            .collect(),
        next_cursor: next,
    }))
}

/// The IOC's map: the reports the caller may see (scoped like the lists) with coordinates, as
/// GeoJSON points with their state, running step, deadline, overdue flag and agency; newest
/// first (best match first with `q`).
#[utoipa::path(tag = "reports", operation_id = "reportsGeojson", security(("bearer" = [])), params(MapQuery),
    responses((status = 200, description = "A page of reports (GeoJSON).", body = StaffFeatureCollection, content_type = "application/geo+json"),
        (status = 400, description = "An invalid parameter.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports.geojson")]
pub async fn staff_geojson(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<MapQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let filter = q.filter(st.clock.now())?;
    let sort = if filter.text.is_some() {
        Sort::Relevance
    } else {
        Sort::Newest
    };
    let (cursor, limit) = (q.cursor, q.limit.unwrap_or(500));
    let (points, next) =
        block(move || map::staff_points(&st, &who, filter, sort, cursor.as_deref(), limit))
            .await??;
    Ok(geojson(&StaffFeatureCollection {
        kind: "FeatureCollection".into(),
        features: points.into_iter().map(Into::into).collect(),
        next_cursor: next,
    }))
}

/// A box and a zoom.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CellQuery {
    /// The map's box: `west,south,east,north` in decimal degrees.
    #[validate(length(max = 100))]
    #[param(max_length = 100, example = "105.5,9.2,106.4,10.1")]
    pub bbox: String,
    /// The map's zoom, 0–20 (a cell is `360 / 2^(zoom+2)` degrees; above 16, about 150 m).
    #[validate(range(max = 20))]
    #[param(minimum = 0, maximum = 20)]
    pub zoom: u8,
}

/// One cell of the map.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellView {
    /// Column of the cell at this zoom, from longitude -180.
    pub cx: i64,
    /// Row of the cell at this zoom, from latitude -90.
    pub cy: i64,
    /// `[west, south, east, north]`.
    #[schema(min_items = 4, max_items = 4)]
    pub bbox: [f64; 4],
    /// Reports placed in it (a merged duplicate counts once, as its parent).
    pub reports: i64,
    /// Of them, with a running step.
    pub open: i64,
    /// Of those, with a step past its deadline.
    pub overdue: i64,
}

/// Counts per grid cell.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellMapView {
    /// The zoom asked for.
    pub zoom: u8,
    /// The side of a cell, in degrees.
    pub cell_degrees: f64,
    /// When `open` and `overdue` were counted.
    pub at: DateTime<Utc>,
    /// The cells with reports, row by row from the south-west.
    pub cells: Vec<CellView>,
}

impl From<CellMap> for CellMapView {
    fn from(m: CellMap) -> Self {
        Self {
            zoom: m.zoom,
            cell_degrees: m.cell_degrees,
            at: m.at,
            cells: m
                .cells
                .into_iter()
                .map(|c| CellView {
                    cx: c.cx,
                    cy: c.cy,
                    bbox: c.bbox,
                    reports: c.reports,
                    open: c.open,
                    overdue: c.overdue,
                })
                .collect(),
        }
    }
}

/// The province at a glance for the IOC, the province and admins: how many reports lie in each
/// grid cell of the box at the zoom, how many of them are running and overdue. Reports without
/// coordinates are in the statistics by area, not on the map.
#[utoipa::path(tag = "statistics", operation_id = "statisticsMap", security(("bearer" = [])), params(CellQuery),
    responses((status = 200, description = "The cells with reports.", body = CellMapView),
        (status = 400, description = "An invalid box, or too many cells at this zoom (at most 16,384).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the IOC, the province or an admin.", body = Problem, content_type = "application/problem+json")))]
#[get("/statistics/map")]
pub async fn cells(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<CellQuery>,
) -> AppResult<actix_web::web::Json<CellMapView>> {
    let q = q.into_inner();
    let bbox = search::read_bbox("bbox", &q.bbox)?.bbox();
    let zoom = q.zoom;
    let m = block(move || map::cells(&st, &who, bbox, zoom)).await??;
    Ok(actix_web::web::Json(m.into()))
}
