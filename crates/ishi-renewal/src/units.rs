//! 単位 (units) as an exact count of half units.
//!
//! Units come in halves at most (a 1.5-hour lecture is 1.5 units; see the edition's
//! `hour_granularity`), so they are held as an integer number of halves: sums and caps are exact and
//! never drift the way floats would, and evaluation stays branch-light integer arithmetic.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A number of 単位, exact to the half unit. Arithmetic saturates; subtraction floors at zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Units(u32);

impl Units {
    pub const ZERO: Units = Units(0);

    /// `n` whole units.
    pub const fn whole(n: u32) -> Self {
        Units(n.saturating_mul(2))
    }

    /// `n` half units.
    pub const fn from_halves(n: u32) -> Self {
        Units(n)
    }

    /// Units from a real number, rounded down to the half unit (never up: a unit not earned is not given).
    pub fn floor_half(x: f64) -> Self {
        if x.is_nan() || x <= 0.0 {
            return Units(0);
        }
        // 1e-9 absorbs binary noise such as 1.4999999999 for 1.5 without rounding anything real up.
        // For positive x the cast truncates (= floor) and saturates at u32::MAX, without a libm call.
        Units(((x * 2.0) + 1e-9) as u32)
    }

    pub const fn halves(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 2.0
    }

    /// `self − other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Units) -> Units {
        Units(self.0.saturating_sub(other.0))
    }

    /// Whole units needed to reach at least `self` (1.5 → 2): what a person must still attend.
    pub fn ceil_whole(self) -> u32 {
        self.0.div_ceil(2)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add for Units {
    type Output = Units;
    fn add(self, rhs: Units) -> Units {
        Units(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Units {
    fn add_assign(&mut self, rhs: Units) {
        *self = *self + rhs;
    }
}

impl Sub for Units {
    type Output = Units;
    fn sub(self, rhs: Units) -> Units {
        self.saturating_sub(rhs)
    }
}

impl std::iter::Sum for Units {
    fn sum<I: Iterator<Item = Units>>(iter: I) -> Units {
        iter.fold(Units::ZERO, Add::add)
    }
}

/// `12` or `1.5`.
impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(2) { write!(f, "{}", self.0 / 2) } else { write!(f, "{}.5", self.0 / 2) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r3_2_hours_round_down_to_the_half_unit() {
        assert_eq!(Units::floor_half(1.5), Units::from_halves(3));
        assert_eq!(Units::floor_half(1.74), Units::from_halves(3));
        assert_eq!(Units::floor_half(0.49), Units::ZERO);
        assert_eq!(Units::floor_half(-2.0), Units::ZERO);
        assert_eq!(Units::floor_half(f64::NAN), Units::ZERO);
        assert_eq!(Units::floor_half(0.1 + 0.2 + 1.2), Units::from_halves(3));
    }

    #[test]
    fn units_display_whole_or_half() {
        assert_eq!(Units::whole(12).to_string(), "12");
        assert_eq!(Units::from_halves(3).to_string(), "1.5");
        assert_eq!(Units::from_halves(3).ceil_whole(), 2);
        assert_eq!(Units::whole(2) - Units::whole(5), Units::ZERO);
    }
}
