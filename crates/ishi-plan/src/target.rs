//! 目標医師数 — target physicians for the plan period (SPEC P4), and the consistency of secondary
//! targets inside their tertiary area (P4.4).
//!
//! Main types: [`TargetInput`] (one area at plan start, with its population and ratio at plan end),
//! [`AreaTarget`] (the target with the rule that set it), [`TargetParameters`] (the threshold and the
//! national value it is measured against) and [`ConsistencyViolation`] (P4.4).
//!
//! The method comes from the rule edition ([`TargetMethod`]): the 2019 edition sets thresholds for 少数
//! areas and leaves the rest to the prefecture with a national-value reference (P4.1–P4.2); 第8次 sets a
//! ceiling that never falls below the current count (P4.3). A target the prefecture sets itself always
//! wins (P4.2, P4.4: F県 raises ㋕ and ㋖ above their current counts).
//!
//! Counts are physicians as the index counts them (標準化医師数 when the inputs are the published
//! components); they stay unrounded here, and reports round them.
//!
//! ```
//! use ishi_plan::edition::TargetMethod;
//! use ishi_plan::target::{TargetInput, TargetParameters, compute_targets};
//! use ishi_plan::Designation;
//!
//! let params = TargetParameters { per_population: 100_000.0, lower_threshold: 179.3, national_value: 255.6 };
//! // A 少数 area: 120 physicians now, 80,000 people and ratio 1.1 at plan end.
//! let area = TargetInput::new("0102", Designation::Scarce, 120.0, 150.0, 80_000.0, 1.1);
//! let targets = compute_targets(TargetMethod::Ceiling, &[area], &params, &[]).unwrap();
//! // ceiling = max(120, 179.3 × 0.8 × 1.1) = max(120, 157.784) = 157.784
//! assert!((targets[0].target - 157.784).abs() < 1e-9);
//! assert!((targets[0].additional() - 37.784).abs() < 1e-9);
//! ```

use std::collections::HashMap;

use crate::area::AreaCode;
use crate::designation::Designation;
use crate::edition::TargetMethod;
use crate::error::PlanError;

/// One area at plan start, with its demand at plan end.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInput {
    pub code: AreaCode,
    /// The decided designation at plan start (after overrides, P3.3).
    pub designation: Designation,
    /// 現在医師数 — physicians now.
    pub current: f64,
    /// 医師偏在指標 at plan start.
    pub index_start: f64,
    /// 計画終了時の人口 — population at plan end (persons).
    pub population_end: f64,
    /// 計画終了時の標準化受療率比 — standardized utilization ratio at plan end.
    pub ratio_end: f64,
}

impl TargetInput {
    pub fn new(
        code: impl Into<AreaCode>,
        designation: Designation,
        current: f64,
        index_start: f64,
        population_end: f64,
        ratio_end: f64,
    ) -> Self {
        Self { code: code.into(), designation, current, index_start, population_end, ratio_end }
    }

    /// Physicians at which the index at plan end equals `index`: `index × population_end/per × ratio_end`.
    pub fn physicians_at(&self, index: f64, per_population: f64) -> f64 {
        index * self.population_end / per_population * self.ratio_end
    }

    fn check(&self) -> Result<(), PlanError> {
        let bad = |problem: String| Err(PlanError::BadArea { code: self.code.to_string(), problem });
        if !(self.current >= 0.0) || !self.current.is_finite() {
            return bad(format!("current physicians must be a number ≥ 0 (got {})", self.current));
        }
        if !(self.index_start >= 0.0) || !self.index_start.is_finite() {
            return bad(format!("the index at plan start must be a number ≥ 0 (got {})", self.index_start));
        }
        if !(self.population_end > 0.0) || !self.population_end.is_finite() {
            return bad(format!("the population at plan end must be a positive number (got {})", self.population_end));
        }
        if !(self.ratio_end > 0.0) || !self.ratio_end.is_finite() {
            return bad(format!(
                "the utilization ratio at plan end must be a positive number (got {})",
                self.ratio_end
            ));
        }
        Ok(())
    }
}

/// What the targets are measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetParameters {
    /// 人口10万人対 (the edition's `index.per_population`).
    pub per_population: f64,
    /// The bottom-1/3 threshold at plan start (下位33.3%の基準値) of the area's level.
    pub lower_threshold: f64,
    /// 全国値 at plan start — the reference of P4.2.
    pub national_value: f64,
}

/// The rule that set a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetBasis {
    /// P4.1: the count at which the index at plan end equals the bottom-1/3 threshold at plan start.
    LowerThreshold,
    /// P4.2: no rule sets it; the count at which the index equals the national value is offered as
    /// the reference, for the prefecture to decide.
    NationalReference,
    /// P4.3, 少数 area: `max(current, threshold × population_end/1e5 × ratio_end)`.
    ThresholdCeiling,
    /// P4.3, 多数 and 中程度 areas: `max(current, index_start × population_end/1e5 × ratio_end)`.
    IndexCeiling,
    /// The prefecture set the target itself (P4.2; P4.4 allows one above the current count).
    SetByPrefecture,
}

impl TargetBasis {
    /// The SPEC rule ID.
    pub fn rule(self) -> &'static str {
        match self {
            TargetBasis::LowerThreshold => "P4.1",
            TargetBasis::NationalReference | TargetBasis::SetByPrefecture => "P4.2",
            TargetBasis::ThresholdCeiling | TargetBasis::IndexCeiling => "P4.3",
        }
    }

    /// Machine value of the CLI and JSON output.
    pub fn key(self) -> &'static str {
        match self {
            TargetBasis::LowerThreshold => "lower_threshold",
            TargetBasis::NationalReference => "national_reference",
            TargetBasis::ThresholdCeiling => "threshold_ceiling",
            TargetBasis::IndexCeiling => "index_ceiling",
            TargetBasis::SetByPrefecture => "set_by_prefecture",
        }
    }

    /// For people.
    pub fn as_ja(self) -> &'static str {
        match self {
            TargetBasis::LowerThreshold => "計画終了時に下位33.3%の基準値に達する医師数",
            TargetBasis::NationalReference => "参考値: 計画終了時に全国値に達する医師数（都道府県が定める）",
            TargetBasis::ThresholdCeiling => "上限: 現在医師数と下位基準値に達する医師数の大きい方",
            TargetBasis::IndexCeiling => "上限: 現在医師数と計画開始時の指標を保つ医師数の大きい方",
            TargetBasis::SetByPrefecture => "都道府県が設定",
        }
    }
}

/// The target of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaTarget {
    pub code: AreaCode,
    pub designation: Designation,
    pub current: f64,
    /// 目標医師数 (or, for [`TargetBasis::NationalReference`], the reference value).
    pub target: f64,
    pub basis: TargetBasis,
    /// The value the rules give, kept beside a target the prefecture set itself (P3.3-like transparency).
    pub computed: f64,
}

impl AreaTarget {
    /// 追加で必要な医師数 — additional physicians needed (P4.1): `target − current`, never below zero.
    pub fn additional(&self) -> f64 {
        (self.target - self.current).max(0.0)
    }

    /// True when the current count already reaches the target ("target achieved", P4.1).
    pub fn achieved(&self) -> bool {
        self.current >= self.target
    }
}

/// P4.1–P4.3: the target of every area under `method`; `set_by_prefecture` (area code, target) wins
/// over the computed value (P4.2). Fails on an impossible input or a prefecture target for an area not
/// in `areas`.
pub fn compute_targets(
    method: TargetMethod,
    areas: &[TargetInput],
    params: &TargetParameters,
    set_by_prefecture: &[(AreaCode, f64)],
) -> Result<Vec<AreaTarget>, PlanError> {
    for (what, v) in [
        ("per_population", params.per_population),
        ("lower_threshold", params.lower_threshold),
        ("national_value", params.national_value),
    ] {
        if !(v > 0.0) || !v.is_finite() {
            return Err(PlanError::BadInput(format!("target parameter {what} must be a positive number (got {v})")));
        }
    }
    let mut set: HashMap<&AreaCode, f64> = HashMap::new();
    for (code, value) in set_by_prefecture {
        if !areas.iter().any(|a| &a.code == code) {
            return Err(PlanError::BadArea {
                code: code.to_string(),
                problem: "a target is set for an area that is not in the plan".into(),
            });
        }
        if !(*value >= 0.0) || !value.is_finite() {
            return Err(PlanError::BadArea {
                code: code.to_string(),
                problem: format!("the target set by the prefecture must be a number ≥ 0 (got {value})"),
            });
        }
        if set.insert(code, *value).is_some() {
            return Err(PlanError::BadArea { code: code.to_string(), problem: "a target is set twice".into() });
        }
    }
    areas
        .iter()
        .map(|area| {
            area.check()?;
            let (computed, basis) = computed_target(method, area, params);
            let (target, basis) = match set.get(&area.code) {
                Some(&value) => (value, TargetBasis::SetByPrefecture),
                None => (computed, basis),
            };
            Ok(AreaTarget {
                code: area.code.clone(),
                designation: area.designation,
                current: area.current,
                target,
                basis,
                computed,
            })
        })
        .collect()
}

fn computed_target(method: TargetMethod, area: &TargetInput, p: &TargetParameters) -> (f64, TargetBasis) {
    let at = |index: f64| area.physicians_at(index, p.per_population);
    match (method, area.designation) {
        // P4.1
        (TargetMethod::Threshold, Designation::Scarce) => (at(p.lower_threshold), TargetBasis::LowerThreshold),
        // P4.2
        (TargetMethod::Threshold, _) => (at(p.national_value), TargetBasis::NationalReference),
        // P4.3
        (TargetMethod::Ceiling, Designation::Scarce) => {
            (area.current.max(at(p.lower_threshold)), TargetBasis::ThresholdCeiling)
        }
        (TargetMethod::Ceiling, _) => (area.current.max(at(area.index_start)), TargetBasis::IndexCeiling),
    }
}

/// A tertiary area as P4.4 sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TertiaryTotals {
    pub code: AreaCode,
    /// Decided designation of the tertiary area (医師多数/中程度/少数三次医療圏).
    pub designation: Designation,
    pub current: f64,
    /// The tertiary area's own target (its [`AreaTarget::target`]).
    pub target: f64,
}

impl From<&AreaTarget> for TertiaryTotals {
    /// A tertiary area's own target as P4.4 reads it.
    fn from(t: &AreaTarget) -> Self {
        Self { code: t.code.clone(), designation: t.designation, current: t.current, target: t.target }
    }
}

/// Which limit a tertiary area's secondary targets must stay within (P4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TertiaryLimit {
    /// 医師少数三次医療圏: Σ secondary targets ≤ the tertiary target.
    TertiaryTarget,
    /// 医師多数/中程度三次医療圏: Σ secondary targets ≤ the tertiary current count.
    TertiaryCurrent,
}

impl TertiaryLimit {
    pub fn as_ja(self) -> &'static str {
        match self {
            TertiaryLimit::TertiaryTarget => "三次医療圏の目標医師数",
            TertiaryLimit::TertiaryCurrent => "三次医療圏の現在医師数",
        }
    }
}

/// A tertiary area whose secondary targets add up to more than P4.4 allows.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsistencyViolation {
    pub tertiary: AreaCode,
    pub designation: Designation,
    /// Σ of the secondary targets.
    pub sum: f64,
    pub limit: f64,
    pub limit_kind: TertiaryLimit,
    /// The secondary areas that break it: those whose targets exceed their current counts (they are
    /// what pushed the sum over the limit), in input order.
    pub areas: Vec<AreaCode>,
}

impl ConsistencyViolation {
    pub const RULE: &'static str = "P4.4";

    /// For people.
    pub fn message(&self) -> String {
        let names: Vec<&str> = self.areas.iter().map(AreaCode::as_str).collect();
        format!(
            "三次医療圏 {}（医師{}）: 二次医療圏の目標医師数の合計 {} が{} {} を超えています（現在医師数を上回る目標: {}）",
            self.tertiary,
            self.designation.as_ja(),
            fmt_count(self.sum),
            self.limit_kind.as_ja(),
            fmt_count(self.limit),
            if names.is_empty() { "なし".to_string() } else { names.join("、") },
        )
    }
}

/// A count of physicians for messages: whole numbers as such, others to 0.1.
pub(crate) fn fmt_count(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round()) } else { format!("{v:.1}") }
}

/// P4.4: checks, for every tertiary area, that the targets of its secondary areas stay within the
/// tertiary target (少数) or the tertiary current count (多数/中程度). `secondary` pairs each secondary
/// target with the code of its tertiary area. A tertiary area without secondary areas is not checked; a
/// secondary area whose tertiary area is missing is an error.
pub fn check_tertiary_consistency(
    tertiary: &[TertiaryTotals],
    secondary: &[(AreaCode, AreaTarget)],
) -> Result<Vec<ConsistencyViolation>, PlanError> {
    for (t, s) in secondary {
        if !tertiary.iter().any(|x| &x.code == t) {
            return Err(PlanError::BadArea {
                code: s.code.to_string(),
                problem: format!("its tertiary area {t} is not among the tertiary areas"),
            });
        }
    }
    let mut out = vec![];
    for t in tertiary {
        let members: Vec<&AreaTarget> = secondary.iter().filter(|(code, _)| code == &t.code).map(|(_, s)| s).collect();
        if members.is_empty() {
            continue;
        }
        let sum: f64 = members.iter().map(|s| s.target).sum();
        let (limit, limit_kind) = match t.designation {
            Designation::Scarce => (t.target, TertiaryLimit::TertiaryTarget),
            Designation::Abundant | Designation::Intermediate => (t.current, TertiaryLimit::TertiaryCurrent),
        };
        // A tolerance of a millionth of a physician per area absorbs float sums of exact inputs.
        if sum > limit + 1e-6 * members.len() as f64 {
            out.push(ConsistencyViolation {
                tertiary: t.code.clone(),
                designation: t.designation,
                sum,
                limit,
                limit_kind,
                areas: members.iter().filter(|s| s.target > s.current).map(|s| s.code.clone()).collect(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: TargetParameters =
        TargetParameters { per_population: 100_000.0, lower_threshold: 180.0, national_value: 250.0 };

    fn area(code: &str, d: Designation, current: f64, index: f64) -> TargetInput {
        // 100,000 people and ratio 1.0 at plan end: physicians_at(x) = x.
        TargetInput::new(code, d, current, index, 100_000.0, 1.0)
    }

    #[test]
    fn p4_1_scarce_target_reaches_the_start_threshold_at_plan_end() {
        // 200,000 people × ratio 0.9 → demand 1.8 (per 100k); 180 × 1.8 = 324.
        let a = TargetInput::new("A", Designation::Scarce, 300.0, 166.7, 200_000.0, 0.9);
        let t = &compute_targets(TargetMethod::Threshold, &[a], &P, &[]).unwrap()[0];
        assert!((t.target - 324.0).abs() < 1e-9);
        assert!((t.additional() - 24.0).abs() < 1e-9);
        assert!(!t.achieved());
        assert_eq!(t.basis.rule(), "P4.1");
    }

    #[test]
    fn p4_1_scarce_area_already_above_has_achieved_its_target() {
        // Population falls: 180 × 1.5 = 270 < 300 now.
        let a = TargetInput::new("A", Designation::Scarce, 300.0, 170.0, 150_000.0, 1.0);
        let t = &compute_targets(TargetMethod::Threshold, &[a], &P, &[]).unwrap()[0];
        assert!((t.target - 270.0).abs() < 1e-9);
        assert_eq!(t.additional(), 0.0);
        assert!(t.achieved());
    }

    #[test]
    fn p4_2_other_areas_get_the_national_value_as_reference() {
        let t = &compute_targets(TargetMethod::Threshold, &[area("B", Designation::Abundant, 300.0, 300.0)], &P, &[])
            .unwrap()[0];
        assert_eq!(t.target, 250.0);
        assert_eq!(t.basis, TargetBasis::NationalReference);
        assert_eq!(t.basis.rule(), "P4.2");
    }

    #[test]
    fn p4_2_a_target_set_by_the_prefecture_wins_and_the_computed_value_stays_visible() {
        let t = &compute_targets(
            TargetMethod::Threshold,
            &[area("B", Designation::Intermediate, 200.0, 200.0)],
            &P,
            &[(AreaCode::new("B"), 220.0)],
        )
        .unwrap()[0];
        assert_eq!((t.target, t.computed, t.basis), (220.0, 250.0, TargetBasis::SetByPrefecture));
    }

    #[test]
    fn p4_3_ceilings_never_fall_below_the_current_count() {
        let areas = [
            // 少数: max(150, 180) = 180; max(190, 180) = 190.
            area("S1", Designation::Scarce, 150.0, 150.0),
            area("S2", Designation::Scarce, 190.0, 175.0),
            // 多数/中程度 with a shrinking population: index 300 × 0.9 = 270 < 280 → 280.
            TargetInput::new("A1", Designation::Abundant, 280.0, 300.0, 90_000.0, 1.0),
            // Growing demand: 200 × 1.2 = 240 > 230 → 240.
            TargetInput::new("I1", Designation::Intermediate, 230.0, 200.0, 120_000.0, 1.0),
        ];
        let t = compute_targets(TargetMethod::Ceiling, &areas, &P, &[]).unwrap();
        let got: Vec<f64> = t.iter().map(|t| (t.target * 1e9).round() / 1e9).collect();
        assert_eq!(got, vec![180.0, 190.0, 280.0, 240.0]);
        assert_eq!(t[0].basis, TargetBasis::ThresholdCeiling);
        assert_eq!(t[2].basis, TargetBasis::IndexCeiling);
        assert!(t.iter().all(|t| t.target >= t.current && t.basis.rule() == "P4.3"));
    }

    #[test]
    fn p4_bad_inputs_are_refused_with_the_area() {
        let bad = TargetInput::new("X", Designation::Scarce, 10.0, 100.0, 0.0, 1.0);
        let err = compute_targets(TargetMethod::Ceiling, &[bad], &P, &[]).unwrap_err();
        assert!(err.to_string().contains("area X: the population at plan end"), "{err}");
        let nan = TargetInput::new("Y", Designation::Scarce, f64::NAN, 100.0, 1.0, 1.0);
        assert!(compute_targets(TargetMethod::Ceiling, &[nan], &P, &[]).is_err());
        let unknown = compute_targets(TargetMethod::Ceiling, &[], &P, &[(AreaCode::new("Z"), 1.0)]);
        assert!(unknown.unwrap_err().to_string().contains("area Z"));
    }

    /// The seed's F県 (医師多数三次医療圏, 10000 physicians): ㋔ 5000→4700, ㋕ 2000→2200, ㋖ 2500→2600,
    /// ㋗ 500→500. Σ targets = 4700 + 2200 + 2600 + 500 = 10000 ≤ current 10000: consistent.
    fn f_prefecture(ka_target: f64) -> (Vec<TertiaryTotals>, Vec<(AreaCode, AreaTarget)>) {
        let f = AreaCode::new("F");
        let t = |code: &str, d, current, target| {
            (
                f.clone(),
                AreaTarget {
                    code: AreaCode::new(code),
                    designation: d,
                    current,
                    target,
                    basis: TargetBasis::SetByPrefecture,
                    computed: target,
                },
            )
        };
        (
            vec![TertiaryTotals {
                code: f.clone(),
                designation: Designation::Abundant,
                current: 10_000.0,
                target: 10_000.0,
            }],
            vec![
                t("㋔", Designation::Abundant, 5000.0, 4700.0),
                t("㋕", Designation::Intermediate, 2000.0, ka_target),
                t("㋖", Designation::Intermediate, 2500.0, 2600.0),
                // ㋗ is 少数 by the index but not designated (P3.3); its target stays 500.
                t("㋗", Designation::Intermediate, 500.0, 500.0),
            ],
        )
    }

    #[test]
    fn p4_4_seed_f_prefecture_is_consistent() {
        let (t, s) = f_prefecture(2200.0);
        assert_eq!(check_tertiary_consistency(&t, &s).unwrap(), vec![]);
    }

    #[test]
    fn p4_4_f_prefecture_with_one_more_physician_breaks_the_rule_and_names_the_areas() {
        // ㋕ 2201: Σ = 4700 + 2201 + 2600 + 500 = 10001 > 10000.
        let (t, s) = f_prefecture(2201.0);
        let v = check_tertiary_consistency(&t, &s).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].sum, v[0].limit, v[0].limit_kind), (10_001.0, 10_000.0, TertiaryLimit::TertiaryCurrent));
        assert_eq!(v[0].areas, vec![AreaCode::new("㋕"), AreaCode::new("㋖")]);
        assert!(v[0].message().contains("10001 が三次医療圏の現在医師数 10000 を超えています"), "{}", v[0].message());
    }

    #[test]
    fn p4_4_a_scarce_tertiary_area_is_held_to_its_target_not_its_current_count() {
        // 少数三次医療圏: current 10000, target 10300. Σ 10200 is fine; it would break a 多数 one.
        let (mut t, mut s) = f_prefecture(2200.0);
        t[0].designation = Designation::Scarce;
        t[0].target = 10_300.0;
        s[1].1.target = 2400.0; // Σ = 4700 + 2400 + 2600 + 500 = 10200
        assert_eq!(check_tertiary_consistency(&t, &s).unwrap(), vec![]);
        s[1].1.target = 2501.0; // Σ = 10301 > 10300
        let v = check_tertiary_consistency(&t, &s).unwrap();
        assert_eq!(v[0].limit_kind, TertiaryLimit::TertiaryTarget);
        t[0].designation = Designation::Intermediate; // the same sums now exceed the current count
        s[1].1.target = 2400.0;
        assert_eq!(check_tertiary_consistency(&t, &s).unwrap()[0].limit, 10_000.0);
    }

    #[test]
    fn p4_4_a_secondary_area_outside_every_tertiary_area_is_an_error() {
        let (t, mut s) = f_prefecture(2200.0);
        s[0].0 = AreaCode::new("G");
        assert!(check_tertiary_consistency(&t, &s).is_err());
    }
}
