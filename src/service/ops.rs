//! What operations ask of the service: whether it is ready, and how its pool stands.

use crate::error::{AppError, AppResult};
use crate::service::Context;

/// Ready: the database answers and every migration is applied.
pub fn ready(ctx: &Context) -> AppResult<()> {
    let mut conn = ctx.pool.get()?;
    if crate::db::migrations_complete(&mut conn)? {
        Ok(())
    } else {
        Err(AppError::unavailable("migrations pending"))
    }
}

/// The connection pool now: (open connections, idle ones, the most it opens).
pub fn pool_state(ctx: &Context) -> (u32, u32, u32) {
    let s = ctx.pool.state();
    (s.connections, s.idle_connections, ctx.pool.max_size())
}
