//! 形成外科領域専門医更新 — the renewal domain of ishi (SPEC part R).
//!
//! A plastic-surgery specialist renews every five years with 50 units in four categories (診療実績,
//! 専門医共通講習, 形成外科領域講習, 学術業績・診療以外の活動), with caps, mandatory lectures, an
//! exemption after three renewals, deferral and extension, and a transition (FY2015–FY2019) that
//! mixed old society points with new units. This crate holds those rules and nothing else: no I/O,
//! no clock, no database. The main types:
//!
//! - [`RenewalEdition`] / [`RuleBook`]: the criteria as dated, sourced data (`editions/*.toml`).
//! - [`Specialist`] (a roster row) and [`Activity`] (a ledger row).
//! - [`Evaluator`] / [`evaluate`] → [`Evaluation`]: units earned and counted per category, the
//!   [`Verdict`], and every [`Finding`] with its SPEC rule ID.
//! - [`plan::what_is_left`] → [`plan::RenewalPlan`]: the fewest hours and activities that would pass.
//!
//! ```
//! use ishi_calendar::CalendarDate;
//! use ishi_renewal::{Activity, ActivityKind, CommonItem, Role, RuleBook, Specialist, Verdict, evaluate};
//!
//! let d = |s| CalendarDate::parse(s).unwrap();
//! let specialist = Specialist {
//!     id: "S1".into(), name: "形成 太郎".into(), renewals_completed: 0, renewal_fiscal_year: 2025,
//!     period_start: d("2020-04-01"), period_end: d("2025-03-31"), extensions: 0, deferral: None,
//! };
//! let lecture = Activity {
//!     row: 1, date: d("2021-06-01"), kind: ActivityKind::CommonLecture(CommonItem::MedicalSafety),
//!     quantity: 1.0, role: Role::Attendee, approved: true, e_learning: false, evidence: None,
//! };
//! let book = RuleBook::builtin();
//! let evaluation = evaluate(&book, &specialist, &[lecture]).unwrap();
//! assert_eq!(evaluation.verdict, Verdict::Fail);
//! assert_eq!(evaluation.counted_units.to_string(), "1");
//! ```

pub mod edition;
pub mod error;
pub mod evaluate;
pub mod finding;
pub mod ledger;
pub mod plan;
pub mod units;

pub use edition::{RenewalEdition, RuleBook};
pub use error::RenewalError;
pub use evaluate::{CategoryResult, Evaluation, Evaluator, OldPointsResult, Outcome, Verdict, Window, evaluate};
pub use finding::{Cap, Finding, FindingKind};
pub use ledger::{
    Activity, ActivityKind, Category, CommonItem, DeferralReason, EvidenceId, KindError, MeetingLevel, PaperRole,
    PresentationRole, QuantityMeasure, Role, Specialist,
};
pub use plan::{PlanObstacle, PlannedActivity, RenewalPlan, what_is_left};
pub use units::Units;
