//! The e-mail channel (Art. 6.1c, 7.2). Every message is kept byte for byte the moment it
//! arrives, in its own transaction, so that nothing that reached the mailbox is lost; then it is
//! read: a machine's message is set aside, a reporter's reply to their report becomes its
//! supplement or feedback, anything else waits in the IOC's queue. An operator turns a queued
//! message into a report (channel `email`, the sender its reporter, the dispatch clock counted
//! from the message's arrival) or refuses it with a reason the sender receives.

use crate::db::models::{MailMeta, MailRow, ReportRow};
use crate::db::repo::channels::MailChanges;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::mail::{self, Parsed};
use crate::domain::report::ReportStatus;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::act;
use crate::service::reports::actions::{FeedbackInput, feedback_in};
use crate::service::reports::intake::{Supplement, supplement_in};

mod queue;

pub use queue::*;

/// What became of a message.
pub mod status {
    /// Waiting for an operator.
    pub const QUEUED: &str = "queued";
    /// Turned into a report.
    pub const CONVERTED: &str = "converted";
    /// Refused, the reason sent back.
    pub const REFUSED: &str = "refused";
    /// A reporter's reply, taken as the supplement or the feedback of their report.
    pub const ATTACHED: &str = "attached";
    /// Sent by a machine (auto-reply, bounce, bulk, our own): never a report.
    pub const IGNORED: &str = "ignored";
    /// Too large or not a message: kept for the IOC to read, not read by the system.
    pub const UNREADABLE: &str = "unreadable";

    pub const ALL: [&str; 6] = [QUEUED, CONVERTED, REFUSED, ATTACHED, IGNORED, UNREADABLE];
}

/// A message that arrived, and whether the same bytes had arrived before.
pub struct Ingested {
    pub mail: MailMeta,
    pub duplicate: bool,
}

pub(super) fn not_found() -> AppError {
    AppError::not_found("thư điện tử", "Message")
}

/// Keeps a message and reads it. `source` says how it came (`webhook`, `pipe`). Bytes that
/// arrived before answer the first message (an MTA's retry).
pub fn ingest(st: &Context, raw: Vec<u8>, source: &str) -> AppResult<Ingested> {
    let now = st.clock.now();
    let sha256 = crate::service::objects::sha256_of(&raw);
    let mut conn = st.pool.get()?;
    if let Some(m) = repo::channels::mail_by_sha256(&mut conn, &st.vault, &sha256)? {
        return Ok(Ingested {
            mail: m,
            duplicate: true,
        });
    }
    let size = raw.len();
    let parsed = if size > st.config.mail_max_bytes {
        Err("message_too_large")
    } else {
        mail::parse(&raw).ok_or("malformed_message")
    };
    let mut row = MailRow {
        id: new_id(),
        received_at: now.naive_utc(),
        source: source.to_string(),
        sha256: sha256.clone(),
        size_bytes: size as i64,
        raw: None,
        message_id: None,
        from_address: None,
        from_name: None,
        subject: None,
        sent_at: None,
        body_text: String::new(),
        attachment_count: 0,
        status: status::UNREADABLE.into(),
        reason: None,
        note: None,
        report_id: None,
        claimed_by: None,
        claimed_at: None,
        decided_by: None,
        decided_at: None,
        version: 0,
    };
    let mut reply_to = None;
    match &parsed {
        Err(why) => row.reason = Some(why.to_string()),
        Ok(p) => {
            row.message_id = p.message_id.as_deref().map(|s| clip(s, 500));
            row.from_address = p.from_address.as_deref().map(|s| clip(s, 254));
            row.from_name = p.from_name.as_deref().map(|s| clip(s, 200));
            row.subject = p.subject.as_deref().map(|s| clip(s, 500));
            row.sent_at = p.sent_at.map(|t| t.naive_utc());
            row.body_text = p.text.clone();
            row.attachment_count = p.files.len() as i32;
            row.status = status::QUEUED.into();
            if let Some(why) = ours(st, p).or(p.automatic) {
                row.status = status::IGNORED.into();
                row.reason = Some(why.into());
            } else if let Some(r) = answered_report(&mut conn, st, p)? {
                // A reply to a report: only its reporter's own address may act on it.
                let sender = repo::reports::reporter(&mut conn, &st.vault, &r.id)?
                    .and_then(|i| i.email)
                    .map(|e| e.trim().to_lowercase());
                if sender.is_some() && sender == p.from_address {
                    row.reason = Some("reply".into());
                    row.report_id = Some(r.id.clone());
                    reply_to = Some(r);
                }
            }
        }
    }
    // The bytes are stored before the row that names them.
    st.objects.put(&raw)?;
    drop(raw);
    let stored = write_tx(&mut conn, |c| {
        repo::channels::insert_mail(c, &st.vault, &row)
    });
    match stored {
        Ok(()) => {}
        Err(e) if repo::channels::is_duplicate(&e) => {
            // The same bytes, posted twice at once: the first one stands.
            let m = repo::channels::mail_by_sha256(&mut conn, &st.vault, &sha256)?
                .ok_or_else(|| AppError::internal("message vanished"))?;
            return Ok(Ingested {
                mail: m,
                duplicate: true,
            });
        }
        Err(e) => return Err(e.into()),
    }
    drop(conn);
    if let (Some(r), Ok(p)) = (reply_to, &parsed) {
        take_reply(st, &row, p, r)?;
    }
    let mut conn = st.pool.get()?;
    let mail = repo::channels::mail(&mut conn, &st.vault, &row.id)?.ok_or_else(not_found)?;
    Ok(Ingested {
        mail,
        duplicate: false,
    })
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Whether the message is one of ours coming back (a loop): our sender address, or a
/// `Message-ID` our dispatcher made.
fn ours(st: &Context, p: &Parsed) -> Option<&'static str> {
    let from: lettre::message::Mailbox = st.config.notify.mail_from.parse().ok()?;
    let own = from.email.to_string().to_lowercase();
    let domain = from.email.domain().to_lowercase();
    let id_is_ours = p.message_id.as_deref().is_some_and(|id| {
        id.rsplit_once('@').is_some_and(|(local, d)| {
            d.eq_ignore_ascii_case(&domain) && uuid::Uuid::parse_str(local).is_ok()
        })
    });
    (p.from_address.as_deref() == Some(own.as_str()) || id_is_ours).then_some("own_message")
}

/// The report a message answers: one of ours it replies to (`In-Reply-To`, `References`: the
/// thread of a report, or one message about it), else a tracking code in its subject.
fn answered_report(c: &mut DbConn, st: &Context, p: &Parsed) -> AppResult<Option<ReportRow>> {
    let domain = st
        .config
        .notify
        .mail_from
        .parse::<lettre::message::Mailbox>()
        .map(|m| m.email.domain().to_lowercase())
        .unwrap_or_default();
    for id in &p.references {
        let Some((local, d)) = id.rsplit_once('@') else {
            continue;
        };
        if !d.eq_ignore_ascii_case(&domain) {
            continue;
        }
        let report_id = match local.strip_prefix("paht.") {
            Some(report_id) => Some(report_id.to_string()),
            None => repo::outbox::find(c, &st.vault, local)?.and_then(|m| m.report_id),
        };
        if let Some(id) = report_id
            && let Some(r) = repo::reports::find(c, &id)?
        {
            return Ok(Some(r));
        }
    }
    for code in mail::codes_in(p.subject.as_deref().unwrap_or("")) {
        if let Some(r) = repo::reports::find_by_code(c, &code)? {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// A reporter's reply: the supplement the IOC asked for (Art. 7.1), or feedback on the published
/// result (Art. 10.1), with the message marked in the same transaction. In any other state, or
/// when the action is refused, the message stays in the queue, linked to the report.
fn take_reply(st: &Context, row: &MailRow, p: &Parsed, r: ReportRow) -> AppResult<()> {
    let text = mail::strip_quoted(&p.text);
    let follower = Principal::follower(&r.id);
    let source = format!("thư điện tử {}", row.id);
    let outcome = match r.status {
        ReportStatus::NeedsInfo => act(st, &follower, &r.id, |ctx, c, r| {
            let input = Supplement {
                note: clip(&text, 2000),
                title: None,
                content: None,
                address: None,
                admin_unit_code: None,
                latitude: None,
                longitude: None,
                incident_at: None,
                call_id: None,
            };
            supplement_in(ctx, c, r, input, Some(&source))?;
            mark(
                c,
                &row.id,
                row.version,
                status::ATTACHED,
                "supplement",
                None,
            )
        }),
        ReportStatus::Published => act(st, &follower, &r.id, |ctx, c, r| {
            let input = FeedbackInput {
                content: clip(&text, 5000),
                call_id: None,
            };
            feedback_in(ctx, c, r, input, Some(&source))?;
            mark(c, &row.id, row.version, status::ATTACHED, "feedback", None)
        }),
        _ => return Ok(()),
    };
    match outcome {
        Ok(()) => Ok(()),
        Err(e) if e.status.is_client_error() => {
            // Not taken (the text is not a supplement, the state changed): the IOC reads it.
            let mut conn = st.pool.get()?;
            write_tx(&mut conn, |c| {
                repo::channels::update_mail(
                    c,
                    &row.id,
                    row.version,
                    &MailChanges {
                        note: Some(Some(clip(&e.detail.vi, 500))),
                        ..Default::default()
                    },
                )
            })?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Sets a message's outcome if nobody changed it since `version` (409 otherwise).
fn mark(
    c: &mut DbConn,
    id: &str,
    version: i32,
    to: &str,
    reason: &str,
    report_id: Option<&str>,
) -> AppResult<()> {
    let mut changes = MailChanges {
        status: Some(to.into()),
        reason: Some(Some(reason.into())),
        ..Default::default()
    };
    if let Some(r) = report_id {
        changes.report_id = Some(Some(r.into()));
    }
    if !repo::channels::update_mail(c, id, version, &changes)? {
        return Err(changed());
    }
    Ok(())
}

pub(super) fn changed() -> AppError {
    AppError::conflict(
        "concurrent_update",
        "Thư vừa được người khác xử lý. Vui lòng tải lại.",
        "Someone else just handled the message. Reload it.",
    )
}

pub(super) fn open_states(m: &MailMeta) -> AppResult<()> {
    if m.status == status::QUEUED || m.status == status::UNREADABLE {
        Ok(())
    } else {
        Err(AppError::conflict(
            "mail_already_handled",
            format!("Thư đã được xử lý (trạng thái '{}').", m.status),
            format!("The message was already handled ('{}').", m.status),
        ))
    }
}
