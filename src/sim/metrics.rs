//! Metrics of one policy in one replicate over the horizon (DESIGN.md §6): expected revenue
//! and pseudo-regret from the true expected value of each choice, realised KPIs, urgency,
//! churn and inventory, and a daily series.

use super::kpi::Kpis;
use super::trajectory::{SendSink, SlotRecord};
use crate::domain::{CaptionStatus, Minute, Outcome};
use crate::world::{World, WorldState};
use serde::Serialize;

/// One day of one policy in one replicate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct DailyTally {
    /// Σ true expected revenue of the choices.
    pub expected_revenue: f64,
    /// Σ best true expected revenue among eligible captions.
    pub oracle_revenue: f64,
    /// Realised revenue.
    pub revenue: f64,
    /// Realised conversions.
    pub conversions: f64,
    /// Fans reached.
    pub reach: f64,
    /// Captions in the bank at the end of the day: active, resting, retired.
    pub inventory: [f64; 3],
}

/// Tallies one trajectory over the horizon.
#[derive(Debug)]
pub struct PolicyTally<'w> {
    world: &'w World,
    start_day: u32,
    daily: Vec<DailyTally>,
    rows: Vec<Outcome>,
    urgency_rows: u64,
    /// Conversions and reach of urgency rows.
    urgency_counts: (f64, f64),
    churned_at_start: f64,
    /// Fans churned so far, as of the last day closed.
    churned_end: f64,
    /// Σ true expected revenue of the choices per creator.
    revenue_by_creator: Vec<f64>,
}

impl<'w> PolicyTally<'w> {
    /// A tally for `days` days starting at `start_day`, with the state at deployment.
    pub fn new(world: &'w World, start_day: u32, days: u32, state: &WorldState) -> Self {
        Self {
            world,
            start_day,
            daily: vec![DailyTally::default(); days as usize],
            rows: Vec::new(),
            urgency_rows: 0,
            urgency_counts: (0.0, 0.0),
            churned_at_start: state.churned.iter().sum(),
            churned_end: state.churned.iter().sum(),
            revenue_by_creator: vec![0.0; world.creators.len()],
        }
    }

    /// The replicate's metrics, given the saturation scores of the active, sent captions at
    /// the end.
    pub fn finish(self, saturation_scores: &[f64]) -> ReplicateMetrics {
        let world = self.world;
        let days = self.daily.len() as f64;
        let sum = |f: fn(&DailyTally) -> f64| self.daily.iter().map(f).sum::<f64>();
        let revenue = sum(|d| d.expected_revenue);
        let oracle = sum(|d| d.oracle_revenue);
        let regret = oracle - revenue;
        let inventory = self.daily.last().map_or([0; 3], |d| d.inventory.map(|n| n as u64));
        let cohort_weeks = world.creators.len() as f64 * world.cohort_count() as f64 * days / 7.0;
        ReplicateMetrics {
            revenue,
            oracle_revenue: oracle,
            regret,
            relative_regret: if oracle > 0.0 { regret / oracle } else { 0.0 },
            realized_revenue: sum(|d| d.revenue),
            kpis: Kpis::from_outcomes(world, &self.rows),
            urgency_sends_per_cohort_week: self.urgency_rows as f64 / cohort_weeks,
            urgency_conversion_rate: crate::score::conversion::conversion_rate(
                self.urgency_counts.0,
                self.urgency_counts.1,
            )
            .unwrap_or(f64::NAN),
            churned_fans: self.churned_end - self.churned_at_start,
            average_saturation: if saturation_scores.is_empty() {
                f64::NAN
            } else {
                saturation_scores.iter().sum::<f64>() / saturation_scores.len() as f64
            },
            saturation_shares: saturation_shares(saturation_scores),
            inventory,
            revenue_by_creator: self.revenue_by_creator,
            daily: self.daily,
        }
    }
}

impl SendSink for PolicyTally<'_> {
    fn record(&mut self, rec: &SlotRecord<'_>) {
        let d = &mut self.daily[(rec.at.day() - self.start_day) as usize];
        d.expected_revenue += rec.expected_revenue;
        self.revenue_by_creator[rec.creator as usize] += rec.expected_revenue;
        d.oracle_revenue += rec.best_expected_revenue.unwrap_or(rec.expected_revenue);
        for o in rec.outcomes {
            d.revenue += o.revenue;
            d.conversions += f64::from(o.conversions);
            d.reach += f64::from(o.reach);
        }
        if self.world.is_urgency[rec.caption as usize] {
            self.urgency_rows += rec.outcomes.len() as u64;
            for o in rec.outcomes {
                self.urgency_counts.0 += f64::from(o.conversions);
                self.urgency_counts.1 += f64::from(o.reach);
            }
        }
        self.rows.extend_from_slice(rec.outcomes);
    }

    fn end_of_day(&mut self, day: u32, state: &WorldState) {
        self.churned_end = state.churned.iter().sum();
        let inventory = inventory_at(self.world, state, Minute::start_of_day(day + 1));
        if let Some(d) = self.daily.get_mut((day - self.start_day) as usize) {
            d.inventory = inventory.map(|n| n as f64);
        }
    }
}

/// Bands of the saturation distribution (width 0.1).
pub const SATURATION_BANDS: usize = 10;

/// Share of `scores` (each in [0, 1]) per band of width 0.1; 1.0 falls in the last band.
pub fn saturation_shares(scores: &[f64]) -> [f64; SATURATION_BANDS] {
    let mut counts = [0.0; SATURATION_BANDS];
    for s in scores {
        counts[((s * SATURATION_BANDS as f64) as usize).min(SATURATION_BANDS - 1)] += 1.0;
    }
    counts.map(|c| c / scores.len() as f64)
}

/// Captions in the bank at `at` (created before it), counted by status: active, resting,
/// retired.
pub fn inventory_at(world: &World, state: &WorldState, at: Minute) -> [u64; 3] {
    let mut counts = [0u64; 3];
    for (c, s) in state.status.iter().enumerate() {
        if world.captions[c].created_at < at {
            counts[match s {
                CaptionStatus::Active => 0,
                CaptionStatus::Resting => 1,
                CaptionStatus::Retired => 2,
            }] += 1;
        }
    }
    counts
}

/// Everything measured for one policy in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateMetrics {
    /// Σ true expected revenue of the choices, seed revenue units.
    pub revenue: f64,
    /// Σ best true expected revenue at each decision (the myopic oracle's).
    pub oracle_revenue: f64,
    /// Pseudo-regret: oracle revenue − revenue.
    pub regret: f64,
    /// Regret / oracle revenue.
    pub relative_regret: f64,
    /// Realised revenue.
    pub realized_revenue: f64,
    /// Realised KPIs.
    pub kpis: Kpis,
    /// Urgency send rows per cohort per week.
    pub urgency_sends_per_cohort_week: f64,
    /// Conversions / reach over urgency send rows (NaN without any).
    pub urgency_conversion_rate: f64,
    /// Fans lost to churn over the horizon.
    pub churned_fans: f64,
    /// Mean saturation score of the active captions that were sent, at the end.
    pub average_saturation: f64,
    /// Share of those captions per saturation band `[0, 0.1)`, …, `[0.9, 1]` (NaN without
    /// any caption).
    pub saturation_shares: [f64; SATURATION_BANDS],
    /// Captions active / resting / retired at the end.
    pub inventory: [u64; 3],
    /// Σ true expected revenue of the choices per creator, seed revenue units.
    pub revenue_by_creator: Vec<f64>,
    /// Daily series.
    pub daily: Vec<DailyTally>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_shares_count_each_score_in_its_band() {
        let shares = saturation_shares(&[0.0, 0.05, 0.1, 0.55, 1.0]);
        assert_eq!(shares[0], 0.4);
        assert_eq!(shares[1], 0.2);
        assert_eq!(shares[5], 0.2);
        assert_eq!(shares[9], 0.2, "1.0 belongs to the last band");
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(saturation_shares(&[]).iter().all(|s| s.is_nan()));
    }
}
