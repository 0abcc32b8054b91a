//! The renewal records as the server stores them (roster and ledger rows as written) turned into what
//! the renewal engine reads, through the same readers as the CSV files.
//!
//! The server keeps the roster and the ledger as the columns of `specialists.csv` and `ledger.csv`.
//! To evaluate, the stored rows are written back as CSV and read by [`read_membership_from`] — the
//! reader of the command line — so an entry typed on a web form, a file uploaded and a file given to
//! `ishi renew` are checked by the same code and mean the same thing (X2, X3).
//!
//! - [`membership_of`]: stored rows → [`Membership`]. The ledger row given `k`-th (from 0) is row
//!   `k + 2` of the CSV, which is what findings name (header = row 1).
//! - [`read_roster_upload`] / [`read_ledger_upload`]: uploaded files (CSV in UTF-8 or Shift_JIS, or
//!   .xlsx) → rows to store, after the reader has accepted the whole file; every problem names file,
//!   row, column and value.
//! - [`check_appended`]: rows about to be added to stored ones, checked together (the same activity
//!   twice is refused across them, as within a file), with problems named in the new rows' terms.

use serde::Serialize;

use crate::error::{InputError, IoError};
use crate::renewal_import::{
    LEDGER_COLUMNS, LedgerText, Membership, SPECIALIST_COLUMNS, SPECIALIST_OPTIONAL_COLUMNS, read_membership_from,
};
use crate::sheet::Sheet;
use crate::text::normalize;

/// The name stored roster rows go by in messages.
pub const STORED_ROSTER: &str = "specialists.csv（登録済みの名簿）";
/// The name stored ledger rows go by in messages.
pub const STORED_LEDGER: &str = "ledger.csv（登録済みの台帳）";

/// One roster row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RosterRecord {
    /// NFKC-normalized, as the reader matches it.
    pub id: String,
    pub name: String,
    pub renewals_completed: i64,
    pub renewal_fiscal_year: i64,
    /// `YYYY-MM-DD`.
    pub period_start: String,
    pub period_end: String,
    pub extensions: i64,
    /// The 留保 reason as written (trimmed), if any.
    pub deferral: Option<String>,
}

/// One ledger row as stored: the nine columns of `ledger.csv`, as written (the specialist id
/// NFKC-normalized, as it matched the roster).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LedgerRecord {
    pub specialist_id: String,
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub quantity: String,
    pub role: String,
    pub approved: String,
    pub e_learning: String,
    pub evidence: String,
}

impl LedgerRecord {
    fn fields(&self) -> [&str; 9] {
        [
            &self.specialist_id,
            &self.date,
            &self.kind,
            &self.detail,
            &self.quantity,
            &self.role,
            &self.approved,
            &self.e_learning,
            &self.evidence,
        ]
    }
}

/// A file as uploaded.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The file name, for messages (and `.xlsx` means a spreadsheet).
    pub file: &'a str,
    pub bytes: &'a [u8],
}

/// A roster upload, read and checked whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RosterUpload {
    pub specialists: Vec<RosterRecord>,
    /// Each ledger row with its row number in the uploaded file.
    pub ledger: Vec<(usize, LedgerRecord)>,
}

fn csv_of<'a>(headers: &[&str], rows: impl IntoIterator<Item = Vec<&'a str>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail.
    w.write_record(headers).expect("CSV in memory");
    for row in rows {
        w.write_record(row).expect("CSV in memory");
    }
    w.into_inner().expect("CSV in memory")
}

/// The stored roster rows as a `specialists.csv` sheet.
pub fn roster_sheet(records: &[RosterRecord], file: &str) -> Result<Sheet, InputError> {
    let headers: Vec<&str> = SPECIALIST_COLUMNS.iter().chain(&SPECIALIST_OPTIONAL_COLUMNS).copied().collect();
    let numbers: Vec<[String; 3]> = records
        .iter()
        .map(|r| [r.renewals_completed.to_string(), r.renewal_fiscal_year.to_string(), r.extensions.to_string()])
        .collect();
    let rows = records.iter().zip(&numbers).map(|(r, n)| {
        vec![
            r.id.as_str(),
            r.name.as_str(),
            n[0].as_str(),
            n[1].as_str(),
            r.period_start.as_str(),
            r.period_end.as_str(),
            n[2].as_str(),
            r.deferral.as_deref().unwrap_or(""),
        ]
    });
    Sheet::from_csv_bytes(file, csv_of(&headers, rows))
}

/// Stored ledger rows as a `ledger.csv` sheet: the `k`-th row given is spreadsheet row `k + 2`.
pub fn ledger_sheet<'a>(records: impl IntoIterator<Item = &'a LedgerRecord>, file: &str) -> Result<Sheet, InputError> {
    Sheet::from_csv_bytes(file, csv_of(&LEDGER_COLUMNS, records.into_iter().map(|r| r.fields().to_vec())))
}

/// Stored ledger rows as `ledger.csv` for download: UTF-8 with BOM (X2, for Excel).
pub fn ledger_csv<'a>(records: impl IntoIterator<Item = &'a LedgerRecord>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(csv_of(&LEDGER_COLUMNS, records.into_iter().map(|r| r.fields().to_vec())));
    out
}

fn input(e: IoError, file: &str) -> InputError {
    match e {
        IoError::Input(e) => e,
        other => InputError::file(file, other.to_string()),
    }
}

/// The stored roster and ledger as the renewal engine reads them. `ledger` may come in any order;
/// the ledger row given `k`-th is row `k + 2` in findings ([`ishi_renewal::Activity::row`]).
pub fn membership_of(
    roster: &[RosterRecord],
    ledger: &[LedgerRecord],
    text: LedgerText,
) -> Result<Membership, InputError> {
    let roster = roster_sheet(roster, STORED_ROSTER)?;
    let ledger = ledger_sheet(ledger, STORED_LEDGER)?;
    read_membership_from(roster, ledger, text).map_err(|e| input(e, STORED_LEDGER))
}

fn sheet_of(upload: Upload) -> Result<Sheet, InputError> {
    let lower = upload.file.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        Sheet::from_xlsx(upload.file, upload.bytes)
    } else {
        Sheet::from_csv(upload.file, upload.bytes)
    }
}

/// The ledger rows of a sheet the reader has accepted, as written, with their row numbers.
fn ledger_rows(sheet: &Sheet) -> Result<Vec<(usize, LedgerRecord)>, InputError> {
    let cols = sheet.columns(&LEDGER_COLUMNS, &[])?;
    let at: Vec<usize> = LEDGER_COLUMNS.iter().map(|n| cols.get(n).expect("required column")).collect();
    let mut rows = Vec::with_capacity(sheet.rows_hint().min(1 << 20));
    sheet.for_each_row(|row| {
        let f = |i: usize| row.raw(at[i]).to_string();
        rows.push((
            row.number,
            LedgerRecord {
                specialist_id: row.text(at[0]).into_owned(),
                date: f(1),
                kind: f(2),
                detail: f(3),
                quantity: f(4),
                role: f(5),
                approved: f(6),
                e_learning: f(7),
                evidence: f(8),
            },
        ));
        Ok(())
    })?;
    Ok(rows)
}

/// A ledger with the header alone (a roster uploaded without its ledger).
fn empty_ledger(file: &str) -> Result<Sheet, InputError> {
    Sheet::from_csv_bytes(file, csv_of(&LEDGER_COLUMNS, std::iter::empty()))
}

/// Reads an uploaded roster (`specialists.csv`) and, if given, its ledger (`ledger.csv`): both are
/// read and checked whole by the renewal engine's reader before any row is returned.
pub fn read_roster_upload(specialists: Upload, ledger: Option<Upload>) -> Result<RosterUpload, InputError> {
    let roster_sheet = sheet_of(specialists)?;
    let ledger_sheet = match ledger {
        Some(l) => sheet_of(l)?,
        None => empty_ledger("ledger.csv")?,
    };
    let membership =
        read_membership_from(roster_sheet, ledger_sheet, LedgerText::Drop).map_err(|e| input(e, specialists.file))?;
    // The sheets were moved into the reader; read again for the text as written (cheap next to
    // the checks, and only once the whole upload is known to be good).
    let roster_sheet = sheet_of(specialists)?;
    let cols = roster_sheet.columns(&SPECIALIST_COLUMNS, &SPECIALIST_OPTIONAL_COLUMNS)?;
    let (name_c, deferral_c) = (cols.get("name").expect("required column"), cols.get("deferral"));
    let mut written = Vec::with_capacity(membership.specialists.len());
    roster_sheet.for_each_row(|row| {
        let deferral = deferral_c.map(|c| row.raw(c).trim().to_string()).filter(|d| !d.is_empty());
        written.push((row.raw(name_c).trim().to_string(), deferral));
        Ok(())
    })?;
    let specialists = membership
        .specialists
        .iter()
        .zip(written)
        .map(|(s, (name, deferral))| RosterRecord {
            id: s.id.clone(),
            name,
            renewals_completed: s.renewals_completed.into(),
            renewal_fiscal_year: s.renewal_fiscal_year.into(),
            period_start: s.period_start.to_string(),
            period_end: s.period_end.to_string(),
            extensions: s.extensions.into(),
            deferral,
        })
        .collect();
    let ledger = match ledger {
        Some(l) => ledger_rows(&sheet_of(l)?)?,
        None => vec![],
    };
    Ok(RosterUpload { specialists, ledger })
}

/// Reads an uploaded ledger of one specialist (`ledger.csv` columns; every row must be theirs) and
/// checks it whole with the reader; the rows as written with their row numbers.
pub fn read_ledger_upload(upload: Upload, specialist: &RosterRecord) -> Result<Vec<(usize, LedgerRecord)>, InputError> {
    let sheet = sheet_of(upload)?;
    let rows = ledger_rows(&sheet)?;
    if let Some((row, _)) = rows.iter().find(|(_, r)| r.specialist_id != specialist.id) {
        // The row as written, for the message.
        let cols = sheet.columns(&LEDGER_COLUMNS, &[])?;
        let col = cols.get("specialist_id").expect("required column");
        let mut error = None;
        sheet.for_each_row(|r| {
            if r.number == *row {
                error = Some(r.error(col, format!("this file is the ledger of {} only", specialist.id)));
            }
            Ok(())
        })?;
        return Err(error.unwrap_or_else(|| InputError::file(upload.file, "a row of another specialist")));
    }
    read_membership_from(roster_sheet(std::slice::from_ref(specialist), STORED_ROSTER)?, sheet, LedgerText::Drop)
        .map_err(|e| input(e, upload.file))?;
    Ok(rows)
}

/// Where a stored ledger row came from, for messages about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRow<'a> {
    /// Its id in the store.
    pub id: i64,
    pub record: &'a LedgerRecord,
}

/// Checks `new` rows (with their rows in `new_file`) added to the `stored` rows of the specialists of
/// `roster`: the result must read as one ledger, so the same activity twice is refused across
/// stored and new rows as within a file. A problem is named in the new rows' terms (their file and
/// row); a duplicate of a stored row names that row's id.
pub fn check_appended(
    roster: &[RosterRecord],
    stored: &[StoredRow],
    new: &[(usize, LedgerRecord)],
    new_file: &str,
) -> Result<(), InputError> {
    let all = stored.iter().map(|s| s.record).chain(new.iter().map(|(_, r)| r));
    let ledger = ledger_sheet(all, STORED_LEDGER)?;
    let roster = roster_sheet(roster, STORED_ROSTER)?;
    let Err(e) = read_membership_from(roster, ledger, LedgerText::Drop) else { return Ok(()) };
    let e = input(e, new_file);
    let Some(row) = e.row.filter(|&r| r >= 2) else { return Err(e) };
    let k = row - 2;
    if k < stored.len() {
        // A stored row refused: the store holds only rows the reader accepted, so the rules changed.
        return Err(InputError {
            file: STORED_LEDGER.into(),
            row: None,
            column: e.column,
            value: e.value,
            problem: format!("stored entry #{}: {}", stored[k].id, e.problem),
        });
    }
    let (new_row, record) = &new[k - stored.len()];
    let problem = match (e.column.as_deref(), first_row_of_duplicate(&e.problem)) {
        (Some("(row)"), Some(first)) if first >= 2 && first - 2 < stored.len() => {
            format!("the same activity is already in the ledger (entry #{})", stored[first - 2].id)
        }
        (Some("(row)"), Some(first)) if first >= 2 + stored.len() => {
            format!("the same activity twice (also on row {})", new[first - 2 - stored.len()].0)
        }
        _ => e.problem.clone(),
    };
    let value = match e.column.as_deref() {
        Some("(row)") => Some(record.fields().join(",")),
        _ => e.value,
    };
    Err(InputError { file: new_file.into(), row: Some(*new_row), column: e.column, value, problem })
}

/// The first row named in the reader's message about the same activity twice.
fn first_row_of_duplicate(problem: &str) -> Option<usize> {
    let rest = &problem[problem.find("also on row ")? + "also on row ".len()..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// An id as the reader matches it (NFKC, trimmed).
pub fn normalized_id(id: &str) -> String {
    normalize(id).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Vec<RosterRecord> {
        vec![RosterRecord {
            id: "S1".into(),
            name: "形成 太郎".into(),
            renewals_completed: 0,
            renewal_fiscal_year: 2025,
            period_start: "2020-04-01".into(),
            period_end: "2025-03-31".into(),
            extensions: 0,
            deferral: None,
        }]
    }

    fn lecture(detail: &str, hours: &str) -> LedgerRecord {
        LedgerRecord {
            specialist_id: "S1".into(),
            date: "2021-06-01".into(),
            kind: "common_lecture".into(),
            detail: detail.into(),
            quantity: hours.into(),
            evidence: "受講証明書, \"控え\"".into(),
            ..Default::default()
        }
    }

    #[test]
    fn x3_stored_rows_read_through_the_file_reader() {
        let m =
            membership_of(&roster(), &[lecture("医療安全", "1"), lecture("感染対策", "2")], LedgerText::Keep).unwrap();
        assert_eq!(m.ledger(0).len(), 2);
        assert_eq!(m.ledger(0)[1].row, 3);
        assert_eq!(m.ledger_texts(0)[0].evidence, "受講証明書, \"控え\"");
        let bad = membership_of(&roster(), &[lecture("医療安全", "1"), lecture("ゴルフ", "1")], LedgerText::Drop)
            .unwrap_err();
        assert_eq!((bad.row, bad.column.as_deref(), bad.value.as_deref()), (Some(3), Some("detail"), Some("ゴルフ")));
    }

    #[test]
    fn x3_uploads_in_shift_jis_are_read_and_bad_rows_named() {
        let specialists = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n\
                           S1,形成 太郎,0,2025,2020-04-01,2025-03-31\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(specialists);
        let ledger = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n\
                      S1,2021-06-01,common_lecture,医療安全,1,,,,証明\n";
        let up = read_roster_upload(
            Upload { file: "specialists.csv", bytes: &sjis },
            Some(Upload { file: "ledger.csv", bytes: ledger.as_bytes() }),
        )
        .unwrap();
        assert_eq!(up.specialists[0].name, "形成 太郎");
        assert_eq!(up.ledger[0].0, 2);
        assert_eq!(up.ledger[0].1.detail, "医療安全");
        let bad = ledger.replace("2021-06-01", "2021-13-01");
        let e = read_roster_upload(
            Upload { file: "specialists.csv", bytes: specialists.as_bytes() },
            Some(Upload { file: "ledger.csv", bytes: bad.as_bytes() }),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"ledger.csv: row 2, column date, value "2021-13-01": not a calendar date (YYYY-MM-DD)"#
        );
    }

    #[test]
    fn x3_a_row_added_twice_names_the_stored_entry() {
        let stored = [lecture("医療安全", "1")];
        let rows = [StoredRow { id: 41, record: &stored[0] }];
        let e = check_appended(&roster(), &rows, &[(7, lecture("医療安全", "1"))], "new.csv").unwrap_err();
        assert_eq!((e.file.as_str(), e.row), ("new.csv", Some(7)));
        assert!(e.problem.contains("entry #41"), "{e}");
        check_appended(&roster(), &rows, &[(2, lecture("医療安全", "2"))], "new.csv").unwrap();
    }

    #[test]
    fn x3_a_ledger_upload_holds_one_specialist() {
        let ledger = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n\
                      S2,2021-06-01,common_lecture,医療安全,1,,,,\n";
        let e = read_ledger_upload(Upload { file: "l.csv", bytes: ledger.as_bytes() }, &roster()[0]).unwrap_err();
        assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("specialist_id"), Some("S2")));
    }
}
