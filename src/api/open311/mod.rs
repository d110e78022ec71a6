//! `/open311/v2`: Open311 GeoReport v2 for city apps, in `.json` and `.xml`. Its own standard
//! (https://wiki.open311.org/GeoReport_v2), so outside the OpenAPI contract: errors are
//! GeoReport's `[{code, description}]`, datetimes W3C with `+07:00`. An `api_key` (form or
//! query) files requests and reads back what its app filed; reading needs none.

mod requests;
pub mod xml;

use requests::{file, request_list, request_one, token, updates};

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, block};
use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::api::state::AppState;
use crate::error::AppError;
use crate::service::open311::requests::open311_field;
use crate::service::open311::services;

/// `json` or `xml`, from the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

fn format_of(ext: &str) -> Option<Format> {
    match ext {
        "json" => Some(Format::Json),
        "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// An answer in the asked format: `root` names the XML document's element.
fn answer(status: StatusCode, format: Format, root: &str, v: &Value) -> HttpResponse {
    match format {
        Format::Json => HttpResponse::build(status).json(v),
        Format::Xml => HttpResponse::build(status)
            .content_type("text/xml; charset=utf-8")
            .body(xml::document(root, v)),
    }
}

/// GeoReport's errors: 403 for the key, 404 for what does not exist, 400 otherwise (429 and the
/// server's own troubles keep their status).
fn error(format: Format, e: &AppError) -> HttpResponse {
    let status = match e.status.as_u16() {
        403 | 404 | 429 | 500..=599 => e.status,
        _ => StatusCode::BAD_REQUEST,
    };
    let items: Vec<Value> = if e.errors.is_empty() {
        vec![json!({"code": status.as_u16(), "description": e.detail.vi})]
    } else {
        e.errors
            .iter()
            .map(|f| {
                json!({
                    "code": status.as_u16(),
                    "description": format!("{}: {}", open311_field(&f.field), f.message.vi),
                })
            })
            .collect()
    };
    let mut r = answer(status, format, "errors", &Value::Array(items));
    if let Some(s) = e.retry_after {
        r.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(s),
        );
    }
    r
}

fn unknown_format() -> HttpResponse {
    HttpResponse::NotFound()
        .json(json!([{"code": 404, "description": "Định dạng là .json hoặc .xml."}]))
}

/// A W3C datetime in the province's time: `2026-03-02T09:00:00+07:00`.
fn w3c(t: NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&crate::domain::calendar::TIME_ZONE)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Every value of each parameter (a query string, or a form).
fn pairs(raw: &[u8]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    out
}

fn one(p: &HashMap<String, Vec<String>>, k: &str) -> Option<String> {
    p.get(k)
        .and_then(|v| v.first())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The routes, under `/open311/v2`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/open311/v2")
            .route("/discovery.{format}", web::get().to(discovery))
            .route("/services.{format}", web::get().to(service_list))
            .route("/services/{code}.{format}", web::get().to(definition))
            .route("/service/{code}.{format}", web::get().to(definition))
            .route("/requests.{format}", web::get().to(request_list))
            .route("/requests.{format}", web::post().to(file))
            .route("/requests/{id}.{format}", web::get().to(request_one))
            .route("/tokens/{token}.{format}", web::get().to(token))
            .route("/servicerequestupdates.{format}", web::get().to(updates)),
    );
}

async fn discovery(st: Data<AppState>, ext: Path<String>) -> HttpResponse {
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let base = format!("{}/open311/v2", st.config.notify.public_url);
    let v = json!({
        "changeset": "2026-12-05T00:00:00+07:00",
        "contact": "Trung tâm IOC, Tổng đài 1022",
        "key_service": "Khóa api_key do quản trị hệ thống PAHT cấp cho từng ứng dụng.",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base,
            "changeset": "2026-12-05T00:00:00+07:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    });
    answer(StatusCode::OK, f, "discovery", &v)
}

async fn service_list(st: Data<AppState>, ext: Path<String>) -> HttpResponse {
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    match block(move || services::list(&st)).await {
        Ok(Ok(list)) => {
            let v: Vec<Value> = list
                .into_iter()
                .map(|s| {
                    json!({
                        "service_code": s.code,
                        "service_name": s.name,
                        "description": s.description,
                        "metadata": true,
                        "type": "realtime",
                        "keywords": "",
                        "group": s.group,
                    })
                })
                .collect();
            answer(StatusCode::OK, f, "services", &Value::Array(v))
        }
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}

async fn definition(st: Data<AppState>, p: Path<(String, String)>) -> HttpResponse {
    let (code, ext) = p.into_inner();
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let c = code.clone();
    match block(move || services::definition(&st, &c)).await {
        Ok(Ok(attrs)) => {
            let attributes: Vec<Value> = attrs
                .into_iter()
                .map(|a| {
                    json!({
                        "variable": true,
                        "code": a.code,
                        "datatype": a.datatype,
                        "required": a.required,
                        "datatype_description": a.datatype_description,
                        "order": a.order,
                        "description": a.description,
                        "values": a.values.into_iter()
                            .map(|c| json!({"key": c.key, "name": c.name}))
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = json!({"service_code": code, "attributes": attributes});
            answer(StatusCode::OK, f, "service_definition", &v)
        }
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}
