//! Any bytes as a 大臣認定 work-history file: an error or histories whose decision never panics.
#![no_main]
use ishi_io::sheet::Sheet;
use ishi_io::work_history::read_work_history_sheet;
use ishi_plan::CalendarDate;
use ishi_plan::certification::{CertificationRules, decide};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = Sheet::from_csv("work_history.csv", data) else { return };
    let Ok(physicians) = read_work_history_sheet(&sheet) else { return };
    let rules = CertificationRules::builtin();
    let today = CalendarDate::new(2026, 11, 21).expect("a date");
    for p in &physicians {
        if let Ok(d) = decide(&p.history, &rules, today) {
            assert!(!d.eligible || d.counted_days >= d.required_days);
        }
    }
});
