//! Who may do what with the renewal (X4), on every endpoint and page: a specialist reads and writes
//! only their own ledger (another's, or one that does not exist, is the same 403); a planner has no
//! access; anyone not logged in gets 401 (a page: the login); the committee reads every ledger but
//! writes none; a change without the CSRF token is refused.

#[path = "support/app.rs"]
mod app;
mod renewal_helpers;

use app::{Answer, Client, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use renewal_helpers::{accounts, multipart, post_form, seed};
use serde_json::json;

/// One request to the API, with a body where it changes something.
#[derive(Clone)]
struct Call {
    method: Method,
    uri: String,
    body: Option<Body2>,
}

#[derive(Clone)]
enum Body2 {
    Json(serde_json::Value),
    Multipart(Vec<u8>),
}

fn ledger_csv(id: &str) -> String {
    format!(
        "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n{id},2024-03-01,peer_review,査読 アクセス試験,1,,,,依頼\n"
    )
}

/// Every API call on one specialist's records.
fn specialist_calls(id: &str, entry: i64) -> Vec<Call> {
    let get = |path: &str| Call { method: Method::GET, uri: format!("/api/specialists/{id}{path}"), body: None };
    let entry_json =
        json!({"date": "2024-03-02", "kind": "peer_review", "detail": "査読 アクセス試験2", "evidence": "依頼"});
    vec![
        get(""),
        get("/ledger"),
        get("/evaluation"),
        get("/remaining"),
        get("/forms.xlsx"),
        get("/forms.pdf"),
        Call {
            method: Method::POST,
            uri: format!("/api/specialists/{id}/ledger"),
            body: Some(Body2::Json(entry_json)),
        },
        Call {
            method: Method::DELETE,
            uri: format!("/api/specialists/{id}/ledger/{entry}"),
            body: Some(Body2::Json(json!({"reason": "アクセス試験"}))),
        },
        Call {
            method: Method::POST,
            uri: format!("/api/specialists/{id}/ledger/import"),
            body: Some(Body2::Multipart(multipart(&[("file", "l.csv", ledger_csv(id).as_bytes())]))),
        },
    ]
}

/// Every API call of the committee.
fn committee_calls() -> Vec<Call> {
    let roster = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\nZ9,架空 試験,0,2027,2022-04-01,2027-03-31\n";
    vec![
        Call { method: Method::GET, uri: "/api/committee/2025".into(), body: None },
        Call {
            method: Method::PUT,
            uri: "/api/committee/2025/decisions/EX001".into(),
            body: Some(Body2::Json(json!({"decision": "approved", "reason": "試験"}))),
        },
        Call { method: Method::GET, uri: "/api/imports".into(), body: None },
        Call {
            method: Method::POST,
            uri: "/api/imports/roster".into(),
            body: Some(Body2::Multipart(multipart(&[("specialists", "s.csv", roster.as_bytes())]))),
        },
        Call { method: Method::GET, uri: "/api/exports/verdicts.csv?fiscal_year=2025".into(), body: None },
    ]
}

async fn call(app: &TestApp, c: &Call, client: Option<&Client>, with_csrf: bool) -> Answer {
    let mut req = Request::builder().method(c.method.clone()).uri(&c.uri);
    if let Some(client) = client {
        req = req.header(header::COOKIE, &client.cookie);
        if with_csrf {
            req = req.header("x-csrf-token", &client.csrf);
        }
    }
    let req = match &c.body {
        None => req.body(Body::empty()),
        Some(Body2::Json(v)) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())),
        Some(Body2::Multipart(b)) => req
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={}", renewal_helpers::BOUNDARY))
            .body(Body::from(b.clone())),
    };
    app.call(req.unwrap()).await
}

fn is_write(c: &Call) -> bool {
    c.method != Method::GET
}

async fn first_entry(app: &TestApp, id: &str) -> i64 {
    app.state.store.ledger(id).await.unwrap()[0].id
}

#[tokio::test]
async fn x4_every_renewal_endpoint_refuses_who_may_not() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let e1 = first_entry(&app, "EX001").await;
        let e2 = first_entry(&app, "EX002").await;
        let backend = app.backend;
        let before = app.state.store.ledgers_of(&["EX001".into(), "EX002".into()]).await.unwrap();
        let audit_before = app.state.store.audit_log(&Default::default()).await.unwrap().len();

        // Specialist EX001 on EX002's records, and on an id that does not exist: the same 403.
        for c in specialist_calls("EX002", e2).iter().chain(&specialist_calls("NOBODY", 1)) {
            let r = call(&app, c, Some(&a.ex001), true).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend:?} EX001 → {} {}: {}", c.method, c.uri, r.text());
            assert_eq!(r.json()["error"]["code"], "forbidden");
        }
        // An entry of EX002 is not reachable under EX001's own id either.
        let r = call(&app, &specialist_calls("EX001", e2)[7], Some(&a.ex001), true).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        // A planner reads no ledger; anyone not logged in is asked to.
        for c in specialist_calls("EX001", e1).iter().chain(&committee_calls()) {
            let r = call(&app, c, Some(&a.planner), true).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "planner → {} {}: {}", c.method, c.uri, r.text());
            let r = call(&app, c, None, false).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous → {} {}: {}", c.method, c.uri, r.text());
        }
        for uri in ["/api/specialists", "/api/specialists?fiscal_year=2025"] {
            assert_eq!(app.get(uri, Some(&a.planner)).await.status, StatusCode::FORBIDDEN);
            assert_eq!(app.get(uri, None).await.status, StatusCode::UNAUTHORIZED);
        }
        // The committee reads every ledger and writes none; specialists do no committee work.
        for c in specialist_calls("EX001", e1) {
            let r = call(&app, &c, Some(&a.committee), true).await;
            let expected = if is_write(&c) { StatusCode::FORBIDDEN } else { StatusCode::OK };
            assert_eq!(r.status, expected, "committee → {} {}: {}", c.method, c.uri, r.text());
        }
        for c in committee_calls() {
            let r = call(&app, &c, Some(&a.ex001), true).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "specialist → {} {}", c.method, c.uri);
        }
        // Without the CSRF token no change goes through, whoever asks.
        for (client, c) in specialist_calls("EX001", e1)
            .into_iter()
            .filter(is_write)
            .map(|c| (&a.ex001, c))
            .chain(committee_calls().into_iter().filter(is_write).map(|c| (&a.committee, c)))
        {
            let r = call(&app, &c, Some(client), false).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF → {} {}", c.method, c.uri);
            assert_eq!(r.json()["error"]["code"], "csrf");
        }
        // Missing ids for those who may read everything: 404.
        for c in specialist_calls("NOBODY", 1) {
            let r = call(&app, &c, Some(&a.admin), true).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "admin → {} {}: {}", c.method, c.uri, r.text());
        }
        // Nothing above changed a ledger or wrote to the log.
        assert_eq!(app.state.store.ledgers_of(&["EX001".into(), "EX002".into()]).await.unwrap(), before);
        assert_eq!(app.state.store.audit_log(&Default::default()).await.unwrap().len(), audit_before);

        // And each may do what they may: the specialist every call on their own records.
        for c in specialist_calls("EX001", e1) {
            let r = call(&app, &c, Some(&a.ex001), true).await;
            assert!(r.status.is_success(), "EX001 → {} {}: {} {}", c.method, c.uri, r.status, r.text());
        }
        for c in committee_calls() {
            let r = call(&app, &c, Some(&a.committee), true).await;
            assert!(r.status.is_success(), "committee → {} {}: {} {}", c.method, c.uri, r.status, r.text());
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn x4_every_renewal_page_refuses_who_may_not() {
    let app = TestApp::sqlite().await;
    seed(&app).await;
    let a = accounts(&app).await;
    let e2 = first_entry(&app, "EX002").await;
    let pages = ["/renewal/specialists/EX002", "/renewal/specialists/NOBODY", "/renewal/committee"];
    for uri in pages {
        let r = app.get(uri, Some(&a.ex001)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(r.text().contains("権限がありません"), "{uri}: a page, not JSON");
        assert_eq!(app.get(uri, Some(&a.planner)).await.status, StatusCode::FORBIDDEN, "{uri}");
        let anonymous = app.get(uri, None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{uri}");
        assert!(anonymous.headers[header::LOCATION].to_str().unwrap().starts_with("/login"), "{uri}");
    }
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/renewal/specialists/EX002/ledger".into(),
            vec![("date", "2024-03-01"), ("kind", "peer_review"), ("detail", "x")],
        ),
        (format!("/renewal/specialists/EX002/ledger/{e2}/delete"), vec![("reason", "いたずら")]),
        ("/renewal/committee/2025/decisions/EX002".into(), vec![("decision", "approved"), ("reason", "いたずら")]),
    ];
    for (uri, fields) in &forms {
        let r = post_form(&app, uri, &a.ex001, fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
    }
    // The committee member reads EX002's page but gets no form to change it, and may not post one.
    let page = app.get("/renewal/specialists/EX002", Some(&a.committee)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("id=\"entry-form\""));
    let r = post_form(&app, &forms[0].0, &a.committee, &forms[0].1).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A multipart upload without the token in its query is refused.
    let body = multipart(&[("file", "l.csv", ledger_csv("EX001").as_bytes())]);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/renewal/specialists/EX001/ledger/import")
        .header(header::COOKIE, &a.ex001.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={}", renewal_helpers::BOUNDARY))
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.state.store.ledger("EX002").await.unwrap().len(), 11);
    assert_eq!(app.state.store.decisions(2025).await.unwrap().len(), 0);
    app.cleanup().await;
}
