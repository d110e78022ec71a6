//! Filing a GeoReport v2 request: the form's fields as a native report, checked as any report
//! (the identity Art. 4.2 requires, Vietnamese content, a place inside the province), its
//! picture attached, the client app recorded as its source.

use std::collections::HashMap;

use crate::db::models::Open311RequestRow;
use crate::db::repo;
use crate::domain::report::Channel;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::{Principal, random_token};
use crate::service::reports::intake::{NewReport, Origin, ReporterInput, check_submission};

use super::Client;
use super::services::not_found as unknown_service;

/// What a client app posts (`POST requests`), as GeoReport v2 names it.
#[derive(Debug, Default, Clone)]
pub struct Filing {
    pub service_code: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub address_string: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[CODE]` and `attribute[CODE][]`.
    pub attributes: HashMap<String, Vec<String>>,
    /// A `media` file of a multipart form: its declared type, its name, its bytes.
    pub media: Option<(String, String, Vec<u8>)>,
}

/// The answer to a filing.
#[derive(Debug, Clone)]
pub struct Filed {
    pub service_request_id: String,
    pub token: String,
    pub service_notice: String,
}

/// The time limits, in words (Art. 7.3, 8.1).
pub const NOTICE: &str = "Trung tâm IOC xác minh và chuyển cơ quan xử lý trong 04 giờ làm việc; cơ quan xử lý trả lời trong 06 ngày làm việc (Quy chế, Điều 7.3, 8.1).";

fn field(f: &str, code: &'static str, vi: &'static str, en: &'static str) -> FieldError {
    FieldError::new(f, code, Msg::new(vi, en))
}

fn attr(f: &Filing, code: &str) -> Option<String> {
    f.attributes
        .get(code)
        .and_then(|v| v.first())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn flag(f: &Filing, code: &str, errors: &mut Vec<FieldError>) -> bool {
    match attr(f, code).as_deref() {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(_) => {
            errors.push(FieldError::new(
                format!("attribute[{code}]"),
                "invalid_value",
                Msg::new("Giá trị là true hoặc false.", "true or false."),
            ));
            false
        }
    }
}

/// A title from the description: its first sentence, at most 200 characters.
fn title_of(description: &str) -> String {
    let first = description
        .split(['.', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| s.chars().count() >= 5)
        .unwrap_or(description.trim());
    let mut t: String = first.chars().take(200).collect();
    if t.chars().count() < 5 {
        t = description.chars().take(200).collect();
    }
    t
}

/// The native report a filing stands for; what GeoReport lacks is an error of its field.
fn as_report(f: &Filing) -> AppResult<NewReport> {
    let mut errors = Vec::new();
    let Some(service) = f
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err(AppError::validation(vec![field(
            "service_code",
            "required",
            "Cần service_code (mã lĩnh vực).",
            "service_code is required.",
        )]));
    };
    let description = f.description.as_deref().map(str::trim).unwrap_or("");
    if description.is_empty() {
        errors.push(field(
            "description",
            "required",
            "Cần mô tả nội dung phản ánh.",
            "description is required.",
        ));
    } else if description.chars().count() > 4000 {
        errors.push(field(
            "description",
            "too_long",
            "Mô tả tối đa 4.000 ký tự.",
            "description has at most 4,000 characters.",
        ));
    }
    // Art. 4.3: the place, clear and exact: its address, or else its coordinates (GeoReport
    // asks for one of them), which then stand as its address.
    let address = match (f.address_string.as_deref().map(str::trim), f.lat, f.long) {
        (Some(a), _, _) if a.chars().count() >= 5 => a.to_string(),
        (_, Some(lat), Some(long)) => format!("Tọa độ {lat:.6}, {long:.6}"),
        _ => {
            errors.push(field(
                "address_string",
                "required",
                "Cần địa chỉ cụ thể hoặc tọa độ (lat, long) nơi xảy ra sự việc (Điều 4.3).",
                "address_string, or lat and long, is required: the exact place (Art. 4.3).",
            ));
            String::new()
        }
    };
    let name = [f.last_name.as_deref(), f.first_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.chars().count() < 2 {
        errors.push(field(
            "first_name",
            "required",
            "Cần họ tên người phản ánh (Điều 4.2).",
            "The reporter's name is required (Art. 4.2).",
        ));
    }
    let required = [
        ("cccd", "Cần số căn cước công dân (Điều 4.2)."),
        ("contact_address", "Cần địa chỉ liên hệ (Điều 4.2)."),
        ("admin_unit_code", "Cần đơn vị hành chính (Điều 4.3)."),
    ];
    for (code, vi) in required {
        if attr(f, code).is_none() {
            errors.push(FieldError::new(
                format!("attribute[{code}]"),
                "required",
                Msg::new(vi, format!("attribute[{code}] is required.")),
            ));
        }
    }
    if f.phone.as_deref().is_none_or(|p| p.trim().is_empty()) {
        errors.push(field(
            "phone",
            "required",
            "Cần số điện thoại (Điều 4.2).",
            "phone is required (Art. 4.2).",
        ));
    }
    let consent_processing = attr(f, "consent_processing")
        .is_some()
        .then(|| flag(f, "consent_processing", &mut errors));
    let consent_share_contact = flag(f, "consent_share_contact", &mut errors);
    let consent_public_name = flag(f, "consent_public_name", &mut errors);
    let confidential = flag(f, "confidential", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::validation(errors));
    }
    let mut content = description.to_string();
    if let Some(url) = f
        .media_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        content.push_str(&format!("\n\nẢnh/tệp đính kèm: {url}"));
    }
    Ok(NewReport {
        channel: None,
        title: attr(f, "title").unwrap_or_else(|| title_of(description)),
        content,
        category_code: service.to_string(),
        address,
        admin_unit_code: attr(f, "admin_unit_code").unwrap_or_default(),
        latitude: f.lat,
        longitude: f.long,
        incident_at: None,
        reporter: ReporterInput {
            full_name: name,
            contact_address: attr(f, "contact_address").unwrap_or_default(),
            cccd: attr(f, "cccd").unwrap_or_default(),
            phone: f.phone.clone().unwrap_or_default(),
            email: f.email.clone().filter(|e| !e.trim().is_empty()),
            organization: None,
        },
        consent_processing,
        consent_wording: None,
        consent_share_contact,
        consent_public_name,
        confidential,
    })
}

/// GeoReport's name of a native field, for its errors.
pub fn open311_field(native: &str) -> String {
    match native {
        "title" => "attribute[title]".into(),
        "content" => "description".into(),
        "address" => "address_string".into(),
        "admin_unit_code" => "attribute[admin_unit_code]".into(),
        "latitude" => "lat".into(),
        "longitude" => "long".into(),
        "category_code" => "service_code".into(),
        "reporter.full_name" => "first_name".into(),
        "reporter.contact_address" => "attribute[contact_address]".into(),
        "reporter.cccd" => "attribute[cccd]".into(),
        "reporter.phone" => "phone".into(),
        "reporter.email" => "email".into(),
        "consent_processing" => "attribute[consent_processing]".into(),
        other => other.to_string(),
    }
}

/// The answers to the attributes an admin added to the category, checked against their
/// datatypes (every problem at once).
fn answers(f: &Filing, attrs: &[super::services::Attribute]) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for a in attrs {
        let name = format!("attribute[{}]", a.code);
        let given: Vec<String> = f
            .attributes
            .get(&a.code)
            .map(|v| {
                v.iter()
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if given.is_empty() {
            if a.required {
                errors.push(FieldError::new(
                    name,
                    "required",
                    Msg::new(
                        format!("Cần trả lời: {}", a.description),
                        format!("{} is required.", a.code),
                    ),
                ));
            }
            continue;
        }
        let keys: Vec<&str> = a.values.iter().map(|v| v.key.as_str()).collect();
        let ok = match a.datatype.as_str() {
            "singlevaluelist" => given.len() == 1 && keys.contains(&given[0].as_str()),
            "multivaluelist" => given.iter().all(|g| keys.contains(&g.as_str())),
            "number" => given.len() == 1 && given[0].parse::<f64>().is_ok_and(f64::is_finite),
            "datetime" => {
                given.len() == 1 && chrono::DateTime::parse_from_rfc3339(&given[0]).is_ok()
            }
            "text" => given.len() == 1 && given[0].chars().count() <= 4000,
            _ => given.len() == 1 && given[0].chars().count() <= 500,
        };
        if !ok {
            errors.push(FieldError::new(
                name,
                "invalid_value",
                Msg::new(
                    format!("Giá trị không hợp lệ ({}).", a.datatype),
                    format!("Not a valid {} value.", a.datatype),
                ),
            ));
            continue;
        }
        let mut given = given;
        given.sort();
        given.dedup();
        out.extend(given.into_iter().map(|v| (a.code.clone(), v)));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::validation(errors))
    }
}

/// Files a request: checked as any report, channel `open311`, the client app recorded as its
/// source; the reporter's acknowledgement (with the follow-up token) goes to their e-mail.
pub fn file(st: &Context, client: &Client, f: Filing) -> AppResult<Filed> {
    let input = as_report(&f)?;
    let answers = {
        let mut conn = st.pool.get()?;
        if !repo::categories::find(&mut conn, &input.category_code)?.is_some_and(|c| c.active) {
            return Err(unknown_service());
        }
        answers(
            &f,
            &super::services::custom(&mut conn, &input.category_code)?,
        )?
    };
    // The picture is checked by its bytes, as every attachment is.
    let media = match f.media {
        None => None,
        Some((_, _, data)) if data.len() > st.config.attachment_limit => {
            return Err(AppError::payload_too_large(st.config.attachment_limit));
        }
        Some((_, name, data)) => match crate::service::reports::files::kind_of(&data) {
            // Stored before the report's transaction names it.
            Some((kind, t)) => Some((kind, t, name, st.objects.put(&data)?)),
            None => {
                return Err(AppError::validation(vec![field(
                    "media",
                    "content_mismatch",
                    "Tệp media phải là ảnh, video, ghi âm hoặc PDF.",
                    "media must be a picture, a video, a recording or a PDF.",
                )]));
            }
        },
    };
    let guest = Principal::guest();
    let checked = check_submission(st, &guest, input)?.through(Channel::Open311);
    let token = random_token();
    let (client_id, tok) = (client.id.clone(), token.clone());
    let origin = Origin {
        arrived_at: st.clock.now(),
        note: format!("Open311: {}", client.name),
        proof: format!("Open311: {}", client.name),
        link: Box::new(move |ctx, c, r| {
            repo::open311::insert_request(
                c,
                &Open311RequestRow {
                    report_id: r.id.clone(),
                    client_id,
                    token: tok,
                    created_at: ctx.now_naive(),
                },
            )?;
            let rows: Vec<crate::db::models::ReportAttributeRow> = answers
                .into_iter()
                .map(|(code, value)| crate::db::models::ReportAttributeRow {
                    report_id: r.id.clone(),
                    code,
                    value,
                })
                .collect();
            repo::open311::insert_report_attributes(c, &rows)?;
            if let Some((kind, t, name, blob)) = &media {
                crate::service::reports::files::attach_in(ctx, c, r, *kind, t, name, blob)?;
            }
            Ok(())
        }),
    };
    let out =
        crate::service::reports::intake::submit_from(st, &guest, checked, None, Some(origin))?;
    Ok(Filed {
        service_request_id: out.details().report.code.clone(),
        token,
        service_notice: NOTICE.into(),
    })
}
