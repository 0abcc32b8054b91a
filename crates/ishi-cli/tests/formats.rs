//! The CLI contract: formats, encodings, overrides, raw mode (README «CLI contract»).

mod common;
use common::*;

#[test]
fn x2_csv_output_is_utf8_with_bom_and_has_the_json_columns() {
    let o = ishi(&["plan", "table", "--format", "csv"]);
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(o.stdout[3..].to_vec()).unwrap();
    let header = text.lines().next().unwrap();
    for key in ["code", "name", "prefecture", "index", "rank", "designation", "decided"] {
        assert!(header.split(',').any(|h| h == key), "{key} in {header}");
    }
    assert_eq!(text.lines().count(), 331);
    assert!(text.contains("0906,両毛,栃木県,179.3,"));
}

#[test]
fn x2_cp932_and_xlsx_inputs_give_the_same_table_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = std::fs::read_to_string(repo_file("data/mhlw-2024/secondary_areas.csv")).unwrap();
    // Shift_JIS with full-width digits in one index and an ideographic space in a name.
    let edited =
        utf8.replace("0101,北海道,南渡島,205.5", "0101,北海道,南渡島,２０５．５").replace(",両毛,", ",両毛　,");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&edited);
    assert!(!unmappable);
    let sjis_path = dir.path().join("sjis.csv");
    std::fs::write(&sjis_path, &sjis).unwrap();

    let xlsx_path = dir.path().join("areas.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in utf8.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            // Numbers as numbers, like a planner's spreadsheet (area codes lose their leading zero).
            match cell.parse::<f64>() {
                Ok(v) if r > 0 => sheet.write_number(r as u32, c as u16, v).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    book.save(&xlsx_path).unwrap();

    let base = json(&["plan", "table"]);
    for path in [&sjis_path, &xlsx_path] {
        let rows = json(&["plan", "table", "--input", path.to_str().unwrap()]);
        assert_eq!(rows.len(), 330, "{path:?}");
        for (a, b) in base.iter().zip(&rows) {
            assert_eq!(
                (&a["code"], &a["index"], &a["designation"], &a["rank"]),
                (&b["code"], &b["index"], &b["designation"], &b["rank"]),
                "{path:?}"
            );
        }
    }
}

#[test]
fn x2_xlsx_output_opens_and_carries_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.xlsx");
    let o = ishi(&["plan", "table", "--level", "tertiary", "--format", "xlsx", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sheet = ishi_io::sheet::Sheet::from_xlsx("plan.xlsx", &std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(sheet.headers[0], "都道府県コード");
    let mut rows = 0;
    sheet
        .for_each_row(|_| {
            rows += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(rows, 47);
}

#[test]
fn p3_3_override_shows_mechanical_and_decided_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overrides.csv");
    std::fs::write(&path, "code,decided,reason,decided_by,decided_on\n0102,中程度,へき地医療拠点病院の支援により医療提供体制が確保されているため,北海道保健福祉部,2024-03-15\n").unwrap();
    let rows = json(&["plan", "table", "--overrides", path.to_str().unwrap()]);
    let row = rows.iter().find(|r| r["code"] == "0102").unwrap();
    assert_eq!(row["designation"], "少数");
    assert_eq!(row["decided"], "中程度");
    assert_eq!(row["override"]["decided_by"], "北海道保健福祉部");
    assert_eq!(counts(&rows, "designation"), (112, 111, 107));
    assert_eq!(counts(&rows, "decided"), (112, 112, 106));
    let text = stdout(&ishi(&["plan", "table", "--overrides", path.to_str().unwrap()]));
    assert!(text.contains("0102 南檜山: 少数 → 中程度　理由: へき地医療拠点病院"), "{text}");
    assert!(text.contains("令和6年3月15日"));
}

#[test]
fn p2_raw_mode_end_to_end_on_synthetic_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    let o = ishi(&["synth", "--output", raw.to_str().unwrap(), "--physicians", "20000", "--seed", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(raw.join("README.txt")).unwrap().contains("SYNTHETIC"));
    let rows = json(&["plan", "table", "--raw", raw.to_str().unwrap()]);
    assert_eq!(rows.len(), 330);
    assert!(rows.iter().all(|r| r["name"].as_str().unwrap().starts_with("合成")));
    assert!(rows.iter().all(|r| r["index_source"] == "computed"));
    // Fixed cut-offs do not fit synthetic values: every area lands somewhere, none panics.
    let (a, i, s) = counts(&rows, "designation");
    assert_eq!(a + i + s, 330);
    let tertiary = json(&["plan", "table", "--raw", raw.to_str().unwrap(), "--level", "tertiary"]);
    assert_eq!(counts(&tertiary, "designation"), (16, 15, 16));
    for variant in ["outpatient", "obstetrics", "pediatrics"] {
        let rows = json(&["plan", "table", "--raw", raw.to_str().unwrap(), "--variant", variant]);
        let (a, _, s) = counts(&rows, "designation");
        match variant {
            "outpatient" => assert_eq!((a, s), (110, 0)),
            _ => assert_eq!((a, s), (0, 110)),
        }
    }
}

#[test]
fn p2_raw_mode_bad_file_names_file_row_column() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    assert!(ishi(&["synth", "--output", raw.to_str().unwrap(), "--physicians", "100"]).status.success());
    let p = raw.join("physicians.csv");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("9999,,M,40,hospital,\n");
    std::fs::write(&p, text).unwrap();
    let o = ishi(&["plan", "table", "--raw", raw.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("physicians.csv: row 102, column area_code, value \"9999\": unknown area code"), "{err}");
}

#[test]
fn x1_edition_command_prints_every_value_with_its_source() {
    let text = stdout(&ishi(&["plan", "edition", "--edition", "2024"]));
    assert!(text.contains("upper = 217.6"));
    assert!(text.contains("lower = 179.3"));
    assert_eq!(ishi(&["plan", "edition", "--edition", "2031"]).status.code(), Some(2));
}

#[test]
fn cli_table_snapshot_tertiary_2024() {
    let text = stdout(&ishi(&["plan", "table", "--level", "tertiary", "--sort", "rank"]));
    insta::assert_snapshot!(text);
}

#[test]
fn cli_json_snapshot_first_areas() {
    let rows = json(&["plan", "table"]);
    insta::assert_json_snapshot!(rows[..3].to_vec());
}

#[test]
fn p3_chart_command_writes_an_svg_rank_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.svg");
    let o = ishi(&["plan", "chart", "--level", "tertiary", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("医師偏在指標"));
    assert!(svg.contains("266.8") && svg.contains("228.8"), "rank thresholds labelled");
}
