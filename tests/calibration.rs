//! Calibration: with the fitted scales, the incumbent over the warm-up history reproduces the
//! seed's baselines on worlds that calibration never saw (the replicates' worlds).

use eros_sim::domain::Outcome;
use eros_sim::scenario::{self, Scenario, WorldParams};
use eros_sim::sim::kpi::Kpis;
use eros_sim::sim::{warm_up, NoProgress};
use eros_sim::streams::Purpose;
use eros_sim::world::calibration::{self, *};
use eros_sim::world::response::ExpectedRate;
use eros_sim::world::World;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Held-out worlds pooled per check.
const HELD_OUT: u64 = 4;

fn baseline() -> Scenario {
    scenario::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml"))).expect("baseline scenario")
}

/// KPIs of the incumbent's warm-up, pooled over the first replicate worlds of the baseline
/// scenario, under the calibrated parameters (computed once for all tests here).
fn held_out() -> &'static (WorldParams, Kpis) {
    static CACHE: OnceLock<(WorldParams, Kpis)> = OnceLock::new();
    CACHE.get_or_init(|| {
        let s = baseline();
        let (params, report) = calibration::calibrate(&s, &NoProgress).expect("calibration");
        assert!(report.converged, "{report:?}");
        let rate = Arc::new(ExpectedRate::new(params.overdispersion_sd));
        let mut pooled: Option<World> = None;
        let mut rows: Vec<Outcome> = Vec::new();
        for r in 0..HELD_OUT {
            let w = World::generate(&params, s.seed, r, Purpose::World, s.warmup_days, Arc::clone(&rate));
            let (_, history) = warm_up(&w, &s).expect("warm-up");
            let (offset, send_offset) = match &pooled {
                Some(p) => (p.captions.len() as u32, rows.last().map_or(0, |o| o.send_id + 1)),
                None => (0, 0),
            };
            rows.extend(history.iter().map(|o| Outcome { caption: o.caption + offset, send_id: o.send_id + send_offset, ..*o }));
            match &mut pooled {
                Some(p) => p.captions.extend_from_slice(&w.captions),
                None => pooled = Some(w),
            }
        }
        let world = pooled.expect("at least one world");
        (params, Kpis::from_outcomes(&world, &rows))
    })
}

#[test]
fn calibrated_conversion_rate_is_4_28_percent_within_0_15_pp() {
    let k = held_out().1;
    assert!((k.conversion_rate - 0.0428).abs() <= TOLERANCE_CONVERSION_RATE, "{k:?}");
}

#[test]
fn calibrated_revenue_per_send_is_0_013_within_5_percent() {
    let k = held_out().1;
    assert!((k.revenue_per_send / 0.013 - 1.0).abs() <= TOLERANCE_REVENUE_PER_SEND, "{k:?}");
}

#[test]
fn calibrated_caption_success_rate_is_37_percent_within_3_pp() {
    let k = held_out().1;
    assert!((k.caption_success_rate - 0.37).abs() <= TOLERANCE_CAPTION_SUCCESS, "{k:?}");
}

#[test]
fn calibrated_bg_share_is_3_percent_within_1_pp() {
    let k = held_out().1;
    assert!((k.bg_share - 0.03).abs() <= TOLERANCE_BG_SHARE, "{k:?}");
}

#[test]
fn calibration_moves_the_scales_away_from_their_starting_values() {
    // The fit is a routine, not a lookup: a different target gives a different intercept.
    let mut s = baseline();
    s.calibration.conversion_rate = 0.02;
    s.calibration.max_rounds = 4;
    let (low, _) = calibration::calibrate(&s, &NoProgress).expect("calibration");
    assert!(low.base_logit < held_out().0.base_logit - 0.3, "{} vs {}", low.base_logit, held_out().0.base_logit);
}
