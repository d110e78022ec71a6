//! Data subjects' requests (Law 91/2025/QH15): a reporter, signed in or holding a report's
//! follow-up token, asks for a copy of their data, its correction, the restriction of its
//! processing or its deletion, or withdraws a consent. A withdrawal takes effect as it arrives;
//! every other request waits for the privacy officer, with a clock of 2 working days on the
//! reports' calendar. Deciding a request and carrying it out is one transaction, and of two
//! officers deciding the same request one wins.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{ReportRow, SubjectRequestRow};
use crate::db::repo::privacy::RequestFilter;
use crate::db::{DbConn, new_id, repo};
use crate::domain::account::{normalize_email, normalize_phone};
use crate::domain::calendar::WorkingDuration;
use crate::domain::privacy::{ANSWER_WORKING_DAYS, Purpose, RequestKind, RequestStatus};
use crate::domain::report::plausible_cccd;
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::Act;

/// New values of the reporter's identity; what is left out stays.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Full name.
    #[validate(length(min = 2, max = 100))]
    #[schema(min_length = 2, max_length = 100)]
    pub full_name: Option<String>,
    /// Contact address.
    #[validate(length(min = 5, max = 300))]
    #[schema(min_length = 5, max_length = 300)]
    pub contact_address: Option<String>,
    /// Personal identity number (CCCD), 12 digits.
    #[validate(length(min = 12, max = 12))]
    #[schema(min_length = 12, max_length = 12, pattern = "^[0-9]{12}$")]
    pub cccd: Option<String>,
    /// Phone number.
    #[validate(length(min = 9, max = 20))]
    #[schema(min_length = 9, max_length = 20)]
    pub phone: Option<String>,
    /// E-mail address.
    #[validate(length(min = 3, max = 254))]
    #[schema(min_length = 3, max_length = 254)]
    pub email: Option<String>,
    /// Organisation.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub organization: Option<String>,
}

impl Correction {
    fn is_empty(&self) -> bool {
        self.full_name.is_none()
            && self.contact_address.is_none()
            && self.cccd.is_none()
            && self.phone.is_none()
            && self.email.is_none()
            && self.organization.is_none()
    }

    /// Normalised, or the errors of every field that is not valid.
    fn checked(mut self, now: DateTime<Utc>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(c) = &self.cccd
            && !plausible_cccd(c, now)
        {
            errors.push(crate::service::reports::intake::invalid_cccd(
                "correction.cccd",
            ));
        }
        if let Some(p) = &self.phone {
            match normalize_phone(p) {
                Some(p) => self.phone = Some(p),
                None => errors.push(FieldError::of(
                    "correction.phone",
                    "invalid_phone",
                    "Số điện thoại không đúng định dạng Việt Nam.",
                    "Not a Vietnamese phone number.",
                )),
            }
        }
        if let Some(e) = &self.email {
            match normalize_email(e) {
                Some(e) => self.email = Some(e),
                None => errors.push(FieldError::of(
                    "correction.email",
                    "invalid_email",
                    "Địa chỉ thư điện tử không hợp lệ.",
                    "Not a valid e-mail address.",
                )),
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// A data subject's request.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// What is asked.
    pub kind: RequestKind,
    /// For an account: the report it is about (default: every report the account filed).
    /// With a follow-up token it is the token's report.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub report_id: Option<String>,
    /// For `withdraw`: the consent withdrawn (`share_contact` or `public_name`).
    pub purpose: Option<Purpose>,
    /// Anything the reporter wants the officer to know (why, what exactly).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub details: Option<String>,
    /// For `correct`: the new values.
    #[validate(nested)]
    pub correction: Option<Correction>,
}

/// What is kept, sealed, of a request's free text and correction.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Sealed {
    pub details: Option<String>,
    pub correction: Option<Correction>,
}

/// A request as its requester and the officer see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestView {
    /// The request.
    pub id: String,
    /// What was asked.
    pub kind: RequestKind,
    /// Where it stands.
    pub status: RequestStatus,
    /// The report it is about; none for every report of the account.
    pub report_id: Option<String>,
    /// The consent withdrawn.
    pub purpose: Option<Purpose>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When it must be answered: 2 working days after it arrived.
    pub due_at: DateTime<Utc>,
    /// Still open after its due time.
    pub overdue: bool,
    /// When it was answered.
    pub handled_at: Option<DateTime<Utc>>,
    /// The answer: what was done, or why it was refused.
    pub answer: Option<String>,
}

/// A request as the privacy officer handles it: what the reporter wrote, and the reports it
/// reaches.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequestDetails {
    /// The request.
    #[serde(flatten)]
    pub request: RequestView,
    /// What the reporter wrote.
    pub details: Option<String>,
    /// For `correct`: the new values asked for.
    pub correction: Option<Correction>,
    /// Made through an account (`true`) or a follow-up token.
    pub by_account: bool,
    /// The tracking codes of the reports it reaches.
    pub report_codes: Vec<String>,
}

pub(super) fn view_of(r: &SubjectRequestRow, now: DateTime<Utc>) -> RequestView {
    let status = RequestStatus::parse(&r.status).unwrap_or(RequestStatus::Open);
    RequestView {
        id: r.id.clone(),
        kind: RequestKind::parse(&r.kind).unwrap_or(RequestKind::Copy),
        status,
        report_id: r.report_id.clone(),
        purpose: r.purpose.as_deref().and_then(Purpose::parse),
        received_at: r.received_at.and_utc(),
        due_at: r.due_at.and_utc(),
        overdue: status == RequestStatus::Open && r.due_at.and_utc() < now,
        handled_at: r.handled_at.map(|t| t.and_utc()),
        answer: r.answer.clone(),
    }
}

pub(super) fn sealed_of(r: &SubjectRequestRow) -> Sealed {
    r.details
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default()
}

pub fn request_not_found() -> AppError {
    AppError::not_found("yêu cầu về dữ liệu cá nhân", "Data subject request")
}

/// The reports a request reaches: one report, or every report the account filed.
pub(super) fn reports_of(c: &mut DbConn, r: &SubjectRequestRow) -> AppResult<Vec<ReportRow>> {
    Ok(match (&r.user_id, &r.report_id) {
        (_, Some(id)) => repo::reports::find(c, id)?.into_iter().collect(),
        (Some(u), None) => repo::privacy::reports_of_user(c, u)?,
        (None, None) => Vec::new(),
    })
}

/// Who asks: an account, or the holder of a report's follow-up token; and which report.
fn requester(
    c: &mut DbConn,
    who: &Principal,
    report_id: Option<&str>,
) -> AppResult<(Option<String>, Option<String>)> {
    if let Some(followed) = &who.follow_up {
        return Ok((None, Some(followed.clone())));
    }
    if who.role != Role::Citizen || !who.has_account() {
        return Err(AppError::forbidden());
    }
    if let Some(id) = report_id {
        let r = repo::reports::find(c, id)?
            .filter(|r| r.reporter_user_id.as_deref() == Some(who.user_id.as_str()))
            .ok_or_else(crate::service::reports::report_not_found)?;
        return Ok((Some(who.user_id.clone()), Some(r.id)));
    }
    Ok((Some(who.user_id.clone()), None))
}

fn field(name: &str, code: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(name.to_string(), code, Msg::new(vi, en))
}

/// Files a request; a withdrawal is carried out in the same transaction.
pub fn create(st: &Context, who: &Principal, input: RequestInput) -> AppResult<RequestView> {
    let now = st.clock.now();
    let mut errors = Vec::new();
    match (input.kind, input.purpose) {
        (RequestKind::Withdraw, None) => errors.push(field(
            "purpose",
            "required",
            "Cần nêu sự đồng ý muốn rút lại.",
            "Name the consent withdrawn.",
        )),
        (RequestKind::Withdraw, Some(p)) if !p.withdrawable() => errors.push(field(
            "purpose",
            "not_withdrawable",
            "Chỉ rút lại được sự đồng ý cho cơ quan xử lý xem thông tin liên hệ hoặc công khai họ tên; để dừng xử lý, hãy yêu cầu hạn chế hoặc xóa dữ liệu.",
            "Only share_contact and public_name can be withdrawn; to stop processing, ask to restrict or delete.",
        )),
        (k, Some(_)) if k != RequestKind::Withdraw => errors.push(field(
            "purpose",
            "not_allowed",
            "Chỉ yêu cầu rút lại sự đồng ý mới nêu mục đích.",
            "Only a withdrawal names a purpose.",
        )),
        _ => {}
    }
    let correction = match (input.kind, input.correction) {
        (RequestKind::Correct, Some(c)) if !c.is_empty() => match c.checked(now) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        (RequestKind::Correct, _) => {
            errors.push(field(
                "correction",
                "required",
                "Cần nêu ít nhất một thông tin cần sửa.",
                "Give at least one value to correct.",
            ));
            None
        }
        (_, Some(_)) => {
            errors.push(field(
                "correction",
                "not_allowed",
                "Chỉ yêu cầu sửa dữ liệu mới kèm thông tin sửa.",
                "Only a correction carries new values.",
            ));
            None
        }
        (_, None) => None,
    };
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut conn = st.pool.get()?;
    let cal = crate::service::calendar::current(st, &mut conn)?;
    // The answer is due 2 working days after the request arrived, on the reports' calendar.
    let due = cal
        .add_working(now, WorkingDuration::Days(ANSWER_WORKING_DAYS))
        .map_err(AppError::internal)?;
    let ctx = Act {
        st,
        who,
        now,
        cal,
        follow_up_token: Default::default(),
    };
    let sealed = Sealed {
        details: input.details.map(|d| d.trim().to_string()),
        correction,
    };
    st.report_write_tx(&mut conn, |c| {
        let (user_id, report_id) = requester(c, who, input.report_id.as_deref())?;
        let mut row = SubjectRequestRow {
            id: new_id(),
            kind: input.kind.as_str().to_string(),
            user_id,
            report_id,
            purpose: input.purpose.map(|p| p.as_str().to_string()),
            details: (sealed.details.is_some() || sealed.correction.is_some())
                .then(|| serde_json::to_string(&sealed).unwrap_or_default()),
            status: RequestStatus::Open.as_str().to_string(),
            received_at: now.naive_utc(),
            due_at: due.naive_utc(),
            handled_by: None,
            handled_at: None,
            answer: None,
            version: 0,
        };
        let reports = reports_of(c, &row)?;
        if reports.is_empty() && input.kind != RequestKind::Copy {
            return Err(AppError::conflict(
                "nothing_held",
                "Tài khoản chưa gửi phản ánh nào: không có dữ liệu để thực hiện yêu cầu này.",
                "The account filed no report: there is nothing for this request to act on.",
            ));
        }
        repo::privacy::insert_request(c, &st.vault, &row)?;
        if let (RequestKind::Withdraw, Some(p)) = (input.kind, input.purpose) {
            // Effective at once on what agencies and the public see.
            for r in &reports {
                super::decisions::withdraw(&ctx, c, r, p, &row.id)?;
            }
            let answer = "Đã rút lại sự đồng ý; có hiệu lực ngay.";
            repo::privacy::finish(
                c,
                &row.id,
                0,
                RequestStatus::Done.as_str(),
                None,
                now.naive_utc(),
                answer,
            )?;
            row.status = RequestStatus::Done.as_str().to_string();
            row.handled_at = Some(now.naive_utc());
            row.answer = Some(answer.to_string());
        }
        Ok(view_of(&row, now))
    })
}

/// The requester's own requests, the soonest due first.
pub fn mine(st: &Context, who: &Principal) -> AppResult<Vec<RequestView>> {
    let mut conn = st.pool.get()?;
    let filter = match &who.follow_up {
        Some(r) => RequestFilter {
            report_id: Some(r),
            ..Default::default()
        },
        None if who.role == Role::Citizen && who.has_account() => RequestFilter {
            user_id: Some(&who.user_id),
            ..Default::default()
        },
        None => return Err(AppError::forbidden()),
    };
    let now = st.clock.now();
    let rows = repo::privacy::requests(&mut conn, &st.vault, &filter, 500)?;
    // A token opens the report's requests that were made with a token, not the account's.
    Ok(rows
        .iter()
        .filter(|r| who.follow_up.is_none() || r.user_id.is_none())
        .map(|r| view_of(r, now))
        .collect())
}

/// The privacy officer's queue: by state (default: the open ones), the soonest due first.
pub fn queue(st: &Context, status: Option<RequestStatus>) -> AppResult<Vec<RequestView>> {
    let mut conn = st.pool.get()?;
    let status = status.unwrap_or(RequestStatus::Open);
    let now = st.clock.now();
    Ok(repo::privacy::requests(
        &mut conn,
        &st.vault,
        &RequestFilter {
            status: Some(status.as_str()),
            ..Default::default()
        },
        500,
    )?
    .iter()
    .map(|r| view_of(r, now))
    .collect())
}

/// One request, as the privacy officer handles it.
pub fn details(st: &Context, id: &str) -> AppResult<RequestDetails> {
    let mut conn = st.pool.get()?;
    let r = repo::privacy::request(&mut conn, &st.vault, id)?.ok_or_else(request_not_found)?;
    let reports = reports_of(&mut conn, &r)?;
    let sealed = sealed_of(&r);
    Ok(RequestDetails {
        request: view_of(&r, st.clock.now()),
        details: sealed.details,
        correction: sealed.correction,
        by_account: r.user_id.is_some(),
        report_codes: reports.into_iter().map(|r| r.code).collect(),
    })
}
