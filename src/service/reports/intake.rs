//! Intake: a report's submission (by its citizen, or by an operator for e-mail and hotline
//! reports, Art. 7.2) and its supplement after the IOC asked for more (Art. 7.1).

use chrono::{DateTime, Datelike, TimeDelta, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use validator::Validate;

use super::{Act, act, transition};
use crate::app::AppState;
use crate::db::models::{IdempotencyRow, ReportChanges, ReportRow, ReporterRow};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::account::{normalize_email, normalize_phone};
use crate::domain::report::{
    Channel, ReportStatus, Transition, looks_vietnamese, plausible_cccd, tracking_code,
};
use crate::domain::roles::Role;
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::auth::Principal;

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
    /// Whether the processing agency may see the contact details (Art. 4.5).
    #[serde(default)]
    pub consent_share_contact: bool,
    /// Whether the reporter's name may be shown with the published result.
    #[serde(default)]
    pub consent_public_name: bool,
    /// Keep the result confidential: it goes to the reporter alone (Art. 9.3b).
    #[serde(default)]
    pub confidential: bool,
}

fn field(
    f: &str,
    code: &'static str,
    vi: impl Into<std::borrow::Cow<'static, str>>,
    en: impl Into<std::borrow::Cow<'static, str>>,
) -> FieldError {
    FieldError::new(f, code, Msg::new(vi, en))
}

fn not_vietnamese(f: &str) -> FieldError {
    field(
        f,
        "not_vietnamese",
        "Nội dung phải viết bằng tiếng Việt (Điều 4.1).",
        "The text must be in Vietnamese (Art. 4.1).",
    )
}

/// Checks what can be checked without the database; returns the normalised reporter.
fn check(
    st: &AppState,
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
    let mut r = input.reporter.clone();
    r.full_name = r.full_name.trim().to_string();
    r.contact_address = r.contact_address.trim().to_string();
    let cccd = r.cccd.trim().to_string();
    if !plausible_cccd(&cccd, now) {
        errors.push(field(
            "reporter.cccd",
            "invalid_cccd",
            "Số căn cước công dân phải gồm 12 chữ số hợp lệ.",
            "The citizen ID (CCCD) must be 12 valid digits.",
        ));
    }
    r.cccd = cccd;
    match normalize_phone(&r.phone) {
        Some(p) => r.phone = p,
        None => errors.push(field(
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
                errors.push(field(
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
    st: &AppState,
    lat: Option<f64>,
    lon: Option<f64>,
    incident_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) {
    match (lat, lon) {
        (Some(la), Some(lo)) if !st.config.geo_bounds.contains(la, lo) => errors.push(field(
            "latitude",
            "outside_province",
            "Vị trí nằm ngoài địa bàn tỉnh.",
            "The location is outside the province.",
        )),
        (Some(_), None) => errors.push(field(
            "longitude",
            "required",
            "Cần cả kinh độ và vĩ độ.",
            "Give both latitude and longitude.",
        )),
        (None, Some(_)) => errors.push(field(
            "latitude",
            "required",
            "Cần cả kinh độ và vĩ độ.",
            "Give both latitude and longitude.",
        )),
        _ => {}
    }
    if incident_at.is_some_and(|t| t > now + TimeDelta::minutes(5)) {
        errors.push(field(
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
        errors.push(field(
            "category_code",
            "unknown_category",
            "Lĩnh vực không tồn tại hoặc đã ngừng sử dụng.",
            "No such active category.",
        ));
    }
    let today = now.with_timezone(&Ho_Chi_Minh).date_naive();
    let valid = repo::admin_units::find(conn, unit)?.is_some_and(|u| {
        u.valid_from.is_none_or(|f| f <= today) && u.valid_to.is_none_or(|t| t >= today)
    });
    if !valid {
        errors.push(field(
            "admin_unit_code",
            "unknown_admin_unit",
            "Đơn vị hành chính không tồn tại hoặc đã hết hiệu lực.",
            "No such administrative unit in force today.",
        ));
    }
    Ok(())
}

/// How a submission ended.
pub enum Submitted {
    Created(ReportRow),
    /// The same `Idempotency-Key` and body were seen before: the first report.
    Replayed(ReportRow),
}

fn idempotency_mismatch() -> AppError {
    AppError::unprocessable(
        "idempotency_key_reused",
        "Idempotency-Key này đã được dùng cho một phản ánh có nội dung khác.",
        "This Idempotency-Key was already used for a different report.",
    )
}

/// Submits a report. The tracking code is the next of the year (local time), handed out in the
/// transaction that inserts the report, so codes are unique and without gaps. The dispatch
/// clock (4 working hours, Annex II step 1) starts at submission.
pub fn submit(
    st: &AppState,
    who: &Principal,
    input: NewReport,
    idempotency_key: Option<&str>,
) -> AppResult<Submitted> {
    let now = st.clock.now();
    let channel = match (who.role, input.channel) {
        (Role::Citizen, None) => Channel::App,
        (Role::Citizen, Some(c @ (Channel::App | Channel::Portal))) => c,
        (Role::Operator, Some(c @ (Channel::Email | Channel::Hotline))) => c,
        (Role::Citizen | Role::Operator, _) => {
            return Err(AppError::validation(vec![field(
                "channel",
                "channel_not_allowed",
                "Công dân gửi qua app hoặc portal; nhân sự tiếp nhận nhập phản ánh nhận qua email hoặc hotline.",
                "Citizens submit through app or portal; operators enter reports received by email or hotline.",
            )]));
        }
        _ => return Err(AppError::forbidden()),
    };
    let mut errors = Vec::new();
    let reporter = check(st, &input, now, &mut errors);
    let hash = {
        let body = serde_json::to_vec(&input).map_err(AppError::internal)?;
        Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut conn = st.pool.get()?;
    let cal = crate::service::calendar::current(st, &mut conn)?;
    let ctx = Act { st, who, now, cal };
    let outcome = write_tx(&mut conn, |c| -> AppResult<Submitted> {
        if let Some(key) = idempotency_key
            && let Some(prev) = repo::reports::idempotency(c, &who.user_id, key)?
        {
            if prev.request_hash != hash {
                return Err(idempotency_mismatch());
            }
            let r = repo::reports::find(c, &prev.report_id)?.ok_or_else(super::report_not_found)?;
            return Ok(Submitted::Replayed(r));
        }
        check_directory(
            c,
            &input.category_code,
            &input.admin_unit_code,
            now,
            &mut errors,
        )?;
        if !errors.is_empty() {
            return Err(AppError::validation(std::mem::take(&mut errors)));
        }
        let year = now.with_timezone(&Ho_Chi_Minh).year();
        let seq = repo::counters::next(c, &format!("report_seq:{year}"))?;
        let nowv = now.naive_utc();
        let row = ReportRow {
            id: new_id(),
            code: tracking_code(year, seq),
            channel: channel.as_str().into(),
            status: ReportStatus::Submitted.as_str().into(),
            title: input.title.trim().to_string(),
            content: input.content.trim().to_string(),
            content_corrected: None,
            category_code: input.category_code.clone(),
            address: input.address.trim().to_string(),
            admin_unit_code: input.admin_unit_code.clone(),
            latitude: input.latitude,
            longitude: input.longitude,
            incident_at: input.incident_at.map(|t| t.naive_utc()),
            reporter_user_id: (who.role == Role::Citizen).then(|| who.user_id.clone()),
            consent_share_contact: input.consent_share_contact,
            consent_public_name: input.consent_public_name,
            confidential: input.confidential,
            emergency: false,
            state_secret: false,
            entered_by: (who.role == Role::Operator).then(|| who.user_id.clone()),
            lead_agency_id: None,
            rejection_reason: None,
            forward_kind: None,
            forward_agency_id: None,
            rating: None,
            extension_used: false,
            next_due_at: None,
            submitted_at: nowv,
            published_at: None,
            version: 0,
            created_at: nowv,
            updated_at: nowv,
        };
        let rep = ReporterRow {
            report_id: row.id.clone(),
            full_name: reporter.full_name.clone(),
            contact_address: reporter.contact_address.clone(),
            cccd: reporter.cccd.clone(),
            phone: reporter.phone.clone(),
            email: reporter.email.clone(),
            organization: reporter.organization.clone(),
        };
        repo::reports::insert(c, &row, &rep)?;
        // Annex II step 1: receive and dispatch within 4 working hours of submission.
        ctx.start_clock(c, &row.id, Step::Dispatch, None, now)?;
        ctx.event(
            c,
            &row,
            "submitted",
            Some(ReportStatus::Submitted),
            None,
            Some(format!("channel: {}", channel.as_str())),
        )?;
        if let Some(key) = idempotency_key {
            repo::reports::insert_idempotency(
                c,
                &IdempotencyRow {
                    user_id: who.user_id.clone(),
                    key: key.to_string(),
                    request_hash: hash.clone(),
                    report_id: row.id.clone(),
                    created_at: nowv,
                },
            )
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AppError::conflict("idempotency_race", "", ""),
                other => other.into(),
            })?;
        }
        ctx.save(c, &row, ReportChanges::default())?;
        let facts = crate::service::stat_counts::Facts::load(c, &row.id)?;
        crate::service::stat_counts::record(
            c,
            &crate::service::stat_counts::Facts::none(),
            &facts,
        )?;
        let saved = repo::reports::find(c, &row.id)?.ok_or_else(super::report_not_found)?;
        Ok(Submitted::Created(saved))
    });
    match outcome {
        // A concurrent submission with the same key won: answer with its report.
        Err(e) if e.code == "idempotency_race" => {
            let key = idempotency_key.unwrap_or_default();
            let prev = repo::reports::idempotency(&mut conn, &who.user_id, key)?
                .ok_or_else(|| AppError::internal("key vanished"))?;
            if prev.request_hash != hash {
                return Err(idempotency_mismatch());
            }
            let r = repo::reports::find(&mut conn, &prev.report_id)?
                .ok_or_else(super::report_not_found)?;
            Ok(Submitted::Replayed(r))
        }
        other => other,
    }
}

/// What a reporter adds or corrects when the IOC asked for more (Art. 7.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplement {
    /// What was added, for the IOC.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// A new title.
    #[validate(length(min = 5, max = 200))]
    #[schema(min_length = 5, max_length = 200)]
    pub title: Option<String>,
    /// The new content (replaces the old one).
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content: Option<String>,
    /// A more exact address.
    #[validate(length(min = 5, max = 300))]
    #[schema(min_length = 5, max_length = 300)]
    pub address: Option<String>,
    /// Another administrative unit.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub admin_unit_code: Option<String>,
    /// Latitude (with `longitude`).
    pub latitude: Option<f64>,
    /// Longitude (with `latitude`).
    pub longitude: Option<f64>,
    /// When it happened.
    pub incident_at: Option<DateTime<Utc>>,
}

/// The reporter supplements a report in `needs_info`; it goes back to the IOC with a new
/// dispatch clock.
pub fn supplement(st: &AppState, who: &Principal, id: &str, input: Supplement) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        if r.reporter_user_id.as_deref() != Some(who.user_id.as_str()) {
            return Err(AppError::forbidden());
        }
        let to = transition(&r, Transition::Supplement)?;
        let mut errors = Vec::new();
        for (f, text) in [("title", &input.title), ("content", &input.content)] {
            if text.as_deref().is_some_and(|t| !looks_vietnamese(t)) {
                errors.push(not_vietnamese(f));
            }
        }
        check_place(
            st,
            input.latitude,
            input.longitude,
            input.incident_at,
            ctx.now,
            &mut errors,
        );
        let unit = input
            .admin_unit_code
            .clone()
            .unwrap_or_else(|| r.admin_unit_code.clone());
        check_directory(c, &r.category_code, &unit, ctx.now, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        ctx.start_clock(c, &r.id, Step::Dispatch, None, ctx.now)?;
        ctx.event(
            c,
            &r,
            "supplemented",
            Some(to),
            None,
            Some(input.note.clone()),
        )?;
        let coords = input.latitude.is_some();
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                title: input.title.map(|t| t.trim().to_string()),
                content: input.content.map(|t| t.trim().to_string()),
                content_corrected: Some(None),
                address: input.address.map(|t| t.trim().to_string()),
                admin_unit_code: input.admin_unit_code,
                latitude: coords.then_some(input.latitude),
                longitude: coords.then_some(input.longitude),
                incident_at: input.incident_at.map(|t| Some(t.naive_utc())),
                ..Default::default()
            },
        )
    })
}
