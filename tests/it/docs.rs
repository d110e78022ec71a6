//! `docs/RULES.md` stays true: every code path it names exists, every test it names exists, and
//! it covers every article of Chapter II and every step of Annex II.

use std::path::Path;

#[test]
fn the_rules_table_names_real_code_and_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::fs::read_to_string(root.join("docs/RULES.md")).unwrap();
    let mut missing = Vec::new();
    for cell in rules.split('`').skip(1).step_by(2) {
        // `path/file.rs` or `path/file.rs::test` or `file.rs::test` (a test of tests/it).
        let (file, test) = match cell.split_once("::") {
            Some((f, t)) => (f, Some(t)),
            None => (cell, None),
        };
        if !file.ends_with(".rs") || file.contains(' ') {
            continue;
        }
        let candidates = [
            root.join("src").join(file),
            root.join("tests/it").join(file),
        ];
        let Some(path) = candidates.iter().find(|p| p.exists()) else {
            missing.push(format!("no file {file}"));
            continue;
        };
        if let Some(t) = test {
            let name = t.rsplit("::").next().unwrap();
            let text = std::fs::read_to_string(path).unwrap();
            if !text.contains(&format!("fn {name}(")) {
                missing.push(format!("no test {name} in {file}"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/RULES.md: {missing:?}");
    // Every clause of Chapter II (Articles 6–10).
    for clause in [
        "6.1", "6.2", "7.1", "7.2", "7.3", "7.4", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "9.1",
        "9.2", "9.3", "9.4", "10.1", "10.2", "10.3",
    ] {
        assert!(rules.contains(clause), "Art. {clause} is not traced");
    }
    for step in 1..=5 {
        assert!(
            rules.contains(&format!("| Step {step} |")),
            "Annex II step {step}"
        );
    }
}
