//! Intake: a report's submission (by its citizen, or by an operator for e-mail and hotline
//! reports, Art. 7.2) and its supplement after the IOC asked for more (Art. 7.1).
//!
//! This file: what a report must hold and the checks of it (Art. 4); `submit`: the
//! submission, idempotent by key; `supplement`: what the reporter adds when asked.

mod submit;
mod supplement;

pub use submit::*;
pub use supplement::*;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::{DbConn, repo};
use crate::domain::account::{normalize_email, normalize_phone};
use crate::domain::report::{Channel, looks_vietnamese, plausible_cccd};
use crate::error::{AppResult, FieldError};
use crate::service::Context;

/// The reporter's identity (Art. 4.2). Never public; agencies see it only with consent.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReporterInput {
    /// Full name.
    #[validate(length(min = 2, max = 100))]
    #[schema(example = "Trần Thị Bình", min_length = 2, max_length = 100)]
    pub full_name: String,
    /// Contact address.
    #[validate(length(min = 5, max = 300))]
    #[schema(
        example = "12 Trần Hưng Đạo, Phường 2, TP Sóc Trăng",
        min_length = 5,
        max_length = 300
    )]
    pub contact_address: String,
    /// Citizen ID (CCCD): 12 digits.
    #[schema(
        example = "094085001234",
        min_length = 12,
        max_length = 12,
        pattern = "^[0-9]{12}$"
    )]
    pub cccd: String,
    /// Vietnamese phone number.
    #[schema(example = "0912345678", pattern = r"^[0-9+ .()\-]+$")]
    pub phone: String,
    /// E-mail, if any.
    #[validate(length(max = 254))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// The organisation reporting, if any.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub organization: Option<String>,
}

/// A new report.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// `app` or `portal` for a citizen (default `app`); `email` or `hotline` when an operator
    /// enters a report received that way (Art. 7.2).
    pub channel: Option<Channel>,
    /// A short title, in Vietnamese.
    #[validate(length(min = 5, max = 200))]
    #[schema(
        example = "Ổ gà lớn trên đường Trần Hưng Đạo",
        min_length = 5,
        max_length = 200
    )]
    pub title: String,
    /// What is wrong, in Vietnamese (Art. 4.1).
    #[validate(length(min = 10, max = 10000))]
    #[schema(
        example = "Ổ gà sâu khoảng 20 cm giữa làn xe máy, rất nguy hiểm vào ban đêm.",
        min_length = 10,
        max_length = 10000
    )]
    pub content: String,
    /// Category code (lĩnh vực).
    #[validate(length(min = 1, max = 50))]
    #[schema(example = "giao-thong", min_length = 1, max_length = 50)]
    pub category_code: String,
    /// Where, "clear and exact" (Art. 4.3).
    #[validate(length(min = 5, max = 300))]
    #[schema(
        example = "Trước số 45 Trần Hưng Đạo, Phường 2",
        min_length = 5,
        max_length = 300
    )]
    pub address: String,
    /// The administrative unit (commune or ward, or a district-level unit before 7/2025).
    #[validate(length(min = 1, max = 20))]
    #[schema(example = "941", min_length = 1, max_length = 20)]
    pub admin_unit_code: String,
    /// Latitude, inside the province (with `longitude`).
    pub latitude: Option<f64>,
    /// Longitude, inside the province (with `latitude`).
    pub longitude: Option<f64>,
    /// When it happened; not in the future.
    pub incident_at: Option<DateTime<Utc>>,
    /// The reporter (Art. 4.2).
    #[validate(nested)]
    #[serde(deserialize_with = "crate::json::object")]
    pub reporter: ReporterInput,
    /// The reporter's explicit consent to the processing of their identity for this report
    /// (wording `consent_wording`, `GET /privacy/consents`). `false` refuses the submission:
    /// a report is handled with its reporter's identity (Art. 4.2). Left out, nothing is
    /// recorded as consented: the processing rests on the regulation's public task, and the
    /// consent record says so.
    #[serde(default)]
    pub consent_processing: Option<bool>,
    /// The version of the consent wording the reporter was shown (the current one when left
    /// out).
    #[validate(length(min = 1, max = 20))]
    #[schema(example = "2026-01", min_length = 1, max_length = 20)]
    #[serde(default)]
    pub consent_wording: Option<String>,
    /// Whether the processing agency may see the contact details (Art. 4.5). Not ticked unless
    /// sent.
    #[serde(default)]
    pub consent_share_contact: bool,
    /// Whether the reporter's name may be shown with the published result.
    #[serde(default)]
    pub consent_public_name: bool,
    /// Keep the result confidential: it goes to the reporter alone (Art. 9.3b).
    #[serde(default)]
    pub confidential: bool,
}

fn not_vietnamese(f: &str) -> FieldError {
    FieldError::of(
        f,
        "not_vietnamese",
        "Nội dung phải viết bằng tiếng Việt (Điều 4.1).",
        "The text must be in Vietnamese (Art. 4.1).",
    )
}

/// Checks what can be checked without the database; returns the normalised reporter.
fn check(
    st: &Context,
    input: &NewReport,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> ReporterInput {
    if !looks_vietnamese(&input.title) {
        errors.push(not_vietnamese("title"));
    }
    if !looks_vietnamese(&input.content) {
        errors.push(not_vietnamese("content"));
    }
    check_place(
        st,
        input.latitude,
        input.longitude,
        input.incident_at,
        now,
        errors,
    );
    if input.consent_processing == Some(false) {
        errors.push(FieldError::of(
            "consent_processing",
            "consent_refused",
            "Phản ánh được xử lý cùng thông tin người phản ánh (Điều 4.2); không thể tiếp nhận khi không đồng ý xử lý dữ liệu cá nhân.",
            "A report is handled with its reporter's identity (Art. 4.2); it cannot be received without consent to processing it.",
        ));
    }
    if let Some(w) = &input.consent_wording
        && w != crate::domain::privacy::WORDING_VERSION
    {
        errors.push(FieldError::of(
            "consent_wording",
            "unknown_wording",
            "Phiên bản nội dung đồng ý không tồn tại.",
            "No consent wording has this version.",
        ));
    }
    let mut r = input.reporter.clone();
    r.full_name = r.full_name.trim().to_string();
    r.contact_address = r.contact_address.trim().to_string();
    let cccd = r.cccd.trim().to_string();
    if !plausible_cccd(&cccd, now) {
        errors.push(invalid_cccd("reporter.cccd"));
    }
    r.cccd = cccd;
    match normalize_phone(&r.phone) {
        Some(p) => r.phone = p,
        None => errors.push(FieldError::of(
            "reporter.phone",
            "invalid_phone",
            "Số điện thoại không đúng định dạng Việt Nam.",
            "Not a Vietnamese phone number.",
        )),
    }
    r.email = match r.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => match normalize_email(e) {
            Some(e) => Some(e),
            None => {
                errors.push(FieldError::of(
                    "reporter.email",
                    "invalid_email",
                    "Địa chỉ thư điện tử không hợp lệ.",
                    "Not a valid e-mail address.",
                ));
                None
            }
        },
    };
    r.organization = r
        .organization
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty());
    r
}

/// Coordinates inside the province, both or neither; an incident not in the future.
fn check_place(
    st: &Context,
    lat: Option<f64>,
    lon: Option<f64>,
    incident_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) {
    match (lat, lon) {
        (Some(la), Some(lo)) if !st.config.geo_bounds.contains(la, lo) => {
            errors.push(FieldError::of(
                "latitude",
                "outside_province",
                "Vị trí nằm ngoài địa bàn tỉnh.",
                "The location is outside the province.",
            ))
        }
        (Some(_), None) => errors.push(FieldError::of(
            "longitude",
            "required",
            "Cần cả kinh độ và vĩ độ.",
            "Give both latitude and longitude.",
        )),
        (None, Some(_)) => errors.push(FieldError::of(
            "latitude",
            "required",
            "Cần cả kinh độ và vĩ độ.",
            "Give both latitude and longitude.",
        )),
        _ => {}
    }
    if incident_at.is_some_and(|t| t > now + TimeDelta::minutes(5)) {
        errors.push(FieldError::of(
            "incident_at",
            "in_future",
            "Thời điểm xảy ra không thể ở tương lai.",
            "The incident cannot be in the future.",
        ));
    }
}

/// Checks the category and the administrative unit against the directory.
fn check_directory(
    conn: &mut DbConn,
    category: &str,
    unit: &str,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    if !repo::categories::find(conn, category)?.is_some_and(|c| c.active) {
        errors.push(FieldError::of(
            "category_code",
            "unknown_category",
            "Lĩnh vực không tồn tại hoặc đã ngừng sử dụng.",
            "No such active category.",
        ));
    }
    let today = crate::domain::calendar::local_date(now);
    let valid = repo::admin_units::find(conn, unit)?.is_some_and(|u| {
        u.valid_from.is_none_or(|f| f <= today) && u.valid_to.is_none_or(|t| t >= today)
    });
    if !valid {
        errors.push(FieldError::of(
            "admin_unit_code",
            "unknown_admin_unit",
            "Đơn vị hành chính không tồn tại hoặc đã hết hiệu lực.",
            "No such administrative unit in force today.",
        ));
    }
    Ok(())
}

/// The error of an identity number that is not a plausible CCCD, for `field`.
pub(crate) fn invalid_cccd(field: &str) -> FieldError {
    FieldError::of(
        field,
        "invalid_cccd",
        "Số căn cước công dân phải gồm 12 chữ số hợp lệ.",
        "The citizen ID (CCCD) must be 12 valid digits.",
    )
}
