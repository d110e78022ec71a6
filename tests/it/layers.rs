//! The rooms of the crate and which may use which: nothing imports upward, and the rooms form
//! no cycle. `cargo test --test it layers -- --nocapture` prints the graph.
//!
//! Rooms, from the top: `main` → `app` (the composition root) → `demo` (demo data through the
//! use cases) → `api` (HTTP) → `service` (use cases) → `db` (SQL) → `config` → `domain` (the
//! regulation as pure code) → `error`, `clock`, `json`. A room may use the rooms below it, never one above; test-only files (`tests.rs`)
//! are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each room with the rooms it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    (
        "main",
        &[
            "app", "demo", "api", "service", "db", "domain", "config", "error", "clock", "json",
        ],
    ),
    (
        "app",
        &[
            "api", "service", "db", "domain", "config", "error", "clock", "json",
        ],
    ),
    (
        "demo",
        &[
            "service", "db", "domain", "config", "error", "clock", "json",
        ],
    ),
    (
        "api",
        &["service", "domain", "config", "error", "clock", "json"],
    ),
    (
        "service",
        &["db", "domain", "config", "error", "clock", "json"],
    ),
    ("db", &["domain", "config", "error", "clock", "json"]),
    ("config", &["domain", "error"]),
    ("domain", &["error"]),
    ("error", &[]),
    ("clock", &[]),
    ("json", &[]),
];

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// The room of a source file: its folder under `src/`, or its own name.
fn room(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The rooms a file uses: every `crate::<room>` (and `paht::<room>` in the binary).
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["crate::", "paht::"] {
        for (i, _) in text.match_indices(prefix) {
            let rest = &text[i + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The room graph: room → rooms it uses, with the files that make each arrow.
fn graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut g: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in files(&src) {
        if f.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let from = room(&src, &f);
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let entry = g.entry(from.clone()).or_default();
        for to in uses(&text) {
            if to != from {
                entry
                    .entry(to)
                    .or_default()
                    .insert(f.strip_prefix(&src).unwrap().display().to_string());
            }
        }
    }
    g
}

#[test]
fn nothing_imports_upward_and_no_room_cycle() {
    let g = graph();
    println!("room -> rooms it uses (files):");
    for (from, tos) in &g {
        let list: Vec<String> = tos
            .iter()
            .map(|(to, files)| format!("{to} ({})", files.len()))
            .collect();
        println!("  {from} -> {}", list.join(", "));
    }
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        let ok = allowed
            .get(from.as_str())
            .unwrap_or_else(|| panic!("room {from} is not in ALLOWED"));
        for (to, files) in tos {
            if !ok.contains(&to.as_str()) {
                wrong.push(format!("{from} -> {to}: {files:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
    // The allowed edges themselves form no cycle (a room listed above another never below it).
    let order: Vec<&str> = ALLOWED.iter().map(|(r, _)| *r).collect();
    for (i, (r, tos)) in ALLOWED.iter().enumerate() {
        for to in *tos {
            let j = order.iter().position(|x| x == to).unwrap();
            assert!(j > i, "{r} may use {to}, which is not below it");
        }
    }
}

/// Every source file has one job and stays readable: at most 500 lines; handlers are plain
/// functions (no macro makes one), so a reader or `grep` finds each route.
#[test]
fn files_stay_small_and_handlers_plain() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for f in files(&src) {
        let text = std::fs::read_to_string(&f).unwrap();
        let n = text.lines().count();
        if n > 500 {
            long.push(format!("{} ({n} lines)", f.display()));
        }
        if f.starts_with(src.join("api")) {
            assert!(
                !text.contains("macro_rules!"),
                "{}: handlers are written out, not made by a macro",
                f.display()
            );
        }
    }
    assert!(long.is_empty(), "files over 500 lines: {long:?}");
}
