//! The collector: deletes the objects no row names any more (a file whose upload was refused
//! after it was stored, a letter rendered twice at once, a file of a message that was removed),
//! once they are older than the grace period. An object is written before the transaction that
//! names it commits; the grace period must outlast any such transaction, and every write of an
//! object (even of bytes already there) makes it young again.

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::repo;
use crate::error::AppResult;
use crate::service::Context;

/// Deletes unreferenced objects written before `now - grace`; returns how many it deleted.
pub fn collect_at(st: &Context, now: DateTime<Utc>) -> AppResult<usize> {
    let grace = TimeDelta::from_std(st.config.object_store_grace).unwrap_or(TimeDelta::days(1));
    let cutoff = now - grace;
    let mut conn = st.pool.get()?;
    let mut deleted = 0;
    for (sha, written) in st.objects.list()? {
        if written > cutoff || repo::objects::is_named(&mut conn, &sha)? {
            continue;
        }
        // Written again since it was listed (the same bytes uploaded anew): young again.
        match st.objects.written_at(&sha)? {
            Some(t) if t <= cutoff => {}
            _ => continue,
        }
        if repo::objects::is_named(&mut conn, &sha)? {
            continue;
        }
        st.objects.delete(&sha)?;
        tracing::info!(object = %sha, "unreferenced object collected");
        deleted += 1;
    }
    Ok(deleted)
}

/// The sweeper's job: collects at most once per `PAHT_OBJECT_STORE_GC_SECS` in this process
/// (listing the store is not free); the store's clock is the wall clock.
pub fn collect(st: &Context) -> AppResult<usize> {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let every = st.config.object_store_gc_every.as_secs() as i64;
    if every == 0 {
        return Ok(0);
    }
    let now = Utc::now();
    let last = LAST.load(Ordering::Relaxed);
    if last != i64::MIN && now.timestamp() - last < every {
        return Ok(0);
    }
    LAST.store(now.timestamp(), Ordering::Relaxed);
    collect_at(st, now)
}
