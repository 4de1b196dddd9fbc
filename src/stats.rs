//! Intervals across replicates.
//!
//! Not here: bootstrap and off-policy estimators (they belong to `ope`).

use serde::{Deserialize, Deserializer, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A point estimate with its 95 % interval; `lo`/`hi` are `None` when fewer than two
/// replicates leave the spread unknown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Mean across replicates (NaN, written as `null`, when undefined).
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub lo: Option<f64>,
    /// Upper end of the 95 % interval.
    pub hi: Option<f64>,
}

/// Reads a number that JSON may hold as `null` (how serde_json writes NaN) back as NaN.
pub fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

impl Interval {
    /// Standard error implied by the interval: half-width / t(0.975, n − 1); `None` without
    /// an interval.
    pub fn standard_error(&self, n: usize) -> Option<f64> {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) if n >= 2 => Some((hi - lo) / 2.0 / t_quantile_975(n - 1)),
            _ => None,
        }
    }
}

/// Mean and 95 % Student-t interval of independent replicate values:
/// `x̄ ± t_{0.975, n−1} · s / √n`.
pub fn mean_interval(values: &[f64]) -> Interval {
    let n = values.len();
    let mean = if n == 0 { f64::NAN } else { values.iter().sum::<f64>() / n as f64 };
    if n < 2 {
        return Interval { mean, lo: None, hi: None };
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_quantile_975(n - 1) * (var / n as f64).sqrt();
    Interval { mean, lo: Some(mean - half), hi: Some(mean + half) }
}

/// The 0.975 quantile of Student's t with `dof` degrees of freedom.
pub fn t_quantile_975(dof: usize) -> f64 {
    StudentsT::new(0.0, 1.0, dof as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or_else(|_| unreachable!("dof ≥ 1 gives a valid distribution"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_published_tables() {
        // Student (1908) tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2.
        assert!((t_quantile_975(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile_975(9) - 2.262).abs() < 1e-3);
        assert!((t_quantile_975(30) - 2.042).abs() < 1e-3);
    }

    #[test]
    fn interval_of_a_known_sample() {
        // mean 3, s² = 2.5, n = 5: half-width 2.776 · sqrt(0.5) = 1.963.
        let i = mean_interval(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(i.mean, 3.0);
        let half = i.hi.expect("n ≥ 2") - 3.0;
        assert!((half - 2.776_445 * 0.5f64.sqrt()).abs() < 1e-5, "{half}");
    }

    #[test]
    fn single_replicate_has_no_interval() {
        let i = mean_interval(&[4.0]);
        assert_eq!((i.mean, i.lo, i.hi), (4.0, None, None));
    }
}
