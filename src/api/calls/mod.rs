//! The 1022 switchboard (Art. 6.1a, 7.2, 8.6): `POST /api/v1/intake/calls` takes each call the
//! switchboard recorded (multipart, with the switchboard key, as an Asterisk or FreeSWITCH
//! dialplan sends it with `curl`); `/api/v1/calls` is the IOC's queue of calls: list, read, the
//! recording, claim, turn into a report, attach to a report, record an emergency forward;
//! `POST /api/v1/reports/by-phone` finds a caller's reports.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{
    Require, ValidJson, ValidQuery, declared_length, read_body, roles::Operator,
};
use crate::api::mailbox::check_key;

mod form;

use crate::api::report_views::{ReportSummary, ReportView};
use crate::api::state::AppState;
use crate::api::views::utc;
use crate::error::{AppError, AppResult, Problem};
use crate::service::channels::CallMeta;
use crate::service::channels::calls::{self as svc, AttachCall, CallQuery, ForwardCall, status};
use crate::service::reports::intake::NewReport;
use form::{CallForm, read_call};

/// The header that carries the switchboard's key.
pub const SWITCHBOARD_HEADER: &str = "switchboard-key";

/// A call of the switchboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallView {
    /// The call's id in PAHT.
    pub id: String,
    /// The switchboard's id of the call.
    pub call_id: Option<String>,
    /// The caller's number (staff only; never public).
    pub caller: String,
    /// The line called.
    pub line: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// When the call started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
    /// Taken after hours (by the recorder).
    pub after_hours: bool,
    /// When it takes its turn in the IOC's queue: the call's end, or for a call after hours
    /// the next office session (Art. 7.2). The dispatch clock of its report counts from here.
    pub queued_from: DateTime<Utc>,
    /// When the switchboard posted it.
    pub received_at: DateTime<Utc>,
    /// The recording's type (by its bytes), if there is one.
    pub recording_type: Option<String>,
    /// The recording's size, bytes.
    pub recording_size: Option<i64>,
    /// The recording's SHA-256.
    pub recording_sha256: Option<String>,
    /// `queued`, `logged`, `converted`, `attached` or `forwarded`.
    pub status: String,
    /// The report it became or was attached to.
    pub report_id: Option<String>,
    /// The agency an emergency was forwarded to (Art. 8.6).
    pub agency_id: Option<String>,
    /// The operator's note.
    pub note: Option<String>,
    /// The operator handling it.
    pub claimed_by: Option<String>,
    /// When it was claimed.
    pub claimed_at: Option<DateTime<Utc>>,
    /// The operator who handled it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<CallMeta> for CallView {
    fn from(c: CallMeta) -> Self {
        Self {
            id: c.id,
            call_id: c.switchboard_id,
            caller: c.caller,
            line: c.line,
            direction: c.direction,
            started_at: utc(c.started_at),
            ended_at: utc(c.ended_at),
            after_hours: c.after_hours,
            queued_from: utc(c.queued_from),
            received_at: utc(c.received_at),
            recording_type: c.recording_type,
            recording_size: c.recording_size,
            recording_sha256: c.recording_sha256,
            status: c.status,
            report_id: c.report_id,
            agency_id: c.agency_id,
            note: c.note,
            claimed_by: c.claimed_by,
            claimed_at: c.claimed_at.map(utc),
            decided_by: c.decided_by,
            decided_at: c.decided_at.map(utc),
        }
    }
}

/// Switchboard: a call it recorded, with its recording (`multipart/form-data`, the key in the
/// `Switchboard-Key` header). An inbound call waits in the IOC's queue, one after hours until
/// the next office session (Art. 7.2); an outbound one is logged. The same `call_id` posted
/// again answers the first call (200).
#[utoipa::path(tag = "intake", operation_id = "ingestCall", security(("switchboard_key" = [])),
    request_body(description = "The call and its recording.", content((CallForm = "multipart/form-data"))),
    responses((status = 201, description = "Kept.", body = CallView),
        (status = 200, description = "The same `call_id` was posted before: the first call.", body = CallView),
        (status = 401, description = "The switchboard key is wrong (`invalid_intake_key`).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No switchboard key is configured (`intake_not_configured`).", body = Problem, content_type = "application/problem+json")))]
#[post("/intake/calls")]
pub async fn ingest(
    st: Data<AppState>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
) -> AppResult<HttpResponse> {
    check_key(
        &req,
        SWITCHBOARD_HEADER,
        st.config.switchboard_key.as_deref(),
    )?;
    let multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    if !multipart {
        return Err(AppError::unsupported_media_type_of(
            "multipart/form-data".into(),
        ));
    }
    let limit = st.config.attachment_limit + 16 * 1024;
    let body = read_body(
        payload,
        declared_length(&req),
        limit,
        st.config.upload_timeout,
    )
    .await?;
    let call = read_call(&req, body).await?;
    let (c, duplicate) = block(move || svc::receive(&st, call)).await??;
    let v = CallView::from(c);
    Ok(if duplicate {
        HttpResponse::Ok().json(v)
    } else {
        HttpResponse::Created().json(v)
    })
}

/// A call with the reports its caller made before.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDetails {
    /// The call.
    #[serde(flatten)]
    pub call: CallView,
    /// The caller's reports (by the reporter's phone number), newest first, at most 20: a
    /// caller asking about their case.
    pub caller_reports: Vec<ReportSummary>,
}

/// A page of calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallPage {
    /// The calls of the page.
    pub items: Vec<CallView>,
    /// Calls matching the filter.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Filters and page of the calls.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallListQuery {
    /// `queued` (the default: the IOC's queue), `logged`, `converted`, `attached`,
    /// `forwarded`, or `all`.
    #[validate(custom(function = "call_status"))]
    #[param(pattern = "^(queued|logged|converted|attached|forwarded|all)$")]
    pub status: Option<String>,
    /// With `queued`: also the after-hours calls whose office session has not opened yet.
    pub waiting: Option<bool>,
    /// Only the calls of this number.
    #[validate(length(min = 1, max = 32))]
    #[param(min_length = 1, max_length = 32)]
    pub caller: Option<String>,
    /// Only the calls of this report.
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub report_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    #[validate(range(min = 0, max = 1_000_000))]
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: Option<i64>,
}

fn call_status(s: &str) -> Result<(), validator::ValidationError> {
    if s == "all" || status::ALL.contains(&s) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_value"))
    }
}

/// Operator: the calls in the order of the queue; by default the calls whose turn came.
#[utoipa::path(tag = "intake", operation_id = "listCalls", security(("bearer" = [])),
    params(CallListQuery),
    responses((status = 200, description = "A page of calls.", body = CallPage)))]
#[get("/calls")]
pub async fn list(
    st: Data<AppState>,
    who: Require<Operator>,
    q: ValidQuery<CallListQuery>,
) -> AppResult<Json<CallPage>> {
    let q = q.into_inner();
    let (limit, offset) = (q.limit.unwrap_or(50), q.offset.unwrap_or(0));
    let query = CallQuery {
        status: match q.status.as_deref() {
            None => Some(status::QUEUED.to_string()),
            Some("all") => None,
            Some(s) => Some(s.to_string()),
        },
        caller: q.caller,
        report_id: q.report_id,
        waiting: q.waiting.unwrap_or(false),
    };
    let (rows, total) = block(move || svc::list(&st, &who, query, limit, offset)).await??;
    Ok(Json(CallPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        limit,
        offset,
    }))
}

/// Operator: a call, with the reports its caller made before.
#[utoipa::path(tag = "intake", operation_id = "getCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, description = "The call.", body = CallDetails)))]
#[get("/calls/{id}")]
pub async fn get_one(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<Json<CallDetails>> {
    let now = st.clock.now();
    let (c, reports) = block(move || svc::get(&st, &who, &id)).await??;
    Ok(Json(CallDetails {
        call: c.into(),
        caller_reports: reports
            .into_iter()
            .map(|r| ReportSummary::new(r, now, true))
            .collect(),
    }))
}

/// Operator: the call's recording.
#[utoipa::path(tag = "intake", operation_id = "getCallRecording", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id"), crate::api::download::DownloadHeaders),
    responses((status = 200, description = "The recording, in its type.", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The range of the recording asked for (`Range`): a player seeks without the whole file.", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "The recording has the tag in `If-None-Match`."),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`).", body = Problem, content_type = "application/problem+json")))]
#[get("/calls/{id}/recording")]
pub async fn call_recording(
    req: actix_web::HttpRequest,
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let ask = crate::api::download::Conditions::of(&req);
    let (c, served) = block(move || {
        let (c, stored) = svc::recording(&st, &who, &id)?;
        ask.read(stored).map(|s| (c, s))
    })
    .await??;
    let name = c
        .recording_name
        .unwrap_or_else(|| format!("cuoc-goi-{}", c.id));
    Ok(served.respond(
        c.recording_type
            .as_deref()
            .unwrap_or("application/octet-stream"),
        &crate::api::download::attachment_disposition(&name),
        "private, no-store",
    ))
}

/// Operator: take a call to work on it; another operator's claim answers 409.
#[utoipa::path(tag = "intake", operation_id = "claimCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, description = "Claimed.", body = CallView),
        (status = 409, description = "Claimed by another operator (`already_claimed`), or already handled (`call_already_handled`).", body = Problem, content_type = "application/problem+json")))]
#[post("/calls/{id}/claim")]
pub async fn claim(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
) -> AppResult<Json<CallView>> {
    let c = block(move || svc::claim(&st, &who, &id)).await??;
    Ok(Json(c.into()))
}

/// Operator: turn a call into a report, completing what Art. 4 requires (`channel` is
/// `hotline`; an empty `reporter.phone` takes the caller's number). The recording is attached;
/// the dispatch clock counts from the call's turn in the queue (the next office session for a
/// call after hours). The caller receives the tracking code and the follow-up token by SMS.
#[utoipa::path(tag = "intake", operation_id = "convertCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")), request_body = NewReport,
    responses((status = 201, description = "The report, with `follow_up_token` (shown this once, to read out to the caller).", body = ReportView),
        (status = 409, description = "Claimed by another operator, already handled, or handled at the same time.", body = Problem, content_type = "application/problem+json")))]
#[post("/calls/{id}/report")]
pub async fn convert(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<NewReport>,
) -> AppResult<HttpResponse> {
    let input = body.into_inner();
    let out = block(move || svc::convert(&st, &who, &id, input)).await??;
    let v = out.details().clone();
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/reports/{}", v.report.id)))
        .json(ReportView::from(v)))
}

/// Operator: attach a call to a report (a caller asking about their case, or the IOC's call
/// back); the report's history names the call and its recording joins the report.
#[utoipa::path(tag = "intake", operation_id = "attachCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")), request_body = AttachCall,
    responses((status = 200, description = "Attached.", body = CallView),
        (status = 404, description = "No such call or report.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already handled, or claimed by another operator.", body = Problem, content_type = "application/problem+json")))]
#[post("/calls/{id}/attach")]
pub async fn attach(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<AttachCall>,
) -> AppResult<Json<CallView>> {
    let input = body.into_inner();
    let c = block(move || svc::attach(&st, &who, &id, input)).await??;
    Ok(Json(c.into()))
}

/// Operator: record a call as an emergency forwarded to the competent agency (Art. 8.6).
#[utoipa::path(tag = "intake", operation_id = "forwardCall", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")), request_body = ForwardCall,
    responses((status = 200, description = "Recorded.", body = CallView),
        (status = 409, description = "Already handled, or claimed by another operator.", body = Problem, content_type = "application/problem+json")))]
#[post("/calls/{id}/emergency")]
pub async fn forward(
    st: Data<AppState>,
    who: Require<Operator>,
    id: Path<String>,
    body: ValidJson<ForwardCall>,
) -> AppResult<Json<CallView>> {
    let input = body.into_inner();
    let c = block(move || svc::forward(&st, &who, &id, input)).await??;
    Ok(Json(c.into()))
}

/// A phone number to look up.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneLookup {
    /// A Vietnamese phone number, as a caller shows it.
    #[validate(length(min = 3, max = 32))]
    #[schema(example = "0918765432", min_length = 3, max_length = 32)]
    pub phone: String,
}

/// Operator: the reports whose reporter gave this phone number, newest first (at most 20). The
/// number travels in the body, so that no access log keeps it.
#[utoipa::path(tag = "intake", operation_id = "reportsByPhone", security(("bearer" = [])),
    request_body = PhoneLookup,
    responses((status = 200, description = "The reports.", body = Vec<ReportSummary>)))]
#[post("/reports/by-phone")]
pub async fn by_phone(
    st: Data<AppState>,
    who: Require<Operator>,
    body: ValidJson<PhoneLookup>,
) -> AppResult<Json<Vec<ReportSummary>>> {
    let now = st.clock.now();
    let phone = body.into_inner().phone;
    let rows = block(move || svc::reports_by_phone(&st, &who, &phone)).await??;
    Ok(Json(
        rows.into_iter()
            .map(|r| ReportSummary::new(r, now, true))
            .collect(),
    ))
}

/// An identity number to look up.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityLookup {
    /// The 12-digit citizen identity number (CCCD); spaces are ignored.
    #[validate(length(min = 12, max = 20))]
    #[schema(
        example = "094185001234",
        min_length = 12,
        max_length = 20,
        pattern = "^[0-9 ]{12,20}$"
    )]
    pub cccd: String,
}

/// Operator: the reports whose reporter gave this identity number, newest first (at most 20),
/// found through its blind index. The number travels in the body, so that no access log keeps
/// it.
#[utoipa::path(tag = "intake", operation_id = "reportsByIdentity", security(("bearer" = [])),
    request_body = IdentityLookup,
    responses((status = 200, description = "The reports.", body = Vec<ReportSummary>),
        (status = 422, description = "Not a valid identity number (`invalid_cccd`).", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/by-identity")]
pub async fn by_identity(
    st: Data<AppState>,
    who: Require<Operator>,
    body: ValidJson<IdentityLookup>,
) -> AppResult<Json<Vec<ReportSummary>>> {
    let now = st.clock.now();
    let cccd = body.into_inner().cccd;
    let rows = block(move || svc::reports_by_identity(&st, &who, &cccd)).await??;
    Ok(Json(
        rows.into_iter()
            .map(|r| ReportSummary::new(r, now, true))
            .collect(),
    ))
}
