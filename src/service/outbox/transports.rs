//! The real systems messages leave through: an SMTP server (`lettre`), an SMS gateway's and a
//! push gateway's HTTP API (`ureq`). Each answers whether a failure is worth another attempt.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};
use lettre::{SmtpTransport, Transport};

use crate::config::NotifyConfig;
use crate::db::models::{OutboxRow, WebhookRow};

/// A file sent with an e-mail (the Annex I letter with a result).
pub struct Attached {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Why an attempt failed; `permanent` ends the message as a dead letter at once.
#[derive(Debug)]
pub struct Failure {
    pub permanent: bool,
    pub detail: String,
}

impl Failure {
    fn retry(detail: impl Into<String>) -> Self {
        Self {
            permanent: false,
            detail: detail.into(),
        }
    }
    fn fatal(detail: impl Into<String>) -> Self {
        Self {
            permanent: true,
            detail: detail.into(),
        }
    }
}

/// The configured transports of one dispatcher.
pub struct Transports {
    smtp: Option<SmtpTransport>,
    from: Option<Mailbox>,
    domain: String,
    http: ureq::Agent,
    cfg: NotifyConfig,
}

impl Transports {
    pub fn new(cfg: &NotifyConfig) -> Result<Self, String> {
        // ureq's TLS uses the process's crypto provider: the aws-lc one the project links.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let smtp = match &cfg.smtp_url {
            Some(url) => Some(
                SmtpTransport::from_url(url)
                    .map_err(|e| format!("PAHT_SMTP_URL: {e}"))?
                    .timeout(Some(cfg.timeout))
                    .build(),
            ),
            None => None,
        };
        let from: Option<Mailbox> = cfg.mail_from.parse().ok();
        let domain = from
            .as_ref()
            .map(|m| m.email.domain().to_string())
            .unwrap_or_else(|| "paht.localhost".into());
        let http: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Self {
            smtp,
            from,
            domain,
            http,
            cfg: cfg.clone(),
        })
    }

    /// Delivers one message (a webhook to its subscription); `Ok` carries what the receiver
    /// answered.
    pub fn send(
        &self,
        m: &OutboxRow,
        hook: Option<&WebhookRow>,
        attachment: Option<&Attached>,
    ) -> Result<String, Failure> {
        match m.transport.as_str() {
            "email" => self.email(m, attachment),
            "sms" => self.sms(m),
            "push" => self.push(m),
            "webhook" => match hook {
                Some(h) if h.active => self.webhook(m, h),
                _ => Err(Failure::fatal("the subscription is disabled or gone")),
            },
            t => Err(Failure::fatal(format!("unknown transport {t}"))),
        }
    }

    /// A Standard Webhooks delivery: `webhook-id` (the delivery id), `webhook-timestamp`,
    /// `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`).
    fn webhook(&self, m: &OutboxRow, h: &WebhookRow) -> Result<String, Failure> {
        let ts = chrono::Utc::now().timestamp();
        let sig = sign(&h.secret, &m.id, ts, &m.body)
            .ok_or_else(|| Failure::fatal("the subscription's secret is not a whsec_ key"))?;
        let req = self
            .http
            .post(&h.url)
            .header("webhook-id", &m.id)
            .header("webhook-timestamp", &ts.to_string())
            .header("webhook-signature", &format!("v1,{sig}"))
            .header("Content-Type", "application/json");
        respond(req.send(m.body.as_bytes()))
    }

    fn email(&self, m: &OutboxRow, attachment: Option<&Attached>) -> Result<String, Failure> {
        let (Some(smtp), Some(from)) = (&self.smtp, &self.from) else {
            return Err(Failure::retry("PAHT_SMTP_URL is not set in this process"));
        };
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|_| Failure::fatal("the recipient is not an e-mail address"))?;
        let mut b = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(m.subject.clone())
            // The delivery id: a receiver sees a retried message as the same one.
            .message_id(Some(format!("<{}@{}>", m.id, self.domain)));
        if let Some(thread) = &m.thread_key {
            // The messages about one report form one thread.
            let root = format!("<paht.{thread}@{}>", self.domain);
            b = b.in_reply_to(root.clone()).references(root);
        }
        let built = match attachment {
            None => b.header(ContentType::TEXT_PLAIN).body(m.body.clone()),
            Some(a) => b.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(m.body.clone()))
                    .singlepart(
                        Attachment::new(a.name.clone()).body(
                            a.bytes.clone(),
                            ContentType::parse(&a.content_type)
                                .map_err(|e| Failure::fatal(format!("attachment type: {e}")))?,
                        ),
                    ),
            ),
        };
        let msg = built.map_err(|e| Failure::fatal(format!("message not built: {e}")))?;
        match smtp.send(&msg) {
            Ok(r) => Ok(format!("smtp {}", r.code())),
            Err(e) if e.is_permanent() => Err(Failure::fatal(format!("smtp: {e}"))),
            Err(e) => Err(Failure::retry(format!("smtp: {e}"))),
        }
    }

    fn sms(&self, m: &OutboxRow) -> Result<String, Failure> {
        let Some(url) = &self.cfg.sms_url else {
            return Err(Failure::retry("PAHT_SMS_URL is not set in this process"));
        };
        let seg = crate::service::notify::sms::segments(&m.body);
        let body = serde_json::json!({
            "id": m.id,
            "to": m.recipient,
            "from": self.cfg.sms_brand,
            "text": m.body,
            "unicode": seg.unicode,
            "segments": seg.count,
        });
        self.post(url, self.cfg.sms_key.as_deref(), &m.id, &body)
    }

    /// The request shape of FCM HTTP v1 (`projects/…/messages:send`).
    fn push(&self, m: &OutboxRow) -> Result<String, Failure> {
        let Some(url) = &self.cfg.push_url else {
            return Err(Failure::retry("PAHT_PUSH_URL is not set in this process"));
        };
        let body = serde_json::json!({
            "message": {
                "token": m.recipient,
                "notification": { "title": m.subject, "body": m.body },
                "data": {
                    "delivery_id": m.id,
                    "kind": m.kind,
                    "report_id": m.report_id.clone().unwrap_or_default(),
                },
            }
        });
        self.post(url, self.cfg.push_key.as_deref(), &m.id, &body)
    }

    fn post(
        &self,
        url: &str,
        key: Option<&str>,
        id: &str,
        body: &serde_json::Value,
    ) -> Result<String, Failure> {
        let mut req = self
            .http
            .post(url)
            .header("Idempotency-Key", id)
            .header("Content-Type", "application/json");
        if let Some(k) = key {
            req = req.header("Authorization", &format!("Bearer {k}"));
        }
        respond(req.send(body.to_string().as_bytes()))
    }
}

fn respond(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<String, Failure> {
    match r {
        Ok(resp) => {
            let code = resp.status().as_u16();
            match code {
                200..=299 => Ok(format!("http {code}")),
                // Throttled or the receiver's own trouble: later.
                408 | 425 | 429 | 500..=599 => Err(Failure::retry(format!("http {code}"))),
                _ => Err(Failure::fatal(format!("http {code}"))),
            }
        }
        Err(e) => Err(Failure::retry(format!("http: {e}"))),
    }
}

/// The Standard Webhooks signature of a delivery, base64; `None` for a malformed secret.
pub fn sign(secret: &str, id: &str, ts: i64, body: &str) -> Option<String> {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{ts}.{body}").as_bytes());
    Some(b64.encode(mac.finalize().into_bytes()))
}

/// The wait before attempt `n + 1` after `n` failed: exponential from `base`, at most `max`,
/// with full jitter between half and all of it (replicas that failed together spread out).
pub fn backoff(n: i32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << n.clamp(0, 20) as u32).min(max);
    let half = exp / 2;
    let jitter = rand::random_range(0..=half.as_millis().max(1) as u64);
    half + Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        let base = Duration::from_secs(10);
        let max = Duration::from_secs(3600);
        for n in 0..30 {
            let d = backoff(n, base, max);
            let exp = base.saturating_mul(1u32 << n.min(20) as u32).min(max);
            assert!(
                d >= exp / 2 && d <= exp + Duration::from_millis(1),
                "{n}: {d:?}"
            );
        }
        assert!(backoff(30, base, max) <= max + Duration::from_millis(1));
    }
}
