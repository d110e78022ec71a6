//! Reminders before a deadline (Art. 11.3, 16.4: the IOC chases agencies before they are late):
//! one when a share of a step's working time is used (default 75 %), one a working time before
//! its deadline (default 1 working hour), computed with the calendar, once each per clock. The
//! sweeper sends them; who hears follows the step's actor.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::config::NotifyConfig;
use crate::db::models::{ClockRow, EventRow, ReportRow};
use crate::db::{DbConn, repo, write_tx};
use crate::domain::calendar::WorkingCalendar;
use crate::domain::steps::{Actor, Limit, Step, rule};
use crate::error::AppResult;
use crate::service::Context;

use super::{Message, Planner, local_time};

/// The two reminder instants of a clock that runs from `start` to `due`.
pub fn instants(
    cal: &WorkingCalendar,
    cfg: &NotifyConfig,
    step: Step,
    start: DateTime<Utc>,
    due: DateTime<Utc>,
) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    let share = i64::from(cfg.remind_share_percent);
    let before = i64::from(cfg.remind_before_minutes) * 60 * 1_000_000;
    match rule(step).limit {
        Limit::Working(_) => {
            let Ok(total) = cal.working_between(start, due) else {
                return (None, None);
            };
            let remind = (share > 0 && share < 100)
                .then(|| cal.add_micros(start, total * share / 100).ok())
                .flatten();
            let warn = (before > 0 && total > before)
                .then(|| cal.add_micros(start, total - before).ok())
                .flatten();
            (remind.map(|t| t.naive_utc()), warn.map(|t| t.naive_utc()))
        }
        Limit::ClockHours(_) => {
            let total = (due - start).num_microseconds().unwrap_or(0);
            let remind = (share > 0 && share < 100)
                .then(|| start + TimeDelta::microseconds(total * share / 100));
            let warn =
                (before > 0 && total > before).then(|| due - TimeDelta::microseconds(before));
            (remind.map(|t| t.naive_utc()), warn.map(|t| t.naive_utc()))
        }
    }
}

/// Sends the reminders due now; returns how many clocks were reminded.
pub fn remind(st: &Context) -> AppResult<usize> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    let mut sent = 0;
    loop {
        let batch = repo::reports::reminder_candidates(&mut conn, now, 200)?;
        if batch.is_empty() {
            return Ok(sent);
        }
        let mut progressed = false;
        for (clock, warning) in batch {
            let did = write_tx(&mut conn, |c| -> AppResult<bool> {
                if !repo::reports::mark_reminded(c, &clock.id, warning, now)? {
                    return Ok(false);
                }
                plan(st, c, &clock, warning)?;
                Ok(true)
            })?;
            progressed |= did;
            sent += usize::from(did);
        }
        st.outbox_wake.wake();
        if !progressed {
            // Another replica took this batch; the next run sees what remains.
            return Ok(sent);
        }
    }
}

fn plan(st: &Context, c: &mut DbConn, clock: &ClockRow, warning: bool) -> AppResult<()> {
    let Some(r): Option<ReportRow> = repo::reports::find(c, &clock.report_id)? else {
        return Ok(());
    };
    let Some(step) = Step::parse(&clock.step) else {
        return Ok(());
    };
    // The reminder is not an event of the report's history; its messages name the clock.
    let ev = EventRow {
        id: clock.id.clone(),
        report_id: r.id.clone(),
        seq: 0,
        at: st.clock.now().naive_utc(),
        actor_user_id: None,
        actor_role: Some("system".into()),
        actor_agency_id: clock.agency_id.clone(),
        action: if warning { "deadline_soon" } else { "reminder" }.into(),
        from_status: None,
        to_status: None,
        assignment_id: clock.assignment_id.clone(),
        note: None,
    };
    let (name, to) = match (rule(step).actor, &clock.agency_id) {
        (Actor::Ioc, _) | (_, None) => (
            "Trung tâm IOC".to_string(),
            repo::users::active_with_role(c, &st.vault, "operator", None)?,
        ),
        (Actor::Leader, Some(a)) => (
            super::events::agency_name(c, a)?,
            super::events::leaders(c, &st.vault, a)?,
        ),
        (_, Some(a)) => (
            super::events::agency_name(c, a)?,
            super::events::handlers(c, &st.vault, a)?,
        ),
    };
    let kind = if warning { "deadline_soon" } else { "reminder" };
    let m = Message::new(st, kind, &r, &ev)
        .var("agency", name)
        .var("step", super::events::step_words(step))
        .var("deadline", local_time(clock.due_at));
    let mut p = Planner::new(st);
    p.staff(c, m, to)
}
