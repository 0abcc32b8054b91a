//! Evaluation of one renewal (SPEC R1–R7, R9): which activities count, how much, which requirement
//! fails, and the verdict.
//!
//! Activities are taken in date order (ties by ledger row) so that caps, "once per fiscal year" and
//! the attribution of every refused unit are the same whatever order the ledger rows came in.

use ishi_calendar::CalendarDate;

use crate::edition::{RenewalEdition, RuleBook};
use crate::error::RenewalError;
use crate::finding::{Cap, Finding, FindingKind};
use crate::ledger::{
    Activity, ActivityKind, Category, CommonItem, EvidenceId, MeetingLevel, PaperRole, Role, Specialist,
};
use crate::units::Units;

/// A closed range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: CalendarDate,
    pub end: CalendarDate,
}

impl Window {
    pub fn contains(self, date: CalendarDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// The decision on a renewal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Fail,
    /// For the committee: 個別審査 (R7.3), 留保 (R6.1), or anything else the rules leave to it.
    Review,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Review => "review",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            Verdict::Pass => "更新可",
            Verdict::Fail => "基準未達",
            Verdict::Review => "委員会審議",
        }
    }
}

/// What happens to the specialist, beyond pass/fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Renewed as 機構認定専門医.
    BoardRenewal,
    /// Criteria not met.
    NotMet,
    /// R7.2: renewed as 学会専門医, may move to the board a year later.
    SocietyRenewal,
    /// R7.3: 個別審査 by the committee.
    IndividualReview,
    /// R6.1: 留保 applied for.
    Deferred,
    /// R6.3: more extensions than the rule grants; the committee decides.
    CommitteeDecision,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Outcome::BoardRenewal => "board_renewal",
            Outcome::NotMet => "not_met",
            Outcome::SocietyRenewal => "society_renewal",
            Outcome::IndividualReview => "individual_review",
            Outcome::Deferred => "deferred",
            Outcome::CommitteeDecision => "committee_decision",
        }
    }
}

/// Units of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryResult {
    pub category: Category,
    /// Units of the activities accepted, before any cap.
    pub earned: Units,
    /// Units that count, after the caps.
    pub counted: Units,
    pub min: Units,
    pub max: Option<Units>,
}

impl CategoryResult {
    pub fn shortfall(&self) -> Units {
        self.min - self.counted
    }

    /// Units this category can still take before its cap (`None`: no cap).
    pub fn room(&self) -> Option<Units> {
        self.max.map(|m| m - self.counted)
    }
}

/// Old society points in the transition (R7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OldPointsResult {
    pub earned: f64,
    pub required: f64,
    pub society_full: f64,
    pub window: Window,
}

/// The evaluation of one renewal.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub specialist_id: String,
    pub renewal_fiscal_year: i32,
    /// The edition whose criteria decided (FY2020 when a FY2019 specialist passes the full criteria, R7.4).
    pub edition: String,
    pub verdict: Verdict,
    pub outcome: Outcome,
    /// R1.3: clinical record exempt.
    pub exempt: bool,
    /// Dates whose activities earn new units.
    pub window: Window,
    pub required_units: Units,
    pub counted_units: Units,
    /// In the order of [`Category::ALL`].
    pub categories: [CategoryResult; 4],
    /// Cases of the clinical record in the window (A and B together).
    pub cases: u32,
    /// Units earned per mandatory item, in the order of [`CommonItem::MANDATORY`].
    pub mandatory: [Units; 3],
    /// Units each mandatory item needs.
    pub mandatory_each: Units,
    /// Units the mandatory items need together.
    pub mandatory_total: Units,
    pub old_points: Option<OldPointsResult>,
    /// Outcome and requirement findings first, then activities not (fully) counted, by row.
    pub findings: Vec<Finding>,
}

impl Evaluation {
    pub fn category(&self, c: Category) -> &CategoryResult {
        &self.categories[c.index()]
    }

    /// Rule IDs of the requirements that failed, each once, in the order of the findings (R2 may
    /// fail twice: a category's minimum and the total).
    pub fn failing_rules(&self) -> Vec<&'static str> {
        let mut rules = Vec::new();
        for f in self.findings.iter().filter(|f| f.is_shortfall()) {
            if !rules.contains(&f.rule) {
                rules.push(f.rule);
            }
        }
        rules
    }
}

/// Units and findings of a ledger under one edition, before the verdict.
#[derive(Debug, Clone)]
struct Assessment {
    earned: [Units; 4],
    counted: [Units; 4],
    cases: u32,
    mandatory: [Units; 3],
    old_points: f64,
    /// The clinical record's note (remainder of cases, exempt cases), shown before the activities.
    clinical_note: Option<Finding>,
    findings: Vec<Finding>,
}

impl Assessment {
    fn counted_total(&self) -> Units {
        self.counted.iter().copied().sum()
    }
}

/// Evaluates renewals; keeps scratch space so that evaluating a membership allocates little.
#[derive(Debug)]
pub struct Evaluator<'b> {
    book: &'b RuleBook,
    order: Vec<u32>,
    old_claims: Vec<(CalendarDate, EvidenceId, u32)>,
}

/// Evaluates one renewal with the built-in editions of `book`.
pub fn evaluate(book: &RuleBook, specialist: &Specialist, activities: &[Activity]) -> Result<Evaluation, RenewalError> {
    Evaluator::new(book).evaluate(specialist, activities)
}

impl<'b> Evaluator<'b> {
    pub fn new(book: &'b RuleBook) -> Self {
        Self { book, order: Vec::new(), old_claims: Vec::new() }
    }

    pub fn book(&self) -> &'b RuleBook {
        self.book
    }

    /// Evaluates the renewal of `specialist` (the roster row) on its ledger `activities`.
    pub fn evaluate(&mut self, specialist: &Specialist, activities: &[Activity]) -> Result<Evaluation, RenewalError> {
        let fy = specialist.renewal_fiscal_year;
        let edition = self.book.for_fiscal_year(fy)?;
        let exempt = specialist.renewals_completed >= edition.total.exempt_after_renewals.value;
        let max_ext = edition.period.max_extensions.value;
        let ext = specialist.extensions.min(max_ext);
        let end = specialist.period_end.add_years((ext * edition.period.extension_years.value) as i32);
        let window = Window { start: specialist.period_start.max(edition.units_from()), end };
        let old_window = edition.old_points.as_ref().map(|o| Window {
            start: CalendarDate::new(fy - (o.window_years.value - 1), 1, 1).expect("1 January"),
            end: CalendarDate::new(fy, 12, 31).expect("31 December"),
        });

        self.prepare(activities, old_window);
        let mut decided_by = edition;
        let mut a = self.assess(edition, exempt, window, old_window, activities);
        let (met, mut shortfalls) = requirements(edition, exempt, &a);

        let mut head = vec![];
        let mut verdict;
        let mut outcome;
        if let Some(old) = &edition.old_points {
            let old_ok = a.old_points >= old.required.value;
            if !old_ok {
                shortfalls.push(finding(
                    "R7",
                    FindingKind::OldPointsShort { earned: a.old_points, required: old.required.value },
                ));
            }
            if met && old_ok {
                (verdict, outcome) = (Verdict::Pass, Outcome::BoardRenewal);
            } else if let Some(alt) =
                (!edition.alternative.is_empty()).then(|| self.book.by_id(&edition.alternative)).flatten()
                && let alt_assessment = self.assess(alt, exempt, window, None, activities)
                && let (true, alt_shortfalls) = requirements(alt, exempt, &alt_assessment)
            {
                // R7.4: the full criteria instead of the transition's.
                head.push(finding("R7.4", FindingKind::FullCriteriaMet));
                (decided_by, a, shortfalls) = (alt, alt_assessment, alt_shortfalls);
                (verdict, outcome) = (Verdict::Pass, Outcome::BoardRenewal);
            } else if a.old_points >= old.society_full.value {
                head.push(finding(
                    "R7.2",
                    FindingKind::SocietyRenewal {
                        earned: a.old_points,
                        society_full: old.society_full.value,
                        next_year: fy + 1,
                        extension_left: specialist.extensions < max_ext,
                    },
                ));
                (verdict, outcome) = (Verdict::Fail, Outcome::SocietyRenewal);
            } else {
                let shortfall_points = old.society_full.value - a.old_points;
                let shortfall_years = shortfall_points / old.points_per_year.value;
                let new_units = a.counted_total();
                let new_years = new_units.as_f64() / old.units_per_year.value;
                if new_years + 1e-9 >= shortfall_years {
                    head.push(finding(
                        "R7.3",
                        FindingKind::IndividualReview { shortfall_points, shortfall_years, new_units, new_years },
                    ));
                    (verdict, outcome) = (Verdict::Review, Outcome::IndividualReview);
                } else {
                    head.push(finding(
                        "R7.3",
                        FindingKind::TransitionShortfall { shortfall_points, shortfall_years, new_units, new_years },
                    ));
                    (verdict, outcome) = (Verdict::Fail, Outcome::NotMet);
                }
            }
        } else if met {
            (verdict, outcome) = (Verdict::Pass, Outcome::BoardRenewal);
        } else {
            if specialist.deferral.is_none() {
                let hint = if specialist.extensions < max_ext {
                    FindingKind::ExtensionAvailable
                } else {
                    FindingKind::ExtensionUsed
                };
                head.push(finding("R6.3", hint));
            }
            (verdict, outcome) = (Verdict::Fail, Outcome::NotMet);
        }

        if specialist.extensions > max_ext {
            head.push(finding(
                "R6.3",
                FindingKind::ExtensionsExceeded { extensions: specialist.extensions, max: max_ext },
            ));
            (verdict, outcome) = (Verdict::Review, Outcome::CommitteeDecision);
        }
        if let Some(reason) = specialist.deferral {
            head.push(finding("R6.1", FindingKind::Deferred { reason }));
            (verdict, outcome) = (Verdict::Review, Outcome::Deferred);
        }
        if ext > 0 {
            head.push(finding("R6.3", FindingKind::ExtensionApplied { end }));
        }
        if exempt {
            head.push(finding("R1.3", FindingKind::ExemptRequirement { required: decided_by.required_units(true) }));
            if decided_by.is_transition() {
                head.push(finding("R1.3", FindingKind::ExemptTransitionAttachment));
            }
        }

        let counted_units = a.counted_total();
        let categories = Category::ALL.map(|c| {
            let (min, max) = decided_by.bounds(c, exempt);
            CategoryResult { category: c, earned: a.earned[c.index()], counted: a.counted[c.index()], min, max }
        });
        let (mandatory_total, _) = decided_by.mandatory_total(counted_units);
        let old_points = match (&decided_by.old_points, old_window) {
            (Some(o), Some(w)) => Some(OldPointsResult {
                earned: a.old_points,
                required: o.required.value,
                society_full: o.society_full.value,
                window: w,
            }),
            _ => None,
        };
        let mut findings = Vec::with_capacity(head.len() + shortfalls.len() + a.findings.len() + 1);
        findings.append(&mut head);
        findings.append(&mut shortfalls);
        findings.extend(a.clinical_note.take());
        findings.append(&mut a.findings);
        Ok(Evaluation {
            specialist_id: specialist.id.clone(),
            renewal_fiscal_year: fy,
            edition: decided_by.id.clone(),
            verdict,
            outcome,
            exempt,
            window,
            required_units: decided_by.required_units(exempt),
            counted_units,
            categories,
            cases: a.cases,
            mandatory: a.mandatory,
            mandatory_each: Units::whole(decided_by.common.mandatory_each.value),
            mandatory_total,
            old_points,
            findings,
        })
    }

    /// Date order (ties by row) and the old-point claims that R5.9 checks against.
    fn prepare(&mut self, activities: &[Activity], old_window: Option<Window>) {
        self.order.clear();
        self.order.extend(0..activities.len() as u32);
        // (date, row) packed into one integer: year, month, day above the 32 bits of the row.
        let key = |i: u32| {
            let a = &activities[i as usize];
            let d = a.date;
            ((d.year() as u64 & 0x3f_ffff) << 41) | ((d.month() as u64) << 37) | ((d.day() as u64) << 32) | a.row as u64
        };
        // Ledgers usually arrive in date order; then there is nothing to sort.
        if !self.order.is_sorted_by_key(|&i| key(i)) {
            self.order.sort_unstable_by_key(|&i| key(i));
        }
        self.old_claims.clear();
        if let Some(w) = old_window {
            for a in activities {
                if a.kind == ActivityKind::OldPoints
                    && w.contains(a.date)
                    && let Some(e) = a.evidence
                {
                    self.old_claims.push((a.date, e, a.row));
                }
            }
        }
    }

    /// Units of every activity under `edition`, with the caps applied in date order.
    fn assess(
        &self,
        edition: &RenewalEdition,
        exempt: bool,
        window: Window,
        old_window: Option<Window>,
        activities: &[Activity],
    ) -> Assessment {
        let ach = &edition.achievements;
        let common = &edition.common;
        let specialty = &edition.specialty;
        let granularity = edition.period.hour_granularity.value;
        let hours_units = |h: f64| {
            let u = Units::floor_half(h);
            if granularity >= 1.0 { Units::whole(u.halves() / 2) } else { u }
        };
        let caps = Category::ALL.map(|c| edition.bounds(c, exempt).1);
        let transition_rule = if edition.is_transition() { "R7.1" } else { "R2" };
        let units_from_fy = window.start.fiscal_year();

        let mut a = Assessment {
            earned: [Units::ZERO; 4],
            counted: [Units::ZERO; 4],
            cases: 0,
            mandatory: [Units::ZERO; 3],
            old_points: 0.0,
            clinical_note: None,
            findings: Vec::new(),
        };
        let (mut meetings, mut school) = (Units::ZERO, Units::ZERO);
        let (mut exam_years, mut accident_years) = (0u64, 0u64);
        let case_limit =
            if exempt { 0 } else { edition.clinical.max_units.value * edition.clinical.cases_per_unit.value };

        for &i in &self.order {
            let act = &activities[i as usize];
            let row = Some(act.row);
            let refuse = |a: &mut Assessment, rule: &'static str, kind: FindingKind| {
                a.findings.push(Finding { rule, row, kind });
            };
            if act.kind == ActivityKind::OldPoints {
                match old_window {
                    None => refuse(&mut a, "R7.4", FindingKind::OldPointsNotUsed),
                    Some(w) if w.contains(act.date) => a.old_points += act.quantity,
                    Some(w) => refuse(
                        &mut a,
                        "R7.1",
                        FindingKind::OutsideOldWindow { date: act.date, start: w.start, end: w.end },
                    ),
                }
                continue;
            }
            let rule = rule_of(act.kind);
            if !window.contains(act.date) {
                let kind = FindingKind::OutsidePeriod { date: act.date, start: window.start, end: window.end };
                refuse(&mut a, transition_rule, kind);
                continue;
            }
            if !act.approved {
                refuse(&mut a, rule, FindingKind::NotApproved { kind: act.kind });
                continue;
            }
            if act.e_learning && act.evidence.is_none() {
                refuse(&mut a, rule, FindingKind::ELearningWithoutEvidence);
                continue;
            }
            if act.kind.may_hold_old_points()
                && let Some(e) = act.evidence
                && let Some(&(_, _, old_row)) = self.old_claims.iter().find(|(d, ev, _)| *d == act.date && *ev == e)
            {
                refuse(&mut a, "R5.9", FindingKind::CountedAsOldPoints { old_row });
                continue;
            }
            let q = act.quantity;
            let whole = |n: u32, q: f64| Units::whole(n.saturating_mul(q.min(u32::MAX as f64) as u32));
            let (units, sub_cap) = match act.kind {
                ActivityKind::CaseOperation | ActivityKind::CaseTreatment => {
                    let cases = q.min(u32::MAX as f64) as u32;
                    let before = a.cases;
                    a.cases = a.cases.saturating_add(cases);
                    if !exempt && a.cases > case_limit {
                        let counted = case_limit.saturating_sub(before);
                        let kind = FindingKind::CasesOverCap { cases, counted, limit: case_limit };
                        refuse(&mut a, "R1.2", kind);
                    }
                    continue;
                }
                ActivityKind::CommonLecture(item) => {
                    if q < common.min_lecture_hours.value {
                        let kind = FindingKind::LectureTooShort { hours: q, min: common.min_lecture_hours.value };
                        refuse(&mut a, "R3.2", kind);
                        continue;
                    }
                    let per_hour = match act.role {
                        Role::Attendee => common.attendee_units_per_hour.value,
                        Role::Lecturer => common.lecturer_units_per_hour.value,
                    };
                    let units = Units::from_halves(hours_units(q).halves().saturating_mul(per_hour));
                    if let Some(m) = item.mandatory_index() {
                        a.mandatory[m] += units;
                    }
                    (units, None)
                }
                ActivityKind::SpecialtyLecture => {
                    if q < specialty.min_lecture_hours.value {
                        let kind = FindingKind::LectureTooShort { hours: q, min: specialty.min_lecture_hours.value };
                        refuse(&mut a, "R4", kind);
                        continue;
                    }
                    let units = match act.role {
                        Role::Attendee => Units::from_halves(
                            hours_units(q).halves().saturating_mul(specialty.attendee_units_per_hour.value),
                        ),
                        Role::Lecturer => Units::whole(specialty.lecturer_units_per_lecture.value),
                    };
                    (units, None)
                }
                ActivityKind::MeetingAttendance(level) => {
                    let per = match level {
                        MeetingLevel::National => ach.meeting_national.value,
                        MeetingLevel::Regional => ach.meeting_regional.value,
                        MeetingLevel::Other => ach.meeting_other.value,
                    };
                    (whole(per, q), Some((Cap::Meetings, Units::whole(ach.meeting_cap.value))))
                }
                ActivityKind::Presentation(_) => (whole(ach.presentation.value, q), None),
                ActivityKind::Paper(PaperRole::FirstAuthor) => (whole(ach.paper_first_author.value, q), None),
                ActivityKind::Paper(PaperRole::Coauthor) => (whole(ach.paper_coauthor.value, q), None),
                ActivityKind::PeerReview => (whole(ach.peer_review_per_paper.value, q), None),
                ActivityKind::ExamDuty | ActivityKind::AccidentInvestigation => {
                    let (years, per) = if act.kind == ActivityKind::ExamDuty {
                        (&mut exam_years, ach.exam_duty_per_fiscal_year.value)
                    } else {
                        (&mut accident_years, ach.accident_investigation_per_fiscal_year.value)
                    };
                    let fy = act.date.fiscal_year();
                    let bit = 1u64 << ((fy - units_from_fy).rem_euclid(64) as u32);
                    if *years & bit != 0 {
                        refuse(&mut a, rule, FindingKind::OncePerFiscalYear { kind: act.kind, fiscal_year: fy });
                        continue;
                    }
                    *years |= bit;
                    (Units::whole(per), None)
                }
                ActivityKind::PublicLecture => {
                    let per = ach.public_lecture_minutes_per_unit.value as f64;
                    let n = ((q + ach.public_lecture_tolerance_minutes.value as f64) / per).floor();
                    if n < 1.0 {
                        refuse(&mut a, "R5.6", FindingKind::PublicLectureTooShort { minutes: q });
                        continue;
                    }
                    (Units::whole(n.min(u32::MAX as f64 / 2.0) as u32), None)
                }
                ActivityKind::SchoolDoctor => {
                    if q < ach.school_doctor_min_years.value {
                        let kind =
                            FindingKind::SchoolDoctorTooShort { years: q, min: ach.school_doctor_min_years.value };
                        refuse(&mut a, "R5.7", kind);
                        continue;
                    }
                    (
                        Units::whole(ach.school_doctor_units.value),
                        Some((Cap::SchoolDoctor, Units::whole(ach.school_doctor_cap.value))),
                    )
                }
                ActivityKind::OldPoints => unreachable!("handled above"),
            };
            let c = act.kind.category().expect("old points handled above").index();
            a.earned[c] += units;
            let mut grant = units;
            if let Some((cap, limit)) = sub_cap {
                let used = if cap == Cap::Meetings { &mut meetings } else { &mut school };
                let room = limit - *used;
                if grant > room {
                    let kind = FindingKind::OverCap { cap, earned: units, counted: room, limit };
                    refuse(&mut a, if cap == Cap::Meetings { "R5.1" } else { "R5.7" }, kind);
                    grant = room;
                }
                *used += grant;
            }
            if let Some(limit) = caps[c] {
                let room = limit - a.counted[c];
                if grant > room {
                    let kind = FindingKind::OverCap {
                        cap: Cap::Category(Category::ALL[c]),
                        earned: grant,
                        counted: room,
                        limit,
                    };
                    refuse(&mut a, "R2", kind);
                    grant = room;
                }
            }
            a.counted[c] += grant;
        }

        // i) 診療実績: whole units per cases_per_unit (R1.2), exempt after three renewals (R1.3).
        let per = edition.clinical.cases_per_unit.value;
        let units = a.cases / per;
        let clinical = Category::Clinical.index();
        a.earned[clinical] = Units::whole(units);
        if exempt {
            if a.cases > 0 {
                a.clinical_note = Some(finding("R1.3", FindingKind::ExemptCasesNotCounted { cases: a.cases }));
            }
        } else {
            let max = edition.clinical.max_units.value;
            a.counted[clinical] = Units::whole(units.min(max));
            if units < max && !a.cases.is_multiple_of(per) {
                let kind = FindingKind::CasesRemainder { cases: a.cases, remainder: a.cases % per, per_unit: per };
                a.clinical_note = Some(finding("R1.2", kind));
            }
        }
        a
    }
}

/// The requirements of R1–R3 and R2's total on an assessment: met or not, and what failed.
fn requirements(edition: &RenewalEdition, exempt: bool, a: &Assessment) -> (bool, Vec<Finding>) {
    let mut out = vec![];
    for c in Category::ALL {
        let (min, _) = edition.bounds(c, exempt);
        let counted = a.counted[c.index()];
        if counted < min {
            let rule = match c {
                Category::Clinical => "R1.1",
                Category::Common => "R2",
                Category::Specialty => "R4",
                Category::Achievements => "R5",
            };
            out.push(finding(rule, FindingKind::CategoryBelowMin { category: c, counted, min }));
        }
    }
    let each = Units::whole(edition.common.mandatory_each.value);
    let mut each_short = false;
    for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
        if a.mandatory[i] < each {
            each_short = true;
            out.push(finding("R3.1", FindingKind::MandatoryItemShort { item, earned: a.mandatory[i], need: each }));
        }
    }
    let total = a.counted_total();
    let (need, step) = edition.mandatory_total(total);
    let earned: Units = a.mandatory.iter().copied().sum();
    if !each_short && earned < need {
        out.push(finding("R3.1", FindingKind::MandatoryTotalShort { earned, need, step }));
    }
    let required = edition.required_units(exempt);
    if total < required {
        out.push(finding("R2", FindingKind::TotalShort { counted: total, required }));
    }
    (out.is_empty(), out)
}

fn finding(rule: &'static str, kind: FindingKind) -> Finding {
    Finding { rule, row: None, kind }
}

/// The rule an activity's own conditions come from.
fn rule_of(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::CaseOperation | ActivityKind::CaseTreatment => "R1.1",
        ActivityKind::CommonLecture(_) => "R3.3",
        ActivityKind::SpecialtyLecture => "R4",
        ActivityKind::MeetingAttendance(_) => "R5.1",
        ActivityKind::Presentation(_) => "R5.2",
        ActivityKind::Paper(_) => "R5.3",
        ActivityKind::PeerReview => "R5.4",
        ActivityKind::ExamDuty => "R5.5",
        ActivityKind::PublicLecture => "R5.6",
        ActivityKind::SchoolDoctor => "R5.7",
        ActivityKind::AccidentInvestigation => "R5.8",
        ActivityKind::OldPoints => "R7",
    }
}
