//! The dispatcher: delivers the outbox's messages at least once, each with its stable delivery
//! id; retries with exponential back-off and jitter; ends a message that keeps failing as a
//! dead letter an admin can replay; records every attempt.
//!
//! Safe with several replicas: a worker claims a batch in a short transaction (PostgreSQL:
//! `FOR UPDATE SKIP LOCKED`) with a lease; a message whose worker died returns when its lease
//! ends. On SQLite one process writes the file, so at start every lease is freed. A `kill -9`
//! between the delivery and its mark sends the message again after the restart (at least
//! once); receivers de-duplicate on the id.

pub mod admin;
pub mod transports;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};
use parking_lot::{Condvar, Mutex};

use crate::db::models::{OutboxAttemptRow, OutboxRow};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use transports::{Transports, backoff};

/// Wakes idle dispatchers when a commit wrote messages (they also look on their own timer).
#[derive(Default)]
pub struct Wake {
    n: Mutex<u64>,
    cv: Condvar,
}

impl Wake {
    pub fn wake(&self) {
        *self.n.lock() += 1;
        self.cv.notify_all();
    }

    /// Waits until a wake after `seen`, or `timeout`; returns the count now.
    pub fn wait(&self, seen: u64, timeout: Duration) -> u64 {
        let mut n = self.n.lock();
        if *n == seen {
            self.cv.wait_for(&mut n, timeout);
        }
        *n
    }

    pub fn count(&self) -> u64 {
        *self.n.lock()
    }
}

/// What one pass delivered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
    pub dead: usize,
}

/// Delivery counters of this process, for `/metrics`.
#[derive(Default)]
pub struct Counters {
    pub sent: std::sync::atomic::AtomicU64,
    pub failed: std::sync::atomic::AtomicU64,
    pub dead: std::sync::atomic::AtomicU64,
}

fn lease_of(st: &Context, now: NaiveDateTime) -> NaiveDateTime {
    now + TimeDelta::from_std(st.config.notify.lease).unwrap_or(TimeDelta::minutes(2))
}

/// Claims one batch of due messages and delivers them. Returns what happened.
pub fn deliver_batch(st: &Context, tx: &Transports) -> AppResult<Pass> {
    deliver_batch_until(st, tx, &AtomicBool::new(false))
}

/// A batch that stops between two messages once `stop` is set (their leases are freed).
fn deliver_batch_until(st: &Context, tx: &Transports, stop: &AtomicBool) -> AppResult<Pass> {
    let mut conn = st.pool.get()?;
    let now = st.clock.now().naive_utc();
    let lease = new_id();
    let batch = write_tx(&mut conn, |c| {
        repo::outbox::claim(
            c,
            &st.vault,
            now,
            &lease,
            lease_of(st, now),
            st.config.notify.batch,
        )
    })?;
    let mut pass = Pass {
        claimed: batch.len(),
        ..Default::default()
    };
    let pace = match st.config.notify.rate_per_sec {
        0 => None,
        r => Some(Duration::from_secs(1) / r),
    };
    // Outcomes are recorded together, in one transaction after the batch: a process that dies
    // before it sends those messages again (at least once).
    let mut done = Vec::with_capacity(batch.len());
    let mut stopped = false;
    let mut hooks = std::collections::HashMap::new();
    for m in batch.iter().filter(|m| m.transport == "webhook") {
        if !hooks.contains_key(&m.recipient) {
            let h = repo::outbox::webhook(&mut conn, &m.recipient)?;
            hooks.insert(m.recipient.clone(), h);
        }
    }
    // The result reaches an e-mail reporter with its letter (Annex I).
    let mut letters = std::collections::HashMap::new();
    for m in batch.iter().filter(|m| m.transport == "email") {
        if let ("result_published" | "result_confidential", Some(r)) =
            (m.kind.as_str(), &m.report_id)
            && let Some(a) = crate::service::letters::attachment(st, &mut conn, r)?
        {
            letters.insert(m.id.clone(), a);
        }
    }
    // No connection is held while waiting on the network.
    drop(conn);
    for m in batch {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            stopped = true;
            break;
        }
        let hook = hooks.get(&m.recipient).and_then(|h| h.as_ref());
        let started = Instant::now();
        let result = tx.send(&m, hook, letters.get(&m.id));
        let took = started.elapsed();
        done.push((m, result, took));
        if let Some(p) = pace {
            std::thread::sleep(p.saturating_sub(started.elapsed()));
        }
    }
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        for (m, result, took) in done {
            finish(st, c, &m, &lease, result, took, &mut pass)?;
        }
        if stopped {
            repo::outbox::release_lease(c, &lease)?;
        }
        Ok(())
    })?;
    Ok(pass)
}

fn finish(
    st: &Context,
    conn: &mut DbConn,
    m: &OutboxRow,
    lease: &str,
    result: Result<String, transports::Failure>,
    took: Duration,
    pass: &mut Pass,
) -> AppResult<()> {
    use std::sync::atomic::Ordering::Relaxed;
    let now = st.clock.now().naive_utc();
    let n = &st.config.notify;
    // This attempt's number (the mark below counts it).
    let attempt = m.attempts + 1;
    let (ok, detail) = match &result {
        Ok(d) => (true, d.clone()),
        Err(f) => (false, redact(&f.detail, &m.recipient)),
    };
    {
        let c = conn;
        repo::outbox::insert_attempt(
            c,
            &OutboxAttemptRow {
                id: new_id(),
                message_id: m.id.clone(),
                attempt,
                at: now,
                ok,
                detail: detail.clone(),
                duration_ms: took.as_millis() as i64,
            },
        )?;
        match &result {
            Ok(_) => {
                if m.transport == "webhook" {
                    repo::outbox::webhook_outcome(c, &m.recipient, true, now)?;
                }
                if repo::outbox::mark_sent(c, &m.id, lease, now)?
                    && matches!(m.kind.as_str(), "received" | "follow_up_token")
                {
                    // The follow-up token lives on only as its hash once it reached the
                    // reporter (a dead letter keeps it, to be replayed).
                    let kept = crate::domain::follow_up::mask(&m.body);
                    if kept != m.body {
                        repo::outbox::set_body(c, &m.id, &kept)?;
                    }
                }
                pass.sent += 1;
                st.outbox_counts.sent.fetch_add(1, Relaxed);
            }
            Err(f) => {
                let dead = f.permanent || attempt >= n.max_attempts;
                let wait = backoff(attempt - 1, n.backoff_base, n.backoff_max);
                let next = now + TimeDelta::from_std(wait).unwrap_or(TimeDelta::hours(1));
                repo::outbox::mark_failed(c, &m.id, lease, next, dead, &detail)?;
                pass.failed += 1;
                st.outbox_counts.failed.fetch_add(1, Relaxed);
                if m.transport == "webhook" {
                    webhook_failed(st, c, &m.recipient, now)?;
                }
                if dead {
                    pass.dead += 1;
                    st.outbox_counts.dead.fetch_add(1, Relaxed);
                    tracing::warn!(id = %m.id, kind = %m.kind, transport = %m.transport, error = %detail, "message is a dead letter");
                }
            }
        }
        Ok(())
    }
}

/// A subscription failing for longer than `PAHT_WEBHOOK_DISABLE_AFTER_HOURS` is disabled, and
/// every admin is told in the inbox.
fn webhook_failed(st: &Context, c: &mut DbConn, id: &str, now: NaiveDateTime) -> AppResult<()> {
    let Some(h) = repo::outbox::webhook_outcome(c, id, false, now)? else {
        return Ok(());
    };
    let limit =
        TimeDelta::from_std(st.config.notify.webhook_disable_after).unwrap_or(TimeDelta::days(3));
    if !h.active || h.failing_since.is_none_or(|since| now - since < limit) {
        return Ok(());
    }
    repo::outbox::set_webhook_active(c, id, false, now)?;
    tracing::warn!(subscription = %id, "webhook subscription disabled after failing");
    for admin in repo::outbox::admins(c)? {
        repo::outbox::insert_notification(
            c,
            &crate::db::models::NotificationRow {
                id: new_id(),
                user_id: admin,
                kind: "webhook_disabled".into(),
                report_id: None,
                title: "Đăng ký webhook bị tạm ngừng".into(),
                body: format!(
                    "Đăng ký {} ({}) đã lỗi liên tục từ {} và bị tạm ngừng. Kiểm tra hệ thống nhận rồi bật lại.",
                    h.id,
                    h.url,
                    crate::service::notify::local_time(h.failing_since.unwrap_or(now))
                ),
                title_en: "Webhook subscription disabled".into(),
                body_en: format!(
                    "Subscription {} ({}) kept failing since {} and was disabled. Check the receiver, then enable it again.",
                    h.id,
                    h.url,
                    h.failing_since.unwrap_or(now).and_utc().to_rfc3339()
                ),
                created_at: now,
                read_at: None,
            },
        )?;
    }
    Ok(())
}

/// Delivers until nothing is due now (the tests' and the commands' way to run the dispatcher).
pub fn deliver_all(st: &Context) -> AppResult<Pass> {
    let tx = Transports::new(&st.config.notify).map_err(AppError::internal)?;
    let mut total = Pass::default();
    loop {
        let p = deliver_batch(st, &tx)?;
        if p.claimed == 0 {
            return Ok(total);
        }
        total.claimed += p.claimed;
        total.sent += p.sent;
        total.failed += p.failed;
        total.dead += p.dead;
    }
}

/// Frees the leases a dead process left (SQLite: one process writes the file).
pub fn recover(st: &Context) -> AppResult<usize> {
    let mut conn = st.pool.get()?;
    if !matches!(*conn, DbConn::Sqlite(_)) {
        return Ok(0);
    }
    Ok(write_tx(&mut conn, repo::outbox::release_leases)?)
}

/// The running workers of this process.
pub struct Dispatcher {
    stop: Arc<AtomicBool>,
    wake: Arc<Wake>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Dispatcher {
    /// Lets each worker finish the delivery in hand (and record it), then stops them.
    pub fn shutdown(self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake.wake();
        for h in self.handles {
            let _ = h.join();
        }
    }
}

/// Starts the dispatcher's workers on threads of their own (delivery waits on networks).
pub fn spawn(st: Context) -> AppResult<Dispatcher> {
    let tx = Arc::new(Transports::new(&st.config.notify).map_err(AppError::internal)?);
    recover(&st)?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for i in 0..st.config.notify.workers {
        let (st, tx, stop) = (st.clone(), tx.clone(), stop.clone());
        let h = std::thread::Builder::new()
            .name(format!("outbox-{i}"))
            .spawn(move || work(st, tx, &stop))
            .map_err(AppError::internal)?;
        handles.push(h);
    }
    Ok(Dispatcher {
        stop,
        wake: st.outbox_wake.clone(),
        handles,
    })
}

fn work(st: Context, tx: Arc<Transports>, stop: &AtomicBool) {
    use std::sync::atomic::Ordering::SeqCst;
    let mut seen = st.outbox_wake.count();
    while !stop.load(SeqCst) {
        match deliver_batch_until(&st, &tx, stop) {
            Ok(p) if p.claimed > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox dispatch failed"),
        }
        if stop.load(SeqCst) {
            break;
        }
        seen = st.outbox_wake.wait(seen, st.config.notify.poll);
    }
}

/// `ab***@example.vn`, `091****567`: enough to tell messages apart, not to contact anyone.
pub fn mask(recipient: &str) -> String {
    if let Some((user, domain)) = recipient.split_once('@') {
        let head: String = user.chars().take(2).collect();
        return format!("{head}***@{domain}");
    }
    let chars: Vec<char> = recipient.chars().collect();
    if chars.len() > 24 {
        // A push device token.
        return format!("{}…", chars[..8].iter().collect::<String>());
    }
    if chars.len() <= 6 {
        return "***".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}****{tail}")
}

/// An error as kept and logged: the recipient's address masked.
fn redact(detail: &str, recipient: &str) -> String {
    let d: String = detail.chars().take(500).collect();
    if recipient.is_empty() {
        d
    } else {
        d.replace(recipient, &mask(recipient))
    }
}

/// The outbox in Prometheus text: messages waiting and dead by transport, the age of the oldest
/// waiting one, and this process's deliveries.
pub fn metrics_text(st: &Context) -> AppResult<String> {
    use std::fmt::Write;
    use std::sync::atomic::Ordering::Relaxed;
    let mut conn = st.pool.get()?;
    let rows = repo::outbox::backlog(&mut conn)?;
    let now = st.clock.now().naive_utc();
    let mut out = String::new();
    out.push_str("# HELP outbox_messages Messages not sent yet (pending) or given up (dead), by transport\n# TYPE outbox_messages gauge\n");
    let mut oldest: Option<NaiveDateTime> = None;
    for status in ["pending", "dead"] {
        for transport in ["email", "sms", "push", "webhook"] {
            let n = rows
                .iter()
                .find(|r| r.0 == status && r.1 == transport)
                .map(|r| r.2)
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "outbox_messages{{status=\"{status}\",transport=\"{transport}\"}} {n}"
            );
        }
    }
    for r in rows.iter().filter(|r| r.0 == "pending") {
        oldest = match (oldest, r.3) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let age = oldest
        .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
        .unwrap_or(0.0);
    let _ = writeln!(
        out,
        "# HELP outbox_oldest_pending_seconds Age of the oldest message not sent yet\n# TYPE outbox_oldest_pending_seconds gauge\noutbox_oldest_pending_seconds {age}"
    );
    let c = &st.outbox_counts;
    let _ = writeln!(
        out,
        "# HELP outbox_deliveries_total Delivery attempts of this process by result\n# TYPE outbox_deliveries_total counter\noutbox_deliveries_total{{result=\"sent\"}} {}\noutbox_deliveries_total{{result=\"failed\"}} {}\noutbox_deliveries_total{{result=\"dead\"}} {}",
        c.sent.load(Relaxed),
        c.failed.load(Relaxed),
        c.dead.load(Relaxed)
    );
    Ok(out)
}
