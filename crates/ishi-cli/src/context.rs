//! Loading the plan on the shipped data ([`ShippedPlan`], in `ishi-io`) for a command: overrides from
//! the user's file, and the note about areas without a projection on stderr.

use std::path::Path;

use anyhow::Result;
use ishi_io::import::read_overrides;
use ishi_io::sheet::Sheet;
pub use ishi_io::shipped_plan::{APPROXIMATIONS, ShippedPlan};

use crate::plan::Log;

/// The shipped 2024 areas designated under `edition_id`, with secondary overrides read from `overrides`.
pub fn load(edition_id: &str, overrides: Option<&Path>, log: &Log) -> Result<ShippedPlan> {
    let overrides = match overrides {
        Some(path) => read_overrides(&Sheet::open(path)?, 4)?,
        None => vec![],
    };
    let plan = ShippedPlan::load(edition_id, &overrides)?;
    if !plan.unmatched.is_empty() {
        log.info(format!(
            "note: {} 二次医療圏 have no municipality match in the shipped projection; their future population \
             follows their prefecture's projected change (`ishi plan population --unmatched` lists them)",
            plan.unmatched.len()
        ));
    }
    Ok(plan)
}
