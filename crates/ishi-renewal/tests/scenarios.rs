//! Hand-computed renewal scenarios, one rule each (SPEC R1–R7). The arithmetic is in each test.

mod common;

use common::{Ledger, d, due, n, rules, transition};
use ishi_renewal::{
    ActivityKind, Cap, Category, CommonItem, DeferralReason, FindingKind, MeetingLevel, Outcome, PaperRole,
    PresentationRole, Role, Verdict,
};

fn achievements(e: &ishi_renewal::Evaluation) -> (f64, f64) {
    let c = e.category(Category::Achievements);
    (n(c.earned), n(c.counted))
}

#[test]
fn r2_full_criteria_met_exactly_with_fifty_units() {
    // 100 cases / 10 = 10; 3 mandatory hours = 3; 31 specialty hours = 31; 2 × 総会 3 = 6 → 50.
    let e = Ledger::full_pass().evaluate(&due(2025));
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
    assert_eq!(e.outcome, Outcome::BoardRenewal);
    assert_eq!(n(e.counted_units), 50.0);
    assert_eq!(n(e.required_units), 50.0);
    assert_eq!(e.edition, "FY2020");
    assert!(e.findings.is_empty(), "{:#?}", e.findings);
}

#[test]
fn r2_specialty_units_over_31_do_not_count() {
    // 35 specialty hours earn 35, count 31 (cap); total still 10 + 3 + 31 + 6 = 50.
    let mut l = Ledger::full_pass();
    l.specialty(4.0);
    let e = l.evaluate(&due(2025));
    let s = e.category(Category::Specialty);
    assert_eq!((n(s.earned), n(s.counted)), (35.0, 31.0));
    assert_eq!(n(e.counted_units), 50.0);
    assert_eq!(e.verdict, Verdict::Pass);
    let over = e.findings.iter().find(|f| matches!(f.kind, FindingKind::OverCap { .. })).unwrap();
    assert_eq!(over.rule, "R2");
    assert_eq!(over.row, Some(l.rows.last().unwrap().row), "the last lecture is the one over the cap");
}

#[test]
fn r2_total_short_fails_with_the_missing_units() {
    // 10 + 3 + 20 + 6 = 39 < 50: 11 short; iii's 20 ≥ 15 so only the total fails.
    let mut l = Ledger::on("2022-06-01");
    l.cases(100).mandatory().specialty(20.0).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    let e = l.evaluate(&due(2025));
    assert_eq!(e.verdict, Verdict::Fail);
    assert_eq!(n(e.counted_units), 39.0);
    let short: Vec<_> = e.findings.iter().filter(|f| f.is_shortfall()).collect();
    assert_eq!(short.len(), 1);
    assert!(matches!(short[0].kind, FindingKind::TotalShort { .. }));
    assert!(short[0].message().contains("11単位不足"), "{}", short[0].message());
}

#[test]
fn r2_common_units_over_ten_do_not_count() {
    // 3 mandatory + 9 hours その他 = 12 earned, 10 counted; iii 29 then gives 10 + 10 + 29 + 6 = 55 ≥ 50.
    let mut l = Ledger::full_pass();
    l.common(CommonItem::Other, 9.0);
    let e = l.evaluate(&due(2025));
    let c = e.category(Category::Common);
    assert_eq!((n(c.earned), n(c.counted)), (12.0, 10.0));
    assert_eq!(n(e.counted_units), 57.0); // 10 + 10 + 31 + 6
}

#[test]
fn r3_1_each_mandatory_item_needs_one_unit_in_full_criteria() {
    // 医療倫理 replaced by 保険医療: ii) still 3 units ≥ 3, but 医療倫理 = 0 < 1.
    let l = Ledger::without_ethics();
    let e = l.evaluate(&due(2025));
    assert_eq!(e.verdict, Verdict::Fail);
    assert_eq!(n(e.counted_units), 50.0);
    assert_eq!(e.mandatory.map(n), [1.0, 1.0, 0.0]);
    assert_eq!(rules(&e).iter().filter(|r| **r == "R3.1").count(), 1);
    assert!(
        e.findings
            .iter()
            .any(|f| matches!(f.kind, FindingKind::MandatoryItemShort { item: CommonItem::MedicalEthics, .. }))
    );
}

#[test]
fn r3_4_a_lecturer_earns_two_units_per_hour() {
    // Lecturer of 医療安全 for 2 h = 4 units, counted within ii)'s cap of 10.
    let mut l = Ledger::full_pass();
    l.push(ActivityKind::CommonLecture(CommonItem::MedicalSafety), 2.0).role = Role::Lecturer;
    let e = l.evaluate(&due(2025));
    assert_eq!(n(e.category(Category::Common).earned), 7.0); // 3 + 4
    assert_eq!(e.mandatory.map(n), [5.0, 1.0, 1.0]);
}

#[test]
fn r3_2_a_lecture_under_one_hour_earns_nothing() {
    let mut l = Ledger::full_pass();
    l.common(CommonItem::MedicalLaw, 0.5);
    let e = l.evaluate(&due(2025));
    assert_eq!(n(e.category(Category::Common).earned), 3.0);
    let f = e.findings.iter().find(|f| f.row == Some(l.rows.last().unwrap().row)).unwrap();
    assert_eq!(f.rule, "R3.2");
}

#[test]
fn r3_2_hours_count_to_the_half_rounded_down() {
    // 1.5 h = 1.5 units; 1.7 h = 1.5 units; 1 h = 1 unit → 4 units of iii.
    let mut l = Ledger::on("2022-06-01");
    l.specialty(1.5).specialty(1.7).specialty(1.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(n(e.category(Category::Specialty).counted), 4.0);
}

#[test]
fn r3_3_a_lecture_not_approved_is_refused() {
    // A for-profit seminar without approval: 2 h of 医療倫理 refused → 医療倫理 still 1.
    let mut l = Ledger::full_pass();
    l.push(ActivityKind::CommonLecture(CommonItem::MedicalEthics), 2.0).approved = false;
    let e = l.evaluate(&due(2025));
    assert_eq!(e.mandatory.map(n), [1.0, 1.0, 1.0]);
    let f = e.findings.iter().find(|f| matches!(f.kind, FindingKind::NotApproved { .. })).unwrap();
    assert_eq!(f.rule, "R3.3");
}

#[test]
fn r3_2_e_learning_counts_only_with_proof() {
    // Two e-learning hours of 感染対策: the one with a certificate counts (1), the other not.
    let mut l = Ledger::on("2022-06-01");
    let ev = l.evidence("受講証明書.pdf");
    {
        let a = l.push(ActivityKind::CommonLecture(CommonItem::InfectionControl), 1.0);
        a.e_learning = true;
        a.evidence = Some(ev);
    }
    l.push(ActivityKind::CommonLecture(CommonItem::InfectionControl), 1.0).e_learning = true;
    let e = l.evaluate(&due(2025));
    assert_eq!(e.mandatory.map(n), [0.0, 1.0, 0.0]);
    assert!(e.findings.iter().any(|f| f.kind == FindingKind::ELearningWithoutEvidence && f.row == Some(3)));
}

#[test]
fn r4_a_specialty_lecturer_earns_two_units_for_the_lecture() {
    // Lecturer of a 3-hour specialty lecture: 2 units (per lecture, not per hour).
    let mut l = Ledger::on("2022-06-01");
    l.push(ActivityKind::SpecialtyLecture, 3.0).role = Role::Lecturer;
    let e = l.evaluate(&due(2025));
    assert_eq!(n(e.category(Category::Specialty).counted), 2.0);
}

#[test]
fn r5_1_meeting_attendance_counts_six_units_at_most() {
    // Three 総会 (3 each) = 9 earned, 6 counted; the third is refused under R5.1.
    let mut l = Ledger::on("2021-06-01");
    l.meeting(MeetingLevel::National)
        .at("2022-06-01")
        .meeting(MeetingLevel::National)
        .at("2023-06-01")
        .meeting(MeetingLevel::National);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (9.0, 6.0));
    let f = e.findings.iter().find(|f| f.rule == "R5.1").unwrap();
    assert_eq!(f.row, Some(4), "the latest meeting is the one over the cap");
    assert!(matches!(f.kind, FindingKind::OverCap { cap: Cap::Meetings, .. }));
}

#[test]
fn r5_1_meeting_levels_earn_three_two_one() {
    let mut l = Ledger::on("2022-06-01");
    l.meeting(MeetingLevel::Regional).meeting(MeetingLevel::Other);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (3.0, 3.0)); // 2 + 1
}

#[test]
fn r5_2_presentations_and_chairs_earn_one_each() {
    let mut l = Ledger::on("2022-06-01");
    l.presentation(PresentationRole::FirstPresenter)
        .presentation(PresentationRole::FirstCoauthor)
        .presentation(PresentationRole::Chair);
    assert_eq!(achievements(&l.evaluate(&due(2025))), (3.0, 3.0));
}

#[test]
fn r5_3_papers_earn_two_as_first_author_one_as_coauthor() {
    let mut l = Ledger::on("2022-06-01");
    l.paper(PaperRole::FirstAuthor).paper(PaperRole::Coauthor);
    assert_eq!(achievements(&l.evaluate(&due(2025))), (3.0, 3.0)); // 2 + 1
}

#[test]
fn r5_4_each_paper_reviewed_earns_one() {
    let mut l = Ledger::on("2022-06-01");
    l.push(ActivityKind::PeerReview, 3.0);
    assert_eq!(achievements(&l.evaluate(&due(2025))), (3.0, 3.0));
}

#[test]
fn r5_5_exam_duty_counts_once_per_fiscal_year() {
    // 2022-06 and 2023-02 are both FY2022 → 1; 2023-04 is FY2023 → 1 more: 2 units, one row refused.
    let mut l = Ledger::on("2022-06-01");
    l.push(ActivityKind::ExamDuty, 1.0);
    l.at("2023-02-01").push(ActivityKind::ExamDuty, 1.0);
    l.at("2023-04-01").push(ActivityKind::ExamDuty, 1.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (2.0, 2.0));
    let f = e.findings.iter().find(|f| f.rule == "R5.5").unwrap();
    assert_eq!(
        (f.row, &f.kind),
        (Some(3), &FindingKind::OncePerFiscalYear { kind: ActivityKind::ExamDuty, fiscal_year: 2022 })
    );
}

#[test]
fn r5_6_public_lecture_about_sixty_minutes_is_one_unit() {
    // 50 min → floor((50+10)/60) = 1; 120 min → floor(130/60) = 2; 40 min → 0, refused.
    let mut l = Ledger::on("2022-06-01");
    l.push(ActivityKind::PublicLecture, 50.0);
    l.push(ActivityKind::PublicLecture, 120.0);
    l.push(ActivityKind::PublicLecture, 40.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (3.0, 3.0));
    assert!(e.findings.iter().any(|f| f.rule == "R5.6" && f.row == Some(4)));
}

#[test]
fn r5_7_school_doctor_two_units_at_most_two_in_five_years() {
    // Two school-doctor years of ≥ 1 year each: 2 + 2 earned, 2 counted; half a year: refused.
    let mut l = Ledger::on("2022-06-01");
    l.push(ActivityKind::SchoolDoctor, 1.0);
    l.push(ActivityKind::SchoolDoctor, 2.0);
    l.push(ActivityKind::SchoolDoctor, 0.5);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (4.0, 2.0));
    assert!(e.findings.iter().any(|f| f.rule == "R5.7" && matches!(f.kind, FindingKind::OverCap { .. })));
    assert!(e.findings.iter().any(|f| f.rule == "R5.7" && matches!(f.kind, FindingKind::SchoolDoctorTooShort { .. })));
}

#[test]
fn r5_8_accident_investigation_two_units_per_fiscal_year() {
    // FY2021 and FY2022 → 2 + 2 = 4; a second FY2022 row refused.
    let mut l = Ledger::on("2021-06-01");
    l.push(ActivityKind::AccidentInvestigation, 1.0);
    l.at("2022-06-01").push(ActivityKind::AccidentInvestigation, 1.0);
    l.at("2022-12-01").push(ActivityKind::AccidentInvestigation, 1.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (4.0, 4.0));
    assert!(e.findings.iter().any(|f| f.rule == "R5.8"));
}

#[test]
fn r5_achievements_count_fifteen_units_at_most() {
    // 10 first-author papers = 20 earned, 15 counted.
    let mut l = Ledger::on("2022-06-01");
    for _ in 0..10 {
        l.paper(PaperRole::FirstAuthor);
    }
    let e = l.evaluate(&due(2025));
    assert_eq!(achievements(&e), (20.0, 15.0));
    // rows 2..=8 give 14, row 9 gives 1 of its 2, rows 10 and 11 nothing.
    let over: Vec<_> = e.findings.iter().filter(|f| matches!(f.kind, FindingKind::OverCap { .. })).collect();
    assert_eq!(over.iter().map(|f| f.row.unwrap()).collect::<Vec<_>>(), [9, 10, 11]);
    assert!(over[0].message().contains("2単位のうち1単位のみ算定"), "{}", over[0].message());
    assert!(over[1].message().contains("超えるため算定しません"), "{}", over[1].message());
}

#[test]
fn r1_2_ten_cases_make_a_unit_and_the_remainder_is_reported() {
    // 95 cases → 9 units (5 cases left over) → i) 9 < 10: fails R1.1.
    let mut l = Ledger::on("2022-06-01");
    l.cases(60).push(ActivityKind::CaseTreatment, 35.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(e.cases, 95);
    assert_eq!(n(e.category(Category::Clinical).counted), 9.0);
    assert!(rules(&e).contains(&"R1.2"));
    assert!(rules(&e).contains(&"R1.1"));
}

#[test]
fn r1_2_cases_beyond_one_hundred_do_not_count() {
    // 80 + 50 = 130 cases → 13 units earned, 10 counted; the second row counts 20 of its 50 cases.
    let mut l = Ledger::on("2022-06-01");
    l.cases(80).cases(50);
    let e = l.evaluate(&due(2025));
    let c = e.category(Category::Clinical);
    assert_eq!((n(c.earned), n(c.counted)), (13.0, 10.0));
    assert!(
        e.findings
            .iter()
            .any(|f| f.row == Some(3) && f.kind == FindingKind::CasesOverCap { cases: 50, counted: 20, limit: 100 })
    );
}

#[test]
fn r1_3_three_renewals_exempt_the_clinical_record_and_require_forty() {
    // Exempt: i) 0 of 0; 3 + 31 + 6 = 40 = required 40 → pass.
    let mut l = Ledger::on("2022-06-01");
    l.mandatory().specialty(31.0).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    let mut s = due(2025);
    s.renewals_completed = 3;
    let e = l.evaluate(&s);
    assert!(e.exempt);
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
    assert_eq!(n(e.required_units), 40.0);
    assert_eq!(n(e.counted_units), 40.0);
    // Two renewals are not enough: the same ledger then misses i) and 10 units.
    s.renewals_completed = 2;
    assert_eq!(l.evaluate(&s).verdict, Verdict::Fail);
}

#[test]
fn r1_3_cases_of_an_exempt_specialist_are_not_counted() {
    let mut l = Ledger::full_pass();
    let mut s = due(2025);
    s.renewals_completed = 4;
    let e = l.cases(1).evaluate(&s);
    assert_eq!(n(e.category(Category::Clinical).counted), 0.0);
    assert!(e.findings.iter().any(|f| matches!(f.kind, FindingKind::ExemptCasesNotCounted { cases: 101 })));
    assert_eq!(e.verdict, Verdict::Pass); // 3 + 31 + 6 = 40
}

#[test]
fn r2_activities_outside_the_period_are_refused() {
    // A 10-hour lecture on 2020-03-31, the day before the period: not counted → iii 31, total 50.
    let mut l = Ledger::full_pass();
    l.at("2020-03-31").specialty(10.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(n(e.category(Category::Specialty).earned), 31.0);
    let f = e.findings.iter().find(|f| matches!(f.kind, FindingKind::OutsidePeriod { .. })).unwrap();
    assert_eq!((f.rule, f.row), ("R2", Some(l.rows.last().unwrap().row)));
}

#[test]
fn r6_1_a_deferral_goes_to_the_committee() {
    let mut s = due(2025);
    s.deferral = Some(DeferralReason::Childcare);
    let e = Ledger::full_pass().evaluate(&s);
    assert_eq!((e.verdict, e.outcome), (Verdict::Review, Outcome::Deferred));
    assert!(e.findings[0].message().contains("育児"));
}

#[test]
fn r6_3_one_extension_lengthens_the_period_by_a_year() {
    // A 10-hour lecture in June 2025 is outside the period ending 2025-03-31 unless extended.
    let mut l = Ledger::on("2022-06-01");
    l.cases(100).mandatory().specialty(21.0).meeting(MeetingLevel::National).meeting(MeetingLevel::National);
    l.at("2025-06-01").specialty(10.0);
    let mut s = due(2025);
    let e = l.evaluate(&s);
    assert_eq!((e.verdict, n(e.counted_units)), (Verdict::Fail, 40.0));
    assert!(rules(&e).contains(&"R6.3"), "failing without extension hints at R6.3");
    s.extensions = 1;
    s.renewal_fiscal_year = 2026;
    let e = l.evaluate(&s);
    assert_eq!((e.verdict, n(e.counted_units)), (Verdict::Pass, 50.0));
    assert_eq!(e.window.end, d("2026-03-31"));
    s.extensions = 2;
    let e = l.evaluate(&s);
    assert_eq!((e.verdict, e.outcome), (Verdict::Review, Outcome::CommitteeDecision));
    assert_eq!(e.window.end, d("2026-03-31"), "only the one extension the rules grant is counted");
}

#[test]
fn r7_fy2017_transition_met_with_90_old_points_and_20_new_units() {
    // FY2017: i) 40 cases = 4, ii) 医療安全 1 h = 1 (≥ 1 mandatory), iii) 13 h = 13, iv) a regional
    // meeting = 2 (min 2): 4 + 1 + 13 + 2 = 20. Old points 90 within 2013-01 .. 2017-12.
    let mut l = Ledger::on("2016-06-01");
    l.cases(40).common(CommonItem::MedicalSafety, 1.0).specialty(13.0).meeting(MeetingLevel::Regional);
    l.at("2014-03-01").old_points(90.0);
    let e = l.evaluate(&transition(2017));
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
    assert_eq!(n(e.counted_units), 20.0);
    assert_eq!(e.old_points.unwrap().earned, 90.0);
    assert_eq!(e.window.start, d("2015-04-01"), "new units count from April 2015 (R7.1)");
}

#[test]
fn r7_2_full_old_points_but_not_the_new_criteria_renew_as_society_specialist() {
    // FY2017: 150 old points, new units 5 < 20 → society renewal, board next year.
    let mut l = Ledger::on("2016-06-01");
    l.specialty(5.0).at("2014-03-01").old_points(150.0);
    let e = l.evaluate(&transition(2017));
    assert_eq!((e.verdict, e.outcome), (Verdict::Fail, Outcome::SocietyRenewal));
    let f = e.findings.iter().find(|f| f.rule == "R7.2").unwrap();
    assert!(f.message().contains("2018年度"), "{}", f.message());
}

#[test]
fn r7_3_old_point_shortfall_made_up_by_new_units_goes_to_individual_review() {
    // FY2017: 70 old points → short of 150 by 80 = 2.67 years. New units: cases 40 = 4, ii 医療安全
    // 4 h = 4, iii 20 h → 13 (cap), iv two 総会 = 6: 4 + 4 + 13 + 6 = 27 → 2.7 years ≥ 2.67 → 個別審査.
    let mut l = Ledger::on("2016-06-01");
    l.cases(40).common(CommonItem::MedicalSafety, 4.0).specialty(20.0).meeting(MeetingLevel::National);
    l.at("2017-06-01").meeting(MeetingLevel::National);
    l.at("2014-03-01").old_points(70.0);
    let e = l.evaluate(&transition(2017));
    assert_eq!(n(e.counted_units), 27.0);
    assert_eq!((e.verdict, e.outcome), (Verdict::Review, Outcome::IndividualReview));
    let f = e.findings.iter().find(|f| f.rule == "R7.3").unwrap();
    assert!(f.message().contains("個別審査"), "{}", f.message());
    assert!(f.message().contains("80点"), "{}", f.message());
}

#[test]
fn r7_3_shortfall_not_made_up_fails() {
    // FY2017: 80 old points → short 70 = 2.33 years; new 15 units = 1.5 years < 2.33 → fail.
    let mut l = Ledger::on("2016-06-01");
    l.specialty(13.0).meeting(MeetingLevel::Regional).at("2014-03-01").old_points(80.0);
    let e = l.evaluate(&transition(2017));
    assert_eq!(n(e.counted_units), 15.0);
    assert_eq!((e.verdict, e.outcome), (Verdict::Fail, Outcome::NotMet));
}

#[test]
fn r7_4_fy2019_may_use_the_full_criteria_instead() {
    // FY2019 without any old points, but 50 units of the full criteria in the window → pass under FY2020.
    let mut l = Ledger::full_pass();
    l.at("2016-06-01");
    for a in &mut l.rows {
        a.date = d("2017-06-01");
    }
    let e = l.evaluate(&transition(2019));
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
    assert_eq!(e.edition, "FY2020");
    assert_eq!(n(e.required_units), 50.0);
    assert!(rules(&e).contains(&"R7.4"));
}

#[test]
fn r7_4_from_fy2020_old_points_do_not_count() {
    let mut l = Ledger::full_pass();
    l.old_points(150.0);
    let e = l.evaluate(&due(2025));
    assert_eq!(e.verdict, Verdict::Pass);
    assert!(e.old_points.is_none());
    assert!(e.findings.iter().any(|f| f.rule == "R7.4" && f.kind == FindingKind::OldPointsNotUsed));
}

#[test]
fn r7_1_old_points_outside_their_window_are_refused() {
    // FY2017's window is 2013-01-01 .. 2017-12-31: 30 points of 2012 do not count.
    let mut l = Ledger::on("2012-12-31");
    l.old_points(30.0).at("2013-01-01").old_points(60.0);
    let e = l.evaluate(&transition(2017));
    assert_eq!(e.old_points.unwrap().earned, 60.0);
    assert!(e.findings.iter().any(|f| f.rule == "R7.1" && f.row == Some(2)));
}

#[test]
fn r5_9_an_achievement_claimed_as_old_points_earns_no_new_units() {
    // The same 総会 (same date, same certificate) as 10 old points and as a meeting: the meeting is refused.
    let mut l = Ledger::on("2016-04-20");
    let ev = l.evidence("第59回総会 参加証");
    l.push(ActivityKind::OldPoints, 10.0).evidence = Some(ev);
    l.push(ActivityKind::MeetingAttendance(MeetingLevel::National), 1.0).evidence = Some(ev);
    // Another meeting with its own certificate counts.
    let other = l.evidence("地方会 参加証");
    l.push(ActivityKind::MeetingAttendance(MeetingLevel::Regional), 1.0).evidence = Some(other);
    let e = l.evaluate(&transition(2017));
    assert_eq!(achievements(&e), (2.0, 2.0));
    let f = e.findings.iter().find(|f| f.rule == "R5.9").unwrap();
    assert_eq!((f.row, &f.kind), (Some(3), &FindingKind::CountedAsOldPoints { old_row: 2 }));
}

#[test]
fn r7_fy2016_mandatory_lecture_needed_once_new_units_reach_twenty() {
    // FY2016 asks 10 new units and no mandatory lecture, unless 20 or more new units are counted.
    // 20 cases = 2, ii) 保険医療 2 h = 2, iii) 14 h, iv) regional meeting 2 → 2 + 2 + 14 + 2 = 20 → needs 1.
    let mut l = Ledger::on("2016-06-01");
    l.cases(20).common(CommonItem::InsuranceMedicine, 2.0).specialty(14.0).meeting(MeetingLevel::Regional);
    l.at("2014-01-01").old_points(120.0);
    let e = l.evaluate(&transition(2016));
    assert_eq!(n(e.counted_units), 20.0);
    // Not met; 120 < 150 old points, short 30 = 1 year, made up by 20 units = 2 years → 個別審査 (R7.3).
    assert_eq!((e.verdict, e.outcome), (Verdict::Review, Outcome::IndividualReview));
    let f = e.findings.iter().find(|f| f.rule == "R3.1").unwrap();
    assert!(f.message().contains("20単位以上"), "{}", f.message());
    // With 10 specialty hours only, 16 new units < 20: no mandatory lecture needed → pass.
    l.rows[2].quantity = 10.0;
    let e = l.evaluate(&transition(2016));
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
}

#[test]
fn r6_2_continuity_after_three_renewals_is_the_r1_3_exemption() {
    // R6.2 points to R1.3: the exemption starts from the renewal after the third (renewals_completed ≥ 3),
    // in the transition too — FY2017 exempt: 20 − 4 = 16 required, and the finding says 別添資料② is missing.
    let mut l = Ledger::on("2016-06-01");
    l.common(CommonItem::MedicalSafety, 1.0).specialty(13.0).meeting(MeetingLevel::Regional);
    l.at("2014-03-01").old_points(90.0);
    let mut s = transition(2017);
    s.renewals_completed = 3;
    let e = l.evaluate(&s);
    assert_eq!((n(e.required_units), n(e.counted_units)), (16.0, 16.0)); // 1 + 13 + 2
    assert_eq!(e.verdict, Verdict::Pass, "{:#?}", e.findings);
    assert!(e.findings.iter().any(|f| f.kind == FindingKind::ExemptTransitionAttachment));
}
