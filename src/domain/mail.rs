//! An e-mail as the IOC reads it (Art. 6.1c, 7.2): who sent it, what it says (any charset, HTML
//! turned into text, forwarded messages unfolded), its files, what it answers, and whether a
//! machine sent it (auto-replies, bounces, bulk mail never become reports).

use chrono::{DateTime, Utc};
use mail_parser::{HeaderName, HeaderValue, Message, MessageParser, MimeHeaders};
use unicode_normalization::UnicodeNormalization;

/// A file the message carries (attached, or inline like Outlook's pasted pictures).
#[derive(Debug, Clone)]
pub struct MailFile {
    pub name: String,
    /// The type the message declares (the bytes decide, when it becomes an attachment).
    pub declared_type: String,
    pub data: Vec<u8>,
    pub inline: bool,
}

/// What a message says, read from its raw bytes.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Its `Message-ID`, without the angle brackets.
    pub message_id: Option<String>,
    /// The sender's address, lower case.
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The text: the plain part, or the HTML turned into text; forwarded messages follow.
    pub text: String,
    /// The messages it answers (`In-Reply-To`, then `References`), without angle brackets.
    pub references: Vec<String>,
    /// Why a machine sent it, when one did: `auto_submitted`, `bounce`, `bulk`, `auto_reply`.
    pub automatic: Option<&'static str>,
    pub files: Vec<MailFile>,
}

/// Reads a message; `None` when it is not one (no header section, or no sender).
pub fn parse(raw: &[u8]) -> Option<Parsed> {
    let msg = MessageParser::default().parse(raw)?;
    if msg.headers().is_empty() {
        return None;
    }
    let from = msg.from().and_then(|a| a.first())?;
    let from_address = from
        .address()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| a.contains('@'))?;
    let from_name = from.name().map(nfc).filter(|n| !n.trim().is_empty());
    let mut references = Vec::new();
    for h in [msg.in_reply_to(), msg.references()] {
        for id in texts(h) {
            let id = id
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string();
            if !id.is_empty() && !references.contains(&id) {
                references.push(id);
            }
        }
    }
    let mut text = String::new();
    let mut files = Vec::new();
    unfold(&msg, &mut text, &mut files, 0);
    Some(Parsed {
        message_id: msg.message_id().map(str::to_string),
        automatic: automatic(&msg, &from_address),
        from_address: Some(from_address),
        from_name,
        subject: msg.subject().map(nfc).filter(|s| !s.trim().is_empty()),
        sent_at: msg
            .date()
            .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        text: text.trim().to_string(),
        references,
        files,
    })
}

/// Vietnamese text in one form (some mailers send decomposed diacritics, as windows-1258 does).
fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn texts<'a>(h: &'a HeaderValue<'_>) -> Vec<&'a str> {
    match h {
        HeaderValue::Text(t) => vec![t.as_ref()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.as_ref()).collect(),
        _ => Vec::new(),
    }
}

/// The text and the files of a message, and of the messages forwarded in it (to a depth of 3).
fn unfold(msg: &Message<'_>, text: &mut String, files: &mut Vec<MailFile>, depth: usize) {
    for i in 0..msg.text_body_count() {
        if let Some(t) = msg.body_text(i) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(nfc(&t).trim_end());
        }
    }
    for part in msg.attachments() {
        if let Some(inner) = part.message() {
            if depth < 3 {
                text.push_str("\n\n---------- Thư chuyển tiếp ----------\n");
                if let Some(f) = inner.from().and_then(|a| a.first()) {
                    let who = match (f.name(), f.address()) {
                        (Some(n), Some(a)) => format!("{} <{a}>", nfc(n)),
                        (None, Some(a)) => a.to_string(),
                        (Some(n), None) => nfc(n),
                        (None, None) => String::new(),
                    };
                    text.push_str(&format!("Từ: {who}\n"));
                }
                if let Some(s) = inner.subject() {
                    text.push_str(&format!("Tiêu đề: {}\n", nfc(s)));
                }
                text.push('\n');
                let mut inner_text = String::new();
                unfold(inner, &mut inner_text, files, depth + 1);
                text.push_str(&inner_text);
            }
            continue;
        }
        let declared_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s).to_ascii_lowercase(),
                None => c.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let inline = part.content_disposition().is_some_and(|d| d.is_inline())
            || part.content_id().is_some();
        let name = part
            .attachment_name()
            .map(nfc)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("tep-{}", files.len() + 1));
        files.push(MailFile {
            name,
            declared_type,
            data: part.contents().to_vec(),
            inline,
        });
    }
}

/// Why a machine sent the message (RFC 3834 `Auto-Submitted`, RFC 3464 delivery reports,
/// `Precedence`, mailing lists, the usual auto-responder marks), if one did.
fn automatic(msg: &Message<'_>, from: &str) -> Option<&'static str> {
    let header = |name: &str| {
        msg.header(HeaderName::parse(name)?)
            .and_then(|v| v.as_text())
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let raw = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if let Some(v) = raw("Auto-Submitted").or_else(|| header("Auto-Submitted"))
        && v != "no"
    {
        return Some("auto_submitted");
    }
    let report = msg.root_part().content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let local = from.split('@').next().unwrap_or("");
    let null_sender = msg
        .header_raw("Return-Path")
        .is_some_and(|v| v.trim() == "<>");
    if report || null_sender || local == "mailer-daemon" || local == "postmaster" {
        return Some("bounce");
    }
    if raw("Precedence").is_some_and(|p| matches!(p.as_str(), "bulk" | "junk" | "list"))
        || msg.header_raw("List-Id").is_some()
        || msg.header_raw("List-Unsubscribe").is_some()
    {
        return Some("bulk");
    }
    if msg.header_raw("X-Autoreply").is_some()
        || msg.header_raw("X-Autorespond").is_some()
        || raw("X-Auto-Response-Suppress").is_some_and(|v| v.contains("oof"))
    {
        return Some("auto_reply");
    }
    None
}

/// The tracking codes a subject names (`PA-2026-000123`).
pub fn codes_in(subject: &str) -> Vec<String> {
    let b = subject.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 14 <= b.len() {
        let w = &b[i..i + 14];
        let ok = w[..3].eq_ignore_ascii_case(b"PA-")
            && w[3..7].iter().all(u8::is_ascii_digit)
            && w[7] == b'-'
            && w[8..14].iter().all(u8::is_ascii_digit)
            && b.get(i + 14).is_none_or(|c| !c.is_ascii_digit());
        if ok {
            let code = format!("PA-{}", String::from_utf8_lossy(&w[3..]));
            if !out.contains(&code) {
                out.push(code);
            }
            i += 14;
        } else {
            i += 1;
        }
    }
    out
}

/// What the sender wrote in a reply, without the message it quotes: the text above the first
/// quoted line or the usual "… wrote:" / "Original Message" separator.
pub fn strip_quoted(text: &str) -> String {
    let mut kept = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let separator = t.starts_with('>')
            || lower.starts_with("-----original message")
            || lower.starts_with("---------- forwarded message")
            || (t.starts_with("________________") && t.chars().all(|c| c == '_'))
            || ((lower.starts_with("on ") || lower.starts_with("vào "))
                && (lower.ends_with("wrote:") || lower.ends_with("đã viết:")));
        if separator {
            break;
        }
        kept.push(line);
    }
    let out = kept.join("\n").trim().to_string();
    if out.is_empty() {
        text.trim().to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_found_in_subjects() {
        assert_eq!(
            codes_in("Re: Đã tiếp nhận phản ánh PA-2026-000123"),
            vec!["PA-2026-000123"]
        );
        assert!(codes_in("PA-2026-0001234").is_empty());
        assert!(codes_in("no code").is_empty());
    }

    #[test]
    fn quoted_text_is_left_out() {
        let t = "Tôi bổ sung ảnh.\n\nVào 10:00 ngày 1/12/2026, PAHT <no-reply@x> đã viết:\n> Đã tiếp nhận";
        assert_eq!(strip_quoted(t), "Tôi bổ sung ảnh.");
        assert_eq!(strip_quoted("> only quoted"), "> only quoted");
    }

    #[test]
    fn a_message_without_a_sender_is_not_read() {
        assert!(parse(b"Subject: x\r\n\r\nbody").is_none());
        assert!(parse(b"\x00\x01\x02 not a message").is_none());
    }
}
