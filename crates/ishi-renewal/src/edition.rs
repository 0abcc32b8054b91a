//! Renewal rule editions as data (SPEC X1, R2–R7).
//!
//! One TOML file per edition under `crates/ishi-renewal/editions/`: FY2015–FY2019 (the transition,
//! with old points) and FY2020 (the full criteria, in force from FY2020 on). They are embedded at
//! compile time so the domain stays free of I/O. Every number is a `{ value, source }` pair; the
//! decided interpretations are listed in each file's `decisions`.

use serde::Deserialize;

use ishi_calendar::CalendarDate;
use ishi_sourced::Sourced;

use crate::error::RenewalError;
use crate::units::Units;

/// The built-in editions, oldest first.
pub const BUILTIN_EDITION_FILES: [(&str, &str); 6] = [
    ("FY2015", include_str!("../editions/fy2015.toml")),
    ("FY2016", include_str!("../editions/fy2016.toml")),
    ("FY2017", include_str!("../editions/fy2017.toml")),
    ("FY2018", include_str!("../editions/fy2018.toml")),
    ("FY2019", include_str!("../editions/fy2019.toml")),
    ("FY2020", include_str!("../editions/fy2020.toml")),
];

/// The fiscal years an edition decides.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalYears {
    pub from: Sourced<i32>,
    /// Absent: in force until a later edition replaces it.
    pub to: Option<Sourced<i32>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodRules {
    /// New units count from this date (R7.1: April 2015).
    pub units_from: Sourced<String>,
    /// Length of one extension (R6.3, R7.2).
    pub extension_years: Sourced<u32>,
    /// Extensions granted by rule ("原則として1年のみ"); more go to the committee.
    pub max_extensions: Sourced<u32>,
    /// Hours count to this fraction, rounded down.
    pub hour_granularity: Sourced<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalRules {
    /// ③ 更新単位 required (50 in full).
    pub required: Sourced<u32>,
    /// Renewals completed from which ② is exempt (R1.3).
    pub exempt_after_renewals: Sourced<u32>,
    /// Required total for an exempt specialist (R1.3 decided: 40 in full).
    pub exempt_required: Sourced<u32>,
}

/// i) 診療実績 (R1).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicalRules {
    pub cases_per_unit: Sourced<u32>,
    pub min_units: Sourced<u32>,
    pub max_units: Sourced<u32>,
}

/// A step-up of the mandatory requirement with the new units earned (transition, R7 table).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MandatoryStep {
    pub new_units_at_least: Sourced<u32>,
    pub mandatory_total: Sourced<u32>,
}

/// ii) 専門医共通講習 (R3).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonRules {
    pub min_units: Sourced<u32>,
    pub max_units: Sourced<u32>,
    pub attendee_units_per_hour: Sourced<u32>,
    pub lecturer_units_per_hour: Sourced<u32>,
    pub min_lecture_hours: Sourced<f64>,
    /// Units each mandatory item needs on its own (1 in full, 0 in the transition).
    pub mandatory_each: Sourced<u32>,
    /// Units the mandatory items need together.
    pub mandatory_total: Sourced<u32>,
    pub mandatory_steps: Vec<MandatoryStep>,
}

/// iii) 形成外科領域講習 (R4).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialtyRules {
    pub min_units: Sourced<u32>,
    /// Absent in FY2015–FY2016 (the seed's table leaves it blank).
    pub max_units: Option<Sourced<u32>>,
    pub attendee_units_per_hour: Sourced<u32>,
    pub lecturer_units_per_lecture: Sourced<u32>,
    pub min_lecture_hours: Sourced<f64>,
}

/// iv) 学術業績・診療以外の活動 (R5).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AchievementRules {
    pub min_units: Sourced<u32>,
    pub max_units: Sourced<u32>,
    pub meeting_national: Sourced<u32>,
    pub meeting_regional: Sourced<u32>,
    pub meeting_other: Sourced<u32>,
    pub meeting_cap: Sourced<u32>,
    pub presentation: Sourced<u32>,
    pub paper_first_author: Sourced<u32>,
    pub paper_coauthor: Sourced<u32>,
    pub peer_review_per_paper: Sourced<u32>,
    pub exam_duty_per_fiscal_year: Sourced<u32>,
    pub public_lecture_minutes_per_unit: Sourced<u32>,
    pub public_lecture_tolerance_minutes: Sourced<u32>,
    pub school_doctor_min_years: Sourced<f64>,
    pub school_doctor_units: Sourced<u32>,
    pub school_doctor_cap: Sourced<u32>,
    pub accident_investigation_per_fiscal_year: Sourced<u32>,
}

/// 旧基準の点 in the transition (R7).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OldPointRules {
    /// Old points the transition asks for in this year (135 … 30).
    pub required: Sourced<f64>,
    /// Five years of old points: the society's own renewal (R7.2).
    pub society_full: Sourced<f64>,
    /// R7.3: 30 points = 1 year.
    pub points_per_year: Sourced<f64>,
    /// R7.3: 10 new units = 1 year.
    pub units_per_year: Sourced<f64>,
    /// R7.1: the window is January of Y−(n−1) to December of Y.
    pub window_years: Sourced<i32>,
}

/// One edition of the renewal criteria.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalEdition {
    pub id: String,
    pub name: String,
    pub source: String,
    /// Another edition whose criteria may be used instead (R7.4: FY2019 → FY2020); empty for none.
    pub alternative: String,
    /// Interpretations decided where the seed is silent or ambiguous, with the rule they concern.
    pub decisions: Vec<String>,
    pub fiscal_years: FiscalYears,
    pub period: PeriodRules,
    pub total: TotalRules,
    pub clinical: ClinicalRules,
    pub common: CommonRules,
    pub specialty: SpecialtyRules,
    pub achievements: AchievementRules,
    pub old_points: Option<OldPointRules>,
    /// The TOML the edition was read from, so reports list exactly what the file says.
    #[serde(skip)]
    text: String,
    /// `period.units_from`, parsed once.
    #[serde(skip)]
    units_from_date: Option<CalendarDate>,
}

impl RenewalEdition {
    pub fn from_toml(text: &str) -> Result<Self, RenewalError> {
        let mut edition: RenewalEdition =
            toml::from_str(text).map_err(|e| RenewalError::Edition { id: "?".into(), problem: e.to_string() })?;
        edition.validate()?;
        edition.text = text.to_string();
        edition.units_from_date = CalendarDate::parse(&edition.period.units_from.value);
        Ok(edition)
    }

    fn validate(&self) -> Result<(), RenewalError> {
        let bad = |problem: String| Err(RenewalError::Edition { id: self.id.clone(), problem });
        if CalendarDate::parse(&self.period.units_from.value).is_none() {
            return bad(format!("period.units_from {:?} is not a date", self.period.units_from.value));
        }
        if self.clinical.cases_per_unit.value == 0 {
            return bad("clinical.cases_per_unit must be positive".into());
        }
        let g = self.period.hour_granularity.value;
        if !(g == 0.5 || g == 1.0) {
            return bad(format!("period.hour_granularity {g} must be 0.5 or 1 (units are exact to the half)"));
        }
        if self.achievements.public_lecture_minutes_per_unit.value == 0 {
            return bad("achievements.public_lecture_minutes_per_unit must be positive".into());
        }
        for (name, min, max) in [
            ("clinical", self.clinical.min_units.value, Some(self.clinical.max_units.value)),
            ("common", self.common.min_units.value, Some(self.common.max_units.value)),
            ("specialty", self.specialty.min_units.value, self.specialty.max_units.as_ref().map(|m| m.value)),
            ("achievements", self.achievements.min_units.value, Some(self.achievements.max_units.value)),
        ] {
            if max.is_some_and(|max| max < min) {
                return bad(format!("{name}: max_units below min_units"));
            }
        }
        if let Some(old) = &self.old_points
            && (old.points_per_year.value <= 0.0 || old.units_per_year.value <= 0.0)
        {
            return bad("old_points: points_per_year and units_per_year must be positive".into());
        }
        Ok(())
    }

    /// The built-in edition with this id (`FY2015` … `FY2020`).
    pub fn builtin(id: &str) -> Result<Self, RenewalError> {
        let (_, text) = BUILTIN_EDITION_FILES
            .iter()
            .find(|(i, _)| i.eq_ignore_ascii_case(id))
            .ok_or_else(|| RenewalError::UnknownEdition(id.to_string()))?;
        Self::from_toml(text)
    }

    pub fn applies_to(&self, fiscal_year: i32) -> bool {
        fiscal_year >= self.fiscal_years.from.value
            && self.fiscal_years.to.as_ref().is_none_or(|t| fiscal_year <= t.value)
    }

    /// First day new units count (R7.1).
    pub fn units_from(&self) -> CalendarDate {
        self.units_from_date.expect("parsed on load")
    }

    pub fn is_transition(&self) -> bool {
        self.old_points.is_some()
    }

    /// Minimum and maximum of a category for a specialist, exempt (R1.3) or not.
    pub fn bounds(&self, category: crate::Category, exempt: bool) -> (Units, Option<Units>) {
        use crate::Category::*;
        match category {
            Clinical if exempt => (Units::ZERO, Some(Units::ZERO)),
            Clinical => {
                (Units::whole(self.clinical.min_units.value), Some(Units::whole(self.clinical.max_units.value)))
            }
            Common => (Units::whole(self.common.min_units.value), Some(Units::whole(self.common.max_units.value))),
            Specialty => (
                Units::whole(self.specialty.min_units.value),
                self.specialty.max_units.as_ref().map(|m| Units::whole(m.value)),
            ),
            Achievements => {
                (Units::whole(self.achievements.min_units.value), Some(Units::whole(self.achievements.max_units.value)))
            }
        }
    }

    /// ③ required for a specialist, exempt (R1.3) or not.
    pub fn required_units(&self, exempt: bool) -> Units {
        Units::whole(if exempt { self.total.exempt_required.value } else { self.total.required.value })
    }

    /// Mandatory units needed together, given the new units counted (the transition's step-ups).
    pub fn mandatory_total(&self, counted_new_units: Units) -> (Units, Option<u32>) {
        let mut need = (Units::whole(self.common.mandatory_total.value), None);
        for step in &self.common.mandatory_steps {
            if counted_new_units >= Units::whole(step.new_units_at_least.value) {
                let n = Units::whole(step.mandatory_total.value);
                if n > need.0 {
                    need = (n, Some(step.new_units_at_least.value));
                }
            }
        }
        need
    }

    /// Every number of the edition with its source (path, value, source), for `ishi renew edition`.
    pub fn sourced_values(&self) -> Vec<(String, String, String)> {
        // The text was parsed when the edition loaded, so it parses again.
        ishi_sourced::sourced_values(&self.text).unwrap_or_default()
    }
}

/// The editions in force, for choosing the one that decides a renewal year.
#[derive(Debug, Clone)]
pub struct RuleBook {
    editions: Vec<RenewalEdition>,
}

impl RuleBook {
    /// All built-in editions.
    pub fn builtin() -> Self {
        let editions = BUILTIN_EDITION_FILES
            .iter()
            .map(|(_, text)| RenewalEdition::from_toml(text).expect("built-in edition"))
            .collect();
        Self { editions }
    }

    pub fn new(editions: Vec<RenewalEdition>) -> Self {
        Self { editions }
    }

    pub fn editions(&self) -> &[RenewalEdition] {
        &self.editions
    }

    /// The edition deciding renewals of fiscal year `fy` (the latest one that applies).
    pub fn for_fiscal_year(&self, fy: i32) -> Result<&RenewalEdition, RenewalError> {
        self.editions.iter().rev().find(|e| e.applies_to(fy)).ok_or(RenewalError::NoEditionFor(fy))
    }

    pub fn by_id(&self, id: &str) -> Option<&RenewalEdition> {
        self.editions.iter().find(|e| e.id.eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x1_renewal_edition_values_all_carry_a_source() {
        for (id, text) in BUILTIN_EDITION_FILES {
            let problems = ishi_sourced::unsourced_numbers(text).unwrap();
            assert!(problems.is_empty(), "{id}: {problems:#?}");
            let edition = RenewalEdition::builtin(id).unwrap();
            assert_eq!(edition.id, id);
            assert!(!edition.decisions.is_empty());
        }
    }

    #[test]
    fn x1_a_renewal_value_without_source_does_not_load() {
        let text = BUILTIN_EDITION_FILES[5]
            .1
            .replace("required = { value = 50, source = ", "required = { value = 50, sauce = ");
        assert!(RenewalEdition::from_toml(&text).is_err());
    }

    #[test]
    fn r7_each_fiscal_year_has_one_deciding_edition() {
        let book = RuleBook::builtin();
        for (fy, id) in [(2015, "FY2015"), (2016, "FY2016"), (2017, "FY2017"), (2018, "FY2018"), (2019, "FY2019")] {
            assert_eq!(book.for_fiscal_year(fy).unwrap().id, id);
        }
        for fy in [2020, 2025, 2031] {
            assert_eq!(book.for_fiscal_year(fy).unwrap().id, "FY2020");
        }
        assert!(matches!(book.for_fiscal_year(2014), Err(RenewalError::NoEditionFor(2014))));
    }

    #[test]
    fn r1_3_exempt_required_total_is_the_full_total_less_the_clinical_units() {
        for (id, _) in BUILTIN_EDITION_FILES {
            let e = RenewalEdition::builtin(id).unwrap();
            assert_eq!(e.total.exempt_required.value, e.total.required.value - e.clinical.max_units.value, "{id}");
        }
        assert_eq!(RenewalEdition::builtin("FY2020").unwrap().required_units(true), Units::whole(40));
    }

    /// The seed's 移行措置 table: each year's minimums and maximums add up to its total (i is exact,
    /// iii is what is left), which is how the table was built.
    #[test]
    fn r7_transition_table_rows_add_up_to_the_total() {
        for (id, _) in BUILTIN_EDITION_FILES {
            let e = RenewalEdition::builtin(id).unwrap();
            let total = e.total.required.value;
            let i = e.clinical.max_units.value;
            if let Some(iii_max) = &e.specialty.max_units {
                assert_eq!(
                    i + e.common.min_units.value + iii_max.value + e.achievements.min_units.value,
                    total,
                    "{id}"
                );
            }
            assert_eq!(
                i + e.common.max_units.value + e.specialty.min_units.value + e.achievements.max_units.value,
                total,
                "{id}"
            );
        }
    }
}
