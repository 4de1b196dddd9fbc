//! Summaries across replicates: every metric of every policy as a mean with its 95 %
//! interval, lift paired by replicate, and the daily series.

use super::engine::RunResult;
use super::metrics::{DailyTally, ReplicateMetrics, SATURATION_BANDS};
use crate::domain::{PerTier, Tier};
use crate::scenario::{Cadence, FeedbackData, PolicyKind, Scenario, WorldParams};
use crate::stats::{Interval, mean_interval};
use crate::world::calibration::CalibrationReport;
use serde::{Deserialize, Serialize};

/// The machine-readable result of a run (`summary.json`), documented field by field in
/// `docs/results-format.md`. Contains nothing that depends on threads or wall time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario file the run read, as given on the command line (for the reproducing
    /// command; `null` when the run did not come from a file).
    #[serde(default)]
    pub scenario_file: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u32,
    /// Horizon in days.
    pub days: u32,
    /// Warm-up days before deployment.
    pub warmup_days: u32,
    /// eros-sim version.
    pub version: String,
    /// Policy lift is measured against.
    pub baseline: String,
    /// Per-policy metrics.
    pub policies: Vec<PolicySummary>,
    /// Pooled calibration outcome, when on.
    pub calibration: Option<CalibrationReport>,
    /// The incumbent's warm-up KPIs per replicate world (the calibrated baselines).
    pub warmup: WarmupSummary,
    /// World parameters used (after calibration).
    pub world: WorldParams,
    /// The full scenario as run.
    pub config: Scenario,
}

/// One policy's metrics across replicates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicySummary {
    /// Label.
    pub name: String,
    /// Kind.
    pub kind: PolicyKind,
    /// Feedback cadence.
    pub feedback: Cadence,
    /// Feedback data quality (`clean` or `defective`).
    #[serde(default)]
    pub data: FeedbackData,
    /// Σ true expected revenue of its choices over the horizon, seed revenue units.
    pub revenue: Interval,
    /// Σ best true expected revenue at its decisions, seed revenue units.
    pub oracle_revenue: Interval,
    /// Pseudo-regret, seed revenue units.
    pub regret: Interval,
    /// Regret / oracle revenue (fraction).
    pub relative_regret: Interval,
    /// (revenue − baseline revenue) / baseline revenue, paired by replicate (fraction).
    pub lift_vs_baseline: Interval,
    /// The same lift over the creators of each performance tier (tiers from the warm-up
    /// history, the same for every policy), fraction.
    #[serde(default = "undefined_per_tier")]
    pub lift_by_tier: PerTier<Interval>,
    /// Realised revenue, seed revenue units.
    pub realized_revenue: Interval,
    /// Realised conversions / reach (fraction).
    pub conversion_rate: Interval,
    /// Realised revenue per fan reached, seed revenue units.
    pub revenue_per_send: Interval,
    /// Share of captions with ≥ 5 sends scoring at or above the overall rate (fraction).
    pub caption_success_rate: Interval,
    /// Share of sends using B/G captions (fraction).
    pub bg_share: Interval,
    /// Urgency send rows per cohort per week.
    pub urgency_sends_per_cohort_week: Interval,
    /// Conversions / reach of urgency send rows (fraction).
    #[serde(default = "undefined")]
    pub urgency_conversion_rate: Interval,
    /// Fans lost to churn over the horizon.
    pub churned_fans: Interval,
    /// Active captions at the end of the horizon.
    pub active_captions: Interval,
    /// Resting captions at the end of the horizon.
    #[serde(default = "undefined")]
    pub resting_captions: Interval,
    /// Retired captions at the end of the horizon.
    #[serde(default = "undefined")]
    pub retired_captions: Interval,
    /// Mean saturation score of the active captions that were sent, at the end (fraction).
    #[serde(default = "undefined")]
    pub average_saturation: Interval,
    /// Share of those captions per saturation band `[0, 0.1)`, …, `[0.9, 1]` (fractions).
    #[serde(default)]
    pub saturation_distribution: Vec<Interval>,
    /// Slot-level sends over the horizon.
    pub sends: Interval,
}

/// An interval with no value (for fields older summaries lack).
fn undefined() -> Interval {
    Interval { mean: f64::NAN, lo: None, hi: None }
}

fn undefined_per_tier() -> PerTier<Interval> {
    PerTier { elite: undefined(), high: undefined(), mid: undefined(), developing: undefined() }
}

/// Lift of policy `p` over policy `base` among the creators of `tier`, paired by replicate;
/// replicates without a creator of that tier are left out.
fn tier_lift(run: &RunResult, p: usize, base: usize, tier: Tier) -> Interval {
    let values: Vec<f64> = run
        .replicates
        .iter()
        .filter_map(|r| {
            let sum = |m: &ReplicateMetrics| -> f64 {
                r.tiers.iter().zip(&m.revenue_by_creator).filter(|(t, _)| **t == tier).map(|(_, v)| v).sum()
            };
            let b = sum(&r.policies[base]);
            (b > 0.0).then(|| sum(&r.policies[p]) / b - 1.0)
        })
        .collect();
    mean_interval(&values)
}

/// One row of `timeseries.csv`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeriesRow {
    /// Policy label.
    pub policy: String,
    /// Day since deployment, 1-based.
    pub day: u32,
    /// Metric name.
    pub metric: String,
    /// Mean across replicates.
    #[serde(deserialize_with = "crate::stats::nan_if_null")]
    pub mean: f64,
    /// 95 % interval, lower end.
    pub lo: Option<f64>,
    /// 95 % interval, upper end.
    pub hi: Option<f64>,
}

/// Interval of a per-replicate metric over the replicates where it is defined (a rate over
/// no caption with ≥ 5 sends is undefined); NaN when it is defined in none.
fn across(run: &RunResult, p: usize, f: impl Fn(&ReplicateMetrics) -> f64) -> Interval {
    let values: Vec<f64> = run.replicates.iter().map(|r| f(&r.policies[p])).filter(|v| v.is_finite()).collect();
    mean_interval(&values)
}

/// The incumbent's KPIs over the warm-up history, across replicates: what calibration
/// matched to the seed's baselines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WarmupSummary {
    /// Conversions / reach (fraction).
    pub conversion_rate: Interval,
    /// Revenue per fan reached, seed revenue units.
    pub revenue_per_send: Interval,
    /// Caption success rate (fraction).
    pub caption_success_rate: Interval,
    /// B/G share of sends (fraction).
    pub bg_share: Interval,
    /// Each replicate world's fitted intercept μ.
    pub base_logit: Interval,
    /// Each replicate world's fitted quality skew κ.
    pub quality_skew: Interval,
    /// Each replicate world's fitted B/G fraction of new captions.
    pub bg_fraction: Interval,
    /// Each replicate world's fitted price multiplier.
    pub price_scale: Interval,
    /// Warm-ups each world's calibration ran.
    pub calibration_rounds: Interval,
    /// Replicate worlds whose warm-up conversion rate and revenue per send ended within
    /// half their tolerance.
    pub worlds_calibrated: u32,
}

fn warmup_summary(run: &RunResult) -> WarmupSummary {
    let of = |f: fn(&super::engine::ReplicateResult) -> f64| {
        mean_interval(&run.replicates.iter().map(f).filter(|v| v.is_finite()).collect::<Vec<_>>())
    };
    WarmupSummary {
        conversion_rate: of(|r| r.warmup.conversion_rate),
        revenue_per_send: of(|r| r.warmup.revenue_per_send),
        caption_success_rate: of(|r| r.warmup.caption_success_rate),
        bg_share: of(|r| r.warmup.bg_share),
        base_logit: of(|r| r.world.base_logit),
        quality_skew: of(|r| r.world.quality_skew),
        bg_fraction: of(|r| r.world.bg_fraction),
        price_scale: of(|r| r.world.price_scale),
        calibration_rounds: of(|r| f64::from(r.calibration_rounds)),
        worlds_calibrated: run.replicates.iter().filter(|r| r.calibrated).count() as u32,
    }
}

/// Summarises a run.
pub fn summarize(run: &RunResult) -> Summary {
    let s = &run.scenario;
    let base = run.policies.iter().position(|p| p.name == s.baseline).unwrap_or(0);
    let policies = run
        .policies
        .iter()
        .enumerate()
        .map(|(p, policy)| {
            let lift: Vec<f64> =
                run.replicates.iter().map(|r| r.policies[p].revenue / r.policies[base].revenue - 1.0).collect();
            PolicySummary {
                name: policy.name.clone(),
                kind: policy.kind,
                feedback: policy.cadence,
                data: policy.data,
                revenue: across(run, p, |m| m.revenue),
                oracle_revenue: across(run, p, |m| m.oracle_revenue),
                regret: across(run, p, |m| m.regret),
                relative_regret: across(run, p, |m| m.relative_regret),
                lift_vs_baseline: mean_interval(&lift),
                lift_by_tier: PerTier {
                    elite: tier_lift(run, p, base, Tier::Elite),
                    high: tier_lift(run, p, base, Tier::High),
                    mid: tier_lift(run, p, base, Tier::Mid),
                    developing: tier_lift(run, p, base, Tier::Developing),
                },
                realized_revenue: across(run, p, |m| m.realized_revenue),
                conversion_rate: across(run, p, |m| m.kpis.conversion_rate),
                revenue_per_send: across(run, p, |m| m.kpis.revenue_per_send),
                caption_success_rate: across(run, p, |m| m.kpis.caption_success_rate),
                bg_share: across(run, p, |m| m.kpis.bg_share),
                urgency_sends_per_cohort_week: across(run, p, |m| m.urgency_sends_per_cohort_week),
                urgency_conversion_rate: across(run, p, |m| m.urgency_conversion_rate),
                churned_fans: across(run, p, |m| m.churned_fans),
                active_captions: across(run, p, |m| m.inventory[0] as f64),
                resting_captions: across(run, p, |m| m.inventory[1] as f64),
                retired_captions: across(run, p, |m| m.inventory[2] as f64),
                average_saturation: across(run, p, |m| m.average_saturation),
                saturation_distribution: (0..SATURATION_BANDS)
                    .map(|b| across(run, p, |m| m.saturation_shares[b]))
                    .collect(),
                sends: across(run, p, |m| m.kpis.sends as f64),
            }
        })
        .collect();
    Summary {
        scenario: s.name.clone(),
        scenario_file: None,
        seed: s.seed,
        replicates: s.replicates,
        days: s.days,
        warmup_days: s.warmup_days,
        version: env!("CARGO_PKG_VERSION").to_string(),
        baseline: s.baseline.clone(),
        policies,
        calibration: run.calibration.clone(),
        warmup: warmup_summary(run),
        world: run.world.clone(),
        config: s.clone(),
    }
}

/// Daily metrics of the series, by name: expected revenue, regret, cumulative regret,
/// conversion rate and revenue per fan reached of each day, and the inventory by status at
/// the end of each day.
type DailyMetric = fn(&DailyTally, f64) -> f64;
const SERIES: [(&str, DailyMetric); 8] = [
    ("revenue", |d, _| d.expected_revenue),
    ("regret", |d, _| d.oracle_revenue - d.expected_revenue),
    ("cumulative_regret", |_, cum| cum),
    ("conversion_rate", |d, _| if d.reach > 0.0 { d.conversions / d.reach } else { f64::NAN }),
    ("revenue_per_send", |d, _| if d.reach > 0.0 { d.revenue / d.reach } else { f64::NAN }),
    ("inventory_active", |d, _| d.inventory[0]),
    ("inventory_resting", |d, _| d.inventory[1]),
    ("inventory_retired", |d, _| d.inventory[2]),
];

/// The daily series of every policy with intervals across replicates.
pub fn timeseries(run: &RunResult) -> Vec<SeriesRow> {
    let mut rows = Vec::new();
    for (p, policy) in run.policies.iter().enumerate() {
        let name = &policy.name;
        let mut cumulative = vec![0.0; run.replicates.len()];
        for day in 0..run.scenario.days as usize {
            for (r, reps) in run.replicates.iter().enumerate() {
                let d = &reps.policies[p].daily[day];
                cumulative[r] += d.oracle_revenue - d.expected_revenue;
            }
            for (metric, f) in SERIES {
                let values: Vec<f64> = run
                    .replicates
                    .iter()
                    .enumerate()
                    .map(|(r, reps)| f(&reps.policies[p].daily[day], cumulative[r]))
                    .collect();
                let i = mean_interval(&values);
                rows.push(SeriesRow {
                    policy: name.clone(),
                    day: day as u32 + 1,
                    metric: metric.to_string(),
                    mean: i.mean,
                    lo: i.lo,
                    hi: i.hi,
                });
            }
        }
    }
    rows
}
