//! What GeoReport's extensions add: the public timeline of a request (`extensions=true`) and
//! mySociety's service request updates (the public steps of every request since a date). Only
//! the steps anyone may read of a published report, in words: never a note, never a person.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::db::repo;
use crate::domain::report::ReportStatus;
use crate::domain::visibility::PUBLIC_ACTIONS;
use crate::error::AppResult;
use crate::service::Context;

use super::requests::is_closed;

/// A public step in words.
pub fn words(action: &str) -> &'static str {
    match action {
        "submitted" => "Người dân gửi phản ánh.",
        "accepted" => "Trung tâm IOC đã xác minh, tiếp nhận phản ánh.",
        "dispatched" => "Đã chuyển cơ quan xử lý.",
        "designated" => "UBND đã giao cơ quan chủ trì xử lý.",
        "assignment_accepted" => "Cơ quan xử lý đã nhận xử lý.",
        "coordinator_assigned" => "Có cơ quan phối hợp xử lý.",
        "result_approved" => "Lãnh đạo cơ quan xử lý đã duyệt kết quả.",
        "extension_confirmed" => "Thời hạn xử lý được gia hạn (Điều 8.3).",
        "published" => "Đã công bố kết quả trả lời.",
        "clarified" => "Cơ quan xử lý đã làm rõ kết quả theo phản hồi.",
        _ => "Cập nhật xử lý.",
    }
}

/// A step of a request's public timeline.
#[derive(Debug, Clone)]
pub struct Note {
    pub datetime: NaiveDateTime,
    pub summary: &'static str,
    pub status: &'static str,
}

fn status_word(to: Option<&str>) -> &'static str {
    if to.and_then(ReportStatus::parse).is_some_and(is_closed) {
        "closed"
    } else {
        "open"
    }
}

/// The public timeline of a report.
pub fn timeline(conn: &mut crate::db::DbConn, report_id: &str) -> AppResult<Vec<Note>> {
    Ok(repo::reports::events_of(conn, report_id)?
        .into_iter()
        .filter(|e| PUBLIC_ACTIONS.contains(&e.action.as_str()))
        .map(|e| Note {
            datetime: e.at,
            summary: words(&e.action),
            status: status_word(e.to_status.as_deref()),
        })
        .collect())
}

/// One public step of one request (mySociety's `service_request_update`).
#[derive(Debug, Clone)]
pub struct Update {
    pub update_id: String,
    pub service_request_id: String,
    pub status: &'static str,
    pub updated_datetime: NaiveDateTime,
    pub description: &'static str,
}

/// The public steps in a period (the last day by default), oldest first, at most 1,000.
pub fn since(
    st: &Context,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> AppResult<Vec<Update>> {
    let now = st.clock.now();
    let end = end.unwrap_or(now);
    let start = start.unwrap_or(end - TimeDelta::days(1));
    let mut conn = st.pool.get()?;
    Ok(repo::open311::public_updates(
        &mut conn,
        &PUBLIC_ACTIONS,
        start.naive_utc(),
        end.naive_utc(),
        1000,
    )?
    .into_iter()
    .map(|u| Update {
        status: status_word(u.to_status.as_deref()),
        description: words(&u.action),
        update_id: u.event_id,
        service_request_id: u.code,
        updated_datetime: u.at,
    })
    .collect())
}
