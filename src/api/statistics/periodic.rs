//! The reporting periods of Decree 09/2019 Art. 12 (Art. 11.8) and the periodic reports issued
//! as frozen snapshots.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, get, post};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::api::extract::ValidJson;
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::domain::periods::{PeriodKind, period};
use crate::error::{AppError, AppResult, FieldError, Msg, Problem};
use crate::service::auth::Principal;
use crate::service::statistics::{self as svc, Snapshot, StatsQuery, Summary};

/// A period of Decree 09 with its summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// `month`, `quarter`, `half`, `nine_months`, `year`.
    pub kind: PeriodKind,
    /// Year.
    pub year: i32,
    /// Which period of the year (1-based).
    pub n: u32,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (included).
    pub to: NaiveDate,
    /// The figures, computed now.
    pub summary: Summary,
}

fn parse_period(kind: &str, year: i32, n: u32) -> AppResult<(PeriodKind, NaiveDate, NaiveDate)> {
    let bad = |f: &str| {
        AppError::bad_parameter(
            "invalid_path_parameter",
            vec![FieldError::new(
                f,
                "invalid_value",
                Msg::new("Kỳ báo cáo không hợp lệ.", "No such period."),
            )],
        )
    };
    let k = PeriodKind::parse(kind).ok_or_else(|| bad("kind"))?;
    if !(2000..=2099).contains(&year) {
        return Err(bad("year"));
    }
    let (from, to) = period(k, year, n).ok_or_else(|| bad("n"))?;
    Ok((k, from, to))
}

/// The figures of a reporting period (Decree 09/2019 Art. 12): a month runs from the 15th of the
/// previous month to the 14th; a quarter from the 15th of the month before it to the 14th of its
/// last month; a half-year from 15/12 (or 15/6) to 14/6 (or 14/12); a year from 15/12 to 14/12;
/// nine months from 15/12 to 14/9.
#[utoipa::path(tag = "statistics", operation_id = "statisticsPeriod", security(("bearer" = [])),
    params(("kind" = PeriodKind, Path, description = "month, quarter, half, nine_months, year"), ("year" = i32, Path, minimum = 2000, maximum = 2099, description = "Year, 2000–2099"), ("n" = u32, Path, minimum = 1, maximum = 12, description = "Which period of the year, from 1 (12 months, 4 quarters, 2 halves, 1 nine-month and 1 year period)")),
    responses((status = 200, description = "The period and its figures.", body = PeriodView)))]
#[get("/statistics/periods/{kind}/{year}/{n}")]
pub async fn period_figures(
    st: Data<AppState>,
    who: Principal,
    path: Path<(String, i32, u32)>,
) -> AppResult<Json<PeriodView>> {
    let (kind, year, n) = path.into_inner();
    let (k, from, to) = parse_period(&kind, year, n)?;
    let q = StatsQuery {
        from,
        to,
        agency: None,
        category: None,
        area: None,
        channel: None,
    };
    let figures = block(move || svc::summary(&st, &who, &q)).await??;
    Ok(Json(PeriodView {
        kind: k,
        year,
        n,
        from,
        to,
        summary: figures,
    }))
}

/// A periodic report to issue.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// Kind of period.
    pub kind: PeriodKind,
    /// Year, 2000–2099.
    #[validate(range(min = 2000, max = 2099))]
    #[schema(minimum = 2000, maximum = 2099)]
    pub year: i32,
    /// Which period of the year, from 1.
    #[validate(range(min = 1, max = 12))]
    #[schema(minimum = 1, maximum = 12)]
    pub n: u32,
    /// A note.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// An issued periodic report.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodicView {
    /// Id.
    pub id: String,
    /// Kind of period.
    pub kind: String,
    /// Year.
    pub year: i32,
    /// Which period.
    pub n: i32,
    /// First local date.
    pub from: NaiveDate,
    /// Last local date (included).
    pub to: NaiveDate,
    /// When it was issued.
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// Who issued it.
    pub issued_by: String,
    /// The note.
    pub note: Option<String>,
    /// The figures as issued (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

fn periodic_view(
    r: crate::service::records::PeriodicReportRow,
    snapshot: Option<Snapshot>,
) -> PeriodicView {
    PeriodicView {
        id: r.id,
        kind: r.kind,
        year: r.year,
        n: r.n,
        from: r.period_from,
        to: r.period_to,
        issued_at: utc(r.issued_at),
        issued_by: r.issued_by,
        note: r.note,
        snapshot,
    }
}

/// Operator or admin: issue a periodic report as a frozen snapshot that never changes afterwards.
#[utoipa::path(tag = "statistics", operation_id = "issuePeriodicReport", security(("bearer" = [])), request_body = IssueInput,
    responses((status = 201, description = "Issued.", body = PeriodicView),
        (status = 409, description = "This period was already issued (`already_issued`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports-periodic")]
pub async fn issue(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<IssueInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let row = block(move || svc::issue_periodic(&st, &who, b.kind, b.year, b.n, b.note)).await??;
    let snap: Option<Snapshot> = serde_json::from_str(&row.data).ok();
    Ok(HttpResponse::Created().json(periodic_view(row, snap)))
}

/// Issued periodic reports.
#[utoipa::path(tag = "statistics", operation_id = "listPeriodicReports", security(("bearer" = [])),
    responses((status = 200, description = "Newest first.", body = Vec<PeriodicView>)))]
#[get("/reports-periodic")]
pub async fn list_issued(st: Data<AppState>, who: Principal) -> AppResult<Json<Vec<PeriodicView>>> {
    let rows = block(move || svc::periodic_list(&st, &who)).await??;
    Ok(Json(
        rows.into_iter().map(|r| periodic_view(r, None)).collect(),
    ))
}

/// One issued periodic report, with its figures as issued.
#[utoipa::path(tag = "statistics", operation_id = "getPeriodicReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Id")),
    responses((status = 200, description = "The report.", body = PeriodicView), (status = 404, description = "No such report.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports-periodic/{id}")]
pub async fn get_issued(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<PeriodicView>> {
    let id = id.into_inner();
    let (row, snap) = block(move || svc::periodic(&st, &who, &id)).await??;
    Ok(Json(periodic_view(row, Some(snap))))
}
