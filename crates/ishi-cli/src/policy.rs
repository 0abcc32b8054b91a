//! `ishi plan policy` — 医師の確保の方針 (P6, P1.3).

use anyhow::Result;
use ishi_io::plan_export::{policy_csv, policy_json};
use ishi_io::plan_inputs::{check_tertiary_codes, read_districts, read_policy_areas, read_tertiary_statuses};
use ishi_io::sheet::Sheet;
use ishi_plan::policy::{AreaPolicy, SecondaryStatus, TertiaryStatus, secondary_policies, tertiary_policies};
use ishi_report::grid::{self, Align};

use crate::cli::{LevelArg, PolicyArgs, StepFormat};
use crate::context;
use crate::plan::{Log, emit, json_bytes};

pub fn policy(args: &PolicyArgs, log: &Log) -> Result<()> {
    // The shipped areas' statuses fill in whatever the files do not give.
    let shipped = match (&args.areas, &args.tertiary) {
        (Some(_), Some(_)) => None,
        _ => {
            let plan = context::load("2024", None, log)?;
            Some((plan.statuses()?, plan.future_credit()))
        }
    };
    let tertiary = match (&args.tertiary, &shipped) {
        (Some(path), _) => read_tertiary_statuses(&Sheet::open(path)?)?,
        (None, Some(((_, tertiary), _))) => tertiary.clone(),
        (None, None) => unreachable!("the shipped statuses are loaded without --tertiary"),
    };
    let (mut areas, credit) = match (&args.areas, shipped) {
        (Some(path), _) => {
            let sheet = Sheet::open(path)?;
            let areas = read_policy_areas(&sheet)?;
            let hint = if args.tertiary.is_some() {
                " (not in the --tertiary file)"
            } else {
                " (not a JIS prefecture code; give --tertiary FILE)"
            };
            check_tertiary_codes(&sheet, &areas, &tertiary, hint)?;
            (areas, format!("入力: {}", path.display()))
        }
        (None, Some(((secondary, _), credit))) => (secondary, credit),
        (None, None) => unreachable!("the shipped statuses are loaded without --areas"),
    };
    if let Some(path) = &args.districts {
        let districts = read_districts(&Sheet::open(path)?, &areas)?;
        for d in districts.iter().filter(|d| d.designated) {
            if let Some(a) = areas.iter_mut().find(|a| a.code == d.secondary) {
                a.contains_scarce_district = true;
            }
        }
        log.info(format!(
            "医師少数地区: {} designated, {} recorded as not designated",
            districts.iter().filter(|d| d.designated).count(),
            districts.iter().filter(|d| !d.designated).count()
        ));
    }
    let policies = match args.level {
        LevelArg::Secondary => secondary_policies(&tertiary, &areas)?,
        LevelArg::Tertiary => tertiary_policies(&tertiary, &areas),
    };
    let bytes = match args.out.format {
        StepFormat::Json => json_bytes(&policy_json(&policies))?,
        StepFormat::Csv => policy_csv(&policies),
        StepFormat::Table => render(&policies, &areas, &tertiary, &credit).into_bytes(),
    };
    emit(args.out.output.as_deref(), &bytes, log)
}

fn render(policies: &[AreaPolicy], areas: &[SecondaryStatus], tertiary: &[TertiaryStatus], credit: &str) -> String {
    let yes = |b: bool| if b { "○" } else { "—" }.to_string();
    let rows: Vec<Vec<String>> = policies
        .iter()
        .map(|p| {
            let (current, future, district) = match areas.iter().find(|a| a.code == p.code) {
                Some(a) if p.level == ishi_plan::Level::Secondary => {
                    (a.current.as_ja(), a.future.as_ja(), if a.contains_scarce_district { "あり" } else { "" })
                }
                _ => {
                    let t = tertiary.iter().find(|t| t.code == p.code);
                    (t.map_or("", |t| t.current.as_ja()), t.map_or("", |t| t.future.as_ja()), "")
                }
            };
            vec![
                p.code.to_string(),
                current.into(),
                future.into(),
                district.into(),
                yes(p.short_term),
                yes(p.long_term),
                p.outside_tertiary.as_ja().into(),
                p.outside_secondary.map_or("—", |r| r.as_ja()).into(),
                p.rules.join(" "),
            ]
        })
        .collect();
    let mut title = vec![format!("医師の確保の方針 — {} 区域", policies.len())];
    if !credit.is_empty() {
        title.push(credit.to_string());
    }
    grid::render(
        &title,
        &["区域", "現在", "将来", "少数地区", "短期", "長期", "三次医療圏外から", "二次医療圏外から", "根拠"],
        &[Align::Left],
        &rows,
    )
}
