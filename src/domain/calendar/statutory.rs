//! The public holidays of a year by law (Labor Code 2019 Art. 112), with the compensatory days
//! of Art. 111.3, as a proposal: the government fixes the exact days each year (usually in the
//! autumn before), and an admin confirms or edits them.
//!
//! Which days apply in a year ([`effective_days`]): the confirmed days once any day of the year
//! is confirmed (the official decision); before that, the stored proposals; for a year with no
//! stored day, the computed statutory proposal.

use chrono::{Datelike, NaiveDate, Weekday};

use super::lunar::{self, LunarDate};
use super::{CalendarDay, DayKind, is_weekend};

const LABOR_CODE: &str = "Bộ luật Lao động 2019, Điều 112";
const COMPENSATORY: &str = "Bộ luật Lao động 2019, Điều 111 khoản 3";

fn day(date: NaiveDate, kind: DayKind, note: String, basis: &str) -> CalendarDay {
    CalendarDay {
        date,
        kind,
        note,
        legal_basis: Some(basis.to_string()),
        confirmed: false,
    }
}

/// The statutory days off of a year, unconfirmed: 1/1; Tết (the last day of the lunar year and
/// lunar 1/1–4/1); Hùng Kings' day (lunar 10/3); 30/4; 1/5; 2/9 and the adjacent day that joins
/// the nearest weekend; and, for each of them that falls on a weekend, a compensatory day on
/// the next working day. `None` outside the lunar calendar's years.
pub fn statutory_days(year: i32) -> Option<Vec<CalendarDay>> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let tet = lunar::tet(year)?;
    let hung = lunar::to_solar(LunarDate {
        day: 10,
        month: 3,
        year,
        leap: false,
    })?;
    let mut holidays: Vec<(NaiveDate, String)> = vec![(ymd(1, 1)?, "Tết Dương lịch".into())];
    let name = lunar::can_chi(year);
    holidays.push((
        tet.pred_opt()?,
        format!("Tết {name} (ngày cuối năm âm lịch)"),
    ));
    for i in 0..4 {
        holidays.push((
            tet + chrono::Days::new(i),
            format!("Tết {name} (mùng {})", i + 1),
        ));
    }
    holidays.push((hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)".into()));
    holidays.push((ymd(4, 30)?, "Ngày Chiến thắng (30/4)".into()));
    holidays.push((ymd(5, 1)?, "Ngày Quốc tế lao động (1/5)".into()));
    let national = ymd(9, 2)?;
    holidays.push((national, "Quốc khánh (2/9)".into()));
    // The adjacent day (Art. 112.1đ) that joins the nearest weekend.
    let adjacent = match national.weekday() {
        Weekday::Tue | Weekday::Wed | Weekday::Fri | Weekday::Sat => ymd(9, 1)?,
        _ => ymd(9, 3)?,
    };
    holidays.push((adjacent, "Quốc khánh (ngày liền kề)".into()));
    holidays.sort();

    let mut out: Vec<CalendarDay> = holidays
        .iter()
        .map(|(d, n)| day(*d, DayKind::Holiday, n.clone(), LABOR_CODE))
        .collect();
    let taken = |d: NaiveDate, out: &[CalendarDay]| out.iter().any(|x| x.date == d);
    // Art. 111.3: a holiday on a weekend gives a day off on the next working day.
    for (date, note) in holidays.iter().filter(|(d, _)| is_weekend(*d)) {
        let mut next = date.succ_opt()?;
        while is_weekend(next) || taken(next, &out) {
            next = next.succ_opt()?;
        }
        out.push(day(
            next,
            DayKind::Compensatory,
            format!("Nghỉ bù {note}"),
            COMPENSATORY,
        ));
    }
    // Holidays on weekends change nothing by themselves; keep only the days that do.
    out.retain(|d| !(d.kind == DayKind::Holiday && is_weekend(d.date)));
    out.sort_by_key(|d| d.date);
    Some(out)
}

/// Where the days of a year come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// At least one stored day of the year is confirmed: the confirmed days apply.
    Confirmed,
    /// Only unconfirmed stored days: they apply until the official decision.
    StoredProposal,
    /// Nothing stored: the statutory proposal applies.
    Statutory,
}

/// The days that apply in `year`, given the days stored for it.
pub fn effective_days(year: i32, stored: &[CalendarDay]) -> (YearSource, Vec<CalendarDay>) {
    let of_year: Vec<&CalendarDay> = stored.iter().filter(|d| d.date.year() == year).collect();
    if of_year.iter().any(|d| d.confirmed) {
        (
            YearSource::Confirmed,
            of_year
                .into_iter()
                .filter(|d| d.confirmed)
                .cloned()
                .collect(),
        )
    } else if !of_year.is_empty() {
        (
            YearSource::StoredProposal,
            of_year.into_iter().cloned().collect(),
        )
    } else {
        (
            YearSource::Statutory,
            statutory_days(year).unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(days: &[CalendarDay]) -> Vec<(NaiveDate, DayKind)> {
        days.iter().map(|x| (x.date, x.kind)).collect()
    }

    #[test]
    fn statutory_2026_with_a_holiday_on_a_sunday() {
        let days = statutory_days(2026).unwrap();
        use DayKind::*;
        assert_eq!(
            dates(&days),
            vec![
                (d(2026, 1, 1), Holiday),
                (d(2026, 2, 16), Holiday), // 29 Tết (last day of Ất Tỵ)
                (d(2026, 2, 17), Holiday),
                (d(2026, 2, 18), Holiday),
                (d(2026, 2, 19), Holiday),
                (d(2026, 2, 20), Holiday),
                (d(2026, 4, 27), Compensatory), // Hùng Kings' day is Sunday 26/4
                (d(2026, 4, 30), Holiday),
                (d(2026, 5, 1), Holiday),
                (d(2026, 9, 1), Holiday),
                (d(2026, 9, 2), Holiday),
            ]
        );
        assert!(days.iter().all(|x| !x.confirmed && x.legal_basis.is_some()));
        // The official 2026 days off match the proposal except the swaps (2/1, 31/8).
    }

    #[test]
    fn statutory_2024_tet_over_a_weekend() {
        let days = statutory_days(2024).unwrap();
        let tet: Vec<_> = days
            .iter()
            .filter(|x| x.date.month() == 2)
            .map(|x| (x.date.day(), x.kind))
            .collect();
        // Eve Fri 9/2, 1/1 Sat 10/2, 2/1 Sun 11/2, then Mon–Tue, and two compensatory days.
        use DayKind::*;
        assert_eq!(
            tet,
            vec![
                (9, Holiday),
                (12, Holiday),
                (13, Holiday),
                (14, Compensatory),
                (15, Compensatory)
            ]
        );
    }

    #[test]
    fn confirmed_days_override_proposals() {
        let stored = vec![
            CalendarDay {
                date: d(2026, 1, 2),
                kind: DayKind::SwapOff,
                note: "x".into(),
                legal_basis: None,
                confirmed: true,
            },
            CalendarDay {
                date: d(2026, 11, 24),
                kind: DayKind::Holiday,
                note: "y".into(),
                legal_basis: None,
                confirmed: false,
            },
        ];
        let (src, days) = effective_days(2026, &stored);
        assert_eq!(src, YearSource::Confirmed);
        assert_eq!(dates(&days), vec![(d(2026, 1, 2), DayKind::SwapOff)]);
        let (src, days) = effective_days(2027, &stored);
        assert_eq!(src, YearSource::Statutory);
        assert!(!days.is_empty());
        let only_unconfirmed = vec![stored[1].clone()];
        let (src, days) = effective_days(2026, &only_unconfirmed);
        assert_eq!((src, days.len()), (YearSource::StoredProposal, 1));
    }
}
