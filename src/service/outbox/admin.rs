//! The admins' view of the outbox: what waits, what was sent, the dead letters and their replay.
//! Recipients are masked and bodies left out: an admin diagnoses delivery, not reads messages.

use crate::db::models::{OutboxAttemptRow, OutboxRow};
use crate::db::{repo, write_tx};
use crate::error::{AppError, AppResult};
use crate::service::Context;

fn not_found() -> AppError {
    AppError::not_found("thông điệp", "Message")
}

pub fn list(
    st: &Context,
    status: Option<&str>,
    report_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<OutboxRow>, i64)> {
    let mut conn = st.pool.get()?;
    Ok(repo::outbox::list(
        &mut conn, &st.vault, status, report_id, limit, offset,
    )?)
}

pub fn get(st: &Context, id: &str) -> AppResult<(OutboxRow, Vec<OutboxAttemptRow>)> {
    let mut conn = st.pool.get()?;
    let m = repo::outbox::find(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    let attempts = repo::outbox::attempts_of(&mut conn, id)?;
    Ok((m, attempts))
}

/// Puts a dead letter back in the queue; 409 for a message that is not dead.
pub fn replay(st: &Context, id: &str) -> AppResult<()> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    let done = write_tx(&mut conn, |c| -> AppResult<bool> {
        repo::outbox::find(c, &st.vault, id)?.ok_or_else(not_found)?;
        Ok(repo::outbox::replay(c, id, now)?)
    })?;
    if !done {
        return Err(AppError::conflict(
            "not_dead_letter",
            "Chỉ gửi lại được thông điệp đã ngừng gửi (dead letter).",
            "Only a dead letter can be replayed.",
        ));
    }
    st.outbox_wake.wake();
    Ok(())
}
