//! The SYNTHETIC renewal membership: deterministic, well-formed, the same as CSV and as domain values,
//! and varied enough that every verdict occurs.

use std::collections::{HashMap, HashSet};

use ishi_calendar::CalendarDate;
use ishi_renewal::{
    ActivityKind, CommonItem, DeferralReason, Evaluator, FindingKind, Role, RuleBook, Specialist, Verdict,
};
use ishi_synth::renewal::{LEDGER_HEADER, MembershipConfig, SPECIALISTS_HEADER, generate_membership, write_membership};

fn write(config: &MembershipConfig) -> (String, String) {
    let (mut roster, mut ledger) = (Vec::new(), Vec::new());
    let stats = write_membership(config, &mut roster, &mut ledger).unwrap();
    assert_eq!(stats.specialists, config.specialists);
    assert_eq!(stats.ledger_rows, config.specialists * config.activities_per_specialist);
    (String::from_utf8(roster).unwrap(), String::from_utf8(ledger).unwrap())
}

fn small() -> MembershipConfig {
    MembershipConfig { specialists: 300, activities_per_specialist: 50, seed: 7, fiscal_years: 2015..=2025 }
}

fn records(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap()).collect()
}

#[test]
fn synth_renewal_is_deterministic_for_a_seed() {
    let config = small();
    assert_eq!(write(&config), write(&config));
    assert_eq!(generate_membership(&config), generate_membership(&config));
    let other = MembershipConfig { seed: 8, ..small() };
    assert_ne!(write(&config).1, write(&other).1);
}

#[test]
fn synth_renewal_row_counts_and_headers() {
    let config = MembershipConfig { specialists: 37, activities_per_specialist: 13, ..Default::default() };
    let (roster, ledger) = write(&config);
    assert_eq!(roster.lines().next(), Some(SPECIALISTS_HEADER));
    assert_eq!(ledger.lines().next(), Some(LEDGER_HEADER));
    assert_eq!(roster.lines().count(), 1 + 37);
    assert_eq!(ledger.lines().count(), 1 + 37 * 13);
    assert!(!roster.starts_with('\u{feff}') && !ledger.starts_with('\u{feff}'));
    let (s, a) = generate_membership(&config);
    assert_eq!((s.len(), a.len()), (37, 37));
    assert!(a.iter().all(|l| l.len() == 13));

    for (n, config) in [(0, 50), (5, 0), (3, 1), (4, 2)].map(|(n, k)| {
        (n * k, MembershipConfig { specialists: n, activities_per_specialist: k, fiscal_years: 2015..=2025, seed: 1 })
    }) {
        let (_, ledger) = write(&config);
        assert_eq!(ledger.lines().count(), 1 + n);
    }
}

#[test]
fn synth_renewal_csv_parses_back_and_every_ledger_id_is_in_the_roster() {
    let config = small();
    let (roster, ledger) = write(&config);
    let roster = records(&roster);
    let ledger = records(&ledger);
    assert_eq!(roster.len(), config.specialists);
    assert_eq!(ledger.len(), config.specialists * config.activities_per_specialist);
    assert!(roster.iter().all(|r| r.len() == 8) && ledger.iter().all(|r| r.len() == 9));
    let ids: HashSet<&str> = roster.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), roster.len(), "ids are unique");
    assert!(ledger.iter().all(|r| ids.contains(&r[0])));
    assert!(roster.iter().all(|r| r[1].starts_with("合成")), "every name carries the synthetic label");
    assert!(roster.iter().all(|r| r[0].starts_with("SYN")));
    for r in &ledger {
        assert!(CalendarDate::parse(&r[1]).is_some(), "{r:?}");
        let kind = ActivityKind::parse(&r[2], &r[3]).unwrap_or_else(|e| panic!("{r:?}: {e:?}"));
        let q: f64 = r[4].parse().unwrap();
        kind.measure().check(q).unwrap_or_else(|e| panic!("{r:?}: {e}"));
        let role = Role::parse(&r[5]).unwrap();
        assert!(role == Role::Attendee || kind.accepts_lecturer(), "{r:?}");
        assert!(matches!(&r[6], "true" | "false") && matches!(&r[7], "true" | "false"), "{r:?}");
        assert!(&r[7] == "false" || kind.accepts_lecturer(), "e-learning on lectures only: {r:?}");
    }
    for r in &roster {
        assert!(r[7].is_empty() || DeferralReason::parse(&r[7]).is_some(), "{r:?}");
    }
}

/// The domain values are the CSV: same specialists, and activity by activity the same row, date, kind,
/// quantity, role and flags; evidence ids equal exactly when the evidence texts are equal.
#[test]
fn synth_renewal_generate_membership_matches_the_csv() {
    let config = small();
    let (roster_csv, ledger_csv) = write(&config);
    let roster_csv = records(&roster_csv);
    let ledger_csv = records(&ledger_csv);
    let (roster, ledgers) = generate_membership(&config);

    for (s, r) in roster.iter().zip(&roster_csv) {
        let parsed = Specialist {
            id: r[0].to_string(),
            name: r[1].to_string(),
            renewals_completed: r[2].parse().unwrap(),
            renewal_fiscal_year: r[3].parse().unwrap(),
            period_start: CalendarDate::parse(&r[4]).unwrap(),
            period_end: CalendarDate::parse(&r[5]).unwrap(),
            extensions: r[6].parse().unwrap(),
            deferral: DeferralReason::parse(&r[7]),
        };
        assert_eq!(s, &parsed);
    }

    let mut line = 1u32;
    let mut csv_rows = ledger_csv.iter();
    for (s, ledger) in roster.iter().zip(&ledgers) {
        let mut by_text: HashMap<String, u32> = HashMap::new();
        for a in ledger {
            line += 1;
            let r = csv_rows.next().unwrap();
            assert_eq!(a.row, line);
            assert_eq!(&r[0], s.id);
            assert_eq!(a.date, CalendarDate::parse(&r[1]).unwrap());
            assert_eq!(a.kind, ActivityKind::parse(&r[2], &r[3]).unwrap());
            assert_eq!(a.quantity, r[4].parse::<f64>().unwrap());
            assert_eq!(a.role, Role::parse(&r[5]).unwrap());
            assert_eq!(a.approved, &r[6] == "true");
            assert_eq!(a.e_learning, &r[7] == "true");
            if r[8].is_empty() {
                assert_eq!(a.evidence, None, "row {line}");
            } else {
                let next = by_text.len() as u32;
                let id = *by_text.entry(r[8].to_string()).or_insert(next);
                assert_eq!(a.evidence.map(|e| e.0), Some(id), "row {line}");
            }
        }
    }
    assert!(csv_rows.next().is_none());
}

#[test]
fn synth_renewal_periods_and_ledgers_in_date_order() {
    let (roster, ledgers) = generate_membership(&small());
    for (s, ledger) in roster.iter().zip(&ledgers) {
        let fy = s.renewal_fiscal_year;
        assert!((2015..=2025).contains(&fy));
        assert_eq!(s.period_start, CalendarDate::new(fy - 4, 1, 1).unwrap());
        assert_eq!(s.period_end, CalendarDate::new(fy, 12, 31).unwrap());
        assert!(ledger.windows(2).all(|w| w[0].date <= w[1].date), "{}", s.id);
        let old = ledger.iter().any(|a| a.kind == ActivityKind::OldPoints);
        assert_eq!(old, fy <= 2019, "old points only in the transition: {}", s.id);
    }
}

/// Evaluates everything with the real engine: every verdict occurs, in roughly the intended mix, and
/// the noise shows up as findings.
fn mix(config: &MembershipConfig) -> (HashMap<Verdict, usize>, HashMap<&'static str, usize>, usize) {
    let (roster, ledgers) = generate_membership(config);
    let book = RuleBook::builtin();
    let mut evaluator = Evaluator::new(&book);
    let (mut verdicts, mut findings) = (HashMap::new(), HashMap::new());
    let mut exempt = 0;
    for (s, ledger) in roster.iter().zip(&ledgers) {
        let e = evaluator.evaluate(s, ledger).unwrap();
        *verdicts.entry(e.verdict).or_default() += 1;
        exempt += e.exempt as usize;
        for f in &e.findings {
            let key = match f.kind {
                FindingKind::OutsidePeriod { .. } => "outside_period",
                FindingKind::NotApproved { .. } => "not_approved",
                FindingKind::ELearningWithoutEvidence => "e_learning_without_evidence",
                FindingKind::OverCap { .. } => "over_cap",
                FindingKind::LectureTooShort { .. } => "lecture_too_short",
                FindingKind::MandatoryItemShort { .. } => "mandatory_item_short",
                FindingKind::Deferred { .. } => "deferred",
                FindingKind::CountedAsOldPoints { .. } => "counted_as_old_points",
                FindingKind::IndividualReview { .. } => "individual_review",
                FindingKind::SocietyRenewal { .. } => "society_renewal",
                FindingKind::ExtensionsExceeded { .. } => "extensions_exceeded",
                _ => continue,
            };
            *findings.entry(key).or_default() += 1;
        }
    }
    (verdicts, findings, exempt)
}

#[test]
fn synth_renewal_evaluation_smoke_default_mix() {
    let config = MembershipConfig::default();
    let (verdicts, findings, exempt) = mix(&config);
    let n = config.specialists as f64;
    let share = |v| *verdicts.get(&v).unwrap_or(&0) as f64 / n;
    eprintln!("default mix: {verdicts:?}, exempt {exempt}, findings {findings:?}");
    assert!((0.60..=0.80).contains(&share(Verdict::Pass)), "{verdicts:?}");
    assert!((0.12..=0.30).contains(&share(Verdict::Fail)), "{verdicts:?}");
    assert!((0.03..=0.15).contains(&share(Verdict::Review)), "{verdicts:?}");
    assert!((0.10..=0.20).contains(&(exempt as f64 / n)), "exempt {exempt}");
    for key in
        ["outside_period", "not_approved", "e_learning_without_evidence", "over_cap", "lecture_too_short", "deferred"]
    {
        assert!(findings.get(key).is_some_and(|&c| c > 0), "{key}: {findings:?}");
    }
    let rows = (config.specialists * config.activities_per_specialist) as f64;
    let outside = findings["outside_period"] as f64 / rows;
    assert!((0.01..=0.04).contains(&outside), "outside the period: {outside}");
}

#[test]
fn synth_renewal_evaluation_smoke_with_the_transition() {
    let config = MembershipConfig { fiscal_years: 2015..=2025, specialists: 2_000, ..Default::default() };
    let (verdicts, findings, _) = mix(&config);
    eprintln!("2015..=2025 mix: {verdicts:?}, findings {findings:?}");
    for v in [Verdict::Pass, Verdict::Fail, Verdict::Review] {
        assert!(verdicts.get(&v).is_some_and(|&c| c > 0), "{v:?}: {verdicts:?}");
    }
    for key in ["counted_as_old_points", "individual_review", "society_renewal"] {
        assert!(findings.get(key).is_some_and(|&c| c > 0), "{key}: {findings:?}");
    }
    let pass = verdicts[&Verdict::Pass] as f64 / config.specialists as f64;
    assert!((0.55..=0.85).contains(&pass), "{verdicts:?}");
}

#[test]
fn synth_renewal_mandatory_items_are_named_as_the_ledger_format_says() {
    let (_, ledger) = write(&small());
    let details: HashSet<&str> =
        ledger.lines().filter(|l| l.contains(",common_lecture,")).map(|l| l.split(',').nth(3).unwrap()).collect();
    for item in CommonItem::ALL {
        assert!(details.contains(item.as_ja()), "{item:?}");
    }
    assert!(details.iter().all(|d| CommonItem::parse(d).is_some()));
}

#[test]
fn synth_renewal_invalid_config_is_an_error_not_a_panic() {
    for bad in [
        MembershipConfig { fiscal_years: 2014..=2020, ..Default::default() },
        MembershipConfig { fiscal_years: std::ops::RangeInclusive::new(2021, 2020), ..Default::default() },
        MembershipConfig { specialists: usize::MAX, ..Default::default() },
        MembershipConfig { activities_per_specialist: 1 << 20, ..Default::default() },
    ] {
        assert!(bad.validate().is_err());
        let err = write_membership(&bad, std::io::sink(), std::io::sink()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}

/// The importer refuses a ledger row identical to another (X3: one activity sent twice), so a
/// generated ledger must never contain one.
#[test]
fn x3_generated_ledger_has_no_identical_rows() {
    let config = MembershipConfig { specialists: 20_000, ..MembershipConfig::default() };
    let (mut roster, mut ledger) = (Vec::new(), Vec::new());
    write_membership(&config, &mut roster, &mut ledger).unwrap();
    let text = String::from_utf8(ledger).unwrap();
    let mut seen = HashSet::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        assert!(seen.insert(line), "line {} repeats an earlier line: {line}", i + 1);
    }
}
