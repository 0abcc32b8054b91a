//! Raw mode (SPEC P2.1–P2.6, P2.7 a): the index from physicians, population, national rates, hours
//! and flow coefficients.
//!
//! The pipeline is [`tally`] (records → weights by area × sex × age band × facility × specialty, with
//! the P2.6 split) and then [`compute`] (standardized physicians, expected rates, ratios, index at
//! both levels and for the nation). Areas are referred to by [`AreaId`], their position in
//! [`AreaSet::secondary`]; the edges resolve codes to ids once.

use crate::area::{SecondaryArea, TertiaryArea};
use crate::edition::RuleEdition;
use crate::error::PlanError;

/// 性別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male = 0,
    Female = 1,
}

pub const SEXES: [Sex; 2] = [Sex::Male, Sex::Female];

/// Physicians' age bands for working hours (P2.2): 20代 (and younger), 30代, 40代, 50代, 60代, 70歳以上.
pub const PHYSICIAN_AGE_BANDS: usize = 6;

/// The P2.2 age band (0 = 20s … 5 = 70+) of a physician's age.
pub fn physician_age_band(age: u8) -> usize {
    (age.clamp(20, 70) as usize - 20) / 10
}

/// Population in 5-year bands 0–4, 5–9, …, 85–89 and 90+ (P2.3). Older bands fold into 90+.
pub const POPULATION_BANDS: usize = 19;

/// The 5-year band index of an age (0 for 0–4, …, 18 for 90 and over).
pub fn population_band(age_from: u16) -> usize {
    (age_from as usize / 5).min(POPULATION_BANDS - 1)
}

/// Where a physician works (P2.4): hospitals and 有床診療所 serve inpatient demand; 無床診療所 outpatient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facility {
    /// 病院.
    Hospital = 0,
    /// 有床診療所.
    ClinicWithBeds = 1,
    /// 無床診療所.
    ClinicWithoutBeds = 2,
}

pub const FACILITIES: usize = 3;

/// The specialty as the P2.9 variants need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Specialty {
    Other = 0,
    /// 分娩取扱医師.
    Obstetrics = 1,
    /// 小児科.
    Pediatrics = 2,
}

pub const SPECIALTIES: usize = 3;

/// Position of a secondary area in [`AreaSet::secondary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaId(pub u32);

/// The areas of a raw computation and the partition of secondary into tertiary areas (P1.1).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSet {
    pub secondary: Vec<SecondaryArea>,
    pub tertiary: Vec<TertiaryArea>,
    /// For each secondary area, the position of its tertiary area in `tertiary`.
    tertiary_of: Vec<usize>,
}

impl AreaSet {
    /// Checks that every secondary area names a known tertiary area and codes are unique.
    pub fn new(secondary: Vec<SecondaryArea>, tertiary: Vec<TertiaryArea>) -> Result<Self, PlanError> {
        let mut tertiary_of = Vec::with_capacity(secondary.len());
        let mut codes = std::collections::HashSet::new();
        for t in &tertiary {
            if !codes.insert(t.code.clone()) {
                return Err(PlanError::DuplicateArea { code: t.code.to_string() });
            }
        }
        let mut codes = std::collections::HashSet::new();
        for s in &secondary {
            if !codes.insert(s.code.clone()) {
                return Err(PlanError::DuplicateArea { code: s.code.to_string() });
            }
            let t = tertiary.iter().position(|t| t.code == s.tertiary).ok_or_else(|| PlanError::BadArea {
                code: s.code.to_string(),
                problem: format!("tertiary area {} is not in the list of tertiary areas", s.tertiary),
            })?;
            tertiary_of.push(t);
        }
        if secondary.is_empty() {
            return Err(PlanError::NoAreas);
        }
        Ok(Self { secondary, tertiary, tertiary_of })
    }

    pub fn tertiary_of(&self, area: AreaId) -> usize {
        self.tertiary_of[area.0 as usize]
    }
}

/// One physician (P2.2, P2.6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhysicianRecord {
    /// 主たる従事先.
    pub main: AreaId,
    /// 従たる従事先, when there is one.
    pub secondary: Option<AreaId>,
    pub sex: Sex,
    pub age: u8,
    pub facility: Facility,
    pub specialty: Specialty,
}

/// Physician weights by area × sex × age band × facility × specialty, at both levels.
#[derive(Debug, Clone, PartialEq)]
pub struct PhysicianTally {
    secondary: Vec<f64>,
    tertiary: Vec<f64>,
}

const CELLS: usize = 2 * PHYSICIAN_AGE_BANDS * FACILITIES * SPECIALTIES;

fn cell(sex: Sex, band: usize, facility: Facility, specialty: Specialty) -> usize {
    ((sex as usize * PHYSICIAN_AGE_BANDS + band) * FACILITIES + facility as usize) * SPECIALTIES + specialty as usize
}

impl PhysicianTally {
    pub fn new(areas: &AreaSet) -> Self {
        Self { secondary: vec![0.0; areas.secondary.len() * CELLS], tertiary: vec![0.0; areas.tertiary.len() * CELLS] }
    }

    /// Adds counts already attributed to one area (counts input): no P2.6 split is applied.
    #[allow(clippy::too_many_arguments)] // one argument per dimension of the tally
    pub fn add_count(
        &mut self,
        areas: &AreaSet,
        area: AreaId,
        sex: Sex,
        band: usize,
        facility: Facility,
        specialty: Specialty,
        count: f64,
    ) {
        let c = cell(sex, band, facility, specialty);
        self.secondary[area.0 as usize * CELLS + c] += count;
        self.tertiary[areas.tertiary_of(area) * CELLS + c] += count;
    }

    /// Weight in one secondary area's cell.
    fn secondary_cell(&self, area: usize, c: usize) -> f64 {
        self.secondary[area * CELLS + c]
    }
}

/// P2.2, P2.6: tallies individual records. A physician whose 従たる従事先 lies in another area counts
/// `1 − share` at the main and `share` at the secondary workplace (`share` = 0.2 in 第8次); at the
/// tertiary level the split applies only when the two workplaces are in different tertiary areas.
pub fn tally(areas: &AreaSet, records: &[PhysicianRecord], edition: &RuleEdition) -> PhysicianTally {
    let share = edition.index.secondary_workplace_share.value;
    let mut t = PhysicianTally::new(areas);
    for r in records {
        let c = cell(r.sex, physician_age_band(r.age), r.facility, r.specialty);
        let main = r.main.0 as usize;
        let main_t = areas.tertiary_of[main];
        match r.secondary {
            Some(other) if other != r.main && share > 0.0 => {
                let other = other.0 as usize;
                t.secondary[main * CELLS + c] += 1.0 - share;
                t.secondary[other * CELLS + c] += share;
                let other_t = areas.tertiary_of[other];
                if other_t != main_t {
                    t.tertiary[main_t * CELLS + c] += 1.0 - share;
                    t.tertiary[other_t * CELLS + c] += share;
                } else {
                    t.tertiary[main_t * CELLS + c] += 1.0;
                }
            }
            _ => {
                t.secondary[main * CELLS + c] += 1.0;
                t.tertiary[main_t * CELLS + c] += 1.0;
            }
        }
    }
    t
}

/// Population by sex × 5-year band for one area.
pub type Pyramid = [[f64; POPULATION_BANDS]; 2];

/// National rates by sex × 5-year band (P2.3, P2.4).
#[derive(Debug, Clone, PartialEq)]
pub struct NationalRates {
    /// 全国の入院受療率.
    pub inpatient: Pyramid,
    /// 全国の無床診療所外来受療率.
    pub clinic_outpatient: Pyramid,
    /// 無床診療所医療医師需要度 — weight of clinic outpatient demand (P2.4).
    pub clinic_demand_weight: f64,
}

/// Mean weekly working hours by sex × physician age band (P2.2).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingHours {
    pub by_band: [[f64; PHYSICIAN_AGE_BANDS]; 2],
    /// Mean hours of all physicians; when `None`, the headcount-weighted national mean of `by_band`.
    pub all_physicians: Option<f64>,
}

/// 流出入調整係数 of one area (P2.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowCoefficients {
    pub inpatient: f64,
    pub outpatient: f64,
}

impl Default for FlowCoefficients {
    fn default() -> Self {
        Self { inpatient: 1.0, outpatient: 1.0 }
    }
}

impl FlowCoefficients {
    /// P2.5: `(patients by residence + inflow − outflow) ÷ patients by residence`.
    pub fn coefficient(residence: f64, inflow: f64, outflow: f64) -> Option<f64> {
        (residence > 0.0).then(|| (residence + inflow - outflow) / residence)
    }
}

/// Optional per-area inputs of the P2.9 variants.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VariantInputs {
    /// 分娩件数 per secondary area.
    pub deliveries: Option<Vec<f64>>,
    /// 診療所の外来患者対応割合 per secondary area (0–1).
    pub clinic_outpatient_share: Option<Vec<f64>>,
}

/// Everything raw mode needs besides the physicians (P2.7 a).
#[derive(Debug, Clone, PartialEq)]
pub struct RawInputs {
    pub areas: AreaSet,
    /// By secondary area id.
    pub population: Vec<Pyramid>,
    pub rates: NationalRates,
    pub hours: WorkingHours,
    /// By secondary area id (default 1).
    pub flows: Vec<FlowCoefficients>,
    /// By tertiary position (default 1).
    pub tertiary_flows: Vec<FlowCoefficients>,
    pub variants: VariantInputs,
}

impl RawInputs {
    /// Inputs with no flows (all coefficients 1) and no variant data.
    pub fn new(areas: AreaSet, population: Vec<Pyramid>, rates: NationalRates, hours: WorkingHours) -> Self {
        let flows = vec![FlowCoefficients::default(); areas.secondary.len()];
        let tertiary_flows = vec![FlowCoefficients::default(); areas.tertiary.len()];
        Self { areas, population, rates, hours, flows, tertiary_flows, variants: VariantInputs::default() }
    }
}

/// One area's index and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaIndexParts {
    /// Headcount (after the P2.6 split).
    pub headcount: f64,
    /// 標準化医師数 (P2.2).
    pub std_physicians: f64,
    pub population: f64,
    /// 期待受療率 with the flow coefficients (P2.3–P2.5).
    pub expected_rate: f64,
    /// 標準化受療率比 (P2.3).
    pub std_utilization_ratio: f64,
    /// 医師偏在指標 (P2.1).
    pub index: f64,
}

/// The result of raw mode at both levels.
#[derive(Debug, Clone, PartialEq)]
pub struct RawIndexes {
    /// By secondary area id.
    pub secondary: Vec<AreaIndexParts>,
    /// By tertiary position.
    pub tertiary: Vec<AreaIndexParts>,
    /// 全国値: ratio 1 by definition.
    pub national: AreaIndexParts,
    /// The mean hours of all physicians used (P2.2).
    pub mean_hours: f64,
}

/// Standardization factors hours(sex, band) ÷ mean hours (P2.2).
fn hour_factors(
    tally: &PhysicianTally,
    n_areas: usize,
    hours: &WorkingHours,
) -> Result<([[f64; PHYSICIAN_AGE_BANDS]; 2], f64), PlanError> {
    let mut heads = [[0.0; PHYSICIAN_AGE_BANDS]; 2];
    for a in 0..n_areas {
        for s in SEXES {
            for b in 0..PHYSICIAN_AGE_BANDS {
                for f in [Facility::Hospital, Facility::ClinicWithBeds, Facility::ClinicWithoutBeds] {
                    for sp in [Specialty::Other, Specialty::Obstetrics, Specialty::Pediatrics] {
                        heads[s as usize][b] += tally.secondary_cell(a, cell(s, b, f, sp));
                    }
                }
            }
        }
    }
    for s in SEXES {
        for b in 0..PHYSICIAN_AGE_BANDS {
            let h = hours.by_band[s as usize][b];
            if heads[s as usize][b] > 0.0 && !(h > 0.0 && h.is_finite()) {
                return Err(PlanError::BadInput(format!(
                    "working hours for {:?} age band {} must be positive where there are physicians (got {h})",
                    s,
                    band_label(b)
                )));
            }
        }
    }
    let mean = match hours.all_physicians {
        Some(m) if m > 0.0 && m.is_finite() => m,
        Some(m) => {
            return Err(PlanError::BadInput(format!(
                "mean working hours of all physicians must be positive (got {m})"
            )));
        }
        None => {
            let (mut sum, mut n) = (0.0, 0.0);
            for s in 0..2 {
                for b in 0..PHYSICIAN_AGE_BANDS {
                    sum += heads[s][b] * hours.by_band[s][b];
                    n += heads[s][b];
                }
            }
            if n <= 0.0 {
                return Err(PlanError::BadInput("no physicians in the input".into()));
            }
            sum / n
        }
    };
    let mut factors = [[0.0; PHYSICIAN_AGE_BANDS]; 2];
    for s in 0..2 {
        for b in 0..PHYSICIAN_AGE_BANDS {
            factors[s][b] = hours.by_band[s][b] / mean;
        }
    }
    Ok((factors, mean))
}

/// `20代`, `30代`, … `70歳以上`.
pub fn band_label(band: usize) -> &'static str {
    ["20代", "30代", "40代", "50代", "60代", "70歳以上"][band.min(5)]
}

/// Which cells a scope counts.
pub(crate) fn in_scope(scope: crate::edition::PhysicianScope, facility: usize, specialty: usize) -> bool {
    use crate::edition::PhysicianScope::*;
    match scope {
        All => true,
        Clinic => facility != Facility::Hospital as usize,
        Obstetrics => specialty == Specialty::Obstetrics as usize,
        Pediatrics => specialty == Specialty::Pediatrics as usize,
    }
}

/// (headcount, standardized) of one area's block of cells, limited to a scope.
pub(crate) fn standardize(
    block: &[f64],
    factors: &[[f64; PHYSICIAN_AGE_BANDS]; 2],
    scope: crate::edition::PhysicianScope,
) -> (f64, f64) {
    let (mut heads, mut std) = (0.0, 0.0);
    for s in 0..2 {
        for b in 0..PHYSICIAN_AGE_BANDS {
            for f in 0..FACILITIES {
                for sp in 0..SPECIALTIES {
                    if in_scope(scope, f, sp) {
                        let w = block[((s * PHYSICIAN_AGE_BANDS + b) * FACILITIES + f) * SPECIALTIES + sp];
                        heads += w;
                        std += w * factors[s][b];
                    }
                }
            }
        }
    }
    (heads, std)
}

/// Demand terms of one pyramid (P2.3–P2.4): (Σ pop × w·outpatient, Σ pop × inpatient, Σ pop), optionally limited
/// to bands below `age_limit`.
pub fn demand_terms(p: &Pyramid, rates: &NationalRates, age_limit: Option<u8>) -> (f64, f64, f64) {
    let bands = age_limit.map_or(POPULATION_BANDS, |l| (l as usize).div_ceil(5).min(POPULATION_BANDS));
    let (mut out, mut inp, mut pop) = (0.0, 0.0, 0.0);
    for s in 0..2 {
        for b in 0..bands {
            let n = p[s][b];
            out += n * rates.clinic_demand_weight * rates.clinic_outpatient[s][b];
            inp += n * rates.inpatient[s][b];
            pop += n;
        }
    }
    (out, inp, pop)
}

/// Population summed over the nation and over each tertiary area (by tertiary position).
pub(crate) fn pyramid_totals(areas: &AreaSet, population: &[Pyramid]) -> (Pyramid, Vec<Pyramid>) {
    let mut national: Pyramid = [[0.0; POPULATION_BANDS]; 2];
    let mut tertiary: Vec<Pyramid> = vec![[[0.0; POPULATION_BANDS]; 2]; areas.tertiary.len()];
    for (a, p) in population.iter().enumerate() {
        let t = areas.tertiary_of[a];
        for s in 0..2 {
            for b in 0..POPULATION_BANDS {
                national[s][b] += p[s][b];
                tertiary[t][s][b] += p[s][b];
            }
        }
    }
    (national, tertiary)
}

/// P2.1–P2.5 at both levels and for the nation, from a tally.
pub fn compute(inputs: &RawInputs, tally: &PhysicianTally, edition: &RuleEdition) -> Result<RawIndexes, PlanError> {
    let areas = &inputs.areas;
    let n_sec = areas.secondary.len();
    let n_ter = areas.tertiary.len();
    if inputs.population.len() != n_sec || inputs.flows.len() != n_sec || inputs.tertiary_flows.len() != n_ter {
        return Err(PlanError::BadInput("population and flows must be given for every area".into()));
    }
    let per = edition.index.per_population.value;
    let (factors, mean_hours) = hour_factors(tally, n_sec, &inputs.hours)?;

    for (a, p) in inputs.population.iter().enumerate() {
        if let Some(bad) = p.iter().flatten().find(|v| !(**v >= 0.0 && v.is_finite())) {
            return Err(PlanError::BadArea {
                code: areas.secondary[a].code.to_string(),
                problem: format!("population must be a non-negative number (got {bad})"),
            });
        }
    }
    // National expected rate (P2.3) uses no flows: flows move demand between areas, not in total.
    let (national_pyramid, tertiary_pyramids) = pyramid_totals(areas, &inputs.population);
    let (n_out, n_in, n_pop) = demand_terms(&national_pyramid, &inputs.rates, None);
    if !(n_pop > 0.0) || !(n_out + n_in > 0.0) {
        return Err(PlanError::BadInput("national population and demand must be positive".into()));
    }
    let national_rate = (n_out + n_in) / n_pop;

    let parts = |code: &str, block: &[f64], p: &Pyramid, flow: FlowCoefficients| -> Result<AreaIndexParts, PlanError> {
        let (heads, std) = standardize(block, &factors, crate::edition::PhysicianScope::All);
        let (out, inp, pop) = demand_terms(p, &inputs.rates, None);
        if !(pop > 0.0) {
            return Err(PlanError::BadArea { code: code.into(), problem: "population is zero".into() });
        }
        let expected_rate = (out * flow.outpatient + inp * flow.inpatient) / pop;
        let ratio = expected_rate / national_rate;
        let index = std / (pop / per * ratio);
        if !index.is_finite() {
            return Err(PlanError::BadArea {
                code: code.into(),
                problem: format!("index is not finite (ratio {ratio})"),
            });
        }
        Ok(AreaIndexParts {
            headcount: heads,
            std_physicians: std,
            population: pop,
            expected_rate,
            std_utilization_ratio: ratio,
            index,
        })
    };

    let secondary = (0..n_sec)
        .map(|a| {
            parts(
                areas.secondary[a].code.as_str(),
                &tally.secondary[a * CELLS..(a + 1) * CELLS],
                &inputs.population[a],
                inputs.flows[a],
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tertiary = (0..n_ter)
        .map(|t| {
            parts(
                areas.tertiary[t].code.as_str(),
                &tally.tertiary[t * CELLS..(t + 1) * CELLS],
                &tertiary_pyramids[t],
                inputs.tertiary_flows[t],
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    let (mut heads, mut std) = (0.0, 0.0);
    for a in &secondary {
        heads += a.headcount;
        std += a.std_physicians;
    }
    let national = AreaIndexParts {
        headcount: heads,
        std_physicians: std,
        population: n_pop,
        expected_rate: national_rate,
        std_utilization_ratio: 1.0,
        index: std / (n_pop / per),
    };
    Ok(RawIndexes { secondary, tertiary, national, mean_hours })
}

impl PhysicianTally {
    pub(crate) fn secondary_block(&self, area: usize) -> &[f64] {
        &self.secondary[area * CELLS..(area + 1) * CELLS]
    }
    pub(crate) fn tertiary_block(&self, t: usize) -> &[f64] {
        &self.tertiary[t * CELLS..(t + 1) * CELLS]
    }
}

/// The P2.2 standardization factors for a tally, exposed for the variants.
pub(crate) fn factors_for(
    inputs: &RawInputs,
    tally: &PhysicianTally,
) -> Result<[[f64; PHYSICIAN_AGE_BANDS]; 2], PlanError> {
    hour_factors(tally, inputs.areas.secondary.len(), &inputs.hours).map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::AreaCode;

    fn two_areas() -> AreaSet {
        let t = |c: &str| TertiaryArea { code: AreaCode::new(c), name: c.into() };
        let s = |c: &str, t: &str| SecondaryArea { code: AreaCode::new(c), name: c.into(), tertiary: AreaCode::new(t) };
        AreaSet::new(vec![s("0101", "01"), s("0102", "01"), s("0201", "02")], vec![t("01"), t("02")]).unwrap()
    }

    fn flat(value: f64) -> Pyramid {
        [[value; POPULATION_BANDS]; 2]
    }

    fn simple_inputs(areas: AreaSet) -> RawInputs {
        let n = areas.secondary.len();
        let rates = NationalRates { inpatient: flat(0.01), clinic_outpatient: flat(0.02), clinic_demand_weight: 0.5 };
        let hours = WorkingHours { by_band: [[50.0; 6], [40.0; 6]], all_physicians: None };
        RawInputs::new(areas, vec![flat(1000.0); n], rates, hours)
    }

    fn record(main: u32, secondary: Option<u32>, sex: Sex) -> PhysicianRecord {
        PhysicianRecord {
            main: AreaId(main),
            secondary: secondary.map(AreaId),
            sex,
            age: 45,
            facility: Facility::Hospital,
            specialty: Specialty::Other,
        }
    }

    #[test]
    fn p2_2_std_physicians_weight_by_hours_hand_computed() {
        // 1 man (50 h) + 1 woman (40 h) in 0101; mean = 45 → 50/45 + 40/45 = 2.
        // 3 men in 0102 → mean over all 5 = (4·50 + 40)/5 = 48; 0101: (50 + 40)/48 = 1.875.
        let inputs = simple_inputs(two_areas());
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![
            record(0, None, Sex::Male),
            record(0, None, Sex::Female),
            record(1, None, Sex::Male),
            record(1, None, Sex::Male),
            record(1, None, Sex::Male),
        ];
        let r = compute(&inputs, &tally(&inputs.areas, &recs, &e), &e).unwrap();
        assert_eq!(r.mean_hours, 48.0);
        assert!((r.secondary[0].std_physicians - 1.875).abs() < 1e-12);
        assert!((r.secondary[1].std_physicians - 150.0 / 48.0).abs() < 1e-12);
        // Standardization preserves the national total when the mean is derived (P2.8).
        assert!((r.national.std_physicians - 5.0).abs() < 1e-12);
    }

    #[test]
    fn p2_6_secondary_workplace_split_0_8_0_2() {
        let inputs = simple_inputs(two_areas());
        let e = RuleEdition::builtin("2024").unwrap();
        // Main 0101, secondary 0102 (same tertiary 01); and main 0101, secondary 0201 (tertiary 02).
        let recs = vec![record(0, Some(1), Sex::Male), record(0, Some(2), Sex::Male)];
        let r = compute(&inputs, &tally(&inputs.areas, &recs, &e), &e).unwrap();
        assert!((r.secondary[0].headcount - 1.6).abs() < 1e-12);
        assert!((r.secondary[1].headcount - 0.2).abs() < 1e-12);
        assert!((r.secondary[2].headcount - 0.2).abs() < 1e-12);
        // Tertiary: the 0101/0102 physician stays whole in 01; the other splits 0.8/0.2.
        assert!((r.tertiary[0].headcount - 1.8).abs() < 1e-12);
        assert!((r.tertiary[1].headcount - 0.2).abs() < 1e-12);
        // 2019 edition: no split.
        let e19 = RuleEdition::builtin("2019").unwrap();
        let r = compute(&inputs, &tally(&inputs.areas, &recs, &e19), &e19).unwrap();
        assert_eq!(r.secondary[0].headcount, 2.0);
        assert_eq!(r.tertiary[1].headcount, 0.0);
    }

    #[test]
    fn p2_3_p2_4_ratio_uses_national_rates_hand_computed() {
        // Two areas, one band populated each: A has 1000 people aged 0–4 (rates in 0.01, out 0.02),
        // B has 1000 aged 90+ (in 0.05, out 0.02). w = 0.5.
        // Demand per person: A = 0.5·0.02 + 0.01 = 0.02; B = 0.5·0.02 + 0.05 = 0.06.
        // National rate = (20 + 60)/2000 = 0.04 → ratios 0.5 and 1.5.
        let t = TertiaryArea { code: AreaCode::new("01"), name: "x".into() };
        let s = |c: &str| SecondaryArea { code: AreaCode::new(c), name: c.into(), tertiary: AreaCode::new("01") };
        let areas = AreaSet::new(vec![s("0101"), s("0102")], vec![t]).unwrap();
        let mut inpatient = flat(0.01);
        inpatient[0][18] = 0.05;
        let rates = NationalRates { inpatient, clinic_outpatient: flat(0.02), clinic_demand_weight: 0.5 };
        let mut pa = flat(0.0);
        pa[0][0] = 1000.0;
        let mut pb = flat(0.0);
        pb[0][18] = 1000.0;
        let hours = WorkingHours { by_band: [[45.0; 6]; 2], all_physicians: None };
        let inputs = RawInputs::new(areas, vec![pa, pb], rates, hours);
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![record(0, None, Sex::Male), record(1, None, Sex::Male)];
        let r = compute(&inputs, &tally(&inputs.areas, &recs, &e), &e).unwrap();
        assert!((r.secondary[0].std_utilization_ratio - 0.5).abs() < 1e-12);
        assert!((r.secondary[1].std_utilization_ratio - 1.5).abs() < 1e-12);
        // Index A = 1 / (1000/1e5 × 0.5) = 200; B = 1 / (0.01 × 1.5) = 66.67.
        assert!((r.secondary[0].index - 200.0).abs() < 1e-9);
        assert!((r.secondary[1].index - 200.0 / 3.0).abs() < 1e-9);
        // National = 2 / (2000/1e5) = 100.
        assert!((r.national.index - 100.0).abs() < 1e-9);
    }

    #[test]
    fn p2_5_flow_coefficients_scale_each_demand_term() {
        assert_eq!(FlowCoefficients::coefficient(100.0, 30.0, 10.0), Some(1.2));
        assert_eq!(FlowCoefficients::coefficient(0.0, 30.0, 10.0), None);
        let mut inputs = simple_inputs(two_areas());
        inputs.flows[0] = FlowCoefficients { inpatient: 1.5, outpatient: 1.0 };
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![record(0, None, Sex::Male), record(1, None, Sex::Male), record(2, None, Sex::Male)];
        let r = compute(&inputs, &tally(&inputs.areas, &recs, &e), &e).unwrap();
        // Per person: out term 0.5·0.02 = 0.01, in term 0.01 → national 0.02; area 0: 0.01 + 0.015.
        assert!((r.secondary[0].std_utilization_ratio - 1.25).abs() < 1e-12);
        assert!((r.secondary[1].std_utilization_ratio - 1.0).abs() < 1e-12);
    }

    #[test]
    fn p2_2_bad_hours_and_population_are_refused() {
        let mut inputs = simple_inputs(two_areas());
        inputs.hours.by_band[0][2] = 0.0;
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![record(0, None, Sex::Male)];
        assert!(compute(&inputs, &tally(&inputs.areas, &recs, &e), &e).is_err());
        let mut inputs = simple_inputs(two_areas());
        inputs.population[1] = flat(0.0);
        assert!(matches!(compute(&inputs, &tally(&inputs.areas, &recs, &e), &e), Err(PlanError::BadArea { .. })));
    }

    #[test]
    fn p2_2_age_bands() {
        assert_eq!(physician_age_band(24), 0);
        assert_eq!(physician_age_band(39), 1);
        assert_eq!(physician_age_band(70), 5);
        assert_eq!(physician_age_band(95), 5);
        assert_eq!(population_band(0), 0);
        assert_eq!(population_band(85), 17);
        assert_eq!(population_band(100), 18);
    }
}
