//! GeoReport v2 service requests: filed by a client app with the checks of every report (the
//! identity Art. 4.2 requires, Vietnamese content, a place inside the province), read back by
//! tracking code or token, and listed. What is shown never carries personal data: a verified
//! report that is neither confidential nor state secret, with the text as the IOC corrected it;
//! a report not yet verified, or refused, only to the key that filed it.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::db::models::ReportRow;
use crate::db::repo;
use crate::db::repo::open311::{RequestFilter, VERIFIED};
use crate::domain::report::ReportStatus;
use crate::error::{AppError, AppResult};
use crate::service::Context;

use super::Client;

pub use super::filing::*;

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
    /// The tracking code of the request this one was merged into (Chicago's extension): a
    /// merged request shows that one's status.
    pub parent_service_request_id: Option<String>,
    /// With `extensions=true`: the public timeline and the extended attributes.
    pub extended: Option<Extended>,
}

/// GeoReport's extensions of a request.
#[derive(Debug, Clone)]
pub struct Extended {
    pub notes: Vec<super::updates::Note>,
    pub channel: String,
    /// Whether its running deadline has passed.
    pub overdue: bool,
    /// Whether its deadline was extended (Art. 8.3).
    pub deadline_extended: bool,
    /// The reporter's rating of the published result.
    pub rating: Option<String>,
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

fn view(
    conn: &mut crate::db::DbConn,
    r: ReportRow,
    extensions: Option<NaiveDateTime>,
) -> AppResult<Request> {
    let service_name = repo::categories::find(conn, &r.category_code)?
        .map(|c| c.name)
        .unwrap_or_default();
    let agency_responsible = match &r.lead_agency_id {
        Some(a) => repo::agencies::find(conn, a)?.map(|a| a.name),
        None => None,
    };
    // A merged duplicate follows its parent's status (README, "Duplicates").
    let parent = match repo::duplicates::parent_of(conn, &r.id)? {
        Some(l) => repo::reports::find(conn, &l.parent_id)?,
        None => None,
    };
    let followed = parent.as_ref().unwrap_or(&r);
    let (status, next_due_at) = (followed.status, followed.next_due_at);
    let closed = is_closed(status);
    let extended = match extensions {
        None => None,
        Some(now) => Some(Extended {
            notes: super::updates::timeline(conn, &r.id)?,
            channel: r.channel.as_str().to_string(),
            overdue: !closed && next_due_at.is_some_and(|d| d < now),
            deadline_extended: r.extension_used,
            rating: r.rating.clone(),
        }),
    };
    Ok(Request {
        extended,
        service_request_id: r.code,
        status: if closed { "closed" } else { "open" },
        status_notes: notes(status).into(),
        parent_service_request_id: parent.map(|p| p.code),
        service_name,
        service_code: r.category_code,
        // The text as the IOC corrected it (Art. 7.2).
        description: r.content_corrected.unwrap_or(r.content),
        agency_responsible,
        service_notice: NOTICE.into(),
        requested_datetime: r.submitted_at,
        updated_datetime: r.updated_at,
        expected_datetime: if closed { None } else { next_due_at },
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

/// A request by its tracking code (with GeoReport's extensions when asked).
pub fn get(
    st: &Context,
    code: &str,
    client: Option<&Client>,
    extensions: bool,
) -> AppResult<Request> {
    let mut conn = st.pool.get()?;
    let r = repo::reports::find_by_code(&mut conn, code.trim())?.ok_or_else(no_request)?;
    if !readable(&mut conn, &r, client)? {
        return Err(no_request());
    }
    let now = extensions.then(|| st.clock.now().naive_utc());
    view(&mut conn, r, now)
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
    pub updated_after: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    /// The lead agency's id.
    pub agency_responsible: Option<String>,
    pub extensions: bool,
    /// Words of the title or the content.
    pub q: Option<String>,
    /// `(min_long, min_lat, max_long, max_lat)`.
    pub bbox: Option<(f64, f64, f64, f64)>,
}

/// Verified requests, newest first: by ids (the rest ignored), or by service, dates (the last
/// 90 days by default) and status.
pub fn list(st: &Context, q: Query) -> AppResult<Vec<Request>> {
    let now = st.clock.now();
    let mut f = RequestFilter {
        codes: q.service_request_ids,
        categories: q.service_codes,
        lead_agency: q.agency_responsible,
        updated_after: q.updated_after.map(|t| t.naive_utc()),
        updated_before: q.updated_before.map(|t| t.naive_utc()),
        text: crate::service::reports::search::read_query(q.q.as_deref())?,
        bbox: q.bbox,
        ..Default::default()
    };
    if f.codes.is_empty() {
        // A client that sends a date sends its midnight (`three` does): the day counts whole.
        let end = q.end.map_or(now, |e| {
            if e.time() == chrono::NaiveTime::MIN {
                e + TimeDelta::days(1) - TimeDelta::seconds(1)
            } else {
                e
            }
        });
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
    let mut conn = st.read_conn()?;
    let rows = repo::open311::requests(&mut conn, &f, q.page_size, (q.page - 1) * q.page_size)?;
    let ext = q.extensions.then(|| now.naive_utc());
    rows.into_iter().map(|r| view(&mut conn, r, ext)).collect()
}
