//! End-to-end tests of `ishi renew …` on the fictional example membership (examples/renewal).

mod common;

use common::{ishi, repo_file, stderr, stdout};
use serde_json::Value;

fn example() -> (String, String) {
    (repo_file("examples/renewal/specialists.csv"), repo_file("examples/renewal/ledger.csv"))
}

fn check(extra: &[&str]) -> Vec<Value> {
    let (s, l) = example();
    let mut args = vec!["renew", "check", "--specialists", &s, "--ledger", &l, "--format", "json"];
    args.extend(extra);
    let o = ishi(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn r9_check_gives_the_verdict_of_every_example() {
    let all = check(&[]);
    let verdicts: Vec<(&str, &str)> =
        all.iter().map(|e| (e["specialist_id"].as_str().unwrap(), e["verdict"].as_str().unwrap())).collect();
    assert_eq!(
        verdicts,
        [("EX001", "pass"), ("EX002", "fail"), ("EX003", "pass"), ("EX004", "review"), ("EX005", "review")]
    );
}

#[test]
fn r9_check_json_contract() {
    let all = check(&["--id", "EX002"]);
    let e = &all[0];
    assert_eq!(e["renewal_fiscal_year"], 2025);
    assert_eq!((e["required_units"].as_f64(), e["counted_units"].as_f64()), (Some(50.0), Some(29.0)));
    for key in ["clinical", "common", "specialty", "achievements"] {
        let c = &e["categories"][key];
        for field in ["earned", "counted", "min", "max"] {
            assert!(c.get(field).is_some(), "{key}.{field}");
        }
    }
    let m = &e["categories"]["common"]["mandatory"];
    assert_eq!(
        (m["医療安全"].as_f64(), m["感染対策"].as_f64(), m["医療倫理"].as_f64()),
        (Some(1.0), Some(1.0), Some(0.0))
    );
    assert!(e.get("old_points").is_none(), "FY2020 criteria use no old points");
    let rules: Vec<&str> = e["reasons"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    for r in ["R3.1", "R3.3", "R4", "R2"] {
        assert!(rules.contains(&r), "{r} in {rules:?}");
    }
    insta::assert_json_snapshot!("renew_check_ex002", e);
}

#[test]
fn r7_check_reports_old_points_for_the_transition() {
    let e = &check(&["--id", "EX005"])[0];
    assert_eq!(e["old_points"]["earned"], 80);
    assert_eq!(e["old_points"]["required"], 90);
    assert_eq!(e["outcome"], "individual_review");
    insta::assert_json_snapshot!("renew_check_ex005", e);
}

#[test]
fn r9_check_table_is_for_a_person() {
    let (s, l) = example();
    let o = ishi(&["renew", "check", "--specialists", &s, "--ledger", &l, "--id", "EX002", "--format", "table"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!("renew_check_ex002_table", stdout(&o));
}

#[test]
fn x2_check_csv_is_utf8_with_bom() {
    let (s, l) = example();
    let o = ishi(&["renew", "check", "--specialists", &s, "--ledger", &l, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 6);
    assert!(text.lines().nth(2).unwrap().starts_with("EX002,架空 二葉,2025,fail,"));
}

#[test]
fn r9_plan_lists_what_is_left() {
    let (s, l) = example();
    let o = ishi(&["renew", "plan", "--specialists", &s, "--ledger", &l, "--id", "EX002", "--today", "2024-10-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let p = &plan[0];
    assert_eq!(p["verdict_after"], "pass");
    assert_eq!(p["days_left"], 181);
    // 医療倫理 1 h (R3.1); iii 3 h to its minimum; iv 3 units (a 総会); then 50 − (10+5+15+6) = 14 h of iii.
    let acts = p["activities"].as_array().unwrap();
    assert_eq!(acts[0]["detail"], "医療倫理");
    assert_eq!(p["lecture_hours"], 18);
    insta::assert_json_snapshot!("renew_plan_ex002", p);
}

#[test]
fn r9_batch_summarises_a_fiscal_year_and_writes_the_committee_list() {
    let (s, l) = example();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("committee.xlsx");
    let csv = dir.path().join("committee.csv");
    for out in [&xlsx, &csv] {
        let o = ishi(&[
            "renew",
            "batch",
            "--specialists",
            &s,
            "--ledger",
            &l,
            "--fiscal-year",
            "2025",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("対象 3 名"), "{text}");
        assert!(text.contains("pass") && text.contains("fail"), "{text}");
    }
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("判定一覧").unwrap();
    assert_eq!(sheet.height(), 2 + 3, "title, header, three specialists due in FY2025");
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv_text.lines().count(), 4);
    let o = ishi(&["renew", "batch", "--specialists", &s, "--ledger", &l, "--fiscal-year", "2025", "--format", "json"]);
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["by_verdict"], serde_json::json!({ "pass": 2, "fail": 1 }));
    assert_eq!(summary["by_failing_rule"]["R3.1"], 1);
}

#[test]
fn r8_forms_writes_the_workbook_and_the_pdf() {
    let (s, l) = example();
    let dir = tempfile::tempdir().unwrap();
    let o = ishi(&[
        "renew",
        "forms",
        "--specialists",
        &s,
        "--ledger",
        &l,
        "--id",
        "EX001",
        "--today",
        "2025-01-10",
        "--output",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = std::fs::read(dir.path().join("EX001_様式.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("EX001_様式.xlsx")).unwrap();
    let names = book.sheet_names();
    for form in ["様式1-2", "様式4", "様式5", "様式6-1", "様式7-1", "様式8-1"] {
        assert!(names.iter().any(|n| n == form), "{form} in {names:?}");
    }
}

#[test]
fn x1_renew_edition_lists_values_with_sources_and_decisions() {
    let o = ishi(&["renew", "edition", "--edition", "FY2017"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("old_points.required = 90"), "{text}");
    assert!(text.contains("出典: seeds/004_712cd70ad74d3449.txt"));
    assert!(text.contains("R1.3"));
}

#[test]
fn x3_unknown_kind_exits_2_and_writes_nothing() {
    let (s, _) = example();
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.csv");
    std::fs::write(
        &ledger,
        "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\nEX001,2021-01-01,case_operation,x,10,,,,\nEX001,2021-01-02,golf,,1,,,,\n",
    )
    .unwrap();
    let out = dir.path().join("out.json");
    let o = ishi(&[
        "renew",
        "check",
        "--specialists",
        &s,
        "--ledger",
        ledger.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("ledger.csv") && err.contains("row 3") && err.contains("column kind") && err.contains("\"golf\""),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written on bad input");
}

#[test]
fn x3_ledger_specialist_not_in_roster_exits_2() {
    let (s, _) = example();
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.csv");
    std::fs::write(
        &ledger,
        "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\nEX999,2021-01-01,case_operation,x,10,,,,\n",
    )
    .unwrap();
    let o = ishi(&["renew", "check", "--specialists", &s, "--ledger", ledger.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("EX999"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn x2_ledger_in_cp932_reads_like_utf8() {
    let (s, l) = example();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&l).unwrap();
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    let sjis = dir.path().join("ledger_sjis.csv");
    std::fs::write(&sjis, &bytes).unwrap();
    let a = check(&[]);
    let o = ishi(&["renew", "check", "--specialists", &s, "--ledger", sjis.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let b: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a, b);
}

#[test]
fn r9_synthetic_membership_round_trips_through_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = ishi(&["renew", "synth", "--output", d, "--specialists", "200", "--seed", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = dir.path().join("specialists.csv");
    let l = dir.path().join("ledger.csv");
    let o = ishi(&[
        "renew",
        "check",
        "--specialists",
        s.to_str().unwrap(),
        "--ledger",
        l.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all.len(), 200);
    for v in ["pass", "fail"] {
        assert!(all.iter().any(|e| e["verdict"] == v), "{v}");
    }
}

#[test]
fn r6_3_a_plan_after_the_period_names_the_obstacle() {
    let (s, l) = example();
    let o = ishi(&["renew", "plan", "--specialists", &s, "--ledger", &l, "--id", "EX002", "--today", "2025-05-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan[0]["obstacle"]["kind"], "period_over");
    assert_eq!(plan[0]["obstacle"]["end"], "2025-03-31");
    assert_eq!(plan[0]["days_left"], -31);
}
