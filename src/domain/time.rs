/// Minutes in one day.
pub const MINUTES_PER_DAY: u32 = 24 * 60;

/// Calendar date of day 0 of every history: Monday 2025-01-06 (so that weekday 0 is Monday).
pub const EPOCH: (i64, u32, u32) = (2025, 1, 6);

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms", `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Date of a day count since 1970-01-01 (Hinnant, `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A point in simulated time: minutes since the start of the history (day 0, 00:00 UTC,
/// a Monday). Deployment day is `warmup_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minute(pub u32);

impl Minute {
    /// The start of day `day`.
    pub fn start_of_day(day: u32) -> Self {
        Minute(day * MINUTES_PER_DAY)
    }
    /// Day index since the start of the history.
    pub fn day(self) -> u32 {
        self.0 / MINUTES_PER_DAY
    }
    /// Hour of day, 0..24.
    pub fn hour(self) -> u32 {
        (self.0 % MINUTES_PER_DAY) / 60
    }
    /// Day of week, 0 = Monday .. 6 = Sunday.
    pub fn weekday(self) -> u32 {
        self.day() % 7
    }
    /// Time in (fractional) days, for decay formulas.
    pub fn days_f64(self) -> f64 {
        f64::from(self.0) / f64::from(MINUTES_PER_DAY)
    }

    /// RFC 3339 UTC timestamp, e.g. `2025-01-06T21:30:00Z`.
    pub fn to_rfc3339(self) -> String {
        let days = days_from_civil(EPOCH.0, EPOCH.1, EPOCH.2) + i64::from(self.day());
        let (y, m, d) = civil_from_days(days);
        let rem = self.0 % MINUTES_PER_DAY;
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00Z", rem / 60, rem % 60)
    }

    /// Parses an RFC 3339 UTC timestamp on a whole minute (`YYYY-MM-DDTHH:MM:00Z`, or with
    /// `+00:00`) at or after the epoch. Returns a reason when it cannot.
    pub fn parse_rfc3339(s: &str) -> Result<Minute, &'static str> {
        let b = s.as_bytes();
        let rest = b.get(19..).ok_or("too short for YYYY-MM-DDTHH:MM:SSZ")?;
        if rest != b"Z" && rest != b"+00:00" {
            return Err("not UTC (expected a trailing Z or +00:00)");
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, &'static str> {
            std::str::from_utf8(&b[r]).ok().and_then(|t| t.parse::<u32>().ok()).ok_or("non-numeric date or time part")
        };
        if b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b' ') || b[13] != b':' || b[16] != b':' {
            return Err("not in YYYY-MM-DDTHH:MM:SSZ form");
        }
        let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || d == 0 || d > 31 || h > 23 || mi > 59 || sec > 59 {
            return Err("date or time out of range");
        }
        if civil_from_days(days_from_civil(i64::from(y), mo, d)) != (i64::from(y), mo, d) {
            return Err("no such date");
        }
        let days = days_from_civil(i64::from(y), mo, d) - days_from_civil(EPOCH.0, EPOCH.1, EPOCH.2);
        let minutes = days * i64::from(MINUTES_PER_DAY) + i64::from(h * 60 + mi);
        u32::try_from(minutes).map(Minute).map_err(|_| "before the history's epoch (2025-01-06) or too far after it")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_a_monday_and_timestamps_round_trip() {
        // 1970-01-01 was a Thursday; Monday is 4 days later modulo 7.
        assert_eq!((days_from_civil(2025, 1, 6) + 3).rem_euclid(7), 0);
        for m in [0, 59, 1439, 1440, 400 * 1440 + 1234] {
            let t = Minute(m);
            assert_eq!(Minute::parse_rfc3339(&t.to_rfc3339()), Ok(t), "{}", t.to_rfc3339());
        }
        assert_eq!(Minute(0).to_rfc3339(), "2025-01-06T00:00:00Z");
        assert_eq!(Minute(60 * 24 * 55 + 90).to_rfc3339(), "2025-03-02T01:30:00Z");
    }

    #[test]
    fn bad_timestamps_are_rejected_with_a_reason() {
        for s in [
            "",
            "2025-02-30T00:00:00Z",
            "2025-01-06T25:00:00Z",
            "2025-01-06T00:00:00+02:00",
            "2024-12-31T00:00:00Z",
            "2025/01/06T00:00:00Z",
        ] {
            assert!(Minute::parse_rfc3339(s).is_err(), "{s}");
        }
    }

    #[test]
    fn calendar_fields_follow_from_minutes() {
        let t = Minute(8 * MINUTES_PER_DAY + 21 * 60 + 30);
        assert_eq!(t.day(), 8);
        assert_eq!(t.hour(), 21);
        assert_eq!(t.weekday(), 1);
        assert!((t.days_f64() - (8.0 + 21.5 / 24.0)).abs() < 1e-12);
    }
}
