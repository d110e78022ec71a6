//! Recognition (Art. 17): proposals by agency leaders and the IOC, read by the province.

use actix_web::web::{Data, Json, block};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{ValidJson, ValidQuery, de};
use crate::api::report_views::ReporterView;
use crate::api::state::AppState;
use crate::api::views::{MemberRef, utc};
use crate::domain::visibility::Identity;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::recognitions::{self as svc, Ground, Nominee, RecognitionInput};

/// A proposal for recognition, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionView {
    /// Proposal id.
    pub id: String,
    pub nominee: Nominee,
    pub ground: Ground,
    /// What they did.
    pub reason: String,
    /// The report it is about.
    pub report_id: Option<String>,
    /// Its tracking code.
    pub report_code: Option<String>,
    /// A reporter nominee, as far as the caller may see them (Art. 4.5): in full for the IOC,
    /// the name and contact for the processing agency with the reporter's consent, nothing for
    /// the province or admins (the IOC passes the identity on when the award is made).
    pub reporter: Option<ReporterView>,
    /// A staff nominee.
    pub staff: Option<MemberRef>,
    /// Who proposed it: `agency_leader` or `operator`.
    pub proposed_role: String,
    /// Their agency.
    pub proposed_agency_id: Option<String>,
    /// When.
    pub proposed_at: DateTime<Utc>,
}

impl From<svc::Recognition> for RecognitionView {
    fn from(x: svc::Recognition) -> Self {
        let full = x.identity == Identity::Full;
        let r = x.row;
        Self {
            nominee: Nominee::parse(&r.nominee).unwrap_or(Nominee::Reporter),
            ground: Ground::parse(&r.ground).unwrap_or(Ground::UsefulSuggestion),
            reporter: x.reporter.map(|p| ReporterView {
                full_name: p.full_name,
                contact_address: p.contact_address,
                cccd: full.then_some(p.cccd),
                phone: p.phone,
                email: p.email,
                organization: p.organization,
            }),
            staff: x.staff.map(|u| MemberRef {
                id: u.id,
                full_name: u.full_name,
            }),
            id: r.id,
            reason: r.reason,
            report_id: r.report_id,
            report_code: x.report_code,
            proposed_role: r.proposed_role,
            proposed_agency_id: r.proposed_agency_id,
            proposed_at: utc(r.proposed_at),
        }
    }
}

/// What was proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Proposed {
    /// The proposal's id.
    pub id: String,
}

/// Agency leader or IOC operator: propose a reporter (Art. 17.1: an emergency report that
/// helped save people or property, or a useful suggestion; `report_id` names them) or a staff
/// member (Art. 17.2: outstanding work or a useful solution; an agency leader proposes its own
/// staff) for recognition by the province.
#[utoipa::path(tag = "recognition", operation_id = "proposeRecognition", security(("bearer" = [])),
    request_body = RecognitionInput,
    responses((status = 201, description = "Proposed.", body = Proposed),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone changed the report at the same moment.", body = Problem, content_type = "application/problem+json")))]
#[post("/recognitions")]
pub async fn propose(
    st: Data<AppState>,
    who: Principal,
    body: ValidJson<RecognitionInput>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let id = block(move || svc::propose(&st, &who, b)).await??;
    Ok(HttpResponse::Created().json(Proposed { id }))
}

/// The period of a list.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First local date (default: 1 January of `to`'s year).
    #[serde(default, deserialize_with = "de::opt_date")]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local date, included (default: today).
    #[serde(default, deserialize_with = "de::opt_date")]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// The proposals of a period, oldest first: all of them for the province, the IOC and admins;
/// an agency leader's agency's own.
#[utoipa::path(tag = "recognition", operation_id = "listRecognitions", security(("bearer" = [])),
    params(PeriodParams),
    responses((status = 200, description = "The proposals.", body = Vec<RecognitionView>)))]
#[get("/recognitions")]
pub async fn list(
    st: Data<AppState>,
    who: Principal,
    q: ValidQuery<PeriodParams>,
) -> AppResult<Json<Vec<RecognitionView>>> {
    use chrono::Datelike;
    let q = q.into_inner();
    let today = crate::domain::calendar::local_date(st.clock.now());
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to - Duration::days(364))
    });
    let rows = block(move || svc::list(&st, &who, from, to)).await??;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
