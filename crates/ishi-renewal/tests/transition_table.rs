//! The seed's 移行措置 table (各更新時期における新更新基準部分の必要単位一覧表), column by column:
//! the editions carry its numbers, and a ledger with exactly each year's minimum mix passes while
//! one unit or one old point less does not.

mod common;

use common::{Ledger, n, transition};
use ishi_renewal::{Category, CommonItem, MeetingLevel, Outcome, PresentationRole, RenewalEdition, Verdict};

/// One column of the seed's table, copied from the seed (not from the editions).
struct Column {
    fy: i32,
    cases: u32,
    units_i: u32,
    ii: (u32, u32),
    mandatory: u32,
    iii: (u32, Option<u32>),
    iv: (u32, u32),
    total: u32,
    old: f64,
}

const TABLE: [Column; 6] = [
    Column {
        fy: 2015,
        cases: 10,
        units_i: 1,
        ii: (0, 1),
        mandatory: 0,
        iii: (2, None),
        iv: (0, 1),
        total: 5,
        old: 135.0,
    },
    Column {
        fy: 2016,
        cases: 20,
        units_i: 2,
        ii: (1, 2),
        mandatory: 0,
        iii: (4, None),
        iv: (1, 2),
        total: 10,
        old: 120.0,
    },
    Column {
        fy: 2017,
        cases: 40,
        units_i: 4,
        ii: (1, 4),
        mandatory: 1,
        iii: (6, Some(13)),
        iv: (2, 6),
        total: 20,
        old: 90.0,
    },
    Column {
        fy: 2018,
        cases: 60,
        units_i: 6,
        ii: (2, 6),
        mandatory: 2,
        iii: (9, Some(18)),
        iv: (4, 9),
        total: 30,
        old: 60.0,
    },
    Column {
        fy: 2019,
        cases: 80,
        units_i: 8,
        ii: (3, 8),
        mandatory: 3,
        iii: (12, Some(23)),
        iv: (6, 12),
        total: 40,
        old: 30.0,
    },
    Column {
        fy: 2020,
        cases: 100,
        units_i: 10,
        ii: (3, 10),
        mandatory: 3,
        iii: (15, Some(31)),
        iv: (6, 15),
        total: 50,
        old: 0.0,
    },
];

#[test]
fn r7_table_editions_carry_the_seed_numbers() {
    for c in &TABLE {
        let e = RenewalEdition::builtin(&format!("FY{}", c.fy)).unwrap();
        assert_eq!(e.clinical.max_units.value * e.clinical.cases_per_unit.value, c.cases, "FY{} cases", c.fy);
        assert_eq!(e.clinical.max_units.value, c.units_i, "FY{} i", c.fy);
        assert_eq!((e.common.min_units.value, e.common.max_units.value), c.ii, "FY{} ii", c.fy);
        assert_eq!(e.common.mandatory_total.value, c.mandatory, "FY{} mandatory", c.fy);
        assert_eq!((e.specialty.min_units.value, e.specialty.max_units.map(|m| m.value)), c.iii, "FY{} iii", c.fy);
        assert_eq!((e.achievements.min_units.value, e.achievements.max_units.value), c.iv, "FY{} iv", c.fy);
        assert_eq!(e.total.required.value, c.total, "FY{} total", c.fy);
        assert_eq!(e.old_points.as_ref().map_or(0.0, |o| o.required.value), c.old, "FY{} old", c.fy);
    }
}

/// A ledger with exactly the column's minimum mix: i) its cases, ii) its minimum (mandatory lectures
/// first), iv) its minimum as presentations (1 each), iii) the rest of the total; plus `old` points.
fn minimum_mix(c: &Column, old: f64, less_iii: f64) -> Ledger {
    let mut l = Ledger::on("2015-06-01");
    l.cases(c.cases);
    if c.mandatory > 0 {
        l.common(CommonItem::MedicalSafety, c.mandatory as f64);
    }
    if c.ii.0 > c.mandatory {
        l.common(CommonItem::Other, (c.ii.0 - c.mandatory) as f64);
    }
    for _ in 0..c.iv.0 {
        l.presentation(PresentationRole::FirstPresenter);
    }
    let iii = c.total - c.units_i - c.ii.0.max(c.mandatory) - c.iv.0;
    assert!(iii >= c.iii.0 && c.iii.1.is_none_or(|m| iii <= m), "FY{}: iii {iii}", c.fy);
    l.specialty(iii as f64 - less_iii);
    if old > 0.0 {
        l.at(&format!("{}-01-15", c.fy - 4)).old_points(old);
    }
    l
}

#[test]
fn r7_table_each_year_minimum_mix_with_its_old_points_passes() {
    for c in &TABLE[..5] {
        let e = minimum_mix(c, c.old, 0.0).evaluate(&transition(c.fy));
        assert_eq!(e.verdict, Verdict::Pass, "FY{}: {:#?}", c.fy, e.findings);
        assert_eq!(n(e.counted_units), c.total as f64, "FY{}", c.fy);
        assert_eq!(e.edition, format!("FY{}", c.fy));
    }
}

#[test]
fn r7_table_one_old_point_less_does_not_pass() {
    // e.g. FY2017: 89 points → short of 150 by 61 = 2.03 years; 20 units = 2 years < 2.03 → fail.
    for c in &TABLE[..5] {
        let e = minimum_mix(c, c.old - 1.0, 0.0).evaluate(&transition(c.fy));
        assert_eq!((e.verdict, e.outcome), (Verdict::Fail, Outcome::NotMet), "FY{}: {:#?}", c.fy, e.findings);
        assert!(e.findings.iter().any(|f| f.rule == "R7"), "FY{}", c.fy);
    }
}

#[test]
fn r7_table_one_unit_less_does_not_pass() {
    // iii one hour short: the total falls one unit below the column's total.
    for c in &TABLE[..5] {
        let e = minimum_mix(c, c.old, 1.0).evaluate(&transition(c.fy));
        assert_ne!(e.verdict, Verdict::Pass, "FY{}", c.fy);
        assert_eq!(n(e.counted_units), c.total as f64 - 1.0, "FY{}", c.fy);
        assert!(e.findings.iter().any(|f| f.rule == "R2"), "FY{}", c.fy);
    }
}

#[test]
fn r7_table_mandatory_lectures_as_the_seed_asks_each_year() {
    // The same mix with the mandatory hours moved to その他: not met from FY2017 (≥ 1) on, passes before.
    for c in &TABLE[..5] {
        let mut l = minimum_mix(c, c.old, 0.0);
        for a in &mut l.rows {
            if a.kind == ishi_renewal::ActivityKind::CommonLecture(CommonItem::MedicalSafety) {
                a.kind = ishi_renewal::ActivityKind::CommonLecture(CommonItem::Other);
            }
        }
        let e = l.evaluate(&transition(c.fy));
        if c.mandatory == 0 {
            assert_eq!(e.verdict, Verdict::Pass, "FY{}: {:#?}", c.fy, e.findings);
        } else {
            // Not met; the old points are exactly the year's, so R7.3 sees the years add up to 5
            // (e.g. FY2017: 150 − 90 = 60 points = 2 years = 20 units) and sends it to 個別審査.
            assert_eq!((e.verdict, e.outcome), (Verdict::Review, Outcome::IndividualReview), "FY{}", c.fy);
            assert!(e.findings.iter().any(|f| f.rule == "R3.1"), "FY{}", c.fy);
        }
    }
}

#[test]
fn r7_table_meetings_fill_iv_up_to_its_maximum() {
    // FY2018 iv) 4–9: three 総会 (9) count 6 (R5.1 meeting cap), within iv)'s max of 9.
    let mut l = Ledger::on("2016-06-01");
    l.meeting(MeetingLevel::National).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    let e = l.evaluate(&transition(2018));
    let iv = e.category(Category::Achievements);
    assert_eq!((n(iv.earned), n(iv.counted), n(iv.min), iv.max.map(n)), (9.0, 6.0, 4.0, Some(9.0)));
}
