//! SPEC P3.1–P3.2: properties of designation that hold for any set of values.

use ishi_plan::designation::{AreaIndex, ThresholdRule, designate};
use ishi_plan::edition::Share;
use proptest::prelude::*;

fn areas(values: &[f64]) -> Vec<AreaIndex> {
    values.iter().enumerate().map(|(i, v)| AreaIndex::new(format!("{i:04}").as_str(), *v)).collect()
}

fn thirds() -> ThresholdRule {
    ThresholdRule::Rank { top_share: Share::new(1.0 / 3.0), bottom_share: Share::new(1.0 / 3.0) }
}

/// Values with one decimal, as published, so that ties occur.
fn values() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((500u32..4000).prop_map(|v| v as f64 / 10.0), 1..400)
}

proptest! {
    /// A higher index never gets a lower designation; equal indexes get the same one.
    #[test]
    fn p3_2_designation_is_monotone_in_the_index_and_ties_never_split(v in values(), fixed in any::<bool>()) {
        let rule = if fixed { ThresholdRule::Fixed { upper: Some(217.6), lower: Some(179.3) } } else { thirds() };
        let d = designate(&areas(&v), &rule).unwrap();
        for a in &d.areas {
            for b in &d.areas {
                if a.index > b.index {
                    prop_assert!(a.designation <= b.designation, "{a:?} vs {b:?}");
                    prop_assert!(a.rank < b.rank);
                }
                if a.index == b.index {
                    prop_assert_eq!(a.designation, b.designation);
                    prop_assert_eq!(a.rank, b.rank);
                }
            }
        }
    }

    /// With distinct values, rank mode designates ⌈(n−1)/3⌉ areas at each end:
    /// #多数 = n − ⌈h_u⌉ with h_u = (n−1)·2/3, #少数 = ⌈h_l⌉ with h_l = (n−1)/3.
    #[test]
    fn p3_1_rank_mode_counts_with_distinct_values(n in 1usize..500) {
        let v: Vec<f64> = (0..n).map(|i| 100.0 + i as f64 * 0.7).collect();
        let d = designate(&areas(&v), &thirds()).unwrap();
        let (a, i, s) = d.counts();
        let third = (n - 1).div_ceil(3);
        prop_assert_eq!(s, third);
        prop_assert_eq!(a, n - (2 * (n - 1)).div_ceil(3));
        prop_assert_eq!(a + i + s, n);
    }

    /// Ranks are competition ranks: 1 + the number of strictly greater values.
    #[test]
    fn p3_1_rank_is_one_plus_strictly_greater(v in values()) {
        let d = designate(&areas(&v), &thirds()).unwrap();
        for a in &d.areas {
            let greater = v.iter().filter(|x| **x > a.index).count();
            prop_assert_eq!(a.rank, greater + 1);
        }
    }

    /// Order of the input never changes anyone's designation or rank.
    #[test]
    fn p3_1_input_order_does_not_matter(v in values()) {
        let d = designate(&areas(&v), &thirds()).unwrap();
        let mut reversed = areas(&v);
        reversed.reverse();
        let r = designate(&reversed, &thirds()).unwrap();
        for a in &d.areas {
            let b = r.areas.iter().find(|b| b.code == a.code).unwrap();
            prop_assert_eq!((a.rank, a.designation), (b.rank, b.designation));
        }
    }
}
