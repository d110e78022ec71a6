//! The overdue sweeper (Art. 8.5): marks each step whose deadline passed without it being done,
//! once, and records an `overdue` event. Overdue is also visible on every read at once (views
//! compare deadlines with the clock); the mark is what statistics count.
//!
//! Safe with several server replicas on one database: each mark is a conditional update
//! (`overdue_at IS NULL`), so exactly one replica marks a step and writes its event.

use crate::db::models::EventRow;
use crate::db::{new_id, repo, write_tx};
use crate::error::AppResult;
use crate::service::Context;

/// Marks every step overdue now; returns how many this call marked.
pub fn sweep(st: &Context) -> AppResult<usize> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    let mut marked = 0;
    loop {
        let batch = repo::reports::overdue_candidates(&mut conn, now, 200)?;
        if batch.is_empty() {
            return Ok(marked);
        }
        let mut progressed = false;
        for clock in batch {
            let did = write_tx(&mut conn, |c| -> AppResult<bool> {
                repo::reports::lock(c, &clock.report_id)?;
                if !repo::reports::mark_overdue(c, &clock.id, now)? {
                    return Ok(false);
                }
                let status = repo::reports::find(c, &clock.report_id)?
                    .map(|r| r.status.as_str().to_string());
                let seq = repo::reports::last_seq(c, &clock.report_id)?;
                repo::reports::append_event(
                    c,
                    EventRow {
                        id: new_id(),
                        report_id: clock.report_id.clone(),
                        seq: 0,
                        at: now,
                        actor_user_id: None,
                        actor_role: Some("system".into()),
                        actor_agency_id: clock.agency_id.clone(),
                        action: "overdue".into(),
                        from_status: status.clone(),
                        to_status: status,
                        assignment_id: clock.assignment_id.clone(),
                        note: Some(format!(
                            "step {} was due {}",
                            clock.step,
                            clock.due_at.and_utc().to_rfc3339()
                        )),
                    },
                )?;
                // Art. 7.3, 15.3: the leader and the supervising agencies hear of it.
                crate::service::notify::plan_after(st, c, &clock.report_id, seq)?;
                Ok(true)
            })?;
            progressed |= did;
            marked += usize::from(did);
            if did {
                st.reports_changed();
            }
        }
        if !progressed {
            // Another replica took this batch; the next run will see what remains.
            return Ok(marked);
        }
    }
}
