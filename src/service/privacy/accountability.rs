//! What the privacy officer keeps and reads to account for the processing (Law 91/2025/QH15,
//! Decree 356/2025/NĐ-CP): who read which identity and when; the inventory of processing for
//! the impact assessment; the incidents, with the subjects each may have reached and the
//! 72-hour notice to the authority.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::IncidentRow;
use crate::db::repo::privacy::ReadFilter;
use crate::db::{new_id, repo, write_tx};
use crate::error::{AppError, AppResult, Msg};
use crate::service::Context;
use crate::service::auth::Principal;

/// One read of a reporter's identity by staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityReadView {
    /// The report whose identity was read.
    pub report_id: String,
    /// Its tracking code.
    pub report_code: String,
    /// The reader's account.
    pub user_id: String,
    /// The reader's sign-in name.
    pub login: Option<String>,
    /// The reader's role.
    pub role: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Reads of identities in `[from, to]`, newest first; of one report (by its tracking code) or
/// one reader when asked.
pub fn identity_reads(
    st: &Context,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    report_code: Option<&str>,
    user_id: Option<&str>,
    limit: i64,
) -> AppResult<Vec<IdentityReadView>> {
    if to < from {
        return Err(AppError::invalid_field(
            "to",
            "before_from",
            Msg::new("Phải sau thời điểm bắt đầu.", "Must be after from."),
        ));
    }
    let mut conn = st.pool.get()?;
    let report_id = match report_code {
        Some(code) => match repo::reports::find_by_code(&mut conn, code)? {
            Some(r) => Some(r.id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let rows = repo::privacy::identity_reads(
        &mut conn,
        &ReadFilter {
            from: from.naive_utc(),
            to: to.naive_utc(),
            report_id: report_id.as_deref(),
            user_id,
        },
        limit,
    )?;
    Ok(rows
        .into_iter()
        .map(|r| IdentityReadView {
            report_id: r.report_id,
            report_code: r.report_code,
            user_id: r.user_id,
            login: r.login,
            role: r.role,
            at: r.at.and_utc(),
        })
        .collect())
}

/// One processing activity of the inventory.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingActivity {
    /// What data.
    pub data: &'static str,
    /// Where it is held and how.
    pub storage: &'static str,
    /// For what.
    pub purpose: &'static str,
    /// On what legal ground.
    pub legal_basis: &'static str,
    /// Who receives it.
    pub recipients: &'static str,
    /// How long it is kept, from this service's settings.
    pub retention: String,
}

/// The record of processing, for the impact assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingInventory {
    /// The controller.
    pub controller: &'static str,
    /// When this inventory was made (it follows the settings in force).
    pub generated_at: DateTime<Utc>,
    /// The version of the consent wording in force.
    pub consent_wording_version: &'static str,
    /// Working days to answer a data subject's request.
    pub request_answer_working_days: u32,
    /// Hours to notify the authority of an incident.
    pub incident_notice_hours: u32,
    /// The activities.
    pub activities: Vec<ProcessingActivity>,
}

fn kept(days: Option<u32>, from: &str) -> String {
    match days {
        Some(d) => format!("{d} ngày kể từ {from}"),
        None => "lưu giữ, không tự động xóa".to_string(),
    }
}

/// The inventory of processing as this service is configured.
pub fn inventory(st: &Context) -> ProcessingInventory {
    let r = st.config.retention;
    let ended = "khi kết thúc xử lý phản ánh";
    let sealed = "Cơ sở dữ liệu, mã hóa AES-256-GCM từng trường; tra cứu qua chỉ mục mù HMAC";
    ProcessingInventory {
        controller: "Trung tâm Giám sát, điều hành đô thị thông minh (IOC)",
        generated_at: st.clock.now(),
        consent_wording_version: crate::domain::privacy::WORDING_VERSION,
        request_answer_working_days: crate::domain::privacy::ANSWER_WORKING_DAYS,
        incident_notice_hours: NOTICE_HOURS,
        activities: vec![
            ProcessingActivity {
                data: "Họ tên, địa chỉ liên hệ, số định danh cá nhân, số điện thoại, thư điện tử, tổ chức của người phản ánh",
                storage: sealed,
                purpose: "Tiếp nhận, xác minh, xử lý và trả lời phản ánh (Điều 4.2, 7, 9)",
                legal_basis: "Sự đồng ý của người phản ánh; nhiệm vụ theo Quy chế khi không có đồng ý rõ ràng; khẩn cấp (Điều 8.6)",
                recipients: "Nhân sự tiếp nhận IOC; cơ quan xử lý khi người phản ánh đồng ý (Điều 4.5); người phụ trách bảo vệ dữ liệu",
                retention: kept(r.identity_days, ended),
            },
            ProcessingActivity {
                data: "Số điện thoại người gọi và ghi âm cuộc gọi đường dây nóng",
                storage: "Số gọi: mã hóa trong cơ sở dữ liệu; ghi âm: kho tệp",
                purpose: "Tiếp nhận phản ánh qua đường dây nóng; bằng chứng của sự đồng ý",
                legal_basis: "Sự đồng ý của người gọi; khẩn cấp (Điều 8.6)",
                recipients: "Nhân sự tiếp nhận IOC",
                retention: kept(r.recordings_days, "ngày gọi"),
            },
            ProcessingActivity {
                data: "Thư điện tử phản ánh (người gửi, nội dung, thư gốc)",
                storage: "Người gửi và nội dung: mã hóa trong cơ sở dữ liệu; thư gốc: kho tệp",
                purpose: "Tiếp nhận phản ánh qua thư điện tử",
                legal_basis: "Sự đồng ý của người gửi",
                recipients: "Nhân sự tiếp nhận IOC",
                retention: kept(r.identity_days, ended),
            },
            ProcessingActivity {
                data: "Người nhận văn bản trả lời (Kính gửi) và văn bản trả lời (Phụ lục I)",
                storage: "Kính gửi: mã hóa trong cơ sở dữ liệu; văn bản PDF: kho tệp, in lại khi đã xóa danh tính",
                purpose: "Trả lời người phản ánh (Điều 9.1, Phụ lục I)",
                legal_basis: "Nhiệm vụ theo Quy chế",
                recipients: "Người phản ánh; IOC; cơ quan xử lý; công chúng chỉ khi người phản ánh đồng ý công khai tên",
                retention: kept(r.identity_days, ended),
            },
            ProcessingActivity {
                data: "Hình ảnh, video, âm thanh đính kèm phản ánh",
                storage: "Kho tệp (mã hóa khi lưu của kho)",
                purpose: "Làm rõ nội dung phản ánh (Điều 4.3)",
                legal_basis: "Sự đồng ý của người phản ánh",
                recipients: "Nhân sự tiếp nhận IOC; cơ quan xử lý được giao",
                retention: kept(r.attachments_days, ended),
            },
            ProcessingActivity {
                data: "Nội dung phản ánh (tiêu đề, nội dung, địa điểm)",
                storage: "Cơ sở dữ liệu",
                purpose: "Xử lý, công khai kết quả (Điều 9) và thống kê (Điều 11)",
                legal_basis: "Nhiệm vụ theo Quy chế",
                recipients: "IOC; cơ quan xử lý; công chúng khi công khai (không kèm dữ liệu cá nhân)",
                retention: kept(r.report_days, ended),
            },
            ProcessingActivity {
                data: "Tài khoản công dân (họ tên, số điện thoại, thư điện tử)",
                storage: "Cơ sở dữ liệu; mật khẩu băm Argon2",
                purpose: "Đăng nhập, theo dõi phản ánh của mình",
                legal_basis: "Sự đồng ý khi đăng ký",
                recipients: "Quản trị hệ thống",
                retention: "đến khi người dùng yêu cầu xóa".to_string(),
            },
            ProcessingActivity {
                data: "Nhật ký xem thông tin người phản ánh",
                storage: "Cơ sở dữ liệu",
                purpose: "Trách nhiệm giải trình (Điều 4.5)",
                legal_basis: "Nghĩa vụ pháp lý của bên kiểm soát dữ liệu",
                recipients: "Người phụ trách bảo vệ dữ liệu",
                retention: "lưu giữ".to_string(),
            },
        ],
    }
}

/// Hours within which the authority is told of an incident.
pub const NOTICE_HOURS: u32 = 72;

/// An incident as it is recorded.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    /// What happened (no personal data: the affected subjects are listed by the service).
    #[validate(length(min = 5, max = 2000))]
    #[schema(min_length = 5, max_length = 2000)]
    pub summary: String,
    /// When it was detected (default: now); the 72-hour notice counts from it.
    pub detected_at: Option<DateTime<Utc>>,
    /// The start of the window in which personal data may have been reached.
    pub occurred_from: DateTime<Utc>,
    /// The end of that window.
    pub occurred_to: DateTime<Utc>,
    /// When the incident is one account's misuse (stolen credentials, an insider): that
    /// account; the affected subjects are then those whose identity it read in the window.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub account_id: Option<String>,
}

/// An incident and its notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    /// The incident.
    pub id: String,
    /// What happened.
    pub summary: String,
    /// When it was detected.
    pub detected_at: DateTime<Utc>,
    /// The window in which data may have been reached: from.
    pub occurred_from: DateTime<Utc>,
    /// The window: to.
    pub occurred_to: DateTime<Utc>,
    /// The account misused, when it is one.
    pub account_id: Option<String>,
    /// When the authority must be told: 72 hours after detection.
    pub notice_due_at: DateTime<Utc>,
    /// When it was told.
    pub notified_at: Option<DateTime<Utc>>,
    /// Not yet told, and past the 72 hours.
    pub notice_overdue: bool,
}

fn incident_view(r: IncidentRow, now: DateTime<Utc>) -> IncidentView {
    IncidentView {
        notice_overdue: r.notified_at.is_none() && r.notice_due_at.and_utc() < now,
        id: r.id,
        summary: r.summary,
        detected_at: r.detected_at.and_utc(),
        occurred_from: r.occurred_from.and_utc(),
        occurred_to: r.occurred_to.and_utc(),
        account_id: r.account_id,
        notice_due_at: r.notice_due_at.and_utc(),
        notified_at: r.notified_at.map(|t| t.and_utc()),
    }
}

fn incident_not_found() -> AppError {
    AppError::not_found("sự cố dữ liệu cá nhân", "Incident")
}

pub fn record_incident(
    st: &Context,
    who: &Principal,
    input: IncidentInput,
) -> AppResult<IncidentView> {
    let now = st.clock.now();
    let detected = input.detected_at.unwrap_or(now);
    let mut errors = Vec::new();
    if detected > now {
        errors.push(crate::error::FieldError::of(
            "detected_at",
            "in_future",
            "Không thể ở tương lai.",
            "Cannot be in the future.",
        ));
    }
    if input.occurred_to < input.occurred_from {
        errors.push(crate::error::FieldError::of(
            "occurred_to",
            "before_from",
            "Phải sau thời điểm bắt đầu.",
            "Must be after occurred_from.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        if let Some(a) = &input.account_id
            && repo::users::find(c, &st.vault, a)?.is_none()
        {
            return Err(AppError::invalid_field(
                "account_id",
                "unknown_account",
                Msg::new("Không có tài khoản này.", "No such account."),
            ));
        }
        let row = IncidentRow {
            id: new_id(),
            summary: input.summary.trim().to_string(),
            detected_at: detected.naive_utc(),
            occurred_from: input.occurred_from.naive_utc(),
            occurred_to: input.occurred_to.naive_utc(),
            account_id: input.account_id.clone(),
            notice_due_at: (detected + TimeDelta::hours(i64::from(NOTICE_HOURS))).naive_utc(),
            notified_at: None,
            recorded_by: who.user_id.clone(),
            recorded_at: now.naive_utc(),
            version: 0,
        };
        repo::privacy::insert_incident(c, &row)?;
        Ok(incident_view(row, now))
    })
}

pub fn incidents(st: &Context) -> AppResult<Vec<IncidentView>> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now();
    Ok(repo::privacy::incidents(&mut conn, 500)?
        .into_iter()
        .map(|r| incident_view(r, now))
        .collect())
}

/// Records that the authority was told (once).
pub fn notified(st: &Context, id: &str) -> AppResult<IncidentView> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now();
    write_tx(&mut conn, |c| {
        repo::privacy::incident(c, id)?.ok_or_else(incident_not_found)?;
        if !repo::privacy::mark_notified(c, id, now.naive_utc())? {
            return Err(AppError::conflict(
                "already_notified",
                "Sự cố này đã được thông báo.",
                "The authority was already told of this incident.",
            ));
        }
        let row = repo::privacy::incident(c, id)?.ok_or_else(incident_not_found)?;
        Ok(incident_view(row, now))
    })
}

/// A data subject an incident may have reached, with how to tell them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AffectedSubject {
    /// The report whose reporter it is.
    pub report_id: String,
    /// Its tracking code.
    pub report_code: String,
    /// The channel it came through.
    pub channel: String,
    /// The reporter's name (none once erased).
    pub full_name: Option<String>,
    /// Their phone.
    pub phone: Option<String>,
    /// Their e-mail.
    pub email: Option<String>,
}

/// A page of affected subjects.
#[derive(Debug, Serialize, ToSchema)]
pub struct AffectedPage {
    /// The subjects of this page.
    pub items: Vec<AffectedSubject>,
    /// Pass as `after` for the next page; none at the end.
    pub next: Option<String>,
}

/// The subjects an incident may have reached, a page at a time; each identity opened is a read
/// recorded like any other.
pub fn affected(
    st: &Context,
    who: &Principal,
    id: &str,
    after: Option<&str>,
    limit: i64,
) -> AppResult<AffectedPage> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    write_tx(&mut conn, |c| {
        let i = repo::privacy::incident(c, id)?.ok_or_else(incident_not_found)?;
        let mut rows = repo::privacy::affected(c, &i, after.unwrap_or(""), limit + 1)?;
        let next = (rows.len() as i64 > limit).then(|| rows[limit as usize - 1].0.clone());
        rows.truncate(limit as usize);
        let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let reps = repo::reports::reporters_in(c, &st.vault, &ids)?;
        let mut items = Vec::new();
        for (rid, code, channel) in rows {
            let rep = reps
                .iter()
                .find(|p| p.report_id == rid && !p.phone.is_empty());
            if rep.is_some() {
                repo::reports::record_identity_read(c, &new_id(), &rid, &who.user_id, now)?;
            }
            items.push(AffectedSubject {
                full_name: rep.map(|p| p.full_name.clone()),
                phone: rep.map(|p| p.phone.clone()),
                email: rep.and_then(|p| p.email.clone()),
                report_id: rid,
                report_code: code,
                channel,
            });
        }
        Ok(AffectedPage { items, next })
    })
}
