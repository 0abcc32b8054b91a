//! The official data shipped in the binary (the embedded default). Provenance: `data/README.md`.

use ishi_plan::AreaEntry;
use ishi_plan::components::national_value;

use crate::import::{read_prefectures, read_secondary_areas};
use crate::sheet::Sheet;

/// `data/mhlw-2024/secondary_areas.csv`.
pub const SECONDARY_AREAS_2024_CSV: &str = include_str!("../../../data/mhlw-2024/secondary_areas.csv");
/// `data/mhlw-2024/prefectures.csv`.
pub const PREFECTURES_2024_CSV: &str = include_str!("../../../data/mhlw-2024/prefectures.csv");
/// Where the shipped figures come from (shown beside them).
pub const SOURCE_2024: &str =
    "厚生労働省「医師偏在指標関連データ（令和6年1月公表版）」001424491.xlsx 「2医師偏在指標」（全診療科）";

/// The 330 二次医療圏 of the 2024 release.
pub fn secondary_areas_2024() -> Vec<AreaEntry> {
    let sheet = Sheet::from_csv("data/mhlw-2024/secondary_areas.csv", SECONDARY_AREAS_2024_CSV.as_bytes())
        .expect("shipped data reads");
    read_secondary_areas(&sheet, 100_000.0).expect("shipped data is valid")
}

/// The 47 prefectures of the 2024 release.
pub fn prefectures_2024() -> Vec<AreaEntry> {
    let sheet =
        Sheet::from_csv("data/mhlw-2024/prefectures.csv", PREFECTURES_2024_CSV.as_bytes()).expect("shipped data reads");
    read_prefectures(&sheet).expect("shipped data is valid")
}

/// 全国値 of the 2024 release from the secondary components: Σ std_physicians / Σ population/1e5.
pub fn national_2024() -> f64 {
    national_value(secondary_areas_2024().iter().map(|a| a.components.as_ref()), 100_000.0)
        .expect("all components shipped")
}
