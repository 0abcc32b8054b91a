//! Any bytes as an .xlsx workbook: an error or a table, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = ishi_io::sheet::Sheet::from_xlsx("fuzz.xlsx", data) else { return };
    let _ = ishi_io::import::read_secondary_areas(&sheet, 100_000.0);
    let _ = ishi_io::import::read_prefectures(&sheet);
});
