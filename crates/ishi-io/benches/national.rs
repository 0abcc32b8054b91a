//! Raw-mode national pipeline at national scale on SYNTHETIC data (ishi-synth): 340,000 physician
//! records over 330 二次医療圏 in 47 三次医療圏, population by area × sex × 5-year band.
//!
//! Targets (issue 2, one core, release): aggregation + index + designation of all areas and
//! prefectures ≤ 50 ms; with reading the CSV inputs ≤ 300 ms.
//!
//! Run: `cargo bench -p ishi-io --bench national`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ishi_io::raw_files::{read_raw_dir, write_raw_dir};
use ishi_plan::designation::{AreaIndex, designate};
use ishi_plan::raw::{RawIndexes, compute, tally};
use ishi_plan::{Level, RuleEdition};
use ishi_synth::{SYNTHETIC_LABEL, SynthConfig, generate};

fn designate_both(r: &RawIndexes, areas: &ishi_plan::raw::AreaSet, edition: &RuleEdition) -> (usize, usize) {
    let sec: Vec<AreaIndex> = areas
        .secondary
        .iter()
        .zip(&r.secondary)
        .map(|(a, p)| AreaIndex { code: a.code.clone(), index: p.index })
        .collect();
    let ter: Vec<AreaIndex> = areas
        .tertiary
        .iter()
        .zip(&r.tertiary)
        .map(|(a, p)| AreaIndex { code: a.code.clone(), index: p.index })
        .collect();
    let s = designate(&sec, &edition.threshold_rule(Level::Secondary)).expect("designation");
    let t = designate(&ter, &edition.threshold_rule(Level::Tertiary)).expect("designation");
    (s.areas.len(), t.areas.len())
}

fn national(c: &mut Criterion) {
    let edition = RuleEdition::builtin("2024").unwrap();
    let nation = generate(&SynthConfig::default());
    assert_eq!(nation.records.len(), 340_000);

    let mut group = c.benchmark_group("national");
    group.sample_size(30);
    group.bench_function("aggregate+index+designate (340k records, 330+47 areas)", |b| {
        b.iter(|| {
            let t = tally(&nation.inputs.areas, black_box(&nation.records), &edition);
            let r = compute(&nation.inputs, &t, &edition).unwrap();
            black_box(designate_both(&r, &nation.inputs.areas, &edition))
        })
    });

    let dir = tempfile::tempdir().unwrap();
    write_raw_dir(dir.path(), &nation.inputs, &nation.records, None, SYNTHETIC_LABEL).unwrap();
    group.sample_size(10);
    group.bench_function("read CSV + aggregate+index+designate", |b| {
        b.iter(|| {
            let bundle = read_raw_dir(dir.path()).unwrap();
            let t = bundle.tally(&edition);
            let r = compute(&bundle.inputs, &t, &edition).unwrap();
            black_box(designate_both(&r, &bundle.inputs.areas, &edition))
        })
    });
    group.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
