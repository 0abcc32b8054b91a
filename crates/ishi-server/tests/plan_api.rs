//! The plan's API on both databases: golden figures of the published data, overrides (P3.3) and
//! targets (P4.2) with their audit records, and every role boundary of the plan.

#[path = "support/app.rs"]
mod app;

use app::{Client, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

fn count(areas: &Value, key: &str) -> usize {
    areas.as_array().unwrap().iter().filter(|a| a["decided"]["key"] == key).count()
}

#[tokio::test]
async fn p3_areas_match_the_published_2024_index() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "committee", None).await;
    let secondary = app.get("/api/areas", Some(&me)).await.json();
    let tertiary = app.get("/api/areas?level=tertiary", Some(&me)).await.json();
    assert_eq!(secondary.as_array().unwrap().len(), 330);
    assert_eq!(tertiary.as_array().unwrap().len(), 47);
    // P3.2: the official prefecture split of 2024 is 16 少数 / 15 中程度 / 16 多数.
    assert_eq!(
        (count(&tertiary, "scarce"), count(&tertiary, "intermediate"), count(&tertiary, "abundant")),
        (16, 15, 16)
    );
    // The same figures as the command line's engine on the shipped data.
    let shipped = ishi_io::shipped_plan::ShippedPlan::load("2024", &[]).unwrap();
    let (a, i, s) = shipped.secondary.decided_counts();
    assert_eq!(
        (count(&secondary, "abundant"), count(&secondary, "intermediate"), count(&secondary, "scarce")),
        (a, i, s)
    );
    // 区中央部 (1301): the published index of the 2024 release, rank 1 in the nation.
    let chuo = app.get("/api/areas/1301", Some(&me)).await.json();
    let row = shipped.secondary.rows.iter().find(|r| r.entry.code.as_str() == "1301").unwrap();
    assert_eq!(chuo["index"].as_f64().unwrap(), row.entry.index);
    assert_eq!(chuo["rank"], row.rank);
    assert_eq!(chuo["rank_of"], 330);
    assert_eq!(chuo["mechanical"]["key"], "abundant");
    assert_eq!(chuo["level"], "secondary");
    assert!(chuo["components"]["population"].as_f64().unwrap() > 0.0);
    // A prefecture lists its secondary areas.
    let tokyo = app.get("/api/areas/13", Some(&me)).await.json();
    assert_eq!(tokyo["level"], "tertiary");
    assert!(tokyo["members"].as_array().unwrap().iter().any(|m| m == "1301"));
    // Filters.
    let osaka = app.get("/api/areas?pref=27&designation=abundant", Some(&me)).await.json();
    assert!(
        osaka.as_array().unwrap().iter().all(|a| a["prefecture_code"] == "27" && a["decided"]["key"] == "abundant")
    );
    let bad = app.get("/api/areas?pref=99", Some(&me)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "pref");
    assert_eq!(app.get("/api/areas/9999", Some(&me)).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}

async fn put(app: &TestApp, uri: &str, who: &Client, body: Value) -> app::Answer {
    app.send(Method::PUT, uri, Some(who), Some(body)).await
}

#[tokio::test]
async fn p3_3_override_records_who_when_why_and_keeps_the_mechanical_designation() {
    for app in TestApp::all().await {
        let planner = app.client("tokyo", "planner", Some("13")).await;
        let refused =
            put(&app, "/api/areas/1301/override", &planner, json!({"designation": "intermediate", "reason": "  "}))
                .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", app.backend);
        assert_eq!(refused.json()["error"]["field"], "reason");
        let bad = put(&app, "/api/areas/1301/override", &planner, json!({"designation": "many", "reason": "x"})).await;
        assert_eq!(bad.json()["error"]["field"], "designation");

        let why = "島しょ部の医療提供体制を考慮";
        let done =
            put(&app, "/api/areas/1301/override", &planner, json!({"designation": "中程度", "reason": why})).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let area = done.json();
        assert_eq!(area["mechanical"]["key"], "abundant");
        assert_eq!(area["decided"]["key"], "intermediate");
        assert_eq!(area["override"]["reason"], why);
        assert_eq!(area["override"]["set_by"], "tokyo");
        assert_eq!(area["override"]["set_at"], "2026-11-21T03:00:00Z");
        // The list and the prefecture see it too (one computed plan).
        let listed = app.get("/api/areas?pref=13", Some(&planner)).await.json();
        let row = listed.as_array().unwrap().iter().find(|a| a["code"] == "1301").unwrap().clone();
        assert_eq!(row["overridden"], true);

        let log = app.get("/api/audit?key=1301", Some(&planner)).await.json();
        let entry = &log.as_array().unwrap()[0];
        assert_eq!(entry["entity"], "designation_override");
        assert_eq!(entry["action"], "set");
        assert_eq!(entry["login"], "tokyo");
        assert_eq!(entry["reason"], why);
        assert!(entry["before"].is_null());
        assert!(entry["after"].as_str().unwrap().contains("intermediate"));

        // Withdrawing needs a reason as well; the mechanical designation applies again.
        let no_reason =
            app.send(Method::DELETE, "/api/areas/1301/override", Some(&planner), Some(json!({"reason": ""}))).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        let cleared = app
            .send(Method::DELETE, "/api/areas/1301/override", Some(&planner), Some(json!({"reason": "再検討"})))
            .await;
        assert_eq!(cleared.status, StatusCode::OK);
        assert_eq!(cleared.json()["decided"]["key"], "abundant");
        assert!(cleared.json()["override"].is_null());
        let again = app
            .send(Method::DELETE, "/api/areas/1301/override", Some(&planner), Some(json!({"reason": "再検討"})))
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        let log = app.get("/api/audit?key=1301", Some(&planner)).await.json();
        assert_eq!(log.as_array().unwrap().len(), 2);
        assert_eq!(log[0]["action"], "clear");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn p4_2_target_set_by_the_prefecture_wins_and_moves_the_dispatch() {
    for app in TestApp::all().await {
        let admin = app.client("root", "admin", None).await;
        // A 少数 area whose demand the dispatch serves.
        let areas = app.get("/api/areas?designation=scarce", Some(&admin)).await.json();
        let area = areas.as_array().unwrap()[0].clone();
        let code = area["code"].as_str().unwrap().to_string();
        let detail = app.get(&format!("/api/areas/{code}"), Some(&admin)).await.json();
        let current = detail["target_detail"]["current"].as_f64().unwrap();
        let dispatch_before = app.get("/api/plan/dispatch", Some(&admin)).await.json();
        let sent_to = |d: &Value| -> u64 {
            let flows: u64 = d["flows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["to"] == code)
                .map(|f| f["physicians"].as_u64().unwrap())
                .sum();
            let unmet: u64 = d["unmet"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|u| u["area_code"] == code)
                .map(|u| u["physicians"].as_u64().unwrap())
                .sum();
            flows + unmet
        };
        let negative =
            put(&app, &format!("/api/areas/{code}/target"), &admin, json!({"physicians": -1.0, "reason": "x"})).await;
        assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(negative.json()["error"]["field"], "physicians");

        let wanted = (current + 60.0).round();
        let set = put(
            &app,
            &format!("/api/areas/{code}/target"),
            &admin,
            json!({"physicians": wanted, "reason": "地域医療構想との整合"}),
        )
        .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let t = &set.json()["target_detail"];
        assert_eq!(t["target"].as_f64().unwrap(), wanted);
        assert_eq!(t["basis"], "set_by_prefecture");
        assert_eq!(t["rule"], "P4.2");
        assert_eq!(t["set"]["reason"], "地域医療構想との整合");
        assert_ne!(t["computed"], t["target"], "the computed value stays beside the one set");
        // The demand of the area in the dispatch is the new target minus the current count (rounded up).
        let dispatch_after = app.get("/api/plan/dispatch", Some(&admin)).await.json();
        let demand = sent_to(&dispatch_after);
        assert!((59..=61).contains(&demand), "demand {demand} (before {})", sent_to(&dispatch_before));

        let cleared = app
            .send(
                Method::DELETE,
                &format!("/api/areas/{code}/target"),
                Some(&admin),
                Some(json!({"reason": "取り下げ"})),
            )
            .await;
        assert_eq!(cleared.status, StatusCode::OK);
        assert_ne!(cleared.json()["target_detail"]["basis"], "set_by_prefecture");
        assert_eq!(sent_to(&app.get("/api/plan/dispatch", Some(&admin)).await.json()), sent_to(&dispatch_before));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_planner_changes_only_their_own_prefecture_and_other_roles_only_read() {
    for app in TestApp::all().await {
        let tokyo = app.client("tokyo", "planner", Some("13")).await;
        let committee = app.client("iinkai", "committee", None).await;
        let specialist = app.client("sensei", "specialist", Some("EX001")).await;
        let override_body = json!({"designation": "scarce", "reason": "理由"});
        let target_body = json!({"physicians": 100.0, "reason": "理由"});
        // Another prefecture's area, and another prefecture itself.
        for (uri, body) in [
            ("/api/areas/2701/override", &override_body),
            ("/api/areas/2701/target", &target_body),
            ("/api/areas/27/target", &target_body),
        ] {
            let a = put(&app, uri, &tokyo, body.clone()).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{uri} {:?}", app.backend);
        }
        let a = app.send(Method::DELETE, "/api/areas/2701/override", Some(&tokyo), Some(json!({"reason": "x"}))).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        // Its own prefecture: the target of the prefecture, but no override of a prefecture (P3.3 is for secondary areas).
        assert_eq!(put(&app, "/api/areas/13/target", &tokyo, target_body.clone()).await.status, StatusCode::OK);
        let p = put(&app, "/api/areas/13/override", &tokyo, override_body.clone()).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Committee and specialists read the plan but change nothing.
        for who in [&committee, &specialist] {
            assert_eq!(app.get("/api/areas/1301", Some(who)).await.status, StatusCode::OK);
            assert_eq!(
                put(&app, "/api/areas/1301/override", who, override_body.clone()).await.status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(
                put(&app, "/api/areas/1301/target", who, target_body.clone()).await.status,
                StatusCode::FORBIDDEN
            );
        }
        // Nobody anonymous, for reads and writes.
        for uri in [
            "/api/areas",
            "/api/areas/1301",
            "/api/plan/edition",
            "/api/plan/editions",
            "/api/plan/policy",
            "/api/plan/dispatch",
            "/api/plan/export.csv",
            "/api/plan/export.xlsx",
        ] {
            assert_eq!(app.get(uri, None).await.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        assert_eq!(
            app.send(Method::PUT, "/api/areas/1301/override", None, Some(override_body.clone())).await.status,
            StatusCode::UNAUTHORIZED
        );
        // A change without the CSRF token is refused even with the session cookie.
        let req = Request::builder()
            .method(Method::PUT)
            .uri("/api/areas/1301/override")
            .header(header::COOKIE, &tokyo.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(override_body.to_string()))
            .unwrap();
        assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
        // Nothing of the refused changes reached the log; the planner sees only the plan's entries.
        let log = app.get("/api/audit", Some(&tokyo)).await.json();
        let keys: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["entity_key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["13"]);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn p6_policy_p7_dispatch_editions_and_exports_answer() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "planner", Some("01")).await;
    let editions = app.get("/api/plan/editions", Some(&me)).await.json();
    let ids: Vec<&str> = editions.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2019", "2024"]);
    assert_eq!(editions[1]["in_use"], true);
    let edition = app.get("/api/plan/edition", Some(&me)).await.json();
    assert_eq!(edition["counts"]["tertiary"]["scarce"], 16);
    assert_eq!(edition["dataset"]["id"], "mhlw-2024");
    assert!(edition["national_value"].as_f64().unwrap() > 200.0);

    let policy = app.get("/api/plan/policy", Some(&me)).await.json();
    assert_eq!(policy.as_array().unwrap().len(), 330);
    // P6.1: a current 少数 area aims to increase its physicians.
    for p in policy.as_array().unwrap() {
        assert_eq!(p["policy"]["increase"], p["current"]["key"] == "scarce", "{p}");
    }
    let tertiary_policy = app.get("/api/plan/policy?level=tertiary", Some(&me)).await.json();
    assert_eq!(tertiary_policy.as_array().unwrap().len(), 47);
    assert!(tertiary_policy[0]["policy"]["outside_secondary"].is_null());

    let dispatch = app.get("/api/plan/dispatch", Some(&me)).await.json();
    let flows = dispatch["flows"].as_array().unwrap();
    assert!(!flows.is_empty());
    let sum: u64 = flows.iter().map(|f| f["physicians"].as_u64().unwrap()).sum();
    assert_eq!(dispatch["physicians"].as_u64().unwrap(), sum);
    // Every flow leaves a 多数 area (P7.1).
    let areas = app.get("/api/areas", Some(&me)).await.json();
    for f in flows {
        let from = areas.as_array().unwrap().iter().find(|a| a["code"] == f["from"]).unwrap();
        assert_eq!(from["decided"]["key"], "abundant", "{f}");
    }

    let csv = app.get("/api/plan/export.csv", Some(&me)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM for Excel");
    assert_eq!(csv.text().lines().count(), 331);
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("ishi-plan-secondary.csv"));
    let xlsx = app.get("/api/plan/export.xlsx?level=tertiary", Some(&me)).await;
    assert!(xlsx.body.starts_with(b"PK"), "an xlsx is a zip");
    assert_eq!(app.get("/api/plan/export.csv?level=city", Some(&me)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.cleanup().await;
}

#[tokio::test]
async fn area_answer_matches_the_snapshot() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "committee", None).await;
    let area = app.get("/api/areas/0101", Some(&me)).await.json();
    insta::assert_json_snapshot!("area_0101", area);
    let prefecture = app.get("/api/areas/01", Some(&me)).await.json();
    insta::assert_json_snapshot!("area_01", prefecture);
    app.cleanup().await;
}
