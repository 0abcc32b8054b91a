//! The OpenAPI document served at `/api/openapi.json`: a snapshot (a change to the API shows up in
//! review) and a check that every API route the router answers is described.

#[path = "support/app.rs"]
mod app;

use app::TestApp;
use axum::http::StatusCode;

#[tokio::test]
async fn openapi_document_is_served_and_matches_the_snapshot() {
    let app = TestApp::sqlite().await;
    let answer = app.get("/api/openapi.json", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/json");
    let doc = answer.json();
    assert_eq!(doc["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", doc);
    app.cleanup().await;
}

#[test]
fn every_documented_operation_has_a_tag_and_responses() {
    let doc = serde_json::to_value(ishi_server::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "only {} paths documented", paths.len());
    for (path, item) in paths {
        assert!(path.starts_with("/api/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} has no tag");
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
        }
    }
}
