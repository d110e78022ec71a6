//! The list of error codes is written once, in the code, and published in `docs/errors.md`:
//! this test reads every problem and field code the source can answer and fails when the
//! published list differs (`PAHT_UPDATE_ERRORS=1 cargo test --test it error_codes` rewrites it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Constructors that take the code as an argument, with the HTTP status they answer and the
/// position of the code and of the English message among their arguments.
const PROBLEMS: &[(&str, &str, usize, Option<usize>)] = &[
    ("bad_request(", "400", 0, Some(2)),
    ("bad_parameter(", "400", 0, None),
    ("unauthorized(", "401", 0, Some(2)),
    ("missing(", "404", 0, Some(2)),
    ("conflict(", "409", 0, Some(2)),
    ("unprocessable(", "422", 0, Some(2)),
];
const FIELDS: &[(&str, usize)] = &[
    ("FieldError::new(", 1),
    ("FieldError::of(", 1),
    ("invalid_field(", 1),
];

#[derive(Default)]
struct Entry {
    statuses: Vec<String>,
    meaning: Option<String>,
    places: Vec<String>,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level arguments of a call whose text starts just after its `(`.
fn arguments(text: &str) -> Vec<String> {
    let (mut depth, mut args, mut cur, mut in_str, mut esc) =
        (0i32, vec![], String::new(), false, false);
    for ch in text.chars() {
        if in_str {
            cur.push(ch);
            if esc {
                esc = false;
            } else if ch == '\\' {
                esc = true;
            } else if ch == '"' {
                in_str = false;
            }
            continue;
        }
        match ch {
            '"' => {
                in_str = true;
                cur.push(ch);
            }
            '(' | '[' | '{' => {
                depth += 1;
                cur.push(ch);
            }
            ')' | ']' | '}' if depth == 0 => {
                args.push(cur.trim().to_string());
                return args;
            }
            ')' | ']' | '}' => {
                depth -= 1;
                cur.push(ch);
            }
            ',' if depth == 0 => args.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(ch),
        }
    }
    args
}

/// The first string literal of an argument (a literal, or the format string of `format!`).
fn literal(arg: &str) -> Option<String> {
    let start = arg.find('"')?;
    let rest = &arg[start + 1..];
    let mut out = String::new();
    let mut esc = false;
    for ch in rest.chars() {
        if esc {
            out.push(ch);
            esc = false;
        } else if ch == '\\' {
            esc = true;
        } else if ch == '"' {
            return Some(out);
        } else {
            out.push(ch);
        }
    }
    None
}

fn status_name(s: &str) -> Option<&'static str> {
    Some(match s {
        "BAD_REQUEST" => "400",
        "UNAUTHORIZED" => "401",
        "FORBIDDEN" => "403",
        "NOT_FOUND" => "404",
        "METHOD_NOT_ALLOWED" => "405",
        "NOT_ACCEPTABLE" => "406",
        "REQUEST_TIMEOUT" => "408",
        "CONFLICT" => "409",
        "PAYLOAD_TOO_LARGE" => "413",
        "UNSUPPORTED_MEDIA_TYPE" => "415",
        "UNPROCESSABLE_ENTITY" => "422",
        "TOO_MANY_REQUESTS" => "429",
        "INTERNAL_SERVER_ERROR" => "500",
        "SERVICE_UNAVAILABLE" => "503",
        _ => return None,
    })
}

fn catalogue(root: &Path) -> String {
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    all.sort();
    let mut problems: BTreeMap<String, Entry> = BTreeMap::new();
    let mut fields: BTreeMap<String, Entry> = BTreeMap::new();
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests are not answers.
        let text = text.split("#[cfg(test)]").next().unwrap();
        let place = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let note = |map: &mut BTreeMap<String, Entry>,
                    code: String,
                    status: Option<&str>,
                    en: Option<String>| {
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return;
            }
            let e = map.entry(code).or_default();
            if let Some(s) = status
                && !e.statuses.iter().any(|x| x == s)
            {
                e.statuses.push(s.to_string());
                e.statuses.sort();
            }
            if e.meaning.is_none() {
                e.meaning = en;
            }
            if !e.places.contains(&place) {
                e.places.push(place.clone());
            }
        };
        for (name, status, at, en) in PROBLEMS {
            for (i, _) in text.match_indices(name) {
                if text[..i].ends_with("fn ") || text[..i].ends_with('_') {
                    continue;
                }
                let args = arguments(&text[i + name.len()..]);
                let Some(code) = args.get(*at).and_then(|a| literal(a)) else {
                    continue;
                };
                let en = en.and_then(|k| args.get(k)).and_then(|a| literal(a));
                note(&mut problems, code, Some(status), en);
            }
        }
        for (i, _) in text.match_indices("::new(") {
            let args = arguments(&text[i + 6..]);
            let Some(status) = args
                .first()
                .and_then(|a| a.strip_prefix("StatusCode::"))
                .and_then(status_name)
            else {
                continue;
            };
            let Some(code) = args.get(1).and_then(|a| literal(a)) else {
                continue;
            };
            let en = args.get(2).and_then(|m| {
                let inner = m.strip_prefix("Msg::new(")?;
                arguments(inner).get(1).and_then(|a| literal(a))
            });
            note(&mut problems, code, Some(status), en);
        }
        for (name, at) in FIELDS {
            for (i, _) in text.match_indices(name) {
                if text[..i].ends_with("fn ") {
                    continue;
                }
                let args = arguments(&text[i + name.len()..]);
                let Some(code) = args.get(*at).and_then(|a| literal(a)) else {
                    continue;
                };
                let en = match *name {
                    "FieldError::of(" => args.get(3).and_then(|a| literal(a)),
                    _ => args.get(2).and_then(|m| {
                        let inner = m.strip_prefix("Msg::new(")?;
                        arguments(inner).get(1).and_then(|a| literal(a))
                    }),
                };
                note(&mut fields, code, None, en);
            }
        }
    }
    let mut out = String::from(
        "# Error codes\n\n\
         Every error PAHT answers is an RFC 9457 problem document (`application/problem+json`) \
         with a stable `code` for programs and a `detail` for people, in Vietnamese unless the \
         request asks for `Accept-Language: en`. When fields are at fault, `errors` names each \
         one with its own `code`. Codes are never renamed; a new code may be added.\n\n\
         This file is generated from the source by `tests/it/error_codes.rs` \
         (`PAHT_UPDATE_ERRORS=1 cargo test --test it error_codes`); the suite fails when it \
         is out of date. The meaning is the English `detail` (where it depends on the request, \
         its placeholders are shown in braces).\n\n\
         ## Problem codes (`code`)\n\n\
         | code | HTTP | meaning | answered by |\n|---|---|---|---|\n",
    );
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for (code, e) in &problems {
        out.push_str(&format!(
            "| `{code}` | {} | {} | {} |\n",
            e.statuses.join(", "),
            cell(e.meaning.as_deref().unwrap_or("")),
            e.places
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str(
        "\n## Field codes (`errors[].code`)\n\n\
         | code | meaning (first use) | used in |\n|---|---|---|\n",
    );
    for (code, e) in &fields {
        out.push_str(&format!(
            "| `{code}` | {} | {} |\n",
            cell(e.meaning.as_deref().unwrap_or("")),
            e.places
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

#[test]
fn error_codes_are_published() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = root.join("docs/errors.md");
    let now = catalogue(root);
    // The codes every client meets must be there.
    for code in [
        "validation_failed",
        "invalid_state",
        "concurrent_update",
        "forbidden",
        "not_found",
    ] {
        assert!(
            now.contains(&format!("| `{code}` |")),
            "{code} missing from the catalogue"
        );
    }
    if std::env::var_os("PAHT_UPDATE_ERRORS").is_some() {
        std::fs::write(&doc, &now).unwrap();
    }
    let published = std::fs::read_to_string(&doc).unwrap_or_default();
    assert!(
        published == now,
        "docs/errors.md is out of date: run PAHT_UPDATE_ERRORS=1 cargo test --test it error_codes"
    );
}
