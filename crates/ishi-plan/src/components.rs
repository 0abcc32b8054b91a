//! Component mode (SPEC P2.7 b): the index from published `std_physicians`, `population` and
//! `std_utilization_ratio`, where a published index, when there is one, is the value of record.

use crate::error::PlanError;

/// The three published components of an area's index (P2.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Components {
    /// 標準化医師数 — standardized physicians.
    pub std_physicians: f64,
    /// 人口 — population (persons).
    pub population: f64,
    /// 標準化受療率比 — standardized utilization ratio.
    pub std_utilization_ratio: f64,
}

impl Components {
    /// P2.1: `std_physicians / (population / per × std_utilization_ratio)`.
    pub fn index(&self, per_population: f64) -> Result<f64, String> {
        let demand = self.population / per_population * self.std_utilization_ratio;
        if !(demand > 0.0) || !demand.is_finite() {
            return Err(format!(
                "population × std_utilization_ratio must be positive (population {}, ratio {})",
                self.population, self.std_utilization_ratio
            ));
        }
        let index = self.std_physicians / demand;
        if !index.is_finite() {
            return Err(format!("the index computed from the components is not a finite number ({index})"));
        }
        Ok(index)
    }
}

/// Where an index value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexSource {
    /// The published value (value of record, P2.7).
    Published,
    /// Computed here from components (P2.1) because the input gave none.
    Computed,
}

impl IndexSource {
    pub fn as_str(self) -> &'static str {
        match self {
            IndexSource::Published => "published",
            IndexSource::Computed => "computed",
        }
    }
}

/// P2.7: the index of record: the published one when given, else computed from the components.
pub fn index_of_record(
    code: &str,
    published: Option<f64>,
    components: Option<&Components>,
    per_population: f64,
) -> Result<(f64, IndexSource), PlanError> {
    match (published, components) {
        (Some(index), _) => Ok((index, IndexSource::Published)),
        (None, Some(c)) => c
            .index(per_population)
            .map(|i| (i, IndexSource::Computed))
            .map_err(|problem| PlanError::BadArea { code: code.into(), problem }),
        (None, None) => Err(PlanError::BadArea {
            code: code.into(),
            problem: "neither an index nor its components are given".into(),
        }),
    }
}

/// P2.8 in component mode: national value = Σ std_physicians / (Σ population / per); the national
/// ratio is 1 by definition. `None` unless every area has its components.
pub fn national_value<'a>(
    components: impl IntoIterator<Item = Option<&'a Components>>,
    per_population: f64,
) -> Option<f64> {
    let (mut physicians, mut population) = (0.0, 0.0);
    for c in components {
        let c = c?;
        physicians += c.std_physicians;
        population += c.population;
    }
    (population > 0.0).then(|| physicians / (population / per_population))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_1_index_from_components_hand_computed() {
        // 0101 南渡島: 883 / (3.63 × 1.184) = 883 / 4.29792 = 205.45… → published 205.5.
        let c = Components { std_physicians: 883.0, population: 363_000.0, std_utilization_ratio: 1.184 };
        let index = c.index(100_000.0).unwrap();
        assert!((index - 205.448).abs() < 0.001, "{index}");
    }

    #[test]
    fn p2_7_published_index_is_the_value_of_record() {
        // 0102 南檜山: components give 141.4, the published index is 139.0.
        let c = Components { std_physicians: 26.0, population: 21_500.0, std_utilization_ratio: 0.855 };
        let (v, src) = index_of_record("0102", Some(139.0), Some(&c), 1e5).unwrap();
        assert_eq!((v, src), (139.0, IndexSource::Published));
        let (v, src) = index_of_record("0102", None, Some(&c), 1e5).unwrap();
        assert_eq!(src, IndexSource::Computed);
        assert!((v - 141.4).abs() < 0.05);
    }

    #[test]
    fn p2_1_overflowing_components_are_refused() {
        let c = Components { std_physicians: 1e308, population: 1e-3, std_utilization_ratio: 1e-3 };
        assert!(c.index(1e5).is_err());
    }

    #[test]
    fn p2_7_zero_population_without_index_is_refused() {
        let c = Components { std_physicians: 26.0, population: 0.0, std_utilization_ratio: 0.855 };
        assert!(index_of_record("0102", None, Some(&c), 1e5).is_err());
        assert!(index_of_record("0102", None, None, 1e5).is_err());
    }

    #[test]
    fn p2_8_national_value_from_components() {
        let a = Components { std_physicians: 300.0, population: 100_000.0, std_utilization_ratio: 1.2 };
        let b = Components { std_physicians: 100.0, population: 100_000.0, std_utilization_ratio: 0.8 };
        assert_eq!(national_value([Some(&a), Some(&b)], 1e5), Some(200.0));
        assert_eq!(national_value([Some(&a), None], 1e5), None);
    }
}
