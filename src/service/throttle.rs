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
//! Kept in memory: each replica counts its own attempts, which still bounds guessing to
//! (replicas × limit) per window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::AppError;

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

/// Attempts per key in a sliding window.
#[derive(Debug, Default)]
struct Window {
    hits: HashMap<String, VecDeque<DateTime<Utc>>>,
    recorded: u64,
}

impl Window {
    fn count(&mut self, key: &str, now: DateTime<Utc>, window: TimeDelta) -> usize {
        let Some(q) = self.hits.get_mut(key) else {
            return 0;
        };
        while q.front().is_some_and(|t| *t + window <= now) {
            q.pop_front();
        }
        q.len()
    }

    /// How long until the key is under `max` again, if it is at or over it now.
    fn wait(
        &mut self,
        key: &str,
        max: u32,
        now: DateTime<Utc>,
        window: TimeDelta,
    ) -> Option<TimeDelta> {
        if self.count(key, now, window) < max as usize {
            return None;
        }
        let q = self.hits.get(key)?;
        // The oldest hit that must expire for the count to drop below `max`.
        let idx = q.len() - max as usize;
        q.get(idx).map(|t| *t + window - now)
    }

    fn record(&mut self, key: &str, now: DateTime<Utc>, window: TimeDelta) {
        self.hits.entry(key.to_string()).or_default().push_back(now);
        self.recorded += 1;
        if self.recorded.is_multiple_of(1024) {
            let cutoff = now - window;
            self.hits
                .retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
        }
    }

    fn clear(&mut self, key: &str) {
        self.hits.remove(key);
    }
}

#[derive(Debug, Default)]
struct State {
    pairs: Window,
    addresses: Window,
    accounts: Window,
    refresh: Window,
    register: Window,
    follow_up: Window,
    guest_reports: Window,
    open311: Window,
}

#[derive(Debug)]
pub struct AuthThrottle {
    limits: ThrottleLimits,
    window: TimeDelta,
    state: Mutex<State>,
}

fn pair_key(account: &str, address: &str) -> String {
    format!("{address}\u{1f}{account}")
}

fn refuse(wait: TimeDelta) -> AppError {
    AppError::rate_limited(wait.num_seconds().max(1) as u64)
}

impl AuthThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            window: TimeDelta::from_std(limits.window).unwrap_or(TimeDelta::minutes(15)),
            limits,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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
        let mut st = self.lock();
        let pair = st
            .pairs
            .wait(&pair_key(account, address), l.login_per_pair, now, w);
        let addr = st.addresses.wait(address, l.login_per_address, now, w);
        if let Some(wait) = pair.max(addr) {
            return Err(refuse(wait));
        }
        let failures = st.accounts.count(account, now, w) as u32;
        Ok(slowdown(failures, l.slowdown_after, l.slowdown_max))
    }

    pub fn login_failed(&self, account: &str, address: &str, now: DateTime<Utc>) {
        let w = self.window;
        let mut st = self.lock();
        st.pairs.record(&pair_key(account, address), now, w);
        st.addresses.record(address, now, w);
        st.accounts.record(account, now, w);
    }

    pub fn login_succeeded(&self, account: &str, address: &str) {
        let mut st = self.lock();
        st.pairs.clear(&pair_key(account, address));
        st.accounts.clear(account);
    }

    /// Before a refresh: refuses an address with too many failed refreshes.
    pub fn check_refresh(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.refresh_per_address);
        match self.lock().refresh.wait(address, max, now, w) {
            Some(wait) => Err(refuse(wait)),
            None => Ok(()),
        }
    }

    pub fn refresh_failed(&self, address: &str, now: DateTime<Utc>) {
        let w = self.window;
        self.lock().refresh.record(address, now, w);
    }

    /// Counts a registration attempt from an address; refuses it past the limit.
    pub fn register_attempt(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.register_per_address);
        let mut st = self.lock();
        if let Some(wait) = st.register.wait(address, max, now, w) {
            return Err(refuse(wait));
        }
        st.register.record(address, now, w);
        Ok(())
    }
}

impl AuthThrottle {
    /// Before a follow-up token is checked: refuses an address that showed too many wrong ones
    /// (the token has 80 bits; this keeps guessing from even starting).
    pub fn check_follow_up(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.follow_up_per_address);
        match self.lock().follow_up.wait(address, max, now, w) {
            Some(wait) => Err(refuse(wait)),
            None => Ok(()),
        }
    }

    pub fn follow_up_failed(&self, address: &str, now: DateTime<Utc>) {
        let w = self.window;
        self.lock().follow_up.record(address, now, w);
    }

    /// Counts a guest's report from an address; refuses it past the limit.
    pub fn guest_report_attempt(&self, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let (w, max) = (self.window, self.limits.guest_reports_per_address);
        let mut st = self.lock();
        if let Some(wait) = st.guest_reports.wait(address, max, now, w) {
            return Err(refuse(wait));
        }
        st.guest_reports.record(address, now, w);
        Ok(())
    }
}

impl AuthThrottle {
    /// Counts a request of an Open311 client; refuses it past its own rate (a minute's window).
    pub fn open311_request(
        &self,
        client: &str,
        per_minute: u32,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let w = TimeDelta::minutes(1);
        let mut st = self.lock();
        if let Some(wait) = st.open311.wait(client, per_minute, now, w) {
            return Err(refuse(wait));
        }
        st.open311.record(client, now, w);
        Ok(())
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

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-05T01:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_failing_address_is_refused_and_others_are_only_slowed() {
        let t = AuthThrottle::new(limits());
        for i in 0..3 {
            assert!(t.check_login("admin", "1.1.1.1", t0()).is_ok());
            t.login_failed("admin", "1.1.1.1", t0() + TimeDelta::seconds(i));
        }
        let e = t
            .check_login("admin", "1.1.1.1", t0() + TimeDelta::seconds(10))
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 429);
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
        let t = AuthThrottle::new(limits());
        for acc in ["a", "b", "c", "d", "e"] {
            t.login_failed(acc, "9.9.9.9", t0());
        }
        assert!(t.check_login("f", "9.9.9.9", t0()).is_err());
        for _ in 0..3 {
            t.login_failed("x", "8.8.8.8", t0());
        }
        assert!(t.check_login("x", "8.8.8.8", t0()).is_err());
        assert!(!t.check_login("x", "7.7.7.7", t0()).unwrap().is_zero());
        t.login_succeeded("x", "8.8.8.8");
        assert_eq!(t.check_login("x", "8.8.8.8", t0()).unwrap(), Duration::ZERO);
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
        let t = AuthThrottle::new(limits());
        t.refresh_failed("1.1.1.1", t0());
        assert!(t.check_refresh("1.1.1.1", t0()).is_ok());
        t.refresh_failed("1.1.1.1", t0());
        assert!(t.check_refresh("1.1.1.1", t0()).is_err());
        assert!(t.check_refresh("2.2.2.2", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.register_attempt("1.1.1.1", t0()).is_err());
        assert!(t.register_attempt("2.2.2.2", t0()).is_ok());
        t.follow_up_failed("1.1.1.1", t0());
        assert!(t.check_follow_up("1.1.1.1", t0()).is_ok());
        t.follow_up_failed("1.1.1.1", t0());
        assert!(t.check_follow_up("1.1.1.1", t0()).is_err());
        assert!(t.check_follow_up("2.2.2.2", t0()).is_ok());
        assert!(t.guest_report_attempt("1.1.1.1", t0()).is_ok());
        assert!(t.guest_report_attempt("1.1.1.1", t0()).is_err());
        assert!(t.guest_report_attempt("2.2.2.2", t0()).is_ok());
    }
}
