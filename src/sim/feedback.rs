//! The feedback pipeline: outcomes reach a policy in batches, as the ETL delivers them, and
//! optionally through the seed's data defects.

use crate::domain::{Minute, Outcome};
use crate::scenario::{Cadence, DefectParams};
use crate::streams::{Purpose, stream};
use rand::RngExt;

/// The seed's defects as a learner sees them. Which rows are hit is a pure function of
/// (seed, replicate, creator, slot, cohort, caption), the same for every policy.
///
/// - NULL conversion score read as zero (share `feedback_null_share`): the row arrives with
///   0 conversions;
/// - corrupted conversion rate (share `feedback_corrupted_share`): the row's conversions are
///   the stored rate × reach (capped at reach), the rate corrupted one of three ways, as
///   `generate` does: a percentage instead of a fraction, revenue over reach, reach over
///   conversions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeedbackDefects {
    seed: u64,
    replicate: u64,
    null_share: f64,
    corrupted_share: f64,
}

impl FeedbackDefects {
    /// The defects of a scenario for one replicate.
    pub fn new(seed: u64, replicate: u64, params: &DefectParams) -> Self {
        Self {
            seed,
            replicate,
            null_share: params.feedback_null_share,
            corrupted_share: params.feedback_corrupted_share,
        }
    }

    /// The row as the defective pipeline delivers it.
    pub fn apply(&self, o: &Outcome) -> Outcome {
        let mut rng = stream(
            self.seed,
            self.replicate,
            Purpose::Defects,
            &[u64::from(o.creator), u64::from(o.sent_at.0), u64::from(o.cohort), u64::from(o.caption)],
        );
        let u: f64 = rng.random();
        let reach = f64::from(o.reach);
        let conversions = if u < self.null_share {
            0.0
        } else if u < self.null_share + self.corrupted_share && o.conversions > 0 {
            let rate = f64::from(o.conversions) / reach;
            let stored = match rng.random_range(0..3u8) {
                0 => rate * 100.0,
                1 => o.revenue / reach,
                _ => reach / f64::from(o.conversions),
            };
            (stored * reach).round().min(reach)
        } else {
            return *o;
        };
        Outcome { conversions: conversions as u32, revenue: conversions * o.price, ..*o }
    }
}

/// Holds outcomes until their batch closes: with period P, an outcome sent at t is delivered
/// at the first decision at or after `(⌊t/P⌋ + 1)·P`.
#[derive(Debug, Clone)]
pub struct FeedbackQueue {
    period: u32,
    pending: Vec<Outcome>,
    defects: Option<FeedbackDefects>,
}

impl FeedbackQueue {
    /// An empty queue with `cadence` and clean data.
    pub fn new(cadence: Cadence) -> Self {
        Self { period: cadence.period_minutes(), pending: Vec::new(), defects: None }
    }

    /// The same queue delivering its rows through `defects`.
    pub fn with_defects(self, defects: Option<FeedbackDefects>) -> Self {
        Self { defects, ..self }
    }

    /// Adds outcomes (in time order), through the defects if any.
    pub fn push(&mut self, outcomes: &[Outcome]) {
        match &self.defects {
            None => self.pending.extend_from_slice(outcomes),
            Some(d) => self.pending.extend(outcomes.iter().map(|o| d.apply(o))),
        }
    }

    /// Removes and returns the outcomes whose batch has closed by `now`.
    pub fn due(&mut self, now: Minute) -> Vec<Outcome> {
        let boundary = now.0 / self.period * self.period;
        let n = self.pending.partition_point(|o| o.sent_at.0 < boundary);
        self.pending.drain(..n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: u32) -> Outcome {
        Outcome {
            send_id: 0,
            creator: 0,
            cohort: 0,
            caption: 0,
            sent_at: Minute(m),
            reach: 1,
            conversions: 0,
            price: 1.0,
            revenue: 0.0,
        }
    }

    #[test]
    fn weekly_feedback_arrives_only_after_the_week_closes() {
        let mut q = FeedbackQueue::new(Cadence::Weekly);
        let week = Cadence::Weekly.period_minutes();
        q.push(&[at(10), at(week - 1), at(week + 5)]);
        assert!(q.due(Minute(week - 1)).is_empty());
        assert_eq!(q.due(Minute(week)).len(), 2);
        assert!(q.due(Minute(2 * week - 1)).is_empty());
        assert_eq!(q.due(Minute(2 * week)).len(), 1);
    }

    #[test]
    fn defects_hit_the_configured_share_of_rows_and_nothing_else() {
        let params =
            DefectParams { feedback_null_share: 0.1, feedback_corrupted_share: 0.05, ..DefectParams::default() };
        let d = FeedbackDefects::new(1, 0, &params);
        let n = 20_000u32;
        let (mut zeroed, mut changed) = (0, 0);
        for i in 0..n {
            let o = Outcome { caption: i, reach: 1000, conversions: 40, revenue: 12.0, price: 0.3, ..at(i) };
            let seen = d.apply(&o);
            assert_eq!((seen.reach, seen.caption, seen.sent_at), (o.reach, o.caption, o.sent_at));
            if seen.conversions == 0 {
                zeroed += 1;
            } else if seen != o {
                changed += 1;
            }
            assert_eq!(d.apply(&o), seen, "a pure function of the row");
        }
        let share = |k: u32| f64::from(k) / f64::from(n);
        // Binomial sd of a share p over 20,000 rows is below 0.0022 here: allow 4 sd.
        assert!((share(zeroed) - 0.1).abs() < 0.009, "{}", share(zeroed));
        assert!((share(changed) - 0.05).abs() < 0.009, "{}", share(changed));
    }

    #[test]
    fn hourly_feedback_arrives_the_next_hour() {
        let mut q = FeedbackQueue::new(Cadence::Hourly);
        q.push(&[at(61)]);
        assert!(q.due(Minute(119)).is_empty());
        assert_eq!(q.due(Minute(120)).len(), 1);
    }
}
