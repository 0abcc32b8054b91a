//! SPEC P2.8: identities of raw mode, as property tests over SYNTHETIC nations (ishi-synth).

use ishi_plan::RuleEdition;
use ishi_plan::raw::{compute, tally};
use ishi_synth::{SynthConfig, generate};
use proptest::prelude::*;

fn config() -> impl Strategy<Value = SynthConfig> {
    (any::<u64>(), 1usize..8, 0usize..20, 1usize..3000, 0.0f64..0.5, any::<bool>()).prop_map(
        |(seed, tertiary, extra, physicians, rate, flows)| SynthConfig {
            seed,
            tertiary_areas: tertiary,
            secondary_areas: tertiary + extra,
            physicians,
            secondary_workplace_rate: rate,
            flows,
        },
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Σ over areas of population × ratio equals the national population (flows keep the total).
    #[test]
    fn p2_8_population_times_ratio_sums_to_national_population(cfg in config()) {
        let nation = generate(&cfg);
        for id in ["2019", "2024"] {
            let e = RuleEdition::builtin(id).unwrap();
            let r = compute(&nation.inputs, &tally(&nation.inputs.areas, &nation.records, &e), &e).unwrap();
            let sum: f64 = r.secondary.iter().map(|a| a.population * a.std_utilization_ratio).sum();
            prop_assert!(close(sum, r.national.population), "{sum} vs {}", r.national.population);
        }
    }

    /// With every band at the mean hours, standardized physicians equal headcount in every area.
    #[test]
    fn p2_8_mean_hours_everywhere_gives_headcount(cfg in config(), hours in 20.0f64..80.0) {
        let mut nation = generate(&cfg);
        nation.inputs.hours.by_band = [[hours; 6]; 2];
        let e = RuleEdition::builtin("2024").unwrap();
        let r = compute(&nation.inputs, &tally(&nation.inputs.areas, &nation.records, &e), &e).unwrap();
        for a in r.secondary.iter().chain(&r.tertiary) {
            prop_assert!(close(a.std_physicians, a.headcount));
        }
        prop_assert!(close(r.national.headcount, cfg.physicians as f64));
    }

    /// The national index equals national standardized physicians per 100,000 population, and
    /// the P2.6 split never creates or loses a physician.
    #[test]
    fn p2_8_national_index_is_std_physicians_per_100k(cfg in config()) {
        let nation = generate(&cfg);
        let e = RuleEdition::builtin("2024").unwrap();
        let r = compute(&nation.inputs, &tally(&nation.inputs.areas, &nation.records, &e), &e).unwrap();
        prop_assert!(close(r.national.index, r.national.std_physicians / (r.national.population / 100_000.0)));
        let tertiary_heads: f64 = r.tertiary.iter().map(|a| a.headcount).sum();
        prop_assert!(close(tertiary_heads, cfg.physicians as f64));
        prop_assert!(close(r.national.headcount, cfg.physicians as f64));
    }

    /// More physicians in an area never lowers its index (monotonicity).
    #[test]
    fn p2_1_adding_a_physician_never_lowers_the_index(cfg in config()) {
        let mut nation = generate(&cfg);
        nation.inputs.hours.all_physicians = Some(50.0);
        let e = RuleEdition::builtin("2024").unwrap();
        let before = compute(&nation.inputs, &tally(&nation.inputs.areas, &nation.records, &e), &e).unwrap();
        let mut extra = nation.records.first().copied().unwrap();
        extra.secondary = None;
        nation.records.push(extra);
        let after = compute(&nation.inputs, &tally(&nation.inputs.areas, &nation.records, &e), &e).unwrap();
        let a = extra.main.0 as usize;
        prop_assert!(after.secondary[a].index > before.secondary[a].index);
    }
}
