//! The plan table: every area of one level with its index, rank, mechanical and decided designation
//! (P2.7, P3.1–P3.3). This is what `ishi plan table` prints and what later steps read.

use crate::area::{AreaCode, Level};
use crate::components::{Components, IndexSource};
use crate::designation::{self, AreaIndex, Designation, Override, ThresholdRule, Thresholds};
use crate::edition::RuleEdition;
use crate::error::PlanError;

/// One area going into the table.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaEntry {
    pub code: AreaCode,
    /// Name as given (display).
    pub name: String,
    /// 都道府県 name (for a tertiary area, its own name).
    pub prefecture: String,
    pub index: f64,
    pub index_source: IndexSource,
    pub components: Option<Components>,
}

/// One row of the plan table.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub entry: AreaEntry,
    /// 1 = highest index (competition rank).
    pub rank: usize,
    /// Mechanical designation (P3.1–P3.2).
    pub designation: Designation,
    /// After overrides (P3.3).
    pub decided: Designation,
    pub override_: Option<Override>,
}

/// The designated areas of one level under one edition.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTable {
    pub level: Level,
    pub edition: RuleEdition,
    pub thresholds: Thresholds,
    /// National value (全国値), when it can be derived from the inputs.
    pub national: Option<f64>,
    /// Rows in input order.
    pub rows: Vec<PlanRow>,
}

impl PlanTable {
    /// Ranks and designates `entries` under `edition`, then applies `overrides` (P3).
    pub fn build(
        level: Level,
        edition: &RuleEdition,
        entries: Vec<AreaEntry>,
        national: Option<f64>,
        overrides: &[Override],
    ) -> Result<Self, PlanError> {
        Self::build_with_rule(level, edition, &edition.threshold_rule(level), entries, national, overrides)
    }

    /// As [`PlanTable::build`] with an explicit threshold rule (the P2.9 variants designate one tail).
    pub fn build_with_rule(
        level: Level,
        edition: &RuleEdition,
        rule: &ThresholdRule,
        entries: Vec<AreaEntry>,
        national: Option<f64>,
        overrides: &[Override],
    ) -> Result<Self, PlanError> {
        let indexes: Vec<AreaIndex> =
            entries.iter().map(|e| AreaIndex { code: e.code.clone(), index: e.index }).collect();
        let designated = designation::designate(&indexes, rule)?;
        let decided = designation::apply_overrides(&designated, overrides)?;
        let rows = entries
            .into_iter()
            .zip(decided)
            .map(|(entry, d)| PlanRow {
                entry,
                rank: d.area.rank,
                designation: d.area.designation,
                decided: d.decided,
                override_: d.override_,
            })
            .collect();
        Ok(Self { level, edition: edition.clone(), thresholds: designated.thresholds, national, rows })
    }

    /// (多数, 中程度, 少数) of the mechanical designation.
    pub fn counts(&self) -> (usize, usize, usize) {
        designation::count(self.rows.iter().map(|r| r.designation))
    }

    /// (多数, 中程度, 少数) after overrides.
    pub fn decided_counts(&self) -> (usize, usize, usize) {
        designation::count(self.rows.iter().map(|r| r.decided))
    }

    /// Rows ordered by rank (then code), for charts and people.
    pub fn by_rank(&self) -> Vec<&PlanRow> {
        let mut rows: Vec<&PlanRow> = self.rows.iter().collect();
        rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.entry.code.cmp(&b.entry.code)));
        rows
    }
}
