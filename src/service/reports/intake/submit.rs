//! A report's submission: checked, numbered with a gapless tracking code, its dispatch clock
//! started (Art. 7.3: 4 working hours); a retried `Idempotency-Key` answers the first report.

use chrono::Datelike;
use sha2::{Digest, Sha256};

use crate::db::models::{IdempotencyRow, ReportRow, ReporterRow};
use crate::db::{new_id, repo};
use crate::domain::report::{Channel, ReportStatus, tracking_code};
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::Act;
use crate::service::reports::queries::{ReportDetails, details, new_report_view};
use crate::service::stat_counts;

use super::*;

/// How a submission ended, with the report as the submitter sees it.
pub enum Submitted {
    Created(Box<ReportDetails>),
    /// The same `Idempotency-Key` and body were seen before: the first report.
    Replayed(Box<ReportDetails>),
}

impl Submitted {
    /// The report, created or replayed.
    pub fn details(&self) -> &ReportDetails {
        match self {
            Submitted::Created(d) | Submitted::Replayed(d) => d,
        }
    }
}

fn idempotency_mismatch() -> AppError {
    AppError::unprocessable(
        "idempotency_key_reused",
        "Idempotency-Key này đã được dùng cho một phản ánh có nội dung khác.",
        "This Idempotency-Key was already used for a different report.",
    )
}

/// A submission whose fields passed every check that needs no database.
pub struct Checked {
    input: NewReport,
    channel: Channel,
    reporter: ReporterInput,
    /// The hash of the body (for the idempotency key).
    hash: String,
    now: chrono::DateTime<chrono::Utc>,
}

impl Checked {
    /// The same submission through another channel a guest may use (Open311).
    pub fn through(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self
    }
}

/// Submits a report ([`check_submission`], then [`submit_checked`]).
pub fn submit(
    st: &Context,
    who: &Principal,
    input: NewReport,
    idempotency_key: Option<&str>,
) -> AppResult<Submitted> {
    let checked = check_submission(st, who, input)?;
    submit_checked(st, who, checked, idempotency_key)
}

/// Checks what a submission holds without the database (the channel of the role, the text,
/// the place, the reporter), so that a refused body costs neither a database connection nor a
/// thread of the blocking pool.
pub fn check_submission(st: &Context, who: &Principal, input: NewReport) -> AppResult<Checked> {
    let now = st.clock.now();
    let channel = match (who.role, input.channel) {
        // A guest (no account) reports through the portal.
        (Role::Citizen, None | Some(Channel::Portal)) if !who.has_account() => Channel::Portal,
        (Role::Citizen, _) if !who.has_account() => {
            return Err(AppError::validation(vec![FieldError::of(
                "channel",
                "channel_not_allowed",
                "Người phản ánh không có tài khoản gửi qua cổng thông tin (portal).",
                "A reporter without an account submits through the portal.",
            )]));
        }
        (Role::Citizen, None) => Channel::App,
        (Role::Citizen, Some(c @ (Channel::App | Channel::Portal))) => c,
        (Role::Operator, Some(c @ (Channel::Email | Channel::Hotline))) => c,
        (Role::Citizen | Role::Operator, _) => {
            return Err(AppError::validation(vec![FieldError::of(
                "channel",
                "channel_not_allowed",
                "Công dân gửi qua app hoặc portal; nhân sự tiếp nhận nhập phản ánh nhận qua email hoặc hotline.",
                "Citizens submit through app or portal; operators enter reports received by email or hotline.",
            )]));
        }
        _ => return Err(AppError::forbidden()),
    };
    let mut errors = Vec::new();
    let reporter = check(st, &input, now, &mut errors);
    // Everything that can refuse the report is checked before the write lock is taken, so
    // refusals never queue behind real writes; a body whose fields are wrong is refused
    // without a database read (the category and the unit are checked once the fields are
    // right).
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let hash = {
        let body = serde_json::to_vec(&input).map_err(AppError::internal)?;
        format!("{:x}", Sha256::digest(&body))
    };
    Ok(Checked {
        input,
        channel,
        reporter,
        hash,
        now,
    })
}

/// Where a report entered by an operator came from: the instant it arrived (the dispatch clock
/// counts from it, Art. 7.2–7.3), what the event names (the message, the call), and what the
/// submission's transaction must also write (the message or the call marked as converted, its
/// files attached), so that a report and its origin are one write.
pub struct Origin<'a> {
    pub arrived_at: chrono::DateTime<chrono::Utc>,
    pub note: String,
    /// What the reporter's consent came with, for its record (Law 91/2025/QH15): the call and
    /// its recording's digest, the e-mail, the Open311 client.
    pub proof: String,
    #[allow(clippy::type_complexity)]
    pub link: Box<dyn FnOnce(&Act<'_>, &mut crate::db::DbConn, &ReportRow) -> AppResult<()> + 'a>,
}

/// Submits a checked report. The tracking code is the next of the year (local time), handed
/// out in the transaction that inserts the report, so codes are unique and without gaps. The
/// dispatch clock (4 working hours, Annex II step 1) starts at submission.
pub fn submit_checked(
    st: &Context,
    who: &Principal,
    checked: Checked,
    idempotency_key: Option<&str>,
) -> AppResult<Submitted> {
    submit_from(st, who, checked, idempotency_key, None)
}

/// As [`submit_checked`], for a report that came through a channel the IOC reads (an e-mail, a
/// call): its clock starts when it arrived, and `origin.link` runs in the same transaction.
pub fn submit_from(
    st: &Context,
    who: &Principal,
    checked: Checked,
    idempotency_key: Option<&str>,
    origin: Option<Origin<'_>>,
) -> AppResult<Submitted> {
    let Checked {
        input,
        channel,
        reporter,
        hash,
        now,
    } = checked;
    let mut errors = Vec::new();
    let mut conn = st.pool.get()?;
    check_directory(
        &mut conn,
        &input.category_code,
        &input.admin_unit_code,
        now,
        &mut errors,
    )?;
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let ctx = Act {
        st,
        who,
        now,
        cal,
        follow_up_token: Default::default(),
    };
    let outcome = st.report_write_tx(&mut conn, |c| -> Result<Submitted, Abort> {
        if let Some(key) = idempotency_key.filter(|_| who.has_account())
            && let Some(prev) = repo::reports::idempotency(c, &who.user_id, key)?
        {
            if prev.request_hash != hash {
                return Err(idempotency_mismatch().into());
            }
            let r = repo::reports::find(c, &prev.report_id)?
                .ok_or_else(crate::service::reports::report_not_found)?;
            return Ok(Submitted::Replayed(Box::new(details(
                c, &st.vault, who, r, now,
            )?)));
        }
        let nowv = now.naive_utc();
        let id = new_id();
        // Art. 7.2: a message or a call is received when it arrived (a call after hours: its
        // working time starts with the next office session).
        let arrived = origin.as_ref().map_or(now, |o| o.arrived_at.min(now));
        // Annex II step 1: receive and dispatch within 4 working hours of submission.
        let clock = ctx.clock(&id, Step::Dispatch, None, arrived)?;
        let mut row = ReportRow {
            // The tracking code is handed out last (below), so the counter's row is locked only
            // for the end of the transaction; until then the report carries its id.
            code: id.clone(),
            id,
            channel,
            status: ReportStatus::Submitted,
            title: input.title.trim().to_string(),
            content: input.content.trim().to_string(),
            content_corrected: None,
            category_code: input.category_code.clone(),
            address: input.address.trim().to_string(),
            admin_unit_code: input.admin_unit_code.clone(),
            latitude: input.latitude,
            longitude: input.longitude,
            incident_at: input.incident_at.map(|t| t.naive_utc()),
            reporter_user_id: (who.role == Role::Citizen)
                .then(|| who.actor_id())
                .flatten(),
            consent_share_contact: input.consent_share_contact,
            consent_public_name: input.consent_public_name,
            confidential: input.confidential,
            emergency: false,
            state_secret: false,
            entered_by: (who.role == Role::Operator).then(|| who.user_id.clone()),
            lead_agency_id: None,
            rejection_reason: None,
            forward_kind: None,
            forward_agency_id: None,
            rating: None,
            extension_used: false,
            next_due_at: Some(clock.due_at),
            submitted_at: arrived.naive_utc(),
            published_at: None,
            version: 0,
            created_at: nowv,
            updated_at: nowv,
        };
        let rep = ReporterRow {
            report_id: row.id.clone(),
            full_name: reporter.full_name.clone(),
            contact_address: reporter.contact_address.clone(),
            cccd: reporter.cccd.clone(),
            phone: reporter.phone.clone(),
            email: reporter.email.clone(),
            organization: reporter.organization.clone(),
        };
        // Every row of a new report is known here: it is written without reading anything
        // back (its deadline, its first event and its statistics facts are computed).
        repo::reports::insert(c, &st.vault, &row, &rep)?;
        repo::reports::insert_clock(c, &clock)?;
        // Law 91/2025/QH15, Art. 4.5: every purpose's choice, with its wording, channel and
        // proof, in the report's transaction.
        crate::service::privacy::consents::at_submission(
            c,
            who,
            &row,
            &crate::service::privacy::consents::Choices {
                processing: input.consent_processing,
                wording: input.consent_wording.clone(),
                share_contact: input.consent_share_contact,
                public_name: input.consent_public_name,
                confidential: input.confidential,
            },
            origin.as_ref().map(|o| o.proof.clone()),
            now,
        )?;
        let mut submitted = ctx.event_row(
            &row,
            "submitted",
            Some(ReportStatus::Submitted),
            None,
            Some(match &origin {
                Some(o) => format!("channel: {}; {}", channel.as_str(), o.note),
                None => format!("channel: {}", channel.as_str()),
            }),
        );
        submitted.seq = 1;
        repo::reports::insert_event(c, &submitted)?;
        if let Some(key) = idempotency_key.filter(|_| who.has_account()) {
            let written = repo::reports::insert_idempotency(
                c,
                &IdempotencyRow {
                    user_id: who.user_id.clone(),
                    key: key.to_string(),
                    request_hash: hash.clone(),
                    report_id: row.id.clone(),
                    created_at: nowv,
                },
            )?;
            if written == repo::reports::Inserted::Exists {
                // A concurrent submission with the same key committed first: undo this one.
                return Err(Abort::KeyTaken);
            }
        }
        let facts = stat_counts::Facts {
            report: Some(row.clone()),
            clocks: vec![clock.clone()],
            ..stat_counts::Facts::none()
        };
        stat_counts::record(c, &stat_counts::Facts::none(), &facts)?;
        // The tracking code: the next of the year (local time), in this transaction, so codes
        // are unique and without gaps (a rolled-back submission gives its number back).
        let year = now
            .with_timezone(&crate::domain::calendar::TIME_ZONE)
            .year();
        let seq = repo::counters::next(c, &format!("report_seq:{year}"))?;
        row.code = tracking_code(year, seq);
        repo::reports::set_code(c, &row.id, &row.code, &row.search_texts(None))?;
        // Art. 7.1, 10: the follow-up token, for a reporter without an account (and for anyone
        // who would rather not sign in).
        let token =
            crate::service::reports::follow_up::issue(c, &row.id, who.actor_id().as_deref(), now)?;
        if let Some(o) = origin {
            (o.link)(&ctx, c, &row)?;
        }
        // The reporter's acknowledgement with the tracking code and the token, in this
        // transaction.
        crate::service::notify::plan_after_with(st, c, &row.id, 0, Some(&token))?;
        // A guest sees the report as its follower does.
        let follower;
        let viewer = if who.has_account() {
            who
        } else {
            follower = Principal::follower(&row.id);
            &follower
        };
        let mut view = match new_report_view(viewer, &row, &rep, &clock, now) {
            Some(v) => v,
            None => details(c, &st.vault, viewer, row, now)?,
        };
        view.follow_up_token = Some(token);
        Ok(Submitted::Created(Box::new(view)))
    });
    match outcome {
        Ok(s) => Ok(s),
        Err(Abort::Failed(e)) => Err(e),
        // A concurrent submission with the same key won: answer with its report.
        Err(Abort::KeyTaken) => {
            let key = idempotency_key.unwrap_or_default();
            let prev = repo::reports::idempotency(&mut conn, &who.user_id, key)?
                .ok_or_else(|| AppError::internal("key vanished"))?;
            if prev.request_hash != hash {
                return Err(idempotency_mismatch());
            }
            let r = repo::reports::find(&mut conn, &prev.report_id)?
                .ok_or_else(crate::service::reports::report_not_found)?;
            Ok(Submitted::Replayed(Box::new(details(
                &mut conn, &st.vault, who, r, now,
            )?)))
        }
    }
}

/// Why a submission's transaction ends without a report.
enum Abort {
    Failed(AppError),
    /// The idempotency key was recorded by a concurrent submission.
    KeyTaken,
}

impl From<AppError> for Abort {
    fn from(e: AppError) -> Self {
        Abort::Failed(e)
    }
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}
