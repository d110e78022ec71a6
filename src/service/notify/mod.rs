//! Who must hear of an event, and what they are told: the outbox's messages, written in the
//! transaction of the event (no message without its change, no change without its messages).
//!
//! The reporter hears through the channel of intake (Art. 9.3a): e-mail for any report with an
//! e-mail address, SMS for the 1022 hotline, push for the app, and the in-app inbox for an
//! account. Staff hear in the in-app inbox and by e-mail. A transport that is not configured
//! writes nothing (`NotifyConfig`). The dispatcher (`service::outbox`) delivers.

pub mod digest;
pub mod events;
pub mod inbox;
pub mod reminders;
pub mod sms;
pub mod templates;
pub mod webhooks;

use chrono::NaiveDateTime;

use crate::db::models::{EventRow, NotificationRow, OutboxRow, ReportRow, UserRow};
use crate::db::{DbConn, new_id, repo};
use crate::domain::report::Channel;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use templates::{Audience, Wording};

/// The messages of the events a report write appended after event number `after`.
pub fn plan_after(st: &Context, c: &mut DbConn, report_id: &str, after: i64) -> AppResult<usize> {
    plan_after_with(st, c, report_id, after, None)
}

/// As [`plan_after`], with the follow-up token the write issued: it goes to the reporter by
/// e-mail and SMS only, never into the in-app inbox or a push (it would be kept there).
pub fn plan_after_with(
    st: &Context,
    c: &mut DbConn,
    report_id: &str,
    after: i64,
    follow_up_token: Option<&str>,
) -> AppResult<usize> {
    let evs = repo::reports::events_after(c, report_id, after)?;
    crate::service::live::record(c, &evs)?;
    let mut p = Planner::new(st);
    p.follow_up_token = follow_up_token.map(str::to_string);
    let hooks = if evs.is_empty() {
        Vec::new()
    } else {
        repo::outbox::webhooks(c, true)?
    };
    for ev in &evs {
        if ev.action == "result_approved" {
            crate::service::letters::issue(st, c, ev)?;
        }
        events::plan(&mut p, c, ev)?;
        if !hooks.is_empty() {
            p.webhooks(c, ev, &hooks)?;
        }
    }
    Ok(p.written)
}

/// The Standard Webhooks event type of a report event: `report.published`.
pub fn event_type(action: &str) -> String {
    format!("report.{action}")
}

/// A local time as people read it: `16:30 ngày 05/03/2026`.
pub fn local_time(t: NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%H:%M ngày %d/%m/%Y")
        .to_string()
}

/// Writes messages for one transaction.
pub struct Planner<'a> {
    pub st: &'a Context,
    pub now: NaiveDateTime,
    pub written: usize,
    /// The follow-up token issued by the write being planned.
    pub follow_up_token: Option<String>,
}

/// The reporter's messages that the reporters of merged duplicates receive too: the report's
/// progress, never what is addressed to its own reporter alone (a request to supplement, a
/// token, a confidential result, an answer to their feedback).
const MIRRORED: [&str; 4] = [
    "forwarded",
    "rejected",
    "extension_confirmed",
    "result_published",
];

/// A message of one kind about one report, with its variables.
pub struct Message<'a> {
    pub kind: &'static str,
    pub report: &'a ReportRow,
    pub event: &'a EventRow,
    pub vars: Vec<(&'static str, String)>,
}

impl<'a> Message<'a> {
    pub fn new(
        st: &Context,
        kind: &'static str,
        report: &'a ReportRow,
        event: &'a EventRow,
    ) -> Self {
        let link = format!("{}/phan-anh/{}", st.config.notify.public_url, report.code);
        Self {
            kind,
            report,
            event,
            vars: vec![("code", report.code.clone()), ("link", link)],
        }
    }

    pub fn var(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.vars.push((k, v.into()));
        self
    }
}

/// A message rendered in both languages.
#[derive(Clone)]
struct Rendered {
    subject: String,
    body: String,
    short: String,
    subject_en: String,
    body_en: String,
}

impl<'a> Planner<'a> {
    pub fn new(st: &'a Context) -> Self {
        Self {
            st,
            now: st.clock.now().naive_utc(),
            written: 0,
            follow_up_token: None,
        }
    }

    fn render(&self, c: &mut DbConn, m: &Message<'_>, audience: Audience) -> AppResult<Rendered> {
        let b = templates::builtin(m.kind)
            .filter(|b| b.audience == audience)
            .ok_or_else(|| AppError::internal(format!("no template for {}", m.kind)))?;
        let w = Wording::of(b, repo::outbox::template(c, m.kind)?);
        let r = |t: &str| templates::render(t, &m.vars);
        Ok(Rendered {
            subject: r(&w.subject),
            body: r(&w.body),
            short: r(&w.short),
            subject_en: r(&w.subject_en),
            body_en: r(&w.body_en),
        })
    }

    /// The reporter, through the channel of intake (Art. 9.3a), and their inbox.
    pub fn reporter(&mut self, c: &mut DbConn, m: Message<'_>) -> AppResult<()> {
        let mirrored = MIRRORED
            .contains(&m.kind)
            .then(|| (m.kind, m.event, m.vars.clone()));
        let report_id = m.report.id.clone();
        self.reporter_of(c, m)?;
        // The reporters of the duplicates merged into this report hear what its reporter hears
        // of its progress, about their own tracking code.
        if let Some((kind, event, vars)) = mirrored {
            for l in repo::duplicates::children_of(c, &report_id)? {
                let Some(child) = repo::reports::find(c, &l.child_id)? else {
                    continue;
                };
                let link = format!(
                    "{}/phan-anh/{}",
                    self.st.config.notify.public_url, child.code
                );
                let vars = vars
                    .iter()
                    .map(|(k, v)| match *k {
                        "code" => (*k, child.code.clone()),
                        "link" => (*k, link.clone()),
                        _ => (*k, v.clone()),
                    })
                    .collect();
                self.reporter_of(
                    c,
                    Message {
                        kind,
                        report: &child,
                        event,
                        vars,
                    },
                )?;
            }
        }
        Ok(())
    }

    fn reporter_of(&mut self, c: &mut DbConn, m: Message<'_>) -> AppResult<()> {
        let text = self.render(c, &m, Audience::Reporter)?;
        // The follow-up token travels to the reporter's own address (e-mail, SMS); the inbox
        // and the push carry a word that it was sent instead, as they are kept or pass through
        // third parties.
        let kept = if m.vars.iter().any(|(k, _)| *k == "token") {
            let masked = Message {
                vars: m
                    .vars
                    .iter()
                    .map(|(k, v)| {
                        let v = if *k == "token" {
                            "(đã gửi qua thư điện tử hoặc tin nhắn)".to_string()
                        } else {
                            v.clone()
                        };
                        (*k, v)
                    })
                    .collect(),
                ..m
            };
            self.render(c, &masked, Audience::Reporter)?
        } else {
            text.clone()
        };
        let r = m.report;
        let account = match &r.reporter_user_id {
            Some(id) => repo::users::find(c, &self.st.vault, id)?,
            None => None,
        };
        let identity = repo::reports::reporter(c, &self.st.vault, &r.id)?;
        let n = &self.st.config.notify;
        if let Some(u) = &account {
            self.inbox(c, &m, u, &kept)?;
        }
        let email = identity
            .as_ref()
            .and_then(|i| i.email.clone())
            .or_else(|| account.as_ref().and_then(|u| u.email.clone()))
            .filter(|e| !e.trim().is_empty());
        if n.smtp_url.is_some()
            && let Some(to) = email
        {
            self.queue(
                c,
                &m,
                "email",
                &to,
                account.as_ref(),
                &text.subject,
                &text.body,
            )?;
        }
        if r.channel == Channel::Hotline && n.sms_url.is_some() {
            let phone = identity
                .as_ref()
                .map(|i| i.phone.trim().to_string())
                .filter(|p| !p.is_empty());
            if let Some(to) = phone {
                let body = if n.sms_unaccented {
                    sms::unaccented(&text.short)
                } else {
                    text.short.clone()
                };
                self.queue(c, &m, "sms", &to, account.as_ref(), "", &body)?;
            }
        }
        if r.channel == Channel::App
            && n.push_url.is_some()
            && let Some(u) = &account
        {
            for d in repo::outbox::devices_of(c, &u.id)? {
                self.queue(c, &m, "push", &d.token, Some(u), &kept.subject, &kept.short)?;
            }
        }
        Ok(())
    }

    /// Staff: each account once, never the one who acted; the inbox and e-mail.
    pub fn staff(&mut self, c: &mut DbConn, m: Message<'_>, users: Vec<UserRow>) -> AppResult<()> {
        let text = self.render(c, &m, Audience::Staff)?;
        let mut seen = Vec::new();
        for u in users {
            if u.disabled
                || seen.contains(&u.id)
                || m.event.actor_user_id.as_deref() == Some(u.id.as_str())
            {
                continue;
            }
            seen.push(u.id.clone());
            // What the account turned off (never overdue: `inbox::MANDATORY`).
            let off = if inbox::MANDATORY.contains(&m.kind) {
                Vec::new()
            } else {
                repo::outbox::optouts_of(c, &u.id)?
            };
            let wants = |channel: &str| !off.iter().any(|(k, ch)| k == m.kind && ch == channel);
            if wants("inbox") {
                self.inbox(c, &m, &u, &text)?;
            }
            if wants("email")
                && self.st.config.notify.smtp_url.is_some()
                && let Some(to) = u.email.clone().filter(|e| !e.trim().is_empty())
            {
                self.queue(c, &m, "email", &to, Some(&u), &text.subject, &text.body)?;
            }
        }
        Ok(())
    }

    /// Every subscription to the event's type: ids and public fields only, never content or a
    /// reporter's identity.
    pub fn webhooks(
        &mut self,
        c: &mut DbConn,
        ev: &EventRow,
        hooks: &[crate::db::models::WebhookRow],
    ) -> AppResult<()> {
        let kind = event_type(&ev.action);
        let to: Vec<_> = hooks
            .iter()
            .filter(|h| {
                h.events
                    .split(',')
                    .any(|e| e.trim() == "*" || e.trim() == kind)
            })
            .collect();
        if to.is_empty() {
            return Ok(());
        }
        let Some(r) = repo::reports::find(c, &ev.report_id)? else {
            return Ok(());
        };
        let payload = serde_json::json!({
            "type": kind,
            "timestamp": ev.at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": {
                "report_id": r.id,
                "code": r.code,
                "event_id": ev.id,
                "seq": ev.seq,
                "action": ev.action,
                "status": r.status.as_str(),
                "channel": r.channel.as_str(),
                "category_code": r.category_code,
                "admin_unit_code": r.admin_unit_code,
                "lead_agency_id": r.lead_agency_id,
                "next_due_at": r.next_due_at.map(|t| t.and_utc().to_rfc3339()),
            }
        })
        .to_string();
        let m = Message::new(self.st, "webhook", &r, ev);
        for h in to {
            self.queue(c, &m, "webhook", &h.id, None, &kind, &payload)?;
        }
        Ok(())
    }

    fn inbox(
        &mut self,
        c: &mut DbConn,
        m: &Message<'_>,
        u: &UserRow,
        t: &Rendered,
    ) -> AppResult<()> {
        repo::outbox::insert_notification(
            c,
            &NotificationRow {
                id: new_id(),
                user_id: u.id.clone(),
                kind: m.kind.into(),
                report_id: Some(m.report.id.clone()),
                title: t.subject.clone(),
                body: t.body.clone(),
                title_en: t.subject_en.clone(),
                body_en: t.body_en.clone(),
                created_at: self.now,
                read_at: None,
            },
        )?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn queue(
        &mut self,
        c: &mut DbConn,
        m: &Message<'_>,
        transport: &str,
        recipient: &str,
        user: Option<&UserRow>,
        subject: &str,
        body: &str,
    ) -> AppResult<()> {
        let segments = if transport == "sms" {
            sms::segments(body).count as i32
        } else {
            1
        };
        repo::outbox::insert(
            c,
            &self.st.vault,
            &OutboxRow::pending(
                new_id(),
                m.kind,
                Some(m.report.id.clone()),
                Some(m.event.id.clone()),
                transport,
                recipient,
                user.map(|u| u.id.clone()),
                subject,
                body,
                segments,
                (transport == "email").then(|| m.report.id.clone()),
                self.now,
            ),
        )?;
        self.written += 1;
        Ok(())
    }
}
