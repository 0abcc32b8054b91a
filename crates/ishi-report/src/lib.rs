//! # ishi-report — renderings for people
//!
//! - [`text_table::render`] — the aligned Japanese table of `ishi plan table --format table`
//!   (display width aware: a kanji takes two columns), thresholds printed above.
//! - [`chart::rank_chart_svg`] — the seed's rank chart: areas ordered by rank, the index as bars,
//!   the two thresholds as lines, bars coloured by designation, Japanese axis and labels.
//!
//! - [`renewal_card::render`] — one specialist's renewal (`ishi renew check --format table`):
//!   progress bars per category, the mandatory lectures, shortfalls, refused activities, what is left.
//!
//! - [`grid::render`] — a plain aligned grid for the other plan tables (targets, policy, dispatch).
//!
//! Each returns a `String`; writing it anywhere is the caller's business.

pub mod chart;
pub mod grid;
pub mod renewal_card;
pub mod text_table;

use thiserror::Error;

/// Errors of this crate.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("cannot draw the chart: {0}")]
    Chart(String),
}
