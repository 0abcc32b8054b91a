//! Population by 二次医療圏 from the shipped 住民基本台帳 and IPSS files (SPEC P4, P5; X2, X3).
//!
//! Two halves:
//! - **Derivation** (auditable, run rarely): [`RawPopulationFiles::read_dir`] reads the raw files
//!   in `data/population/` — [`read_juki`] (総務省 住民基本台帳 2025-01-01 by municipality × sex × 5-year
//!   band), [`read_ipss`] (IPSS 令和5年推計 結果表1, totals 2020–2050), [`read_area_municipalities`]
//!   (320 areas with member municipalities *by name*) and [`read_designated_cities`] (where each 政令市
//!   lies: the JSON lists none). [`derive`] matches names to codes ([`Member`]), sums members into
//!   areas and lists everything it could not place ([`Unmatched`]); [`Derivation::files`] renders the
//!   compact CSVs that are committed beside the raw files, and a test regenerates them exactly.
//! - **Use** (every run): [`shipped_area_population_2025`] and [`shipped_area_projection`] read the
//!   embedded derived CSVs; [`read_area_population`], [`read_area_projection`] and
//!   [`read_population_overrides`] read a user's own files in the same columns, with errors naming
//!   file, row, column and value.
//!
//! Decisions (also in `data/population/README.md`): names are matched within a prefecture after
//! NFKC and a short list of variant characters ([`fold_name`]); a 郡 prefix is optional; of two
//! municipalities of one name in a prefecture the inhabited one is taken (北海道 泊村); 政令市 come
//! from `designated_cities.csv`, whole or by ward, never both; the one IPSS projection of 福島県
//! 浜通り (code 7999, 13 municipalities in two areas) is split between its areas in proportion to the
//! members' 2025 住民基本台帳 totals, by largest remainders so that every year still sums exactly.
//!
//! ```
//! use ishi_io::population::{shipped_area_population_2025, shipped_area_projection};
//!
//! let sapporo = shipped_area_population_2025().into_iter().find(|a| a.code.as_str() == "0104").unwrap();
//! assert!(sapporo.total() > 2_300_000.0);
//! let projection = shipped_area_projection().into_iter().find(|p| p.code.as_str() == "0104").unwrap();
//! let y2036 = projection.at(2036).unwrap();
//! assert!(y2036 < projection.at(2035).unwrap() && y2036 > projection.at(2040).unwrap());
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use calamine::Data;
use ishi_plan::population::{
    AGE_BAND_LABELS, AGE_BANDS, AreaPopulation, MunicipalityCode, PopulationOverride, PopulationOverrides,
    PopulationProjection,
};
use ishi_plan::raw::Sex;
use ishi_plan::{AreaCode, AreaEntry};
use serde::Deserialize;

use crate::error::{InputError, IoError};
use crate::export::write_atomic;
use crate::import::{code_field, duplicate_check, read_secondary_areas};
use crate::sheet::{Row, Sheet, first_worksheet_rows};
use crate::text::normalize;

/// 住民基本台帳 file in `data/population/`.
pub const JUKI_FILE: &str = "juki_age_muni_2025.xlsx";
/// IPSS 結果表1 file.
pub const IPSS_FILE: &str = "kekkahyo1.xlsx";
/// Areas with member municipalities by name.
pub const AREA_MUNICIPALITIES_FILE: &str = "secondary_area_municipalities_2025.json";
/// Where each 政令市 (or ward) lies: written by hand, checked by tests.
pub const DESIGNATED_CITIES_FILE: &str = "designated_cities.csv";
/// Derived: area × sex × 5-year band, 2025-01-01.
pub const AREA_POPULATION_FILE: &str = "area_population_2025.csv";
/// Derived: area × projection year totals.
pub const AREA_PROJECTION_FILE: &str = "area_projection_ipss2023.csv";
/// Derived: municipality → area.
pub const MUNICIPALITY_AREA_FILE: &str = "municipality_area.csv";
/// Derived: what could not be placed, and why.
pub const UNMATCHED_FILE: &str = "unmatched.csv";

/// `data/population/area_population_2025.csv`.
pub const AREA_POPULATION_2025_CSV: &str = include_str!("../../../data/population/area_population_2025.csv");
/// `data/population/area_projection_ipss2023.csv`.
pub const AREA_PROJECTION_IPSS2023_CSV: &str = include_str!("../../../data/population/area_projection_ipss2023.csv");
/// `data/population/municipality_area.csv`.
pub const MUNICIPALITY_AREA_CSV: &str = include_str!("../../../data/population/municipality_area.csv");
/// `data/population/unmatched.csv`.
pub const UNMATCHED_CSV: &str = include_str!("../../../data/population/unmatched.csv");

/// Where the 2025 population comes from (shown beside it).
pub const SOURCE_JUKI_2025: &str =
    "総務省「住民基本台帳に基づく人口、人口動態及び世帯数」令和7年1月1日現在 年齢階級別人口（市区町村別）（総計）";
/// Where the projection comes from (shown beside it).
pub const SOURCE_IPSS_2023: &str = "国立社会保障・人口問題研究所「日本の地域別将来推計人口（令和5年推計）」結果表1";

/// The years of IPSS 結果表1.
pub const IPSS_YEARS: [u16; 7] = [2020, 2025, 2030, 2035, 2040, 2045, 2050];

/// Columns of an area-population file (after `area_code`, `sex`, `total`: [`AGE_BAND_LABELS`]).
pub const AREA_POPULATION_COLUMNS: [&str; 3] = ["area_code", "sex", "total"];
/// Columns of an overrides file; `population` and `std_utilization_ratio` may each be left out.
pub const POPULATION_OVERRIDE_COLUMNS: [&str; 4] = ["area_code", "year", "population", "std_utilization_ratio"];

// ---------------------------------------------------------------------------------------------
// Spreadsheet cells

/// The first worksheet's cells with spreadsheet row numbers (1-based).
struct Grid {
    rows: Vec<(usize, Vec<Data>)>,
}

impl Grid {
    fn read(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        Ok(Self { rows: first_worksheet_rows(file, bytes, Data::Empty, Data::clone)? })
    }
}

fn cell(cells: &[Data], col: usize) -> &Data {
    cells.get(col).unwrap_or(&Data::Empty)
}

/// A cell as text (whole numbers without `.0`), NFKC-normalized and trimmed (X2).
fn cell_text(data: &Data) -> String {
    let raw = match data {
        Data::Empty => return String::new(),
        Data::String(s) => Cow::Borrowed(s.as_str()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Cow::Owned(format!("{}", *f as i64)),
        Data::Float(f) => Cow::Owned(f.to_string()),
        Data::Int(i) => Cow::Owned(i.to_string()),
        other => Cow::Owned(other.to_string()),
    };
    normalize(&raw).into_owned()
}

/// `A`, `B`, … `Z`, `AA` …
fn column_letter(mut col: usize) -> String {
    let mut letters = vec![];
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// An error at a cell, the column named by letter and meaning: `E (総数)`.
fn cell_error(file: &str, row: usize, col: usize, name: &str, data: &Data, problem: impl Into<String>) -> InputError {
    InputError::at(file, row, &format!("{} ({name})", column_letter(col)), &cell_text(data), problem)
}

/// A head count: a whole number of 0 or more.
fn cell_count(file: &str, row: usize, col: usize, name: &str, data: &Data) -> Result<u64, InputError> {
    let value = match data {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => crate::text::parse_number(&normalize(s)),
        _ => None,
    };
    match value {
        Some(v) if v >= 0.0 && v.fract() == 0.0 && v < 1e15 => Ok(v as u64),
        Some(_) => Err(cell_error(file, row, col, name, data, "a head count must be a whole number of 0 or more")),
        None => Err(cell_error(file, row, col, name, data, "a head count is required")),
    }
}

// ---------------------------------------------------------------------------------------------
// 住民基本台帳

/// One municipality (or prefecture, or aggregate) of the 住民基本台帳 table: its rows 計, 男 and 女.
#[derive(Debug, Clone, PartialEq)]
pub struct JukiMunicipality {
    pub code: MunicipalityCode,
    pub prefecture: String,
    /// As written, with the 郡 of towns and villages (`石狩郡新篠津村`) and the city of wards
    /// (`札幌市中央区`).
    pub name: String,
    /// By sex × band; `code` is the municipality code.
    pub population: AreaPopulation,
    /// Spreadsheet row of its 計 row.
    pub row: usize,
}

impl JukiMunicipality {
    /// A municipality, 政令市 or ward (市, 区, 町, 村); not a 郡 or 島しょ total.
    pub fn is_municipality(&self) -> bool {
        self.name.ends_with(['市', '区', '町', '村'])
    }
}

/// The 住民基本台帳 table: the national total and every coded row below it.
#[derive(Debug, Clone, PartialEq)]
pub struct JukiTable {
    /// The 合計 rows.
    pub national: AreaPopulation,
    /// Prefectures (name `-`), municipalities, 政令市 and their wards, and 郡 / 島しょ totals, in file order.
    pub rows: Vec<JukiMunicipality>,
}

const JUKI_NAMES: [&str; 4] = ["団体コード", "都道府県名", "市区町村名", "性別"];
const JUKI_TOTAL_COL: usize = 4;
const JUKI_SEXES: [&str; 3] = ["計", "男", "女"];

/// Reads 「住民基本台帳に基づく人口」 年齢階級別人口（市区町村別）: a header row naming 団体コード …
/// 性別, the row above it naming 総数 and the 21 bands 0歳～4歳 … 100歳以上, then for each code three rows
/// 計, 男, 女. Notes (注…) may follow the data. People without a band or a sex (the table's 注1, 注3)
/// are kept apart in each [`AreaPopulation`], so its total is the published total.
pub fn read_juki(file: &str, bytes: &[u8]) -> Result<JukiTable, InputError> {
    let grid = Grid::read(file, bytes)?;
    let header_at = grid
        .rows
        .iter()
        .position(|(_, cells)| cell_text(cell(cells, 0)).starts_with(JUKI_NAMES[0]))
        .ok_or_else(|| InputError::file(file, "no header row starting with 団体コード"))?;
    let (header_row, header) = &grid.rows[header_at];
    for (col, name) in JUKI_NAMES.iter().enumerate() {
        if !cell_text(cell(header, col)).starts_with(name) {
            return Err(cell_error(file, *header_row, col, name, cell(header, col), format!("expected {name}")));
        }
    }
    let Some((bands_row, bands)) = header_at.checked_sub(1).map(|i| &grid.rows[i]) else {
        return Err(InputError::file(file, "no row of age bands above the header"));
    };
    if !cell_text(cell(bands, JUKI_TOTAL_COL)).starts_with("総数") {
        return Err(cell_error(file, *bands_row, JUKI_TOTAL_COL, "総数", cell(bands, JUKI_TOTAL_COL), "expected 総数"));
    }
    for (b, label) in AGE_BAND_LABELS.iter().enumerate() {
        let col = JUKI_TOTAL_COL + 1 + b;
        let expected = format!("{}歳", 5 * b);
        if !cell_text(cell(bands, col)).starts_with(&expected) {
            let problem = format!("expected the band {label}");
            return Err(cell_error(file, *bands_row, col, label, cell(bands, col), problem));
        }
    }

    let data: Vec<&(usize, Vec<Data>)> = grid.rows[header_at + 1..]
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !cell_text(c).is_empty()))
        .take_while(|(_, cells)| !cell_text(cell(cells, 0)).starts_with('注'))
        .collect();
    if data.is_empty() {
        return Err(InputError::file(file, "no data rows"));
    }
    if !data.len().is_multiple_of(3) {
        let (row, cells) = data[data.len() - 1];
        return Err(cell_error(file, *row, 3, JUKI_NAMES[3], cell(cells, 3), "each code needs three rows: 計, 男, 女"));
    }
    let mut national = None;
    let mut rows = Vec::with_capacity(data.len() / 3);
    for group in data.chunks(3) {
        let (first_row, first) = group[0];
        let code_text = cell_text(cell(first, 0));
        let mut totals = [0u64; 3];
        let mut population = AreaPopulation::new(AreaCode::new(code_text.clone()));
        for (i, (row, cells)) in group.iter().enumerate() {
            let sex = cell_text(cell(cells, 3));
            if sex != JUKI_SEXES[i] {
                let problem = format!("expected {} (rows come as 計, 男, 女)", JUKI_SEXES[i]);
                return Err(cell_error(file, *row, 3, JUKI_NAMES[3], cell(cells, 3), problem));
            }
            if cell_text(cell(cells, 0)) != code_text {
                let problem = format!("expected the code {code_text} of row {first_row}");
                return Err(cell_error(file, *row, 0, JUKI_NAMES[0], cell(cells, 0), problem));
            }
            totals[i] = cell_count(file, *row, JUKI_TOTAL_COL, "総数", cell(cells, JUKI_TOTAL_COL))?;
            if i == 0 {
                continue;
            }
            let mut banded = 0;
            for (b, label) in AGE_BAND_LABELS.iter().enumerate() {
                let col = JUKI_TOTAL_COL + 1 + b;
                let n = cell_count(file, *row, col, label, cell(cells, col))?;
                population.by_sex_band[i - 1][b] = n as f64;
                banded += n;
            }
            if banded > totals[i] {
                let problem = format!("the bands add up to {banded}, more than the total");
                return Err(cell_error(file, *row, JUKI_TOTAL_COL, "総数", cell(cells, JUKI_TOTAL_COL), problem));
            }
            population.age_unknown[i - 1] = (totals[i] - banded) as f64;
        }
        let Some(sex_unknown) = totals[0].checked_sub(totals[1] + totals[2]) else {
            let problem = format!("男 {} + 女 {} exceed 計", totals[1], totals[2]);
            return Err(cell_error(file, *first_row, JUKI_TOTAL_COL, "総数", cell(first, JUKI_TOTAL_COL), problem));
        };
        population.sex_unknown = sex_unknown as f64;
        if code_text == "-" {
            if national.is_some() {
                return Err(cell_error(file, *first_row, 0, JUKI_NAMES[0], cell(first, 0), "a second national total"));
            }
            national = Some(population);
            continue;
        }
        let code = MunicipalityCode::parse(&code_text)
            .map_err(|e| cell_error(file, *first_row, 0, JUKI_NAMES[0], cell(first, 0), e.to_string()))?;
        let prefecture = cell_text(cell(first, 1));
        let name = cell_text(cell(first, 2));
        if prefecture.is_empty() || name.is_empty() {
            let col = if prefecture.is_empty() { 1 } else { 2 };
            return Err(cell_error(file, *first_row, col, JUKI_NAMES[col], cell(first, col), "a name is required"));
        }
        rows.push(JukiMunicipality { code, prefecture, name, population, row: *first_row });
    }
    let national = national.ok_or_else(|| InputError::file(file, "no national total (団体コード -)"))?;
    Ok(JukiTable { national, rows })
}

// ---------------------------------------------------------------------------------------------
// IPSS 結果表1

/// 市などの別 of IPSS 結果表1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpssKind {
    /// `a` — 都道府県.
    Prefecture,
    /// `0` — 政令市の区 (and Tokyo's 23 区).
    Ward,
    /// `1` — 政令市.
    DesignatedCity,
    /// `2` — other cities.
    City,
    /// `3` — towns and villages.
    TownOrVillage,
    /// `9` — a group of municipalities projected together (福島県 浜通り地域).
    Group,
}

/// One row of IPSS 結果表1: total population 2020–2050 ([`IPSS_YEARS`]).
#[derive(Debug, Clone, PartialEq)]
pub struct IpssRow {
    /// Five digits, leading zeros restored (`01100`; the group `07999`).
    pub code: String,
    pub kind: IpssKind,
    pub prefecture: String,
    pub name: String,
    pub totals: [u64; 7],
    pub row: usize,
}

/// Municipalities IPSS projects only together, as its notes list them.
#[derive(Debug, Clone, PartialEq)]
pub struct IpssGroup {
    /// The code of the group's row.
    pub code: String,
    pub prefecture: String,
    /// e.g. `浜通り地域`.
    pub name: String,
    /// Member municipalities by name, as the note lists them.
    pub members: Vec<String>,
}

/// IPSS 結果表1 and its groups.
#[derive(Debug, Clone, PartialEq)]
pub struct IpssTable {
    pub rows: Vec<IpssRow>,
    pub groups: Vec<IpssGroup>,
}

const IPSS_NAMES: [&str; 4] = ["コード", "市などの別", "都道府県", "市区町村"];
const IPSS_FIRST_YEAR_COL: usize = 4;

/// Reads 「日本の地域別将来推計人口（令和5年推計）」 結果表1: a header row コード, 市などの別, 都道府県,
/// 市区町村, 総人口 with the years 2020年 … 2050年 on the row below; codes without the check digit
/// and without leading zeros. A group row (市などの別 9) gets its members from the note above the
/// table (「…「浜通り地域」は、いわき市、…、飯舘村の13市町村を含む地域です。」).
pub fn read_ipss(file: &str, bytes: &[u8]) -> Result<IpssTable, InputError> {
    let grid = Grid::read(file, bytes)?;
    let header_at = grid
        .rows
        .iter()
        .position(|(_, cells)| cell_text(cell(cells, 0)) == IPSS_NAMES[0])
        .ok_or_else(|| InputError::file(file, "no header row starting with コード"))?;
    let (header_row, header) = &grid.rows[header_at];
    for (col, name) in IPSS_NAMES.iter().enumerate() {
        if !cell_text(cell(header, col)).starts_with(name) {
            return Err(cell_error(file, *header_row, col, name, cell(header, col), format!("expected {name}")));
        }
    }
    let Some((years_row, years)) = grid.rows.get(header_at + 1) else {
        return Err(InputError::file(file, "no row of years below the header"));
    };
    for (i, year) in IPSS_YEARS.iter().enumerate() {
        let col = IPSS_FIRST_YEAR_COL + i;
        let expected = format!("{year}年");
        if !cell_text(cell(years, col)).starts_with(&expected) {
            return Err(cell_error(file, *years_row, col, "総人口", cell(years, col), format!("expected {expected}")));
        }
    }

    let mut rows = vec![];
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &grid.rows[header_at + 2..] {
        let code_text = cell_text(cell(cells, 0));
        if cells.iter().all(|c| cell_text(c).is_empty()) {
            continue;
        }
        if code_text.is_empty() || code_text.len() > 5 || !code_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(cell_error(
                file,
                *row,
                0,
                IPSS_NAMES[0],
                cell(cells, 0),
                "a code of up to five digits expected",
            ));
        }
        let code = format!("{code_text:0>5}");
        if let Some(first) = seen.insert(code.clone(), *row) {
            let problem = format!("duplicate code: already on row {first}");
            return Err(cell_error(file, *row, 0, IPSS_NAMES[0], cell(cells, 0), problem));
        }
        let kind = match cell_text(cell(cells, 1)).as_str() {
            "a" => IpssKind::Prefecture,
            "0" => IpssKind::Ward,
            "1" => IpssKind::DesignatedCity,
            "2" => IpssKind::City,
            "3" => IpssKind::TownOrVillage,
            "9" => IpssKind::Group,
            _ => {
                let problem = "expected a, 0, 1, 2, 3 or 9";
                return Err(cell_error(file, *row, 1, IPSS_NAMES[1], cell(cells, 1), problem));
            }
        };
        let mut totals = [0; 7];
        for (i, total) in totals.iter_mut().enumerate() {
            let col = IPSS_FIRST_YEAR_COL + i;
            *total = cell_count(file, *row, col, &format!("{}年", IPSS_YEARS[i]), cell(cells, col))?;
        }
        let prefecture = cell_text(cell(cells, 2));
        if prefecture.is_empty() {
            return Err(cell_error(file, *row, 2, IPSS_NAMES[2], cell(cells, 2), "a prefecture is required"));
        }
        rows.push(IpssRow { code, kind, prefecture, name: cell_text(cell(cells, 3)), totals, row: *row });
    }
    if rows.is_empty() {
        return Err(InputError::file(file, "no data rows"));
    }

    let notes: Vec<String> = grid.rows[..header_at].iter().flat_map(|(_, cells)| cells.iter().map(cell_text)).collect();
    let mut groups = vec![];
    for group_row in rows.iter().filter(|r| r.kind == IpssKind::Group) {
        let found = notes.iter().find_map(|note| group_note(note).filter(|g| group_row.name.starts_with(&g.1)));
        let Some((prefecture, name, members)) = found else {
            return Err(InputError::at(
                file,
                group_row.row,
                "D (市区町村)",
                &group_row.name,
                "a group (市などの別 9) without a note above the table listing its municipalities",
            ));
        };
        if prefecture != group_row.prefecture {
            return Err(InputError::at(
                file,
                group_row.row,
                "C (都道府県)",
                &group_row.prefecture,
                format!("the note puts {name} in {prefecture}"),
            ));
        }
        groups.push(IpssGroup { code: group_row.code.clone(), prefecture, name, members });
    }
    Ok(IpssTable { rows, groups })
}

/// `福島県「浜通り地域」は、いわき市、相馬市…飯舘村の13市町村を含む地域です。` → (福島県, 浜通り地域, [いわき市, …]),
/// when the count written matches the names listed.
fn group_note(note: &str) -> Option<(String, String, Vec<String>)> {
    let (prefecture, rest) = note.split_once('「')?;
    let (name, rest) = rest.split_once('」')?;
    let list = rest.strip_prefix("は、")?;
    let (list, tail) = list.split_once('の')?;
    let count: usize = tail.split_once("市町村を含む")?.0.parse().ok()?;
    let members: Vec<String> = list.split('、').map(|m| m.trim().to_string()).collect();
    (members.len() == count && members.iter().all(|m| !m.is_empty()))
        .then(|| (prefecture.trim().to_string(), name.trim().to_string(), members))
}

// ---------------------------------------------------------------------------------------------
// The JSON of areas and member names, and the designated-city table

/// One area of `secondary_area_municipalities_2025.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JsonArea {
    #[serde(rename = "pref")]
    pub prefecture: String,
    pub area: String,
    #[serde(rename = "munis")]
    pub members: Vec<JsonMunicipality>,
}

/// A member municipality by name, with the JSON's 2025 population (used only to audit).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JsonMunicipality {
    pub name: String,
    pub pop: Option<f64>,
}

/// Reads the JSON list of areas with member municipalities; a syntax or shape error names its line.
pub fn read_area_municipalities(file: &str, bytes: &[u8]) -> Result<Vec<JsonArea>, InputError> {
    serde_json::from_slice(bytes).map_err(|e| InputError {
        file: file.into(),
        row: Some(e.line()),
        column: Some(format!("character {}", e.column())),
        value: None,
        problem: format!("not the expected JSON (a list of {{pref, area, munis: [{{name, pop}}]}}): {e}"),
    })
}

/// A 政令市 (or one of its wards) placed in an area by `designated_cities.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignatedCity {
    pub prefecture: String,
    /// A municipality name as the 住民基本台帳 writes it (`札幌市`, `川崎市川崎区`).
    pub municipality: String,
    pub area: AreaCode,
    pub row: usize,
}

/// Reads `designated_cities.csv` (prefecture, municipality, area_code, note).
pub fn read_designated_cities(sheet: &Sheet) -> Result<Vec<DesignatedCity>, InputError> {
    let cols = sheet.columns(&["prefecture", "municipality", "area_code"], &[])?;
    let c = |n| cols.get(n).expect("required");
    let (pref_c, muni_c, area_c) = (c("prefecture"), c("municipality"), c("area_code"));
    let mut out = vec![];
    sheet.for_each_row(|row| {
        out.push(DesignatedCity {
            prefecture: row.required_text(pref_c)?.into_owned(),
            municipality: row.required_text(muni_c)?.into_owned(),
            area: code_field(row, area_c, 4)?,
            row: row.number,
        });
        Ok(())
    })?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Derivation

/// The raw files of `data/population/`, read.
#[derive(Debug, Clone)]
pub struct RawPopulationFiles {
    pub juki: JukiTable,
    pub ipss: IpssTable,
    pub areas: Vec<JsonArea>,
    pub designated: Vec<DesignatedCity>,
}

impl RawPopulationFiles {
    /// Reads the four input files from `dir` (the repository's `data/population/`).
    pub fn read_dir(dir: &Path) -> Result<Self, IoError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| IoError::Read { path, source })
        };
        let designated = read(DESIGNATED_CITIES_FILE)?;
        Ok(Self {
            juki: read_juki(JUKI_FILE, &read(JUKI_FILE)?)?,
            ipss: read_ipss(IPSS_FILE, &read(IPSS_FILE)?)?,
            areas: read_area_municipalities(AREA_MUNICIPALITIES_FILE, &read(AREA_MUNICIPALITIES_FILE)?)?,
            designated: read_designated_cities(&Sheet::from_csv(DESIGNATED_CITIES_FILE, &designated)?)?,
        })
    }
}

/// How a municipality was placed in its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Its name in the JSON's area, as written (or with the 郡 left out).
    Json,
    /// Its name in the JSON's area after folding variant characters ([`fold_name`]: 須恵町 = 須惠町).
    JsonVariantCharacter,
    /// Its name in the JSON's area, shared with an uninhabited municipality of the prefecture
    /// (泊村 of 後志, not the 北方領土's 国後郡泊村, population 0).
    JsonInhabitedNamesake,
    /// `designated_cities.csv` (政令市 and their wards: the JSON lists none).
    DesignatedCityTable,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Json => "json",
            Basis::JsonVariantCharacter => "json_variant_character",
            Basis::JsonInhabitedNamesake => "json_inhabited_namesake",
            Basis::DesignatedCityTable => "designated_cities",
        }
    }
}

/// A municipality in its area.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub municipality: MunicipalityCode,
    pub prefecture: String,
    /// As the 住民基本台帳 writes it.
    pub name: String,
    pub area: AreaCode,
    pub area_name: String,
    pub basis: Basis,
    /// The IPSS row its projection comes from: its own, or its group's (`07999`).
    pub ipss_code: Option<String>,
    /// 住民基本台帳 2025-01-01, total.
    pub population_2025: u64,
    /// The JSON's figure for it, to audit (`None` for 政令市).
    pub json_pop: Option<f64>,
}

/// Something the derivation could not place, with the reason. Never dropped silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// `area` (an index area without members), `json_area`, `json_municipality`, `municipality`
    /// (a municipality in no area) or `projection` (a member without an IPSS row).
    pub kind: String,
    pub code: String,
    pub prefecture: String,
    pub name: String,
    pub reason: String,
}

/// An area's projected totals in [`IPSS_YEARS`].
#[derive(Debug, Clone, PartialEq)]
pub struct AreaProjectionRow {
    pub code: AreaCode,
    pub totals: [u64; 7],
}

/// What [`derive`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    /// In the order of the index areas, then of municipality codes.
    pub members: Vec<Member>,
    /// One per index area with members, in the areas' order.
    pub populations: Vec<AreaPopulation>,
    /// One per index area whose every member has a projection.
    pub projections: Vec<AreaProjectionRow>,
    pub unmatched: Vec<Unmatched>,
}

/// NFKC, then one form for characters the sources write in two ways: `惠`/`恵` (須惠町 in the
/// 住民基本台帳, 須恵町 in the JSON), `ヶ`/`ケ`, `﨑`/`崎`, `髙`/`高`, `邊`/`邉`/`辺`. Applied to both
/// sides, so it can only merge names that differ in nothing else.
pub fn fold_name(name: &str) -> String {
    normalize(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '惠' => '恵',
            'ヶ' => 'ケ',
            '﨑' => '崎',
            '髙' => '高',
            '邊' | '邉' => '辺',
            c => c,
        })
        .collect()
}

/// `石狩郡新篠津村` → `新篠津村`: the JSON writes towns and villages without their 郡.
fn without_county(name: &str) -> Option<&str> {
    if !name.ends_with(['町', '村']) {
        return None;
    }
    let (county, rest) = name.split_once('郡')?;
    // A town keeps at least one character before 町/村: `上郡町` alone has no county.
    (!county.is_empty() && rest.chars().count() >= 2).then_some(rest)
}

/// The municipalities of the 住民基本台帳 that areas are made of, with their 政令市 ↔ ward links.
struct Units<'a> {
    list: Vec<&'a JukiMunicipality>,
    /// Prefecture (folded) → name (folded, full and without 郡) → units.
    by_name: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Unit → its 政令市, for wards.
    city_of: Vec<Option<usize>>,
}

impl<'a> Units<'a> {
    fn new(juki: &'a JukiTable) -> Self {
        let list: Vec<&JukiMunicipality> = juki.rows.iter().filter(|m| m.is_municipality()).collect();
        let mut by_name: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        for (i, m) in list.iter().enumerate() {
            let names = by_name.entry(fold_name(&m.prefecture)).or_default();
            names.entry(fold_name(&m.name)).or_default().push(i);
            if let Some(short) = without_county(&m.name) {
                names.entry(fold_name(short)).or_default().push(i);
            }
        }
        let city_of = list
            .iter()
            .map(|w| {
                if !w.name.ends_with('区') {
                    return None;
                }
                list.iter().position(|c| {
                    c.prefecture == w.prefecture
                        && c.name.ends_with('市')
                        && w.name.len() > c.name.len()
                        && w.name.starts_with(c.name.as_str())
                })
            })
            .collect();
        Self { list, by_name, city_of }
    }

    /// Units of a name in a prefecture: exact first, then through [`fold_name`]; of several, those
    /// with people. Returns the candidates and how they were found.
    fn find(&self, prefecture: &str, name: &str) -> (Vec<usize>, Basis) {
        let Some(names) = self.by_name.get(&fold_name(prefecture)) else { return (vec![], Basis::Json) };
        let Some(found) = names.get(&fold_name(name)) else { return (vec![], Basis::Json) };
        let exact = found.iter().any(|&i| {
            let m = self.list[i];
            normalize(&m.name) == normalize(name)
                || without_county(&m.name).is_some_and(|s| normalize(s) == normalize(name))
        });
        let mut basis = if exact { Basis::Json } else { Basis::JsonVariantCharacter };
        let mut found = found.clone();
        if found.len() > 1 {
            found.retain(|&i| self.list[i].population.total() > 0.0);
            if basis == Basis::Json {
                basis = Basis::JsonInhabitedNamesake;
            }
        }
        (found, basis)
    }

    fn wards_of(&self, city: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.list.len()).filter(move |&w| self.city_of[w] == Some(city))
    }
}

/// Builds the crosswalk municipality → 二次医療圏, the areas' 2025 population by sex × band and their
/// projected totals, and the list of what could not be placed. `areas` are the index areas (the
/// 330 of `data/mhlw-2024/secondary_areas.csv`); their order is the order of the output.
pub fn derive(raw: &RawPopulationFiles, areas: &[AreaEntry]) -> Result<Derivation, IoError> {
    let units = Units::new(&raw.juki);
    let mut unmatched = vec![];
    let area_at: HashMap<(String, String), usize> =
        areas.iter().enumerate().map(|(i, a)| ((fold_name(&a.prefecture), fold_name(&a.name)), i)).collect();
    let area_by_code: HashMap<&AreaCode, usize> = areas.iter().enumerate().map(|(i, a)| (&a.code, i)).collect();
    // Unit → (area, basis, JSON figure).
    let mut placed: HashMap<usize, (usize, Basis, Option<f64>)> = HashMap::new();

    // A unit may be placed once, and a 政令市 either whole or by ward.
    let conflict = |placed: &HashMap<usize, (usize, Basis, Option<f64>)>, unit: usize| -> Option<String> {
        let name = |i: usize| units.list[i].name.clone();
        let area_of = |i: usize| placed.get(&i).map(|p| areas[p.0].code.to_string());
        if let Some(a) = area_of(unit) {
            return Some(format!("already placed in area {a}"));
        }
        if let Some(city) = units.city_of[unit]
            && let Some(a) = area_of(city)
        {
            return Some(format!("its city {} is already placed whole in area {a}", name(city)));
        }
        units
            .wards_of(unit)
            .find_map(|w| area_of(w).map(|a| format!("its ward {} is already placed in area {a}", name(w))))
    };

    for json_area in &raw.areas {
        let Some(&area) = area_at.get(&(fold_name(&json_area.prefecture), fold_name(&json_area.area))) else {
            unmatched.push(Unmatched {
                kind: "json_area".into(),
                code: String::new(),
                prefecture: json_area.prefecture.clone(),
                name: json_area.area.clone(),
                reason: "no index area of this name in the prefecture; its municipalities are not placed".into(),
            });
            continue;
        };
        for member in &json_area.members {
            let (found, basis) = units.find(&json_area.prefecture, &member.name);
            let problem = match found.as_slice() {
                [] => Some("no municipality of this name in the prefecture's 住民基本台帳".to_string()),
                [unit] => conflict(&placed, *unit),
                several => Some(format!(
                    "several inhabited municipalities of this name: {}",
                    several.iter().map(|&i| units.list[i].code.to_string()).collect::<Vec<_>>().join(", ")
                )),
            };
            match problem {
                None => {
                    placed.insert(found[0], (area, basis, member.pop));
                }
                Some(reason) => unmatched.push(Unmatched {
                    kind: "json_municipality".into(),
                    code: areas[area].code.to_string(),
                    prefecture: json_area.prefecture.clone(),
                    name: member.name.clone(),
                    reason,
                }),
            }
        }
    }

    for city in &raw.designated {
        let err = |problem: String| {
            IoError::from(InputError::at(DESIGNATED_CITIES_FILE, city.row, "municipality", &city.municipality, problem))
        };
        let Some(&area) = area_by_code.get(&city.area) else {
            return Err(err(format!("area {} is not an index area", city.area)));
        };
        if fold_name(&areas[area].prefecture) != fold_name(&city.prefecture) {
            return Err(err(format!("area {} lies in {}", city.area, areas[area].prefecture)));
        }
        let (found, _) = units.find(&city.prefecture, &city.municipality);
        let exact: Vec<usize> =
            found.into_iter().filter(|&i| fold_name(&units.list[i].name) == fold_name(&city.municipality)).collect();
        let [unit] = exact.as_slice() else {
            return Err(err("not exactly one municipality of this name in the prefecture".into()));
        };
        if let Some(reason) = conflict(&placed, *unit) {
            return Err(err(reason));
        }
        placed.insert(*unit, (area, Basis::DesignatedCityTable, None));
    }

    for (i, m) in units.list.iter().enumerate() {
        let covered = placed.contains_key(&i) || units.city_of[i].is_some_and(|c| placed.contains_key(&c)) || {
            let mut wards = units.wards_of(i).peekable();
            wards.peek().is_some() && wards.all(|w| placed.contains_key(&w))
        };
        if covered {
            continue;
        }
        let reason = if m.population.total() == 0.0 {
            "population 0 in the 住民基本台帳 (北方領土) and listed in no area".to_string()
        } else if units.wards_of(i).any(|w| placed.contains_key(&w)) {
            continue; // A 政令市 placed by ward: its unplaced wards are listed themselves.
        } else {
            "listed in no area of the JSON nor in designated_cities.csv".to_string()
        };
        unmatched.push(Unmatched {
            kind: "municipality".into(),
            code: m.code.to_string(),
            prefecture: m.prefecture.clone(),
            name: m.name.clone(),
            reason,
        });
    }

    // Members by area, then by code.
    let mut by_area: Vec<Vec<usize>> = vec![vec![]; areas.len()];
    for (&unit, &(area, _, _)) in &placed {
        by_area[area].push(unit);
    }
    for list in &mut by_area {
        list.sort_by(|&a, &b| units.list[a].code.cmp(&units.list[b].code));
    }

    // Projections: a unit's own IPSS row, or its group's share.
    let ipss_by_code: HashMap<&str, &IpssRow> = raw.ipss.rows.iter().map(|r| (r.code.as_str(), r)).collect();
    let mut group_of: HashMap<usize, &IpssGroup> = HashMap::new();
    for group in &raw.ipss.groups {
        for name in &group.members {
            let (found, _) = units.find(&group.prefecture, name);
            let [unit] = found.as_slice() else {
                return Err(InputError::file(
                    IPSS_FILE,
                    format!("{}: member {name} is not exactly one municipality of the 住民基本台帳", group.name),
                )
                .into());
            };
            group_of.insert(*unit, group);
        }
    }
    let mut members = vec![];
    let mut populations = vec![];
    let mut own_totals: Vec<Option<[u64; 7]>> = vec![];
    // Group code → area → Σ members' 2025 population.
    let mut group_weights: BTreeMap<&str, BTreeMap<usize, u64>> = BTreeMap::new();
    for (a, list) in by_area.iter().enumerate() {
        if list.is_empty() {
            unmatched.push(Unmatched {
                kind: "area".into(),
                code: areas[a].code.to_string(),
                prefecture: areas[a].prefecture.clone(),
                name: areas[a].name.clone(),
                reason: "no member municipality: neither in the JSON nor in designated_cities.csv".into(),
            });
            own_totals.push(None);
            continue;
        }
        let mut population = AreaPopulation::new(areas[a].code.clone());
        let mut totals = Some([0u64; 7]);
        for &unit in list {
            let m = units.list[unit];
            population.add(&m.population);
            let (_, basis, json_pop) = placed[&unit];
            let people = m.population.total() as u64;
            let ipss_code = if let Some(group) = group_of.get(&unit) {
                *group_weights.entry(group.code.as_str()).or_default().entry(a).or_default() += people;
                Some(group.code.clone())
            } else if let Some(row) = ipss_by_code.get(m.code.five()) {
                if let Some(t) = totals.as_mut() {
                    t.iter_mut().zip(row.totals).for_each(|(t, v)| *t += v);
                }
                Some(row.code.clone())
            } else {
                unmatched.push(Unmatched {
                    kind: "projection".into(),
                    code: m.code.to_string(),
                    prefecture: m.prefecture.clone(),
                    name: m.name.clone(),
                    reason: format!("no IPSS row {}; area {} gets no projection", m.code.five(), areas[a].code),
                });
                totals = None;
                None
            };
            members.push(Member {
                municipality: m.code.clone(),
                prefecture: m.prefecture.clone(),
                name: m.name.clone(),
                area: areas[a].code.clone(),
                area_name: areas[a].name.clone(),
                basis,
                ipss_code,
                population_2025: people,
                json_pop,
            });
        }
        populations.push(population);
        own_totals.push(totals);
    }
    for (code, weights) in &group_weights {
        let row = ipss_by_code
            .get(code)
            .ok_or_else(|| InputError::file(IPSS_FILE, format!("no row for the group {code}")))?;
        for (y, &value) in row.totals.iter().enumerate() {
            for (area, share) in largest_remainder(value, weights) {
                if let Some(t) = own_totals[area].as_mut() {
                    t[y] += share;
                }
            }
        }
    }
    let projections = own_totals
        .iter()
        .enumerate()
        .filter_map(|(a, t)| t.map(|totals| AreaProjectionRow { code: areas[a].code.clone(), totals }))
        .collect();
    Ok(Derivation { members, populations, projections, unmatched })
}

/// Splits `value` in proportion to `weights` in whole numbers that add up to `value` exactly:
/// each gets the floor of its quota, and the units left go to the largest remainders (ties to the
/// first area). Exact in integers.
fn largest_remainder(value: u64, weights: &BTreeMap<usize, u64>) -> Vec<(usize, u64)> {
    let total: u128 = weights.values().map(|&w| u128::from(w)).sum();
    if total == 0 {
        // Nobody to weigh by: all to the first area, so nothing is lost.
        return weights.keys().take(1).map(|&a| (a, value)).collect();
    }
    let mut shares: Vec<(usize, u64, u128)> = weights
        .iter()
        .map(|(&a, &w)| {
            let q = u128::from(value) * u128::from(w);
            (a, (q / total) as u64, q % total)
        })
        .collect();
    let given: u64 = shares.iter().map(|s| s.1).sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&x, &y| shares[y].2.cmp(&shares[x].2).then(x.cmp(&y)));
    for &i in order.iter().take((value - given) as usize) {
        shares[i].1 += 1;
    }
    shares.into_iter().map(|(a, s, _)| (a, s)).collect()
}

fn csv_text(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(vec![]);
    w.write_record(headers).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

fn count(v: f64) -> String {
    format!("{v}")
}

impl Derivation {
    /// The derived files, named as in `data/population/`: UTF-8 without BOM, `\n` line ends.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let mut pop_headers = AREA_POPULATION_COLUMNS.to_vec();
        pop_headers.extend(AGE_BAND_LABELS);
        let population = csv_text(
            &pop_headers,
            self.populations.iter().flat_map(|a| {
                let code = a.code.to_string();
                let sex_row = |sex: Sex| {
                    let s = sex as usize;
                    let mut row = vec![code.clone(), sex_label(sex).into(), count(a.sex_total(sex))];
                    row.extend(a.by_sex_band[s].iter().map(|&v| count(v)));
                    row
                };
                let mut unknown = vec![code.clone(), "不詳".into(), count(a.sex_unknown)];
                unknown.extend(std::iter::repeat_n(String::new(), AGE_BANDS));
                [sex_row(Sex::Male), sex_row(Sex::Female), unknown]
            }),
        );
        let mut projection_headers = vec!["area_code".to_string()];
        projection_headers.extend(IPSS_YEARS.iter().map(|y| y.to_string()));
        let projection_headers: Vec<&str> = projection_headers.iter().map(String::as_str).collect();
        let projection = csv_text(
            &projection_headers,
            self.projections.iter().map(|p| {
                let mut row = vec![p.code.to_string()];
                row.extend(p.totals.iter().map(|t| t.to_string()));
                row
            }),
        );
        let crosswalk = csv_text(
            &[
                "municipality_code",
                "prefecture",
                "municipality",
                "area_code",
                "area",
                "basis",
                "ipss_code",
                "population_2025",
                "json_pop",
            ],
            self.members.iter().map(|m| {
                vec![
                    m.municipality.to_string(),
                    m.prefecture.clone(),
                    m.name.clone(),
                    m.area.to_string(),
                    m.area_name.clone(),
                    m.basis.as_str().into(),
                    m.ipss_code.clone().unwrap_or_default(),
                    m.population_2025.to_string(),
                    m.json_pop.map(count).unwrap_or_default(),
                ]
            }),
        );
        let unmatched = csv_text(
            &["kind", "code", "prefecture", "name", "reason"],
            self.unmatched
                .iter()
                .map(|u| vec![u.kind.clone(), u.code.clone(), u.prefecture.clone(), u.name.clone(), u.reason.clone()]),
        );
        vec![
            (AREA_POPULATION_FILE, population),
            (AREA_PROJECTION_FILE, projection),
            (MUNICIPALITY_AREA_FILE, crosswalk),
            (UNMATCHED_FILE, unmatched),
        ]
    }

    /// Writes [`Derivation::files`] into `dir`, each atomically.
    pub fn write(&self, dir: &Path) -> Result<(), IoError> {
        for (name, text) in self.files() {
            write_atomic(&dir.join(name), text.as_bytes())?;
        }
        Ok(())
    }
}

/// Reads the raw files in `population_dir` and the index areas from `secondary_areas_csv`, derives,
/// and writes the derived files back into `population_dir`. This is how the committed files were made.
pub fn regenerate(population_dir: &Path, secondary_areas_csv: &Path) -> Result<Derivation, IoError> {
    let raw = RawPopulationFiles::read_dir(population_dir)?;
    let per_population = ishi_plan::RuleEdition::builtin("2024")?.index.per_population.value;
    let areas = read_secondary_areas(&Sheet::open(secondary_areas_csv)?, per_population)?;
    let derivation = derive(&raw, &areas)?;
    derivation.write(population_dir)?;
    Ok(derivation)
}

// ---------------------------------------------------------------------------------------------
// Reading the derived files (shipped, or a user's own in the same columns)

fn sex_label(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "男",
        Sex::Female => "女",
    }
}

/// Reads an area population by sex × band: `area_code, sex, total, 0-4, …, 100+`, rows 男 and 女 for
/// each area (`male`/`female` also read) and optionally 不詳 (`unknown`) with only a total. A sex's
/// total may exceed its bands (people without a published band); never fall short of them.
pub fn read_area_population(sheet: &Sheet) -> Result<Vec<AreaPopulation>, InputError> {
    let cols = sheet.columns(&AREA_POPULATION_COLUMNS, &AGE_BAND_LABELS)?;
    let c = |n| cols.get(n).expect("required");
    let (code_c, sex_c, total_c) = (c("area_code"), c("sex"), c("total"));
    let band_c: Vec<Option<usize>> = AGE_BAND_LABELS.iter().map(|l| cols.get(l)).collect();
    let mut index: HashMap<AreaCode, usize> = HashMap::new();
    let mut out: Vec<AreaPopulation> = vec![];
    // (area, sex slot 0/1/2) → first row.
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    sheet.for_each_row(|row| {
        let code = code_field(row, code_c, 4)?;
        let slot = match row.required_text(sex_c)?.to_lowercase().as_str() {
            "男" | "male" | "m" => 0,
            "女" | "female" | "f" => 1,
            "不詳" | "unknown" => 2,
            _ => return Err(row.error(sex_c, "expected 男, 女 or 不詳")),
        };
        let area = *index.entry(code.clone()).or_insert_with(|| {
            out.push(AreaPopulation::new(code));
            out.len() - 1
        });
        if let Some(first) = seen.insert((area, slot), row.number) {
            return Err(row.error(sex_c, format!("this area and sex are already on row {first}")));
        }
        let total = row.non_negative(total_c)?;
        let population = &mut out[area];
        if slot == 2 {
            if let Some(col) = band_c.iter().flatten().find(|&&col| !row.text(col).is_empty()) {
                return Err(row.error(*col, "不詳 rows carry only a total"));
            }
            population.sex_unknown = total;
            return Ok(());
        }
        let mut banded = 0.0;
        for (b, col) in band_c.iter().enumerate() {
            let col = col.ok_or_else(|| {
                InputError::at(
                    &sheet.file,
                    1,
                    AGE_BAND_LABELS[b],
                    &sheet.headers.join(","),
                    "required band column is missing",
                )
            })?;
            let v = row.non_negative(col)?;
            population.by_sex_band[slot][b] = v;
            banded += v;
        }
        if banded > total * (1.0 + 1e-12) {
            return Err(row.error(total_c, format!("smaller than the sum of the bands ({banded})")));
        }
        population.age_unknown[slot] = (total - banded).max(0.0);
        Ok(())
    })?;
    if out.is_empty() {
        return Err(InputError::file(&sheet.file, "no data rows"));
    }
    for (area, population) in out.iter().enumerate() {
        for (slot, sex) in ["男", "女"].iter().enumerate() {
            if !seen.contains_key(&(area, slot)) {
                return Err(InputError::file(&sheet.file, format!("area {} has no {sex} row", population.code)));
            }
        }
    }
    Ok(out)
}

/// Reads area projections: `area_code` and one column per year (headers that are years, e.g.
/// `2020, 2025, …`). Every value is required, 0 or more.
pub fn read_area_projection(sheet: &Sheet) -> Result<Vec<PopulationProjection>, InputError> {
    let cols = sheet.columns(&["area_code"], &[])?;
    let code_c = cols.get("area_code").expect("required");
    let years: Vec<(usize, u16)> = sheet
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| (h.len() == 4).then(|| h.parse::<u16>().ok().map(|y| (i, y))).flatten())
        .collect();
    if years.is_empty() {
        return Err(InputError::at(
            &sheet.file,
            1,
            "(header)",
            &sheet.headers.join(","),
            "no year columns (e.g. 2025)",
        ));
    }
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = code_field(row, code_c, 4)?;
        duplicate_check(&mut seen, row, code_c, &code)?;
        let mut points = Vec::with_capacity(years.len());
        for &(col, year) in &years {
            points.push((year, row.non_negative(col)?));
        }
        points.sort_by_key(|p| p.0);
        let projection = PopulationProjection::new(code, points).map_err(|e| row.error(code_c, e.to_string()))?;
        out.push(projection);
        Ok(())
    })?;
    if out.is_empty() {
        return Err(InputError::file(&sheet.file, "no data rows"));
    }
    Ok(out)
}

/// Reads a user's future values (P4, P5): `area_code, year, population, std_utilization_ratio`,
/// either value may be empty (not both), and either column may be left out (not both). They win over
/// the shipped projection and the held ratio.
pub fn read_population_overrides(sheet: &Sheet) -> Result<PopulationOverrides, InputError> {
    let cols = sheet.columns(&POPULATION_OVERRIDE_COLUMNS[..2], &POPULATION_OVERRIDE_COLUMNS[2..])?;
    let (code_c, year_c) = (cols.get("area_code").expect("required"), cols.get("year").expect("required"));
    let (pop_c, ratio_c) = (cols.get("population"), cols.get("std_utilization_ratio"));
    if pop_c.is_none() && ratio_c.is_none() {
        return Err(InputError::at(
            &sheet.file,
            1,
            "population",
            &sheet.headers.join(","),
            "give a population column, a std_utilization_ratio column or both",
        ));
    }
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = code_field(row, code_c, 4)?;
        let year = year_field(row, year_c)?;
        if let Some(first) = seen.insert((code.clone(), year), row.number) {
            return Err(row.error(year_c, format!("this area and year are already on row {first}")));
        }
        let population = match pop_c {
            Some(col) => row.number(col)?,
            None => None,
        };
        if population.is_some_and(|p| p < 0.0) {
            return Err(row.error(pop_c.expect("a value"), "must not be negative"));
        }
        let ratio = match ratio_c {
            Some(col) => row.number(col)?,
            None => None,
        };
        if ratio.is_some_and(|r| r <= 0.0) {
            return Err(row.error(ratio_c.expect("a value"), "a 標準化受療率比 must be above 0"));
        }
        if population.is_none() && ratio.is_none() {
            return Err(row.error(pop_c.or(ratio_c).expect("a column"), "give a population, a ratio or both"));
        }
        out.push(PopulationOverride { code, year, population, std_utilization_ratio: ratio });
        Ok(())
    })?;
    PopulationOverrides::new(out).map_err(|e| InputError::file(&sheet.file, e.to_string()))
}

/// A year of four digits.
fn year_field(row: &Row, col: usize) -> Result<u16, InputError> {
    let t = row.required_text(col)?;
    match t.parse::<u16>() {
        Ok(y) if t.len() == 4 && (1900..=2200).contains(&y) => Ok(y),
        _ => Err(row.error(col, "a year of four digits expected (e.g. 2036)")),
    }
}

/// The embedded 2025 population of the 330 areas by sex × band ([`SOURCE_JUKI_2025`]).
pub fn shipped_area_population_2025() -> Vec<AreaPopulation> {
    let sheet = Sheet::from_csv("data/population/area_population_2025.csv", AREA_POPULATION_2025_CSV.as_bytes())
        .expect("shipped data reads");
    read_area_population(&sheet).expect("shipped data is valid")
}

/// The embedded projection of the 330 areas, 2020–2050 ([`SOURCE_IPSS_2023`]).
pub fn shipped_area_projection() -> Vec<PopulationProjection> {
    let sheet =
        Sheet::from_csv("data/population/area_projection_ipss2023.csv", AREA_PROJECTION_IPSS2023_CSV.as_bytes())
            .expect("shipped data reads");
    read_area_projection(&sheet).expect("shipped data is valid")
}

/// What the shipped derivation could not place ([`UNMATCHED_FILE`]).
pub fn shipped_unmatched() -> Vec<Unmatched> {
    let sheet = Sheet::from_csv("data/population/unmatched.csv", UNMATCHED_CSV.as_bytes()).expect("shipped data reads");
    let cols = sheet.columns(&["kind", "code", "prefecture", "name", "reason"], &[]).expect("shipped columns");
    let c = |n| cols.get(n).expect("required");
    let mut out = vec![];
    sheet
        .for_each_row(|row| {
            let f = |n| row.raw(c(n)).to_string();
            out.push(Unmatched {
                kind: f("kind"),
                code: f("code"),
                prefecture: f("prefecture"),
                name: f("name"),
                reason: f("reason"),
            });
            Ok(())
        })
        .expect("shipped data is valid");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_county_prefix_is_optional_for_towns_and_villages() {
        assert_eq!(without_county("石狩郡新篠津村"), Some("新篠津村"));
        assert_eq!(without_county("赤穂郡上郡町"), Some("上郡町"));
        assert_eq!(without_county("上郡町"), None);
        assert_eq!(without_county("大和郡山市"), None);
        assert_eq!(without_county("郡上市"), None);
    }

    #[test]
    fn x2_variant_characters_fold_to_one_form() {
        assert_eq!(fold_name("須惠町"), fold_name("須恵町"));
        assert_eq!(fold_name("横浜市保土ヶ谷区"), fold_name("横浜市保土ケ谷区"));
        assert_eq!(fold_name("ﾆｾｺ町"), "ニセコ町");
        assert_ne!(fold_name("飯舘村"), fold_name("飯館村"));
    }

    #[test]
    fn x2_ipss_group_note_lists_its_municipalities() {
        let note = "福島県「浜通り地域」は、いわき市、相馬市、南相馬市の3市町村を含む地域です。";
        let (pref, name, members) = group_note(note).unwrap();
        assert_eq!((pref.as_str(), name.as_str()), ("福島県", "浜通り地域"));
        assert_eq!(members, ["いわき市", "相馬市", "南相馬市"]);
        // The count must agree with the list.
        assert!(group_note("福島県「浜通り地域」は、いわき市、相馬市の3市町村を含む地域です。").is_none());
        assert!(group_note("上記13市町村の個別の推計値は存在しません。").is_none());
    }

    #[test]
    fn p5_1_group_projection_splits_by_largest_remainder_and_keeps_the_sum() {
        // 452 508 by weights 303 171 (いわき) and 155 561 (相双): total 458 732.
        // いわき: 452 508 × 303 171 / 458 732 = 299 057.6… → 299 057, remainder 0.6…
        // 相双:   452 508 × 155 561 / 458 732 = 153 450.4… → 153 450, remainder 0.4…
        // One unit left (452 508 − 452 507) goes to the larger remainder: いわき 299 058.
        let weights = BTreeMap::from([(0, 303_171), (1, 155_561)]);
        let shares = largest_remainder(452_508, &weights);
        assert_eq!(shares, vec![(0, 299_058), (1, 153_450)]);
        assert_eq!(shares.iter().map(|s| s.1).sum::<u64>(), 452_508);
        // Equal remainders: the first area gets the unit.
        assert_eq!(largest_remainder(3, &BTreeMap::from([(4, 1), (7, 1)])), vec![(4, 2), (7, 1)]);
        assert_eq!(largest_remainder(5, &BTreeMap::from([(2, 0)])), vec![(2, 5)]);
    }

    #[test]
    fn x3_column_letters_name_spreadsheet_columns() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
