//! The saturation score ranks captions by their true wear and fatigue, on simulated history
//! where the truth is known.

use eros_sim::policy::rules::{Eligibility, Retirement};
use eros_sim::policy::{self, PolicyContext};
use eros_sim::scenario::{Cadence, PolicyKind, PolicySettings, RulesParams, WorldParams};
use eros_sim::score::conversion::{BetaPrior, Counts};
use eros_sim::score::saturation::{WINDOW_SENDS, saturation, spearman};
use eros_sim::sim::feedback::FeedbackQueue;
use eros_sim::sim::trajectory::{HistorySink, Trajectory};
use eros_sim::streams::{Purpose, stream};
use eros_sim::world::response::ExpectedRate;
use eros_sim::world::{World, WorldState};
use std::collections::BTreeMap;
use std::sync::Arc;

/// (score, true logit decline) of every caption with at least 2·WINDOW_SENDS sends after a
/// history of `days` under the incumbent.
fn scores_and_truth(p: &WorldParams, days: u32, recent_use_days: u32) -> (Vec<f64>, Vec<f64>) {
    let world = World::generate(p, 9, 0, Purpose::World, days, Arc::new(ExpectedRate::new(p.overdispersion_sd)));
    let ctx = PolicyContext::of(&world);
    let mut t = Trajectory {
        world: &world,
        eligibility: Eligibility::new(&RulesParams { recent_use_days, urgency_cap: None, ..RulesParams::default() }),
        state: WorldState::new(&world),
        policy: policy::build(PolicyKind::Incumbent, "incumbent", &ctx, &PolicySettings::default()),
        rng: stream(9, 0, Purpose::Policy, &[]),
        queue: FeedbackQueue::new(Cadence::Weekly),
        with_truth: false,
        next_send_id: 0,
        retirement: Retirement::new(&world, &RulesParams::default()),
    };
    let mut sink = HistorySink::default();
    t.run(0..days, &mut sink).expect("run");
    // Slot-level sends per caption in time order, and each creator's pooled rate.
    let mut per_caption: BTreeMap<u32, Vec<Counts>> = BTreeMap::new();
    let mut last_send = BTreeMap::new();
    let mut last_time = BTreeMap::new();
    let mut creator_totals = vec![Counts::default(); world.creators.len()];
    for o in &sink.rows {
        let sends = per_caption.entry(o.caption).or_default();
        if last_send.insert(o.caption, o.send_id) != Some(o.send_id) {
            sends.push(Counts::default());
        }
        last_time.insert(o.caption, o.sent_at);
        if let Some(s) = sends.last_mut() {
            s.conversions += f64::from(o.conversions);
            s.reach += f64::from(o.reach);
        }
        let c = &mut creator_totals[o.creator as usize];
        c.conversions += f64::from(o.conversions);
        c.reach += f64::from(o.reach);
    }
    let totals: Vec<Counts> = per_caption
        .values()
        .map(|s| {
            s.iter().fold(Counts::default(), |a, c| Counts {
                conversions: a.conversions + c.conversions,
                reach: a.reach + c.reach,
            })
        })
        .collect();
    let strength = BetaPrior::fit_pooled(&totals).strength;
    let (mut score, mut truth) = (Vec::new(), Vec::new());
    for (&c, sends) in per_caption.iter().filter(|(_, s)| s.len() >= 2 * WINDOW_SENDS) {
        let creator = world.captions[c as usize].creator as usize;
        let baseline = creator_totals[creator].conversions / creator_totals[creator].reach;
        score.push(saturation(sends, baseline, strength));
        // True decline in logit units when the caption was last sent (the state its last
        // sends saw): permanent wear plus the fatigue its earlier sends left, over cohorts.
        let k = world.cohort_count();
        let at = last_time[&c];
        let fatigue: f64 = (0..k).map(|cohort| t.state.fatigue_at(&world, c, cohort, at) - 1.0).sum::<f64>() / k as f64;
        truth.push(t.state.wear[c as usize] + p.fatigue_effect * fatigue);
    }
    (score, truth)
}

#[test]
fn saturation_ranks_captions_by_true_wear_and_fatigue() {
    // Strong wear and daily re-sends make wear the dominant difference between captions;
    // effects that change a caption's rate for other reasons (time of day, urgency overuse)
    // are switched off, so that the truth is wear and fatigue alone.
    let p = WorldParams {
        creators: 8,
        wear_per_send: 0.05,
        fatigue_effect: 0.3,
        hour_effect: 0.0,
        weekend_effect: 0.0,
        urgency_overuse_penalty: 0.0,
        trigger_effect: 0.0,
        urgency_churn_per_day: 0.0,
        ..WorldParams::default()
    };
    let (score, truth) = scores_and_truth(&p, 120, 1);
    assert!(score.len() > 100, "{} captions with enough sends", score.len());
    let rho = spearman(&score, &truth);
    eprintln!("saturation vs true decline: Spearman ρ = {rho:.3} over {} captions", score.len());
    assert!(rho > 0.4, "Spearman ρ = {rho:.3} over {} captions", score.len());
}
