//! Any bytes as the dispatch areas file, then as its costs file: an error or a plan, never a panic;
//! and a plan obeys every rule (P7.2) and never sends more than an area releases.
#![no_main]
use ishi_io::plan_inputs::{read_costs, read_dispatch_areas};
use ishi_io::sheet::Sheet;
use ishi_plan::dispatch::{check_move, dispatch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, c) = data.split_at(data.len() / 2);
    let Ok(sheet) = Sheet::from_csv("areas.csv", a) else { return };
    let Ok(areas) = read_dispatch_areas(&sheet) else { return };
    let Ok(sheet) = Sheet::from_csv("costs.csv", c) else { return };
    let Ok(costs) = read_costs(&sheet, &areas) else { return };
    let Ok(plan) = dispatch(&areas, &costs) else { return };
    for f in &plan.flows {
        let from = areas.iter().find(|x| x.code == f.from).expect("known source");
        let to = areas.iter().find(|x| x.code == f.to).expect("known sink");
        assert!(check_move(from, to).is_ok());
    }
    for area in &areas {
        let sent: u64 = plan.flows.iter().filter(|f| f.from == area.code).map(|f| u64::from(f.physicians)).sum();
        assert!(sent <= u64::from(area.supply));
    }
});
