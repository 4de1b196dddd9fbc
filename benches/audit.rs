//! Audit throughput: rows of `sends.csv` audited per second (one core), on a generated year of
//! the default world (≈ 380,000 rows with the seed's defects).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eros_sim::data::{audit, generate};
use eros_sim::scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn audit_year(c: &mut Criterion) {
    let s = scenario::parse("name = \"bench\"\n[calibration]\nenabled = false\n", Path::new("bench.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("eros-bench-audit-{}", std::process::id()));
    let g = generate::generate_quiet(&s, 365, &dir).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("audit");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).throughput(Throughput::Elements(g.rows));
    group.bench_function("generated_year", |b| b.iter(|| black_box(audit::audit(&dir, None).map(|a| a.rows))));
    group.finish();
}

criterion_group!(benches, audit_year);
criterion_main!(benches);
