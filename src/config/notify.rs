//! The outbox's settings: the dispatcher and the transports (SMTP, SMS gateway, push
//! gateway). Each is documented in `.env.example` and the README.

use std::time::Duration;

/// Where messages go and how the dispatcher delivers them. A transport without its URL is off:
/// no message is written for it (the in-app inbox always works).
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// `PAHT_OUTBOX_ENABLED`: whether this process delivers (messages are written either way;
    /// another replica, or this one once switched on, delivers them).
    pub dispatch: bool,
    pub workers: usize,
    pub batch: i64,
    /// How often an idle dispatcher looks for due messages (a commit wakes it at once).
    pub poll: Duration,
    /// Attempts before a message becomes a dead letter.
    pub max_attempts: i32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How long a claimed message belongs to its worker; past it, another may take it.
    pub lease: Duration,
    /// Deliveries per second of this process, 0 for no limit.
    pub rate_per_sec: u32,
    /// The longest wait for a gateway or mail server in one attempt.
    pub timeout: Duration,
    /// The address of the public portal, for the links in messages.
    pub public_url: String,
    /// `smtp://[user:pass@]host[:port][?tls=required]` or `smtps://…`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub sms_url: Option<String>,
    pub sms_key: Option<String>,
    pub sms_brand: String,
    /// Send SMS without diacritics (GSM-7, 160 characters a segment instead of 70).
    pub sms_unaccented: bool,
    pub push_url: Option<String>,
    pub push_key: Option<String>,
    /// A webhook subscription failing this long is disabled (its admins are told).
    pub webhook_disable_after: Duration,
    /// A reminder when this share (%) of a step's working time is used; 0 for none.
    pub remind_share_percent: u32,
    /// A reminder this many working minutes before a deadline; 0 for none.
    pub remind_before_minutes: u32,
    /// A live stream ends after this long (and never after its access token); the client
    /// reconnects with `Last-Event-ID`.
    pub stream_max: Duration,
    /// A live stream looks for changes committed by other replicas this often (changes of its
    /// own replica are seen at once).
    pub stream_poll: Duration,
    /// The place name of the Annex I letters' date line ("Cần Thơ, ngày … tháng … năm …"),
    /// after Decree 30/2020: the province-level unit where the agencies sit.
    pub letter_place: String,
}

/// The outbox's settings (`PAHT_OUTBOX_…`, `PAHT_SMTP_…`, `PAHT_SMS_…`, `PAHT_PUSH_…`).
pub(super) fn notify_config(
    get: &dyn Fn(&str) -> Option<String>,
    errs: &mut Vec<String>,
) -> NotifyConfig {
    let errs = std::cell::RefCell::new(errs);
    let num = |key: &str, default: u64, min: u64, max: u64| -> u64 {
        match get(key) {
            None => default,
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    errs.borrow_mut().push(format!(
                        "{key}: {v:?} must be a whole number from {min} to {max}"
                    ));
                    default
                }
            },
        }
    };
    let flag = |key: &str, default: bool| match get(key).as_deref() {
        None => default,
        Some("true") | Some("1") => true,
        Some("false") | Some("0") => false,
        Some(v) => {
            errs.borrow_mut()
                .push(format!("{key}: {v:?} must be true or false"));
            default
        }
    };
    let dispatch = flag("PAHT_OUTBOX_ENABLED", true);
    let sms_unaccented = flag("PAHT_SMS_UNACCENTED", false);
    let url = |key: &str, schemes: &[&str]| {
        let v = get(key)?;
        if schemes.iter().any(|s| v.starts_with(&format!("{s}://"))) {
            Some(v)
        } else {
            errs.borrow_mut().push(format!(
                "{key}: must start with {}://",
                schemes.join("://, ")
            ));
            None
        }
    };
    let smtp_url = url("PAHT_SMTP_URL", &["smtp", "smtps"]);
    let sms_url = url("PAHT_SMS_URL", &["http", "https"]);
    let push_url = url("PAHT_PUSH_URL", &["http", "https"]);
    let public_url = url("PAHT_PUBLIC_URL", &["http", "https"])
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
        .trim_end_matches('/')
        .to_string();
    let mail_from =
        get("PAHT_MAIL_FROM").unwrap_or_else(|| "Hệ thống PAHT <no-reply@paht.localhost>".into());
    if mail_from.parse::<lettre::message::Mailbox>().is_err() {
        errs.borrow_mut().push(format!(
            "PAHT_MAIL_FROM: {mail_from:?} is not an address such as PAHT <no-reply@example.vn>"
        ));
    }
    let sms_brand = get("PAHT_SMS_BRAND").unwrap_or_else(|| "PAHT".into());
    NotifyConfig {
        dispatch,
        workers: num("PAHT_OUTBOX_WORKERS", 4, 1, 64) as usize,
        batch: num("PAHT_OUTBOX_BATCH", 20, 1, 1000) as i64,
        poll: Duration::from_millis(num("PAHT_OUTBOX_POLL_MS", 1000, 10, 600_000)),
        max_attempts: num("PAHT_OUTBOX_MAX_ATTEMPTS", 12, 1, 100) as i32,
        backoff_base: Duration::from_millis(num("PAHT_OUTBOX_BACKOFF_MS", 10_000, 1, 3_600_000)),
        backoff_max: Duration::from_secs(num("PAHT_OUTBOX_BACKOFF_MAX_SECS", 3600, 1, 86_400)),
        lease: Duration::from_secs(num("PAHT_OUTBOX_LEASE_SECS", 120, 1, 3600)),
        rate_per_sec: num("PAHT_OUTBOX_RATE_PER_SEC", 0, 0, 100_000) as u32,
        timeout: Duration::from_secs(num("PAHT_OUTBOX_TIMEOUT_SECS", 30, 1, 600)),
        public_url,
        smtp_url,
        mail_from,
        sms_url,
        sms_key: get("PAHT_SMS_KEY"),
        sms_brand,
        sms_unaccented,
        push_url,
        push_key: get("PAHT_PUSH_KEY"),
        webhook_disable_after: Duration::from_secs(
            num("PAHT_WEBHOOK_DISABLE_AFTER_HOURS", 72, 1, 24 * 90) * 3600,
        ),
        remind_share_percent: num("PAHT_REMIND_SHARE_PERCENT", 75, 0, 99) as u32,
        remind_before_minutes: num("PAHT_REMIND_BEFORE_MINUTES", 60, 0, 10 * 480) as u32,
        stream_max: Duration::from_secs(num("PAHT_STREAM_MAX_SECS", 900, 1, 86_400)),
        stream_poll: Duration::from_millis(num("PAHT_STREAM_POLL_MS", 1000, 50, 60_000)),
        letter_place: get("PAHT_LETTER_PLACE").unwrap_or_else(|| "Cần Thơ".into()),
    }
}
