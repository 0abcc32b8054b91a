//! Area population and its projection (SPEC P4, P5): the `population_end` and `ratio_end` of the
//! targets (P4.1, P4.3) and the `population_future` and `ratio_future` of the required count (P5.1).
//!
//! Main types:
//! - [`MunicipalityCode`] — 全国地方公共団体コード, six digits with the check digit (X2).
//! - [`AreaPopulation`] — an area's population by sex × 5-year band (住民基本台帳), with the people
//!   the source publishes no band or no sex for kept apart, so that the total is exact.
//! - [`PopulationProjection`] — an area's projected totals (IPSS 将来推計人口, 5-year steps) and
//!   [`PopulationProjection::at`], the value of any year in between.
//! - [`PopulationOverrides`] — values a user supplies per area and year; they always win.
//! - [`future_area`] → [`FutureArea`]: population and 標準化受療率比 at a future year, each with its
//!   [`Provenance`].
//!
//! # Decisions (the seed is silent)
//! - **Interpolation is geometric** (log-linear) between the 5-year points: inside each interval the
//!   population changes by the same *rate* every year, `v₀ · (v₁/v₀)^((y − y₀)/(y₁ − y₀))`. Population
//!   change compounds (births, deaths and moves are proportional to the population), and a declining
//!   area then declines by a constant percentage instead of a constant head count, which a straight
//!   line would overstate late in each interval. Over five years the two differ by well under 0.1 %
//!   for real areas; where a point is 0 the rate is undefined and the line is used. Years outside the
//!   projection are not extrapolated ([`PopulationProjection::at`] returns `None`).
//! - A projection year is the year of the projection's reference date (IPSS: 1 October); a plan-end
//!   year `2026` reads the projection at 2026 without shifting by months.
//! - **The future 標準化受療率比 is the current one held constant.** It needs national rates by sex × age
//!   (not public) and the future population by sex × age (the shipped projection has totals only), so
//!   nothing honest can move it; a user who has them supplies the future ratio as an override.
//!
//! ```
//! use ishi_plan::AreaCode;
//! use ishi_plan::population::{PopulationOverrides, PopulationProjection, Provenance, future_area};
//!
//! let code = AreaCode::new("0104");
//! let ipss = PopulationProjection::new(code.clone(), vec![(2035, 2_000_000.0), (2040, 1_800_000.0)]).unwrap();
//! let future = future_area(&code, 2036, Some(&ipss), Some(1.059), &PopulationOverrides::default()).unwrap();
//! // 2 000 000 × (1 800 000 / 2 000 000)^(1/5) = 2 000 000 × 0.979148… = 1 958 296.7…
//! assert!((future.population.value - 1_958_296.7).abs() < 0.1);
//! assert_eq!(future.population.provenance, Provenance::Interpolated { from: 2035, to: 2040 });
//! assert_eq!(future.std_utilization_ratio.provenance, Provenance::HeldFromCurrent);
//! ```

use std::collections::HashMap;
use std::fmt;

use thiserror::Error;

use crate::area::AreaCode;
use crate::raw::{POPULATION_BANDS, Pyramid, SEXES, Sex};

/// Five-year age bands of the 住民基本台帳 tables: 0–4, 5–9, …, 95–99 and 100 and over.
pub const AGE_BANDS: usize = 21;

/// Labels of [`AGE_BANDS`], as the derived files write them.
pub const AGE_BAND_LABELS: [&str; AGE_BANDS] = [
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64",
    "65-69", "70-74", "75-79", "80-84", "85-89", "90-94", "95-99", "100+",
];

/// What the population module refuses.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PopulationError {
    #[error("{code:?} is not a municipality code: {problem}")]
    BadMunicipalityCode { code: String, problem: String },
    #[error("projection of area {code}: {problem}")]
    BadProjection { code: String, problem: String },
    #[error("override for area {code}, year {year}: {problem}")]
    BadOverride { code: String, year: u16, problem: String },
    #[error("override for area {code}, year {year} is given twice")]
    DuplicateOverride { code: String, year: u16 },
    #[error("area {code}: the projection covers {first}–{last}, not {year}, and no value was supplied for {year}")]
    YearOutsideProjection { code: String, year: u16, first: u16, last: u16 },
    #[error("area {code}: no projection and no supplied population for {year}")]
    NoPopulation { code: String, year: u16 },
    #[error("area {code}: no current 標準化受療率比 and no supplied ratio for {year}")]
    NoRatio { code: String, year: u16 },
}

/// 全国地方公共団体コード (X2): two digits of prefecture, three of municipality, one check digit.
///
/// The check digit is `(11 − (6·d₁ + 5·d₂ + 4·d₃ + 3·d₄ + 2·d₅) mod 11) mod 10` (北海道 `01000` → `010006`,
/// 札幌市 `01100` → `011002`). Tables that drop it (IPSS) use the first five digits, and some drop the
/// leading zero too (`1100`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    /// Six digits with a matching check digit.
    pub fn parse(text: &str) -> Result<Self, PopulationError> {
        let bad = |problem: &str| PopulationError::BadMunicipalityCode { code: text.into(), problem: problem.into() };
        let bytes = text.as_bytes();
        if bytes.len() != 6 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(bad("six digits expected"));
        }
        if bytes[5] - b'0' != Self::check_digit(&bytes[..5]) {
            return Err(bad("the check digit (last digit) does not match"));
        }
        Ok(Self(text.into()))
    }

    /// The full code from the five digits without the check digit (leading zeros may be missing).
    pub fn from_five(text: &str) -> Result<Self, PopulationError> {
        let bad = |problem: &str| PopulationError::BadMunicipalityCode { code: text.into(), problem: problem.into() };
        if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("up to five digits expected"));
        }
        let five = format!("{text:0>5}");
        let check = Self::check_digit(five.as_bytes());
        Ok(Self(format!("{five}{check}")))
    }

    fn check_digit(five: &[u8]) -> u8 {
        let sum: u32 = five.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| u32::from(d - b'0') * w).sum();
        ((11 - sum % 11) % 10) as u8
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The five digits without the check digit, as IPSS tables key their rows.
    pub fn five(&self) -> &str {
        &self.0[..5]
    }

    /// The JIS prefecture code (first two digits).
    pub fn prefecture(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Population of one area (or municipality) by sex × 5-year band — the input of P2.3 and of the
/// current side of P4/P5.
///
/// The 住民基本台帳 tables publish no bands for municipalities with very few foreign residents of a
/// sex (their 注1) and count people registered with neither sex only in the total (注3). Those
/// people are kept in [`AreaPopulation::age_unknown`] and [`AreaPopulation::sex_unknown`] so that
/// [`AreaPopulation::total`] is the published total.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaPopulation {
    pub code: AreaCode,
    /// `[男, 女]` × [`AGE_BAND_LABELS`].
    pub by_sex_band: [[f64; AGE_BANDS]; 2],
    /// People of each sex whose band is not published.
    pub age_unknown: [f64; 2],
    /// People counted in neither sex (性別不詳).
    pub sex_unknown: f64,
}

impl AreaPopulation {
    /// An empty population of `code`, to add municipalities to.
    pub fn new(code: AreaCode) -> Self {
        Self { code, by_sex_band: [[0.0; AGE_BANDS]; 2], age_unknown: [0.0; 2], sex_unknown: 0.0 }
    }

    /// Everyone: both sexes' bands, the people without a band and those without a sex.
    pub fn total(&self) -> f64 {
        self.sex_total(Sex::Male) + self.sex_total(Sex::Female) + self.sex_unknown
    }

    /// One sex, band or not.
    pub fn sex_total(&self, sex: Sex) -> f64 {
        self.by_sex_band[sex as usize].iter().sum::<f64>() + self.age_unknown[sex as usize]
    }

    /// Adds another population (a member municipality) to this one.
    pub fn add(&mut self, other: &AreaPopulation) {
        for s in 0..2 {
            for b in 0..AGE_BANDS {
                self.by_sex_band[s][b] += other.by_sex_band[s][b];
            }
            self.age_unknown[s] += other.age_unknown[s];
        }
        self.sex_unknown += other.sex_unknown;
    }

    /// The P2.3 pyramid (0–4 … 85–89, 90+): bands from 90 fold into 90+, and the people without a band
    /// or a sex are spread over the bands in proportion, so that Σ pyramid = [`Self::total`] and P2.8
    /// (Σ population × ratio = national population) holds on these figures. They are a few thousand
    /// of 124 million nationally; spreading them moves no ratio visibly, dropping them would break
    /// the identity.
    pub fn pyramid(&self) -> Pyramid {
        let mut pyramid = [[0.0; POPULATION_BANDS]; 2];
        let banded: f64 = self.by_sex_band.iter().flatten().sum();
        for sex in SEXES {
            let s = sex as usize;
            let bands: f64 = self.by_sex_band[s].iter().sum();
            // The sex-less are shared by the banded population of each sex; if no one has a band,
            // by the sexes' totals.
            let sex_share = if banded > 0.0 {
                bands / banded
            } else {
                let known = self.sex_total(Sex::Male) + self.sex_total(Sex::Female);
                if known > 0.0 { self.sex_total(sex) / known } else { 0.0 }
            };
            let spread = self.age_unknown[s] + self.sex_unknown * sex_share;
            for b in 0..AGE_BANDS {
                let own = self.by_sex_band[s][b];
                let extra = if bands > 0.0 { spread * own / bands } else { 0.0 };
                pyramid[s][b.min(POPULATION_BANDS - 1)] += own + extra;
            }
            if bands == 0.0 {
                // No band to spread over: the people stay in the total, in the last band.
                pyramid[s][POPULATION_BANDS - 1] += spread;
            }
        }
        pyramid
    }
}

/// An area's projected total population at 5-year (or any) steps: IPSS 将来推計人口 or a user's own.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationProjection {
    pub code: AreaCode,
    points: Vec<(u16, f64)>,
}

impl PopulationProjection {
    /// Points in ascending year order, each year once, each value finite and not negative.
    pub fn new(code: AreaCode, points: Vec<(u16, f64)>) -> Result<Self, PopulationError> {
        let bad = |problem: String| PopulationError::BadProjection { code: code.to_string(), problem };
        if points.is_empty() {
            return Err(bad("no years".into()));
        }
        for (i, &(year, value)) in points.iter().enumerate() {
            if !value.is_finite() || value < 0.0 {
                return Err(bad(format!("{year}: {value} is not a population")));
            }
            if i > 0 && points[i - 1].0 >= year {
                return Err(bad(format!("years must rise: {} then {year}", points[i - 1].0)));
            }
        }
        Ok(Self { code, points })
    }

    pub fn points(&self) -> &[(u16, f64)] {
        &self.points
    }

    pub fn first_year(&self) -> u16 {
        self.points[0].0
    }

    pub fn last_year(&self) -> u16 {
        self.points[self.points.len() - 1].0
    }

    /// The population in `year`: a point of the projection, or geometric interpolation between the
    /// two around it (see the module's decisions). `None` outside the projection's years.
    pub fn at(&self, year: u16) -> Option<f64> {
        self.locate(year).map(|(value, _)| value)
    }

    fn locate(&self, year: u16) -> Option<(f64, Provenance)> {
        let after = self.points.partition_point(|&(y, _)| y < year);
        let &(y1, v1) = self.points.get(after)?;
        if y1 == year {
            return Some((v1, Provenance::Projection));
        }
        let &(y0, v0) = self.points.get(after.checked_sub(1)?)?;
        let t = f64::from(year - y0) / f64::from(y1 - y0);
        let value = if v0 > 0.0 && v1 > 0.0 { v0 * (v1 / v0).powf(t) } else { v0 + (v1 - v0) * t };
        Some((value, Provenance::Interpolated { from: y0, to: y1 }))
    }
}

/// A user's value for one area and year: a projection of their own, a future ratio computed from
/// rates they have, or both. Either value wins over the derived one.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationOverride {
    pub code: AreaCode,
    pub year: u16,
    pub population: Option<f64>,
    pub std_utilization_ratio: Option<f64>,
}

/// Checked overrides, looked up by area and year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PopulationOverrides {
    by_area_year: HashMap<(AreaCode, u16), (Option<f64>, Option<f64>)>,
}

impl PopulationOverrides {
    /// Each (area, year) at most once, with at least one value; a population finite and not negative,
    /// a ratio finite and positive (the index divides by it).
    pub fn new(overrides: Vec<PopulationOverride>) -> Result<Self, PopulationError> {
        let mut by_area_year = HashMap::with_capacity(overrides.len());
        for o in overrides {
            let bad = |problem: &str| PopulationError::BadOverride {
                code: o.code.to_string(),
                year: o.year,
                problem: problem.into(),
            };
            if o.population.is_none() && o.std_utilization_ratio.is_none() {
                return Err(bad("neither a population nor a ratio is given"));
            }
            if o.population.is_some_and(|p| !p.is_finite() || p < 0.0) {
                return Err(bad("the population must be a number of 0 or more"));
            }
            if o.std_utilization_ratio.is_some_and(|r| !r.is_finite() || r <= 0.0) {
                return Err(bad("the 標準化受療率比 must be a number above 0"));
            }
            let key = (o.code, o.year);
            if by_area_year.contains_key(&key) {
                return Err(PopulationError::DuplicateOverride { code: key.0.to_string(), year: key.1 });
            }
            by_area_year.insert(key, (o.population, o.std_utilization_ratio));
        }
        Ok(Self { by_area_year })
    }

    pub fn population(&self, code: &AreaCode, year: u16) -> Option<f64> {
        self.by_area_year.get(&(code.clone(), year)).and_then(|v| v.0)
    }

    pub fn std_utilization_ratio(&self, code: &AreaCode, year: u16) -> Option<f64> {
        self.by_area_year.get(&(code.clone(), year)).and_then(|v| v.1)
    }

    pub fn len(&self) -> usize {
        self.by_area_year.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_area_year.is_empty()
    }
}

/// Where a future value came from — shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Supplied by the user ([`PopulationOverride`]).
    User,
    /// A year of the projection itself.
    Projection,
    /// Geometric interpolation between two years of the projection.
    Interpolated { from: u16, to: u16 },
    /// The current (published) 標準化受療率比, held constant.
    HeldFromCurrent,
}

impl Provenance {
    /// Japanese wording for tables and reports.
    pub fn as_ja(self) -> String {
        match self {
            Provenance::User => "利用者指定".into(),
            Provenance::Projection => "将来推計人口".into(),
            Provenance::Interpolated { from, to } => format!("将来推計人口（{from}年・{to}年の間を幾何補間）"),
            Provenance::HeldFromCurrent => "現在の標準化受療率比を据え置き".into(),
        }
    }
}

/// A value with its provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FutureValue {
    pub value: f64,
    pub provenance: Provenance,
}

/// The demand side of an area at a future year (P4.1, P4.3: `population_end`, `ratio_end`; P5.1:
/// `population_future`, `ratio_future`).
#[derive(Debug, Clone, PartialEq)]
pub struct FutureArea {
    pub code: AreaCode,
    pub year: u16,
    pub population: FutureValue,
    pub std_utilization_ratio: FutureValue,
}

impl FutureArea {
    /// `population / per_population × ratio`, the denominator of the index (P2.1) at the future year,
    /// by which a target index turns into a physician count (P4.1, P4.3, P5.1, P5.2). `per_population`
    /// is the edition's (`RuleEdition::index.per_population`, 人口10万人対).
    pub fn demand(&self, per_population: f64) -> f64 {
        self.population.value / per_population * self.std_utilization_ratio.value
    }
}

/// The population of `code` in `year` (P4.1, P4.3, P5.1): the user's value if there is one, else
/// the projection at that year.
pub fn future_population(
    code: &AreaCode,
    year: u16,
    projection: Option<&PopulationProjection>,
    overrides: &PopulationOverrides,
) -> Result<FutureValue, PopulationError> {
    if let Some(value) = overrides.population(code, year) {
        return Ok(FutureValue { value, provenance: Provenance::User });
    }
    let projection = projection.ok_or_else(|| PopulationError::NoPopulation { code: code.to_string(), year })?;
    let (value, provenance) = projection.locate(year).ok_or_else(|| PopulationError::YearOutsideProjection {
        code: code.to_string(),
        year,
        first: projection.first_year(),
        last: projection.last_year(),
    })?;
    Ok(FutureValue { value, provenance })
}

/// The 標準化受療率比 of `code` in `year` (P4.1, P4.3, P5.1): the user's value if there is one, else
/// the current one held constant (see the module's decisions).
pub fn future_ratio(
    code: &AreaCode,
    year: u16,
    current: Option<f64>,
    overrides: &PopulationOverrides,
) -> Result<FutureValue, PopulationError> {
    if let Some(value) = overrides.std_utilization_ratio(code, year) {
        return Ok(FutureValue { value, provenance: Provenance::User });
    }
    match current {
        Some(value) if value.is_finite() && value > 0.0 => {
            Ok(FutureValue { value, provenance: Provenance::HeldFromCurrent })
        }
        _ => Err(PopulationError::NoRatio { code: code.to_string(), year }),
    }
}

/// Population and ratio of `code` in `year`, each from the user or derived (P4, P5).
pub fn future_area(
    code: &AreaCode,
    year: u16,
    projection: Option<&PopulationProjection>,
    current_ratio: Option<f64>,
    overrides: &PopulationOverrides,
) -> Result<FutureArea, PopulationError> {
    Ok(FutureArea {
        code: code.clone(),
        year,
        population: future_population(code, year, projection, overrides)?,
        std_utilization_ratio: future_ratio(code, year, current_ratio, overrides)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * b.abs().max(1.0)
    }

    fn sapporo() -> PopulationProjection {
        // IPSS 令和5年推計 札幌市 2020–2050 (kekkahyo1.xlsx, code 1100).
        let values = [1_973_395.0, 1_970_144.0, 1_949_619.0, 1_916_129.0, 1_868_252.0, 1_809_025.0, 1_745_608.0];
        let points = (0..7).map(|i| (2020 + 5 * i as u16, values[i])).collect();
        PopulationProjection::new(AreaCode::new("0104"), points).unwrap()
    }

    #[test]
    fn x2_municipality_code_check_digit_is_verified() {
        // 札幌市 01100: 0·6 + 1·5 + 1·4 + 0·3 + 0·2 = 9; (11 − 9 mod 11) mod 10 = 2 → 011002.
        assert_eq!(MunicipalityCode::parse("011002").unwrap().five(), "01100");
        // 函館市 01202: 0 + 5 + 8 + 0 + 4 = 17; 17 mod 11 = 6; 11 − 6 = 5 → 012025.
        assert!(MunicipalityCode::parse("012025").is_ok());
        assert!(MunicipalityCode::parse("012026").is_err());
        assert!(MunicipalityCode::parse("01202").is_err());
        assert!(MunicipalityCode::parse("01202a").is_err());
        // Remainder 1: 栃木県 09000: 9·5 = 45; 45 mod 11 = 1; 11 − 1 = 10 → 0 (090000).
        assert_eq!(MunicipalityCode::from_five("09000").unwrap().as_str(), "090000");
        // Remainder 0: 札幌市中央区 01101: 5 + 4 + 2 = 11; 11 mod 11 = 0; (11 − 0) mod 10 = 1 (011011).
        assert_eq!(MunicipalityCode::from_five("01101").unwrap().as_str(), "011011");
        // 大阪市北区 27127: 12 + 35 + 4 + 6 + 14 = 71; 71 mod 11 = 5 → 6 (271276).
        assert_eq!(MunicipalityCode::from_five("27127").unwrap().as_str(), "271276");
    }

    #[test]
    fn x2_ipss_codes_without_leading_zero_become_six_digit_codes() {
        // IPSS writes 札幌市 as 1100.
        let code = MunicipalityCode::from_five("1100").unwrap();
        assert_eq!(code.as_str(), "011002");
        assert_eq!(code.prefecture(), "01");
        assert!(MunicipalityCode::from_five("").is_err());
        assert!(MunicipalityCode::from_five("123456").is_err());
        assert!(MunicipalityCode::from_five("7 99").is_err());
    }

    #[test]
    fn p4_3_population_end_at_a_projection_year_is_that_point() {
        let ipss = sapporo();
        assert_eq!(ipss.at(2035), Some(1_916_129.0));
        let v = future_population(&ipss.code, 2035, Some(&ipss), &PopulationOverrides::default()).unwrap();
        assert_eq!(v.provenance, Provenance::Projection);
    }

    #[test]
    fn p4_3_population_end_interpolates_geometrically_between_ipss_points() {
        let ipss = sapporo();
        // 2026 (第8次前期 end): 1 970 144 × (1 949 619 / 1 970 144)^(1/5)
        //   = 1 970 144 × 0.989582…^0.2 = 1 970 144 × 0.997908… = 1 966 021.8…
        let expected_2026 = 1_970_144.0 * (1_949_619.0_f64 / 1_970_144.0).powf(0.2);
        assert!(close(ipss.at(2026).unwrap(), expected_2026));
        assert!((expected_2026 - 1_966_021.8).abs() < 0.05);
        // 2029 (後期 end): 1 970 144 × 0.989582…^0.8 = 1 970 144 × 0.991657… = 1 953 706.8…
        assert!((ipss.at(2029).unwrap() - 1_953_706.8).abs() < 0.05);
        // Geometric lies below the straight line on a falling interval: the line gives
        // 1 970 144 − 0.8 × 20 525 = 1 953 724.0.
        assert!(ipss.at(2029).unwrap() < 1_953_724.0);
    }

    #[test]
    fn p5_1_population_future_2036_interpolates_between_2035_and_2040() {
        let ipss = sapporo();
        // 1 916 129 × (1 868 252 / 1 916 129)^(1/5) = 1 916 129 × 0.975014…^0.2 = 1 916 129 × 0.994952…
        //   = 1 906 456.4…
        let v = future_population(&ipss.code, 2036, Some(&ipss), &PopulationOverrides::default()).unwrap();
        assert!((v.value - 1_906_456.4).abs() < 0.05, "{}", v.value);
        assert_eq!(v.provenance, Provenance::Interpolated { from: 2035, to: 2040 });
    }

    #[test]
    fn p5_1_interpolation_from_zero_is_linear() {
        let p = PopulationProjection::new("X".into(), vec![(2020, 0.0), (2025, 500.0)]).unwrap();
        // No rate from 0: 0 + (500 − 0) × 2/5 = 200.
        assert_eq!(p.at(2022), Some(200.0));
    }

    #[test]
    fn p5_1_no_population_outside_the_projection_years() {
        let ipss = sapporo();
        assert_eq!(ipss.at(2019), None);
        assert_eq!(ipss.at(2051), None);
        let err = future_population(&ipss.code, 2051, Some(&ipss), &PopulationOverrides::default()).unwrap_err();
        assert_eq!(
            err,
            PopulationError::YearOutsideProjection { code: "0104".into(), year: 2051, first: 2020, last: 2050 }
        );
        let none = future_population(&"0104".into(), 2036, None, &PopulationOverrides::default()).unwrap_err();
        assert_eq!(none, PopulationError::NoPopulation { code: "0104".into(), year: 2036 });
    }

    #[test]
    fn p5_1_user_population_and_ratio_win_over_the_derived_ones() {
        let ipss = sapporo();
        let overrides = PopulationOverrides::new(vec![
            PopulationOverride {
                code: "0104".into(),
                year: 2036,
                population: Some(1_900_000.0),
                std_utilization_ratio: None,
            },
            PopulationOverride { code: "0104".into(), year: 2029, population: None, std_utilization_ratio: Some(1.1) },
        ])
        .unwrap();
        let f2036 = future_area(&ipss.code, 2036, Some(&ipss), Some(1.059), &overrides).unwrap();
        assert_eq!(f2036.population, FutureValue { value: 1_900_000.0, provenance: Provenance::User });
        assert_eq!(f2036.std_utilization_ratio, FutureValue { value: 1.059, provenance: Provenance::HeldFromCurrent });
        let f2029 = future_area(&ipss.code, 2029, Some(&ipss), Some(1.059), &overrides).unwrap();
        assert_eq!(f2029.population.provenance, Provenance::Interpolated { from: 2025, to: 2030 });
        assert_eq!(f2029.std_utilization_ratio, FutureValue { value: 1.1, provenance: Provenance::User });
        // A user value also works where the projection ends, and without any projection.
        let beyond = PopulationOverrides::new(vec![PopulationOverride {
            code: "9901".into(),
            year: 2060,
            population: Some(10.0),
            std_utilization_ratio: Some(1.0),
        }])
        .unwrap();
        let own = future_area(&"9901".into(), 2060, None, None, &beyond).unwrap();
        assert_eq!(own.population.provenance, Provenance::User);
    }

    #[test]
    fn p4_3_demand_at_plan_end_is_population_per_100k_times_ratio() {
        let f = FutureArea {
            code: "0104".into(),
            year: 2026,
            population: FutureValue { value: 2_000_000.0, provenance: Provenance::User },
            std_utilization_ratio: FutureValue { value: 1.059, provenance: Provenance::HeldFromCurrent },
        };
        let per_population = crate::RuleEdition::builtin("2024").unwrap().index.per_population.value;
        // 2 000 000 / 100 000 × 1.059 = 21.18 (a 179.3 index would then mean 179.3 × 21.18 = 3797.57…).
        assert!(close(f.demand(per_population), 21.18));
    }

    #[test]
    fn p5_1_ratio_without_current_value_or_override_is_refused() {
        let err = future_ratio(&"0104".into(), 2036, None, &PopulationOverrides::default()).unwrap_err();
        assert_eq!(err, PopulationError::NoRatio { code: "0104".into(), year: 2036 });
        assert!(future_ratio(&"0104".into(), 2036, Some(f64::NAN), &PopulationOverrides::default()).is_err());
    }

    #[test]
    fn p5_1_overrides_refuse_duplicates_empty_rows_and_bad_values() {
        let o = |population, ratio| PopulationOverride {
            code: "0104".into(),
            year: 2036,
            population,
            std_utilization_ratio: ratio,
        };
        assert!(matches!(
            PopulationOverrides::new(vec![o(Some(1.0), None), o(None, Some(1.0))]),
            Err(PopulationError::DuplicateOverride { .. })
        ));
        assert!(matches!(PopulationOverrides::new(vec![o(None, None)]), Err(PopulationError::BadOverride { .. })));
        assert!(PopulationOverrides::new(vec![o(Some(-1.0), None)]).is_err());
        assert!(PopulationOverrides::new(vec![o(Some(f64::INFINITY), None)]).is_err());
        assert!(PopulationOverrides::new(vec![o(None, Some(0.0))]).is_err());
        assert_eq!(PopulationOverrides::new(vec![o(Some(0.0), None)]).unwrap().len(), 1);
    }

    #[test]
    fn p5_1_projection_refuses_unordered_years_and_bad_values() {
        let p = |points| PopulationProjection::new("0104".into(), points);
        assert!(p(vec![]).is_err());
        assert!(p(vec![(2025, 1.0), (2020, 1.0)]).is_err());
        assert!(p(vec![(2020, 1.0), (2020, 1.0)]).is_err());
        assert!(p(vec![(2020, f64::NAN)]).is_err());
        assert!(p(vec![(2020, -1.0)]).is_err());
        assert_eq!(p(vec![(2020, 5.0)]).unwrap().at(2020), Some(5.0));
    }

    #[test]
    fn p2_3_pyramid_folds_90_and_over_and_keeps_the_total() {
        let mut a = AreaPopulation::new("0104".into());
        a.by_sex_band[0][0] = 30.0; // 男 0–4
        a.by_sex_band[0][18] = 5.0; // 男 90–94
        a.by_sex_band[0][19] = 3.0; // 男 95–99
        a.by_sex_band[0][20] = 2.0; // 男 100+
        a.by_sex_band[1][1] = 60.0; // 女 5–9
        a.age_unknown = [4.0, 6.0];
        a.sex_unknown = 10.0;
        // Total: 40 + 4 + 60 + 6 + 10 = 120.
        assert_eq!(a.total(), 120.0);
        assert_eq!(a.sex_total(Sex::Male), 44.0);
        let p = a.pyramid();
        // 男: banded 40 of 100 → 4 + 10 × 0.4 = 8 spread over 40: ×1.2. 0–4: 36; 90+: (5+3+2) × 1.2 = 12.
        assert!(close(p[0][0], 36.0));
        assert!(close(p[0][18], 12.0));
        // 女: 6 + 10 × 0.6 = 12 spread over 60 → 72.
        assert!(close(p[1][1], 72.0));
        let sum: f64 = p.iter().flatten().sum();
        assert!(close(sum, 120.0));
    }

    #[test]
    fn p2_3_pyramid_of_a_population_without_bands_keeps_its_total() {
        let mut a = AreaPopulation::new("0104".into());
        a.age_unknown = [3.0, 1.0];
        let p = a.pyramid();
        assert_eq!(p[0][POPULATION_BANDS - 1] + p[1][POPULATION_BANDS - 1], 4.0);
    }

    #[test]
    fn p2_3_municipalities_add_up_to_their_area() {
        let mut area = AreaPopulation::new("0104".into());
        let mut town = AreaPopulation::new("x".into());
        town.by_sex_band[1][20] = 2.0;
        town.sex_unknown = 1.0;
        area.add(&town);
        area.add(&town);
        assert_eq!(area.total(), 6.0);
        assert_eq!(area.code.as_str(), "0104");
    }

    #[test]
    fn provenance_reads_in_japanese() {
        assert_eq!(Provenance::User.as_ja(), "利用者指定");
        assert!(Provenance::Interpolated { from: 2035, to: 2040 }.as_ja().contains("2035年・2040年"));
    }
}
