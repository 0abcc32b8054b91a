//! `ishi plan save | diff | backtest` — plan editions and the cycle (P9).

use anyhow::Result;
use ishi_io::plan_export::{edition_to_json, read_edition, round1};
use ishi_io::plan_inputs::read_area_values;
use ishi_io::sheet::Sheet;
use ishi_plan::plan_edition::{Backtest, EditionDiff};
use ishi_plan::{Designation, Level};
use ishi_report::grid::{self, Align};
use serde_json::json;

use crate::cli::{BacktestArgs, DiffArgs, SaveArgs, StepFormat};
use crate::context;
use crate::plan::{Log, emit, json_bytes};

/// `ishi plan save`.
pub fn save(args: &SaveArgs, log: &Log) -> Result<()> {
    let plan = context::load(&args.edition, args.overrides.as_deref(), log)?;
    let set = match &args.set {
        Some(path) => read_area_values(&Sheet::open(path)?, "target")?,
        None => vec![],
    };
    let edition = plan.edition_file(&args.id, &set)?;
    emit(Some(&args.output), &edition_to_json(&edition), log)?;
    log.info(format!("plan edition {} saved: {} areas", edition.id, edition.areas.len()));
    Ok(())
}

/// `ishi plan diff`.
pub fn diff(args: &DiffArgs, log: &Log) -> Result<()> {
    let (before, after) = (read_edition(&args.before)?, read_edition(&args.after)?);
    let d = before.diff(&after);
    let bytes = match args.format {
        StepFormat::Json => json_bytes(&diff_json(&d))?,
        StepFormat::Csv => ishi_io::export::csv_with_bom(
            &["area_code", "field", "before", "after"],
            d.changes.iter().map(|c| vec![c.code.to_string(), c.field.key().into(), c.before.clone(), c.after.clone()]),
        ),
        StepFormat::Table => {
            let mut out = format!("計画の版の比較: {} → {}\n", before.id, after.id);
            if d.is_empty() {
                out += "違いはありません。\n";
            }
            for (name, b, a) in &d.parameters {
                out += &format!("  {name}: {b} → {a}\n");
            }
            if !d.added.is_empty() {
                out += &format!("  追加された区域: {}\n", join(&d.added));
            }
            if !d.removed.is_empty() {
                out += &format!("  なくなった区域: {}\n", join(&d.removed));
            }
            for c in &d.changes {
                out += &format!("  {c}\n");
            }
            out.into_bytes()
        }
    };
    emit(None, &bytes, log)
}

fn join(codes: &[ishi_plan::AreaCode]) -> String {
    codes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("、")
}

fn diff_json(d: &EditionDiff) -> serde_json::Value {
    json!({
        "added": d.added.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "removed": d.removed.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "parameters": d.parameters.iter().map(|(n, b, a)| json!({"parameter": n, "before": b, "after": a})).collect::<Vec<_>>(),
        "changes": d.changes.iter().map(|c| json!({
            "area_code": c.code.as_str(),
            "field": c.field.key(),
            "before": c.before,
            "after": c.after,
        })).collect::<Vec<_>>(),
    })
}

/// `ishi plan backtest`.
pub fn backtest(args: &BacktestArgs, log: &Log) -> Result<()> {
    let edition = read_edition(&args.edition)?;
    let actual = read_area_values(&Sheet::open(&args.actual)?, "actual")?;
    let b = edition.backtest(&actual);
    let summary = summary(&b);
    let bytes = match args.format {
        StepFormat::Json => json_bytes(&json!({
            "edition": edition.id,
            "summary": summary.iter().map(|(level, d, reached, n)| json!({
                "level": level, "designation": d.as_ja(), "reached": reached, "compared": n,
            })).collect::<Vec<_>>(),
            "areas": b.rows.iter().map(|r| json!({
                "area_code": r.code.as_str(),
                "decided": r.decided.as_ja(),
                "start": r.start.map(round1),
                "target": round1(r.target),
                "actual": round1(r.actual),
                "reached": r.reached(),
                "progress": r.progress().map(|p| (p * 1000.0).round() / 1000.0),
            })).collect::<Vec<_>>(),
            "not_compared": b.not_compared.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "unknown": b.unknown.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }))?,
        StepFormat::Csv => ishi_io::export::csv_with_bom(
            &["area_code", "decided", "start", "target", "actual", "reached"],
            b.rows.iter().map(|r| {
                vec![
                    r.code.to_string(),
                    r.decided.as_ja().into(),
                    r.start.map_or(String::new(), |s| round1(s).to_string()),
                    round1(r.target).to_string(),
                    round1(r.actual).to_string(),
                    r.reached().to_string(),
                ]
            }),
        ),
        StepFormat::Table => {
            let mut title = vec![format!("目標医師数の達成状況 — 計画の版 {}（{}）", edition.id, edition.title)];
            for (level, d, reached, n) in &summary {
                if *n > 0 {
                    title.push(format!("  {level} 医師{}: {n} のうち {reached} が目標を達成", d.as_ja()));
                }
            }
            if !b.not_compared.is_empty() {
                title.push(format!("  比較できなかった区域（目標または実績なし）: {}", join(&b.not_compared)));
            }
            if !b.unknown.is_empty() {
                title.push(format!("  計画にない区域の実績: {}", join(&b.unknown)));
            }
            let rows: Vec<Vec<String>> = b
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.code.to_string(),
                        r.name.clone(),
                        r.decided.as_ja().into(),
                        r.start.map_or("—".into(), |s| format!("{:.1}", s)),
                        format!("{:.1}", r.target),
                        format!("{:.1}", r.actual),
                        if r.reached() { "達成" } else { "未達成" }.into(),
                    ]
                })
                .collect();
            let align = [Align::Left, Align::Left, Align::Left, Align::Right, Align::Right, Align::Right];
            grid::render(&title, &["区域", "名称", "区分", "開始時", "目標", "実績", "結果"], &align, &rows)
                .into_bytes()
        }
    };
    emit(None, &bytes, log)
}

fn summary(b: &Backtest) -> Vec<(&'static str, Designation, usize, usize)> {
    let mut out = vec![];
    for (name, level) in [("三次医療圏", Level::Tertiary), ("二次医療圏", Level::Secondary)] {
        for d in [Designation::Scarce, Designation::Intermediate, Designation::Abundant] {
            let (reached, n) = b.reached(level, d);
            out.push((name, d, reached, n));
        }
    }
    out
}
