//! Control characters: which ones the API refuses, and where a request carries one. PostgreSQL
//! refuses U+0000 in text where SQLite stores it; none of them belongs in a name, an address or
//! a report, so both databases refuse them alike, at the edge, before any handler runs.

use actix_web::dev::ServiceRequest;

/// A control character where no client has a reason to send one: C0 (but tab, line feed and
/// carriage return in body text), DEL and C1.
pub fn is_refused_control(c: char, text: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !text,
        _ => c.is_control(),
    }
}

/// Which part of the request carries a refused control character, if any: the path, a query
/// parameter (name or value), or a header value. (JSON bodies are checked when they are read.)
pub fn in_request(req: &ServiceRequest) -> Option<String> {
    let has = |s: &str| s.chars().any(|c| is_refused_control(c, false));
    let path = percent_encoding::percent_decode_str(req.path()).decode_utf8_lossy();
    if has(&path) {
        return Some("path".into());
    }
    for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if has(&name) {
            return Some("query".into());
        }
        if has(&value) {
            return Some(name.into_owned());
        }
    }
    for (name, value) in req.headers() {
        let bytes = value.as_bytes();
        // C1 characters exist only beyond ASCII: a plain ASCII value needs no decoding.
        if bytes.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
            || (!bytes.is_ascii() && std::str::from_utf8(bytes).is_ok_and(has))
        {
            return Some(name.as_str().to_string());
        }
    }
    None
}

/// Whether a JSON document's strings hold a refused control character (see `is_refused_control`), escaped (`\u0000`) or raw (DEL, C1). Raw C0 characters
/// inside strings are a syntax error that the parser reports.
pub fn in_json(body: &[u8]) -> bool {
    let refused = |code: u32| char::from_u32(code).is_some_and(|c| is_refused_control(c, true));
    let (mut i, mut in_string) = (0, false);
    while i < body.len() {
        let b = body[i];
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = false,
            b'\\' => {
                if body.get(i + 1) == Some(&b'u') {
                    let code = body
                        .get(i + 2..i + 6)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u32::from_str_radix(h, 16).ok());
                    if code.is_some_and(refused) {
                        return true;
                    }
                    i += 6;
                } else {
                    i += 2;
                }
                continue;
            }
            0x7f => return true,
            // U+0080..U+009F in UTF-8.
            0xc2 if body.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}
