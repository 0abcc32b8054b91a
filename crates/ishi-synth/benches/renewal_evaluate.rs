//! Evaluation-only benchmark of the renewal engine on a SYNTHETIC membership (ishi-synth):
//! 200,000 specialists × 50 activities = 10 million ledger rows, generated once with
//! `generate_membership`, then evaluated with one `Evaluator` on one thread.
//!
//! Target: ≥ 20 million ledger rows per second. Run: `cargo bench -p ishi-synth --bench renewal_evaluate`.
//! Set `ISHI_BENCH_SPECIALISTS` to evaluate a smaller membership (e.g. while profiling).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use ishi_renewal::{Activity, Evaluator, RuleBook, Specialist, Verdict};
use ishi_synth::SYNTHETIC_LABEL;
use ishi_synth::renewal::{MembershipConfig, generate_membership};

fn evaluate_all(evaluator: &mut Evaluator, specialists: &[Specialist], ledgers: &[Vec<Activity>]) -> [usize; 3] {
    let mut verdicts = [0usize; 3];
    for (s, ledger) in specialists.iter().zip(ledgers) {
        let e = evaluator.evaluate(s, ledger).expect("every synthetic year has an edition");
        verdicts[e.verdict as usize] += 1;
    }
    verdicts
}

fn renewal_evaluate(c: &mut Criterion) {
    let specialists = std::env::var("ISHI_BENCH_SPECIALISTS").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let config = MembershipConfig { specialists, activities_per_specialist: 50, ..Default::default() };
    let (roster, ledgers) = generate_membership(&config);
    let rows: usize = ledgers.iter().map(Vec::len).sum();
    let book = RuleBook::builtin();
    let mut evaluator = Evaluator::new(&book);
    let mix = evaluate_all(&mut evaluator, &roster, &ledgers);
    eprintln!(
        "{SYNTHETIC_LABEL}: {} specialists, {rows} rows; pass {} fail {} review {}",
        roster.len(),
        mix[Verdict::Pass as usize],
        mix[Verdict::Fail as usize],
        mix[Verdict::Review as usize]
    );

    let mut group = c.benchmark_group("renewal");
    // One iteration is about half a second: flat sampling, 10 samples of a few iterations each.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function(format!("evaluate {} specialists × 50 activities (one thread)", roster.len()), |b| {
        b.iter(|| black_box(evaluate_all(&mut evaluator, black_box(&roster), black_box(&ledgers))))
    });
    group.finish();
}

criterion_group!(benches, renewal_evaluate);
criterion_main!(benches);
