//! One whole replicate of the baseline scenario: the world's own calibration (its scales
//! refitted on its warm-up) and every policy over the 180-day horizon. The pooled calibration
//! runs once, outside the measurement.

use criterion::{Criterion, criterion_group, criterion_main};
use eros_sim::scenario;
use eros_sim::sim::{NoProgress, resolve_policies, run_replicate};
use eros_sim::world::calibration::calibrate;
use eros_sim::world::response::ExpectedRate;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn replicate(c: &mut Criterion) {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml"));
    let s = scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let (params, _) = calibrate(&s, &NoProgress).unwrap_or_else(|e| panic!("{e}"));
    let rate = Arc::new(ExpectedRate::new(params.overdispersion_sd));
    let policies = resolve_policies(&s);
    let mut group = c.benchmark_group("baseline");
    group.sample_size(10).measurement_time(Duration::from_secs(40));
    group.bench_function("one_replicate", |b| {
        b.iter(|| black_box(run_replicate(&s, &params, &rate, &policies, 0, &NoProgress).map(|r| r.warmup.sends)))
    });
    group.finish();
}

criterion_group!(benches, replicate);
criterion_main!(benches);
