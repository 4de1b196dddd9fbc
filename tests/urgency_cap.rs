//! The urgency cap is a shared rule: whatever the policy, no cohort ever receives more than K
//! urgency captions in any rolling 7 days.

use eros_sim::domain::{MINUTES_PER_DAY, Trigger};
use eros_sim::policy::rules::{Eligibility, Retirement};
use eros_sim::policy::{self, PolicyContext};
use eros_sim::scenario::{Cadence, PolicyKind, PolicySettings, RulesParams, WorldParams};
use eros_sim::sim::feedback::FeedbackQueue;
use eros_sim::sim::trajectory::{HistorySink, Trajectory};
use eros_sim::streams::{Purpose, stream};
use eros_sim::world::response::ExpectedRate;
use eros_sim::world::{World, WorldState};
use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn no_policy_ever_exceeds_the_urgency_cap(
        cap in 1u32..=3,
        seed in 0u64..1_000,
        kind in prop::sample::select(vec![
            PolicyKind::Random, PolicyKind::Oracle, PolicyKind::PlainTs, PolicyKind::Incumbent,
            PolicyKind::ContextualTs, PolicyKind::SegmentedTs, PolicyKind::PersonalizedTs,
        ]),
    ) {
        // Half the captions use urgency, so an uncapped policy would exceed any cap.
        let p = WorldParams { creators: 3, bank_min: 40, bank_max: 60, trigger_probability: 0.5, ..WorldParams::default() };
        let days = 21;
        let world = World::generate(&p, seed, 0, Purpose::World, days, Arc::new(ExpectedRate::new(p.overdispersion_sd)));
        let ctx = PolicyContext::of(&world);
        let mut t = Trajectory {
            world: &world,
            eligibility: Eligibility::new(&RulesParams { recent_use_days: 1, urgency_cap: Some(cap), ..RulesParams::default() }),
            state: WorldState::new(&world),
            policy: policy::build(kind, "p", &ctx, &PolicySettings::default()),
            rng: stream(seed, 0, Purpose::Policy, &[]),
            queue: FeedbackQueue::new(Cadence::Daily),
            with_truth: false,
            next_send_id: 0,
            retirement: Retirement::new(&world, &RulesParams::default()),
        };
        let mut sink = HistorySink::default();
        t.run(0..days, &mut sink).expect("run");
        let mut urgent: HashMap<(u32, u8), Vec<u32>> = HashMap::new();
        for o in sink.rows.iter().filter(|o| world.captions[o.caption as usize].triggers.has(Trigger::Urgency)) {
            urgent.entry((o.creator, o.cohort)).or_default().push(o.sent_at.0);
        }
        prop_assert!(!urgent.is_empty(), "the test world sends urgency captions");
        for (key, times) in &urgent {
            for &t in times {
                let in_window = times.iter().filter(|&&s| s <= t && t - s < 7 * MINUTES_PER_DAY).count();
                prop_assert!(in_window as u32 <= cap, "{key:?}: {in_window} urgency sends in 7 days at minute {t}, cap {cap}");
            }
        }
    }
}
