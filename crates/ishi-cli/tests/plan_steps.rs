//! End-to-end tests of `ishi plan targets | future | policy | dispatch | population | save | diff |
//! backtest` (SPEC P4–P7, P9): the real binary, the CLI contracts, the shipped default, bad input.

mod common;
use common::*;

use serde_json::Value;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn json_value(args: &[&str]) -> Value {
    let o = ishi(args);
    assert!(o.status.success(), "ishi {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// Exit code 2, one message naming file, row, column and value, nothing on stdout.
fn refused(args: &[&str], expect: &[&str]) {
    let o = ishi(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(o.stdout.is_empty());
}

#[test]
fn p6_4_policy_cli_reproduces_the_seed_examples() {
    let dir = tempfile::tempdir().unwrap();
    // A県 (少数三次医療圏) ㋒ 少数 now and in future; C県 (多数三次医療圏) ㋓ 中程度 containing a 少数地区.
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,tertiary_code,current,future,contains_minority_district\nU,A,少数,少数,false\nE,C,中程度,中程度,true\nX,C,多数,多数,false\n",
    );
    let tertiary = write(dir.path(), "tertiary.csv", "tertiary_code,current,future\nA,少数,少数\nC,多数,多数\n");
    let v = json_value(&["plan", "policy", "--areas", &areas, "--tertiary", &tertiary, "--format", "json"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["area_code", "short_term", "long_term", "outside_tertiary", "outside_secondary", "rules"]);
    // ㋒: 三次医療圏外から可能, 二次医療圏外から行う, 短期, 長期.
    assert_eq!(rows[0]["short_term"], true);
    assert_eq!(rows[0]["long_term"], true);
    assert_eq!(rows[0]["outside_tertiary"], "yes");
    assert_eq!(rows[0]["outside_secondary"], "yes");
    // ㋓: 三次医療圏外からはできない, 二次医療圏外からできる, 短期.
    assert_eq!(rows[1]["short_term"], true);
    assert_eq!(rows[1]["long_term"], false);
    assert_eq!(rows[1]["outside_tertiary"], "no");
    assert_eq!(rows[1]["outside_secondary"], "as_needed");
    assert_eq!(rows[1]["rules"], serde_json::json!(["P6.1", "P6.2", "P6.3", "P1.3", "P6.5"]));
    // A 多数 area: no measures, no recruitment.
    assert_eq!(
        (rows[2]["short_term"].clone(), rows[2]["outside_secondary"].clone()),
        (Value::Bool(false), "no".into())
    );

    let csv = stdout(&ishi(&["plan", "policy", "--areas", &areas, "--tertiary", &tertiary, "--format", "csv"]));
    assert!(csv.starts_with("\u{feff}area_code,short_term,long_term,outside_tertiary,outside_secondary,rules\n"));
    assert!(csv.contains("E,true,false,no,as_needed,P6.1 P6.2 P6.3 P1.3 P6.5\n"), "{csv}");
    let table = stdout(&ishi(&["plan", "policy", "--areas", &areas, "--tertiary", &tertiary]));
    assert!(table.contains("必要に応じて可能") && table.contains("あり"), "{table}");
    let t = json_value(&[
        "plan",
        "policy",
        "--areas",
        &areas,
        "--tertiary",
        &tertiary,
        "--level",
        "tertiary",
        "--format",
        "json",
    ]);
    assert_eq!(t[0]["outside_tertiary"], "yes");
    assert_eq!(t[1]["outside_tertiary"], "no");
}

#[test]
fn p6_policy_cli_without_tertiary_file_uses_the_shipped_prefectures() {
    let dir = tempfile::tempdir().unwrap();
    // 岩手 (03) is a 医師少数県 and 東京 (13) a 医師多数都 in the 2024 release.
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,tertiary_code,current,future,contains_minority_district\n0301,03,少数,少数,false\n1301,13,少数,少数,false\n",
    );
    let v = json_value(&["plan", "policy", "--areas", &areas, "--format", "json"]);
    assert_eq!((v[0]["outside_tertiary"].as_str(), v[1]["outside_tertiary"].as_str()), (Some("yes"), Some("no")));
    refused(
        &[
            "plan",
            "policy",
            "--areas",
            &write(
                dir.path(),
                "bad.csv",
                "area_code,tertiary_code,current,future,contains_minority_district\n9901,99,少数,少数,false\n",
            ),
            "--format",
            "json",
        ],
        &["bad.csv: row 2, column tertiary_code, value \"99\": unknown tertiary area"],
    );
}

#[test]
fn p6_policy_cli_runs_on_the_shipped_data() {
    let v = json_value(&["plan", "policy", "--format", "json"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 330);
    // Every current 少数 area gets short-term measures and recruits from outside its secondary area.
    let table = json_value(&["plan", "table", "--format", "json"]);
    for (p, t) in rows.iter().zip(table.as_array().unwrap()) {
        assert_eq!(p["area_code"], t["code"]);
        if t["decided"] == "少数" {
            assert_eq!((p["short_term"].as_bool(), p["outside_secondary"].as_str()), (Some(true), Some("yes")));
        }
        if t["decided"] == "多数" {
            assert_eq!(p["outside_secondary"], "no");
        }
    }
}

#[test]
fn x3_policy_cli_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let h = "area_code,tertiary_code,current,future,contains_minority_district\n";
    let bad = write(dir.path(), "areas.csv", &format!("{h}0101,01,少ない,少数,false\n"));
    refused(
        &["plan", "policy", "--areas", &bad, "--format", "json"],
        &["areas.csv: row 2, column current, value \"少ない\""],
    );
    let bad = write(dir.path(), "areas2.csv", &format!("{h}0101,01,少数,少数,true\n"));
    refused(&["plan", "policy", "--areas", &bad], &["row 2, column contains_minority_district", "P1.3"]);
    let out = dir.path().join("out.json");
    let o = ishi(&["plan", "policy", "--areas", &bad, "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn p7_dispatch_cli_seed_example_ten_physicians_from_a_to_b() {
    let dir = tempfile::tempdir().unwrap();
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,tertiary_code,designation,tertiary_designation,supply,demand\nA,T,多数,中程度,10,0\nB,T,少数,中程度,0,10\n",
    );
    let costs = write(dir.path(), "costs.csv", "from,to,cost\nA,B,3\n");
    let v = json_value(&["plan", "dispatch", "--areas", &areas, "--costs", &costs, "--format", "json"]);
    // 10 physicians × cost 3 = 30.
    assert_eq!(v["total_cost"], 30);
    assert_eq!(v["flows"], serde_json::json!([{"from": "A", "to": "B", "physicians": 10}]));
    assert_eq!(v["unmet"], serde_json::json!([]));
}

#[test]
fn p7_dispatch_cli_reports_unmet_demand_with_the_binding_rule() {
    let dir = tempfile::tempdir().unwrap();
    // A 少数地区 D in a 多数 prefecture P whose only 多数 area is in another prefecture Q: P6.5 forbids it.
    // B (少数, in a 少数 prefecture R) gets 4 of its 6 from Q's 多数 area at cost 2: 2 stay unmet.
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,tertiary_code,designation,tertiary_designation,supply,demand\n\
         Q1,Q,多数,多数,4,0\nD,P,少数地区,多数,0,3\nP1,P,中程度,多数,0,0\nB,R,少数,少数,0,6\n",
    );
    let costs = write(dir.path(), "costs.csv", "from,to,cost\nQ1,D,1\nQ1,B,2\n");
    let v = json_value(&["plan", "dispatch", "--areas", &areas, "--costs", &costs, "--format", "json"]);
    assert_eq!(v["total_cost"], 8);
    assert_eq!(v["flows"], serde_json::json!([{"from": "Q1", "to": "B", "physicians": 4}]));
    let unmet = v["unmet"].as_array().unwrap();
    assert_eq!(unmet.len(), 2);
    assert_eq!((unmet[0]["area_code"].as_str(), unmet[0]["physicians"].as_u64()), (Some("B"), Some(2)));
    assert_eq!(unmet[0]["reason"], "supply_exhausted");
    assert_eq!((unmet[1]["area_code"].as_str(), unmet[1]["reason"].as_str()), (Some("D"), Some("no_legal_source")));
    assert!(unmet[1]["rules"].as_array().unwrap().iter().any(|r| r == "P6.5" || r == "P6.2"), "{}", unmet[1]);
}

#[test]
fn p7_dispatch_cli_on_the_shipped_data_obeys_the_rules() {
    let v = json_value(&["plan", "dispatch", "--format", "json"]);
    let table = json_value(&["plan", "table", "--format", "json"]);
    let decided = |code: &str| {
        table.as_array().unwrap().iter().find(|r| r["code"] == code).unwrap()["decided"].as_str().unwrap().to_string()
    };
    let flows = v["flows"].as_array().unwrap();
    assert!(!flows.is_empty());
    for f in flows {
        // P7.2: sources are 多数 areas, sinks never are.
        assert_eq!(decided(f["from"].as_str().unwrap()), "多数", "{f}");
        assert_ne!(decided(f["to"].as_str().unwrap()), "多数", "{f}");
        assert!(f["physicians"].as_u64().unwrap() > 0);
    }
}

#[test]
fn x3_dispatch_cli_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let areas = write(
        dir.path(),
        "areas.csv",
        "area_code,tertiary_code,designation,tertiary_designation,supply,demand\nA,T,多数,中程度,10,0\nB,T,少数,中程度,0,10\n",
    );
    let costs = write(dir.path(), "costs.csv", "from,to,cost\nA,B,-3\n");
    refused(
        &["plan", "dispatch", "--areas", &areas, "--costs", &costs, "--format", "json"],
        &["costs.csv: row 2, column cost, value \"-3\""],
    );
    let costs = write(dir.path(), "costs2.csv", "from,to,cost\nA,C,3\n");
    refused(
        &["plan", "dispatch", "--areas", &areas, "--costs", &costs],
        &["costs2.csv: row 2, column to, value \"C\""],
    );
    let bad = write(
        dir.path(),
        "areas2.csv",
        "area_code,tertiary_code,designation,tertiary_designation,supply,demand\nA,T,多数,中程度,ten,0\n",
    );
    refused(&["plan", "dispatch", "--areas", &bad], &["areas2.csv: row 2, column supply, value \"ten\""]);
}

#[test]
fn p4_targets_cli_on_the_shipped_data() {
    let v = json_value(&["plan", "targets", "--format", "json"]);
    assert_eq!(v["method"], "ceiling");
    assert_eq!(v["plan_end_year"], 2026);
    let secondary = v["secondary"].as_array().unwrap();
    assert_eq!((secondary.len(), v["tertiary"].as_array().unwrap().len()), (330, 47));
    for t in secondary {
        // P4.3: a ceiling never falls below the current count.
        assert!(t["target"].as_f64().unwrap() >= t["current"].as_f64().unwrap(), "{t}");
        assert_eq!(t["rule"], "P4.3");
    }
    // P4.4 is checked and every violation names its tertiary area and areas.
    for c in v["consistency"].as_array().unwrap() {
        assert_eq!(c["rule"], "P4.4");
        assert!(c["sum"].as_f64().unwrap() > c["limit"].as_f64().unwrap());
    }
    let old = json_value(&["plan", "targets", "--edition", "2019", "--format", "json"]);
    assert_eq!((old["method"].as_str(), old["plan_end_year"].as_i64()), (Some("threshold"), Some(2023)));
}

#[test]
fn p4_2_targets_set_by_the_prefecture_win() {
    let dir = tempfile::tempdir().unwrap();
    let set = write(dir.path(), "set.csv", "area_code,target\n0101,900\n");
    let v = json_value(&["plan", "targets", "--set", &set, "--format", "json"]);
    let a = v["secondary"].as_array().unwrap().iter().find(|t| t["area_code"] == "0101").unwrap().clone();
    assert_eq!((a["target"].as_f64(), a["basis"].as_str()), (Some(900.0), Some("set_by_prefecture")));
    // A user's population at plan end wins too: doubling 0102's population doubles its threshold count.
    let pop = write(dir.path(), "pop.csv", "area_code,year,population,std_utilization_ratio\n0102,2026,40000,\n");
    let v = json_value(&["plan", "targets", "--population", &pop, "--format", "json"]);
    let a = v["secondary"].as_array().unwrap().iter().find(|t| t["area_code"] == "0102").unwrap().clone();
    // 179.3 × 40,000/100,000 × 0.855 (0102's published ratio) = 61.3.
    assert_eq!(a["computed"].as_f64(), Some(61.3), "{a}");
    refused(
        &["plan", "targets", "--set", &write(dir.path(), "bad.csv", "area_code,target\n0101,-5\n")],
        &["bad.csv: row 2, column target, value \"-5\""],
    );
}

#[test]
fn p5_future_cli_required_and_baseline_physicians() {
    let dir = tempfile::tempdir().unwrap();
    let v = json_value(&["plan", "future", "--format", "json"]);
    assert_eq!(v["year"], 2036);
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 330);
    for a in areas {
        // baseline / required = 179.3 / 255.58… for every area (same demand).
        let r = a["baseline"].as_f64().unwrap() / a["required"].as_f64().unwrap();
        assert!((r - 179.3 / v["national_value"].as_f64().unwrap()).abs() < 0.01, "{a}");
    }
    let supply = write(dir.path(), "supply.csv", "area_code,supply\n0102,10\n");
    let v = json_value(&["plan", "future", "--supply", &supply, "--national-value", "300", "--format", "json"]);
    let a = &v["areas"][1];
    assert_eq!((a["area_code"].as_str(), a["supply"].as_f64()), (Some("0102"), Some(10.0)));
    let gap = a["gap"].as_f64().unwrap();
    assert!((gap - (a["required"].as_f64().unwrap() - 10.0)).abs() < 0.11, "{a}");
    assert!((a["short_term_part"].as_f64().unwrap() + a["long_term_part"].as_f64().unwrap() - gap).abs() < 0.11);
}

#[test]
fn p9_save_diff_and_backtest() {
    let dir = tempfile::tempdir().unwrap();
    let e2024 = dir.path().join("2024.json").display().to_string();
    let e2019 = dir.path().join("2019.json").display().to_string();
    assert!(ishi(&["plan", "save", "--output", &e2024]).status.success());
    assert!(ishi(&["plan", "save", "--edition", "2019", "--id", "2019-rank", "--output", &e2019]).status.success());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&e2024).unwrap()).unwrap();
    assert_eq!(saved["areas"].as_array().unwrap().len(), 330 + 47);
    assert!(saved["areas"][47]["policy"]["rules"].is_array());

    let same = stdout(&ishi(&["plan", "diff", &e2024, &e2024]));
    assert!(same.contains("違いはありません"), "{same}");
    let d = json_value(&["plan", "diff", &e2019, &e2024, "--format", "json"]);
    assert!(d["parameters"].as_array().unwrap().iter().any(|p| p["parameter"] == "rule_edition"));
    assert!(d["changes"].as_array().unwrap().iter().any(|c| c["field"] == "target"));

    // Back-test: 0102 reaches its target, 0103 does not.
    let area = |code: &str| saved["areas"].as_array().unwrap().iter().find(|a| a["code"] == code).unwrap().clone();
    let (t2, t3) = (area("0102")["target"].as_f64().unwrap(), area("0103")["target"].as_f64().unwrap());
    let actual = write(dir.path(), "actual.csv", &format!("area_code,actual\n0102,{}\n0103,{}\n", t2 + 1.0, t3 - 1.0));
    let b = json_value(&["plan", "backtest", "--edition", &e2024, "--actual", &actual, "--format", "json"]);
    let rows = b["areas"].as_array().unwrap();
    assert_eq!((rows[0]["reached"].as_bool(), rows[1]["reached"].as_bool()), (Some(true), Some(false)));
    let scarce = b["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["level"] == "二次医療圏" && s["designation"] == "少数")
        .unwrap()
        .clone();
    assert_eq!((scarce["reached"].as_u64(), scarce["compared"].as_u64()), (Some(1), Some(2)));
    let table = stdout(&ishi(&["plan", "backtest", "--edition", &e2024, "--actual", &actual]));
    assert!(table.contains("二次医療圏 医師少数: 2 のうち 1 が目標を達成"), "{table}");

    std::fs::write(dir.path().join("broken.json"), "{").unwrap();
    refused(
        &["plan", "diff", &dir.path().join("broken.json").display().to_string(), &e2024],
        &["broken.json: not a plan edition file"],
    );
}

#[test]
fn plan_population_lists_every_area_and_the_unmatched() {
    let v = json_value(&["plan", "population", "--format", "json"]);
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 330);
    assert!(
        areas.iter().all(|a| a["population_2025"].as_f64().is_some() && a["projection"]["2036"].as_f64().is_some())
    );
    assert!(!v["unmatched"].as_array().unwrap().is_empty());
}

#[test]
fn p8_certify_cli_decides_the_example_histories() {
    let file = repo_file("examples/plan/work_history.csv");
    let v = json_value(&["plan", "certify", "--history", &file, "--date", "2026-11-21", "--format", "json"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    // D001: 2021-04-01–07-31 (122 days) + 2022-04-01–06-30 (91 days) joined across childcare = 213 ≥ 183.
    assert_eq!((rows[0]["eligible"].as_bool(), rows[0]["counted_days"].as_i64()), (Some(true), Some(213)));
    assert!(rows[0]["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "P8.5" && f["row"] == 3));
    // D002: 臨床研修 and 31.5 h/week without the short-time system do not count.
    assert_eq!(rows[1]["eligible"], false);
    let rules: Vec<&str> =
        rows[1]["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"P8.4") && rules.contains(&"P8.3"), "{rules:?}");
    // D003 (licensed 2010): 91 + 91 = 182 days after April 2020, one short of 183; a duty is missing.
    assert_eq!((rows[2]["eligible"].as_bool(), rows[2]["counted_days"].as_i64()), (Some(false), Some(182)));
    let table = stdout(&ishi(&["plan", "certify", "--history", &file, "--date", "2026-11-21"]));
    assert!(table.contains("D001: 認定要件を満たす"), "{table}");

    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "wh.csv",
        "physician_id,licence_date,record,start,end,institution,area_code,area_kind,hours_per_week,work_kind,short_time,leave_reason,duties\nD1,2015-04-01,work,2021-04-01,2021-07-31,X,0103,scarce_area,-4,,,,all\n",
    );
    refused(&["plan", "certify", "--history", &bad], &["wh.csv: row 2, column hours_per_week, value \"-4\""]);
}

#[test]
fn p5_3_supply_cli_range_and_seeded_bands() {
    let v = json_value(&["plan", "supply", "--synthetic", "--format", "json"]);
    let prefectures = v["prefectures"].as_array().unwrap();
    assert_eq!((prefectures.len(), v["base_year"].as_i64()), (47, Some(2022)));
    assert!(v["source"].as_str().unwrap().contains("SYNTHETIC"));
    for p in prefectures {
        let last = p["years"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["year"], 2036);
        let (lo, c, hi) =
            (last["lower"].as_f64().unwrap(), last["central"].as_f64().unwrap(), last["upper"].as_f64().unwrap());
        assert!(lo <= c && c <= hi, "{last}");
    }
    let run = |seed: &str| {
        json_value(&["plan", "supply", "--synthetic", "--runs", "200", "--seed", seed, "--format", "json"])
    };
    let (a, b) = (run("7"), run("7"));
    assert_eq!(a, b, "same seed, same bands");
    assert_eq!((a["seed"].as_u64(), a["runs"].as_u64()), (Some(7), Some(200)));
    let values = a["prefectures"][0]["years"].as_array().unwrap().last().unwrap()["values"].as_array().unwrap().clone();
    assert!(values.windows(2).all(|w| w[0].as_f64() <= w[1].as_f64()), "percentiles ordered: {values:?}");
    let table = stdout(&ishi(&["plan", "supply", "--synthetic", "--runs", "50", "--seed", "9"]));
    assert!(table.contains("seed 9") && table.contains("p95"), "{table}");
}

#[test]
fn p5_3_supply_cli_reads_cohort_files_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (cohorts, secondary) = ishi_io::supply_files::cohorts_csv(&ishi_synth::supply::synthetic_supply(3));
    std::fs::write(dir.path().join("cohorts.csv"), cohorts).unwrap();
    std::fs::write(dir.path().join("secondary.csv"), secondary.unwrap()).unwrap();
    let c = dir.path().join("cohorts.csv").display().to_string();
    let s = dir.path().join("secondary.csv").display().to_string();
    let v = json_value(&[
        "plan",
        "supply",
        "--cohorts",
        &c,
        "--secondary",
        &s,
        "--window",
        "2016-2020",
        "--horizon",
        "2030",
        "--format",
        "json",
    ]);
    assert_eq!(v["windows"], serde_json::json!(["2016–2020"]));
    let p = &v["prefectures"][0];
    assert_eq!(p["years"].as_array().unwrap().last().unwrap()["year"], 2030);
    // One window: no range. Seven secondary areas whose shares add up to 1.
    let last = p["years"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["lower"], last["upper"]);
    let shares: f64 = p["secondary"].as_array().unwrap().iter().map(|a| a["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9);

    let bad = write(
        dir.path(),
        "bad.csv",
        "prefecture_code,survey_year,table,sex,years_since_registration,physicians\n01,2020,survey,M,1,-3\n",
    );
    refused(&["plan", "supply", "--cohorts", &bad], &["bad.csv: row 2, column physicians, value \"-3\""]);
    let o = ishi(&["plan", "supply"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--synthetic"), "{}", stderr(&o));
}

#[test]
fn p6_5_a_designated_scarce_district_changes_its_areas_policy() {
    let file = repo_file("examples/plan/districts.csv");
    let without = json_value(&["plan", "policy", "--format", "json"]);
    let with = json_value(&["plan", "policy", "--districts", &file, "--format", "json"]);
    // 0101 南渡島 (中程度, in 中程度 北海道) holds a designated 少数地区: short-term measures, and recruitment
    // from outside the tertiary area as needed (P6.2, P6.5). 0104's district is not designated: no change.
    assert_eq!(
        (without[0]["short_term"].as_bool(), without[0]["outside_tertiary"].as_str()),
        (Some(false), Some("no"))
    );
    assert_eq!(
        (with[0]["short_term"].as_bool(), with[0]["outside_tertiary"].as_str()),
        (Some(true), Some("as_needed"))
    );
    assert!(with[0]["rules"].as_array().unwrap().iter().any(|r| r == "P6.5"));
    assert_eq!(without[3], with[3]);
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "d.csv", "name,area_code,basis,reason,designated\nx,0102,無医地区,r,true\n");
    refused(&["plan", "policy", "--districts", &bad], &["d.csv: row 2, column area_code, value \"0102\"", "P1.3"]);
}

#[test]
fn plan_steps_snapshots() {
    let ex = |f: &str| repo_file(&format!("examples/plan/{f}"));
    let policy = stdout(&ishi(&[
        "plan",
        "policy",
        "--areas",
        &ex("policy_areas.csv"),
        "--tertiary",
        &ex("policy_tertiary.csv"),
    ]));
    insta::assert_snapshot!("policy_seed_examples_table", policy.replace(&repo().display().to_string(), "<repo>"));
    let dispatch = json_value(&[
        "plan",
        "dispatch",
        "--areas",
        &ex("dispatch_areas.csv"),
        "--costs",
        &ex("dispatch_costs.csv"),
        "--format",
        "json",
    ]);
    insta::assert_json_snapshot!("dispatch_seed_example", dispatch);
    // The first targets of the shipped data (P4.3 ceilings at 2026): a regression guard for the whole chain
    // of shipped index, population projection and target rule.
    let targets = json_value(&["plan", "targets", "--format", "json"]);
    insta::assert_json_snapshot!("targets_shipped_first_areas", targets["secondary"].as_array().unwrap()[..4].to_vec());
    let certify = stdout(&ishi(&["plan", "certify", "--history", &ex("work_history.csv"), "--date", "2026-11-21"]));
    insta::assert_snapshot!("certify_examples_table", certify);
}

#[test]
fn p4_4_targets_cli_checks_the_seed_f_prefecture() {
    let ex = |f: &str| repo_file(&format!("examples/plan/{f}"));
    let (areas, tertiary, set) = (ex("targets_f_areas.csv"), ex("targets_f_tertiary.csv"), ex("targets_f_set.csv"));
    // ㋔ 4700 + ㋕ 2200 + ㋖ 2600 + ㋗ 500 = 10000 ≤ F県's current 10000 (医師多数三次医療圏).
    let v =
        json_value(&["plan", "targets", "--areas", &areas, "--tertiary", &tertiary, "--set", &set, "--format", "json"]);
    assert_eq!(v["consistency"], serde_json::json!([]));
    let ka = v["secondary"].as_array().unwrap().iter().find(|t| t["area_code"] == "カ").unwrap().clone();
    assert_eq!((ka["target"].as_f64(), ka["additional"].as_f64()), (Some(2200.0), Some(200.0)));
    // ㋕ 2300: Σ = 10100 > 10000, and the areas above their current counts are named.
    let dir = tempfile::tempdir().unwrap();
    let more = write(dir.path(), "set.csv", &std::fs::read_to_string(&set).unwrap().replace("2200", "2300"));
    let v = json_value(&[
        "plan",
        "targets",
        "--areas",
        &areas,
        "--tertiary",
        &tertiary,
        "--set",
        &more,
        "--format",
        "json",
    ]);
    let c = &v["consistency"][0];
    assert_eq!(
        (c["tertiary_code"].as_str(), c["sum"].as_f64(), c["limit"].as_f64()),
        (Some("F"), Some(10100.0), Some(10000.0))
    );
    assert_eq!(c["areas"], serde_json::json!(["カ", "キ"]));
    let bad = write(dir.path(), "areas.csv", &std::fs::read_to_string(&areas).unwrap().replace("294118", "0"));
    refused(
        &["plan", "targets", "--areas", &bad, "--tertiary", &tertiary],
        &["areas.csv: row 5, column population_end, value \"0\""],
    );
}
