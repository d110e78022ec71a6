//! Throttling of the anonymous account endpoints, after OWASP's authentication guidance: an
//! attacker must not be able to lock a user out, and guessing must stay slow.
//!
//! - Sign-in failures count per (account, client address) and per client address, in a
//!   sliding window; past either limit that address gets 429 with `Retry-After`. An address
//!   that has not failed is never refused the right password.
//! - Failures on one account from every address slow it down rather than lock it: past
//!   `slowdown_after` each attempt on it waits, 100 ms doubling per further failure up to
//!   `slowdown_max`. A success clears the account's counts and that address's.
//! - Failed refreshes (an unknown, expired or reused token) count per address; registrations
//!   (every attempt that reaches the use case) count per address.
//!
//! Kept in the database (`throttle_hits`), so the limits hold across every replica of the
//! service: an attempt that counts is recorded (and committed) before its count is read, so of
//! two replicas racing on one key the later reader sees both attempts and at most `max` pass.
//! Keys are stored as SHA-256 digests: no address or login is kept.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::db::{DbPool, PooledConn, repo};
use crate::error::{AppError, AppResult};
use crate::service::auth::sha256_hex;

/// The limits, from the configuration.
#[derive(Debug, Clone)]
pub struct ThrottleLimits {
    pub window: Duration,
    /// Failed sign-ins per (account, address).
    pub login_per_pair: u32,
    /// Failed sign-ins per address, on any account.
    pub login_per_address: u32,
    /// Failed sign-ins on an account, from anywhere, before its attempts slow down.
    pub slowdown_after: u32,
    /// The longest slow-down.
    pub slowdown_max: Duration,
    /// Failed refreshes per address.
    pub refresh_per_address: u32,
    /// Registrations per address.
    pub register_per_address: u32,
    /// Wrong follow-up tokens per address.
    pub follow_up_per_address: u32,
    /// Guests' reports per address.
    pub guest_reports_per_address: u32,
}

/// What is counted: one bucket per limit.
const PAIR: &str = "login_pair";
const ADDRESS: &str = "login_address";
const ACCOUNT: &str = "login_account";
const REFRESH: &str = "refresh";
const REGISTER: &str = "register";
const FOLLOW_UP: &str = "follow_up";
const GUEST_REPORT: &str = "guest_report";
const OPEN311: &str = "open311";

pub struct AuthThrottle {
    limits: ThrottleLimits,
    window: TimeDelta,
    pool: DbPool,
}

impl std::fmt::Debug for AuthThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthThrottle")
            .field("limits", &self.limits)
            .finish()
    }
}

fn pair_key(account: &str, address: &str) -> String {
    format!("{address}\u{1f}{account}")
}

fn refuse(wait: TimeDelta) -> AppError {
    AppError::rate_limited(wait.num_seconds().max(1) as u64)
}

fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

/// A sign-in attempt in flight: its recorded hits, withdrawn unless it fails.
#[derive(Debug)]
pub struct LoginAttempt {
    account: String,
    address: String,
    ids: Vec<String>,
}

impl AuthThrottle {
    pub fn new(limits: ThrottleLimits, pool: DbPool) -> Self {
        Self {
            window: TimeDelta::from_std(limits.window).unwrap_or(TimeDelta::minutes(15)),
            limits,
            pool,
        }
    }

    fn conn(&self) -> AppResult<PooledConn> {
        Ok(self.pool.get()?)
    }

    /// How long until `key` has fewer than `max` attempts in the window, if it has `max` now.
    fn wait(
        &self,
        c: &mut PooledConn,
        bucket: &str,
        key: &str,
        max: u32,
        now: DateTime<Utc>,
        window: TimeDelta,
    ) -> AppResult<Option<TimeDelta>> {
        let max = max.max(1);
        let hits = repo::throttle::recent(
            c,
            bucket,
            &sha256_hex(key),
            naive(now - window),
            i64::from(max),
        )?;
        if hits.len() < max as usize {
            return Ok(None);
        }
        // The oldest of the `max` newest attempts must leave the window.
        Ok(hits.last().map(|t| t.and_utc() + window - now))
    }

    fn record(
        &self,
        c: &mut PooledConn,
        bucket: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> AppResult<String> {
        Ok(repo::throttle::record(
            c,
            bucket,
            &sha256_hex(key),
            naive(now),
        )?)
    }

    /// Records an attempt, then counts it with the others: past `max` it is withdrawn and
    /// refused (a refused attempt does not lengthen the refusal).
    fn attempt(
        &self,
        bucket: &str,
        key: &str,
        max: u32,
        now: DateTime<Utc>,
        window: TimeDelta,
    ) -> AppResult<()> {
        let mut c = self.conn()?;
        let id = self.record(&mut c, bucket, key, now)?;
        if let Some(wait) = self.wait(&mut c, bucket, key, max.saturating_add(1), now, window)? {
            repo::throttle::withdraw(&mut c, &[id])?;
            return Err(refuse(wait));
        }
        Ok(())
    }

    /// Before a sign-in: refuses an address over its limits (for this account, or in all);
    /// otherwise answers how long the attempt waits because the account is under attack.
    pub fn check_login(
        &self,
        account: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Duration, AppError> {
        let (w, l) = (self.window, &self.limits);
        let mut c = self.conn()?;
        let pair = self.wait(
            &mut c,
            PAIR,
            &pair_key(account, address),
            l.login_per_pair,
            now,
            w,
        )?;
        let addr = self.wait(&mut c, ADDRESS, address, l.login_per_address, now, w)?;
        if let Some(wait) = pair.max(addr) {
            return Err(refuse(wait));
        }
        Ok(slowdown(
            self.account_failures(&mut c, account, now)?,
            l.slowdown_after,
            l.slowdown_max,
        ))
    }

    fn account_failures(
        &self,
        c: &mut PooledConn,
        account: &str,
        now: DateTime<Utc>,
    ) -> AppResult<u32> {
        let cap = i64::from(self.limits.slowdown_after.saturating_add(21));
        let hits = repo::throttle::recent(
            c,
            ACCOUNT,
            &sha256_hex(account),
            naive(now - self.window),
            cap,
        )?;
        Ok(hits.len() as u32)
    }

    /// Starts a sign-in: records it as a failure of the pair, the address and the account
    /// before the password is checked, so replicas checking at once see each other; refuses it
    /// (and withdraws it) when the pair or the address was already at its limit.
    pub fn begin_login(
        &self,
        account: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> AppResult<LoginAttempt> {
        let (w, l) = (self.window, &self.limits);
        let mut c = self.conn()?;
        let pair = pair_key(account, address);
        let ids = vec![
            self.record(&mut c, PAIR, &pair, now)?,
            self.record(&mut c, ADDRESS, address, now)?,
            self.record(&mut c, ACCOUNT, account, now)?,
        ];
        let p = self.wait(
            &mut c,
            PAIR,
            &pair,
            l.login_per_pair.saturating_add(1),
            now,
            w,
        )?;
        let a = self.wait(
            &mut c,
            ADDRESS,
            address,
            l.login_per_address.saturating_add(1),
            now,
            w,
        )?;
        if let Some(wait) = p.max(a) {
            repo::throttle::withdraw(&mut c, &ids)?;
            return Err(refuse(wait));
        }
        Ok(LoginAttempt {
            account: account.to_string(),
            address: address.to_string(),
            ids,
        })
    }

    /// The sign-in was not a failure (a disabled account): its hits are withdrawn.
    pub fn login_withdrawn(&self, attempt: LoginAttempt) -> AppResult<()> {
        repo::throttle::withdraw(&mut *self.conn()?, &attempt.ids)?;
        Ok(())
    }

    /// The sign-in succeeded: the account's failures and this address's failures on it are
    /// forgotten, and the attempt no longer counts against the address.
    pub fn login_succeeded(&self, attempt: LoginAttempt) -> AppResult<()> {
        let mut c = self.conn()?;
        repo::throttle::withdraw(&mut c, &attempt.ids)?;
        let pair = pair_key(&attempt.account, &attempt.address);
        repo::throttle::clear(&mut c, PAIR, &sha256_hex(&pair))?;
        repo::throttle::clear(&mut c, ACCOUNT, &sha256_hex(&attempt.account))?;
        Ok(())
    }

    /// Before a refresh: refuses an address with too many failed refreshes.
    pub fn check_refresh(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.refresh_per_address);
        match self.wait(&mut self.conn()?, REFRESH, address, max, now, w)? {
            Some(wait) => Err(refuse(wait)),
            None => Ok(()),
        }
    }

    pub fn refresh_failed(&self, address: &str, now: DateTime<Utc>) -> AppResult<()> {
        self.record(&mut self.conn()?, REFRESH, address, now)
            .map(drop)
    }

    /// Counts a registration attempt from an address; refuses it past the limit.
    pub fn register_attempt(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let max = self.limits.register_per_address;
        self.attempt(REGISTER, address, max, now, self.window)
    }

    /// Before a follow-up token is checked: refuses an address that showed too many wrong ones
    /// (the token has 80 bits; this keeps guessing from even starting).
    pub fn check_follow_up(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.follow_up_per_address);
        match self.wait(&mut self.conn()?, FOLLOW_UP, address, max, now, w)? {
            Some(wait) => Err(refuse(wait)),
            None => Ok(()),
        }
    }

    pub fn follow_up_failed(&self, address: &str, now: DateTime<Utc>) -> AppResult<()> {
        self.record(&mut self.conn()?, FOLLOW_UP, address, now)
            .map(drop)
    }

    /// Counts a guest's report from an address; refuses it past the limit.
    pub fn guest_report_attempt(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let max = self.limits.guest_reports_per_address;
        self.attempt(GUEST_REPORT, address, max, now, self.window)
    }

    /// Counts a request of an Open311 client; refuses it past its own rate (a minute's window).
    pub fn open311_request(
        &self,
        client: &str,
        per_minute: u32,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.attempt(OPEN311, client, per_minute, now, TimeDelta::minutes(1))
    }

    /// Forgets attempts older than every window (the sweeper's job).
    pub fn prune(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let oldest = self.window.max(TimeDelta::minutes(1));
        Ok(repo::throttle::prune(
            &mut *self.conn()?,
            naive(now - oldest),
        )?)
    }
}

/// The wait of an attempt on an account with `failures` recent failures: none up to `after`,
/// then 100 ms doubling per further failure, at most `max`.
pub fn slowdown(failures: u32, after: u32, max: Duration) -> Duration {
    if failures < after {
        return Duration::ZERO;
    }
    let steps = (failures - after).min(20);
    Duration::from_millis(100u64 << steps).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseUrl;

    fn limits() -> ThrottleLimits {
        ThrottleLimits {
            window: Duration::from_secs(600),
            login_per_pair: 3,
            login_per_address: 5,
            slowdown_after: 3,
            slowdown_max: Duration::from_secs(2),
            refresh_per_address: 2,
            register_per_address: 2,
            follow_up_per_address: 2,
            guest_reports_per_address: 1,
        }
    }

    /// A throttle over a fresh SQLite database of its own.
    fn throttle() -> (AuthThrottle, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("t.db"));
        crate::db::run_migrations(&url).unwrap();
        let pool = crate::db::build_pool(&url, 2, Duration::from_secs(5), "NORMAL").unwrap();
        (AuthThrottle::new(limits(), pool), dir)
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-05T01:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn fail(t: &AuthThrottle, account: &str, address: &str, at: DateTime<Utc>) {
        t.begin_login(account, address, at).unwrap();
    }

    #[test]
    fn a_failing_address_is_refused_and_others_are_only_slowed() {
        let (t, _d) = throttle();
        for i in 0..3 {
            assert!(t.check_login("admin", "1.1.1.1", t0()).is_ok());
            fail(&t, "admin", "1.1.1.1", t0() + TimeDelta::seconds(i));
        }
        let e = t
            .check_login("admin", "1.1.1.1", t0() + TimeDelta::seconds(10))
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 429);
        assert_eq!(e.retry_after, Some(590));
        let e = t
            .begin_login("admin", "1.1.1.1", t0() + TimeDelta::seconds(10))
            .unwrap_err();
        assert_eq!(e.retry_after, Some(590));
        // Another address is not refused, only slowed down.
        let wait = t.check_login("admin", "2.2.2.2", t0()).unwrap();
        assert_eq!(wait, Duration::from_millis(100));
        // Other accounts are untouched; the window ends the refusal.
        assert_eq!(t.check_login("b", "1.1.1.1", t0()).unwrap(), Duration::ZERO);
        assert!(
            t.check_login("admin", "1.1.1.1", t0() + TimeDelta::seconds(601))
                .is_ok()
        );
    }

    #[test]
    fn the_address_limit_spans_accounts_and_success_clears_the_account() {
        let (t, _d) = throttle();
        for acc in ["a", "b", "c", "d", "e"] {
            fail(&t, acc, "9.9.9.9", t0());
        }
        assert!(t.check_login("f", "9.9.9.9", t0()).is_err());
        assert!(t.begin_login("f", "9.9.9.9", t0()).is_err());
        for _ in 0..3 {
            fail(&t, "x", "8.8.8.8", t0());
        }
        assert!(t.check_login("x", "8.8.8.8", t0()).is_err());
        assert!(!t.check_login("x", "7.7.7.7", t0()).unwrap().is_zero());
        // A success from another address clears the account's failures, not 8.8.8.8's pair.
        let ok = t.begin_login("x", "7.7.7.7", t0()).unwrap();
        t.login_succeeded(ok).unwrap();
        assert_eq!(t.check_login("x", "7.7.7.7", t0()).unwrap(), Duration::ZERO);
        assert!(t.check_login("x", "8.8.8.8", t0()).is_err());
        // A withdrawn attempt does not count.
        for _ in 0..4 {
            let a = t.begin_login("y", "6.6.6.6", t0()).unwrap();
            t.login_withdrawn(a).unwrap();
        }
        assert_eq!(t.check_login("y", "6.6.6.6", t0()).unwrap(), Duration::ZERO);
    }

    #[test]
    fn slowdown_doubles_up_to_the_cap() {
        let max = Duration::from_secs(2);
        assert_eq!(slowdown(2, 3, max), Duration::ZERO);
        assert_eq!(slowdown(3, 3, max), Duration::from_millis(100));
        assert_eq!(slowdown(4, 3, max), Duration::from_millis(200));
        assert_eq!(slowdown(8, 3, max), max);
        assert_eq!(slowdown(u32::MAX, 0, max), max);
    }

    #[test]
    fn refresh_and_registration_are_counted_per_address() {
        let (t, _d) = throttle();
        t.refresh_failed("1.1.1.1", t0()).unwrap();
        assert!(t.check_refresh("1.1.1.1", t0()).is_ok());
        t.refresh_failed("1.1.1.1", t0()).unwrap();
        assert!(t.check_refresh("1.1.1.1", t0()).is_err());
        assert!(t.check_refresh("2.2.2.2", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_err());
        assert!(t.register_attempt("2.2.2.2", t0()).is_ok());
        t.follow_up_failed("1.1.1.1", t0()).unwrap();
        assert!(t.check_follow_up("1.1.1.1", t0()).is_ok());
        t.follow_up_failed("1.1.1.1", t0()).unwrap();
        assert!(t.check_follow_up("1.1.1.1", t0()).is_err());
        assert!(t.check_follow_up("2.2.2.2", t0()).is_ok());
        assert!(t.guest_report_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.guest_report_attempt("1.1.1.1", t0()).is_err());
        assert!(t.guest_report_attempt("2.2.2.2", t0()).is_ok());
        // The sweeper forgets what left every window.
        assert!(t.prune(t0() + TimeDelta::seconds(601)).unwrap() > 0);
        assert!(
            t.register_attempt("1.1.1.1", t0() + TimeDelta::seconds(601))
                .is_ok()
        );
    }
}
