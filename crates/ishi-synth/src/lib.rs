//! # ishi-synth — SYNTHETIC inputs for tests and benchmarks
//!
//! **Everything this crate makes is synthetic.** Areas are named `合成…` ("synthetic") so that no
//! generated figure can be mistaken for a published one. It exists to exercise the raw-mode pipeline
//! (SPEC P2) at national scale — 330 二次医療圏 in 47 三次医療圏 and 340,000 physicians by default —
//! and to feed the P2.8 property tests. [`renewal`] generates a synthetic membership of plastic-surgery
//! specialists due for renewal, with their ledgers (SPEC R1–R7), in the public CSV interchange format.
//!
//! Deterministic: the same [`SynthConfig`] (seed included) gives the same nation on every machine,
//! because the generator is a fixed SplitMix64 stream rather than a library RNG whose algorithm may
//! change between versions.
//!
//! ```
//! let nation = ishi_synth::generate(&ishi_synth::SynthConfig { physicians: 1_000, ..Default::default() });
//! assert_eq!(nation.inputs.areas.secondary.len(), 330);
//! assert_eq!(nation.records.len(), 1_000);
//! assert!(nation.inputs.areas.secondary[0].name.starts_with("合成"));
//! ```

pub mod renewal;
pub mod supply;

use ishi_plan::area::{AreaCode, SecondaryArea, TertiaryArea};
use ishi_plan::raw::{
    AreaId, AreaSet, Facility, FlowCoefficients, NationalRates, POPULATION_BANDS, PhysicianRecord, Pyramid, RawInputs,
    Sex, Specialty, WorkingHours, demand_terms,
};

/// The label every synthetic output carries.
pub const SYNTHETIC_LABEL: &str = "合成データ（SYNTHETIC — not real figures）";

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    pub seed: u64,
    pub tertiary_areas: usize,
    pub secondary_areas: usize,
    pub physicians: usize,
    /// Share of physicians with a 従たる従事先 in another area (P2.6).
    pub secondary_workplace_rate: f64,
    /// Generate patient flows between areas (P2.5) that keep national demand unchanged.
    pub flows: bool,
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            seed: 2024,
            tertiary_areas: 47,
            secondary_areas: 330,
            physicians: 340_000,
            secondary_workplace_rate: 0.1,
            flows: true,
        }
    }
}

/// A generated nation: raw inputs and individual physician records.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticNation {
    pub inputs: RawInputs,
    pub records: Vec<PhysicianRecord>,
    /// Deliveries per area (P2.9 産科), synthetic.
    pub deliveries: Vec<f64>,
    /// Clinic share of outpatient visits per area (P2.9 外来), synthetic.
    pub clinic_outpatient_share: Vec<f64>,
}

/// The generator lives in the domain crate, where the stochastic supply projection (P5.3) draws from it.
pub use ishi_plan::random::SplitMix64;

/// Generates a synthetic nation. Panics only on a config with zero areas.
pub fn generate(cfg: &SynthConfig) -> SyntheticNation {
    assert!(cfg.tertiary_areas > 0 && cfg.secondary_areas >= cfg.tertiary_areas);
    let mut rng = SplitMix64::new(cfg.seed);
    let tertiary: Vec<TertiaryArea> = (0..cfg.tertiary_areas)
        .map(|t| TertiaryArea { code: AreaCode::new(format!("{:02}", t + 1)), name: format!("合成県{:02}", t + 1) })
        .collect();
    // Every tertiary area gets at least one secondary area; the rest are spread at random.
    let mut owner: Vec<usize> = (0..cfg.tertiary_areas).collect();
    owner.extend((cfg.tertiary_areas..cfg.secondary_areas).map(|_| rng.below(cfg.tertiary_areas)));
    owner.sort_unstable();
    let mut seq = vec![0usize; cfg.tertiary_areas];
    let secondary: Vec<SecondaryArea> = owner
        .iter()
        .map(|&t| {
            seq[t] += 1;
            SecondaryArea {
                code: AreaCode::new(format!("{}{:02}", tertiary[t].code, seq[t])),
                name: format!("合成圏{}{:02}", tertiary[t].code, seq[t]),
                tertiary: tertiary[t].code.clone(),
            }
        })
        .collect();
    let areas = AreaSet::new(secondary, tertiary).expect("generated areas are consistent");
    let n = areas.secondary.len();

    // Population: sizes spread over two orders of magnitude, each with its own age structure.
    let population: Vec<Pyramid> = (0..n)
        .map(|_| {
            let size = 10f64.powf(rng.range(4.3, 6.3));
            let ageing = rng.range(-0.4, 0.6);
            let mut p: Pyramid = [[0.0; POPULATION_BANDS]; 2];
            let mut weights = [0.0; POPULATION_BANDS];
            for (b, w) in weights.iter_mut().enumerate() {
                let x = b as f64 / (POPULATION_BANDS - 1) as f64;
                *w = (1.0 + ageing * (x - 0.4)).max(0.05) * if b >= 17 { 0.4 } else { 1.0 };
            }
            let total: f64 = weights.iter().sum::<f64>() * 2.0;
            for sex in p.iter_mut() {
                for (cell, w) in sex.iter_mut().zip(&weights) {
                    *cell = (size * w / total * rng.range(0.9, 1.1)).round();
                }
            }
            p
        })
        .collect();

    // National rates rise with age (per person per day, order of magnitude of 患者調査).
    let mut inpatient: Pyramid = [[0.0; POPULATION_BANDS]; 2];
    let mut clinic_outpatient: Pyramid = [[0.0; POPULATION_BANDS]; 2];
    for s in 0..2 {
        for b in 0..POPULATION_BANDS {
            let x = b as f64 / (POPULATION_BANDS - 1) as f64;
            inpatient[s][b] = 0.001 + 0.08 * x.powi(3) * if s == 0 { 1.1 } else { 1.0 };
            clinic_outpatient[s][b] = 0.03 + 0.09 * x.powi(2) * if s == 0 { 0.9 } else { 1.0 };
        }
    }
    let rates = NationalRates { inpatient, clinic_outpatient, clinic_demand_weight: 0.61 };
    let hours = WorkingHours {
        by_band: [[62.0, 60.0, 56.0, 52.0, 45.0, 35.0], [54.0, 48.0, 47.0, 46.0, 40.0, 30.0]],
        all_physicians: None,
    };
    let mut inputs = RawInputs::new(areas, population, rates, hours);

    if cfg.flows {
        // P2.5: move a share of each area's demand to neighbours of the same tertiary area, recording
        // in- and outflows so that coefficients keep the national total (P2.8).
        let demand: Vec<(f64, f64)> = inputs
            .population
            .iter()
            .map(|p| {
                let (out, inp, _) = demand_terms(p, &inputs.rates, None);
                (out, inp)
            })
            .collect();
        let (mut flow_in, mut flow_out) = (vec![(0.0, 0.0); n], vec![(0.0, 0.0); n]);
        for a in 0..n {
            let b = rng.below(n);
            if b == a {
                continue;
            }
            let (mo, mi) = (demand[a].0 * rng.range(0.0, 0.15), demand[a].1 * rng.range(0.0, 0.3));
            flow_out[a].0 += mo;
            flow_out[a].1 += mi;
            flow_in[b].0 += mo;
            flow_in[b].1 += mi;
        }
        for a in 0..n {
            inputs.flows[a] = FlowCoefficients {
                outpatient: FlowCoefficients::coefficient(demand[a].0, flow_in[a].0, flow_out[a].0).unwrap_or(1.0),
                inpatient: FlowCoefficients::coefficient(demand[a].1, flow_in[a].1, flow_out[a].1).unwrap_or(1.0),
            };
        }
    }

    // Physicians: drawn in proportion to population with a per-area attractiveness.
    let weight: Vec<f64> =
        inputs.population.iter().map(|p| p.iter().flatten().sum::<f64>() * rng.range(0.5, 1.8)).collect();
    let total: f64 = weight.iter().sum();
    let mut cumulative = Vec::with_capacity(n);
    let mut acc = 0.0;
    for w in &weight {
        acc += w / total;
        cumulative.push(acc);
    }
    let records = (0..cfg.physicians)
        .map(|_| {
            let u = rng.unit();
            let main = cumulative.partition_point(|c| *c < u).min(n - 1);
            let secondary = (rng.unit() < cfg.secondary_workplace_rate).then(|| AreaId(rng.below(n) as u32));
            let sex = if rng.unit() < 0.23 { Sex::Female } else { Sex::Male };
            let age = (25.0 + rng.unit().powf(1.3) * 55.0) as u8;
            let facility = match rng.unit() {
                u if u < 0.66 => Facility::Hospital,
                u if u < 0.70 => Facility::ClinicWithBeds,
                _ => Facility::ClinicWithoutBeds,
            };
            let specialty = match rng.unit() {
                u if u < 0.04 => Specialty::Obstetrics,
                u if u < 0.10 => Specialty::Pediatrics,
                _ => Specialty::Other,
            };
            PhysicianRecord { main: AreaId(main as u32), secondary, sex, age, facility, specialty }
        })
        .collect();
    let deliveries = inputs
        .population
        .iter()
        .map(|p| (p.iter().flatten().sum::<f64>() * rng.range(0.005, 0.008)).round().max(1.0))
        .collect();
    let clinic_outpatient_share = (0..n).map(|_| rng.range(0.6, 0.9)).collect();
    SyntheticNation { inputs, records, deliveries, clinic_outpatient_share }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_labelled() {
        let cfg = SynthConfig { physicians: 500, ..Default::default() };
        assert_eq!(generate(&cfg), generate(&cfg));
        let nation = generate(&cfg);
        assert!(nation.inputs.areas.secondary.iter().all(|a| a.name.starts_with("合成")));
        assert!(nation.inputs.areas.tertiary.iter().all(|a| a.name.starts_with("合成")));
        assert_eq!(nation.inputs.areas.tertiary.len(), 47);
    }
}
