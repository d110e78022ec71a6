//! The accounts behind access tokens, remembered between requests so that a request with a
//! token needs no database round trip and no second check of its signature, while revocation
//! stays immediate in this process.
//!
//! An entry is found by the whole token, which was checked (signature, kind, lifetime) when it
//! was remembered; the token's own validity window (`iat`/`nbf` to `exp`) is checked again at
//! each use against the application clock.
//!
//! Any change that can end a session or change what an account may do (a sign-out, a reused
//! refresh token, an account disabled or changed, a password changed) calls `changed()` after
//! its transaction commits: every entry is then stale. An entry is also stale after `ttl`, which
//! bounds how long a change made by another replica (or by the command line) takes to apply.
//! A load that began before a change is never remembered (its generation is old).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::models::UserRow;
use crate::service::auth::Principal;

/// At most this many tokens are remembered (about 20 MB); past it the cache starts again.
const MAX_ENTRIES: usize = 50_000;

/// The account behind a request's token, as it was read with its session.
#[derive(Debug, Clone)]
pub struct Account(pub Arc<UserRow>);

struct Entry {
    /// The instants (Unix seconds) between which the token may be used: `[from, until)`.
    usable: (i64, i64),
    principal: Principal,
    account: Account,
    generation: u64,
    at: Instant,
}

/// The remembered sessions.
pub struct SessionCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: RwLock<HashMap<String, Entry>>,
}

impl SessionCache {
    /// A cache whose entries live `ttl` at most (zero: nothing is remembered).
    pub fn new(ttl: Duration) -> Self {
        SessionCache {
            ttl,
            generation: AtomicU64::new(0),
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The generation to pass to `remember` for a load that starts now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The principal behind a token remembered earlier, if still valid at `now` (Unix seconds).
    pub fn get(&self, token: &str, now: i64) -> Option<(Principal, Account)> {
        if self.ttl.is_zero() {
            return None;
        }
        let g = self.generation();
        let entries = self.entries.read().ok()?;
        let e = entries.get(token)?;
        let (from, until) = e.usable;
        (e.generation == g && from <= now && now < until && e.at.elapsed() < self.ttl)
            .then(|| (e.principal.clone(), e.account.clone()))
    }

    /// Remembers what a load that started at `generation` found for a checked token usable
    /// within `usable`, unless something changed since.
    pub fn remember(
        &self,
        token: &str,
        usable: (i64, i64),
        principal: &Principal,
        account: &Account,
        generation: u64,
    ) {
        if self.ttl.is_zero() || generation != self.generation() {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            token.to_string(),
            Entry {
                usable,
                principal: principal.clone(),
                account: account.clone(),
                generation,
                at: Instant::now(),
            },
        );
    }

    /// Something that sessions depend on changed (and is committed): forget every session.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roles::Role;

    fn p() -> Principal {
        Principal {
            user_id: "u1".into(),
            role: Role::Operator,
            agency_id: None,
            follow_up: None,
        }
    }

    fn a() -> Account {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        Account(Arc::new(UserRow {
            id: "u1".into(),
            username: Some("op".into()),
            email: None,
            phone: None,
            full_name: "Op".into(),
            password_hash: String::new(),
            role: Role::Operator,
            agency_id: None,
            disabled: false,
            created_at: at,
            updated_at: at,
        }))
    }

    #[test]
    fn a_change_forgets_and_a_load_begun_before_it_is_not_remembered() {
        let c = SessionCache::new(Duration::from_secs(60));
        let g = c.generation();
        c.remember("t1", (100, 200), &p(), &a(), g);
        assert_eq!(c.get("t1", 150).map(|x| x.0), Some(p()));
        assert!(c.get("t2", 150).is_none(), "another token never matches");
        assert!(c.get("t1", 99).is_none(), "not usable yet");
        assert!(c.get("t1", 200).is_none(), "expired");
        let before = c.generation();
        c.changed();
        assert!(c.get("t1", 150).is_none());
        c.remember("t1", (100, 200), &p(), &a(), before);
        assert!(
            c.get("t1", 150).is_none(),
            "a load older than the change is dropped"
        );
        let off = SessionCache::new(Duration::ZERO);
        off.remember("t1", (100, 200), &p(), &a(), off.generation());
        assert!(off.get("t1", 150).is_none());
    }
}
