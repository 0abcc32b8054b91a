//! `ishi renew …`: the renewal engine at the command line.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ishi_calendar::CalendarDate;
use ishi_io::export::write_atomic;
use ishi_io::renewal_export::{BatchSummary, EvaluationCsvWriter, committee_xlsx, evaluation_json, plan_json};
use ishi_io::renewal_import::{LedgerText, Membership, read_membership};
use ishi_renewal::{Evaluation, Evaluator, RenewalEdition, RuleBook, what_is_left};

use crate::cli::{
    BatchArgs, CheckArgs, MembershipArgs, RenewEditionArgs, RenewFormatArg, RenewPlanArgs, RenewSynthArgs,
};
use crate::plan::Log;

/// Today from the system clock: the only clock in ishi, here at the edge.
pub fn today() -> CalendarDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // Japan Standard Time (UTC+9): the society's deadlines are Japanese dates.
    CalendarDate::from_days_since_epoch(((secs + 9 * 3600) / 86_400) as i64)
}

pub fn parse_date(flag: &str, text: &str) -> Result<CalendarDate> {
    CalendarDate::parse(text).with_context(|| format!("--{flag} {text:?} is not a calendar date (YYYY-MM-DD)"))
}

fn read(args: &MembershipArgs, text: LedgerText, log: &Log) -> Result<(Membership, Vec<usize>)> {
    let started = Instant::now();
    let membership = read_membership(&args.specialists, &args.ledger, text)?;
    let chosen: Vec<usize> = match &args.id {
        Some(id) => vec![
            membership
                .find(id)
                .with_context(|| format!("{}: no specialist with specialist_id {id:?}", args.specialists.display()))?,
        ],
        None => (0..membership.specialists.len()).collect(),
    };
    log.info(format!(
        "{} specialists, {} ledger rows read in {:.2} s",
        membership.specialists.len(),
        membership.activities.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok((membership, chosen))
}

/// Writes `bytes` to `--output` atomically, or to stdout.
fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => Ok(write_atomic(path, bytes)?),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}

fn evaluate_all(m: &Membership, chosen: &[usize], book: &RuleBook) -> Result<Vec<Evaluation>> {
    let mut ev = Evaluator::new(book);
    chosen.iter().map(|&i| ev.evaluate(&m.specialists[i], m.ledger(i)).map_err(anyhow::Error::from)).collect()
}

pub fn check(args: &CheckArgs, log: &Log) -> Result<()> {
    let (m, chosen) = read(&args.membership, LedgerText::Drop, log)?;
    let book = RuleBook::builtin();
    let started = Instant::now();
    let bytes = match args.format {
        RenewFormatArg::Csv => {
            let mut ev = Evaluator::new(&book);
            let mut w = EvaluationCsvWriter::new(Vec::with_capacity(chosen.len() * 128))?;
            for &i in &chosen {
                let e = ev.evaluate(&m.specialists[i], m.ledger(i))?;
                w.write(&e, &m.specialists[i])?;
            }
            w.finish()?
        }
        RenewFormatArg::Json => {
            let evaluations = evaluate_all(&m, &chosen, &book)?;
            let list: Vec<_> =
                evaluations.iter().zip(&chosen).map(|(e, &i)| evaluation_json(e, &m.specialists[i])).collect();
            let mut bytes = serde_json::to_vec_pretty(&list)?;
            bytes.push(b'\n');
            bytes
        }
        RenewFormatArg::Table => {
            let evaluations = evaluate_all(&m, &chosen, &book)?;
            let mut out = String::new();
            for (e, &i) in evaluations.iter().zip(&chosen) {
                out.push_str(&ishi_report::renewal_card::render(e, &m.specialists[i], None));
                out.push('\n');
            }
            out.into_bytes()
        }
    };
    log.info(format!("{} renewals evaluated in {:.2} s", chosen.len(), started.elapsed().as_secs_f64()));
    emit(args.output.as_deref(), &bytes)
}

pub fn plan(args: &RenewPlanArgs, log: &Log) -> Result<()> {
    let today = match &args.today {
        Some(t) => parse_date("today", t)?,
        None => today(),
    };
    let (m, chosen) = read(&args.membership, LedgerText::Drop, log)?;
    let book = RuleBook::builtin();
    let mut ev = Evaluator::new(&book);
    let bytes = match args.format {
        RenewFormatArg::Json => {
            let mut list = vec![];
            for &i in &chosen {
                list.push(plan_json(&what_is_left(&mut ev, &m.specialists[i], m.ledger(i), today)?));
            }
            let mut bytes = serde_json::to_vec_pretty(&list)?;
            bytes.push(b'\n');
            bytes
        }
        RenewFormatArg::Table => {
            let mut out = String::new();
            for &i in &chosen {
                let s = &m.specialists[i];
                let e = ev.evaluate(s, m.ledger(i))?;
                let p = what_is_left(&mut ev, s, m.ledger(i), today)?;
                out.push_str(&ishi_report::renewal_card::render(&e, s, Some(&p)));
                out.push('\n');
            }
            out.into_bytes()
        }
        RenewFormatArg::Csv => bail!("--format csv is not available for plans: use json or table"),
    };
    emit(args.output.as_deref(), &bytes)
}

pub fn batch(args: &BatchArgs, log: &Log) -> Result<()> {
    if args.membership.id.is_some() {
        bail!("--id is for one specialist; batch reviews every specialist due in --fiscal-year");
    }
    let (m, _) = read(&args.membership, LedgerText::Drop, log)?;
    let due: Vec<usize> =
        (0..m.specialists.len()).filter(|&i| m.specialists[i].renewal_fiscal_year == args.fiscal_year).collect();
    let book = RuleBook::builtin();
    let evaluations = evaluate_all(&m, &due, &book)?;
    let summary = BatchSummary::of(&evaluations);
    if let Some(path) = &args.output {
        let rows: Vec<_> = evaluations.iter().zip(&due).map(|(e, &i)| (e, &m.specialists[i])).collect();
        let bytes = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xlsx") => committee_xlsx(&rows, &format!("{}年度 専門医更新 判定一覧", args.fiscal_year))?,
            Some("csv") => {
                let mut w = EvaluationCsvWriter::new(Vec::new())?;
                for (e, s) in &rows {
                    w.write(e, s)?;
                }
                w.finish()?
            }
            _ => bail!("--output {}: the committee list is written as .csv or .xlsx", path.display()),
        };
        write_atomic(path, &bytes)?;
        log.info(format!("committee list of {} specialists written to {}", rows.len(), path.display()));
    }
    let bytes = match args.format {
        RenewFormatArg::Json => {
            let mut b = serde_json::to_vec_pretty(&summary.to_json())?;
            b.push(b'\n');
            b
        }
        _ => summary_table(&summary, args.fiscal_year).into_bytes(),
    };
    emit(None, &bytes)
}

fn summary_table(s: &BatchSummary, fy: i32) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{fy}年度 専門医更新 一括審査 — 対象 {} 名", s.specialists);
    let _ = writeln!(out, "\n判定別:");
    for (v, n) in &s.by_verdict {
        let _ = writeln!(out, "  {:<8} {:>8}  ({})", v.key(), n, v.as_ja());
    }
    let _ = writeln!(out, "\n結果別:");
    for (o, n) in &s.by_outcome {
        let _ = writeln!(out, "  {:<18} {:>8}", o.key(), n);
    }
    let _ = writeln!(out, "\n満たさない要件別（該当者数）:");
    if s.by_failing_rule.is_empty() {
        let _ = writeln!(out, "  なし");
    }
    for (r, n) in &s.by_failing_rule {
        let _ = writeln!(out, "  {r:<8} {n:>8}");
    }
    out
}

pub fn edition(args: &RenewEditionArgs) -> Result<()> {
    let e = RenewalEdition::builtin(&args.edition)?;
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", e.id, e.name);
    let _ = writeln!(out, "出典: {}", e.source);
    for (path, value, source) in e.sourced_values() {
        let _ = writeln!(out, "  {path} = {value}\n      出典: {source}");
    }
    let _ = writeln!(out, "\n解釈（決定事項）:");
    for d in &e.decisions {
        let _ = writeln!(out, "  - {d}");
    }
    emit(None, out.as_bytes())
}

pub fn synth(args: &RenewSynthArgs, log: &Log) -> Result<()> {
    use ishi_synth::renewal::{MembershipConfig, write_membership};
    let config = MembershipConfig {
        specialists: args.specialists,
        activities_per_specialist: args.activities,
        seed: args.seed,
        ..MembershipConfig::default()
    };
    config.validate().map_err(anyhow::Error::msg)?;
    std::fs::create_dir_all(&args.output).with_context(|| format!("creating {}", args.output.display()))?;
    let (mut s, mut l) = (Vec::new(), Vec::new());
    let stats = write_membership(&config, &mut s, &mut l)?;
    write_atomic(&args.output.join("specialists.csv"), &s)?;
    write_atomic(&args.output.join("ledger.csv"), &l)?;
    log.info(format!(
        "SYNTHETIC membership written to {}: {} specialists, {} ledger rows (seed {})",
        args.output.display(),
        stats.specialists,
        stats.ledger_rows,
        args.seed
    ));
    if std::io::stderr().is_terminal() {
        log.info("these are generated data, not real specialists");
    }
    Ok(())
}

pub fn forms(args: &crate::cli::FormsArgs, log: &Log) -> Result<()> {
    let prepared_on = match &args.today {
        Some(t) => parse_date("today", t)?,
        None => today(),
    };
    let Some(id) = &args.membership.id else {
        bail!("--id is required: the forms are one specialist's application");
    };
    let (m, chosen) = read(&args.membership, LedgerText::Keep, log)?;
    let i = chosen[0];
    let book = RuleBook::builtin();
    let specialist = &m.specialists[i];
    let evaluation = Evaluator::new(&book).evaluate(specialist, m.ledger(i))?;
    let entries: Vec<ishi_forms::FormEntry> = m
        .ledger(i)
        .iter()
        .zip(m.ledger_texts(i))
        .map(|(a, t)| ishi_forms::FormEntry { activity: *a, detail: &t.detail, evidence: &t.evidence })
        .collect();
    let input = ishi_forms::FormsInput { specialist, evaluation: &evaluation, entries: &entries, prepared_on };
    let xlsx = ishi_forms::forms_xlsx(&input)?;
    let pdf = ishi_forms::forms_pdf(&input)?;
    std::fs::create_dir_all(&args.output).with_context(|| format!("creating {}", args.output.display()))?;
    let stem = file_stem(id);
    let (xlsx_path, pdf_path) =
        (args.output.join(format!("{stem}_様式.xlsx")), args.output.join(format!("{stem}_様式.pdf")));
    write_atomic(&xlsx_path, &xlsx)?;
    write_atomic(&pdf_path, &pdf)?;
    log.info(format!("forms written: {} and {}", xlsx_path.display(), pdf_path.display()));
    Ok(())
}

/// A specialist_id made safe as a file name (ids are the society's, and may contain anything).
fn file_stem(id: &str) -> String {
    id.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}
