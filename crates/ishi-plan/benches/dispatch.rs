//! 医師派遣調整 (SPEC P7) at national scale on SYNTHETIC data: the 330 二次医療圏 in 47 三次医療圏 of
//! `ishi-synth`, designated here at random (三次医療圏 16 多数 / 15 中程度 / 16 少数, 二次医療圏 about a third
//! each), 40 医師少数地区 rows inside non-少数 areas, synthetic supply and demand, and the **full legal
//! graph**: a cost for every move [`check_move`] allows, the straight-line distance in km between
//! synthetic coordinates.
//!
//! Target (one core, release): one exact solve ≤ 20 ms.
//!
//! Run: `cargo bench -p ishi-plan --bench dispatch`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ishi_plan::Designation;
use ishi_plan::dispatch::{DispatchArea, DispatchKind, PairCost, check_move, default_costs, dispatch};
use ishi_synth::{SYNTHETIC_LABEL, SplitMix64, SynthConfig, generate};

/// Rows, cost pairs of the full legal graph.
fn nation(seed: u64) -> (Vec<DispatchArea>, Vec<PairCost>) {
    let synth = generate(&SynthConfig { seed, physicians: 0, flows: false, ..Default::default() });
    let areas = &synth.inputs.areas;
    let mut rng = SplitMix64::new(seed);

    // 三次医療圏: 16 / 15 / 16 by a shuffled order, as rank mode gives for 47.
    let n_tertiary = areas.tertiary.len();
    let mut order: Vec<usize> = (0..n_tertiary).collect();
    for i in (1..n_tertiary).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut tertiary_designation = vec![Designation::Intermediate; n_tertiary];
    for (rank, &t) in order.iter().enumerate() {
        if rank < 16 {
            tertiary_designation[t] = Designation::Abundant;
        } else if rank >= n_tertiary - 16 {
            tertiary_designation[t] = Designation::Scarce;
        }
    }
    let centre: Vec<(f64, f64)> = (0..n_tertiary).map(|_| (rng.range(0.0, 1500.0), rng.range(0.0, 1500.0))).collect();
    let tertiary_index = |code: &ishi_plan::AreaCode| areas.tertiary.iter().position(|t| &t.code == code).unwrap();

    let amount = |rng: &mut SplitMix64, lo: usize, hi: usize| (lo + rng.below(hi - lo + 1)) as u32;
    let mut rows = vec![];
    let mut place = vec![];
    for secondary in &areas.secondary {
        let t = tertiary_index(&secondary.tertiary);
        let kind = [DispatchKind::Abundant, DispatchKind::Intermediate, DispatchKind::Scarce][rng.below(3)];
        let row = DispatchArea::new(secondary.code.clone(), secondary.tertiary.clone(), kind, tertiary_designation[t]);
        rows.push(match kind {
            DispatchKind::Abundant => row.with_supply(amount(&mut rng, 5, 40)),
            DispatchKind::Scarce => row.with_demand(amount(&mut rng, 5, 40)),
            _ => row.with_demand(amount(&mut rng, 0, 15)),
        });
        place.push((centre[t].0 + rng.range(-60.0, 60.0), centre[t].1 + rng.range(-60.0, 60.0)));
    }
    let mut districts = 0;
    while districts < 40 {
        let parent = rng.below(areas.secondary.len());
        if rows[parent].kind == DispatchKind::Scarce || rows[parent].code.as_str().contains('-') {
            continue;
        }
        districts += 1;
        let row = DispatchArea::new(
            ishi_plan::AreaCode::new(format!("{}-{districts:02}", rows[parent].code)),
            rows[parent].tertiary.clone(),
            DispatchKind::ScarceDistrict,
            rows[parent].tertiary_designation,
        );
        rows.push(row.with_demand(amount(&mut rng, 1, 5)));
        place.push((place[parent].0 + rng.range(-15.0, 15.0), place[parent].1 + rng.range(-15.0, 15.0)));
    }
    let mut costs = vec![];
    for (i, from) in rows.iter().enumerate() {
        for (j, to) in rows.iter().enumerate() {
            if check_move(from, to).is_ok() {
                let km = ((place[i].0 - place[j].0).powi(2) + (place[i].1 - place[j].1).powi(2)).sqrt();
                costs.push(PairCost { from: from.code.clone(), to: to.code.clone(), cost: km.round() as i64 });
            }
        }
    }
    (rows, costs)
}

fn national(c: &mut Criterion) {
    let (areas, costs) = nation(2024);
    let plan = dispatch(&areas, &costs).expect("synthetic input is valid");
    let count = |kind| areas.iter().filter(|a| a.kind == kind).count();
    eprintln!(
        "{SYNTHETIC_LABEL}: {} rows ({} 多数, {} 中程度, {} 少数, {} 少数地区), {} legal pairs; supply {}, demand {}; \
         served 少数 {}, 中程度 {}, total cost {} km, {} flows, {} unmet",
        areas.len(),
        count(DispatchKind::Abundant),
        count(DispatchKind::Intermediate),
        count(DispatchKind::Scarce),
        count(DispatchKind::ScarceDistrict),
        costs.len(),
        areas.iter().map(|a| if a.kind == DispatchKind::Abundant { a.supply } else { 0 }).sum::<u32>(),
        areas.iter().map(|a| if a.kind == DispatchKind::Abundant { 0 } else { a.demand }).sum::<u32>(),
        plan.served_scarce,
        plan.served_intermediate,
        plan.total_cost,
        plan.flows.len(),
        plan.unmet.len(),
    );
    let mut group = c.benchmark_group("dispatch");
    group.bench_function("national_330_full_legal_graph (SYNTHETIC)", |b| {
        b.iter(|| dispatch(black_box(&areas), black_box(&costs)).unwrap())
    });
    let defaults = default_costs(&areas).unwrap();
    group.bench_function("national_330_default_costs (SYNTHETIC)", |b| {
        b.iter(|| dispatch(black_box(&areas), black_box(&defaults)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
