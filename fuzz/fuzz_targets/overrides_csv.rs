//! Any bytes as an overrides CSV: an error or overrides, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheet) = ishi_io::sheet::Sheet::from_csv("fuzz.csv", data) else { return };
    let _ = ishi_io::import::read_overrides(&sheet, 4);
});
