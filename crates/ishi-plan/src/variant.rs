//! Variants of the index on the same machinery (SPEC P2.9): 外来医師偏在指標, 分娩取扱医師偏在指標
//! (産科) and 小児科医師偏在指標. Which physicians count, the denominator and the tail designated all
//! come from the edition's [`VariantRule`]; these formulas follow published summaries, so each
//! denominator is a configurable part of the edition.

use crate::edition::{DenominatorKind, RuleEdition, VariantRule};
use crate::error::PlanError;
use crate::raw::{
    FlowCoefficients, PhysicianTally, Pyramid, RawInputs, demand_terms, factors_for, pyramid_totals, standardize,
};

/// One area's variant index.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantArea {
    pub std_physicians: f64,
    /// The denominator as the rule defines it (e.g. deliveries/1000).
    pub denominator: f64,
    pub index: f64,
}

/// A variant at both levels and for the nation.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantIndexes {
    pub rule: VariantRule,
    pub secondary: Vec<VariantArea>,
    pub tertiary: Vec<VariantArea>,
    pub national: VariantArea,
}

/// Which variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantKind {
    Outpatient,
    Obstetrics,
    Pediatrics,
}

impl VariantKind {
    pub fn rule(self, edition: &RuleEdition) -> &VariantRule {
        match self {
            VariantKind::Outpatient => &edition.variants.outpatient,
            VariantKind::Obstetrics => &edition.variants.obstetrics,
            VariantKind::Pediatrics => &edition.variants.pediatrics,
        }
    }
}

/// What one denominator needs of a group of secondary areas (an area, a tertiary area, the nation).
struct Group {
    members: Vec<usize>,
    pyramid: Pyramid,
    flow: Option<FlowCoefficients>,
}

/// P2.9: computes one variant.
pub fn compute_variant<'a>(
    inputs: &'a RawInputs,
    tally: &PhysicianTally,
    kind: VariantKind,
    edition: &RuleEdition,
) -> Result<VariantIndexes, PlanError> {
    let rule = kind.rule(edition).clone();
    let factors = factors_for(inputs, tally)?;
    let per = rule.per.value;
    let areas = &inputs.areas;
    let n_sec = areas.secondary.len();
    let missing = |what: &str| PlanError::BadInput(format!("{} needs {what} for every secondary area", rule.name));
    let required =
        |given: &'a Option<Vec<f64>>, needed: DenominatorKind, what: &str| -> Result<Option<&'a Vec<f64>>, PlanError> {
            if rule.denominator != needed {
                return Ok(None);
            }
            given.as_ref().filter(|d| d.len() == n_sec).map(Some).ok_or_else(|| missing(what))
        };
    let deliveries = required(&inputs.variants.deliveries, DenominatorKind::Deliveries, "deliveries (分娩件数)")?;
    let shares = required(
        &inputs.variants.clinic_outpatient_share,
        DenominatorKind::PopulationRatioShare,
        "the clinic share of outpatient visits (診療所の外来患者対応割合)",
    )?;
    let age_limit = rule.child_age_limit.as_ref().map(|l| l.value);

    // National reference rates (no flows).
    let (national_pyramid, tertiary_pyramids) = pyramid_totals(areas, &inputs.population);
    let (n_out, _, n_pop) = demand_terms(&national_pyramid, &inputs.rates, None);
    let (c_out, c_in, c_pop) = demand_terms(&national_pyramid, &inputs.rates, age_limit);

    let denominator = |g: &Group| -> f64 {
        let flow = g.flow.unwrap_or_default();
        match rule.denominator {
            DenominatorKind::Deliveries => g.members.iter().map(|&a| deliveries.unwrap()[a]).sum::<f64>() / per,
            DenominatorKind::PopulationRatioShare => {
                let (out, _, pop) = demand_terms(&g.pyramid, &inputs.rates, None);
                let ratio = (out * flow.outpatient / pop) / (n_out / n_pop);
                // Clinic share of a group: weighted by each member's outpatient demand.
                let (mut w, mut ws) = (0.0, 0.0);
                for &a in &g.members {
                    let (o, _, _) = demand_terms(&inputs.population[a], &inputs.rates, None);
                    w += o;
                    ws += o * shares.unwrap()[a];
                }
                pop / per * ratio * (ws / w)
            }
            DenominatorKind::ChildPopulationRatio => {
                let (out, inp, pop) = demand_terms(&g.pyramid, &inputs.rates, age_limit);
                let ratio = ((out * flow.outpatient + inp * flow.inpatient) / pop) / ((c_out + c_in) / c_pop);
                pop / per * ratio
            }
        }
    };
    let area = |code: &str, block: &[f64], g: &Group| -> Result<VariantArea, PlanError> {
        let (_, std) = standardize(block, &factors, rule.physicians);
        let d = denominator(g);
        let index = std / d;
        if !(d > 0.0) || !index.is_finite() {
            return Err(PlanError::BadArea {
                code: code.into(),
                problem: format!("{}: denominator is {d}", rule.name),
            });
        }
        Ok(VariantArea { std_physicians: std, denominator: d, index })
    };

    let secondary = (0..n_sec)
        .map(|a| {
            let g = Group { members: vec![a], pyramid: inputs.population[a], flow: Some(inputs.flows[a]) };
            area(areas.secondary[a].code.as_str(), tally.secondary_block(a), &g)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tertiary = (0..areas.tertiary.len())
        .map(|t| {
            let members: Vec<usize> =
                (0..n_sec).filter(|&a| areas.tertiary_of(crate::raw::AreaId(a as u32)) == t).collect();
            let g = Group { members, pyramid: tertiary_pyramids[t], flow: Some(inputs.tertiary_flows[t]) };
            area(areas.tertiary[t].code.as_str(), tally.tertiary_block(t), &g)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let national_group = Group { members: (0..n_sec).collect(), pyramid: national_pyramid, flow: None };
    let std: f64 = secondary.iter().map(|a| a.std_physicians).sum();
    let den = denominator(&national_group);
    let national = VariantArea { std_physicians: std, denominator: den, index: std / den };
    Ok(VariantIndexes { rule, secondary, tertiary, national })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::{AreaCode, SecondaryArea, TertiaryArea};
    use crate::designation::{AreaIndex, Designation, designate};
    use crate::raw::*;

    fn inputs(n: usize) -> RawInputs {
        let t = TertiaryArea { code: AreaCode::new("01"), name: "x".into() };
        let s: Vec<_> = (0..n)
            .map(|i| SecondaryArea {
                code: AreaCode::new(format!("01{i:02}")),
                name: format!("{i}"),
                tertiary: AreaCode::new("01"),
            })
            .collect();
        let areas = AreaSet::new(s, vec![t]).unwrap();
        let rates = NationalRates {
            inpatient: [[0.01; POPULATION_BANDS]; 2],
            clinic_outpatient: [[0.02; POPULATION_BANDS]; 2],
            clinic_demand_weight: 0.5,
        };
        let hours = WorkingHours { by_band: [[45.0; 6]; 2], all_physicians: None };
        RawInputs::new(areas, vec![[[1000.0; POPULATION_BANDS]; 2]; n], rates, hours)
    }

    fn doc(area: u32, facility: Facility, specialty: Specialty) -> PhysicianRecord {
        PhysicianRecord { main: AreaId(area), secondary: None, sex: Sex::Female, age: 35, facility, specialty }
    }

    #[test]
    fn p2_9_obstetrics_per_1000_deliveries_hand_computed() {
        let mut inp = inputs(2);
        inp.variants.deliveries = Some(vec![500.0, 2000.0]);
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![
            doc(0, Facility::Hospital, Specialty::Obstetrics),
            doc(0, Facility::Hospital, Specialty::Other),
            doc(1, Facility::Hospital, Specialty::Obstetrics),
        ];
        let t = tally(&inp.areas, &recs, &e);
        let v = compute_variant(&inp, &t, VariantKind::Obstetrics, &e).unwrap();
        // All at mean hours → std = headcount. Area 0: 1 / (500/1000) = 2; area 1: 1 / 2 = 0.5.
        assert!((v.secondary[0].index - 2.0).abs() < 1e-12);
        assert!((v.secondary[1].index - 0.5).abs() < 1e-12);
        assert!((v.national.index - 2.0 / 2.5).abs() < 1e-12);
    }

    #[test]
    fn p2_9_outpatient_counts_clinic_physicians_only() {
        let mut inp = inputs(2);
        inp.variants.clinic_outpatient_share = Some(vec![0.5, 0.8]);
        let e = RuleEdition::builtin("2024").unwrap();
        let recs = vec![
            doc(0, Facility::ClinicWithoutBeds, Specialty::Other),
            doc(0, Facility::Hospital, Specialty::Other),
            doc(1, Facility::ClinicWithBeds, Specialty::Other),
        ];
        let t = tally(&inp.areas, &recs, &e);
        let v = compute_variant(&inp, &t, VariantKind::Outpatient, &e).unwrap();
        // Equal pyramids → ratio 1; pop 38000 → 0.38; area 0: 1/(0.38·0.5); area 1: 1/(0.38·0.8).
        assert!((v.secondary[0].index - 1.0 / (0.38 * 0.5)).abs() < 1e-9);
        assert!((v.secondary[1].index - 1.0 / (0.38 * 0.8)).abs() < 1e-9);
    }

    #[test]
    fn p2_9_pediatrics_uses_child_population() {
        let inp = inputs(2);
        let e = RuleEdition::builtin("2024").unwrap();
        let recs =
            vec![doc(0, Facility::Hospital, Specialty::Pediatrics), doc(1, Facility::Hospital, Specialty::Other)];
        let t = tally(&inp.areas, &recs, &e);
        let v = compute_variant(&inp, &t, VariantKind::Pediatrics, &e).unwrap();
        // Children: 3 bands × 2 sexes × 1000 = 6000 → 0.06; ratio 1 → index 1/0.06.
        assert!((v.secondary[0].index - 1.0 / 0.06).abs() < 1e-9);
        assert_eq!(v.secondary[1].index, 0.0);
    }

    #[test]
    fn p2_9_variants_designate_one_tail_only() {
        let e = RuleEdition::builtin("2024").unwrap();
        let values: Vec<AreaIndex> = (0..9).map(|i| AreaIndex::new(format!("{i}").as_str(), i as f64)).collect();
        let ob = designate(&values, &e.variants.obstetrics.threshold_rule()).unwrap();
        assert!(ob.areas.iter().all(|a| a.designation != Designation::Abundant));
        assert_eq!(ob.counts().2, 3);
        let out = designate(&values, &e.variants.outpatient.threshold_rule()).unwrap();
        assert!(out.areas.iter().all(|a| a.designation != Designation::Scarce));
        assert_eq!(out.counts().0, 3);
    }

    #[test]
    fn p2_9_missing_variant_inputs_are_refused() {
        let inp = inputs(2);
        let e = RuleEdition::builtin("2024").unwrap();
        let t = tally(&inp.areas, &[doc(0, Facility::Hospital, Specialty::Obstetrics)], &e);
        assert!(matches!(compute_variant(&inp, &t, VariantKind::Obstetrics, &e), Err(PlanError::BadInput(_))));
    }
}
