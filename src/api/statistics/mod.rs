//! `/api/v1/statistics/*`, `/api/v1/reports-periodic` and `/api/v1/public/statistics`: the IOC
//! dashboard, the periodic reports of Decree 09/2019 Art. 12, CSV exports, the public subset.
//! The metric definitions are in `service::statistics` and the README.
//!
//! This file: the dashboard figures; `periodic`: Decree 09 periods and issued snapshots;
//! `exports`: CSV and XLSX tables and the streamed report list.

pub mod exports;
pub mod periodic;

use actix_web::web::{Data, Json, block};
use actix_web::{HttpResponse, get};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidQuery, de};
use crate::api::state::AppState;
use crate::domain::report::Channel;
use crate::error::AppResult;
use crate::service::auth::Principal;
use crate::service::statistics::{
    self as svc, AgencyStats, Bucket, Point, PublicStats, StatsQuery, Summary,
};

use exports::{opt, summary_rows, table_response};

/// A period and filters.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First local date (default: 29 days before `to`).
    #[serde(default, deserialize_with = "de::opt_date")]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local date, included (default: today).
    #[serde(default, deserialize_with = "de::opt_date")]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Only reports led by this agency.
    pub agency: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this administrative unit.
    pub area: Option<String>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// `json` (default), `csv` or `xlsx` (Vietnamese headers).
    pub format: Option<Format>,
    /// Series only: `day`, `week` or `month` (default `day`).
    pub bucket: Option<SeriesBucket>,
}

impl StatsParams {
    fn query(&self, st: &AppState) -> StatsQuery {
        let today = crate::domain::calendar::local_date(st.clock.now());
        let to = self.to.unwrap_or(today);
        StatsQuery {
            from: self.from.unwrap_or(to - Duration::days(29)),
            to,
            agency: self.agency.clone(),
            category: self.category.clone(),
            area: self.area.clone(),
            channel: self.channel.map(|c| c.as_str().to_string()),
        }
    }

    fn format(&self) -> Format {
        self.format.unwrap_or(Format::Json)
    }
}

/// The format of a statistics answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON (default).
    Json,
    /// CSV with Vietnamese headers.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The bucket of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeriesBucket {
    /// Local days (default).
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

/// The summary of a period: counts by status, channel, category, unit and lead agency; received,
/// dispatched, answered, published, rejected, forwarded; on time, late and overdue now per step;
/// extensions; returns; processing time in working hours (mean, median, p90); feedback;
/// ratings. Limited to what the caller may see. `format=csv` or `format=xlsx` exports it.
#[utoipa::path(tag = "statistics", operation_id = "statisticsSummary", security(("bearer" = [])), params(StatsParams),
    responses((status = 200, description = "The summary (JSON; CSV with `format=csv`, a spreadsheet with `format=xlsx`).", body = Summary)))]
#[get("/statistics/summary")]
pub async fn summary(
    st: Data<AppState>,
    who: Principal,
    p: ValidQuery<StatsParams>,
) -> AppResult<HttpResponse> {
    let p = p.into_inner();
    let (format, q) = (p.format(), p.query(&st));
    let s = block(move || svc::summary(&st, &who, &q)).await??;
    if format == Format::Json {
        return Ok(HttpResponse::Ok().json(s));
    }
    table_response(
        "thong-ke-tong-hop",
        format,
        &["Chỉ tiêu".into(), "Khóa".into(), "Giá trị".into()],
        &summary_rows(&s),
    )
}

/// The agency table, with a ranking for the administrative-reform index:
/// `score = 0.7 × on-time rate + 0.3 × share satisfied` (the on-time rate alone when nothing was
/// rated). Only agencies with at least 10 steps due in the period are ranked, so a tiny sample
/// cannot top the table; ties go to the larger volume. `format=csv` or `format=xlsx` exports it.
#[utoipa::path(tag = "statistics", operation_id = "statisticsAgencies", security(("bearer" = [])), params(StatsParams),
    responses((status = 200, description = "One row per agency, ranked first.", body = Vec<AgencyStats>)))]
#[get("/statistics/agencies")]
pub async fn agencies(
    st: Data<AppState>,
    who: Principal,
    p: ValidQuery<StatsParams>,
) -> AppResult<HttpResponse> {
    let p = p.into_inner();
    let (format, q) = (p.format(), p.query(&st));
    let rows = block(move || svc::agencies(&st, &who, &q)).await??;
    if format == Format::Json {
        return Ok(HttpResponse::Ok().json(rows));
    }
    let header = [
        "Hạng",
        "Mã",
        "Cơ quan",
        "Được giao",
        "Đã trả lời",
        "Trả lại",
        "Đúng hạn",
        "Trễ hạn",
        "Đang quá hạn",
        "Tỷ lệ đúng hạn",
        "Tỷ lệ hài lòng",
        "Điểm",
    ]
    .map(String::from);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.rank.map(|x| x.to_string()).unwrap_or_default(),
                r.code.clone(),
                r.name.clone(),
                r.assigned.to_string(),
                r.answered.to_string(),
                r.returned.to_string(),
                r.on_time.to_string(),
                r.late.to_string(),
                r.overdue_now.to_string(),
                opt(r.on_time_rate),
                opt(r.ratings.satisfied_share),
                opt(r.score),
            ]
        })
        .collect();
    table_response("thong-ke-co-quan", format, &header, &table)
}

/// Received and published per day, week (from Monday) or month, in local dates.
#[utoipa::path(tag = "statistics", operation_id = "statisticsSeries", security(("bearer" = [])), params(StatsParams),
    responses((status = 200, description = "The series.", body = Vec<Point>)))]
#[get("/statistics/series")]
pub async fn series(
    st: Data<AppState>,
    who: Principal,
    p: ValidQuery<StatsParams>,
) -> AppResult<Json<Vec<Point>>> {
    let p = p.into_inner();
    let bucket = match p.bucket.unwrap_or(SeriesBucket::Day) {
        SeriesBucket::Day => Bucket::Day,
        SeriesBucket::Week => Bucket::Week,
        SeriesBucket::Month => Bucket::Month,
    };
    let q = p.query(&st);
    Ok(Json(
        block(move || svc::series(&st, &who, &q, bucket)).await??,
    ))
}

/// Public statistics: totals, published results by category, on-time rate, median processing
/// time and ratings; confidential and state-secret reports are left out, and nothing carries
/// personal data.
#[utoipa::path(tag = "public", operation_id = "publicStatistics", params(StatsParams),
    responses((status = 200, description = "The public figures.", body = PublicStats, headers(("ETag" = String, description = "A weak tag of this answer; send it back in `If-None-Match` to get 304 when nothing changed."), ("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 304, description = "Not modified: the `If-None-Match` tag is the current one (no body).")))]
#[get("/public/statistics")]
pub async fn public(
    st: Data<AppState>,
    p: ValidQuery<StatsParams>,
) -> AppResult<Json<PublicStats>> {
    let p = p.into_inner();
    let mut q = p.query(&st);
    q.agency = None;
    Ok(Json(block(move || svc::public(&st, &q)).await??))
}
