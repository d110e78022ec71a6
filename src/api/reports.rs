//! `/api/v1/reports/*`: submission, verification and dispatch by the IOC, publication, the
//! reporter's supplement, feedback and rating, emergencies; lists and history.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery, de};
use crate::api::report_views::{DispatchView, EventView, ReportPage, ReportSummary, ReportView};
use crate::api::state::AppState;
use crate::domain::report::{Channel, ReportStatus};
use crate::error::{AppError, AppResult, FieldError, Msg, Problem};
use crate::service::auth::Principal;
use crate::service::records::ReportFilter;
use crate::service::reports::actions::{self, *};
use crate::service::reports::intake::{self, NewReport, Submitted, Supplement};
use crate::service::reports::queries::{self, Sort};

/// Loads the report after an action and answers it.
async fn view(st: Data<AppState>, who: Principal, id: String) -> AppResult<Json<ReportView>> {
    Ok(Json(
        block(move || queries::get(&st, &who, &id)).await??.into(),
    ))
}

/// Submit a report.
///
/// A citizen submits through `app` or `portal`; an operator enters a report received by
/// `email` or `hotline` on the citizen's behalf (Art. 7.2). An `Idempotency-Key` header makes a
/// retried submission answer the first report instead of creating a second (same key with a
/// different body → 422). The IOC's dispatch clock (4 working hours) starts now.
#[utoipa::path(tag = "reports", operation_id = "submitReport", security(("bearer" = [])), request_body = NewReport,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 100, pattern = "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$", description = "A client-chosen key (1–100 visible ASCII characters) that makes retries safe")),
    responses((status = 201, description = "Created (or, for a retried key, the first report with `Idempotent-Replayed: true`).", body = ReportView)))]
#[post("/reports")]
pub async fn submit(
    st: Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: ValidJson<NewReport>,
) -> AppResult<HttpResponse> {
    let key = match req.headers().get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 100)
                .map(str::to_string)
                .ok_or_else(|| {
                    AppError::bad_parameter(
                        "invalid_header",
                        vec![FieldError::new(
                            "Idempotency-Key",
                            "invalid_value",
                            Msg::new(
                                "Khóa phải có 1–100 ký tự.",
                                "The key must have 1–100 characters.",
                            ),
                        )],
                    )
                })?,
        ),
    };
    let b = body.into_inner();
    let (st2, who2) = (st.clone(), who.clone());
    let outcome = block(move || intake::submit(&st2, &who2, b, key.as_deref())).await??;
    let (row, replayed) = match outcome {
        Submitted::Created(r) => (r, false),
        Submitted::Replayed(r) => (r, true),
    };
    let id = row.id.clone();
    let v = block(move || queries::get(&st, &who, &id)).await??;
    let mut res = HttpResponse::Created();
    res.insert_header(("Location", format!("/api/v1/reports/{}", row.id)));
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(res.json(ReportView::from(v)))
}

/// Filters, order and page of a report list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// States, comma-separated (e.g. `submitted,accepted`).
    pub status: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Administrative unit code.
    pub admin_unit: Option<String>,
    /// Agency id (reports assigned to it).
    pub agency: Option<String>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Only reports with a running step past its deadline (`true`), or none (`false`).
    pub overdue: Option<bool>,
    /// Only emergencies (`true`, Art. 8.6), or none (`false`).
    pub emergency: Option<bool>,
    /// Only reports waiting for the province's decision on a referral (`true`, Art. 3.7), or
    /// none (`false`).
    pub referred: Option<bool>,
    /// Submitted at or after (RFC 3339).
    #[serde(default, deserialize_with = "de::opt_instant")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<DateTime<Utc>>,
    /// Submitted before (RFC 3339).
    #[serde(default, deserialize_with = "de::opt_instant")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<DateTime<Utc>>,
    /// Text in the code, title or content.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// `newest` (default) or `due` (soonest running deadline first: the IOC's queue).
    pub sort: Option<ListOrder>,
    /// From `next_cursor` of the previous page.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListOrder {
    /// Newest first (default).
    Newest,
    /// Soonest running deadline first.
    Due,
}

fn bad_query(field: &str, vi: &'static str, en: &'static str) -> AppError {
    AppError::bad_parameter(
        "invalid_query",
        vec![FieldError::new(field, "invalid_value", Msg::new(vi, en))],
    )
}

/// List the reports the caller may see: the IOC's queue, an agency's reports, a citizen's own,
/// a supervisor's view of the agencies below, with filters and cursor pagination.
#[utoipa::path(tag = "reports", operation_id = "listReports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "A page of reports.", body = ReportPage)))]
#[get("/reports")]
pub async fn list(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<ReportQuery>,
) -> AppResult<Json<ReportPage>> {
    let q = q.into_inner();
    let mut statuses = Vec::new();
    for s in q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let s = ReportStatus::parse(s)
            .ok_or_else(|| bad_query("status", "Trạng thái không hợp lệ.", "Unknown status."))?;
        statuses.push(s.as_str().to_string());
    }
    let sort = match q.sort.unwrap_or(ListOrder::Newest) {
        ListOrder::Newest => Sort::Newest,
        ListOrder::Due => Sort::DueSoonest,
    };
    let now = st.clock.now();
    let filter = ReportFilter {
        statuses,
        category: q.category,
        admin_unit: q.admin_unit,
        agency: q.agency,
        channel: q.channel.map(|c| c.as_str().to_string()),
        overdue_at: q.overdue.map(|o| (o, now.naive_utc())),
        emergency: q.emergency,
        referred: q.referred,
        submitted_from: q.from.map(|t| t.naive_utc()),
        submitted_to: q.to.map(|t| t.naive_utc()),
        text: q.q.filter(|t| !t.trim().is_empty()),
        public_only: false,
    };
    let limit = q.limit.unwrap_or(20);
    let cursor = q.cursor;
    let staff = who.role.is_staff();
    let (rows, next) =
        block(move || queries::list(&st, &who, filter, sort, cursor.as_deref(), limit)).await??;
    Ok(Json(ReportPage {
        items: rows
            .into_iter()
            .map(|r| ReportSummary::new(r, now, staff))
            .collect(),
        next_cursor: next,
    }))
}

/// One report, with what the caller may see of it. Staff reads of the reporter's identity are
/// recorded.
#[utoipa::path(tag = "reports", operation_id = "getReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report.", body = ReportView), (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}")]
pub async fn get_one(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<ReportView>> {
    view(st, who, id.into_inner()).await
}

/// The report's history: every action, who did it, from which state to which. Never edited.
#[utoipa::path(tag = "reports", operation_id = "listReportEvents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The events, oldest first.", body = Vec<EventView>), (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/events")]
pub async fn events(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<Json<Vec<EventView>>> {
    let id = id.into_inner();
    let rows = block(move || queries::events(&st, &who, &id)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

macro_rules! report_action {
    ($(#[$doc:meta])* $name:ident, $path:literal, $op:literal, $input:ty, $svc:path) => {
        $(#[$doc])*
        #[utoipa::path(tag = "reports", operation_id = $op, security(("bearer" = [])),
            params(("id" = String, Path, description = "Report id")), request_body = $input,
            responses((status = 200, description = "The report after the action.", body = ReportView),
                (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The report's state does not allow this (`invalid_state`), or someone acted first (`concurrent_update`).", body = Problem, content_type = "application/problem+json")))]
        #[post($path)]
        pub async fn $name(st: Data<AppState>, who: Principal, id: Path<String>, body: ValidJson<$input>) -> AppResult<Json<ReportView>> {
            let (id, b) = (id.into_inner(), body.into_inner());
            let (st2, who2, id2) = (st.clone(), who.clone(), id.clone());
            block(move || $svc(&st2, &who2, &id2, b)).await??;
            view(st, who, id).await
        }
    };
}

report_action!(
    /// Operator: accept a submitted report after verification (Art. 7.1–7.2), optionally with its
    /// spelling corrected (the original is kept) and flagged emergency or state secret.
    accept, "/reports/{id}/accept", "acceptReport", AcceptInput, actions::accept
);
report_action!(
    /// Operator: correct the spelling of the content; the original stays (Art. 7.2).
    correct, "/reports/{id}/correction", "correctReport", CorrectionInput, actions::correct
);
report_action!(
    /// Operator: mark or unmark emergency (Art. 8.6) and state secret (Art. 9.3c).
    flags, "/reports/{id}/flags", "setReportFlags", FlagsInput, actions::set_flags
);
report_action!(
    /// Operator: ask the reporter to supplement (Art. 7.1); the dispatch clock stops until they do.
    request_info, "/reports/{id}/request-info", "requestReportInfo", RequestInfoInput, actions::request_info
);
report_action!(
    /// Reporter: supplement a report the IOC asked about; it returns to the IOC with a new
    /// dispatch clock.
    supplement, "/reports/{id}/supplement", "supplementReport", Supplement, intake::supplement
);
report_action!(
    /// Operator: refuse a report (complaints and denunciations, Art. 1.1c and 3.9; improper
    /// content, Art. 3.6; out of scope; duplicate; insufficient information).
    reject, "/reports/{id}/reject", "rejectReport", RejectInput, actions::reject
);
report_action!(
    /// Operator: forward for follow-up (Art. 7.4): to authorities for monitoring, or a
    /// constructive suggestion. No processing clock.
    forward, "/reports/{id}/forward", "forwardReport", ForwardInput, actions::forward
);
report_action!(
    /// Operator: no lead agency can be found; ask the province to designate one (Art. 3.8).
    escalate, "/reports/{id}/escalate", "escalateReport", RequestInfoInput, actions::escalate
);
report_action!(
    /// The lead agency or the IOC: refer a report in progress to the province, when the agencies
    /// cannot agree on how to handle it or handle it incompletely (Art. 3.7). One referral is
    /// open at a time.
    refer, "/reports/{id}/referral", "referReportToProvince", ReferralInput, actions::refer_to_province
);
report_action!(
    /// Province: decide a referral (Art. 3.7): direct the agencies (the work goes on), or
    /// designate the lead agency (the current agencies' work is withdrawn).
    decide_referral, "/reports/{id}/referral/decision", "decideReportReferral", ReferralDecisionInput, actions::decide_referral
);
report_action!(
    /// Operator: publish the approved result (Art. 9), within 4 working hours of its approval.
    /// Confidential results go to the reporter only; state-secret reports publish nothing.
    publish, "/reports/{id}/publication", "publishReport", Note, actions::publish
);
report_action!(
    /// Operator: return a result that has no answer to the lead agency's leader (Art. 9.4).
    return_result, "/reports/{id}/return-result", "returnReportResult", RequestInfoInput, actions::return_result
);
report_action!(
    /// Lead agency: clarify the result after the reporter's feedback (Art. 10.2, 2 working days).
    clarify, "/reports/{id}/clarification", "clarifyReport", ClarificationInput, actions::clarify
);
report_action!(
    /// Reporter: rate the published result (Art. 10.3); a new rating replaces the old one, and
    /// both stay in the history.
    rate, "/reports/{id}/rating", "rateReport", RatingInput, actions::rate
);
report_action!(
    /// Operator: record the emergency call forwarded to the competent agency (Art. 8.6 step 1).
    emergency_call, "/reports/{id}/emergency/call", "recordEmergencyCall", EmergencyCallInput, actions::emergency_call
);
report_action!(
    /// The emergency's agency: the work on the ground finished; 4 clock hours to record it
    /// (Art. 8.6 step 3).
    emergency_finished, "/reports/{id}/emergency/finished", "recordEmergencyFinished", EmergencyFinishedInput, actions::emergency_finished
);
report_action!(
    /// The emergency's agency: what was done on the ground (Art. 8.6 step 3).
    emergency_record, "/reports/{id}/emergency/record", "recordEmergencyHandling", EmergencyRecordInput, actions::emergency_record
);

/// Reporter: feedback on the published result (Art. 10.1). The lead agency must clarify within
/// 2 working days.
#[utoipa::path(tag = "reports", operation_id = "sendReportFeedback", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = FeedbackInput,
    responses((status = 201, description = "The report with the feedback.", body = ReportView),
        (status = 409, description = "The result is not published.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/feedback")]
pub async fn feedback(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<FeedbackInput>,
) -> AppResult<HttpResponse> {
    let (id, b) = (id.into_inner(), body.into_inner());
    let (st2, who2, id2) = (st.clone(), who.clone(), id.clone());
    block(move || actions::feedback(&st2, &who2, &id2, b)).await??;
    let v = view(st, who, id).await?;
    Ok(HttpResponse::Created().json(v.into_inner()))
}

/// Operator: dispatch an accepted report to its lead agency (Art. 7.3, within 4 working hours of
/// submission). The lead has 1 working day to take or return it and 6 to answer (Art. 8.1). An
/// agency that does not take part yet is flagged so the IOC can invite it.
#[utoipa::path(tag = "reports", operation_id = "dispatchReport", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = DispatchInput,
    responses((status = 201, description = "Dispatched.", body = DispatchView),
        (status = 409, description = "The report is not accepted.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/assignments")]
pub async fn dispatch(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<DispatchInput>,
) -> AppResult<HttpResponse> {
    dispatch_with(
        st,
        who,
        id.into_inner(),
        body.into_inner(),
        actions::dispatch,
    )
    .await
}

/// Province: designate the lead agency of an escalated report (Art. 3.8, 16.5).
#[utoipa::path(tag = "reports", operation_id = "designateLeadAgency", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")), request_body = DispatchInput,
    responses((status = 201, description = "Designated.", body = DispatchView),
        (status = 409, description = "The report is not awaiting designation.", body = Problem, content_type = "application/problem+json")))]
#[post("/reports/{id}/designation")]
pub async fn designate(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
    body: ValidJson<DispatchInput>,
) -> AppResult<HttpResponse> {
    dispatch_with(
        st,
        who,
        id.into_inner(),
        body.into_inner(),
        actions::designate,
    )
    .await
}

async fn dispatch_with(
    st: Data<AppState>,
    who: Principal,
    id: String,
    b: DispatchInput,
    f: fn(
        &crate::service::Context,
        &Principal,
        &str,
        DispatchInput,
    ) -> AppResult<actions::Dispatched>,
) -> AppResult<HttpResponse> {
    let (st2, who2, id2) = (st.clone(), who.clone(), id.clone());
    let d = block(move || f(&st2, &who2, &id2, b)).await??;
    let report = view(st, who, id).await?.into_inner();
    Ok(HttpResponse::Created().json(DispatchView {
        assignment_id: d.assignment_id,
        agency_not_participating: d.agency_not_participating,
        report,
    }))
}
