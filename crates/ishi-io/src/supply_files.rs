//! The files of the supply projection (P5.3, `ishi plan supply`): physicians by prefecture × survey
//! year × sex × 医籍登録後年数, the 地域枠 physicians among them, the national macro projection and the
//! current physicians of secondary areas. Writing the same files for SYNTHETIC data is here too.
//!
//! | file | columns |
//! |---|---|
//! | cohorts | `prefecture_code,survey_year,table,sex,years_since_registration,physicians` — `table` `survey` (三師調査, all physicians) or `regional_quota` (地域枠, a part of them); `sex` M/F (男/女); years 1 … Y (1 = 1年目); a cohort without a row has no physicians |
//! | national (optional) | `year,physicians` — the macro projection the prefectures are scaled to |
//! | secondary (optional) | `area_code,prefecture_code,physicians` — current physicians, for the shares (※3) |

use std::collections::{BTreeMap, HashMap};

use ishi_plan::AreaCode;
use ishi_plan::raw::Sex;
use ishi_plan::supply::{CohortTable, MacroProjection, PrefectureSupply, SecondaryCount, SupplyInput};

use crate::error::InputError;
use crate::import::duplicate_check;
use crate::sheet::Sheet;

pub const COHORT_COLUMNS: [&str; 6] =
    ["prefecture_code", "survey_year", "table", "sex", "years_since_registration", "physicians"];
pub const NATIONAL_COLUMNS: [&str; 2] = ["year", "physicians"];
pub const SECONDARY_SHARE_COLUMNS: [&str; 3] = ["area_code", "prefecture_code", "physicians"];

/// The largest 医籍登録後年数 accepted (a career of 80 years).
pub const MAX_YEARS_SINCE_REGISTRATION: usize = 80;

type Key = (AreaCode, bool, i32);

/// Reads the three files into the projection's input. `includes_quota` says whether the national
/// figures count the 地域枠 physicians.
pub fn read_supply_input(
    cohorts: &Sheet,
    national: Option<&Sheet>,
    secondary: Option<&Sheet>,
    includes_quota: bool,
) -> Result<SupplyInput, InputError> {
    let cols = cohorts.columns(&COHORT_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    // (prefecture, is quota, year) → [sex][y − 1]
    let mut cells: BTreeMap<Key, [Vec<f64>; 2]> = BTreeMap::new();
    let mut seen: HashMap<(Key, usize, usize), usize> = HashMap::new();
    let mut max_y = 0;
    cohorts.for_each_row(|row| {
        let pref = AreaCode::new(row.required_text(c("prefecture_code"))?.into_owned());
        let year_text = row.required_text(c("survey_year"))?;
        let year: i32 = year_text
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| row.error(c("survey_year"), "a year of four digits expected (e.g. 2022)"))?;
        let quota = match row.required_text(c("table"))?.as_ref() {
            "survey" | "三師調査" => false,
            "regional_quota" | "地域枠" => true,
            _ => return Err(row.error(c("table"), "must be survey (三師調査) or regional_quota (地域枠)")),
        };
        let sex = match row.required_text(c("sex"))?.as_ref() {
            "M" | "m" | "男" | "男性" | "1" => Sex::Male,
            "F" | "f" | "女" | "女性" | "2" => Sex::Female,
            _ => return Err(row.error(c("sex"), "must be M or F (男/女)")),
        };
        let y: usize = row
            .required_text(c("years_since_registration"))?
            .parse()
            .ok()
            .filter(|y| (1..=MAX_YEARS_SINCE_REGISTRATION).contains(y))
            .ok_or_else(|| {
                row.error(
                    c("years_since_registration"),
                    format!("a whole number 1–{MAX_YEARS_SINCE_REGISTRATION} expected"),
                )
            })?;
        let n = row.non_negative(c("physicians"))?;
        let key = (pref, quota, year);
        if let Some(first) = seen.insert((key.clone(), sex as usize, y), row.number) {
            return Err(row.error(c("years_since_registration"), format!("this cohort is already on row {first}")));
        }
        let entry = cells.entry(key).or_insert_with(|| [vec![], vec![]]);
        let v = &mut entry[sex as usize];
        if v.len() < y {
            v.resize(y, 0.0);
        }
        v[y - 1] = n;
        max_y = max_y.max(y);
        Ok(())
    })?;
    if cells.is_empty() {
        return Err(InputError::file(&cohorts.file, "no cohort rows"));
    }
    let mut prefectures: Vec<PrefectureSupply> = vec![];
    for ((pref, quota, year), mut counts) in cells {
        for v in &mut counts {
            v.resize(max_y, 0.0);
        }
        let table = CohortTable { year, counts };
        let p = match prefectures.iter_mut().find(|p| p.code == pref) {
            Some(p) => p,
            None => {
                prefectures.push(PrefectureSupply::new(pref.clone(), vec![]));
                prefectures.last_mut().expect("just pushed")
            }
        };
        if quota { p.regional_quota.push(table) } else { p.surveys.push(table) }
    }
    if let Some(sheet) = secondary {
        let cols = sheet.columns(&SECONDARY_SHARE_COLUMNS, &[])?;
        let c = |n| cols.get(n).expect("required");
        let mut seen = HashMap::new();
        sheet.for_each_row(|row| {
            let code = AreaCode::new(row.required_text(c("area_code"))?.into_owned());
            duplicate_check(&mut seen, row, c("area_code"), &code)?;
            let pref = row.required_text(c("prefecture_code"))?;
            let p = prefectures
                .iter_mut()
                .find(|p| p.code.as_str() == pref.as_ref())
                .ok_or_else(|| row.error(c("prefecture_code"), "no cohort rows for this prefecture"))?;
            p.secondary.push(SecondaryCount { code, physicians: row.non_negative(c("physicians"))? });
            Ok(())
        })?;
    }
    let national = match national {
        Some(sheet) => {
            let cols = sheet.columns(&NATIONAL_COLUMNS, &[])?;
            let (yc, pc) = (cols.get("year").expect("required"), cols.get("physicians").expect("required"));
            let mut totals = vec![];
            sheet.for_each_row(|row| {
                let year: i32 = row
                    .required_text(yc)?
                    .parse()
                    .ok()
                    .filter(|y| (1900..=2200).contains(y))
                    .ok_or_else(|| row.error(yc, "a year of four digits expected"))?;
                if totals.iter().any(|(y, _)| *y == year) {
                    return Err(row.error(yc, "this year is already given"));
                }
                totals.push((year, row.non_negative(pc)?));
                Ok(())
            })?;
            Some(MacroProjection { totals, includes_regional_quota: includes_quota })
        }
        None => None,
    };
    Ok(SupplyInput { prefectures, national })
}

/// Writes `input` as the cohorts file (and the secondary file when it has areas), for SYNTHETIC data.
pub fn cohorts_csv(input: &SupplyInput) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut rows = vec![];
    for p in &input.prefectures {
        for (quota, tables) in [("survey", &p.surveys), ("regional_quota", &p.regional_quota)] {
            for t in tables {
                for (s, sex) in ["M", "F"].iter().enumerate() {
                    for (i, n) in t.counts[s].iter().enumerate() {
                        rows.push(vec![
                            p.code.to_string(),
                            t.year.to_string(),
                            quota.to_string(),
                            sex.to_string(),
                            (i + 1).to_string(),
                            n.to_string(),
                        ]);
                    }
                }
            }
        }
    }
    let cohorts = crate::export::csv_with_bom(&COHORT_COLUMNS, rows);
    let secondary: Vec<Vec<String>> = input
        .prefectures
        .iter()
        .flat_map(|p| {
            p.secondary.iter().map(move |s| vec![s.code.to_string(), p.code.to_string(), s.physicians.to_string()])
        })
        .collect();
    let secondary = (!secondary.is_empty()).then(|| crate::export::csv_with_bom(&SECONDARY_SHARE_COLUMNS, secondary));
    (cohorts, secondary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<SupplyInput, InputError> {
        let sheet = Sheet::from_csv("cohorts.csv", format!("{}\n{body}", COHORT_COLUMNS.join(",")).as_bytes())?;
        read_supply_input(&sheet, None, None, false)
    }

    #[test]
    fn p5_3_cohort_file_builds_tables_per_prefecture_and_survey() {
        let input =
            read("31,2020,survey,M,1,10\n31,2020,survey,F,2,5\n31,2022,survey,M,1,12\n31,2022,地域枠,M,1,2\n").unwrap();
        let p = &input.prefectures[0];
        assert_eq!(p.surveys.len(), 2);
        // Y = 2 for every table: missing cohorts are zero.
        assert_eq!(p.surveys[0].counts, [vec![10.0, 0.0], vec![0.0, 5.0]]);
        assert_eq!(p.regional_quota[0].counts, [vec![2.0, 0.0], vec![0.0, 0.0]]);
    }

    #[test]
    fn x3_cohort_file_bad_values_name_row_column_and_value() {
        let e = read("31,2020,survey,X,1,10\n").unwrap_err();
        assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("sex"), Some("X")));
        assert_eq!(read("31,2020,survey,M,0,10\n").unwrap_err().column.as_deref(), Some("years_since_registration"));
        assert_eq!(read("31,2020,survey,M,1,-1\n").unwrap_err().column.as_deref(), Some("physicians"));
        assert_eq!(read("31,20xx,survey,M,1,1\n").unwrap_err().column.as_deref(), Some("survey_year"));
        assert_eq!(read("31,2020,other,M,1,1\n").unwrap_err().column.as_deref(), Some("table"));
        assert_eq!(read("31,2020,survey,M,1,1\n31,2020,survey,M,1,2\n").unwrap_err().row, Some(3));
        assert!(read("").is_err());
    }
}
