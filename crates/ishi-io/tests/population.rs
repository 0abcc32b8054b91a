//! Area population from the raw files in `data/population/` (`ishi_io::population`): the derived
//! files regenerate exactly (golden), published facts hold on them, nothing is dropped silently, and
//! the readers of a user's own files refuse bad input with file, row, column and value (X3).
//!
//! To rebuild the derived files after a change to the raw files or to the derivation:
//! `ISHI_REGENERATE_POPULATION=1 cargo test -p ishi-io --test population` — then review the diff.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ishi_io::population::{
    Derivation, RawPopulationFiles, derive, read_area_population, read_area_projection, read_ipss, read_juki,
    read_population_overrides, shipped_area_population_2025, shipped_area_projection, shipped_unmatched,
};
use ishi_io::sheet::Sheet;
use ishi_io::shipped::secondary_areas_2024;
use ishi_io::{InputError, IoError};
use ishi_plan::AreaCode;
use ishi_plan::population::{PopulationOverrides, Provenance, future_area};
use ishi_plan::raw::Sex;

fn population_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/population")
}

fn raw() -> &'static RawPopulationFiles {
    static RAW: OnceLock<RawPopulationFiles> = OnceLock::new();
    RAW.get_or_init(|| RawPopulationFiles::read_dir(&population_dir()).unwrap_or_else(|e| panic!("{e}")))
}

fn derivation() -> &'static Derivation {
    static DERIVED: OnceLock<Derivation> = OnceLock::new();
    DERIVED.get_or_init(|| derive(raw(), &secondary_areas_2024()).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn derived_files_regenerate_exactly_from_the_raw_files() {
    let dir = population_dir();
    if std::env::var_os("ISHI_REGENERATE_POPULATION").is_some() {
        derivation().write(&dir).unwrap();
    }
    for (name, text) in derivation().files() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            committed == text,
            "data/population/{name} differs from what the raw files give; regenerate with \
             ISHI_REGENERATE_POPULATION=1 and review the diff"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Published facts

#[test]
fn juki_national_total_is_the_published_124_330_690() {
    // 住民基本台帳 2025-01-01 総計: 124 330 690 = 男 60 663 248 + 女 63 667 433 + 9 of neither sex.
    let national = &raw().juki.national;
    assert_eq!(national.total(), 124_330_690.0);
    assert_eq!(national.sex_total(Sex::Male), 60_663_248.0);
    assert_eq!(national.sex_total(Sex::Female), 63_667_433.0);
    assert_eq!(national.sex_unknown, 9.0);
}

#[test]
fn area_populations_add_up_to_the_nation() {
    // Every inhabited municipality lies in exactly one area: Σ areas = the national total, and the
    // municipalities left out (北方領土) have nobody.
    let areas = &derivation().populations;
    let sum: f64 = areas.iter().map(|a| a.total()).sum();
    assert_eq!(sum, 124_330_690.0);
    let male: f64 = areas.iter().map(|a| a.sex_total(Sex::Male)).sum();
    assert_eq!(male, 60_663_248.0);
    // The bands published for municipalities cover all but 6 721 people (注1: small foreign-resident
    // counts); they stay in the total as age_unknown / sex_unknown: 124 330 690 − 124 323 969.
    let banded: f64 = areas.iter().map(|a| a.by_sex_band.iter().flatten().sum::<f64>()).sum();
    assert_eq!(sum - banded, 6_721.0);
}

#[test]
fn every_index_area_has_a_population_and_a_projection() {
    let codes: Vec<AreaCode> = secondary_areas_2024().into_iter().map(|a| a.code).collect();
    assert_eq!(codes.len(), 330);
    let d = derivation();
    assert_eq!(d.populations.iter().map(|a| a.code.clone()).collect::<Vec<_>>(), codes);
    assert_eq!(d.projections.iter().map(|a| a.code.clone()).collect::<Vec<_>>(), codes);
}

#[test]
fn unmatched_lists_only_the_uninhabited_northern_territories() {
    let unmatched = shipped_unmatched();
    assert_eq!(unmatched, derivation().unmatched);
    // 色丹村, 泊村 (国後郡), 留夜別村, 留別村, 紗那村, 蘂取村: population 0, in no area.
    assert_eq!(unmatched.len(), 6);
    for u in &unmatched {
        assert_eq!((u.kind.as_str(), u.prefecture.as_str()), ("municipality", "北海道"), "{u:?}");
        assert!(u.code.starts_with("0169") || u.code.starts_with("0170"), "{u:?}");
        assert!(u.reason.contains("population 0"), "{u:?}");
    }
}

#[test]
fn areas_agree_with_the_json_population_figures() {
    // For every area made only of JSON members, Σ of the JSON's figures = Σ of the 住民基本台帳
    // totals, except three municipalities where the JSON's figure is another municipality's.
    let d = derivation();
    let mut by_area: BTreeMap<&str, (f64, f64, bool)> = BTreeMap::new();
    for m in &d.members {
        let e = by_area.entry(m.area.as_str()).or_insert((0.0, 0.0, true));
        e.0 += m.population_2025 as f64;
        match m.json_pop {
            Some(p) => e.1 += p,
            None => e.2 = false,
        }
    }
    let differing: Vec<(&str, f64)> = by_area
        .iter()
        .filter(|(_, (ours, json, all))| *all && ours != json)
        .map(|(a, (o, j, _))| (*a, o - j))
        .collect();
    // 0105 後志: 古宇郡泊村 1 420, the JSON 0 (国後郡泊村's figure).
    // 2812 播磨姫路: 赤穂郡上郡町 13 543, the JSON 13 879.
    // 4002 粕屋: 糟屋郡須惠町 29 307, the JSON (須恵町) 28 628.
    assert_eq!(differing, vec![("0105", 1_420.0), ("2812", 13_543.0 - 13_879.0), ("4002", 29_307.0 - 28_628.0)]);
    let json_areas = by_area.values().filter(|v| v.2).count();
    // 330 areas − 21 that hold a 政令市 or a ward of one (20 cities, 川崎 in two areas; the JSON lists
    // none) = 309.
    assert_eq!(json_areas, 309);
    // 0101 南渡島 by hand: 男 156 298 + 女 183 763 = 340 061, the JSON's members sum to the same.
    let minami_oshima = d.populations.iter().find(|a| a.code.as_str() == "0101").unwrap();
    assert_eq!(minami_oshima.total(), 340_061.0);
    let json_0101: f64 =
        raw().areas.iter().find(|a| a.area == "南渡島").unwrap().members.iter().map(|m| m.pop.unwrap()).sum();
    assert_eq!(json_0101, 340_061.0);
}

#[test]
fn designated_city_placements_fit_the_published_2021_area_population() {
    // The JSON lists no 政令市; designated_cities.csv places them. Check against the files: with them,
    // each such area's 2025 population is within 5 % of the 2021 population of the 2024 release
    // (all 330 areas lie within 0.84–1.06: 2021→2025 change, 能登北部 lowest after the 2024
    // earthquake). Without them these areas would hold 0–30 % of it.
    let published: HashMap<AreaCode, f64> =
        secondary_areas_2024().into_iter().map(|a| (a.code, a.components.unwrap().population)).collect();
    let d = derivation();
    let with_city: Vec<&AreaCode> = raw().designated.iter().map(|c| &c.area).collect();
    for area in &d.populations {
        let ratio = area.total() / published[&area.code];
        assert!((0.80..=1.10).contains(&ratio), "{}: {ratio}", area.code);
        if with_city.contains(&&area.code) {
            assert!((0.95..=1.05).contains(&ratio), "{}: {ratio}", area.code);
        }
    }
    // 川崎: 南部 (川崎・幸・中原) 672 426 against 666 200; 北部 (高津・宮前・多摩・麻生) 862 715 against
    // 855 500. Swapped, the ratios would be 1.29 and 0.79.
    let total = |code: &str| d.populations.iter().find(|a| a.code.as_str() == code).unwrap().total();
    assert_eq!(total("1405"), 233_887.0 + 174_808.0 + 263_731.0);
    assert_eq!(total("1404"), 231_957.0 + 234_249.0 + 218_533.0 + 177_976.0);
}

#[test]
fn ipss_area_projections_add_up_to_the_published_national_totals() {
    // Σ of the 47 prefectures of 結果表1: 2020 = 126 146 099 (国勢調査 2020), 2050 = 104 686 386.
    let d = derivation();
    let ipss = &raw().ipss;
    for y in 0..7 {
        let areas: u64 = d.projections.iter().map(|p| p.totals[y]).sum();
        let prefectures: u64 =
            ipss.rows.iter().filter(|r| r.kind == ishi_io::population::IpssKind::Prefecture).map(|r| r.totals[y]).sum();
        assert_eq!(areas, prefectures, "year index {y}");
    }
    let sum = |y: usize| d.projections.iter().map(|p| p.totals[y]).sum::<u64>();
    assert_eq!(sum(0), 126_146_099);
    assert_eq!(sum(6), 104_686_386);
}

#[test]
fn hamadori_projection_is_split_between_iwaki_and_soso_by_2025_population() {
    // 7999 浜通り地域 2020: 452 508. Members by the 住民基本台帳 2025: いわき市 303 171 (area 0707) and
    // 12 others 155 561 (all in 0706 相双). いわき: 452 508 × 303 171 / 458 732 = 299 057.6 → 299 058
    // (largest remainder); 相双: 153 450. Σ = 452 508.
    let group = raw().ipss.groups.iter().find(|g| g.code == "07999").unwrap();
    assert_eq!(group.members.len(), 13);
    assert_eq!(group.members[0], "いわき市");
    let d = derivation();
    let projection = |code: &str| d.projections.iter().find(|p| p.code.as_str() == code).unwrap().totals;
    assert_eq!(projection("0707")[0], 299_058);
    assert_eq!(projection("0706")[0], 153_450);
    let members: Vec<_> = d.members.iter().filter(|m| m.ipss_code.as_deref() == Some("07999")).collect();
    assert_eq!(members.len(), 13);
    for y in 0..7 {
        let row = raw().ipss.rows.iter().find(|r| r.code == "07999").unwrap();
        assert_eq!(projection("0706")[y] + projection("0707")[y], row.totals[y]);
    }
}

#[test]
fn shipped_files_read_back_as_derived() {
    assert_eq!(shipped_area_population_2025(), derivation().populations);
    let projections = shipped_area_projection();
    assert_eq!(projections.len(), 330);
    for (shipped, derived) in projections.iter().zip(&derivation().projections) {
        assert_eq!(shipped.code, derived.code);
        let values: Vec<f64> = derived.totals.iter().map(|&v| v as f64).collect();
        assert_eq!(shipped.points().iter().map(|p| p.1).collect::<Vec<_>>(), values);
        assert_eq!(shipped.first_year(), 2020);
        assert_eq!(shipped.last_year(), 2050);
    }
}

#[test]
fn p2_3_shipped_pyramids_keep_every_area_total() {
    for area in shipped_area_population_2025() {
        let sum: f64 = area.pyramid().iter().flatten().sum();
        assert!((sum - area.total()).abs() < 1e-6, "{}", area.code);
    }
}

// ---------------------------------------------------------------------------------------------
// P4 / P5 use

#[test]
fn p5_1_population_2036_of_sapporo_interpolates_the_shipped_projection() {
    // 0104 札幌: 2035 2 304 753, 2040 2 240 953. 2036 = 2 304 753 × (2 240 953 / 2 304 753)^(1/5)
    //   = 2 304 753 × 0.972318…^0.2 = 2 304 753 × 0.994401… = 2 291 849.3…
    let projection = shipped_area_projection().into_iter().find(|p| p.code.as_str() == "0104").unwrap();
    let code = AreaCode::new("0104");
    let future = future_area(&code, 2036, Some(&projection), Some(1.059), &PopulationOverrides::default()).unwrap();
    assert!((future.population.value - 2_291_849.3).abs() < 0.05, "{}", future.population.value);
    assert_eq!(future.population.provenance, Provenance::Interpolated { from: 2035, to: 2040 });
    // The published 2024 ratio held: 22.918… × 1.059.
    assert_eq!(future.std_utilization_ratio.value, 1.059);
    let per_population = ishi_plan::RuleEdition::builtin("2024").unwrap().index.per_population.value;
    assert!((future.demand(per_population) - 22.918_493 * 1.059).abs() < 1e-5);
}

#[test]
fn p4_3_plan_end_population_lies_between_the_neighbouring_projection_years() {
    for p in shipped_area_projection() {
        for (year, low, high) in [(2026, 2025, 2030), (2029, 2025, 2030), (2036, 2035, 2040)] {
            let (a, b) = (p.at(low).unwrap(), p.at(high).unwrap());
            let v = p.at(year).unwrap();
            assert!(v >= a.min(b) && v <= a.max(b), "{} {year}", p.code);
        }
    }
}

#[test]
fn p5_1_user_overrides_from_a_file_win_over_the_shipped_projection() {
    let csv = "area_code,year,population,std_utilization_ratio\n0104,2036,2000000,\n104,2029,,1.2\n";
    let overrides = read_population_overrides(&Sheet::from_csv("o.csv", csv.as_bytes()).unwrap()).unwrap();
    let projection = shipped_area_projection().into_iter().find(|p| p.code.as_str() == "0104").unwrap();
    let code = AreaCode::new("0104");
    let f2036 = future_area(&code, 2036, Some(&projection), Some(1.059), &overrides).unwrap();
    assert_eq!((f2036.population.value, f2036.population.provenance), (2_000_000.0, Provenance::User));
    assert_eq!(f2036.std_utilization_ratio.provenance, Provenance::HeldFromCurrent);
    // A code written without its leading zero (a spreadsheet's doing) is the same area.
    let f2029 = future_area(&code, 2029, Some(&projection), Some(1.059), &overrides).unwrap();
    assert_eq!((f2029.std_utilization_ratio.value, f2029.std_utilization_ratio.provenance), (1.2, Provenance::User));
}

// ---------------------------------------------------------------------------------------------
// Bad input (X3)

fn refused<T: std::fmt::Debug>(result: Result<T, InputError>) -> String {
    result.unwrap_err().to_string()
}

fn overrides(csv: &str) -> Result<PopulationOverrides, InputError> {
    read_population_overrides(&Sheet::from_csv("o.csv", csv.as_bytes()).unwrap())
}

#[test]
fn x3_override_errors_name_file_row_column_and_value() {
    let head = "area_code,year,population,std_utilization_ratio\n";
    assert_eq!(
        refused(overrides(&format!("{head}0104,二〇三六,1,\n"))),
        r#"o.csv: row 2, column year, value "二〇三六": a year of four digits expected (e.g. 2036)"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}0104,2036,多い,\n"))),
        r#"o.csv: row 2, column population, value "多い": not a number"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}0104,2036,-5,\n"))),
        r#"o.csv: row 2, column population, value "-5": must not be negative"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}0104,2036,,0\n"))),
        r#"o.csv: row 2, column std_utilization_ratio, value "0": a 標準化受療率比 must be above 0"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}0104,2036,,\n"))),
        r#"o.csv: row 2, column population, value "": give a population, a ratio or both"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}0104,2036,1,\n0104,2036,,1.1\n"))),
        r#"o.csv: row 3, column year, value "2036": this area and year are already on row 2"#
    );
    assert_eq!(
        refused(overrides(&format!("{head}01040,2036,1,\n"))),
        r#"o.csv: row 2, column area_code, value "01040": must be a code of 4 digits"#
    );
    assert!(refused(overrides("area_code,year,note\n0104,2036,x\n")).contains("give a population column"));
    assert!(refused(overrides("area_code,population\n0104,1\n")).contains("required column year is missing"));
}

#[test]
fn x3_override_reads_either_column_alone_and_full_width_digits() {
    let only_ratio = overrides("area_code,year,std_utilization_ratio\n０１０４,２０３６,１．０２\n").unwrap();
    assert_eq!(only_ratio.std_utilization_ratio(&AreaCode::new("0104"), 2036), Some(1.02));
    assert_eq!(only_ratio.population(&AreaCode::new("0104"), 2036), None);
}

fn area_population(csv: &str) -> Result<Vec<ishi_plan::population::AreaPopulation>, InputError> {
    read_area_population(&Sheet::from_csv("p.csv", csv.as_bytes()).unwrap())
}

const POP_HEAD: &str = "area_code,sex,total,0-4,5-9,10-14,15-19,20-24,25-29,30-34,35-39,40-44,45-49,50-54,55-59,\
60-64,65-69,70-74,75-79,80-84,85-89,90-94,95-99,100+\n";

fn pop_row(code: &str, sex: &str, total: &str, band: &str) -> String {
    format!("{code},{sex},{total},{band}{}\n", ",0".repeat(20))
}

#[test]
fn x3_area_population_errors_name_file_row_column_and_value() {
    let ok = format!("{POP_HEAD}{}{}", pop_row("0104", "男", "12", "10"), pop_row("0104", "女", "5", "5"));
    let areas = area_population(&ok).unwrap();
    // 男 12 with 10 in bands: 2 without a band.
    assert_eq!(areas[0].age_unknown, [2.0, 0.0]);
    assert_eq!(areas[0].total(), 17.0);
    assert_eq!(
        refused(area_population(&format!("{POP_HEAD}{}", pop_row("0104", "男", "9", "10")))),
        r#"p.csv: row 2, column total, value "9": smaller than the sum of the bands (10)"#
    );
    assert_eq!(
        refused(area_population(&format!("{POP_HEAD}{}", pop_row("0104", "X", "9", "1")))),
        r#"p.csv: row 2, column sex, value "X": expected 男, 女 or 不詳"#
    );
    assert_eq!(
        refused(area_population(&format!("{POP_HEAD}{}", pop_row("0104", "男", "9", "-1")))),
        r#"p.csv: row 2, column 0-4, value "-1": must not be negative"#
    );
    assert_eq!(
        refused(area_population(&format!("{POP_HEAD}{}", pop_row("0104", "男", "9", "1")))),
        "p.csv: area 0104 has no 女 row"
    );
    let twice = format!("{POP_HEAD}{}{}", pop_row("0104", "男", "9", "1"), pop_row("0104", "男", "9", "1"));
    assert_eq!(
        refused(area_population(&twice)),
        r#"p.csv: row 3, column sex, value "男": this area and sex are already on row 2"#
    );
    let unknown_with_bands = format!("{ok}{}", pop_row("0104", "不詳", "1", "1"));
    assert_eq!(
        refused(area_population(&unknown_with_bands)),
        r#"p.csv: row 4, column 0-4, value "1": 不詳 rows carry only a total"#
    );
}

#[test]
fn x3_area_projection_errors_name_file_row_column_and_value() {
    let read = |csv: &str| read_area_projection(&Sheet::from_csv("q.csv", csv.as_bytes()).unwrap());
    assert_eq!(read("area_code,2030,2025\n0104,90,100\n").unwrap()[0].points(), &[(2025, 100.0), (2030, 90.0)]);
    assert_eq!(
        refused(read("area_code,2025\n0104,\n")),
        r#"q.csv: row 2, column 2025, value "": a number is required"#
    );
    assert_eq!(
        refused(read("area_code,2025\n0104,1\n0104,2\n")),
        r#"q.csv: row 3, column area_code, value "0104": duplicate code: already on row 2"#
    );
    assert!(refused(read("area_code,total\n0104,1\n")).contains("no year columns"));
}

/// A small 住民基本台帳-shaped workbook: title, bands, header, the national rows and one municipality.
fn juki_xlsx(code: &str, male_total: f64) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "令和7年1月1日住民基本台帳年齢階級別人口（市区町村別）（総計）").unwrap();
    sheet.write_string(1, 4, "総数").unwrap();
    for b in 0..21u16 {
        let label = if b == 20 { "100歳以上".to_string() } else { format!("{}歳～{}歳", 5 * b, 5 * b + 4) };
        sheet.write_string(1, 5 + b, label).unwrap();
    }
    for (col, name) in ["団体コード", "都道府県名", "市区町村名", "性別"].iter().enumerate() {
        sheet.write_string(2, col as u16, *name).unwrap();
    }
    let rows = [("-", "合計", "-", male_total + 2.0), ("-", "合計", "-", male_total), ("-", "合計", "-", 2.0)];
    let muni = [
        (code, "北海道", "札幌市", male_total + 2.0),
        (code, "北海道", "札幌市", male_total),
        (code, "北海道", "札幌市", 2.0),
    ];
    for (i, (c, pref, name, total)) in rows.iter().chain(muni.iter()).enumerate() {
        let r = 3 + i as u32;
        sheet.write_string(r, 0, *c).unwrap();
        sheet.write_string(r, 1, *pref).unwrap();
        sheet.write_string(r, 2, *name).unwrap();
        sheet.write_string(r, 3, ["計", "男", "女"][i % 3]).unwrap();
        sheet.write_number(r, 4, *total).unwrap();
        // Everyone in 0–4.
        sheet.write_number(r, 5, *total).unwrap();
        for b in 1..21u16 {
            sheet.write_number(r, 5 + b, 0.0).unwrap();
        }
    }
    sheet.write_string(9, 0, "注1：…").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn x3_juki_reads_a_well_formed_table_and_skips_the_notes() {
    let table = read_juki("j.xlsx", &juki_xlsx("011002", 10.0)).unwrap();
    assert_eq!(table.national.total(), 12.0);
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].name, "札幌市");
    assert_eq!(table.rows[0].population.by_sex_band[0][0], 10.0);
    assert_eq!(table.rows[0].row, 7);
}

#[test]
fn x2_juki_refuses_a_municipality_code_with_a_wrong_check_digit() {
    assert_eq!(
        refused(read_juki("j.xlsx", &juki_xlsx("011003", 10.0))),
        r#"j.xlsx: row 7, column A (団体コード), value "011003": "011003" is not a municipality code: the check digit (last digit) does not match"#
    );
}

#[test]
fn x3_juki_and_ipss_refuse_files_that_are_not_workbooks() {
    assert!(refused(read_juki("j.xlsx", b"not a workbook")).starts_with("j.xlsx: not a readable .xlsx file"));
    assert!(refused(read_ipss("k.xlsx", b"not a workbook")).starts_with("k.xlsx: not a readable .xlsx file"));
    // A workbook of another shape: the header is looked for and named.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "something else").unwrap();
    let other = book.save_to_buffer().unwrap();
    assert_eq!(refused(read_juki("j.xlsx", &other)), "j.xlsx: no header row starting with 団体コード");
    assert_eq!(refused(read_ipss("k.xlsx", &other)), "k.xlsx: no header row starting with コード");
}

#[test]
fn x3_ipss_group_without_its_note_is_refused() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in ["コード", "市などの別", "都道府県", "市区町村", "総人口（人）"].iter().enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for (i, year) in [2020, 2025, 2030, 2035, 2040, 2045, 2050].iter().enumerate() {
        sheet.write_string(1, 4 + i as u16, format!("{year}年")).unwrap();
    }
    sheet.write_string(2, 0, "7999").unwrap();
    sheet.write_string(2, 1, "9").unwrap();
    sheet.write_string(2, 2, "福島県").unwrap();
    sheet.write_string(2, 3, "浜通り地域").unwrap();
    for i in 0..7u16 {
        sheet.write_number(2, 4 + i, 100.0).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    assert_eq!(
        refused(read_ipss("k.xlsx", &bytes)),
        r#"k.xlsx: row 3, column D (市区町村), value "浜通り地域": a group (市などの別 9) without a note above the table listing its municipalities"#
    );
}

#[test]
fn x3_json_error_names_the_line() {
    let err = ishi_io::population::read_area_municipalities("a.json", b"[\n{\"pref\": 1}\n]").unwrap_err();
    assert_eq!((err.file.as_str(), err.row), ("a.json", Some(2)));
}

#[test]
fn x3_a_missing_raw_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(RawPopulationFiles::read_dir(dir.path()), Err(IoError::Read { .. })));
}
