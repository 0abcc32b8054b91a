//! Output of the planning steps beyond the index (README «Plan contracts»): policy (P6), targets (P4),
//! the future year (P5), and plan edition files (P9). JSON values and CSV (UTF-8 with BOM) rows.

use std::path::Path;

use ishi_plan::future::FutureNeed;
use ishi_plan::plan_edition::PlanEdition;
use ishi_plan::policy::AreaPolicy;
use ishi_plan::target::{AreaTarget, ConsistencyViolation};
use serde_json::{Value, json};

use crate::error::{InputError, IoError};
use crate::export::csv_with_bom;

/// Rounds for output: counts of physicians to 0.1, which is below the precision of their inputs.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The `ishi plan policy --format json` contract: one object per area with `area_code`, `short_term`,
/// `long_term`, `outside_tertiary`, `outside_secondary` (`yes`/`as_needed`/`no`; `null` for a tertiary
/// area) and `rules`.
pub fn policy_json(policies: &[AreaPolicy]) -> Value {
    Value::Array(
        policies
            .iter()
            .map(|p| {
                json!({
                    "area_code": p.code.as_str(),
                    "short_term": p.short_term,
                    "long_term": p.long_term,
                    "outside_tertiary": p.outside_tertiary.key(),
                    "outside_secondary": p.outside_secondary.map(|r| r.key()),
                    "rules": p.rules,
                })
            })
            .collect(),
    )
}

/// Columns of the policy CSV (the JSON keys; `rules` joined with spaces).
pub const POLICY_CSV_COLUMNS: [&str; 6] =
    ["area_code", "short_term", "long_term", "outside_tertiary", "outside_secondary", "rules"];

pub fn policy_csv(policies: &[AreaPolicy]) -> Vec<u8> {
    csv_with_bom(
        &POLICY_CSV_COLUMNS,
        policies.iter().map(|p| {
            vec![
                p.code.to_string(),
                p.short_term.to_string(),
                p.long_term.to_string(),
                p.outside_tertiary.key().into(),
                p.outside_secondary.map_or(String::new(), |r| r.key().into()),
                p.rules.join(" "),
            ]
        }),
    )
}

/// One area's target for JSON: code, designation, current, target, additional, achieved, basis, rule,
/// computed (the rules' value, beside a target the prefecture set).
pub fn target_json(t: &AreaTarget) -> Value {
    json!({
        "area_code": t.code.as_str(),
        "designation": t.designation.as_ja(),
        "current": round1(t.current),
        "target": round1(t.target),
        "additional": round1(t.additional()),
        "achieved": t.achieved(),
        "basis": t.basis.key(),
        "rule": t.basis.rule(),
        "computed": round1(t.computed),
    })
}

pub fn violation_json(v: &ConsistencyViolation) -> Value {
    json!({
        "rule": ConsistencyViolation::RULE,
        "tertiary_code": v.tertiary.as_str(),
        "designation": v.designation.as_ja(),
        "sum": round1(v.sum),
        "limit": round1(v.limit),
        "areas": v.areas.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "message": v.message(),
    })
}

pub const TARGET_CSV_COLUMNS: [&str; 9] =
    ["area_code", "designation", "current", "target", "additional", "achieved", "basis", "rule", "computed"];

pub fn target_row(t: &AreaTarget) -> Vec<String> {
    vec![
        t.code.to_string(),
        t.designation.as_ja().into(),
        round1(t.current).to_string(),
        round1(t.target).to_string(),
        round1(t.additional()).to_string(),
        t.achieved().to_string(),
        t.basis.key().into(),
        t.basis.rule().into(),
        round1(t.computed).to_string(),
    ]
}

/// One area in the future year: required, baseline, supply, gap and its split, future index.
pub fn future_json(n: &FutureNeed) -> Value {
    json!({
        "area_code": n.code.as_str(),
        "required": round1(n.required),
        "baseline": round1(n.baseline),
        "supply": n.supply.map(round1),
        "gap": n.gap().map(round1),
        "short_term_part": n.short_term_part().map(round1),
        "long_term_part": n.long_term_part().map(round1),
        "future_index": n.future_index().map(round1),
    })
}

/// Writes a plan edition as pretty JSON (P9).
pub fn edition_to_json(edition: &PlanEdition) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(edition).expect("an edition serializes");
    s.push('\n');
    s.into_bytes()
}

/// Reads a plan edition file (P9); a malformed file is an input error naming the file, line and column.
pub fn read_edition(path: &Path) -> Result<PlanEdition, IoError> {
    let bytes = std::fs::read(path).map_err(|source| IoError::Read { path: path.to_path_buf(), source })?;
    edition_from_json(&path.display().to_string(), &bytes)
}

pub fn edition_from_json(file: &str, bytes: &[u8]) -> Result<PlanEdition, IoError> {
    let edition: PlanEdition = serde_json::from_slice(bytes).map_err(|e| {
        InputError::file(file, format!("not a plan edition file (line {}, column {}): {e}", e.line(), e.column()))
    })?;
    if edition.format != ishi_plan::plan_edition::EDITION_FORMAT {
        return Err(InputError::file(
            file,
            format!(
                "plan edition format {} is not supported (this version reads {})",
                edition.format,
                ishi_plan::plan_edition::EDITION_FORMAT
            ),
        )
        .into());
    }
    Ok(edition)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ishi_plan::Designation::*;
    use ishi_plan::policy::{SecondaryStatus, TertiaryStatus, secondary_policies};

    #[test]
    fn p6_policy_json_has_the_contract_keys() {
        let p = secondary_policies(
            &[TertiaryStatus::new("01", Scarce, Scarce)],
            &[SecondaryStatus::new("0101", "01", Scarce, Scarce, false)],
        )
        .unwrap();
        assert_eq!(
            policy_json(&p).to_string(),
            r#"[{"area_code":"0101","short_term":true,"long_term":true,"outside_tertiary":"yes","outside_secondary":"yes","rules":["P6.1","P6.2","P6.3"]}]"#
        );
        let csv = String::from_utf8(policy_csv(&p)).unwrap();
        assert_eq!(
            csv,
            "\u{feff}area_code,short_term,long_term,outside_tertiary,outside_secondary,rules\n0101,true,true,yes,yes,P6.1 P6.2 P6.3\n"
        );
    }

    #[test]
    fn p9_edition_file_errors_name_the_file_and_position() {
        let e = edition_from_json("e.json", b"{\"format\": 1,").unwrap_err();
        assert!(e.to_string().starts_with("e.json: not a plan edition file (line 1"), "{e}");
        assert!(e.is_input());
    }
}
