//! Any bytes as the supply cohorts file: an error or a projection, never a panic; every band ordered.
#![no_main]
use ishi_io::sheet::Sheet;
use ishi_io::supply_files::read_supply_input;
use ishi_plan::supply::{SupplyOptions, SupplyRules, project};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = Sheet::from_csv("cohorts.csv", data) else { return };
    let Ok(input) = read_supply_input(&sheet, None, None, false) else { return };
    let rules = SupplyRules::builtin();
    let mut options = SupplyOptions::new(&rules);
    options.horizon = options.horizon.min(2030);
    let Ok(p) = project(&input, &options, &rules) else { return };
    for pr in &p.prefectures {
        for y in &pr.years {
            assert!(y.total.lower <= y.total.central && y.total.central <= y.total.upper);
        }
    }
});
