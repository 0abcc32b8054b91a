//! `ishi plan dispatch` — 派遣調整 (P7).

use anyhow::Result;
use ishi_io::plan_inputs::{read_costs, read_dispatch_areas};
use ishi_io::sheet::Sheet;
use ishi_plan::dispatch::{DefaultCosts, DispatchPlan, UnmetReason, dispatch};
use ishi_report::grid::{self, Align};
use serde_json::{Value, json};

use crate::cli::{DispatchArgs, StepFormat};
use crate::context;
use crate::plan::{Log, emit, json_bytes};

pub fn run(args: &DispatchArgs, log: &Log) -> Result<()> {
    let (areas, costs, credit) = match (&args.areas, &args.costs) {
        (Some(areas_path), costs_path) => {
            let areas = read_dispatch_areas(&Sheet::open(areas_path)?)?;
            let (costs, note) = match costs_path {
                Some(path) => (read_costs(&Sheet::open(path)?, &areas)?, format!("費用: {}", path.display())),
                None => (DefaultCosts::builtin()?.pairs(&areas), default_note()?),
            };
            (areas, costs, format!("入力: {}; {note}", areas_path.display()))
        }
        (None, Some(_)) => anyhow::bail!("--costs needs --areas (the shipped default builds its own areas)"),
        (None, None) => {
            let plan = context::load("2024", None, log)?;
            let areas = plan.dispatch_areas()?;
            let costs = DefaultCosts::builtin()?.pairs(&areas);
            let credit = format!(
                "{}; 派遣可能数 = 多数区域の現在医師数 − 計画終了時に全国値となる医師数, 需要 = 目標医師数 − 現在医師数 (README); {}",
                plan.future_credit(),
                default_note()?
            );
            (areas, costs, credit)
        }
    };
    let started = std::time::Instant::now();
    let result = dispatch(&areas, &costs)?;
    log.info(format!(
        "dispatch: {} areas, {} cost pairs, {} flows, solved in {:.1} ms",
        areas.len(),
        costs.len(),
        result.flows.len(),
        started.elapsed().as_secs_f64() * 1000.0
    ));
    let bytes = match args.out.format {
        StepFormat::Json => json_bytes(&plan_json(&result))?,
        StepFormat::Csv => ishi_io::export::csv_with_bom(
            &["from", "to", "physicians", "unit_cost"],
            result
                .flows
                .iter()
                .map(|f| vec![f.from.to_string(), f.to.to_string(), f.physicians.to_string(), f.unit_cost.to_string()]),
        ),
        StepFormat::Table => render(&result, &credit).into_bytes(),
    };
    emit(args.out.output.as_deref(), &bytes, log)
}

fn default_note() -> Result<String> {
    let d = DefaultCosts::builtin()?;
    Ok(format!(
        "費用（既定）: 三次医療圏内 {} ／ 三次医療圏間 {} per physician",
        d.within_tertiary.value, d.across_tertiary.value
    ))
}

/// The `--format json` contract: `{total_cost, flows: [{from, to, physicians}], unmet: [{area_code,
/// physicians, reason}]}`; each unmet entry also carries `message` (Japanese) and the `rules` that forbid
/// its candidate sources, when that is the reason.
pub fn plan_json(p: &DispatchPlan) -> Value {
    json!({
        "total_cost": p.total_cost,
        "flows": p.flows.iter().map(|f| json!({
            "from": f.from.as_str(),
            "to": f.to.as_str(),
            "physicians": f.physicians,
        })).collect::<Vec<_>>(),
        "unmet": p.unmet.iter().map(|u| {
            let mut rules: Vec<&str> = match &u.reason {
                UnmetReason::NoLegalSource { forbidden } => forbidden.iter().map(|(_, f)| f.rule()).collect(),
                _ => vec![],
            };
            rules.sort_unstable();
            rules.dedup();
            json!({
                "area_code": u.area.as_str(),
                "physicians": u.physicians,
                "reason": u.reason.code(),
                "message": u.reason.message_ja(),
                "rules": rules,
            })
        }).collect::<Vec<_>>(),
    })
}

fn render(p: &DispatchPlan, credit: &str) -> String {
    let moved: u64 = p.flows.iter().map(|f| u64::from(f.physicians)).sum();
    let unmet: u64 = p.unmet.iter().map(|u| u64::from(u.physicians)).sum();
    let mut title = vec![
        format!("派遣調整案 — {} 件、{moved} 人、総費用 {}", p.flows.len(), p.total_cost),
        format!(
            "少数区域・少数地区へ {} 人、中程度区域へ {} 人; 充足できない需要 {unmet} 人",
            p.served_scarce, p.served_intermediate
        ),
        credit.to_string(),
    ];
    for u in &p.unmet {
        title.push(format!("  未充足 {} {}人: {}", u.area, u.physicians, u.reason.message_ja()));
    }
    let rows: Vec<Vec<String>> = p
        .flows
        .iter()
        .map(|f| vec![f.from.to_string(), f.to.to_string(), f.physicians.to_string(), f.unit_cost.to_string()])
        .collect();
    grid::render(
        &title,
        &["派遣元", "派遣先", "人数", "単位費用"],
        &[Align::Left, Align::Left, Align::Right, Align::Right],
        &rows,
    )
}
