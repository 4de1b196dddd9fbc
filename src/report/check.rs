//! The regression check: compares each policy's relative regret and revenue with a baseline
//! `summary.json`, so CI fails when a change makes a policy worse.
//!
//! Default tolerance is statistical: a metric regresses when it is worse than the baseline by
//! more than `t(0.975, n_b + n_n − 2) · √(se_b² + se_n²)`, the half-width of a 95 % interval of
//! the difference of two means, with each standard error read back from its run's interval.
//! The two runs usually share seeds and so are positively correlated, which makes this
//! conservative (it flags fewer changes than a paired test would). A fixed relative tolerance
//! can be given instead.

use crate::sim::summary::Summary;
use crate::stats::{Interval, t_quantile_975};

/// How much worse a metric may get before it counts as a regression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// From both runs' intervals (module docs).
    Statistical,
    /// A fraction of the baseline value (0.05: 5 % worse is allowed).
    Relative(f64),
}

/// Which way is worse for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    /// Larger values are worse (regret).
    Higher,
    /// Smaller values are worse (revenue).
    Lower,
}

/// One compared metric of one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    /// Policy label.
    pub policy: String,
    /// Metric name as in `summary.json`.
    pub metric: &'static str,
    /// Baseline mean (NaN when the policy is missing from the baseline).
    pub baseline: f64,
    /// Current mean (NaN when the policy is missing from the current run).
    pub now: f64,
    /// The worst value still accepted.
    pub allowed: f64,
    /// Whether this row fails the check.
    pub regression: bool,
    /// Why, in words.
    pub note: String,
}

const METRICS: [(&str, Worse); 2] = [("relative_regret", Worse::Higher), ("revenue", Worse::Lower)];

fn metric(p: &crate::sim::summary::PolicySummary, name: &str) -> Interval {
    match name {
        "relative_regret" => p.relative_regret,
        _ => p.revenue,
    }
}

/// The largest accepted worsening of `base` → `now` under `tol`.
pub fn allowed_change(base: &Interval, n_base: u32, now: &Interval, n_now: u32, tol: Tolerance) -> f64 {
    match tol {
        Tolerance::Relative(x) => x * base.mean.abs(),
        Tolerance::Statistical => {
            match (base.standard_error(n_base as usize), now.standard_error(n_now as usize)) {
                (Some(a), Some(b)) => {
                    let dof = (n_base + n_now).saturating_sub(2).max(1) as usize;
                    t_quantile_975(dof) * (a * a + b * b).sqrt()
                }
                // Without intervals nothing can be allowed statistically.
                _ => 0.0,
            }
        }
    }
}

/// Compares every baseline policy's relative regret and revenue with the current run.
pub fn check(baseline: &Summary, now: &Summary, tol: Tolerance) -> Vec<CheckRow> {
    let mut rows = Vec::new();
    for b in &baseline.policies {
        let Some(n) = now.policies.iter().find(|p| p.name == b.name) else {
            rows.push(CheckRow {
                policy: b.name.clone(),
                metric: "relative_regret",
                baseline: b.relative_regret.mean,
                now: f64::NAN,
                allowed: f64::NAN,
                regression: true,
                note: "policy missing from the current run".into(),
            });
            continue;
        };
        for (name, worse) in METRICS {
            let (bi, ni) = (metric(b, name), metric(n, name));
            let delta = allowed_change(&bi, baseline.replicates, &ni, now.replicates, tol);
            let allowed = match worse {
                Worse::Higher => bi.mean + delta,
                Worse::Lower => bi.mean - delta,
            };
            let regression = match worse {
                Worse::Higher => ni.mean > allowed,
                Worse::Lower => ni.mean < allowed,
            } || !ni.mean.is_finite();
            let note = if regression {
                format!("{} than allowed", if worse == Worse::Higher { "higher" } else { "lower" })
            } else {
                "ok".to_string()
            };
            rows.push(CheckRow {
                policy: b.name.clone(),
                metric: name,
                baseline: bi.mean,
                now: ni.mean,
                allowed,
                regression,
                note,
            });
        }
    }
    for n in &now.policies {
        if !baseline.policies.iter().any(|b| b.name == n.name) {
            rows.push(CheckRow {
                policy: n.name.clone(),
                metric: "relative_regret",
                baseline: f64::NAN,
                now: n.relative_regret.mean,
                allowed: f64::NAN,
                regression: false,
                note: "new policy, not in the baseline (run with --update to add it)".into(),
            });
        }
    }
    rows
}

/// A plain-text table of the rows.
pub fn render_check(rows: &[CheckRow]) -> String {
    let mut out = format!(
        "{:<14} {:<16} {:>14} {:>14} {:>14}  {}\n",
        "policy", "metric", "baseline", "now", "allowed", "verdict"
    );
    for r in rows {
        let f = |v: f64| if v.is_finite() { format!("{v:.6}") } else { "—".into() };
        out += &format!(
            "{:<14} {:<16} {:>14} {:>14} {:>14}  {}\n",
            r.policy,
            r.metric,
            f(r.baseline),
            f(r.now),
            f(r.allowed),
            if r.regression { format!("REGRESSION: {}", r.note) } else { r.note.clone() }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistical_tolerance_is_the_half_width_of_the_difference() {
        // Two runs of 10 replicates, each with standard error 1: half-width t(0.975, 18)·√2.
        let t9 = t_quantile_975(9);
        let i = Interval { mean: 5.0, lo: Some(5.0 - t9), hi: Some(5.0 + t9) };
        let d = allowed_change(&i, 10, &i, 10, Tolerance::Statistical);
        assert!((d - t_quantile_975(18) * 2f64.sqrt()).abs() < 1e-12, "{d}");
    }

    #[test]
    fn relative_tolerance_is_a_share_of_the_baseline() {
        let i = Interval { mean: 200.0, lo: None, hi: None };
        assert_eq!(allowed_change(&i, 1, &i, 1, Tolerance::Relative(0.05)), 10.0);
    }

    #[test]
    fn without_intervals_nothing_is_allowed_statistically() {
        let i = Interval { mean: 1.0, lo: None, hi: None };
        assert_eq!(allowed_change(&i, 1, &i, 1, Tolerance::Statistical), 0.0);
    }
}
