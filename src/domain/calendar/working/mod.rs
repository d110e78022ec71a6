//! The deadline calculator over working time.
//!
//! Every instant maps to a *position*: the working time (µs) from the start of the calendar's
//! span to that instant, counting only office sessions of working days. A deadline is the
//! instant whose position is the start's plus the duration; the working time between two
//! instants is the difference of their positions. Both are a handful of array reads, so a
//! deadline costs tens of nanoseconds.
//!
//! Rules (Annex II): a clock that starts outside a session starts at the next session's
//! opening; a deadline that lands exactly at a session's close is that close (11:00, not
//! 13:00; 17:00, not 07:00 the next working day).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

use super::{CalendarDay, OfficeSessions, is_weekend};

const US_PER_SEC: i64 = 1_000_000;
const US_PER_DAY: i64 = 86_400 * US_PER_SEC;

/// A working duration: hours, or days of one full set of sessions (8 hours by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkingDuration {
    Hours(u32),
    Days(u32),
}

/// Why the calculator cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the instant is outside the calendar's span {0}–{1}")]
    OutOfRange(i32, i32),
    #[error("the time zone's offset changes within the span")]
    OffsetChanges,
}

/// Why a date is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOff {
    Weekend,
    Listed(CalendarDay),
}

/// Office sessions and non-working days over a span of years, ready for fast arithmetic.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    sessions: OfficeSessions,
    /// Sessions as (start, end) in µs from local midnight.
    spans: Vec<(i64, i64)>,
    /// Working µs in one working day.
    day_len: i64,
    first_year: i32,
    last_year: i32,
    /// Local day number (days since 1970-01-01 local) of the span's first day.
    first_day: i64,
    /// Seconds east of UTC, the same over the whole span.
    offset_secs: i64,
    /// For each day of the span, the number of working days before it; one more entry at the end.
    work_before: Vec<u32>,
    /// The span's working days, as day indexes.
    working_days: Vec<u32>,
    /// The listed days, for explanations.
    listed: BTreeMap<NaiveDate, CalendarDay>,
}

impl WorkingCalendar {
    /// Builds the calendar for the years `first_year..=last_year` from the days that apply.
    pub fn new(
        sessions: OfficeSessions,
        days: impl IntoIterator<Item = CalendarDay>,
        first_year: i32,
        last_year: i32,
    ) -> Result<Self, CalendarError> {
        let start = NaiveDate::from_ymd_opt(first_year, 1, 1)
            .ok_or(CalendarError::OutOfRange(first_year, last_year))?;
        let end = NaiveDate::from_ymd_opt(last_year, 12, 31)
            .ok_or(CalendarError::OutOfRange(first_year, last_year))?;
        let offset =
            |d: NaiveDate| i64::from(Ho_Chi_Minh.offset_from_utc_date(&d).fix().local_minus_utc());
        let offset_secs = offset(start);
        if offset(end) != offset_secs {
            return Err(CalendarError::OffsetChanges);
        }
        let listed: BTreeMap<NaiveDate, CalendarDay> = days
            .into_iter()
            .filter(|d| d.date >= start && d.date <= end)
            .map(|d| (d.date, d))
            .collect();
        let n = (end - start).num_days() as usize + 1;
        let mut work_before = Vec::with_capacity(n + 1);
        let mut working_days = Vec::with_capacity(n);
        let mut date = start;
        for i in 0..n {
            work_before.push(working_days.len() as u32);
            let working = match listed.get(&date) {
                Some(d) => !d.kind.is_day_off(),
                None => !is_weekend(date),
            };
            if working {
                working_days.push(i as u32);
            }
            date = date.succ_opt().unwrap_or(date);
        }
        work_before.push(working_days.len() as u32);
        let spans: Vec<(i64, i64)> = sessions
            .sessions()
            .iter()
            .map(|(a, b)| {
                let us =
                    |t: &chrono::NaiveTime| i64::from(t.num_seconds_from_midnight()) * US_PER_SEC;
                (us(a), us(b))
            })
            .collect();
        let day_len = spans.iter().map(|(a, b)| b - a).sum();
        Ok(Self {
            sessions,
            spans,
            day_len,
            first_year,
            last_year,
            first_day: start.signed_duration_since(NaiveDate::default()).num_days(),
            offset_secs,
            work_before,
            working_days,
            listed,
        })
    }

    pub fn sessions(&self) -> &OfficeSessions {
        &self.sessions
    }

    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// Working µs in one working day.
    pub fn day_micros(&self) -> i64 {
        self.day_len
    }

    /// The working µs of a duration.
    pub fn duration_micros(&self, d: WorkingDuration) -> i64 {
        match d {
            WorkingDuration::Hours(h) => i64::from(h) * 3600 * US_PER_SEC,
            WorkingDuration::Days(n) => i64::from(n) * self.day_len,
        }
    }

    fn out_of_range(&self) -> CalendarError {
        CalendarError::OutOfRange(self.first_year, self.last_year)
    }

    /// Whether a local date is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let idx = date.signed_duration_since(NaiveDate::default()).num_days() - self.first_day;
        if idx < 0 || idx as usize >= self.working_days_len_days() {
            return Err(self.out_of_range());
        }
        let i = idx as usize;
        Ok(self.work_before[i + 1] > self.work_before[i])
    }

    fn working_days_len_days(&self) -> usize {
        self.work_before.len() - 1
    }

    /// Why a date is not a working day (`None`: it is one).
    pub fn day_off(&self, date: NaiveDate) -> Option<DayOff> {
        match self.listed.get(&date) {
            Some(d) if d.kind.is_day_off() => Some(DayOff::Listed(d.clone())),
            Some(_) => None,
            None if is_weekend(date) => Some(DayOff::Weekend),
            None => None,
        }
    }

    /// The listed day of a date, if any.
    pub fn listed(&self, date: NaiveDate) -> Option<&CalendarDay> {
        self.listed.get(&date)
    }

    /// Working µs within a working day before the local time `us` (µs since midnight).
    fn worked_in_day(&self, us: i64) -> i64 {
        self.spans
            .iter()
            .map(|(a, b)| (us - a).clamp(0, b - a))
            .sum()
    }

    /// The position of an instant: working µs from the span's start.
    pub fn position(&self, t: DateTime<Utc>) -> Result<i64, CalendarError> {
        let local = t.timestamp_micros() + self.offset_secs * US_PER_SEC;
        let day = local.div_euclid(US_PER_DAY);
        let idx = day - self.first_day;
        if idx < 0 || idx as usize >= self.working_days_len_days() {
            return Err(self.out_of_range());
        }
        let i = idx as usize;
        let before = i64::from(self.work_before[i]) * self.day_len;
        if self.work_before[i + 1] == self.work_before[i] {
            return Ok(before);
        }
        Ok(before + self.worked_in_day(local.rem_euclid(US_PER_DAY)))
    }

    /// The instant of a position. At a session's boundary, `at_close` picks the close (for a
    /// deadline) rather than the next opening (for a clock's start).
    fn instant(&self, pos: i64, at_close: bool) -> Result<DateTime<Utc>, CalendarError> {
        let (mut n, mut rem) = (pos.div_euclid(self.day_len), pos.rem_euclid(self.day_len));
        if at_close && rem == 0 && n > 0 {
            n -= 1;
            rem = self.day_len;
        }
        let day_idx = *self
            .working_days
            .get(n as usize)
            .ok_or_else(|| self.out_of_range())?;
        let mut sod = self.spans.last().map_or(0, |s| s.1);
        for (a, b) in &self.spans {
            let len = b - a;
            if rem < len || (at_close && rem == len) {
                sod = a + rem;
                break;
            }
            rem -= len;
        }
        let local = (self.first_day + i64::from(day_idx)) * US_PER_DAY + sod;
        DateTime::from_timestamp_micros(local - self.offset_secs * US_PER_SEC)
            .ok_or_else(|| self.out_of_range())
    }

    /// The deadline of a clock that starts at `start` and runs for `micros` of working time.
    pub fn add_micros(
        &self,
        start: DateTime<Utc>,
        micros: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.instant(self.position(start)? + micros, true)
    }

    /// The deadline of a clock that starts at `start` and runs for `duration` (Annex II).
    pub fn add_working(
        &self,
        start: DateTime<Utc>,
        duration: WorkingDuration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.add_micros(start, self.duration_micros(duration))
    }

    /// When a clock started at `start` actually begins to run: `start` itself inside a session,
    /// else the next session's opening.
    pub fn clock_start(&self, start: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        self.instant(self.position(start)?, false)
    }

    /// The working µs from `a` to `b` (negative when `b` is before `a`).
    pub fn working_between(
        &self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
    ) -> Result<i64, CalendarError> {
        Ok(self.position(b)? - self.position(a)?)
    }

    /// The local date of an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        (t + chrono::TimeDelta::seconds(self.offset_secs)).date_naive()
    }

    /// The days off from `from` to `to` (local dates, both included), with their reasons.
    pub fn days_off_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, DayOff)> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter_map(|d| self.day_off(d).map(|r| (d, r)))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
