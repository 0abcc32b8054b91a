//! What is left (SPEC R9): hand-computed plans.

mod common;

use common::{Ledger, d, due, n};
use ishi_renewal::{ActivityKind, CommonItem, Evaluator, MeetingLevel, PlanObstacle, RuleBook, Verdict, what_is_left};

fn plan(l: &Ledger, fy: i32, today: &str) -> ishi_renewal::RenewalPlan {
    let book = RuleBook::builtin();
    let mut ev = Evaluator::new(&book);
    what_is_left(&mut ev, &due(fy), &l.rows, d(today)).unwrap()
}

#[test]
fn r9_a_passing_renewal_has_nothing_left() {
    let p = plan(&Ledger::full_pass(), 2025, "2024-10-01");
    assert!(p.already_passes);
    assert!(p.activities.is_empty());
}

#[test]
fn r9_eleven_units_short_are_eleven_specialty_hours() {
    // 10 + 3 + 20 + 6 = 39: iii has room 31 − 20 = 11 → 11 hours of 形成外科領域講習.
    let mut l = Ledger::on("2022-06-01");
    l.cases(100).mandatory().specialty(20.0).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    let p = plan(&l, 2025, "2024-10-01");
    assert_eq!(p.activities.len(), 1);
    assert_eq!((p.activities[0].kind, p.activities[0].quantity), (ActivityKind::SpecialtyLecture, 11.0));
    assert_eq!(n(p.activities[0].units), 11.0);
    assert_eq!(p.lecture_hours, 11.0);
    assert_eq!(p.verdict_after, Verdict::Pass);
    assert_eq!(p.days_left, 181); // 2024-10-01 → 2025-03-31
    assert!(p.activities[0].message().contains("形成外科領域講習を11時間受講"));
}

#[test]
fn r9_a_missing_mandatory_item_is_one_hour_of_it() {
    // 医療倫理 missing, all else met (50 counted): one hour of 医療倫理 and nothing more.
    let l = Ledger::without_ethics();
    let p = plan(&l, 2025, "2024-10-01");
    assert_eq!(p.activities.len(), 1);
    assert_eq!(p.activities[0].kind, ActivityKind::CommonLecture(CommonItem::MedicalEthics));
    assert_eq!((p.activities[0].quantity, p.activities[0].rule), (1.0, "R3.1"));
    assert_eq!(p.verdict_after, Verdict::Pass);
}

#[test]
fn r9_an_empty_ledger_needs_the_whole_renewal() {
    // 100 cases; 3 mandatory hours; iii minimum 15 h; iv minimum 6 = two 総会; the rest
    // 50 − (10 + 3 + 15 + 6) = 16 more specialty hours. Lecture hours: 3 + 15 + 16 = 34.
    let p = plan(&Ledger::on("2022-06-01"), 2025, "2021-04-01");
    assert_eq!(p.cases, 100);
    assert_eq!(p.lecture_hours, 34.0);
    let meetings = p.activities.iter().filter(|a| a.kind == ActivityKind::MeetingAttendance(MeetingLevel::National));
    assert_eq!(meetings.count(), 2);
    assert_eq!(p.verdict_after, Verdict::Pass);
    assert_eq!(p.obstacle, None);
}

#[test]
fn r9_after_the_deadline_the_plan_says_the_period_is_over() {
    let p = plan(&Ledger::on("2022-06-01"), 2025, "2025-05-01");
    assert_eq!(p.obstacle, Some(PlanObstacle::PeriodOver { end: d("2025-03-31") }));
    assert_eq!(p.days_left, -31);
}

#[test]
fn r9_achievements_minimum_is_met_with_meetings_within_their_cap() {
    // iv) has one regional meeting (2) of its minimum 6: a 総会 (3) then an other meeting (1) make 6,
    // the meeting cap exactly (R5.1); the total 10 + 3 + 31 + 6 = 50 then passes.
    let mut l = Ledger::on("2022-06-01");
    l.cases(100).mandatory().specialty(31.0).meeting(MeetingLevel::Regional);
    let p = plan(&l, 2025, "2024-10-01");
    let kinds: Vec<_> = p.activities.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [ActivityKind::MeetingAttendance(MeetingLevel::National), ActivityKind::MeetingAttendance(MeetingLevel::Other)]
    );
    assert_eq!(p.verdict_after, Verdict::Pass);
}

#[test]
fn r9_lectures_come_before_achievements_for_the_total() {
    // Exempt (40 required): ii 10 (its cap), iii 20, iv three 総会 = 9 earned, 6 counted (meeting
    // cap) → 36. Meetings cannot add; iii has room 11 → 4 specialty hours make 40.
    let mut l = Ledger::on("2022-06-01");
    l.mandatory().common(CommonItem::Other, 7.0).specialty(20.0);
    l.meeting(MeetingLevel::National).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    let book = RuleBook::builtin();
    let mut ev = Evaluator::new(&book);
    let mut s = due(2025);
    s.renewals_completed = 3;
    let p = what_is_left(&mut ev, &s, &l.rows, d("2024-10-01")).unwrap();
    assert_eq!(p.activities.len(), 1);
    assert_eq!((p.activities[0].kind, p.activities[0].quantity), (ActivityKind::SpecialtyLecture, 4.0));
    assert_eq!(p.verdict_after, Verdict::Pass);
}
