//! 医師多数区域・医師中程度区域・医師少数区域 — designation (SPEC P3).
//!
//! # The one definition of thresholds, ties and cut-offs (P3.2)
//!
//! - **Bands.** With an upper threshold `U` and a lower threshold `L`: `index ≥ U` → 多数;
//!   `L ≤ index < U` → 中程度; `index < L` → 少数. *A value equal to a threshold belongs to the band
//!   above it.* On the 2024 data this is what reproduces the official split from the published
//!   (rounded) values: 2506 湖北 (217.6 = the upper cut-off) is 多数 and 0906 両毛 (179.3 = the lower
//!   cut-off) is 中程度, as the unrounded values decide them.
//! - **Fixed mode** (第8次 secondary areas): `U` and `L` come from the edition.
//! - **Rank mode**: `U` is the `1 − top_share` quantile and `L` the `bottom_share` quantile of the
//!   current set, by linear interpolation between order statistics (Excel `PERCENTILE.INC`,
//!   Hyndman–Fan type 7): with `n` values sorted ascending `x₀ ≤ … ≤ xₙ₋₁`, the `p` quantile is at
//!   position `h = (n − 1)·p`, `x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋)`. The threshold therefore lies
//!   *between* two ranks. For 47 prefectures and shares of 1/3 that is between ranks 16 and 17 from
//!   each end: 16 多数 / 15 中程度 / 16 少数, which reproduces the official 2019 and 2024 lists.
//! - **Ties.** Designation is a function of the index alone, so equal values always get the same
//!   designation; a tie across a threshold never splits. Ranks are competition ranks, 1 = highest
//!   (values 300, 250, 250, 200 rank 1, 2, 2, 4).

use std::collections::HashSet;
use std::fmt;

use crate::area::AreaCode;
use crate::calendar::CalendarDate;
use crate::edition::Share;
use crate::error::PlanError;

/// The designation of an area (P3.1). Machine values are the Japanese words of the CLI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Designation {
    /// 医師多数区域 (三次医療圏では医師多数都道府県) — abundant area.
    Abundant,
    /// 医師中程度区域 — intermediate area.
    Intermediate,
    /// 医師少数区域 (医師少数都道府県) — scarce area.
    Scarce,
}

impl Designation {
    /// `多数`, `中程度` or `少数` — the values of the CLI and JSON contract.
    pub fn as_ja(self) -> &'static str {
        match self {
            Designation::Abundant => "多数",
            Designation::Intermediate => "中程度",
            Designation::Scarce => "少数",
        }
    }

    /// Accepts `多数` / `中程度` / `少数`, the long forms (`医師少数区域` …) and the English names.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let t = t.strip_prefix("医師").unwrap_or(t);
        let t = t.strip_suffix("区域").or_else(|| t.strip_suffix("三次医療圏")).unwrap_or(t);
        match t {
            "多数" | "abundant" => Some(Designation::Abundant),
            "中程度" | "intermediate" => Some(Designation::Intermediate),
            "少数" | "scarce" => Some(Designation::Scarce),
            _ => None,
        }
    }
}

impl fmt::Display for Designation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_ja())
    }
}

/// How thresholds are obtained (P3.2). `None` leaves that tail undesignated (P2.9 variants).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThresholdRule {
    Rank { top_share: Option<Share>, bottom_share: Option<Share> },
    Fixed { upper: Option<f64>, lower: Option<f64> },
}

/// Thresholds actually applied to a set of areas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// At or above → 多数.
    pub upper: Option<f64>,
    /// Below → 少数.
    pub lower: Option<f64>,
    /// True when they came from the ranking of this set (rank mode).
    pub from_rank: bool,
}

impl Thresholds {
    /// The band of one value (P3.2; see the module doc for equality).
    pub fn band(&self, index: f64) -> Designation {
        if self.upper.is_some_and(|u| index >= u) {
            Designation::Abundant
        } else if self.lower.is_some_and(|l| index < l) {
            Designation::Scarce
        } else {
            Designation::Intermediate
        }
    }
}

/// An area's index as designation sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaIndex {
    pub code: AreaCode,
    pub index: f64,
}

impl AreaIndex {
    pub fn new(code: impl Into<AreaCode>, index: f64) -> Self {
        Self { code: code.into(), index }
    }
}

/// One area after designation.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignatedArea {
    pub code: AreaCode,
    pub index: f64,
    /// 1 = highest index; competition ranking.
    pub rank: usize,
    /// The mechanical designation (before overrides).
    pub designation: Designation,
}

/// The designation of a whole set of areas: thresholds used and one entry per area, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Designated {
    pub thresholds: Thresholds,
    pub areas: Vec<DesignatedArea>,
}

impl Designated {
    /// (多数, 中程度, 少数) counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        count(self.areas.iter().map(|a| a.designation))
    }
}

pub(crate) fn count(designations: impl Iterator<Item = Designation>) -> (usize, usize, usize) {
    designations.fold((0, 0, 0), |(a, i, s), d| match d {
        Designation::Abundant => (a + 1, i, s),
        Designation::Intermediate => (a, i + 1, s),
        Designation::Scarce => (a, i, s + 1),
    })
}

/// The `p` quantile of ascending `sorted` by linear interpolation (PERCENTILE.INC, type 7).
pub fn quantile_inc(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let h = (sorted.len() - 1) as f64 * p;
    // (n−1)·(1/3) must land exactly on an order statistic when it is an integer in exact arithmetic.
    let h = if (h - h.round()).abs() < 1e-9 { h.round() } else { h };
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    match sorted.get(lo + 1) {
        Some(next) if frac > 0.0 => sorted[lo] + frac * (next - sorted[lo]),
        _ => sorted[lo],
    }
}

/// P3.1–P3.2: ranks and designates `areas` under `rule`.
pub fn designate(areas: &[AreaIndex], rule: &ThresholdRule) -> Result<Designated, PlanError> {
    if areas.is_empty() {
        return Err(PlanError::NoAreas);
    }
    let mut seen = HashSet::with_capacity(areas.len());
    for a in areas {
        if !a.index.is_finite() {
            return Err(PlanError::NonFiniteIndex { code: a.code.to_string(), value: a.index });
        }
        if !seen.insert(&a.code) {
            return Err(PlanError::DuplicateArea { code: a.code.to_string() });
        }
    }
    let mut ascending: Vec<f64> = areas.iter().map(|a| a.index).collect();
    ascending.sort_by(f64::total_cmp);
    let thresholds = match *rule {
        ThresholdRule::Rank { top_share, bottom_share } => Thresholds {
            upper: top_share.map(|s| quantile_inc(&ascending, 1.0 - s.fraction())),
            lower: bottom_share.map(|s| quantile_inc(&ascending, s.fraction())),
            from_rank: true,
        },
        ThresholdRule::Fixed { upper, lower } => {
            if let (Some(u), Some(l)) = (upper, lower)
                && u < l
            {
                return Err(PlanError::BadInput(format!("upper cut-off {u} is below lower cut-off {l}")));
            }
            Thresholds { upper, lower, from_rank: false }
        }
    };
    let n = ascending.len();
    let designated = areas
        .iter()
        .map(|a| {
            // Competition rank: 1 + number of strictly greater values.
            let not_greater = ascending.partition_point(|v| *v <= a.index);
            DesignatedArea {
                code: a.code.clone(),
                index: a.index,
                rank: 1 + n - not_greater,
                designation: thresholds.band(a.index),
            }
        })
        .collect();
    Ok(Designated { thresholds, areas: designated })
}

/// P3.3: a prefecture's decision that differs from (or confirms) the mechanical designation.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub code: AreaCode,
    /// The designation decided by the prefecture.
    pub decided: Designation,
    /// The written reason — required.
    pub reason: String,
    /// Who decided (a person or body, e.g. 地域医療対策協議会).
    pub decided_by: String,
    /// When it was decided.
    pub decided_on: CalendarDate,
}

/// An area with both its mechanical and its decided designation (P3.3).
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedArea {
    pub area: DesignatedArea,
    /// After overrides; equals `area.designation` when there is none.
    pub decided: Designation,
    pub override_: Option<Override>,
}

/// P3.3: applies overrides. Every override needs a reason and who decided, names a known area,
/// and appears once; the mechanical designation stays beside the decided one.
pub fn apply_overrides(designated: &Designated, overrides: &[Override]) -> Result<Vec<DecidedArea>, PlanError> {
    let mut seen = HashSet::new();
    for o in overrides {
        let bad = |problem: &str| PlanError::BadOverride { code: o.code.to_string(), problem: problem.into() };
        if o.reason.trim().is_empty() {
            return Err(bad("a reason is required (P3.3)"));
        }
        if o.decided_by.trim().is_empty() {
            return Err(bad("who decided is required (P3.3)"));
        }
        if !seen.insert(&o.code) {
            return Err(bad("more than one override for this area"));
        }
        if !designated.areas.iter().any(|a| a.code == o.code) {
            return Err(bad("no such area in the table"));
        }
    }
    Ok(designated
        .areas
        .iter()
        .map(|a| {
            let o = overrides.iter().find(|o| o.code == a.code).cloned();
            DecidedArea { area: a.clone(), decided: o.as_ref().map_or(a.designation, |o| o.decided), override_: o }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(f: f64) -> Option<Share> {
        Share::new(f)
    }
    fn areas(values: &[f64]) -> Vec<AreaIndex> {
        values.iter().enumerate().map(|(i, v)| AreaIndex::new(format!("{i:04}").as_str(), *v)).collect()
    }
    fn thirds() -> ThresholdRule {
        ThresholdRule::Rank { top_share: share(1.0 / 3.0), bottom_share: share(1.0 / 3.0) }
    }

    #[test]
    fn p3_2_quantile_interpolates_between_ranks() {
        // n = 4, p = 1/3: h = 1, exactly x₁.
        assert_eq!(quantile_inc(&[1.0, 2.0, 3.0, 4.0], 1.0 / 3.0), 2.0);
        // n = 5, p = 1/3: h = 4/3 → 2 + (1/3)(3 − 2).
        assert!((quantile_inc(&[1.0, 2.0, 3.0, 4.0, 5.0], 1.0 / 3.0) - 7.0 / 3.0).abs() < 1e-12);
        assert_eq!(quantile_inc(&[7.0], 0.5), 7.0);
    }

    #[test]
    fn p3_2_rank_mode_47_gives_16_15_16() {
        let values: Vec<f64> = (0..47).map(|i| 100.0 + i as f64).collect();
        let d = designate(&areas(&values), &thirds()).unwrap();
        assert_eq!(d.counts(), (16, 15, 16));
        // h_upper = 46·2/3 = 30.67 → 130 + 0.67; h_lower = 15.33 → 115.33.
        assert!((d.thresholds.upper.unwrap() - (130.0 + 2.0 / 3.0)).abs() < 1e-9);
        assert!((d.thresholds.lower.unwrap() - (115.0 + 1.0 / 3.0)).abs() < 1e-9);
    }

    #[test]
    fn p3_2_value_equal_to_cutoff_belongs_to_band_above() {
        let rule = ThresholdRule::Fixed { upper: Some(217.6), lower: Some(179.3) };
        let d = designate(&areas(&[217.6, 217.5, 179.3, 179.2]), &rule).unwrap();
        let got: Vec<_> = d.areas.iter().map(|a| a.designation).collect();
        use Designation::*;
        assert_eq!(got, vec![Abundant, Intermediate, Intermediate, Scarce]);
    }

    #[test]
    fn p3_2_ties_never_split_and_ranks_are_competition_ranks() {
        // n = 4 → h_lower = 1: L = x₁ = 200, and both 200s are ≥ L → neither is 少数.
        let d = designate(&areas(&[300.0, 200.0, 200.0, 100.0]), &thirds()).unwrap();
        let ranks: Vec<_> = d.areas.iter().map(|a| a.rank).collect();
        assert_eq!(ranks, vec![1, 2, 2, 4]);
        assert_eq!(d.areas[1].designation, d.areas[2].designation);
        assert_eq!(d.areas[3].designation, Designation::Scarce);
    }

    #[test]
    fn p3_2_one_tail_only_for_variants() {
        let rule = ThresholdRule::Rank { top_share: None, bottom_share: share(1.0 / 3.0) };
        let d = designate(&areas(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), &rule).unwrap();
        assert_eq!(d.counts().0, 0);
        assert_eq!(d.counts().2, 2);
    }

    #[test]
    fn p3_bad_sets_are_refused() {
        assert_eq!(designate(&[], &thirds()), Err(PlanError::NoAreas));
        assert!(matches!(designate(&areas(&[1.0, f64::NAN]), &thirds()), Err(PlanError::NonFiniteIndex { .. })));
        let dup = vec![AreaIndex::new("01", 1.0), AreaIndex::new("01", 2.0)];
        assert!(matches!(designate(&dup, &thirds()), Err(PlanError::DuplicateArea { .. })));
    }

    fn decision(code: &str, decided: Designation, reason: &str) -> Override {
        Override {
            code: code.into(),
            decided,
            reason: reason.into(),
            decided_by: "F県地域医療対策協議会".into(),
            decided_on: CalendarDate::new(2024, 3, 15).unwrap(),
        }
    }

    #[test]
    fn p3_3_override_keeps_mechanical_beside_decided() {
        // Seed F県: ㋗ is 少数 by the index but is not designated.
        let d = designate(&areas(&[300.0, 250.0, 200.0, 150.0, 100.0, 50.0]), &thirds()).unwrap();
        let o = decision("0005", Designation::Intermediate, "医療資源が近隣圏域で確保されているため");
        let decided = apply_overrides(&d, &[o]).unwrap();
        assert_eq!(decided[5].area.designation, Designation::Scarce);
        assert_eq!(decided[5].decided, Designation::Intermediate);
        assert!(decided[5].override_.is_some());
        assert_eq!(decided[0].decided, decided[0].area.designation);
    }

    #[test]
    fn p3_3_override_requires_reason_known_area_and_uniqueness() {
        let d = designate(&areas(&[3.0, 2.0, 1.0]), &thirds()).unwrap();
        let no_reason = decision("0000", Designation::Scarce, "  ");
        assert!(matches!(apply_overrides(&d, &[no_reason]), Err(PlanError::BadOverride { .. })));
        let unknown = decision("9999", Designation::Scarce, "理由");
        assert!(matches!(apply_overrides(&d, &[unknown]), Err(PlanError::BadOverride { .. })));
        let twice = vec![decision("0000", Designation::Scarce, "a"), decision("0000", Designation::Abundant, "b")];
        assert!(matches!(apply_overrides(&d, &twice), Err(PlanError::BadOverride { .. })));
    }

    #[test]
    fn p3_1_designation_words_parse() {
        assert_eq!(Designation::parse("医師少数区域"), Some(Designation::Scarce));
        assert_eq!(Designation::parse(" 多数 "), Some(Designation::Abundant));
        assert_eq!(Designation::parse("中程度"), Some(Designation::Intermediate));
        assert_eq!(Designation::parse("少ない"), None);
    }
}
