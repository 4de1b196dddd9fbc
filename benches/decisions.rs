//! Decisions per second of the learning policies (plain, contextual, segmented and
//! personalised Thompson sampling) at 50, 300 and 2,000 eligible captions; a personalised
//! decision picks a caption for each of the 4 cohorts. `warm`: every eligible caption was sent once to 4,000 fans (the approximate
//! draw). `cold`: the eligible captions were never sent, their posterior is the fitted
//! empirical-Bayes prior (α ≈ 8, β ≈ 150: the exact gamma draw). Throughput is in eligible
//! captions scored.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use eros_sim::domain::{Minute, Outcome};
use eros_sim::policy::{self, Decision, PolicyContext};
use eros_sim::scenario::{PolicyKind, PolicySettings, WorldParams};
use eros_sim::streams::{Purpose, stream};
use eros_sim::world::World;
use eros_sim::world::response::ExpectedRate;
use std::hint::black_box;
use std::sync::Arc;

fn world(bank: u32) -> World {
    let p = WorldParams {
        creators: 1,
        bank_min: bank,
        bank_max: bank,
        new_captions_per_week_max: 0,
        new_captions_per_week_min: 0,
        ..WorldParams::default()
    };
    World::generate(&p, 1, 0, Purpose::World, 7, Arc::new(ExpectedRate::new(p.overdispersion_sd)))
}

/// One send per caption in `captions` to 4,000 fans with 2–8 % converting.
fn feedback(w: &World, captions: std::ops::Range<u32>) -> Vec<Outcome> {
    captions
        .map(|c| Outcome {
            send_id: u64::from(c),
            creator: 0,
            cohort: 0,
            caption: c,
            sent_at: Minute(60),
            reach: 4000,
            conversions: 80 + (c * 37) % 240, // 2 % to 8 %
            price: w.captions[c as usize].price,
            revenue: 0.0,
        })
        .collect()
}

fn bench(c: &mut Criterion, kind: PolicyKind, label: &str) {
    let mut group = c.benchmark_group(label);
    for n in [50u32, 300, 2000] {
        let w = world(2 * n);
        let eligible: Vec<u32> = (0..n).collect();
        let ctx = PolicyContext::of(&w);
        for warm in [true, false] {
            let mut p = policy::build(kind, label, &ctx, &PolicySettings::default());
            // Warm: the eligible half has data. Cold: only the other half has data, which
            // fits the prior the eligible captions draw from.
            p.observe(&feedback(&w, if warm { 0..2 * n } else { n..2 * n }));
            let mut rng = stream(1, 0, Purpose::Policy, &[]);
            group.throughput(Throughput::Elements(u64::from(n)));
            let id = BenchmarkId::new(if warm { "warm" } else { "cold" }, n);
            group.bench_with_input(id, &eligible, |b, eligible| {
                let lists = vec![eligible.clone(); 4];
                let d = Decision {
                    creator: 0,
                    at: Minute(120),
                    eligible,
                    expected_revenue: None,
                    per_cohort: p.personalizes().then_some(lists.as_slice()),
                };
                if p.personalizes() {
                    let mut out = [0; 4];
                    b.iter(|| {
                        p.choose_per_cohort(black_box(&d), &mut rng, &mut out);
                        black_box(out)
                    });
                } else {
                    b.iter(|| black_box(p.choose(black_box(&d), &mut rng)));
                }
            });
        }
    }
    group.finish();
}

fn decisions(c: &mut Criterion) {
    bench(c, PolicyKind::PlainTs, "plain_ts");
    bench(c, PolicyKind::ContextualTs, "contextual_ts");
    bench(c, PolicyKind::SegmentedTs, "segmented_ts");
    bench(c, PolicyKind::PersonalizedTs, "personalized_ts");
}

criterion_group!(benches, decisions);
criterion_main!(benches);
