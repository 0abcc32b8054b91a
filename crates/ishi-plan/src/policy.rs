//! 医師の確保の方針 — the securing policy of every tertiary and secondary area (SPEC P6), and 医師少数地区
//! (scarce districts, P1.3) that change it (P6.5).
//!
//! Main types: [`TertiaryStatus`] and [`SecondaryStatus`] (current and future designation of an area),
//! [`ScarceDistrict`] (a 少数地区 with the reason the plan records), [`AreaPolicy`] (short-term and long-term
//! measures, recruitment from outside the tertiary and the secondary area, and the rule IDs that decided
//! each), [`Recruitment`] (`yes`, `as_needed`, `no`).
//!
//! How the rules combine (documented decisions where P6 is silent):
//! - **Measures (P6.1)**: short-term when the area is 少数 now, long-term when it is 少数 in the future
//!   year. A secondary area containing a 少数地区 also gets short-term measures (P6.5: "mainly short-term
//!   measures, like a current 少数区域").
//! - **Outside the secondary area (P6.3)**: 少数 `yes` (from 医師多数区域), 中程度 `as_needed`, 多数 `no`. A
//!   多数 area containing a 少数地区 gets `as_needed`: the district is served by adjustment with the other
//!   areas of its tertiary area (P6.5).
//! - **Outside the tertiary area (P6.2)**, by the designation of the tertiary area: 多数 `no` (also for its
//!   少数地区, P6.5); 少数 — the area's own recruitment permission (a 少数 area `yes`, a 中程度 area
//!   `as_needed`, a 多数 area `no` unless it contains a 少数地区, P6.5 "from outside as well"); 中程度 —
//!   `as_needed` only for the areas that are 少数 or contain a 少数地区 ("only where it contains 医師少数区域
//!   or 医師少数地区"), `no` for the others. An area never recruits from outside its tertiary area more
//!   freely than from outside its secondary area. The dispatch optimizer (P7) applies the same reading.
//!
//! ```
//! use ishi_plan::Designation::*;
//! use ishi_plan::policy::{Recruitment, SecondaryStatus, TertiaryStatus, secondary_policies};
//!
//! // The seed's A県 ㋒医療圏: a 少数 area in a 少数 prefecture, 少数 in the future too.
//! let a = TertiaryStatus::new("A", Scarce, Scarce);
//! let u = SecondaryStatus::new("㋒", "A", Scarce, Scarce, false);
//! let p = &secondary_policies(&[a], &[u]).unwrap()[0];
//! assert!(p.short_term && p.long_term);
//! assert_eq!(p.outside_tertiary, Recruitment::Yes);
//! assert_eq!(p.outside_secondary, Some(Recruitment::Yes));
//! ```

use std::fmt;

use crate::area::{AreaCode, Level};
use crate::designation::Designation;
use crate::error::PlanError;

/// Whether an area recruits physicians from outside (P6.2, P6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Recruitment {
    /// 不可 / 行わない.
    No,
    /// 必要に応じて可能.
    AsNeeded,
    /// 可能 / 行う.
    Yes,
}

impl Recruitment {
    /// `yes`, `as_needed`, `no` — the values of the CLI contract.
    pub fn key(self) -> &'static str {
        match self {
            Recruitment::Yes => "yes",
            Recruitment::AsNeeded => "as_needed",
            Recruitment::No => "no",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            Recruitment::Yes => "可能",
            Recruitment::AsNeeded => "必要に応じて可能",
            Recruitment::No => "不可",
        }
    }
}

impl fmt::Display for Recruitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What the plan records as the ground of a 医師少数地区 (P1.3; seed: 無医地区, 準無医地区, or an area the
/// governor sets after consulting the minister).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DistrictBasis {
    /// 無医地区.
    NoPhysicianDistrict,
    /// 準無医地区 (including those that stopped being one only because a へき地診療所 opened).
    QuasiNoPhysicianDistrict,
    /// 都道府県知事が厚生労働大臣に協議の上で定める地域.
    AgreedWithMinister,
}

impl DistrictBasis {
    pub fn key(self) -> &'static str {
        match self {
            DistrictBasis::NoPhysicianDistrict => "no_physician_district",
            DistrictBasis::QuasiNoPhysicianDistrict => "quasi_no_physician_district",
            DistrictBasis::AgreedWithMinister => "agreed_with_minister",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            DistrictBasis::NoPhysicianDistrict => "無医地区",
            DistrictBasis::QuasiNoPhysicianDistrict => "準無医地区",
            DistrictBasis::AgreedWithMinister => "厚生労働大臣に協議の上で定める地域",
        }
    }

    /// Accepts the keys and the Japanese names.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::NoPhysicianDistrict, Self::QuasiNoPhysicianDistrict, Self::AgreedWithMinister]
            .into_iter()
            .find(|b| b.key() == text.trim() || b.as_ja() == text.trim())
    }
}

/// 医師少数地区（医師少数スポット） — a scarce district: smaller than a 二次医療圏, inside one that is not
/// 医師少数区域 (P1.3). A prefecture may record a district it decides *not* to designate; only a
/// designated one changes the policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ScarceDistrict {
    /// Name as the plan writes it (a municipality, an island, a へき地).
    pub name: String,
    /// The secondary area that contains it.
    pub secondary: AreaCode,
    pub basis: DistrictBasis,
    /// The reason the plan records (free text, required).
    pub reason: String,
    /// False when the prefecture decided not to designate it (seed: 「定めないことも可能」).
    pub designated: bool,
}

/// Current and future designation of a tertiary area (三次医療圏).
#[derive(Debug, Clone, PartialEq)]
pub struct TertiaryStatus {
    pub code: AreaCode,
    /// Decided designation now.
    pub current: Designation,
    /// Designation in the future year (P5).
    pub future: Designation,
}

impl TertiaryStatus {
    pub fn new(code: impl Into<AreaCode>, current: Designation, future: Designation) -> Self {
        Self { code: code.into(), current, future }
    }
}

/// Current and future designation of a secondary area (二次医療圏).
#[derive(Debug, Clone, PartialEq)]
pub struct SecondaryStatus {
    pub code: AreaCode,
    pub tertiary: AreaCode,
    /// Decided designation now.
    pub current: Designation,
    /// Designation in the future year (P5).
    pub future: Designation,
    /// True when a designated 医師少数地区 lies inside it (P1.3).
    pub contains_scarce_district: bool,
}

impl SecondaryStatus {
    pub fn new(
        code: impl Into<AreaCode>,
        tertiary: impl Into<AreaCode>,
        current: Designation,
        future: Designation,
        contains_scarce_district: bool,
    ) -> Self {
        Self { code: code.into(), tertiary: tertiary.into(), current, future, contains_scarce_district }
    }
}

/// The policy of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaPolicy {
    pub code: AreaCode,
    pub level: Level,
    /// 短期的な施策 (dispatch, retention).
    pub short_term: bool,
    /// 長期的な施策 (地域枠・地元出身者枠).
    pub long_term: bool,
    /// 医師を増やす方針 — current 少数 areas aim to increase physicians (P6.1).
    pub increase: bool,
    /// 三次医療圏外からの医師の確保 (P6.2).
    pub outside_tertiary: Recruitment,
    /// 二次医療圏外からの医師の確保 (P6.3); `None` for a tertiary area.
    pub outside_secondary: Option<Recruitment>,
    /// The SPEC IDs that decided it, in the order they were applied.
    pub rules: Vec<&'static str>,
}

/// P6.1 and P6.2 for one tertiary area. `contains_scarce` says whether it contains a 少数区域 or a
/// designated 少数地区 (needed for a 中程度 tertiary area).
pub fn tertiary_policy(t: &TertiaryStatus, contains_scarce: bool) -> AreaPolicy {
    let outside_tertiary = match t.current {
        Designation::Scarce => Recruitment::Yes,
        Designation::Intermediate if contains_scarce => Recruitment::AsNeeded,
        Designation::Intermediate | Designation::Abundant => Recruitment::No,
    };
    AreaPolicy {
        code: t.code.clone(),
        level: Level::Tertiary,
        short_term: t.current == Designation::Scarce,
        long_term: t.future == Designation::Scarce,
        increase: t.current == Designation::Scarce,
        outside_tertiary,
        outside_secondary: None,
        rules: vec!["P6.1", "P6.2"],
    }
}

/// P6.1–P6.3 and P6.5 for every secondary area, in input order. Fails when an area's tertiary area is
/// not in `tertiary`, or when a 少数 area is said to contain a 少数地区 (P1.3: districts lie in areas that
/// are not 医師少数区域).
pub fn secondary_policies(
    tertiary: &[TertiaryStatus],
    areas: &[SecondaryStatus],
) -> Result<Vec<AreaPolicy>, PlanError> {
    areas
        .iter()
        .map(|a| {
            let t = tertiary.iter().find(|t| t.code == a.tertiary).ok_or_else(|| PlanError::BadArea {
                code: a.code.to_string(),
                problem: format!("its tertiary area {} has no designation", a.tertiary),
            })?;
            if a.contains_scarce_district && a.current == Designation::Scarce {
                return Err(PlanError::BadArea {
                    code: a.code.to_string(),
                    problem: "a 医師少数地区 can only lie in a secondary area that is not 医師少数区域 (P1.3)".into(),
                });
            }
            Ok(secondary_policy(t, a))
        })
        .collect()
}

fn secondary_policy(t: &TertiaryStatus, a: &SecondaryStatus) -> AreaPolicy {
    let district = a.contains_scarce_district;
    let mut rules = vec!["P6.1"];
    // P6.3 (and P6.5 for a 多数 area serving its district from the rest of the tertiary area).
    let outside_secondary = match a.current {
        Designation::Scarce => Recruitment::Yes,
        Designation::Intermediate => Recruitment::AsNeeded,
        Designation::Abundant if district => Recruitment::AsNeeded,
        Designation::Abundant => Recruitment::No,
    };
    // P6.2, read per area (module doc), never freer than P6.3.
    let outside_tertiary = match t.current {
        Designation::Abundant => Recruitment::No,
        Designation::Scarce => outside_secondary,
        Designation::Intermediate if a.current == Designation::Scarce || district => Recruitment::AsNeeded,
        Designation::Intermediate => Recruitment::No,
    };
    rules.push("P6.2");
    rules.push("P6.3");
    if district {
        rules.push("P1.3");
        rules.push("P6.5");
    }
    AreaPolicy {
        code: a.code.clone(),
        level: Level::Secondary,
        short_term: a.current == Designation::Scarce || district,
        long_term: a.future == Designation::Scarce,
        increase: a.current == Designation::Scarce,
        outside_tertiary,
        outside_secondary: Some(outside_secondary),
        rules,
    }
}

/// Tertiary policies for `tertiary`, knowing which contain a 少数区域 or a 少数地区 from `areas`.
pub fn tertiary_policies(tertiary: &[TertiaryStatus], areas: &[SecondaryStatus]) -> Vec<AreaPolicy> {
    tertiary
        .iter()
        .map(|t| {
            let contains = areas
                .iter()
                .any(|a| a.tertiary == t.code && (a.current == Designation::Scarce || a.contains_scarce_district));
            tertiary_policy(t, contains)
        })
        .collect()
}

/// Which secondary areas contain a designated district (P1.3); fails on a district whose secondary area
/// is unknown or 少数, or whose reason is empty.
pub fn areas_with_districts(
    districts: &[ScarceDistrict],
    areas: &[(AreaCode, Designation)],
) -> Result<Vec<AreaCode>, PlanError> {
    let mut out: Vec<AreaCode> = vec![];
    for d in districts {
        let (_, designation) = areas.iter().find(|(c, _)| c == &d.secondary).ok_or_else(|| PlanError::BadArea {
            code: d.secondary.to_string(),
            problem: format!("医師少数地区 {}: the secondary area is not in the plan", d.name),
        })?;
        if d.reason.trim().is_empty() {
            return Err(PlanError::BadArea {
                code: d.secondary.to_string(),
                problem: format!("医師少数地区 {}: the plan must record a reason (P1.3)", d.name),
            });
        }
        if d.designated && *designation == Designation::Scarce {
            return Err(PlanError::BadArea {
                code: d.secondary.to_string(),
                problem: format!(
                    "医師少数地区 {}: a district is designated only inside an area that is not 医師少数区域 (P1.3)",
                    d.name
                ),
            });
        }
        if d.designated && !out.contains(&d.secondary) {
            out.push(d.secondary.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Designation::*;
    use Recruitment::*;

    fn one(t: (Designation, Designation), a: (Designation, Designation), district: bool) -> AreaPolicy {
        let tertiary = TertiaryStatus::new("T", t.0, t.1);
        let area = SecondaryStatus::new("S", "T", a.0, a.1, district);
        secondary_policies(&[tertiary], &[area]).unwrap().remove(0)
    }

    #[test]
    fn p6_4_seed_a_prefecture_area_u_scarce_in_a_scarce_prefecture() {
        // ㋒: 三次医療圏外から可能 / 二次医療圏外から行う / 短期 / 長期.
        let p = one((Scarce, Scarce), (Scarce, Scarce), false);
        assert_eq!((p.short_term, p.long_term, p.increase), (true, true, true));
        assert_eq!((p.outside_tertiary, p.outside_secondary), (Yes, Some(Yes)));
        assert_eq!(p.rules, vec!["P6.1", "P6.2", "P6.3"]);
    }

    #[test]
    fn p6_4_seed_c_prefecture_area_e_intermediate_with_a_scarce_district_in_an_abundant_prefecture() {
        // ㋓: 三次医療圏外からはできない / 二次医療圏外からできる / 短期的な施策.
        let p = one((Abundant, Abundant), (Intermediate, Intermediate), true);
        assert_eq!((p.short_term, p.long_term, p.increase), (true, false, false));
        assert_eq!((p.outside_tertiary, p.outside_secondary), (No, Some(AsNeeded)));
        assert_eq!(p.rules, vec!["P6.1", "P6.2", "P6.3", "P1.3", "P6.5"]);
    }

    #[test]
    fn p6_1_measures_by_current_and_future_status() {
        // current × future → (short, long), for every pair of designations.
        for current in [Abundant, Intermediate, Scarce] {
            for future in [Abundant, Intermediate, Scarce] {
                let p = one((Intermediate, Intermediate), (current, future), false);
                assert_eq!((p.short_term, p.long_term), (current == Scarce, future == Scarce), "{current} → {future}");
                let t = tertiary_policy(&TertiaryStatus::new("T", current, future), false);
                assert_eq!((t.short_term, t.long_term), (current == Scarce, future == Scarce));
            }
        }
    }

    #[test]
    fn p6_3_outside_the_secondary_area_by_designation() {
        assert_eq!(one((Scarce, Scarce), (Scarce, Scarce), false).outside_secondary, Some(Yes));
        assert_eq!(one((Scarce, Scarce), (Intermediate, Scarce), false).outside_secondary, Some(AsNeeded));
        assert_eq!(one((Scarce, Scarce), (Abundant, Scarce), false).outside_secondary, Some(No));
    }

    #[test]
    fn p6_2_outside_the_tertiary_area_by_the_tertiary_designation() {
        // 少数 prefecture: yes for its 少数 areas.
        assert_eq!(one((Scarce, Scarce), (Scarce, Scarce), false).outside_tertiary, Yes);
        // 中程度 prefecture: as needed only where there is a 少数区域 or 少数地区.
        assert_eq!(one((Intermediate, Intermediate), (Scarce, Scarce), false).outside_tertiary, AsNeeded);
        assert_eq!(one((Intermediate, Intermediate), (Intermediate, Scarce), true).outside_tertiary, AsNeeded);
        assert_eq!(one((Intermediate, Intermediate), (Intermediate, Scarce), false).outside_tertiary, No);
        // 多数 prefecture: never.
        assert_eq!(one((Abundant, Abundant), (Scarce, Scarce), false).outside_tertiary, No);
        // Tertiary level.
        let t = |d, c| tertiary_policy(&TertiaryStatus::new("T", d, d), c).outside_tertiary;
        assert_eq!(
            (t(Scarce, false), t(Intermediate, true), t(Intermediate, false), t(Abundant, true)),
            (Yes, AsNeeded, No, No)
        );
    }

    #[test]
    fn p6_5_a_scarce_district_gets_short_term_measures_like_a_scarce_area() {
        let without = one((Scarce, Scarce), (Abundant, Abundant), false);
        let with = one((Scarce, Scarce), (Abundant, Abundant), true);
        assert!(!without.short_term && with.short_term);
        // Inside a 少数 or 中程度 tertiary area, from outside it as well; inside a 多数 one, only within it.
        assert_eq!((without.outside_secondary, without.outside_tertiary), (Some(No), No));
        assert_eq!((with.outside_secondary, with.outside_tertiary), (Some(AsNeeded), AsNeeded));
        assert_eq!(one((Abundant, Abundant), (Abundant, Abundant), true).outside_tertiary, No);
        assert_eq!(one((Abundant, Abundant), (Abundant, Abundant), true).outside_secondary, Some(AsNeeded));
    }

    #[test]
    fn p6_2_an_area_never_recruits_across_tertiary_areas_more_freely_than_across_secondary_ones() {
        for t in [Abundant, Intermediate, Scarce] {
            for a in [Abundant, Intermediate, Scarce] {
                for district in [false, a != Scarce] {
                    let p = one((t, t), (a, a), district);
                    assert!(p.outside_tertiary <= p.outside_secondary.unwrap(), "{t} {a} {district}");
                }
            }
        }
    }

    #[test]
    fn p1_3_a_scarce_area_cannot_contain_a_scarce_district() {
        let err = secondary_policies(
            &[TertiaryStatus::new("T", Scarce, Scarce)],
            &[SecondaryStatus::new("S", "T", Scarce, Scarce, true)],
        )
        .unwrap_err();
        assert!(err.to_string().contains("P1.3"), "{err}");
    }

    #[test]
    fn p1_3_districts_record_a_reason_and_an_undesignated_one_changes_nothing() {
        let areas = [(AreaCode::new("S1"), Intermediate), (AreaCode::new("S2"), Scarce)];
        let d = |area: &str, designated: bool, reason: &str| ScarceDistrict {
            name: "○○島".into(),
            secondary: AreaCode::new(area),
            basis: DistrictBasis::NoPhysicianDistrict,
            reason: reason.into(),
            designated,
        };
        assert_eq!(areas_with_districts(&[d("S1", true, "無医地区")], &areas).unwrap(), vec![AreaCode::new("S1")]);
        assert_eq!(areas_with_districts(&[d("S1", false, "近隣の診療所で対応")], &areas).unwrap(), vec![]);
        assert!(areas_with_districts(&[d("S1", true, " ")], &areas).is_err());
        assert!(areas_with_districts(&[d("S2", true, "無医地区")], &areas).is_err());
        assert!(areas_with_districts(&[d("S9", true, "無医地区")], &areas).is_err());
        assert_eq!(DistrictBasis::parse("準無医地区"), Some(DistrictBasis::QuasiNoPhysicianDistrict));
    }

    #[test]
    fn p6_unknown_tertiary_area_is_an_error() {
        let err = secondary_policies(&[], &[SecondaryStatus::new("S", "T", Scarce, Scarce, false)]).unwrap_err();
        assert!(err.to_string().contains("tertiary area T"));
    }
}
