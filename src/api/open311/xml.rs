//! GeoReport v2's XML: the same answer as the JSON one, with the specification's element names
//! (`<services><service>`, `<service_requests><request>`, `<service_definition>`,
//! `<errors><error>`; a list field holds its items under the singular name).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;

/// The element of an item of a list field.
fn singular(list: &str) -> &str {
    match list {
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "notes" => "note",
        "errors" => "error",
        "services" => "service",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        _ => "item",
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, v: &Value) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                element(w, k, x)?;
            }
        }
        Value::Array(items) => {
            let item = singular(name);
            for x in items {
                element(w, item, x)?;
            }
        }
        other => w.write_event(Event::Text(BytesText::new(&scalar(other))))?,
    }
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// The document: `root` holding the answer (a list holds its items under the singular name).
pub fn document(root: &str, v: &Value) -> String {
    let mut w = Writer::new(Vec::new());
    let written = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|_| element(&mut w, root, v));
    match written {
        Ok(()) => String::from_utf8(w.into_inner()).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_escapes() {
        let v = serde_json::json!([{"service_code": "giao-thong", "service_name": "Giao thông & <đô thị>"}]);
        let x = document("services", &v);
        assert!(x.contains("<services><service>"), "{x}");
        assert!(x.contains("Giao thông &amp; &lt;đô thị&gt;"), "{x}");
    }
}
