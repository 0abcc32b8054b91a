//! SYNTHETIC membership of plastic-surgery specialists due for renewal (SPEC R1–R7), for property
//! tests and benchmarks of `ishi-renewal`.
//!
//! **Everything here is synthetic** ([`crate::SYNTHETIC_LABEL`]): ids are `SYN000001`, names
//! `合成 形成 000001`. Two outputs in the public interchange format — both plain UTF-8 CSV, header on
//! line 1, no BOM, no comment line, no field that needs quoting:
//!
//! - `specialists.csv`: [`SPECIALISTS_HEADER`] — one row per renewal being decided;
//! - `ledger.csv`: [`LEDGER_HEADER`] — the activities, grouped by specialist and in date order within
//!   a specialist (ties in generation order).
//!
//! [`write_membership`] streams both (10 million ledger rows never sit in memory);
//! [`generate_membership`] returns the same membership as domain values, with
//! [`Activity::row`](ishi_renewal::Activity::row) the line of `ledger.csv` (header = 1) and evidence
//! interned per specialist: `EvidenceId(0)` is the specialist's first distinct evidence text in row
//! order, `EvidenceId(1)` the next, and so on; an empty evidence cell is `None`.
//!
//! ## The period
//! The renewal of fiscal year `FY` is applied for in January of `FY + 1`, so its five-year period is
//! the five calendar years before the application: `period_start = (FY−4)-01-01`,
//! `period_end = FY-12-31` — the same span as the transition's old-point window (R7.1: January of
//! Y−4 to December of Y), and the only choice that leaves FY2015 (new units from 2015-04-01) a
//! non-empty window. With `extensions = 1` the evaluator moves the end a year later (R6.3), and the
//! generator dates that specialist's activities over the longer window.
//!
//! ## The mix
//! Each specialist draws a profile, and the ledger is built from the rule edition of the renewal year
//! (the built-in [`RuleBook`]) so that the profile shows in the verdict:
//!
//! - about 70 % pass: every category above its minimum with a margin, caps often exceeded (many
//!   meetings, more lectures than count);
//! - about 20 % fail, each for one reason: too few cases, too few specialty hours, too few
//!   achievements, a mandatory lecture missing, or every category at its minimum and the total short;
//!   in the transition also old points far short, or a society renewal (R7.2);
//! - the rest review: 留保 (R6.1), more extensions than the rule grants (R6.3), and in the transition
//!   old points slightly short (個別審査, R7.3);
//! - about 15 % exempt (renewals_completed ≥ 3, R1.3), about 4 % with one extension;
//! - noise on every profile: about 2 % of activities outside the period, some not approved, some
//!   e-learning without evidence, lectures under an hour, 校医 under a year, a second 試験業務 in the
//!   same 年度, and in the transition old points outside their window or claimed twice (R5.9).
//!
//! Deterministic: the same config gives the same bytes on every machine (SplitMix64, one stream per
//! specialist derived from the seed and the specialist's position).
//!
//! ```
//! use ishi_synth::renewal::{MembershipConfig, generate_membership, write_membership};
//!
//! let config = MembershipConfig { specialists: 10, activities_per_specialist: 20, ..Default::default() };
//! let (mut roster, mut ledger) = (Vec::new(), Vec::new());
//! let stats = write_membership(&config, &mut roster, &mut ledger).unwrap();
//! assert_eq!((stats.specialists, stats.ledger_rows), (10, 200));
//! assert!(String::from_utf8(roster).unwrap().lines().nth(1).unwrap().starts_with("SYN000001,合成 形成 000001,"));
//! let (specialists, activities) = generate_membership(&config);
//! assert_eq!(specialists.len(), 10);
//! assert_eq!(activities[0][0].row, 2);
//! ```

use std::io::{self, Write};
use std::ops::RangeInclusive;

use ishi_calendar::CalendarDate;
use ishi_renewal::{
    Activity, ActivityKind, CommonItem, DeferralReason, EvidenceId, MeetingLevel, PaperRole, PresentationRole,
    RenewalEdition, Role, RuleBook, Specialist,
};

use crate::SplitMix64;

/// Header of `specialists.csv`.
pub const SPECIALISTS_HEADER: &str =
    "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end,extensions,deferral";
/// Header of `ledger.csv`.
pub const LEDGER_HEADER: &str = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipConfig {
    pub specialists: usize,
    /// Ledger rows of every specialist (the ledger has `specialists × activities_per_specialist` rows).
    /// The mix above assumes about 50; much fewer and most specialists fail.
    pub activities_per_specialist: usize,
    pub seed: u64,
    /// Renewal fiscal years, drawn uniformly; FY2015–FY2019 are the transition (old points).
    pub fiscal_years: RangeInclusive<i32>,
}

impl Default for MembershipConfig {
    fn default() -> Self {
        Self { specialists: 1_000, activities_per_specialist: 50, seed: 2026, fiscal_years: 2020..=2025 }
    }
}

impl MembershipConfig {
    /// Why the config cannot be generated, if it cannot: an empty range, a year without a rule
    /// edition (before FY2015) or after 2100, more than [`MAX_ACTIVITIES`] per specialist, or more ledger
    /// rows than a `u32` row number holds.
    pub fn validate(&self) -> Result<(), String> {
        let (from, to) = (*self.fiscal_years.start(), *self.fiscal_years.end());
        if from > to {
            return Err(format!("fiscal years {from}..={to}: the range is empty"));
        }
        if from < 2015 || to > 2100 {
            return Err(format!("fiscal years {from}..={to}: renewal years must lie in 2015..=2100"));
        }
        if self.activities_per_specialist > MAX_ACTIVITIES {
            return Err(format!("at most {MAX_ACTIVITIES} activities per specialist"));
        }
        let rows = self.specialists.checked_mul(self.activities_per_specialist);
        if rows.is_none_or(|r| r >= u32::MAX as usize - 1) {
            return Err("specialists × activities_per_specialist exceeds the ledger's row numbers (u32)".into());
        }
        Ok(())
    }
}

/// The most activities per specialist [`MembershipConfig::validate`] accepts.
pub const MAX_ACTIVITIES: usize = 10_000;

/// What [`write_membership`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipStats {
    pub specialists: usize,
    pub ledger_rows: usize,
}

/// Writes `specialists.csv` and `ledger.csv` for `config`, streaming (buffered internally, flushed at
/// the end). An invalid config ([`MembershipConfig::validate`]) is an `InvalidInput` error.
pub fn write_membership<W1: Write, W2: Write>(
    config: &MembershipConfig,
    specialists: W1,
    ledger: W2,
) -> io::Result<MembershipStats> {
    const CHUNK: usize = 1 << 20;
    let generator = Generator::new(config).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let (mut s_out, mut l_out) = (specialists, ledger);
    let (mut s_buf, mut l_buf) = (Vec::with_capacity(CHUNK + 4096), Vec::with_capacity(CHUNK + 4096));
    s_buf.extend_from_slice(SPECIALISTS_HEADER.as_bytes());
    s_buf.push(b'\n');
    l_buf.extend_from_slice(LEDGER_HEADER.as_bytes());
    l_buf.push(b'\n');
    let mut draft = Draft::default();
    let mut rows = 0usize;
    for index in 0..config.specialists {
        generator.draw(index, &mut draft);
        draft.write_specialist(&generator.dates, &mut s_buf);
        for row in &draft.rows {
            draft.write_activity(&generator.dates, row, &mut l_buf);
        }
        rows += draft.rows.len();
        if s_buf.len() >= CHUNK {
            s_out.write_all(&s_buf)?;
            s_buf.clear();
        }
        if l_buf.len() >= CHUNK {
            l_out.write_all(&l_buf)?;
            l_buf.clear();
        }
    }
    s_out.write_all(&s_buf)?;
    l_out.write_all(&l_buf)?;
    s_out.flush()?;
    l_out.flush()?;
    Ok(MembershipStats { specialists: config.specialists, ledger_rows: rows })
}

/// The membership [`write_membership`] writes, as domain values: specialist `i`'s activities are
/// `activities[i]`, with `row` the line of `ledger.csv`. Panics on an invalid config
/// ([`MembershipConfig::validate`]).
pub fn generate_membership(config: &MembershipConfig) -> (Vec<Specialist>, Vec<Vec<Activity>>) {
    let generator = Generator::new(config).unwrap_or_else(|e| panic!("invalid MembershipConfig: {e}"));
    let mut draft = Draft::default();
    let mut specialists = Vec::with_capacity(config.specialists);
    let mut ledgers = Vec::with_capacity(config.specialists);
    for index in 0..config.specialists {
        generator.draw(index, &mut draft);
        specialists.push(draft.specialist(&generator.dates));
        ledgers.push(draft.rows.iter().enumerate().map(|(i, r)| draft.activity(&generator.dates, i, r)).collect());
    }
    (specialists, ledgers)
}

// ———————————————————————————————————— the generator ————————————————————————————————————

/// The numbers of one renewal year's edition that shape a ledger.
#[derive(Debug, Clone)]
struct YearRules {
    transition: bool,
    clinical_units: f64,
    cases_needed: u32,
    common: (f64, f64),
    specialty: (f64, Option<f64>),
    achievements: (f64, f64),
    required: f64,
    exempt_required: f64,
    /// Mandatory items needed one by one (full criteria) rather than together (transition).
    mandatory_each: bool,
    mandatory_total: u32,
    old_required: f64,
    society_full: f64,
    units_from: i32,
    max_extensions: u32,
    meeting: [u32; 3],
    meeting_cap: u32,
    presentation: u32,
    paper: [u32; 2],
    peer_review: u32,
    exam_duty: u32,
    accident: u32,
    school_doctor: u32,
    school_cap: u32,
}

impl YearRules {
    fn of(e: &RenewalEdition) -> Self {
        let a = &e.achievements;
        let (old_required, society_full) =
            e.old_points.as_ref().map_or((0.0, 0.0), |o| (o.required.value, o.society_full.value));
        let units_from = e.units_from();
        Self {
            transition: e.is_transition(),
            clinical_units: e.clinical.max_units.value as f64,
            cases_needed: e.clinical.max_units.value * e.clinical.cases_per_unit.value,
            common: (e.common.min_units.value as f64, e.common.max_units.value as f64),
            specialty: (e.specialty.min_units.value as f64, e.specialty.max_units.as_ref().map(|m| m.value as f64)),
            achievements: (a.min_units.value as f64, a.max_units.value as f64),
            required: e.total.required.value as f64,
            exempt_required: e.total.exempt_required.value as f64,
            mandatory_each: e.common.mandatory_each.value > 0,
            mandatory_total: e
                .common
                .mandatory_total
                .value
                .max(e.common.mandatory_steps.iter().map(|s| s.mandatory_total.value).max().unwrap_or(0)),
            old_required,
            society_full,
            units_from: day_number(units_from),
            max_extensions: e.period.max_extensions.value,
            meeting: [a.meeting_national.value, a.meeting_regional.value, a.meeting_other.value],
            meeting_cap: a.meeting_cap.value,
            presentation: a.presentation.value,
            paper: [a.paper_first_author.value, a.paper_coauthor.value],
            peer_review: a.peer_review_per_paper.value,
            exam_duty: a.exam_duty_per_fiscal_year.value,
            accident: a.accident_investigation_per_fiscal_year.value,
            school_doctor: a.school_doctor_units.value,
            school_cap: a.school_doctor_cap.value,
        }
    }
}

struct Generator {
    seed: u64,
    activities: usize,
    first_year: i32,
    years: Vec<YearRules>,
    dates: Dates,
}

/// Every date a membership can use, as [`CalendarDate`] and as `YYYY-MM-DD`, by day number: the
/// generator draws day numbers and looks dates up instead of converting 10 million times.
#[derive(Debug)]
struct Dates {
    first: i32,
    dates: Vec<CalendarDate>,
    text: Vec<[u8; 10]>,
}

impl Dates {
    fn new(first: i32, last: i32) -> Self {
        let dates: Vec<CalendarDate> = (first..=last).map(date_of).collect();
        let text = dates
            .iter()
            .map(|d| {
                let mut t = Vec::with_capacity(10);
                push_date(&mut t, *d);
                t.try_into().expect("YYYY-MM-DD")
            })
            .collect();
        Self { first, dates, text }
    }

    fn date(&self, day: i32) -> CalendarDate {
        self.dates[(day - self.first) as usize]
    }

    fn text(&self, day: i32) -> &[u8; 10] {
        &self.text[(day - self.first) as usize]
    }
}

/// How a specialist's ledger falls short, for a failing profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailMode {
    Cases,
    Specialty,
    Achievements,
    Mandatory,
    Total,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Profile {
    Pass,
    Fail(FailMode),
}

/// How many lecture rows count, and for how many hours.
#[derive(Debug, Clone, Copy)]
enum Lectures {
    /// Every row counts; about this many hours spread over them (at least an hour each).
    Spread(f64),
    /// This many rows of one hour count; the others do not.
    Hours(usize),
}

/// How many achievement rows count.
#[derive(Debug, Clone, Copy)]
enum Achievements {
    All,
    /// Count rows while the units stay under this; the rest do not count.
    Below(f64),
    /// Count rows until the units reach this; the rest do not count.
    AtLeast(f64),
}

/// One ledger row before it becomes CSV or an [`Activity`].
#[derive(Debug, Clone, Copy)]
struct Row {
    /// Day number ([`day_number`]).
    day: i32,
    kind: ActivityKind,
    detail: &'static str,
    quantity: f64,
    role: Role,
    approved: bool,
    e_learning: bool,
    /// Evidence text = `EVIDENCE[prefix] No.serial`; serials are per specialist, so the same serial is
    /// the same text.
    evidence: Option<(u8, u16)>,
    /// Interned id (order of first appearance in row order), set when the draft is finished.
    evidence_id: Option<u32>,
}

/// One specialist being generated; reused from one specialist to the next.
#[derive(Debug, Default)]
struct Draft {
    number: usize,
    /// `SYN000001`.
    id: String,
    renewals_completed: u32,
    fiscal_year: i32,
    period_start: i32,
    period_end: i32,
    extensions: u32,
    deferral: Option<DeferralReason>,
    rows: Vec<Row>,
    /// Ledger line of the first row (header = 1).
    first_line: u32,
    next_serial: u16,
    scratch: Vec<u32>,
    interned: Vec<u32>,
    keys: Vec<i64>,
    sorted: Vec<Row>,
}

const EVIDENCE: [&str; 12] = [
    "受講証明書",
    "e-learning修了証",
    "参加証",
    "抄録",
    "論文別刷",
    "査読依頼状",
    "試験委員委嘱状",
    "講演資料",
    "校医委嘱状",
    "外部委員委嘱状",
    "旧基準単位証明",
    "手術記録",
];
const EV_LECTURE: u8 = 0;
const EV_ELEARNING: u8 = 1;
const EV_MEETING: u8 = 2;
const EV_ABSTRACT: u8 = 3;
const EV_PAPER: u8 = 4;
const EV_REVIEW: u8 = 5;
const EV_EXAM: u8 = 6;
const EV_PUBLIC: u8 = 7;
const EV_SCHOOL: u8 = 8;
const EV_ACCIDENT: u8 = 9;
const EV_OLD: u8 = 10;
const EV_CASE: u8 = 11;

const OPERATIONS: [&str; 8] = [
    "唇裂形成術",
    "眼瞼下垂症手術",
    "皮膚悪性腫瘍切除術",
    "遊離植皮術",
    "乳房再建術",
    "顔面骨骨折観血的整復術",
    "瘢痕拘縮形成術",
    "皮弁形成術",
];
const TREATMENTS: [&str; 7] = ["ケロイド", "褥瘡", "血管腫", "熱傷", "難治性潰瘍", "眼瞼下垂", "顔面神経麻痺"];
const SPECIALTY_TITLES: [&str; 6] = [
    "形成外科領域講習 創傷治癒",
    "形成外科領域講習 マイクロサージャリー",
    "形成外科領域講習 頭蓋顎顔面外科",
    "形成外科領域講習 乳房再建",
    "形成外科領域講習 レーザー治療",
    "形成外科領域講習 先天異常",
];
const OLD_DETAILS: [&str; 3] = ["旧基準 学会出席", "旧基準 学会発表", "旧基準 論文"];
/// The items that are not 必修, in the order of [`CommonItem::ALL`] (the mandatory three come first).
const NON_MANDATORY: &[CommonItem] = CommonItem::ALL.split_at(3).1;

/// Per-activity noise on every profile.
const OUTSIDE_RATE: f64 = 0.012;
const NOT_APPROVED_RATE: f64 = 0.012;
const E_LEARNING_RATE: f64 = 0.15;
const E_LEARNING_NO_EVIDENCE_RATE: f64 = 0.06;
const LECTURER_RATE: f64 = 0.04;

impl Generator {
    fn new(config: &MembershipConfig) -> Result<Self, String> {
        config.validate()?;
        let book = RuleBook::builtin();
        let years = config
            .fiscal_years
            .clone()
            .map(|fy| book.for_fiscal_year(fy).map(YearRules::of).map_err(|e| e.to_string()))
            .collect::<Result<Vec<YearRules>, _>>()?;
        let (from, to) = (*config.fiscal_years.start(), *config.fiscal_years.end());
        // Periods start in January of FY−4 (old points and "before the period" up to a year earlier);
        // windows end in December of FY + extensions ("after the period" up to four months later).
        let max_ext = years.iter().map(|y| y.max_extensions).max().unwrap_or(0) as i32;
        let first = day_number(CalendarDate::new(from - 6, 1, 1).expect("1 January"));
        let last = day_number(CalendarDate::new(to + max_ext + 1, 12, 31).expect("31 December"));
        Ok(Self {
            seed: config.seed,
            activities: config.activities_per_specialist,
            first_year: from,
            years,
            dates: Dates::new(first, last),
        })
    }

    /// Fills `d` with specialist `index` (0-based).
    fn draw(&self, index: usize, d: &mut Draft) {
        let mut rng =
            SplitMix64::new(SplitMix64::new(self.seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64());
        let rng = &mut rng;
        d.number = index + 1;
        d.id.clear();
        d.id.push_str("SYN");
        push_padded_str(&mut d.id, d.number as u64, 6);
        d.rows.clear();
        d.next_serial = 0;
        d.first_line = (index * self.activities + 2) as u32;

        let year = rng.below(self.years.len());
        let fy = self.first_year + year as i32;
        let rules = &self.years[year];
        d.fiscal_year = fy;
        d.renewals_completed = pick(rng, &[(0, 35), (1, 28), (2, 22), (3, 9), (4, 4), (5, 2)]);
        let exempt = d.renewals_completed >= 3;
        d.period_start = day_number(CalendarDate::new(fy - 4, 1, 1).expect("1 January"));
        d.period_end = day_number(CalendarDate::new(fy, 12, 31).expect("31 December"));
        d.deferral = None;
        d.extensions = 0;

        // Profile. Review: 留保, too many extensions, or (transition) old points slightly short.
        let u = rng.unit();
        let fail_mode = |rng: &mut SplitMix64| {
            let modes: &[(FailMode, u32)] = if exempt {
                &[
                    (FailMode::Specialty, 30),
                    (FailMode::Achievements, 20),
                    (FailMode::Mandatory, 25),
                    (FailMode::Total, 25),
                ]
            } else {
                &[
                    (FailMode::Cases, 20),
                    (FailMode::Specialty, 25),
                    (FailMode::Achievements, 15),
                    (FailMode::Mandatory, 20),
                    (FailMode::Total, 20),
                ]
            };
            pick(rng, modes)
        };
        let (profile, old_factor);
        if u < 0.70 {
            profile = Profile::Pass;
            old_factor = rng.range(1.02, 1.4);
        } else if u < 0.91 {
            if rules.transition && rng.unit() < 0.5 {
                // New units met but old points far short (R7.3 shortfall), or a society renewal (R7.2).
                if rng.unit() < 0.6 {
                    profile = Profile::Pass;
                    old_factor = rng.range(0.1, 0.45);
                } else {
                    profile = Profile::Fail(fail_mode(rng));
                    old_factor = (rules.society_full + rng.range(0.0, 30.0)) / rules.old_required.max(1.0);
                }
            } else {
                profile = Profile::Fail(fail_mode(rng));
                old_factor = rng.range(1.02, 1.4);
            }
        } else {
            let r = rng.unit();
            if rules.transition && r < 0.5 {
                profile = Profile::Pass;
                old_factor = rng.range(0.75, 0.99);
            } else if r < 0.8 {
                d.deferral = Some(pick(
                    rng,
                    &[
                        (DeferralReason::StudyAbroad, 20),
                        (DeferralReason::Illness, 20),
                        (DeferralReason::Pregnancy, 15),
                        (DeferralReason::Childcare, 25),
                        (DeferralReason::Caregiving, 12),
                        (DeferralReason::Management, 8),
                    ],
                ));
                profile = if rng.unit() < 0.5 { Profile::Pass } else { Profile::Fail(FailMode::Total) };
                old_factor = rng.range(0.5, 1.3);
            } else {
                d.extensions = rules.max_extensions + 1;
                profile = Profile::Pass;
                old_factor = rng.range(1.02, 1.4);
            }
        }
        if d.extensions == 0 && rng.unit() < 0.04 {
            d.extensions = 1;
        }
        let ext = d.extensions.min(rules.max_extensions) as i32;
        let window_end = day_number(CalendarDate::new(fy + ext, 12, 31).expect("31 December"));
        let window = (d.period_start.max(rules.units_from), window_end);
        let fail = match profile {
            Profile::Fail(m) => Some(m),
            Profile::Pass => None,
        };

        // Rows per category.
        let n = self.activities;
        let n_old = if rules.transition { ((n * 6 + 50) / 100).max(n.min(1)) } else { 0 };
        let m = n - n_old;
        let n_cases = if exempt { (m * 4 + 50) / 100 } else { (m * 14 + 50) / 100 };
        let n_common = (m * 18 + 50) / 100;
        let n_ach = (m * 30 + 50) / 100;
        let n_specialty = m - n_cases - n_common - n_ach;

        // i) cases.
        let cases = if exempt {
            rng.range(5.0, 40.0)
        } else if fail == Some(FailMode::Cases) {
            rules.cases_needed as f64 * rng.range(0.3, 0.95)
        } else if fail == Some(FailMode::Total) {
            rules.cases_needed as f64
        } else {
            rules.cases_needed as f64 * rng.range(1.1, 2.0)
        };
        self.cases(rng, d, n_cases, cases as u32, window);

        // ii) common lectures.
        let (cmin, cmax) = rules.common;
        let mandatory_rows = if rules.mandatory_each { 3 } else { rules.mandatory_total as usize };
        let common = match fail {
            Some(FailMode::Total) => Lectures::Hours((cmin.ceil() as usize).max(mandatory_rows)),
            _ => Lectures::Spread(rng.range(cmin + 1.0, cmax * 1.3).max(mandatory_rows as f64)),
        };
        let skip_mandatory = match fail {
            Some(FailMode::Mandatory) if rules.mandatory_each => Some(rng.below(3)),
            Some(FailMode::Mandatory) => Some(3), // all three: the transition counts them together
            _ => None,
        };
        self.common(rng, d, n_common, common, skip_mandatory, window);

        // iv) achievements (before iii: their units decide how many specialty hours a pass needs).
        let (amin, amax) = rules.achievements;
        let ach = match fail {
            Some(FailMode::Achievements) => Achievements::Below(amin * rng.range(0.2, 0.85)),
            Some(FailMode::Total) => Achievements::AtLeast(amin + rng.range(0.0, 1.5)),
            _ => Achievements::All,
        };
        let ach_units = self.achievements(rng, d, rules, n_ach, ach, window).min(amax);

        // iii) specialty lectures.
        let (smin, smax) = rules.specialty;
        let specialty = match fail {
            Some(FailMode::Specialty) => Lectures::Hours((smin * rng.range(0.3, 0.9)) as usize),
            Some(FailMode::Total) => Lectures::Hours((smin * rng.range(1.0, 1.1)).ceil() as usize),
            _ => {
                let required = if exempt { rules.exempt_required } else { rules.required };
                let clinical = if exempt { 0.0 } else { rules.clinical_units };
                let common_units = match common {
                    Lectures::Spread(h) => h.min(cmax),
                    Lectures::Hours(k) => k as f64,
                };
                let want = required * rng.range(1.1, 1.3) - clinical - common_units - ach_units;
                let want = want.max(smin * rng.range(1.15, 1.4));
                Lectures::Spread(smax.map_or(want, |max| want.min(max * rng.range(1.0, 1.2))))
            }
        };
        self.specialty(rng, d, n_specialty, specialty, window);

        // Old points (transition), then the rows in date order.
        if rules.transition {
            self.old_points(rng, d, n_old, rules.old_required * old_factor, fy);
        }
        d.sort();
        d.intern();
    }

    fn date(&self, rng: &mut SplitMix64, (start, end): (i32, i32)) -> i32 {
        if start > end {
            return end;
        }
        start + rng.below((end - start + 1) as usize) as i32
    }

    /// A date outside `window`: up to a year before it, or up to four months after it.
    fn outside(&self, rng: &mut SplitMix64, (start, end): (i32, i32)) -> i32 {
        if rng.unit() < 0.5 { start - 1 - rng.below(365) as i32 } else { end + 1 + rng.below(120) as i32 }
    }

    /// A counting row's date and approval, with the per-activity noise.
    fn noisy(&self, rng: &mut SplitMix64, window: (i32, i32)) -> (i32, bool) {
        let date = if rng.unit() < OUTSIDE_RATE { self.outside(rng, window) } else { self.date(rng, window) };
        (date, rng.unit() >= NOT_APPROVED_RATE)
    }

    fn cases(&self, rng: &mut SplitMix64, d: &mut Draft, n: usize, total: u32, window: (i32, i32)) {
        let counting = n.min(total as usize);
        split(rng, total, counting, 1, &mut d.scratch);
        for i in 0..n {
            let operation = rng.unit() < 0.6;
            let (kind, detail) = if operation {
                (ActivityKind::CaseOperation, OPERATIONS[rng.below(OPERATIONS.len())])
            } else {
                (ActivityKind::CaseTreatment, TREATMENTS[rng.below(TREATMENTS.len())])
            };
            let (mut date, mut approved) = self.noisy(rng, window);
            let quantity = if i < counting {
                d.scratch[i] as f64
            } else {
                // Not counted: not approved by the committee, or from before the period.
                if rng.unit() < 0.5 {
                    approved = false;
                } else {
                    date = self.outside(rng, window);
                }
                (1 + rng.below(5)) as f64
            };
            let evidence = (rng.unit() < 0.3).then(|| d.serial(EV_CASE));
            d.push(Row::new(date, kind, detail, quantity, approved, evidence));
        }
    }

    fn common(
        &self,
        rng: &mut SplitMix64,
        d: &mut Draft,
        n: usize,
        plan: Lectures,
        skip_mandatory: Option<usize>,
        window: (i32, i32),
    ) {
        let mut next_mandatory = 0;
        let mut item = |rng: &mut SplitMix64, i: usize| {
            // The first rows go round the mandatory items (twice when there is room), then any item.
            if i < 6.min(n.saturating_sub(1)).max(3.min(n)) && skip_mandatory != Some(3) {
                loop {
                    let m = next_mandatory % 3;
                    next_mandatory += 1;
                    if skip_mandatory != Some(m) {
                        return CommonItem::MANDATORY[m];
                    }
                }
            }
            NON_MANDATORY[rng.below(NON_MANDATORY.len())]
        };
        let items: Vec<CommonItem> = (0..n).map(|i| item(rng, i)).collect();
        self.lectures(rng, d, n, plan, window, |_, i| (ActivityKind::CommonLecture(items[i]), items[i].as_ja()));
    }

    fn specialty(&self, rng: &mut SplitMix64, d: &mut Draft, n: usize, plan: Lectures, window: (i32, i32)) {
        self.lectures(rng, d, n, plan, window, |rng, _| {
            (ActivityKind::SpecialtyLecture, SPECIALTY_TITLES[rng.below(SPECIALTY_TITLES.len())])
        });
    }

    fn lectures(
        &self,
        rng: &mut SplitMix64,
        d: &mut Draft,
        n: usize,
        plan: Lectures,
        window: (i32, i32),
        mut kind: impl FnMut(&mut SplitMix64, usize) -> (ActivityKind, &'static str),
    ) {
        // Hours in halves, at least one hour per counting row.
        let (counting, spread) = match plan {
            Lectures::Spread(hours) => {
                let halves = ((hours * 2.0).round() as u32).max(2 * n as u32);
                split(rng, halves, n, 2, &mut d.scratch);
                (n, true)
            }
            Lectures::Hours(k) => (k.min(n), false),
        };
        for i in 0..n {
            let (kind, detail) = kind(rng, i);
            let (mut date, mut approved) = self.noisy(rng, window);
            let mut e_learning = rng.unit() < E_LEARNING_RATE;
            let mut evidence = if e_learning {
                (rng.unit() >= E_LEARNING_NO_EVIDENCE_RATE).then(|| d.serial(EV_ELEARNING))
            } else {
                (rng.unit() < 0.9).then(|| d.serial(EV_LECTURE))
            };
            let mut role = Role::Attendee;
            let hours = if i >= counting {
                // Not counted: another specialty's lecture, outside the period, e-learning without
                // proof, or shorter than an hour.
                let r = rng.unit();
                if r < 0.45 {
                    approved = false;
                } else if r < 0.65 {
                    date = self.outside(rng, window);
                } else if r < 0.85 {
                    e_learning = true;
                    evidence = None;
                }
                if r < 0.85 { (1 + rng.below(3)) as f64 } else { 0.5 }
            } else if spread {
                if rng.unit() < LECTURER_RATE {
                    role = Role::Lecturer;
                }
                d.scratch[i] as f64 / 2.0
            } else {
                1.0
            };
            let mut row = Row::new(date, kind, detail, hours, approved, evidence);
            row.e_learning = e_learning;
            row.role = role;
            d.push(row);
        }
    }

    /// Achievement rows; returns an estimate of the units they count (meeting and 校医 caps applied).
    fn achievements(
        &self,
        rng: &mut SplitMix64,
        d: &mut Draft,
        rules: &YearRules,
        n: usize,
        plan: Achievements,
        window: (i32, i32),
    ) -> f64 {
        let (mut units, mut meetings, mut school) = (0u32, 0u32, 0u32);
        let mut counting = true;
        for _ in 0..n {
            let (kind, detail, quantity, ev) = match rng.below(100) {
                0..42 => {
                    let level = pick(rng, &[(0, 30), (1, 40), (2, 30)]);
                    let kind = ActivityKind::MeetingAttendance(MeetingLevel::ALL[level]);
                    (kind, MeetingLevel::KEYS[level], 1.0, EV_MEETING)
                }
                42..60 => {
                    let r = pick(rng, &[(0, 50), (1, 30), (2, 20)]);
                    let role = PresentationRole::ALL[r];
                    let detail = PresentationRole::KEYS[r];
                    (ActivityKind::Presentation(role), detail, 1.0, EV_ABSTRACT)
                }
                60..72 => {
                    let r = pick(rng, &[(0, 40), (1, 60)]);
                    let kind = ActivityKind::Paper(PaperRole::ALL[r]);
                    (kind, PaperRole::KEYS[r], 1.0, EV_PAPER)
                }
                72..80 => (ActivityKind::PeerReview, "合成学会誌 査読", (1 + rng.below(3)) as f64, EV_REVIEW),
                80..86 => (ActivityKind::ExamDuty, "専門医試験 試験委員", 1.0, EV_EXAM),
                86..92 => {
                    let minutes = pick(rng, &[(60, 50), (90, 25), (120, 15), (50, 10)]) as f64;
                    (ActivityKind::PublicLecture, "市民公開講座（合成市）", minutes, EV_PUBLIC)
                }
                92..96 => {
                    let years = pick(rng, &[(2, 40), (4, 30), (6, 20), (3, 10)]) as f64 / 2.0;
                    (ActivityKind::SchoolDoctor, "校医（合成市立小学校）", years, EV_SCHOOL)
                }
                _ => (ActivityKind::AccidentInvestigation, "医療事故調査 外部委員", 1.0, EV_ACCIDENT),
            };
            let gain = match kind {
                ActivityKind::MeetingAttendance(l) => {
                    let g = rules.meeting[l as usize].min(rules.meeting_cap.saturating_sub(meetings));
                    meetings += g;
                    g
                }
                ActivityKind::Presentation(_) => rules.presentation,
                ActivityKind::Paper(r) => rules.paper[r as usize],
                ActivityKind::PeerReview => rules.peer_review * quantity as u32,
                ActivityKind::ExamDuty => rules.exam_duty,
                ActivityKind::PublicLecture => ((quantity + 10.0) / 60.0) as u32,
                ActivityKind::SchoolDoctor => {
                    let g = rules.school_doctor.min(rules.school_cap.saturating_sub(school));
                    school += g;
                    g
                }
                _ => rules.accident,
            };
            counting = counting
                && match plan {
                    Achievements::All => true,
                    Achievements::Below(limit) => ((units + gain) as f64) < limit,
                    Achievements::AtLeast(goal) => (units as f64) < goal,
                };
            let (mut date, mut approved) = self.noisy(rng, window);
            let mut quantity = quantity;
            let mut kind = kind;
            let mut detail = detail;
            if counting {
                units += gain;
            } else {
                // Not counted: a meeting the society does not recognise, outside the period, a public
                // lecture of half an hour, or 校医 for half a year.
                let r = rng.unit();
                if r < 0.5 {
                    kind = ActivityKind::MeetingAttendance(MeetingLevel::Other);
                    detail = "other";
                    quantity = 1.0;
                    approved = false;
                } else if r < 0.7 {
                    date = self.outside(rng, window);
                } else if r < 0.85 {
                    (kind, detail, quantity) = (ActivityKind::PublicLecture, "市民公開講座（合成市）", 30.0);
                } else {
                    (kind, detail, quantity) = (ActivityKind::SchoolDoctor, "校医（合成市立小学校）", 0.5);
                }
            }
            let evidence = (rng.unit() < 0.85).then(|| d.serial(ev));
            d.push(Row::new(date, kind, detail, quantity, approved, evidence));
        }
        units as f64
    }

    /// Old society points (transition): `total` points over `n` rows in the old window (January of
    /// FY−4 to December of FY); some rows outside it, some claiming an achievement again (R5.9).
    fn old_points(&self, rng: &mut SplitMix64, d: &mut Draft, n: usize, total: f64, fy: i32) {
        let window = (
            day_number(CalendarDate::new(fy - 4, 1, 1).expect("1 January")),
            day_number(CalendarDate::new(fy, 12, 31).expect("31 December")),
        );
        let halves = ((total * 2.0).round() as u32).max(n as u32);
        split(rng, halves, n, 1, &mut d.scratch);
        let achievements = d.rows.len();
        for i in 0..n {
            let quantity = d.scratch[i] as f64 / 2.0;
            let detail = OLD_DETAILS[rng.below(OLD_DETAILS.len())];
            let r = rng.unit();
            let (date, evidence) = if r < 0.04 {
                (window.0 - 1 - rng.below(365) as i32, Some(d.serial(EV_OLD)))
            } else if r < 0.14
                && let Some(a) = (0..achievements).map(|_| rng.below(achievements)).take(3).find(|&j| {
                    let a = &d.rows[j];
                    a.kind.may_hold_old_points() && a.evidence.is_some() && (window.0..=window.1).contains(&a.day)
                })
            {
                // The same meeting, presentation or paper claimed as old points too (R5.9).
                (d.rows[a].day, d.rows[a].evidence)
            } else {
                (self.date(rng, window), Some(d.serial(EV_OLD)))
            };
            d.push(Row::new(date, ActivityKind::OldPoints, detail, quantity, true, evidence));
        }
    }
}

impl Row {
    fn new(
        day: i32,
        kind: ActivityKind,
        detail: &'static str,
        quantity: f64,
        approved: bool,
        evidence: Option<(u8, u16)>,
    ) -> Self {
        Row {
            day,
            kind,
            detail,
            quantity,
            role: Role::Attendee,
            approved,
            e_learning: false,
            evidence,
            evidence_id: None,
        }
    }
}

impl Draft {
    fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Date order, ties in generation order.
    fn sort(&mut self) {
        self.keys.clear();
        self.keys.extend(self.rows.iter().enumerate().map(|(i, r)| ((r.day as i64) << 20) | i as i64));
        self.keys.sort_unstable();
        self.sorted.clear();
        self.sorted.extend(self.keys.iter().map(|k| self.rows[(k & 0xF_FFFF) as usize]));
        std::mem::swap(&mut self.rows, &mut self.sorted);
        self.tell_apart_identical_rows();
    }

    /// Two rows identical in every column are refused by the importer as one activity sent twice
    /// (X3); a generated ledger gives the later one evidence of its own, as a real ledger would.
    fn tell_apart_identical_rows(&mut self) {
        let mut start = 0;
        for i in 1..self.rows.len() {
            if self.rows[i].day != self.rows[i - 1].day {
                start = i;
                continue;
            }
            let same = |a: &Row, b: &Row| {
                (a.kind, a.detail, a.quantity.to_bits(), a.role, a.approved, a.e_learning, a.evidence)
                    == (b.kind, b.detail, b.quantity.to_bits(), b.role, b.approved, b.e_learning, b.evidence)
            };
            if (start..i).any(|j| same(&self.rows[j], &self.rows[i])) {
                let prefix = self.rows[i].evidence.map_or(0, |(p, _)| p);
                self.rows[i].evidence = Some(self.serial(prefix));
            }
        }
    }

    fn serial(&mut self, prefix: u8) -> (u8, u16) {
        self.next_serial += 1;
        (prefix, self.next_serial)
    }

    /// Evidence ids in order of first appearance (row order).
    fn intern(&mut self) {
        self.interned.clear();
        self.interned.resize(self.next_serial as usize + 1, u32::MAX);
        let mut next = 0;
        for row in &mut self.rows {
            row.evidence_id = row.evidence.map(|(_, serial)| {
                let slot = &mut self.interned[serial as usize];
                if *slot == u32::MAX {
                    *slot = next;
                    next += 1;
                }
                *slot
            });
        }
    }

    fn specialist(&self, dates: &Dates) -> Specialist {
        Specialist {
            id: self.id.clone(),
            name: self.name(),
            renewals_completed: self.renewals_completed,
            renewal_fiscal_year: self.fiscal_year,
            period_start: dates.date(self.period_start),
            period_end: dates.date(self.period_end),
            extensions: self.extensions,
            deferral: self.deferral,
        }
    }

    fn name(&self) -> String {
        let mut name = String::from("合成 形成 ");
        push_padded_str(&mut name, self.number as u64, 6);
        name
    }

    /// Row `index` of this specialist as a domain activity.
    fn activity(&self, dates: &Dates, index: usize, row: &Row) -> Activity {
        Activity {
            row: self.first_line + index as u32,
            date: dates.date(row.day),
            kind: row.kind,
            quantity: row.quantity,
            role: row.role,
            approved: row.approved,
            e_learning: row.e_learning,
            evidence: row.evidence_id.map(EvidenceId),
        }
    }

    fn write_specialist(&self, dates: &Dates, out: &mut Vec<u8>) {
        out.extend_from_slice(self.id.as_bytes());
        out.extend_from_slice(",合成 形成 ".as_bytes());
        push_padded(out, self.number as u64, 6);
        out.push(b',');
        push_uint(out, self.renewals_completed as u64);
        out.push(b',');
        push_uint(out, self.fiscal_year as u64);
        out.push(b',');
        out.extend_from_slice(dates.text(self.period_start));
        out.push(b',');
        out.extend_from_slice(dates.text(self.period_end));
        out.push(b',');
        push_uint(out, self.extensions as u64);
        out.push(b',');
        if let Some(reason) = self.deferral {
            out.extend_from_slice(DeferralReason::KEYS[deferral_index(reason)].as_bytes());
        }
        out.push(b'\n');
    }

    fn write_activity(&self, dates: &Dates, row: &Row, out: &mut Vec<u8>) {
        out.extend_from_slice(self.id.as_bytes());
        out.push(b',');
        out.extend_from_slice(dates.text(row.day));
        out.push(b',');
        out.extend_from_slice(row.kind.key().as_bytes());
        out.push(b',');
        out.extend_from_slice(row.detail.as_bytes());
        out.push(b',');
        push_quantity(out, row.quantity);
        out.push(b',');
        out.extend_from_slice(row.role.key().as_bytes());
        out.extend_from_slice(if row.approved { b",true" } else { b",false" });
        out.extend_from_slice(if row.e_learning { b",true," } else { b",false," });
        if let Some((prefix, serial)) = row.evidence {
            out.extend_from_slice(EVIDENCE[prefix as usize].as_bytes());
            out.extend_from_slice(b" No.");
            push_uint(out, serial as u64);
        }
        out.push(b'\n');
    }
}

fn deferral_index(reason: DeferralReason) -> usize {
    match reason {
        DeferralReason::StudyAbroad => 0,
        DeferralReason::Illness => 1,
        DeferralReason::Pregnancy => 2,
        DeferralReason::Childcare => 3,
        DeferralReason::Caregiving => 4,
        DeferralReason::Management => 5,
    }
}

// ———————————————————————————————————— small helpers ————————————————————————————————————

/// A weighted choice.
fn pick<T: Copy>(rng: &mut SplitMix64, options: &[(T, u32)]) -> T {
    let total: u32 = options.iter().map(|o| o.1).sum();
    let mut x = rng.below(total as usize) as u32;
    for &(value, weight) in options {
        if x < weight {
            return value;
        }
        x -= weight;
    }
    options[options.len() - 1].0
}

/// Splits `total` into `k` random parts of at least `min_each` (into `out[..k]`); when `total` is too
/// small every part is `min_each`.
fn split(rng: &mut SplitMix64, total: u32, k: usize, min_each: u32, out: &mut Vec<u32>) {
    out.clear();
    let mut left = total.max(min_each * k as u32);
    for i in 0..k {
        let rest = (k - i) as u32;
        let part = if rest == 1 {
            left
        } else {
            let mean = left as f64 / rest as f64;
            let want = (mean * rng.range(0.5, 1.5)).round() as u32;
            want.clamp(min_each, left - min_each * (rest - 1))
        };
        out.push(part);
        left -= part;
    }
}

/// Days since 1970-01-01.
fn day_number(date: CalendarDate) -> i32 {
    date.day_number() as i32
}

/// The date of a day number ([`day_number`]'s inverse).
fn date_of(days: i32) -> CalendarDate {
    CalendarDate::from_days_since_epoch(days as i64)
}

fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// `n` with leading zeros to `width` digits (more digits when `n` needs them).
fn push_padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let digits = if n == 0 { 1 } else { n.ilog10() as usize + 1 };
    out.extend(std::iter::repeat_n(b'0', width.saturating_sub(digits)));
    push_uint(out, n);
}

fn push_padded_str(out: &mut String, n: u64, width: usize) {
    let mut bytes = Vec::with_capacity(width);
    push_padded(&mut bytes, n, width);
    out.push_str(std::str::from_utf8(&bytes).expect("digits"));
}

fn push_date(out: &mut Vec<u8>, date: CalendarDate) {
    push_padded(out, date.year() as u64, 4);
    out.push(b'-');
    push_padded(out, date.month() as u64, 2);
    out.push(b'-');
    push_padded(out, date.day() as u64, 2);
}

/// Quantities are whole or halves: `3`, `1.5`.
fn push_quantity(out: &mut Vec<u8>, q: f64) {
    let halves = (q * 2.0) as u64;
    debug_assert_eq!(halves as f64, q * 2.0, "quantity {q} is not a multiple of 0.5");
    push_uint(out, halves / 2);
    if halves % 2 == 1 {
        out.extend_from_slice(b".5");
    }
}
