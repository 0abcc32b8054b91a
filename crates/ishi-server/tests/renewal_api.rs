//! The renewal's API on both databases, with expectations checked by hand against the rules (SPEC R)
//! on the fictional example of `examples/renewal/`.

#[path = "support/app.rs"]
mod app;
mod renewal_helpers;

use app::TestApp;
use axum::http::{Method, StatusCode};
use renewal_helpers::{LEDGER, SPECIALISTS, accounts, counted, multipart, post_multipart, post_raw, seed};
use serde_json::json;

#[tokio::test]
async fn r2_the_example_roster_evaluates_as_its_readme_says() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let list = app.get("/api/specialists", Some(&a.committee)).await.json();
        let ids: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["EX001", "EX002", "EX003", "EX004", "EX005"], "{:?}", app.backend);
        let due = app.get("/api/specialists?fiscal_year=2025", Some(&a.admin)).await.json();
        assert_eq!(due.as_array().unwrap().len(), 3);
        // A specialist sees themself only.
        let own = app.get("/api/specialists", Some(&a.ex001)).await.json();
        assert_eq!(own, json!([app.get("/api/specialists/EX001", Some(&a.ex001)).await.json()]));
        assert_eq!(own[0]["name"], "架空 一郎");

        // EX001: 10 + 3 + 31 + 6 = 50 units; 9 units of meetings of which 6 count (R5.1).
        let e = app.get("/api/specialists/EX001/evaluation", Some(&a.ex001)).await;
        assert_eq!(e.status, StatusCode::OK);
        let e = e.json();
        assert_eq!((e["verdict"].as_str(), e["counted_units"].as_f64()), (Some("pass"), Some(50.0)));
        assert_eq!(["clinical", "common", "specialty", "achievements"].map(|c| counted(&e, c)), [10.0, 3.0, 31.0, 6.0]);
        assert_eq!(e["categories"]["achievements"]["max"], 15);
        assert_eq!(e["categories"]["common"]["mandatory"]["医療倫理"], 1);
        let cap = e["reasons"].as_array().unwrap().iter().find(|r| r["rule"] == "R5.1").expect("the meeting cap");
        let ledger = app.get("/api/specialists/EX001/ledger", Some(&a.ex001)).await.json();
        let entry = ledger.as_array().unwrap().iter().find(|l| l["row"] == cap["row"]).expect("the row of the reason");
        assert_eq!(cap["entry_id"], entry["id"]);
        assert_eq!(entry["kind"], "meeting_attendance");

        // EX002 fails: 医療倫理 unapproved (R3.3 → R3.1), e-learning without proof, a paper before the period.
        let e = app.get("/api/specialists/EX002/evaluation", Some(&a.committee)).await.json();
        assert_eq!(e["verdict"], "fail");
        assert!(e["failing_rules"].as_array().unwrap().contains(&json!("R3.1")), "{e}");
        // EX003: renewed three times, the clinical record exempt, 40 units required (R1.3).
        let e = app.get("/api/specialists/EX003/evaluation", Some(&a.committee)).await.json();
        assert_eq!((e["exempt"].as_bool(), e["required_units"].as_f64()), (Some(true), Some(40.0)));
        // EX004: 留保 → the committee (R6.1); EX005: FY2017 transition → 個別審査 (R7.3).
        assert_eq!(app.get("/api/specialists/EX004/evaluation", Some(&a.committee)).await.json()["verdict"], "review");
        let e = app.get("/api/specialists/EX005/evaluation", Some(&a.committee)).await.json();
        assert_eq!((e["verdict"].as_str(), e["outcome"].as_str()), (Some("review"), Some("individual_review")));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn r3_r4_an_entry_adds_exactly_its_units_and_the_caps_hold() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let uri = "/api/specialists/EX002/evaluation";
        let before = app.get(uri, Some(&a.ex002)).await.json();
        assert_eq!(counted(&before, "common"), 4.0, "医療安全 1 + 感染対策 1 + 保険医療 2; 医療倫理 unapproved");
        assert_eq!(
            counted(&before, "specialty"),
            12.0,
            "10 h attended + 2 for a lecture given (R4); e-learning without proof"
        );
        assert_eq!(counted(&before, "achievements"), 3.0, "a first presentation 1 + a first-author paper 2");
        assert_eq!(before["categories"]["common"]["mandatory"]["医療倫理"], 0);

        // One approved hour of 医療倫理: ii) +1 unit (R3.2) and the mandatory item met (R3.1).
        let entry = json!({"date": "2024-01-10", "kind": "common_lecture", "detail": "医療倫理", "quantity": 1,
            "approved": true, "evidence": "受講証明書 2024-01-10"});
        let added = app.send(Method::POST, "/api/specialists/EX002/ledger", Some(&a.ex002), Some(entry)).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
        let added = added.json();
        assert_eq!((added["quantity"].as_str(), added["approved"].as_str()), (Some("1"), Some("true")));
        assert_eq!(added["row"], 13, "the 12th entry of EX002 is row 13 of its ledger.csv");
        let after = app.get(uri, Some(&a.ex002)).await.json();
        assert_eq!(counted(&after, "common"), 5.0);
        assert_eq!(after["categories"]["common"]["mandatory"]["医療倫理"], 1);
        assert_eq!(after["counted_units"].as_f64().unwrap(), before["counted_units"].as_f64().unwrap() + 1.0);
        assert!(!after["failing_rules"].as_array().unwrap().contains(&json!("R3.1")));

        // A specialty lecture given for two hours: 2 units for the lecture (R4), not per hour.
        let lecture = json!({"date": "2024-02-01", "kind": "specialty_lecture", "detail": "地方会 教育講演",
            "quantity": "2", "role": "lecturer", "evidence": "講師依頼状 2024"});
        let r = app.send(Method::POST, "/api/specialists/EX002/ledger", Some(&a.admin), Some(lecture)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(counted(&app.get(uri, Some(&a.ex002)).await.json(), "specialty"), 14.0);

        // Three national meetings earn 3 each, but attendance counts 6 in five years (R5.1): +6, and
        // the third, latest, is the one refused.
        let mut last = json!(null);
        for date in ["2022-04-14", "2023-04-12", "2024-04-10"] {
            let meeting = json!({"date": date, "kind": "meeting_attendance", "detail": "national", "evidence": format!("参加証 {date}")});
            let r = app.send(Method::POST, "/api/specialists/EX002/ledger", Some(&a.ex002), Some(meeting)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            last = r.json();
        }
        let capped = app.get(uri, Some(&a.ex002)).await.json();
        assert_eq!(capped["categories"]["achievements"]["earned"], 12, "{capped}");
        assert_eq!(counted(&capped, "achievements"), 9.0);
        let over = capped["reasons"].as_array().unwrap().iter().find(|x| x["entry_id"] == last["id"]);
        assert_eq!(over.expect("a reason about the third meeting")["rule"], "R5.1", "{capped}");

        // Deleting the first entry (with a reason) takes its unit away again; the log keeps why.
        let id = added["id"].as_i64().unwrap();
        let no_reason = app
            .send(Method::DELETE, &format!("/api/specialists/EX002/ledger/{id}"), Some(&a.ex002), Some(json!({})))
            .await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(no_reason.json()["error"]["field"], "reason");
        let deleted = app
            .send(
                Method::DELETE,
                &format!("/api/specialists/EX002/ledger/{id}"),
                Some(&a.ex002),
                Some(json!({"reason": "日付の誤り"})),
            )
            .await;
        assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
        assert_eq!(counted(&app.get(uri, Some(&a.ex002)).await.json(), "common"), 4.0);
        let log = app.get("/api/audit?key=EX002/", Some(&a.ex002)).await.json();
        let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["delete", "add", "add", "add", "add", "add"]);
        assert_eq!(log[0]["reason"], "日付の誤り");
        assert_eq!(log[0]["entity_key"], format!("EX002/{id}"));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn x3_a_bad_entry_names_the_field_and_value_and_nothing_is_stored() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let rows = || async { app.get("/api/specialists/EX001/ledger", Some(&a.ex001)).await.json() };
        let before = rows().await;
        for (entry, field, value) in [
            (
                json!({"date": "2024-02-30", "kind": "common_lecture", "detail": "医療安全", "quantity": 1}),
                "date",
                "2024-02-30",
            ),
            (json!({"date": "2024-02-01", "kind": "golf", "quantity": 1}), "kind", "golf"),
            (
                json!({"date": "2024-02-01", "kind": "common_lecture", "detail": "ゴルフ", "quantity": 1}),
                "detail",
                "ゴルフ",
            ),
            (
                json!({"date": "2024-02-01", "kind": "common_lecture", "detail": "医療安全", "quantity": "たくさん"}),
                "quantity",
                "たくさん",
            ),
            (
                json!({"date": "2024-02-01", "kind": "paper", "detail": "first_author", "role": "lecturer"}),
                "role",
                "lecturer",
            ),
            (
                json!({"date": "2024-02-01", "kind": "common_lecture", "detail": "医療安全", "quantity": 1, "approved": "maybe"}),
                "approved",
                "maybe",
            ),
        ] {
            let r = app.send(Method::POST, "/api/specialists/EX001/ledger", Some(&a.ex001), Some(entry.clone())).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{entry}");
            let error = &r.json()["error"];
            assert_eq!(error["field"], field, "{entry}: {error}");
            assert!(error["message"].as_str().unwrap().contains(value), "{error}");
        }
        // The same activity twice is refused, as within a file.
        let first = &before[0];
        let again = json!({"date": first["date"], "kind": first["kind"], "detail": first["detail"],
            "quantity": first["quantity"], "role": first["role"], "approved": first["approved"],
            "e_learning": first["e_learning"], "evidence": first["evidence"]});
        let r = app.send(Method::POST, "/api/specialists/EX001/ledger", Some(&a.ex001), Some(again)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["error"]["message"].as_str().unwrap().contains(&format!("#{}", first["id"])), "{}", r.text());
        // Another's id in the body is refused.
        let r = app
            .send(
                Method::POST,
                "/api/specialists/EX001/ledger",
                Some(&a.ex001),
                Some(json!({"specialist_id": "EX002"})),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "specialist_id");
        assert_eq!(rows().await, before, "{:?}", app.backend);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn x3_imports_are_all_or_nothing_and_name_row_column_and_value() {
    for app in TestApp::all().await {
        let a = accounts(&app).await;
        // The roster through the API (nothing seeded here unless the server seeds on its own).
        let before_imports = app.get("/api/imports", Some(&a.committee)).await.json().as_array().unwrap().len();
        let body = multipart(&[
            ("specialists", "specialists.csv", SPECIALISTS.as_bytes()),
            ("ledger", "ledger.csv", LEDGER.as_bytes()),
        ]);
        if before_imports == 0 {
            let r = post_multipart(&app, "/api/imports/roster", Some(&a.committee), body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            assert_eq!(r.json()["row_count"], 5 + 44);
        }
        let imports = app.get("/api/imports", Some(&a.admin)).await.json();
        let ledger_before = app.get("/api/specialists/EX003/ledger", Some(&a.admin)).await.json();
        let specialists_before = app.get("/api/specialists", Some(&a.admin)).await.json();

        // A roster whose ledger has a bad kind on row 3: 422 naming it; nothing of the file stored.
        let mut bad_ledger =
            String::from("specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n");
        bad_ledger.push_str("NEW1,2021-01-01,specialty_lecture,講習,3,,,,証明\n");
        bad_ledger.push_str("NEW1,2021-02-01,golf,18 holes,1,,,,\n");
        let roster = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n\
                      NEW1,架空 新,0,2026,2021-04-01,2026-03-31\n";
        let body = multipart(&[
            ("specialists", "new.csv", roster.as_bytes()),
            ("ledger", "new_ledger.csv", bad_ledger.as_bytes()),
        ]);
        let r = post_multipart(&app, "/api/imports/roster", Some(&a.admin), body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let error = &r.json()["error"];
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("new_ledger.csv: row 3, column kind, value \"golf\""), "{message}");
        assert_eq!(error["field"], "kind");
        assert_eq!(app.get("/api/imports", Some(&a.admin)).await.json(), imports, "{:?}", app.backend);
        assert_eq!(app.get("/api/specialists", Some(&a.admin)).await.json(), specialists_before);
        assert_eq!(app.get("/api/specialists/NEW1", Some(&a.admin)).await.status, StatusCode::NOT_FOUND);

        // Re-importing the example adds nothing twice: the first repeated row is named with its entry.
        let body = multipart(&[
            ("specialists", "specialists.csv", SPECIALISTS.as_bytes()),
            ("ledger", "ledger.csv", LEDGER.as_bytes()),
        ]);
        let r = post_multipart(&app, "/api/imports/roster", Some(&a.admin), body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("ledger.csv: row 2"), "{}", r.text());
        assert_eq!(app.get("/api/imports", Some(&a.admin)).await.json(), imports);

        // One specialist's ledger in Shift_JIS, with a bad row: nothing; then good: all rows.
        let ledger = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\r\n\
                      EX003,2024-01-15,common_lecture,医療安全,1,,,,受講証明書 2024\r\n\
                      EX003,2024-01-16,common_lecture,感染対策,1.5,,,,受講証明書 2024-2\r\n";
        let sjis = renewal_helpers::shift_jis(&ledger.replace("1.5", "-1"));
        let uri = "/api/specialists/EX003/ledger/import?file_name=%E5%8F%B0%E5%B8%B3.csv";
        let r = post_raw(&app, uri, Some(&a.admin), "text/csv", sjis.to_vec()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains("台帳.csv: row 3, column quantity, value \"-1\""), "{message}");
        assert_eq!(app.get("/api/specialists/EX003/ledger", Some(&a.admin)).await.json(), ledger_before);
        let sjis = renewal_helpers::shift_jis(ledger);
        let body = multipart(&[("file", "ledger_EX003.csv", &sjis)]);
        let r = post_multipart(&app, "/api/specialists/EX003/ledger/import", Some(&a.admin), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!((r.json()["kind"].as_str(), r.json()["row_count"].as_i64()), (Some("ledger"), Some(2)));
        let after = app.get("/api/specialists/EX003/ledger", Some(&a.admin)).await.json();
        assert_eq!(after.as_array().unwrap().len(), ledger_before.as_array().unwrap().len() + 2);
        assert_eq!(after.as_array().unwrap().last().unwrap()["detail"], "感染対策");
        // A file with another specialist's row is refused, naming it.
        let other = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\nEX001,2024-01-15,exam_duty,委員,1,,,,\n";
        let r = post_raw(&app, "/api/specialists/EX003/ledger/import", Some(&a.admin), "text/csv", other.into()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "specialist_id");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn r8_forms_are_a_real_workbook_and_a_real_pdf() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let x = app.get("/api/specialists/EX001/forms.xlsx", Some(&a.ex001)).await;
        assert_eq!(x.status, StatusCode::OK, "{}", x.text());
        assert!(x.body.starts_with(b"PK\x03\x04"), "a zip");
        assert_eq!(x.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let disposition = x.headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment; filename=\"EX001_forms.xlsx\""), "{disposition}");
        let p = app.get("/api/specialists/EX001/forms.pdf", Some(&a.committee)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text());
        assert!(p.body.starts_with(b"%PDF"));
        assert_eq!(p.headers["content-type"], "application/pdf");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn r9_remaining_and_the_committee_list() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let done = app.get("/api/specialists/EX001/remaining", Some(&a.ex001)).await.json();
        assert_eq!((done["already_passes"].as_bool(), done["as_of"].as_str()), (Some(true), Some("2026-11-21")));
        // EX002's period ended on 2025-03-31; today is 2026-11-21: the plan says so.
        let left = app.get("/api/specialists/EX002/remaining", Some(&a.ex002)).await.json();
        assert_eq!(left["already_passes"], false);
        assert_eq!(left["deadline"], "2025-03-31");
        assert_eq!(left["obstacle"]["kind"], "period_over");
        assert!(left["days_left"].as_i64().unwrap() < 0);
        assert!(!left["activities"].as_array().unwrap().is_empty());

        let c = app.get("/api/committee/2025", Some(&a.committee)).await.json();
        let verdicts: Vec<(&str, &str)> = c["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["specialist_id"].as_str().unwrap(), m["verdict"].as_str().unwrap()))
            .collect();
        assert_eq!(verdicts, [("EX001", "pass"), ("EX002", "fail"), ("EX003", "pass")], "{:?}", app.backend);
        let decision = json!({"decision": "rejected", "reason": "医療倫理の受講がないため"});
        let r = app.send(Method::PUT, "/api/committee/2025/decisions/EX002", Some(&a.committee), Some(decision)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["decided_by"], "iinkai");
        for (body, field) in [
            (json!({"decision": "maybe", "reason": "x"}), "decision"),
            (json!({"decision": "approved", "reason": " "}), "reason"),
        ] {
            let r = app.send(Method::PUT, "/api/committee/2025/decisions/EX002", Some(&a.admin), Some(body)).await;
            assert_eq!(r.json()["error"]["field"], field);
        }
        let r = app
            .send(
                Method::PUT,
                "/api/committee/2026/decisions/EX002",
                Some(&a.admin),
                Some(json!({"decision": "approved", "reason": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "EX002 is due in 2025, not 2026");
        let c = app.get("/api/committee/2025", Some(&a.admin)).await.json();
        assert_eq!(c["members"][1]["decision"]["decision"], "rejected");
        assert_eq!(c["members"][0]["decision"], serde_json::Value::Null);

        let csv = app.get("/api/exports/verdicts.csv?fiscal_year=2025", Some(&a.committee)).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM for Excel");
        let text = csv.text();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("specialist_id,name,renewal_fiscal_year,verdict"), "{}", lines[0]);
        assert_eq!(lines.len(), 4);
        assert!(lines[2].starts_with("EX002,架空 二葉,2025,fail"), "{}", lines[2]);
        assert_eq!(
            app.get("/api/exports/verdicts.csv?fiscal_year=20x5", Some(&a.admin)).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn x4_the_evaluation_is_cached_until_the_ledger_changes() {
    let app = TestApp::sqlite().await;
    seed(&app).await;
    let a = accounts(&app).await;
    let uri = "/api/specialists/EX003/evaluation";
    let first = app.get(uri, Some(&a.ex001)).await;
    assert_eq!(first.status, StatusCode::FORBIDDEN, "the cache never answers someone who may not read");
    let first = app.get(uri, Some(&a.committee)).await.body;
    // Served from the cache: the same bytes even though the store changed behind the server's back.
    app.state.store.execute_unchecked("UPDATE specialists SET name = 'x' WHERE id = 'EX003'").await.unwrap();
    assert_eq!(app.get(uri, Some(&a.admin)).await.body, first);
    // A change through the server drops it.
    let entry = json!({"date": "2024-01-10", "kind": "peer_review", "detail": "査読", "evidence": "依頼メール"});
    assert_eq!(
        app.send(Method::POST, "/api/specialists/EX003/ledger", Some(&a.admin), Some(entry)).await.status,
        StatusCode::CREATED
    );
    let after = app.get(uri, Some(&a.admin)).await.json();
    assert_eq!(after["name"], "x");
    assert_eq!(
        counted(&after, "achievements") - counted(&serde_json::from_slice(&first).unwrap(), "achievements"),
        1.0
    );
    app.cleanup().await;
}
