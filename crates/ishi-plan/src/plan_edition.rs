//! Plan editions and the cycle (SPEC P9): a saved plan (data vintage, parameters, designations with their
//! overrides, targets, policy), the difference between two editions, and the back-test of targets
//! against the physicians actually counted at plan end.
//!
//! Main types: [`PlanEdition`] (serializable; the I/O crate writes it as JSON), [`EditionArea`],
//! [`EditionDiff`] with [`AreaChange`], and [`Backtest`].
//!
//! ```
//! use ishi_plan::Designation::*;
//! use ishi_plan::plan_edition::{EditionArea, PlanEdition, PlanParameters};
//! use ishi_plan::Level;
//!
//! let area = |code: &str, d, target| EditionArea::new(code, code, Level::Secondary, 150.0, d, Some(100.0), target);
//! let mut before = PlanEdition::new("2024", "example", "2024", "synthetic", PlanParameters::default());
//! before.areas = vec![area("A", Scarce, Some(120.0)), area("B", Abundant, Some(100.0))];
//! let mut after = before.clone();
//! after.areas[0].decided = Intermediate;
//! let diff = before.diff(&after);
//! assert_eq!(diff.changes[0].to_string(), "A: decided designation 少数 → 中程度");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::area::{AreaCode, Level};
use crate::designation::Designation;
use crate::policy::{AreaPolicy, Recruitment};
use crate::table::PlanTable;
use crate::target::{AreaTarget, fmt_count};

/// The file format version of a saved edition.
pub const EDITION_FORMAT: u32 = 1;

/// A saved plan edition (P9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEdition {
    pub format: u32,
    /// Name of this edition, e.g. `2024-第8次前期`.
    pub id: String,
    pub title: String,
    /// The rule edition it was computed under (`2019`, `2024`).
    pub rule_edition: String,
    /// Where the figures come from (the published release, or "SYNTHETIC").
    pub data_vintage: String,
    pub parameters: PlanParameters,
    /// Secondary and tertiary areas, in the order saved.
    pub areas: Vec<EditionArea>,
}

/// The parameters a plan edition was computed with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanParameters {
    pub plan_start_year: Option<i32>,
    pub plan_end_year: Option<i32>,
    pub future_year: Option<i32>,
    /// `threshold` or `ceiling` (P4).
    pub target_method: Option<String>,
    /// Secondary thresholds applied (多数 at or above, 少数 below).
    pub secondary_upper: Option<f64>,
    pub secondary_lower: Option<f64>,
    pub tertiary_upper: Option<f64>,
    pub tertiary_lower: Option<f64>,
    /// 全国値.
    pub national_value: Option<f64>,
    /// Approximations and choices a reader must know (population source, ratio held constant, …).
    pub notes: Vec<String>,
}

/// One area of a saved edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionArea {
    pub code: AreaCode,
    pub name: String,
    #[serde(with = "level_serde")]
    pub level: Level,
    /// The tertiary area of a secondary area.
    pub tertiary: Option<AreaCode>,
    pub index: f64,
    /// Mechanical designation (P3.1–P3.2).
    pub designation: Designation,
    /// Decided designation (P3.3).
    pub decided: Designation,
    pub override_reason: Option<String>,
    pub override_by: Option<String>,
    /// 現在医師数 at plan start.
    pub current: Option<f64>,
    /// 目標医師数 (P4).
    pub target: Option<f64>,
    /// Which rule set the target (`TargetBasis::key`).
    pub target_basis: Option<String>,
    pub policy: Option<EditionPolicy>,
}

impl EditionArea {
    /// An area without override or policy (tests and small examples).
    pub fn new(
        code: &str,
        name: &str,
        level: Level,
        index: f64,
        designation: Designation,
        current: Option<f64>,
        target: Option<f64>,
    ) -> Self {
        Self {
            code: AreaCode::new(code),
            name: name.into(),
            level,
            tertiary: None,
            index,
            designation,
            decided: designation,
            override_reason: None,
            override_by: None,
            current,
            target,
            target_basis: None,
            policy: None,
        }
    }
}

/// The policy of an area as saved (P6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionPolicy {
    pub short_term: bool,
    pub long_term: bool,
    pub outside_tertiary: Recruitment,
    pub outside_secondary: Option<Recruitment>,
    pub rules: Vec<String>,
}

impl From<&AreaPolicy> for EditionPolicy {
    fn from(p: &AreaPolicy) -> Self {
        Self {
            short_term: p.short_term,
            long_term: p.long_term,
            outside_tertiary: p.outside_tertiary,
            outside_secondary: p.outside_secondary,
            rules: p.rules.iter().map(|r| r.to_string()).collect(),
        }
    }
}

impl PlanEdition {
    pub fn new(id: &str, title: &str, rule_edition: &str, data_vintage: &str, parameters: PlanParameters) -> Self {
        Self {
            format: EDITION_FORMAT,
            id: id.into(),
            title: title.into(),
            rule_edition: rule_edition.into(),
            data_vintage: data_vintage.into(),
            parameters,
            areas: vec![],
        }
    }

    /// Adds the rows of a plan table, with the targets and policies whose codes match (same level).
    pub fn add_table(
        &mut self,
        table: &PlanTable,
        tertiary_of: impl Fn(&AreaCode) -> Option<AreaCode>,
        targets: &[AreaTarget],
        policies: &[AreaPolicy],
    ) {
        for row in &table.rows {
            let code = &row.entry.code;
            let target = targets.iter().find(|t| &t.code == code);
            let policy = policies.iter().find(|p| &p.code == code && p.level == table.level);
            self.areas.push(EditionArea {
                code: code.clone(),
                name: row.entry.name.clone(),
                level: table.level,
                tertiary: tertiary_of(code),
                index: row.entry.index,
                designation: row.designation,
                decided: row.decided,
                override_reason: row.override_.as_ref().map(|o| o.reason.clone()),
                override_by: row.override_.as_ref().map(|o| format!("{} ({})", o.decided_by, o.decided_on)),
                current: target.map(|t| t.current),
                target: target.map(|t| t.target),
                target_basis: target.map(|t| t.basis.key().to_string()),
                policy: policy.map(EditionPolicy::from),
            });
        }
    }

    fn by_key(&self) -> BTreeMap<(u8, &AreaCode), &EditionArea> {
        self.areas.iter().map(|a| ((level_rank(a.level), &a.code), a)).collect()
    }

    /// P9: what changed from `self` (the earlier edition) to `later`: areas added and removed, and per
    /// area the designation, decided designation, target and policy. Areas are matched by level and code.
    pub fn diff(&self, later: &PlanEdition) -> EditionDiff {
        let (a, b) = (self.by_key(), later.by_key());
        let mut diff = EditionDiff::default();
        for (key, area) in &a {
            if !b.contains_key(key) {
                diff.removed.push(area.code.clone());
            }
        }
        for (key, after) in &b {
            let Some(before) = a.get(key) else {
                diff.added.push(after.code.clone());
                continue;
            };
            let mut push = |field: ChangedField, before: String, after_v: String| {
                if before != after_v {
                    diff.changes.push(AreaChange {
                        code: after.code.clone(),
                        level: after.level,
                        field,
                        before,
                        after: after_v,
                    });
                }
            };
            push(ChangedField::Designation, before.designation.to_string(), after.designation.to_string());
            push(ChangedField::Decided, before.decided.to_string(), after.decided.to_string());
            push(ChangedField::Target, fmt_opt(before.target), fmt_opt(after.target));
            push(ChangedField::Policy, fmt_policy(&before.policy), fmt_policy(&after.policy));
        }
        let (pa, pb) = (&self.parameters, &later.parameters);
        for (name, x, y) in [
            ("secondary_upper", pa.secondary_upper, pb.secondary_upper),
            ("secondary_lower", pa.secondary_lower, pb.secondary_lower),
            ("tertiary_upper", pa.tertiary_upper, pb.tertiary_upper),
            ("tertiary_lower", pa.tertiary_lower, pb.tertiary_lower),
            ("national_value", pa.national_value, pb.national_value),
        ] {
            if x != y {
                diff.parameters.push((name.to_string(), fmt_opt(x), fmt_opt(y)));
            }
        }
        if self.rule_edition != later.rule_edition {
            diff.parameters.push(("rule_edition".into(), self.rule_edition.clone(), later.rule_edition.clone()));
        }
        if self.data_vintage != later.data_vintage {
            diff.parameters.push(("data_vintage".into(), self.data_vintage.clone(), later.data_vintage.clone()));
        }
        diff
    }

    /// P9: compares each target of this edition with the physicians counted at plan end. Areas without a
    /// target or without an actual count are listed as not compared.
    pub fn backtest(&self, actual: &[(AreaCode, f64)]) -> Backtest {
        let counts: BTreeMap<&AreaCode, f64> = actual.iter().map(|(c, v)| (c, *v)).collect();
        let mut rows = vec![];
        let mut not_compared = vec![];
        for area in &self.areas {
            match (area.target, counts.get(&area.code)) {
                (Some(target), Some(&actual)) => rows.push(BacktestRow {
                    code: area.code.clone(),
                    name: area.name.clone(),
                    level: area.level,
                    decided: area.decided,
                    start: area.current,
                    target,
                    actual,
                }),
                _ => not_compared.push(area.code.clone()),
            }
        }
        let unknown: Vec<AreaCode> =
            actual.iter().filter(|(c, _)| !self.areas.iter().any(|a| &a.code == c)).map(|(c, _)| c.clone()).collect();
        Backtest { rows, not_compared, unknown }
    }
}

fn level_rank(level: Level) -> u8 {
    match level {
        Level::Tertiary => 0,
        Level::Secondary => 1,
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("—".into(), fmt_count)
}

fn fmt_policy(p: &Option<EditionPolicy>) -> String {
    match p {
        None => "—".into(),
        Some(p) => {
            let mut measures = vec![];
            if p.short_term {
                measures.push("短期");
            }
            if p.long_term {
                measures.push("長期");
            }
            let measures = if measures.is_empty() { "施策なし".to_string() } else { measures.join("+") };
            let secondary = p.outside_secondary.map_or(String::new(), |r| format!(", 二次医療圏外 {}", r.key()));
            format!("{measures}, 三次医療圏外 {}{secondary}", p.outside_tertiary.key())
        }
    }
}

/// Which part of an area changed between editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedField {
    Designation,
    Decided,
    Target,
    Policy,
}

impl ChangedField {
    pub fn key(self) -> &'static str {
        match self {
            ChangedField::Designation => "designation",
            ChangedField::Decided => "decided",
            ChangedField::Target => "target",
            ChangedField::Policy => "policy",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ChangedField::Designation => "designation",
            ChangedField::Decided => "decided designation",
            ChangedField::Target => "target",
            ChangedField::Policy => "policy",
        }
    }
}

/// One change of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaChange {
    pub code: AreaCode,
    pub level: Level,
    pub field: ChangedField,
    pub before: String,
    pub after: String,
}

impl fmt::Display for AreaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {} → {}", self.code, self.field.label(), self.before, self.after)
    }
}

/// What changed between two editions (P9).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditionDiff {
    pub added: Vec<AreaCode>,
    pub removed: Vec<AreaCode>,
    pub changes: Vec<AreaChange>,
    /// (parameter, before, after).
    pub parameters: Vec<(String, String, String)>,
}

impl EditionDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changes.is_empty() && self.parameters.is_empty()
    }
}

/// One target compared with the count at plan end.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    pub code: AreaCode,
    pub name: String,
    pub level: Level,
    pub decided: Designation,
    /// Count at plan start, when saved.
    pub start: Option<f64>,
    pub target: f64,
    pub actual: f64,
}

impl BacktestRow {
    /// The target was reached: `actual ≥ target`.
    pub fn reached(&self) -> bool {
        self.actual >= self.target
    }

    /// Share of the planned increase achieved, `(actual − start) / (target − start)`, when the target
    /// asked for an increase.
    pub fn progress(&self) -> Option<f64> {
        let start = self.start?;
        (self.target > start).then(|| (self.actual - start) / (self.target - start))
    }
}

/// The back-test of an edition (P9). The published outcome of the first plan — 6 of 16 医師少数県 and
/// 43 of 105 医師少数区域 reached their targets — is the shape of [`Backtest::reached`].
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub rows: Vec<BacktestRow>,
    /// Areas of the edition without a target or without an actual count.
    pub not_compared: Vec<AreaCode>,
    /// Actual counts for codes the edition does not have.
    pub unknown: Vec<AreaCode>,
}

impl Backtest {
    /// (reached, compared) among the areas of `level` with decided designation `designation`.
    pub fn reached(&self, level: Level, designation: Designation) -> (usize, usize) {
        let rows: Vec<&BacktestRow> =
            self.rows.iter().filter(|r| r.level == level && r.decided == designation).collect();
        (rows.iter().filter(|r| r.reached()).count(), rows.len())
    }
}

impl Serialize for Designation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_ja())
    }
}

impl<'de> Deserialize<'de> for Designation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Designation::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not 多数, 中程度 or 少数")))
    }
}

impl Serialize for Recruitment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Recruitment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        [Recruitment::Yes, Recruitment::AsNeeded, Recruitment::No]
            .into_iter()
            .find(|r| r.key() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not yes, as_needed or no")))
    }
}

impl Serialize for AreaCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AreaCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(AreaCode::new(String::deserialize(d)?))
    }
}

mod level_serde {
    use super::*;

    pub fn serialize<S: Serializer>(level: &Level, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match level {
            Level::Secondary => "secondary",
            Level::Tertiary => "tertiary",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Level, D::Error> {
        match String::deserialize(d)?.as_str() {
            "secondary" => Ok(Level::Secondary),
            "tertiary" => Ok(Level::Tertiary),
            other => Err(serde::de::Error::custom(format!("{other:?} is not secondary or tertiary"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Designation::*;

    fn edition(areas: Vec<EditionArea>) -> PlanEdition {
        let mut e = PlanEdition::new("e", "test", "2024", "SYNTHETIC", PlanParameters::default());
        e.areas = areas;
        e
    }

    fn sec(code: &str, d: Designation, current: f64, target: f64) -> EditionArea {
        EditionArea::new(code, code, Level::Secondary, 150.0, d, Some(current), Some(target))
    }

    #[test]
    fn p9_an_edition_diffed_with_itself_is_empty() {
        let e = edition(vec![sec("A", Scarce, 100.0, 120.0)]);
        assert!(e.diff(&e).is_empty());
    }

    #[test]
    fn p9_diff_names_designation_target_policy_and_area_changes() {
        let before = edition(vec![sec("A", Scarce, 100.0, 120.0), sec("B", Abundant, 300.0, 300.0)]);
        let mut after = edition(vec![sec("A", Intermediate, 100.0, 118.5), sec("C", Scarce, 50.0, 60.0)]);
        after.areas[0].policy = Some(EditionPolicy {
            short_term: true,
            long_term: false,
            outside_tertiary: Recruitment::No,
            outside_secondary: Some(Recruitment::AsNeeded),
            rules: vec!["P6.1".into()],
        });
        after.parameters.national_value = Some(255.6);
        let d = before.diff(&after);
        assert_eq!(d.added, vec![AreaCode::new("C")]);
        assert_eq!(d.removed, vec![AreaCode::new("B")]);
        let lines: Vec<String> = d.changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "A: designation 少数 → 中程度",
                "A: decided designation 少数 → 中程度",
                "A: target 120 → 118.5",
                "A: policy — → 短期, 三次医療圏外 no, 二次医療圏外 as_needed",
            ]
        );
        assert_eq!(d.parameters, vec![("national_value".into(), "—".into(), "255.6".into())]);
    }

    #[test]
    fn p9_backtest_counts_targets_reached_by_designation() {
        // Three 少数 areas: A reaches 120 with 121, B misses 200 with 190, C has no count.
        let e = edition(vec![
            sec("A", Scarce, 100.0, 120.0),
            sec("B", Scarce, 180.0, 200.0),
            sec("C", Scarce, 10.0, 12.0),
            sec("D", Abundant, 300.0, 300.0),
        ]);
        let actual = [("A", 121.0), ("B", 190.0), ("D", 310.0), ("Z", 1.0)].map(|(c, v)| (AreaCode::new(c), v));
        let b = e.backtest(&actual);
        assert_eq!(b.reached(Level::Secondary, Scarce), (1, 2));
        assert_eq!(b.reached(Level::Secondary, Abundant), (1, 1));
        assert_eq!(b.not_compared, vec![AreaCode::new("C")]);
        assert_eq!(b.unknown, vec![AreaCode::new("Z")]);
        // B: (190 − 180) / (200 − 180) = 0.5 of the planned increase.
        assert_eq!(b.rows[1].progress(), Some(0.5));
        assert_eq!(b.rows[2].progress(), None);
    }

    #[test]
    fn p9_an_edition_survives_a_json_round_trip() {
        let mut e = edition(vec![sec("A", Scarce, 100.0, 120.0)]);
        e.areas[0].override_reason = Some("地域医療対策協議会で協議".into());
        e.areas[0].policy = Some(EditionPolicy {
            short_term: true,
            long_term: true,
            outside_tertiary: Recruitment::Yes,
            outside_secondary: Some(Recruitment::Yes),
            rules: vec!["P6.1".into(), "P6.2".into()],
        });
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""designation":"少数""#) && json.contains(r#""outside_tertiary":"yes""#), "{json}");
        assert_eq!(serde_json::from_str::<PlanEdition>(&json).unwrap(), e);
        assert!(serde_json::from_str::<PlanEdition>(&json.replace("少数", "たくさん")).is_err());
    }
}
