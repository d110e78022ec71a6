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
