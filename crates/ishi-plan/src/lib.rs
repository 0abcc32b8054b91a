//! # ishi-plan — the 医師確保計画 (physician securing plan) domain
//!
//! Pure planning rules of SPEC part P: no I/O, no clock, no database. Inputs in, results out; a
//! reference date, where one matters, is passed in.
//!
//! Main types:
//! - [`RuleEdition`] — a dated edition of the rules (X1): `2019` (第7次) and `2024` (第8次前期), each
//!   number with its source. [`RuleEdition::builtin`] returns the shipped ones.
//! - [`SecondaryArea`] / [`TertiaryArea`] — 二次医療圏 and 三次医療圏 (P1).
//! - [`components`] — the index from published components (P2.7 b); [`raw`] — the index from
//!   physician records, population, national rates and hours (P2.1–P2.6); [`variant`] — P2.9.
//! - [`designation`] — 医師多数/中程度/少数区域 in rank or fixed threshold mode (P3.1–P3.2), with
//!   overrides (P3.3) kept beside the mechanical result.
//!
//! ```
//! use ishi_plan::{RuleEdition, Level, designation::{AreaIndex, designate}};
//!
//! let edition = RuleEdition::builtin("2024").unwrap();
//! let areas = vec![
//!     AreaIndex::new("0104", 282.4),
//!     AreaIndex::new("0906", 179.3),
//!     AreaIndex::new("0102", 139.0),
//! ];
//! let result = designate(&areas, &edition.threshold_rule(Level::Secondary)).unwrap();
//! assert_eq!(result.areas[0].designation.as_ja(), "多数");
//! // A value equal to a cut-off belongs to the band above it (see `designation`).
//! assert_eq!(result.areas[1].designation.as_ja(), "中程度");
//! assert_eq!(result.areas[2].designation.as_ja(), "少数");
//! ```

// Sex × age-band matrices read best with explicit indices; `!(x > 0.0)` is deliberate: it also
// refuses NaN.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

pub mod area;
pub mod certification;
/// Dates live in their own crate, shared with the renewal domain.
pub use ishi_calendar as calendar;
pub mod components;
pub mod designation;
pub mod dispatch;
pub mod edition;
pub mod error;
pub mod future;
pub mod plan_edition;
pub mod policy;
pub mod population;
pub mod random;
pub mod raw;
pub mod supply;
pub mod table;
pub mod target;
pub mod variant;

pub use area::{AreaCode, Level, PREFECTURES, Prefecture, SecondaryArea, TertiaryArea};
pub use calendar::CalendarDate;
pub use designation::{Designation, Override};
pub use edition::{PlanPeriod, RuleEdition, Sourced, TargetMethod};
pub use error::PlanError;
pub use table::{AreaEntry, PlanRow, PlanTable};
