//! Beta-Bernoulli posteriors of a set of arms with empirical-Bayes priors: the learner shared
//! by the Beta-Bernoulli Thompson samplers (`beta_ts`, `segmented_ts`, `personalized_ts`).
//!
//! An arm is a caption (or a caption × cohort); arms belong to prior groups (a creator, or a
//! creator × cohort). Each arm's conversion rate has a Beta prior with mean
//! `group mean × arm multiplier` (multiplier 1 unless a policy sets one, e.g. a segment ×
//! category ratio) and one strength shared by all arms, both fitted by the method of moments
//! (`score::conversion::fit_grouped`) at most once per simulated day; posteriors of groups
//! with new feedback are refreshed every batch.

use super::PolicyRng;
use super::posterior::BetaDraw;
use crate::domain::Minute;
use crate::score::conversion::{BetaPrior, Counts, fit_grouped};

/// Posteriors of arms, prepared for Thompson draws.
#[derive(Debug, Clone)]
pub struct BetaArms {
    group_of: Vec<u32>,
    arms_of: Vec<Vec<u32>>,
    counts: Vec<Counts>,
    prior_means: Vec<f64>,
    multiplier: Vec<f64>,
    strength: f64,
    /// Each arm's posterior and price, side by side for the decision loop.
    draws: Vec<(BetaDraw, f64)>,
    dirty: Vec<bool>,
    last_fit_day: Option<u32>,
}

impl BetaArms {
    /// Arms with no data (uniform Beta(1, 1)): arm `a` is in group `group_of[a]` (< `groups`)
    /// and earns `prices[a]` per conversion.
    pub fn new(groups: usize, group_of: Vec<u32>, prices: impl Iterator<Item = f64>) -> Self {
        let mut arms_of = vec![Vec::new(); groups];
        for (arm, &g) in group_of.iter().enumerate() {
            arms_of[g as usize].push(arm as u32);
        }
        let u = BetaPrior::UNIFORM;
        let (a, b) = u.posterior(Counts::default());
        let draws: Vec<(BetaDraw, f64)> = prices.map(|p| (BetaDraw::new(a, b), p)).collect();
        Self {
            counts: vec![Counts::default(); group_of.len()],
            multiplier: vec![1.0; group_of.len()],
            group_of,
            arms_of,
            prior_means: vec![u.mean; groups],
            strength: u.strength,
            draws,
            dirty: vec![false; groups],
            last_fit_day: None,
        }
    }

    /// Adds conversions and reach to `arm` (posteriors change at [`BetaArms::end_batch`]).
    #[inline]
    pub fn add(&mut self, arm: usize, conversions: u32, reach: u32) {
        let c = &mut self.counts[arm];
        c.conversions += f64::from(conversions);
        c.reach += f64::from(reach);
        self.dirty[self.group_of[arm] as usize] = true;
    }

    /// Closes a feedback batch whose latest send was at `latest`: refits the priors on the
    /// first batch of a new day, then refreshes the posteriors of groups with new data (all
    /// groups after a refit).
    pub fn end_batch(&mut self, latest: Minute) {
        let day = Minute::day(latest);
        if self.last_fit_day.is_none_or(|d| day > d) {
            self.refit_prior();
            self.last_fit_day = Some(day);
            self.dirty.iter_mut().for_each(|d| *d = true);
        }
        for g in 0..self.dirty.len() {
            if std::mem::take(&mut self.dirty[g]) {
                self.refresh(g);
            }
        }
    }

    /// Sets the prior-mean multiplier of every arm (applied from the next refresh).
    pub fn set_multipliers(&mut self, multiplier: impl Iterator<Item = f64>) {
        for (m, v) in self.multiplier.iter_mut().zip(multiplier) {
            *m = v;
        }
        self.dirty.iter_mut().for_each(|d| *d = true);
    }

    /// Observed conversions and reach of `arm`.
    pub fn counts(&self, arm: usize) -> Counts {
        self.counts[arm]
    }

    /// Posterior mean conversion rate of `arm`.
    pub fn mean(&self, arm: usize) -> f64 {
        self.draws[arm].0.mean()
    }

    /// Posterior mean revenue per fan of `arm` (mean rate × price).
    #[inline]
    pub fn mean_value(&self, arm: usize) -> f64 {
        let (d, price) = &self.draws[arm];
        d.mean() * price
    }

    /// Price per conversion of `arm`.
    pub fn price(&self, arm: usize) -> f64 {
        self.draws[arm].1
    }

    /// One Thompson draw of the conversion rate of `arm`.
    #[inline]
    pub fn draw_rate(&self, arm: usize, rng: &mut PolicyRng) -> f64 {
        self.draws[arm].0.sample(rng)
    }

    /// One Thompson draw of the revenue per fan of `arm` (drawn rate × price).
    #[inline]
    pub fn draw_value(&self, arm: usize, rng: &mut PolicyRng) -> f64 {
        let (d, price) = &self.draws[arm];
        d.sample(rng) * price
    }

    fn refresh(&mut self, group: usize) {
        let mean = self.prior_means[group];
        for &a in &self.arms_of[group] {
            let a = a as usize;
            let prior =
                BetaPrior { mean: (mean * self.multiplier[a]).clamp(1e-9, 1.0 - 1e-9), strength: self.strength };
            let (alpha, beta) = prior.posterior(self.counts[a]);
            self.draws[a].0 = BetaDraw::new(alpha, beta);
        }
    }

    fn refit_prior(&mut self) {
        let units: Vec<(usize, Counts)> = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.reach > 0.0)
            .map(|(arm, c)| (self.group_of[arm] as usize, *c))
            .collect();
        if let Some((means, strength)) = fit_grouped(self.arms_of.len(), &units) {
            self.prior_means = means;
            self.strength = strength;
        }
    }
}

/// The ratio of a cell's conversion rate to its base rate, shrunk towards 1:
/// `((conv_cell + r·R₀) / (reach_cell + R₀)) / r` with `r` the base rate and `R₀ = prior_reach`
/// pseudo-fans at the base rate. 1 when the base has no conversions. Used for hierarchical
/// prior means (segment × category, cohort × trigger).
pub fn shrunk_ratio(cell: Counts, base: Counts, prior_reach: f64) -> f64 {
    if base.reach <= 0.0 || base.conversions <= 0.0 {
        return 1.0;
    }
    let r = base.conversions / base.reach;
    (cell.conversions + r * prior_reach) / (cell.reach + prior_reach) / r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrunk_ratio_moves_from_one_to_the_raw_ratio_as_evidence_grows() {
        let base = Counts { conversions: 400.0, reach: 10_000.0 };
        let cell = |reach: f64| Counts { conversions: 0.08 * reach, reach };
        assert_eq!(shrunk_ratio(cell(0.0), base, 1_000.0), 1.0);
        // Equal weight: (80 + 40) / 2,000 / 0.04 = 1.5.
        assert!((shrunk_ratio(cell(1_000.0), base, 1_000.0) - 1.5).abs() < 1e-12);
        assert!((shrunk_ratio(cell(1e9), base, 1_000.0) - 2.0).abs() < 1e-5);
        assert_eq!(shrunk_ratio(cell(100.0), Counts::default(), 1_000.0), 1.0);
    }
}
