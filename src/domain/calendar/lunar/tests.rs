use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Tết (lunar 1/1) in Vietnam, as published, 2020–2035.
const TET: [(i32, u32, u32); 16] = [
    (2020, 1, 25),
    (2021, 2, 12),
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 2),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

/// Hùng Kings' day (lunar 10/3), as published, 2020–2035.
const HUNG_KINGS: [(i32, u32, u32); 16] = [
    (2020, 4, 2),
    (2021, 4, 21),
    (2022, 4, 10),
    (2023, 4, 29),
    (2024, 4, 18),
    (2025, 4, 7),
    (2026, 4, 26),
    (2027, 4, 16),
    (2028, 4, 4),
    (2029, 4, 23),
    (2030, 4, 12),
    (2031, 4, 1),
    (2032, 4, 19),
    (2033, 4, 9),
    (2034, 4, 28),
    (2035, 4, 17),
];

#[test]
fn tet_2020_to_2035() {
    for (y, m, day) in TET {
        assert_eq!(tet(y), Some(d(y, m, day)), "Tết {y}");
        assert_eq!(
            to_lunar(d(y, m, day)),
            Some(LunarDate {
                day: 1,
                month: 1,
                year: y,
                leap: false
            })
        );
        let eve = d(y, m, day).pred_opt().unwrap();
        let l = to_lunar(eve).unwrap();
        assert_eq!(
            (l.month, l.year),
            (12, y - 1),
            "the eve of Tết {y} is in month 12"
        );
    }
}

#[test]
fn hung_kings_day_2020_to_2035() {
    for (y, m, day) in HUNG_KINGS {
        let got = to_solar(LunarDate {
            day: 10,
            month: 3,
            year: y,
            leap: false,
        });
        assert_eq!(got, Some(d(y, m, day)), "Hùng Kings' day {y}");
    }
}

#[test]
fn leap_months() {
    // 2023: leap month 2 (22/3–19/4/2023); 2020: leap month 4; 2025: leap month 6.
    assert_eq!(
        to_lunar(d(2023, 3, 22)),
        Some(LunarDate {
            day: 1,
            month: 2,
            year: 2023,
            leap: true
        })
    );
    assert_eq!(
        to_lunar(d(2023, 4, 19)),
        Some(LunarDate {
            day: 29,
            month: 2,
            year: 2023,
            leap: true
        })
    );
    assert_eq!(
        to_lunar(d(2023, 4, 20)),
        Some(LunarDate {
            day: 1,
            month: 3,
            year: 2023,
            leap: false
        })
    );
    assert_eq!(
        to_lunar(d(2020, 5, 23)),
        Some(LunarDate {
            day: 1,
            month: 4,
            year: 2020,
            leap: true
        })
    );
    assert_eq!(
        to_lunar(d(2025, 7, 25)),
        Some(LunarDate {
            day: 1,
            month: 6,
            year: 2025,
            leap: true
        })
    );
    assert_eq!(
        to_solar(LunarDate {
            day: 1,
            month: 6,
            year: 2025,
            leap: true
        }),
        Some(d(2025, 7, 25))
    );
    assert_eq!(
        to_solar(LunarDate {
            day: 1,
            month: 5,
            year: 2025,
            leap: true
        }),
        None,
        "no leap 5th month in 2025"
    );
    assert_eq!(
        to_solar(LunarDate {
            day: 1,
            month: 1,
            year: 2026,
            leap: true
        }),
        None,
        "2026 has no leap month"
    );
}

#[test]
fn vietnam_and_china_differ_in_2030() {
    assert_eq!(
        to_solar_tz(
            LunarDate {
                day: 1,
                month: 1,
                year: 2030,
                leap: false
            },
            7.0
        ),
        Some(d(2030, 2, 2))
    );
    assert_eq!(
        to_solar_tz(
            LunarDate {
                day: 1,
                month: 1,
                year: 2030,
                leap: false
            },
            8.0
        ),
        Some(d(2030, 2, 3))
    );
}

#[test]
fn round_trip_every_day_2000_to_2040() {
    let mut day = d(2000, 1, 1);
    while day < d(2041, 1, 1) {
        let l = to_lunar(day).unwrap();
        assert_eq!(to_solar(l), Some(day), "{day} → {l:?}");
        day = day.succ_opt().unwrap();
    }
}

#[test]
fn names_and_bounds() {
    assert_eq!(can_chi(2026), "Bính Ngọ");
    assert_eq!(can_chi(2025), "Ất Tỵ");
    assert_eq!(can_chi(2024), "Giáp Thìn");
    assert_eq!(to_lunar(d(1899, 12, 31)), None);
    assert_eq!(
        to_solar(LunarDate {
            day: 30,
            month: 13,
            year: 2026,
            leap: false
        }),
        None
    );
}

#[test]
fn other_years_where_the_calendars_differ() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let tet_tz = |y, tz| {
        to_solar_tz(
            LunarDate {
                day: 1,
                month: 1,
                year: y,
                leap: false,
            },
            tz,
        )
    };
    // 1985: Vietnam 21 January, China 20 February; 2007: Vietnam 17 February, China 18.
    assert_eq!(
        (tet_tz(1985, 7.0), tet_tz(1985, 8.0)),
        (Some(d(1985, 1, 21)), Some(d(1985, 2, 20)))
    );
    assert_eq!(
        (tet_tz(2007, 7.0), tet_tz(2007, 8.0)),
        (Some(d(2007, 2, 17)), Some(d(2007, 2, 18)))
    );
}
