//! Real network peers for the outbox: an SMTP server and an HTTP receiver (for the SMS gateway
//! and the push gateway), each on a loopback port of its own, on threads of their own. They
//! speak the protocols to whatever connects, and keep what they received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

/// A message the SMTP server accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (RFC 5322), dot-unstuffed.
    pub data: String,
}

impl Mail {
    /// A header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut out: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(v) = out.as_mut() {
                    v.push_str(line);
                }
                continue;
            }
            if out.is_some() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                out = Some(v.trim().to_string());
            }
        }
        out
    }

    /// The message parsed by a MIME parser (mail-parser).
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .expect("a MIME message")
    }

    /// The text body, decoded as the receiver's mail reader would.
    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    /// The subject, decoded from RFC 2047.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }

    /// The attachments: (file name, content type, bytes).
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        use mail_parser::MimeHeaders;
        let m = self.parsed();
        m.attachments()
            .map(|a| {
                let ct = a
                    .content_type()
                    .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
                    .unwrap_or_default();
                (
                    a.attachment_name().unwrap_or_default().to_string(),
                    ct,
                    a.contents().to_vec(),
                )
            })
            .collect()
    }
}

/// An SMTP server that accepts every message, or refuses them with 451 while `refuse` is set.
pub struct SmtpServer {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
    /// A reply code for `DATA`'s end other than 250 (e.g. 451 to fail, 554 to refuse).
    pub reply: Arc<AtomicU16>,
    /// While set, a message's `DATA` is read and never answered: the sender hangs mid-delivery.
    pub hold: Arc<AtomicBool>,
    /// Messages held so far.
    pub held: Arc<Mutex<usize>>,
    /// Notified when a message arrives or is held.
    signal: Arc<Condvar>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let srv = SmtpServer {
            port,
            mails: Default::default(),
            reply: Arc::new(AtomicU16::new(250)),
            hold: Default::default(),
            held: Default::default(),
            signal: Default::default(),
        };
        let shared = srv.shared();
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let sh = shared.shared();
                std::thread::spawn(move || {
                    let _ = smtp_session(s, &sh);
                });
            }
        });
        srv
    }

    fn shared(&self) -> SmtpServer {
        SmtpServer {
            port: self.port,
            mails: self.mails.clone(),
            reply: self.reply.clone(),
            hold: self.hold.clone(),
            held: self.held.clone(),
            signal: self.signal.clone(),
        }
    }

    /// Waits until `n` messages were accepted (at most `limit`); returns how many there are.
    pub fn wait_mails(&self, n: usize, limit: Duration) -> usize {
        let end = Instant::now() + limit;
        let mut m = self.mails.lock();
        while m.len() < n && Instant::now() < end {
            self.signal.wait_until(&mut m, end);
        }
        m.len()
    }

    /// Waits until a message is held (at most `limit`).
    pub fn wait_held(&self, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        let mut h = self.held.lock();
        while *h == 0 && Instant::now() < end {
            self.signal.wait_until(&mut h, end);
        }
        *h > 0
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn to(&self, addr: &str) -> Vec<Mail> {
        self.mails
            .lock()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == addr))
            .cloned()
            .collect()
    }
}

fn smtp_session(s: TcpStream, srv: &SmtpServer) -> std::io::Result<()> {
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    w.write_all(b"220 sink.test ESMTP\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            w.write_all(b"250 sink.test\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = addr(&cmd[10..]);
            to.clear();
            w.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(addr(&cmd[8..]));
            w.write_all(b"250 OK\r\n")?;
        } else if upper == "DATA" {
            w.write_all(b"354 go on\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            if srv.hold.load(Ordering::SeqCst) {
                *srv.held.lock() += 1;
                srv.signal.notify_all();
                // Never answered: wait until the sender goes away.
                let mut sink = Vec::new();
                let _ = r.read_to_end(&mut sink);
                return Ok(());
            }
            let code = srv.reply.load(Ordering::SeqCst);
            if code == 250 {
                srv.mails.lock().push(Mail {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                srv.signal.notify_all();
                w.write_all(b"250 queued\r\n")?;
            } else {
                w.write_all(format!("{code} not now\r\n").as_bytes())?;
            }
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            w.write_all(b"250 OK\r\n")?;
        }
    }
}

fn addr(s: &str) -> String {
    let s = s.trim();
    let s = s.split_whitespace().next().unwrap_or(s);
    s.trim_start_matches('<').trim_end_matches('>').to_string()
}

/// A request the HTTP receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
    /// The body as received.
    pub raw: String,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 server that answers every POST with `status` and keeps what it got.
pub struct HttpReceiver {
    pub port: u16,
    pub hits: Arc<Mutex<Vec<Hit>>>,
    pub status: Arc<AtomicU16>,
}

impl HttpReceiver {
    pub fn start() -> HttpReceiver {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let hits: Arc<Mutex<Vec<Hit>>> = Default::default();
        let status = Arc::new(AtomicU16::new(200));
        let (h, st) = (hits.clone(), status.clone());
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let (h, st) = (h.clone(), st.clone());
                std::thread::spawn(move || {
                    let _ = http_session(s, &h, &st);
                });
            }
        });
        HttpReceiver { port, hits, status }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().clone()
    }
}

fn http_session(s: TcpStream, hits: &Mutex<Vec<Hit>>, status: &AtomicU16) -> std::io::Result<()> {
    let mut w = s.try_clone()?;
    let mut r = BufReader::new(s);
    loop {
        let mut start = String::new();
        if r.read_line(&mut start)? == 0 {
            return Ok(());
        }
        let path = start.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            let mut l = String::new();
            r.read_line(&mut l)?;
            let l = l.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body)?;
        let code = status.load(Ordering::SeqCst);
        if code < 300 {
            hits.lock().push(Hit {
                path,
                headers,
                body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
                raw: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        let reason = if code < 300 { "OK" } else { "Error" };
        w.write_all(
            format!("HTTP/1.1 {code} {reason}\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{{}}")
                .as_bytes(),
        )?;
    }
}
