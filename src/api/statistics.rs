//! `/api/v1/statistics/*`, `/api/v1/reports-periodic` and `/api/v1/public/statistics`: the IOC
//! dashboard, the periodic reports of Decree 09/2019 Art. 12, CSV exports, the public subset.
//! The metric definitions are in `service::statistics` and the README.

use actix_web::web::{Bytes, Data, Json, Path, block};
use actix_web::{HttpResponse, get, post};
use chrono::{Duration, NaiveDate};
use chrono_tz::Asia::Ho_Chi_Minh;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery, de};
use crate::api::views::utc;
use crate::app::AppState;
use crate::domain::periods::{PeriodKind, period};
use crate::domain::report::Channel;
use crate::error::{AppError, AppResult, FieldError, Msg, Problem};
use crate::service::auth::Principal;
use crate::service::statistics::{
    self as svc, AgencyStats, Bucket, Point, PublicStats, Snapshot, StatsQuery, Summary,
};

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
        let today = st.clock.now().with_timezone(&Ho_Chi_Minh).date_naive();
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

/// A table (header and rows) as a CSV or XLSX download.
fn table_response(
    name: &str,
    format: Format,
    header: &[String],
    rows: &[Vec<String>],
) -> AppResult<HttpResponse> {
    if format == Format::Csv {
        let out = crate::service::csv::rows(
            std::iter::once(header).chain(rows.iter().map(Vec::as_slice)),
        );
        return Ok(csv_response(name, out));
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let cell_err = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_with_format(0, c as u16, h.as_str(), &bold)
            .map_err(cell_err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Numbers as numbers, so the sheet can compute with them.
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() && c > 0 => sheet
                    .write_number((r + 1) as u32, c as u16, n)
                    .map_err(cell_err)?,
                _ => sheet
                    .write_string((r + 1) as u32, c as u16, v.as_str())
                    .map_err(cell_err)?,
            };
        }
    }
    let bytes = book.save_to_buffer().map_err(cell_err)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.xlsx\""),
        ))
        .body(bytes))
}

fn csv_response(name: &str, body: String) -> HttpResponse {
    // A byte-order mark lets spreadsheet programs read the Vietnamese text as UTF-8.
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(format!("\u{feff}{body}"))
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn summary_rows(s: &Summary) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut row = |k: &str, key: &str, v: String| out.push(vec![k.into(), key.into(), v]);
    row("Từ ngày", "", s.from.to_string());
    row("Đến ngày", "", s.to.to_string());
    row("Tiếp nhận", "", s.received.to_string());
    row("Đã chuyển xử lý", "", s.dispatched.to_string());
    row("Đã trả lời", "", s.answered.to_string());
    row("Trả lại do sai thẩm quyền", "", s.returned.to_string());
    row("Tỷ lệ chuyển sai", "", opt(s.misrouting_rate));
    row("Đã công bố", "", s.published.to_string());
    row("Từ chối", "", s.rejected.to_string());
    row("Chuyển theo dõi", "", s.forwarded.to_string());
    row("Gia hạn", "", s.extensions.to_string());
    row("Phản hồi", "", s.feedback.to_string());
    row("Làm rõ quá hạn", "", s.clarifications_overdue.to_string());
    row(
        "Thời gian xử lý trung bình (giờ làm việc)",
        "",
        opt(s.processing_hours.mean),
    );
    row(
        "Thời gian xử lý trung vị (giờ làm việc)",
        "",
        opt(s.processing_hours.median),
    );
    row(
        "Thời gian xử lý P90 (giờ làm việc)",
        "",
        opt(s.processing_hours.p90),
    );
    row("Rất hài lòng", "", s.ratings.very_satisfied.to_string());
    row("Hài lòng", "", s.ratings.satisfied.to_string());
    row("Không hài lòng", "", s.ratings.dissatisfied.to_string());
    row("Tỷ lệ hài lòng", "", opt(s.ratings.satisfied_share));
    for (label, list) in [
        ("Theo trạng thái", &s.by_status),
        ("Theo kênh", &s.by_channel),
        ("Theo lĩnh vực", &s.by_category),
        ("Theo đơn vị hành chính", &s.by_area),
        ("Theo cơ quan chủ trì", &s.by_agency),
    ] {
        for k in list {
            row(label, k.key.as_deref().unwrap_or(""), k.count.to_string());
        }
    }
    for step in &s.steps {
        row("Đúng hạn", &step.step, step.on_time.to_string());
        row("Trễ hạn", &step.step, step.late.to_string());
        row("Đang quá hạn", &step.step, step.overdue_now.to_string());
    }
    out
}

/// The summary of a period: counts by status, channel, category, unit and lead agency; received,
/// dispatched, answered, published, rejected, forwarded; on time, late and overdue now per step;
/// extensions; returns; processing time in working hours (mean, median, p90); feedback;
/// ratings. Limited to what the caller may see. `format=csv` or `format=xlsx` exports it.
#[utoipa::path(tag = "statistics", operation_id = "statisticsSummary", security(("bearer" = [])), params(StatsParams),
    responses((status = 200, description = "The summary (JSON, or CSV with `format=csv`).", body = Summary)))]
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
    r: crate::db::models::PeriodicReportRow,
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

/// Public statistics: totals, published results by category, on-time rate, median processing
/// time and ratings; confidential and state-secret reports are left out, and nothing carries
/// personal data.
#[utoipa::path(tag = "public", operation_id = "publicStatistics", params(StatsParams),
    responses((status = 200, description = "The public figures.", body = PublicStats)))]
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

/// Export the reports submitted in a period as CSV, streamed page by page (Vietnamese headers).
/// The reporter's identity is included for the IOC and admins only, and each such read is
/// recorded.
#[utoipa::path(tag = "statistics", operation_id = "exportReports", security(("bearer" = [])), params(StatsParams),
    responses((status = 200, description = "CSV.", body = String, content_type = "text/csv")))]
#[get("/statistics/reports.csv")]
pub async fn export_reports(
    st: Data<AppState>,
    who: Principal,
    p: ValidQuery<StatsParams>,
) -> AppResult<HttpResponse> {
    let p = p.into_inner();
    let q = p.query(&st);
    let (st2, who2, q2) = (st.clone(), who.clone(), q.clone());
    // Check the scope and the range before the first byte goes out.
    block(move || svc::export_check(&st2, &who2, &q2)).await??;
    let state = (st, who, q, None::<String>, false);
    let stream = futures_util::stream::unfold(state, |(st, who, q, cursor, done)| async move {
        if done {
            return None;
        }
        let first = cursor.is_none();
        let (st2, who2, q2, c2) = (st.clone(), who.clone(), q.clone(), cursor.clone());
        let page = block(move || svc::export_page(&st2, &who2, &q2, c2.as_deref(), 1000)).await;
        let (text, next) = match page {
            Ok(Ok(p)) => p,
            _ => {
                return Some((
                    Err(actix_web::error::ErrorInternalServerError("export failed")),
                    (st, who, q, None, true),
                ));
            }
        };
        let chunk = if first {
            format!("\u{feff}{text}")
        } else {
            text
        };
        let done = next.is_none();
        Some((
            Ok::<_, actix_web::Error>(Bytes::from(chunk)),
            (st, who, q, next, done),
        ))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"danh-sach-phan-anh.csv\"",
        ))
        .streaming(stream))
}
