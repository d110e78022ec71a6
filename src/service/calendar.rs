//! The working calendar as data an admin keeps, and the deadlines it gives (Art. 6.2, Annex II).
//!
//! The built calendar is cached per server and rebuilt when the calendar's revision counter
//! (bumped in the same transaction as every change) moves, so several replicas agree.
//! A calendar change never moves a deadline already set: deadlines are stored on their rows
//! when their clock starts.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::models::CalendarDayRow;
use crate::db::repo::counters::CALENDAR_REVISION;
use crate::db::{DbConn, repo, write_tx};
use crate::domain::calendar::statutory::{YearSource, effective_days, statutory_days};
use crate::domain::calendar::{
    CalendarDay, CalendarError, DayKind, DayOff, WorkingCalendar, WorkingDuration, check_day_kind,
};
use crate::error::{AppError, AppResult, FieldError};
use crate::service::Context;

/// The years the calendar covers.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// The cached calendar and the revision it was built from.
#[derive(Default)]
pub struct CalendarCache(RwLock<Option<(i64, Arc<WorkingCalendar>)>>);

fn to_domain(r: CalendarDayRow) -> AppResult<CalendarDay> {
    Ok(CalendarDay {
        kind: DayKind::parse(&r.kind)
            .ok_or_else(|| AppError::internal(format!("unknown day kind {}", r.kind)))?,
        date: r.day,
        note: r.note,
        legal_basis: r.legal_basis,
        confirmed: r.confirmed,
    })
}

/// The calendar in force now (cheap: one read of the revision when nothing changed).
pub fn current(st: &Context, conn: &mut DbConn) -> AppResult<Arc<WorkingCalendar>> {
    let rev = repo::counters::get(conn, CALENDAR_REVISION)?;
    if let Some((r, cal)) = st
        .calendar
        .0
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        && *r == rev
    {
        return Ok(cal.clone());
    }
    let stored = repo::calendar::all(conn)?
        .into_iter()
        .map(to_domain)
        .collect::<AppResult<Vec<_>>>()?;
    let days = (FIRST_YEAR..=LAST_YEAR).flat_map(|y| effective_days(y, &stored).1);
    let cal = Arc::new(
        WorkingCalendar::new(
            st.config.office_sessions.clone(),
            days,
            FIRST_YEAR,
            LAST_YEAR,
        )
        .map_err(AppError::internal)?,
    );
    *st.calendar.0.write().unwrap_or_else(|e| e.into_inner()) = Some((rev, cal.clone()));
    Ok(cal)
}

/// 400 when a date is outside the calendar's years.
pub fn check_date(name: &str, d: NaiveDate) -> AppResult<()> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(())
    } else {
        Err(AppError::bad_parameter(
            "out_of_range",
            vec![FieldError::of(
                name,
                "out_of_range",
                format!("Ngày phải trong các năm {FIRST_YEAR}–{LAST_YEAR}."),
                format!("The date must be within {FIRST_YEAR}–{LAST_YEAR}."),
            )],
        ))
    }
}

fn calendar_error(name: &str, e: CalendarError) -> AppError {
    AppError::bad_parameter(
        "out_of_range",
        vec![FieldError::of(
            name,
            "out_of_range",
            format!("Thời điểm nằm ngoài lịch làm việc ({FIRST_YEAR}–{LAST_YEAR})."),
            format!("The instant is outside the working calendar: {e}."),
        )],
    )
}

/// A day as listed: stored or proposed by law, and whether it applies.
#[derive(Debug, Clone)]
pub struct DayListing {
    pub day: CalendarDay,
    /// Stored by an admin (or the seed), or computed from the law for a year with nothing stored.
    pub stored: bool,
    /// Whether the day changes deadlines: confirmed days once the year has any; proposals
    /// before that.
    pub applies: bool,
}

/// The non-working and make-up days in a range of local dates.
pub fn list_days(st: &Context, from: NaiveDate, to: NaiveDate) -> AppResult<Vec<DayListing>> {
    check_date("from", from)?;
    check_date("to", to)?;
    if from > to || (to - from).num_days() > 3660 {
        return Err(AppError::bad_parameter(
            "invalid_range",
            vec![FieldError::of(
                "to",
                "invalid_range",
                "Khoảng ngày phải từ 'from' đến 'to', tối đa 10 năm.",
                "The range must run from 'from' to 'to', 10 years at most.",
            )],
        ));
    }
    let mut conn = st.pool.get()?;
    let first = NaiveDate::from_ymd_opt(from.year(), 1, 1).unwrap_or(from);
    let last = NaiveDate::from_ymd_opt(to.year(), 12, 31).unwrap_or(to);
    let stored = repo::calendar::between(&mut conn, first, last)?
        .into_iter()
        .map(to_domain)
        .collect::<AppResult<Vec<_>>>()?;
    let mut out = Vec::new();
    for year in from.year()..=to.year() {
        let (source, effective) = effective_days(year, &stored);
        for d in &effective {
            out.push(DayListing {
                day: d.clone(),
                stored: source != YearSource::Statutory,
                applies: true,
            });
        }
        for d in stored
            .iter()
            .filter(|d| d.date.year() == year && !effective.iter().any(|e| e.date == d.date))
        {
            out.push(DayListing {
                day: d.clone(),
                stored: true,
                applies: false,
            });
        }
    }
    out.retain(|l| l.day.date >= from && l.day.date <= to);
    out.sort_by_key(|l| l.day.date);
    Ok(out)
}

/// A day to store.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// `holiday`, `compensatory`, `swap_off` (weekdays) or `makeup_workday` (weekends).
    pub kind: DayKind,
    /// What the day is, e.g. "Tết Bính Ngọ".
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub note: String,
    /// The legal document that decided it.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub legal_basis: Option<String>,
    /// Whether it is official (default `true`); unconfirmed days are proposals.
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

fn day_not_found() -> AppError {
    AppError::not_found("ngày trong lịch", "Calendar day")
}

fn check_kind(date: NaiveDate, kind: DayKind) -> AppResult<()> {
    check_date("date", date)?;
    check_day_kind(date, kind).map_err(|code| {
        AppError::validation(vec![match code {
            "makeup_on_weekday" => FieldError::of(
                "kind",
                "makeup_on_weekday",
                "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật.",
                "A make-up working day must be a Saturday or a Sunday.",
            ),
            _ => FieldError::of(
                "kind",
                "day_off_on_weekend",
                "Ngày nghỉ bù hoặc nghỉ hoán đổi phải là ngày thường.",
                "A compensatory or swapped day off must be a weekday.",
            ),
        }])
    })
}

fn row(date: NaiveDate, input: &DayInput, now: chrono::NaiveDateTime) -> CalendarDayRow {
    CalendarDayRow {
        day: date,
        kind: input.kind.as_str().into(),
        note: input.note.trim().to_string(),
        legal_basis: input.legal_basis.clone(),
        confirmed: input.confirmed,
        created_at: now,
        updated_at: now,
    }
}

/// Stores a new day; a date already stored (whatever its kind) is a conflict.
pub fn create_day(st: &Context, date: NaiveDate, input: DayInput) -> AppResult<DayListing> {
    check_kind(date, input.kind)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        if let Some(existing) = repo::calendar::find(c, date)? {
            return Err(AppError::conflict(
                "day_exists",
                format!(
                    "Ngày {date} đã có trong lịch ({}); dùng PUT để thay đổi.",
                    existing.kind
                ),
                format!(
                    "{date} is already in the calendar ({}); use PUT to change it.",
                    existing.kind
                ),
            ));
        }
        repo::calendar::insert(c, &row(date, &input, now))?;
        repo::counters::next(c, CALENDAR_REVISION)?;
        Ok(())
    })?;
    get_listing(st, date)
}

/// Stores or replaces a day.
pub fn put_day(st: &Context, date: NaiveDate, input: DayInput) -> AppResult<DayListing> {
    check_kind(date, input.kind)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        let r = row(date, &input, now);
        if repo::calendar::replace(c, &r)? == 0 {
            repo::calendar::insert(c, &r)?;
        }
        repo::counters::next(c, CALENDAR_REVISION)?;
        Ok(())
    })?;
    get_listing(st, date)
}

pub fn delete_day(st: &Context, date: NaiveDate) -> AppResult<()> {
    check_date("date", date)?;
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        if repo::calendar::delete(c, date)? == 0 {
            return Err(day_not_found());
        }
        repo::counters::next(c, CALENDAR_REVISION)?;
        Ok(())
    })
}

pub fn confirm_day(st: &Context, date: NaiveDate) -> AppResult<DayListing> {
    check_date("date", date)?;
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        if repo::calendar::confirm(c, date, now)? == 0 {
            return Err(day_not_found());
        }
        repo::counters::next(c, CALENDAR_REVISION)?;
        Ok(())
    })?;
    get_listing(st, date)
}

fn get_listing(st: &Context, date: NaiveDate) -> AppResult<DayListing> {
    list_days(st, date, date)?
        .into_iter()
        .find(|l| l.stored)
        .ok_or_else(day_not_found)
}

/// Stores the statutory proposal of a year as unconfirmed days (dates already stored are kept).
/// A year that already has confirmed days is decided: its proposal is refused.
pub fn store_proposal(st: &Context, year: i32) -> AppResult<Vec<DayListing>> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(AppError::bad_parameter(
            "out_of_range",
            vec![FieldError::of(
                "year",
                "out_of_range",
                format!("Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}."),
                format!("The year must be within {FIRST_YEAR}–{LAST_YEAR}."),
            )],
        ));
    }
    let days = statutory_days(year).ok_or_else(|| AppError::internal("no lunar data"))?;
    let now = st.clock.now().naive_utc();
    let (first, last) = (
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::internal("date"))?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| AppError::internal("date"))?,
    );
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<()> {
        if repo::calendar::between(c, first, last)?
            .iter()
            .any(|d| d.confirmed)
        {
            return Err(AppError::conflict(
                "year_decided",
                format!("Năm {year} đã có ngày nghỉ chính thức được xác nhận."),
                format!("{year} already has confirmed official days."),
            ));
        }
        for d in &days {
            if repo::calendar::find(c, d.date)?.is_none() {
                repo::calendar::insert(
                    c,
                    &CalendarDayRow {
                        day: d.date,
                        kind: d.kind.as_str().into(),
                        note: d.note.clone(),
                        legal_basis: d.legal_basis.clone(),
                        confirmed: false,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
        }
        repo::counters::next(c, CALENDAR_REVISION)?;
        Ok(())
    })?;
    list_days(st, first, last)
}

/// A computed deadline and why it is where it is.
#[derive(Debug, Clone)]
pub struct DeadlineAnswer {
    pub start: DateTime<Utc>,
    pub clock_start: DateTime<Utc>,
    pub working_micros: i64,
    pub deadline: DateTime<Utc>,
    pub days_off: Vec<(NaiveDate, DayOff)>,
}

/// The deadline of a clock that starts at `start` and runs for `duration`.
pub fn deadline(
    st: &Context,
    start: DateTime<Utc>,
    duration: WorkingDuration,
) -> AppResult<DeadlineAnswer> {
    let mut conn = st.pool.get()?;
    let cal = current(st, &mut conn)?;
    let clock_start = cal
        .clock_start(start)
        .map_err(|e| calendar_error("start", e))?;
    let deadline = cal
        .add_working(start, duration)
        .map_err(|e| calendar_error("start", e))?;
    let days_off = cal.days_off_between(cal.local_date(start), cal.local_date(deadline));
    Ok(DeadlineAnswer {
        start,
        clock_start,
        working_micros: cal.duration_micros(duration),
        deadline,
        days_off,
    })
}

/// The working time between two instants (negative when `to` is before `from`), and the length
/// of one working day, both in µs.
pub fn working_time(st: &Context, from: DateTime<Utc>, to: DateTime<Utc>) -> AppResult<(i64, i64)> {
    let mut conn = st.pool.get()?;
    let cal = current(st, &mut conn)?;
    cal.position(from).map_err(|e| calendar_error("from", e))?;
    let micros = cal
        .working_between(from, to)
        .map_err(|e| calendar_error("to", e))?;
    Ok((micros, cal.day_micros()))
}
