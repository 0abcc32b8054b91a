//! `ishi plan …` and `ishi synth`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ishi_io::export::{plan_table_csv, plan_table_json, plan_table_xlsx, write_atomic};
use ishi_io::import::{read_overrides, read_prefectures, read_secondary_areas};
use ishi_io::raw_files::{read_raw_dir, write_raw_dir};
use ishi_io::sheet::Sheet;
use ishi_io::shipped;
use ishi_plan::components::{Components, IndexSource};
use ishi_plan::raw::compute;
use ishi_plan::variant::{VariantKind, compute_variant};
use ishi_plan::{AreaEntry, Level, PlanTable, RuleEdition};

use crate::cli::{ChartArgs, EditionArgs, FormatArg, LevelArg, SortArg, SourceArgs, SynthArgs, TableArgs, VariantArg};

/// Messages on stderr, unless --quiet.
pub struct Log {
    pub quiet: bool,
}

impl Log {
    pub(crate) fn info(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", message.as_ref());
        }
    }
}

/// The designated table and the credit line of its data.
fn build(source: &SourceArgs, log: &Log) -> Result<(PlanTable, String)> {
    let edition = RuleEdition::builtin(&source.edition)?;
    let level = match source.level {
        LevelArg::Secondary => Level::Secondary,
        LevelArg::Tertiary => Level::Tertiary,
    };
    let per = edition.index.per_population.value;
    let started = Instant::now();
    let (entries, national, credit, rule) = if let Some(dir) = &source.raw {
        let bundle = read_raw_dir(dir)?;
        let tally = bundle.tally(&edition);
        let areas = &bundle.inputs.areas;
        let names: Vec<(String, String, String)> = match level {
            Level::Secondary => areas
                .secondary
                .iter()
                .map(|a| {
                    let t = areas
                        .tertiary
                        .iter()
                        .find(|t| t.code == a.tertiary)
                        .map_or(a.tertiary.to_string(), |t| t.name.clone());
                    (a.code.to_string(), a.name.clone(), t)
                })
                .collect(),
            Level::Tertiary => {
                areas.tertiary.iter().map(|t| (t.code.to_string(), t.name.clone(), t.name.clone())).collect()
            }
        };
        let credit = format!("入力（raw mode）: {}", dir.display());
        let entries = |values: Vec<(f64, Option<Components>)>| -> Vec<AreaEntry> {
            names
                .into_iter()
                .zip(values)
                .map(|((code, name, prefecture), (index, components))| AreaEntry {
                    code: code.as_str().into(),
                    name,
                    prefecture,
                    index,
                    index_source: IndexSource::Computed,
                    components,
                })
                .collect()
        };
        if let Some(variant) = source.variant {
            let kind = match variant {
                VariantArg::Outpatient => VariantKind::Outpatient,
                VariantArg::Obstetrics => VariantKind::Obstetrics,
                VariantArg::Pediatrics => VariantKind::Pediatrics,
            };
            let v = compute_variant(&bundle.inputs, &tally, kind, &edition)?;
            let values = if level == Level::Secondary { &v.secondary } else { &v.tertiary }
                .iter()
                .map(|a| (a.index, None))
                .collect();
            (entries(values), Some(v.national.index), format!("{credit}（{}）", v.rule.name), v.rule.threshold_rule())
        } else {
            let r = compute(&bundle.inputs, &tally, &edition)?;
            let values = if level == Level::Secondary { &r.secondary } else { &r.tertiary }
                .iter()
                .map(|a| {
                    let c = Components {
                        std_physicians: a.std_physicians,
                        population: a.population,
                        std_utilization_ratio: a.std_utilization_ratio,
                    };
                    (a.index, Some(c))
                })
                .collect();
            (entries(values), Some(r.national.index), credit, edition.threshold_rule(level))
        }
    } else {
        let (entries, credit) = match (&source.input, level) {
            (Some(path), Level::Secondary) => {
                (read_secondary_areas(&Sheet::open(path)?, per)?, format!("入力: {}", path.display()))
            }
            (Some(path), Level::Tertiary) => {
                (read_prefectures(&Sheet::open(path)?)?, format!("入力: {}", path.display()))
            }
            (None, Level::Secondary) => (shipped::secondary_areas_2024(), shipped::SOURCE_2024.to_string()),
            (None, Level::Tertiary) => (shipped::prefectures_2024(), shipped::SOURCE_2024.to_string()),
        };
        // The national value needs every secondary area's components; prefectures alone do not give it.
        let national = match (&source.input, level) {
            (None, _) => Some(shipped::national_2024()),
            (Some(_), Level::Secondary) => {
                ishi_plan::components::national_value(entries.iter().map(|e| e.components.as_ref()), per)
            }
            (Some(_), Level::Tertiary) => None,
        };
        (entries, national, credit, edition.threshold_rule(level))
    };
    let overrides = match &source.overrides {
        Some(path) => read_overrides(&Sheet::open(path)?, if level == Level::Secondary { 4 } else { 2 })?,
        None => vec![],
    };
    let table = PlanTable::build_with_rule(level, &edition, &rule, entries, national, &overrides)?;
    log.info(format!(
        "{} {} areas under edition {} in {:.0} ms",
        level.as_ja(),
        table.rows.len(),
        edition.id,
        started.elapsed().as_secs_f64() * 1000.0
    ));
    Ok((table, credit))
}

/// `ishi plan table`.
pub fn table(args: &TableArgs, log: &Log) -> Result<()> {
    let (mut table, credit) = build(&args.source, log)?;
    if args.sort == SortArg::Rank {
        table.rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.entry.code.cmp(&b.entry.code)));
    }
    let bytes = match args.format {
        FormatArg::Table => ishi_report::text_table::render(&table, &credit).into_bytes(),
        FormatArg::Csv => plan_table_csv(&table),
        FormatArg::Json => {
            let mut s = serde_json::to_string_pretty(&plan_table_json(&table))?;
            s.push('\n');
            s.into_bytes()
        }
        FormatArg::Xlsx => {
            if args.output.is_none() && std::io::stdout().is_terminal() {
                bail!("--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect stdout)");
            }
            plan_table_xlsx(&table, &credit)?
        }
    };
    emit(args.output.as_deref(), &bytes, log)
}

/// Pretty JSON with a final newline.
pub(crate) fn json_bytes(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s.into_bytes())
}

pub(crate) fn emit(output: Option<&Path>, bytes: &[u8], log: &Log) -> Result<()> {
    match output {
        Some(path) => {
            write_atomic(path, bytes)?;
            log.info(format!("wrote {}", path.display()));
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            if let Err(e) = out.write_all(bytes).and_then(|_| out.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e).context("writing to stdout");
            }
        }
    }
    Ok(())
}

/// `ishi plan chart`.
pub fn chart(args: &ChartArgs, log: &Log) -> Result<()> {
    let (table, credit) = build(&args.source, log)?;
    let svg = ishi_report::chart::rank_chart_svg(&table, &credit)?;
    emit(Some(&args.output), svg.as_bytes(), log)
}

/// `ishi plan edition`.
pub fn edition(args: &EditionArgs) -> Result<()> {
    let e = RuleEdition::builtin(&args.edition)?;
    let mut out =
        format!("ルール版 {} — {}（{} から）\n出典: {}\n\n", e.id, e.name, e.effective_from.wareki(), e.source);
    let plan = &e.plan;
    out += &format!(
        "plan: {}〜{}年度, 将来時点 {}年, 目標医師数の方式 {:?}\n  出典: {}\n  出典: {}\n",
        plan.start_year.value,
        plan.end_year.value,
        plan.future_year.value,
        plan.target_method.value,
        plan.end_year.source,
        plan.target_method.source
    );
    out += &format!(
        "index.per_population = {}\n  出典: {}\n",
        e.index.per_population.value, e.index.per_population.source
    );
    out += &format!(
        "index.secondary_workplace_share = {}\n  出典: {}\n",
        e.index.secondary_workplace_share.value, e.index.secondary_workplace_share.source
    );
    for (name, level) in [("secondary", Level::Secondary), ("tertiary", Level::Tertiary)] {
        match e.thresholds(level) {
            ishi_plan::edition::LevelThresholds::Rank { top_share, bottom_share } => {
                out += &format!(
                    "{name}: rank mode\n  top_share = {:.4}\n    出典: {}\n  bottom_share = {:.4}\n    出典: {}\n",
                    top_share.value.fraction(),
                    top_share.source,
                    bottom_share.value.fraction(),
                    bottom_share.source
                );
            }
            ishi_plan::edition::LevelThresholds::Fixed { upper, lower } => {
                out += &format!(
                    "{name}: fixed mode\n  upper = {}\n    出典: {}\n  lower = {}\n    出典: {}\n",
                    upper.value, upper.source, lower.value, lower.source
                );
            }
        }
    }
    for v in [&e.variants.outpatient, &e.variants.obstetrics, &e.variants.pediatrics] {
        out += &format!(
            "variant {}: per = {}, share = {:.4} ({:?})\n  出典: {}\n",
            v.name,
            v.per.value,
            v.share.value.fraction(),
            v.designate,
            v.per.source
        );
    }
    emit(None, out.as_bytes(), &Log { quiet: true })
}

/// `ishi synth`.
pub fn synth(args: &SynthArgs, log: &Log) -> Result<()> {
    if args.tertiary == 0 || args.areas < args.tertiary {
        bail!("--areas must be at least --tertiary, and --tertiary at least 1");
    }
    let nation = ishi_synth::generate(&ishi_synth::SynthConfig {
        seed: args.seed,
        tertiary_areas: args.tertiary,
        secondary_areas: args.areas,
        physicians: args.physicians,
        ..Default::default()
    });
    write_raw_dir(
        &args.output,
        &nation.inputs,
        &nation.records,
        Some((&nation.deliveries, &nation.clinic_outpatient_share)),
        &format!("{} seed={}", ishi_synth::SYNTHETIC_LABEL, args.seed),
    )?;
    log.info(format!(
        "wrote a SYNTHETIC raw-mode directory to {} ({} physicians, seed {})",
        args.output.display(),
        args.physicians,
        args.seed
    ));
    Ok(())
}

/// `ishi plan population`.
pub fn population(args: &crate::cli::PopulationArgs, log: &Log) -> Result<()> {
    use ishi_io::population::{
        SOURCE_IPSS_2023, SOURCE_JUKI_2025, shipped_area_population_2025, shipped_area_projection, shipped_unmatched,
    };
    use ishi_report::grid::{self, Align};
    let areas = shipped::secondary_areas_2024();
    let now = shipped_area_population_2025();
    let projections = shipped_area_projection();
    let years = [2026u16, 2029, 2036];
    // (code, name, population 2025, projection at `years`)
    type Row = (String, String, Option<f64>, Vec<Option<f64>>);
    let rows: Vec<Row> = areas
        .iter()
        .map(|a| {
            let total = now.iter().find(|p| p.code == a.code).map(|p| p.total());
            let proj = projections.iter().find(|p| p.code == a.code);
            let future = years.iter().map(|y| proj.and_then(|p| p.at(*y))).collect();
            (a.code.to_string(), format!("{} {}", a.prefecture, a.name), total, future)
        })
        .collect();
    let unmatched = shipped_unmatched();
    let bytes = match args.out.format {
        crate::cli::StepFormat::Json => json_bytes(&serde_json::json!({
            "sources": [SOURCE_JUKI_2025, SOURCE_IPSS_2023],
            "interpolation": "geometric between the 5-year points of the projection",
            "areas": rows.iter().map(|(code, name, total, future)| serde_json::json!({
                "area_code": code,
                "name": name,
                "population_2025": total,
                "projection": years.iter().zip(future).map(|(y, v)| (y.to_string(), serde_json::json!(v.map(|v| v.round())))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "unmatched": unmatched.iter().map(|u| serde_json::json!({
                "kind": u.kind, "code": u.code, "prefecture": u.prefecture, "name": u.name, "reason": u.reason,
            })).collect::<Vec<_>>(),
        }))?,
        crate::cli::StepFormat::Csv => ishi_io::export::csv_with_bom(
            &["area_code", "name", "population_2025", "projection_2026", "projection_2029", "projection_2036"],
            rows.iter().map(|(code, name, total, future)| {
                let mut r = vec![code.clone(), name.clone(), total.map_or(String::new(), |t| t.to_string())];
                r.extend(future.iter().map(|v| v.map_or(String::new(), |v| format!("{:.0}", v))));
                r
            }),
        ),
        crate::cli::StepFormat::Table => {
            let mut title = vec![
                format!("二次医療圏の人口 — {} 区域", rows.len()),
                format!("2025: {SOURCE_JUKI_2025}"),
                format!("将来: {SOURCE_IPSS_2023}（5年ごとの値の間を幾何補間）"),
                format!(
                    "市区町村の対応が取れなかったもの: {} 件{}",
                    unmatched.len(),
                    if args.unmatched { "" } else { "（--unmatched で一覧）" }
                ),
            ];
            if args.unmatched {
                for u in &unmatched {
                    title.push(format!("  {} {} {} {}: {}", u.kind, u.code, u.prefecture, u.name, u.reason));
                }
            }
            let f = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.0}"));
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|(code, name, total, future)| {
                    let mut r = vec![code.clone(), name.clone(), f(*total)];
                    r.extend(future.iter().map(|v| f(*v)));
                    r
                })
                .collect();
            let align = [Align::Left, Align::Left, Align::Right, Align::Right, Align::Right, Align::Right];
            grid::render(&title, &["区域", "名称", "2025年", "2026年", "2029年", "2036年"], &align, &table).into_bytes()
        }
    };
    emit(args.out.output.as_deref(), &bytes, log)
}
