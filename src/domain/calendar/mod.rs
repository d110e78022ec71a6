//! The working calendar: office sessions, and (in the calendar module's later parts) non-working
//! days and the deadline calculator. Pure code: no I/O, no clock.

use chrono::NaiveTime;

/// The daily office sessions in local time (Asia/Ho_Chi_Minh), in order and not overlapping.
/// Default 07:00–11:00 and 13:00–17:00, the hours of the province's public-service centres
/// (SPEC §4); configurable with `PAHT_OFFICE_SESSIONS`.
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
