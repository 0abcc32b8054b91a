//! What is left to do (SPEC R9): for a renewal that does not pass, the fewest lecture hours and
//! activities that would make it pass before the end of the period, respecting caps and mandatory
//! items.
//!
//! The plan is built by simulation on the engine itself: each proposed activity is added to the
//! ledger and the renewal re-evaluated, so a plan can never disagree with the verdict it promises.
//! Order of filling: the clinical record, each missing mandatory item, the mandatory total, every
//! category's minimum, then the rest of the total in lecture hours (1 hour = 1 unit) — specialty
//! lectures first (largest room), then common lectures, then achievements.

use ishi_calendar::CalendarDate;

use crate::evaluate::{Evaluation, Evaluator, Verdict};
use crate::finding::{FindingKind, fmt_num};
use crate::ledger::{Activity, ActivityKind, Category, CommonItem, MeetingLevel, Role, Specialist};
use crate::units::Units;

/// One activity the specialist still has to do.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedActivity {
    pub kind: ActivityKind,
    /// Cases, hours, attendances or papers, as the kind measures it.
    pub quantity: f64,
    /// Units the activity adds to the counted total (0 for a mandatory hour already over ii)'s cap).
    pub units: Units,
    /// The rule the activity satisfies.
    pub rule: &'static str,
}

impl PlannedActivity {
    /// In Japanese, for people.
    pub fn message(&self) -> String {
        let what = match self.kind {
            ActivityKind::CaseOperation | ActivityKind::CaseTreatment => format!("症例をあと{}例", self.quantity),
            ActivityKind::CommonLecture(item) => {
                format!("専門医共通講習「{}」を{}時間受講", item.as_ja(), fmt_num(self.quantity))
            }
            ActivityKind::SpecialtyLecture => format!("形成外科領域講習を{}時間受講", fmt_num(self.quantity)),
            ActivityKind::PeerReview => format!("論文査読を{}件", self.quantity),
            ActivityKind::OldPoints => format!("旧基準の点をあと{}点", fmt_num(self.quantity)),
            kind => format!("{}を{}回", kind.as_ja(), self.quantity),
        };
        format!("{what}（+{}単位, {}）", self.units, self.rule)
    }
}

/// Why a plan cannot be carried out as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanObstacle {
    /// The period has ended; only an extension (R6.3) or the committee can help.
    PeriodOver { end: CalendarDate },
    /// The caps leave no room for the units still missing.
    CapsExhausted,
    /// The verdict is the committee's (deferral, 個別審査, extensions beyond the rule).
    CommitteeDecides,
}

impl PlanObstacle {
    /// In Japanese, for people.
    pub fn message(&self) -> String {
        match self {
            PlanObstacle::PeriodOver { end } => {
                format!("算定期間は {end} に終わっています: 延長（R6.3）または委員会の判断が必要です")
            }
            PlanObstacle::CapsExhausted => "上限のため、これ以上の活動では基準を満たせません".to_string(),
            PlanObstacle::CommitteeDecides => "判定は委員会が行います（留保・個別審査など）".to_string(),
        }
    }

    /// The key used in JSON.
    pub fn key(&self) -> &'static str {
        match self {
            PlanObstacle::PeriodOver { .. } => "period_over",
            PlanObstacle::CapsExhausted => "caps_exhausted",
            PlanObstacle::CommitteeDecides => "committee_decides",
        }
    }
}

/// What is left for one renewal.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalPlan {
    pub specialist_id: String,
    /// The renewal already passes: nothing to do.
    pub already_passes: bool,
    pub activities: Vec<PlannedActivity>,
    /// Lecture hours in the plan.
    pub lecture_hours: f64,
    /// Cases in the plan.
    pub cases: u32,
    /// Last day an activity counts.
    pub deadline: CalendarDate,
    /// Days from the reference date to the deadline (negative: past).
    pub days_left: i64,
    pub obstacle: Option<PlanObstacle>,
    /// The evaluation the plan would lead to.
    pub verdict_after: Verdict,
}

/// The plan for `specialist` given its ledger, as of `today` (injected: the domain has no clock).
pub fn what_is_left(
    evaluator: &mut Evaluator<'_>,
    specialist: &Specialist,
    activities: &[Activity],
    today: CalendarDate,
) -> Result<RenewalPlan, crate::RenewalError> {
    let before = evaluator.evaluate(specialist, activities)?;
    let deadline = before.window.end;
    let days_left = today.days_until(deadline);
    let mut plan = RenewalPlan {
        specialist_id: specialist.id.clone(),
        already_passes: before.verdict == Verdict::Pass,
        activities: vec![],
        lecture_hours: 0.0,
        cases: 0,
        deadline,
        days_left,
        obstacle: None,
        verdict_after: before.verdict,
    };
    if plan.already_passes {
        return Ok(plan);
    }
    let date = if today < before.window.start {
        before.window.start
    } else if today > deadline {
        deadline
    } else {
        today
    };
    let mut sim = Simulation {
        evaluator,
        specialist,
        ledger: activities.to_vec(),
        next_row: activities.iter().map(|a| a.row).max().unwrap_or(1) + 1,
        date,
        current: before,
        plan: &mut plan,
    };
    sim.fill()?;
    if days_left < 0 {
        plan.obstacle = Some(PlanObstacle::PeriodOver { end: deadline });
    } else if plan.verdict_after == Verdict::Review {
        plan.obstacle = Some(PlanObstacle::CommitteeDecides);
    } else if plan.verdict_after != Verdict::Pass {
        plan.obstacle = Some(PlanObstacle::CapsExhausted);
    }
    Ok(plan)
}

struct Simulation<'a, 'b> {
    evaluator: &'a mut Evaluator<'b>,
    specialist: &'a Specialist,
    ledger: Vec<Activity>,
    next_row: u32,
    date: CalendarDate,
    current: Evaluation,
    plan: &'a mut RenewalPlan,
}

impl Simulation<'_, '_> {
    /// Adds an activity, re-evaluates, records it in the plan with the units it added.
    fn add(&mut self, kind: ActivityKind, quantity: f64, rule: &'static str) -> Result<Units, crate::RenewalError> {
        self.ledger.push(Activity {
            row: self.next_row,
            date: self.date,
            kind,
            quantity,
            role: Role::Attendee,
            approved: true,
            e_learning: false,
            evidence: None,
        });
        self.next_row += 1;
        let after = self.evaluator.evaluate(self.specialist, &self.ledger)?;
        let units = after.counted_units - self.current.counted_units;
        self.current = after;
        match kind {
            ActivityKind::CommonLecture(_) | ActivityKind::SpecialtyLecture => self.plan.lecture_hours += quantity,
            ActivityKind::CaseOperation | ActivityKind::CaseTreatment => self.plan.cases += quantity as u32,
            _ => {}
        }
        self.plan.activities.push(PlannedActivity { kind, quantity, units, rule });
        self.plan.verdict_after = self.current.verdict;
        Ok(units)
    }

    fn category(&self, c: Category) -> crate::CategoryResult {
        *self.current.category(c)
    }

    fn fill(&mut self) -> Result<(), crate::RenewalError> {
        let edition = self.evaluator.book().for_fiscal_year(self.specialist.renewal_fiscal_year)?;
        let min_hours = edition.common.min_lecture_hours.value.max(edition.specialty.min_lecture_hours.value);
        // Whole hours at least the lecture minimum: what a person can actually attend.
        let hours_for = |u: Units| (u.ceil_whole() as f64).max(min_hours);

        // i) the clinical record (R1.1): the cases up to the minimum.
        let clinical = self.category(Category::Clinical);
        if clinical.counted < clinical.min {
            let per = edition.clinical.cases_per_unit.value;
            let target = clinical.min.ceil_whole() * per;
            self.add(ActivityKind::CaseOperation, target.saturating_sub(self.current.cases) as f64, "R1.1")?;
        }
        // ii) each mandatory item (R3.1).
        for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
            let short = self.current.mandatory_each - self.current.mandatory[i];
            if !short.is_zero() {
                self.add(ActivityKind::CommonLecture(item), hours_for(short), "R3.1")?;
            }
        }
        for _ in 0..8 {
            if self.current.verdict == Verdict::Pass {
                break;
            }
            let planned = self.plan.activities.len();
            // ii) the mandatory items together (step-ups may rise as units are added).
            let mandatory: Units = self.current.mandatory.iter().copied().sum();
            let short = self.current.mandatory_total - mandatory;
            if !short.is_zero() {
                self.add(ActivityKind::CommonLecture(CommonItem::MedicalSafety), hours_for(short), "R3.1")?;
            }
            // Each category's minimum.
            let common = self.category(Category::Common);
            if common.counted < common.min {
                self.add(ActivityKind::CommonLecture(CommonItem::Other), hours_for(common.shortfall()), "R2")?;
            }
            let specialty = self.category(Category::Specialty);
            if specialty.counted < specialty.min {
                self.add(ActivityKind::SpecialtyLecture, hours_for(specialty.shortfall()), "R4")?;
            }
            self.achievements_up_to(self.category(Category::Achievements).min, "R5")?;
            // The rest of the total (R2), in lecture hours where there is room.
            let missing = self.current.required_units - self.current.counted_units;
            if !missing.is_zero() {
                let room = self.category(Category::Specialty).room();
                if room.is_none_or(|r| !r.is_zero()) {
                    let take = room.map_or(missing, |r| r.min(missing));
                    self.add(ActivityKind::SpecialtyLecture, hours_for(take), "R2")?;
                }
            }
            let missing = self.current.required_units - self.current.counted_units;
            let room = self.category(Category::Common).room().unwrap_or(Units::ZERO);
            if !missing.is_zero() && !room.is_zero() {
                self.add(ActivityKind::CommonLecture(CommonItem::Other), hours_for(room.min(missing)), "R2")?;
            }
            let missing = self.current.required_units - self.current.counted_units;
            if !missing.is_zero() {
                let target = self.category(Category::Achievements).counted + missing;
                self.achievements_up_to(target, "R2")?;
            }
            let missing = self.current.required_units - self.current.counted_units;
            let clinical = self.category(Category::Clinical);
            if !missing.is_zero() && clinical.room().is_some_and(|r| !r.is_zero()) {
                let per = edition.clinical.cases_per_unit.value;
                let units = clinical.room().unwrap().min(missing).ceil_whole();
                let cases = (clinical.counted.ceil_whole() + units) * per;
                self.add(ActivityKind::CaseOperation, cases.saturating_sub(self.current.cases) as f64, "R2")?;
            }
            // Old points (R7): only what the transition still asks.
            if let Some(short) = self.current.findings.iter().find_map(|f| match f.kind {
                FindingKind::OldPointsShort { earned, required } => Some(required - earned),
                _ => None,
            }) && self.current.old_points.is_some_and(|o| o.window.contains(self.date))
            {
                self.add(ActivityKind::OldPoints, short, "R7")?;
            }
            if self.plan.activities.len() == planned {
                break; // nothing more the rules let a plan add
            }
        }
        Ok(())
    }

    /// iv) up to `target` counted units: 総会 attendance while the meeting cap leaves room for it,
    /// then peer reviews (1 unit each, no cap but iv's own).
    fn achievements_up_to(&mut self, target: Units, rule: &'static str) -> Result<(), crate::RenewalError> {
        let ach = |s: &Self| s.category(Category::Achievements);
        for level in MeetingLevel::ALL {
            let mut tries = 0;
            while ach(self).counted < target && ach(self).room().is_none_or(|r| !r.is_zero()) && tries < 6 {
                let gap = target - ach(self).counted;
                let per = match level {
                    MeetingLevel::National => 6,
                    MeetingLevel::Regional => 4,
                    MeetingLevel::Other => 2,
                };
                if gap.halves() < per {
                    break;
                }
                tries += 1;
                let before = ach(self).counted;
                self.add(ActivityKind::MeetingAttendance(level), 1.0, rule)?;
                if ach(self).counted - before < Units::from_halves(per) {
                    // The meeting cap leaves no room for it: take the attendance back out of the plan.
                    self.undo_last()?;
                    break;
                }
            }
        }
        let gap = target - ach(self).counted;
        let room = ach(self).room().unwrap_or(gap);
        let n = gap.min(room).ceil_whole();
        if n > 0 {
            self.add(ActivityKind::PeerReview, n as f64, rule)?;
        }
        Ok(())
    }

    fn undo_last(&mut self) -> Result<(), crate::RenewalError> {
        self.ledger.pop();
        self.next_row -= 1;
        self.plan.activities.pop();
        self.current = self.evaluator.evaluate(self.specialist, &self.ledger)?;
        self.plan.verdict_after = self.current.verdict;
        Ok(())
    }
}
