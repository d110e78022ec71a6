//! What every use case may reach: the connection pool, the clock, the settings, the cache of
//! the working calendar, the sign-in throttle and the keys of access tokens. The HTTP layer keeps
//! it inside its own state (`api::Context`); the use cases never see HTTP.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::DbPool;
use crate::service::auth::JwtKeys;
use crate::service::calendar::CalendarCache;
use crate::service::throttle::AuthThrottle;

/// The use cases' context.
#[derive(Clone)]
pub struct Context {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
    pub throttle: Arc<AuthThrottle>,
    pub calendar: Arc<CalendarCache>,
    /// Points where a test may hold a use case (none in service).
    pub hooks: Hooks,
}

/// Where a test may step into a use case, to force what it tests (two transactions on one
/// report at the same time). Empty in service.
#[derive(Clone, Default)]
pub struct Hooks {
    /// Called by every action on a report as its transaction starts, before the report's row
    /// is locked (on SQLite, whose writers are serialised by the database, just before).
    pub action_begins: Option<Arc<dyn Fn() + Send + Sync>>,
}
