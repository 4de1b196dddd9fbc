//! Conversion rate and conversion score.
//!
//! - conversion rate: `conversions / reach`, `None` when reach is 0 (BigQuery's
//!   `SAFE_DIVIDE(x, NULLIF(reach, 0))`).
//! - conversion score: the posterior mean of a caption's rate under a Beta prior fitted by
//!   empirical Bayes, `(conversions + m·r̄) / (reach + m)`, where the prior mean `r̄` is the
//!   group's pooled rate and the prior strength `m = r̄(1 − r̄)/τ² − 1` comes from the
//!   between-caption variance τ² by the method of moments (Kleinman 1973, "Proportions with
//!   extraneous variance: single and independent samples", JASA 68(341)).

/// `SAFE_DIVIDE(conversions, NULLIF(reach, 0))`.
pub fn conversion_rate(conversions: f64, reach: f64) -> Option<f64> {
    (reach > 0.0).then(|| conversions / reach)
}

/// Counts of one unit (caption) in one group (creator).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Purchases.
    pub conversions: f64,
    /// Fans reached.
    pub reach: f64,
}

/// A Beta prior expressed as mean and strength (pseudo-reach).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaPrior {
    /// Prior mean r̄.
    pub mean: f64,
    /// Prior strength m (α + β).
    pub strength: f64,
}

impl BetaPrior {
    /// Weakest prior used when there is no data: Beta(1, 1).
    pub const UNIFORM: BetaPrior = BetaPrior { mean: 0.5, strength: 2.0 };

    /// Posterior mean after `c` conversions out of `n` reached: the conversion score.
    pub fn score(&self, c: Counts) -> f64 {
        (c.conversions + self.strength * self.mean) / (c.reach + self.strength)
    }

    /// Posterior Beta parameters (α, β).
    pub fn posterior(&self, c: Counts) -> (f64, f64) {
        let a = self.strength * self.mean + c.conversions;
        let b = self.strength * (1.0 - self.mean) + (c.reach - c.conversions);
        (a, b)
    }
}

impl BetaPrior {
    /// One prior fitted to all units together (the group mean is the pooled rate); the
    /// uniform prior when there is too little data.
    pub fn fit_pooled(units: &[Counts]) -> BetaPrior {
        let grouped: Vec<(usize, Counts)> = units.iter().filter(|c| c.reach > 0.0).map(|c| (0, *c)).collect();
        fit_grouped(1, &grouped).map_or(BetaPrior::UNIFORM, |(means, strength)| BetaPrior { mean: means[0], strength })
    }
}

/// Conversion scores as a history accumulates: the score of a row is the posterior mean of its
/// caption given all of that caption's rows up to and including it, in file order. This is
/// the formula `generate` writes and `repair` backfills with.
#[derive(Debug, Clone)]
pub struct RunningScores {
    prior: BetaPrior,
    counts: Vec<Counts>,
}

impl RunningScores {
    /// Scores under `prior` for captions with ids below `captions`.
    pub fn new(prior: BetaPrior, captions: usize) -> Self {
        Self { prior, counts: vec![Counts::default(); captions] }
    }

    /// Adds one row of `caption` and returns its score.
    pub fn next(&mut self, caption: usize, conversions: f64, reach: f64) -> f64 {
        if caption >= self.counts.len() {
            self.counts.resize(caption + 1, Counts::default());
        }
        let c = &mut self.counts[caption];
        c.conversions += conversions;
        c.reach += reach;
        self.prior.score(*c)
    }
}

/// Bounds on the fitted strength: a prior never weighs less than 2 fans or more than 10⁶.
const MIN_STRENGTH: f64 = 2.0;
const MAX_STRENGTH: f64 = 1e6;

/// Fits one shared prior strength and a prior mean per group by the method of moments.
///
/// `units` yields (group, counts) for every unit with reach > 0. Returns the per-group means
/// (pooled rate of the group; groups without reach get the overall rate) and the common
/// strength, from the within-group weighted variance:
/// `τ² = (Σ n_j (r_j − r̄_g)² − Σ_g (J_g − 1) r̄_g(1 − r̄_g)) / (N − Σ_g Σ_j n_j² / N_g)`.
/// With too little data to estimate τ², returns `None`.
pub fn fit_grouped(groups: usize, units: &[(usize, Counts)]) -> Option<(Vec<f64>, f64)> {
    let mut conv = vec![0.0; groups];
    let mut reach = vec![0.0; groups];
    let mut count = vec![0usize; groups];
    for &(g, c) in units {
        if c.reach > 0.0 {
            conv[g] += c.conversions;
            reach[g] += c.reach;
            count[g] += 1;
        }
    }
    let total_reach: f64 = reach.iter().sum();
    let total_conv: f64 = conv.iter().sum();
    if total_reach <= 0.0 {
        return None;
    }
    let overall = total_conv / total_reach;
    let means: Vec<f64> = (0..groups).map(|g| conversion_rate(conv[g], reach[g]).unwrap_or(overall)).collect();
    let (mut ss, mut n2_over_ng) = (0.0, 0.0);
    for &(g, c) in units {
        if c.reach > 0.0 {
            let r = c.conversions / c.reach;
            ss += c.reach * (r - means[g]).powi(2);
            n2_over_ng += c.reach * c.reach / reach[g];
        }
    }
    let binomial: f64 =
        (0..groups).filter(|&g| count[g] > 0).map(|g| (count[g] - 1) as f64 * means[g] * (1.0 - means[g])).sum();
    let denom = total_reach - n2_over_ng;
    let dof: usize = count.iter().map(|&c| c.saturating_sub(1)).sum();
    if dof < 2 || denom <= 0.0 {
        return None;
    }
    let tau2 = (ss - binomial) / denom;
    let strength = if tau2 > 0.0 { overall * (1.0 - overall) / tau2 - 1.0 } else { MAX_STRENGTH };
    Some((means, strength.clamp(MIN_STRENGTH, MAX_STRENGTH)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Beta, Binomial, Distribution};

    #[test]
    fn conversion_rate_is_null_when_nobody_was_reached() {
        assert_eq!(conversion_rate(3.0, 0.0), None);
        assert_eq!(conversion_rate(3.0, 100.0), Some(0.03));
    }

    #[test]
    fn score_is_the_beta_posterior_mean() {
        let prior = BetaPrior { mean: 0.04, strength: 500.0 };
        // α = 20 + 30, β = 480 + 970 → mean 50 / 1500.
        let s = prior.score(Counts { conversions: 30.0, reach: 1000.0 });
        assert!((s - 50.0 / 1500.0).abs() < 1e-15);
    }

    #[test]
    fn moment_fit_recovers_a_known_prior() {
        // Rates drawn from Beta(mean 0.05, strength 400) in two groups with different means;
        // binomial counts over 2,000 fans each.
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        let strength = 400.0;
        let mut units = Vec::new();
        for (g, mean) in [(0usize, 0.05), (1, 0.03)] {
            let beta = Beta::new(mean * strength, (1.0 - mean) * strength).expect("valid");
            for _ in 0..4000 {
                let p = beta.sample(&mut rng);
                let c = Binomial::new(2000, p).expect("valid").sample(&mut rng) as f64;
                units.push((g, Counts { conversions: c, reach: 2000.0 }));
            }
        }
        let (means, m) = fit_grouped(2, &units).expect("enough data");
        assert!((means[0] - 0.05).abs() < 0.001 && (means[1] - 0.03).abs() < 0.001, "{means:?}");
        // The strength is estimated from the pooled variance; groups differ in mean, so the
        // pooled r̄(1−r̄) is slightly off each group's: allow 15 %.
        assert!((m / strength - 1.0).abs() < 0.15, "{m}");
    }

    #[test]
    fn fit_without_reach_is_none() {
        assert!(fit_grouped(1, &[(0, Counts::default())]).is_none());
    }
}
