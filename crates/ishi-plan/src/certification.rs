//! 大臣認定 — the minister's certification of physicians with 医師少数区域 experience (SPEC P8;
//! 医師少数区域経験認定医師, 医療法第5条の2, from 令和2年4月1日).
//!
//! From a physician's [`WorkHistory`] — licence date (医師免許取得日), work periods, interruptions
//! (中断) and the three attested duties — [`decide`] returns a [`CertificationDecision`]: eligible or
//! not, the qualifying period(s), the days counted and a [`Finding`] (rule and Japanese message) for
//! every period or part of one that does not count, and why. The rule numbers live in
//! `editions/certification.toml` ([`CertificationRules`], X1); the reference date (today) is passed in.
//!
//! # The clauses of P8, as the findings name them
//! SPEC P8 is one paragraph; its clauses are numbered here, in its order:
//! - **P8.1** only work from 2020-04-01 (`counts_from`) counts, and only up to the reference date.
//! - **P8.2** 6 months or more, continuous, in a 医師少数区域 or 医師少数スポット (医師少数地区).
//! - **P8.3** at least 32 hours a week (30 under the 育児・介護休業法 short-time system) at the same
//!   institution.
//! - **P8.4** 臨床研修 (clinical training) periods are excluded.
//! - **P8.5** interruptions for pregnancy, childbirth, childcare, illness and the like are bridged: the
//!   periods before and after are added; the interruption itself is not counted.
//! - **P8.6** physicians 9 or more years after licensure may add up intermittent periods.
//! - **P8.7** the three duties are attested.
//!
//! # Measuring "6 months" (decided; the TOML's `decisions` list them all)
//! A period of months is measured as 民法第143条 does, the first day included ([`period_end`]): from
//! day D it ends the day before day D six months later, or at the end of that month when it has no
//! day D. 2020-04-01 → 2020-09-30; 2020-08-31 → 2021-02-28. A run joined across an interruption, or
//! a sum of intermittent periods, is laid end to end from its first counted day and needs as many
//! worked days as the six calendar months that begin on that day ([`required_days`]).
//!
//! Which periods may be summed (P8.6, decided): each counts on its own (scarce area, hours, not
//! 臨床研修), at one or several institutions, and only its days on or after the date 9 years after
//! licensure; earlier days count only inside a continuous run.
//!
//! ```
//! use ishi_plan::CalendarDate;
//! use ishi_plan::certification::{
//!     AreaStatus, CertificationRules, Duties, Route, WorkHistory, WorkKind, WorkPeriod, decide,
//! };
//!
//! let d = |s| CalendarDate::parse(s).unwrap();
//! let rules = CertificationRules::builtin();
//! let history = WorkHistory {
//!     licence_date: d("2018-04-01"),
//!     work: vec![WorkPeriod {
//!         start: d("2021-04-01"),
//!         end: d("2021-09-30"),
//!         institution: "合成町立病院".into(),
//!         area_code: "0104".into(),
//!         area: AreaStatus::ScarceArea,
//!         hours_per_week: 40.0,
//!         kind: WorkKind::Clinical,
//!         short_time: false,
//!     }],
//!     leave: vec![],
//!     duties: Duties::all(),
//! };
//! let decision = decide(&history, &rules, d("2026-11-21")).unwrap();
//! assert!(decision.eligible);
//! assert_eq!(decision.route, Some(Route::Continuous));
//! // 2021-04-01..=2021-09-30 is 183 days, exactly the six months from 2021-04-01.
//! assert_eq!((decision.counted_days, decision.required_days), (183, 183));
//! assert_eq!(decision.reached_on, Some(d("2021-09-30")));
//! ```

use std::fmt;

use serde::Deserialize;
use thiserror::Error;

use crate::area::AreaCode;
use crate::calendar::CalendarDate;
use crate::designation::Designation;
use crate::edition::Sourced;

/// The shipped rule file (X1).
pub const CERTIFICATION_RULES_TOML: &str = include_str!("../editions/certification.toml");

/// The earliest and latest years a date may have here: four-digit years keep date arithmetic far from
/// overflow, and nothing in a work history lies outside them.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

// ---------------------------------------------------------------------------------------------
// Inputs

/// Whether the area of a work period was a scarce one at the time (P8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AreaStatus {
    /// 医師少数区域 — a scarce secondary area.
    ScarceArea,
    /// 医師少数スポット (医師少数地区) — a scarce district inside a non-scarce area (P1.3).
    ScarceDistrict,
    /// Neither: 医師多数区域 or 医師中程度区域 without a spot.
    NotScarce,
}

impl AreaStatus {
    /// Machine keys, as the interchange format writes them.
    pub const KEYS: [&'static str; 3] = ["scarce_area", "scarce_district", "not_scarce"];

    pub fn key(self) -> &'static str {
        match self {
            AreaStatus::ScarceArea => "scarce_area",
            AreaStatus::ScarceDistrict => "scarce_district",
            AreaStatus::NotScarce => "not_scarce",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            AreaStatus::ScarceArea => "医師少数区域",
            AreaStatus::ScarceDistrict => "医師少数スポット",
            AreaStatus::NotScarce => "医師少数区域等以外",
        }
    }

    /// True for the areas whose work counts (P8.2).
    pub fn is_scarce(self) -> bool {
        !matches!(self, AreaStatus::NotScarce)
    }

    /// Accepts the keys, `医師少数スポット` / `医師少数地区` / `スポット`, and any designation
    /// [`Designation::parse`] reads (`少数`, `医師少数区域`, `多数`, `中程度` …); `other` and `none`
    /// mean not scarce.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "scarce_area" => return Some(AreaStatus::ScarceArea),
            "scarce_district" | "spot" => return Some(AreaStatus::ScarceDistrict),
            "not_scarce" | "other" | "none" => return Some(AreaStatus::NotScarce),
            _ => {}
        }
        match t {
            "医師少数スポット" | "医師少数地区" | "少数スポット" | "少数地区" | "スポット" => {
                Some(AreaStatus::ScarceDistrict)
            }
            "対象外" | "その他" => Some(AreaStatus::NotScarce),
            _ => match Designation::parse(t)? {
                Designation::Scarce => Some(AreaStatus::ScarceArea),
                Designation::Abundant | Designation::Intermediate => Some(AreaStatus::NotScarce),
            },
        }
    }
}

/// The kind of work of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkKind {
    /// 診療 — ordinary clinical work (the default).
    Clinical,
    /// 臨床研修 — the two-year clinical training after licensure; never counts (P8.4).
    ClinicalTraining,
    /// 専門研修 (専攻医) — specialty training; it counts like ordinary work, as only 臨床研修 is excluded.
    SpecialtyTraining,
}

impl WorkKind {
    pub const KEYS: [&'static str; 3] = ["clinical", "clinical_training", "specialty_training"];

    pub fn key(self) -> &'static str {
        match self {
            WorkKind::Clinical => "clinical",
            WorkKind::ClinicalTraining => "clinical_training",
            WorkKind::SpecialtyTraining => "specialty_training",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            WorkKind::Clinical => "診療",
            WorkKind::ClinicalTraining => "臨床研修",
            WorkKind::SpecialtyTraining => "専門研修",
        }
    }

    /// Accepts the keys (any case), `normal`, and the Japanese words.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "clinical" | "normal" => return Some(WorkKind::Clinical),
            "clinical_training" => return Some(WorkKind::ClinicalTraining),
            "specialty_training" => return Some(WorkKind::SpecialtyTraining),
            _ => {}
        }
        match t {
            "診療" | "通常" | "通常勤務" => Some(WorkKind::Clinical),
            "臨床研修" | "初期研修" | "初期臨床研修" => Some(WorkKind::ClinicalTraining),
            "専門研修" | "専攻医" => Some(WorkKind::SpecialtyTraining),
            _ => None,
        }
    }
}

/// Why work was interrupted (中断の理由, P8.5). Which reasons are bridged is rule data
/// ([`CertificationRules::joining_reasons`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// 妊娠
    Pregnancy,
    /// 出産 (産前産後休業)
    Childbirth,
    /// 育児 (育児休業)
    Childcare,
    /// 傷病
    Illness,
    /// 介護 (介護休業)
    Caregiving,
    /// 短期休暇 — a short leave (vacation).
    ShortLeave,
    /// その他 — any other reason.
    Other,
}

impl LeaveReason {
    pub const KEYS: [&'static str; 7] =
        ["pregnancy", "childbirth", "childcare", "illness", "caregiving", "short_leave", "other"];

    pub fn key(self) -> &'static str {
        match self {
            LeaveReason::Pregnancy => "pregnancy",
            LeaveReason::Childbirth => "childbirth",
            LeaveReason::Childcare => "childcare",
            LeaveReason::Illness => "illness",
            LeaveReason::Caregiving => "caregiving",
            LeaveReason::ShortLeave => "short_leave",
            LeaveReason::Other => "other",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            LeaveReason::Pregnancy => "妊娠",
            LeaveReason::Childbirth => "出産",
            LeaveReason::Childcare => "育児",
            LeaveReason::Illness => "傷病",
            LeaveReason::Caregiving => "介護",
            LeaveReason::ShortLeave => "短期休暇",
            LeaveReason::Other => "その他",
        }
    }

    /// Accepts the keys (any case) and the Japanese words (`育児`, `育児休業`, `育休`, `病気` …).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Some(&key) = Self::KEYS.iter().find(|k| t.eq_ignore_ascii_case(k)) {
            return Self::ALL.into_iter().find(|r| r.key() == key);
        }
        match t {
            "妊娠" => Some(LeaveReason::Pregnancy),
            "出産" | "産休" | "産前産後休業" => Some(LeaveReason::Childbirth),
            "育児" | "育児休業" | "育休" => Some(LeaveReason::Childcare),
            "傷病" | "病気" | "病気療養" | "療養" => Some(LeaveReason::Illness),
            "介護" | "介護休業" => Some(LeaveReason::Caregiving),
            "短期休暇" | "休暇" => Some(LeaveReason::ShortLeave),
            "その他" => Some(LeaveReason::Other),
            _ => None,
        }
    }

    const ALL: [LeaveReason; 7] = [
        LeaveReason::Pregnancy,
        LeaveReason::Childbirth,
        LeaveReason::Childcare,
        LeaveReason::Illness,
        LeaveReason::Caregiving,
        LeaveReason::ShortLeave,
        LeaveReason::Other,
    ];
}

/// One of the three duties that must be attested (P8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    /// ア 個々の患者の生活状況を考慮した幅広い病態への継続的な診療・保健指導 (専門的な医療機関への
    /// 受診の必要性の判断を含む) — continuous whole-person care with referral judgement.
    ContinuousCare,
    /// イ 他の病院等との連携、介護・福祉事業者との連携 — coordination with other hospitals, care and welfare.
    Coordination,
    /// ウ 健康診査・保健指導等の地域保健活動 — community health work such as check-ups.
    CommunityHealth,
}

impl Duty {
    pub const ALL: [Duty; 3] = [Duty::ContinuousCare, Duty::Coordination, Duty::CommunityHealth];
    pub const KEYS: [&'static str; 3] = ["care", "coordination", "community"];

    pub fn key(self) -> &'static str {
        match self {
            Duty::ContinuousCare => "care",
            Duty::Coordination => "coordination",
            Duty::CommunityHealth => "community",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            Duty::ContinuousCare => "継続的な診療・保健指導（受診の必要性の判断を含む）",
            Duty::Coordination => "他の病院等・介護・福祉との連携",
            Duty::CommunityHealth => "健康診査等の地域保健活動",
        }
    }

    /// Accepts the keys (any case), `1`–`3`, `ア`–`ウ` and the short Japanese names (`診療`, `連携`, `地域保健`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "care" | "continuous_care" | "1" => return Some(Duty::ContinuousCare),
            "coordination" | "2" => return Some(Duty::Coordination),
            "community" | "community_health" | "3" => return Some(Duty::CommunityHealth),
            _ => {}
        }
        match t {
            "ア" | "診療" | "継続的な診療" => Some(Duty::ContinuousCare),
            "イ" | "連携" => Some(Duty::Coordination),
            "ウ" | "地域保健" | "地域保健活動" => Some(Duty::CommunityHealth),
            _ => None,
        }
    }
}

/// The three attested duties (P8.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duties {
    pub continuous_care: bool,
    pub coordination: bool,
    pub community_health: bool,
}

impl Duties {
    /// All three attested.
    pub fn all() -> Self {
        Self { continuous_care: true, coordination: true, community_health: true }
    }

    pub fn has(self, duty: Duty) -> bool {
        match duty {
            Duty::ContinuousCare => self.continuous_care,
            Duty::Coordination => self.coordination,
            Duty::CommunityHealth => self.community_health,
        }
    }

    pub fn with(mut self, duty: Duty) -> Self {
        match duty {
            Duty::ContinuousCare => self.continuous_care = true,
            Duty::Coordination => self.coordination = true,
            Duty::CommunityHealth => self.community_health = true,
        }
        self
    }

    /// The duties not attested, in the order ア, イ, ウ.
    pub fn missing(self) -> Vec<Duty> {
        Duty::ALL.into_iter().filter(|d| !self.has(*d)).collect()
    }
}

/// One period of work (勤務期間), both ends included.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkPeriod {
    pub start: CalendarDate,
    pub end: CalendarDate,
    /// The institution (病院・診療所), by id or name; "the same institution" (P8.3) is equality of this text.
    pub institution: String,
    /// Where it lies: a 二次医療圏 or municipality code, as given.
    pub area_code: AreaCode,
    /// The area's status during the period (P8.2).
    pub area: AreaStatus,
    /// Contracted hours a week at this institution (P8.3).
    pub hours_per_week: f64,
    pub kind: WorkKind,
    /// 育児・介護休業法の短時間勤務 — the short-time system (30 hours suffice).
    pub short_time: bool,
}

/// An interruption of work (中断), both ends included. Its days are never counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeavePeriod {
    pub start: CalendarDate,
    pub end: CalendarDate,
    pub reason: LeaveReason,
}

/// Everything [`decide`] needs about one physician.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkHistory {
    /// 医師免許取得日.
    pub licence_date: CalendarDate,
    pub work: Vec<WorkPeriod>,
    pub leave: Vec<LeavePeriod>,
    pub duties: Duties,
}

// ---------------------------------------------------------------------------------------------
// Rules

/// The certification rules of one edition (X1): every number sourced in `editions/certification.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct CertificationRules {
    pub id: String,
    pub name: String,
    pub source: String,
    /// Interpretations decided where the sources are silent.
    pub decisions: Vec<String>,
    /// The first day whose work counts (P8.1): 2020-04-01.
    pub counts_from: Sourced<CalendarDate>,
    /// Months of work required (P8.2): 6.
    pub minimum_months: Sourced<u32>,
    /// Hours a week at the same institution (P8.3): 32.
    pub minimum_weekly_hours: Sourced<f64>,
    /// The same under the short-time system (P8.3): 30.
    pub short_time_minimum_weekly_hours: Sourced<f64>,
    /// Years after licensure from which intermittent periods may be summed (P8.6): 9.
    pub intermittent_after_years: Sourced<u32>,
    /// Interruptions that are bridged (P8.5).
    pub joining_reasons: Sourced<Vec<LeaveReason>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    id: String,
    name: String,
    source: String,
    decisions: Vec<String>,
    period: PeriodFile,
    hours: HoursFile,
    intermittent: IntermittentFile,
    interruption: InterruptionFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodFile {
    counts_from: Sourced<String>,
    minimum_months: Sourced<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    minimum_per_week: Sourced<f64>,
    short_time_minimum_per_week: Sourced<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntermittentFile {
    years_after_licence: Sourced<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InterruptionFile {
    joining_reasons: Sourced<Vec<LeaveReason>>,
}

impl CertificationRules {
    /// Parses a rule file, checking that every value has a source and is usable.
    pub fn from_toml(text: &str) -> Result<Self, CertificationError> {
        let file: RulesFile = toml::from_str(text)
            .map_err(|e| CertificationError::BadRules { id: "?".into(), problem: e.to_string() })?;
        let bad = |problem: String| CertificationError::BadRules { id: file.id.clone(), problem };
        let counts_from = CalendarDate::parse(&file.period.counts_from.value)
            .filter(|d| YEARS.contains(&d.year()))
            .ok_or_else(|| bad(format!("period.counts_from {:?} is not a date", file.period.counts_from.value)))?;
        let rules = CertificationRules {
            id: file.id.clone(),
            name: file.name,
            source: file.source,
            decisions: file.decisions,
            counts_from: Sourced { value: counts_from, source: file.period.counts_from.source },
            minimum_months: file.period.minimum_months,
            minimum_weekly_hours: file.hours.minimum_per_week,
            short_time_minimum_weekly_hours: file.hours.short_time_minimum_per_week,
            intermittent_after_years: file.intermittent.years_after_licence,
            joining_reasons: file.interruption.joining_reasons,
        };
        let sources = [
            ("source", &rules.source),
            ("period.counts_from", &rules.counts_from.source),
            ("period.minimum_months", &rules.minimum_months.source),
            ("hours.minimum_per_week", &rules.minimum_weekly_hours.source),
            ("hours.short_time_minimum_per_week", &rules.short_time_minimum_weekly_hours.source),
            ("intermittent.years_after_licence", &rules.intermittent_after_years.source),
            ("interruption.joining_reasons", &rules.joining_reasons.source),
        ];
        if let Some((path, _)) = sources.iter().find(|(_, s)| s.trim().is_empty()) {
            return Err(bad(format!("{path} has no source")));
        }
        if rules.minimum_months.value == 0 {
            return Err(bad("period.minimum_months must be at least 1".into()));
        }
        for (path, hours) in [
            ("hours.minimum_per_week", rules.minimum_weekly_hours.value),
            ("hours.short_time_minimum_per_week", rules.short_time_minimum_weekly_hours.value),
        ] {
            if !(hours.is_finite() && hours > 0.0) {
                return Err(bad(format!("{path} must be a positive number of hours")));
            }
        }
        Ok(rules)
    }

    /// The shipped rules (`editions/certification.toml`).
    pub fn builtin() -> Self {
        Self::from_toml(CERTIFICATION_RULES_TOML).expect("the shipped rules are checked by the tests")
    }

    /// The weekly hours a period needs (P8.3).
    pub fn minimum_hours(&self, short_time: bool) -> f64 {
        if short_time { self.short_time_minimum_weekly_hours.value } else { self.minimum_weekly_hours.value }
    }

    /// True when an interruption for `reason` is bridged (P8.5).
    pub fn joins(&self, reason: LeaveReason) -> bool {
        self.joining_reasons.value.contains(&reason)
    }
}

// ---------------------------------------------------------------------------------------------
// Month arithmetic (P8.2)

/// The same day `months` months later; the last day of the month when it has no such day
/// (2020-08-31 + 6 months = 2021-02-28).
pub fn add_months(date: CalendarDate, months: u32) -> CalendarDate {
    shifted(date, months).0
}

/// The last day of a period of `months` months that begins on `start`, `start` included (民法第143条):
/// the day before the same day `months` months later, or the end of that month when it has no such day.
/// `period_end(2020-04-01, 6)` = 2020-09-30; `period_end(2020-08-31, 6)` = 2021-02-28.
pub fn period_end(start: CalendarDate, months: u32) -> CalendarDate {
    match shifted(start, months) {
        (date, true) => date,
        (date, false) => day_before(date),
    }
}

/// Worked days a run beginning on `start` needs to reach `months` months laid end to end: the number
/// of days from `start` to [`period_end`] inclusive.
pub fn required_days(start: CalendarDate, months: u32) -> i64 {
    start.days_until(period_end(start, months)) + 1
}

/// The date `months` later, and whether the day had to be pulled back to the month's end.
fn shifted(date: CalendarDate, months: u32) -> (CalendarDate, bool) {
    let total = date.year() as i64 * 12 + (date.month() as i64 - 1) + months as i64;
    let year = total.div_euclid(12).clamp(i32::MIN as i64, i32::MAX as i64) as i32;
    let month = (total.rem_euclid(12) + 1) as u8;
    let mut day = date.day();
    loop {
        if let Some(d) = CalendarDate::new(year, month, day) {
            return (d, day != date.day());
        }
        if day <= 28 {
            // Every month has 28 days: unreachable, but a date must come back.
            return (date, false);
        }
        day -= 1;
    }
}

fn day_before(d: CalendarDate) -> CalendarDate {
    CalendarDate::from_days_since_epoch(d.day_number() - 1)
}

fn day_after(d: CalendarDate) -> CalendarDate {
    CalendarDate::from_days_since_epoch(d.day_number() + 1)
}

// ---------------------------------------------------------------------------------------------
// Decision

/// How the six months were met (P8.2 or P8.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// 同一の医療機関における連続した勤務 (様式1), joined across allowed interruptions.
    Continuous,
    /// 医師免許取得後9年以上の断続的な勤務の合算 (様式2).
    Intermittent,
}

impl Route {
    pub fn as_ja(self) -> &'static str {
        match self {
            Route::Continuous => "同一医療機関での連続した勤務",
            Route::Intermittent => "断続的な勤務の合算",
        }
    }
}

/// A counted stretch of work, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualifyingPeriod {
    pub start: CalendarDate,
    pub end: CalendarDate,
    pub institution: String,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum About {
    /// `history.work[i]`.
    Work(usize),
    /// `history.leave[i]`.
    Leave(usize),
    /// The history as a whole (length, duties).
    History,
}

/// Why a gap at the same institution was not bridged (P8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapCause {
    /// An interruption for a reason that is not bridged (その他).
    OtherLeave,
    /// Work at the institution that does not count itself (hours, 臨床研修, area).
    UncountedWork,
    /// Nothing recorded: no work and no interruption.
    Unexplained,
}

/// Why something was not counted, or what stopped the certification (structured; [`Finding::message`]
/// says it in Japanese).
#[derive(Debug, Clone, PartialEq)]
pub enum FindingKind {
    /// P8.1: the days `from..=to` lie before `counts_from`; `whole` when that is the entire period.
    BeforeCountsFrom { from: CalendarDate, to: CalendarDate, counts_from: CalendarDate, whole: bool },
    /// P8.1: the days `from..=to` lie after the reference date.
    AfterReferenceDate { from: CalendarDate, to: CalendarDate, whole: bool },
    /// P8.2: the area was neither a 医師少数区域 nor a 医師少数スポット.
    NotScarce { area_code: AreaCode },
    /// P8.3: fewer weekly hours than required.
    TooFewHours { hours: f64, minimum: f64, short_time: bool },
    /// P8.4: 臨床研修.
    ClinicalTraining,
    /// P8.5: an interruption that is bridged; its days are not counted.
    InterruptionBridged { reason: LeaveReason, from: CalendarDate, to: CalendarDate },
    /// P8.5: an interruption that is not bridged; its days are not counted and the run ends.
    InterruptionBreaks { reason: LeaveReason, from: CalendarDate, to: CalendarDate },
    /// P8.5: continuity at the same institution ends in the gap `from..=to`.
    GapBreaks { from: CalendarDate, to: CalendarDate, cause: GapCause },
    /// P8.3: the next counted work is at another institution, from `on`.
    ChangedInstitution { before: String, after: String, on: CalendarDate },
    /// P8.6: intermittent periods may be summed only from `from` (9 years after licensure), not reached
    /// by the reference date.
    NotYetIntermittent { from: CalendarDate, years: u32 },
    /// P8.6: the days `from..=to` are before the 9-year date: they count only inside a continuous run.
    BeforeIntermittent { from: CalendarDate, to: CalendarDate, years: u32 },
    /// P8.2: the best run (or sum) has `days`, `required` are needed.
    TooShort { days: i64, required: i64, months: u32, start: CalendarDate, route: Route },
    /// P8.2: no day of work counts at all.
    NothingCounted { months: u32 },
    /// P8.7: a duty not attested.
    DutyNotAttested(Duty),
}

impl FindingKind {
    /// The clause of P8 (see the module doc).
    pub fn rule(&self) -> &'static str {
        match self {
            FindingKind::BeforeCountsFrom { .. } | FindingKind::AfterReferenceDate { .. } => "P8.1",
            FindingKind::NotScarce { .. } | FindingKind::TooShort { .. } | FindingKind::NothingCounted { .. } => "P8.2",
            FindingKind::TooFewHours { .. } | FindingKind::ChangedInstitution { .. } => "P8.3",
            FindingKind::ClinicalTraining => "P8.4",
            FindingKind::InterruptionBridged { .. }
            | FindingKind::InterruptionBreaks { .. }
            | FindingKind::GapBreaks { .. } => "P8.5",
            FindingKind::NotYetIntermittent { .. } | FindingKind::BeforeIntermittent { .. } => "P8.6",
            FindingKind::DutyNotAttested(_) => "P8.7",
        }
    }

    /// The finding in Japanese.
    pub fn message(&self) -> String {
        match self {
            FindingKind::BeforeCountsFrom { from, to, counts_from, whole: true } => {
                format!("{from}〜{to} は{}（{counts_from}）より前の勤務のため対象外", counts_from.wareki())
            }
            FindingKind::BeforeCountsFrom { from, to, counts_from, whole: false } => {
                format!("{from}〜{to} は{counts_from}より前のため算入せず、{counts_from}から数える")
            }
            FindingKind::AfterReferenceDate { from, to, whole: true } => {
                format!("{from}〜{to} は基準日より後の勤務のため算入しない")
            }
            FindingKind::AfterReferenceDate { from, to, whole: false } => {
                format!("{from}〜{to} は基準日より後のため算入しない")
            }
            FindingKind::NotScarce { area_code } => {
                format!("区域 {area_code} は医師少数区域・医師少数スポットではないため対象外")
            }
            FindingKind::TooFewHours { hours, minimum, short_time } => {
                let system = if *short_time { "（育児・介護休業法の短時間勤務）" } else { "" };
                format!("週{hours}時間の勤務は週{minimum}時間{system}に満たないため対象外")
            }
            FindingKind::ClinicalTraining => "臨床研修中の期間は対象外".to_string(),
            FindingKind::InterruptionBridged { reason, from, to } => format!(
                "{}による中断（{from}〜{to}）は算入しないが、同一医療機関での前後の勤務は合算する",
                reason.as_ja()
            ),
            FindingKind::InterruptionBreaks { reason, from, to } => {
                format!("{}による中断（{from}〜{to}）は算入せず、連続した勤務はここで途切れる", reason.as_ja())
            }
            FindingKind::GapBreaks { from, to, cause } => {
                let why = match cause {
                    GapCause::OtherLeave => "合算できない理由による中断",
                    GapCause::UncountedWork => "要件を満たさない勤務",
                    GapCause::Unexplained => "理由の届出がない空白期間",
                };
                format!("{from}〜{to} の{why}により、同一医療機関での連続した勤務が途切れる")
            }
            FindingKind::ChangedInstitution { before, after, on } => {
                format!("{on} から医療機関が変わる（{before} → {after}）ため、連続した勤務はここで途切れる")
            }
            FindingKind::NotYetIntermittent { from, years } => format!(
                "断続的な勤務の合算は医師免許取得後{years}年以上の医師に限る（{from}以降）: 基準日にはまだ該当しない"
            ),
            FindingKind::BeforeIntermittent { from, to, years } => format!(
                "{from}〜{to} は医師免許取得後{years}年より前のため、断続的な勤務としては合算せず連続した勤務としてのみ数える"
            ),
            FindingKind::TooShort { days, required, months, start, route } => {
                format!("{start}からの{}は{days}日で、{months}か月（{required}日）に満たない", route.as_ja())
            }
            FindingKind::NothingCounted { months } => {
                format!("算入できる勤務期間がない（{months}か月以上の勤務が必要）")
            }
            FindingKind::DutyNotAttested(duty) => format!("業務「{}」の証明がない", duty.as_ja()),
        }
    }
}

/// One reason something was not counted, or did not suffice.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The clause of P8 (`P8.1` … `P8.7`).
    pub rule: &'static str,
    pub about: About,
    pub kind: FindingKind,
    /// Japanese, for people.
    pub message: String,
}

impl Finding {
    pub fn new(about: About, kind: FindingKind) -> Self {
        Self { rule: kind.rule(), about, message: kind.message(), kind }
    }
}

/// The decision on one physician (P8).
#[derive(Debug, Clone, PartialEq)]
pub struct CertificationDecision {
    /// The period requirement is met and all three duties are attested.
    pub eligible: bool,
    /// How the period requirement was met; `None` when it was not.
    pub route: Option<Route>,
    /// The counted stretches of the qualifying run or sum, in date order (empty when none qualifies).
    pub qualifying: Vec<QualifyingPeriod>,
    /// Worked days of the qualifying run or sum — or, when none qualifies, of the best candidate.
    pub counted_days: i64,
    /// Whole months in `counted_days`, laid end to end from the first counted day.
    pub counted_months: u32,
    /// Days the same run or sum needs ([`required_days`] from its first counted day); 0 without any.
    pub required_days: i64,
    /// The day the six months were reached.
    pub reached_on: Option<CalendarDate>,
    /// Every period or part not counted and why, every break of continuity, and what is missing.
    pub findings: Vec<Finding>,
}

/// Problems with the inputs themselves (not a decision against the physician).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CertificationError {
    #[error("certification rules {id}: {problem}")]
    BadRules { id: String, problem: String },
    #[error("work period {index} ({start}〜{end}): {problem}")]
    BadWork { index: usize, start: CalendarDate, end: CalendarDate, problem: String },
    #[error("leave period {index} ({start}〜{end}): {problem}")]
    BadLeave { index: usize, start: CalendarDate, end: CalendarDate, problem: String },
    #[error("{what} {date} is outside the years 1–9999")]
    DateOutOfRange { what: &'static str, date: CalendarDate },
}

/// Inclusive span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: CalendarDate,
    end: CalendarDate,
}

impl Span {
    fn days(self) -> i64 {
        self.start.days_until(self.end) + 1
    }
    fn overlaps(self, other: Span) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// A counted piece of one work period.
#[derive(Debug, Clone, Copy)]
struct Segment {
    span: Span,
    work: usize,
}

/// Counted pieces at one institution, continuous after bridging (P8.2, P8.5).
struct Run<'h> {
    institution: &'h str,
    pieces: Vec<Span>,
    works: Vec<usize>,
}

impl Run<'_> {
    fn first(&self) -> CalendarDate {
        self.pieces[0].start
    }
    fn last(&self) -> CalendarDate {
        self.pieces[self.pieces.len() - 1].end
    }
    fn days(&self) -> i64 {
        self.pieces.iter().map(|p| p.days()).sum()
    }
}

/// Decides the certification of one physician on `today` (P8.1–P8.7). See the module doc for how the
/// six months are measured and which periods may be summed.
pub fn decide(
    history: &WorkHistory,
    rules: &CertificationRules,
    today: CalendarDate,
) -> Result<CertificationDecision, CertificationError> {
    validate(history, today)?;
    let months = rules.minimum_months.value;
    let mut findings = vec![];
    let span_of = |l: &LeavePeriod| Span { start: l.start, end: l.end };
    let joining = merged(history.leave.iter().filter(|l| rules.joins(l.reason)).map(span_of));
    let all_leave = merged(history.leave.iter().map(span_of));

    let segments = counted_segments(history, rules, today, &all_leave, &mut findings);
    for (i, l) in history.leave.iter().enumerate() {
        let (reason, from, to) = (l.reason, l.start, l.end);
        let kind = if rules.joins(reason) {
            FindingKind::InterruptionBridged { reason, from, to }
        } else {
            FindingKind::InterruptionBreaks { reason, from, to }
        };
        findings.push(Finding::new(About::Leave(i), kind));
    }
    let runs = continuous_runs(history, &segments, &joining);
    findings.extend(breaks(history, &runs, &joining, rules));

    let mut decision = CertificationDecision {
        eligible: false,
        route: None,
        qualifying: vec![],
        counted_days: 0,
        counted_months: 0,
        required_days: 0,
        reached_on: None,
        findings: vec![],
    };
    // P8.2: the continuous run that reaches the six months first.
    let first_to_reach = runs
        .iter()
        .filter_map(|run| reached_on(&run.pieces, months).map(|reached| (reached, run)))
        .min_by_key(|(reached, _)| *reached);
    if let Some((reached, run)) = first_to_reach {
        decision.route = Some(Route::Continuous);
        decision.reached_on = Some(reached);
        decision.qualifying = run
            .pieces
            .iter()
            .map(|p| QualifyingPeriod { start: p.start, end: p.end, institution: run.institution.to_string() })
            .collect();
        set_days(&mut decision, &run.pieces, months);
    } else {
        // Short of six months: report the longest continuous run, or the P8.6 sum when it is longer.
        let longest = runs.iter().max_by_key(|r| (r.days(), std::cmp::Reverse(r.first())));
        let mut shortfall = longest.map(|r| (r.days(), r.first(), Route::Continuous));
        if let Some(run) = longest {
            set_days(&mut decision, &run.pieces, months);
        }
        if let Some(sum) = intermittent_sum(history, rules, today, &segments, &mut findings) {
            let days: i64 = sum.union.iter().map(|p| p.days()).sum();
            if let Some(reached) = reached_on(&sum.union, months) {
                decision.route = Some(Route::Intermittent);
                decision.reached_on = Some(reached);
                decision.qualifying = sum.periods;
                set_days(&mut decision, &sum.union, months);
                shortfall = None;
            } else if shortfall.is_none_or(|(longest, ..)| days > longest) {
                set_days(&mut decision, &sum.union, months);
                shortfall = Some((days, sum.union[0].start, Route::Intermittent));
            }
        }
        match shortfall {
            Some((days, start, route)) => {
                let required = required_days(start, months);
                let kind = FindingKind::TooShort { days, required, months, start, route };
                findings.push(Finding::new(About::History, kind));
            }
            None if decision.route.is_none() => {
                findings.push(Finding::new(About::History, FindingKind::NothingCounted { months }))
            }
            None => {}
        }
    }

    // P8.7
    let missing = history.duties.missing();
    findings.extend(missing.iter().map(|d| Finding::new(About::History, FindingKind::DutyNotAttested(*d))));
    decision.eligible = decision.route.is_some() && missing.is_empty();
    decision.findings = findings;
    Ok(decision)
}

/// P8.1–P8.4: the counted pieces of every work period, leave days taken out, with a finding for each
/// period or part that does not count.
fn counted_segments(
    history: &WorkHistory,
    rules: &CertificationRules,
    today: CalendarDate,
    all_leave: &[Span],
    findings: &mut Vec<Finding>,
) -> Vec<Segment> {
    let counts_from = rules.counts_from.value;
    let mut segments = vec![];
    for (i, w) in history.work.iter().enumerate() {
        let mut reasons = vec![];
        if !w.area.is_scarce() {
            reasons.push(FindingKind::NotScarce { area_code: w.area_code.clone() });
        }
        if w.kind == WorkKind::ClinicalTraining {
            reasons.push(FindingKind::ClinicalTraining);
        }
        let minimum = rules.minimum_hours(w.short_time);
        if w.hours_per_week < minimum {
            reasons.push(FindingKind::TooFewHours { hours: w.hours_per_week, minimum, short_time: w.short_time });
        }
        let whole_before = w.end < counts_from;
        if w.start < counts_from {
            let to = if whole_before { w.end } else { day_before(counts_from) };
            reasons.push(FindingKind::BeforeCountsFrom { from: w.start, to, counts_from, whole: whole_before });
        }
        let whole_after = w.start > today;
        if w.end > today {
            let from = if whole_after { w.start } else { day_after(today) };
            reasons.push(FindingKind::AfterReferenceDate { from, to: w.end, whole: whole_after });
        }
        // Parts before 2020-04-01 or after today are cut off; any other reason excludes the period.
        let excluded = reasons.iter().any(|r| {
            !matches!(
                r,
                FindingKind::BeforeCountsFrom { whole: false, .. }
                    | FindingKind::AfterReferenceDate { whole: false, .. }
            )
        });
        findings.extend(reasons.into_iter().map(|k| Finding::new(About::Work(i), k)));
        let span = Span { start: w.start.max(counts_from), end: w.end.min(today) };
        // A reference date before counts_from leaves an empty span.
        if excluded || span.end < span.start {
            continue;
        }
        segments.extend(subtract(span, all_leave).into_iter().map(|span| Segment { span, work: i }));
    }
    segments
}

/// The periods P8.6 lets a physician add up.
struct IntermittentSum {
    /// Each counted piece on or after the summing date, with its institution, in date order.
    periods: Vec<QualifyingPeriod>,
    /// The days they cover, each once (concurrent work at two institutions is not counted twice).
    union: Vec<Span>,
}

/// P8.6: the counted days on or after the date `intermittent_after_years` after licensure, or `None`
/// when that date is after `today` or nothing falls after it (with a finding saying so).
fn intermittent_sum(
    history: &WorkHistory,
    rules: &CertificationRules,
    today: CalendarDate,
    segments: &[Segment],
    findings: &mut Vec<Finding>,
) -> Option<IntermittentSum> {
    if segments.is_empty() {
        return None;
    }
    let years = rules.intermittent_after_years.value;
    let from = add_months(history.licence_date, years.saturating_mul(12));
    if from > today {
        findings.push(Finding::new(About::History, FindingKind::NotYetIntermittent { from, years }));
        return None;
    }
    let mut early: Vec<usize> = vec![];
    for s in segments.iter().filter(|s| s.span.start < from) {
        if !early.contains(&s.work) {
            early.push(s.work);
            let to = history.work[s.work].end.min(today).min(day_before(from));
            let kind = FindingKind::BeforeIntermittent { from: s.span.start, to, years };
            findings.push(Finding::new(About::Work(s.work), kind));
        }
    }
    let mut late: Vec<(Span, usize)> = segments
        .iter()
        .filter(|s| s.span.end >= from)
        .map(|s| (Span { start: s.span.start.max(from), end: s.span.end }, s.work))
        .collect();
    late.sort_by_key(|(span, work)| (span.start, span.end, *work));
    let union = merged(late.iter().map(|(span, _)| *span));
    if union.is_empty() {
        return None;
    }
    let periods = late
        .into_iter()
        .map(|(span, work)| QualifyingPeriod {
            start: span.start,
            end: span.end,
            institution: history.work[work].institution.clone(),
        })
        .collect();
    Some(IntermittentSum { periods, union })
}

fn validate(history: &WorkHistory, today: CalendarDate) -> Result<(), CertificationError> {
    for (what, date) in [("licence date", history.licence_date), ("reference date", today)] {
        if !YEARS.contains(&date.year()) {
            return Err(CertificationError::DateOutOfRange { what, date });
        }
    }
    for (index, w) in history.work.iter().enumerate() {
        let bad = |problem: &str| CertificationError::BadWork {
            index,
            start: w.start,
            end: w.end,
            problem: problem.to_string(),
        };
        if !YEARS.contains(&w.start.year()) || !YEARS.contains(&w.end.year()) {
            return Err(bad("a date is outside the years 1–9999"));
        }
        if w.end < w.start {
            return Err(bad("ends before it starts"));
        }
        if w.start < history.licence_date {
            return Err(bad("starts before the licence date (医師免許取得日)"));
        }
        if !(w.hours_per_week.is_finite() && w.hours_per_week >= 0.0) {
            return Err(bad("hours per week must be a number, 0 or more"));
        }
        if w.institution.trim().is_empty() {
            return Err(bad("no institution"));
        }
    }
    for (index, l) in history.leave.iter().enumerate() {
        let bad = |problem: &str| CertificationError::BadLeave {
            index,
            start: l.start,
            end: l.end,
            problem: problem.to_string(),
        };
        if !YEARS.contains(&l.start.year()) || !YEARS.contains(&l.end.year()) {
            return Err(bad("a date is outside the years 1–9999"));
        }
        if l.end < l.start {
            return Err(bad("ends before it starts"));
        }
    }
    Ok(())
}

/// Sorted, disjoint, non-adjacent spans covering the same days.
fn merged(spans: impl Iterator<Item = Span>) -> Vec<Span> {
    let mut all: Vec<Span> = spans.collect();
    all.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = vec![];
    for s in all {
        match out.last_mut() {
            Some(last) if s.start <= day_after(last.end) => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The days of `span` outside the sorted disjoint `holes`.
fn subtract(span: Span, holes: &[Span]) -> Vec<Span> {
    let mut out = vec![];
    let mut from = span.start;
    for h in holes.iter().filter(|h| h.overlaps(span)) {
        if h.start > from {
            out.push(Span { start: from, end: day_before(h.start) });
        }
        if h.end >= span.end {
            return out;
        }
        from = from.max(day_after(h.end));
    }
    out.push(Span { start: from, end: span.end });
    out
}

/// True when every day of `gap` lies in the sorted disjoint `cover`.
fn covered(gap: Span, cover: &[Span]) -> bool {
    cover.iter().any(|c| c.start <= gap.start && gap.end <= c.end)
}

/// Joins the segments of each institution into continuous runs (P8.2, P8.3, P8.5): adjacent or
/// overlapping pieces merge, gaps wholly inside bridged interruptions are joined over, any other gap
/// ends the run. Runs come out in order of their first day.
fn continuous_runs<'h>(history: &'h WorkHistory, segments: &[Segment], joining: &[Span]) -> Vec<Run<'h>> {
    let institution = |s: &Segment| history.work[s.work].institution.as_str();
    let mut order: Vec<&Segment> = segments.iter().collect();
    order.sort_by_key(|s| (institution(s), s.span.start, s.span.end));
    let mut runs: Vec<Run> = vec![];
    for seg in order {
        let name = institution(seg);
        let open = runs.last_mut().filter(|r| r.institution == name);
        let Some(run) = open else {
            runs.push(Run { institution: name, pieces: vec![seg.span], works: vec![seg.work] });
            continue;
        };
        let end = run.last();
        if seg.span.start <= day_after(end) {
            if seg.span.end > end {
                let last = run.pieces.len() - 1;
                run.pieces[last].end = seg.span.end;
            }
        } else if covered(Span { start: day_after(end), end: day_before(seg.span.start) }, joining) {
            run.pieces.push(seg.span);
        } else {
            runs.push(Run { institution: name, pieces: vec![seg.span], works: vec![seg.work] });
            continue;
        }
        if !run.works.contains(&seg.work) {
            run.works.push(seg.work);
        }
    }
    runs.sort_by_key(|r| (r.first(), r.last()));
    runs
}

/// Where and why continuity ends between consecutive runs (P8.3, P8.5). Concurrent runs (work at two
/// institutions at once) are not breaks.
fn breaks(history: &WorkHistory, runs: &[Run], joining: &[Span], rules: &CertificationRules) -> Vec<Finding> {
    let mut out = vec![];
    let mut latest: Option<&Run> = None;
    for run in runs {
        if let Some(prev) = latest
            && run.first() > prev.last()
        {
            let about = About::Work(run.works[0]);
            if prev.institution != run.institution {
                let kind = FindingKind::ChangedInstitution {
                    before: prev.institution.to_string(),
                    after: run.institution.to_string(),
                    on: run.first(),
                };
                out.push(Finding::new(about, kind));
            } else {
                let gap = Span { start: day_after(prev.last()), end: day_before(run.first()) };
                let other_leave = history
                    .leave
                    .iter()
                    .any(|l| !rules.joins(l.reason) && Span { start: l.start, end: l.end }.overlaps(gap));
                let uncounted_work = history
                    .work
                    .iter()
                    .any(|w| w.institution == run.institution && Span { start: w.start, end: w.end }.overlaps(gap));
                let cause = if other_leave {
                    GapCause::OtherLeave
                } else if uncounted_work {
                    GapCause::UncountedWork
                } else {
                    GapCause::Unexplained
                };
                // The bridged part of a gap is not what broke it: name the first day that is not bridged.
                let from = first_uncovered(gap, joining).unwrap_or(gap.start);
                out.push(Finding::new(about, FindingKind::GapBreaks { from, to: gap.end, cause }));
            }
        }
        if latest.is_none_or(|p| run.last() > p.last()) {
            latest = Some(run);
        }
    }
    out
}

/// The first day of `gap` outside the sorted disjoint `cover`.
fn first_uncovered(gap: Span, cover: &[Span]) -> Option<CalendarDate> {
    let mut day = gap.start;
    for c in cover.iter().filter(|c| c.overlaps(gap)) {
        if c.start > day {
            return Some(day);
        }
        day = day.max(day_after(c.end));
        if day > gap.end {
            return None;
        }
    }
    Some(day)
}

/// The day on which the sorted disjoint `pieces`, laid end to end from the first, reach `months`
/// months (P8.2), or `None` when they fall short.
fn reached_on(pieces: &[Span], months: u32) -> Option<CalendarDate> {
    let first = pieces.first()?;
    let mut left = required_days(first.start, months);
    for p in pieces {
        if p.days() >= left {
            return Some(CalendarDate::from_days_since_epoch(p.start.day_number() + left - 1));
        }
        left -= p.days();
    }
    None
}

fn set_days(decision: &mut CertificationDecision, pieces: &[Span], months: u32) {
    let Some(first) = pieces.first() else { return };
    let days: i64 = pieces.iter().map(|p| p.days()).sum();
    decision.counted_days = days;
    decision.required_days = required_days(first.start, months);
    decision.counted_months = whole_months(first.start, days);
}

/// Whole months in `days` worked days laid end to end from `start`.
fn whole_months(start: CalendarDate, days: i64) -> u32 {
    let mut m = 0;
    // A month has at least 28 days, so this ends within days / 28 + 1 steps.
    while m < u32::MAX && required_days(start, m + 1) <= days {
        m += 1;
    }
    m
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> CalendarDate {
        CalendarDate::parse(s).unwrap()
    }

    /// X1: every number of the rule file carries a source, and the file loads.
    #[test]
    fn x1_certification_rules_all_carry_a_source() {
        let problems = ishi_sourced::unsourced_numbers(CERTIFICATION_RULES_TOML).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
        let rules = CertificationRules::builtin();
        assert_eq!(rules.counts_from.value, d("2020-04-01"));
        assert_eq!(rules.minimum_months.value, 6);
        assert_eq!((rules.minimum_weekly_hours.value, rules.short_time_minimum_weekly_hours.value), (32.0, 30.0));
        assert_eq!(rules.intermittent_after_years.value, 9);
        assert!(rules.joins(LeaveReason::Childcare) && !rules.joins(LeaveReason::Other));
        assert!(!rules.decisions.is_empty());
    }

    #[test]
    fn x1_certification_rules_without_a_source_do_not_load() {
        let text = CERTIFICATION_RULES_TOML.replacen(
            "minimum_months = { value = 6, source = \"",
            "minimum_months = { value = 6, source = \" \", x = \"",
            1,
        );
        assert!(CertificationRules::from_toml(&text).is_err());
        let text = CERTIFICATION_RULES_TOML.replacen(
            "minimum_per_week = { value = 32, source",
            "minimum_per_week = { value = 32, sauce",
            1,
        );
        assert!(CertificationRules::from_toml(&text).is_err());
    }

    #[test]
    fn p8_2_month_arithmetic_at_month_ends() {
        assert_eq!(add_months(d("2020-08-31"), 6), d("2021-02-28"));
        assert_eq!(add_months(d("2023-08-31"), 6), d("2024-02-29"));
        assert_eq!(add_months(d("2020-11-15"), 3), d("2021-02-15"));
        assert_eq!(period_end(d("2020-04-01"), 6), d("2020-09-30"));
        // No 31 February: the period ends at the end of February (民法第143条第2項ただし書).
        assert_eq!(period_end(d("2020-08-31"), 6), d("2021-02-28"));
        assert_eq!(period_end(d("2020-08-29"), 6), d("2021-02-28"));
        // 28 February exists: the day before it.
        assert_eq!(period_end(d("2020-08-28"), 6), d("2021-02-27"));
        // 2020-04-01..=2020-09-30: 30+31+30+31+31+30 = 183 days.
        assert_eq!(required_days(d("2020-04-01"), 6), 183);
        // 2020-08-31..=2021-02-28: 1 + 30+31+30+31+31+28 = 182 days.
        assert_eq!(required_days(d("2020-08-31"), 6), 182);
        assert_eq!(whole_months(d("2020-04-01"), 182), 5);
        assert_eq!(whole_months(d("2020-04-01"), 183), 6);
    }

    #[test]
    fn p8_5_subtracting_and_merging_spans() {
        let s = |a, b| Span { start: d(a), end: d(b) };
        let holes = merged([s("2021-03-01", "2021-03-10"), s("2021-03-11", "2021-03-15")].into_iter());
        assert_eq!(holes, vec![s("2021-03-01", "2021-03-15")]);
        assert_eq!(
            subtract(s("2021-02-01", "2021-04-30"), &holes),
            vec![s("2021-02-01", "2021-02-28"), s("2021-03-16", "2021-04-30")]
        );
        assert_eq!(subtract(s("2021-03-02", "2021-03-05"), &holes), vec![]);
        assert_eq!(first_uncovered(s("2021-03-05", "2021-03-20"), &holes), Some(d("2021-03-16")));
        assert_eq!(first_uncovered(s("2021-03-05", "2021-03-12"), &holes), None);
    }

    #[test]
    fn p8_parse_accepts_keys_and_japanese() {
        assert_eq!(AreaStatus::parse("医師少数区域"), Some(AreaStatus::ScarceArea));
        assert_eq!(AreaStatus::parse("少数"), Some(AreaStatus::ScarceArea));
        assert_eq!(AreaStatus::parse("医師少数スポット"), Some(AreaStatus::ScarceDistrict));
        assert_eq!(AreaStatus::parse("中程度"), Some(AreaStatus::NotScarce));
        assert_eq!(AreaStatus::parse("Scarce_Area"), Some(AreaStatus::ScarceArea));
        assert_eq!(AreaStatus::parse("rural"), None);
        assert_eq!(WorkKind::parse("臨床研修"), Some(WorkKind::ClinicalTraining));
        assert_eq!(WorkKind::parse("normal"), Some(WorkKind::Clinical));
        assert_eq!(LeaveReason::parse("育休"), Some(LeaveReason::Childcare));
        assert_eq!(LeaveReason::parse("SHORT_LEAVE"), Some(LeaveReason::ShortLeave));
        assert_eq!(LeaveReason::parse("留学"), None);
        assert_eq!(Duty::parse("イ"), Some(Duty::Coordination));
        for key in LeaveReason::KEYS {
            assert_eq!(LeaveReason::parse(key).map(LeaveReason::key), Some(key));
        }
        for key in WorkKind::KEYS {
            assert_eq!(WorkKind::parse(key).map(WorkKind::key), Some(key));
        }
        for key in AreaStatus::KEYS {
            assert_eq!(AreaStatus::parse(key).map(AreaStatus::key), Some(key));
        }
        for key in Duty::KEYS {
            assert_eq!(Duty::parse(key).map(Duty::key), Some(key));
        }
    }
}
