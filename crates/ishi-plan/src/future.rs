//! The future year (将来時点, 2036): 必要医師数 (required physicians, P5.1), 偏在対策基準医師数 (baseline
//! physicians, P5.2), the gap to the projected supply and its split into short-term and long-term
//! measures (P5.4).
//!
//! Main types: [`FutureInput`] (an area's population and ratio in the future year, and its projected
//! supply), [`FutureParameters`] and [`FutureNeed`].
//!
//! **How the gap splits (P5.4; decided here, the seed says only "一定程度").** The part of the gap that
//! keeps the area below 偏在対策基準医師数 — the physicians it needs to stop being 少数 in the future year —
//! is the long-term part (地域枠・地元出身者枠, which the 第8次 guideline sizes against that count); the rest
//! of the gap, up to 必要医師数, is the short-term part (dispatch, retention).
//!
//! ```
//! use ishi_plan::future::{FutureInput, FutureParameters, future_need};
//!
//! let p = FutureParameters { per_population: 100_000.0, national_value: 250.0, lower_threshold: 180.0 };
//! // 50,000 people, ratio 1.2 in 2036 → demand 0.6; 120 physicians projected.
//! let n = future_need(&FutureInput::new("X", 50_000.0, 1.2, Some(100.0)), &p).unwrap();
//! assert_eq!(n.required, 150.0); // 250 × 0.6
//! assert_eq!(n.baseline, 108.0); // 180 × 0.6
//! assert_eq!(n.gap(), Some(50.0));
//! assert_eq!(n.long_term_part(), Some(8.0)); // up to the baseline: 108 − 100
//! assert_eq!(n.short_term_part(), Some(42.0)); // the rest: 150 − 108
//! ```

use crate::area::AreaCode;
use crate::designation::{Designation, Thresholds};
use crate::error::PlanError;

/// One area in the future year.
#[derive(Debug, Clone, PartialEq)]
pub struct FutureInput {
    pub code: AreaCode,
    /// Population in the future year (persons).
    pub population: f64,
    /// Standardized utilization ratio in the future year.
    pub ratio: f64,
    /// Projected physicians in the future year (P5.3), when there is a projection.
    pub supply: Option<f64>,
}

impl FutureInput {
    pub fn new(code: impl Into<AreaCode>, population: f64, ratio: f64, supply: Option<f64>) -> Self {
        Self { code: code.into(), population, ratio, supply }
    }
}

/// What the future is measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FutureParameters {
    pub per_population: f64,
    /// 全国値 in the future year when national supply equals demand (P5.1).
    pub national_value: f64,
    /// Today's bottom-1/3 threshold (P5.2).
    pub lower_threshold: f64,
}

/// 必要医師数 and 偏在対策基準医師数 of one area, and its gap.
#[derive(Debug, Clone, PartialEq)]
pub struct FutureNeed {
    pub code: AreaCode,
    /// P5.1: `national_value × population/1e5 × ratio`.
    pub required: f64,
    /// P5.2: `lower_threshold × population/1e5 × ratio`.
    pub baseline: f64,
    pub supply: Option<f64>,
    /// population/1e5 × ratio — the index's denominator in the future year.
    pub demand: f64,
}

impl FutureNeed {
    /// P5.4: `required − supply`, never below zero; `None` without a projection.
    pub fn gap(&self) -> Option<f64> {
        self.supply.map(|s| (self.required - s).max(0.0))
    }

    /// P5.4, long-term part: the shortfall against 偏在対策基準医師数 (module doc).
    pub fn long_term_part(&self) -> Option<f64> {
        let gap = self.gap()?;
        Some((self.baseline - self.supply?).clamp(0.0, gap))
    }

    /// P5.4, short-term part: the rest of the gap.
    pub fn short_term_part(&self) -> Option<f64> {
        Some(self.gap()? - self.long_term_part()?)
    }

    /// The index in the future year with the projected supply.
    pub fn future_index(&self) -> Option<f64> {
        self.supply.map(|s| s / self.demand)
    }

    /// The future designation against `thresholds` (fixed cut-offs, or today's; P5.2 measures the future
    /// against today's bottom-1/3 threshold).
    pub fn future_designation(&self, thresholds: &Thresholds) -> Option<Designation> {
        self.future_index().map(|i| thresholds.band(i))
    }
}

/// P5.1–P5.2 for one area.
pub fn future_need(input: &FutureInput, p: &FutureParameters) -> Result<FutureNeed, PlanError> {
    let bad = |problem: String| Err(PlanError::BadArea { code: input.code.to_string(), problem });
    if !(input.population > 0.0) || !input.population.is_finite() {
        return bad(format!("the future population must be a positive number (got {})", input.population));
    }
    if !(input.ratio > 0.0) || !input.ratio.is_finite() {
        return bad(format!("the future utilization ratio must be a positive number (got {})", input.ratio));
    }
    if let Some(s) = input.supply
        && (!(s >= 0.0) || !s.is_finite())
    {
        return bad(format!("the projected supply must be a number ≥ 0 (got {s})"));
    }
    for (what, v) in [("national_value", p.national_value), ("lower_threshold", p.lower_threshold)] {
        if !(v > 0.0) || !v.is_finite() {
            return Err(PlanError::BadInput(format!("future parameter {what} must be a positive number (got {v})")));
        }
    }
    let demand = input.population / p.per_population * input.ratio;
    Ok(FutureNeed {
        code: input.code.clone(),
        required: p.national_value * demand,
        baseline: p.lower_threshold * demand,
        supply: input.supply,
        demand,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: FutureParameters =
        FutureParameters { per_population: 100_000.0, national_value: 250.0, lower_threshold: 180.0 };

    #[test]
    fn p5_1_required_physicians_put_the_index_at_the_national_value() {
        // 300,000 people × ratio 0.8 → demand 2.4; 250 × 2.4 = 600; at 600 the index is 600 / 2.4 = 250.
        let n = future_need(&FutureInput::new("X", 300_000.0, 0.8, Some(600.0)), &P).unwrap();
        assert!((n.required - 600.0).abs() < 1e-9);
        assert!((n.future_index().unwrap() - 250.0).abs() < 1e-9);
        assert!(n.gap().unwrap() < 1e-9);
    }

    #[test]
    fn p5_2_baseline_physicians_put_the_index_at_todays_threshold() {
        // demand 2.4; 180 × 2.4 = 432.
        let n = future_need(&FutureInput::new("X", 300_000.0, 0.8, Some(400.0)), &P).unwrap();
        assert!((n.baseline - 432.0).abs() < 1e-9);
        let t = Thresholds { upper: Some(217.6), lower: Some(180.0), from_rank: false };
        // 400 / 2.4 = 166.7 < 180 → 少数 in the future.
        assert_eq!(n.future_designation(&t), Some(Designation::Scarce));
    }

    #[test]
    fn p5_4_gap_splits_into_long_term_up_to_the_baseline_and_short_term_beyond() {
        // demand 1.0: required 250, baseline 180.
        let at = |supply| future_need(&FutureInput::new("X", 100_000.0, 1.0, Some(supply)), &P).unwrap();
        // supply 150: gap 100 = long 30 (180 − 150) + short 70 (250 − 180).
        let n = at(150.0);
        assert_eq!((n.gap(), n.long_term_part(), n.short_term_part()), (Some(100.0), Some(30.0), Some(70.0)));
        // supply 200, above the baseline: gap 50, all short-term.
        let n = at(200.0);
        assert_eq!((n.gap(), n.long_term_part(), n.short_term_part()), (Some(50.0), Some(0.0), Some(50.0)));
        // supply 300, above the required count: no gap.
        let n = at(300.0);
        assert_eq!((n.gap(), n.long_term_part(), n.short_term_part()), (Some(0.0), Some(0.0), Some(0.0)));
        // Without a projection there is no gap to split.
        let n = future_need(&FutureInput::new("X", 100_000.0, 1.0, None), &P).unwrap();
        assert_eq!((n.gap(), n.long_term_part()), (None, None));
    }

    #[test]
    fn p5_bad_future_inputs_name_the_area() {
        let err = future_need(&FutureInput::new("X", -1.0, 1.0, None), &P).unwrap_err();
        assert!(err.to_string().starts_with("area X: the future population"), "{err}");
        assert!(future_need(&FutureInput::new("X", 1.0, f64::NAN, None), &P).is_err());
        assert!(future_need(&FutureInput::new("X", 1.0, 1.0, Some(-3.0)), &P).is_err());
    }
}
