//! Recognition (Art. 17): the head of a processing agency, or the IOC, proposes to the province
//! to recognise a reporter whose emergency report helped save people or property, or whose
//! suggestion proved useful (Art. 17.1), or a staff member who did outstanding work or found a
//! useful solution (Art. 17.2). The province reads the proposals of a period; the reporter's
//! identity follows the rules of Art. 4.5 there as everywhere.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{RecognitionRow, ReportChanges, ReporterRow, UserRow};
use crate::db::{new_id, repo, write_tx};
use crate::domain::directory::string_enum;
use crate::domain::roles::Role;
use crate::domain::visibility::Identity;
use crate::error::{AppError, AppResult, FieldError};
use crate::service::Context;
use crate::service::auth::Principal;

string_enum! {
    /// Who is proposed.
    Nominee {
        /// The reporter of a report (Art. 17.1).
        Reporter = "reporter",
        /// A staff member (Art. 17.2).
        Staff = "staff",
    }
}

string_enum! {
    /// Why (Art. 17.1–17.2).
    Ground {
        /// A reporter: an emergency report that served to save people or property in time.
        EmergencyRescue = "emergency_rescue",
        /// A reporter: a proposal, solution or initiative of real use.
        UsefulSuggestion = "useful_suggestion",
        /// Staff: the tasks of the regulation done outstandingly.
        OutstandingWork = "outstanding_work",
        /// Staff: a solution or initiative of real use in handling reports.
        Initiative = "initiative",
    }
}

impl Ground {
    fn fits(self, n: Nominee) -> bool {
        match n {
            Nominee::Reporter => matches!(self, Ground::EmergencyRescue | Ground::UsefulSuggestion),
            Nominee::Staff => matches!(self, Ground::OutstandingWork | Ground::Initiative),
        }
    }
}

/// A proposal.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecognitionInput {
    pub nominee: Nominee,
    pub ground: Ground,
    /// The report (required for a reporter; for staff, the report the work was on, if any).
    pub report_id: Option<String>,
    /// The staff member (staff only).
    pub user_id: Option<String>,
    /// What they did.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reason: String,
}

/// Proposes a recognition: an agency leader (for its own staff and the reports it works on) or
/// an IOC operator.
pub fn propose(st: &Context, who: &Principal, input: RecognitionInput) -> AppResult<String> {
    if !matches!(who.role, Role::AgencyLeader | Role::Operator) {
        return Err(AppError::forbidden());
    }
    let mut errors = Vec::new();
    if !input.ground.fits(input.nominee) {
        errors.push(FieldError::of(
            "ground",
            "ground_mismatch",
            "Lý do không phù hợp với đối tượng được đề xuất (Điều 17).",
            "The ground does not fit the nominee (Art. 17).",
        ));
    }
    match input.nominee {
        Nominee::Reporter if input.report_id.is_none() => errors.push(FieldError::of(
            "report_id",
            "required",
            "Trường này là bắt buộc.",
            "This field is required.",
        )),
        Nominee::Reporter if input.user_id.is_some() => errors.push(FieldError::of(
            "user_id",
            "not_allowed",
            "Người phản ánh được xác định qua phản ánh.",
            "A reporter is named by the report.",
        )),
        Nominee::Staff if input.user_id.is_none() => errors.push(FieldError::of(
            "user_id",
            "required",
            "Trường này là bắt buộc.",
            "This field is required.",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let now = st.clock.now().naive_utc();
    let id = new_id();
    let row = RecognitionRow {
        id: id.clone(),
        nominee: input.nominee.as_str().into(),
        ground: input.ground.as_str().into(),
        report_id: input.report_id.clone(),
        user_id: input.user_id.clone(),
        reason: input.reason.trim().to_string(),
        proposed_by: who.user_id.clone(),
        proposed_role: who.role.as_str().into(),
        proposed_agency_id: who.agency_id.clone(),
        proposed_at: now,
    };
    if let Some(uid) = &input.user_id {
        let mut conn = st.pool.get()?;
        let ok = repo::users::find(&mut conn, &st.vault, uid)?.is_some_and(|u| {
            u.role != Role::Citizen
                && !u.disabled
                && (who.role == Role::Operator || u.agency_id == who.agency_id)
        });
        if !ok {
            return Err(AppError::validation(vec![FieldError::of(
                "user_id",
                "not_a_member",
                "Phải là tài khoản cán bộ đang hoạt động (của cơ quan mình, với lãnh đạo cơ quan).",
                "Must be an active staff account (of one's own agency, for an agency leader).",
            )]));
        }
    }
    match &input.report_id {
        Some(rid) => crate::service::reports::act(st, who, rid, |ctx, c, r| {
            if input.ground == Ground::EmergencyRescue && !r.emergency {
                return Err(AppError::validation(vec![FieldError::of(
                    "ground",
                    "not_emergency",
                    "Phản ánh không phải phản ánh khẩn cấp (Điều 8.6).",
                    "The report is not an emergency (Art. 8.6).",
                )]));
            }
            repo::recognitions::insert(c, &row)?;
            ctx.event(c, &r, "recognition_proposed", None, None, None)?;
            ctx.save(c, &r, ReportChanges::default())
        })?,
        None => {
            let mut conn = st.pool.get()?;
            write_tx(&mut conn, |c| -> AppResult<()> {
                Ok(repo::recognitions::insert(c, &row)?)
            })?;
        }
    }
    Ok(id)
}

/// A proposal as the caller may see it.
pub struct Recognition {
    pub row: RecognitionRow,
    pub report_code: Option<String>,
    /// The reporter, as far as the caller may see them (Art. 4.5).
    pub reporter: Option<ReporterRow>,
    pub identity: Identity,
    pub staff: Option<UserRow>,
}

/// The proposals of a period (local dates, both included): for the province, the IOC and
/// admins all of them; for an agency leader its agency's.
pub fn list(
    st: &Context,
    who: &Principal,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Recognition>> {
    let agency = match who.role {
        Role::Province | Role::Operator | Role::Admin => None,
        Role::AgencyLeader => Some(who.agency_id.clone().ok_or_else(AppError::forbidden)?),
        _ => return Err(AppError::forbidden()),
    };
    let (start, end) = crate::service::statistics::bounds(from, to)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<Vec<Recognition>> {
        let rows = repo::recognitions::in_period(c, start, end, agency.as_deref())?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let report = match &row.report_id {
                Some(id) => repo::reports::find(c, id)?,
                None => None,
            };
            let mut identity = Identity::Hidden;
            let mut reporter = None;
            if row.nominee == Nominee::Reporter.as_str()
                && let Some(r) = &report
            {
                identity = crate::service::privacy::identity_of(c, who.role, false, r)?;
                if identity != Identity::Hidden {
                    reporter = repo::reports::reporter(c, &st.vault, &r.id)?;
                    if reporter.is_some() {
                        // Art. 3.4, 4.5: every read of the identity by staff is recorded.
                        read(c, &r.id, &who.user_id, now)?;
                    }
                    if identity == Identity::Contact
                        && let Some(p) = reporter.as_mut()
                    {
                        p.cccd.clear();
                    }
                }
            }
            let staff = match &row.user_id {
                Some(u) => repo::users::find(c, &st.vault, u)?,
                None => None,
            };
            out.push(Recognition {
                report_code: report.map(|r| r.code),
                reporter,
                identity,
                staff,
                row,
            });
        }
        Ok(out)
    })
}

fn read(
    c: &mut crate::db::DbConn,
    report_id: &str,
    user_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    repo::reports::record_identity_read(c, &new_id(), report_id, user_id, now)?;
    Ok(())
}
