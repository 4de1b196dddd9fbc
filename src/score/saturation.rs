//! Saturation score of a caption (DESIGN.md §5): how worn out it is for its audience, 0..1.
//!
//! `saturation = clip(1 − recent / reference, 0, 1)` where
//! - `recent` is the caption's smoothed conversion rate over its last [`WINDOW_SENDS`]
//!   slot-level sends,
//! - `reference` is its smoothed rate over its first [`WINDOW_SENDS`] sends, or, while the
//!   caption has fewer than `2 · WINDOW_SENDS` sends, the baseline rate given by the caller
//!   (the creator's rate for the caption's category);
//! - "smoothed" is the empirical-Bayes posterior mean `(c + m·b) / (n + m)` with prior mean
//!   the baseline `b` and strength `m` (`score::conversion`), so thin evidence pulls both rates
//!   towards the baseline and the score towards 0.

use super::conversion::{BetaPrior, Counts};

/// Sends compared at each end of a caption's history.
pub const WINDOW_SENDS: usize = 3;

/// The saturation score of a caption from its slot-level sends in time order (each the sum
/// over the cohorts it reached), given the baseline rate and the prior strength.
pub fn saturation(sends: &[Counts], baseline: f64, strength: f64) -> f64 {
    let prior = BetaPrior { mean: baseline, strength };
    let sum = |s: &[Counts]| {
        s.iter().fold(Counts::default(), |a, c| Counts {
            conversions: a.conversions + c.conversions,
            reach: a.reach + c.reach,
        })
    };
    let recent = prior.score(sum(&sends[sends.len().saturating_sub(WINDOW_SENDS)..]));
    let reference = if sends.len() >= 2 * WINDOW_SENDS { prior.score(sum(&sends[..WINDOW_SENDS])) } else { baseline };
    if reference <= 0.0 {
        return 0.0;
    }
    (1.0 - recent / reference).clamp(0.0, 1.0)
}

/// Spearman's rank correlation of two equally long samples (average ranks for ties).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            let avg = (i + j) as f64 / 2.0 + 1.0;
            for k in i..=j {
                r[idx[k]] = avg;
            }
            i = j + 1;
        }
        r
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 { 0.0 } else { cov / (vx * vy).sqrt() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sends(rates: &[f64]) -> Vec<Counts> {
        rates.iter().map(|r| Counts { conversions: r * 4000.0, reach: 4000.0 }).collect()
    }

    #[test]
    fn a_caption_whose_rate_halved_scores_about_one_half() {
        let s = saturation(&sends(&[0.06, 0.06, 0.06, 0.03, 0.03, 0.03]), 0.05, 100.0);
        // 3 sends × 4,000 fans: recent (360 + 100·0.05) / 12,100, reference (720 + 5) / 12,100.
        let expected = 1.0 - (360.0 + 5.0) / (720.0 + 5.0);
        assert!((s - expected).abs() < 1e-12, "{s} vs {expected}");
    }

    #[test]
    fn a_steady_or_improving_caption_scores_zero() {
        assert_eq!(saturation(&sends(&[0.05; 8]), 0.05, 100.0), 0.0);
        assert_eq!(saturation(&sends(&[0.04, 0.04, 0.04, 0.06, 0.06, 0.06]), 0.05, 100.0), 0.0);
    }

    #[test]
    fn thin_evidence_shrinks_towards_zero() {
        // One send at half the baseline to 20 fans barely moves the score.
        let thin = saturation(&[Counts { conversions: 0.5, reach: 20.0 }], 0.05, 500.0);
        let thick = saturation(&[Counts { conversions: 100.0, reach: 4000.0 }], 0.05, 500.0);
        assert!(thin < 0.05 && thick > 0.4, "{thin} {thick}");
    }

    #[test]
    fn spearman_of_known_samples() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]), 1.0);
        assert_eq!(spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]), -1.0);
        // Ties get average ranks: x ranks 1.5 1.5 3 4, y ranks 1 2 3 4 → ρ = 0.9486833.
        assert!((spearman(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]) - 0.948_683_3).abs() < 1e-6);
    }
}
