//! Tabular input: CSV (any of the encodings of [`crate::text::decode`]) or the first sheet of an .xlsx,
//! read the same way, with named columns and spreadsheet row numbers for messages.
//!
//! CSV is read by a small scanner of its own (RFC 4180 as spreadsheets write it: `,` between fields,
//! `\n`, `\r\n` or `\r` between records, `"` around fields that hold them, `""` for a quote). Fields
//! of a record without quotes are borrowed from the text, so a row costs no allocation: national
//! files have millions of rows. Rows are numbered as a spreadsheet shows them: one row per record
//! (a quoted line break stays inside its cell) and per blank line.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};

use crate::error::{InputError, IoError};
use crate::text::{decode, normalize, parse_number, utf8_prefix};

/// A table read from one file.
pub struct Sheet {
    /// The file name used in messages.
    pub file: String,
    /// Normalized header names.
    pub headers: Vec<String>,
    body: Body,
}

enum Body {
    /// Decoded CSV text; the data rows start at byte `start`, which is spreadsheet row `first_row`.
    Csv { text: String, start: usize, first_row: usize },
    /// A large UTF-8 CSV file, read piece by piece on each pass (a national ledger is hundreds of
    /// megabytes: it is never held whole). `rows` is an estimate, from the first piece.
    File { path: PathBuf, start: u64, first_row: usize, rows: usize, piece: usize, ascii_header: bool },
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
    fields: Fields<'a>,
    headers: &'a [String],
}

enum Fields<'a> {
    Text(&'a [&'a str]),
    Cells(&'a [String]),
}

impl<'a> Row<'a> {
    /// The field at `col` as written (untrimmed).
    pub fn raw(&self, col: usize) -> &'a str {
        match self.fields {
            Fields::Text(f) => f.get(col).copied().unwrap_or(""),
            Fields::Cells(f) => f.get(col).map_or("", |s| s.as_str()),
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

    fn len(&self) -> usize {
        match self.fields {
            Fields::Text(f) => f.len(),
            Fields::Cells(f) => f.len(),
        }
    }

    /// True when every field is blank (such rows are skipped).
    #[inline]
    fn is_blank(&self) -> bool {
        // Most rows start with a visible ASCII character.
        !self.raw(0).as_bytes().first().is_some_and(|b| (0x21..0x7F).contains(b)) && self.is_blank_field_by_field()
    }

    fn is_blank_field_by_field(&self) -> bool {
        let blank =
            |s: &str| s.bytes().all(|b| matches!(b, b' ' | b'\t'..=b'\r')) || (!s.is_ascii() && s.trim().is_empty());
        (0..self.len()).all(|c| blank(self.raw(c)))
    }
}

impl Sheet {
    /// Reads a CSV or .xlsx file (by extension; `.xlsx`/`.xlsm` are spreadsheets, anything else CSV).
    /// A large UTF-8 CSV is checked here (encoding, header) and its rows read from the file on each
    /// [`Sheet::for_each_row`].
    pub fn open(path: &Path) -> Result<Self, IoError> {
        Self::open_in_pieces(path, STREAM_FROM, PIECE)
    }

    fn open_in_pieces(path: &Path, stream_from: u64, piece: usize) -> Result<Self, IoError> {
        let read_error = |source| IoError::Read { path: path.into(), source };
        let name = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if ext == "xlsx" || ext == "xlsm" {
            let bytes = std::fs::read(path).map_err(read_error)?;
            return Ok(Self::from_xlsx(&name, &bytes)?);
        }
        let mut file = File::open(path).map_err(read_error)?;
        let size = file.metadata().map_err(read_error)?.len();
        if size >= stream_from
            && let Some(sheet) = Self::large_csv(&name, path, &mut file, size, piece).map_err(read_error)?
        {
            return Ok(sheet);
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.seek(SeekFrom::Start(0)).and_then(|_| file.read_to_end(&mut bytes)).map_err(read_error)?;
        Ok(Self::from_csv_bytes(&name, bytes)?)
    }

    /// A CSV file to be read in pieces, if its first piece is UTF-8 and holds the header; `None`
    /// otherwise (it is then read whole: decoded as CP932, or refused with the exact place).
    fn large_csv(name: &str, path: &Path, file: &mut File, size: u64, piece: usize) -> std::io::Result<Option<Self>> {
        let mut buf = vec![0u8; piece];
        let n = read_full(file, &mut buf)?;
        let (text, whole_or_cut) = utf8_prefix(&buf[..n]);
        let valid = text.len();
        if !whole_or_cut || (n < buf.len() && valid < n) {
            return Ok(None);
        }
        // A header longer than a piece, an empty or a broken file: read whole.
        let Ok(Some((headers, start, first_row))) = parse_header(name, text, n == buf.len()) else { return Ok(None) };
        // Rows expected, from the first piece: a hint for buffers, 10% over.
        let per_byte = (count_line_feeds(&buf[start..valid]) + 1) as f64 / (valid - start).max(1) as f64;
        let rows = (per_byte * size.saturating_sub(start as u64) as f64 * 1.1) as usize + 16;
        Ok(Some(Self {
            file: name.into(),
            headers,
            body: Body::File {
                path: path.into(),
                start: start as u64,
                first_row,
                rows,
                piece,
                ascii_header: buf[..start].is_ascii(),
            },
        }))
    }

    /// Parses CSV bytes.
    pub fn from_csv(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        Self::from_csv_bytes(file, bytes.to_vec())
    }

    /// Parses CSV bytes it owns: UTF-8 text is kept as it is, without a copy.
    pub fn from_csv_bytes(file: &str, bytes: Vec<u8>) -> Result<Self, InputError> {
        let (text, headers, start, first_row) = decode_csv(file, bytes)?;
        Ok(Self { file: file.into(), headers, body: Body::Csv { text, start, first_row } })
    }

    /// Parses .xlsx bytes (first worksheet).
    pub fn from_xlsx(file: &str, bytes: &[u8]) -> Result<Self, InputError> {
        let mut rows = first_worksheet_rows(file, bytes, String::new(), cell_text)?.into_iter();
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

    /// About as many as the data rows (blank ones included), for sizing buffers up front: exact or
    /// more for a sheet in memory, an estimate for a large file read in pieces.
    pub fn rows_hint(&self) -> usize {
        match &self.body {
            // Every record but the last ends with a line break (some have more, inside quotes).
            Body::Csv { text, start, .. } => count_line_feeds(&text.as_bytes()[*start..]) + 1,
            Body::File { rows, .. } => *rows,
            Body::Cells(rows) => rows.len(),
        }
    }

    /// Calls `f` for each non-blank data row, in order; stops at the first error.
    pub fn for_each_row(&self, mut f: impl FnMut(&Row) -> Result<(), InputError>) -> Result<usize, InputError> {
        let mut count = 0;
        let mut each = |row: &Row| -> Result<(), InputError> {
            if !row.is_blank() {
                f(row)?;
                count += 1;
            }
            Ok(())
        };
        match &self.body {
            Body::Csv { text, start, first_row } => {
                self.records(text, *start, *first_row, false, &mut each)?;
            }
            Body::File { path, start, first_row, piece, ascii_header, .. } => {
                self.records_from_file(path, (*start, *first_row), *piece, *ascii_header, &mut each)?
            }
            Body::Cells(rows) => {
                for (number, fields) in rows {
                    each(&Row {
                        file: &self.file,
                        number: *number,
                        fields: Fields::Cells(fields),
                        headers: &self.headers,
                    })?;
                }
            }
        }
        Ok(count)
    }

    /// Calls `each` for the records of `text` from byte `pos` (row `number`). With `more`, the text
    /// is a piece of the file: a record cut at its end is left for the next piece. Returns where the
    /// first record not read starts, and its row.
    fn records(
        &self,
        text: &str,
        mut pos: usize,
        mut number: usize,
        more: bool,
        each: &mut impl FnMut(&Row) -> Result<(), InputError>,
    ) -> Result<(usize, usize), InputError> {
        let mut scanner = Scanner::new(text);
        while pos < text.len() {
            let scanned = scanner.record(pos, more).map_err(|e| {
                InputError::at(&self.file, number, "(row)", &e.shown, format!("not valid CSV: {}", e.problem))
            })?;
            let Scanned::Record(fields, next) = scanned else { break };
            each(&Row { file: &self.file, number, fields, headers: &self.headers })?;
            pos = next;
            number += 1;
        }
        Ok((pos, number))
    }

    /// [`Sheet::records`] of a file read piece by piece. Each piece is checked as UTF-8; should the
    /// file turn out not to be (only its first piece was checked when opened), then, if every byte
    /// before was ASCII, it is read whole and decoded as CP932 from the row reached on (ASCII reads
    /// the same in both); otherwise it is refused at that row.
    fn records_from_file(
        &self,
        path: &Path,
        (start, mut number): (u64, usize),
        piece: usize,
        ascii_header: bool,
        each: &mut impl FnMut(&Row) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        let cannot = |e: std::io::Error| InputError::file(&self.file, format!("cannot read the file again: {e}"));
        let mut file = File::open(path).map_err(cannot)?;
        file.seek(SeekFrom::Start(start)).map_err(cannot)?;
        let mut buf = vec![0u8; piece.max(1)];
        let (mut filled, mut eof, mut ascii) = (0, false, ascii_header);
        loop {
            if filled == buf.len() {
                // One record longer than the buffer.
                buf.resize(buf.len() * 2, 0);
            }
            let n = read_full(&mut file, &mut buf[filled..]).map_err(cannot)?;
            filled += n;
            eof = eof || filled < buf.len();
            let (text, whole_or_cut) = utf8_prefix(&buf[..filled]);
            let broken = !whole_or_cut || (eof && text.len() < filled);
            let (pos, next_number) = self.records(text, 0, number, !eof || broken, each)?;
            ascii = ascii && text[..pos].is_ascii();
            number = next_number;
            if broken {
                return self.records_not_utf8(path, &buf[pos..filled], number, ascii, each);
            }
            if eof {
                return Ok(());
            }
            buf.copy_within(pos..filled, 0);
            filled -= pos;
        }
    }

    /// The file was not UTF-8 after all: read whole and decoded as [`Sheet::from_csv_bytes`] does
    /// it, delivering the rows from `resume` on; `rest` starts with the record that was not UTF-8.
    fn records_not_utf8(
        &self,
        path: &Path,
        rest: &[u8],
        resume: usize,
        ascii: bool,
        each: &mut impl FnMut(&Row) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        if !ascii {
            let at = std::str::from_utf8(rest).err().map_or(0, |e| e.valid_up_to());
            let shown: Vec<String> = rest[at..].iter().take(4).map(|b| format!("{b:02X}")).collect();
            return Err(InputError::at(
                &self.file,
                resume,
                "(row)",
                &format!("bytes {}", shown.join(" ")),
                "not valid UTF-8 text, though the file starts as UTF-8 (save it in one encoding)",
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| InputError::file(&self.file, format!("cannot read the file again: {e}")))?;
        let (text, _, start, first_row) = decode_csv(&self.file, bytes)?;
        self.records(&text, start, first_row, false, &mut |row| if row.number < resume { Ok(()) } else { each(row) })?;
        Ok(())
    }
}

/// CSV bytes decoded ([`decode`]), and their header: text, names, where the data starts, its row.
fn decode_csv(file: &str, bytes: Vec<u8>) -> Result<(String, Vec<String>, usize, usize), InputError> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => decode(file, e.as_bytes())?.0.into_owned(),
    };
    match parse_header(file, &text, false)? {
        Some((headers, start, first_row)) => Ok((text, headers, start, first_row)),
        None => Err(InputError::file(file, "the file is empty (no header row)")),
    }
}

/// Files this large are read in pieces ([`Body::File`]); smaller ones whole.
const STREAM_FROM: u64 = 8 << 20;
/// The size of a piece.
const PIECE: usize = 1 << 20;

/// Reads until `buf` is full or the file ends; the number of bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A header: normalized names, the byte where the data starts, and the data's first row.
type Header = (Vec<String>, usize, usize);

/// Finds the header: the first record that is not blank (blank lines above it still count as rows),
/// after any BOM. Returns the normalized names, where the data starts, and its row; `None` when
/// `more` and the header may go on past the end of `text`.
fn parse_header(file: &str, text: &str, more: bool) -> Result<Option<Header>, InputError> {
    let mut pos = 0;
    while text[pos..].starts_with('\u{feff}') {
        pos += '\u{feff}'.len_utf8();
    }
    if !more && text[pos..].trim().is_empty() {
        return Err(InputError::file(file, "the file is empty (no header row)"));
    }
    let mut scanner = Scanner::new(text);
    let mut row = 1;
    loop {
        if pos >= text.len() {
            return Ok(None);
        }
        let scanned = scanner.record(pos, more).map_err(|e| {
            InputError::at(file, row, "(header)", &e.shown, format!("cannot read the header: {}", e.problem))
        })?;
        let Scanned::Record(fields, next) = scanned else { return Ok(None) };
        pos = next;
        let fields: Vec<&str> = match fields {
            Fields::Text(f) => f.to_vec(),
            Fields::Cells(f) => f.iter().map(String::as_str).collect(),
        };
        if fields.iter().any(|f| !f.trim().is_empty()) {
            let headers = fields.iter().map(|h| normalize(h).to_ascii_lowercase()).collect();
            return Ok(Some((headers, pos, row + 1)));
        }
        row += 1;
    }
}

/// A record the scanner cannot read.
struct ScanError {
    /// The start of the record as written.
    shown: String,
    problem: &'static str,
}

/// Splits CSV text into records, reusing its buffers from one record to the next.
struct Scanner<'t> {
    text: &'t str,
    /// Fields of a record without quotes, borrowed from the text.
    fields: Vec<&'t str>,
    /// Fields of a record with quotes, unescaped.
    quoted: Vec<String>,
    /// The special bytes ([`block_mask`]) of the 64 from `block` not yet looked at, kept
    /// from one record to the next: most records end inside a block.
    block: usize,
    bits: u64,
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `word` that equals `byte` (exact: no carry between bytes).
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * byte as u64);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// One bit per byte of the 64 from `at` (bit `k` for byte `at + k`) that is special: `,` `"` `\n`
/// `\r`. None past the end of `bytes`. Written so that the compiler compares sixteen bytes at once.
#[inline]
fn block_mask(bytes: &[u8], at: usize) -> u64 {
    let mut padded = [0u8; 64];
    let block: &[u8; 64] = match bytes.get(at..at + 64) {
        Some(block) => block.try_into().expect("64 bytes"),
        None => {
            let rest = &bytes[at.min(bytes.len())..];
            padded[..rest.len()].copy_from_slice(rest);
            &padded
        }
    };
    let mut flags = [0u8; 64];
    for (flag, &b) in flags.iter_mut().zip(block) {
        *flag = u8::from((b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r'));
    }
    let mut mask = 0;
    for (k, eight) in flags.chunks_exact(8).enumerate() {
        mask |= gather_low_bits(u64::from_le_bytes(eight.try_into().expect("8 bytes"))) << (8 * k);
    }
    mask
}

/// Bytes that are each 0 or 1, as eight bits: bit `k` for byte `k`. The multiply moves byte `k`'s
/// bit to bit 56 + k, and no two products meet there.
#[inline]
fn gather_low_bits(word: u64) -> u64 {
    word.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// How many `\n` in `bytes`, eight bytes at a time.
fn count_line_feeds(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for chunk in &mut chunks {
        let flags = bytes_equal(u64::from_le_bytes(chunk.try_into().expect("8 bytes")), b'\n') >> 7;
        // One 0/1 per byte, summed into the top byte by the multiply (at most 8: no overflow).
        n += (flags.wrapping_mul(ONES) >> 56) as usize;
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

/// What the scanner found.
enum Scanned<'s> {
    /// A record, and where the next one starts.
    Record(Fields<'s>, usize),
    /// The text ends inside the record, and more text follows.
    Cut,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Self { text, fields: vec![], quoted: vec![], block: 0, bits: block_mask(text.as_bytes(), 0) }
    }

    /// The record starting at byte `pos` (`more`: the text is a piece, more follows). Sixty-four
    /// bytes at a time: a mask of the special bytes ([`block_mask`]), then each of them.
    fn record<'s>(&'s mut self, pos: usize, more: bool) -> Result<Scanned<'s>, ScanError> {
        let text = self.text;
        let bytes = text.as_bytes();
        self.fields.clear();
        if (self.block..self.block + 64).contains(&pos) {
            self.bits &= u64::MAX << (pos - self.block);
        } else {
            self.block = pos;
            self.bits = block_mask(bytes, pos);
        }
        let mut field_start = pos;
        let next = 'record: loop {
            while self.bits != 0 {
                let i = self.block + self.bits.trailing_zeros() as usize;
                self.bits &= self.bits - 1;
                let b = bytes[i];
                if b == b',' {
                    self.fields.push(&text[field_start..i]);
                    field_start = i + 1;
                } else if b == b'\n' {
                    self.fields.push(&text[field_start..i]);
                    break 'record i + 1;
                } else if b == b'\r' {
                    if more && i + 1 == bytes.len() {
                        return Ok(Scanned::Cut);
                    }
                    self.fields.push(&text[field_start..i]);
                    break 'record if bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
                } else {
                    // A quote.
                    return self.quoted_record(pos, more);
                }
            }
            self.block += 64;
            if self.block >= bytes.len() {
                if more {
                    return Ok(Scanned::Cut);
                }
                self.fields.push(&text[field_start..]);
                break bytes.len();
            }
            self.bits = block_mask(bytes, self.block);
        };
        Ok(Scanned::Record(Fields::Text(&self.fields), next))
    }

    /// The slow path, for a record with quotes. As spreadsheets and the `csv` crate read it: a field
    /// that starts with `"` runs to the next lone `"` (line breaks and commas included; `""` is one
    /// quote); anything written after the closing quote is kept; a `"` inside an unquoted field is
    /// an ordinary character. A quote never closed is an error (it would swallow the rest of the file).
    fn quoted_record<'s>(&'s mut self, pos: usize, more: bool) -> Result<Scanned<'s>, ScanError> {
        let text = self.text;
        #[derive(PartialEq)]
        enum State {
            Start,
            Plain,
            Quoted,
            AfterQuote,
        }
        let bytes = text.as_bytes();
        self.quoted.clear();
        let mut field: Vec<u8> = vec![];
        // Only ASCII bytes are dropped or split at, so every field stays UTF-8.
        let mut end_field = |field: &mut Vec<u8>| {
            self.quoted.push(String::from_utf8(std::mem::take(field)).expect("split at ASCII bytes only"));
        };
        let mut state = State::Start;
        let mut i = pos;
        let next = loop {
            let Some(&b) = bytes.get(i) else {
                if more {
                    return Ok(Scanned::Cut);
                }
                if state == State::Quoted {
                    let shown: String = text[pos..].chars().take(60).collect();
                    return Err(ScanError { shown, problem: "a quoted field is never closed (a `\"` is missing)" });
                }
                end_field(&mut field);
                break i;
            };
            i += 1;
            match (&state, b) {
                (State::Quoted, b'"') => state = State::AfterQuote,
                (State::Quoted, _) => field.push(b),
                (State::AfterQuote, b'"') => {
                    field.push(b'"');
                    state = State::Quoted;
                }
                (State::Start, b'"') => state = State::Quoted,
                (_, b',') => {
                    end_field(&mut field);
                    state = State::Start;
                }
                (_, b'\n') => {
                    end_field(&mut field);
                    break i;
                }
                (_, b'\r') => {
                    if more && i == bytes.len() {
                        return Ok(Scanned::Cut);
                    }
                    end_field(&mut field);
                    break if bytes.get(i) == Some(&b'\n') { i + 1 } else { i };
                }
                (_, _) => {
                    field.push(b);
                    state = State::Plain;
                }
            }
        };
        Ok(Scanned::Record(Fields::Cells(&self.quoted), next))
    }
}

/// An .xlsx cell as text: integers without `.0`, dates as `YYYY-MM-DD`.
/// The rows of an .xlsx workbook's first worksheet with their spreadsheet row numbers (1-based), each
/// cell turned by `convert` and the columns left of the used range filled with `empty`, so that column
/// positions match the sheet's.
pub(crate) fn first_worksheet_rows<T: Clone>(
    file: &str,
    bytes: &[u8],
    empty: T,
    convert: impl Fn(&Data) -> T,
) -> Result<Vec<(usize, Vec<T>)>, InputError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| InputError::file(file, format!("not a readable .xlsx file: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| InputError::file(file, "the workbook has no worksheet"))?
        .map_err(|e| InputError::file(file, format!("cannot read the first worksheet: {e}")))?;
    let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut fields = vec![empty.clone(); first_col];
            fields.extend(cells.iter().map(&convert));
            (first_row + i + 1, fields)
        })
        .collect())
}

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
    fn scanner_masks_are_exact() {
        for b in 0..=255u8 {
            let word = u64::from_le_bytes([b'a', b, 0xFF, b, 0, b, b'z', b]);
            let equal: Vec<bool> = (0..8).map(|i| bytes_equal(word, b) >> (8 * i + 7) & 1 == 1).collect();
            for (i, byte) in word.to_le_bytes().into_iter().enumerate() {
                assert_eq!(equal[i], byte == b, "{byte:#x} == {b:#x}");
            }
        }
    }

    #[test]
    fn scanner_block_masks_are_exact() {
        for bits in 0..=255u64 {
            let word = (0..8).filter(|k| bits >> k & 1 == 1).fold(0u64, |w, k| w | 1 << (8 * k));
            assert_eq!(gather_low_bits(word), bits);
        }
        let text: Vec<u8> = (0..300u32).map(|i| (i * 37 % 251) as u8).chain(*b",\"\n\r,,").collect();
        for at in 0..text.len() + 2 {
            let mask = block_mask(&text, at);
            for k in 0..64 {
                let special = text.get(at + k).is_some_and(|b| b",\"\n\r".contains(b));
                assert_eq!(mask >> k & 1 == 1, special, "byte {} from {at}", at + k);
            }
        }
    }

    #[test]
    fn line_feeds_are_counted_exactly() {
        let text = "\n\na\n\u{8a}\n\n\n\n\n\n\n\n\n\u{0b}\n,\"\n\r\n";
        for from in 0..text.len() {
            let bytes = &text.as_bytes()[from..];
            assert_eq!(count_line_feeds(bytes), bytes.iter().filter(|&&b| b == b'\n').count());
        }
    }

    #[test]
    fn x3_missing_column_names_the_column() {
        let sheet = Sheet::from_csv("t.csv", b"a,b\n1,2\n").unwrap();
        let err = sheet.columns(&["a", "index"], &[]).unwrap_err();
        assert_eq!(err.row, Some(1));
        assert_eq!(err.column.as_deref(), Some("index"));
    }

    type Rows = Vec<(usize, Vec<String>)>;

    fn rows_of(sheet: &Sheet) -> Result<Rows, InputError> {
        let mut rows = vec![];
        sheet.for_each_row(|r| {
            rows.push((r.number, (0..r.len()).map(|c| r.raw(c).to_string()).collect()));
            Ok(())
        })?;
        Ok(rows)
    }

    /// The same text read whole and read from a file in pieces of `piece` bytes.
    fn whole_and_in_pieces(text: &[u8], piece: usize) -> (Result<Rows, InputError>, Result<Rows, InputError>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let name = path.display().to_string();
        let whole = Sheet::from_csv(&name, text).and_then(|s| rows_of(&s));
        let pieces = match Sheet::open_in_pieces(&path, 0, piece) {
            Ok(sheet) => rows_of(&sheet),
            Err(IoError::Input(e)) => Err(e),
            Err(e) => panic!("{e}"),
        };
        (whole, pieces)
    }

    #[test]
    fn x2_quoted_fields_line_breaks_and_row_numbers() {
        let text = "a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\n\"two\nlines\",2\rlast,\"q\"tail\n,\n";
        let sheet = Sheet::from_csv("t.csv", text.as_bytes()).unwrap();
        let rows = rows_of(&sheet).unwrap();
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // One row per record and per blank line, as a spreadsheet shows them.
        assert_eq!(
            rows,
            vec![(2, f(&["x,1", "say \"hi\""])), (4, f(&["two\nlines", "2"])), (5, f(&["last", "qtail"])),]
        );
        let err = Sheet::from_csv("t.csv", b"a,b\n1,2\n3,\"never closed\n4,5\n").and_then(|s| rows_of(&s)).unwrap_err();
        assert_eq!((err.row, err.column.as_deref()), (Some(3), Some("(row)")));
        assert!(err.problem.contains("never closed"), "{}", err.problem);
    }

    #[test]
    fn x2_large_files_read_in_pieces_give_the_same_rows() {
        let mut text = String::from("\u{feff}id,名前,note\n");
        for i in 0..300 {
            match i % 7 {
                0 => text.push_str(&format!("{i},\"改行\nあり{i}\",\"a\"\"b\"\r\n")),
                1 => text.push('\n'),
                2 => text.push_str(&format!("{i},東京{i},x\r")),
                _ => text.push_str(&format!("{i},形成外科{i},{}\n", "z".repeat(i % 40))),
            }
        }
        for piece in [24, 25, 31, 64, 100, 4096] {
            let (whole, pieces) = whole_and_in_pieces(text.as_bytes(), piece);
            assert_eq!(whole.unwrap(), pieces.unwrap(), "piece {piece}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, &text).unwrap();
        let sheet = Sheet::open_in_pieces(&path, 0, 64).unwrap();
        assert!(matches!(sheet.body, Body::File { .. }));
        let rows = rows_of(&sheet).unwrap().len();
        let hint = Sheet::open_in_pieces(&path, 0, 4096).unwrap().rows_hint();
        assert!((rows..rows * 2).contains(&hint), "{hint} for {rows}");
        // CP932 from the first piece: decoded whole.
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        std::fs::write(&path, &sjis).unwrap();
        let sheet = Sheet::open_in_pieces(&path, 0, 64).unwrap();
        assert!(matches!(sheet.body, Body::Csv { .. }));
        assert_eq!(sheet.headers[1], "名前");
    }

    #[test]
    fn x2_cp932_found_after_the_first_piece() {
        // ASCII up to row 200, then CP932: read as CP932 throughout, every row once.
        let mut text = String::from("id,name\n");
        (0..200).for_each(|i| text.push_str(&format!("{i},n{i}\n")));
        text.push_str("200,東京都\n201,x\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (whole, pieces) = whole_and_in_pieces(&sjis, 64);
        let whole = whole.unwrap();
        assert_eq!(whole.len(), 202);
        assert_eq!(whole[200].1[1], "東京都");
        assert_eq!(whole, pieces.unwrap());
        // UTF-8 Japanese first, then a byte that is not UTF-8: refused at its row.
        let mut bytes = b"id,name\n0,\xE6\x9D\xB1\xE4\xBA\xAC\n".to_vec();
        (1..100).for_each(|i| bytes.extend_from_slice(format!("{i},n\n").as_bytes()));
        bytes.extend_from_slice(b"100,\x82\xA0\n");
        let (_, pieces) = whole_and_in_pieces(&bytes, 64);
        let err = pieces.unwrap_err();
        assert_eq!((err.row, err.value.as_deref()), (Some(102), Some("bytes 82 A0 0A")), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Read whole or in pieces, any text gives the same rows or the same error.
        #[test]
        fn x2_pieces_agree_with_whole(body in "[ab,\"\r\n 東]{0,60}", piece in 8usize..40) {
            let text = format!("h1,h2\n{body}");
            let (whole, pieces) = whole_and_in_pieces(text.as_bytes(), piece);
            proptest::prop_assert_eq!(whole, pieces);
        }

        /// Bytes in any mix of encodings: the same rows or error either way, except that a file read in
        /// pieces that starts as UTF-8 and is not, after non-ASCII text, is refused.
        #[test]
        fn x2_pieces_agree_with_whole_in_any_encoding(
            body in proptest::collection::vec(proptest::sample::select(
                vec![b'a', b',', b'\n', b'\r', b'"', 0x82, 0xA0, 0xE6, 0x9D, 0xB1]), 0..80),
            piece in 8usize..40,
        ) {
            let mut text = b"h1,h2\n".to_vec();
            text.extend_from_slice(&body);
            let (whole, pieces) = whole_and_in_pieces(&text, piece);
            if let Err(e) = &pieces && e.problem.contains("though the file starts as UTF-8") {
                return Ok(());
            }
            proptest::prop_assert_eq!(whole, pieces);
        }

        /// Fields agree with the `csv` crate on every record that is not blank (the crate keeps
        /// records like `,,`, which are skipped here, and has no error for a quote never closed).
        #[test]
        fn x2_fields_agree_with_the_csv_crate(body in "[ab,\"\r\n 東]{0,60}") {
            let text = format!("h1,h2\n{body}");
            let Ok(ours) = Sheet::from_csv("t.csv", text.as_bytes()).and_then(|s| rows_of(&s)) else {
                return Ok(());
            };
            let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
            let theirs: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
                .filter(|r| r.iter().any(|f| !f.trim().is_empty()))
                .collect();
            let ours: Vec<Vec<String>> = ours.into_iter().map(|(_, f)| f).collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
