//! Regret and lift behave as bandit theory says they must, in worlds with known truth.

mod common;
use common::{policy, small, summarize};

#[test]
fn oracle_regret_is_exactly_zero() {
    let s = summarize(&small(""));
    let o = policy(&s, "oracle");
    assert_eq!(o.regret.mean, 0.0);
    assert_eq!(o.relative_regret.mean, 0.0);
    assert_eq!((o.regret.lo, o.regret.hi), (Some(0.0), Some(0.0)));
    // Everyone else pays some regret.
    for p in ["random", "incumbent", "plain_ts"] {
        assert!(policy(&s, p).regret.mean > 0.0, "{p}");
    }
}

#[test]
fn random_has_far_larger_relative_regret_than_plain_ts() {
    let s = summarize(&small(""));
    let random = policy(&s, "random").relative_regret;
    let ts = policy(&s, "plain_ts").relative_regret;
    // Intervals do not overlap and random's regret is at least twice TS's.
    assert!(random.lo.expect("6 replicates") > ts.hi.expect("6 replicates"), "{random:?} vs {ts:?}");
    assert!(random.mean > 2.0 * ts.mean, "{random:?} vs {ts:?}");
}

/// A stationary bandit from a cold start: no inflow, wear, fatigue or recent-use exclusion,
/// so that the best caption stays the best and TS can only learn.
fn stationary(days: u32) -> eros_sim::scenario::Scenario {
    let mut s = common::scenario(&format!(
        "name = \"stationary\"\nseed = 3\nreplicates = 6\ndays = {days}\nwarmup_days = 0\ncold_start = true\n\
         baseline = \"plain_ts\"\n[[policies]]\nname = \"plain_ts\"\n[[policies]]\nname = \"oracle\"\n\
         [world]\ncreators = 6\nbank_min = 30\nbank_max = 30\nnew_captions_per_week_min = 0\n\
         new_captions_per_week_max = 0\nwear_per_send = 0.0\nfatigue_effect = 0.0\nurgency_overuse_penalty = 0.0\n\
         trigger_effect = 0.0\nbase_logit = -3.4\n[rules]\nrecent_use_days = 0\n[calibration]\nenabled = false\n"
    ));
    s.world.urgency_churn_per_day = 0.0;
    s
}

#[test]
fn plain_ts_relative_regret_falls_as_the_horizon_grows() {
    let short = policy(&summarize(&stationary(7)), "plain_ts").relative_regret;
    let long = policy(&summarize(&stationary(84)), "plain_ts").relative_regret;
    assert!(long.hi.expect("replicates") < short.lo.expect("replicates"), "short {short:?}, long {long:?}");
}

/// Non-inferiority margin: "does no worse" means the 95 % interval of the lift lies above −2 %.
const NON_INFERIORITY_MARGIN: f64 = -0.02;

#[test]
fn plain_ts_with_daily_feedback_does_no_worse_than_the_weekly_incumbent() {
    // With a 7-day recent-use exclusion a caption's own feedback arrives before it can be
    // sent again under either cadence, so the two differ only through the other captions'
    // fresher data. Over seeds 1–5 the lift stayed within ±1 % (once significantly −0.3 %),
    // hence a non-inferiority test rather than a test of no difference.
    let s = summarize(&small(""));
    let lift = policy(&s, "plain_ts").lift_vs_baseline;
    assert!(lift.lo.expect("replicates") > NON_INFERIORITY_MARGIN, "plain_ts is worse than the margin: {lift:?}");
}

#[test]
fn daily_feedback_beats_weekly_when_captions_can_be_resent_within_the_week() {
    // With a 1-day exclusion the weekly learner keeps re-sending captions whose poor
    // results it has not yet seen.
    // The gain varies a lot between small worlds: 12 creators, 16 replicates and 8 weeks give
    // the power (over seeds 1–6 the lift was +5 % to +7 %, every lower bound above +3 %).
    let mut scenario = small("[rules]\nrecent_use_days = 1");
    scenario.world.creators = 12;
    scenario.replicates = 16;
    scenario.days = 56;
    let s = summarize(&scenario);
    let lift = policy(&s, "plain_ts").lift_vs_baseline;
    assert!(lift.lo.expect("replicates") > 0.0, "{lift:?}");
}

#[test]
fn lift_by_tier_splits_revenue_over_every_creator_once() {
    let scenario = small("");
    let run = eros_sim::sim::run(&scenario, &eros_sim::sim::NoProgress).expect("run");
    for r in &run.replicates {
        assert_eq!(r.tiers.len(), scenario.world.creators as usize);
        for m in &r.policies {
            let total: f64 = m.revenue_by_creator.iter().sum();
            assert!((total / m.revenue - 1.0).abs() < 1e-12, "{total} vs {}", m.revenue);
        }
    }
    let s = eros_sim::sim::summary::summarize(&run);
    let tiers = |p: &str| policy(&s, p).lift_by_tier.values();
    assert!(tiers("incumbent").iter().all(|i| i.mean == 0.0), "the baseline's own lift is 0 in every tier");
    assert!(tiers("random").iter().all(|i| i.hi.expect("replicates") < 0.0), "random loses in every tier");
}
