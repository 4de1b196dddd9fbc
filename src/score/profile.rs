//! Cohort response profiles (seed "Trigger Effectiveness"): per cohort, the conversion rate
//! of captions with each trigger and of each price tier, as a ratio to the cohort's overall
//! rate. One aggregation serves the `personalized_ts` policy (shrunk ratios as prior
//! multipliers) and `eros-sim triggers` over history files (raw ratios with bootstrap
//! intervals).

use super::conversion::Counts;
use crate::domain::{PriceTier, Trigger, Triggers};

/// Profile features: the five triggers (in the order of `Trigger::ALL`), then the three price
/// tiers (cheapest first).
pub const PROFILE_FEATURES: usize = 8;

/// Name of profile feature `i`.
pub fn feature_name(i: usize) -> &'static str {
    match i {
        0..5 => Trigger::ALL[i].name(),
        _ => PriceTier::ALL[i - 5].name(),
    }
}

/// The profile features a caption has: its triggers and its price tier.
pub fn features_of(triggers: Triggers, tier: PriceTier) -> impl Iterator<Item = usize> {
    Trigger::ALL
        .into_iter()
        .enumerate()
        .filter(move |(_, t)| triggers.has(*t))
        .map(|(i, _)| i)
        .chain([5 + tier.index()])
}

/// Conversions and reach per cohort overall and per cohort × profile feature.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileCounts {
    /// Per cohort, all captions.
    pub base: Vec<Counts>,
    /// Per cohort and feature, the captions that have the feature.
    pub cells: Vec<[Counts; PROFILE_FEATURES]>,
}

impl ProfileCounts {
    /// Empty counts for `cohorts` cohorts.
    pub fn new(cohorts: usize) -> Self {
        Self { base: vec![Counts::default(); cohorts], cells: vec![[Counts::default(); PROFILE_FEATURES]; cohorts] }
    }

    /// Adds a caption's counts for `cohort`.
    pub fn add(&mut self, cohort: usize, triggers: Triggers, tier: PriceTier, n: Counts) {
        for i in features_of(triggers, tier) {
            self.cells[cohort][i].conversions += n.conversions;
            self.cells[cohort][i].reach += n.reach;
        }
        self.base[cohort].conversions += n.conversions;
        self.base[cohort].reach += n.reach;
    }

    /// `rate(cohort, feature) / rate(cohort)`, or `None` where either rate is undefined.
    pub fn ratio(&self, cohort: usize, feature: usize) -> Option<f64> {
        let (cell, base) = (self.cells[cohort][feature], self.base[cohort]);
        (cell.reach > 0.0 && base.conversions > 0.0)
            .then(|| (cell.conversions / cell.reach) / (base.conversions / base.reach))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_compare_a_features_rate_with_the_cohorts_overall_rate() {
        let mut p = ProfileCounts::new(1);
        let urgent = Triggers::default().with(Trigger::Urgency);
        p.add(0, urgent, PriceTier::Mid, Counts { conversions: 60.0, reach: 1000.0 });
        p.add(0, Triggers::default(), PriceTier::Budget, Counts { conversions: 20.0, reach: 1000.0 });
        // Overall 80 / 2000 = 4 %; urgency 6 % → 1.5; budget 2 % → 0.5; premium unseen.
        assert_eq!(p.ratio(0, Trigger::Urgency as usize), Some(1.5));
        assert_eq!(p.ratio(0, 5), Some(0.5));
        assert_eq!(p.ratio(0, 7), None);
        assert_eq!(feature_name(0), "urgency");
        assert_eq!(feature_name(7), "premium");
    }
}
