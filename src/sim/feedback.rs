//! The feedback pipeline: outcomes reach a policy in batches, as the ETL delivers them.

use crate::domain::{Minute, Outcome};
use crate::scenario::Cadence;

/// Holds outcomes until their batch closes: with period P, an outcome sent at t is delivered
/// at the first decision at or after `(⌊t/P⌋ + 1)·P`.
#[derive(Debug, Clone)]
pub struct FeedbackQueue {
    period: u32,
    pending: Vec<Outcome>,
}

impl FeedbackQueue {
    /// An empty queue with `cadence`.
    pub fn new(cadence: Cadence) -> Self {
        Self { period: cadence.period_minutes(), pending: Vec::new() }
    }

    /// Adds outcomes (in time order).
    pub fn push(&mut self, outcomes: &[Outcome]) {
        self.pending.extend_from_slice(outcomes);
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
    fn hourly_feedback_arrives_the_next_hour() {
        let mut q = FeedbackQueue::new(Cadence::Hourly);
        q.push(&[at(61)]);
        assert!(q.due(Minute(119)).is_empty());
        assert_eq!(q.due(Minute(120)).len(), 1);
    }
}
