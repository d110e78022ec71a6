//! GeoReport v2 service requests: filed by a client app with the checks of every report (the
//! identity Art. 4.2 requires, Vietnamese content, a place inside the province), read back by
//! tracking code or token, and listed. What is shown never carries personal data: a verified
//! report that is neither confidential nor state secret, with the text as the IOC corrected it;
//! a report not yet verified, or refused, only to the key that filed it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::db::models::{Open311RequestRow, ReportRow};
use crate::db::repo;
use crate::db::repo::open311::{RequestFilter, VERIFIED};
use crate::domain::report::{Channel, ReportStatus};
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::{Principal, random_token};
use crate::service::reports::intake::{NewReport, Origin, ReporterInput, check_submission};

use super::Client;
use super::services::not_found as unknown_service;

/// What a client app posts (`POST requests`), as GeoReport v2 names it.
#[derive(Debug, Default, Clone)]
pub struct Filing {
    pub service_code: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub address_string: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[CODE]` and `attribute[CODE][]`.
    pub attributes: HashMap<String, Vec<String>>,
}

/// The answer to a filing.
#[derive(Debug, Clone)]
pub struct Filed {
    pub service_request_id: String,
    pub token: String,
    pub service_notice: String,
}

/// The time limits, in words (Art. 7.3, 8.1).
pub const NOTICE: &str = "Trung tâm IOC xác minh và chuyển cơ quan xử lý trong 04 giờ làm việc; cơ quan xử lý trả lời trong 06 ngày làm việc (Quy chế, Điều 7.3, 8.1).";

fn field(f: &str, code: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(f, code, Msg::new(vi, en))
}

fn attr(f: &Filing, code: &str) -> Option<String> {
    f.attributes
        .get(code)
        .and_then(|v| v.first())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn flag(f: &Filing, code: &str, errors: &mut Vec<FieldError>) -> bool {
    match attr(f, code).as_deref() {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(_) => {
            errors.push(FieldError::new(
                format!("attribute[{code}]"),
                "invalid_value",
                Msg::new("Giá trị là true hoặc false.", "true or false."),
            ));
            false
        }
    }
}

/// A title from the description: its first sentence, at most 200 characters.
fn title_of(description: &str) -> String {
    let first = description
        .split(['.', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| s.chars().count() >= 5)
        .unwrap_or(description.trim());
    let mut t: String = first.chars().take(200).collect();
    if t.chars().count() < 5 {
        t = description.chars().take(200).collect();
    }
    t
}

/// The native report a filing stands for; what GeoReport lacks is an error of its field.
fn as_report(f: &Filing) -> AppResult<NewReport> {
    let mut errors = Vec::new();
    let Some(service) = f
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(AppError::validation(vec![field(
            "service_code",
            "required",
            "Cần service_code (mã lĩnh vực).",
            "service_code is required.",
        )]));
    };
    let description = f.description.as_deref().map(str::trim).unwrap_or("");
    if description.is_empty() {
        errors.push(field(
            "description",
            "required",
            "Cần mô tả nội dung phản ánh.",
            "description is required.",
        ));
    } else if description.chars().count() > 4000 {
        errors.push(field(
            "description",
            "too_long",
            "Mô tả tối đa 4.000 ký tự.",
            "description has at most 4,000 characters.",
        ));
    }
    let address = f.address_string.as_deref().map(str::trim).unwrap_or("");
    if address.chars().count() < 5 {
        // Art. 4.3: the place, clear and exact, in words (coordinates alone are not enough).
        errors.push(field(
            "address_string",
            "required",
            "Cần địa chỉ cụ thể nơi xảy ra sự việc (Điều 4.3).",
            "address_string is required: the exact place (Art. 4.3).",
        ));
    }
    let name = [f.last_name.as_deref(), f.first_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.chars().count() < 2 {
        errors.push(field(
            "first_name",
            "required",
            "Cần họ tên người phản ánh (Điều 4.2).",
            "The reporter's name is required (Art. 4.2).",
        ));
    }
    let required = [
        ("cccd", "Cần số căn cước công dân (Điều 4.2)."),
        ("contact_address", "Cần địa chỉ liên hệ (Điều 4.2)."),
        ("admin_unit_code", "Cần đơn vị hành chính (Điều 4.3)."),
    ];
    for (code, vi) in required {
        if attr(f, code).is_none() {
            errors.push(FieldError::new(
                format!("attribute[{code}]"),
                "required",
                Msg::new(vi, format!("attribute[{code}] is required.")),
            ));
        }
    }
    if f.phone.as_deref().is_none_or(|p| p.trim().is_empty()) {
        errors.push(field(
            "phone",
            "required",
            "Cần số điện thoại (Điều 4.2).",
            "phone is required (Art. 4.2).",
        ));
    }
    let consent_share_contact = flag(f, "consent_share_contact", &mut errors);
    let consent_public_name = flag(f, "consent_public_name", &mut errors);
    let confidential = flag(f, "confidential", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut content = description.to_string();
    if let Some(url) = f
        .media_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        content.push_str(&format!("\n\nẢnh/tệp đính kèm: {url}"));
    }
    Ok(NewReport {
        channel: None,
        title: attr(f, "title").unwrap_or_else(|| title_of(description)),
        content,
        category_code: service.to_string(),
        address: address.to_string(),
        admin_unit_code: attr(f, "admin_unit_code").unwrap_or_default(),
        latitude: f.lat,
        longitude: f.long,
        incident_at: None,
        reporter: ReporterInput {
            full_name: name,
            contact_address: attr(f, "contact_address").unwrap_or_default(),
            cccd: attr(f, "cccd").unwrap_or_default(),
            phone: f.phone.clone().unwrap_or_default(),
            email: f.email.clone().filter(|e| !e.trim().is_empty()),
            organization: None,
        },
        consent_share_contact,
        consent_public_name,
        confidential,
    })
}

/// GeoReport's name of a native field, for its errors.
pub fn open311_field(native: &str) -> String {
    match native {
        "title" => "attribute[title]".into(),
        "content" => "description".into(),
        "address" => "address_string".into(),
        "admin_unit_code" => "attribute[admin_unit_code]".into(),
        "latitude" => "lat".into(),
        "longitude" => "long".into(),
        "category_code" => "service_code".into(),
        "reporter.full_name" => "first_name".into(),
        "reporter.contact_address" => "attribute[contact_address]".into(),
        "reporter.cccd" => "attribute[cccd]".into(),
        "reporter.phone" => "phone".into(),
        "reporter.email" => "email".into(),
        other => other.to_string(),
    }
}

/// Files a request: checked as any report, channel `open311`, the client app recorded as its
/// source; the reporter's acknowledgement (with the follow-up token) goes to their e-mail.
pub fn file(st: &Context, client: &Client, f: Filing) -> AppResult<Filed> {
    let input = as_report(&f)?;
    {
        let mut conn = st.pool.get()?;
        if !repo::categories::find(&mut conn, &input.category_code)?.is_some_and(|c| c.active) {
            return Err(unknown_service());
        }
    }
    let guest = Principal::guest();
    let checked = check_submission(st, &guest, input)?.through(Channel::Open311);
    let token = random_token();
    let (client_id, tok) = (client.id.clone(), token.clone());
    let origin = Origin {
        arrived_at: st.clock.now(),
        note: format!("Open311: {}", client.name),
        link: Box::new(move |ctx, c, r| {
            repo::open311::insert_request(
                c,
                &Open311RequestRow {
                    report_id: r.id.clone(),
                    client_id,
                    token: tok,
                    created_at: ctx.now_naive(),
                },
            )?;
            Ok(())
        }),
    };
    let out =
        crate::service::reports::intake::submit_from(st, &guest, checked, None, Some(origin))?;
    Ok(Filed {
        service_request_id: out.details().report.code.clone(),
        token,
        service_notice: NOTICE.into(),
    })
}

/// A request as GeoReport shows it.
#[derive(Debug, Clone)]
pub struct Request {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: String,
    pub agency_responsible: Option<String>,
    pub service_notice: String,
    pub requested_datetime: NaiveDateTime,
    pub updated_datetime: NaiveDateTime,
    pub expected_datetime: Option<NaiveDateTime>,
    pub address: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
}

/// Closed once the result is published, or the report was refused or forwarded (or, an
/// emergency, its handling recorded); open otherwise.
pub fn is_closed(s: ReportStatus) -> bool {
    matches!(
        s,
        ReportStatus::Published
            | ReportStatus::Rejected
            | ReportStatus::Forwarded
            | ReportStatus::EmergencyHandled
    )
}

fn notes(s: ReportStatus) -> &'static str {
    match s {
        ReportStatus::Submitted => "Đang chờ Trung tâm IOC xác minh.",
        ReportStatus::NeedsInfo => "Trung tâm IOC đề nghị người phản ánh bổ sung thông tin.",
        ReportStatus::Accepted => "Đã tiếp nhận, đang chuyển cơ quan xử lý.",
        ReportStatus::Rejected => "Không đủ điều kiện tiếp nhận.",
        ReportStatus::Forwarded => "Đã chuyển cơ quan có thẩm quyền theo dõi.",
        ReportStatus::InProgress => "Cơ quan xử lý đang giải quyết.",
        ReportStatus::AwaitingDesignation => "Đang chờ UBND tỉnh/thành phố giao cơ quan chủ trì.",
        ReportStatus::AwaitingPublication => "Đã có kết quả, chờ Trung tâm IOC công bố.",
        ReportStatus::Published => "Đã có kết quả trả lời.",
        ReportStatus::EmergencyForwarded => "Khẩn cấp: đã chuyển cơ quan chức năng xử lý.",
        ReportStatus::EmergencyHandled => "Khẩn cấp: đã xử lý xong.",
    }
}

fn view(conn: &mut crate::db::DbConn, r: ReportRow) -> AppResult<Request> {
    let service_name = repo::categories::find(conn, &r.category_code)?
        .map(|c| c.name)
        .unwrap_or_default();
    let agency_responsible = match &r.lead_agency_id {
        Some(a) => repo::agencies::find(conn, a)?.map(|a| a.name),
        None => None,
    };
    let closed = is_closed(r.status);
    Ok(Request {
        service_request_id: r.code,
        status: if closed { "closed" } else { "open" },
        status_notes: notes(r.status).into(),
        service_name,
        service_code: r.category_code,
        // The text as the IOC corrected it (Art. 7.2).
        description: r.content_corrected.unwrap_or(r.content),
        agency_responsible,
        service_notice: NOTICE.into(),
        requested_datetime: r.submitted_at,
        updated_datetime: r.updated_at,
        expected_datetime: if closed { None } else { r.next_due_at },
        address: r.address,
        lat: r.latitude,
        long: r.longitude,
    })
}

/// Whether a client may read a report: verified, neither confidential nor state secret; or
/// filed by that client.
fn readable(
    conn: &mut crate::db::DbConn,
    r: &ReportRow,
    client: Option<&Client>,
) -> AppResult<bool> {
    if VERIFIED.contains(&r.status.as_str()) && !r.confidential && !r.state_secret {
        return Ok(true);
    }
    let Some(client) = client else {
        return Ok(false);
    };
    Ok(repo::open311::request_of(conn, &r.id)?.is_some_and(|q| q.client_id == client.id))
}

fn no_request() -> AppError {
    AppError::not_found("yêu cầu", "Service request")
}

/// A request by its tracking code.
pub fn get(st: &Context, code: &str, client: Option<&Client>) -> AppResult<Request> {
    let mut conn = st.pool.get()?;
    let r = repo::reports::find_by_code(&mut conn, code.trim())?.ok_or_else(no_request)?;
    if !readable(&mut conn, &r, client)? {
        return Err(no_request());
    }
    view(&mut conn, r)
}

/// The tracking code of a token answered to a filing (GeoReport `tokens`).
pub fn by_token(st: &Context, token: &str) -> AppResult<String> {
    let mut conn = st.pool.get()?;
    let q = repo::open311::request_by_token(&mut conn, token.trim())?.ok_or_else(no_request)?;
    let r = repo::reports::find(&mut conn, &q.report_id)?.ok_or_else(no_request)?;
    Ok(r.code)
}

/// What a list asks for.
#[derive(Debug, Default)]
pub struct Query {
    pub service_request_ids: Vec<String>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `open`, `closed`, or both.
    pub statuses: Vec<String>,
    pub page: i64,
    pub page_size: i64,
}

/// Verified requests, newest first: by ids (the rest ignored), or by service, dates (the last
/// 90 days by default) and status.
pub fn list(st: &Context, q: Query) -> AppResult<Vec<Request>> {
    let now = st.clock.now();
    let mut f = RequestFilter {
        codes: q.service_request_ids,
        categories: q.service_codes,
        ..Default::default()
    };
    if f.codes.is_empty() {
        let end = q.end.unwrap_or(now);
        let start = q.start.unwrap_or(end - TimeDelta::days(90));
        f.from = Some(start.naive_utc());
        f.to = Some(end.naive_utc());
        let open = q.statuses.iter().any(|s| s == "open");
        let closed = q.statuses.iter().any(|s| s == "closed");
        if open != closed {
            f.statuses = VERIFIED
                .iter()
                .filter(|s| {
                    let c = ReportStatus::parse(s).is_some_and(is_closed);
                    c == closed
                })
                .map(|s| s.to_string())
                .collect();
        }
    }
    let mut conn = st.pool.get()?;
    let rows = repo::open311::requests(&mut conn, &f, q.page_size, (q.page - 1) * q.page_size)?;
    rows.into_iter().map(|r| view(&mut conn, r)).collect()
}
