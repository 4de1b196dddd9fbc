/// Minutes in one day.
pub const MINUTES_PER_DAY: u32 = 24 * 60;

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_fields_follow_from_minutes() {
        let t = Minute(8 * MINUTES_PER_DAY + 21 * 60 + 30);
        assert_eq!(t.day(), 8);
        assert_eq!(t.hour(), 21);
        assert_eq!(t.weekday(), 1);
        assert!((t.days_f64() - (8.0 + 21.5 / 24.0)).abs() < 1e-12);
    }
}
