//! Calibration: fits the world's free scales so that the incumbent over the warm-up history
//! reproduces the seed's baselines (DESIGN.md §3).
//!
//! Four parameters are fitted, each to the KPI it moves most:
//! - `base_logit` μ → conversion rate, by the logit-difference step
//!   `μ ← μ + logit(target) − logit(measured)`;
//! - `bg_fraction` → B/G share of sends, by the ratio step `f ← f · target / measured`;
//! - `quality_skew` κ → caption success rate, by secant steps (more skew, fewer captions above
//!   the mean);
//! - `price_scale` → revenue per fan reached, in closed form at the end: every policy's choice
//!   is invariant to a common price factor (Thompson draws × price, oracle and random alike),
//!   so revenue scales exactly with it.
//!
//! Each evaluation pools the warm-up histories of `calibration.worlds` worlds drawn from the
//! calibration stream (never the replicates' worlds). Rounds stop when every KPI is within a
//! third of its tolerance, or after `max_rounds`.
//!
//! Worlds differ in who the big creators are and how good their captions happen to be, so a
//! world's conversion rate scatters around the pooled one by more than the ±0.15 pp the seed
//! allows. [`calibrate_world`] therefore refits the two scales (`base_logit`, `price_scale`)
//! on each replicate's own warm-up, keeping the shape parameters (`quality_skew`,
//! `bg_fraction`) of the pooled fit: every replicate is a different world that matches the
//! seed's measured conversion rate and revenue per send.

use super::response::ExpectedRate;
use super::World;
use crate::domain::Outcome;
use crate::scenario::{Scenario, WorldParams};
use crate::sim::kpi::Kpis;
use crate::sim::{warm_up, Progress, SimError};
use crate::streams::Purpose;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// Tolerances of the seed's baselines (issue #2): conversion rate ±0.15 pp, revenue per
/// send ±5 %, caption success rate ±3 pp, B/G share ±1 pp.
pub const TOLERANCE_CONVERSION_RATE: f64 = 0.0015;
/// Relative tolerance of revenue per send.
pub const TOLERANCE_REVENUE_PER_SEND: f64 = 0.05;
/// Tolerance of the caption success rate.
pub const TOLERANCE_CAPTION_SUCCESS: f64 = 0.03;
/// Tolerance of the B/G share.
pub const TOLERANCE_BG_SHARE: f64 = 0.01;

/// What calibration fitted and achieved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CalibrationReport {
    /// Rounds used.
    pub rounds: u32,
    /// Whether every KPI ended within a third of its tolerance.
    pub converged: bool,
    /// Fitted intercept μ.
    pub base_logit: f64,
    /// Fitted skew κ of caption quality.
    pub quality_skew: f64,
    /// Fitted share of B/G captions in new inventory.
    pub bg_fraction: f64,
    /// Fitted price multiplier.
    pub price_scale: f64,
    /// KPIs of the incumbent over the calibration worlds' warm-up with the fitted values.
    pub achieved: Kpis,
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// Pooled warm-up KPIs of the calibration worlds under `params`.
pub fn evaluate(scenario: &Scenario, params: &WorldParams, rate: &Arc<ExpectedRate>) -> Result<Kpis, SimError> {
    let worlds: Vec<(World, Vec<Outcome>)> = (0..scenario.calibration.worlds)
        .into_par_iter()
        .map(|w| {
            let world =
                World::generate(params, scenario.seed, u64::from(w), Purpose::Calibration, scenario.warmup_days, Arc::clone(rate));
            let (_, history) = warm_up(&world, scenario)?;
            Ok((world, history))
        })
        .collect::<Result<_, SimError>>()?;
    // Pool rows; send ids and caption ids are made distinct per world by offsets.
    let first = &worlds[0].0;
    let mut pooled_world = first.clone();
    let mut rows = Vec::new();
    let (mut caption_offset, mut send_offset) = (0u32, 0u64);
    for (i, (world, history)) in worlds.iter().enumerate() {
        if i > 0 {
            pooled_world.captions.extend_from_slice(&world.captions);
        }
        rows.extend(history.iter().map(|o| Outcome {
            caption: o.caption + caption_offset,
            send_id: o.send_id + send_offset,
            ..*o
        }));
        caption_offset += world.captions.len() as u32;
        send_offset += history.last().map_or(0, |o| o.send_id + 1);
    }
    Ok(Kpis::from_outcomes(&pooled_world, &rows))
}

/// Fits `base_logit`, `quality_skew`, `bg_fraction` and `price_scale` (see module docs).
pub fn calibrate(scenario: &Scenario, progress: &dyn Progress) -> Result<(WorldParams, CalibrationReport), SimError> {
    let target = &scenario.calibration;
    let mut p = scenario.world.clone();
    let rate = Arc::new(ExpectedRate::new(p.overdispersion_sd));
    progress.stage("calibration", u64::from(target.max_rounds) + 1);
    let mut previous: Option<(f64, f64)> = None; // (κ, success rate)
    let mut rounds = 0;
    let mut converged = false;
    let mut kpis = evaluate(scenario, &p, &rate)?;
    while rounds < target.max_rounds {
        rounds += 1;
        progress.advance(1);
        let within = (kpis.conversion_rate - target.conversion_rate).abs() <= TOLERANCE_CONVERSION_RATE / 3.0
            && (kpis.bg_share - target.bg_share).abs() <= TOLERANCE_BG_SHARE / 3.0
            && (kpis.caption_success_rate - target.caption_success_rate).abs() <= TOLERANCE_CAPTION_SUCCESS / 3.0;
        if within {
            converged = true;
            break;
        }
        p.base_logit += logit(target.conversion_rate) - logit(kpis.conversion_rate);
        p.bg_fraction = if kpis.bg_share > 0.0 {
            (p.bg_fraction * target.bg_share / kpis.bg_share).clamp(1e-4, 0.9)
        } else {
            (p.bg_fraction * 2.0).clamp(1e-4, 0.9)
        };
        let gap = kpis.caption_success_rate - target.caption_success_rate;
        let step = match previous {
            Some((k0, s0)) if (kpis.caption_success_rate - s0).abs() > 1e-3 && (p.quality_skew - k0).abs() > 1e-6 => {
                let slope = (kpis.caption_success_rate - s0) / (p.quality_skew - k0);
                if slope < 0.0 { -gap / slope } else { gap }
            }
            _ => gap * 2.0,
        };
        previous = Some((p.quality_skew, kpis.caption_success_rate));
        p.quality_skew = (p.quality_skew + step.clamp(-0.5, 0.5)).clamp(0.0, 3.0);
        kpis = evaluate(scenario, &p, &rate)?;
    }
    if kpis.revenue_per_send > 0.0 {
        p.price_scale *= target.revenue_per_send / kpis.revenue_per_send;
        kpis = evaluate(scenario, &p, &rate)?;
    }
    progress.advance(1);
    let report = CalibrationReport {
        rounds,
        converged,
        base_logit: p.base_logit,
        quality_skew: p.quality_skew,
        bg_fraction: p.bg_fraction,
        price_scale: p.price_scale,
        achieved: kpis,
    };
    Ok((p, report))
}

/// A replicate's world after its scales were refitted, with the warm-up it ran.
#[derive(Debug, Clone)]
pub struct CalibratedWorld {
    /// The world, with its own `base_logit` and `price_scale`.
    pub world: World,
    /// State at deployment.
    pub state: crate::world::WorldState,
    /// Warm-up history rows.
    pub history: Vec<Outcome>,
    /// Incumbent KPIs over the warm-up.
    pub kpis: Kpis,
    /// Warm-ups run to fit the scales.
    pub rounds: u32,
}

/// Most warm-ups spent refitting one world's scales.
const WORLD_MAX_ROUNDS: u32 = 8;

/// Generates replicate world `replicate` from `params` and refits its intercept and price
/// scale on its own warm-up until its conversion rate is within a tenth of the tolerance and
/// its revenue per send within 0.5 % (module docs). With calibration off, generates the world
/// and runs its warm-up once.
pub fn calibrate_world(
    scenario: &Scenario,
    params: &WorldParams,
    rate: &Arc<ExpectedRate>,
    replicate: u64,
) -> Result<CalibratedWorld, SimError> {
    let target = &scenario.calibration;
    let total_days = scenario.warmup_days + scenario.days;
    let mut p = params.clone();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let world = World::generate(&p, scenario.seed, replicate, Purpose::World, total_days, Arc::clone(rate));
        let (state, history) = warm_up(&world, scenario)?;
        let kpis = Kpis::from_outcomes(&world, &history);
        let cr_ok = (kpis.conversion_rate - target.conversion_rate).abs() <= TOLERANCE_CONVERSION_RATE / 10.0;
        let rps_ok = (kpis.revenue_per_send / target.revenue_per_send - 1.0).abs() <= 0.005;
        if !target.enabled || rounds >= WORLD_MAX_ROUNDS || (cr_ok && rps_ok) || history.is_empty() {
            return Ok(CalibratedWorld { world, state, history, kpis, rounds });
        }
        if !cr_ok {
            p.base_logit += logit(target.conversion_rate) - logit(kpis.conversion_rate);
        }
        p.price_scale *= target.revenue_per_send / kpis.revenue_per_send;
    }
}
