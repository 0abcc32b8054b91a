//! Any bytes as a secondary-area CSV: an error or a table, never a panic; a table always designates.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = ishi_io::sheet::Sheet::from_csv("fuzz.csv", data) else { return };
    if let Ok(entries) = ishi_io::import::read_secondary_areas(&sheet, 100_000.0) {
        let edition = ishi_plan::RuleEdition::builtin("2024").unwrap();
        let table = ishi_plan::PlanTable::build(ishi_plan::Level::Secondary, &edition, entries, None, &[]).unwrap();
        let _ = ishi_io::export::plan_table_csv(&table);
    }
});
