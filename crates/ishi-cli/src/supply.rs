//! `ishi plan supply` — 医師供給推計 (P5.3): the deterministic range, or seeded stochastic bands.

use anyhow::{Result, bail};
use ishi_io::plan_export::round1;
use ishi_io::sheet::Sheet;
use ishi_io::supply_files::read_supply_input;
use ishi_plan::supply::{
    ObservationWindow, StochasticOptions, SupplyInput, SupplyOptions, SupplyRules, project, project_stochastic,
};
use ishi_report::grid::{self, Align};
use serde_json::json;

use crate::cli::{StepFormat, SupplyArgs};
use crate::plan::{Log, emit, json_bytes};

pub fn supply(args: &SupplyArgs, log: &Log) -> Result<()> {
    let rules = SupplyRules::builtin();
    let (input, credit): (SupplyInput, String) = match (&args.cohorts, args.synthetic) {
        (Some(path), false) => {
            let national = args.national.as_ref().map(|p| Sheet::open(p)).transpose()?;
            let secondary = args.secondary.as_ref().map(|p| Sheet::open(p)).transpose()?;
            let input = read_supply_input(
                &Sheet::open(path)?,
                national.as_ref(),
                secondary.as_ref(),
                args.national_includes_quota,
            )?;
            (input, format!("入力: {}", path.display()))
        }
        (None, true) => (
            ishi_synth::supply::synthetic_supply(args.seed),
            format!("{}: 三師調査の代わりの合成コーホート, seed {}", ishi_synth::SYNTHETIC_LABEL, args.seed),
        ),
        (Some(_), true) => bail!("give either --cohorts FILE or --synthetic, not both"),
        (None, false) => bail!(
            "the supply projection needs cohort counts (三師調査 by sex × 医籍登録後年数, not public): give --cohorts FILE, or --synthetic to try it on SYNTHETIC data"
        ),
    };
    let mut options = SupplyOptions::new(&rules);
    if let Some(h) = args.horizon {
        options.horizon = h;
    }
    for w in &args.window {
        let parsed = w
            .split_once('-')
            .and_then(|(a, b)| Some(ObservationWindow::new(a.trim().parse().ok()?, b.trim().parse().ok()?)));
        match parsed {
            Some(window) => options.windows.push(window),
            None => bail!("--window {w:?} is not FROM-TO (e.g. 2016-2020)"),
        }
    }
    let bytes = match args.runs {
        None => {
            let p = project(&input, &options, &rules)?;
            log.info(format!(
                "projected {} prefectures from {} to {}",
                p.prefectures.len(),
                p.base_year,
                options.horizon
            ));
            match args.out.format {
                StepFormat::Json => json_bytes(&json!({
                    "base_year": p.base_year,
                    "source": credit,
                    "windows": p.windows.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
                    "prefectures": p.prefectures.iter().map(|pr| json!({
                        "code": pr.code.as_str(),
                        "current": round1(pr.current),
                        "years": pr.years.iter().map(|y| json!({
                            "year": y.year,
                            "lower": round1(y.total.lower), "central": round1(y.total.central), "upper": round1(y.total.upper),
                            "regional_quota": round1(y.regional_quota.central),
                        })).collect::<Vec<_>>(),
                        "secondary": pr.secondary.iter().map(|s| json!({
                            "code": s.code.as_str(),
                            "share": s.share,
                            "horizon": s.years.last().map(|(_, b)| json!({"lower": round1(b.lower), "central": round1(b.central), "upper": round1(b.upper)})),
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                }))?,
                StepFormat::Csv => ishi_io::export::csv_with_bom(
                    &["prefecture_code", "year", "lower", "central", "upper", "regional_quota"],
                    p.prefectures.iter().flat_map(|pr| {
                        pr.years.iter().map(move |y| {
                            vec![
                                pr.code.to_string(),
                                y.year.to_string(),
                                round1(y.total.lower).to_string(),
                                round1(y.total.central).to_string(),
                                round1(y.total.upper).to_string(),
                                round1(y.regional_quota.central).to_string(),
                            ]
                        })
                    }),
                ),
                StepFormat::Table => {
                    let title = vec![
                        format!(
                            "医師供給推計 — {}年 → {}年（観察期間 {}）",
                            p.base_year,
                            options.horizon,
                            p.windows.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("、")
                        ),
                        credit,
                        "幅: 観察期間ごとの推計の最小・平均・最大（P5.3）; 地域枠は別に推計".into(),
                    ];
                    let rows: Vec<Vec<String>> = p
                        .prefectures
                        .iter()
                        .filter_map(|pr| {
                            let y = pr.years.last()?;
                            Some(vec![
                                pr.code.to_string(),
                                format!("{:.0}", pr.current),
                                format!("{:.0}", y.total.lower),
                                format!("{:.0}", y.total.central),
                                format!("{:.0}", y.total.upper),
                                format!("{:.0}", y.regional_quota.central),
                            ])
                        })
                        .collect();
                    let align = [Align::Left, Align::Right, Align::Right, Align::Right, Align::Right, Align::Right];
                    grid::render(&title, &["都道府県", "現在", "下限", "中央", "上限", "地域枠"], &align, &rows)
                        .into_bytes()
                }
            }
        }
        Some(runs) => {
            let started = std::time::Instant::now();
            let s = project_stochastic(&input, &options, &StochasticOptions::new(runs, args.seed, &rules), &rules)?;
            log.info(format!(
                "{runs} stochastic projections of {} prefectures in {:.0} ms (seed {})",
                s.prefectures.len(),
                started.elapsed().as_secs_f64() * 1000.0,
                s.seed
            ));
            let pct = |v: &[f64]| v.iter().map(|x| round1(*x)).collect::<Vec<_>>();
            match args.out.format {
                StepFormat::Csv => {
                    let mut headers = vec!["prefecture_code".to_string(), "year".to_string()];
                    headers.extend(s.percentiles.iter().map(|p| format!("p{p}")));
                    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
                    let rows = s.prefectures.iter().flat_map(|p| {
                        p.years.iter().map(move |y| {
                            let mut row = vec![p.code.to_string(), y.year.to_string()];
                            row.extend(y.values.iter().map(|v| round1(*v).to_string()));
                            row
                        })
                    });
                    ishi_io::export::csv_with_bom(&refs, rows)
                }
                StepFormat::Json => json_bytes(&json!({
                    "seed": s.seed,
                    "runs": s.runs,
                    "percentiles": s.percentiles,
                    "base_year": s.base_year,
                    "source": credit,
                    "national": s.national.iter().map(|y| json!({"year": y.year, "values": pct(&y.values)})).collect::<Vec<_>>(),
                    "prefectures": s.prefectures.iter().map(|p| json!({
                        "code": p.code.as_str(),
                        "years": p.years.iter().map(|y| json!({"year": y.year, "values": pct(&y.values)})).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                }))?,
                StepFormat::Table => {
                    let title = vec![
                        format!(
                            "医師供給推計（確率的）— {} 回, seed {}（同じ seed で同じ結果）, {}年 → {}年",
                            s.runs, s.seed, s.base_year, options.horizon
                        ),
                        credit,
                    ];
                    let headers: Vec<String> = std::iter::once("都道府県".to_string())
                        .chain(s.percentiles.iter().map(|p| format!("p{p}")))
                        .collect();
                    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
                    let rows: Vec<Vec<String>> = s
                        .prefectures
                        .iter()
                        .filter_map(|p| {
                            let y = p.years.last()?;
                            Some(
                                std::iter::once(p.code.to_string())
                                    .chain(y.values.iter().map(|v| format!("{v:.0}")))
                                    .collect(),
                            )
                        })
                        .collect();
                    let mut align = vec![Align::Left];
                    align.extend(s.percentiles.iter().map(|_| Align::Right));
                    grid::render(&title, &header_refs, &align, &rows).into_bytes()
                }
            }
        }
    };
    emit(args.out.output.as_deref(), &bytes, log)
}
