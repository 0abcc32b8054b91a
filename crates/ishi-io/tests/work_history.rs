//! The work-history reader for 大臣認定 (`ishi_io::work_history`, SPEC P8): the interchange format
//! (X2: encodings, full-width text, Japanese keywords) and every refusal located by file, row, column
//! and value (X3).

use std::path::Path;

use ishi_io::sheet::Sheet;
use ishi_io::work_history::{PhysicianWorkHistory, WORK_HISTORY_HEADER, read_work_history, read_work_history_sheet};
use ishi_io::{InputError, IoError};
use ishi_plan::certification::{
    AreaStatus, CertificationRules, Duties, Duty, LeavePeriod, LeaveReason, Route, WorkKind, WorkPeriod, decide,
};
use ishi_plan::{AreaCode, CalendarDate};

fn d(s: &str) -> CalendarDate {
    CalendarDate::parse(s).unwrap()
}

fn read(body: &str) -> Vec<PhysicianWorkHistory> {
    let sheet = Sheet::from_csv("work_history.csv", format!("{WORK_HISTORY_HEADER}\n{body}").as_bytes()).unwrap();
    read_work_history_sheet(&sheet).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(body: &str) -> InputError {
    let sheet = Sheet::from_csv("work_history.csv", format!("{WORK_HISTORY_HEADER}\n{body}").as_bytes()).unwrap();
    match read_work_history_sheet(&sheet) {
        Err(e) => e,
        Ok(p) => panic!("accepted: {p:#?}"),
    }
}

/// File, row, column and value of an error.
fn at(e: &InputError) -> (&str, Option<usize>, Option<&str>, Option<&str>) {
    (e.file.as_str(), e.row, e.column.as_deref(), e.value.as_deref())
}

/// A good work row of physician D1 (licence on it), to which one cell is changed.
const GOOD: &str = "D1,2018-04-01,work,2021-04-01,2021-09-30,A病院,0104,scarce_area,40,clinical,false,,all";

fn with_cell(column: usize, value: &str) -> String {
    let mut cells: Vec<&str> = GOOD.split(',').collect();
    cells[column] = value;
    cells.join(",")
}

#[test]
fn x2_work_history_read_grouped_by_physician() {
    let physicians = read(
        "D2,2010-04-01,work,2021-04-01,2021-06-30,B診療所,101,医師少数スポット,31.5,,true,,care;coordination\n\
         D1,,work,2021-04-01,2021-06-30,A病院,0104,少数,40,専門研修,,,\n\
         \n\
         D2,,leave,2021-07-01,2021-12-31,,,,,,,育休,\n\
         D1,2018-04-01,leave,2021-07-01,2022-03-31,,,,,,,childcare,all\n\
         D1,,work,2022-04-01,2022-07-01,A病院,0104,scarce_area,40,clinical,no,,\n",
    );
    // Order of first appearance; each physician's rows in file order (the blank line is row 4).
    let ids: Vec<_> = physicians.iter().map(|p| p.physician_id.as_str()).collect();
    assert_eq!(ids, vec!["D2", "D1"]);
    let (d2, d1) = (&physicians[0], &physicians[1]);
    assert_eq!((d2.work_rows.clone(), d2.leave_rows.clone()), (vec![2], vec![5]));
    assert_eq!((d1.work_rows.clone(), d1.leave_rows.clone()), (vec![3, 7], vec![6]));

    assert_eq!(
        d2.history.work[0],
        WorkPeriod {
            start: d("2021-04-01"),
            end: d("2021-06-30"),
            institution: "B診療所".into(),
            // A spreadsheet dropped the leading zero of 0101.
            area_code: AreaCode::new("0101"),
            area: AreaStatus::ScarceDistrict,
            hours_per_week: 31.5,
            kind: WorkKind::Clinical,
            short_time: true,
        }
    );
    assert_eq!(
        d2.history.leave,
        vec![LeavePeriod { start: d("2021-07-01"), end: d("2021-12-31"), reason: LeaveReason::Childcare }]
    );
    assert_eq!(d2.history.duties, Duties::default().with(Duty::ContinuousCare).with(Duty::Coordination));
    // The licence date may be given on any row of the physician.
    assert_eq!(d1.history.licence_date, d("2018-04-01"));
    assert_eq!(d1.history.work[0].kind, WorkKind::SpecialtyTraining);
    assert_eq!(d1.history.work[0].area, AreaStatus::ScarceArea);
    assert!(!d1.history.work[1].short_time);
    assert_eq!(d1.history.duties, Duties::all());
}

#[test]
fn p8_work_history_read_and_decided() {
    // The childcare example of the domain tests: 91 + 92 = 183 days across the leave.
    let physicians = read(
        "D1,2018-04-01,勤務,2021-04-01,2021-06-30,合成町立病院,0104,医師少数区域,40,診療,いいえ,,ア・イ・ウ\n\
         D1,,中断,2021-07-01,2022-03-31,,,,,,,育児,\n\
         D1,,勤務,2022-04-01,2022-07-01,合成町立病院,0104,医師少数区域,40,,,,\n",
    );
    let decision = decide(&physicians[0].history, &CertificationRules::builtin(), d("2026-11-21")).unwrap();
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Continuous));
    assert_eq!(decision.counted_days, 183);
}

#[test]
fn x2_full_width_text_is_normalized() {
    let physicians =
        read("Ｄ１,２０１８／０４／０１,ＷＯＲＫ,2021-04-01,2021-09-30,Ａ病院,０１０４,少数,４０．５,,,,ＡＬＬ\n");
    let p = &physicians[0];
    assert_eq!(p.physician_id, "D1");
    assert_eq!(p.history.licence_date, d("2018-04-01"));
    let w = &p.history.work[0];
    assert_eq!((w.institution.as_str(), w.area_code.as_str(), w.hours_per_week), ("A病院", "0104", 40.5));
    assert_eq!(p.history.duties, Duties::all());
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn x2_work_history_read_from_cp932() {
    let dir = tempfile::tempdir().unwrap();
    let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let text = format!(
        "{WORK_HISTORY_HEADER}\n\
         D1,2018-04-01,勤務,2020-04-01,2022-03-31,合成大学病院,0104,医師少数区域,40,臨床研修,,,\n\
         D1,,中断,2022-04-01,2022-04-30,,,,,,,傷病,連携\n\
         D1,,勤務,2022-05-01,2022-10-31,ｺﾞｳｾｲ診療所,010203,医師少数スポット,32,,,,\n"
    );
    let path = write(dir.path(), "work_history.csv", &sjis(&text));
    let physicians = read_work_history(&path).unwrap();
    let h = &physicians[0].history;
    assert_eq!(h.work[0].kind, WorkKind::ClinicalTraining);
    assert_eq!(h.leave[0].reason, LeaveReason::Illness);
    assert_eq!(h.duties, Duties::default().with(Duty::Coordination));
    // Half-width katakana become full-width (NFKC).
    assert_eq!(h.work[1].institution, "ゴウセイ診療所");
    assert_eq!(h.work[1].area_code.as_str(), "010203");

    // A CP932 error is still located.
    let bad = write(
        dir.path(),
        "bad.csv",
        &sjis(&format!("{WORK_HISTORY_HEADER}\nD1,2018-04-01,勤務,2021-04-01,2021-09-30,病院,0104,僻地,40,,,,\n")),
    );
    let Err(IoError::Input(e)) = read_work_history(&bad) else { panic!("accepted") };
    assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("area_kind"), Some("僻地")));
    assert!(e.file.ends_with("bad.csv"), "{}", e.file);
}

#[test]
fn x2_work_history_read_from_xlsx() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy/mm/dd");
    for (c, h) in WORK_HISTORY_HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    // Dates as Excel dates, hours and the area code as numbers (the code loses its leading zero).
    sheet.write_string(1, 0, "D1").unwrap();
    sheet.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2018, 4, 1).unwrap(), &date_format).unwrap();
    sheet.write_string(1, 2, "work").unwrap();
    sheet.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2021, 4, 1).unwrap(), &date_format).unwrap();
    sheet.write_datetime_with_format(1, 4, ExcelDateTime::from_ymd(2021, 9, 30).unwrap(), &date_format).unwrap();
    sheet.write_string(1, 5, "A病院").unwrap();
    sheet.write_number(1, 6, 104.0).unwrap();
    sheet.write_string(1, 7, "scarce_area").unwrap();
    sheet.write_number(1, 8, 38.75).unwrap();
    sheet.write_boolean(1, 10, false).unwrap();
    sheet.write_string(1, 12, "all").unwrap();
    let path = dir.path().join("work_history.xlsx");
    std::fs::write(&path, book.save_to_buffer().unwrap()).unwrap();

    let physicians = read_work_history(&path).unwrap();
    let h = &physicians[0].history;
    assert_eq!(h.licence_date, d("2018-04-01"));
    let w = &h.work[0];
    assert_eq!(
        (w.start, w.end, w.area_code.as_str(), w.hours_per_week),
        (d("2021-04-01"), d("2021-09-30"), "0104", 38.75)
    );
    assert!(decide(h, &CertificationRules::builtin(), d("2026-11-21")).unwrap().eligible);
}

#[test]
fn x3_bad_date_names_row_column_and_value() {
    let e = refused(&format!("{GOOD}\n{}\n", with_cell(3, "2021-02-30")));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("start"), Some("2021-02-30")));
    assert_eq!(
        e.to_string(),
        r#"work_history.csv: row 3, column start, value "2021-02-30": not a calendar date (YYYY-MM-DD)"#
    );
    let e = refused(&with_cell(4, ""));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("end"), Some("")));
    assert_eq!(e.problem, "a date is required (YYYY-MM-DD)");
    let e = refused(&with_cell(1, "20180-04-01"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("licence_date"), Some("20180-04-01")));
    assert_eq!(e.problem, "a year from 1900 to 2100 is expected");
}

#[test]
fn x3_end_before_start() {
    let e = refused(&with_cell(4, "2021-03-31"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("end"), Some("2021-03-31")));
    assert_eq!(e.problem, "the period ends before it starts (2021-04-01)");
}

#[test]
fn x3_negative_or_impossible_hours() {
    let e = refused(&with_cell(8, "-40"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("hours_per_week"), Some("-40")));
    assert_eq!(e.problem, "must not be negative");
    let e = refused(&with_cell(8, "400"));
    assert_eq!(
        (e.column.as_deref(), e.problem.as_str()),
        (Some("hours_per_week"), "more than the 168 hours of a week")
    );
    let e = refused(&with_cell(8, "週40"));
    assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("hours_per_week"), "not a number"));
    let e = refused(&with_cell(8, ""));
    assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("hours_per_week"), "a number is required"));
}

#[test]
fn x3_unknown_kind() {
    let e = refused(&with_cell(9, "研究"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("work_kind"), Some("研究")));
    assert_eq!(e.problem, "unknown work kind: expected one of clinical, clinical_training, specialty_training");
    let e = refused(&with_cell(7, "rural"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("area_kind"), Some("rural")));
    assert!(e.problem.contains("scarce_district"), "{}", e.problem);
    let e = refused(&with_cell(2, "vacation"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("record"), Some("vacation")));
    let e = refused(&with_cell(10, "maybe"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("short_time"), Some("maybe")));
    let e = refused(&with_cell(6, "01-04"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("area_code"), Some("01-04")));
}

#[test]
fn x3_unknown_leave_reason() {
    let e = refused(&format!("{GOOD}\nD1,,leave,2021-10-01,2021-12-31,,,,,,,留学,\n"));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("leave_reason"), Some("留学")));
    assert_eq!(
        e.problem,
        "unknown leave reason: expected one of pregnancy, childbirth, childcare, illness, caregiving, short_leave, other"
    );
    let e = refused(&format!("{GOOD}\nD1,,leave,2021-10-01,2021-12-31,,,,,,,,\n"));
    assert_eq!((e.column.as_deref(), e.problem.as_str()), (Some("leave_reason"), "a value is required"));
}

#[test]
fn x3_columns_that_do_not_apply_to_the_record() {
    let e = refused(&format!("{GOOD}\nD1,,leave,2021-10-01,2021-12-31,,,,40,,,childcare,\n"));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("hours_per_week"), Some("40")));
    let e = refused(&with_cell(11, "childcare"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("leave_reason"), Some("childcare")));
}

#[test]
fn x3_licence_date_missing_or_conflicting() {
    let e = refused(&format!("{GOOD}\nD2,,work,2021-04-01,2021-09-30,A病院,0104,少数,40,,,,\n"));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("licence_date"), Some("")));
    assert_eq!(e.problem, "no licence date (医師免許取得日) for physician D2 on any of its rows");
    let e = refused(&format!("{GOOD}\nD1,2018-05-01,leave,2021-10-01,2021-12-31,,,,,,,childcare,\n"));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("licence_date"), Some("2018-05-01")));
    assert_eq!(e.problem, "differs from the licence date 2018-04-01 given on row 2 for the same physician");
    // Work before the licence, known only once the physician's rows are all read.
    let e = refused(
        "D1,,work,2017-04-01,2017-09-30,A病院,0104,少数,40,,,,\nD1,2018-04-01,leave,2021-10-01,2021-12-31,,,,,,,childcare,\n",
    );
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("start"), Some("2017-04-01")));
}

#[test]
fn x3_duties_unknown_or_conflicting() {
    let e = refused(&with_cell(12, "care;teaching"));
    assert_eq!(at(&e), ("work_history.csv", Some(2), Some("duties"), Some("care;teaching")));
    assert!(e.problem.starts_with(r#"unknown duty "teaching""#), "{}", e.problem);
    let e = refused(&format!("{GOOD}\nD1,,leave,2021-10-01,2021-12-31,,,,,,,childcare,care\n"));
    assert_eq!(at(&e), ("work_history.csv", Some(3), Some("duties"), Some("care")));
    // Stated again the same way is fine; none is no duty.
    let p = read(&format!("{GOOD}\nD1,,leave,2021-10-01,2021-12-31,,,,,,,childcare,care/coordination/community\n"));
    assert_eq!(p[0].history.duties, Duties::all());
    let p = read(&with_cell(12, "none"));
    assert_eq!(p[0].history.duties, Duties::default());
}

#[test]
fn x3_missing_column_and_empty_file() {
    let header = WORK_HISTORY_HEADER.replace(",duties", "");
    let sheet = Sheet::from_csv("w.csv", format!("{header}\n").as_bytes()).unwrap();
    let e = read_work_history_sheet(&sheet).unwrap_err();
    assert_eq!((e.row, e.column.as_deref()), (Some(1), Some("duties")));
    let sheet = Sheet::from_csv("w.csv", format!("{WORK_HISTORY_HEADER}\n").as_bytes()).unwrap();
    assert_eq!(read_work_history_sheet(&sheet).unwrap_err().to_string(), "w.csv: no periods (no data rows)");
}
