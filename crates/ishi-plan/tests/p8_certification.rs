//! SPEC P8 大臣認定 (医師少数区域経験認定医師): one rule per test, dates computed by hand in each.
//!
//! Month lengths used below: Jan 31, Feb 28 (29 in 2024), Mar 31, Apr 30, May 31, Jun 30, Jul 31,
//! Aug 31, Sep 30, Oct 31, Nov 30, Dec 31. Six months from 2021-04-01 end on 2021-09-30:
//! 30 + 31 + 30 + 31 + 31 + 30 = 183 days.

use ishi_plan::CalendarDate;
use ishi_plan::certification::{
    About, AreaStatus, CertificationDecision, CertificationError, CertificationRules, Duties, Duty, FindingKind,
    GapCause, LeavePeriod, LeaveReason, QualifyingPeriod, Route, WorkHistory, WorkKind, WorkPeriod, decide,
};

fn d(s: &str) -> CalendarDate {
    CalendarDate::parse(s).unwrap()
}

/// The reference date of every test.
const TODAY: &str = "2026-11-21";

/// Full-time ordinary work in a 医師少数区域.
fn work(start: &str, end: &str, institution: &str) -> WorkPeriod {
    WorkPeriod {
        start: d(start),
        end: d(end),
        institution: institution.into(),
        area_code: "0104".into(),
        area: AreaStatus::ScarceArea,
        hours_per_week: 40.0,
        kind: WorkKind::Clinical,
        short_time: false,
    }
}

fn leave(start: &str, end: &str, reason: LeaveReason) -> LeavePeriod {
    LeavePeriod { start: d(start), end: d(end), reason }
}

fn history(licence: &str, work: Vec<WorkPeriod>, leave: Vec<LeavePeriod>) -> WorkHistory {
    WorkHistory { licence_date: d(licence), work, leave, duties: Duties::all() }
}

fn decide_on(h: &WorkHistory) -> CertificationDecision {
    decide(h, &CertificationRules::builtin(), d(TODAY)).unwrap()
}

fn kinds(decision: &CertificationDecision) -> Vec<&FindingKind> {
    decision.findings.iter().map(|f| &f.kind).collect()
}

fn spans(decision: &CertificationDecision) -> Vec<(CalendarDate, CalendarDate)> {
    decision.qualifying.iter().map(|q| (q.start, q.end)).collect()
}

#[test]
fn p8_2_exactly_six_months_is_enough_and_one_day_short_is_not() {
    // 2021-04-01..=2021-09-30 = 183 days = the six months from 2021-04-01.
    let ok = decide_on(&history("2018-04-01", vec![work("2021-04-01", "2021-09-30", "A病院")], vec![]));
    assert!(ok.eligible);
    assert_eq!(ok.route, Some(Route::Continuous));
    assert_eq!(
        ok.qualifying,
        vec![QualifyingPeriod { start: d("2021-04-01"), end: d("2021-09-30"), institution: "A病院".into() }]
    );
    assert_eq!((ok.counted_days, ok.required_days, ok.counted_months), (183, 183, 6));
    assert_eq!(ok.reached_on, Some(d("2021-09-30")));
    assert!(ok.findings.is_empty(), "{:#?}", ok.findings);

    // One day short: 182 days, five whole months.
    let short = decide_on(&history("2018-04-01", vec![work("2021-04-01", "2021-09-29", "A病院")], vec![]));
    assert!(!short.eligible);
    assert_eq!(short.route, None);
    assert!(short.qualifying.is_empty());
    assert_eq!((short.counted_days, short.required_days, short.counted_months), (182, 183, 5));
    let too_short = short.findings.iter().find(|f| matches!(f.kind, FindingKind::TooShort { .. })).unwrap();
    assert_eq!(too_short.rule, "P8.2");
    assert_eq!(
        too_short.kind,
        FindingKind::TooShort { days: 182, required: 183, months: 6, start: d("2021-04-01"), route: Route::Continuous }
    );
    assert_eq!(too_short.message, "2021-04-01からの同一医療機関での連続した勤務は182日で、6か月（183日）に満たない");
}

#[test]
fn p8_2_six_months_from_a_month_end() {
    // From 2020-08-31 six months end on 2021-02-28 (February has no 31st: 民法第143条):
    // 1 (Aug 31) + 30 + 31 + 30 + 31 + 31 + 28 = 182 days.
    let ok = decide_on(&history("2015-04-01", vec![work("2020-08-31", "2021-02-28", "A病院")], vec![]));
    assert!(ok.eligible);
    assert_eq!((ok.counted_days, ok.required_days), (182, 182));
    let short = decide_on(&history("2015-04-01", vec![work("2020-08-31", "2021-02-27", "A病院")], vec![]));
    assert!(!short.eligible);
    assert_eq!((short.counted_days, short.required_days), (181, 182));

    // In a leap year the end is 2024-02-29: 1 + 30 + 31 + 30 + 31 + 31 + 29 = 183 days.
    let leap = decide_on(&history("2015-04-01", vec![work("2023-08-31", "2024-02-29", "A病院")], vec![]));
    assert!(leap.eligible);
    assert_eq!((leap.counted_days, leap.reached_on), (183, Some(d("2024-02-29"))));
    let leap_short = decide_on(&history("2015-04-01", vec![work("2023-08-31", "2024-02-28", "A病院")], vec![]));
    assert!(!leap_short.eligible);

    // 28 February exists, so from 2020-08-28 the period ends the day before it, 2021-02-27:
    // 4 (Aug 28–31) + 30 + 31 + 30 + 31 + 31 + 27 = 184 days.
    let ok = decide_on(&history("2015-04-01", vec![work("2020-08-28", "2021-02-27", "A病院")], vec![]));
    assert!(ok.eligible);
    assert_eq!(ok.required_days, 184);
}

#[test]
fn p8_1_work_before_april_2020_does_not_count() {
    // 2019-10-01..=2020-03-31 is six months, all before 2020-04-01.
    let h = history("2015-04-01", vec![work("2019-10-01", "2020-03-31", "A病院")], vec![]);
    let decision = decide_on(&h);
    assert!(!decision.eligible);
    assert_eq!(decision.counted_days, 0);
    let first = &decision.findings[0];
    assert_eq!((first.rule, first.about), ("P8.1", About::Work(0)));
    assert_eq!(
        first.kind,
        FindingKind::BeforeCountsFrom {
            from: d("2019-10-01"),
            to: d("2020-03-31"),
            counts_from: d("2020-04-01"),
            whole: true
        }
    );
    assert_eq!(first.message, "2019-10-01〜2020-03-31 は令和2年4月1日（2020-04-01）より前の勤務のため対象外");
    assert!(kinds(&decision).contains(&&FindingKind::NothingCounted { months: 6 }));
}

#[test]
fn p8_1_period_straddling_april_2020_counts_from_april() {
    // 2019-12-01..=2020-09-30 counts 2020-04-01..=2020-09-30: 30 + 31 + 30 + 31 + 31 + 30 = 183 days.
    let decision = decide_on(&history("2015-04-01", vec![work("2019-12-01", "2020-09-30", "A病院")], vec![]));
    assert!(decision.eligible);
    assert_eq!(spans(&decision), vec![(d("2020-04-01"), d("2020-09-30"))]);
    assert_eq!(decision.counted_days, 183);
    assert_eq!(
        kinds(&decision),
        vec![&FindingKind::BeforeCountsFrom {
            from: d("2019-12-01"),
            to: d("2020-03-31"),
            counts_from: d("2020-04-01"),
            whole: false
        }]
    );
    // Ten months of work, but from April only 182 days: not enough.
    let short = decide_on(&history("2015-04-01", vec![work("2019-12-01", "2020-09-29", "A病院")], vec![]));
    assert!(!short.eligible);
    assert_eq!((short.counted_days, short.required_days), (182, 183));
}

#[test]
fn p8_1_work_after_the_reference_date_is_not_counted_yet() {
    // Up to 2026-11-21: Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 + 21 = 174 days; six months from
    // 2026-06-01 need 30 + 31 + 31 + 30 + 31 + 30 = 183.
    let decision = decide_on(&history("2015-04-01", vec![work("2026-06-01", "2027-03-31", "A病院")], vec![]));
    assert!(!decision.eligible);
    assert_eq!((decision.counted_days, decision.required_days), (174, 183));
    assert!(kinds(&decision).contains(&&FindingKind::AfterReferenceDate {
        from: d("2026-11-22"),
        to: d("2027-03-31"),
        whole: false
    }));
    // The same history decided on 2026-11-30 reaches 174 + 9 = 183 days.
    let later = decide(
        &history("2015-04-01", vec![work("2026-06-01", "2027-03-31", "A病院")], vec![]),
        &CertificationRules::builtin(),
        d("2026-11-30"),
    )
    .unwrap();
    assert!(later.eligible);
    assert_eq!(later.reached_on, Some(d("2026-11-30")));
}

#[test]
fn p8_3_weekly_hours_32_or_30_under_the_short_time_system() {
    let with = |hours: f64, short_time: bool| {
        let mut w = work("2021-04-01", "2021-09-30", "A病院");
        w.hours_per_week = hours;
        w.short_time = short_time;
        decide_on(&history("2018-04-01", vec![w], vec![]))
    };
    // 31.5 h fails the 32 h rule …
    let full_time = with(31.5, false);
    assert!(!full_time.eligible);
    let f = &full_time.findings[0];
    assert_eq!(f.rule, "P8.3");
    assert_eq!(f.kind, FindingKind::TooFewHours { hours: 31.5, minimum: 32.0, short_time: false });
    assert_eq!(f.message, "週31.5時間の勤務は週32時間に満たないため対象外");
    // … and passes under the 育児・介護休業法 short-time system (30 h).
    assert!(with(31.5, true).eligible);
    // 32 h exactly passes; 29.5 h short-time fails.
    assert!(with(32.0, false).eligible);
    let f = with(29.5, true);
    assert!(!f.eligible);
    assert_eq!(f.findings[0].kind, FindingKind::TooFewHours { hours: 29.5, minimum: 30.0, short_time: true });
}

#[test]
fn p8_4_clinical_training_periods_are_excluded() {
    // 臨床研修 2020-04-01..=2022-03-31 at a scarce-area hospital counts nothing; the ordinary work that
    // follows at the same hospital counts from 2022-04-01: to 2022-09-30 is 183 days.
    let mut training = work("2020-04-01", "2022-03-31", "A病院");
    training.kind = WorkKind::ClinicalTraining;
    let h = history("2020-03-20", vec![training.clone(), work("2022-04-01", "2022-09-30", "A病院")], vec![]);
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(spans(&decision), vec![(d("2022-04-01"), d("2022-09-30"))]);
    assert_eq!(decision.findings.len(), 1);
    assert_eq!((decision.findings[0].rule, decision.findings[0].about), ("P8.4", About::Work(0)));
    assert_eq!(decision.findings[0].message, "臨床研修中の期間は対象外");

    // Training alone: nothing counts.
    let alone = decide_on(&history("2020-03-20", vec![training], vec![]));
    assert!(!alone.eligible);
    assert_eq!(alone.counted_days, 0);

    // 専門研修 (専攻医) is not 臨床研修: it counts.
    let mut specialty = work("2022-04-01", "2022-09-30", "A病院");
    specialty.kind = WorkKind::SpecialtyTraining;
    assert!(decide_on(&history("2020-03-20", vec![specialty], vec![])).eligible);
}

#[test]
fn p8_2_only_scarce_areas_and_spots_count() {
    let mut spot = work("2021-04-01", "2021-09-30", "B診療所");
    spot.area = AreaStatus::ScarceDistrict;
    assert!(decide_on(&history("2018-04-01", vec![spot.clone()], vec![])).eligible);

    spot.area = AreaStatus::NotScarce;
    let decision = decide_on(&history("2018-04-01", vec![spot], vec![]));
    assert!(!decision.eligible);
    assert_eq!(decision.findings[0].rule, "P8.2");
    assert_eq!(decision.findings[0].message, "区域 0104 は医師少数区域・医師少数スポットではないため対象外");
}

#[test]
fn p8_5_childcare_break_is_joined_across() {
    // A病院 2021-04-01..=2021-06-30 (30 + 31 + 30 = 91 days), 育児休業 2021-07-01..=2022-03-31,
    // A病院 again 2022-04-01..=2022-07-01 (30 + 31 + 30 + 1 = 92 days): 91 + 92 = 183 days, the six
    // months from 2021-04-01 laid end to end. The nine months of leave count for nothing.
    let h = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-06-30", "A病院"), work("2022-04-01", "2022-07-01", "A病院")],
        vec![leave("2021-07-01", "2022-03-31", LeaveReason::Childcare)],
    );
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Continuous));
    assert_eq!(spans(&decision), vec![(d("2021-04-01"), d("2021-06-30")), (d("2022-04-01"), d("2022-07-01"))]);
    assert_eq!((decision.counted_days, decision.required_days), (183, 183));
    assert_eq!(decision.reached_on, Some(d("2022-07-01")));
    let f = &decision.findings[0];
    assert_eq!((f.rule, f.about), ("P8.5", About::Leave(0)));
    assert_eq!(
        f.message,
        "育児による中断（2021-07-01〜2022-03-31）は算入しないが、同一医療機関での前後の勤務は合算する"
    );

    // One day less after the leave: 91 + 91 = 182 days, not enough.
    let mut short = h.clone();
    short.work[1].end = d("2022-06-30");
    let short = decide_on(&short);
    assert!(!short.eligible);
    assert_eq!((short.counted_days, short.required_days), (182, 183));
}

#[test]
fn p8_5_leave_inside_a_work_period_is_taken_out_and_joined() {
    // One work row 2021-04-01..=2021-12-31 with 傷病 leave 2021-06-01..=2021-08-31 inside it:
    // Apr 30 + May 31 = 61 days, then Sep 30 + Oct 31 + Nov 30 + Dec 31 = 122 days: 183.
    let h = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-12-31", "A病院")],
        vec![leave("2021-06-01", "2021-08-31", LeaveReason::Illness)],
    );
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(spans(&decision), vec![(d("2021-04-01"), d("2021-05-31")), (d("2021-09-01"), d("2021-12-31"))]);
    assert_eq!(decision.counted_days, 183);
    assert_eq!(decision.reached_on, Some(d("2021-12-31")));

    // The same leave for another reason (その他) ends the run: 61 and 122 days, neither six months.
    let mut other = h.clone();
    other.leave[0].reason = LeaveReason::Other;
    let decision = decide_on(&other);
    assert!(!decision.eligible);
    let k = kinds(&decision);
    assert!(k.contains(&&FindingKind::InterruptionBreaks {
        reason: LeaveReason::Other,
        from: d("2021-06-01"),
        to: d("2021-08-31")
    }));
    assert!(k.contains(&&FindingKind::GapBreaks {
        from: d("2021-06-01"),
        to: d("2021-08-31"),
        cause: GapCause::OtherLeave
    }));
    // The longer run, 2021-09-01..=2021-12-31, is reported: 122 days of the 30 + 31 + 30 + 31 + 31 + 28 = 181
    // that six months from 2021-09-01 need (to 2022-02-28).
    assert_eq!((decision.counted_days, decision.required_days), (122, 181));
}

#[test]
fn p8_5_an_unexplained_gap_breaks_continuity() {
    // A病院 2021-04-01..=2021-06-30 (91 days), nothing in July, A病院 2021-08-01..=2021-12-31
    // (31 + 30 + 31 + 30 + 31 = 153 days). 244 days in all, but the longest continuous run is 153 and six
    // months from 2021-08-01 (to 2022-01-31) need 31 + 30 + 31 + 30 + 31 + 31 = 184.
    let h = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-06-30", "A病院"), work("2021-08-01", "2021-12-31", "A病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(!decision.eligible);
    let gap = decision.findings.iter().find(|f| matches!(f.kind, FindingKind::GapBreaks { .. })).unwrap();
    assert_eq!((gap.rule, gap.about), ("P8.5", About::Work(1)));
    assert_eq!(
        gap.kind,
        FindingKind::GapBreaks { from: d("2021-07-01"), to: d("2021-07-31"), cause: GapCause::Unexplained }
    );
    assert_eq!(
        gap.message,
        "2021-07-01〜2021-07-31 の理由の届出がない空白期間により、同一医療機関での連続した勤務が途切れる"
    );
    assert_eq!((decision.counted_days, decision.required_days), (153, 184));
    // Licensed 2018-04-01: nine years are reached on 2027-04-01, after the reference date.
    assert!(kinds(&decision).contains(&&FindingKind::NotYetIntermittent { from: d("2027-04-01"), years: 9 }));

    // A gap only partly bridged (childcare in July 1–15) still breaks, from the first day not bridged.
    let mut partly = h.clone();
    partly.leave.push(leave("2021-07-01", "2021-07-15", LeaveReason::Childcare));
    let decision = decide_on(&partly);
    assert!(!decision.eligible);
    assert!(kinds(&decision).contains(&&FindingKind::GapBreaks {
        from: d("2021-07-16"),
        to: d("2021-07-31"),
        cause: GapCause::Unexplained
    }));
    // Bridged wholly, the two join: 91 + 153 = 244 ≥ 183.
    let mut bridged = h.clone();
    bridged.leave.push(leave("2021-07-01", "2021-07-31", LeaveReason::ShortLeave));
    assert!(decide_on(&bridged).eligible);
}

#[test]
fn p8_5_uncounted_work_at_the_same_institution_breaks_continuity() {
    // Three months at 40 h, one month at 20 h, three months at 40 h, all at A病院: the 20 h month is work
    // that does not count, not an interruption, so neither 3-month run reaches six months.
    let mut part_time = work("2021-07-01", "2021-07-31", "A病院");
    part_time.hours_per_week = 20.0;
    let h = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-06-30", "A病院"), part_time, work("2021-08-01", "2021-10-31", "A病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(!decision.eligible);
    assert!(kinds(&decision).contains(&&FindingKind::GapBreaks {
        from: d("2021-07-01"),
        to: d("2021-07-31"),
        cause: GapCause::UncountedWork
    }));
}

#[test]
fn p8_3_a_renewed_contract_at_the_same_institution_is_one_run() {
    // 2021-04-01..=2021-06-30 and 2021-07-01..=2021-09-30 at A病院: 91 + 92 = 183, one run.
    let h = history(
        "2018-04-01",
        vec![work("2021-07-01", "2021-09-30", "A病院"), work("2021-04-01", "2021-06-30", "A病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(spans(&decision), vec![(d("2021-04-01"), d("2021-09-30"))]);
}

#[test]
fn p8_3_a_change_of_institution_breaks_continuity() {
    // A病院 2021-04-01..=2021-07-31 (122 days), B病院 2021-08-01..=2021-10-31 (92 days): 214 days
    // without a break, but at two institutions.
    let h = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-07-31", "A病院"), work("2021-08-01", "2021-10-31", "B病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(!decision.eligible);
    let changed = decision.findings.iter().find(|f| matches!(f.kind, FindingKind::ChangedInstitution { .. })).unwrap();
    assert_eq!((changed.rule, changed.about), ("P8.3", About::Work(1)));
    assert_eq!(changed.message, "2021-08-01 から医療機関が変わる（A病院 → B病院）ため、連続した勤務はここで途切れる");
    assert_eq!(decision.counted_days, 122);

    // Licensed 2012-04-01, the physician is nine years in from 2021-04-01: the two add up (P8.6).
    let mut veteran = h.clone();
    veteran.licence_date = d("2012-04-01");
    let decision = decide_on(&veteran);
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Intermittent));
    assert_eq!(decision.counted_days, 214);
    // 183 days from 2021-04-01: 122 at A病院, then 61 at B病院 (Aug 31 + Sep 30) → 2021-09-30.
    assert_eq!(decision.reached_on, Some(d("2021-09-30")));
    let institutions: Vec<_> = decision.qualifying.iter().map(|q| q.institution.as_str()).collect();
    assert_eq!(institutions, vec!["A病院", "B病院"]);
}

#[test]
fn p8_6_intermittent_periods_after_nine_years_are_summed() {
    // Licensed 2012-04-01: nine years on 2021-04-01. A病院 2021-04-01..=2021-06-30 (91 days),
    // B診療所 2022-01-01..=2022-03-31 (31 + 28 + 31 = 90), A病院 2023-04-01..=2023-04-02 (2):
    // 91 + 90 + 2 = 183 = the six months from 2021-04-01, reached on 2023-04-02.
    let h = history(
        "2012-04-01",
        vec![
            work("2021-04-01", "2021-06-30", "A病院"),
            work("2022-01-01", "2022-03-31", "B診療所"),
            work("2023-04-01", "2023-04-02", "A病院"),
        ],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Intermittent));
    assert_eq!(
        spans(&decision),
        vec![
            (d("2021-04-01"), d("2021-06-30")),
            (d("2022-01-01"), d("2022-03-31")),
            (d("2023-04-01"), d("2023-04-02"))
        ]
    );
    assert_eq!((decision.counted_days, decision.required_days), (183, 183));
    assert_eq!(decision.reached_on, Some(d("2023-04-02")));

    // Without the last two days: 181 < 183.
    let mut short = h.clone();
    short.work.pop();
    let short = decide_on(&short);
    assert!(!short.eligible);
    assert!(kinds(&short).contains(&&FindingKind::TooShort {
        days: 181,
        required: 183,
        months: 6,
        start: d("2021-04-01"),
        route: Route::Intermittent
    }));
}

#[test]
fn p8_6_periods_before_nine_years_count_only_within_a_continuous_run() {
    // A病院 2021-04-01..=2021-06-30 (91 days), B病院 2022-01-01..=2022-05-31 (31 + 28 + 31 + 30 + 31 = 151),
    // C診療所 2022-07-01..=2022-07-10 (10).
    let periods = vec![
        work("2021-04-01", "2021-06-30", "A病院"),
        work("2022-01-01", "2022-05-31", "B病院"),
        work("2022-07-01", "2022-07-10", "C診療所"),
    ];

    // Licensed 2012-10-01: nine years on 2021-10-01, after A病院. Only 151 + 10 = 161 days may be
    // summed; six months from 2022-01-01 (to 2022-06-30) need 181.
    let decision = decide_on(&history("2012-10-01", periods.clone(), vec![]));
    assert!(!decision.eligible);
    let before = decision.findings.iter().find(|f| matches!(f.kind, FindingKind::BeforeIntermittent { .. })).unwrap();
    assert_eq!((before.rule, before.about), ("P8.6", About::Work(0)));
    assert_eq!(before.kind, FindingKind::BeforeIntermittent { from: d("2021-04-01"), to: d("2021-06-30"), years: 9 });
    assert!(kinds(&decision).contains(&&FindingKind::TooShort {
        days: 161,
        required: 181,
        months: 6,
        start: d("2022-01-01"),
        route: Route::Intermittent
    }));
    assert_eq!((decision.counted_days, decision.required_days), (161, 181));

    // Licensed 2012-04-01: nine years on 2021-04-01, so all add up: 91 + 151 + 10 = 252 ≥ 183. The 183rd
    // day is the 92nd at B病院: Jan 31 + Feb 28 + Mar 31 = 90, so 2022-04-02.
    let decision = decide_on(&history("2012-04-01", periods, vec![]));
    assert!(decision.eligible);
    assert_eq!(decision.route, Some(Route::Intermittent));
    assert_eq!(decision.counted_days, 252);
    assert_eq!(decision.reached_on, Some(d("2022-04-02")));
}

#[test]
fn p8_6_a_period_straddling_the_nine_year_date_is_summed_from_that_date() {
    // Licensed 2012-07-01: nine years on 2021-07-01. A病院 2021-04-01..=2021-08-31 (153 days, 62 of them
    // from July), B病院 2022-01-01..=2022-04-30 (31 + 28 + 31 + 30 = 120): 62 + 120 = 182; six months
    // from 2021-07-01 (to 2021-12-31) need 31 + 31 + 30 + 31 + 30 + 31 = 184.
    let periods = vec![work("2021-04-01", "2021-08-31", "A病院"), work("2022-01-01", "2022-04-30", "B病院")];
    let decision = decide_on(&history("2012-07-01", periods.clone(), vec![]));
    assert!(!decision.eligible);
    assert!(kinds(&decision).contains(&&FindingKind::BeforeIntermittent {
        from: d("2021-04-01"),
        to: d("2021-06-30"),
        years: 9
    }));
    assert_eq!((decision.counted_days, decision.required_days), (182, 184));
    // Two more days at B病院 (to 2022-05-02): 184.
    let mut longer = periods;
    longer[1].end = d("2022-05-02");
    let decision = decide_on(&history("2012-07-01", longer, vec![]));
    assert!(decision.eligible);
    assert_eq!(decision.qualifying[0].start, d("2021-07-01"));
}

#[test]
fn p8_6_concurrent_periods_count_each_day_once() {
    // A病院 2021-04-01..=2021-06-30 and B病院 2021-05-01..=2021-07-31 at once: the days 2021-04-01 to
    // 2021-07-31 are 30 + 31 + 30 + 31 = 122, not 91 + 92 = 183. No break between them.
    let h = history(
        "2010-04-01",
        vec![work("2021-04-01", "2021-06-30", "A病院"), work("2021-05-01", "2021-07-31", "B病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(!decision.eligible);
    assert_eq!(decision.counted_days, 122);
    assert!(!kinds(&decision).iter().any(|k| matches!(k, FindingKind::ChangedInstitution { .. })));
}

#[test]
fn p8_2_the_run_that_reaches_six_months_first_is_reported() {
    // B病院 2023-04-01..=2024-03-31 (a year) and A病院 2021-04-01..=2021-09-30 (183 days): A病院 reaches
    // six months on 2021-09-30, first.
    let h = history(
        "2018-04-01",
        vec![work("2023-04-01", "2024-03-31", "B病院"), work("2021-04-01", "2021-09-30", "A病院")],
        vec![],
    );
    let decision = decide_on(&h);
    assert!(decision.eligible);
    assert_eq!(decision.qualifying[0].institution, "A病院");
    assert_eq!(decision.reached_on, Some(d("2021-09-30")));
}

#[test]
fn p8_7_missing_duty_attestation() {
    let mut h = history("2018-04-01", vec![work("2021-04-01", "2021-09-30", "A病院")], vec![]);
    h.duties = Duties::default().with(Duty::ContinuousCare).with(Duty::Coordination);
    let decision = decide_on(&h);
    // The period is met, the attestation is not.
    assert_eq!(decision.route, Some(Route::Continuous));
    assert!(!decision.eligible);
    let f = &decision.findings[0];
    assert_eq!((f.rule, f.about), ("P8.7", About::History));
    assert_eq!(f.kind, FindingKind::DutyNotAttested(Duty::CommunityHealth));
    assert_eq!(f.message, "業務「健康診査等の地域保健活動」の証明がない");

    h.duties = Duties::default();
    assert_eq!(decide_on(&h).findings.len(), 3);
}

#[test]
fn p8_bad_periods_are_refused_not_decided() {
    let rules = CertificationRules::builtin();
    let mut backwards = history("2018-04-01", vec![work("2021-09-30", "2021-04-01", "A病院")], vec![]);
    assert!(matches!(decide(&backwards, &rules, d(TODAY)), Err(CertificationError::BadWork { index: 0, .. })));
    backwards.work[0] = work("2021-04-01", "2021-09-30", "A病院");
    backwards.work[0].hours_per_week = f64::NAN;
    assert!(decide(&backwards, &rules, d(TODAY)).is_err());
    backwards.work[0].hours_per_week = -1.0;
    assert!(decide(&backwards, &rules, d(TODAY)).is_err());
    let before_licence = history("2022-04-01", vec![work("2021-04-01", "2021-09-30", "A病院")], vec![]);
    let e = decide(&before_licence, &rules, d(TODAY)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "work period 0 (2021-04-01〜2021-09-30): starts before the licence date (医師免許取得日)"
    );
    let bad_leave = history(
        "2018-04-01",
        vec![work("2021-04-01", "2021-09-30", "A病院")],
        vec![leave("2021-06-30", "2021-06-01", LeaveReason::Childcare)],
    );
    assert!(matches!(decide(&bad_leave, &rules, d(TODAY)), Err(CertificationError::BadLeave { index: 0, .. })));
    let far = history("2018-04-01", vec![], vec![]);
    assert!(decide(&far, &rules, CalendarDate::new(100_000, 1, 1).unwrap()).is_err());
}

#[test]
fn p8_a_reference_date_before_april_2020_counts_nothing() {
    let decision = decide(
        &history("2015-04-01", vec![work("2019-04-01", "2021-03-31", "A病院")], vec![]),
        &CertificationRules::builtin(),
        d("2019-06-30"),
    )
    .unwrap();
    assert!(!decision.eligible);
    assert_eq!(decision.counted_days, 0);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A day between 2019-01-01 and 2027-12-31 (covering 2020-04-01 and the reference date).
    fn day() -> impl Strategy<Value = CalendarDate> {
        let first = d("2019-01-01").day_number();
        (0i64..3287).prop_map(move |n| CalendarDate::from_days_since_epoch(first + n))
    }

    fn period() -> impl Strategy<Value = WorkPeriod> {
        (
            day(),
            0i64..400,
            0usize..3,
            0usize..3,
            prop_oneof![Just(20.0), Just(30.0), Just(31.5), Just(40.0)],
            any::<bool>(),
            0usize..3,
        )
            .prop_map(|(start, len, inst, area, hours, short_time, kind)| WorkPeriod {
                start,
                end: CalendarDate::from_days_since_epoch(start.day_number() + len),
                institution: ["A病院", "B病院", "C診療所"][inst].into(),
                area_code: "0104".into(),
                area: [AreaStatus::ScarceArea, AreaStatus::ScarceDistrict, AreaStatus::NotScarce][area],
                hours_per_week: hours,
                kind: [WorkKind::Clinical, WorkKind::ClinicalTraining, WorkKind::SpecialtyTraining][kind],
                short_time,
            })
    }

    fn interruption() -> impl Strategy<Value = LeavePeriod> {
        (
            day(),
            0i64..200,
            prop_oneof![Just(LeaveReason::Childcare), Just(LeaveReason::Illness), Just(LeaveReason::Other)],
        )
            .prop_map(|(start, len, reason)| LeavePeriod {
                start,
                end: CalendarDate::from_days_since_epoch(start.day_number() + len),
                reason,
            })
    }

    proptest! {
        /// P8: on any history the decision is consistent: the days counted are days worked after
        /// 2020-04-01 and by the reference date, outside any leave; eligibility means six months were
        /// reached by the reference date and the three duties are attested.
        #[test]
        fn p8_decisions_are_consistent_on_any_history(
            licence in prop_oneof![Just("2008-04-01"), Just("2012-10-01"), Just("2018-04-01")],
            work in proptest::collection::vec(period(), 0..6),
            leave in proptest::collection::vec(interruption(), 0..3),
            duties in any::<(bool, bool, bool)>(),
        ) {
            let today = d(TODAY);
            let mut h = history(licence, work, leave);
            h.work.retain(|w| w.start >= h.licence_date);
            h.duties = Duties { continuous_care: duties.0, coordination: duties.1, community_health: duties.2 };
            let decision = decide(&h, &CertificationRules::builtin(), today).unwrap();
            prop_assert_eq!(decision.eligible, decision.route.is_some() && duties == (true, true, true));
            if let Some(reached) = decision.reached_on {
                prop_assert!(decision.counted_days >= decision.required_days);
                prop_assert!(reached <= today);
            }
            for q in &decision.qualifying {
                prop_assert!(q.start <= q.end && q.start >= d("2020-04-01") && q.end <= today);
                prop_assert!(h.leave.iter().all(|l| q.end < l.start || l.end < q.start));
                // Every counted day was worked at that institution (a piece may span renewed contracts).
                let worked = |n: i64| h.work.iter().any(|w| {
                    w.institution == q.institution && w.start.day_number() <= n && n <= w.end.day_number()
                });
                prop_assert!((q.start.day_number()..=q.end.day_number()).all(worked));
            }
            prop_assert!(decision.qualifying.windows(2).all(|p| p[0].start <= p[1].start));
            prop_assert!(decision.findings.iter().all(|f| f.rule.starts_with("P8.") && !f.message.is_empty()));
            // Never more days than the calendar holds between 2020-04-01 and today.
            prop_assert!(decision.counted_days <= d("2020-04-01").days_until(today) + 1);
        }
    }
}
