//! A physician's work history for 大臣認定 (SPEC P8): the interchange file read into
//! [`ishi_plan::certification::WorkHistory`], one per physician.
//!
//! # The file: `work_history.csv` (or `.xlsx`, first sheet)
//! One row per period, of kind `work` (勤務) or `leave` (中断), for any number of physicians (rows
//! grouped by `physician_id` in order of first appearance; rows of one physician need not be
//! together). All 13 columns are required in the header; cells are empty where they do not apply.
//!
//! | column | work row | leave row |
//! |---|---|---|
//! | `physician_id` | required | required |
//! | `licence_date` | 医師免許取得日, `YYYY-MM-DD`: on at least one row of the physician; the same wherever given | same |
//! | `record` | `work` (`勤務`) | `leave` (`中断`, `休業`) |
//! | `start`, `end` | both days included, `YYYY-MM-DD` or `YYYY/MM/DD`; `end` ≥ `start` | same |
//! | `institution` | required: id or name; "the same institution" is the same text after NFKC | empty |
//! | `area_code` | required: digits (二次医療圏 4, municipality 6; a leading zero a spreadsheet dropped is restored: `101` → `0101`) | empty |
//! | `area_kind` | required: `scarce_area` (医師少数区域, 少数), `scarce_district` (医師少数スポット, 医師少数地区), `not_scarce` (多数, 中程度, other) — the area's status during the period | empty |
//! | `hours_per_week` | required: 0 to 168 | empty |
//! | `work_kind` | `clinical` (診療, the default when empty), `clinical_training` (臨床研修), `specialty_training` (専門研修) | empty |
//! | `short_time` | 育児・介護休業法の短時間勤務: `true`/`false`, `1`/`0`, `yes`/`no`, `はい`/`いいえ`; empty = false | empty |
//! | `leave_reason` | empty | required: `pregnancy` (妊娠), `childbirth` (出産), `childcare` (育児), `illness` (傷病), `caregiving` (介護), `short_leave` (短期休暇), `other` (その他) |
//! | `duties` | the attested duties (P8.7), on any row of the physician: a list of `care` (ア, 1), `coordination` (イ, 2), `community` (ウ, 3) separated by `;`, `、`, `・`, `/`, `|` or spaces, or `all` (全て), `none` (なし); empty = not stated here; where stated on several rows, the same | same |
//!
//! Text follows X2 (NFKC, full-width digits, CP932 or UTF-8 with or without BOM). Every problem is the
//! first one found, with file, row, column and value (X3), and nothing is returned half-read.
//!
//! ```
//! use ishi_io::sheet::Sheet;
//! use ishi_io::work_history::{WORK_HISTORY_HEADER, read_work_history_sheet};
//! use ishi_plan::CalendarDate;
//! use ishi_plan::certification::{CertificationRules, decide};
//!
//! let csv = format!(
//!     "{WORK_HISTORY_HEADER}\n\
//!      D1,2018-04-01,work,2021-04-01,2021-06-30,合成町立病院,0104,scarce_area,40,,,,all\n\
//!      D1,,leave,2021-07-01,2022-03-31,,,,,,,育児,\n\
//!      D1,,work,2022-04-01,2022-07-01,合成町立病院,0104,少数,38.75,clinical,,,\n"
//! );
//! let sheet = Sheet::from_csv("work_history.csv", csv.as_bytes()).unwrap();
//! let physicians = read_work_history_sheet(&sheet).unwrap();
//! assert_eq!(physicians[0].work_rows, vec![2, 4]);
//! let today = CalendarDate::parse("2026-11-21").unwrap();
//! let decision = decide(&physicians[0].history, &CertificationRules::builtin(), today).unwrap();
//! assert!(decision.eligible);
//!
//! let bad = Sheet::from_csv("w.csv", format!("{WORK_HISTORY_HEADER}\nD1,2018-04-01,work,2021-04-31,2021-06-30,A,0104,少数,40,,,,\n").as_bytes()).unwrap();
//! assert_eq!(
//!     read_work_history_sheet(&bad).unwrap_err().to_string(),
//!     r#"w.csv: row 2, column start, value "2021-04-31": not a calendar date (YYYY-MM-DD)"#
//! );
//! ```

use std::collections::HashMap;
use std::path::Path;

use ishi_plan::certification::{AreaStatus, Duties, Duty, LeavePeriod, LeaveReason, WorkHistory, WorkKind, WorkPeriod};
use ishi_plan::{AreaCode, CalendarDate};

use crate::error::{InputError, IoError};
use crate::sheet::{Row, Sheet};

/// The columns of a work-history file, all required in the header.
pub const WORK_HISTORY_COLUMNS: [&str; 13] = [
    "physician_id",
    "licence_date",
    "record",
    "start",
    "end",
    "institution",
    "area_code",
    "area_kind",
    "hours_per_week",
    "work_kind",
    "short_time",
    "leave_reason",
    "duties",
];

/// The header line of a work-history CSV.
pub const WORK_HISTORY_HEADER: &str = "physician_id,licence_date,record,start,end,institution,area_code,area_kind,hours_per_week,work_kind,short_time,leave_reason,duties";

/// Dates outside these years are typing mistakes in a work history (20211 for 2021).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;
/// A week has 168 hours: more per week is a typing mistake.
const HOURS_IN_A_WEEK: f64 = 168.0;

/// One physician's history as read, with the spreadsheet row of each period.
#[derive(Debug, Clone, PartialEq)]
pub struct PhysicianWorkHistory {
    pub physician_id: String,
    pub history: WorkHistory,
    /// Row of `history.work[i]`.
    pub work_rows: Vec<usize>,
    /// Row of `history.leave[i]`.
    pub leave_rows: Vec<usize>,
}

/// Reads a work-history file (`.csv` or `.xlsx` by extension).
pub fn read_work_history(path: &Path) -> Result<Vec<PhysicianWorkHistory>, IoError> {
    Ok(read_work_history_sheet(&Sheet::open(path)?)?)
}

/// Reads a work-history table already opened (tests, other sources).
pub fn read_work_history_sheet(sheet: &Sheet) -> Result<Vec<PhysicianWorkHistory>, InputError> {
    let cols = sheet.columns(&WORK_HISTORY_COLUMNS, &[])?;
    let c: [usize; 13] = WORK_HISTORY_COLUMNS.map(|name| cols.get(name).expect("required column"));
    let [
        id_c,
        licence_c,
        record_c,
        start_c,
        end_c,
        institution_c,
        area_code_c,
        area_kind_c,
        hours_c,
        kind_c,
        short_c,
        reason_c,
        duties_c,
    ] = c;

    let mut physicians: Vec<Building> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    sheet.for_each_row(|row| {
        let id = row.required_text(id_c)?.into_owned();
        let at = match index.get(&id) {
            Some(&at) => at,
            None => {
                index.insert(id.clone(), physicians.len());
                physicians.push(Building::new(id, row.number));
                physicians.len() - 1
            }
        };
        let p = &mut physicians[at];

        if let Some(licence) = optional_date(row, licence_c)? {
            match p.licence {
                Some((earlier, first_row)) if earlier != licence => {
                    return Err(row.error(
                        licence_c,
                        format!(
                            "differs from the licence date {earlier} given on row {first_row} for the same physician"
                        ),
                    ));
                }
                Some(_) => {}
                None => p.licence = Some((licence, row.number)),
            }
        }
        if let Some(duties) = duties_field(row, duties_c)? {
            match p.duties {
                Some((earlier, first_row)) if earlier != duties => {
                    return Err(row.error(
                        duties_c,
                        format!("differs from the duties given on row {first_row} for the same physician"),
                    ));
                }
                Some(_) => {}
                None => p.duties = Some((duties, row.number)),
            }
        }

        let start = date_field(row, start_c)?;
        let end = date_field(row, end_c)?;
        if end < start {
            return Err(row.error(end_c, format!("the period ends before it starts ({start})")));
        }
        let record = row.required_text(record_c)?;
        match record.to_ascii_lowercase().as_str() {
            "work" | "勤務" => {
                empty(row, reason_c, "leave_reason is for leave rows only")?;
                let institution = row.required_text(institution_c)?.into_owned();
                let area_code = area_code_field(row, area_code_c)?;
                let area = keyword(row, area_kind_c, AreaStatus::parse, &AreaStatus::KEYS, "area kind")?;
                let hours_per_week = hours_field(row, hours_c)?;
                let kind = if row.text(kind_c).is_empty() {
                    WorkKind::Clinical
                } else {
                    keyword(row, kind_c, WorkKind::parse, &WorkKind::KEYS, "work kind")?
                };
                let short_time = flag(row, short_c)?;
                p.work.push(WorkPeriod { start, end, institution, area_code, area, hours_per_week, kind, short_time });
                p.work_rows.push(row.number);
            }
            "leave" | "中断" | "休業" => {
                for col in [institution_c, area_code_c, area_kind_c, hours_c, kind_c, short_c] {
                    empty(row, col, "for work rows only: leave it empty on a leave row")?;
                }
                let reason = keyword(row, reason_c, LeaveReason::parse, &LeaveReason::KEYS, "leave reason")?;
                p.leave.push(LeavePeriod { start, end, reason });
                p.leave_rows.push(row.number);
            }
            _ => return Err(row.error(record_c, "unknown record: expected work (勤務) or leave (中断)")),
        }
        Ok(())
    })?;
    if physicians.is_empty() {
        return Err(InputError::file(&sheet.file, "no periods (no data rows)"));
    }
    physicians.into_iter().map(|p| p.finish(&sheet.file)).collect()
}

/// A physician while the file is read.
struct Building {
    id: String,
    first_row: usize,
    licence: Option<(CalendarDate, usize)>,
    duties: Option<(Duties, usize)>,
    work: Vec<WorkPeriod>,
    work_rows: Vec<usize>,
    leave: Vec<LeavePeriod>,
    leave_rows: Vec<usize>,
}

impl Building {
    fn new(id: String, first_row: usize) -> Self {
        Self {
            id,
            first_row,
            licence: None,
            duties: None,
            work: vec![],
            work_rows: vec![],
            leave: vec![],
            leave_rows: vec![],
        }
    }

    /// Checks what needs the whole physician: a licence date, and no work before it.
    fn finish(self, file: &str) -> Result<PhysicianWorkHistory, InputError> {
        let Some((licence_date, _)) = self.licence else {
            return Err(InputError::at(
                file,
                self.first_row,
                "licence_date",
                "",
                format!("no licence date (医師免許取得日) for physician {} on any of its rows", self.id),
            ));
        };
        if let Some((w, row)) = self.work.iter().zip(&self.work_rows).find(|(w, _)| w.start < licence_date) {
            return Err(InputError::at(
                file,
                *row,
                "start",
                &w.start.to_string(),
                format!("work starts before the licence date (医師免許取得日) {licence_date}"),
            ));
        }
        Ok(PhysicianWorkHistory {
            physician_id: self.id,
            history: WorkHistory {
                licence_date,
                work: self.work,
                leave: self.leave,
                duties: self.duties.map(|(d, _)| d).unwrap_or_default(),
            },
            work_rows: self.work_rows,
            leave_rows: self.leave_rows,
        })
    }
}

/// A required date, `YYYY-MM-DD` or `YYYY/MM/DD` (X2: also in full-width digits).
fn date_field(row: &Row, col: usize) -> Result<CalendarDate, InputError> {
    optional_date(row, col)?.ok_or_else(|| row.error(col, "a date is required (YYYY-MM-DD)"))
}

fn optional_date(row: &Row, col: usize) -> Result<Option<CalendarDate>, InputError> {
    let t = row.text(col);
    if t.is_empty() {
        return Ok(None);
    }
    let date = CalendarDate::parse(&t).ok_or_else(|| row.error(col, "not a calendar date (YYYY-MM-DD)"))?;
    if !PLAUSIBLE_YEARS.contains(&date.year()) {
        return Err(
            row.error(col, format!("a year from {} to {} is expected", PLAUSIBLE_YEARS.start(), PLAUSIBLE_YEARS.end()))
        );
    }
    Ok(Some(date))
}

/// Digits only; a code of 3 or 5 digits gets back the leading zero a spreadsheet dropped (JIS
/// prefecture codes 01–09).
fn area_code_field(row: &Row, col: usize) -> Result<AreaCode, InputError> {
    let t = row.required_text(col)?;
    if !t.bytes().all(|b| b.is_ascii_digit()) || t.len() > 6 {
        return Err(row.error(col, "must be a code of digits (二次医療圏 4, municipality 6)"));
    }
    Ok(AreaCode::new(if t.len() % 2 == 1 { format!("0{t}") } else { t.into_owned() }))
}

fn hours_field(row: &Row, col: usize) -> Result<f64, InputError> {
    let hours = row.non_negative(col)?;
    if hours > HOURS_IN_A_WEEK {
        return Err(row.error(col, "more than the 168 hours of a week"));
    }
    Ok(hours)
}

/// A required keyword read by the domain's `parse`; the error lists the keys.
fn keyword<T>(row: &Row, col: usize, parse: fn(&str) -> Option<T>, keys: &[&str], what: &str) -> Result<T, InputError> {
    let t = row.required_text(col)?;
    parse(&t).ok_or_else(|| row.error(col, format!("unknown {what}: expected one of {}", keys.join(", "))))
}

/// Empty, or an error saying why the column does not apply.
fn empty(row: &Row, col: usize, why: &str) -> Result<(), InputError> {
    if row.text(col).is_empty() { Ok(()) } else { Err(row.error(col, why)) }
}

/// A yes/no cell; empty = false.
fn flag(row: &Row, col: usize) -> Result<bool, InputError> {
    let t = row.text(col);
    let is = |word: &str| t.eq_ignore_ascii_case(word);
    if t.is_empty() || is("false") || is("0") || is("no") || t == "いいえ" {
        Ok(false)
    } else if is("true") || is("1") || is("yes") || t == "はい" {
        Ok(true)
    } else {
        Err(row.error(col, "expected true or false (1/0, yes/no, はい/いいえ)"))
    }
}

/// The duties attested on this row, or `None` when the cell is empty.
fn duties_field(row: &Row, col: usize) -> Result<Option<Duties>, InputError> {
    let t = row.text(col);
    if t.is_empty() {
        return Ok(None);
    }
    let words: Vec<&str> =
        t.split([';', '、', '・', '/', '|', ' ', '\u{3000}']).map(str::trim).filter(|w| !w.is_empty()).collect();
    let mut duties = Duties::default();
    for word in words {
        match word.to_ascii_lowercase().as_str() {
            "all" | "全て" | "すべて" => duties = Duties::all(),
            "none" | "なし" => {}
            _ => {
                let duty = Duty::parse(word).ok_or_else(|| {
                    row.error(
                        col,
                        format!(
                            "unknown duty {word:?}: expected {} (ア/イ/ウ, 1/2/3), all or none, separated by ;",
                            Duty::KEYS.join(", ")
                        ),
                    )
                })?;
                duties = duties.with(duty);
            }
        }
    }
    Ok(Some(duties))
}
