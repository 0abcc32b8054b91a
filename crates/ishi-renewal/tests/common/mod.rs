//! A small ledger builder for hand-computed scenarios: each call adds one activity, dated inside the
//! renewal period unless a date is given.
#![allow(dead_code)]

use ishi_calendar::CalendarDate;
use ishi_renewal::{
    Activity, ActivityKind, CommonItem, Evaluation, EvidenceId, MeetingLevel, PaperRole, PresentationRole, Role,
    RuleBook, Specialist, evaluate,
};

pub fn d(s: &str) -> CalendarDate {
    CalendarDate::parse(s).unwrap()
}

/// A specialist due in `fy` with the period 1 April (fy−5) – 31 March fy.
pub fn due(fy: i32) -> Specialist {
    Specialist {
        id: format!("S{fy}"),
        name: "形成 花子".into(),
        renewals_completed: 0,
        renewal_fiscal_year: fy,
        period_start: CalendarDate::new(fy - 5, 4, 1).unwrap(),
        period_end: CalendarDate::new(fy, 3, 31).unwrap(),
        extensions: 0,
        deferral: None,
    }
}

/// A specialist of the transition year `fy`: period January (fy−4) – December fy (R7.1).
pub fn transition(fy: i32) -> Specialist {
    Specialist {
        period_start: CalendarDate::new(fy - 4, 1, 1).unwrap(),
        period_end: CalendarDate::new(fy, 12, 31).unwrap(),
        ..due(fy)
    }
}

pub struct Ledger {
    pub rows: Vec<Activity>,
    pub date: CalendarDate,
    evidence: Vec<String>,
}

impl Ledger {
    /// Activities dated `date` unless said otherwise.
    pub fn on(date: &str) -> Self {
        Self { rows: vec![], date: d(date), evidence: vec![] }
    }

    pub fn push(&mut self, kind: ActivityKind, quantity: f64) -> &mut Activity {
        let row = self.rows.len() as u32 + 2;
        self.rows.push(Activity {
            row,
            date: self.date,
            kind,
            quantity,
            role: Role::Attendee,
            approved: true,
            e_learning: false,
            evidence: None,
        });
        self.rows.last_mut().unwrap()
    }

    pub fn evidence(&mut self, text: &str) -> EvidenceId {
        let i = self.evidence.iter().position(|e| e == text).unwrap_or_else(|| {
            self.evidence.push(text.to_string());
            self.evidence.len() - 1
        });
        EvidenceId(i as u32)
    }

    pub fn cases(&mut self, n: u32) -> &mut Self {
        self.push(ActivityKind::CaseOperation, n as f64);
        self
    }
    pub fn common(&mut self, item: CommonItem, hours: f64) -> &mut Self {
        self.push(ActivityKind::CommonLecture(item), hours);
        self
    }
    pub fn specialty(&mut self, hours: f64) -> &mut Self {
        self.push(ActivityKind::SpecialtyLecture, hours);
        self
    }
    pub fn meeting(&mut self, level: MeetingLevel) -> &mut Self {
        self.push(ActivityKind::MeetingAttendance(level), 1.0);
        self
    }
    pub fn paper(&mut self, role: PaperRole) -> &mut Self {
        self.push(ActivityKind::Paper(role), 1.0);
        self
    }
    pub fn presentation(&mut self, role: PresentationRole) -> &mut Self {
        self.push(ActivityKind::Presentation(role), 1.0);
        self
    }
    pub fn old_points(&mut self, points: f64) -> &mut Self {
        self.push(ActivityKind::OldPoints, points);
        self
    }
    /// The three mandatory lectures, one hour each (3 units).
    pub fn mandatory(&mut self) -> &mut Self {
        for item in CommonItem::MANDATORY {
            self.common(item, 1.0);
        }
        self
    }
    pub fn at(&mut self, date: &str) -> &mut Self {
        self.date = d(date);
        self
    }

    /// The full criteria met exactly: i) 100 cases = 10, ii) 3 mandatory hours = 3, iii) 31 hours = 31,
    /// iv) two national meetings = 6; 10 + 3 + 31 + 6 = 50.
    pub fn full_pass() -> Self {
        let mut l = Ledger::on("2022-06-01");
        l.cases(100).mandatory().specialty(31.0).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
        l
    }

    /// [`Ledger::full_pass`] with 医療倫理 replaced by 保険医療: 50 units counted, ii) 3 ≥ its minimum,
    /// but the mandatory 医療倫理 at 0.
    pub fn without_ethics() -> Self {
        let mut l = Ledger::on("2022-06-01");
        l.cases(100)
            .common(CommonItem::MedicalSafety, 1.0)
            .common(CommonItem::InfectionControl, 1.0)
            .common(CommonItem::InsuranceMedicine, 1.0)
            .specialty(31.0)
            .meeting(MeetingLevel::National)
            .meeting(MeetingLevel::National);
        l
    }

    pub fn evaluate(&self, s: &Specialist) -> Evaluation {
        evaluate(&RuleBook::builtin(), s, &self.rows).unwrap()
    }
}

/// Units as a number, for readable assertions.
pub fn n(u: ishi_renewal::Units) -> f64 {
    u.as_f64()
}

pub fn rules(e: &Evaluation) -> Vec<&'static str> {
    e.findings.iter().map(|f| f.rule).collect()
}
