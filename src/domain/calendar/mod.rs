//! The working calendar and the deadline calculator (Art. 6.2, Annex II: limits in working hours and days). Pure code: no I/O, no clock.
//!
//! - [`OfficeSessions`]: the daily sessions that working time counts in;
//! - [`CalendarDay`]: a date that departs from the Monday–Friday rule (a holiday, a compensatory
//!   day, a weekday given off in a swap, a Saturday worked in exchange);
//! - [`WorkingCalendar`]: both together over a span of years, with `add_working` (start +
//!   working duration → deadline) and `working_between` (its inverse);
//! - [`lunar`]: the Vietnamese lunar calendar; [`statutory`]: the Labor Code holidays of a year.

pub mod lunar;
pub mod statutory;
mod working;

pub use working::{CalendarError, DayOff, WorkingCalendar, WorkingDuration};

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How a date departs from the Monday–Friday working week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (Labor Code 2019 Art. 112).
    Holiday,
    /// A day off in place of a holiday that fell on a weekend (Labor Code Art. 111.3).
    Compensatory,
    /// A weekday given off in a swap decided by the government.
    SwapOff,
    /// A weekend day worked in exchange for a swapped day off (làm bù): a working day.
    MakeupWorkday,
}

impl DayKind {
    pub const ALL: [DayKind; 4] = [
        DayKind::Holiday,
        DayKind::Compensatory,
        DayKind::SwapOff,
        DayKind::MakeupWorkday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Compensatory => "compensatory",
            DayKind::SwapOff => "swap_off",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the day is off (every kind but a make-up working day).
    pub fn is_day_off(self) -> bool {
        self != DayKind::MakeupWorkday
    }
}

/// A date of the calendar that departs from the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub note: String,
    /// The legal document that decided it.
    pub legal_basis: Option<String>,
    /// Whether an admin confirmed it (official); proposals are unconfirmed.
    pub confirmed: bool,
}

/// The weekend: Saturday and Sunday (Decision 188/1999/QĐ-TTg: a 40-hour week, Monday to Friday).
/// The province's time zone: every local date and every office session is in it.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// The local date of an instant.
pub fn local_date(t: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    t.with_timezone(&TIME_ZONE).date_naive()
}

/// The local date of an instant stored in UTC without its zone (as the database keeps it).
pub fn local_date_of(t: chrono::NaiveDateTime) -> NaiveDate {
    local_date(t.and_utc())
}

/// An instant in local time.
pub fn local(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    t.with_timezone(&TIME_ZONE)
}

pub fn is_weekend(date: NaiveDate) -> bool {
    use chrono::{Datelike, Weekday};
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Checks that a day's kind fits its date: a make-up working day falls on a weekend; a swapped
/// or compensatory day off falls on a weekday.
pub fn check_day_kind(date: NaiveDate, kind: DayKind) -> Result<(), &'static str> {
    match kind {
        DayKind::MakeupWorkday if !is_weekend(date) => Err("makeup_on_weekday"),
        DayKind::SwapOff | DayKind::Compensatory if is_weekend(date) => Err("day_off_on_weekend"),
        _ => Ok(()),
    }
}

/// The daily office sessions in local time (Asia/Ho_Chi_Minh), in order and not overlapping.
/// Default 07:00–11:00 and 13:00–17:00, the hours of the province's public-service centres;
/// configurable with `PAHT_OFFICE_SESSIONS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeSessions(Vec<(NaiveTime, NaiveTime)>);

impl Default for OfficeSessions {
    fn default() -> Self {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour");
        Self(vec![(t(7), t(11)), (t(13), t(17))])
    }
}

impl OfficeSessions {
    /// Parses `"07:00-11:00,13:00-17:00"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut out: Vec<(NaiveTime, NaiveTime)> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part
                .split_once('-')
                .ok_or_else(|| format!("{part:?} is not a session such as 07:00-11:00"))?;
            let parse = |t: &str| {
                NaiveTime::parse_from_str(t.trim(), "%H:%M")
                    .map_err(|_| format!("{t:?} is not a time HH:MM"))
            };
            let (start, end) = (parse(a)?, parse(b)?);
            if start >= end {
                return Err(format!("session {part:?} ends before it starts"));
            }
            if let Some(&(_, prev_end)) = out.last()
                && start < prev_end
            {
                return Err(format!(
                    "session {part:?} overlaps or precedes the one before it"
                ));
            }
            out.push((start, end));
        }
        if out.is_empty() {
            return Err("no office session given".into());
        }
        Ok(Self(out))
    }

    /// The sessions, in order.
    pub fn sessions(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.0
    }

    /// Working seconds in one working day.
    pub fn seconds_per_day(&self) -> i64 {
        self.0.iter().map(|(a, b)| (*b - *a).num_seconds()).sum()
    }
}

impl std::fmt::Display for OfficeSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M")))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_sessions() {
        let s = OfficeSessions::parse("07:30-11:30, 13:30-17:00").unwrap();
        assert_eq!(s.to_string(), "07:30-11:30,13:30-17:00");
        assert_eq!(s.seconds_per_day(), 4 * 3600 + 3 * 3600 + 1800);
        assert_eq!(OfficeSessions::default().seconds_per_day(), 8 * 3600);
    }

    #[test]
    fn rejects_bad_sessions() {
        for bad in [
            "",
            "7-11",
            "11:00-07:00",
            "07:00-11:00,10:00-12:00",
            "13:00-17:00,07:00-11:00",
        ] {
            assert!(OfficeSessions::parse(bad).is_err(), "{bad}");
        }
    }
}
