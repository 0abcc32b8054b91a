//! Rule editions as data (SPEC X1).
//!
//! An edition is a TOML file under `crates/ishi-plan/editions/`, embedded at compile time so the
//! domain stays free of I/O. Every number in it is a `{ value, source }` pair ([`Sourced`]); an edition
//! with a number lacking its source does not load, and `edition_values_all_carry_a_source` walks the
//! raw files so a number slipped in outside that shape fails the tests too.

use serde::Deserialize;

use crate::area::Level;
use crate::calendar::CalendarDate;
use crate::designation::ThresholdRule;
use crate::error::PlanError;

pub use ishi_sourced::Sourced;

/// A share of the ranked areas, written `"1/3"` or as a decimal (`"0.333"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(f64);

impl Share {
    pub fn new(fraction: f64) -> Option<Self> {
        (fraction > 0.0 && fraction < 1.0).then_some(Self(fraction))
    }
    pub fn fraction(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let fraction = match text.split_once('/') {
            Some((n, m)) => {
                let n: f64 = n.trim().parse().map_err(serde::de::Error::custom)?;
                let m: f64 = m.trim().parse().map_err(serde::de::Error::custom)?;
                n / m
            }
            None => text.trim().parse().map_err(serde::de::Error::custom)?,
        };
        Share::new(fraction).ok_or_else(|| serde::de::Error::custom(format!("share {text} is not in (0, 1)")))
    }
}

/// How one level's thresholds are set (P3.2), as written in an edition.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase", deny_unknown_fields)]
pub enum LevelThresholds {
    /// Thresholds from the distribution of the current set of areas.
    Rank { top_share: Sourced<Share>, bottom_share: Sourced<Share> },
    /// Cut-offs fixed in advance (第8次: 217.6 / 179.3 from the March-2022 areas).
    Fixed { upper: Sourced<f64>, lower: Sourced<f64> },
}

impl LevelThresholds {
    pub fn rule(&self) -> ThresholdRule {
        match self {
            LevelThresholds::Rank { top_share, bottom_share } => {
                ThresholdRule::Rank { top_share: Some(top_share.value), bottom_share: Some(bottom_share.value) }
            }
            LevelThresholds::Fixed { upper, lower } => {
                ThresholdRule::Fixed { upper: Some(upper.value), lower: Some(lower.value) }
            }
        }
    }

    /// The sources of this level's numbers, for reports.
    pub fn sources(&self) -> Vec<&str> {
        match self {
            LevelThresholds::Rank { top_share, bottom_share } => vec![&top_share.source, &bottom_share.source],
            LevelThresholds::Fixed { upper, lower } => vec![&upper.source, &lower.source],
        }
    }
}

/// Parameters of the index itself (P2).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexRules {
    /// 人口10万人対: the population unit of the denominator (P2.1).
    pub per_population: Sourced<f64>,
    /// Share counted at a 従たる従事先 in another area (P2.6): 0.2 in 第8次, 0 before.
    pub secondary_workplace_share: Sourced<f64>,
}

/// Which physicians a variant counts (P2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhysicianScope {
    /// All physicians.
    All,
    /// 診療所 physicians (with or without beds).
    Clinic,
    /// 分娩取扱医師 (obstetric physicians).
    Obstetrics,
    /// 小児科医師 (pediatricians).
    Pediatrics,
}

/// The denominator of a variant (P2.9) — configurable because the published summaries, not the
/// guideline text, are its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenominatorKind {
    /// population/per × standardized outpatient ratio × clinic share of outpatient visits.
    PopulationRatioShare,
    /// deliveries/per.
    Deliveries,
    /// population under `child_age_limit`/per × standardized pediatric ratio.
    ChildPopulationRatio,
}

/// Which tail of the ranking a variant designates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tail {
    /// Only the top share (外来医師多数区域).
    Top,
    /// Only the bottom share (相対的医師少数区域); never a 多数区域.
    Bottom,
}

/// One variant index (P2.9).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantRule {
    pub name: String,
    pub physicians: PhysicianScope,
    pub denominator: DenominatorKind,
    pub per: Sourced<f64>,
    #[serde(default)]
    pub child_age_limit: Option<Sourced<u8>>,
    pub designate: Tail,
    pub share: Sourced<Share>,
}

impl VariantRule {
    pub fn threshold_rule(&self) -> ThresholdRule {
        match self.designate {
            Tail::Top => ThresholdRule::Rank { top_share: Some(self.share.value), bottom_share: None },
            Tail::Bottom => ThresholdRule::Rank { top_share: None, bottom_share: Some(self.share.value) },
        }
    }
}

/// The three P2.9 variants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantRules {
    pub outpatient: VariantRule,
    pub obstetrics: VariantRule,
    pub pediatrics: VariantRule,
}

/// How 目標医師数 (target physicians) are set (P4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetMethod {
    /// 2019 edition (P4.1–P4.2): 少数 areas reach the bottom-1/3 threshold at plan end; for the others
    /// the prefecture sets the target and the national value gives the reference.
    Threshold,
    /// 第8次 (P4.3): a ceiling that never falls below the current count.
    Ceiling,
}

/// The plan period and the future year of an edition (P4, P5).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPeriod {
    /// First fiscal year of the plan.
    pub start_year: Sourced<i32>,
    /// Last fiscal year of the plan: the population and ratio of this year set the targets.
    pub end_year: Sourced<i32>,
    /// 将来時点 — the year of 必要医師数 and 偏在対策基準医師数 (P5.1, P5.2).
    pub future_year: Sourced<i32>,
    pub target_method: Sourced<TargetMethod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionFile {
    id: String,
    name: String,
    effective_from: String,
    source: String,
    plan: PlanPeriod,
    index: IndexRules,
    secondary: LevelThresholds,
    tertiary: LevelThresholds,
    variants: VariantRules,
}

/// A dated edition of the planning rules (X1).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleEdition {
    /// `2019` or `2024`.
    pub id: String,
    /// e.g. 第8次医師確保計画（前期）.
    pub name: String,
    /// The date the edition takes effect.
    pub effective_from: CalendarDate,
    /// The guideline this edition follows.
    pub source: String,
    /// The plan period, the future year and the target method.
    pub plan: PlanPeriod,
    pub index: IndexRules,
    pub secondary: LevelThresholds,
    pub tertiary: LevelThresholds,
    pub variants: VariantRules,
}

/// The shipped edition files, oldest first.
pub const BUILTIN_EDITION_FILES: [(&str, &str); 2] =
    [("2019", include_str!("../editions/2019.toml")), ("2024", include_str!("../editions/2024.toml"))];

impl RuleEdition {
    /// Parses an edition from its TOML text, checking that every value has a source.
    pub fn from_toml(text: &str) -> Result<Self, PlanError> {
        let file: EditionFile =
            toml::from_str(text).map_err(|e| PlanError::BadEdition { edition: "?".into(), problem: e.to_string() })?;
        let bad = |problem: String| PlanError::BadEdition { edition: file.id.clone(), problem };
        let effective_from = CalendarDate::parse(&file.effective_from)
            .ok_or_else(|| bad(format!("effective_from {:?} is not a date", file.effective_from)))?;
        let edition = RuleEdition {
            id: file.id.clone(),
            name: file.name,
            effective_from,
            source: file.source,
            plan: file.plan,
            index: file.index,
            secondary: file.secondary,
            tertiary: file.tertiary,
            variants: file.variants,
        };
        if let Some(path) = edition.first_unsourced() {
            return Err(bad(format!("{path} has no source")));
        }
        Ok(edition)
    }

    /// A shipped edition by id (`2019`, `2024`).
    pub fn builtin(id: &str) -> Result<Self, PlanError> {
        let (_, text) = BUILTIN_EDITION_FILES
            .iter()
            .find(|(known, _)| *known == id)
            .ok_or_else(|| PlanError::UnknownEdition(id.to_string()))?;
        Self::from_toml(text)
    }

    /// All shipped editions, oldest first.
    pub fn all_builtin() -> Vec<Self> {
        BUILTIN_EDITION_FILES
            .iter()
            .map(|(id, _)| Self::builtin(id).expect("shipped editions are checked by the tests"))
            .collect()
    }

    /// The shipped edition in force on `date` (the newest one that took effect on or before it).
    pub fn in_force_on(date: CalendarDate) -> Option<Self> {
        Self::all_builtin().into_iter().rev().find(|e| e.effective_from <= date)
    }

    pub fn thresholds(&self, level: Level) -> &LevelThresholds {
        match level {
            Level::Secondary => &self.secondary,
            Level::Tertiary => &self.tertiary,
        }
    }

    /// The threshold rule the designation applies at `level` (P3.2).
    pub fn threshold_rule(&self, level: Level) -> ThresholdRule {
        self.thresholds(level).rule()
    }

    fn first_unsourced(&self) -> Option<String> {
        let mut sources: Vec<(&str, &str)> = vec![
            ("source", &self.source),
            ("plan.start_year", &self.plan.start_year.source),
            ("plan.end_year", &self.plan.end_year.source),
            ("plan.future_year", &self.plan.future_year.source),
            ("plan.target_method", &self.plan.target_method.source),
            ("index.per_population", &self.index.per_population.source),
            ("index.secondary_workplace_share", &self.index.secondary_workplace_share.source),
        ];
        for (level, t) in [("secondary", &self.secondary), ("tertiary", &self.tertiary)] {
            for s in t.sources() {
                sources.push((level, s));
            }
        }
        for (name, v) in [
            ("variants.outpatient", &self.variants.outpatient),
            ("variants.obstetrics", &self.variants.obstetrics),
            ("variants.pediatrics", &self.variants.pediatrics),
        ] {
            sources.push((name, &v.per.source));
            sources.push((name, &v.share.source));
            if let Some(limit) = &v.child_age_limit {
                sources.push((name, &limit.source));
            }
        }
        sources.into_iter().find(|(_, s)| s.trim().is_empty()).map(|(path, _)| path.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X1: walk each shipped file as raw TOML: every number must sit in a `{ value, source }` table
    /// whose source is not empty. Catches a number added outside the `Sourced` shape.
    #[test]
    fn x1_edition_values_all_carry_a_source() {
        for (id, text) in BUILTIN_EDITION_FILES {
            let problems = ishi_sourced::unsourced_numbers(text).unwrap();
            assert!(problems.is_empty(), "{id}: {problems:#?}");
            RuleEdition::builtin(id).unwrap();
        }
    }

    #[test]
    fn x1_a_value_without_source_does_not_load() {
        let text = BUILTIN_EDITION_FILES[1]
            .1
            .replace("upper = { value = 217.6, source = ", "upper = { value = 217.6, sauce = ");
        assert!(RuleEdition::from_toml(&text).is_err());
        let empty = BUILTIN_EDITION_FILES[1].1.replacen(
            "source = \"医師偏在指標関連データ（令和6年1月公表版）: 医師多数区域",
            "source = \" \", x = \"",
            1,
        );
        assert!(RuleEdition::from_toml(&empty).is_err());
    }

    #[test]
    fn p3_2_edition_2024_fixes_secondary_cutoffs_and_ranks_prefectures() {
        let e = RuleEdition::builtin("2024").unwrap();
        match &e.secondary {
            LevelThresholds::Fixed { upper, lower } => {
                assert_eq!(upper.value, 217.6);
                assert_eq!(lower.value, 179.3);
            }
            other => panic!("2024 secondary must be fixed, got {other:?}"),
        }
        assert!(matches!(e.tertiary, LevelThresholds::Rank { .. }));
        assert_eq!(e.index.secondary_workplace_share.value, 0.2);
    }

    #[test]
    fn p3_2_edition_2019_ranks_both_levels() {
        let e = RuleEdition::builtin("2019").unwrap();
        assert!(matches!(e.secondary, LevelThresholds::Rank { .. }));
        assert!(matches!(e.tertiary, LevelThresholds::Rank { .. }));
        assert_eq!(e.index.secondary_workplace_share.value, 0.0);
    }

    #[test]
    fn x1_edition_in_force_by_date() {
        let d = |s| CalendarDate::parse(s).unwrap();
        assert_eq!(RuleEdition::in_force_on(d("2023-03-31")).unwrap().id, "2019");
        assert_eq!(RuleEdition::in_force_on(d("2026-11-21")).unwrap().id, "2024");
        assert!(RuleEdition::in_force_on(d("2018-01-01")).is_none());
        assert!(matches!(RuleEdition::builtin("2030"), Err(PlanError::UnknownEdition(_))));
    }
}
