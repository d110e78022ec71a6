//! The report lifecycle (Art. 3–10, Annex II): one module per part of the story.
//!
//! Every action runs in one write transaction: it loads the report, checks that the caller may
//! see it (404 otherwise: no object is reachable by guessing its id) and act on it (403), asks
//! the domain whether the state allows the action (409 otherwise), starts and stops the step
//! clocks, appends an event, and saves the report with a conditional update on its version —
//! so of two concurrent actions on one report, one wins and the other gets 409.

pub mod actions;
pub mod assignments;
pub mod dossier;
pub mod duplicates;
pub mod files;
pub mod follow_up;
pub mod intake;
pub mod map;
pub mod queries;
pub mod search;
pub mod sweeper;

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::db::models::{AssignmentRow, ClockRow, EventRow, ReportChanges, ReportRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::calendar::WorkingCalendar;
use crate::domain::report::{AssignmentStatus, ReportStatus, Transition};
use crate::domain::roles::Role;
use crate::domain::steps::{Limit, Step, rule};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::stat_counts::{self, Facts};

pub fn report_not_found() -> AppError {
    AppError::not_found("phản ánh", "Report")
}

pub fn assignment_not_found() -> AppError {
    AppError::not_found("nhiệm vụ xử lý", "Assignment")
}

/// 409 for an action the report's current state does not allow.
pub fn wrong_state(status: &str) -> AppError {
    AppError::conflict(
        "invalid_state",
        format!("Phản ánh đang ở trạng thái '{status}', không thể thực hiện thao tác này."),
        format!("The report is '{status}'; this action is not allowed in that state."),
    )
}

/// The state a transition reaches from the report's state, or 409.
pub fn transition(r: &ReportRow, t: Transition) -> AppResult<ReportStatus> {
    t.apply(r.status)
        .ok_or_else(|| wrong_state(r.status.as_str()))
}

/// Who acts as the reporter (supplement, feedback, rating).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsReporter {
    /// The reporter: their account, or their follow-up token.
    Themselves,
    /// An operator recording what a reporter without an account said on the phone or wrote
    /// (Art. 7.2: the IOC enters what arrives through the hotline and by e-mail).
    OnBehalf,
}

impl AsReporter {
    /// The note of the event: that an operator recorded it, and from what.
    pub fn note(self, what: Option<String>, source: Option<&str>) -> Option<String> {
        match self {
            AsReporter::Themselves => what,
            AsReporter::OnBehalf => {
                let mut n = "Nhân sự tiếp nhận ghi nhận thay người phản ánh".to_string();
                if let Some(s) = source {
                    n.push_str(&format!(" ({s})"));
                }
                if let Some(w) = what {
                    n.push_str(&format!(": {w}"));
                }
                Some(n)
            }
        }
    }
}

/// What an action for a reporter came from: the call named by `call_id` (an operator recording
/// what a caller said, Art. 7.2), else `source`. A reporter acting themselves names no call.
pub fn source_of(
    conn: &mut DbConn,
    by: AsReporter,
    call_id: Option<&str>,
    source: Option<&str>,
) -> AppResult<Option<String>> {
    let Some(id) = call_id else {
        return Ok(source.map(str::to_string));
    };
    if by != AsReporter::OnBehalf {
        return Err(AppError::invalid_field(
            "call_id",
            "not_allowed",
            crate::error::Msg::new(
                "Chỉ nhân sự tiếp nhận ghi nhận thay người gọi mới nêu cuộc gọi.",
                "Only an operator recording for a caller names a call.",
            ),
        ));
    }
    if !repo::channels::call_exists(conn, id)? {
        return Err(AppError::invalid_field(
            "call_id",
            "unknown_call",
            crate::error::Msg::new("Không có cuộc gọi này.", "No such call."),
        ));
    }
    Ok(Some(format!("cuộc gọi {id}")))
}

/// Whether the caller may act as the report's reporter: the reporter, or an operator for a
/// reporter without an account (403 otherwise).
pub fn as_reporter(who: &Principal, r: &ReportRow) -> AppResult<AsReporter> {
    if who.is_reporter_of(&r.id, r.reporter_user_id.as_deref()) {
        Ok(AsReporter::Themselves)
    } else if who.role == Role::Operator && r.reporter_user_id.is_none() {
        Ok(AsReporter::OnBehalf)
    } else {
        Err(AppError::forbidden())
    }
}

/// Whether the caller may see the report at all.
pub fn visible(conn: &mut DbConn, who: &Principal, r: &ReportRow) -> AppResult<bool> {
    Ok(match who.role {
        Role::Operator | Role::Province | Role::Admin | Role::PrivacyOfficer => true,
        Role::Citizen => who.is_reporter_of(&r.id, r.reporter_user_id.as_deref()),
        Role::AgencyStaff | Role::AgencyLeader | Role::Supervisor => {
            let Some(mine) = &who.agency_id else {
                return Ok(false);
            };
            let agencies = if who.role == Role::Supervisor {
                repo::agencies::with_descendants(conn, mine)?
            } else {
                vec![mine.clone()]
            };
            let assigned = repo::reports::assignments_of(conn, &r.id)?.iter().any(|a| {
                a.status != AssignmentStatus::Cancelled && agencies.contains(&a.agency_id)
            });
            // The agency an emergency call went to reaches the report through it (Art. 8.6).
            assigned
                || repo::reports::emergency(conn, &r.id)?
                    .is_some_and(|e| agencies.contains(&e.agency_id))
        }
    })
}

/// Loads a report the caller may see, or 404.
pub fn load_visible(conn: &mut DbConn, who: &Principal, id: &str) -> AppResult<ReportRow> {
    let r = repo::reports::find(conn, id)?.ok_or_else(report_not_found)?;
    if !visible(conn, who, &r)? {
        return Err(report_not_found());
    }
    Ok(r)
}

/// The context of one action: the state, the caller, the instant, the calendar.
pub struct Act<'a> {
    pub st: &'a Context,
    pub who: &'a Principal,
    pub now: DateTime<Utc>,
    pub cal: Arc<WorkingCalendar>,
    /// A follow-up token issued by the action, for the message that carries it to the reporter.
    pub follow_up_token: std::cell::RefCell<Option<String>>,
}

impl Act<'_> {
    pub fn now_naive(&self) -> NaiveDateTime {
        self.now.naive_utc()
    }

    /// The deadline of a step whose clock starts at `start`.
    pub fn due(&self, step: Step, start: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
        match rule(step).limit {
            Limit::Working(d) => self.cal.add_working(start, d).map_err(AppError::internal),
            Limit::ClockHours(h) => Ok(start + TimeDelta::hours(i64::from(h))),
        }
    }

    /// Starts the clock of a step: its deadline is fixed now, from the step table and the
    /// calendar in force (a later calendar change does not move it).
    pub fn start_clock(
        &self,
        conn: &mut DbConn,
        report_id: &str,
        step: Step,
        assignment: Option<&AssignmentRow>,
        start: DateTime<Utc>,
    ) -> AppResult<ClockRow> {
        let row = self.clock(report_id, step, assignment, start)?;
        repo::reports::insert_clock(conn, &row)?;
        Ok(row)
    }

    /// The clock of a step that starts at `start`, not yet written.
    pub fn clock(
        &self,
        report_id: &str,
        step: Step,
        assignment: Option<&AssignmentRow>,
        start: DateTime<Utc>,
    ) -> AppResult<ClockRow> {
        let due_utc = self.due(step, start)?;
        let due = due_utc.naive_utc();
        let (remind_at, warn_at) = crate::service::notify::reminders::instants(
            &self.cal,
            &self.st.config.notify,
            step,
            start,
            due_utc,
        );
        Ok(ClockRow {
            id: new_id(),
            report_id: report_id.to_string(),
            assignment_id: assignment.map(|a| a.id.clone()),
            agency_id: assignment.map(|a| a.agency_id.clone()),
            step: step.as_str().to_string(),
            started_at: start.naive_utc(),
            due_at: due,
            original_due_at: due,
            done_at: None,
            cancelled_at: None,
            overdue_at: None,
            remind_at,
            reminded_at: None,
            warn_at,
            warned_at: None,
        })
    }

    /// Closes the open clocks of steps (of one assignment, when given).
    pub fn close(
        &self,
        conn: &mut DbConn,
        report_id: &str,
        steps: &[Step],
        assignment_id: Option<&str>,
    ) -> AppResult<()> {
        let names: Vec<&str> = steps.iter().map(|s| s.as_str()).collect();
        repo::reports::close_clocks(conn, report_id, &names, assignment_id, self.now_naive())?;
        Ok(())
    }

    /// Appends an event to the report's history.
    pub fn event(
        &self,
        conn: &mut DbConn,
        r: &ReportRow,
        action: &str,
        to: Option<ReportStatus>,
        assignment_id: Option<&str>,
        note: Option<String>,
    ) -> AppResult<()> {
        repo::reports::append_event(conn, self.event_row(r, action, to, assignment_id, note))?;
        Ok(())
    }

    /// An event of the report by the actor, not yet written (its number 0 until then).
    pub fn event_row(
        &self,
        r: &ReportRow,
        action: &str,
        to: Option<ReportStatus>,
        assignment_id: Option<&str>,
        note: Option<String>,
    ) -> EventRow {
        EventRow {
            id: new_id(),
            report_id: r.id.clone(),
            seq: 0,
            at: self.now_naive(),
            actor_user_id: self.who.actor_id(),
            actor_role: Some(self.who.role.as_str().to_string()),
            actor_agency_id: self.who.agency_id.clone(),
            action: action.to_string(),
            from_status: Some(r.status.as_str().to_string()),
            to_status: Some(to.unwrap_or(r.status).as_str().to_string()),
            assignment_id: assignment_id.map(str::to_string),
            note,
        }
    }

    /// Saves the report's changes if nobody acted on it since it was read (409 otherwise), with
    /// its next deadline recomputed from its open clocks.
    pub fn save(
        &self,
        conn: &mut DbConn,
        r: &ReportRow,
        mut changes: ReportChanges,
    ) -> AppResult<()> {
        changes.next_due_at = Some(repo::reports::next_due(conn, &r.id)?);
        {
            // The indexed texts follow every change of what they are made of (the answer, and
            // the publication that opens it to the public, included).
            let mut after = r.clone();
            if let Some(t) = &changes.title {
                after.title = t.clone();
            }
            if let Some(t) = &changes.content {
                after.content = t.clone();
            }
            if let Some(t) = &changes.content_corrected {
                after.content_corrected = t.clone();
            }
            if let Some(t) = &changes.address {
                after.address = t.clone();
            }
            if let Some(s) = changes.status.as_deref().and_then(ReportStatus::parse) {
                after.status = s;
            }
            let texts = search::search_texts_of(conn, &after)?;
            repo::reports::set_search_texts(conn, &r.id, &texts)?;
        }
        if !repo::reports::update(conn, &r.id, r.version, &changes, self.now_naive())? {
            let current = repo::reports::find(conn, &r.id)?
                .map(|x| x.status.as_str())
                .unwrap_or_default();
            return Err(AppError::conflict(
                "concurrent_update",
                format!(
                    "Phản ánh vừa được người khác cập nhật (trạng thái hiện tại: '{current}'). Vui lòng tải lại."
                ),
                format!("Someone else just changed the report (now '{current}'). Reload it."),
            ));
        }
        Ok(())
    }
}

/// Runs one action on a report in a write transaction (see the module's documentation).
pub fn act<T>(
    st: &Context,
    who: &Principal,
    report_id: &str,
    f: impl FnOnce(&Act<'_>, &mut DbConn, ReportRow) -> AppResult<T>,
) -> AppResult<T> {
    let mut conn = st.pool.get()?;
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let ctx = Act {
        st,
        who,
        now: st.clock.now(),
        cal,
        follow_up_token: Default::default(),
    };
    st.report_write_tx(&mut conn, |c| {
        // Of two actions on one report, the second waits here for the first to commit.
        repo::reports::lock(c, report_id)?;
        let r = load_visible(c, who, report_id)?;
        if let Some(l) = repo::duplicates::parent_of(c, report_id)? {
            // A merged duplicate follows its parent and takes no action of its own.
            let parent = repo::reports::find(c, &l.parent_id)?
                .map(|p| p.code)
                .unwrap_or_default();
            return Err(AppError::conflict(
                "report_is_duplicate",
                format!(
                    "Phản ánh này đã được gộp vào phản ánh {parent} và theo phản ánh đó; hãy bỏ gộp trước khi xử lý riêng."
                ),
                format!(
                    "This report was merged into report {parent} and follows it; unlink it to act on it alone."
                ),
            ));
        }
        // The statistics counters follow the report in the same transaction, counted with
        // the agency tree of the moment (which cannot change until this commits).
        stat_counts::hold_tree(c, false)?;
        let tree = stat_counts::Supervisors::load(c)?;
        let before = Facts::load(c, report_id, &tree)?;
        let seq = repo::reports::last_seq(c, report_id)?;
        let out = f(&ctx, c, r)?;
        // Whoever must hear of what the action did is written to the outbox with it.
        let token = ctx.follow_up_token.borrow().clone();
        crate::service::notify::plan_after_with(st, c, report_id, seq, token.as_deref())?;
        let after = Facts::load(c, report_id, &tree)?;
        stat_counts::record(c, &before, &after)?;
        Ok(out)
    })
}
