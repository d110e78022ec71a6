//! The outbox (messages to deliver and their attempts), the in-app inbox, the message templates
//! and the push devices.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::*;
use crate::db::repo::identity::{open_recipient, seal_recipient};
use crate::db::schema::*;
use crate::db::vault::Vault;

/// Queues a message; its recipient (an address, a number, a device) sealed.
pub fn insert(conn: &mut DbConn, v: &Vault, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(seal_recipient(v, row))
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, v: &Vault, id: &str) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?
        .map(|m| open_recipient(v, m))
        .transpose()
}

/// Claims up to `limit` messages due at `now` that no live lease holds: each gets `lease_id`
/// until `lease_until`. On PostgreSQL the rows are locked with `SKIP LOCKED`, so replicas
/// claiming at the same moment take different messages; SQLite's one writer orders claims.
/// Runs inside the caller's write transaction.
pub fn claim(
    conn: &mut DbConn,
    v: &Vault,
    now: NaiveDateTime,
    lease_id: &str,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let due = outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::lease_until
                .is_null()
                .or(outbox::lease_until.lt(now)),
        )
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(outbox::id);
    let ids: Vec<String> = match conn {
        DbConn::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        DbConn::Sqlite(sq) => due.load(sq)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::lease_id.eq(lease_id),
            outbox::lease_until.eq(lease_until),
        ))
        .execute(conn)?;
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .select(OutboxRow::as_select())
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .load(conn)?
        .into_iter()
        .map(|m| open_recipient(v, m))
        .collect()
}

/// Marks a claimed message sent, if its lease is still this worker's.
pub fn mark_sent(
    conn: &mut DbConn,
    id: &str,
    lease_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::lease_id.eq(lease_id))
            .filter(outbox::status.eq("pending")),
    )
    .set((
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::status.eq("sent"),
        outbox::sent_at.eq(at),
        outbox::lease_id.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces a delivered message's body (to blot out a secret it carried).
pub fn set_body(conn: &mut DbConn, id: &str, body: &str) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set(outbox::body.eq(body))
        .execute(conn)
}

/// Returns a claimed message after a failed attempt: to wait until `next` or, when `dead`, to
/// the dead letters.
pub fn mark_failed(
    conn: &mut DbConn,
    id: &str,
    lease_id: &str,
    next: NaiveDateTime,
    dead: bool,
    error: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::lease_id.eq(lease_id))
            .filter(outbox::status.eq("pending")),
    )
    .set((
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::status.eq(if dead { "dead" } else { "pending" }),
        outbox::next_attempt_at.eq(next),
        outbox::lease_id.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Frees the messages of a lease that its worker did not try (it is stopping).
pub fn release_lease(conn: &mut DbConn, lease_id: &str) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::lease_id.eq(lease_id))
            .filter(outbox::status.eq("pending")),
    )
    .set((
        outbox::lease_id.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Frees every lease (SQLite at start: one process writes the file, so a lease still held is
/// one of a process that died).
pub fn release_leases(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::lease_id.is_not_null()))
        .set((
            outbox::lease_id.eq(None::<String>),
            outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

pub fn insert_attempt(conn: &mut DbConn, row: &OutboxAttemptRow) -> QueryResult<()> {
    diesel::insert_into(outbox_attempts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn attempts_of(conn: &mut DbConn, message_id: &str) -> QueryResult<Vec<OutboxAttemptRow>> {
    outbox_attempts::table
        .filter(outbox_attempts::message_id.eq(message_id))
        .select(OutboxAttemptRow::as_select())
        .order(outbox_attempts::attempt.asc())
        .load(conn)
}

/// Messages by status, newest first.
pub fn list(
    conn: &mut DbConn,
    v: &Vault,
    status: Option<&str>,
    report_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<OutboxRow>, i64)> {
    let filtered = || {
        let mut q = outbox::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(outbox::status.eq(s.to_string()));
        }
        if let Some(r) = report_id {
            q = q.filter(outbox::report_id.eq(r.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(OutboxRow::as_select())
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?
        .into_iter()
        .map(|m| open_recipient(v, m))
        .collect::<QueryResult<_>>()?;
    Ok((rows, total))
}

/// Puts a dead letter back in the queue, due now, with its attempts counted afresh.
pub fn replay(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(outbox::table.find(id).filter(outbox::status.eq("dead")))
        .set((
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Messages of one status and transport: how many, and the oldest one's time.
pub type BacklogRow = (String, String, i64, Option<NaiveDateTime>);

/// How many messages are pending and dead, by transport, and when the oldest pending one was
/// written.
pub fn backlog(conn: &mut DbConn) -> QueryResult<Vec<BacklogRow>> {
    outbox::table
        .filter(outbox::status.ne("sent"))
        .group_by((outbox::status, outbox::transport))
        .select((
            outbox::status,
            outbox::transport,
            diesel::dsl::count_star(),
            diesel::dsl::min(outbox::created_at),
        ))
        .load(conn)
}

pub fn insert_notification(conn: &mut DbConn, row: &NotificationRow) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// An account's notifications, newest first; the total and the unread count.
pub fn notifications_of(
    conn: &mut DbConn,
    user_id: &str,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<NotificationRow>, i64, i64)> {
    let filtered = || {
        let mut q = notifications::table
            .filter(notifications::user_id.eq(user_id.to_string()))
            .into_boxed();
        if unread_only {
            q = q.filter(notifications::read_at.is_null());
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let unread = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?;
    let rows = filtered()
        .select(NotificationRow::as_select())
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows, total, unread))
}

/// Marks an account's notifications read: the ones named, or all when `ids` is `None`.
pub fn mark_read(
    conn: &mut DbConn,
    user_id: &str,
    ids: Option<&[String]>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(notifications::table)
        .filter(notifications::user_id.eq(user_id.to_string()))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(notifications::id.eq_any(ids.to_vec()));
    }
    q.set(notifications::read_at.eq(at)).execute(conn)
}

pub fn template(conn: &mut DbConn, kind: &str) -> QueryResult<Option<TemplateRow>> {
    message_templates::table
        .find(kind)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn templates(conn: &mut DbConn) -> QueryResult<Vec<TemplateRow>> {
    message_templates::table
        .select(TemplateRow::as_select())
        .order(message_templates::kind.asc())
        .load(conn)
}

/// Writes an admin's wording of a kind (replacing an earlier one).
pub fn save_template(conn: &mut DbConn, row: &TemplateRow) -> QueryResult<()> {
    let n = diesel::update(message_templates::table.find(&row.kind))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(message_templates::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_template(conn: &mut DbConn, kind: &str) -> QueryResult<bool> {
    Ok(diesel::delete(message_templates::table.find(kind)).execute(conn)? == 1)
}

/// Registers a device for an account (a token moves to the account that registers it last).
pub fn save_device(conn: &mut DbConn, row: &PushDeviceRow) -> QueryResult<()> {
    diesel::delete(push_devices::table.find(&row.token)).execute(conn)?;
    diesel::insert_into(push_devices::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_device(conn: &mut DbConn, user_id: &str, token: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        push_devices::table
            .find(token)
            .filter(push_devices::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(n == 1)
}

pub fn devices_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<PushDeviceRow>> {
    push_devices::table
        .filter(push_devices::user_id.eq(user_id))
        .select(PushDeviceRow::as_select())
        .order(push_devices::created_at.asc())
        .load(conn)
}

/// The (kind, channel) pairs an account turned off.
pub fn optouts_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<(String, String)>> {
    notification_optouts::table
        .filter(notification_optouts::user_id.eq(user_id))
        .select((notification_optouts::kind, notification_optouts::channel))
        .order((
            notification_optouts::kind.asc(),
            notification_optouts::channel.asc(),
        ))
        .load(conn)
}

/// Replaces an account's choices.
pub fn set_optouts(
    conn: &mut DbConn,
    user_id: &str,
    pairs: &[(String, String)],
) -> QueryResult<()> {
    diesel::delete(notification_optouts::table.filter(notification_optouts::user_id.eq(user_id)))
        .execute(conn)?;
    for (kind, channel) in pairs {
        diesel::insert_into(notification_optouts::table)
            .values((
                notification_optouts::user_id.eq(user_id),
                notification_optouts::kind.eq(kind),
                notification_optouts::channel.eq(channel),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_webhook(conn: &mut DbConn, row: &WebhookRow) -> QueryResult<()> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn webhook(conn: &mut DbConn, id: &str) -> QueryResult<Option<WebhookRow>> {
    webhook_subscriptions::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

pub fn webhooks(conn: &mut DbConn, active_only: bool) -> QueryResult<Vec<WebhookRow>> {
    let mut q = webhook_subscriptions::table.into_boxed();
    if active_only {
        q = q.filter(webhook_subscriptions::active.eq(true));
    }
    q.select(WebhookRow::as_select())
        .order(webhook_subscriptions::created_at.asc())
        .load(conn)
}

pub fn delete_webhook(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    Ok(diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)? == 1)
}

/// Records a delivery's outcome: a success clears the failing streak; a failure starts one.
pub fn webhook_outcome(
    conn: &mut DbConn,
    id: &str,
    ok: bool,
    at: NaiveDateTime,
) -> QueryResult<Option<WebhookRow>> {
    let q = webhook_subscriptions::table.find(id);
    if ok {
        diesel::update(q)
            .set(webhook_subscriptions::failing_since.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    } else {
        diesel::update(q.filter(webhook_subscriptions::failing_since.is_null()))
            .set(webhook_subscriptions::failing_since.eq(at))
            .execute(conn)?;
    }
    webhook(conn, id)
}

/// Turns a subscription on or off; returns whether it exists.
pub fn set_webhook_active(
    conn: &mut DbConn,
    id: &str,
    active: bool,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(webhook_subscriptions::table.find(id))
        .set((
            webhook_subscriptions::active.eq(active),
            webhook_subscriptions::disabled_at.eq((!active).then_some(at)),
            webhook_subscriptions::failing_since.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Every active admin, to be told of a disabled subscription.
pub fn admins(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)
}
