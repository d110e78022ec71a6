//! Exports: a table as CSV (Vietnamese headers, formula cells neutralised) or XLSX, and the
//! report list streamed as CSV.

use actix_web::web::{Bytes, Data, block};
use actix_web::{HttpResponse, get};

use crate::api::extract::ValidQuery;
use crate::api::state::AppState;
use crate::error::{AppError, AppResult};
use crate::service::auth::Principal;
use crate::service::statistics::{self as svc, Summary};

use super::{Format, StatsParams};

/// A table (header and rows) as a CSV or XLSX download.
pub(super) fn table_response(
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

pub(super) fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

pub(super) fn summary_rows(s: &Summary) -> Vec<Vec<String>> {
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

/// Export the reports submitted in a period as CSV, streamed page by page (Vietnamese headers).
/// The reporter's name and contact are included for the IOC, and for the processing agency on
/// the reports whose reporter consented (Art. 4.5); each such read is recorded.
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
