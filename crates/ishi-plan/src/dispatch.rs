//! 医師派遣調整 — dispatch coordination (SPEC P7): who goes where, exactly.
//!
//! Main types and functions:
//! - [`DispatchArea`] — one row: a 二次医療圏 or a 医師少数地区 with its [`DispatchKind`], its 三次医療圏 and
//!   that tertiary area's designation, the physicians it can release (`supply`) and its shortfall (`demand`).
//! - [`PairCost`] — the cost of moving one physician from one area to another (distance, travel time…).
//!   A pair that is not listed is a move that cannot be made.
//! - [`check_move`] — **the** legality rule (P7.2 applying P6.2, P6.3, P6.5): `Ok(())` or the
//!   [`Forbidden`] reason, whose [`Forbidden::rule`] is the SPEC ID that forbids the move.
//! - [`dispatch`] → [`DispatchPlan`]: [`Flow`]s and [`Unmet`] demand with its [`UnmetReason`].
//! - [`DefaultCosts`] / [`default_costs`] — the stated default of P7.3 when no cost matrix is given,
//!   from `editions/dispatch.toml`.
//!
//! # The optimum (P7.1, P7.3)
//!
//! Lexicographic, over whole physicians: (1) as many physicians as possible into 医師少数区域 and
//! 医師少数地区; among those plans (2) as many as possible into 医師中程度区域; among those (3) the least
//! total cost. Solved exactly as a min-cost flow by successive shortest paths (Dijkstra with
//! potentials) on the network super source → 多数 areas (capacity = supply) → sinks (uncapacitated,
//! cost = the pair's cost) → super sink (capacity = demand). Every quantity is an integer, so the result
//! is an integral optimum, not an approximation; the tests check it against an LP solver and brute force.
//!
//! Why two phases of ordinary integer shortest paths give the lexicographic optimum, with no big-M
//! weights: give every arc a cost in ℤ³ ordered lexicographically — `(−1, 0, 0)` from a 少数 sink to the
//! super sink, `(0, −1, 0)` from a 中程度 sink, `(0, 0, c)` on a pair of cost `c`. A flow then costs
//! (−served 少数, −served 中程度, total cost), and its minimum over flows of any value is exactly the
//! optimum above. Successive shortest paths (augment along a cheapest path while one of negative cost
//! exists) is exact over any ordered abelian group: its proof uses only that potentials keep reduced
//! costs non-negative. Every path into the super sink costs `(−1, 0, x)` or `(0, −1, x)`, always
//! negative, so it runs until no augmenting path is left. A simple path meets the super sink only at its
//! end and all other arcs cost `(0, 0, ·)`, so the cheapest path is the one to the nearest (by integer
//! distance) 少数 sink with demand left if any is reachable, else to the nearest 中程度 one; and path
//! costs never decrease, so once no 少数 sink is reachable none becomes reachable again. Hence phase 1
//! augments towards 少数 sinks until none is reachable, phase 2 towards 中程度 sinks.
//!
//! # Decisions where SPEC and seed are silent
//! - Only 医師多数区域 release physicians: P6.3 names only 多数 areas as the source for 少数 and 中程度
//!   areas, so a 中程度 area's `supply` is not used (and a 少数 area's or 少数地区's never is, P7.2).
//! - Across tertiary areas, a 医師中程度三次医療圏 receives only into its 少数区域 and 少数地区 (P6.2 "only
//!   where it contains 医師少数区域"); a 医師少数三次医療圏 receives into any sink.
//! - When several rules forbid a move, [`check_move`] names the first in this order: same area, source
//!   (P7.2, P7.1), 多数 sink (P6.3), 少数地区 in a 多数 tertiary area (P6.5), tertiary crossing (P6.2).
//! - Cost pairs from an area to itself are ignored (a distance matrix often has its diagonal); a pair
//!   listed twice, a negative cost, a cost above [`MAX_COST`] or an unknown area code is an error. A pair
//!   for a move [`check_move`] forbids (e.g. into a 多数 area) is accepted and never used, so a full
//!   distance matrix can be given as it is.
//! - Rows of one 三次医療圏 must agree on its designation; a disagreement is an error, not a guess.
//! - A 多数 area's own `demand` is never met from outside (P6.3) and is reported as unmet
//!   (`no_legal_source`), like every shortfall left.
//! - An unmet demand's candidates are all other 多数 areas, those that release nothing included: a legal,
//!   routed source with zero supply makes the reason `supply_exhausted`, not `no_legal_source`.
//! - Among several optimal plans the one returned is fixed by the area codes alone: the same input in any
//!   order gives the same plan.
//!
//! ```
//! use ishi_plan::Designation;
//! use ishi_plan::dispatch::{DispatchArea, DispatchKind, PairCost, dispatch};
//!
//! // The seed's example: the 地域医療対策協議会 sends 10 physicians from 多数区域 A to 少数区域 B.
//! let areas = [
//!     DispatchArea::new("A", "X", DispatchKind::Abundant, Designation::Scarce).with_supply(10),
//!     DispatchArea::new("B", "X", DispatchKind::Scarce, Designation::Scarce).with_demand(10),
//! ];
//! let plan = dispatch(&areas, &[PairCost::new("A", "B", 3)]).unwrap();
//! assert_eq!((plan.flows[0].from.as_str(), plan.flows[0].to.as_str(), plan.flows[0].physicians), ("A", "B", 10));
//! assert_eq!(plan.total_cost, 30);
//! assert!(plan.unmet.is_empty());
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;

use serde::Deserialize;
use thiserror::Error;

use crate::area::AreaCode;
use crate::designation::Designation;
use crate::edition::Sourced;

/// The largest cost of one move that [`dispatch`] accepts. An input bound, not a rule: with at most
/// [`MAX_AREAS`] areas every path length stays far inside `i64` (2²⁰ · 2⁴⁰ = 2⁶⁰), so the solver needs
/// no checked arithmetic in its inner loop. 2⁴⁰ ≈ 1.1·10¹² — metres or seconds across Japan fit easily.
pub const MAX_COST: i64 = 1 << 40;

/// The most areas [`dispatch`] accepts (see [`MAX_COST`]); the nation has 330–335 二次医療圏.
pub const MAX_AREAS: usize = 1 << 20;

/// The shipped default-cost file (X1: every number with its source).
pub const DISPATCH_RULES_TOML: &str = include_str!("../editions/dispatch.toml");

/// The designation of a row of the dispatch problem: the three bands of P3 plus 医師少数地区 (P1.3),
/// which is a row of its own inside a 二次医療圏 that is not 少数.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DispatchKind {
    /// 医師多数区域 — the only kind that releases physicians (P7.1).
    Abundant,
    /// 医師中程度区域 — receives "as needed", after the scarce ones (P6.3, P7.1).
    Intermediate,
    /// 医師少数区域 — receives first (P7.1).
    Scarce,
    /// 医師少数地区（医師少数スポット）— receives first, like a 少数区域 (P6.5).
    ScarceDistrict,
}

impl DispatchKind {
    /// `多数`, `中程度`, `少数` or `少数地区` — the machine values of the CLI contract.
    pub fn as_ja(self) -> &'static str {
        match self {
            DispatchKind::Abundant => "多数",
            DispatchKind::Intermediate => "中程度",
            DispatchKind::Scarce => "少数",
            DispatchKind::ScarceDistrict => "少数地区",
        }
    }

    /// Accepts what [`Designation::parse`] accepts, and `少数地区`, `医師少数地区`, `少数スポット`,
    /// `医師少数スポット`, `scarce_district`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        match t.strip_prefix("医師").unwrap_or(t) {
            "少数地区" | "少数スポット" | "scarce_district" => Some(DispatchKind::ScarceDistrict),
            _ => Designation::parse(t).map(Self::from),
        }
    }

    /// Which sinks this kind belongs to, or `None` for a 多数 area, which never receives (P6.3).
    pub fn sink_priority(self) -> Option<SinkPriority> {
        match self {
            DispatchKind::Abundant => None,
            DispatchKind::Intermediate => Some(SinkPriority::Intermediate),
            DispatchKind::Scarce | DispatchKind::ScarceDistrict => Some(SinkPriority::Scarce),
        }
    }
}

impl From<Designation> for DispatchKind {
    fn from(designation: Designation) -> Self {
        match designation {
            Designation::Abundant => DispatchKind::Abundant,
            Designation::Intermediate => DispatchKind::Intermediate,
            Designation::Scarce => DispatchKind::Scarce,
        }
    }
}

impl fmt::Display for DispatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_ja())
    }
}

/// The two priorities of sinks (P7.1); `Scarce` comes first in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SinkPriority {
    /// 医師少数区域 and 医師少数地区.
    Scarce,
    /// 医師中程度区域, "as needed".
    Intermediate,
}

/// One row of the dispatch problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchArea {
    /// The 二次医療圏 code, or the code the prefecture gave a 医師少数地区.
    pub code: AreaCode,
    /// The 三次医療圏 that contains it.
    pub tertiary: AreaCode,
    pub kind: DispatchKind,
    /// The designation of the 三次医療圏 (医師多数/中程度/少数三次医療圏); the same for every row of it.
    pub tertiary_designation: Designation,
    /// Physicians the area can release without falling below its own target or ceiling (P7.1). Used
    /// only for a 多数 area.
    pub supply: u32,
    /// The area's shortfall in physicians. Met only for 少数, 少数地区 and 中程度 rows.
    pub demand: u32,
}

impl DispatchArea {
    /// A row with no supply and no demand; see [`with_supply`](Self::with_supply) and
    /// [`with_demand`](Self::with_demand).
    pub fn new(
        code: impl Into<AreaCode>,
        tertiary: impl Into<AreaCode>,
        kind: DispatchKind,
        tertiary_designation: Designation,
    ) -> Self {
        Self { code: code.into(), tertiary: tertiary.into(), kind, tertiary_designation, supply: 0, demand: 0 }
    }
    pub fn with_supply(self, supply: u32) -> Self {
        Self { supply, ..self }
    }
    pub fn with_demand(self, demand: u32) -> Self {
        Self { demand, ..self }
    }
}

/// The cost of moving one physician from `from` to `to` (P7.3): a distance, a travel time, any
/// non-negative integer up to [`MAX_COST`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairCost {
    pub from: AreaCode,
    pub to: AreaCode,
    pub cost: i64,
}

impl PairCost {
    pub fn new(from: impl Into<AreaCode>, to: impl Into<AreaCode>, cost: i64) -> Self {
        Self { from: from.into(), to: to.into(), cost }
    }
}

/// Why a move is not allowed; [`rule`](Self::rule) is the SPEC ID to quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forbidden {
    /// From an area to itself: not a dispatch.
    SameArea,
    /// P7.2: no flow out of a 医師少数区域 or 医師少数地区.
    OutOfScarce,
    /// P7.1 (with P6.3): only 医師多数区域 release physicians; a 中程度 area does not.
    SourceNotAbundant,
    /// P6.3 (and P7.2): a 医師多数区域 recruits no physicians from outside.
    IntoAbundant,
    /// P6.5: a 医師少数地区 inside a 医師多数三次医療圏 is served only from inside that tertiary area.
    DistrictInAbundantTertiary,
    /// P6.2: across tertiary areas, physicians come only from a 医師多数三次医療圏.
    AcrossFromNonAbundantTertiary,
    /// P6.2: a 医師多数三次医療圏 recruits no physicians from other tertiary areas.
    AcrossIntoAbundantTertiary,
    /// P6.2: a 医師中程度三次医療圏 recruits from outside only for its 少数区域 and 少数地区.
    AcrossIntoIntermediateTertiaryNonScarce,
}

impl Forbidden {
    /// The SPEC rule that forbids the move (`P6.2`, `P6.3`, `P6.5`, `P7.1`, `P7.2`).
    pub fn rule(self) -> &'static str {
        match self {
            Forbidden::SameArea | Forbidden::SourceNotAbundant => "P7.1",
            Forbidden::OutOfScarce => "P7.2",
            Forbidden::IntoAbundant => "P6.3",
            Forbidden::DistrictInAbundantTertiary => "P6.5",
            Forbidden::AcrossFromNonAbundantTertiary
            | Forbidden::AcrossIntoAbundantTertiary
            | Forbidden::AcrossIntoIntermediateTertiaryNonScarce => "P6.2",
        }
    }

    /// A machine-readable name, stable for the CLI and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Forbidden::SameArea => "same_area",
            Forbidden::OutOfScarce => "out_of_scarce",
            Forbidden::SourceNotAbundant => "source_not_abundant",
            Forbidden::IntoAbundant => "into_abundant",
            Forbidden::DistrictInAbundantTertiary => "district_in_abundant_tertiary",
            Forbidden::AcrossFromNonAbundantTertiary => "across_from_non_abundant_tertiary",
            Forbidden::AcrossIntoAbundantTertiary => "across_into_abundant_tertiary",
            Forbidden::AcrossIntoIntermediateTertiaryNonScarce => "across_into_intermediate_tertiary_non_scarce",
        }
    }

    /// The rule in Japanese, for people.
    pub fn message_ja(self) -> &'static str {
        match self {
            Forbidden::SameArea => "同じ区域の間の派遣ではない",
            Forbidden::OutOfScarce => "医師少数区域・医師少数地区からは派遣しない",
            Forbidden::SourceNotAbundant => "派遣元は医師多数区域に限る（医師中程度区域からは派遣しない）",
            Forbidden::IntoAbundant => "医師多数区域は二次医療圏外からの医師の確保を行わない",
            Forbidden::DistrictInAbundantTertiary => {
                "医師多数三次医療圏内の医師少数地区は三次医療圏内の調整のみで医師を確保する"
            }
            Forbidden::AcrossFromNonAbundantTertiary => "三次医療圏外への派遣は医師多数三次医療圏からに限る",
            Forbidden::AcrossIntoAbundantTertiary => "医師多数三次医療圏は他の三次医療圏からの医師の確保を行わない",
            Forbidden::AcrossIntoIntermediateTertiaryNonScarce => {
                "医師中程度三次医療圏が三次医療圏外から確保できるのは医師少数区域・医師少数地区のための医師に限る"
            }
        }
    }
}

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule(), self.message_ja())
    }
}

/// P7.2 (applying P6.2, P6.3 and P6.5): may physicians move from `from` to `to`? The one place that
/// decides legality; the optimizer, the unmet-demand reasons and the tests all ask it.
///
/// - Sources are 医師多数区域 only (P7.1; P6.3 names only 多数 areas as sources); nothing leaves a
///   少数区域 or 少数地区 (P7.2).
/// - Sinks are 少数区域, 少数地区 and 中程度区域; a 多数 area never receives (P6.3).
/// - A 少数地区 in a 医師多数三次医療圏 is served only from inside it (P6.5).
/// - Across tertiary areas (P6.2): only out of a 医師多数三次医療圏; never into one; into a
///   医師中程度三次医療圏 only for its 少数区域 and 少数地区; into a 医師少数三次医療圏 for any sink.
pub fn check_move(from: &DispatchArea, to: &DispatchArea) -> Result<(), Forbidden> {
    if from.code == to.code {
        return Err(Forbidden::SameArea);
    }
    match from.kind {
        DispatchKind::Abundant => {}
        DispatchKind::Intermediate => return Err(Forbidden::SourceNotAbundant),
        DispatchKind::Scarce | DispatchKind::ScarceDistrict => return Err(Forbidden::OutOfScarce),
    }
    if to.kind == DispatchKind::Abundant {
        return Err(Forbidden::IntoAbundant);
    }
    if from.tertiary == to.tertiary {
        return Ok(());
    }
    if to.kind == DispatchKind::ScarceDistrict && to.tertiary_designation == Designation::Abundant {
        return Err(Forbidden::DistrictInAbundantTertiary);
    }
    if from.tertiary_designation != Designation::Abundant {
        return Err(Forbidden::AcrossFromNonAbundantTertiary);
    }
    match to.tertiary_designation {
        Designation::Abundant => Err(Forbidden::AcrossIntoAbundantTertiary),
        Designation::Intermediate if to.kind == DispatchKind::Intermediate => {
            Err(Forbidden::AcrossIntoIntermediateTertiaryNonScarce)
        }
        Designation::Intermediate | Designation::Scarce => Ok(()),
    }
}

/// Physicians sent from one area to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub from: AreaCode,
    pub to: AreaCode,
    pub physicians: u32,
    /// The cost of one physician on this pair, as given.
    pub unit_cost: i64,
}

/// A sink left short (P7.3: "unmet demand reported with the constraint that binds it").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    pub area: AreaCode,
    pub kind: DispatchKind,
    /// Demand not met.
    pub physicians: u32,
    pub reason: UnmetReason,
}

/// The constraint that binds an unmet demand. Exact at the optimum: a sink is left short only when no
/// 多数 area may send to it, or none that may has a cost pair to it, or every one that may and has is
/// sending all it can release (else the optimizer would have sent one more physician).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnmetReason {
    /// No 医師多数区域 may legally send here; each candidate with the rule that forbids it (all other 多数
    /// areas, in code order; empty when the problem has none).
    NoLegalSource { forbidden: Vec<(AreaCode, Forbidden)> },
    /// 多数 areas may legally send here, but no cost pair connects any of them to it.
    NoRoute { legal_sources: Vec<AreaCode> },
    /// 多数 areas may legally send here and have a cost pair, but all they can release is used
    /// (by sinks of equal or higher priority, or they release nothing).
    SupplyExhausted { sources: Vec<AreaCode> },
}

impl UnmetReason {
    /// `no_legal_source`, `no_route` or `supply_exhausted`.
    pub fn code(&self) -> &'static str {
        match self {
            UnmetReason::NoLegalSource { .. } => "no_legal_source",
            UnmetReason::NoRoute { .. } => "no_route",
            UnmetReason::SupplyExhausted { .. } => "supply_exhausted",
        }
    }

    /// For people: the rules with how many candidates each forbids, or the areas concerned.
    pub fn message_ja(&self) -> String {
        let list = |codes: &[AreaCode]| codes.iter().map(AreaCode::as_str).collect::<Vec<_>>().join("、");
        match self {
            UnmetReason::NoLegalSource { forbidden } if forbidden.is_empty() => {
                "派遣元となる医師多数区域がない".to_string()
            }
            UnmetReason::NoLegalSource { forbidden } => {
                let mut by_rule: Vec<(&'static str, usize)> = vec![];
                for (_, why) in forbidden {
                    match by_rule.iter_mut().find(|(rule, _)| *rule == why.rule()) {
                        Some((_, n)) => *n += 1,
                        None => by_rule.push((why.rule(), 1)),
                    }
                }
                by_rule.sort_unstable();
                let rules = by_rule.iter().map(|(rule, n)| format!("{rule}: {n}区域")).collect::<Vec<_>>().join("、");
                format!("規則上派遣できる医師多数区域がない（{rules}）")
            }
            UnmetReason::NoRoute { legal_sources } => {
                format!("派遣できる医師多数区域（{}）はあるが、費用（距離・移動時間）の組がない", list(legal_sources))
            }
            UnmetReason::SupplyExhausted { sources } => {
                format!("派遣できる医師多数区域（{}）の派遣可能な医師はすべて使われている", list(sources))
            }
        }
    }
}

/// The result of [`dispatch`]. Flows are sorted by (from, to), unmet demand by area code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchPlan {
    /// Σ physicians × unit cost over the flows.
    pub total_cost: i64,
    pub flows: Vec<Flow>,
    pub unmet: Vec<Unmet>,
    /// Physicians sent to 少数区域 and 少数地区 — the first objective.
    pub served_scarce: u64,
    /// Physicians sent to 中程度区域 — the second objective.
    pub served_intermediate: u64,
}

/// Input [`dispatch`] and [`DefaultCosts`] refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DispatchError {
    #[error("area {code} appears twice")]
    DuplicateArea { code: String },
    #[error("{count} areas: at most {max} are accepted")]
    TooManyAreas { count: usize, max: usize },
    #[error("三次医療圏 {tertiary}: area {area} says it is {found}, an earlier area says {expected}")]
    InconsistentTertiary { tertiary: String, area: String, expected: Designation, found: Designation },
    #[error("cost pair {from} → {to}: unknown area {code}")]
    UnknownArea { from: String, to: String, code: String },
    #[error("cost pair {from} → {to}: the cost {cost} is negative")]
    NegativeCost { from: String, to: String, cost: i64 },
    #[error("cost pair {from} → {to}: the cost {cost} is above the largest accepted ({max})")]
    CostTooLarge { from: String, to: String, cost: i64, max: i64 },
    #[error("cost pair {from} → {to} appears twice")]
    DuplicatePair { from: String, to: String },
    #[error("the total cost of the plan does not fit in a 64-bit integer")]
    CostOverflow,
    #[error("dispatch rule file: {0}")]
    BadRules(String),
}

/// The stated default cost of P7.3 for when the user gives no cost matrix (`editions/dispatch.toml`):
/// one figure inside a 三次医療圏, a larger one across.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultCosts {
    /// Cost of one physician moved inside a 三次医療圏.
    pub within_tertiary: Sourced<i64>,
    /// Cost of one physician moved across 三次医療圏.
    pub across_tertiary: Sourced<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `id`, `name` and `source` document the file; only the costs are used.
struct DispatchRulesFile {
    id: String,
    name: String,
    source: String,
    default_cost: DefaultCosts,
}

impl DefaultCosts {
    /// The shipped default (`editions/dispatch.toml`).
    pub fn builtin() -> Result<Self, DispatchError> {
        Self::from_toml(DISPATCH_RULES_TOML)
    }

    /// Reads a rule file of the shape of `editions/dispatch.toml`; every cost needs a source and must be
    /// a valid [`PairCost`] cost.
    pub fn from_toml(text: &str) -> Result<Self, DispatchError> {
        let file: DispatchRulesFile = toml::from_str(text).map_err(|e| DispatchError::BadRules(e.to_string()))?;
        let costs = file.default_cost;
        for (name, cost) in [("within_tertiary", &costs.within_tertiary), ("across_tertiary", &costs.across_tertiary)] {
            if cost.source.trim().is_empty() {
                return Err(DispatchError::BadRules(format!("default_cost.{name} has no source")));
            }
            if !(0..=MAX_COST).contains(&cost.value) {
                return Err(DispatchError::BadRules(format!(
                    "default_cost.{name} = {} is not in 0..={MAX_COST}",
                    cost.value
                )));
            }
        }
        Ok(costs)
    }

    /// The default cost of one physician moved from `from` to `to`, or `None` when [`check_move`]
    /// forbids the move (a missing pair is an impossible move, so the default lists legal moves only).
    pub fn cost(&self, from: &DispatchArea, to: &DispatchArea) -> Option<i64> {
        check_move(from, to).ok()?;
        Some(if from.tertiary == to.tertiary { self.within_tertiary.value } else { self.across_tertiary.value })
    }

    /// A cost pair for every legal move among `areas`, in input order.
    pub fn pairs(&self, areas: &[DispatchArea]) -> Vec<PairCost> {
        let mut out = vec![];
        for from in areas.iter().filter(|a| a.kind == DispatchKind::Abundant) {
            for to in areas {
                if let Some(cost) = self.cost(from, to) {
                    out.push(PairCost { from: from.code.clone(), to: to.code.clone(), cost });
                }
            }
        }
        out
    }
}

/// The shipped default cost pairs ([`DefaultCosts::pairs`] of [`DefaultCosts::builtin`]) for when the
/// user supplies no cost matrix (P7.3 "a stated default otherwise").
pub fn default_costs(areas: &[DispatchArea]) -> Result<Vec<PairCost>, DispatchError> {
    Ok(DefaultCosts::builtin()?.pairs(areas))
}

/// P7.1–P7.3: the plan that sends the most physicians to 少数区域 and 少数地区, then the most to 中程度
/// 区域, then at the least total cost — every flow legal under [`check_move`] and on a listed pair.
pub fn dispatch(areas: &[DispatchArea], costs: &[PairCost]) -> Result<DispatchPlan, DispatchError> {
    let problem = Problem::new(areas, costs)?;
    let mut solver = Solver::new(&problem);
    solver.run(SinkPriority::Scarce);
    solver.run(SinkPriority::Intermediate);
    problem.plan(&solver)
}

/// Validated input: areas in code order (so that the plan does not depend on the input order) and
/// the cost pairs as indices into that order, sorted by (from, to).
struct Problem<'a> {
    areas: Vec<&'a DispatchArea>,
    /// (from, to, cost), sorted, no duplicates, no self-pairs.
    pairs: Vec<(u32, u32, i64)>,
    /// `pairs[pair_start[i]..pair_start[i + 1]]` are the pairs out of area `i`.
    pair_start: Vec<usize>,
}

impl<'a> Problem<'a> {
    fn new(input: &'a [DispatchArea], costs: &[PairCost]) -> Result<Self, DispatchError> {
        if input.len() > MAX_AREAS {
            return Err(DispatchError::TooManyAreas { count: input.len(), max: MAX_AREAS });
        }
        let mut areas: Vec<&DispatchArea> = input.iter().collect();
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        if let Some(w) = areas.windows(2).find(|w| w[0].code == w[1].code) {
            return Err(DispatchError::DuplicateArea { code: w[0].code.to_string() });
        }
        // The tertiary designation is per tertiary area; rows that disagree would make P6.2 ambiguous.
        let mut tertiary: HashMap<&AreaCode, Designation> = HashMap::new();
        for area in input {
            let expected = *tertiary.entry(&area.tertiary).or_insert(area.tertiary_designation);
            if expected != area.tertiary_designation {
                return Err(DispatchError::InconsistentTertiary {
                    tertiary: area.tertiary.to_string(),
                    area: area.code.to_string(),
                    expected,
                    found: area.tertiary_designation,
                });
            }
        }
        let index: HashMap<&str, u32> = areas.iter().enumerate().map(|(i, a)| (a.code.as_str(), i as u32)).collect();
        let mut pairs = Vec::with_capacity(costs.len());
        for pair in costs {
            let lookup = |code: &AreaCode| {
                index.get(code.as_str()).copied().ok_or_else(|| DispatchError::UnknownArea {
                    from: pair.from.to_string(),
                    to: pair.to.to_string(),
                    code: code.to_string(),
                })
            };
            let (from, to) = (lookup(&pair.from)?, lookup(&pair.to)?);
            if pair.cost < 0 {
                return Err(DispatchError::NegativeCost {
                    from: pair.from.to_string(),
                    to: pair.to.to_string(),
                    cost: pair.cost,
                });
            }
            if pair.cost > MAX_COST {
                return Err(DispatchError::CostTooLarge {
                    from: pair.from.to_string(),
                    to: pair.to.to_string(),
                    cost: pair.cost,
                    max: MAX_COST,
                });
            }
            if from != to {
                pairs.push((from, to, pair.cost));
            }
        }
        pairs.sort_unstable();
        if let Some(w) = pairs.windows(2).find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1)) {
            return Err(DispatchError::DuplicatePair {
                from: areas[w[0].0 as usize].code.to_string(),
                to: areas[w[0].1 as usize].code.to_string(),
            });
        }
        let mut pair_start = vec![0; areas.len() + 1];
        for &(from, _, _) in &pairs {
            pair_start[from as usize + 1] += 1;
        }
        for i in 0..areas.len() {
            pair_start[i + 1] += pair_start[i];
        }
        Ok(Self { areas, pairs, pair_start })
    }

    fn has_pair(&self, from: usize, to: usize) -> bool {
        self.pairs[self.pair_start[from]..self.pair_start[from + 1]].binary_search_by_key(&(to as u32), |p| p.1).is_ok()
    }

    /// Reads the flows off the solver and explains every unmet demand.
    fn plan(&self, solver: &Solver) -> Result<DispatchPlan, DispatchError> {
        let mut flows = vec![];
        let mut total: i128 = 0;
        let (mut served_scarce, mut served_intermediate) = (0u64, 0u64);
        for a in 0..solver.arc_flow.len() {
            let physicians = solver.arc_flow[a];
            if physicians == 0 {
                continue;
            }
            let sink = solver.arc_sink[a] as usize;
            let (from, to) = (solver.source_area[solver.arc_source[a] as usize], solver.sink_area[sink]);
            total += i128::from(physicians) * i128::from(solver.arc_cost[a]);
            match solver.sink_priority[sink] {
                SinkPriority::Scarce => served_scarce += physicians as u64,
                SinkPriority::Intermediate => served_intermediate += physicians as u64,
            }
            flows.push(Flow {
                from: self.areas[from].code.clone(),
                to: self.areas[to].code.clone(),
                // Bounded by the sink's demand, a u32.
                physicians: physicians as u32,
                unit_cost: solver.arc_cost[a],
            });
        }
        let total_cost = i64::try_from(total).map_err(|_| DispatchError::CostOverflow)?;

        let mut sink_of_area = vec![usize::MAX; self.areas.len()];
        for (sink, &area) in solver.sink_area.iter().enumerate() {
            sink_of_area[area] = sink;
        }
        let mut remaining_supply = vec![0i64; self.areas.len()];
        for (source, &area) in solver.source_area.iter().enumerate() {
            remaining_supply[area] = solver.remaining_supply[source];
        }
        let abundant: Vec<usize> =
            (0..self.areas.len()).filter(|&i| self.areas[i].kind == DispatchKind::Abundant).collect();
        let mut unmet = vec![];
        for (j, area) in self.areas.iter().enumerate() {
            let short = match sink_of_area[j] {
                usize::MAX => i64::from(area.demand),
                sink => solver.remaining_demand[sink],
            };
            if short == 0 {
                continue;
            }
            let (mut forbidden, mut legal, mut routed) = (vec![], vec![], vec![]);
            for &i in abundant.iter().filter(|&&i| i != j) {
                match check_move(self.areas[i], area) {
                    Err(why) => forbidden.push((self.areas[i].code.clone(), why)),
                    Ok(()) if self.has_pair(i, j) => routed.push(i),
                    Ok(()) => legal.push(self.areas[i].code.clone()),
                }
            }
            let reason = if !routed.is_empty() {
                debug_assert!(routed.iter().all(|&i| remaining_supply[i] == 0), "optimality: {routed:?}");
                UnmetReason::SupplyExhausted { sources: routed.iter().map(|&i| self.areas[i].code.clone()).collect() }
            } else if !legal.is_empty() {
                UnmetReason::NoRoute { legal_sources: legal }
            } else {
                UnmetReason::NoLegalSource { forbidden }
            };
            // Bounded by the area's demand, a u32.
            unmet.push(Unmet { area: area.code.clone(), kind: area.kind, physicians: short as u32, reason });
        }
        Ok(DispatchPlan { total_cost, flows, unmet, served_scarce, served_intermediate })
    }
}

/// No predecessor: a source reached straight from the super source.
const NONE: u32 = u32::MAX;

/// Successive shortest paths in two phases (see the module doc for why that is the lexicographic optimum).
///
/// Bounds: distances are sums of at most `MAX_AREAS` costs of at most `MAX_COST`: at most 2⁶⁰.
/// Potentials only grow and stay at most the true distance for every node still reachable; a node once
/// unreachable stays so (augmenting adds arcs only between nodes on the path and removes supply), and
/// its potential, which may drift, is never read again.
struct Solver {
    /// Area index of each source node `0..m`.
    source_area: Vec<usize>,
    /// Area index of each sink node `m..m + k` (stored at `sink - m`).
    sink_area: Vec<usize>,
    sink_priority: Vec<SinkPriority>,
    remaining_supply: Vec<i64>,
    remaining_demand: Vec<i64>,
    arc_source: Vec<u32>,
    arc_sink: Vec<u32>,
    arc_cost: Vec<i64>,
    arc_flow: Vec<i64>,
    /// Arcs are stored grouped by source: those out of source `s` are the ids `out_start[s]..out_start[s + 1]`.
    out_start: Vec<usize>,
    /// Arcs into sink `t`: `in_arcs[in_start[t]..in_start[t + 1]]`.
    in_start: Vec<usize>,
    in_arcs: Vec<u32>,
    /// Node potentials: sources `0..m`, sinks `m..m + k`; the super source's is 0.
    potential: Vec<i64>,
    dist: Vec<i64>,
    /// The arc a node was reached by (forward into a sink, backward into a source), or `NONE`.
    pred: Vec<u32>,
    done: Vec<bool>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl Solver {
    fn new(problem: &Problem) -> Self {
        let areas = &problem.areas;
        let mut node = vec![NONE; areas.len()];
        let (mut source_area, mut sink_area, mut sink_priority) = (vec![], vec![], vec![]);
        let (mut remaining_supply, mut remaining_demand) = (vec![], vec![]);
        for (i, area) in areas.iter().enumerate() {
            if area.kind == DispatchKind::Abundant && area.supply > 0 {
                node[i] = source_area.len() as u32;
                source_area.push(i);
                remaining_supply.push(i64::from(area.supply));
            }
        }
        for (i, area) in areas.iter().enumerate() {
            if let Some(priority) = area.kind.sink_priority().filter(|_| area.demand > 0) {
                node[i] = sink_area.len() as u32;
                sink_area.push(i);
                sink_priority.push(priority);
                remaining_demand.push(i64::from(area.demand));
            }
        }
        let (m, k) = (source_area.len(), sink_area.len());
        let (mut arc_source, mut arc_sink, mut arc_cost) = (vec![], vec![], vec![]);
        let mut out_start = vec![0; m + 1];
        let mut in_start = vec![0; k + 1];
        for &(from, to, cost) in &problem.pairs {
            let (from, to) = (from as usize, to as usize);
            let usable = areas[from].kind == DispatchKind::Abundant
                && node[from] != NONE
                && areas[to].kind.sink_priority().is_some()
                && node[to] != NONE
                && check_move(areas[from], areas[to]).is_ok();
            if usable {
                arc_source.push(node[from]);
                arc_sink.push(node[to]);
                arc_cost.push(cost);
                out_start[node[from] as usize + 1] += 1;
                in_start[node[to] as usize + 1] += 1;
            }
        }
        for s in 0..m {
            out_start[s + 1] += out_start[s];
        }
        for t in 0..k {
            in_start[t + 1] += in_start[t];
        }
        let mut in_arcs = vec![0u32; arc_sink.len()];
        let mut fill = in_start.clone();
        for (a, &t) in arc_sink.iter().enumerate() {
            in_arcs[fill[t as usize]] = a as u32;
            fill[t as usize] += 1;
        }
        let arcs = arc_cost.len();
        Self {
            source_area,
            sink_area,
            sink_priority,
            remaining_supply,
            remaining_demand,
            arc_source,
            arc_sink,
            arc_cost,
            arc_flow: vec![0; arcs],
            out_start,
            in_start,
            in_arcs,
            potential: vec![0; m + k],
            dist: vec![i64::MAX; m + k],
            pred: vec![NONE; m + k],
            done: vec![false; m + k],
            heap: BinaryHeap::new(),
        }
    }

    /// One phase: augment along shortest paths to sinks of `priority` until none is reachable.
    fn run(&mut self, priority: SinkPriority) {
        while let Some(target) = self.shortest_path(priority) {
            self.augment(target);
        }
    }

    /// Dijkstra on reduced costs from the super source to the super sink through the sinks of
    /// `priority` with demand left; updates the potentials and returns the sink the cheapest path ends
    /// at, or `None` when no such sink is reachable.
    ///
    /// The super sink is not stored: its potential is taken afresh as the least potential of those sinks,
    /// which keeps every arc into it at a non-negative reduced cost (`potential[t] − sink ≥ 0`), the only
    /// arcs of it Dijkstra uses (a path never leaves the super sink). Stopping at the first such sink
    /// popped would be wrong: it is the nearest in *reduced* distance, not in true distance.
    fn shortest_path(&mut self, priority: SinkPriority) -> Option<usize> {
        let m = self.source_area.len();
        let k = self.sink_area.len();
        let is_target = |t: usize| self.sink_priority[t] == priority && self.remaining_demand[t] > 0;
        let sink = (0..k).filter(|&t| is_target(t)).map(|t| self.potential[m + t]).min()?;
        self.dist.fill(i64::MAX);
        self.pred.fill(NONE);
        self.done.fill(false);
        self.heap.clear();
        for s in 0..m {
            if self.remaining_supply[s] > 0 {
                // Reduced cost of super source → s: 0 + 0 − potential[s].
                self.dist[s] = -self.potential[s];
                self.heap.push(Reverse((self.dist[s], s as u32)));
            }
        }
        // The best path into the super sink so far: (reduced distance, the sink it comes from).
        let mut best: Option<(i64, usize)> = None;
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if best.is_some_and(|(reach, _)| d >= reach) {
                break;
            }
            let v = v as usize;
            if self.done[v] {
                continue;
            }
            self.done[v] = true;
            if v < m {
                let base = d + self.potential[v];
                for a in self.out_start[v]..self.out_start[v + 1] {
                    let t = m + self.arc_sink[a] as usize;
                    let nd = base + self.arc_cost[a] - self.potential[t];
                    if nd < self.dist[t] {
                        self.dist[t] = nd;
                        self.pred[t] = a as u32;
                        self.heap.push(Reverse((nd, t as u32)));
                    }
                }
                continue;
            }
            let t = v - m;
            if self.sink_priority[t] == priority && self.remaining_demand[t] > 0 {
                let reach = d + self.potential[v] - sink;
                if best.is_none_or(|(known, _)| reach < known) {
                    best = Some((reach, v));
                }
            }
            let base = d + self.potential[v];
            for &a in &self.in_arcs[self.in_start[t]..self.in_start[t + 1]] {
                let a = a as usize;
                if self.arc_flow[a] == 0 {
                    continue;
                }
                let s = self.arc_source[a] as usize;
                let nd = base - self.arc_cost[a] - self.potential[s];
                if nd < self.dist[s] {
                    self.dist[s] = nd;
                    self.pred[s] = a as u32;
                    self.heap.push(Reverse((nd, s as u32)));
                }
            }
        }
        let (reach, target) = best?;
        for (p, &d) in self.potential.iter_mut().zip(&self.dist) {
            *p = p.saturating_add(d.min(reach));
        }
        Some(target)
    }

    /// Sends the bottleneck amount along the path found to `target` (a sink node).
    fn augment(&mut self, target: usize) {
        let m = self.source_area.len();
        let t = target - m;
        let mut amount = self.remaining_demand[t];
        let mut v = target;
        let start = loop {
            // `v` is a sink: reached by a forward arc from a source.
            let a = self.pred[v] as usize;
            let s = self.arc_source[a] as usize;
            match self.pred[s] {
                NONE => break s,
                back => {
                    amount = amount.min(self.arc_flow[back as usize]);
                    v = m + self.arc_sink[back as usize] as usize;
                }
            }
        };
        amount = amount.min(self.remaining_supply[start]);
        self.remaining_supply[start] -= amount;
        self.remaining_demand[t] -= amount;
        let mut v = target;
        loop {
            let a = self.pred[v] as usize;
            self.arc_flow[a] += amount;
            let s = self.arc_source[a] as usize;
            match self.pred[s] {
                NONE => break,
                back => {
                    self.arc_flow[back as usize] -= amount;
                    v = m + self.arc_sink[back as usize] as usize;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x1_dispatch_rule_file_values_all_carry_a_source() {
        assert_eq!(ishi_sourced::unsourced_numbers(DISPATCH_RULES_TOML).unwrap(), Vec::<String>::new());
        let costs = DefaultCosts::builtin().unwrap();
        assert!(costs.within_tertiary.value < costs.across_tertiary.value);
    }

    #[test]
    fn p7_3_default_rule_file_without_a_source_is_refused() {
        let head = "id = \"d\"\nname = \"n\"\nsource = \"s\"\n[default_cost]\n";
        let text = format!(
            "{head}within_tertiary = {{ value = 1, source = \" \" }}\nacross_tertiary = {{ value = 2, source = \"s\" }}\n"
        );
        assert!(matches!(DefaultCosts::from_toml(&text), Err(DispatchError::BadRules(_))));
        let text = DISPATCH_RULES_TOML.replace("value = 10,", "value = -1,");
        assert!(matches!(DefaultCosts::from_toml(&text), Err(DispatchError::BadRules(_))));
    }

    #[test]
    fn p7_kind_words_parse() {
        assert_eq!(DispatchKind::parse("医師少数地区"), Some(DispatchKind::ScarceDistrict));
        assert_eq!(DispatchKind::parse("少数スポット"), Some(DispatchKind::ScarceDistrict));
        assert_eq!(DispatchKind::parse("医師中程度区域"), Some(DispatchKind::Intermediate));
        assert_eq!(DispatchKind::parse(" 多数 "), Some(DispatchKind::Abundant));
        assert_eq!(DispatchKind::parse("scarce"), Some(DispatchKind::Scarce));
        assert_eq!(DispatchKind::parse("地区"), None);
        for kind in
            [DispatchKind::Abundant, DispatchKind::Intermediate, DispatchKind::Scarce, DispatchKind::ScarceDistrict]
        {
            assert_eq!(DispatchKind::parse(kind.as_ja()), Some(kind));
        }
    }
}
