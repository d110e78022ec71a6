//! The copy a data subject asks for (Law 91/2025/QH15): everything PAHT holds about them, as
//! one JSON document: their account, each report they filed with the identity as held, the
//! consents and their withdrawals, the steps they may see, the files, the answer addressed to
//! them, who (by role) read their identity and when, and their requests.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::{ReportRow, SubjectRequestRow};
use crate::db::repo::privacy::{ReadFilter, RequestFilter};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::privacy::{RequestKind, RequestStatus};
use crate::domain::visibility::reporter_sees_step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

use super::consents::ConsentView;
use super::requests::{RequestView, reports_of, request_not_found};

/// The format of the document, for the programs that read it.
pub const FORMAT: &str = "paht-subject-export/1";

/// Everything held about one data subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectExport {
    /// `paht-subject-export/1`.
    #[schema(example = "paht-subject-export/1")]
    pub format: &'static str,
    /// When it was made.
    pub generated_at: DateTime<Utc>,
    /// The request it answers.
    pub request_id: String,
    /// The account, when the request came through one.
    pub account: Option<AccountData>,
    /// Each report, with the identity as held.
    pub reports: Vec<ReportData>,
    /// Every request of the subject about their data.
    pub requests: Vec<RequestView>,
}

/// The account as held (never the password's hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountData {
    /// The account.
    pub id: String,
    /// Sign-in name.
    pub username: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A report as held.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportData {
    /// The report.
    pub id: String,
    /// Tracking code.
    pub code: String,
    /// Channel it came through.
    pub channel: String,
    /// Its state.
    pub status: String,
    /// Title.
    pub title: String,
    /// Content as submitted.
    pub content: String,
    /// Content as corrected by the IOC (spelling, Art. 7.2).
    pub content_corrected: Option<String>,
    /// Category.
    pub category_code: String,
    /// Place.
    pub address: String,
    /// Administrative unit.
    pub admin_unit_code: String,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// When it happened.
    pub incident_at: Option<DateTime<Utc>>,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When its result was published.
    pub published_at: Option<DateTime<Utc>>,
    /// The reporter's identity as held; none once erased.
    pub reporter: Option<ReporterData>,
    /// Whether its processing is restricted.
    pub identity_restricted: bool,
    /// When the identity was erased.
    pub identity_erased_at: Option<DateTime<Utc>>,
    /// Every consent and basis recorded.
    pub consents: Vec<ConsentView>,
    /// The steps of its history the reporter sees.
    pub steps: Vec<StepData>,
    /// The files attached (their content through the report's attachment links).
    pub attachments: Vec<AttachmentData>,
    /// Each read of the identity by staff: when, and the reader's role.
    pub identity_reads: Vec<ReadData>,
    /// The answer addressed to the reporter, once it is published to them (Art. 9.3).
    pub answer: Option<AnswerData>,
}

/// The answer to a report, as addressed to its reporter (Annex I).
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerData {
    /// "Kính gửi": whom the answer is addressed to.
    pub addressee: String,
    /// The answer.
    pub answer: String,
    /// The letter's number and symbol (`N/ABBR`), when one was issued.
    pub letter_symbol: Option<String>,
}

/// The reporter's identity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterData {
    /// Full name.
    pub full_name: String,
    /// Contact address.
    pub contact_address: String,
    /// Personal identity number.
    pub cccd: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
}

/// A step of a report's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepData {
    /// When.
    pub at: DateTime<Utc>,
    /// What (`submitted`, `published`, `consent_withdrawn`, …).
    pub action: String,
}

/// A file attached to a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentData {
    /// The file.
    pub id: String,
    /// `image`, `video`, `audio`, `recording`, …
    pub kind: String,
    /// Its name.
    pub file_name: String,
    /// Its type.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// Its SHA-256.
    pub sha256: String,
    /// When it was attached.
    pub created_at: DateTime<Utc>,
}

/// A read of the identity by staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadData {
    /// When.
    pub at: DateTime<Utc>,
    /// The reader's role.
    pub role: String,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn report_data(c: &mut DbConn, st: &Context, r: ReportRow) -> AppResult<ReportData> {
    let reporter = repo::reports::reporter(c, &st.vault, &r.id)?;
    let erased = repo::privacy::erased_at(c, &r.id)?;
    let reads = repo::privacy::identity_reads(
        c,
        &ReadFilter {
            from: r.created_at - TimeDelta::days(1),
            to: st.clock.now().naive_utc() + TimeDelta::days(1),
            report_id: Some(&r.id),
            user_id: None,
        },
        10_000,
    )?;
    let answer = if crate::domain::visibility::answer_released(r.status) {
        answer_of(c, st, &r.id)?
    } else {
        None
    };
    Ok(ReportData {
        answer,
        reporter: reporter.filter(|_| erased.is_none()).map(|p| ReporterData {
            full_name: p.full_name,
            contact_address: p.contact_address,
            cccd: p.cccd,
            phone: p.phone,
            email: p.email,
            organization: p.organization,
        }),
        identity_restricted: repo::privacy::identity_restricted(c, &r.id)?,
        identity_erased_at: erased.map(utc),
        consents: repo::privacy::consents_of(c, std::slice::from_ref(&r.id))?
            .into_iter()
            .map(ConsentView::from)
            .collect(),
        steps: repo::reports::events_of(c, &r.id)?
            .into_iter()
            .filter(|e| reporter_sees_step(&e.action))
            .map(|e| StepData {
                at: utc(e.at),
                action: e.action,
            })
            .collect(),
        attachments: repo::reports::attachments_of(c, &r.id)?
            .into_iter()
            .map(|a| AttachmentData {
                id: a.id,
                kind: a.kind,
                file_name: a.file_name,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
                sha256: a.sha256,
                created_at: utc(a.created_at),
            })
            .collect(),
        identity_reads: reads
            .into_iter()
            .map(|x| ReadData {
                at: utc(x.at),
                role: x.role,
            })
            .collect(),
        id: r.id,
        code: r.code,
        channel: r.channel.as_str().to_string(),
        status: r.status.as_str().to_string(),
        title: r.title,
        content: r.content,
        content_corrected: r.content_corrected,
        category_code: r.category_code,
        address: r.address,
        admin_unit_code: r.admin_unit_code,
        latitude: r.latitude,
        longitude: r.longitude,
        incident_at: r.incident_at.map(utc),
        submitted_at: utc(r.submitted_at),
        published_at: r.published_at.map(utc),
    })
}

/// The lead agency's approved answer and its letter.
fn answer_of(c: &mut DbConn, st: &Context, report_id: &str) -> AppResult<Option<AnswerData>> {
    use crate::domain::report::{AssignmentRole, AssignmentStatus};
    let lead = repo::reports::assignments_of(c, report_id)?
        .into_iter()
        .find(|a| a.role == AssignmentRole::Lead && a.status == AssignmentStatus::Approved);
    let Some(a) = lead else {
        return Ok(None);
    };
    let a = repo::letters::open_result(&st.vault, a)?;
    let letter = repo::letters::latest_of(c, &st.vault, report_id)?;
    Ok(Some(AnswerData {
        addressee: a.result_addressee.unwrap_or_default(),
        answer: a.result_answer.unwrap_or_default(),
        letter_symbol: letter.map(|l| l.symbol),
    }))
}

fn build(c: &mut DbConn, st: &Context, req: &SubjectRequestRow) -> AppResult<SubjectExport> {
    let now = st.clock.now();
    let account = match &req.user_id {
        Some(u) => repo::users::find(c, &st.vault, u)?.map(|a| AccountData {
            id: a.id,
            username: a.username,
            full_name: a.full_name,
            phone: a.phone,
            email: a.email,
            created_at: utc(a.created_at),
        }),
        None => None,
    };
    let mut reports = Vec::new();
    for r in reports_of(c, req)? {
        reports.push(report_data(c, st, r)?);
    }
    let filter = match (&req.user_id, &req.report_id) {
        (Some(u), _) => RequestFilter {
            user_id: Some(u),
            ..Default::default()
        },
        (None, r) => RequestFilter {
            report_id: r.as_deref(),
            ..Default::default()
        },
    };
    let requests = repo::privacy::requests(c, &st.vault, &filter, 500)?
        .iter()
        .map(|r| super::requests::view_of(r, now))
        .collect();
    Ok(SubjectExport {
        format: FORMAT,
        generated_at: now,
        request_id: req.id.clone(),
        account,
        reports,
        requests,
    })
}

/// The export of a request's subject, for the privacy officer: each identity it opens is a read
/// recorded like any other (Art. 4.5).
pub fn for_officer(st: &Context, who: &Principal, id: &str) -> AppResult<SubjectExport> {
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let req = repo::privacy::request(c, &st.vault, id)?.ok_or_else(request_not_found)?;
        let out = build(c, st, &req)?;
        let at = st.clock.now().naive_utc();
        for r in out.reports.iter().filter(|r| r.reporter.is_some()) {
            repo::reports::record_identity_read(c, &new_id(), &r.id, &who.user_id, at)?;
        }
        Ok(out)
    })
}

/// The copy for its requester, once the privacy officer has carried out their `copy` request.
pub fn for_requester(st: &Context, who: &Principal, id: &str) -> AppResult<SubjectExport> {
    let mut conn = st.pool.get()?;
    let req = repo::privacy::request(&mut conn, &st.vault, id)?
        .filter(|r| match &who.follow_up {
            Some(report) => r.user_id.is_none() && r.report_id.as_deref() == Some(report),
            None => who.has_account() && r.user_id.as_deref() == Some(who.user_id.as_str()),
        })
        .ok_or_else(request_not_found)?;
    if req.kind != RequestKind::Copy.as_str() || req.status != RequestStatus::Done.as_str() {
        return Err(AppError::conflict(
            "copy_not_ready",
            "Bản sao dữ liệu chỉ có khi yêu cầu cung cấp bản sao đã được thực hiện.",
            "The copy is there once a copy request has been carried out.",
        ));
    }
    build(&mut conn, st, &req)
}
