//! SPEC X3: bad input gets one clear message naming file, row, column and value, exit code 2, and
//! no output file.

mod common;
use common::*;

use std::path::Path;

const HEADER: &str = "area_code,prefecture,area,index,std_physicians,population_100k,std_utilization_ratio\n";

/// Runs `plan table --input FILE --format csv --output OUT` and checks the failure contract.
fn refuse(file_name: &str, bytes: &[u8], level: &str, expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(file_name);
    std::fs::write(&input, bytes).unwrap();
    let output = dir.path().join("out.csv");
    let o = ishi(&[
        "plan",
        "table",
        "--level",
        level,
        "--input",
        input.to_str().unwrap(),
        "--format",
        "csv",
        "--output",
        output.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.matches(file_name).count(), 1, "names the file once: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(o.stdout.is_empty());
    assert!(!output.exists(), "no partial output file");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "nothing else written: {leftovers:?}");
}

#[test]
fn x3_missing_column() {
    refuse("areas.csv", b"area_code,prefecture,area,std_physicians,population_100k,std_utilization_ratio\n0101,\xe5\x8c\x97\xe6\xb5\xb7\xe9\x81\x93,x,1,1,1\n", "secondary", &["row 1", "column index", "required column index is missing"]);
}

#[test]
fn x3_non_numeric_index() {
    refuse(
        "areas.csv",
        format!("{HEADER}0101,北海道,南渡島,２０５．５,883,3.63,1.184\n0102,北海道,南檜山,約139,26,0.215,0.855\n")
            .as_bytes(),
        "secondary",
        &["row 3", "column index", "value \"約139\"", "not a number"],
    );
}

#[test]
fn x3_duplicate_area_code() {
    refuse(
        "areas.csv",
        format!("{HEADER}0101,北海道,南渡島,205.5,883,3.63,1.184\n0101,北海道,南檜山,139,26,0.215,0.855\n").as_bytes(),
        "secondary",
        &["row 3", "column area_code", "value \"0101\"", "already on row 2"],
    );
}

#[test]
fn x3_negative_population() {
    refuse(
        "areas.csv",
        format!("{HEADER}0101,北海道,南渡島,205.5,883,-3.63,1.184\n").as_bytes(),
        "secondary",
        &["row 2", "column population_100k", "value \"-3.63\"", "negative"],
    );
}

#[test]
fn x3_unknown_prefecture_code() {
    refuse(
        "prefs.csv",
        "pref_code,prefecture,index\n13,東京都,353.9\n48,未来県,200\n".as_bytes(),
        "tertiary",
        &["row 3", "column pref_code", "value \"48\"", "unknown prefecture code"],
    );
}

#[test]
fn x3_empty_file() {
    refuse("areas.csv", b"", "secondary", &["empty"]);
    refuse("areas.csv", HEADER.as_bytes(), "secondary", &["no data rows"]);
}

#[test]
fn x3_cp932_file_with_a_broken_byte() {
    let text = format!("{HEADER}0101,北海道,南渡島,205.5,883,3.63,1.184\n0102,北海道,");
    let mut bytes = encoding_rs::SHIFT_JIS.encode(&text).0.into_owned();
    bytes.extend_from_slice(&[0x82, 0x0D, b',', b'1', b'\n']);
    refuse("areas_sjis.csv", &bytes, "secondary", &["row 3", "column area", "bytes 82", "Shift_JIS/CP932"]);
}

#[test]
fn x3_overrides_without_reason_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o_path = dir.path().join("overrides.csv");
    std::fs::write(&o_path, "code,decided,reason,decided_by,decided_on\n0102,中程度,,北海道医療政策課,2024-03-01\n")
        .unwrap();
    let o = ishi(&["plan", "table", "--overrides", o_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("column reason"));
    assert!(o.stdout.is_empty());
}

#[test]
fn x3_override_of_an_unknown_area_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o_path = dir.path().join("overrides.csv");
    std::fs::write(&o_path, "code,decided,reason,decided_by,decided_on\n0199,中程度,理由,県,2024-03-01\n").unwrap();
    let o = ishi(&["plan", "table", "--overrides", o_path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("0199"), "{}", stderr(&o));
}

#[test]
fn x3_a_failed_run_keeps_an_existing_output_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.json");
    std::fs::write(&output, "previous").unwrap();
    let input = dir.path().join("bad.csv");
    std::fs::write(&input, format!("{HEADER}0101,北海道,南渡島,x,883,3.63,1.184\n")).unwrap();
    let o = ishi(&[
        "plan",
        "table",
        "--input",
        input.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "previous");
}

#[test]
fn x3_missing_input_file_is_an_error_not_a_panic() {
    let o = ishi(&["plan", "table", "--input", "/nonexistent/areas.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/areas.csv"));
    assert!(!Path::new("/nonexistent").exists());
}
