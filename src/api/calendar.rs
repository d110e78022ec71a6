//! `/api/v1/calendar/*`: the working calendar, deadlines and working time, the lunar date.

use actix_web::web::{Data, Json, Path, block};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::{Require, ValidJson, ValidQuery, de, roles::Admin};
use crate::api::state::AppState;
use crate::domain::calendar::{DayKind, DayOff, WorkingDuration, lunar};
use crate::domain::steps::{self, Actor, Limit, Step};
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::calendar::{self as svc, DayInput, DayListing};

const US_PER_HOUR: f64 = 3_600_000_000.0;

/// A non-working day, or a weekend day worked in exchange.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayView {
    /// Local date.
    pub date: NaiveDate,
    /// Kind of day.
    pub kind: DayKind,
    /// What the day is.
    pub note: String,
    /// The legal document that decided it.
    pub legal_basis: Option<String>,
    /// Whether it is official.
    pub confirmed: bool,
    /// `stored` (kept by an admin or the official seed) or `statutory` (proposed from the law for a
    /// year with nothing stored).
    #[schema(example = "stored")]
    pub source: &'static str,
    /// Whether it changes deadlines: a year's confirmed days once it has any, its proposals before.
    pub applies: bool,
}

impl From<DayListing> for CalendarDayView {
    fn from(l: DayListing) -> Self {
        Self {
            date: l.day.date,
            kind: l.day.kind,
            note: l.day.note,
            legal_basis: l.day.legal_basis,
            confirmed: l.day.confirmed,
            source: if l.stored { "stored" } else { "statutory" },
            applies: l.applies,
        }
    }
}

/// A range of local dates.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// First local date (YYYY-MM-DD), 2000–2099.
    #[serde(deserialize_with = "de::date")]
    #[param(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// Last local date, included; at most 10 years after `from`.
    #[serde(deserialize_with = "de::date")]
    #[param(value_type = String, format = Date)]
    pub to: NaiveDate,
}

/// The non-working days and make-up working days in a range.
#[utoipa::path(tag = "calendar", operation_id = "listCalendarDays", params(DaysQuery),
    responses((status = 200, description = "The days, by date.", body = Vec<CalendarDayView>)))]
#[get("/calendar/days")]
pub async fn list_days(
    st: Data<AppState>,
    q: ValidQuery<DaysQuery>,
) -> AppResult<Json<Vec<CalendarDayView>>> {
    let q = q.into_inner();
    let days = block(move || svc::list_days(&st, q.from, q.to)).await??;
    Ok(Json(days.into_iter().map(Into::into).collect()))
}

/// Add a day to the calendar (409 if the date is already in it).
#[utoipa::path(tag = "calendar", operation_id = "createCalendarDay", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, pattern = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", description = "Local date, in 2000–2099")), request_body = DayInput,
    responses((status = 201, description = "Stored.", body = CalendarDayView),
        (status = 409, description = "The date is already in the calendar (`day_exists`).", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/calendar/days/{date}")]
pub async fn create_day(
    st: Data<AppState>,
    _a: Require<Admin>,
    date: Path<NaiveDate>,
    body: ValidJson<DayInput>,
) -> AppResult<HttpResponse> {
    let (date, b) = (date.into_inner(), body.into_inner());
    let day = block(move || svc::create_day(&st, date, b)).await??;
    Ok(HttpResponse::Created().json(CalendarDayView::from(day)))
}

/// Store or replace a day of the calendar.
#[utoipa::path(tag = "calendar", operation_id = "putCalendarDay", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, pattern = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", description = "Local date, in 2000–2099")), request_body = DayInput,
    responses((status = 200, description = "Stored.", body = CalendarDayView)))]
#[put("/calendar/days/{date}")]
pub async fn put_day(
    st: Data<AppState>,
    _a: Require<Admin>,
    date: Path<NaiveDate>,
    body: ValidJson<DayInput>,
) -> AppResult<Json<CalendarDayView>> {
    let (date, b) = (date.into_inner(), body.into_inner());
    Ok(Json(
        block(move || svc::put_day(&st, date, b)).await??.into(),
    ))
}

/// Remove a day from the calendar (a weekday becomes a working day, a weekend day a day off).
#[utoipa::path(tag = "calendar", operation_id = "deleteCalendarDay", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, pattern = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", description = "Local date, in 2000–2099")),
    responses((status = 204, description = "Removed."), (status = 404, description = "The date is not stored.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[delete("/calendar/days/{date}")]
pub async fn delete_day(
    st: Data<AppState>,
    _a: Require<Admin>,
    date: Path<NaiveDate>,
) -> AppResult<HttpResponse> {
    let date = date.into_inner();
    block(move || svc::delete_day(&st, date)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm a stored day as official.
#[utoipa::path(tag = "calendar", operation_id = "confirmCalendarDay", security(("bearer" = [])),
    params(("date" = String, Path, format = Date, pattern = "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", description = "Local date, in 2000–2099")),
    responses((status = 200, description = "Confirmed.", body = CalendarDayView), (status = 404, description = "The date is not stored.", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/calendar/days/{date}/confirm")]
pub async fn confirm_day(
    st: Data<AppState>,
    _a: Require<Admin>,
    date: Path<NaiveDate>,
) -> AppResult<Json<CalendarDayView>> {
    let date = date.into_inner();
    Ok(Json(
        block(move || svc::confirm_day(&st, date)).await??.into(),
    ))
}

/// Store the statutory days of a year (Labor Code Art. 112 and 111.3, from the lunar calendar) as
/// unconfirmed proposals for the admin to confirm or change.
#[utoipa::path(tag = "calendar", operation_id = "proposeCalendarYear", security(("bearer" = [])),
    params(("year" = i32, Path, minimum = 2000, maximum = 2099, description = "Year, 2000–2099")),
    responses((status = 200, description = "The year's days after storing the proposal.", body = Vec<CalendarDayView>),
        (status = 409, description = "The year already has confirmed days (`year_decided`).", body = crate::error::Problem, content_type = "application/problem+json")))]
#[post("/calendar/years/{year}/proposal")]
pub async fn propose_year(
    st: Data<AppState>,
    _a: Require<Admin>,
    year: Path<i32>,
) -> AppResult<Json<Vec<CalendarDayView>>> {
    let year = year.into_inner();
    let days = block(move || svc::store_proposal(&st, year)).await??;
    Ok(Json(days.into_iter().map(Into::into).collect()))
}

/// A clock's start and its duration: `hours` or `days`, not both.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// When the clock starts: an RFC 3339 instant with offset, e.g. `2026-02-13T15:00:00+07:00`.
    #[serde(deserialize_with = "de::instant")]
    #[param(value_type = String, format = DateTime)]
    pub start: DateTime<Utc>,
    /// Working hours, 1–2920.
    #[validate(range(min = 1, max = 2920))]
    #[param(minimum = 1, maximum = 2920)]
    pub hours: Option<u32>,
    /// Working days (8 working hours each by default), 1–365.
    #[validate(range(min = 1, max = 365))]
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

/// A day the clock did not run, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedDay {
    /// Local date.
    pub date: NaiveDate,
    /// `weekend`, or the kind of listed day (`holiday`, `compensatory`, `swap_off`).
    #[schema(example = "holiday")]
    pub reason: &'static str,
    /// What the day is (for listed days).
    pub note: Option<String>,
}

/// A deadline and how it was reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// The instant given.
    pub start: DateTime<Utc>,
    /// When the clock actually starts: `start` inside a session, else the next opening.
    pub clock_start: DateTime<Utc>,
    /// The duration in working hours.
    pub working_hours: f64,
    /// The deadline (UTC).
    pub deadline: DateTime<Utc>,
    /// The deadline in local time (Asia/Ho_Chi_Minh), for people.
    #[schema(example = "2026-02-23T09:00:00+07:00")]
    pub deadline_local: String,
    /// The days between start and deadline that the clock skipped.
    pub skipped_days: Vec<SkippedDay>,
}

/// Compute a deadline: the start plus working hours or working days, skipping nights, lunch
/// breaks, weekends and the days off of the calendar; with the days it skipped and why.
#[utoipa::path(tag = "calendar", operation_id = "computeDeadline", params(DeadlineQuery),
    responses((status = 200, description = "The deadline.", body = DeadlineView)))]
#[get("/calendar/deadline")]
pub async fn deadline(
    st: Data<AppState>,
    q: ValidQuery<DeadlineQuery>,
) -> AppResult<Json<DeadlineView>> {
    let q = q.into_inner();
    let duration = match (q.hours, q.days) {
        (Some(h), None) => WorkingDuration::Hours(h),
        (None, Some(d)) => WorkingDuration::Days(d),
        _ => {
            return Err(AppError::bad_parameter(
                "invalid_query",
                vec![FieldError::new(
                    "hours",
                    "hours_or_days",
                    Msg::new(
                        "Cần đúng một trong hai tham số 'hours' hoặc 'days'.",
                        "Give exactly one of 'hours' or 'days'.",
                    ),
                )],
            ));
        }
    };
    let a = block(move || svc::deadline(&st, q.start, duration)).await??;
    Ok(Json(DeadlineView {
        start: a.start,
        clock_start: a.clock_start,
        working_hours: a.working_micros as f64 / US_PER_HOUR,
        deadline: a.deadline,
        deadline_local: a
            .deadline
            .with_timezone(&crate::domain::calendar::TIME_ZONE)
            .to_rfc3339(),
        skipped_days: a
            .days_off
            .into_iter()
            .map(|(date, why)| match why {
                DayOff::Weekend => SkippedDay {
                    date,
                    reason: "weekend",
                    note: None,
                },
                DayOff::Listed(d) => SkippedDay {
                    date,
                    reason: d.kind.as_str(),
                    note: Some(d.note),
                },
            })
            .collect(),
    }))
}

/// Two instants.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkingTimeQuery {
    /// From (RFC 3339 with offset).
    #[serde(deserialize_with = "de::instant")]
    #[param(value_type = String, format = DateTime)]
    pub from: DateTime<Utc>,
    /// To (RFC 3339 with offset); before `from` gives a negative answer.
    #[serde(deserialize_with = "de::instant")]
    #[param(value_type = String, format = DateTime)]
    pub to: DateTime<Utc>,
}

/// Working time between two instants.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingTimeView {
    /// Working seconds.
    pub working_seconds: i64,
    /// Working hours.
    pub working_hours: f64,
    /// Working days (of one day's sessions, 8 hours by default).
    pub working_days: f64,
}

/// The working time between two instants: the inverse of the deadline, for "how late".
#[utoipa::path(tag = "calendar", operation_id = "workingTime", params(WorkingTimeQuery),
    responses((status = 200, description = "The working time.", body = WorkingTimeView)))]
#[get("/calendar/working-time")]
pub async fn working_time(
    st: Data<AppState>,
    q: ValidQuery<WorkingTimeQuery>,
) -> AppResult<Json<WorkingTimeView>> {
    let q = q.into_inner();
    let (micros, day) = block(move || svc::working_time(&st, q.from, q.to)).await??;
    Ok(Json(WorkingTimeView {
        working_seconds: micros / 1_000_000,
        working_hours: micros as f64 / US_PER_HOUR,
        working_days: micros as f64 / day as f64,
    }))
}

/// A solar date.
#[derive(Debug, Deserialize, Validate, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LunarQuery {
    /// Solar date (YYYY-MM-DD), 1900–2100.
    #[serde(deserialize_with = "de::date")]
    #[param(value_type = String, format = Date)]
    pub date: NaiveDate,
}

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct LunarView {
    /// The solar date asked.
    pub date: NaiveDate,
    /// Lunar day, 1–30.
    pub day: u32,
    /// Lunar month, 1–12.
    pub month: u32,
    /// Lunar year.
    pub year: i32,
    /// Whether the month is the leap (repeated) month.
    pub leap_month: bool,
    /// The year's name, e.g. "Bính Ngọ".
    pub year_name: String,
    /// For people, e.g. "1/1 năm Bính Ngọ".
    pub text: String,
}

/// The Vietnamese lunar date of a solar date.
#[utoipa::path(tag = "calendar", operation_id = "lunarDate", params(LunarQuery),
    responses((status = 200, description = "The lunar date.", body = LunarView)))]
#[get("/calendar/lunar")]
pub async fn lunar_date(q: ValidQuery<LunarQuery>) -> AppResult<Json<LunarView>> {
    let date = q.into_inner().date;
    let l = lunar::to_lunar(date).ok_or_else(|| {
        AppError::bad_parameter(
            "out_of_range",
            vec![FieldError::new(
                "date",
                "out_of_range",
                Msg::new(
                    "Ngày phải trong các năm 1900–2100.",
                    "The date must be within 1900–2100.",
                ),
            )],
        )
    })?;
    let name = lunar::can_chi(l.year);
    let leap = if l.leap { " (nhuận)" } else { "" };
    Ok(Json(LunarView {
        date,
        day: l.day,
        month: l.month,
        year: l.year,
        leap_month: l.leap,
        text: format!("{}/{}{leap} năm {name}", l.day, l.month),
        year_name: name,
    }))
}

/// An office session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Opening, local time HH:MM.
    #[schema(example = "07:00")]
    pub start: String,
    /// Close, local time HH:MM.
    #[schema(example = "11:00")]
    pub end: String,
}

/// A duration of the step table.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitView {
    /// `working_hours`, `working_days` or `clock_hours`.
    pub unit: &'static str,
    /// How many.
    pub value: u32,
}

/// One step of Annex II with its limit.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    /// The step.
    pub step: Step,
    /// Who acts.
    pub actor: Actor,
    /// Its limit.
    pub limit: LimitView,
    /// What starts the clock.
    pub clock_starts: &'static str,
    /// Where the regulation says so.
    pub article: &'static str,
}

/// How working time is counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSettingsView {
    /// The time zone of every calendar decision.
    #[schema(example = "Asia/Ho_Chi_Minh")]
    pub time_zone: &'static str,
    /// The daily office sessions (configuration `PAHT_OFFICE_SESSIONS`).
    pub sessions: Vec<SessionView>,
    /// Working hours in one working day.
    pub hours_per_working_day: f64,
    /// The weekend days.
    pub weekend: Vec<&'static str>,
    /// The years the calendar covers.
    pub first_year: i32,
    /// The years the calendar covers.
    pub last_year: i32,
    /// The time limits of the regulation (Annex II, Art. 7–10).
    pub steps: Vec<StepView>,
}

/// Office sessions, weekend, covered years and the regulation's step limits.
#[utoipa::path(tag = "calendar", operation_id = "calendarSettings",
    responses((status = 200, description = "The settings.", body = CalendarSettingsView)))]
#[get("/calendar/settings")]
pub async fn settings(st: Data<AppState>) -> Json<CalendarSettingsView> {
    let sessions = &st.config.office_sessions;
    Json(CalendarSettingsView {
        time_zone: "Asia/Ho_Chi_Minh",
        sessions: sessions
            .sessions()
            .iter()
            .map(|(a, b)| SessionView {
                start: a.format("%H:%M").to_string(),
                end: b.format("%H:%M").to_string(),
            })
            .collect(),
        hours_per_working_day: sessions.seconds_per_day() as f64 / 3600.0,
        weekend: vec!["saturday", "sunday"],
        first_year: svc::FIRST_YEAR,
        last_year: svc::LAST_YEAR,
        steps: steps::STEPS
            .iter()
            .map(|r| StepView {
                step: r.step,
                actor: r.actor,
                limit: match r.limit {
                    Limit::Working(WorkingDuration::Hours(h)) => LimitView {
                        unit: "working_hours",
                        value: h,
                    },
                    Limit::Working(WorkingDuration::Days(d)) => LimitView {
                        unit: "working_days",
                        value: d,
                    },
                    Limit::ClockHours(h) => LimitView {
                        unit: "clock_hours",
                        value: h,
                    },
                },
                clock_starts: r.starts,
                article: r.article,
            })
            .collect(),
    })
}
