//! `/open311/v2`: Open311 GeoReport v2 for city apps, in `.json` and `.xml`. Its own standard
//! (https://wiki.open311.org/GeoReport_v2), so outside the OpenAPI contract: errors are
//! GeoReport's `[{code, description}]`, datetimes W3C with `+07:00`. An `api_key` (form or
//! query) files requests and reads back what its app filed; reading needs none.

pub mod xml;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes, Data, Path, Query, block};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use crate::api::state::AppState;
use crate::error::AppError;
use crate::service::open311::requests::{self, Filing, Request};
use crate::service::open311::{self as svc, services};

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
                    "description": format!("{}: {}", requests::open311_field(&f.field), f.message.vi),
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
            .route("/tokens/{token}.{format}", web::get().to(token)),
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

fn request_value(r: Request) -> Value {
    json!({
        "service_request_id": r.service_request_id,
        "status": r.status,
        "status_notes": r.status_notes,
        "service_name": r.service_name,
        "service_code": r.service_code,
        "description": r.description,
        "agency_responsible": r.agency_responsible,
        "service_notice": r.service_notice,
        "requested_datetime": w3c(r.requested_datetime),
        "updated_datetime": w3c(r.updated_datetime),
        "expected_datetime": r.expected_datetime.map(w3c),
        "address": r.address,
        "address_id": null,
        "zipcode": null,
        "lat": r.lat,
        "long": r.long,
        "media_url": null,
    })
}

async fn request_one(
    st: Data<AppState>,
    p: Path<(String, String)>,
    q: Query<HashMap<String, String>>,
) -> HttpResponse {
    let (id, ext) = p.into_inner();
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let key = q.get("api_key").cloned();
    let out = block(move || {
        let client = svc::optional(&st, key.as_deref())?;
        requests::get(&st, &id, client.as_ref())
    })
    .await;
    match out {
        Ok(Ok(r)) => answer(
            StatusCode::OK,
            f,
            "service_requests",
            &Value::Array(vec![request_value(r)]),
        ),
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}

async fn token(st: Data<AppState>, p: Path<(String, String)>) -> HttpResponse {
    let (token, ext) = p.into_inner();
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let t = token.clone();
    match block(move || requests::by_token(&st, &t)).await {
        Ok(Ok(code)) => answer(
            StatusCode::OK,
            f,
            "service_requests",
            &json!([{"service_request_id": code, "token": token}]),
        ),
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}

fn instant(v: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|t| t.to_utc())
        .map_err(|_| {
            AppError::bad_request(
                "invalid_date",
                "Ngày giờ phải theo W3C (ví dụ 2026-03-02T09:00:00+07:00).",
                "Dates are W3C datetimes (e.g. 2026-03-02T09:00:00+07:00).",
            )
        })
}

fn list_query(p: &HashMap<String, Vec<String>>) -> Result<requests::Query, AppError> {
    let list = |k: &str| -> Vec<String> {
        one(p, k)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let number = |k: &str, default: i64, max: i64| -> Result<i64, AppError> {
        match one(p, k) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    AppError::bad_request(
                        "invalid_page",
                        "page và page_size là số nguyên dương (page_size tối đa 200).",
                        "page and page_size are positive whole numbers (page_size at most 200).",
                    )
                }),
        }
    };
    let statuses = list("status");
    if statuses.iter().any(|s| s != "open" && s != "closed") {
        return Err(AppError::bad_request(
            "invalid_status",
            "status là open hoặc closed.",
            "status is open or closed.",
        ));
    }
    Ok(requests::Query {
        service_request_ids: list("service_request_id"),
        service_codes: list("service_code"),
        start: one(p, "start_date").map(|v| instant(&v)).transpose()?,
        end: one(p, "end_date").map(|v| instant(&v)).transpose()?,
        statuses,
        page: number("page", 1, 1_000_000)?,
        page_size: number("page_size", 50, 200)?,
    })
}

async fn request_list(st: Data<AppState>, ext: Path<String>, req: HttpRequest) -> HttpResponse {
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let p = pairs(req.query_string().as_bytes());
    let q = match list_query(&p) {
        Ok(q) => q,
        Err(e) => return error(f, &e),
    };
    match block(move || requests::list(&st, q)).await {
        Ok(Ok(rows)) => answer(
            StatusCode::OK,
            f,
            "service_requests",
            &Value::Array(rows.into_iter().map(request_value).collect()),
        ),
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}

/// The filing's fields from a form (`attribute[CODE]`, `attribute[CODE][]`).
fn filing(p: &HashMap<String, Vec<String>>) -> Result<Filing, AppError> {
    let number = |k: &str| -> Result<Option<f64>, AppError> {
        match one(p, k) {
            None => Ok(None),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    AppError::bad_request(
                        "invalid_coordinate",
                        "lat và long là số thập phân.",
                        "lat and long are decimal numbers.",
                    )
                }),
        }
    };
    let mut attributes: HashMap<String, Vec<String>> = HashMap::new();
    for (k, vs) in p {
        if let Some(rest) = k.strip_prefix("attribute[") {
            let code = rest.trim_end_matches("[]").trim_end_matches(']');
            attributes
                .entry(code.to_string())
                .or_default()
                .extend(vs.iter().cloned());
        }
    }
    Ok(Filing {
        service_code: one(p, "service_code"),
        lat: number("lat")?,
        long: number("long")?,
        address_string: one(p, "address_string"),
        email: one(p, "email"),
        first_name: one(p, "first_name"),
        last_name: one(p, "last_name"),
        phone: one(p, "phone"),
        description: one(p, "description"),
        media_url: one(p, "media_url"),
        attributes,
    })
}

async fn file(
    st: Data<AppState>,
    ext: Path<String>,
    req: HttpRequest,
    body: Bytes,
) -> HttpResponse {
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let mut p = pairs(req.query_string().as_bytes());
    let multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        });
    if multipart {
        return error(
            f,
            &AppError::bad_request(
                "multipart_not_supported",
                "Gửi yêu cầu dạng application/x-www-form-urlencoded; ảnh qua media_url.",
                "Send the request as application/x-www-form-urlencoded; pictures by media_url.",
            ),
        );
    }
    for (k, v) in pairs(&body) {
        p.entry(k).or_default().extend(v);
    }
    let filing = match filing(&p) {
        Ok(x) => x,
        Err(e) => return error(f, &e),
    };
    let key = one(&p, "api_key");
    let out = block(move || {
        let client = svc::authorize(&st, key.as_deref())?;
        requests::file(&st, &client, filing)
    })
    .await;
    match out {
        Ok(Ok(r)) => answer(
            StatusCode::CREATED,
            f,
            "service_requests",
            &json!([{
                "service_request_id": r.service_request_id,
                "token": r.token,
                "service_notice": r.service_notice,
                "account_id": null,
            }]),
        ),
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}
