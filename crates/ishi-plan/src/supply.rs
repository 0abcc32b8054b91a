//! 医師供給推計 — the supply projection of physicians by prefecture and secondary area (SPEC P5.3).
//!
//! The seed's passage 「将来時点における医師供給推計の考え方」 with ※1–※3, as built here:
//!
//! - **Input** ([`SupplyInput`]): per prefecture (三次医療圏, [`PrefectureSupply`]) the 三師調査 tables
//!   ([`CohortTable`]: physicians by sex × 医籍登録後年数 y = 1..=Y) of several biennial surveys, the same
//!   table for the 地域枠 (臨時定員) physicians among them, and the current physicians of its secondary
//!   areas; optionally the national macro projection ([`MacroProjection`]).
//! - **Rates** (※2, [`yearly_change_rates`]): over an [`ObservationWindow`] of d years, cohort y becomes
//!   y + d; its change is `r = N(to, y+d) / N(from, y) − 1` and its yearly change `r × ½ × 2 / d` — the
//!   seed's half of the biennial change when d = 2, and change / d for a window spanning several
//!   surveys. The rate of the cohort starting at y governs its step y → y+1; the last d cohorts take the
//!   rate of cohort Y − d; a cohort with nobody at the start has rate 0. The yearly factor `1 + rate` is
//!   floored at 0 ([`yearly_factor`]: a 100% exit).
//! - **Ageing** ([`project_cohorts`]): from the latest survey (※1, the base), every year each cohort
//!   moves to y + 1 times its factor, cohort Y leaves, and the first-year intake enters at y = 1: the mean
//!   first-year count of the surveys in the window (※1).
//! - **Range**: each window gives a projection; [`Band`] holds their minimum, mean (central) and
//!   maximum.
//! - **地域枠** (the seed's third bullet): the quota physicians and the rest are projected separately,
//!   each with its own rates and intake.
//! - **Scaling** (the first bullet): per window and year, the rest is multiplied by one factor for all
//!   prefectures so that the national sum equals the macro figure (less the projected quota when the
//!   macro figure counts them, [`MacroProjection::includes_regional_quota`]); the quota is not scaled.
//! - **Secondary areas** (※3): the prefecture's projection × the area's current share.
//! - **Stochastic mode** ([`project_stochastic`]): each run draws every cohort's yearly rate and the
//!   intake from normal distributions fitted to the windows — a shock common to the prefecture's cohorts
//!   (the spread of the prefecture's change over the windows) plus the cohort's own deviation — holds
//!   them to the horizon, projects and scales; the runs give percentiles. The seed is part of the
//!   result; the same seed gives the same result.
//!
//! The numbers (the survey interval, the ½, the future year, the percentiles) live in
//! `editions/supply.toml` ([`SupplyRules`]) with their sources, and with the decisions above.
//!
//! ```
//! use ishi_plan::supply::{CohortTable, PrefectureSupply, SupplyInput, SupplyOptions, SupplyRules, project};
//!
//! let rules = SupplyRules::builtin();
//! // Three cohorts per sex, the same in 2020 and 2022: no change observed.
//! let table = |year| CohortTable { year, counts: [vec![10.0, 10.0, 10.0], vec![5.0, 5.0, 5.0]] };
//! let tottori = PrefectureSupply::new("31", vec![table(2020), table(2022)]);
//! let input = SupplyInput { prefectures: vec![tottori], national: None };
//! let projection = project(&input, &SupplyOptions { horizon: 2025, windows: vec![] }, &rules).unwrap();
//! let y2025 = &projection.prefectures[0].years[2];
//! assert_eq!(y2025.year, 2025);
//! // Each year 10 + 5 enter at 1年目 and 10 + 5 leave after 3年目: the total stays 45.
//! assert_eq!(y2025.total.central, 45.0);
//! assert_eq!((y2025.total.lower, y2025.total.upper), (45.0, 45.0));
//! ```

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use thiserror::Error;

use crate::area::AreaCode;
use crate::edition::{Share, Sourced};
use crate::random::SplitMix64;
use crate::raw::{SEXES, Sex};

/// The supply rule edition, embedded (X1).
pub const SUPPLY_EDITION_FILE: &str = include_str!("../editions/supply.toml");

// ---------------------------------------------------------------------------------------------------
// Rules

/// The numbers of the supply projection (P5.3), each with its source (X1).
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRules {
    pub id: String,
    pub name: String,
    pub source: String,
    /// 三師調査 interval: 2 years (※2).
    pub survey_interval_years: Sourced<u32>,
    /// The yearly change as a share of the change over one survey interval: ½ (※2).
    pub yearly_share_of_change: Sourced<Share>,
    /// The default horizon: 2036 (SPEC P5).
    pub future_year: Sourced<i32>,
    /// The furthest a projection may reach past its base survey, in years (an input guard).
    pub max_years_ahead: Sourced<u32>,
    /// The percentiles the stochastic mode reports, in percent, ascending.
    pub percentiles: Sourced<Vec<f64>>,
    /// What was decided where the seed and SPEC are silent.
    pub decisions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupplyFile {
    id: String,
    name: String,
    source: String,
    decisions: Vec<String>,
    survey: SurveyRules,
    projection: ProjectionRules,
    stochastic: StochasticRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyRules {
    interval_years: Sourced<u32>,
    yearly_share_of_change: Sourced<Share>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectionRules {
    future_year: Sourced<i32>,
    max_years_ahead: Sourced<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StochasticRules {
    percentiles: Sourced<Vec<f64>>,
}

impl SupplyRules {
    /// Parses the edition, refusing a value without a source or out of range.
    pub fn from_toml(text: &str) -> Result<Self, SupplyError> {
        let file: SupplyFile = toml::from_str(text).map_err(|e| SupplyError::BadEdition(e.to_string()))?;
        let rules = SupplyRules {
            id: file.id,
            name: file.name,
            source: file.source,
            survey_interval_years: file.survey.interval_years,
            yearly_share_of_change: file.survey.yearly_share_of_change,
            future_year: file.projection.future_year,
            max_years_ahead: file.projection.max_years_ahead,
            percentiles: file.stochastic.percentiles,
            decisions: file.decisions,
        };
        let sources = [
            ("source", rules.source.as_str()),
            ("survey.interval_years", &rules.survey_interval_years.source),
            ("survey.yearly_share_of_change", &rules.yearly_share_of_change.source),
            ("projection.future_year", &rules.future_year.source),
            ("projection.max_years_ahead", &rules.max_years_ahead.source),
            ("stochastic.percentiles", &rules.percentiles.source),
        ];
        if let Some((path, _)) = sources.iter().find(|(_, s)| s.trim().is_empty()) {
            return Err(SupplyError::BadEdition(format!("{path} has no source")));
        }
        if rules.survey_interval_years.value == 0 {
            return Err(SupplyError::BadEdition("survey.interval_years must be at least 1".into()));
        }
        check_percentiles(&rules.percentiles.value).map_err(SupplyError::BadEdition)?;
        Ok(rules)
    }

    /// The shipped edition (`editions/supply.toml`; its loading is checked by the tests).
    pub fn builtin() -> Self {
        Self::from_toml(SUPPLY_EDITION_FILE).expect("the shipped supply edition is checked by the tests")
    }

    /// The multiplier from a window's change to a yearly change (※2): ½ × 2 / d.
    fn yearly_scale(&self, window_years: u32) -> f64 {
        self.yearly_share_of_change.value.fraction() * f64::from(self.survey_interval_years.value)
            / f64::from(window_years)
    }
}

fn check_percentiles(p: &[f64]) -> Result<(), String> {
    if p.is_empty() {
        return Err("no percentiles".into());
    }
    if let Some(bad) = p.iter().find(|v| !(**v >= 0.0 && **v <= 100.0)) {
        return Err(format!("percentile {bad} is not within 0–100"));
    }
    if p.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!("percentiles {p:?} are not strictly ascending"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Input

/// Which table of a prefecture a count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// 三師調査: all physicians at work, 地域枠 included.
    Survey,
    /// 地域枠 (臨時定員) physicians — regional quota, a part of the survey table.
    RegionalQuota,
}

impl Table {
    pub fn as_ja(self) -> &'static str {
        match self {
            Table::Survey => "三師調査",
            Table::RegionalQuota => "地域枠",
        }
    }
}

fn sex_ja(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "男性",
        Sex::Female => "女性",
    }
}

/// Physicians of one survey year by sex × 医籍登録後年数 (years since registration).
#[derive(Debug, Clone, PartialEq)]
pub struct CohortTable {
    /// The 三師調査 year (biennial: 2014, 2016, …).
    pub year: i32,
    /// `counts[Sex as usize][y − 1]`: physicians in their y-th year after registration (y = 1 = 1年目).
    pub counts: [Vec<f64>; 2],
}

/// The current physicians of one 二次医療圏 (secondary area), for its share of the prefecture (※3).
#[derive(Debug, Clone, PartialEq)]
pub struct SecondaryCount {
    pub code: AreaCode,
    pub physicians: f64,
}

/// One prefecture (三次医療圏) as the projection reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefectureSupply {
    pub code: AreaCode,
    /// 三師調査 tables, oldest first, one survey interval apart; the last one is the base.
    pub surveys: Vec<CohortTable>,
    /// The 地域枠 physicians among them, for the same years; empty when there are none.
    pub regional_quota: Vec<CohortTable>,
    /// Secondary areas and their current physicians; may be empty.
    pub secondary: Vec<SecondaryCount>,
}

impl PrefectureSupply {
    /// A prefecture with survey tables only (no 地域枠, no secondary areas).
    pub fn new(code: impl Into<AreaCode>, surveys: Vec<CohortTable>) -> Self {
        Self { code: code.into(), surveys, regional_quota: vec![], secondary: vec![] }
    }
}

/// マクロの供給推計: the national total of physicians by year.
#[derive(Debug, Clone, PartialEq)]
pub struct MacroProjection {
    /// (year, physicians); every projected year must be present, other years are ignored.
    pub totals: Vec<(i32, f64)>,
    /// True when the national figure counts the 地域枠 physicians too.
    pub includes_regional_quota: bool,
}

/// Everything the projection reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyInput {
    pub prefectures: Vec<PrefectureSupply>,
    /// When given, prefecture projections are scaled to it (P5.3).
    pub national: Option<MacroProjection>,
}

/// A period of observed change between two survey years (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObservationWindow {
    pub from: i32,
    pub to: i32,
}

impl ObservationWindow {
    pub fn new(from: i32, to: i32) -> Self {
        Self { from, to }
    }
}

impl fmt::Display for ObservationWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.to)
    }
}

/// How far and from which windows to project.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyOptions {
    /// The last projected year (inclusive).
    pub horizon: i32,
    /// Observation windows; empty means each pair of consecutive surveys.
    pub windows: Vec<ObservationWindow>,
}

impl SupplyOptions {
    /// To the edition's future year (2036), from every consecutive pair of surveys.
    pub fn new(rules: &SupplyRules) -> Self {
        Self { horizon: rules.future_year.value, windows: vec![] }
    }
}

// ---------------------------------------------------------------------------------------------------
// Errors

/// Where a bad count sits.
#[derive(Debug, Clone, PartialEq)]
pub struct CellAt {
    pub prefecture: String,
    pub table: Table,
    pub year: i32,
    pub sex: Sex,
    /// 医籍登録後年数 (1-based); `None` for the table as a whole.
    pub years_since_registration: Option<usize>,
}

impl fmt::Display for CellAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "prefecture {}, {} {}, {}", self.prefecture, self.table.as_ja(), self.year, sex_ja(self.sex))?;
        if let Some(y) = self.years_since_registration {
            write!(f, ", 医籍登録後{y}年目")?;
        }
        Ok(())
    }
}

/// Everything the supply projection refuses, naming what is wrong.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SupplyError {
    #[error("no prefectures to project")]
    NoPrefectures,
    #[error("prefecture {0} appears twice")]
    DuplicatePrefecture(String),
    #[error("prefecture {prefecture}: {found} 三師調査 table(s); two or more are needed to observe a change (P5.3)")]
    TooFewSurveys { prefecture: String, found: usize },
    #[error(
        "prefecture {prefecture}, {table}: surveys {from} and {to} are {gap} years apart; the 三師調査 is every \
         {expected} years, oldest first (P5.3 ※2)",
        table = table.as_ja()
    )]
    SurveyInterval { prefecture: String, table: Table, from: i32, to: i32, gap: i64, expected: u32 },
    #[error("prefecture {prefecture}: survey years {found:?} differ from {expected:?} of prefecture {first}")]
    SurveyYears { prefecture: String, found: Vec<i32>, expected: Vec<i32>, first: String },
    #[error("prefecture {prefecture}: 地域枠 tables for {found:?} but 三師調査 tables for {expected:?}")]
    QuotaYears { prefecture: String, found: Vec<i32>, expected: Vec<i32> },
    #[error("{at}: {found} cohorts (医籍登録後年数), expected {expected} as in the first table")]
    CohortLength { at: CellAt, found: usize, expected: usize },
    #[error("{at}: count {value} is negative")]
    NegativeCount { at: CellAt, value: f64 },
    #[error("{at}: count is not a finite number ({value})")]
    NotFinite { at: CellAt, value: f64 },
    #[error("{at}: 地域枠 {quota} exceeds all physicians {total} of the 三師調査 table")]
    QuotaExceedsSurvey { at: CellAt, quota: f64, total: f64 },
    #[error("observation window {window}: {problem}")]
    BadWindow { window: ObservationWindow, problem: String },
    #[error("horizon {horizon} is not 1 to {max_years_ahead} years after the base survey {base_year}")]
    Horizon { horizon: i32, base_year: i32, max_years_ahead: u32 },
    #[error("national projection {year}: {problem}")]
    BadNational { year: i32, problem: String },
    #[error("prefecture {prefecture}, secondary area {area}: {problem}")]
    BadSecondary { prefecture: String, area: String, problem: String },
    #[error("stochastic options: {0}")]
    BadOptions(String),
    #[error("supply rule edition: {0}")]
    BadEdition(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the projection would hold {values} values, more than memory allows; fewer runs or a nearer horizon")]
    TooLarge { values: usize },
}

// ---------------------------------------------------------------------------------------------------
// The cohort model (the one place that defines rates, factors and ageing)

/// P5.3 ※2: the yearly factor of a yearly change rate, floored at 0 (a 100% exit leaves nobody).
pub fn yearly_factor(rate: f64) -> f64 {
    (1.0 + rate).max(0.0)
}

/// P5.3 ※2: the yearly change rate of each cohort observed between `from` and `to`, `years_apart`
/// years later (one sex, one table, index y − 1). Cohort y at `from` is cohort y + d at `to`; its change
/// `r = to[y+d] / from[y] − 1` becomes the yearly `r × ½ × 2 / d` (half the biennial change). The last
/// d cohorts take the rate of cohort Y − d; a cohort with nobody at `from` has rate 0.
pub fn yearly_change_rates(
    from: &[f64],
    to: &[f64],
    years_apart: u32,
    rules: &SupplyRules,
) -> Result<Vec<f64>, SupplyError> {
    if from.len() != to.len() {
        return Err(SupplyError::Invalid(format!(
            "tables of {} and {} cohorts cannot be compared",
            from.len(),
            to.len()
        )));
    }
    if years_apart == 0 || years_apart as usize >= from.len() {
        return Err(SupplyError::Invalid(format!(
            "tables {years_apart} years apart: following cohorts needs at least one year and more than \
             {years_apart} cohorts (the tables have {})",
            from.len()
        )));
    }
    if let Some(bad) = from.iter().chain(to).find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(SupplyError::Invalid(format!("count {bad} is not a non-negative number")));
    }
    Ok(observed_rates(from, to, years_apart as usize, rules.yearly_scale(years_apart)))
}

/// [`yearly_change_rates`] on checked input; `scale` is ½ × 2 / d.
fn observed_rates(from: &[f64], to: &[f64], d: usize, scale: f64) -> Vec<f64> {
    let n = from.len();
    let mut rates = vec![0.0; n];
    for y in 0..n - d {
        // Nobody to follow: no change observed rather than an infinite one.
        rates[y] = if from[y] > 0.0 { (to[y + d] / from[y] - 1.0) * scale } else { 0.0 };
    }
    let last = rates[n - d - 1];
    rates[n - d..].fill(last);
    rates
}

/// The yearly change of all cohorts followed by [`observed_rates`] together: their rates weighted by
/// the counts they start from (0 when nobody is followed).
fn observed_level(from: &[f64], to: &[f64], d: usize, scale: f64) -> f64 {
    let n = from.len();
    let (mut start, mut end) = (0.0, 0.0);
    for y in (0..n - d).filter(|&y| from[y] > 0.0) {
        start += from[y];
        end += to[y + d];
    }
    if start > 0.0 { (end / start - 1.0) * scale } else { 0.0 }
}

/// P5.3: one projected year. Cohort y moves to y + 1 times its yearly factor, the last cohort leaves,
/// and `intake` enters at 1年目. All slices have the same length ≥ 1.
fn age_one_year(cur: &[f64], factors: &[f64], intake: f64, next: &mut [f64]) {
    let n = cur.len();
    next[0] = intake;
    for ((d, s), f) in next[1..].iter_mut().zip(&cur[..n - 1]).zip(&factors[..n - 1]) {
        *d = s * f;
    }
}

/// Cohorts handled together by [`add_yearly_totals`]; tables are padded to a multiple of it.
const LANES: usize = 4;

/// Scratch for [`add_yearly_totals`] for tables of up to `cohorts` cohorts and `years` years.
struct Paths {
    counts: Vec<f64>,
    moves: Vec<f64>,
}

impl Paths {
    fn new(cohorts: usize, years: usize) -> Self {
        let padded = cohorts.div_ceil(LANES) * LANES;
        Paths { counts: vec![0.0; padded], moves: vec![0.0; padded + years] }
    }

    /// Loads a table of `n` cohorts: its base counts, and `moves[..n − 1]` left for the caller to fill
    /// with the factors of the steps y → y + 1; the step out of the last cohort leaves (0).
    /// Returns (counts, moves) of the padded length.
    fn load(&mut self, base: &[f64], years: usize) -> (&mut [f64], &mut [f64]) {
        let n = base.len();
        let padded = n.div_ceil(LANES) * LANES;
        self.counts[..n].copy_from_slice(base);
        self.counts[n..padded].fill(0.0);
        self.moves[n.saturating_sub(1)..padded + years].fill(0.0);
        (&mut self.counts[..padded], &mut self.moves[..padded + years])
    }
}

/// P5.3: the totals of the years [`age_one_year`] gives, added to `totals` (one per projected year),
/// without moving any cohort — the fast path of both modes. A base cohort i is at i + k after k years,
/// `base[i] × f[i] ⋯ f[i+k−1]`, so each year multiplies the cohorts in place by the factors k further
/// on; the intake of year j is at k − j, `intake × f[0] ⋯ f[k−j−1]`, so the intake part of year k is
/// the intake times a running sum of those products. `moves[i]` is the factor of the step i → i + 1
/// and 0 from the table's last cohort on, so a cohort that leaves the table becomes 0 and stays 0;
/// `counts` (padded with zeros to whole lanes) and `moves` come from [`Paths::load`].
fn add_yearly_totals(counts: &mut [f64], moves: &[f64], intake: f64, totals: &mut [f64]) {
    let padded = counts.len();
    debug_assert!(padded.is_multiple_of(LANES) && moves.len() >= padded + totals.len());
    let (mut product, mut intake_cohorts) = (1.0, 0.0);
    for (k, total) in totals.iter_mut().enumerate() {
        // Projected year k + 1: the intake of each year so far.
        intake_cohorts += product;
        product *= moves[k];
        // Cohorts that can still be inside the table, in whole lanes (the rest are 0 already).
        let live = padded.saturating_sub(k + 1).div_ceil(LANES) * LANES;
        // Partial sums per lane so the loop vectorizes; one running sum would chain every addition.
        let mut acc = [0.0f64; LANES];
        for (c, f) in counts[..live].chunks_exact_mut(LANES).zip(moves[k..k + live].chunks_exact(LANES)) {
            for i in 0..LANES {
                c[i] *= f[i];
                acc[i] += c[i];
            }
        }
        *total += acc.iter().sum::<f64>() + intake * intake_cohorts;
    }
}

/// P5.3: projects one table (one sex, one group) `years` years ahead from `base` with constant yearly
/// change rates and first-year intake. Returns the counts of each projected year, by cohort.
pub fn project_cohorts(
    base: &[f64],
    yearly_rates: &[f64],
    first_year_intake: f64,
    years: usize,
) -> Result<Vec<Vec<f64>>, SupplyError> {
    if base.is_empty() || base.len() != yearly_rates.len() {
        return Err(SupplyError::Invalid(format!(
            "{} cohorts and {} rates: one rate per cohort is needed",
            base.len(),
            yearly_rates.len()
        )));
    }
    if let Some(bad) = base.iter().chain([&first_year_intake]).find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(SupplyError::Invalid(format!("count {bad} is not a non-negative number")));
    }
    if let Some(bad) = yearly_rates.iter().find(|r| !r.is_finite()) {
        return Err(SupplyError::Invalid(format!("rate {bad} is not a finite number")));
    }
    let factors: Vec<f64> = yearly_rates.iter().map(|r| yearly_factor(*r)).collect();
    let mut out = Vec::new();
    out.try_reserve_exact(years).map_err(|_| SupplyError::TooLarge { values: years })?;
    let mut cur = base.to_vec();
    for _ in 0..years {
        let mut next = vec![0.0; base.len()];
        age_one_year(&cur, &factors, first_year_intake, &mut next);
        out.push(next.clone());
        cur = next;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------
// Preparation: validation, rates and intake per window

/// The non-quota physicians (index 0) and the 地域枠 physicians (index 1), projected separately.
const GROUPS: usize = 2;
const REST: usize = 0;
const QUOTA: usize = 1;

/// One group of one prefecture, ready to project.
#[derive(Debug)]
struct Group {
    /// The base survey, per sex.
    base: [Vec<f64>; 2],
    /// `rates[window][sex][y]`: yearly change rates.
    rates: Vec<[Vec<f64>; 2]>,
    /// `intake[window][sex]`: first-year physicians per projected year.
    intake: Vec<[f64; 2]>,
    /// `level[window][sex]`: the yearly change of all followed cohorts together (the prefecture's).
    level: Vec<[f64; 2]>,
}

#[derive(Debug)]
struct PreparedPrefecture {
    groups: [Group; GROUPS],
    /// Current share of each secondary area, in input order.
    shares: Vec<f64>,
}

#[derive(Debug)]
struct Prepared {
    base_year: i32,
    /// Projected years, base + 1 ..= horizon.
    years: Vec<i32>,
    windows: Vec<ObservationWindow>,
    cohorts: usize,
    prefectures: Vec<PreparedPrefecture>,
    national: Option<(Vec<f64>, bool)>,
}

fn check_table(prefecture: &AreaCode, table: Table, t: &CohortTable, cohorts: usize) -> Result<(), SupplyError> {
    for sex in SEXES {
        let at = |y: Option<usize>| CellAt {
            prefecture: prefecture.to_string(),
            table,
            year: t.year,
            sex,
            years_since_registration: y,
        };
        let counts = &t.counts[sex as usize];
        if counts.len() != cohorts {
            return Err(SupplyError::CohortLength { at: at(None), found: counts.len(), expected: cohorts });
        }
        for (i, &v) in counts.iter().enumerate() {
            if !v.is_finite() {
                return Err(SupplyError::NotFinite { at: at(Some(i + 1)), value: v });
            }
            if v < 0.0 {
                return Err(SupplyError::NegativeCount { at: at(Some(i + 1)), value: v });
            }
        }
    }
    Ok(())
}

fn check_intervals(
    prefecture: &AreaCode,
    table: Table,
    tables: &[CohortTable],
    interval: u32,
) -> Result<(), SupplyError> {
    for pair in tables.windows(2) {
        // Wide enough that no pair of years overflows.
        let gap = i64::from(pair[1].year) - i64::from(pair[0].year);
        if gap != i64::from(interval) {
            return Err(SupplyError::SurveyInterval {
                prefecture: prefecture.to_string(),
                table,
                from: pair[0].year,
                to: pair[1].year,
                gap,
                expected: interval,
            });
        }
    }
    Ok(())
}

fn years_of(tables: &[CohortTable]) -> Vec<i32> {
    tables.iter().map(|t| t.year).collect()
}

fn zeroed(len: usize) -> Result<Vec<f64>, SupplyError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| SupplyError::TooLarge { values: len })?;
    v.resize(len, 0.0);
    Ok(v)
}

fn product(factors: &[usize]) -> Result<usize, SupplyError> {
    factors.iter().try_fold(1usize, |a, b| a.checked_mul(*b)).ok_or(SupplyError::TooLarge { values: usize::MAX })
}

fn prepare(input: &SupplyInput, options: &SupplyOptions, rules: &SupplyRules) -> Result<Prepared, SupplyError> {
    let first = input.prefectures.first().ok_or(SupplyError::NoPrefectures)?;
    let interval = rules.survey_interval_years.value;
    let expected_years = years_of(&first.surveys);
    let cohorts = first.surveys.first().map_or(0, |t| t.counts[Sex::Male as usize].len());

    let mut seen = HashSet::new();
    for p in &input.prefectures {
        if !seen.insert(&p.code) {
            return Err(SupplyError::DuplicatePrefecture(p.code.to_string()));
        }
        if p.surveys.len() < 2 {
            return Err(SupplyError::TooFewSurveys { prefecture: p.code.to_string(), found: p.surveys.len() });
        }
        check_intervals(&p.code, Table::Survey, &p.surveys, interval)?;
        let found = years_of(&p.surveys);
        if found != expected_years {
            return Err(SupplyError::SurveyYears {
                prefecture: p.code.to_string(),
                found,
                expected: expected_years,
                first: first.code.to_string(),
            });
        }
        if cohorts == 0 {
            return Err(SupplyError::Invalid(format!(
                "prefecture {}: the 三師調査 {} table has no cohorts (医籍登録後年数)",
                first.code, expected_years[0]
            )));
        }
        for t in &p.surveys {
            check_table(&p.code, Table::Survey, t, cohorts)?;
        }
        if !p.regional_quota.is_empty() {
            let quota_years = years_of(&p.regional_quota);
            if quota_years != expected_years {
                return Err(SupplyError::QuotaYears {
                    prefecture: p.code.to_string(),
                    found: quota_years,
                    expected: expected_years,
                });
            }
            for (q, t) in p.regional_quota.iter().zip(&p.surveys) {
                check_table(&p.code, Table::RegionalQuota, q, cohorts)?;
                for sex in SEXES {
                    let s = sex as usize;
                    if let Some(i) = (0..cohorts).find(|&i| q.counts[s][i] > t.counts[s][i]) {
                        return Err(SupplyError::QuotaExceedsSurvey {
                            at: CellAt {
                                prefecture: p.code.to_string(),
                                table: Table::RegionalQuota,
                                year: q.year,
                                sex,
                                years_since_registration: Some(i + 1),
                            },
                            quota: q.counts[s][i],
                            total: t.counts[s][i],
                        });
                    }
                }
            }
        }
    }

    let base_year = *expected_years.last().expect("at least two surveys were checked");
    let max_years_ahead = rules.max_years_ahead.value;
    let ahead = i64::from(options.horizon) - i64::from(base_year);
    if !(1..=i64::from(max_years_ahead)).contains(&ahead) {
        return Err(SupplyError::Horizon { horizon: options.horizon, base_year, max_years_ahead });
    }
    let years: Vec<i32> = (base_year + 1..=options.horizon).collect();

    let windows = if options.windows.is_empty() {
        expected_years.windows(2).map(|w| ObservationWindow::new(w[0], w[1])).collect()
    } else {
        options.windows.clone()
    };
    let mut distinct = HashSet::new();
    for w in &windows {
        let bad = |problem: String| SupplyError::BadWindow { window: *w, problem };
        if w.from >= w.to {
            return Err(bad("the window must end after it starts".into()));
        }
        for y in [w.from, w.to] {
            if !expected_years.contains(&y) {
                return Err(bad(format!("{y} is not a survey year ({expected_years:?})")));
            }
        }
        if (w.to - w.from) as usize >= cohorts {
            return Err(bad(format!(
                "spans {} years, but the tables have only {cohorts} cohorts to follow",
                w.to - w.from
            )));
        }
        if !distinct.insert(*w) {
            return Err(bad("given twice".into()));
        }
    }

    let national = match &input.national {
        None => None,
        Some(m) => {
            let mut by_year = std::collections::HashMap::new();
            for &(year, value) in &m.totals {
                if !(value.is_finite() && value > 0.0) {
                    return Err(SupplyError::BadNational {
                        year,
                        problem: format!("{value} is not a positive number"),
                    });
                }
                if by_year.insert(year, value).is_some() {
                    return Err(SupplyError::BadNational { year, problem: "given twice".into() });
                }
            }
            let mut per_year = Vec::with_capacity(years.len());
            for &year in &years {
                let v = by_year.get(&year).ok_or_else(|| SupplyError::BadNational {
                    year,
                    problem: format!(
                        "no figure for this projected year ({}–{} are needed)",
                        base_year + 1,
                        options.horizon
                    ),
                })?;
                per_year.push(*v);
            }
            Some((per_year, m.includes_regional_quota))
        }
    };

    let prefectures = input
        .prefectures
        .iter()
        .map(|p| prepare_prefecture(p, &expected_years, &windows, cohorts, rules))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared { base_year, years, windows, cohorts, prefectures, national })
}

fn prepare_prefecture(
    p: &PrefectureSupply,
    survey_years: &[i32],
    windows: &[ObservationWindow],
    cohorts: usize,
    rules: &SupplyRules,
) -> Result<PreparedPrefecture, SupplyError> {
    // quota[survey][sex] and rest[survey][sex]: the rest is the survey minus the quota.
    let zeros = [vec![0.0; cohorts], vec![0.0; cohorts]];
    let quota: Vec<[Vec<f64>; 2]> = if p.regional_quota.is_empty() {
        vec![zeros; p.surveys.len()]
    } else {
        p.regional_quota.iter().map(|t| t.counts.clone()).collect()
    };
    let rest: Vec<[Vec<f64>; 2]> = p
        .surveys
        .iter()
        .zip(&quota)
        .map(|(t, q)| std::array::from_fn(|s| t.counts[s].iter().zip(&q[s]).map(|(a, b)| a - b).collect()))
        .collect();
    let group = |tables: &[[Vec<f64>; 2]]| {
        let at = |year: i32| survey_years.iter().position(|y| *y == year).expect("windows were checked");
        let mut rates = Vec::with_capacity(windows.len());
        let mut intake = Vec::with_capacity(windows.len());
        let mut level = Vec::with_capacity(windows.len());
        for w in windows {
            let (i, j) = (at(w.from), at(w.to));
            let d = (w.to - w.from) as u32;
            rates.push(std::array::from_fn(|s| {
                observed_rates(&tables[i][s], &tables[j][s], d as usize, rules.yearly_scale(d))
            }));
            level.push(std::array::from_fn(|s| {
                observed_level(&tables[i][s], &tables[j][s], d as usize, rules.yearly_scale(d))
            }));
            // ※1: the first-year physicians of every survey inside the window, averaged.
            intake.push(std::array::from_fn(|s| {
                let firsts: Vec<f64> = tables[i..=j].iter().map(|t| t[s][0]).collect();
                firsts.iter().sum::<f64>() / firsts.len() as f64
            }));
        }
        Group { base: tables.last().expect("at least two surveys").clone(), rates, intake, level }
    };

    let mut shares = Vec::with_capacity(p.secondary.len());
    let mut seen = HashSet::new();
    for a in &p.secondary {
        let bad = |problem: String| SupplyError::BadSecondary {
            prefecture: p.code.to_string(),
            area: a.code.to_string(),
            problem,
        };
        if !(a.physicians.is_finite() && a.physicians >= 0.0) {
            return Err(bad(format!("current physicians {} is not a non-negative number", a.physicians)));
        }
        if !seen.insert(&a.code) {
            return Err(bad("appears twice".into()));
        }
        shares.push(a.physicians);
    }
    let sum: f64 = shares.iter().sum();
    if !shares.is_empty() {
        if !(sum > 0.0) {
            return Err(SupplyError::BadSecondary {
                prefecture: p.code.to_string(),
                area: "(all)".into(),
                problem: "the secondary areas have no physicians, so they have no shares".into(),
            });
        }
        shares.iter_mut().for_each(|s| *s /= sum);
    }
    Ok(PreparedPrefecture { groups: [group(&rest), group(&quota)], shares })
}

impl Prepared {
    /// P5.3 scaling: the factor on the non-quota physicians of projected year `k` that makes the sum of
    /// the prefectures equal the macro projection (1 without one).
    fn scale_factor(&self, k: usize, rest: f64, quota: f64) -> Result<f64, SupplyError> {
        let Some((national, includes_quota)) = &self.national else { return Ok(1.0) };
        let year = self.years[k];
        let target = if *includes_quota { national[k] - quota } else { national[k] };
        if target < 0.0 {
            return Err(SupplyError::BadNational {
                year,
                problem: format!("{} is below the projected 地域枠 physicians {quota:.1}", national[k]),
            });
        }
        if rest > 0.0 {
            Ok(target / rest)
        } else if target == 0.0 {
            Ok(1.0)
        } else {
            Err(SupplyError::BadNational {
                year,
                problem: "no physicians outside 地域枠 are projected, so nothing can be scaled to it".into(),
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Deterministic projection

/// Lower, central and upper value of a projection (P5.3: a range, not one number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The smallest over the observation windows.
    pub lower: f64,
    /// The mean over the observation windows.
    pub central: f64,
    /// The largest over the observation windows.
    pub upper: f64,
}

impl Band {
    /// The band of the windows' values (at least one).
    fn over(values: impl Iterator<Item = f64>) -> Band {
        let (mut lower, mut upper, mut sum, mut n) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
        for v in values {
            lower = lower.min(v);
            upper = upper.max(v);
            sum += v;
            n += 1;
        }
        // The rounded mean of equal values can fall one ulp outside them.
        Band { lower, central: (sum / n as f64).clamp(lower, upper), upper }
    }

    /// The band times a share (※3).
    pub fn times(self, share: f64) -> Band {
        Band { lower: self.lower * share, central: self.central * share, upper: self.upper * share }
    }
}

/// One projected year of an area (or the nation).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectedYear {
    pub year: i32,
    /// All physicians: the scaled non-quota physicians plus the 地域枠 physicians.
    pub total: Band,
    /// `by_sex[Sex as usize]`, quota included; each band over the windows on its own.
    pub by_sex: [Band; 2],
    /// 地域枠 physicians (part of `total`), projected separately and not scaled.
    pub regional_quota: Band,
    /// The total from each window, in [`SupplyProjection::windows`] order.
    pub by_window: Vec<f64>,
}

/// ※3: a secondary area's projection, its current share of the prefecture held constant.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondaryProjection {
    pub code: AreaCode,
    /// Current physicians as given.
    pub current: f64,
    /// Current share of the prefecture's secondary areas.
    pub share: f64,
    /// (year, total) for each projected year.
    pub years: Vec<(i32, Band)>,
}

/// The projection of one prefecture.
#[derive(Debug, Clone, PartialEq)]
pub struct PrefectureProjection {
    pub code: AreaCode,
    /// Physicians in the base survey (地域枠 included).
    pub current: f64,
    /// 地域枠 physicians in the base survey.
    pub current_regional_quota: f64,
    /// One entry per projected year, base + 1 ..= horizon.
    pub years: Vec<ProjectedYear>,
    pub secondary: Vec<SecondaryProjection>,
}

/// P5.3: the supply projection of every prefecture and of the nation.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyProjection {
    /// The latest survey, where the projection starts.
    pub base_year: i32,
    pub windows: Vec<ObservationWindow>,
    /// `scaling[window][k]`: the factor on the non-quota physicians in projected year k (1 without a
    /// macro projection).
    pub scaling: Vec<Vec<f64>>,
    pub prefectures: Vec<PrefectureProjection>,
    /// The sum of the prefectures, per window, as a band.
    pub national: Vec<ProjectedYear>,
}

/// P5.3: projects every prefecture from each observation window, scales to the macro projection,
/// and derives the secondary areas.
pub fn project(
    input: &SupplyInput,
    options: &SupplyOptions,
    rules: &SupplyRules,
) -> Result<SupplyProjection, SupplyError> {
    let prep = prepare(input, options, rules)?;
    let (nw, np, nk, y) = (prep.windows.len(), prep.prefectures.len(), prep.years.len(), prep.cohorts);
    // raw[(((w·P + p)·2 + g)·2 + s)·K + k]: unscaled totals by window, prefecture, group, sex and year.
    let idx = |w: usize, p: usize, g: usize, s: usize, k: usize| (((w * np + p) * GROUPS + g) * 2 + s) * nk + k;
    let mut raw = zeroed(product(&[nw, np, GROUPS, 2, nk])?)?;
    let mut paths = Paths::new(y, nk);
    for w in 0..nw {
        for (p, pref) in prep.prefectures.iter().enumerate() {
            for (g, group) in pref.groups.iter().enumerate() {
                for s in 0..2 {
                    let (counts, moves) = paths.load(&group.base[s], nk);
                    for (f, r) in moves[..y - 1].iter_mut().zip(&group.rates[w][s]) {
                        *f = yearly_factor(*r);
                    }
                    let at = idx(w, p, g, s, 0);
                    add_yearly_totals(counts, moves, group.intake[w][s], &mut raw[at..at + nk]);
                }
            }
        }
    }

    // All prefectures and both sexes of one group.
    let group_sum = |w: usize, g: usize, k: usize| (0..np * 2).map(|ps| raw[idx(w, ps / 2, g, ps % 2, k)]).sum::<f64>();
    let mut scaling = vec![vec![1.0; nk]; nw];
    for (w, row) in scaling.iter_mut().enumerate() {
        for (k, factor) in row.iter_mut().enumerate() {
            *factor = prep.scale_factor(k, group_sum(w, REST, k), group_sum(w, QUOTA, k))?;
        }
    }
    // Scaled physicians of one window, prefecture, sex and year, quota included.
    let value = |w: usize, p: usize, s: usize, k: usize| {
        scaling[w][k] * raw[idx(w, p, REST, s, k)] + raw[idx(w, p, QUOTA, s, k)]
    };
    let year_of = |k: usize, values: &dyn Fn(usize, usize) -> f64, quota: &dyn Fn(usize) -> f64| {
        let by_window: Vec<f64> = (0..nw).map(|w| values(w, 0) + values(w, 1)).collect();
        ProjectedYear {
            year: prep.years[k],
            total: Band::over(by_window.iter().copied()),
            by_sex: std::array::from_fn(|s| Band::over((0..nw).map(|w| values(w, s)))),
            regional_quota: Band::over((0..nw).map(quota)),
            by_window,
        }
    };

    let mut prefectures = Vec::with_capacity(np);
    for (p, (input_p, pref)) in input.prefectures.iter().zip(&prep.prefectures).enumerate() {
        let years: Vec<ProjectedYear> = (0..nk)
            .map(|k| year_of(k, &|w, s| value(w, p, s, k), &|w| (0..2).map(|s| raw[idx(w, p, QUOTA, s, k)]).sum()))
            .collect();
        let secondary = input_p
            .secondary
            .iter()
            .zip(&pref.shares)
            .map(|(a, &share)| SecondaryProjection {
                code: a.code.clone(),
                current: a.physicians,
                share,
                years: years.iter().map(|py| (py.year, py.total.times(share))).collect(),
            })
            .collect();
        let base_sum = |t: &[CohortTable]| t.last().map_or(0.0, |t| t.counts.iter().flatten().sum::<f64>());
        prefectures.push(PrefectureProjection {
            code: input_p.code.clone(),
            current: base_sum(&input_p.surveys),
            current_regional_quota: base_sum(&input_p.regional_quota),
            years,
            secondary,
        });
    }
    let national = (0..nk)
        .map(|k| year_of(k, &|w, s| (0..np).map(|p| value(w, p, s, k)).sum(), &|w| group_sum(w, QUOTA, k)))
        .collect();
    Ok(SupplyProjection { base_year: prep.base_year, windows: prep.windows, scaling, prefectures, national })
}

// ---------------------------------------------------------------------------------------------------
// Stochastic projection

/// How many runs, from which seed, and what to report.
#[derive(Debug, Clone, PartialEq)]
pub struct StochasticOptions {
    pub runs: usize,
    /// The seed of [`SplitMix64`]; part of the result.
    pub seed: u64,
    /// Percentiles to report, in percent, strictly ascending.
    pub percentiles: Vec<f64>,
}

impl StochasticOptions {
    /// `runs` runs from `seed` with the edition's percentiles.
    pub fn new(runs: usize, seed: u64, rules: &SupplyRules) -> Self {
        Self { runs, seed, percentiles: rules.percentiles.value.clone() }
    }
}

/// The percentiles of one year, in [`StochasticProjection::percentiles`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct PercentileYear {
    pub year: i32,
    pub values: Vec<f64>,
}

/// Percentile series of one secondary area (※3: the prefecture's times its share).
#[derive(Debug, Clone, PartialEq)]
pub struct StochasticArea {
    pub code: AreaCode,
    pub share: f64,
    pub years: Vec<PercentileYear>,
}

/// Percentile series of one prefecture (total physicians, 地域枠 included) and its secondary areas.
#[derive(Debug, Clone, PartialEq)]
pub struct StochasticPrefecture {
    pub code: AreaCode,
    pub years: Vec<PercentileYear>,
    pub secondary: Vec<StochasticArea>,
}

/// P5.3 stochastic mode: percentile bands over seeded runs.
#[derive(Debug, Clone, PartialEq)]
pub struct StochasticProjection {
    /// The seed that reproduces this result.
    pub seed: u64,
    pub runs: usize,
    pub percentiles: Vec<f64>,
    pub base_year: i32,
    pub windows: Vec<ObservationWindow>,
    pub prefectures: Vec<StochasticPrefecture>,
    /// The sum of the prefectures in each run. With a macro projection every run is scaled to it, so
    /// all percentiles equal the national figure.
    pub national: Vec<PercentileYear>,
}

/// Standard normal draws from a table of the inverse normal: 4096 equally likely values, the normal
/// quantiles at the midpoints of 4096 equal parts of (0, 1). Symmetric, so the draws have mean 0; the
/// steps near the centre are about 0.0006σ apart and the extremes are ±3.7σ. One table look-up per
/// draw and two draws per `u64` keep tens of millions of draws per projection cheap.
struct NormalTable {
    steps: Box<[f64; NormalTable::STEPS]>,
}

impl NormalTable {
    const BITS: u32 = 12;
    const STEPS: usize = 1 << Self::BITS;

    fn new() -> Self {
        let n = Self::STEPS as f64;
        Self { steps: Box::new(std::array::from_fn(|j| inverse_normal((j as f64 + 0.5) / n))) }
    }

    /// The step of the top 12 bits (always in the table: no bounds check in the hot loop).
    #[inline(always)]
    fn z(&self, bits: u64) -> f64 {
        self.steps[(bits >> (64 - Self::BITS)) as usize]
    }

    fn draw(&self, rng: &mut SplitMix64) -> f64 {
        self.z(rng.next_u64())
    }

    fn fill(&self, rng: &mut SplitMix64, out: &mut [f64]) {
        let mut pairs = out.chunks_exact_mut(2);
        for pair in &mut pairs {
            let u = rng.next_u64();
            pair[0] = self.z(u);
            pair[1] = self.z(u << 32);
        }
        if let [last] = pairs.into_remainder() {
            *last = self.draw(rng);
        }
    }
}

/// The standard normal quantile (P. J. Acklam's rational approximation, relative error < 1.2e-9).
fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const P_LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

/// The mean and sample standard deviation of the windows' values (sd 0 with one window).
fn mean_and_sd(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let sd = if n > 1.0 { (values.map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() } else { 0.0 };
    (mean, sd)
}

/// One (prefecture, group, sex) table laid out for the runs; its cohorts live at `offset..offset+len`
/// of the flat arrays of [`Blocks`].
struct Block {
    offset: usize,
    /// Cohorts that can hold anyone before the horizon; the rest stay empty and are skipped.
    len: usize,
    /// Standard deviation of the prefecture's yearly change over the windows (the shared shock).
    shared: f64,
    /// First-year intake: mean and standard deviation over the windows.
    intake: (f64, f64),
}

/// Every table of every prefecture in flat arrays: base counts and, per cohort, `1 + mean rate` and
/// the standard deviation of the cohort's own deviation from the prefecture's change.
struct Blocks {
    blocks: Vec<Block>,
    base: Vec<f64>,
    mean_factor: Vec<f64>,
    own: Vec<f64>,
}

impl Blocks {
    /// Blocks in the order prefecture, group, sex. The windows' spread of a cohort's rate splits into
    /// the spread of the prefecture's change (`level`), common to all its cohorts, and the spread of the
    /// cohort's deviation from it, its own.
    fn new(prep: &Prepared) -> Blocks {
        let nk = prep.years.len();
        let mut out = Blocks { blocks: vec![], base: vec![], mean_factor: vec![], own: vec![] };
        for pref in &prep.prefectures {
            for group in &pref.groups {
                for s in 0..2 {
                    let intake = mean_and_sd(group.intake.iter().map(|i| i[s]));
                    let (_, shared) = mean_and_sd(group.level.iter().map(|l| l[s]));
                    let base = &group.base[s];
                    // A cohort is reachable by the horizon from the base (k years older) or from the intake.
                    let from_base = base.iter().rposition(|v| *v > 0.0).map_or(0, |last| last + 1 + nk);
                    let from_intake = if intake.0 > 0.0 || intake.1 > 0.0 { nk } else { 0 };
                    let len = from_base.max(from_intake).min(base.len());
                    out.blocks.push(Block { offset: out.base.len(), len, shared, intake });
                    for y in 0..len {
                        let rates = group.rates.iter().map(|r| r[s][y]);
                        let (mean, _) = mean_and_sd(rates.clone());
                        let (_, own) = mean_and_sd(rates.zip(&group.level).map(|(r, l)| r - l[s]));
                        out.base.push(base[y]);
                        out.mean_factor.push(1.0 + mean);
                        out.own.push(own);
                    }
                }
            }
        }
        out
    }
}

/// P5.3 stochastic mode: `stochastic.runs` projections, each drawing every cohort's yearly rate and the
/// intake, scaled to the macro projection like [`project`]; percentiles per prefecture, secondary area
/// and year, and national.
pub fn project_stochastic(
    input: &SupplyInput,
    options: &SupplyOptions,
    stochastic: &StochasticOptions,
    rules: &SupplyRules,
) -> Result<StochasticProjection, SupplyError> {
    if stochastic.runs == 0 {
        return Err(SupplyError::BadOptions("at least one run is needed".into()));
    }
    check_percentiles(&stochastic.percentiles).map_err(SupplyError::BadOptions)?;
    let prep = prepare(input, options, rules)?;
    let (np, nk, runs) = (prep.prefectures.len(), prep.years.len(), stochastic.runs);
    let blocks = Blocks::new(&prep);
    let normal = NormalTable::new();
    let mut rng = SplitMix64::new(stochastic.seed);

    // values[(row)·runs + run], row = p·K + k for prefecture p and year k, then K national rows: one
    // area-year's runs side by side, for selection. Runs are written a tile at a time, so every write
    // fills whole cache lines instead of striding across the array once per value.
    const TILE: usize = 8;
    let rows = (np + 1) * nk;
    let mut values = zeroed(product(&[rows, runs])?)?;
    let mut tile = vec![0.0; TILE * rows];
    let y = prep.cohorts;
    let (mut paths, mut z) = (Paths::new(y, nk), vec![0.0; y]);
    // group_totals[(p·2 + g)·K + k] of the current run.
    let mut group_totals = vec![0.0; np * GROUPS * nk];
    for run in 0..runs {
        group_totals.fill(0.0);
        for (pg, sexes) in blocks.blocks.chunks_exact(2).enumerate() {
            let shock = normal.draw(&mut rng);
            let sums = &mut group_totals[pg * nk..(pg + 1) * nk];
            for b in sexes.iter().filter(|b| b.len > 0) {
                // The steps of cohorts 1 … n − 1 (the last one's step leaves), and the intake.
                let (n, steps) = (b.len, b.offset..b.offset + b.len - 1);
                normal.fill(&mut rng, &mut z[..n]);
                let (counts, moves) = paths.load(&blocks.base[b.offset..b.offset + n], nk);
                let common = b.shared * shock;
                for (((f, m), own), z) in moves[..n - 1]
                    .iter_mut()
                    .zip(&blocks.mean_factor[steps.clone()])
                    .zip(&blocks.own[steps])
                    .zip(&z[..n - 1])
                {
                    // A draw below a 100% exit is a 100% exit.
                    *f = (m + common + own * z).max(0.0);
                }
                let intake = (b.intake.0 + b.intake.1 * z[n - 1]).max(0.0);
                add_yearly_totals(counts, moves, intake, sums);
            }
        }
        let row = &mut tile[(run % TILE) * rows..(run % TILE + 1) * rows];
        for k in 0..nk {
            let (mut rest, mut quota) = (0.0, 0.0);
            for p in 0..np {
                rest += group_totals[(p * GROUPS + REST) * nk + k];
                quota += group_totals[(p * GROUPS + QUOTA) * nk + k];
            }
            let factor = prep.scale_factor(k, rest, quota)?;
            let mut national = 0.0;
            for p in 0..np {
                let v =
                    factor * group_totals[(p * GROUPS + REST) * nk + k] + group_totals[(p * GROUPS + QUOTA) * nk + k];
                row[p * nk + k] = v;
                national += v;
            }
            row[np * nk + k] = national;
        }
        if run % TILE == TILE - 1 || run == runs - 1 {
            let first = run - run % TILE;
            for (i, column) in values.chunks_exact_mut(runs).enumerate() {
                for (t, v) in column[first..=run].iter_mut().enumerate() {
                    *v = tile[t * rows + i];
                }
            }
        }
    }

    let percents = &stochastic.percentiles;
    let series = |values: &mut [f64]| -> Vec<PercentileYear> {
        values
            .chunks_exact_mut(runs)
            .zip(&prep.years)
            .map(|(v, &year)| PercentileYear { year, values: percentiles_by_selection(v, percents) })
            .collect()
    };
    let (by_prefecture, national) = values.split_at_mut(np * nk * runs);
    let prefectures = input
        .prefectures
        .iter()
        .zip(&prep.prefectures)
        .zip(by_prefecture.chunks_exact_mut(nk * runs))
        .map(|((input_p, pref), values)| {
            let years = series(values);
            let secondary = input_p
                .secondary
                .iter()
                .zip(&pref.shares)
                .map(|(a, &share)| StochasticArea {
                    code: a.code.clone(),
                    share,
                    years: years
                        .iter()
                        .map(|py| PercentileYear {
                            year: py.year,
                            values: py.values.iter().map(|v| v * share).collect(),
                        })
                        .collect(),
                })
                .collect();
            StochasticPrefecture { code: input_p.code.clone(), years, secondary }
        })
        .collect();
    Ok(StochasticProjection {
        seed: stochastic.seed,
        runs,
        percentiles: percents.clone(),
        base_year: prep.base_year,
        windows: prep.windows.clone(),
        prefectures,
        national: series(national),
    })
}

/// The percentiles (in percent, ascending) of `values` by linear interpolation between order
/// statistics — the definition of [`crate::designation::quantile_inc`] — found by selection rather than
/// a full sort. Reorders `values`.
fn percentiles_by_selection(values: &mut [f64], percents: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut out = Vec::with_capacity(percents.len());
    // Everything before `settled` is placed and no greater than anything after it.
    let mut settled = 0;
    let mut last: Option<(usize, f64)> = None;
    for &p in percents {
        let h = (n - 1) as f64 * p / 100.0;
        // (n−1)·p/100 must land on an order statistic when it is an integer in exact arithmetic.
        let h = if (h - h.round()).abs() < 1e-9 { h.round() } else { h };
        let lo = (h.floor() as usize).min(n - 1);
        let frac = h - lo as f64;
        let at_lo = match last {
            Some((i, v)) if i == lo => v,
            _ => {
                let (_, v, _) = values[settled..].select_nth_unstable_by(lo - settled, f64::total_cmp);
                let v = *v;
                settled = lo + 1;
                last = Some((lo, v));
                v
            }
        };
        let value = if frac > 0.0 && lo + 1 < n {
            let above = values[lo + 1..].iter().copied().fold(f64::INFINITY, f64::min);
            at_lo + frac * (above - at_lo)
        } else {
            at_lo
        };
        out.push(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::designation::quantile_inc;

    /// X1: every number of the supply edition carries a source, and the edition loads.
    #[test]
    fn x1_supply_edition_values_all_carry_a_source() {
        let problems = ishi_sourced::unsourced_numbers(SUPPLY_EDITION_FILE).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
        let rules = SupplyRules::builtin();
        assert_eq!(rules.survey_interval_years.value, 2);
        assert_eq!(rules.yearly_share_of_change.value.fraction(), 0.5);
        assert!(!rules.decisions.is_empty());
    }

    #[test]
    fn x1_a_supply_value_without_source_does_not_load() {
        let text = SUPPLY_EDITION_FILE
            .replace("interval_years = { value = 2, source = ", "interval_years = { value = 2, sauce = ");
        assert!(SupplyRules::from_toml(&text).is_err());
        let empty = SUPPLY_EDITION_FILE.replacen("source = \"seeds/000 ※2: 「三師", "source = \" \", x = \"", 1);
        assert!(matches!(SupplyRules::from_toml(&empty), Err(SupplyError::BadEdition(_))));
    }

    #[test]
    fn p5_3_inverse_normal_matches_known_quantiles() {
        // Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.05) = −1.644854, Φ⁻¹(0.001) = −3.090232 (standard tables).
        assert!((inverse_normal(0.975) - 1.959_964).abs() < 1e-6);
        assert!((inverse_normal(0.05) + 1.644_854).abs() < 1e-6);
        assert!((inverse_normal(0.001) + 3.090_232).abs() < 1e-6);
        assert_eq!(inverse_normal(0.5), 0.0);
    }

    #[test]
    fn p5_3_normal_table_draws_have_mean_zero_and_unit_spread() {
        let table = NormalTable::new();
        let mut rng = SplitMix64::new(7);
        let mut z = vec![0.0; 200_000];
        table.fill(&mut rng, &mut z);
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / z.len() as f64;
        // Standard error of the mean √(1/200000) ≈ 0.0022; the cut tails lower the variance a little.
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }

    #[test]
    fn p5_3_percentiles_by_selection_equal_the_sorted_definition() {
        let mut rng = SplitMix64::new(3);
        for n in [1usize, 2, 3, 10, 101, 1000] {
            let values: Vec<f64> = (0..n).map(|_| rng.range(0.0, 100.0).round()).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let percents = [0.0, 5.0, 25.0, 50.0, 75.0, 95.0, 100.0];
            let got = percentiles_by_selection(&mut values.clone(), &percents);
            for (p, g) in percents.iter().zip(&got) {
                assert_eq!(*g, quantile_inc(&sorted, p / 100.0), "n {n} p {p}");
            }
        }
    }

    /// The fast totals are the totals of ageing one year at a time, for any length, horizon and intake,
    /// with factors of 0 (a 100% exit) among them.
    #[test]
    fn p5_3_fast_totals_equal_ageing_one_year_at_a_time() {
        let mut rng = SplitMix64::new(11);
        for n in 1..40 {
            for years in [1, 3, n, n + 5] {
                let base: Vec<f64> = (0..n).map(|_| rng.range(0.0, 100.0)).collect();
                let factors: Vec<f64> =
                    (0..n).map(|_| if rng.below(10) == 0 { 0.0 } else { rng.range(0.8, 1.2) }).collect();
                let intake = rng.range(0.0, 50.0);
                let mut totals = vec![0.0; years];
                let mut paths = Paths::new(n, years);
                let (counts, moves) = paths.load(&base, years);
                moves[..n - 1].copy_from_slice(&factors[..n - 1]);
                add_yearly_totals(counts, moves, intake, &mut totals);
                let (mut cur, mut next) = (base.clone(), vec![0.0; n]);
                for (k, total) in totals.iter().enumerate() {
                    age_one_year(&cur, &factors, intake, &mut next);
                    std::mem::swap(&mut cur, &mut next);
                    let expect: f64 = cur.iter().sum();
                    assert!((total - expect).abs() <= 1e-9 * expect.max(1.0), "n {n} year {k}: {total} vs {expect}");
                }
            }
        }
    }
}
