//! What every use case may reach: the connection pool, the clock, the settings, the cache of
//! the working calendar, the sign-in throttle and the keys of access tokens. The HTTP layer keeps
//! it inside its own state (`api::Context`); the use cases never see HTTP.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{DbConn, DbPool, write_tx};
use crate::service::auth::{JwtKeys, SessionCache};
use crate::service::calendar::CalendarCache;
use crate::service::throttle::AuthThrottle;

/// The use cases' context.
#[derive(Clone)]
pub struct Context {
    pub pool: DbPool,
    /// Where statistics, public reads and exports read (`PAHT_DATABASE_READ_URL`, a streaming
    /// replica that may lag the primary by moments); the primary's pool when none is set.
    pub reads: DbPool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
    /// The keys that seal reporters' identities and index their phones and identity numbers.
    pub vault: Arc<crate::db::vault::Vault>,
    pub throttle: Arc<AuthThrottle>,
    /// Where files live (attachments, recordings, raw e-mails, letters).
    pub objects: crate::service::objects::Objects,
    pub calendar: Arc<CalendarCache>,
    /// The accounts behind access tokens, remembered between requests.
    pub sessions: Arc<SessionCache>,
    /// Counts the writes to reports this process committed: what was read before a change
    /// is known to be stale after it.
    pub report_changes: Arc<std::sync::atomic::AtomicU64>,
    /// Wakes the outbox's dispatcher after a commit.
    pub outbox_wake: Arc<crate::service::outbox::Wake>,
    /// What the dispatcher of this process delivered.
    pub outbox_counts: Arc<crate::service::outbox::Counters>,
    /// Points where a test may hold a use case (none in service).
    pub hooks: Hooks,
}

/// Where a test may step into a use case, to force what it tests (two transactions on one
/// report at the same time). Empty in service.
#[derive(Clone, Default)]
pub struct Hooks {
    /// Called by every write on a report (a submission, an action) as its transaction starts,
    /// before the report's row is locked (on SQLite, whose writers are serialised by the
    /// database, just before).
    pub action_begins: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Context {
    /// A connection for reads that may lag the primary (statistics, public pages, exports).
    pub fn read_conn(&self) -> crate::error::AppResult<crate::db::PooledConn> {
        Ok(self.reads.get()?)
    }

    /// A write transaction that changes accounts or sessions: once it commits, no request is
    /// answered from a remembered session.
    pub fn account_write_tx<T, E, F>(&self, conn: &mut DbConn, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let out = write_tx(conn, f);
        self.sessions.changed();
        out
    }

    /// A write transaction on a report, with the `action_begins` hook where two such writes
    /// meet.
    pub fn report_write_tx<T, E, F>(&self, conn: &mut DbConn, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let hook = self.hooks.action_begins.clone();
        let serialised = matches!(*conn, DbConn::Sqlite(_));
        if serialised && let Some(h) = &hook {
            h();
        }
        let out = write_tx(conn, |c| {
            if !serialised && let Some(h) = &hook {
                h();
            }
            f(c)
        });
        self.reports_changed();
        out
    }

    /// A write to reports committed (or was tried): answers read before it are stale.
    pub fn reports_changed(&self) {
        self.report_changes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        // A write on a report may have written messages: the dispatcher looks at once.
        self.outbox_wake.wake();
    }
}
