//! Creator performance tiers as a policy or rule can know them: from the outcomes it has
//! observed (revenue per fan reached per creator, quartiles, `domain::Tier`), never from the
//! world's truth. The same tiering serves `eros-sim segment` over history files.

use crate::domain::{CreatorId, Outcome, Tier};

/// Running revenue and reach per creator, and the tiers they imply.
#[derive(Debug, Clone)]
pub struct CreatorSegments {
    revenue: Vec<f64>,
    reach: Vec<f64>,
    tiers: Vec<Tier>,
}

impl CreatorSegments {
    /// A tracker for `creators` creators; before any data every creator is `Mid`.
    pub fn new(creators: usize) -> Self {
        Self { revenue: vec![0.0; creators], reach: vec![0.0; creators], tiers: vec![Tier::Mid; creators] }
    }

    /// Adds outcomes (tiers change only at [`CreatorSegments::retier`]).
    pub fn observe(&mut self, rows: &[Outcome]) {
        for o in rows {
            self.revenue[o.creator as usize] += o.revenue;
            self.reach[o.creator as usize] += f64::from(o.reach);
        }
    }

    /// Recomputes the tiers from everything observed. Creators not yet reached stay `Mid`
    /// and do not take a quartile from the others.
    pub fn retier(&mut self) {
        let seen: Vec<usize> = (0..self.reach.len()).filter(|&i| self.reach[i] > 0.0).collect();
        let rpf: Vec<f64> = seen.iter().map(|&i| self.revenue[i] / self.reach[i]).collect();
        for (&i, t) in seen.iter().zip(Tier::of_values(&rpf)) {
            self.tiers[i] = t;
        }
    }

    /// Current tier of `creator`.
    pub fn tier(&self, creator: CreatorId) -> Tier {
        self.tiers[creator as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Minute;

    fn row(creator: u32, revenue: f64) -> Outcome {
        Outcome {
            send_id: 0,
            creator,
            cohort: 0,
            caption: 0,
            sent_at: Minute(0),
            reach: 100,
            conversions: 1,
            price: revenue,
            revenue,
        }
    }

    #[test]
    fn tiers_rank_creators_by_revenue_per_fan() {
        let mut s = CreatorSegments::new(5);
        s.observe(&[row(0, 1.0), row(1, 4.0), row(2, 3.0), row(3, 2.0)]);
        s.retier();
        assert_eq!([0, 1, 2, 3].map(|c| s.tier(c)), [Tier::Developing, Tier::Elite, Tier::High, Tier::Mid]);
        assert_eq!(s.tier(4), Tier::Mid, "a creator without data keeps the neutral tier");
    }
}
