//! Any bytes as a prefecture CSV: an error or a table, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = ishi_io::sheet::Sheet::from_csv("fuzz.csv", data) else { return };
    if let Ok(entries) = ishi_io::import::read_prefectures(&sheet) {
        let edition = ishi_plan::RuleEdition::builtin("2019").unwrap();
        ishi_plan::PlanTable::build(ishi_plan::Level::Tertiary, &edition, entries, None, &[]).unwrap();
    }
});
