//! The IOC's queue of messages: list, read, claim, turn into a report, refuse.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::{MailMeta, OutboxRow};
use crate::db::repo::channels::MailChanges;
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::mail;
use crate::domain::report::Channel;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::{Require, roles::Operator};
use crate::service::channels::{Claim, already_claimed, claim_of};
use crate::service::reports::intake::{
    NewReport, Origin, Submitted, check_submission, submit_from,
};

use super::{changed, not_found, open_states, status};

/// The queue and the archive of messages (operators), oldest first.
pub fn list(
    st: &Context,
    _who: &Require<Operator>,
    status: Option<&str>,
    report_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<MailMeta>, i64)> {
    let mut conn = st.pool.get()?;
    Ok(repo::channels::mail_list(
        &mut conn, &st.vault, status, report_id, limit, offset,
    )?)
}

/// A message as read, with its files (operators).
pub fn get(
    st: &Context,
    _who: &Require<Operator>,
    id: &str,
) -> AppResult<(MailMeta, Vec<FileView>)> {
    let mut conn = st.pool.get()?;
    let m = repo::channels::mail(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    let files = if m.status == status::UNREADABLE {
        Vec::new()
    } else {
        let raw = raw_bytes(st, &mut conn, id)?.unwrap_or_default();
        mail::parse(&raw)
            .map(|p| p.files.iter().map(FileView::of).collect())
            .unwrap_or_default()
    };
    Ok((m, files))
}

/// The message's bytes as they arrived (operators): a reader for the download.
pub fn raw(
    st: &Context,
    _who: &Require<Operator>,
    id: &str,
) -> AppResult<crate::service::objects::Stored> {
    let mut conn = st.pool.get()?;
    let m = repo::channels::mail(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    let (sha, inline) = repo::channels::mail_raw(&mut conn, id)?.ok_or_else(not_found)?;
    Ok(crate::service::objects::Stored::new(
        &st.objects,
        inline,
        &sha,
        m.size_bytes,
    ))
}

/// A message's bytes: in its row (kept before the object store) or in the store.
fn raw_bytes(st: &Context, conn: &mut DbConn, id: &str) -> AppResult<Option<Vec<u8>>> {
    match repo::channels::mail_raw(conn, id)? {
        None => Ok(None),
        Some((sha, inline)) => {
            crate::service::objects::read(&st.objects, inline, &sha, None).map(Some)
        }
    }
}

/// A file of a message, and whether it can become an attachment of a report.
#[derive(Debug, Clone)]
pub struct FileView {
    pub name: String,
    pub declared_type: String,
    pub size_bytes: i64,
    pub inline: bool,
    /// The type its bytes carry, when it is one a report takes.
    pub detected_type: Option<&'static str>,
}

impl FileView {
    fn of(f: &mail::MailFile) -> Self {
        Self {
            name: f.name.clone(),
            declared_type: f.declared_type.clone(),
            size_bytes: f.data.len() as i64,
            inline: f.inline,
            detected_type: crate::service::reports::files::kind_of(&f.data).map(|(_, t)| t),
        }
    }
}

/// An operator takes a message to work on it; another one's claim answers 409.
pub fn claim(st: &Context, who: &Require<Operator>, id: &str) -> AppResult<MailMeta> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let m = repo::channels::mail(c, &st.vault, id)?.ok_or_else(not_found)?;
        open_states(&m)?;
        match claim_of(m.claimed_by.as_deref(), &who.user_id) {
            Claim::Mine => return Ok(m),
            Claim::Theirs => return Err(already_claimed()),
            Claim::Free => {}
        }
        let ok = repo::channels::update_mail(
            c,
            id,
            m.version,
            &MailChanges {
                claimed_by: Some(Some(who.user_id.clone())),
                claimed_at: Some(Some(now)),
                ..Default::default()
            },
        )?;
        if !ok {
            return Err(changed());
        }
        repo::channels::mail(c, &st.vault, id)?.ok_or_else(not_found)
    })
}

/// Turns a message into a report, completed by the operator as Art. 4 requires (the reporter's
/// e-mail is the sender's, whatever is given): channel `email`, the sender's address the reporter's, the
/// dispatch clock counted from the message's arrival (Art. 7.2–7.3); its pictures, videos,
/// recordings and PDF files (by their bytes) become the report's attachments, up to the
/// report's limit. The report and the message's new state are one write: of two operators, one
/// wins.
pub fn convert(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    mut input: NewReport,
) -> AppResult<Submitted> {
    let mut conn = st.pool.get()?;
    let m = repo::channels::mail(&mut conn, &st.vault, id)?.ok_or_else(not_found)?;
    open_states(&m)?;
    if let Claim::Theirs = claim_of(m.claimed_by.as_deref(), &who.user_id) {
        return Err(already_claimed());
    }
    let files = if m.status == status::QUEUED {
        let raw = raw_bytes(st, &mut conn, id)?.unwrap_or_default();
        mail::parse(&raw).map(|p| p.files).unwrap_or_default()
    } else {
        Vec::new()
    };
    drop(conn);
    // The files that can become attachments are stored before the report's transaction.
    let mut kept = Vec::new();
    for f in files {
        let Some((kind, t)) = crate::service::reports::files::kind_of(&f.data) else {
            continue;
        };
        if kept.len() == crate::domain::attachment::MAX_PER_REPORT
            || f.data.len() > st.config.attachment_limit
        {
            continue;
        }
        kept.push((kind, t, f.name, st.objects.put(&f.data)?));
    }
    input.channel = Some(Channel::Email);
    if let Some(from) = &m.from_address {
        input.reporter.email = Some(from.clone());
    }
    let checked = check_submission(st, who, input)?;
    let arrived: DateTime<Utc> = m.received_at.and_utc();
    let (mail_id, version, user) = (m.id.clone(), m.version, who.user_id.clone());
    let origin = Origin {
        arrived_at: arrived,
        note: format!("thư điện tử {mail_id}"),
        proof: format!("thư điện tử {mail_id}"),
        link: Box::new(move |ctx, c, r| {
            let now = ctx.now_naive();
            let ok = repo::channels::update_mail(
                c,
                &mail_id,
                version,
                &MailChanges {
                    status: Some(status::CONVERTED.into()),
                    report_id: Some(Some(r.id.clone())),
                    claimed_by: Some(Some(user.clone())),
                    decided_by: Some(Some(user.clone())),
                    decided_at: Some(Some(now)),
                    ..Default::default()
                },
            )?;
            if !ok {
                return Err(changed());
            }
            for (kind, t, name, blob) in &kept {
                crate::service::reports::files::attach_in(ctx, c, r, *kind, t, name, blob)?;
            }
            Ok(())
        }),
    };
    submit_from(st, who, checked, None, Some(origin))
}

/// Why a message is refused, sent back to its sender.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseMail {
    /// The reason, in Vietnamese, as the sender will read it (e.g. what Art. 4 requires that
    /// the message lacks, or that the matter is not a field report).
    #[validate(length(min = 5, max = 2000))]
    #[schema(min_length = 5, max_length = 2000)]
    pub reason: String,
}

/// Refuses a message: the reason goes back to the sender by e-mail, written in the same
/// transaction (409 when the message has no sender to answer).
pub fn refuse(
    st: &Context,
    who: &Require<Operator>,
    id: &str,
    input: RefuseMail,
) -> AppResult<MailMeta> {
    let now = st.clock.now().naive_utc();
    let reason = input.reason.trim().to_string();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let m = repo::channels::mail(c, &st.vault, id)?.ok_or_else(not_found)?;
        open_states(&m)?;
        if let Claim::Theirs = claim_of(m.claimed_by.as_deref(), &who.user_id) {
            return Err(already_claimed());
        }
        let Some(to) = m.from_address.clone() else {
            return Err(AppError::conflict(
                "no_sender",
                "Thư không có địa chỉ người gửi để trả lời.",
                "The message has no sender to answer.",
            ));
        };
        let ok = repo::channels::update_mail(
            c,
            id,
            m.version,
            &MailChanges {
                status: Some(status::REFUSED.into()),
                note: Some(Some(reason.clone())),
                claimed_by: Some(Some(who.user_id.clone())),
                decided_by: Some(Some(who.user_id.clone())),
                decided_at: Some(Some(now)),
                ..Default::default()
            },
        )?;
        if !ok {
            return Err(changed());
        }
        if st.config.notify.smtp_url.is_some() {
            let b = crate::service::notify::templates::builtin("mail_refused")
                .ok_or_else(|| AppError::internal("no template for mail_refused"))?;
            let w = crate::service::notify::templates::Wording::of(
                b,
                repo::outbox::template(c, "mail_refused")?,
            );
            let vars = vec![
                ("subject", m.subject.clone().unwrap_or_default()),
                ("reason", reason.clone()),
            ];
            let render = |t: &str| crate::service::notify::templates::render(t, &vars);
            repo::outbox::insert(
                c,
                &st.vault,
                &OutboxRow::pending(
                    new_id(),
                    "mail_refused",
                    None,
                    None,
                    "email",
                    &to,
                    None,
                    &render(&w.subject),
                    &render(&w.body),
                    1,
                    None,
                    now,
                ),
            )?;
        }
        repo::channels::mail(c, &st.vault, id)?.ok_or_else(not_found)
    })
    .inspect(|_| st.outbox_wake.wake())
}
