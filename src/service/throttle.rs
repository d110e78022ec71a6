//! Login throttling: failed sign-ins are counted per account and per client address in a
//! sliding window; past the limit the next attempt gets 429 with `Retry-After` (issue: login
//! rate limit). A success clears the account's count. Kept in memory: each replica counts its
//! own attempts, which still bounds guessing to (replicas × limit) per window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::AppError;

#[derive(Debug)]
pub struct LoginThrottle {
    window: TimeDelta,
    max_account: u32,
    max_address: u32,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    accounts: HashMap<String, VecDeque<DateTime<Utc>>>,
    addresses: HashMap<String, VecDeque<DateTime<Utc>>>,
    recorded: u64,
}

impl LoginThrottle {
    pub fn new(window: Duration, max_account: u32, max_address: u32) -> Self {
        Self {
            window: TimeDelta::from_std(window).unwrap_or(TimeDelta::minutes(15)),
            max_account,
            max_address,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Refuses an attempt when the account or the address is over its limit.
    pub fn check(&self, account: &str, address: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        let mut st = self.lock();
        let window = self.window;
        let wait_acc = over_limit(st.accounts.get_mut(account), self.max_account, now, window);
        let wait_addr = over_limit(st.addresses.get_mut(address), self.max_address, now, window);
        match wait_acc.max(wait_addr) {
            Some(wait) => Err(AppError::rate_limited(wait.num_seconds().max(1) as u64)),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str, address: &str, now: DateTime<Utc>) {
        let mut st = self.lock();
        st.accounts
            .entry(account.to_string())
            .or_default()
            .push_back(now);
        st.addresses
            .entry(address.to_string())
            .or_default()
            .push_back(now);
        st.recorded += 1;
        if st.recorded.is_multiple_of(1024) {
            let cutoff = now - self.window;
            st.accounts
                .retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
            st.addresses
                .retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
        }
    }

    pub fn record_success(&self, account: &str) {
        self.lock().accounts.remove(account);
    }
}

/// Drops expired failures; if `max` remain, how long until the oldest expires.
fn over_limit(
    q: Option<&mut VecDeque<DateTime<Utc>>>,
    max: u32,
    now: DateTime<Utc>,
    window: TimeDelta,
) -> Option<TimeDelta> {
    let q = q?;
    while q.front().is_some_and(|t| *t + window <= now) {
        q.pop_front();
    }
    if q.len() as u32 >= max {
        q.front().map(|t| *t + window - now)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_unlocks_after_the_window() {
        let t = LoginThrottle::new(Duration::from_secs(600), 3, 100);
        let t0 = DateTime::parse_from_rfc3339("2026-01-05T01:00:00Z")
            .unwrap()
            .to_utc();
        for i in 0..3 {
            assert!(t.check("a", "1.1.1.1", t0).is_ok());
            t.record_failure("a", "1.1.1.1", t0 + TimeDelta::seconds(i));
        }
        let e = t
            .check("a", "2.2.2.2", t0 + TimeDelta::seconds(10))
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 429);
        assert_eq!(e.retry_after, Some(590));
        assert!(
            t.check("b", "1.1.1.1", t0).is_ok(),
            "other accounts are not locked"
        );
        assert!(
            t.check("a", "1.1.1.1", t0 + TimeDelta::seconds(601))
                .is_ok()
        );
    }

    #[test]
    fn address_limit_spans_accounts_and_success_clears_the_account() {
        let t = LoginThrottle::new(Duration::from_secs(600), 2, 3);
        let t0 = Utc::now();
        for acc in ["a", "b", "c"] {
            t.record_failure(acc, "9.9.9.9", t0);
        }
        assert!(t.check("d", "9.9.9.9", t0).is_err());
        t.record_failure("x", "8.8.8.8", t0);
        t.record_failure("x", "8.8.8.8", t0);
        assert!(t.check("x", "7.7.7.7", t0).is_err());
        t.record_success("x");
        assert!(t.check("x", "7.7.7.7", t0).is_ok());
    }
}
