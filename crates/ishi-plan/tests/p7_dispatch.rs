//! SPEC P7 (医師派遣調整), with P6.2–P6.5: the legality rule, hand-computed plans, unmet demand and
//! its reasons, bad input, and the optimum checked against an independent LP solver (good_lp + microlp)
//! and against brute force on tiny instances. Random instances are SYNTHETIC (seeded SplitMix64).

use std::collections::HashMap;

use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, microlp, variable};
use ishi_plan::Designation;
use ishi_plan::dispatch::{
    DefaultCosts, DispatchArea, DispatchError, DispatchKind, DispatchPlan, Forbidden, MAX_COST, PairCost, UnmetReason,
    check_move, default_costs, dispatch,
};
use ishi_plan::random::SplitMix64;
use proptest::prelude::*;

use Designation as D;
use DispatchKind as K;

fn area(code: &str, tertiary: &str, kind: DispatchKind, tertiary_designation: Designation) -> DispatchArea {
    DispatchArea::new(code, tertiary, kind, tertiary_designation)
}

fn pair(from: &str, to: &str, cost: i64) -> PairCost {
    PairCost::new(from, to, cost)
}

fn flows(plan: &DispatchPlan) -> Vec<(&str, &str, u32)> {
    plan.flows.iter().map(|f| (f.from.as_str(), f.to.as_str(), f.physicians)).collect()
}

fn rule(from: &DispatchArea, to: &DispatchArea) -> Result<(), &'static str> {
    check_move(from, to).map_err(Forbidden::rule)
}

// ---------------------------------------------------------------------------------------------
// The legality rule, one test per rule.

#[test]
fn p7_1_only_abundant_areas_send() {
    let a = area("0101", "01", K::Abundant, D::Scarce);
    let i = area("0102", "01", K::Intermediate, D::Scarce);
    let s = area("0103", "01", K::Scarce, D::Scarce);
    assert_eq!(rule(&a, &s), Ok(()));
    // A 中程度 area's physicians are not released: P6.3 names only 多数 areas as sources.
    assert_eq!(rule(&i, &s), Err("P7.1"));
    assert_eq!(check_move(&i, &s), Err(Forbidden::SourceNotAbundant));
    assert_eq!(rule(&a, &a), Err("P7.1"));
}

#[test]
fn p7_2_no_flow_leaves_a_scarce_area() {
    let s = area("0103", "01", K::Scarce, D::Scarce);
    let i = area("0102", "01", K::Intermediate, D::Scarce);
    let other = area("0104", "01", K::Scarce, D::Scarce);
    assert_eq!(rule(&s, &i), Err("P7.2"));
    assert_eq!(rule(&s, &other), Err("P7.2"));
}

#[test]
fn p7_2_no_flow_leaves_a_scarce_district() {
    let d = area("0102-1", "01", K::ScarceDistrict, D::Scarce);
    let s = area("0103", "01", K::Scarce, D::Scarce);
    assert_eq!(check_move(&d, &s), Err(Forbidden::OutOfScarce));
    assert_eq!(rule(&d, &s), Err("P7.2"));
}

#[test]
fn p6_3_an_abundant_area_never_receives() {
    let a = area("1301", "13", K::Abundant, D::Abundant);
    let b = area("1302", "13", K::Abundant, D::Abundant);
    assert_eq!(check_move(&a, &b), Err(Forbidden::IntoAbundant));
    assert_eq!(rule(&a, &b), Err("P6.3"));
}

#[test]
fn p6_3_scarce_and_intermediate_areas_recruit_from_abundant_areas() {
    let a = area("0901", "09", K::Abundant, D::Intermediate);
    let s = area("0902", "09", K::Scarce, D::Intermediate);
    let i = area("0903", "09", K::Intermediate, D::Intermediate);
    assert_eq!(rule(&a, &s), Ok(()));
    assert_eq!(rule(&a, &i), Ok(()));
}

#[test]
fn p6_2_across_tertiary_areas_only_from_an_abundant_tertiary() {
    let from_intermediate = area("2201", "22", K::Abundant, D::Intermediate);
    let from_scarce = area("0201", "02", K::Abundant, D::Scarce);
    let to = area("0302", "03", K::Scarce, D::Scarce);
    assert_eq!(check_move(&from_intermediate, &to), Err(Forbidden::AcrossFromNonAbundantTertiary));
    assert_eq!(rule(&from_intermediate, &to), Err("P6.2"));
    assert_eq!(rule(&from_scarce, &to), Err("P6.2"));
}

#[test]
fn p6_2_an_abundant_tertiary_recruits_nobody_from_outside() {
    let from = area("1301", "13", K::Abundant, D::Abundant);
    for kind in [K::Scarce, K::Intermediate] {
        let to = area("2605", "26", kind, D::Abundant);
        assert_eq!(check_move(&from, &to), Err(Forbidden::AcrossIntoAbundantTertiary));
        assert_eq!(rule(&from, &to), Err("P6.2"));
    }
}

#[test]
fn p6_2_an_intermediate_tertiary_recruits_from_outside_only_for_scarce_areas_and_districts() {
    let from = area("1301", "13", K::Abundant, D::Abundant);
    let scarce = area("2203", "22", K::Scarce, D::Intermediate);
    let district = area("2204-1", "22", K::ScarceDistrict, D::Intermediate);
    let intermediate = area("2204", "22", K::Intermediate, D::Intermediate);
    assert_eq!(rule(&from, &scarce), Ok(()));
    assert_eq!(rule(&from, &district), Ok(()));
    assert_eq!(check_move(&from, &intermediate), Err(Forbidden::AcrossIntoIntermediateTertiaryNonScarce));
    assert_eq!(rule(&from, &intermediate), Err("P6.2"));
}

#[test]
fn p6_2_a_scarce_tertiary_recruits_from_an_abundant_tertiary_for_any_sink() {
    let from = area("1301", "13", K::Abundant, D::Abundant);
    for kind in [K::Scarce, K::ScarceDistrict, K::Intermediate] {
        assert_eq!(rule(&from, &area("0203", "02", kind, D::Scarce)), Ok(()), "{kind}");
    }
}

#[test]
fn p6_5_a_district_in_an_abundant_tertiary_is_served_only_from_inside() {
    let inside = area("2601", "26", K::Abundant, D::Abundant);
    let outside = area("1301", "13", K::Abundant, D::Abundant);
    let district = area("2602-1", "26", K::ScarceDistrict, D::Abundant);
    assert_eq!(rule(&inside, &district), Ok(()));
    assert_eq!(check_move(&outside, &district), Err(Forbidden::DistrictInAbundantTertiary));
    assert_eq!(rule(&outside, &district), Err("P6.5"));
    // P6.5 is named even when the source's tertiary area could not send across anyway.
    let from_scarce_tertiary = area("0201", "02", K::Abundant, D::Scarce);
    assert_eq!(rule(&from_scarce_tertiary, &district), Err("P6.5"));
}

#[test]
fn p6_5_a_district_in_a_scarce_or_intermediate_tertiary_may_be_served_from_outside() {
    let inside = area("2201", "22", K::Abundant, D::Intermediate);
    let outside = area("1301", "13", K::Abundant, D::Abundant);
    for tertiary_designation in [D::Intermediate, D::Scarce] {
        let district = area("2202-1", "22", K::ScarceDistrict, tertiary_designation);
        let inside = DispatchArea { tertiary_designation, ..inside.clone() };
        assert_eq!(rule(&inside, &district), Ok(()));
        assert_eq!(rule(&outside, &district), Ok(()));
    }
}

/// The seed's worked examples (P6.4): A県 ㋒医療圏 and C県 ㋓医療圏 with its 少数地区.
#[test]
fn p6_4_worked_examples_a_ken_u_and_c_ken_e() {
    // A県: a 医師少数三次医療圏; ㋒ is a 医師少数区域 in it.
    let u = area("A-u", "A", K::Scarce, D::Scarce);
    let a_abundant = area("A-x", "A", K::Abundant, D::Scarce);
    let other_abundant_prefecture = area("Z-1", "Z", K::Abundant, D::Abundant);
    // Outside the tertiary area: possible; outside the secondary area: yes.
    assert_eq!(rule(&other_abundant_prefecture, &u), Ok(()));
    assert_eq!(rule(&a_abundant, &u), Ok(()));

    // C県: a 医師多数三次医療圏; ㋓ is a 医師中程度区域 that contains a 医師少数地区.
    let e = area("C-e", "C", K::Intermediate, D::Abundant);
    let e_district = area("C-e-1", "C", K::ScarceDistrict, D::Abundant);
    let c_abundant = area("C-x", "C", K::Abundant, D::Abundant);
    // Not from outside the tertiary area; from outside the secondary area: possible.
    assert_eq!(rule(&other_abundant_prefecture, &e), Err("P6.2"));
    assert_eq!(rule(&other_abundant_prefecture, &e_district), Err("P6.5"));
    assert_eq!(rule(&c_abundant, &e), Ok(()));
    assert_eq!(rule(&c_abundant, &e_district), Ok(()));
}

// ---------------------------------------------------------------------------------------------
// Hand-computed plans.

/// The seed: 「医師多数区域のA医療圏から医師少数区域のB医療圏へ10人の医師を派遣する調整」.
#[test]
fn p7_seed_example_ten_physicians_from_abundant_a_to_scarce_b() {
    let areas = [
        area("A", "X", K::Abundant, D::Intermediate).with_supply(12),
        area("B", "X", K::Scarce, D::Intermediate).with_demand(10),
    ];
    let plan = dispatch(&areas, &[pair("A", "B", 4)]).unwrap();
    assert_eq!(flows(&plan), [("A", "B", 10)]);
    // 10 physicians × 4 = 40.
    assert_eq!(plan.total_cost, 40);
    assert_eq!((plan.served_scarce, plan.served_intermediate), (10, 0));
    assert!(plan.unmet.is_empty());
}

#[test]
fn p7_1_scarce_areas_come_before_intermediate_ones_whatever_the_cost() {
    let areas = [
        area("A", "X", K::Abundant, D::Scarce).with_supply(5),
        area("I", "X", K::Intermediate, D::Scarce).with_demand(5),
        area("S", "X", K::Scarce, D::Scarce).with_demand(5),
    ];
    let plan = dispatch(&areas, &[pair("A", "S", 100), pair("A", "I", 1)]).unwrap();
    assert_eq!(flows(&plan), [("A", "S", 5)]);
    // 5 × 100 = 500, although 5 × 1 = 5 was on offer for the 中程度 area.
    assert_eq!(plan.total_cost, 500);
    assert_eq!(plan.unmet.len(), 1);
    assert_eq!(plan.unmet[0].area.as_str(), "I");
    assert_eq!(plan.unmet[0].physicians, 5);
    assert_eq!(plan.unmet[0].reason, UnmetReason::SupplyExhausted { sources: vec!["A".into()] });
}

#[test]
fn p7_1_districts_rank_with_scarce_areas_and_intermediate_areas_get_what_is_left() {
    let areas = [
        area("A", "X", K::Abundant, D::Scarce).with_supply(8),
        area("D", "X", K::ScarceDistrict, D::Scarce).with_demand(2),
        area("I", "X", K::Intermediate, D::Scarce).with_demand(5),
        area("S", "X", K::Scarce, D::Scarce).with_demand(3),
    ];
    let plan = dispatch(&areas, &[pair("A", "S", 2), pair("A", "D", 7), pair("A", "I", 1)]).unwrap();
    // 少数 first: S 3 and D 2 (5 of 8); the 3 left go to I.
    assert_eq!(flows(&plan), [("A", "D", 2), ("A", "I", 3), ("A", "S", 3)]);
    // 2×7 + 3×1 + 3×2 = 14 + 3 + 6 = 23.
    assert_eq!(plan.total_cost, 23);
    assert_eq!((plan.served_scarce, plan.served_intermediate), (5, 3));
    assert_eq!(plan.unmet.len(), 1);
    assert_eq!((plan.unmet[0].area.as_str(), plan.unmet[0].physicians), ("I", 2));
}

/// Taking the cheapest pair first (A1→S1 at 1) would cost 3·1 + 3·5 = 18; the optimum swaps.
#[test]
fn p7_3_minimum_total_cost_is_not_the_greedy_choice() {
    let areas = [
        area("A1", "X", K::Abundant, D::Scarce).with_supply(3),
        area("A2", "X", K::Abundant, D::Scarce).with_supply(3),
        area("S1", "X", K::Scarce, D::Scarce).with_demand(3),
        area("S2", "X", K::Scarce, D::Scarce).with_demand(3),
    ];
    let costs = [pair("A1", "S1", 1), pair("A1", "S2", 2), pair("A2", "S1", 3), pair("A2", "S2", 5)];
    let plan = dispatch(&areas, &costs).unwrap();
    // With x on A1→S1 the cost is x + 2(3−x) + 3(3−x) + 5x = 15 + x: least at x = 0.
    assert_eq!(flows(&plan), [("A1", "S2", 3), ("A2", "S1", 3)]);
    assert_eq!(plan.total_cost, 15);
}

/// A2 reaches only S1. Sending A1 to its cheapest sink S1 first would leave S2 unserved: the optimum
/// undoes that choice, so both scarce areas are served.
#[test]
fn p7_1_the_most_physicians_reach_scarce_areas_even_if_a_first_choice_is_undone() {
    let areas = [
        area("A1", "X", K::Abundant, D::Scarce).with_supply(1),
        area("A2", "X", K::Abundant, D::Scarce).with_supply(1),
        area("S1", "X", K::Scarce, D::Scarce).with_demand(1),
        area("S2", "X", K::Scarce, D::Scarce).with_demand(1),
    ];
    let plan = dispatch(&areas, &[pair("A1", "S1", 1), pair("A1", "S2", 5), pair("A2", "S1", 2)]).unwrap();
    assert_eq!(flows(&plan), [("A1", "S2", 1), ("A2", "S1", 1)]);
    // 5 + 2 = 7.
    assert_eq!(plan.total_cost, 7);
    assert_eq!(plan.served_scarce, 2);
    assert!(plan.unmet.is_empty());
}

/// P6.2 in a plan: an area of a 多数 tertiary area sends across; one of a 中程度 tertiary area does not.
#[test]
fn p6_2_plan_crosses_tertiary_areas_only_from_an_abundant_one() {
    let areas = [
        area("1301", "13", K::Abundant, D::Abundant).with_supply(2),
        area("2201", "22", K::Abundant, D::Intermediate).with_supply(9),
        area("0201", "02", K::Scarce, D::Scarce).with_demand(5),
    ];
    let plan = dispatch(&areas, &[pair("1301", "0201", 50), pair("2201", "0201", 1)]).unwrap();
    assert_eq!(flows(&plan), [("1301", "0201", 2)]);
    assert_eq!(plan.total_cost, 100);
    assert_eq!(plan.unmet[0].reason, UnmetReason::SupplyExhausted { sources: vec!["1301".into()] });
}

#[test]
fn p7_2_only_legal_flows_even_when_every_pair_has_a_cost() {
    let areas = [
        area("1301", "13", K::Abundant, D::Abundant).with_supply(10).with_demand(1),
        area("1302", "13", K::Intermediate, D::Abundant).with_supply(10).with_demand(1),
        area("1303", "13", K::Scarce, D::Abundant).with_supply(10).with_demand(1),
    ];
    let costs: Vec<PairCost> =
        areas.iter().flat_map(|a| areas.iter().map(|b| pair(a.code.as_str(), b.code.as_str(), 1))).collect();
    let plan = dispatch(&areas, &costs).unwrap();
    assert_eq!(flows(&plan), [("1301", "1302", 1), ("1301", "1303", 1)]);
    // The 多数 area's own demand is never met from outside (P6.3).
    assert_eq!(plan.unmet.len(), 1);
    assert_eq!(plan.unmet[0].area.as_str(), "1301");
    assert_eq!(plan.unmet[0].reason, UnmetReason::NoLegalSource { forbidden: vec![] });
}

// ---------------------------------------------------------------------------------------------
// Unmet demand and the constraint that binds it.

/// A 少数地区 in a 多数 tertiary area whose own tertiary area has no 多数 area with physicians to send.
#[test]
fn p6_5_unmet_district_in_an_abundant_tertiary_without_its_own_source_has_no_legal_source() {
    let areas = [
        area("1301", "13", K::Abundant, D::Abundant).with_supply(10),
        area("2601", "26", K::Intermediate, D::Abundant).with_supply(10),
        area("2601-1", "26", K::ScarceDistrict, D::Abundant).with_demand(3),
    ];
    let plan = dispatch(&areas, &[pair("1301", "2601-1", 1), pair("2601", "2601-1", 1)]).unwrap();
    assert!(plan.flows.is_empty());
    let unmet = &plan.unmet[0];
    assert_eq!((unmet.area.as_str(), unmet.kind, unmet.physicians), ("2601-1", K::ScarceDistrict, 3));
    assert_eq!(
        unmet.reason,
        UnmetReason::NoLegalSource { forbidden: vec![("1301".into(), Forbidden::DistrictInAbundantTertiary)] }
    );
    assert_eq!(unmet.reason.code(), "no_legal_source");
    assert!(unmet.reason.message_ja().contains("P6.5: 1区域"), "{}", unmet.reason.message_ja());
}

#[test]
fn p7_3_unmet_with_a_legal_source_but_no_cost_pair_has_no_route() {
    let areas = [
        area("0101", "01", K::Abundant, D::Scarce).with_supply(10),
        area("0102", "01", K::Abundant, D::Scarce).with_supply(10),
        area("0103", "01", K::Scarce, D::Scarce).with_demand(4),
    ];
    let plan = dispatch(&areas, &[]).unwrap();
    assert_eq!(plan.unmet[0].physicians, 4);
    assert_eq!(plan.unmet[0].reason, UnmetReason::NoRoute { legal_sources: vec!["0101".into(), "0102".into()] });
    assert_eq!(plan.unmet[0].reason.code(), "no_route");
    assert!(plan.unmet[0].reason.message_ja().contains("0101、0102"));
}

#[test]
fn p7_3_unmet_when_the_legal_routable_sources_are_used_up_names_them() {
    let areas = [
        area("0101", "01", K::Abundant, D::Scarce).with_supply(3),
        area("0102", "01", K::Abundant, D::Scarce).with_supply(2),
        area("0103", "01", K::Scarce, D::Scarce).with_demand(4),
        area("0104", "01", K::Scarce, D::Scarce).with_demand(4),
    ];
    // 0102 has no pair to 0104; 0101 has pairs to both.
    let costs = [pair("0101", "0103", 1), pair("0101", "0104", 1), pair("0102", "0103", 1)];
    let plan = dispatch(&areas, &costs).unwrap();
    // 5 physicians for 8 of demand: 3 left short, all at 0104 or split, at a cost of 5 × 1.
    assert_eq!(plan.served_scarce, 5);
    assert_eq!(plan.total_cost, 5);
    let short: u32 = plan.unmet.iter().map(|u| u.physicians).sum();
    assert_eq!(short, 3);
    for unmet in &plan.unmet {
        let expected: Vec<_> = match unmet.area.as_str() {
            "0103" => vec!["0101".into(), "0102".into()],
            _ => vec!["0101".into()],
        };
        assert_eq!(unmet.reason, UnmetReason::SupplyExhausted { sources: expected });
        assert_eq!(unmet.reason.code(), "supply_exhausted");
    }
}

#[test]
fn p7_3_unmet_without_any_abundant_area_has_no_legal_source() {
    let areas = [
        area("0102", "01", K::Intermediate, D::Scarce).with_supply(10),
        area("0103", "01", K::Scarce, D::Scarce).with_demand(1),
    ];
    let plan = dispatch(&areas, &[pair("0102", "0103", 1)]).unwrap();
    assert_eq!(plan.unmet[0].reason, UnmetReason::NoLegalSource { forbidden: vec![] });
    assert_eq!(plan.unmet[0].reason.message_ja(), "派遣元となる医師多数区域がない");
}

#[test]
fn p6_2_unmet_intermediate_area_names_each_forbidding_rule() {
    let areas = [
        area("1301", "13", K::Abundant, D::Abundant).with_supply(10),
        area("2201", "22", K::Abundant, D::Intermediate),
        area("2202", "22", K::Intermediate, D::Intermediate).with_demand(2),
    ];
    let plan = dispatch(&areas, &[pair("1301", "2202", 1)]).unwrap();
    // 2201 may send (same tertiary area) but has no pair; 1301 has a pair but P6.2 forbids it.
    assert_eq!(plan.unmet[0].reason, UnmetReason::NoRoute { legal_sources: vec!["2201".into()] });
    let plan = dispatch(&areas, &[pair("1301", "2202", 1), pair("2201", "2202", 1)]).unwrap();
    // Now 2201 is legal and routed, but releases nothing.
    assert_eq!(plan.unmet[0].reason, UnmetReason::SupplyExhausted { sources: vec!["2201".into()] });
    let areas = [areas[0].clone(), areas[2].clone()];
    let plan = dispatch(&areas, &[pair("1301", "2202", 1)]).unwrap();
    let UnmetReason::NoLegalSource { forbidden } = &plan.unmet[0].reason else { panic!("{:?}", plan.unmet) };
    assert_eq!(forbidden, &[("1301".into(), Forbidden::AcrossIntoIntermediateTertiaryNonScarce)]);
    assert!(plan.unmet[0].reason.message_ja().contains("P6.2: 1区域"));
}

// ---------------------------------------------------------------------------------------------
// The stated default cost (P7.3).

#[test]
fn p7_3_default_cost_is_lower_inside_a_tertiary_area_and_lists_only_legal_moves() {
    let defaults = DefaultCosts::builtin().unwrap();
    let areas = [
        area("1301", "13", K::Abundant, D::Abundant).with_supply(5),
        area("0201", "02", K::Abundant, D::Scarce).with_supply(5),
        area("0202", "02", K::Scarce, D::Scarce).with_demand(5),
        area("0203", "02", K::Scarce, D::Scarce).with_supply(5),
    ];
    assert_eq!(defaults.cost(&areas[1], &areas[2]), Some(defaults.within_tertiary.value));
    assert_eq!(defaults.cost(&areas[0], &areas[2]), Some(defaults.across_tertiary.value));
    assert_eq!(defaults.cost(&areas[3], &areas[2]), None);
    let pairs = default_costs(&areas).unwrap();
    let listed: Vec<(&str, &str)> = pairs.iter().map(|p| (p.from.as_str(), p.to.as_str())).collect();
    assert_eq!(listed, [("1301", "0202"), ("1301", "0203"), ("0201", "0202"), ("0201", "0203")]);
    // Inside the prefecture first (seed: 三次医療圏内の調整で医師の確保を行うことが基本).
    let plan = dispatch(&areas, &pairs).unwrap();
    assert_eq!(flows(&plan), [("0201", "0202", 5)]);
    assert_eq!(plan.total_cost, 5 * defaults.within_tertiary.value);
}

// ---------------------------------------------------------------------------------------------
// Bad input.

fn two_areas() -> Vec<DispatchArea> {
    vec![
        area("0101", "01", K::Abundant, D::Scarce).with_supply(1),
        area("0102", "01", K::Scarce, D::Scarce).with_demand(1),
    ]
}

#[test]
fn p7_bad_input_duplicate_area_is_refused() {
    let mut areas = two_areas();
    areas.push(areas[1].clone());
    assert_eq!(dispatch(&areas, &[]), Err(DispatchError::DuplicateArea { code: "0102".into() }));
}

#[test]
fn p7_bad_input_negative_cost_names_the_pair() {
    let err = dispatch(&two_areas(), &[pair("0101", "0102", -3)]).unwrap_err();
    assert_eq!(err, DispatchError::NegativeCost { from: "0101".into(), to: "0102".into(), cost: -3 });
    assert_eq!(err.to_string(), "cost pair 0101 → 0102: the cost -3 is negative");
}

#[test]
fn p7_bad_input_unknown_area_in_the_costs_is_refused() {
    let err = dispatch(&two_areas(), &[pair("0101", "9999", 1)]).unwrap_err();
    assert_eq!(err, DispatchError::UnknownArea { from: "0101".into(), to: "9999".into(), code: "9999".into() });
}

#[test]
fn p7_bad_input_pair_listed_twice_is_refused() {
    let err = dispatch(&two_areas(), &[pair("0101", "0102", 1), pair("0101", "0102", 1)]).unwrap_err();
    assert_eq!(err, DispatchError::DuplicatePair { from: "0101".into(), to: "0102".into() });
}

#[test]
fn p7_bad_input_cost_above_the_bound_is_refused() {
    let err = dispatch(&two_areas(), &[pair("0101", "0102", MAX_COST + 1)]).unwrap_err();
    assert!(matches!(err, DispatchError::CostTooLarge { .. }), "{err}");
    assert!(dispatch(&two_areas(), &[pair("0101", "0102", MAX_COST)]).is_ok());
}

#[test]
fn p7_bad_input_rows_of_one_tertiary_area_must_agree_on_its_designation() {
    let mut areas = two_areas();
    areas[1].tertiary_designation = D::Abundant;
    assert!(matches!(dispatch(&areas, &[]), Err(DispatchError::InconsistentTertiary { .. })));
}

#[test]
fn p7_self_pairs_are_ignored() {
    let costs = [pair("0101", "0101", 0), pair("0102", "0102", 0), pair("0101", "0102", 2)];
    let plan = dispatch(&two_areas(), &costs).unwrap();
    assert_eq!(flows(&plan), [("0101", "0102", 1)]);
    assert_eq!(plan.total_cost, 2);
}

#[test]
fn p7_3_large_amounts_and_costs_do_not_overflow() {
    let areas = [
        area("A", "X", K::Abundant, D::Scarce).with_supply(u32::MAX),
        area("B", "X", K::Scarce, D::Scarce).with_demand(u32::MAX),
        area("C", "X", K::Abundant, D::Scarce).with_supply(u32::MAX),
        area("E", "X", K::Scarce, D::Scarce).with_demand(u32::MAX),
    ];
    // (2³² − 1) · 2⁴⁰ ≈ 4.7·10²¹ does not fit in i64.
    let err = dispatch(&areas, &[pair("A", "B", MAX_COST)]).unwrap_err();
    assert_eq!(err, DispatchError::CostOverflow);
    let plan = dispatch(&areas, &[pair("A", "B", 1), pair("C", "B", 2), pair("C", "E", 2)]).unwrap();
    // A fills B; C fills E: (2³² − 1)·1 + (2³² − 1)·2 = 3·4294967295 = 12884901885.
    assert_eq!(plan.total_cost, 12_884_901_885);
    assert_eq!(plan.served_scarce, 2 * u64::from(u32::MAX));
}

// ---------------------------------------------------------------------------------------------
// Random SYNTHETIC instances: the optimum against an LP solver and against brute force.

struct Instance {
    areas: Vec<DispatchArea>,
    costs: Vec<PairCost>,
}

/// Up to `max_sources` 多数 areas and `max_sinks` sinks in 1–3 tertiary areas, amounts up to `max_amount`,
/// a cost (0–30, so ties occur) on about `pair_share` of all ordered pairs, legal or not. Some rows carry
/// supply or demand that the rules ignore (a 中程度 area's supply, a 多数 area's demand).
fn random_instance(
    rng: &mut SplitMix64,
    max_sources: usize,
    max_sinks: usize,
    max_amount: u32,
    pair_share: f64,
) -> Instance {
    let designations = [D::Abundant, D::Intermediate, D::Scarce];
    let tertiaries = 1 + rng.below(3);
    let tertiary_designation: Vec<Designation> = (0..tertiaries).map(|_| designations[rng.below(3)]).collect();
    let amount = |rng: &mut SplitMix64| rng.below(max_amount as usize + 1) as u32;
    let mut areas = vec![];
    for i in 0..1 + rng.below(max_sources) {
        let t = rng.below(tertiaries);
        let demand = if rng.below(8) == 0 { 1 } else { 0 };
        areas.push(
            area(&format!("{t}{i:02}a"), &t.to_string(), K::Abundant, tertiary_designation[t])
                .with_supply(amount(rng))
                .with_demand(demand),
        );
    }
    for j in 0..1 + rng.below(max_sinks) {
        let t = rng.below(tertiaries);
        let kind = [K::Intermediate, K::Scarce, K::ScarceDistrict][rng.below(3)];
        let supply = if rng.below(4) == 0 { amount(rng) } else { 0 };
        areas.push(
            area(&format!("{t}{j:02}s"), &t.to_string(), kind, tertiary_designation[t])
                .with_supply(supply)
                .with_demand(amount(rng)),
        );
    }
    let mut costs = vec![];
    for from in &areas {
        for to in &areas {
            if from.code != to.code && rng.unit() < pair_share {
                costs.push(PairCost { from: from.code.clone(), to: to.code.clone(), cost: rng.below(31) as i64 });
            }
        }
    }
    // Reverse half of the time so that the input order is not the code order.
    if rng.below(2) == 0 {
        areas.reverse();
    }
    Instance { areas, costs }
}

/// The arcs any solver may use: a listed pair the legality rule allows, from supply to demand.
fn usable_arcs(inst: &Instance) -> Vec<(usize, usize, i64)> {
    let index: HashMap<&str, usize> = inst.areas.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
    inst.costs
        .iter()
        .map(|p| (index[p.from.as_str()], index[p.to.as_str()], p.cost))
        .filter(|&(i, j, _)| {
            let (from, to) = (&inst.areas[i], &inst.areas[j]);
            check_move(from, to).is_ok() && from.supply > 0 && to.demand > 0
        })
        .collect()
}

/// (served 少数, served 中程度, total cost) of the lexicographic optimum, by three LPs in sequence: each
/// level maximized (or minimized) with the levels before it fixed at their optimum. The transportation
/// matrix is totally unimodular, so each optimum is integral.
fn lp_optimum(inst: &Instance) -> (u64, u64, i64) {
    let arcs = usable_arcs(inst);
    if arcs.is_empty() {
        return (0, 0, 0);
    }
    let scarce = |j: usize| inst.areas[j].kind != K::Intermediate;
    let stage = |fixed: &[(bool, f64)], level: usize| -> f64 {
        let mut vars = ProblemVariables::new();
        let x: Vec<Variable> = arcs.iter().map(|_| vars.add(variable().min(0.0))).collect();
        let served = |want_scarce: bool| -> Expression {
            arcs.iter().zip(&x).filter(|((_, j, _), _)| scarce(*j) == want_scarce).map(|(_, v)| *v).sum()
        };
        let cost: Expression = arcs.iter().zip(&x).map(|((_, _, c), v)| *c as f64 * *v).sum();
        let objective = match level {
            0 => served(true),
            1 => served(false),
            _ => cost,
        };
        let problem = if level < 2 { vars.maximise(objective.clone()) } else { vars.minimise(objective.clone()) };
        let mut model = problem.using(microlp);
        for (i, area) in inst.areas.iter().enumerate() {
            let out: Expression = arcs.iter().zip(&x).filter(|((f, _, _), _)| *f == i).map(|(_, v)| *v).sum();
            let inflow: Expression = arcs.iter().zip(&x).filter(|((_, t, _), _)| *t == i).map(|(_, v)| *v).sum();
            model = model.with(out.leq(area.supply as f64)).with(inflow.leq(area.demand as f64));
        }
        for &(want_scarce, value) in fixed {
            model = model.with(served(want_scarce).geq(value));
        }
        let solution = model.solve().expect("the LP is feasible (x = 0) and bounded");
        solution.eval(&objective)
    };
    let integral = |v: f64| {
        assert!((v - v.round()).abs() < 1e-6, "LP optimum {v} is not integral");
        v.round()
    };
    let p = integral(stage(&[], 0));
    let q = integral(stage(&[(true, p)], 1));
    let c = integral(stage(&[(true, p), (false, q)], 2));
    (p as u64, q as u64, c as i64)
}

/// The lexicographic optimum by enumerating every integral flow on the usable arcs.
fn brute_force(inst: &Instance) -> (u64, u64, i64) {
    fn go(
        arcs: &[(usize, usize, i64)],
        scarce: &[bool],
        supply: &mut [u32],
        demand: &mut [u32],
        acc: (u64, u64, i64),
        best: &mut (u64, u64, i64),
    ) {
        let Some((&(i, j, c), rest)) = arcs.split_first() else {
            // Larger served counts first, then lower cost.
            if (std::cmp::Reverse(acc.0), std::cmp::Reverse(acc.1), acc.2)
                < (std::cmp::Reverse(best.0), std::cmp::Reverse(best.1), best.2)
            {
                *best = acc;
            }
            return;
        };
        for x in 0..=supply[i].min(demand[j]) {
            supply[i] -= x;
            demand[j] -= x;
            let (s, q) = if scarce[j] { (acc.0 + x as u64, acc.1) } else { (acc.0, acc.1 + x as u64) };
            go(rest, scarce, supply, demand, (s, q, acc.2 + x as i64 * c), best);
            supply[i] += x;
            demand[j] += x;
        }
    }
    let arcs = usable_arcs(inst);
    let scarce: Vec<bool> = inst.areas.iter().map(|a| a.kind != K::Intermediate).collect();
    let mut supply: Vec<u32> = inst.areas.iter().map(|a| a.supply).collect();
    let mut demand: Vec<u32> = inst.areas.iter().map(|a| a.demand).collect();
    let mut best = (0, 0, 0);
    go(&arcs, &scarce, &mut supply, &mut demand, (0, 0, 0), &mut best);
    best
}

fn objective(plan: &DispatchPlan) -> (u64, u64, i64) {
    (plan.served_scarce, plan.served_intermediate, plan.total_cost)
}

#[test]
fn p7_3_optimum_equals_an_independent_lp_solver_on_100_random_instances() {
    let mut rng = SplitMix64::new(7);
    for n in 0..100 {
        let inst = random_instance(&mut rng, 15, 20, 12, 0.7);
        let plan = dispatch(&inst.areas, &inst.costs).unwrap();
        assert_eq!(objective(&plan), lp_optimum(&inst), "instance {n}");
    }
}

#[test]
fn p7_3_optimum_equals_brute_force_on_300_tiny_instances() {
    let mut rng = SplitMix64::new(11);
    for n in 0..300 {
        let inst = random_instance(&mut rng, 3, 3, 3, 0.8);
        let plan = dispatch(&inst.areas, &inst.costs).unwrap();
        assert_eq!(objective(&plan), brute_force(&inst), "instance {n}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties of every plan.

fn instances() -> impl Strategy<Value = Instance> {
    let row = (0usize..4, 0usize..3, 0u32..6, 0u32..6);
    (prop::collection::vec(row, 1..12), prop::collection::vec(0usize..3, 3), any::<u64>()).prop_map(
        |(rows, tertiary, seed)| {
            let designations = [D::Abundant, D::Intermediate, D::Scarce];
            let kinds = [K::Abundant, K::Intermediate, K::Scarce, K::ScarceDistrict];
            let areas: Vec<DispatchArea> = rows
                .iter()
                .enumerate()
                .map(|(i, &(kind, t, supply, demand))| {
                    area(&format!("{:02}", 11 * (i % 7) + i), &t.to_string(), kinds[kind], designations[tertiary[t]])
                        .with_supply(supply)
                        .with_demand(demand)
                })
                .collect();
            let mut rng = SplitMix64::new(seed);
            let mut costs = vec![];
            for from in &areas {
                for to in &areas {
                    if rng.below(4) != 0 {
                        costs.push(PairCost {
                            from: from.code.clone(),
                            to: to.code.clone(),
                            cost: rng.below(20) as i64,
                        });
                    }
                }
            }
            Instance { areas, costs }
        },
    )
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance").field("areas", &self.areas).field("costs", &self.costs).finish()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every flow is legal and on a listed pair at its cost; no source sends more than its supply, no
    /// sink gets more than its demand; served + unmet = demand; the total is Σ flow × cost.
    #[test]
    fn p7_2_no_flow_breaks_a_rule_and_every_amount_adds_up(inst in instances()) {
        let plan = dispatch(&inst.areas, &inst.costs).unwrap();
        let by_code: HashMap<&str, &DispatchArea> = inst.areas.iter().map(|a| (a.code.as_str(), a)).collect();
        let cost: HashMap<(&str, &str), i64> =
            inst.costs.iter().map(|p| ((p.from.as_str(), p.to.as_str()), p.cost)).collect();
        let mut out: HashMap<&str, u64> = HashMap::new();
        let mut inflow: HashMap<&str, u64> = HashMap::new();
        let mut total = 0i64;
        for f in &plan.flows {
            prop_assert!(f.physicians > 0);
            prop_assert_eq!(check_move(by_code[f.from.as_str()], by_code[f.to.as_str()]), Ok(()));
            prop_assert_eq!(cost.get(&(f.from.as_str(), f.to.as_str())), Some(&f.unit_cost));
            *out.entry(f.from.as_str()).or_default() += u64::from(f.physicians);
            *inflow.entry(f.to.as_str()).or_default() += u64::from(f.physicians);
            total += i64::from(f.physicians) * f.unit_cost;
        }
        prop_assert_eq!(plan.total_cost, total);
        let unmet: HashMap<&str, u32> = plan.unmet.iter().map(|u| (u.area.as_str(), u.physicians)).collect();
        for a in &inst.areas {
            let sent = out.get(a.code.as_str()).copied().unwrap_or(0);
            let got = inflow.get(a.code.as_str()).copied().unwrap_or(0);
            prop_assert!(sent <= u64::from(a.supply));
            prop_assert!(got <= u64::from(a.demand));
            prop_assert_eq!(got + u64::from(unmet.get(a.code.as_str()).copied().unwrap_or(0)), u64::from(a.demand));
        }
        let scarce: u64 = plan.flows.iter().filter(|f| by_code[f.to.as_str()].kind != K::Intermediate).map(|f| u64::from(f.physicians)).sum();
        prop_assert_eq!(plan.served_scarce, scarce);
        prop_assert_eq!(plan.served_scarce + plan.served_intermediate, inflow.values().sum::<u64>());
        // Deterministic order.
        let keys: Vec<_> = plan.flows.iter().map(|f| (&f.from, &f.to)).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(plan.unmet.windows(2).all(|w| w[0].area < w[1].area));
    }

    /// Each unmet reason is true: the listed 多数 areas are forbidden (with that rule), or legal without a
    /// pair, or legal with a pair and sending all they can release.
    #[test]
    fn p7_3_every_unmet_reason_is_exact(inst in instances()) {
        let plan = dispatch(&inst.areas, &inst.costs).unwrap();
        let by_code: HashMap<&str, &DispatchArea> = inst.areas.iter().map(|a| (a.code.as_str(), a)).collect();
        let has_pair = |from: &str, to: &str| inst.costs.iter().any(|p| p.from.as_str() == from && p.to.as_str() == to);
        let sent = |from: &str| plan.flows.iter().filter(|f| f.from.as_str() == from).map(|f| u64::from(f.physicians)).sum::<u64>();
        for u in &plan.unmet {
            let to = by_code[u.area.as_str()];
            let candidates: Vec<&DispatchArea> = inst.areas.iter().filter(|a| a.kind == K::Abundant && a.code != to.code).collect();
            let legal: Vec<&DispatchArea> = candidates.iter().copied().filter(|a| check_move(a, to).is_ok()).collect();
            let routed: Vec<&DispatchArea> = legal.iter().copied().filter(|a| has_pair(a.code.as_str(), to.code.as_str())).collect();
            match &u.reason {
                UnmetReason::NoLegalSource { forbidden } => {
                    prop_assert!(legal.is_empty());
                    prop_assert_eq!(forbidden.len(), candidates.len());
                    for (code, why) in forbidden {
                        prop_assert_eq!(check_move(by_code[code.as_str()], to), Err(*why));
                    }
                }
                UnmetReason::NoRoute { legal_sources } => {
                    prop_assert!(routed.is_empty());
                    prop_assert_eq!(legal_sources.len(), legal.len());
                }
                UnmetReason::SupplyExhausted { sources } => {
                    prop_assert_eq!(sources.len(), routed.len());
                    for code in sources {
                        prop_assert_eq!(sent(code.as_str()), u64::from(by_code[code.as_str()].supply));
                    }
                }
            }
        }
    }

    /// Among several optimal plans the same one comes back whatever the order of the input.
    #[test]
    fn p7_3_the_plan_does_not_depend_on_the_input_order(inst in instances()) {
        let plan = dispatch(&inst.areas, &inst.costs).unwrap();
        let mut areas = inst.areas.clone();
        areas.reverse();
        let mut costs = inst.costs.clone();
        costs.reverse();
        prop_assert_eq!(dispatch(&areas, &costs).unwrap(), plan);
    }
}
