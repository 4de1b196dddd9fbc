//! The response model of DESIGN.md §3: the logit of a send's conversion probability and the
//! expected conversion rate once per-send overdispersion is integrated out.

use crate::domain::{Caption, CohortKind, PriceTier, Trigger};
use crate::scenario::WorldParams;

/// Cohort × trigger responses (before scaling by `trigger_effect`), in the order of
/// `Trigger::ALL`, then the cohort's response to budget and premium prices.
fn cohort_profile(kind: CohortKind) -> ([f64; 5], [f64; 3]) {
    match kind {
        CohortKind::UrgencyResponsive => ([1.0, 0.5, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0]),
        CohortKind::ExclusivitySeeking => ([0.0, 0.0, 1.0, 0.25, 0.0], [0.0, 0.0, 0.5]),
        CohortKind::PriceSensitive => ([0.0, 0.0, 0.0, 0.0, 0.25], [0.75, 0.0, -0.75]),
        CohortKind::Loyal => ([0.0, 0.0, 0.0, 0.75, 0.25], [0.0, 0.0, 0.0]),
    }
}

/// Relative churn of a cohort (loyal fans churn half as often).
pub fn churn_multiplier(kind: CohortKind) -> f64 {
    match kind {
        CohortKind::Loyal => 0.5,
        _ => 1.0,
    }
}

/// Logit response `g(cohort k × triggers and price of c)`.
pub fn cohort_response(params: &WorldParams, kind: CohortKind, caption: &Caption) -> f64 {
    let (triggers, tiers) = cohort_profile(kind);
    let from_triggers: f64 =
        Trigger::ALL.iter().zip(triggers).filter(|(t, _)| caption.triggers.has(**t)).map(|(_, g)| g).sum();
    params.trigger_effect * (from_triggers + tiers[caption.tier.index()])
}

/// The cohort's response to urgency that is lost, plus the overuse penalty, when the cohort
/// has been over-urged: subtracted from the logit of urgency captions.
pub fn urgency_overuse_loss(params: &WorldParams, kind: CohortKind) -> f64 {
    params.trigger_effect * cohort_profile(kind).0[Trigger::Urgency as usize] + params.urgency_overuse_penalty
}

/// A bell-shaped gain: `effect` at `x = peak`, 0 at `peak ± width`, never below `-effect`.
fn bell(effect: f64, x: f64, peak: f64, width: f64) -> f64 {
    let d = (x - peak) / width;
    effect * (1.0 - d * d).max(-1.0)
}

/// Feature effect `f(c)`: length (best near `length_peak`, narrower band for premium), emoji
/// count (best at 2–3), B/G category and price tier.
pub fn feature_effect(params: &WorldParams, caption: &Caption) -> f64 {
    let width = if caption.tier == PriceTier::Premium { params.premium_length_width } else { params.length_width };
    let tier = match caption.tier {
        PriceTier::Budget => params.budget_effect,
        PriceTier::Mid => 0.0,
        PriceTier::Premium => params.premium_effect,
    };
    let bg = if caption.category == crate::domain::Category::Bg { params.bg_effect } else { 0.0 };
    bell(params.length_effect, f64::from(caption.length), params.length_peak, width)
        + bell(params.emoji_effect, f64::from(caption.emoji), 2.5, 2.0)
        + bg
        + tier
}

/// Time effect `h(hour) + d(weekday)`: a cosine over the day peaking at `peak_hour`, plus a
/// weekend gain (weekday 5 and 6).
pub fn time_effect(params: &WorldParams, hour: u32, weekday: u32) -> f64 {
    let phase = 2.0 * std::f64::consts::PI * (f64::from(hour) + 0.5 - params.peak_hour) / 24.0;
    let weekend = if weekday >= 5 { params.weekend_effect } else { 0.0 };
    params.hour_effect * phase.cos() + weekend
}

/// Logistic function.
#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `m(x) = E[logistic(x + ε)]`, `ε ~ N(0, σ²)`: the expected conversion probability of a send
/// whose logit before noise is `x`. Tabulated once per σ and linearly interpolated.
///
/// The table is filled by the trapezoid rule over `z ∈ [-8, 8]` with step 1/8, which for an
/// integrand analytic in the strip `|Im z| < π/σ` has error `O(exp(-2π²/(σ·h)))` (Trefethen &
/// Weideman 2014, "The exponentially convergent trapezoidal rule", SIAM Review 56(3)) — far
/// below f64 rounding for σ ≤ 3. Interpolation error is at most `h²/8 · max|m''| < 2e-6` for
/// `h = 1/256` since `|m''| ≤ 0.1`. Below the table, `m(x) = exp(x + σ²/2)` to first order.
#[derive(Debug, Clone)]
pub struct ExpectedRate {
    sigma: f64,
    table: Vec<f64>,
}

const TABLE_MIN: f64 = -20.0;
const TABLE_MAX: f64 = 12.0;
const TABLE_STEPS_PER_UNIT: f64 = 256.0;

impl ExpectedRate {
    /// Builds the table for overdispersion standard deviation `sigma`.
    pub fn new(sigma: f64) -> Self {
        let n = ((TABLE_MAX - TABLE_MIN) * TABLE_STEPS_PER_UNIT) as usize + 1;
        let table = (0..n).map(|i| Self::integrate(TABLE_MIN + i as f64 / TABLE_STEPS_PER_UNIT, sigma)).collect();
        Self { sigma, table }
    }

    /// The quadrature itself (slow; used to fill the table and in tests).
    pub fn integrate(x: f64, sigma: f64) -> f64 {
        if sigma == 0.0 {
            return logistic(x);
        }
        let h = 0.125;
        let norm = h / (2.0 * std::f64::consts::PI).sqrt();
        (-64..=64)
            .map(|i| {
                let z = f64::from(i) * h;
                logistic(x + sigma * z) * (-0.5 * z * z).exp()
            })
            .sum::<f64>()
            * norm
    }

    /// Overdispersion σ the table was built for.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// `m(x)`.
    #[inline]
    pub fn at(&self, x: f64) -> f64 {
        let pos = (x - TABLE_MIN) * TABLE_STEPS_PER_UNIT;
        if pos <= 0.0 {
            return self.table[0] * (x - TABLE_MIN).exp();
        }
        let i = pos as usize;
        if i + 1 >= self.table.len() {
            return self.table[self.table.len() - 1];
        }
        let frac = pos - i as f64;
        self.table[i] + frac * (self.table[i + 1] - self.table[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};

    #[test]
    fn without_noise_expected_rate_is_the_logistic() {
        let m = ExpectedRate::new(0.0);
        for x in [-6.0, -3.1, 0.0, 2.5] {
            assert!((m.at(x) - logistic(x)).abs() < 2e-6, "x={x}");
        }
    }

    #[test]
    fn expected_rate_matches_monte_carlo_integration() {
        let sigma = 0.5;
        let m = ExpectedRate::new(sigma);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
        let n = 400_000;
        for x in [-4.0, -3.0, -1.0, 1.0] {
            let (mut s, mut s2) = (0.0, 0.0);
            for _ in 0..n {
                let z: f64 = StandardNormal.sample(&mut rng);
                let v = logistic(x + sigma * z);
                s += v;
                s2 += v * v;
            }
            let mean = s / n as f64;
            let se = ((s2 / n as f64 - mean * mean) / n as f64).sqrt();
            assert!((m.at(x) - mean).abs() < 4.0 * se, "x={x}: table {} mc {mean} ± {se}", m.at(x));
        }
    }

    #[test]
    fn far_left_tail_follows_the_lognormal_mean() {
        // For x → -∞, logistic(x+ε) ≈ exp(x+ε) and E[exp(ε)] = exp(σ²/2).
        let sigma = 0.4;
        let m = ExpectedRate::new(sigma);
        let x = -25.0;
        let expected = (x + sigma * sigma / 2.0_f64).exp();
        assert!((m.at(x) / expected - 1.0).abs() < 1e-6);
    }

    #[test]
    fn overdispersion_raises_small_rates() {
        // logistic is convex below 0, so by Jensen E[logistic(x+ε)] > logistic(x) there.
        let m = ExpectedRate::new(0.6);
        assert!(m.at(-3.0) > logistic(-3.0));
    }
}
