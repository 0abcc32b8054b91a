//! `ishi plan targets` (P4) and `ishi plan future` (P5.1, P5.2, P5.4) on the shipped data.

use anyhow::{Result, bail};
use ishi_io::plan_export::{TARGET_CSV_COLUMNS, future_json, round1, target_json, target_row, violation_json};
use ishi_io::plan_inputs::{read_area_values, read_target_areas};
use ishi_io::population::read_population_overrides;
use ishi_io::sheet::Sheet;
use ishi_plan::designation::{AreaIndex, designate};
use ishi_plan::population::PopulationOverrides;
use ishi_plan::target::{
    AreaTarget, ConsistencyViolation, TargetInput, TargetParameters, TertiaryTotals, check_tertiary_consistency,
    compute_targets,
};
use ishi_plan::{AreaCode, Level, RuleEdition};
use ishi_report::grid::{self, Align};
use serde_json::json;

use crate::cli::{FutureArgs, StepFormat, TargetsArgs};
use crate::context::{self, APPROXIMATIONS};
use crate::plan::{Log, emit, json_bytes};

fn overrides(path: Option<&std::path::Path>) -> Result<PopulationOverrides> {
    Ok(match path {
        Some(path) => read_population_overrides(&Sheet::open(path)?)?,
        None => PopulationOverrides::default(),
    })
}

/// Targets of areas read from files (`--areas`, `--tertiary`): thresholds from the edition, or from the
/// files' own indexes in rank mode.
fn targets_from_files(args: &TargetsArgs, set: &[(AreaCode, f64)]) -> Result<TargetsReport> {
    let (Some(areas_path), Some(tertiary_path)) = (&args.areas, &args.tertiary) else {
        bail!("--areas needs --tertiary")
    };
    if args.overrides.is_some() || args.population.is_some() {
        bail!(
            "with --areas the file already holds decided designations and plan-end populations: --overrides and --population apply to the shipped data only"
        );
    }
    let edition = RuleEdition::builtin(&args.edition)?;
    let secondary = read_target_areas(&Sheet::open(areas_path)?, true)?;
    let tertiary = read_target_areas(&Sheet::open(tertiary_path)?, false)?;
    let lower = |level: Level, inputs: &[TargetInput]| -> Result<Option<f64>> {
        let indexes: Vec<AreaIndex> =
            inputs.iter().map(|a| AreaIndex { code: a.code.clone(), index: a.index_start }).collect();
        Ok(designate(&indexes, &edition.threshold_rule(level))?.thresholds.lower)
    };
    let sec_inputs: Vec<TargetInput> = secondary.iter().map(|(_, a)| a.clone()).collect();
    let ter_inputs: Vec<TargetInput> = tertiary.iter().map(|(_, a)| a.clone()).collect();
    let thresholds = [lower(Level::Secondary, &sec_inputs)?, lower(Level::Tertiary, &ter_inputs)?];
    let national = args.national_value.unwrap_or_else(ishi_io::shipped::national_2024);
    let params = |lower: Option<f64>| TargetParameters {
        per_population: edition.index.per_population.value,
        lower_threshold: lower.unwrap_or(f64::NAN),
        national_value: national,
    };
    let (sec_set, ter_set): (Vec<_>, Vec<_>) =
        set.iter().cloned().partition(|(c, _)| sec_inputs.iter().any(|a| &a.code == c));
    let method = edition.plan.target_method.value;
    let sec_targets = compute_targets(method, &sec_inputs, &params(thresholds[0]), &sec_set)?;
    let ter_targets = compute_targets(method, &ter_inputs, &params(thresholds[1]), &ter_set)?;
    let totals: Vec<TertiaryTotals> = ter_targets.iter().map(TertiaryTotals::from).collect();
    let pairs: Vec<(AreaCode, AreaTarget)> = secondary
        .iter()
        .zip(&sec_targets)
        .map(|((t, _), target)| (t.clone().expect("secondary rows carry their tertiary code"), target.clone()))
        .collect();
    let violations = check_tertiary_consistency(&totals, &pairs)?;
    let credit = format!("入力: {} ／ {}", areas_path.display(), tertiary_path.display());
    Ok(TargetsReport {
        secondary: sec_targets,
        tertiary: ter_targets,
        violations,
        edition,
        national,
        thresholds,
        credit,
    })
}

/// `ishi plan targets`.
pub fn targets(args: &TargetsArgs, log: &Log) -> Result<()> {
    let set = match &args.set {
        Some(path) => read_area_values(&Sheet::open(path)?, "target")?,
        None => vec![],
    };
    if args.areas.is_some() {
        return targets_output(args, log, targets_from_files(args, &set)?, &std::collections::HashMap::new());
    }
    let plan = context::load(&args.edition, args.overrides.as_deref(), log)?;
    let (secondary, tertiary, violations) = plan.targets(&set, &overrides(args.population.as_deref())?)?;
    let names: std::collections::HashMap<String, String> = plan
        .secondary
        .rows
        .iter()
        .chain(&plan.tertiary.rows)
        .map(|r| (r.entry.code.to_string(), r.entry.name.clone()))
        .collect();
    let thresholds = [plan.secondary.thresholds.lower, plan.tertiary.thresholds.lower];
    let credit =
        format!("{}; 前提: {APPROXIMATIONS}; 医師数は標準化医師数（令和6年1月公表）", ishi_io::shipped::SOURCE_2024);
    targets_output(
        args,
        log,
        TargetsReport {
            secondary,
            tertiary,
            violations,
            edition: plan.edition.clone(),
            national: plan.national,
            thresholds,
            credit,
        },
        &names,
    )
}

/// The targets of one run and what they were measured against.
struct TargetsReport {
    secondary: Vec<AreaTarget>,
    tertiary: Vec<AreaTarget>,
    violations: Vec<ConsistencyViolation>,
    edition: RuleEdition,
    national: f64,
    /// Lower thresholds (secondary, tertiary).
    thresholds: [Option<f64>; 2],
    credit: String,
}

fn targets_output(
    args: &TargetsArgs,
    log: &Log,
    report: TargetsReport,
    names: &std::collections::HashMap<String, String>,
) -> Result<()> {
    let TargetsReport { secondary, tertiary, violations, edition, national, thresholds, credit } = report;
    if !violations.is_empty() {
        log.info(format!(
            "P4.4: in {} tertiary areas the secondary targets add up to more than allowed (listed in the output)",
            violations.len()
        ));
    }
    let p = &edition.plan;
    let bytes = match args.out.format {
        StepFormat::Json => json_bytes(&json!({
            "edition": edition.id,
            "plan_end_year": p.end_year.value,
            "method": format!("{:?}", p.target_method.value).to_lowercase(),
            "secondary_lower_threshold": thresholds[0].map(round1),
            "tertiary_lower_threshold": thresholds[1].map(round1),
            "national_value": round1(national),
            "source": credit,
            "tertiary": tertiary.iter().map(target_json).collect::<Vec<_>>(),
            "secondary": secondary.iter().map(target_json).collect::<Vec<_>>(),
            "consistency": violations.iter().map(violation_json).collect::<Vec<_>>(),
        }))?,
        StepFormat::Csv => {
            let mut headers = vec!["level"];
            headers.extend(TARGET_CSV_COLUMNS);
            let rows = tertiary.iter().map(|t| ("tertiary", t)).chain(secondary.iter().map(|t| ("secondary", t))).map(
                |(level, t)| {
                    let mut row = vec![level.to_string()];
                    row.extend(target_row(t));
                    row
                },
            );
            ishi_io::export::csv_with_bom(&headers, rows)
        }
        StepFormat::Table => {
            let mut title = vec![
                format!("目標医師数 — {}（計画終了 {}年）", edition.name, p.end_year.value),
                format!("方式: {}", p.target_method.source),
                format!(
                    "下位基準: 二次医療圏 {} ／ 三次医療圏 {:.1}; 全国値 {:.1}",
                    thresholds[0].map_or("—".into(), |v| format!("{v:.1}")),
                    thresholds[1].unwrap_or(f64::NAN),
                    national
                ),
                credit.clone(),
            ];
            if violations.is_empty() {
                title.push("P4.4 三次医療圏内の整合: 問題なし".into());
            } else {
                title.push(format!(
                    "P4.4 三次医療圏内の整合: {} の三次医療圏で超過（都道府県が目標を設定して解消: --set）",
                    violations.len()
                ));
                for v in &violations {
                    title.push(format!("  {}", v.message()));
                }
            }
            let rows: Vec<Vec<String>> = tertiary
                .iter()
                .chain(&secondary)
                .map(|t| {
                    vec![
                        t.code.to_string(),
                        names.get(t.code.as_str()).cloned().unwrap_or_default(),
                        t.designation.as_ja().into(),
                        format!("{:.1}", t.current),
                        format!("{:.1}", t.target),
                        format!("{:.1}", t.additional()),
                        t.basis.rule().into(),
                        t.basis.as_ja().into(),
                    ]
                })
                .collect();
            let align = [Align::Left, Align::Left, Align::Left, Align::Right, Align::Right, Align::Right];
            grid::render(&title, &["区域", "名称", "区分", "現在", "目標", "追加", "根拠", "算定"], &align, &rows)
                .into_bytes()
        }
    };
    emit(args.out.output.as_deref(), &bytes, log)
}

/// `ishi plan future`.
pub fn future(args: &FutureArgs, log: &Log) -> Result<()> {
    let plan = context::load(&args.edition, None, log)?;
    let year = args.year.unwrap_or(plan.edition.plan.future_year.value);
    let national = args.national_value.unwrap_or(plan.national);
    let supply = match &args.supply {
        Some(path) => read_area_values(&Sheet::open(path)?, "supply")?,
        None => vec![],
    };
    let needs = plan.future(year, national, &supply, &overrides(args.population.as_deref())?)?;
    let supply_note = if args.supply.is_some() {
        "利用者指定の供給推計"
    } else {
        "現在の医師数を据え置き（供給推計の入力なし）"
    };
    let national_note = if args.national_value.is_some() { "利用者指定" } else { "現在の全国値で近似" };
    let bytes = match args.out.format {
        StepFormat::Json => json_bytes(&json!({
            "year": year,
            "national_value": national,
            "national_value_source": national_note,
            "supply_source": supply_note,
            "approximations": APPROXIMATIONS,
            "areas": needs.iter().map(future_json).collect::<Vec<_>>(),
        }))?,
        StepFormat::Csv => ishi_io::export::csv_with_bom(
            &[
                "area_code",
                "required",
                "baseline",
                "supply",
                "gap",
                "short_term_part",
                "long_term_part",
                "future_index",
            ],
            needs.iter().map(|n| {
                let o = |v: Option<f64>| v.map_or(String::new(), |v| round1(v).to_string());
                vec![
                    n.code.to_string(),
                    round1(n.required).to_string(),
                    round1(n.baseline).to_string(),
                    o(n.supply),
                    o(n.gap()),
                    o(n.short_term_part()),
                    o(n.long_term_part()),
                    o(n.future_index()),
                ]
            }),
        ),
        StepFormat::Table => {
            let title = vec![
                format!("{year}年の必要医師数・偏在対策基準医師数 — {}", plan.edition.name),
                format!(
                    "全国値 {national:.1}（{national_note}）; 下位基準 {:.1}; 供給: {supply_note}",
                    plan.secondary.thresholds.lower.unwrap_or(f64::NAN)
                ),
                format!("前提: {APPROXIMATIONS}"),
            ];
            let f = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.1}"));
            let rows: Vec<Vec<String>> = needs
                .iter()
                .map(|n| {
                    vec![
                        n.code.to_string(),
                        format!("{:.1}", n.required),
                        format!("{:.1}", n.baseline),
                        f(n.supply),
                        f(n.gap()),
                        f(n.short_term_part()),
                        f(n.long_term_part()),
                        f(n.future_index()),
                    ]
                })
                .collect();
            let align = [
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
            ];
            grid::render(
                &title,
                &["区域", "必要医師数", "偏在対策基準", "供給", "不足", "短期で", "長期で", "将来の指標"],
                &align,
                &rows,
            )
            .into_bytes()
        }
    };
    emit(args.out.output.as_deref(), &bytes, log)
}
