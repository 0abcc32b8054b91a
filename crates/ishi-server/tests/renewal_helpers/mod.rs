//! What the renewal tests share: the example roster, multipart bodies, the accounts of each role.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, header};

use super::app::{Answer, Client, NOW, TestApp};

/// The fictional example shipped in `examples/renewal/` (five specialists, 45 ledger rows).
pub const SPECIALISTS: &str = include_str!("../../../../examples/renewal/specialists.csv");
pub const LEDGER: &str = include_str!("../../../../examples/renewal/ledger.csv");

/// Seeds the example roster as on a first start (a no-op when `open_store` already did).
pub async fn seed(app: &TestApp) {
    ishi_server::renewal::seed(&app.state.store, &ishi_server::clock::rfc3339(NOW)).await.expect("seed");
    app.state.renewal.invalidate_all();
}

/// The accounts of every role: specialist of EX001, specialist of EX002, committee, planner, admin.
pub struct Accounts {
    pub ex001: Client,
    pub ex002: Client,
    pub committee: Client,
    pub planner: Client,
    pub admin: Client,
}

pub async fn accounts(app: &TestApp) -> Accounts {
    Accounts {
        ex001: app.client("ex001", "specialist", Some("EX001")).await,
        ex002: app.client("ex002", "specialist", Some("EX002")).await,
        committee: app.client("iinkai", "committee", None).await,
        planner: app.client("tokyo", "planner", Some("13")).await,
        admin: app.client("root", "admin", None).await,
    }
}

pub const BOUNDARY: &str = "----ishi-test-boundary-7d41";

/// A multipart/form-data body of files: (field name, file name, bytes).
pub fn multipart(files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, bytes) in files {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n").as_bytes(),
        );
        body.extend_from_slice(b"Content-Type: text/csv\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart body to `uri` (the CSRF token as a header, or in the query for pages).
pub async fn post_multipart(app: &TestApp, uri: &str, client: Option<&Client>, body: Vec<u8>) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
    if let Some(c) = client {
        req = req.header(header::COOKIE, &c.cookie).header("x-csrf-token", &c.csrf);
    }
    app.call(req.body(Body::from(body)).unwrap()).await
}

/// Posts a raw body with a content type.
pub async fn post_raw(app: &TestApp, uri: &str, client: Option<&Client>, content_type: &str, body: Vec<u8>) -> Answer {
    let mut req = Request::builder().method(Method::POST).uri(uri).header(header::CONTENT_TYPE, content_type);
    if let Some(c) = client {
        req = req.header(header::COOKIE, &c.cookie).header("x-csrf-token", &c.csrf);
    }
    app.call(req.body(Body::from(body)).unwrap()).await
}

/// Posts an urlencoded form as a browser does (the CSRF token in the `csrf` field).
pub async fn post_form(app: &TestApp, uri: &str, client: &Client, fields: &[(&str, &str)]) -> Answer {
    let mut body = format!("csrf={}", encode(&client.csrf));
    for (k, v) in fields {
        body.push_str(&format!("&{}={}", encode(k), encode(v)));
    }
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &client.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.call(req).await
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A category's counted units in an evaluation answer.
pub fn counted(evaluation: &serde_json::Value, category: &str) -> f64 {
    evaluation["categories"][category]["counted"].as_f64().unwrap_or_else(|| panic!("{category} in {evaluation}"))
}

/// `text` in Shift_JIS (CP932), for the few words the tests use (no encoder among this crate's
/// dependencies): ASCII as is, and 医療安全, 感染対策, 受講証明書.
pub fn shift_jis(text: &str) -> Vec<u8> {
    const WORDS: [(&str, &[u8]); 3] = [
        ("医療安全", b"\x88\xE3\x97\xC3\x88\xC0\x91\x53"),
        ("感染対策", b"\x8A\xB4\x90\xF5\x91\xCE\x8D\xF4"),
        ("受講証明書", b"\x8E\xF3\x8D\x75\x8F\xD8\x96\xBE\x8F\x91"),
    ];
    let mut out = Vec::new();
    let mut rest = text;
    'outer: while let Some(c) = rest.chars().next() {
        for (word, bytes) in WORDS {
            if let Some(after) = rest.strip_prefix(word) {
                out.extend_from_slice(bytes);
                rest = after;
                continue 'outer;
            }
        }
        assert!(c.is_ascii(), "no Shift_JIS for {c:?} in the test table");
        out.push(c as u8);
        rest = &rest[1..];
    }
    out
}
