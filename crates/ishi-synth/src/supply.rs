//! SYNTHETIC supply-projection input (P5.3): 47 prefectures, 2 sexes × 60 cohorts (医籍登録後年数), five
//! biennial surveys 2014–2022, 地域枠 physicians in the young cohorts, seven secondary areas each and a
//! macro projection. 合成データ: not MHLW figures. Used by `ishi plan supply --synthetic` and the bench.

use ishi_plan::PREFECTURES;
use ishi_plan::random::SplitMix64;
use ishi_plan::supply::{CohortTable, MacroProjection, PrefectureSupply, SecondaryCount, SupplyInput};

/// Cohorts (医籍登録後年数 1..=60).
pub const COHORTS: usize = 60;
/// The SYNTHETIC survey years.
pub const SURVEYS: [i32; 5] = [2014, 2016, 2018, 2020, 2022];
/// The first year 地域枠 (臨時定員) graduates appear as 1年目 in the SYNTHETIC data.
const FIRST_QUOTA_YEAR: i32 = 2010;

/// A SYNTHETIC nation of 47 prefectures from `seed` (same seed, same data).
pub fn synthetic_supply(seed: u64) -> SupplyInput {
    let mut rng = SplitMix64::new(seed);
    let rng = &mut rng;
    let prefectures = PREFECTURES
        .iter()
        .map(|pref| {
            // Physicians entering per year: 40–1,200 by prefecture size.
            let intake = rng.range(40.0, 1200.0);
            let female_share = rng.range(0.25, 0.4);
            let trend = rng.range(-0.01, 0.02);
            // A cohort's head count: full in mid career, falling after 35 years and gone by 60.
            let profile = |y: usize| if y < 35 { 1.0 } else { ((COHORTS - y) as f64 / 25.0).max(0.0) };
            let mut surveys = vec![];
            let mut quota = vec![];
            for &year in &SURVEYS {
                let growth = 1.0 + trend * f64::from(year - 2014);
                let mut counts: [Vec<f64>; 2] = [vec![], vec![]];
                let mut q: [Vec<f64>; 2] = [vec![], vec![]];
                for y in 0..COHORTS {
                    // Women are a larger share of the young cohorts.
                    let female = female_share * if y < 20 { 1.2 } else { 0.6 };
                    for (s, share) in [1.0 - female, female].into_iter().enumerate() {
                        let n = (intake * share * profile(y) * growth * rng.range(0.9, 1.1)).round();
                        let registered = year - y as i32;
                        let on_quota =
                            if registered >= FIRST_QUOTA_YEAR { (n * rng.range(0.03, 0.08)).round() } else { 0.0 };
                        counts[s].push(n);
                        q[s].push(on_quota);
                    }
                }
                surveys.push(CohortTable { year, counts });
                quota.push(CohortTable { year, counts: q });
            }
            let secondary = (1..=7)
                .map(|i| SecondaryCount {
                    code: format!("{}{i:02}", pref.code).as_str().into(),
                    physicians: rng.range(100.0, 3000.0).round(),
                })
                .collect();
            PrefectureSupply { code: pref.code.into(), surveys, regional_quota: quota, secondary }
        })
        .collect::<Vec<_>>();
    let now: f64 =
        prefectures.iter().flat_map(|p| p.surveys.last().expect("five surveys").counts.iter().flatten()).sum();
    let totals = (2023..=2036).map(|year| (year, now * (1.0 + 0.004 * f64::from(year - 2022)))).collect();
    SupplyInput { prefectures, national: Some(MacroProjection { totals, includes_regional_quota: true }) }
}
