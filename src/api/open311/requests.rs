//! GeoReport requests: filing, reading by id and token, lists, and mySociety's updates.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web::{Bytes, Data, Path, Query, block};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{answer, error, format_of, one, pairs, unknown_format, w3c};
use crate::api::state::AppState;
use crate::error::AppError;
use crate::service::open311::requests::{self, Filing, Request};
use crate::service::open311::{self as svc};

fn request_value(r: Request) -> Value {
    let extended = r.extended.clone();
    let mut v = json!({
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
        "parent_service_request_id": r.parent_service_request_id,
    });
    if let (Some(x), Some(m)) = (extended, v.as_object_mut()) {
        m.insert(
            "notes".into(),
            Value::Array(
                x.notes
                    .into_iter()
                    .map(|n| {
                        json!({"datetime": w3c(n.datetime), "summary": n.summary, "status": n.status})
                    })
                    .collect(),
            ),
        );
        m.insert(
            "extended_attributes".into(),
            json!({
                "channel": x.channel,
                "overdue": x.overdue,
                "deadline_extended": x.deadline_extended,
                "rating": x.rating,
            }),
        );
    }
    v
}

pub(super) async fn request_one(
    st: Data<AppState>,
    p: Path<(String, String)>,
    q: Query<HashMap<String, String>>,
) -> HttpResponse {
    let (id, ext) = p.into_inner();
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let key = q.get("api_key").cloned();
    let ext = q.get("extensions").is_some_and(|v| v == "true");
    let out = block(move || {
        let client = svc::optional(&st, key.as_deref())?;
        requests::get(&st, &id, client.as_ref(), ext)
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

pub(super) async fn token(st: Data<AppState>, p: Path<(String, String)>) -> HttpResponse {
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

/// `bbox=min_long,min_lat,max_long,max_lat` (GeoJSON's order).
fn bbox(v: &str) -> Result<(f64, f64, f64, f64), AppError> {
    let n: Vec<f64> = v
        .split(',')
        .filter_map(|x| x.trim().parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .collect();
    match n[..] {
        [w, s, e, north] if w <= e && s <= north => Ok((w, s, e, north)),
        _ => Err(AppError::bad_request(
            "invalid_bbox",
            "bbox là kinh độ nhỏ nhất, vĩ độ nhỏ nhất, kinh độ lớn nhất, vĩ độ lớn nhất.",
            "bbox is min_long,min_lat,max_long,max_lat.",
        )),
    }
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
        updated_after: one(p, "updated_after").map(|v| instant(&v)).transpose()?,
        updated_before: one(p, "updated_before").map(|v| instant(&v)).transpose()?,
        agency_responsible: one(p, "agency_responsible"),
        extensions: one(p, "extensions").as_deref() == Some("true"),
        q: one(p, "q").map(|t| t.chars().take(200).collect()),
        bbox: one(p, "bbox").map(|v| bbox(&v)).transpose()?,
    })
}

pub(super) async fn request_list(
    st: Data<AppState>,
    ext: Path<String>,
    req: HttpRequest,
) -> HttpResponse {
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
        media: None,
    })
}

/// The fields of a `multipart/form-data` filing, and its `media` file (type, name, bytes).
async fn multipart_form(
    req: &HttpRequest,
    body: Bytes,
    p: &mut HashMap<String, Vec<String>>,
) -> Result<Option<(String, String, Vec<u8>)>, AppError> {
    let mut media = None;
    for part in crate::api::extract::form_parts(req, body).await? {
        let crate::api::extract::FormPart {
            name,
            file_name,
            content_type,
            data,
        } = part;
        if name == "media" {
            media = Some((
                content_type.unwrap_or_default(),
                file_name.unwrap_or_else(|| "media".into()),
                data,
            ));
        } else {
            let text = String::from_utf8(data).map_err(|_| crate::api::extract::unreadable())?;
            p.entry(name).or_default().push(text);
        }
    }
    Ok(media)
}

pub(super) async fn file(
    st: Data<AppState>,
    ext: Path<String>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
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
                .starts_with("multipart/form-data")
        });
    // A form carries a picture (`media`) at most as large as an attachment.
    let limit = st.config.attachment_limit + 64 * 1024;
    let body = match crate::api::extract::read_body(
        payload,
        crate::api::extract::declared_length(&req),
        limit,
        st.config.upload_timeout,
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return error(f, &e),
    };
    let mut media = None;
    if multipart {
        match multipart_form(&req, body, &mut p).await {
            Ok(m) => media = m,
            Err(e) => return error(f, &e),
        }
    } else {
        for (k, v) in pairs(&body) {
            p.entry(k).or_default().extend(v);
        }
    }
    let mut filing = match filing(&p) {
        Ok(x) => x,
        Err(e) => return error(f, &e),
    };
    filing.media = media;
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

/// mySociety's service request updates: the public steps of every request in a period
/// (`start_date`, `end_date`; the last day by default).
pub(super) async fn updates(
    st: Data<AppState>,
    ext: Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let Some(f) = format_of(&ext) else {
        return unknown_format();
    };
    let p = pairs(req.query_string().as_bytes());
    let period = one(&p, "start_date")
        .map(|v| instant(&v))
        .transpose()
        .and_then(|s| Ok((s, one(&p, "end_date").map(|v| instant(&v)).transpose()?)));
    let (start, end) = match period {
        Ok(x) => x,
        Err(e) => return error(f, &e),
    };
    match block(move || crate::service::open311::updates::since(&st, start, end)).await {
        Ok(Ok(rows)) => {
            let v: Vec<Value> = rows
                .into_iter()
                .map(|u| {
                    json!({
                        "update_id": u.update_id,
                        "service_request_id": u.service_request_id,
                        "status": u.status,
                        "updated_datetime": w3c(u.updated_datetime),
                        "description": u.description,
                        "media_url": null,
                    })
                })
                .collect();
            answer(
                StatusCode::OK,
                f,
                "service_request_updates",
                &Value::Array(v),
            )
        }
        Ok(Err(e)) => error(f, &e),
        Err(e) => error(f, &AppError::internal(e)),
    }
}
