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
pub(crate) mod tests {
    use chrono::{NaiveDateTime, TimeDelta};
    use proptest::prelude::*;

    use super::*;
    use crate::domain::calendar::DayKind;
    use crate::domain::calendar::statutory::effective_days;

    /// The official days of 2024–2026 (the seed data) and the statutory proposal after that.
    pub(crate) fn official(first: i32, last: i32) -> WorkingCalendar {
        let stored = crate::db::seed::official_calendar_days();
        let days = (first..=last).flat_map(|y| effective_days(y, &stored).1);
        WorkingCalendar::new(OfficeSessions::default(), days, first, last).unwrap()
    }

    /// A local time in Vietnam as a UTC instant.
    fn vn(s: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Ho_Chi_Minh
            .from_local_datetime(&local)
            .single()
            .unwrap()
            .to_utc()
    }

    fn show(t: DateTime<Utc>) -> String {
        t.with_timezone(&Ho_Chi_Minh)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    use WorkingDuration::{Days, Hours};

    /// (start, duration, deadline), local times, worked out by hand from the official days.
    const CASES: &[(&str, WorkingDuration, &str, &str)] = &[
        (
            "2026-02-13 15:00",
            Hours(4),
            "2026-02-23 09:00",
            "Friday afternoon before Tết 2026: 2 h, then Tết and two weekends",
        ),
        (
            "2026-02-13 15:00",
            Days(6),
            "2026-03-02 15:00",
            "6 working days across Tết 2026",
        ),
        (
            "2025-01-24 16:00",
            Days(1),
            "2025-02-03 16:00",
            "Tết Ất Tỵ 2025: 27–31/1 off",
        ),
        (
            "2025-04-25 16:00",
            Hours(4),
            "2025-04-26 10:00",
            "Saturday 26/4/2025 is worked in exchange",
        ),
        (
            "2025-04-30 09:00",
            Hours(4),
            "2025-05-05 11:00",
            "received on a holiday; 1/5 holiday, 2/5 swapped off",
        ),
        (
            "2024-04-26 10:00",
            Days(3),
            "2024-05-04 10:00",
            "29/4/2024 swapped off, Saturday 4/5 worked",
        ),
        (
            "2025-12-31 14:00",
            Days(2),
            "2026-01-06 14:00",
            "New Year 2026: Thursday 1/1 and swapped Friday 2/1",
        ),
        (
            "2026-01-09 15:00",
            Hours(4),
            "2026-01-10 09:00",
            "Saturday 10/1/2026 is worked in exchange",
        ),
        (
            "2026-04-24 09:00",
            Days(6),
            "2026-05-07 09:00",
            "Hùng Kings' day on Sunday 26/4/2026: Monday 27/4 off in its place",
        ),
        (
            "2026-08-28 10:00",
            Days(2),
            "2026-09-04 10:00",
            "National Day 2026: 31/8 swapped, 1/9 and 2/9 off",
        ),
        (
            "2026-03-02 11:30",
            Hours(1),
            "2026-03-02 14:00",
            "received at lunch: the clock starts at 13:00",
        ),
        (
            "2026-03-02 06:00",
            Hours(1),
            "2026-03-02 08:00",
            "received before opening",
        ),
        (
            "2026-03-02 18:00",
            Hours(1),
            "2026-03-03 08:00",
            "received after closing",
        ),
        (
            "2026-03-02 07:00",
            Hours(4),
            "2026-03-02 11:00",
            "ends exactly at the morning close: 11:00, not 13:00",
        ),
        (
            "2026-03-02 09:00",
            Hours(2),
            "2026-03-02 11:00",
            "ends exactly at the morning close",
        ),
        (
            "2026-03-02 07:00",
            Days(1),
            "2026-03-02 17:00",
            "one working day from the opening ends at 17:00 that day",
        ),
        (
            "2026-03-02 11:00",
            Hours(1),
            "2026-03-02 14:00",
            "starts at a close: runs from the next opening",
        ),
        (
            "2026-03-02 17:00",
            Days(1),
            "2026-03-03 17:00",
            "starts at the evening close",
        ),
        (
            "2026-03-07 10:00",
            Hours(4),
            "2026-03-09 11:00",
            "received on a Saturday",
        ),
        (
            "2026-03-06 16:30",
            Hours(4),
            "2026-03-09 10:30",
            "Friday evening, minutes kept",
        ),
    ];

    #[test]
    fn deadlines_on_the_official_calendar() {
        let cal = official(2024, 2027);
        for (start, dur, want, why) in CASES {
            let got = cal.add_working(vn(start), *dur).unwrap();
            assert_eq!(show(got), *want, "{why}: {start} + {dur:?}");
            assert_eq!(
                cal.working_between(vn(start), got).unwrap(),
                cal.duration_micros(*dur),
                "{why}: inverse"
            );
        }
    }

    #[test]
    fn clock_starts_and_days_off() {
        let cal = official(2024, 2027);
        assert_eq!(
            show(cal.clock_start(vn("2026-03-02 11:00")).unwrap()),
            "2026-03-02 13:00"
        );
        assert_eq!(
            show(cal.clock_start(vn("2026-02-14 09:00")).unwrap()),
            "2026-02-23 07:00"
        );
        assert_eq!(
            show(cal.clock_start(vn("2026-03-02 09:15")).unwrap()),
            "2026-03-02 09:15"
        );
        let off = cal.days_off_between(
            NaiveDate::from_ymd_opt(2026, 2, 13).unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 23).unwrap(),
        );
        let dates: Vec<String> = off
            .iter()
            .map(|(d, _)| d.format("%d/%m").to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "14/02", "15/02", "16/02", "17/02", "18/02", "19/02", "20/02", "21/02", "22/02"
            ]
        );
        assert!(matches!(off[0].1, DayOff::Weekend));
        assert!(matches!(&off[2].1, DayOff::Listed(d) if d.kind == DayKind::Holiday));
        assert!(
            cal.is_working_day(NaiveDate::from_ymd_opt(2025, 4, 26).unwrap())
                .unwrap()
        );
        // The unconfirmed 24/11/2026 does not apply: 2026 has confirmed days.
        assert!(
            cal.is_working_day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
                .unwrap()
        );
    }

    #[test]
    fn working_time_between_instants() {
        let cal = official(2024, 2027);
        let h = 3600 * US_PER_SEC;
        assert_eq!(
            cal.working_between(vn("2026-03-02 09:00"), vn("2026-03-02 14:00"))
                .unwrap(),
            3 * h
        );
        assert_eq!(
            cal.working_between(vn("2026-03-02 14:00"), vn("2026-03-02 09:00"))
                .unwrap(),
            -3 * h
        );
        assert_eq!(
            cal.working_between(vn("2026-02-13 15:00"), vn("2026-02-23 09:00"))
                .unwrap(),
            4 * h
        );
        assert_eq!(
            cal.working_between(vn("2026-03-07 08:00"), vn("2026-03-08 20:00"))
                .unwrap(),
            0
        );
    }

    #[test]
    fn outside_the_span_is_an_error() {
        let cal = official(2025, 2026);
        assert_eq!(
            cal.add_working(vn("2024-12-31 09:00"), Hours(1)),
            Err(CalendarError::OutOfRange(2025, 2026))
        );
        assert!(cal.add_working(vn("2026-12-31 09:00"), Days(5)).is_err());
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let lo = vn("2024-01-01 00:00").timestamp_micros();
        let hi = vn("2027-12-31 23:59").timestamp_micros();
        (lo..hi).prop_map(|us| DateTime::from_timestamp_micros(us).unwrap())
    }

    fn duration() -> impl Strategy<Value = i64> {
        // Up to 365 working days, in whole minutes.
        (1i64..=365 * 8 * 60).prop_map(|m| m * 60 * US_PER_SEC)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn working_between_inverts_add(s in instant(), d in duration()) {
            let cal = official_cached();
            let end = cal.add_micros(s, d).unwrap();
            prop_assert_eq!(cal.working_between(s, end).unwrap(), d);
        }

        #[test]
        fn deadlines_fall_in_office_time(s in instant(), d in duration()) {
            let cal = official_cached();
            let end = cal.add_micros(s, d).unwrap();
            let local = end.with_timezone(&Ho_Chi_Minh);
            prop_assert!(cal.is_working_day(local.date_naive()).unwrap(), "{} is a working day", local);
            let t = local.time();
            let inside = cal.sessions().sessions().iter().any(|(a, b)| t > *a && t <= *b);
            prop_assert!(inside, "{} is inside a session or at its close", local);
        }

        #[test]
        fn adding_composes(s in instant(), a in duration(), b in duration()) {
            let cal = official_cached();
            let once = cal.add_micros(s, a + b).unwrap();
            let twice = cal.add_micros(cal.add_micros(s, a).unwrap(), b).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn monotonic_in_start_and_duration(s in instant(), gap in 0i64..(72 * 3600), a in duration(), b in duration()) {
            let cal = official_cached();
            let later = s + TimeDelta::seconds(gap);
            prop_assert!(cal.add_micros(s, a).unwrap() <= cal.add_micros(later, a).unwrap());
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(cal.add_micros(s, lo).unwrap() <= cal.add_micros(s, hi).unwrap());
        }
    }

    fn official_cached() -> &'static WorkingCalendar {
        static CAL: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
        CAL.get_or_init(|| official(2024, 2031))
    }
}
