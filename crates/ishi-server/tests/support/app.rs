//! The application in-process on a fresh database, driven as a tower service (no socket): the same
//! test runs on SQLite and, when configured, PostgreSQL (`ishi_store::testing`).
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use ishi_server::{AccountRequest, AppState, FixedClock, ServerSettings};
use ishi_store::testing::{TestDatabase, databases};
use ishi_store::{Backend, Change};
use serde_json::Value;
use tower::ServiceExt;

/// 2026-11-21T03:00:00Z (12:00 in Japan): every test sees the same "now".
pub const NOW: u64 = 1_795_230_000;
pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub backend: Backend,
    db: TestDatabase,
}

/// A logged-in client: its cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Client {
    pub login: String,
    pub cookie: String,
    pub csrf: String,
}

/// An answer: status, headers, body bytes.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl TestApp {
    /// One app per configured backend.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = vec![];
        for db in databases().await {
            apps.push(TestApp::on(db).await);
        }
        apps
    }

    pub async fn sqlite() -> TestApp {
        TestApp::on(TestDatabase::create(Backend::Sqlite).await.unwrap()).await
    }

    pub async fn on(db: TestDatabase) -> TestApp {
        TestApp::with_settings(db, ServerSettings { secure_cookies: false }).await
    }

    pub async fn with_settings(db: TestDatabase, settings: ServerSettings) -> TestApp {
        let now = ishi_server::clock::rfc3339(NOW);
        let (store, _) = ishi_server::open_store(&db.url, &now).await.expect("open the store");
        let state = AppState::new(store, Arc::new(FixedClock(NOW)), settings).await.expect("state");
        let router = ishi_server::router(state.clone());
        TestApp { state, router, backend: db.backend, db }
    }

    /// Makes an account and logs it in. `scope` is the prefecture code of a planner or the
    /// specialist id of a specialist.
    pub async fn client(&self, login: &str, role: &str, scope: Option<&str>) -> Client {
        let request = AccountRequest {
            login: login.into(),
            display_name: format!("{login} テスト"),
            role: role.into(),
            prefecture_code: (role == "planner").then(|| scope.unwrap().to_string()),
            specialist_id: (role == "specialist").then(|| scope.unwrap().to_string()),
            password: PASSWORD.into(),
        };
        let change =
            Change { user_id: None, login: "test".into(), at: "2026-11-21T03:00:00Z".into(), reason: "test".into() };
        ishi_server::accounts::create_account(&self.state.store, &request, &change).await.expect("create account");
        self.login(login, PASSWORD).await.expect("log in")
    }

    /// Logs in through the API; `None` when refused.
    pub async fn login(&self, login: &str, password: &str) -> Option<Client> {
        let body = serde_json::json!({"login": login, "password": password});
        let a = self.send(Method::POST, "/api/session", None, Some(body)).await;
        if a.status != StatusCode::OK {
            return None;
        }
        let cookie = a.headers.get(header::SET_COOKIE)?.to_str().ok()?.split(';').next()?.to_string();
        let csrf = a.json()["csrf_token"].as_str()?.to_string();
        Some(Client { login: login.into(), cookie, csrf })
    }

    /// A JSON request (the CSRF header is sent for logged-in clients).
    pub async fn send(&self, method: Method, uri: &str, client: Option<&Client>, body: Option<Value>) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(c) = client {
            req = req.header(header::COOKIE, &c.cookie).header("x-csrf-token", &c.csrf);
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.call(req.unwrap()).await
    }

    pub async fn get(&self, uri: &str, client: Option<&Client>) -> Answer {
        self.send(Method::GET, uri, client, None).await
    }

    /// Any request as built by the test (raw bodies, forms, missing CSRF …).
    pub async fn call(&self, req: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        Answer { status, headers, body }
    }

    /// Closes the store and removes the database.
    pub async fn cleanup(self) {
        self.state.store.close().await;
        drop(self.router);
        drop(self.state);
        self.db.cleanup().await;
    }
}
