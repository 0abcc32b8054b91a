//! Importers of the plan table's inputs (CLI contract, README «Input files»): secondary areas and
//! prefectures in the published columns, and overrides (P3.3). Each returns whole results or the
//! first error with file, row, column and value (X3) — never a partial list.

use std::collections::HashMap;

use ishi_plan::components::{Components, index_of_record};
use ishi_plan::{AreaCode, AreaEntry, CalendarDate, Designation, Override, Prefecture};

use crate::error::InputError;
use crate::sheet::{Row, Sheet};

/// Columns of a secondary-area table (those of `data/mhlw-2024/secondary_areas.csv`).
pub const SECONDARY_COLUMNS: [&str; 7] =
    ["area_code", "prefecture", "area", "index", "std_physicians", "population_100k", "std_utilization_ratio"];
/// Columns of a prefecture table.
pub const TERTIARY_COLUMNS: [&str; 3] = ["pref_code", "prefecture", "index"];
/// Columns of an overrides file.
pub const OVERRIDE_COLUMNS: [&str; 5] = ["code", "decided", "reason", "decided_by", "decided_on"];

/// A code of `digits` digits. Spreadsheets drop leading zeros (`0101` → `101`), so shorter numeric
/// codes are padded back.
pub fn code_field(row: &Row, col: usize, digits: usize) -> Result<AreaCode, InputError> {
    let t = row.required_text(col)?;
    if !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > digits {
        return Err(row.error(col, format!("must be a code of {digits} digits")));
    }
    Ok(AreaCode::new(format!("{t:0>digits$}")))
}

/// The JIS prefecture of a code, and a check that the written prefecture name agrees with it.
fn prefecture_of(
    row: &Row,
    code_col: usize,
    code: &AreaCode,
    name_col: usize,
) -> Result<&'static Prefecture, InputError> {
    let pref = code.prefecture().ok_or_else(|| {
        row.error(code_col, format!("unknown prefecture code {} (JIS codes are 01–47)", &code.as_str()[..2]))
    })?;
    let written = row.required_text(name_col)?;
    if Prefecture::by_name(&written) != Some(pref) {
        return Err(row.error(name_col, format!("does not match the code's prefecture {} ({})", pref.code, pref.name)));
    }
    Ok(pref)
}

/// Refuses a code already seen in this file, naming the row it was first on.
pub(crate) fn duplicate_check(
    seen: &mut HashMap<AreaCode, usize>,
    row: &Row,
    col: usize,
    code: &AreaCode,
) -> Result<(), InputError> {
    if let Some(first) = seen.insert(code.clone(), row.number) {
        return Err(row.error(col, format!("duplicate code: already on row {first}")));
    }
    Ok(())
}

/// Reads 二次医療圏 with published components (P2.7 b). `index` may be empty: it is then computed
/// from the components (P2.1). Extra columns are ignored.
pub fn read_secondary_areas(sheet: &Sheet, per_population: f64) -> Result<Vec<AreaEntry>, InputError> {
    let cols = sheet.columns(&SECONDARY_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let (code_c, pref_c, name_c, index_c) = (c("area_code"), c("prefecture"), c("area"), c("index"));
    let (phys_c, pop_c, ratio_c) = (c("std_physicians"), c("population_100k"), c("std_utilization_ratio"));
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = code_field(row, code_c, 4)?;
        duplicate_check(&mut seen, row, code_c, &code)?;
        let pref = prefecture_of(row, code_c, &code, pref_c)?;
        row.required_text(name_c)?;
        let name = row.raw(name_c).trim().to_string();
        let published = row.number(index_c)?;
        if published.is_some_and(|v| v < 0.0) {
            return Err(row.error(index_c, "an index must not be negative"));
        }
        let physicians = row.number(phys_c)?;
        let population = row.number(pop_c)?;
        let ratio = row.number(ratio_c)?;
        for (v, col, what) in
            [(physicians, phys_c, "std_physicians"), (population, pop_c, "a population"), (ratio, ratio_c, "a ratio")]
        {
            if v.is_some_and(|v| v < 0.0) {
                return Err(row.error(col, format!("{what} must not be negative")));
            }
        }
        let components = match (physicians, population, ratio) {
            (Some(p), Some(n), Some(r)) => {
                Some(Components { std_physicians: p, population: n * 100_000.0, std_utilization_ratio: r })
            }
            _ => None,
        };
        let (index, source) =
            index_of_record(code.as_str(), published, components.as_ref(), per_population).map_err(|e| {
                let missing = [(physicians, phys_c), (population, pop_c), (ratio, ratio_c)]
                    .into_iter()
                    .find(|(v, _)| v.is_none());
                match missing {
                    Some((_, col)) => row.error(
                        col,
                        "index is empty, so std_physicians, population_100k and std_utilization_ratio are all required",
                    ),
                    None => row.error(pop_c, e.to_string()),
                }
            })?;
        out.push(AreaEntry { code, name, prefecture: pref.name.to_string(), index, index_source: source, components });
        Ok(())
    })?;
    if out.is_empty() {
        return Err(InputError::file(&sheet.file, "no data rows"));
    }
    Ok(out)
}

/// Reads 三次医療圏 (prefectures) with their published index.
pub fn read_prefectures(sheet: &Sheet) -> Result<Vec<AreaEntry>, InputError> {
    let cols = sheet.columns(&TERTIARY_COLUMNS, &[])?;
    let (code_c, pref_c, index_c) =
        (cols.get("pref_code").unwrap(), cols.get("prefecture").unwrap(), cols.get("index").unwrap());
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = code_field(row, code_c, 2)?;
        duplicate_check(&mut seen, row, code_c, &code)?;
        let pref = prefecture_of(row, code_c, &code, pref_c)?;
        let index = match row.number(index_c)? {
            None => return Err(row.error(index_c, "an index is required for a prefecture")),
            Some(v) if v < 0.0 => return Err(row.error(index_c, "an index must not be negative")),
            Some(v) => v,
        };
        out.push(AreaEntry {
            code,
            name: pref.name.to_string(),
            prefecture: pref.name.to_string(),
            index,
            index_source: ishi_plan::components::IndexSource::Published,
            components: None,
        });
        Ok(())
    })?;
    if out.is_empty() {
        return Err(InputError::file(&sheet.file, "no data rows"));
    }
    Ok(out)
}

/// Reads overrides (P3.3): `code,decided,reason,decided_by,decided_on` — all required.
pub fn read_overrides(sheet: &Sheet, code_digits: usize) -> Result<Vec<Override>, InputError> {
    let cols = sheet.columns(&OVERRIDE_COLUMNS, &[])?;
    let c = |n| cols.get(n).unwrap();
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = code_field(row, c("code"), code_digits)?;
        duplicate_check(&mut seen, row, c("code"), &code)?;
        let decided = Designation::parse(&row.required_text(c("decided"))?)
            .ok_or_else(|| row.error(c("decided"), "must be 多数, 中程度 or 少数"))?;
        row.required_text(c("reason")).map_err(|_| row.error(c("reason"), "a written reason is required (P3.3)"))?;
        let decided_by = row.required_text(c("decided_by"))?.into_owned();
        let decided_on = CalendarDate::parse(&row.required_text(c("decided_on"))?)
            .ok_or_else(|| row.error(c("decided_on"), "not a calendar date (YYYY-MM-DD)"))?;
        // The reason is kept as written (X2: the original is kept); only trimmed.
        out.push(Override { code, decided, reason: row.raw(c("reason")).trim().to_string(), decided_by, decided_on });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "area_code,prefecture,area,index,std_physicians,population_100k,std_utilization_ratio\n";

    fn secondary(body: &str) -> Result<Vec<AreaEntry>, InputError> {
        let sheet = Sheet::from_csv("areas.csv", format!("{HEADER}{body}").as_bytes())?;
        read_secondary_areas(&sheet, 100_000.0)
    }

    #[test]
    fn x3_non_numeric_index() {
        let e = secondary("0101,北海道,南渡島,abc,883,3.63,1.184\n").unwrap_err();
        assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("index"), Some("abc")));
    }

    #[test]
    fn x3_duplicate_area_code() {
        let e =
            secondary("0101,北海道,南渡島,205.5,883,3.63,1.184\n0101,北海道,南檜山,139,26,0.215,0.855\n").unwrap_err();
        assert_eq!((e.row, e.column.as_deref()), (Some(3), Some("area_code")));
        assert!(e.problem.contains("row 2"));
    }

    #[test]
    fn x3_negative_population() {
        let e = secondary("0101,北海道,南渡島,205.5,883,-3.63,1.184\n").unwrap_err();
        assert_eq!((e.column.as_deref(), e.value.as_deref()), (Some("population_100k"), Some("-3.63")));
    }

    #[test]
    fn x3_unknown_prefecture_code() {
        let e = secondary("4801,北海道,南渡島,205.5,883,3.63,1.184\n").unwrap_err();
        assert_eq!((e.column.as_deref(), e.value.as_deref()), (Some("area_code"), Some("4801")));
        let e = secondary("0101,東京都,南渡島,205.5,883,3.63,1.184\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("prefecture"));
    }

    #[test]
    fn x2_full_width_and_dropped_zeros_are_normalized() {
        let areas = secondary("１０１,北海道,南渡島,２０５．５,883,3.63,1.184\n").unwrap();
        assert_eq!(areas[0].code.as_str(), "0101");
        assert_eq!(areas[0].index, 205.5);
    }

    #[test]
    fn p2_7_empty_index_is_computed_from_components() {
        let areas = secondary("0101,北海道,南渡島,,883,3.63,1.184\n").unwrap();
        assert_eq!(areas[0].index_source, ishi_plan::components::IndexSource::Computed);
        assert!((areas[0].index - 205.448).abs() < 0.001);
        let e = secondary("0101,北海道,南渡島,,883,,1.184\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("population_100k"));
    }

    #[test]
    fn p3_3_override_without_reason_is_refused() {
        let sheet = Sheet::from_csv(
            "o.csv",
            "code,decided,reason,decided_by,decided_on\n0102,中程度,,県,2024-03-01\n".as_bytes(),
        )
        .unwrap();
        let e = read_overrides(&sheet, 4).unwrap_err();
        assert_eq!((e.row, e.column.as_deref()), (Some(2), Some("reason")));
        let sheet = Sheet::from_csv(
            "o.csv",
            "code,decided,reason,decided_by,decided_on\n0102,中程度,理由,県,2024-02-30\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(read_overrides(&sheet, 4).unwrap_err().column.as_deref(), Some("decided_on"));
    }
}
