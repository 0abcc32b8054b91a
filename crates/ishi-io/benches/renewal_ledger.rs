//! Reading the renewal roster and ledger at scale: 20,000 specialists × 50 activities = 1,000,000
//! ledger rows of made-up activities (a mix of kinds, Japanese details, evidence on most rows), as CSV.
//!
//! Target (renewal issue, one core, release): 10M rows read + evaluated + written at ≥ 2M rows/s end
//! to end, so reading must stay well under 300 ns a row. Figures are in the issue notes.
//!
//! Run: `cargo bench -p ishi-io --bench renewal_ledger`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ishi_io::renewal_import::{LedgerText, read_membership};

const SPECIALISTS: usize = 20_000;
const PER_SPECIALIST: usize = 50;

/// Writes `specialists.csv` and `ledger.csv` (grouped by specialist when `grouped`, else interleaved).
fn write_files(dir: &Path, grouped: bool) {
    let mut roster =
        String::from("specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n");
    for s in 0..SPECIALISTS {
        writeln!(roster, "S{s:06},合成 専門医{s},{},2025,2020-04-01,2025-03-31", s % 4).unwrap();
    }
    std::fs::write(dir.join("specialists.csv"), roster).unwrap();
    let mut ledger = String::from("specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n");
    let mut row = |s: usize, k: usize| {
        let date = format!("{}-{:02}-{:02}", 2020 + k % 5, 1 + (k * 7 + s) % 12, 1 + (k * 13 + s) % 28);
        let (kind, detail, quantity, role, e_learning) = match k {
            0..20 => ("case_operation", "唇裂形成術", "", "", ""),
            20..23 => ("common_lecture", ["医療安全", "感染対策", "医療倫理"][k - 20], "1", "", ""),
            23..38 => {
                ("specialty_lecture", "形成外科領域講習", if k.is_multiple_of(2) { "1.5" } else { "1" }, "", "false")
            }
            38..45 => ("meeting_attendance", if k.is_multiple_of(3) { "national" } else { "regional" }, "", "", ""),
            45..48 => ("paper", "coauthor", "1", "", ""),
            _ => ("presentation", "first_presenter", "", "", ""),
        };
        let evidence = if k % 5 == 4 { String::new() } else { format!("E{s}-{k}") };
        writeln!(ledger, "S{s:06},{date},{kind},{detail},{quantity},{role},true,{e_learning},{evidence}").unwrap();
    };
    if grouped {
        (0..SPECIALISTS).for_each(|s| (0..PER_SPECIALIST).for_each(|k| row(s, k)));
    } else {
        (0..PER_SPECIALIST).for_each(|k| (0..SPECIALISTS).for_each(|s| row(s, k)));
    }
    std::fs::write(dir.join("ledger.csv"), ledger).unwrap();
}

fn renewal_ledger(c: &mut Criterion) {
    let rows = (SPECIALISTS * PER_SPECIALIST) as u64;
    let mut group = c.benchmark_group("renewal_ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows));
    for (grouped, name) in [(true, "grouped"), (false, "interleaved")] {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), grouped);
        let (roster, ledger) = (dir.path().join("specialists.csv"), dir.path().join("ledger.csv"));
        let m = read_membership(&roster, &ledger, LedgerText::Drop).unwrap();
        assert_eq!(m.activities.len(), rows as usize);
        group.bench_function(format!("read 1M ledger rows, {name}, text dropped"), |b| {
            b.iter(|| black_box(read_membership(&roster, &ledger, LedgerText::Drop).unwrap()))
        });
        if grouped {
            group.bench_function("read 1M ledger rows, grouped, text kept", |b| {
                b.iter(|| black_box(read_membership(&roster, &ledger, LedgerText::Keep).unwrap()))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, renewal_ledger);
criterion_main!(benches);
