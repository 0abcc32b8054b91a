//! SPEC P5.3 — 医師供給推計 (supply projection): hand-computed cases, one rule each, bad input, the
//! stochastic mode, and properties that hold for any input.

use ishi_plan::supply::{
    Band, CohortTable, MacroProjection, ObservationWindow, PrefectureSupply, SecondaryCount, StochasticOptions,
    SupplyError, SupplyInput, SupplyOptions, SupplyProjection, SupplyRules, project, project_cohorts,
    project_stochastic, yearly_change_rates, yearly_factor,
};
use proptest::prelude::*;

fn rules() -> SupplyRules {
    SupplyRules::builtin()
}

fn table(year: i32, male: &[f64], female: &[f64]) -> CohortTable {
    CohortTable { year, counts: [male.to_vec(), female.to_vec()] }
}

/// Men only: the women's table is all zero.
fn men(year: i32, male: &[f64]) -> CohortTable {
    table(year, male, &vec![0.0; male.len()])
}

fn one(prefecture: PrefectureSupply) -> SupplyInput {
    SupplyInput { prefectures: vec![prefecture], national: None }
}

fn to(horizon: i32) -> SupplyOptions {
    SupplyOptions { horizon, windows: vec![] }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Every band value of a projected total, for checks that hold for all of them.
fn totals(p: &SupplyProjection, prefecture: usize) -> Vec<(i32, [f64; 3])> {
    p.prefectures[prefecture].years.iter().map(|y| (y.year, [y.total.lower, y.total.central, y.total.upper])).collect()
}

// --- The model, rule by rule -----------------------------------------------------------------------

/// No change observed and a first-year intake equal to the exits: the head count stays.
/// Men 10 and women 4 in each of 5 cohorts in 2018, 2020 and 2022: every rate is 10/10 − 1 = 0, the
/// intake is 10 + 4 and cohort 5 (10 + 4) leaves each year, so 5 × 14 = 70 every year to 2030.
#[test]
fn p5_3_zero_change_keeps_headcount() {
    let t = |year| table(year, &[10.0; 5], &[4.0; 5]);
    let p = project(&one(PrefectureSupply::new("31", vec![t(2018), t(2020), t(2022)])), &to(2030), &rules()).unwrap();
    assert_eq!(p.base_year, 2022);
    assert_eq!(p.prefectures[0].current, 70.0);
    let years = totals(&p, 0);
    assert_eq!(years.len(), 8);
    for (year, band) in years {
        assert_eq!(band, [70.0; 3], "{year}");
    }
    // A cohort's own count: rate 0 and no intake keep 7 physicians at 7 while they move up.
    let counts = project_cohorts(&[7.0, 0.0, 0.0], &[0.0; 3], 0.0, 2).unwrap();
    assert_eq!(counts, vec![vec![0.0, 7.0, 0.0], vec![0.0, 0.0, 7.0]]);
}

/// A 100% yearly exit (rate −1, factor 0) leaves nobody; a rate below it is still a 100% exit.
#[test]
fn p5_3_full_yearly_exit_gives_zero() {
    assert_eq!(yearly_factor(-1.0), 0.0);
    assert_eq!(yearly_factor(-1.7), 0.0);
    let counts = project_cohorts(&[5.0, 8.0, 13.0], &[-1.0; 3], 0.0, 3).unwrap();
    assert!(counts.iter().flatten().all(|c| *c == 0.0), "{counts:?}");
    // From the surveys the largest exit is everyone in two years: r = 0/10 − 1 = −1, a yearly −½.
    let rates = yearly_change_rates(&[10.0; 4], &[0.0; 4], 2, &rules()).unwrap();
    assert_eq!(rates, vec![-0.5; 4]);
}

/// Each projected year a cohort moves from y to y + 1; past the last cohort it leaves.
#[test]
fn p5_3_cohorts_age_one_year_per_year() {
    let counts = project_cohorts(&[0.0, 7.0, 0.0, 0.0, 0.0], &[0.0; 5], 0.0, 4).unwrap();
    assert_eq!(
        counts,
        vec![
            vec![0.0, 0.0, 7.0, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 7.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 7.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.0],
        ]
    );
}

/// ※2: the yearly change is half the biennial change.
/// 2020 [100, 100, 100, 100] → 2022 [50, 60, 90, 120]: cohort 1 becomes cohort 3, 90/100 − 1 = −0.1,
/// yearly −0.05; cohort 2 becomes cohort 4, 120/100 − 1 = +0.2, yearly +0.1; cohorts 3 and 4 cannot be
/// followed two years and take cohort 2's rate.
/// 2023 from the 2022 base: intake (100 + 50)/2 = 75, 50 × 0.95 = 47.5, 60 × 1.1 = 66, 90 × 1.1 = 99
/// (120 leaves): 287.5.
#[test]
fn p5_3_yearly_change_is_half_the_biennial_change() {
    let (from, to2022) = ([100.0; 4], [50.0, 60.0, 90.0, 120.0]);
    let rates = yearly_change_rates(&from, &to2022, 2, &rules()).unwrap();
    let expect = [-0.05, 0.1, 0.1, 0.1];
    assert!(rates.iter().zip(expect).all(|(r, e)| close(*r, e)), "{rates:?}");

    let input = one(PrefectureSupply::new("31", vec![men(2020, &from), men(2022, &to2022)]));
    let p = project(&input, &to(2023), &rules()).unwrap();
    assert!(close(p.prefectures[0].years[0].total.central, 287.5), "{:?}", p.prefectures[0].years[0]);
}

/// A window spanning several surveys spreads its change over its years (change / 4 for 2018–2022).
/// Cohort 1 of 2018 (100) is cohort 5 in 2022 (80): −0.2 in four years, −0.05 a year.
#[test]
fn p5_3_a_window_of_several_surveys_spreads_its_change_over_its_years() {
    let rates = yearly_change_rates(&[100.0; 6], &[1.0, 1.0, 1.0, 1.0, 80.0, 1.0], 4, &rules()).unwrap();
    assert!(close(rates[0], -0.05), "{rates:?}");
}

/// ※1: the first-year intake of every projected year is the mean first-year count of the window.
/// 2018 / 2020 / 2022 first-year counts 100 / 110 / 120, the other four cohorts 50 each; one window
/// 2018–2022 (four years): intake (100 + 110 + 120)/3 = 110. Cohort 1 becomes cohort 5: 50/100 − 1
/// = −0.5 in four years, factor 1 − 0.125 = 0.875; cohort 2 onward 50/50 − 1 = 0.
/// 2023: 110 + 120 × 0.875 + 4 × 50 (the last 50 leaves) = 415.
/// 2024: 110 + 110 × 0.875 + 105 + 3 × 50 = 461.25.
/// With the default windows 2018–2020 and 2020–2022 the intakes are 105 and 115 instead.
#[test]
fn p5_3_first_year_intake_is_the_window_average() {
    let t = |year, first| men(year, &[first, 50.0, 50.0, 50.0, 50.0, 50.0]);
    let input = one(PrefectureSupply::new("31", vec![t(2018, 100.0), t(2020, 110.0), t(2022, 120.0)]));
    let options = SupplyOptions { horizon: 2024, windows: vec![ObservationWindow::new(2018, 2022)] };
    let p = project(&input, &options, &rules()).unwrap();
    let years = totals(&p, 0);
    assert!(close(years[0].1[1], 415.0), "{years:?}");
    assert!(close(years[1].1[1], 461.25), "{years:?}");

    // Default windows: 2020–2022 keeps cohort 1 → 3 at 50/110 − 1 (yearly −0.2727…) and takes 115.
    let p = project(&input, &to(2023), &rules()).unwrap();
    assert_eq!(p.windows, vec![ObservationWindow::new(2018, 2020), ObservationWindow::new(2020, 2022)]);
    let factor = 1.0 + (50.0 / 110.0 - 1.0) / 2.0;
    let expect = 115.0 + 120.0 * factor + 50.0 + 50.0 + 50.0 + 50.0;
    assert!(close(p.prefectures[0].years[0].by_window[1], expect), "{:?}", p.prefectures[0].years[0]);
}

/// Several windows give a range: lower = the smallest window, upper = the largest, central = their
/// mean, so lower ≤ central ≤ upper. 2018 → 2020 stays (rate 0), 2020 → 2022 grows: 10 → 12 in every
/// followed cohort (+0.2, yearly +0.1); the growing window gives the upper end.
#[test]
fn p5_3_range_ordering_lower_central_upper() {
    let input = one(PrefectureSupply::new(
        "31",
        vec![men(2018, &[10.0; 4]), men(2020, &[10.0; 4]), men(2022, &[12.0, 12.0, 12.0, 12.0])],
    ));
    let p = project(&input, &to(2026), &rules()).unwrap();
    for y in &p.prefectures[0].years {
        let [steady, growing] = y.by_window[..] else { panic!("two windows") };
        assert!(growing > steady, "{y:?}");
        assert_eq!((y.total.lower, y.total.upper), (steady, growing));
        assert!(close(y.total.central, (steady + growing) / 2.0));
        assert!(y.total.lower <= y.total.central && y.total.central <= y.total.upper);
    }
    // 2023, steady window: intake (10 + 10)/2 = 10, 3 × 12 moved = 46; growing window: intake
    // (10 + 12)/2 = 11, 3 × 12 × 1.1 = 39.6, so 50.6.
    assert!(close(p.prefectures[0].years[0].by_window[0], 46.0));
    assert!(close(p.prefectures[0].years[0].by_window[1], 50.6));
}

/// The first bullet: prefecture projections are scaled per year so that they add up to the national
/// macro projection. Prefecture A steady at 70, B steady at 30 (as in the zero-change case); the nation
/// projects 200 in 2023 and 150 in 2024: factors 2 and 1.5, so A = 140 then 105, B = 60 then 45.
#[test]
fn p5_3_scaling_makes_the_sum_equal_the_national_figure() {
    let a = |year| table(year, &[10.0; 5], &[4.0; 5]);
    let b = |year| table(year, &[6.0; 5], &[0.0; 5]);
    let national =
        MacroProjection { totals: vec![(2023, 200.0), (2024, 150.0), (2030, 1.0)], includes_regional_quota: true };
    let input = SupplyInput {
        prefectures: vec![
            PrefectureSupply::new("13", vec![a(2020), a(2022)]),
            PrefectureSupply::new("14", vec![b(2020), b(2022)]),
        ],
        national: Some(national),
    };
    let p = project(&input, &to(2024), &rules()).unwrap();
    assert_eq!(p.scaling, vec![vec![2.0, 1.5]]);
    assert_eq!(totals(&p, 0), vec![(2023, [140.0; 3]), (2024, [105.0; 3])]);
    assert_eq!(totals(&p, 1), vec![(2023, [60.0; 3]), (2024, [45.0; 3])]);
    assert_eq!(p.national[0].total.central, 200.0);
    assert_eq!(p.national[1].total.central, 150.0);
    // By sex the same factor: A's men 50 × 2 = 100, women 20 × 2 = 40.
    assert_eq!(p.prefectures[0].years[0].by_sex[0].central, 100.0);
    assert_eq!(p.prefectures[0].years[0].by_sex[1].central, 40.0);
}

/// ※3: a secondary area keeps its current share of the prefecture, so the secondary projections
/// add up to the prefecture's. Current 300 / 100 / 100 → shares 0.6 / 0.2 / 0.2; the prefecture at 70
/// gives 42 / 14 / 14.
#[test]
fn p5_3_secondary_shares_sum_back_to_the_prefecture() {
    let t = |year| table(year, &[10.0; 5], &[4.0; 5]);
    let mut pref = PrefectureSupply::new("31", vec![t(2020), t(2022)]);
    pref.secondary = [("3101", 300.0), ("3102", 100.0), ("3103", 100.0)]
        .into_iter()
        .map(|(code, physicians)| SecondaryCount { code: code.into(), physicians })
        .collect();
    let p = project(&one(pref), &to(2025), &rules()).unwrap();
    let shares: Vec<f64> = p.prefectures[0].secondary.iter().map(|a| a.share).collect();
    assert_eq!(shares, vec![0.6, 0.2, 0.2]);
    assert!(close(p.prefectures[0].secondary[0].years[0].1.central, 42.0));
    for (k, year) in p.prefectures[0].years.iter().enumerate() {
        for pick in [|b: &Band| b.lower, |b: &Band| b.central, |b: &Band| b.upper] {
            let sum: f64 = p.prefectures[0].secondary.iter().map(|a| pick(&a.years[k].1)).sum();
            assert!(close(sum, pick(&year.total)), "{sum} vs {year:?}");
        }
    }
}

/// The third bullet: 地域枠 (臨時定員) physicians are projected separately, with their own rates and
/// intake, and are not scaled.
/// Survey 2020 [10, 10, 10, 10], 2022 [10, 10, 6, 6]; 地域枠 2020 [2, 2, 0, 0], 2022 [2, 2, 2, 2].
/// 地域枠: 2/2 − 1 = 0 for every followed cohort, intake (2 + 2)/2 = 2: 2023 = 2 + 2 + 2 + 2 = 8.
/// The rest 2020 [8, 8, 10, 10], 2022 [8, 8, 4, 4]: 4/8 − 1 = −0.5, yearly −0.25; intake 8:
/// 2023 = 8 + 8 × 0.75 + 8 × 0.75 + 4 × 0.75 = 23. Total 31.
/// Projected together the survey table would give 10 + 10 × 0.8 + 10 × 0.8 + 6 × 0.8 = 30.8.
#[test]
fn p5_3_regional_quota_projected_separately() {
    let surveys = vec![men(2020, &[10.0; 4]), men(2022, &[10.0, 10.0, 6.0, 6.0])];
    let mut pref = PrefectureSupply::new("31", surveys.clone());
    pref.regional_quota = vec![men(2020, &[2.0, 2.0, 0.0, 0.0]), men(2022, &[2.0; 4])];
    let p = project(&one(pref.clone()), &to(2023), &rules()).unwrap();
    let y = &p.prefectures[0].years[0];
    assert!(close(y.regional_quota.central, 8.0), "{y:?}");
    assert!(close(y.total.central, 31.0), "{y:?}");
    assert_eq!(p.prefectures[0].current_regional_quota, 8.0);
    let together = project(&one(PrefectureSupply::new("31", surveys)), &to(2023), &rules()).unwrap();
    assert!(close(together.prefectures[0].years[0].total.central, 30.8));

    // A national figure of 62 that counts them: the rest is scaled to 62 − 8 = 54, the quota stays 8.
    let input = SupplyInput {
        prefectures: vec![pref.clone()],
        national: Some(MacroProjection { totals: vec![(2023, 62.0)], includes_regional_quota: true }),
    };
    let p = project(&input, &to(2023), &rules()).unwrap();
    assert!(close(p.scaling[0][0], 54.0 / 23.0));
    assert!(close(p.prefectures[0].years[0].regional_quota.central, 8.0));
    assert!(close(p.prefectures[0].years[0].total.central, 62.0));
    // A national figure without them: the rest is scaled to 62 and the quota comes on top.
    let input = SupplyInput {
        prefectures: vec![pref],
        national: Some(MacroProjection { totals: vec![(2023, 62.0)], includes_regional_quota: false }),
    };
    let p = project(&input, &to(2023), &rules()).unwrap();
    assert!(close(p.prefectures[0].years[0].total.central, 70.0));
}

/// The shipped rule edition: the biennial survey, the ½, and 2036 as the default horizon.
#[test]
fn p5_3_rules_come_from_the_supply_edition() {
    let r = rules();
    assert_eq!(r.survey_interval_years.value, 2);
    assert_eq!(r.yearly_share_of_change.value.fraction(), 0.5);
    assert_eq!(SupplyOptions::new(&r).horizon, 2036);
    assert_eq!(r.percentiles.value, vec![5.0, 25.0, 50.0, 75.0, 95.0]);
    assert!(r.yearly_share_of_change.source.contains("２分の１"));
}

// --- Bad input -------------------------------------------------------------------------------------

fn steady(code: &str) -> PrefectureSupply {
    let t = |year| table(year, &[10.0; 5], &[4.0; 5]);
    PrefectureSupply::new(code, vec![t(2018), t(2020), t(2022)])
}

fn error(input: &SupplyInput) -> SupplyError {
    project(input, &to(2030), &rules()).unwrap_err()
}

#[test]
fn p5_3_bad_input_negative_count_is_named() {
    let mut p = steady("13");
    p.surveys[1].counts[1][2] = -1.0;
    let e = error(&one(p));
    assert!(matches!(e, SupplyError::NegativeCount { .. }));
    assert_eq!(e.to_string(), "prefecture 13, 三師調査 2020, 女性, 医籍登録後3年目: count -1 is negative");
}

#[test]
fn p5_3_bad_input_nan_is_named() {
    let mut p = steady("13");
    p.regional_quota = vec![men(2018, &[0.0; 5]), men(2020, &[0.0; 5]), men(2022, &[0.0, f64::NAN, 0.0, 0.0, 0.0])];
    let e = error(&one(p));
    assert_eq!(e.to_string(), "prefecture 13, 地域枠 2022, 男性, 医籍登録後2年目: count is not a finite number (NaN)");
}

/// The 三師調査 is biennial: tables three years apart are refused rather than silently rescaled.
/// (A window over several surveys is fine: its change is spread over its years.)
#[test]
fn p5_3_bad_input_surveys_not_two_years_apart() {
    let mut p = steady("13");
    p.surveys[2].year = 2023;
    let e = error(&one(p));
    assert!(matches!(e, SupplyError::SurveyInterval { gap: 3, expected: 2, .. }), "{e}");
    assert!(e.to_string().contains("surveys 2020 and 2023 are 3 years apart"), "{e}");
    let mut p = steady("13");
    p.surveys.swap(0, 1);
    assert!(matches!(error(&one(p)), SupplyError::SurveyInterval { gap: -2, .. }));
}

#[test]
fn p5_3_bad_input_mismatched_cohort_lengths() {
    let mut p = steady("13");
    p.surveys[2].counts[0].pop();
    let e = error(&one(p));
    assert_eq!(
        e.to_string(),
        "prefecture 13, 三師調査 2022, 男性: 4 cohorts (医籍登録後年数), expected 5 as in the first table"
    );
    let input = SupplyInput { prefectures: vec![steady("13"), steady("14")], national: None };
    let mut short = input.clone();
    short.prefectures[1].surveys.iter_mut().for_each(|t| t.counts.iter_mut().for_each(|c| c.truncate(3)));
    assert!(matches!(error(&short), SupplyError::CohortLength { found: 3, expected: 5, .. }));
    assert!(project_cohorts(&[1.0, 2.0], &[0.0], 0.0, 1).is_err());
    assert!(yearly_change_rates(&[1.0, 2.0, 3.0], &[1.0, 2.0], 2, &rules()).is_err());
}

#[test]
fn p5_3_bad_input_other_refusals_name_what_is_wrong() {
    let mut p = steady("13");
    p.regional_quota = vec![men(2018, &[0.0; 5]), men(2020, &[0.0; 5]), men(2022, &[11.0, 0.0, 0.0, 0.0, 0.0])];
    assert_eq!(
        error(&one(p)).to_string(),
        "prefecture 13, 地域枠 2022, 男性, 医籍登録後1年目: 地域枠 11 exceeds all physicians 10 of the 三師調査 table"
    );
    let mut p = steady("13");
    p.regional_quota.push(men(2022, &[0.0; 5]));
    assert!(matches!(error(&one(p)), SupplyError::QuotaYears { .. }));

    let mut p = steady("13");
    p.surveys.truncate(1);
    assert!(matches!(error(&one(p)), SupplyError::TooFewSurveys { found: 1, .. }));
    assert_eq!(error(&SupplyInput { prefectures: vec![], national: None }), SupplyError::NoPrefectures);
    let twice = SupplyInput { prefectures: vec![steady("13"), steady("13")], national: None };
    assert_eq!(error(&twice), SupplyError::DuplicatePrefecture("13".into()));
    let mut later = steady("14");
    later.surveys.remove(0);
    let differ = SupplyInput { prefectures: vec![steady("13"), later], national: None };
    assert!(matches!(error(&differ), SupplyError::SurveyYears { .. }));

    let input = one(steady("13"));
    assert!(matches!(
        project(&input, &to(2022), &rules()),
        Err(SupplyError::Horizon { horizon: 2022, base_year: 2022, .. })
    ));
    // A horizon no table can speak to is refused before anything is allocated for it.
    let e = project(&input, &to(i32::MAX), &rules()).unwrap_err();
    assert_eq!(e.to_string(), "horizon 2147483647 is not 1 to 100 years after the base survey 2022");
    let window = |from, to| SupplyOptions { horizon: 2030, windows: vec![ObservationWindow::new(from, to)] };
    for (from, to, problem) in [
        (2019, 2022, "2019 is not a survey year"),
        (2022, 2018, "must end after it starts"),
        (2018, 2022, "only 5 cohorts"),
    ] {
        let mut input = input.clone();
        if problem == "only 5 cohorts" {
            // A four-year window needs more than four cohorts: cut the tables to four.
            input.prefectures[0].surveys.iter_mut().for_each(|t| t.counts.iter_mut().for_each(|c| c.truncate(4)));
        }
        let e = project(&input, &window(from, to), &rules()).unwrap_err();
        let expect = if problem == "only 5 cohorts" { "only 4 cohorts" } else { problem };
        assert!(e.to_string().contains(expect), "{e}");
    }

    let mut national = input.clone();
    national.national = Some(MacroProjection { totals: vec![(2023, 100.0)], includes_regional_quota: true });
    let e = project(&national, &to(2024), &rules()).unwrap_err();
    assert!(e.to_string().starts_with("national projection 2024: no figure"), "{e}");
    national.national = Some(MacroProjection { totals: vec![(2023, f64::NAN)], includes_regional_quota: true });
    assert!(matches!(project(&national, &to(2023), &rules()), Err(SupplyError::BadNational { year: 2023, .. })));

    let mut p = steady("13");
    p.secondary = vec![SecondaryCount { code: "1301".into(), physicians: -5.0 }];
    assert!(error(&one(p)).to_string().starts_with("prefecture 13, secondary area 1301:"));
    let mut p = steady("13");
    p.secondary = vec![SecondaryCount { code: "1301".into(), physicians: 0.0 }];
    assert!(matches!(error(&one(p)), SupplyError::BadSecondary { .. }));
}

// --- Stochastic mode -------------------------------------------------------------------------------

/// Two prefectures whose windows disagree, with 地域枠, secondary areas and cohorts that grow, shrink
/// and empty.
fn uncertain() -> SupplyInput {
    let a = |year: i32, f: f64| {
        table(year, &[20.0 * f, 18.0, 16.0 * f, 15.0, 9.0 * f, 3.0], &[9.0, 8.0 * f, 7.0, 6.0, 2.0 * f, 1.0])
    };
    let b =
        |year: i32, f: f64| table(year, &[5.0 * f, 5.0, 4.0, 4.0 * f, 2.0, 0.0], &[3.0, 3.0, 2.0 * f, 2.0, 1.0, 0.0]);
    let mut first = PrefectureSupply::new("31", vec![a(2018, 1.0), a(2020, 1.3), a(2022, 0.8)]);
    first.regional_quota = vec![
        men(2018, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        men(2020, &[2.0, 1.0, 1.0, 0.0, 0.0, 0.0]),
        men(2022, &[3.0, 2.0, 1.0, 1.0, 0.0, 0.0]),
    ];
    first.secondary = vec![
        SecondaryCount { code: "3101".into(), physicians: 60.0 },
        SecondaryCount { code: "3102".into(), physicians: 40.0 },
    ];
    let second = PrefectureSupply::new("32", vec![b(2018, 1.1), b(2020, 0.7), b(2022, 1.2)]);
    SupplyInput { prefectures: vec![first, second], national: None }
}

#[test]
fn p5_3_stochastic_same_seed_same_output() {
    let r = rules();
    let options = StochasticOptions::new(300, 42, &r);
    let first = project_stochastic(&uncertain(), &to(2036), &options, &r).unwrap();
    let again = project_stochastic(&uncertain(), &to(2036), &options, &r).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.seed, 42);
    assert_eq!(first.runs, 300);
    let other = project_stochastic(&uncertain(), &to(2036), &StochasticOptions::new(300, 43, &r), &r).unwrap();
    assert_ne!(first.prefectures, other.prefectures);
    // The bands are bands: the windows disagree, so p5 < p95 in 2036.
    let y2036 = first.prefectures[0].years.last().unwrap();
    assert_eq!(y2036.year, 2036);
    assert!(y2036.values[0] < y2036.values[4], "{y2036:?}");
}

/// With one window there is nothing to draw: every run, so every percentile, is the deterministic
/// projection — also where the runs skip the cohorts nobody can reach by the horizon (地域枠 only in
/// the first three of twenty cohorts, four years ahead; no women on the quota at all).
#[test]
fn p5_3_stochastic_with_one_window_is_the_deterministic_projection() {
    let r = rules();
    let mut young = PrefectureSupply::new(
        "33",
        (0..3).map(|i| table(2018 + 2 * i, &[30.0 + f64::from(i); 20], &[12.0 - f64::from(i); 20])).collect(),
    );
    let quota = |first: f64| {
        let mut v = vec![0.0; 20];
        v[..3].copy_from_slice(&[first, 2.0, 1.0]);
        v
    };
    young.regional_quota = (0..3).map(|i| men(2018 + 2 * i, &quota(3.0 + f64::from(i)))).collect();
    for (input, horizon) in [(uncertain(), 2030), (one(young), 2026)] {
        let options = SupplyOptions { horizon, windows: vec![ObservationWindow::new(2020, 2022)] };
        let deterministic = project(&input, &options, &r).unwrap();
        let stochastic = project_stochastic(&input, &options, &StochasticOptions::new(20, 7, &r), &r).unwrap();
        for (d, s) in deterministic.prefectures.iter().zip(&stochastic.prefectures) {
            assert_eq!(d.years.len(), s.years.len());
            for (dy, sy) in d.years.iter().zip(&s.years) {
                assert!(sy.values.iter().all(|v| close(*v, dy.total.central)), "{dy:?} vs {sy:?}");
            }
        }
    }
}

/// Each run is scaled like the deterministic projection: the nation equals the macro figure in every
/// run, and the secondary areas are the prefecture times their share.
#[test]
fn p5_3_stochastic_runs_are_scaled_and_shared_like_the_deterministic_ones() {
    let r = rules();
    let mut input = uncertain();
    let totals = (2023..=2030).map(|y| (y, 150.0 + f64::from(y - 2022))).collect();
    input.national = Some(MacroProjection { totals, includes_regional_quota: true });
    let options = SupplyOptions { horizon: 2030, windows: vec![] };
    let s = project_stochastic(&input, &options, &StochasticOptions::new(200, 9, &r), &r).unwrap();
    for (k, year) in s.national.iter().enumerate() {
        assert!(year.values.iter().all(|v| close(*v, 151.0 + k as f64)), "{year:?}");
    }
    let pref = &s.prefectures[0];
    for area in &pref.secondary {
        for (a, p) in area.years.iter().zip(&pref.years) {
            assert!(a.values.iter().zip(&p.values).all(|(a, p)| close(*a, p * area.share)));
        }
    }
}

#[test]
fn p5_3_stochastic_bad_options_are_refused() {
    let r = rules();
    let mut options = StochasticOptions::new(0, 1, &r);
    let run = |o: &StochasticOptions| project_stochastic(&uncertain(), &to(2030), o, &r);
    assert!(matches!(run(&options), Err(SupplyError::BadOptions(_))));
    options.runs = 10;
    options.percentiles = vec![50.0, 25.0];
    assert!(run(&options).unwrap_err().to_string().contains("not strictly ascending"));
    options.percentiles = vec![101.0];
    assert!(run(&options).unwrap_err().to_string().contains("not within 0–100"));
}

// --- Properties ------------------------------------------------------------------------------------

/// 2–4 biennial surveys of 3–8 cohorts per sex, whole counts 0–200, and a 地域枠 table below them.
fn prefecture() -> impl Strategy<Value = PrefectureSupply> {
    (2usize..=4, 3usize..=8)
        .prop_flat_map(|(surveys, cohorts)| {
            let counts = prop::collection::vec(prop::collection::vec(0u32..200, cohorts * 2), surveys);
            let quota = prop::collection::vec(prop::collection::vec(0u32..=100, cohorts * 2), surveys);
            (counts, quota, any::<bool>())
        })
        .prop_map(|(counts, quota, with_quota)| {
            let tables = |f: &dyn Fn(usize, usize) -> f64| -> Vec<CohortTable> {
                (0..counts.len())
                    .map(|s| {
                        let n = counts[s].len() / 2;
                        let v: Vec<f64> = (0..2 * n).map(|i| f(s, i)).collect();
                        table(2016 + 2 * s as i32, &v[..n], &v[n..])
                    })
                    .collect()
            };
            let mut p = PrefectureSupply::new("31", tables(&|s, i| f64::from(counts[s][i])));
            if with_quota {
                // A percentage of the survey count, so it never exceeds it.
                p.regional_quota = tables(&|s, i| (f64::from(counts[s][i]) * f64::from(quota[s][i]) / 100.0).floor());
            }
            p.secondary = vec![
                SecondaryCount { code: "3101".into(), physicians: 3.0 },
                SecondaryCount { code: "3102".into(), physicians: 1.0 },
            ];
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Counts never go negative and every band is ordered, in every area and year.
    #[test]
    fn p5_3_projected_counts_are_non_negative_and_bands_ordered(p in prefecture(), years in 1i32..20) {
        let horizon = p.surveys.last().unwrap().year + years;
        let proj = project(&one(p), &to(horizon), &rules()).unwrap();
        for y in proj.prefectures[0].years.iter().chain(&proj.national) {
            for b in [y.total, y.by_sex[0], y.by_sex[1], y.regional_quota] {
                prop_assert!(b.lower >= 0.0 && b.lower <= b.central && b.central <= b.upper, "{y:?}");
            }
            prop_assert!(y.regional_quota.upper <= y.total.upper + 1e-9);
        }
        for a in &proj.prefectures[0].secondary {
            prop_assert!(a.years.iter().all(|(_, b)| b.lower >= 0.0 && b.lower <= b.central && b.central <= b.upper));
        }
    }

    /// Higher yearly rates never give fewer physicians, in any cohort or year.
    #[test]
    fn p5_3_projection_is_monotonic_in_the_rates(
        base in prop::collection::vec(0.0f64..500.0, 1..30),
        seed in prop::collection::vec((-1.5f64..0.5, 0.0f64..0.3), 30),
        intake in 0.0f64..100.0,
        years in 1usize..40,
    ) {
        let n = base.len();
        let low: Vec<f64> = seed[..n].iter().map(|(r, _)| *r).collect();
        let high: Vec<f64> = seed[..n].iter().map(|(r, up)| r + up).collect();
        let a = project_cohorts(&base, &low, intake, years).unwrap();
        let b = project_cohorts(&base, &high, intake, years).unwrap();
        for (ya, yb) in a.iter().zip(&b) {
            for (ca, cb) in ya.iter().zip(yb) {
                prop_assert!(ca >= &0.0 && ca <= cb, "{ca} > {cb}");
            }
        }
    }

    /// More physicians at the end of the windows (higher observed rates, a larger base and intake)
    /// never lower a projected total.
    #[test]
    fn p5_3_more_physicians_observed_never_lower_the_projection(p in prefecture(), cell in 0usize..16, extra in 1u32..50) {
        let mut more = p.clone();
        let last = more.surveys.last_mut().unwrap();
        let n = last.counts[0].len();
        last.counts[cell % 2][cell / 2 % n] += f64::from(extra);
        let a = project(&one(p), &to(2040), &rules()).unwrap();
        let b = project(&one(more), &to(2040), &rules()).unwrap();
        for (ya, yb) in a.prefectures[0].years.iter().zip(&b.prefectures[0].years) {
            prop_assert!(ya.total.central <= yb.total.central + 1e-9, "{ya:?} vs {yb:?}");
            prop_assert!(ya.total.lower <= yb.total.lower + 1e-9 && ya.total.upper <= yb.total.upper + 1e-9);
        }
    }

    /// Scaled to a national projection, the prefectures' central values add up to it in every year.
    #[test]
    fn p5_3_scaled_central_values_add_up_to_the_nation(a in prefecture(), national in 100.0f64..10_000.0) {
        let mut b = a.clone();
        b.code = "32".into();
        b.surveys.iter_mut().for_each(|t| t.counts.iter_mut().flatten().for_each(|c| *c += 1.0));
        let base = a.surveys.last().unwrap().year;
        let totals = (base + 1..=base + 5).map(|y| (y, national)).collect();
        let input = SupplyInput {
            prefectures: vec![a, b],
            national: Some(MacroProjection { totals, includes_regional_quota: false }),
        };
        let p = project(&input, &to(base + 5), &rules()).unwrap();
        for k in 0..5 {
            let rest: f64 = p.prefectures.iter().map(|x| x.years[k].total.central - x.years[k].regional_quota.central).sum();
            prop_assert!((rest - national).abs() <= 1e-6 * national, "{rest} vs {national}");
        }
    }

    /// Stochastic percentiles are ordered in every area and year.
    #[test]
    fn p5_3_stochastic_percentiles_are_ordered(p in prefecture(), seed in any::<u64>()) {
        let r = rules();
        let horizon = p.surveys.last().unwrap().year + 10;
        let s = project_stochastic(&one(p), &to(horizon), &StochasticOptions::new(40, seed, &r), &r).unwrap();
        let pref = &s.prefectures[0];
        for y in pref.years.iter().chain(&s.national).chain(pref.secondary.iter().flat_map(|a| &a.years)) {
            prop_assert!(y.values.windows(2).all(|w| w[0] <= w[1]) && y.values[0] >= 0.0, "{y:?}");
        }
    }
}
