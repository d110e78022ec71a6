//! The committed contract is what the code serves, and every documented path is served.

use std::path::Path;

use serde_json::Value;

use crate::support::TestApp;

fn generated() -> Value {
    serde_json::to_value(paht::app::openapi()).unwrap()
}

#[test]
fn committed_openapi_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let fresh = paht::app::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var("PAHT_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "openapi/openapi.json differs from the code. Regenerate it with\n  \
         PAHT_UPDATE_OPENAPI=1 cargo test --test it committed_openapi\nor\n  cargo run -- openapi > openapi/openapi.json"
    );
}

#[test]
fn every_operation_is_documented() {
    let doc = generated();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: operationId"));
            assert!(
                id.chars().next().unwrap().is_ascii_lowercase() && !id.contains('_'),
                "{id} is camelCase"
            );
            assert!(ids.insert(id.to_string()), "{id} is unique");
            assert!(
                op["summary"].is_string() || op["description"].is_string(),
                "{id}: description"
            );
            for (status, res) in op["responses"].as_object().unwrap() {
                assert!(
                    res.get("$ref").is_some()
                        || res["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{id} {status}"
                );
            }
            assert!(
                op["responses"].get("500").is_some(),
                "{id}: problem responses"
            );
        }
    }
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(props) = schema["properties"].as_object() {
            for (field, p) in props {
                let described = p["description"].is_string()
                    || p.get("$ref").is_some()
                    || p.get("allOf").is_some()
                    || p.get("oneOf").is_some();
                assert!(described, "{name}.{field} has a description");
            }
        }
    }
}

/// Every `$ref` in a document.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves_and_every_component_is_used() {
    let doc = generated();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in &all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is local"));
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    for kind in ["schemas", "responses"] {
        for name in doc["components"][kind].as_object().unwrap().keys() {
            let r = format!("#/components/{kind}/{name}");
            assert!(all.contains(&r), "{r} is never used");
        }
    }
}

#[test]
fn tags_servers_license_and_security_are_declared() {
    let doc = generated();
    assert!(doc["info"]["license"]["identifier"].is_string());
    assert!(doc["servers"][0]["url"].is_string());
    let declared: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert!(t["description"].is_string(), "{t}");
            t["name"].as_str().unwrap()
        })
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for tag in op["tags"].as_array().unwrap() {
                assert!(
                    declared.contains(&tag.as_str().unwrap()),
                    "{method} {path}: {tag}"
                );
            }
            // Public operations say so with `security: []` (or an optional bearer).
            assert!(op["security"].is_array(), "{method} {path}: security");
        }
    }
}

#[actix_web::test]
async fn every_documented_path_is_served() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let doc = generated();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace(['{', '}'], "");
        for method in item.as_object().unwrap().keys() {
            let m = actix_web::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if item[method]["responses"]["200"]["content"]
                .get("text/event-stream")
                .is_some()
            {
                // A stream never ends: it is served when it opens.
                let s = t.req(m, &concrete).bearer(&admin).open_stream().await;
                assert_eq!(s.status, 200, "{method} {path}");
                continue;
            }
            let res = t.req(m, &concrete).bearer(&admin).send().await;
            let code = serde_json::from_slice::<Value>(&res.body)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_string));
            assert_ne!(code.as_deref(), Some("route_not_found"), "{method} {path}");
            assert_ne!(res.status.as_u16(), 405, "{method} {path}");
        }
    }
}

/// Two types with the same name in the contract would be one component: the last one wins and
/// the other operation silently documents the wrong body. Every `ToSchema` type has a name of
/// its own.
#[test]
fn schema_names_are_unique() {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let mut derives = false;
                for line in text.lines().map(str::trim) {
                    if line.starts_with("#[derive(") && line.contains("ToSchema") {
                        derives = true;
                    } else if derives
                        && let Some(rest) = line
                            .strip_prefix("pub struct ")
                            .or_else(|| line.strip_prefix("pub enum "))
                    {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push((name, p.display().to_string()));
                        derives = false;
                    }
                }
            }
        }
    }
    let mut all = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut all,
    );
    all.sort();
    let twice: Vec<_> = all.windows(2).filter(|w| w[0].0 == w[1].0).collect();
    assert!(all.len() > 100, "the scan finds the schemas");
    assert!(twice.is_empty(), "schema names used twice: {twice:?}");
}
