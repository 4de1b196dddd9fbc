//! The seed's KPIs computed from send rows, one definition for calibration and for runs.

use crate::domain::{Caption, Category, Outcome};
use crate::score::conversion::{BetaPrior, Counts, conversion_rate, fit_grouped};
use crate::stats::nan_if_null;
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Slot-level sends a caption needs before it counts towards the caption success rate.
pub const SUCCESS_MIN_SENDS: u32 = 5;

/// The seed's headline KPIs over a set of send rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    /// Σ conversions / Σ reach.
    #[serde(deserialize_with = "nan_if_null")]
    pub conversion_rate: f64,
    /// Σ revenue / Σ reach: revenue per fan reached, seed revenue units.
    #[serde(deserialize_with = "nan_if_null")]
    pub revenue_per_send: f64,
    /// Share of captions with ≥ 5 slot-level sends whose conversion score (empirical-Bayes
    /// posterior mean with one prior fitted over all captions in the rows) is at or above
    /// the overall conversion rate.
    #[serde(deserialize_with = "nan_if_null")]
    pub caption_success_rate: f64,
    /// Share of slot-level sends that used a B/G caption.
    #[serde(deserialize_with = "nan_if_null")]
    pub bg_share: f64,
    /// Number of slot-level sends.
    pub sends: u64,
}

impl Kpis {
    /// KPIs of `rows` from `world` (rows of one send share a `send_id`).
    pub fn from_outcomes(world: &World, rows: &[Outcome]) -> Kpis {
        Self::from_outcomes_of(&world.captions, rows)
    }

    /// KPIs of `rows` whose caption ids index `captions`.
    pub fn from_outcomes_of(captions: &[Caption], rows: &[Outcome]) -> Kpis {
        let n = captions.len();
        let mut counts = vec![Counts::default(); n];
        let mut sends = vec![0u32; n];
        let mut seen = HashSet::new();
        let (mut conv, mut reach, mut revenue) = (0.0, 0.0, 0.0);
        let (mut total_sends, mut bg_sends) = (0u64, 0u64);
        for o in rows {
            let c = &mut counts[o.caption as usize];
            c.conversions += f64::from(o.conversions);
            c.reach += f64::from(o.reach);
            conv += f64::from(o.conversions);
            reach += f64::from(o.reach);
            revenue += o.revenue;
            if seen.insert(o.send_id) {
                sends[o.caption as usize] += 1;
                total_sends += 1;
                bg_sends += u64::from(captions[o.caption as usize].category == Category::Bg);
            }
        }
        let overall = conversion_rate(conv, reach).unwrap_or(f64::NAN);
        let units: Vec<(usize, Counts)> = counts.iter().filter(|c| c.reach > 0.0).map(|c| (0, *c)).collect();
        let prior = fit_grouped(1, &units)
            .map(|(means, strength)| BetaPrior { mean: means[0], strength })
            .unwrap_or(BetaPrior { mean: overall, strength: 0.0 });
        let (mut eligible, mut successes) = (0u64, 0u64);
        for (c, s) in counts.iter().zip(&sends) {
            if *s >= SUCCESS_MIN_SENDS {
                eligible += 1;
                successes += u64::from(prior.score(*c) >= overall);
            }
        }
        let share = |a: u64, b: u64| if b == 0 { f64::NAN } else { a as f64 / b as f64 };
        Kpis {
            conversion_rate: overall,
            revenue_per_send: conversion_rate(revenue, reach).unwrap_or(f64::NAN),
            caption_success_rate: share(successes, eligible),
            bg_share: share(bg_sends, total_sends),
            sends: total_sends,
        }
    }
}
