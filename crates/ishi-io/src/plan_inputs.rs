//! Readers of the planning files beyond the index (README «Plan files»): the policy areas and tertiary
//! areas (P6, `ishi plan policy`), targets a prefecture sets itself (P4.2), and the counts at plan end
//! for a back-test (P9). Each returns all rows or the first error naming file, row, column and value.

use std::collections::HashMap;

use ishi_plan::dispatch::{DispatchArea, DispatchKind, MAX_COST, PairCost};
use ishi_plan::policy::{DistrictBasis, ScarceDistrict, SecondaryStatus, TertiaryStatus};
use ishi_plan::target::TargetInput;
use ishi_plan::{AreaCode, Designation};

use crate::error::InputError;
use crate::import::duplicate_check;
use crate::sheet::{Row, Sheet};

/// Columns of the policy areas file.
pub const POLICY_AREA_COLUMNS: [&str; 5] =
    ["area_code", "tertiary_code", "current", "future", "contains_minority_district"];
/// Columns of the tertiary areas file.
pub const TERTIARY_STATUS_COLUMNS: [&str; 3] = ["tertiary_code", "current", "future"];

/// Any non-empty code, as written (P1.1: any partition of areas).
pub fn area_code(row: &Row, col: usize) -> Result<AreaCode, InputError> {
    Ok(AreaCode::new(row.required_text(col)?.into_owned()))
}

/// `多数`, `中程度` or `少数` (or the long forms).
pub fn designation(row: &Row, col: usize) -> Result<Designation, InputError> {
    Designation::parse(&row.required_text(col)?).ok_or_else(|| row.error(col, "must be 多数, 中程度 or 少数"))
}

/// `true` or `false` (any case); empty is `false`.
pub fn boolean(row: &Row, col: usize) -> Result<bool, InputError> {
    match row.text(col).to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err(row.error(col, "must be true or false")),
    }
}

/// The areas of `ishi plan policy`: `area_code,tertiary_code,current,future,contains_minority_district`.
/// A 少数 area said to contain a 少数地区 is refused (P1.3).
pub fn read_policy_areas(sheet: &Sheet) -> Result<Vec<SecondaryStatus>, InputError> {
    let cols = sheet.columns(&POLICY_AREA_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = area_code(row, c("area_code"))?;
        duplicate_check(&mut seen, row, c("area_code"), &code)?;
        let tertiary = area_code(row, c("tertiary_code"))?;
        let current = designation(row, c("current"))?;
        let future = designation(row, c("future"))?;
        let district = boolean(row, c("contains_minority_district"))?;
        if district && current == Designation::Scarce {
            return Err(row.error(
                c("contains_minority_district"),
                "a 医師少数地区 lies only in a secondary area that is not 医師少数区域 (P1.3)",
            ));
        }
        out.push(SecondaryStatus::new(code, tertiary, current, future, district));
        Ok(())
    })?;
    Ok(out)
}

/// The tertiary areas of `ishi plan policy`: `tertiary_code,current,future`.
pub fn read_tertiary_statuses(sheet: &Sheet) -> Result<Vec<TertiaryStatus>, InputError> {
    let cols = sheet.columns(&TERTIARY_STATUS_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = area_code(row, c("tertiary_code"))?;
        duplicate_check(&mut seen, row, c("tertiary_code"), &code)?;
        out.push(TertiaryStatus::new(code, designation(row, c("current"))?, designation(row, c("future"))?));
        Ok(())
    })?;
    Ok(out)
}

/// Checks that every area's tertiary code is one of `tertiary`, naming the areas file's row otherwise.
pub fn check_tertiary_codes(
    sheet: &Sheet,
    areas: &[SecondaryStatus],
    tertiary: &[TertiaryStatus],
    hint: &str,
) -> Result<(), InputError> {
    let cols = sheet.columns(&["tertiary_code"], &[])?;
    let col = cols.get("tertiary_code").expect("required");
    let mut i = 0;
    sheet.for_each_row(|row| {
        let area = &areas[i];
        i += 1;
        if tertiary.iter().any(|t| t.code == area.tertiary) {
            Ok(())
        } else {
            Err(row.error(col, format!("unknown tertiary area{hint}")))
        }
    })?;
    Ok(())
}

/// `area_code,value` rows with a non-negative number each — targets a prefecture sets itself (P4.2) or
/// the physicians counted at plan end (P9). `value_column` is the name of the number's column.
pub fn read_area_values(sheet: &Sheet, value_column: &'static str) -> Result<Vec<(AreaCode, f64)>, InputError> {
    let cols = sheet.columns(&["area_code", value_column], &[])?;
    let (code_c, value_c) = (cols.get("area_code").expect("required"), cols.get(value_column).expect("required"));
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = area_code(row, code_c)?;
        duplicate_check(&mut seen, row, code_c, &code)?;
        out.push((code, row.non_negative(value_c)?));
        Ok(())
    })?;
    Ok(out)
}

/// Columns of the areas file of `ishi plan targets --areas` (the tertiary file has `tertiary_code` first
/// and no second code).
pub const TARGET_AREA_COLUMNS: [&str; 7] =
    ["area_code", "tertiary_code", "designation", "current", "index", "population_end", "ratio_end"];
pub const TARGET_TERTIARY_COLUMNS: [&str; 6] =
    ["tertiary_code", "designation", "current", "index", "population_end", "ratio_end"];

/// Areas for P4 from a file: code (and tertiary code for secondary areas), decided designation, current
/// physicians, index at plan start, population and 標準化受療率比 at plan end.
pub fn read_target_areas(sheet: &Sheet, secondary: bool) -> Result<Vec<(Option<AreaCode>, TargetInput)>, InputError> {
    let names: &[&'static str] = if secondary { &TARGET_AREA_COLUMNS } else { &TARGET_TERTIARY_COLUMNS };
    let cols = sheet.columns(names, &[])?;
    let c = |n| cols.get(n).expect("required");
    let code_col = c(names[0]);
    let mut seen = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = area_code(row, code_col)?;
        duplicate_check(&mut seen, row, code_col, &code)?;
        let tertiary = if secondary { Some(area_code(row, c("tertiary_code"))?) } else { None };
        let positive = |name| -> Result<f64, InputError> {
            let v = row.non_negative(c(name))?;
            if v > 0.0 { Ok(v) } else { Err(row.error(c(name), "must be above 0")) }
        };
        let input = TargetInput::new(
            code,
            designation(row, c("designation"))?,
            row.non_negative(c("current"))?,
            row.non_negative(c("index"))?,
            positive("population_end")?,
            positive("ratio_end")?,
        );
        out.push((tertiary, input));
        Ok(())
    })?;
    Ok(out)
}

/// Columns of the 医師少数地区 file (P1.3).
pub const DISTRICT_COLUMNS: [&str; 5] = ["name", "area_code", "basis", "reason", "designated"];

/// 医師少数地区 (P1.3): `name,area_code,basis,reason,designated` — `basis` `no_physician_district` (無医地区),
/// `quasi_no_physician_district` (準無医地区) or `agreed_with_minister`; `reason` required (the plan records
/// it); `designated` `true`/`false` (empty = true; false records a district the prefecture decided not to
/// designate). The area must be one of `areas` and, for a designated district, not 少数.
pub fn read_districts(sheet: &Sheet, areas: &[SecondaryStatus]) -> Result<Vec<ScarceDistrict>, InputError> {
    let cols = sheet.columns(&DISTRICT_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let name = row.required_text(c("name"))?.into_owned();
        let code = area_code(row, c("area_code"))?;
        let area = areas
            .iter()
            .find(|a| a.code == code)
            .ok_or_else(|| row.error(c("area_code"), "not a secondary area of the plan"))?;
        let basis = DistrictBasis::parse(&row.required_text(c("basis"))?).ok_or_else(|| {
            row.error(c("basis"), "must be no_physician_district, quasi_no_physician_district or agreed_with_minister")
        })?;
        row.required_text(c("reason")).map_err(|_| row.error(c("reason"), "the plan must record a reason (P1.3)"))?;
        let designated = row.text(c("designated")).is_empty() || boolean(row, c("designated"))?;
        if designated && area.current == Designation::Scarce {
            return Err(row.error(
                c("area_code"),
                "a 医師少数地区 is designated only inside a secondary area that is not 医師少数区域 (P1.3)",
            ));
        }
        out.push(ScarceDistrict {
            name,
            secondary: code,
            basis,
            reason: row.raw(c("reason")).trim().to_string(),
            designated,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Columns of the dispatch areas file.
pub const DISPATCH_AREA_COLUMNS: [&str; 6] =
    ["area_code", "tertiary_code", "designation", "tertiary_designation", "supply", "demand"];
/// Columns of the dispatch costs file.
pub const COST_COLUMNS: [&str; 3] = ["from", "to", "cost"];

fn whole(row: &Row, col: usize) -> Result<u32, InputError> {
    let t = row.required_text(col)?;
    t.parse::<u32>().map_err(|_| row.error(col, "must be a whole number of physicians, 0 or more"))
}

/// The areas of `ishi plan dispatch`: `area_code,tertiary_code,designation,tertiary_designation,supply,demand`
/// (a 少数地区 is a row of its own with designation `少数地区`; supply and demand are whole physicians).
pub fn read_dispatch_areas(sheet: &Sheet) -> Result<Vec<DispatchArea>, InputError> {
    let cols = sheet.columns(&DISPATCH_AREA_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let mut seen = HashMap::new();
    let mut tertiary_seen: HashMap<AreaCode, (Designation, usize)> = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = area_code(row, c("area_code"))?;
        duplicate_check(&mut seen, row, c("area_code"), &code)?;
        let tertiary = area_code(row, c("tertiary_code"))?;
        let kind = DispatchKind::parse(&row.required_text(c("designation"))?)
            .ok_or_else(|| row.error(c("designation"), "must be 多数, 中程度, 少数 or 少数地区"))?;
        let tertiary_designation = designation(row, c("tertiary_designation"))?;
        if let Some((first, at)) = tertiary_seen.get(&tertiary)
            && *first != tertiary_designation
        {
            return Err(row.error(
                c("tertiary_designation"),
                format!("row {at} gives tertiary area {tertiary} the designation {first}"),
            ));
        }
        tertiary_seen.entry(tertiary.clone()).or_insert((tertiary_designation, row.number));
        let supply = whole(row, c("supply"))?;
        let demand = whole(row, c("demand"))?;
        out.push(DispatchArea { code, tertiary, kind, tertiary_designation, supply, demand });
        Ok(())
    })?;
    Ok(out)
}

/// The costs of `ishi plan dispatch`: `from,to,cost` (a whole number ≥ 0); both codes must be areas of
/// `areas`, and a pair may appear once. A missing pair means the move is not possible.
pub fn read_costs(sheet: &Sheet, areas: &[DispatchArea]) -> Result<Vec<PairCost>, InputError> {
    let cols = sheet.columns(&COST_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required");
    let mut seen: HashMap<(AreaCode, AreaCode), usize> = HashMap::new();
    let mut out = vec![];
    sheet.for_each_row(|row| {
        let code = |name| -> Result<AreaCode, InputError> {
            let code = area_code(row, c(name))?;
            if areas.iter().any(|a| a.code == code) {
                Ok(code)
            } else {
                Err(row.error(c(name), "not an area of the areas file"))
            }
        };
        let (from, to) = (code("from")?, code("to")?);
        let t = row.required_text(c("cost"))?;
        let cost: i64 = t.parse().map_err(|_| row.error(c("cost"), "must be a whole number"))?;
        if cost < 0 {
            return Err(row.error(c("cost"), "a cost must not be negative"));
        }
        if cost > MAX_COST {
            return Err(row.error(c("cost"), format!("a cost may be at most {MAX_COST}")));
        }
        if let Some(first) = seen.insert((from.clone(), to.clone()), row.number) {
            return Err(row.error(c("to"), format!("the pair {from} → {to} is already on row {first}")));
        }
        out.push(PairCost { from, to, cost });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(body: &str) -> Result<Vec<SecondaryStatus>, InputError> {
        let sheet = Sheet::from_csv(
            "areas.csv",
            format!("area_code,tertiary_code,current,future,contains_minority_district\n{body}").as_bytes(),
        )?;
        read_policy_areas(&sheet)
    }

    #[test]
    fn p6_policy_areas_read_with_designations_and_districts() {
        let a = areas("0101,01,少数,少数,false\n0102,01,医師中程度区域,多数,TRUE\n0103,01,多数,多数,\n").unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(
            (a[1].current, a[1].future, a[1].contains_scarce_district),
            (Designation::Intermediate, Designation::Abundant, true)
        );
        assert!(!a[2].contains_scarce_district);
    }

    #[test]
    fn x3_policy_areas_bad_values_name_row_column_and_value() {
        let e = areas("0101,01,少ない,少数,false\n").unwrap_err();
        assert_eq!(e.to_string(), r#"areas.csv: row 2, column current, value "少ない": must be 多数, 中程度 or 少数"#);
        let e = areas("0101,01,少数,少数,yes\n").unwrap_err();
        assert_eq!(
            (e.row, e.column.as_deref(), e.value.as_deref()),
            (Some(2), Some("contains_minority_district"), Some("yes"))
        );
        let e = areas("0101,01,少数,少数,false\n0101,01,少数,少数,false\n").unwrap_err();
        assert_eq!((e.row, e.column.as_deref()), (Some(3), Some("area_code")));
        let e = areas("0101,01,少数,少数,true\n").unwrap_err();
        assert!(e.problem.contains("P1.3"), "{e}");
        let e = areas("0101,,少数,少数,false\n").unwrap_err();
        assert_eq!(e.column.as_deref(), Some("tertiary_code"));
        let e = Sheet::from_csv("areas.csv", b"area_code,current\n0101,x\n").and_then(|s| read_policy_areas(&s));
        assert!(e.unwrap_err().problem.contains("tertiary_code"));
    }

    #[test]
    fn x3_unknown_tertiary_code_names_the_areas_row() {
        let text = "area_code,tertiary_code,current,future,contains_minority_district\n0101,01,少数,少数,false\n0201,99,少数,少数,false\n";
        let sheet = Sheet::from_csv("areas.csv", text.as_bytes()).unwrap();
        let a = read_policy_areas(&sheet).unwrap();
        let t = vec![TertiaryStatus::new("01", Designation::Scarce, Designation::Scarce)];
        let e = check_tertiary_codes(&sheet, &a, &t, " (not in --tertiary)").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"areas.csv: row 3, column tertiary_code, value "99": unknown tertiary area (not in --tertiary)"#
        );
    }

    #[test]
    fn x3_area_values_refuse_negative_and_duplicate() {
        let read = |body: &str| {
            read_area_values(
                &Sheet::from_csv("t.csv", format!("area_code,target\n{body}").as_bytes()).unwrap(),
                "target",
            )
        };
        assert_eq!(read("A,12.5\n").unwrap(), vec![(AreaCode::new("A"), 12.5)]);
        assert_eq!(read("A,-1\n").unwrap_err().column.as_deref(), Some("target"));
        assert_eq!(read("A,1\nA,2\n").unwrap_err().row, Some(3));
    }

    fn dispatch_files(areas: &str, costs: &str) -> Result<(Vec<DispatchArea>, Vec<PairCost>), InputError> {
        let a = Sheet::from_csv(
            "areas.csv",
            format!("area_code,tertiary_code,designation,tertiary_designation,supply,demand\n{areas}").as_bytes(),
        )?;
        let a = read_dispatch_areas(&a)?;
        let c = read_costs(&Sheet::from_csv("costs.csv", format!("from,to,cost\n{costs}").as_bytes())?, &a)?;
        Ok((a, c))
    }

    #[test]
    fn p7_dispatch_files_read_with_scarce_districts() {
        let (a, c) = dispatch_files("A,T,多数,多数,10,0\nB,T,少数地区,多数,0,3\n", "A,B,5\n").unwrap();
        assert_eq!(a[1].kind, DispatchKind::ScarceDistrict);
        assert_eq!(c, vec![PairCost::new("A", "B", 5)]);
    }

    #[test]
    fn x3_dispatch_bad_values_name_row_column_and_value() {
        let at = |areas: &str, costs: &str| {
            let e = dispatch_files(areas, costs).unwrap_err();
            (e.file.clone(), e.row, e.column.clone().unwrap_or_default(), e.value.clone().unwrap_or_default())
        };
        let ok = "A,T,多数,多数,10,0\nB,T,少数,多数,0,3\n";
        assert_eq!(
            at("A,T,たくさん,多数,1,0\n", ""),
            ("areas.csv".into(), Some(2), "designation".into(), "たくさん".into())
        );
        assert_eq!(at("A,T,多数,多数,-1,0\n", "").2, "supply");
        assert_eq!(at("A,T,多数,多数,1.5,0\n", "").2, "supply");
        assert_eq!(at("A,T,多数,多数,1,0\nB,T,少数,少数,0,1\n", "").2, "tertiary_designation");
        assert_eq!(at(ok, "A,B,-2\n"), ("costs.csv".into(), Some(2), "cost".into(), "-2".into()));
        assert_eq!(at(ok, "A,Z,2\n"), ("costs.csv".into(), Some(2), "to".into(), "Z".into()));
        assert_eq!(at(ok, "A,B,2\nA,B,3\n").1, Some(3));
        assert_eq!(at(ok, "A,B,abc\n").2, "cost");
    }

    #[test]
    fn p1_3_districts_file_records_reasons_and_refuses_a_scarce_area() {
        let areas = vec![
            SecondaryStatus::new("0101", "01", Designation::Intermediate, Designation::Intermediate, false),
            SecondaryStatus::new("0102", "01", Designation::Scarce, Designation::Scarce, false),
        ];
        let read = |body: &str| {
            read_districts(
                &Sheet::from_csv("d.csv", format!("name,area_code,basis,reason,designated\n{body}").as_bytes())
                    .unwrap(),
                &areas,
            )
        };
        let d = read("○○島,0101,無医地区,定期船が週2便,\n△△地区,0101,準無医地区,近隣で対応,false\n").unwrap();
        assert_eq!((d[0].designated, d[1].designated), (true, false));
        assert_eq!(d[0].reason, "定期船が週2便");
        assert_eq!(read("x,0102,無医地区,r,true\n").unwrap_err().column.as_deref(), Some("area_code"));
        assert_eq!(read("x,0102,無医地区,r,false\n").unwrap().len(), 1);
        assert_eq!(read("x,0101,無医地区,,\n").unwrap_err().column.as_deref(), Some("reason"));
        assert_eq!(read("x,0101,離島,r,\n").unwrap_err().column.as_deref(), Some("basis"));
        assert_eq!(read("x,0999,無医地区,r,\n").unwrap_err().value.as_deref(), Some("0999"));
    }
}
