//! The renewal at membership scale, end to end: 200,000 SYNTHETIC specialists × 50 activities =
//! 10,000,000 ledger rows read from CSV, every renewal evaluated, the verdicts written as CSV — what
//! `ishi renew check --format csv` does. One thread.
//!
//! Target (renewal issue): ≥ 2M rows/s end to end. Figures are in the issue notes; no thresholds here.
//!
//! Run: `cargo bench -p ishi-io --bench renewal_end_to_end`.

use std::hint::black_box;
use std::io::BufWriter;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ishi_io::renewal_export::EvaluationCsvWriter;
use ishi_io::renewal_import::{LedgerText, read_membership};
use ishi_renewal::{Evaluator, RuleBook};
use ishi_synth::renewal::{MembershipConfig, write_membership};

const SPECIALISTS: usize = 200_000;
const PER_SPECIALIST: usize = 50;

fn end_to_end(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (roster, ledger) = (dir.path().join("specialists.csv"), dir.path().join("ledger.csv"));
    let config =
        MembershipConfig { specialists: SPECIALISTS, activities_per_specialist: PER_SPECIALIST, ..Default::default() };
    let started = Instant::now();
    let stats = write_membership(
        &config,
        BufWriter::new(std::fs::File::create(&roster).unwrap()),
        BufWriter::new(std::fs::File::create(&ledger).unwrap()),
    )
    .unwrap();
    eprintln!(
        "SYNTHETIC membership: {} specialists, {} ledger rows ({:.0} MB) written in {:.1} s",
        stats.specialists,
        stats.ledger_rows,
        std::fs::metadata(&ledger).unwrap().len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let book = RuleBook::builtin();
    let mut group = c.benchmark_group("renewal_end_to_end");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(60));
    group.throughput(Throughput::Elements(stats.ledger_rows as u64));
    group.bench_function("read CSV + evaluate + write verdicts, 10M ledger rows", |b| {
        b.iter(|| {
            let m = read_membership(&roster, &ledger, LedgerText::Drop).unwrap();
            let mut ev = Evaluator::new(&book);
            let mut out = EvaluationCsvWriter::new(Vec::with_capacity(m.specialists.len() * 160)).unwrap();
            for (i, s) in m.specialists.iter().enumerate() {
                let e = ev.evaluate(s, m.ledger(i)).unwrap();
                out.write(&e, s).unwrap();
            }
            black_box(out.finish().unwrap().len())
        })
    });
    group.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
