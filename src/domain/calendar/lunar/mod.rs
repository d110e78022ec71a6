//! The Vietnamese lunar calendar (âm lịch), computed for UTC+7.
//!
//! Written from the published astronomical method: mean new moons with the periodic and
//! planetary corrections of J. Meeus, *Astronomical Algorithms* (2nd ed.), ch. 49; the Sun's
//! apparent longitude from ch. 25; ΔT from the Espenak–Meeus polynomials. The rules of the
//! calendar:
//! - a month begins on the local day (UTC+7) that holds the new moon;
//! - month 11 is the month that holds the winter solstice (the Sun at 270°);
//! - when 13 months lie between two months 11, the first month after month 11 that holds no
//!   major solar term (no multiple of 30° of solar longitude) is the leap month and repeats
//!   the number of the month before it.
//!
//! Because the day boundary is taken at UTC+7, the Vietnamese calendar differs from the Chinese
//! one (UTC+8) in some years: Tết 2030 falls on 2 February in Vietnam, 3 February in China.
//! Supported years: 1900–2100.

use chrono::{Datelike, NaiveDate};

/// The time zone of the Vietnamese calendar, in hours east of UTC.
pub const VIETNAM_TZ_HOURS: f64 = 7.0;

const SYNODIC_MONTH: f64 = 29.530_588_861;
const K0_JDE: f64 = 2_451_550.097_66;

/// A date of the lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarDate {
    pub day: u32,
    pub month: u32,
    /// The lunar year (its month 1 begins at Tết).
    pub year: i32,
    /// Whether the month is the leap (repeated) month.
    pub leap: bool,
}

/// The years the lunar computations support.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2100;

fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + 1_721_425
}

fn from_jdn(jdn: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - 1_721_425).ok()?)
}

fn sin_deg(x: f64) -> f64 {
    x.to_radians().sin()
}

/// ΔT = TT − UT in seconds (Espenak–Meeus polynomials).
fn delta_t_seconds(year: f64) -> f64 {
    match year {
        y if y < 1920.0 => {
            let t = y - 1900.0;
            -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3)
                - 0.000_197 * t.powi(4)
        }
        y if y < 1941.0 => {
            let t = y - 1920.0;
            21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
        }
        y if y < 1961.0 => {
            let t = y - 1950.0;
            29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
        }
        y if y < 1986.0 => {
            let t = y - 1975.0;
            45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
        }
        y if y < 2005.0 => {
            let t = y - 2000.0;
            63.86 + 0.3345 * t - 0.060_374 * t.powi(2)
                + 0.001_727_5 * t.powi(3)
                + 0.000_651_814 * t.powi(4)
                + 0.000_023_735_99 * t.powi(5)
        }
        y if y < 2050.0 => {
            let t = y - 2000.0;
            62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
        }
        y => {
            let u = (y - 1820.0) / 100.0;
            -20.0 + 32.0 * u * u - 0.5628 * (2150.0 - y)
        }
    }
}

/// The instant (Julian day, UT) of the `k`-th new moon after the one of 6 January 2000.
fn new_moon_jd(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3, t4) = (t * t, t * t * t, t * t * t * t);
    let jde =
        K0_JDE + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3 + 0.000_000_000_73 * t4;
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    let m = 2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3;
    let mp =
        201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4;
    let f =
        160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4;
    let om = 124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3;
    let periodic = -0.40720 * sin_deg(mp)
        + 0.17241 * e * sin_deg(m)
        + 0.01608 * sin_deg(2.0 * mp)
        + 0.01039 * sin_deg(2.0 * f)
        + 0.00739 * e * sin_deg(mp - m)
        - 0.00514 * e * sin_deg(mp + m)
        + 0.00208 * e * e * sin_deg(2.0 * m)
        - 0.00111 * sin_deg(mp - 2.0 * f)
        - 0.00057 * sin_deg(mp + 2.0 * f)
        + 0.00056 * e * sin_deg(2.0 * mp + m)
        - 0.00042 * sin_deg(3.0 * mp)
        + 0.00042 * e * sin_deg(m + 2.0 * f)
        + 0.00038 * e * sin_deg(m - 2.0 * f)
        - 0.00024 * e * sin_deg(2.0 * mp - m)
        - 0.00017 * sin_deg(om)
        - 0.00007 * sin_deg(mp + 2.0 * m)
        + 0.00004 * sin_deg(2.0 * mp - 2.0 * f)
        + 0.00004 * sin_deg(3.0 * m)
        + 0.00003 * sin_deg(mp + m - 2.0 * f)
        + 0.00003 * sin_deg(2.0 * mp + 2.0 * f)
        - 0.00003 * sin_deg(mp + m + 2.0 * f)
        + 0.00003 * sin_deg(mp - m + 2.0 * f)
        - 0.00002 * sin_deg(mp - m - 2.0 * f)
        - 0.00002 * sin_deg(3.0 * mp + m)
        + 0.00002 * sin_deg(4.0 * mp);
    let planetary: f64 = [
        (0.000_325, 299.77 + 0.107_408 * k - 0.009_173 * t2),
        (0.000_165, 251.88 + 0.016_321 * k),
        (0.000_164, 251.83 + 26.651_886 * k),
        (0.000_126, 349.42 + 36.412_478 * k),
        (0.000_110, 84.66 + 18.206_239 * k),
        (0.000_062, 141.74 + 53.303_771 * k),
        (0.000_060, 207.14 + 2.453_732 * k),
        (0.000_056, 154.84 + 7.306_860 * k),
        (0.000_047, 34.52 + 27.261_239 * k),
        (0.000_042, 207.19 + 0.121_824 * k),
        (0.000_040, 291.34 + 1.844_379 * k),
        (0.000_037, 161.72 + 24.198_154 * k),
        (0.000_035, 239.56 + 25.513_099 * k),
        (0.000_023, 331.55 + 3.592_518 * k),
    ]
    .iter()
    .map(|(c, a)| c * sin_deg(*a))
    .sum();
    let jde = jde + periodic + planetary;
    let year = 2000.0 + (jde - 2_451_545.0) / 365.25;
    jde - delta_t_seconds(year) / 86_400.0
}

/// The local day (Julian day number) that holds the `k`-th new moon.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon_jd(k) + 0.5 + tz / 24.0).floor() as i64
}

/// The Sun's apparent longitude in degrees at the Julian day `jd` (UT; ΔT is negligible here).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let l0 = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t;
    let m = 357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t;
    let c = (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * sin_deg(m)
        + (0.019_993 - 0.000_101 * t) * sin_deg(2.0 * m)
        + 0.000_289 * sin_deg(3.0 * m);
    let omega = 125.04 - 1934.136 * t;
    (l0 + c - 0.005_69 - 0.004_78 * sin_deg(omega)).rem_euclid(360.0)
}

/// Which 30° sector (0–11) the Sun is in at the local midnight that begins day `day`.
fn sun_sector(day: i64, tz: f64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - tz / 24.0) / 30.0).floor() as i64
}

/// The `k` of the new moon nearest a Julian day.
fn k_near(day: i64) -> i64 {
    ((day as f64 - K0_JDE) / SYNODIC_MONTH).round() as i64
}

/// The first day of month 11 of the lunar year that ends in solar year `year`.
fn month_11(year: i32, tz: f64) -> i64 {
    let dec31 = jdn(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date"));
    let k = ((dec31 as f64 - K0_JDE) / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k, tz);
    // If the Sun has already passed 270° when this month begins, the solstice fell in the
    // month before, which is then month 11.
    if sun_sector(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    }
}

/// How many months after month 11 (starting at `a11`) the leap month comes.
fn leap_month_offset(a11: i64, tz: f64) -> i64 {
    let k = k_near(a11);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

fn check_year(year: i32) -> Option<()> {
    (MIN_YEAR..=MAX_YEAR).contains(&year).then_some(())
}

/// The lunar date of a solar date, for the time zone `tz` (hours east of UTC).
pub fn to_lunar_tz(date: NaiveDate, tz: f64) -> Option<LunarDate> {
    check_year(date.year())?;
    let day = jdn(date);
    // The month holding `day`: the last new-moon day at or before it.
    let mut k = k_near(day);
    while new_moon_day(k, tz) > day {
        k -= 1;
    }
    while new_moon_day(k + 1, tz) <= day {
        k += 1;
    }
    let month_start = new_moon_day(k, tz);
    let yy = date.year();
    let mut a11 = month_11(yy, tz);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = month_11(yy - 1, tz);
    } else {
        lunar_year = yy + 1;
        b11 = month_11(yy + 1, tz);
    }
    let lunar_day = (day - month_start + 1) as u32;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11, tz);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Some(LunarDate {
        day: lunar_day,
        month: month as u32,
        year: lunar_year,
        leap,
    })
}

/// The lunar date of a solar date in Vietnam.
pub fn to_lunar(date: NaiveDate) -> Option<LunarDate> {
    to_lunar_tz(date, VIETNAM_TZ_HOURS)
}

/// The solar date of a lunar date, for the time zone `tz`; `None` if it does not exist (a leap
/// month the year does not have, a day 30 of a 29-day month, a year out of range).
pub fn to_solar_tz(l: LunarDate, tz: f64) -> Option<NaiveDate> {
    check_year(l.year)?;
    if !(1..=12).contains(&l.month) || !(1..=30).contains(&l.day) {
        return None;
    }
    let (a11, b11) = if l.month < 11 {
        (month_11(l.year - 1, tz), month_11(l.year, tz))
    } else {
        (month_11(l.year, tz), month_11(l.year + 1, tz))
    };
    let k = k_near(a11);
    let mut off = i64::from(l.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11, tz);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if l.leap && i64::from(l.month) != leap_month {
            return None;
        }
        if l.leap || off >= leap_off {
            off += 1;
        }
    } else if l.leap {
        return None;
    }
    let month_start = new_moon_day(k + off, tz);
    let next_start = new_moon_day(k + off + 1, tz);
    if month_start + i64::from(l.day) > next_start {
        return None;
    }
    from_jdn(month_start + i64::from(l.day) - 1)
}

/// The solar date of a lunar date in Vietnam.
pub fn to_solar(l: LunarDate) -> Option<NaiveDate> {
    to_solar_tz(l, VIETNAM_TZ_HOURS)
}

/// The first day of the lunar year `year` (Tết Nguyên Đán) in Vietnam.
pub fn tet(year: i32) -> Option<NaiveDate> {
    to_solar(LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    })
}

/// The year's name in the sexagenary cycle, e.g. 2026 → "Bính Ngọ".
pub fn can_chi(year: i32) -> String {
    const CAN: [&str; 10] = [
        "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
    ];
    const CHI: [&str; 12] = [
        "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
    ];
    format!(
        "{} {}",
        CAN[(year + 6).rem_euclid(10) as usize],
        CHI[(year + 8).rem_euclid(12) as usize]
    )
}

#[cfg(test)]
mod tests;
