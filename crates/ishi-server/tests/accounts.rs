//! Accounts, sessions and CSRF on both databases.

#[path = "support/app.rs"]
mod app;

use app::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

#[tokio::test]
async fn login_session_and_csrf_on_both_backends() {
    for app in TestApp::all().await {
        let admin = app.client("root", "admin", None).await;
        assert!(app.login("root", "wrong password").await.is_none(), "{:?}", app.backend);
        assert!(app.login("nobody", "whatever-123").await.is_none());
        let me = app.get("/api/me", Some(&admin)).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["user"]["role"], "admin");
        assert_eq!(app.get("/api/me", None).await.status, StatusCode::UNAUTHORIZED);

        // A change without the CSRF token is refused, with it accepted.
        let body = serde_json::json!({"login": "p13", "display_name": "東京 太郎", "role": "planner",
            "prefecture_code": "13", "password": "long-enough-pw"});
        let no_csrf = Request::builder()
            .method(Method::POST)
            .uri("/api/users")
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let refused = app.call(no_csrf).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.json()["error"]["code"], "csrf");
        let created = app.send(Method::POST, "/api/users", Some(&admin), Some(body.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
        let again = app.send(Method::POST, "/api/users", Some(&admin), Some(body)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // The account creation is in the audit log, without the hash.
        let log = app.get("/api/audit", Some(&admin)).await.json();
        let entry = log.as_array().unwrap().iter().find(|e| e["entity_key"] == "p13").expect("audited");
        assert_eq!(entry["login"], "root");
        assert!(!entry["after"].as_str().unwrap().contains("argon2"));

        // Logging out ends the session.
        assert_eq!(app.send(Method::DELETE, "/api/session", Some(&admin), None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/me", Some(&admin)).await.status, StatusCode::UNAUTHORIZED);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn only_admin_manages_accounts_and_bad_accounts_are_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.client("root", "admin", None).await;
    let committee = app.client("c1", "committee", None).await;
    assert_eq!(app.get("/api/users", Some(&committee)).await.status, StatusCode::FORBIDDEN);
    for (body, field) in [
        (
            serde_json::json!({"login": "x", "display_name": "x", "role": "planner", "password": "long-enough-pw"}),
            "prefecture_code",
        ),
        (
            serde_json::json!({"login": "x", "display_name": "x", "role": "planner", "prefecture_code": "48", "password": "long-enough-pw"}),
            "prefecture_code",
        ),
        (
            serde_json::json!({"login": "x", "display_name": "x", "role": "specialist", "password": "long-enough-pw"}),
            "specialist_id",
        ),
        (serde_json::json!({"login": "x", "display_name": "x", "role": "king", "password": "long-enough-pw"}), "role"),
        (serde_json::json!({"login": "x", "display_name": "x", "role": "admin", "password": "short"}), "password"),
        (
            serde_json::json!({"login": "a b", "display_name": "x", "role": "admin", "password": "long-enough-pw"}),
            "login",
        ),
    ] {
        let a = app.send(Method::POST, "/api/users", Some(&admin), Some(body.clone())).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(a.json()["error"]["field"], field, "{body}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_form_from_another_site_is_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.client("root", "admin", None).await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", admin.csrf)))
        .unwrap();
    assert_eq!(app.call(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", admin.csrf)))
        .unwrap();
    assert_eq!(app.call(req).await.status, StatusCode::SEE_OTHER);
    app.cleanup().await;
}
