//! Tabular input: CSV (any of the encodings of [`crate::text::decode`]) or the first sheet of an .xlsx,
//! read the same way, with named columns and spreadsheet row numbers for messages.

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use crate::error::{InputError, IoError};
use crate::text::{decode, normalize, parse_number};

/// A table read from one file.
pub struct Sheet {
    /// The file name used in messages.
    pub file: String,
    /// Normalized header names.
    pub headers: Vec<String>,
    body: Body,
}

enum Body {
    /// Decoded CSV text (after the header).
    Csv(String),
    /// Cells of an .xlsx sheet with their spreadsheet row numbers.
    Cells(Vec<(usize, Vec<String>)>),
}

/// Resolved positions of the columns a reader needs.
#[derive(Debug, Clone)]
pub struct Columns {
    positions: Vec<Option<usize>>,
    names: Vec<&'static str>,
}

impl Columns {
    /// Position of a column by its name as requested.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| *n == name).and_then(|i| self.positions[i])
    }
}

/// One data row.
pub struct Row<'a> {
    pub file: &'a str,
    /// Spreadsheet row number (header = 1).
    pub number: usize,
    fields: &'a [String],
    csv: Option<&'a csv::StringRecord>,
    headers: &'a [String],
}

impl<'a> Row<'a> {
    /// The field at `col` as written (untrimmed).
    pub fn raw(&self, col: usize) -> &'a str {
        match self.csv {
            Some(r) => r.get(col).unwrap_or(""),
            None => self.fields.get(col).map_or("", |s| s.as_str()),
        }
    }

    /// The field at `col`, NFKC-normalized and trimmed (X2).
    pub fn text(&self, col: usize) -> Cow<'a, str> {
        normalize(self.raw(col))
    }

    pub fn header(&self, col: usize) -> &str {
        self.headers.get(col).map_or("?", |h| h.as_str())
    }

    /// An error at this row and column, showing the value as written.
    pub fn error(&self, col: usize, problem: impl Into<String>) -> InputError {
        InputError::at(self.file, self.number, self.header(col), self.raw(col), problem)
    }

    /// A required non-empty text field.
    pub fn required_text(&self, col: usize) -> Result<Cow<'a, str>, InputError> {
        let t = self.text(col);
        if t.is_empty() { Err(self.error(col, "a value is required")) } else { Ok(t) }
    }

    /// An optional number: empty → `None`; anything else must be a finite number.
    pub fn number(&self, col: usize) -> Result<Option<f64>, InputError> {
        let t = self.text(col);
        if t.is_empty() {
            return Ok(None);
        }
        parse_number(&t).map(Some).ok_or_else(|| self.error(col, "not a number"))
    }

    /// A required number that must not be negative.
    pub fn non_negative(&self, col: usize) -> Result<f64, InputError> {
        match self.number(col)? {
            None => Err(self.error(col, "a number is required")),
            Some(v) if v < 0.0 => Err(self.error(col, "must not be negative")),
            Some(v) => Ok(v),
        }
    }

    /// True when every field is blank (such rows are skipped).
    fn is_blank(&self) -> bool {
        (0..self.len()).all(|c| self.raw(c).trim().is_empty())
    }

    fn len(&self) -> usize {
        self.csv.map_or(self.fields.len(), |r| r.len())
    }
}

impl Sheet {
    /// Reads a CSV or .xlsx file (by extension; `.xlsx`/`.xlsm` are spreadsheets, anything else CSV).
    pub fn open(path: &Path) -> Result<Self, IoError> {
        let bytes = std::fs::read(path).map_err(|source| IoError::Read { path: path.into(), source })?;
        let name = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        Ok(if ext == "xlsx" || ext == "xlsm" {
            Self::from_xlsx(&name, &bytes)?
        } else {
            Self::from_csv(&name, &bytes)?
        })
    }

    /// Parses CSV bytes.
    pub fn from_csv(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        let (text, _) = decode(file, bytes)?;
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Err(InputError::file(file, "the file is empty (no header row)"));
        }
        let header_end = text.find('\n').map_or(text.len(), |p| p + 1);
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&text.as_bytes()[..header_end]);
        let mut record = csv::StringRecord::new();
        reader.read_record(&mut record).map_err(|e| {
            InputError::at(file, 1, "(header)", text[..header_end].trim_end(), format!("cannot read the header: {e}"))
        })?;
        let headers = record.iter().map(|h| normalize(h).to_ascii_lowercase()).collect();
        Ok(Self { file: file.into(), headers, body: Body::Csv(text[header_end..].to_string()) })
    }

    /// Parses .xlsx bytes (first worksheet).
    pub fn from_xlsx(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
            .map_err(|e| InputError::file(file, format!("not a readable .xlsx file: {e}")))?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| InputError::file(file, "the workbook has no worksheet"))?
            .map_err(|e| InputError::file(file, format!("cannot read the first worksheet: {e}")))?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let mut rows = range.rows().enumerate().map(|(i, cells)| {
            let mut fields: Vec<String> = vec![String::new(); first_col];
            fields.extend(cells.iter().map(cell_text));
            (first_row + i + 1, fields)
        });
        let (_, header) = rows
            .find(|(_, f)| f.iter().any(|c| !c.trim().is_empty()))
            .ok_or_else(|| InputError::file(file, "the worksheet is empty (no header row)"))?;
        let headers = header.iter().map(|h| normalize(h).to_ascii_lowercase()).collect();
        Ok(Self { file: file.into(), headers, body: Body::Cells(rows.collect()) })
    }

    /// Finds `required` and `optional` columns by name (case-insensitive after NFKC); a missing
    /// required column is an error at row 1 naming the columns found.
    pub fn columns(&self, required: &[&'static str], optional: &[&'static str]) -> Result<Columns, InputError> {
        let mut positions = vec![];
        let mut names = vec![];
        for (name, needed) in required.iter().map(|n| (n, true)).chain(optional.iter().map(|n| (n, false))) {
            let pos = self.headers.iter().position(|h| h == name);
            if needed && pos.is_none() {
                return Err(InputError::at(
                    &self.file,
                    1,
                    name,
                    &self.headers.join(","),
                    format!("required column {name} is missing (expected columns: {})", required.join(",")),
                ));
            }
            positions.push(pos);
            names.push(*name);
        }
        Ok(Columns { positions, names })
    }

    /// Calls `f` for each non-blank data row, in order; stops at the first error.
    pub fn for_each_row(&self, mut f: impl FnMut(&Row) -> Result<(), InputError>) -> Result<usize, InputError> {
        let mut count = 0;
        match &self.body {
            Body::Csv(text) => {
                let mut reader =
                    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
                let mut record = csv::StringRecord::new();
                loop {
                    let more = reader.read_record(&mut record).map_err(|e| {
                        let row = e.position().map_or(0, |p| p.line() as usize + 1);
                        InputError::at(&self.file, row, "(row)", "", format!("not valid CSV: {e}"))
                    })?;
                    if !more {
                        break;
                    }
                    let number = record.position().map_or(0, |p| p.line() as usize + 1);
                    let row = Row { file: &self.file, number, fields: &[], csv: Some(&record), headers: &self.headers };
                    if row.is_blank() {
                        continue;
                    }
                    f(&row)?;
                    count += 1;
                }
            }
            Body::Cells(rows) => {
                for (number, fields) in rows {
                    let row = Row { file: &self.file, number: *number, fields, csv: None, headers: &self.headers };
                    if row.is_blank() {
                        continue;
                    }
                    f(&row)?;
                    count += 1;
                }
            }
        }
        Ok(count)
    }
}

/// An .xlsx cell as text: integers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Excel's serial day number (1900 system) as `YYYY-MM-DD`.
fn excel_serial_date(serial: f64) -> String {
    // Days since 1970-01-01 (Excel day 25569), then the civil-from-days algorithm (H. Hinnant).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_excel_serial_dates() {
        assert_eq!(excel_serial_date(45366.0), "2024-03-15");
        assert_eq!(excel_serial_date(25569.0), "1970-01-01");
    }

    #[test]
    fn x3_rows_are_numbered_like_a_spreadsheet_and_blank_rows_skipped() {
        let sheet = Sheet::from_csv("t.csv", b"a,b\n1,2\n,\n3,4\n").unwrap();
        let mut seen = vec![];
        sheet
            .for_each_row(|r| {
                seen.push((r.number, r.text(0).into_owned()));
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, vec![(2, "1".to_string()), (4, "3".to_string())]);
    }

    #[test]
    fn x3_missing_column_names_the_column() {
        let sheet = Sheet::from_csv("t.csv", b"a,b\n1,2\n").unwrap();
        let err = sheet.columns(&["a", "index"], &[]).unwrap_err();
        assert_eq!(err.row, Some(1));
        assert_eq!(err.column.as_deref(), Some("index"));
    }
}
