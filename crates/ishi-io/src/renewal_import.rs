//! The renewal roster and ledger (inputs of SPEC R1–R7): `specialists.csv` and `ledger.csv`, or the
//! same tables as `.xlsx` (first sheet), read into the domain's [`Specialist`]s and [`Activity`]s.
//!
//! - **specialists**: `specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end`,
//!   and two optional columns: `extensions` (one-year extensions taken for this renewal, R6.3/R7.2;
//!   empty = 0) and `deferral` (empty, or a 留保 reason of R6.1: `study_abroad`, `illness`, `pregnancy`,
//!   `childcare`, `caregiving`, `management` or the Japanese words).
//! - **ledger**: `specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence`, one
//!   activity a row. `kind`/`detail` as [`ActivityKind::parse`] reads them; `quantity` as the kind
//!   measures it (empty = 1 for counts); `role` empty = attendee; `approved` empty = true;
//!   `e_learning` empty = false (`true`/`false`, `1`/`0`, `yes`/`no`, any case); `evidence` free text.
//!
//! Text follows X2 (NFKC before matching, the original kept for forms with [`LedgerText::Keep`]); every
//! problem is the first one found, with file, row, column and value (X3), and nothing is returned
//! half-read. Rows are checked one by one in file order, then against each other (duplicates).
//!
//! Speed: a national ledger is millions of rows (the benchmark: 10M), so a row costs no
//! allocation unless text is kept: fields are borrowed from the text (a large CSV is read in pieces,
//! [`Sheet::open`]), ASCII and already-NFKC text is never copied, and the specialist of the previous
//! row is reused without a look-up. A ledger grouped by specialist (the usual way) is checked run by
//! run as it is read, holding one specialist's text at a time; any other order is read whole, then
//! grouped with a counting sort. Evidence and duplicates are compared per specialist, exactly, on
//! the normalized text (a hash only finds the candidates).

use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::Path;

use ishi_calendar::CalendarDate;
use ishi_renewal::{Activity, ActivityKind, DeferralReason, EvidenceId, KindError, QuantityMeasure, Role, Specialist};

use crate::error::{InputError, IoError};
use crate::sheet::{Row, Sheet};
use crate::text::{normalize, parse_number};

/// The most ledger rows reserved up front from a file's estimated size (see `read_grouped`).
const MAX_ROWS_RESERVED: usize = 1 << 24;

/// Required columns of the roster.
pub const SPECIALIST_COLUMNS: [&str; 6] =
    ["specialist_id", "name", "renewals_completed", "renewal_fiscal_year", "period_start", "period_end"];
/// Optional columns of the roster.
pub const SPECIALIST_OPTIONAL_COLUMNS: [&str; 2] = ["extensions", "deferral"];
/// Columns of the ledger (all required; cells may be empty where a default exists).
pub const LEDGER_COLUMNS: [&str; 9] =
    ["specialist_id", "date", "kind", "detail", "quantity", "role", "approved", "e_learning", "evidence"];

/// The first fiscal year with board renewal criteria (R7: the transition starts in FY2015).
pub const FIRST_RENEWAL_FISCAL_YEAR: i32 = 2015;
/// The last fiscal year accepted (a guard against typos such as 20255).
pub const LAST_RENEWAL_FISCAL_YEAR: i32 = 2100;
/// The longest renewal period accepted: five years and an extension.
pub const MAX_PERIOD_YEARS: i32 = 6;

/// The roster and everyone's ledger.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Membership {
    pub specialists: Vec<Specialist>,
    /// All activities, grouped by specialist in roster order, ledger order kept within a specialist.
    pub activities: Vec<Activity>,
    /// `activities[ranges[i].clone()]` is the ledger of `specialists[i]`.
    pub ranges: Vec<Range<usize>>,
    /// Text of each activity (parallel to `activities`) when read with [`LedgerText::Keep`]; empty otherwise.
    pub texts: Vec<ActivityText>,
}

impl Membership {
    /// The ledger of `specialists[i]`, in ledger order.
    pub fn ledger(&self, i: usize) -> &[Activity] {
        &self.activities[self.ranges[i].clone()]
    }

    /// The texts of `specialists[i]`'s activities (empty unless read with [`LedgerText::Keep`]).
    pub fn ledger_texts(&self, i: usize) -> &[ActivityText] {
        self.texts.get(self.ranges[i].clone()).unwrap_or(&[])
    }

    /// The position of a specialist in the roster, by id (NFKC-normalized as the files are). A linear
    /// scan: for one look-up, not one per specialist.
    pub fn find(&self, id: &str) -> Option<usize> {
        let id = normalize(id);
        self.specialists.iter().position(|s| s.id == *id)
    }
}

/// The text of one activity as written (trimmed, not normalized), for forms (様式).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActivityText {
    pub detail: String,
    pub evidence: String,
}

/// Whether to keep each activity's text ([`Membership::texts`]): forms need it, evaluation does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerText {
    Keep,
    Drop,
}

/// Reads the roster and the ledger from files (`.csv` or `.xlsx` by extension). The roster is read
/// and checked before the ledger is opened.
pub fn read_membership(specialists: &Path, ledger: &Path, text: LedgerText) -> Result<Membership, IoError> {
    let roster_sheet = Sheet::open(specialists)?;
    let roster = read_roster(&roster_sheet)?;
    let ledger_sheet = Sheet::open(ledger)?;
    Ok(read_ledger(&ledger_sheet, roster, &roster_sheet.file, text)?)
}

/// [`read_membership`] on sheets already read (tests, fuzzing, other sources).
pub fn read_membership_from(specialists: Sheet, ledger: Sheet, text: LedgerText) -> Result<Membership, IoError> {
    let roster = read_roster(&specialists)?;
    Ok(read_ledger(&ledger, roster, &specialists.file, text)?)
}

/// The roster alone (`specialists.csv`).
pub fn read_specialists(sheet: &Sheet) -> Result<Vec<Specialist>, InputError> {
    Ok(read_roster(sheet)?.specialists)
}

// ---------------------------------------------------------------------------------------------
// Roster

struct Roster {
    specialists: Vec<Specialist>,
    index: RosterIndex,
}

/// The roster's positions by specialist id: open addressing, keyed by a hash of the id, the ids
/// compared in the roster itself (no copy of them is kept: a national roster is 10^5 ids).
struct RosterIndex {
    /// Position + 1; 0 for an empty slot. At most half full.
    slots: Vec<u32>,
    /// The hash of each specialist's id, by position.
    hashes: Vec<u64>,
}

impl RosterIndex {
    fn with_capacity(specialists: usize) -> Self {
        let size = (specialists * 2).next_power_of_two().max(16);
        Self { slots: vec![0; size], hashes: Vec::with_capacity(specialists) }
    }

    /// The position of the specialist with this `id` (NFKC-normalized) and `hash` ([`text_hash`]).
    fn find(&self, hash: u64, id: &str, specialists: &[Specialist]) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, self.slots.len());
        loop {
            match self.slots[at] {
                0 => return None,
                p if self.hashes[p as usize - 1] == hash && specialists[p as usize - 1].id == id => return Some(p - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds the next specialist of the roster (not in it yet), whose id has this hash.
    fn push(&mut self, hash: u64) {
        self.hashes.push(hash);
        if self.hashes.len() * 2 > self.slots.len() {
            self.slots = vec![0; self.slots.len() * 2];
            (0..self.hashes.len()).for_each(|p| self.place(p));
        } else {
            self.place(self.hashes.len() - 1);
        }
    }

    fn place(&mut self, position: usize) {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(self.hashes[position], self.slots.len());
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = position as u32 + 1;
    }
}

fn read_roster(sheet: &Sheet) -> Result<Roster, InputError> {
    let cols = sheet.columns(&SPECIALIST_COLUMNS, &SPECIALIST_OPTIONAL_COLUMNS)?;
    let c = |n| cols.get(n).expect("required column");
    let (id_c, name_c, renewals_c, fy_c) =
        (c("specialist_id"), c("name"), c("renewals_completed"), c("renewal_fiscal_year"));
    let (start_c, end_c) = (c("period_start"), c("period_end"));
    let (ext_c, deferral_c) = (cols.get("extensions"), cols.get("deferral"));
    // Sized up front (growing copies and rehashes), but not beyond a national roster: the hint of a
    // file of blank lines is large.
    let hint = sheet.rows_hint().min(1 << 20);
    let mut specialists = Vec::with_capacity(hint);
    let mut index = RosterIndex::with_capacity(hint);
    let mut first_row: Vec<usize> = Vec::with_capacity(hint);
    sheet.for_each_row(|row| {
        let id = row.required_text(id_c)?;
        let hash = text_hash(id.as_bytes());
        if let Some(earlier) = index.find(hash, &id, &specialists) {
            let first = first_row[earlier as usize];
            return Err(row.error(id_c, format!("duplicate specialist_id: already on row {first}")));
        }
        // Positions are kept as `u32`, plus one in the index.
        if u32::try_from(specialists.len() + 1).is_err() {
            return Err(row.error(id_c, "too many specialists"));
        }
        let name = row.raw(name_c).trim().to_string();
        let renewals_completed = whole_number(row, renewals_c)?
            .ok_or_else(|| row.error(renewals_c, "a whole number is required (0 for a first renewal)"))?;
        let renewal_fiscal_year = fiscal_year(row, fy_c)?;
        let period_start = date_field(row, start_c)?;
        let period_end = date_field(row, end_c)?;
        if period_end < period_start {
            return Err(row.error(end_c, format!("period_end is before period_start ({period_start})")));
        }
        if period_end > period_start.add_years(MAX_PERIOD_YEARS) {
            return Err(row.error(
                end_c,
                format!(
                    "the period from {period_start} is longer than {MAX_PERIOD_YEARS} years \
                     (a renewal period is 5 years, 6 with an extension)"
                ),
            ));
        }
        let extensions = match ext_c {
            Some(col) => whole_number(row, col)?.unwrap_or(0),
            None => 0,
        };
        let deferral = match deferral_c {
            Some(col) => {
                let t = row.text(col);
                if t.is_empty() {
                    None
                } else {
                    Some(DeferralReason::parse(&t).ok_or_else(|| {
                        row.error(
                            col,
                            format!(
                                "unknown 留保 (deferral) reason: expected empty or one of {} \
                                 (研究留学, 病気療養, 妊娠・出産, 育児, 介護, 管理職)",
                                DeferralReason::KEYS.join(", ")
                            ),
                        )
                    })?)
                }
            }
            None => None,
        };
        index.push(hash);
        first_row.push(row.number);
        specialists.push(Specialist {
            id: id.into_owned(),
            name,
            renewals_completed,
            renewal_fiscal_year,
            period_start,
            period_end,
            extensions,
            deferral,
        });
        Ok(())
    })?;
    if specialists.is_empty() {
        return Err(InputError::file(&sheet.file, "no specialists (no data rows)"));
    }
    Ok(Roster { specialists, index })
}

/// An optional whole number ≥ 0 that fits `u32`.
fn whole_number(row: &Row, col: usize) -> Result<Option<u32>, InputError> {
    match row.number(col)? {
        None => Ok(None),
        Some(v) if v < 0.0 => Err(row.error(col, "must not be negative")),
        Some(v) if v.fract() != 0.0 || v > u32::MAX as f64 => Err(row.error(col, "must be a whole number")),
        Some(v) => Ok(Some(v as u32)),
    }
}

fn fiscal_year(row: &Row, col: usize) -> Result<i32, InputError> {
    let v = row.number(col)?.ok_or_else(|| row.error(col, "a fiscal year (年度) is required, e.g. 2025"))?;
    if v.fract() != 0.0 {
        return Err(row.error(col, "a fiscal year (年度) must be a whole number, e.g. 2025"));
    }
    if v < FIRST_RENEWAL_FISCAL_YEAR as f64 {
        return Err(row.error(
            col,
            format!(
                "no board renewal before FY{FIRST_RENEWAL_FISCAL_YEAR}: the renewal criteria (and the transition) \
                 start in fiscal year {FIRST_RENEWAL_FISCAL_YEAR}"
            ),
        ));
    }
    if v > LAST_RENEWAL_FISCAL_YEAR as f64 {
        return Err(row.error(
            col,
            format!("must be a fiscal year from {FIRST_RENEWAL_FISCAL_YEAR} to {LAST_RENEWAL_FISCAL_YEAR}"),
        ));
    }
    Ok(v as i32)
}

/// A required date, `YYYY-MM-DD` or `YYYY/MM/DD` (X2: also in full-width digits).
fn date_field(row: &Row, col: usize) -> Result<CalendarDate, InputError> {
    let not_a_date = || row.error(col, "not a calendar date (YYYY-MM-DD)");
    // The common shape is read straight from the bytes as written.
    if let Some(date) = ymd(row.raw(col)) {
        return date.ok_or_else(not_a_date);
    }
    let t = row.text(col);
    if t.is_empty() {
        return Err(row.error(col, "a date is required (YYYY-MM-DD)"));
    }
    parse_date(&t).ok_or_else(not_a_date)
}

/// [`CalendarDate::parse`], reading the common shape straight from the bytes.
fn parse_date(t: &str) -> Option<CalendarDate> {
    ymd(t).unwrap_or_else(|| CalendarDate::parse(t))
}

/// For text shaped exactly `dddd-dd-dd` or `dddd/dd/dd`: the date, or `None` when it is not on the
/// calendar. `None` (outer) for any other shape.
fn ymd(t: &str) -> Option<Option<CalendarDate>> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let b: &[u8; 10] = t.as_bytes().try_into().ok()?;
    if !matches!(b[4], b'-' | b'/') || !matches!(b[7], b'-' | b'/') {
        return None;
    }
    // All ten bytes as two overlapping words, the separators made `0`: each byte must be a digit,
    // 0x30–0x39 (high nibble 3, and still 3 after adding 6; no carry between bytes).
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let separators = 0xFF << 32 | 0xFF << 56;
    let head = word(0) & !separators | ZEROS & separators;
    let tail = word(2) & !(separators >> 16) | ZEROS & (separators >> 16);
    let digits = |w: u64| w & HIGH_NIBBLES == ZEROS && (w + 0x0606_0606_0606_0606) & HIGH_NIBBLES == ZEROS;
    if !digits(head) || !digits(tail) {
        return None;
    }
    let d = |i: usize| b[i] - b'0';
    let year = d(0) as i32 * 1000 + d(1) as i32 * 100 + d(2) as i32 * 10 + d(3) as i32;
    Some(CalendarDate::new(year, d(5) * 10 + d(6), d(8) * 10 + d(9)))
}

// ---------------------------------------------------------------------------------------------
// Ledger

struct LedgerCols {
    id: usize,
    date: usize,
    kind: usize,
    detail: usize,
    quantity: usize,
    role: usize,
    approved: usize,
    e_learning: usize,
    evidence: usize,
}

/// Where a row's normalized detail and evidence sit in the arena, and the hash of the evidence.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    detail_len: u32,
    evidence_len: u32,
    evidence_hash: u64,
}

impl Span {
    fn detail<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.start..self.start + self.detail_len as usize]
    }
    fn evidence<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        let from = self.start + self.detail_len as usize;
        &arena[from..from + self.evidence_len as usize]
    }
}

fn read_ledger(sheet: &Sheet, roster: Roster, roster_file: &str, text: LedgerText) -> Result<Membership, InputError> {
    let cols = sheet.columns(&LEDGER_COLUMNS, &[])?;
    let c = |n| cols.get(n).expect("required column");
    let cols = LedgerCols {
        id: c("specialist_id"),
        date: c("date"),
        kind: c("kind"),
        detail: c("detail"),
        quantity: c("quantity"),
        role: c("role"),
        approved: c("approved"),
        e_learning: c("e_learning"),
        evidence: c("evidence"),
    };
    let keep = text == LedgerText::Keep;
    let read = match read_grouped(sheet, &roster, roster_file, &cols, keep)? {
        Some(read) => read,
        None => read_any_order(sheet, &roster, roster_file, &cols, keep)?,
    };
    if let Some((first, second)) = read.duplicate {
        return Err(InputError::at(
            &sheet.file,
            second as usize,
            "(row)",
            &row_as_written(sheet, second as usize),
            format!(
                "the same activity twice (also on row {first}); if both happened, make `detail` or `evidence` \
                 tell them apart"
            ),
        ));
    }
    let LedgerRead { activities, ranges, texts, .. } = read;
    Ok(Membership { specialists: roster.specialists, activities, ranges, texts })
}

/// A ledger read and checked, grouped in roster order; the first duplicate found, if any.
struct LedgerRead {
    activities: Vec<Activity>,
    ranges: Vec<Range<usize>>,
    texts: Vec<ActivityText>,
    /// Rows (first, second) of the same activity twice, the second the earliest in the file.
    duplicate: Option<(u32, u32)>,
}

/// The specialist of each row, looked up once per run of rows with the same id as written.
struct Owners<'a> {
    roster: &'a Roster,
    roster_file: &'a str,
    last_id: String,
    last: Option<u32>,
}

impl<'a> Owners<'a> {
    fn new(roster: &'a Roster, roster_file: &'a str) -> Self {
        Self { roster, roster_file, last_id: String::new(), last: None }
    }

    fn of(&mut self, row: &Row, col: usize) -> Result<u32, InputError> {
        let raw = row.raw(col);
        if let Some(owner) = self.last
            && self.last_id == raw
        {
            return Ok(owner);
        }
        let id = row.required_text(col)?;
        let owner = self
            .roster
            .index
            .find(text_hash(id.as_bytes()), &id, &self.roster.specialists)
            .ok_or_else(|| row.error(col, format!("specialist_id is not in the roster ({})", self.roster_file)))?;
        self.last_id.clear();
        self.last_id.push_str(raw);
        self.last = Some(owner);
        Ok(owner)
    }
}

fn text_of(row: &Row, c: &LedgerCols) -> ActivityText {
    ActivityText { detail: row.raw(c.detail).trim().to_string(), evidence: row.raw(c.evidence).trim().to_string() }
}

/// The common case, a ledger whose rows come grouped by specialist (each specialist's rows in one
/// run, specialists in any order): each run is checked as soon as it ends, so only one specialist's
/// text is held at a time. `None` as soon as a specialist's rows turn out to be apart.
fn read_grouped(
    sheet: &Sheet,
    roster: &Roster,
    roster_file: &str,
    cols: &LedgerCols,
    keep: bool,
) -> Result<Option<LedgerRead>, InputError> {
    let n = roster.specialists.len();
    // Sized up front: growing by doubling would copy and fault in a national ledger twice over. The
    // hint of a file read in pieces is an estimate from its first piece (blank lines there would inflate
    // it), so it is capped: beyond 16M rows the vectors grow as usual.
    let hint = sheet.rows_hint().min(MAX_ROWS_RESERVED);
    let mut activities: Vec<Activity> = Vec::with_capacity(hint);
    let mut texts = if keep { Vec::with_capacity(hint) } else { vec![] };
    // Runs of rows: (specialist, first activity).
    let mut runs: Vec<(u32, usize)> = vec![];
    let mut seen = vec![false; n];
    let mut run = Run::default();
    let mut duplicate = None;
    let mut apart = false;
    let mut owners = Owners::new(roster, roster_file);
    let result = sheet.for_each_row(|row| {
        let owner = owners.of(row, cols.id)?;
        if runs.last().is_none_or(|&(o, _)| o != owner) {
            if let Some(&(_, start)) = runs.last() {
                run.check(&mut activities[start..], &mut duplicate);
            }
            if std::mem::replace(&mut seen[owner as usize], true) {
                apart = true;
                return Err(InputError::file(&sheet.file, "the rows of a specialist are apart"));
            }
            runs.push((owner, activities.len()));
        }
        let (activity, span, hash) = ledger_row(row, cols, &mut run.arena)?;
        run.spans.push(span);
        run.hashes.push(hash);
        activities.push(activity);
        if keep {
            texts.push(text_of(row, cols));
        }
        Ok(())
    });
    if apart {
        return Ok(None);
    }
    result?;
    if let Some(&(_, start)) = runs.last() {
        run.check(&mut activities[start..], &mut duplicate);
    }

    // Ranges in roster order; the runs moved into roster order if they came in another.
    let ends = runs.iter().skip(1).map(|&(_, start)| start).chain([activities.len()]);
    let mut run_of: Vec<Option<Range<usize>>> = vec![None; n];
    for (&(owner, start), end) in runs.iter().zip(ends) {
        run_of[owner as usize] = Some(start..end);
    }
    let mut ranges = Vec::with_capacity(n);
    let mut at = 0;
    for r in &run_of {
        let len = r.as_ref().map_or(0, |r| r.len());
        ranges.push(at..at + len);
        at += len;
    }
    if !runs.windows(2).all(|w| w[0].0 < w[1].0) {
        let in_roster_order = || run_of.iter().flatten().cloned();
        activities = in_roster_order().flat_map(|r| activities[r].iter().copied()).collect();
        if keep {
            texts = in_roster_order().flat_map(|r| texts[r].iter().cloned()).collect();
        }
    }
    Ok(Some(LedgerRead { activities, ranges, texts, duplicate }))
}

/// Any ledger: every row read and kept, then grouped by specialist in roster order (a stable
/// counting sort), then checked specialist by specialist.
fn read_any_order(
    sheet: &Sheet,
    roster: &Roster,
    roster_file: &str,
    cols: &LedgerCols,
    keep: bool,
) -> Result<LedgerRead, InputError> {
    let hint = sheet.rows_hint().min(MAX_ROWS_RESERVED);
    let mut activities: Vec<Activity> = Vec::with_capacity(hint);
    let mut owner_of: Vec<u32> = Vec::with_capacity(hint);
    let mut texts = if keep { Vec::with_capacity(hint) } else { vec![] };
    let mut all = Run::default();
    let mut owners = Owners::new(roster, roster_file);
    sheet.for_each_row(|row| {
        let owner = owners.of(row, cols.id)?;
        let (activity, span, hash) = ledger_row(row, cols, &mut all.arena)?;
        all.spans.push(span);
        all.hashes.push(hash);
        activities.push(activity);
        owner_of.push(owner);
        if keep {
            texts.push(text_of(row, cols));
        }
        Ok(())
    })?;

    let n = roster.specialists.len();
    let mut starts = vec![0usize; n + 1];
    for &o in &owner_of {
        starts[o as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let ranges: Vec<Range<usize>> = (0..n).map(|i| starts[i]..starts[i + 1]).collect();
    let mut next = starts;
    let mut order = vec![0u32; owner_of.len()];
    for (i, &o) in owner_of.iter().enumerate() {
        order[next[o as usize]] = i as u32;
        next[o as usize] += 1;
    }
    drop(owner_of);
    let at = |i: &u32| *i as usize;
    activities = order.iter().map(|i| activities[at(i)]).collect();
    all.spans = order.iter().map(|i| all.spans[at(i)]).collect();
    all.hashes = order.iter().map(|i| all.hashes[at(i)]).collect();
    if keep {
        texts = order.iter().map(|i| std::mem::take(&mut texts[at(i)])).collect();
    }
    let mut duplicate = None;
    for range in &ranges {
        all.check_rows(&mut activities[range.clone()], range.start, &mut duplicate);
    }
    Ok(LedgerRead { activities, ranges, texts, duplicate })
}

/// What the checks across rows need of rows read: where each row's normalized detail and evidence
/// sit in `arena`, and each row's hash.
#[derive(Default)]
struct Run {
    spans: Vec<Span>,
    /// Hash of everything that makes two rows the same activity ([`same_activity`]).
    hashes: Vec<u64>,
    arena: Vec<u8>,
    /// Rows by evidence, rows by hash (reused from run to run).
    evidence_slots: Slots,
    hash_slots: Slots,
    by_hash: Vec<(u64, u32)>,
}

impl Run {
    /// Checks the run just read (one specialist's rows, `activities`), then empties it.
    fn check(&mut self, activities: &mut [Activity], duplicate: &mut Option<(u32, u32)>) {
        self.check_rows(activities, 0, duplicate);
        self.spans.clear();
        self.hashes.clear();
        self.arena.clear();
    }

    /// One specialist's rows, `activities`, which are rows `from..` here: evidence interned (R5.9:
    /// the same proof after NFKC is the same [`EvidenceId`], numbered from 0 per specialist in ledger
    /// order), and the same activity twice noted in `duplicate` (keeping the earliest second row).
    fn check_rows(&mut self, activities: &mut [Activity], from: usize, duplicate: &mut Option<(u32, u32)>) {
        let spans = &self.spans[from..from + activities.len()];
        let hashes = &self.hashes[from..from + activities.len()];
        let arena = &self.arena;
        // Evidence by its whole text (the hash only finds the candidates): the first row with it.
        let slots = &mut self.evidence_slots;
        slots.reset(activities.len());
        let mut count = 0u32;
        for k in 0..activities.len() {
            let span = spans[k];
            if span.evidence_len == 0 {
                continue;
            }
            let text = span.evidence(arena);
            let same = |j: usize| spans[j].evidence_hash == span.evidence_hash && spans[j].evidence(arena) == text;
            let id = match slots.find_or_insert(span.evidence_hash, k, same) {
                Some(first) => activities[first].evidence.expect("interned").0,
                None => {
                    count += 1;
                    count - 1
                }
            };
            activities[k].evidence = Some(EvidenceId(id));
        }
        // Duplicates are rare: rows are first only checked for a repeated hash; should one be
        // found, rows with equal hashes are put side by side (in ledger order within a hash), then
        // compared.
        let slots = &mut self.hash_slots;
        slots.reset(hashes.len());
        if (0..hashes.len()).all(|k| slots.find_or_insert(hashes[k], k, |j| hashes[j] == hashes[k]).is_none()) {
            return;
        }
        let by_hash = &mut self.by_hash;
        by_hash.clear();
        by_hash.extend(hashes.iter().enumerate().map(|(k, &h)| (h, k as u32)));
        by_hash.sort_unstable();
        let mut run = 0;
        while run < by_hash.len() {
            let end = run + by_hash[run..].iter().take_while(|(h, _)| *h == by_hash[run].0).count();
            for j in run + 1..end {
                let later = by_hash[j].1 as usize;
                let earlier = by_hash[run..j]
                    .iter()
                    .map(|&(_, k)| k as usize)
                    .find(|&k| same_activity((&activities[k], spans[k]), (&activities[later], spans[later]), arena));
                if let Some(k) = earlier {
                    let pair = (activities[k].row, activities[later].row);
                    if duplicate.is_none_or(|(_, second)| pair.1 < second) {
                        *duplicate = Some(pair);
                    }
                }
            }
            run = end;
        }
    }
}

/// The first slot to look at for `hash` in a table of `size` slots (a power of two): the top bits,
/// the best mixed by [`FxHasher::finish`].
#[inline]
fn slot_of(hash: u64, size: usize) -> usize {
    (hash >> (64 - size.trailing_zeros())) as usize
}

/// A set of rows of one run by a hash of theirs: open addressing in a table twice the size of the
/// run, emptied for each run. Cheaper than a map per row, and a run is checked in one go.
#[derive(Default)]
struct Slots {
    /// Row + 1; 0 for an empty slot.
    slots: Vec<u32>,
}

impl Slots {
    fn reset(&mut self, rows: usize) {
        let size = (rows * 2).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
    }

    /// The first row in the set for which `same` holds (rows with the same key have the same
    /// `hash`), or `None` when there is none, and then `row` is added.
    #[inline]
    fn find_or_insert(&mut self, hash: u64, row: usize, same: impl Fn(usize) -> bool) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(hash, self.slots.len());
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = row as u32 + 1;
                    return None;
                }
                r if same(r as usize - 1) => return Some(r as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }
}

/// Two rows of one specialist are the same activity when every field is equal, text after NFKC.
fn same_activity(a: (&Activity, Span), b: (&Activity, Span), arena: &[u8]) -> bool {
    let ((a, sa), (b, sb)) = (a, b);
    a.date == b.date
        && a.kind == b.kind
        && a.quantity.to_bits() == b.quantity.to_bits()
        && a.role == b.role
        && a.approved == b.approved
        && a.e_learning == b.e_learning
        && sa.detail(arena) == sb.detail(arena)
        && sa.evidence(arena) == sb.evidence(arena)
}

/// A hash of what [`same_activity`] compares, the texts by their hashes ([`text_hash`]).
fn activity_hash(a: &Activity, detail_hash: u64, evidence_hash: u64) -> u64 {
    let mut h = FxHasher::default();
    let date = (a.date.year() as u32 as u64) << 16 | (a.date.month() as u64) << 8 | a.date.day() as u64;
    let flags = (a.role as u64) | (a.approved as u64) << 1 | (a.e_learning as u64) << 2;
    h.add(date | flags << 48);
    a.kind.hash(&mut h);
    h.add(a.quantity.to_bits());
    h.add(detail_hash);
    h.add(evidence_hash);
    h.finish()
}

/// A hash of a text, eight bytes at a time; the last bytes are read as whole words that overlap
/// those before (the length is hashed too, so texts of different lengths stay apart).
#[inline]
fn text_hash(text: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    let n = text.len();
    let word = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u64::from(u32::from_le_bytes(text[at..at + 4].try_into().expect("4 bytes")));
    h.add(n as u64);
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            h.add(word(at));
            at += 8;
        }
        h.add(word(n - 8));
    } else if n >= 4 {
        h.add(half(0) | half(n - 4) << 32);
    } else if n > 0 {
        h.add(u64::from(text[0]) | u64::from(text[n / 2]) << 8 | u64::from(text[n - 1]) << 16);
    }
    h.finish()
}

/// One ledger row, checked field by field in column order. Fields are first matched as written
/// (the common case: plain ASCII, nothing to normalize), then after NFKC. Returns the activity with
/// `evidence` left `None` (interned per specialist by [`Run::check_rows`]), where its normalized
/// detail and evidence went in `arena`, and its hash ([`activity_hash`]).
fn ledger_row(row: &Row, c: &LedgerCols, arena: &mut Vec<u8>) -> Result<(Activity, Span, u64), InputError> {
    let number = u32::try_from(row.number).map_err(|_| row.error(c.id, "too many rows"))?;
    let date = date_field(row, c.date)?;
    let detail = row.text(c.detail);
    let raw_kind = row.raw(c.kind);
    // A kind that matches as written is one of the ASCII keys, its own NFKC: normalize only if not.
    let kind = match ActivityKind::parse(raw_kind, &detail) {
        Ok(kind) => kind,
        Err(_) => {
            let kind_text = normalize(raw_kind);
            ActivityKind::parse(&kind_text, &detail).map_err(|e| match e {
                KindError::Kind if kind_text.is_empty() => {
                    row.error(c.kind, format!("a kind is required: one of {}", ActivityKind::KEYS.join(", ")))
                }
                KindError::Kind => {
                    row.error(c.kind, format!("unknown kind: expected one of {}", ActivityKind::KEYS.join(", ")))
                }
                KindError::Detail { expected } => row
                    .error(c.detail, format!("for kind {kind_text} the detail must be one of {}", expected.join(", "))),
            })?
        }
    };
    let quantity = quantity(row, c.quantity, kind)?;
    let raw_role = row.raw(c.role);
    let role = match raw_role {
        "" => Role::Attendee,
        _ => Role::parse(raw_role)
            .or_else(|| Role::parse(&normalize(raw_role)))
            .ok_or_else(|| row.error(c.role, "must be attendee or lecturer (受講者/講師), or empty for attendee"))?,
    };
    if role == Role::Lecturer && !kind.accepts_lecturer() {
        return Err(row.error(
            c.role,
            format!("lecturer applies to common_lecture and specialty_lecture only, not to {}", kind.key()),
        ));
    }
    let approved = flag(row, c.approved, true)?;
    let e_learning = flag(row, c.e_learning, false)?;
    if e_learning && !kind.accepts_lecturer() {
        return Err(row.error(
            c.e_learning,
            format!("e-learning applies to common_lecture and specialty_lecture only, not to {}", kind.key()),
        ));
    }
    let evidence = row.text(c.evidence);
    let len = |t: &str, col| u32::try_from(t.len()).map_err(|_| row.error(col, "the text is too long"));
    let span = Span {
        start: arena.len(),
        detail_len: len(&detail, c.detail)?,
        evidence_len: len(&evidence, c.evidence)?,
        evidence_hash: text_hash(evidence.as_bytes()),
    };
    arena.extend_from_slice(detail.as_bytes());
    arena.extend_from_slice(evidence.as_bytes());
    let activity = Activity { row: number, date, kind, quantity, role, approved, e_learning, evidence: None };
    let hash = activity_hash(&activity, text_hash(detail.as_bytes()), span.evidence_hash);
    Ok((activity, span, hash))
}

fn quantity(row: &Row, col: usize, kind: ActivityKind) -> Result<f64, InputError> {
    let measure = kind.measure();
    // The common case, a plain number as written.
    if let Some(q) = plain_decimal(row.raw(col).as_bytes()) {
        measure.check(q).map_err(|problem| row.error(col, problem))?;
        return Ok(q);
    }
    let t = row.text(col);
    let q = if t.is_empty() {
        measure.default_quantity().ok_or_else(|| {
            let what = match measure {
                QuantityMeasure::Count => "a count",
                QuantityMeasure::Hours => "hours",
                QuantityMeasure::Minutes => "minutes",
                QuantityMeasure::Years => "years",
                QuantityMeasure::Points => "points",
            };
            row.error(col, format!("a quantity ({what}) is required for {}", kind.key()))
        })?
    } else {
        parse_number(&t).ok_or_else(|| row.error(col, "not a number"))?
    };
    measure.check(q).map_err(|problem| row.error(col, problem))?;
    Ok(q)
}

/// A number written plainly, `123` or `1.5`: digits, at most one `.` with digits on both sides, 15
/// digits at most. Read exactly as [`parse_number`] reads it: the digits as a whole number (exact
/// below 2^53), divided by a power of ten (exact up to 10^22), is one correctly rounded operation,
/// as `f64::from_str` rounds. `None` for anything else.
#[inline]
fn plain_decimal(raw: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    if raw.is_empty() || raw.len() > 16 {
        return None;
    }
    let (mut digits, mut value, mut point) = (0usize, 0u64, None);
    for (i, &b) in raw.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                value = value * 10 + u64::from(b - b'0');
                digits += 1;
            }
            b'.' if point.is_none() && i > 0 && i + 1 < raw.len() => point = Some(i),
            _ => return None,
        }
    }
    if digits > 15 {
        return None;
    }
    Some(match point {
        None => value as f64,
        Some(at) => value as f64 / POWERS[raw.len() - 1 - at],
    })
}

/// `true`/`false`, `1`/`0`, `yes`/`no` in any case (after NFKC); empty gives `default`.
fn flag(row: &Row, col: usize, default: bool) -> Result<bool, InputError> {
    // The common spellings, as written.
    let raw = row.raw(col).as_bytes();
    match raw.len() {
        0 => return Ok(default),
        1 if raw[0] == b'1' => return Ok(true),
        1 if raw[0] == b'0' => return Ok(false),
        4 if raw == b"true" || raw == b"TRUE" => return Ok(true),
        5 if raw == b"false" || raw == b"FALSE" => return Ok(false),
        _ => {}
    }
    let t = row.text(col);
    let is = |word: &str| t.eq_ignore_ascii_case(word);
    if t.is_empty() {
        Ok(default)
    } else if is("true") || is("1") || is("yes") {
        Ok(true)
    } else if is("false") || is("0") || is("no") {
        Ok(false)
    } else {
        Err(row.error(col, "must be true or false (also 1/0, yes/no), or empty"))
    }
}

/// The fields of data row `number` as written, joined by commas (for messages about a whole row).
fn row_as_written(sheet: &Sheet, number: usize) -> String {
    let mut found = String::new();
    let _ = sheet.for_each_row(|row| {
        if row.number != number {
            return Ok(());
        }
        found = (0..sheet.headers.len()).map(|c| row.raw(c)).collect::<Vec<_>>().join(",");
        Err(InputError::file(&sheet.file, "found"))
    });
    found
}

// ---------------------------------------------------------------------------------------------
// A fast hash for short keys (ids, evidence names): FxHash with a final mix. Inputs are local files,
// so resistance to crafted collisions (SipHash, the default) buys nothing and costs time per row.

#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak, and hashbrown picks buckets with them.
        let h = self.hash;
        (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_plain_decimals_read_as_parse_number_reads_them() {
        let mut cases: Vec<String> =
            ["0", "1", "1.5", "007", "0.1", "0.3", "2.675", "123456789012345", "12345678901234.5"]
                .iter()
                .map(|t| t.to_string())
                .collect();
        cases.extend((0..20_000u64).map(|i| {
            let digits = (i * 7_919 % 1_000_000_007).to_string();
            let at = (i as usize) % digits.len();
            if at == 0 { digits } else { format!("{}.{}", &digits[..at], &digits[at..]) }
        }));
        cases.extend((0..15).map(|k| format!("0.{}1", "0".repeat(k))));
        for t in &cases {
            // Too long for the fast path is left to `parse_number`.
            if t.len() <= 16 {
                assert_eq!(plain_decimal(t.as_bytes()), parse_number(t), "{t}");
            } else {
                assert_eq!(plain_decimal(t.as_bytes()), None, "{t}");
            }
        }
        for t in ["", ".", ".5", "5.", "1.2.3", "1e3", "-1", "+1", "1,5", " 1", "1234567890123456", "１"] {
            assert_eq!(plain_decimal(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn x2_dates_fast_path_agrees_with_the_calendar() {
        for t in ["2024-02-29", "2023-02-29", "2023/02/28", "2024-13-01", "2021-6-1", "0000-01-01", "2024-04-31"] {
            assert_eq!(parse_date(t), CalendarDate::parse(t), "{t}");
        }
        // Every byte of the shape replaced by every other: a digit or not, a separator or not.
        let shape = *b"2024-02-29";
        for at in 0..shape.len() {
            for byte in 0..=0x7Fu8 {
                let mut t = shape;
                t[at] = byte;
                let t = std::str::from_utf8(&t).expect("ASCII");
                let is_digit = |i: usize| t.as_bytes()[i].is_ascii_digit();
                let shaped = [0, 1, 2, 3, 5, 6, 8, 9].into_iter().all(is_digit)
                    && [4, 7].into_iter().all(|i| matches!(t.as_bytes()[i], b'-' | b'/'));
                assert_eq!(ymd(t).is_some(), shaped, "{t:?}");
                if shaped {
                    assert_eq!(parse_date(t), CalendarDate::parse(t), "{t}");
                }
            }
        }
    }
}
