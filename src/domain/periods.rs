//! Reporting periods of Decree 09/2019/NĐ-CP Art. 12 (regulation Art. 11.8), in local dates, both ends
//! included: a month runs from the 15th of the previous month to the 14th; a quarter from the
//! 15th of the month before it to the 14th of its last month; a half-year from 15/12 (or 15/6)
//! to 14/6 (or 14/12); a year from 15/12 of the previous year to 14/12; the nine-month report,
//! a provincial custom, from 15/12 to 14/9.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kind of a periodic report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Monthly (n = 1–12).
    Month,
    /// Quarterly (n = 1–4).
    Quarter,
    /// Half-yearly (n = 1–2).
    Half,
    /// Nine months (n = 1).
    NineMonths,
    /// Yearly (n = 1).
    Year,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::NineMonths => "nine_months",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::NineMonths,
            PeriodKind::Year,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// How many periods of this kind a year has.
    pub fn count(self) -> u32 {
        match self {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::Half => 2,
            PeriodKind::NineMonths | PeriodKind::Year => 1,
        }
    }
}

/// The first and last local dates (both included) of a period, or `None` for a bad `n`.
pub fn period(kind: PeriodKind, year: i32, n: u32) -> Option<(NaiveDate, NaiveDate)> {
    if n == 0 || n > kind.count() {
        return None;
    }
    // Period ending in month `last_month` of `year` and beginning after the 14th of the month
    // `months` months earlier.
    let span = |first_month_offset: u32, last_month: u32| -> Option<(NaiveDate, NaiveDate)> {
        let end = NaiveDate::from_ymd_opt(year, last_month, 14)?;
        let start_month_index = (year * 12 + last_month as i32 - 1) - first_month_offset as i32;
        let (sy, sm) = (
            start_month_index.div_euclid(12),
            start_month_index.rem_euclid(12) as u32 + 1,
        );
        Some((NaiveDate::from_ymd_opt(sy, sm, 15)?, end))
    };
    match kind {
        PeriodKind::Month => span(1, n),
        PeriodKind::Quarter => span(3, n * 3),
        PeriodKind::Half => span(6, n * 6),
        PeriodKind::NineMonths => span(9, 9),
        PeriodKind::Year => span(12, 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn decree_09_periods() {
        use PeriodKind::*;
        assert_eq!(
            period(Month, 2026, 1),
            Some((d(2025, 12, 15), d(2026, 1, 14)))
        );
        assert_eq!(
            period(Month, 2026, 3),
            Some((d(2026, 2, 15), d(2026, 3, 14)))
        );
        assert_eq!(
            period(Month, 2026, 12),
            Some((d(2026, 11, 15), d(2026, 12, 14)))
        );
        assert_eq!(
            period(Quarter, 2026, 1),
            Some((d(2025, 12, 15), d(2026, 3, 14)))
        );
        assert_eq!(
            period(Quarter, 2026, 4),
            Some((d(2026, 9, 15), d(2026, 12, 14)))
        );
        assert_eq!(
            period(Half, 2026, 1),
            Some((d(2025, 12, 15), d(2026, 6, 14)))
        );
        assert_eq!(
            period(Half, 2026, 2),
            Some((d(2026, 6, 15), d(2026, 12, 14)))
        );
        assert_eq!(
            period(NineMonths, 2026, 1),
            Some((d(2025, 12, 15), d(2026, 9, 14)))
        );
        assert_eq!(
            period(Year, 2026, 1),
            Some((d(2025, 12, 15), d(2026, 12, 14)))
        );
        assert_eq!(period(Month, 2026, 13), None);
        assert_eq!(period(Year, 2026, 2), None);
        assert_eq!(period(Quarter, 2026, 0), None);
    }

    #[test]
    fn months_tile_the_year() {
        for m in 1..12 {
            let (_, end) = period(PeriodKind::Month, 2026, m).unwrap();
            let (start, _) = period(PeriodKind::Month, 2026, m + 1).unwrap();
            assert_eq!(end.succ_opt(), Some(start));
        }
    }
}
