//! 医師供給推計 (SPEC P5.3) at national scale on SYNTHETIC cohorts (`ishi_synth::supply`): 47 prefectures,
//! 2 sexes × 60 cohorts (医籍登録後年数), five biennial surveys 2014–2022 (four observation windows),
//! 地域枠 physicians in the young cohorts, seven secondary areas each, a macro projection to scale to.
//!
//! Targets (one core, release): 10,000 stochastic projections to 2036 ≤ 1 s — about 790 million
//! cohort-years of the 2 × 60-cohort tables, plus the 地域枠 tables — and the deterministic projection
//! a small fraction of that.
//!
//! Run: `cargo bench -p ishi-plan --bench supply_projection`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ishi_plan::supply::{StochasticOptions, SupplyOptions, SupplyRules, project, project_stochastic};

fn supply(c: &mut Criterion) {
    let rules = SupplyRules::builtin();
    let input = ishi_synth::supply::synthetic_supply(2036);
    let options = SupplyOptions::new(&rules);
    assert_eq!(options.horizon, 2036);

    let mut group = c.benchmark_group("supply_projection (SYNTHETIC)");
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("deterministic: 47 prefectures × 4 windows, 2022 → 2036", |b| {
        b.iter(|| black_box(project(black_box(&input), &options, &rules).unwrap()))
    });
    group.sample_size(10);
    let stochastic = StochasticOptions::new(10_000, 20_361_231, &rules);
    group.bench_function("stochastic: 10,000 runs × 47 prefectures, 2022 → 2036", |b| {
        b.iter(|| black_box(project_stochastic(black_box(&input), &options, &stochastic, &rules).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, supply);
criterion_main!(benches);
