//! Accounts at the door: Argon2id password hashes, session cookies, CSRF tokens and the role checks
//! every handler calls.
//!
//! A session token is 32 random bytes sent only in an `HttpOnly; SameSite=Strict` cookie (`Secure`
//! unless the server was started for plain-HTTP development); the database keeps its SHA-256 only.
//! Every state-changing request of a logged-in session must carry the session's CSRF token — as the
//! `X-CSRF-Token` header (API), the `csrf` field of a urlencoded form, or the `csrf` query parameter
//! (multipart uploads) — and, when the browser sends `Origin`, come from this server's own origin.
//! [`csrf_guard`] checks this for every route, so no handler can forget it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ishi_store::{Role, User};
use sha2::{Digest, Sha256};

use crate::clock::{later, rfc3339};
use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ishi_session";
/// How long a login lasts: one working day.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Largest urlencoded form read by the CSRF guard (ledger entry, override, target forms are small).
const FORM_LIMIT: usize = 1 << 20;

/// Argon2id (OWASP parameters: 19 MiB, 2 passes) PHC string of `password`.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Passwords shorter than this are refused when an account is made.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A logged-in person, as the handlers see them.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: Arc<User>,
    pub csrf: String,
    token_hash: String,
}

/// Sessions already checked against the database, so that a request costs no query.
#[derive(Debug, Default)]
pub struct SessionCache {
    sessions: RwLock<HashMap<String, (Session, String)>>,
}

impl SessionCache {
    fn get(&self, token_hash: &str, now: &str) -> Option<Session> {
        let map = self.sessions.read().ok()?;
        map.get(token_hash).filter(|(_, expires)| expires.as_str() > now).map(|(s, _)| s.clone())
    }

    fn put(&self, session: Session, expires_at: String) {
        if let Ok(mut map) = self.sessions.write() {
            // Bounded: a flood of logins cannot grow memory without end.
            if map.len() > 100_000 {
                map.clear();
            }
            map.insert(session.token_hash.clone(), (session, expires_at));
        }
    }

    fn remove(&self, token_hash: &str) {
        if let Ok(mut map) = self.sessions.write() {
            map.remove(token_hash);
        }
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == SESSION_COOKIE && !v.is_empty()).then(|| v.to_string())
    })
}

/// The session of the request's cookie, if it is live.
pub async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(token) = cookie_token(headers) else { return Ok(None) };
    let hash = token_hash(&token);
    let now = rfc3339(state.clock.unix_seconds());
    if let Some(s) = state.sessions.get(&hash, &now) {
        return Ok(Some(s));
    }
    let Some(record) = state.store.session(&hash, &now).await? else { return Ok(None) };
    let session = Session { user: Arc::new(record.user), csrf: record.csrf_token, token_hash: hash };
    state.sessions.put(session.clone(), record.expires_at);
    Ok(Some(session))
}

/// Logs `login` in: returns the session and the `Set-Cookie` value.
pub async fn log_in(state: &AppState, login: &str, password: &str) -> Result<(Session, String), AppError> {
    let user = state.store.user_by_login(login).await?;
    // Verify against a dummy hash when the login is unknown, so timing does not tell which logins exist.
    let stored = user.as_ref().map_or(state.dummy_hash.as_str(), |u| u.password_hash.as_str());
    let ok = verify_password(password, stored);
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::BadRequest {
            message: "ログインIDまたはパスワードが違います".into(),
            field: Some("password".into()),
        });
    };
    let token = random_token();
    let csrf = random_token();
    let now = state.clock.unix_seconds();
    let expires_at = later(now, SESSION_LIFETIME);
    let hash = token_hash(&token);
    state.store.create_session(&hash, user.id, &csrf, &rfc3339(now), &expires_at).await?;
    let session = Session { user: Arc::new(user), csrf, token_hash: hash };
    state.sessions.put(session.clone(), expires_at);
    Ok((session, session_cookie(&token, state.config.secure_cookies, SESSION_LIFETIME.as_secs())))
}

/// Ends `session`; returns the `Set-Cookie` value that clears the cookie.
pub async fn log_out(state: &AppState, session: &Session) -> Result<String, AppError> {
    state.sessions.remove(&session.token_hash);
    state.store.delete_session(&session.token_hash).await?;
    Ok(session_cookie("", state.config.secure_cookies, 0))
}

fn session_cookie(token: &str, secure: bool, max_age: u64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// Middleware on every route: a state-changing request of a logged-in session must carry the CSRF
/// token, and one with an `Origin` header must come from this server.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    if let Some(origin) = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let same = origin.split_once("://").is_some_and(|(_, rest)| rest == host);
        if !same && origin != "null" {
            return AppError::Forbidden(format!("別のサイト（{origin}）からの送信は受け付けません")).into_response();
        }
    }
    let session = match session_of(&state, request.headers()).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let Some(session) = session else {
        // No session: nothing to forge (login itself, or a request the handler will refuse as 401).
        return next.run(request).await;
    };
    let header_token = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let query_token = request.uri().query().and_then(|q| form_field(q.as_bytes(), "csrf"));
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (request, form_token) = if is_form && header_token.is_none() && query_token.is_none() {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(b) => b,
            Err(_) => return AppError::bad("form", "フォームが大きすぎます").into_response(),
        };
        let token = form_field(&bytes, "csrf");
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (request, None)
    };
    let given = header_token.or(query_token).or(form_token);
    if given.as_deref().is_none_or(|t| !constant_time_eq(t.as_bytes(), session.csrf.as_bytes())) {
        return AppError::Csrf.into_response();
    }
    let mut request = request;
    request.extensions_mut().insert(session);
    next.run(request).await
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// `a=1&b=2` → pairs, percent- and plus-decoded.
fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &[u8]) -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&s[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(eq) => (decode(&p[..eq]), decode(&p[eq + 1..])),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The logged-in session; refuses with 401 (API) when there is none.
/// Without one, the API answers 401 and a page sends the browser to the login page, which comes back
/// to the page after logging in.
impl FromRequestParts<AppState> for Session {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        if let Some(s) = parts.extensions.get::<Session>() {
            return Ok(s.clone());
        }
        match session_of(state, &parts.headers).await {
            Ok(Some(session)) => Ok(session),
            Err(e) => Err(e.into_response()),
            Ok(None) if parts.uri.path().starts_with("/api/") || parts.method != axum::http::Method::GET => {
                Err(AppError::Unauthenticated.into_response())
            }
            Ok(None) => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let encoded = crate::encode::percent_encode(next, b"/");
                Err(axum::response::Redirect::to(&format!("/login?next={encoded}")).into_response())
            }
        }
    }
}

/// The session if there is one (public pages show a login link instead).
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(s) = parts.extensions.get::<Session>() {
            return Ok(MaybeSession(Some(s.clone())));
        }
        Ok(MaybeSession(session_of(state, &parts.headers).await?))
    }
}

impl Session {
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Refuses unless the session's role is one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("{}の権限ではこの操作はできません", self.user.role.as_ja())))
        }
    }

    /// Admin, or the planner of the prefecture the area `code` lies in (its first two digits).
    pub fn can_write_area(&self, code: &str) -> bool {
        match self.user.role {
            Role::Admin => true,
            Role::Planner => self.user.prefecture_code.as_deref().is_some_and(|p| code.get(..2) == Some(p)),
            _ => false,
        }
    }

    pub fn require_area_write(&self, code: &str) -> Result<(), AppError> {
        if self.can_write_area(code) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "区域 {code} を変更する権限がありません（自分の都道府県の区域のみ変更できます）"
            )))
        }
    }

    /// Admin and committee read every ledger; a specialist only their own.
    pub fn can_read_ledger(&self, specialist_id: &str) -> bool {
        match self.user.role {
            Role::Admin | Role::Committee => true,
            Role::Specialist => self.user.specialist_id.as_deref() == Some(specialist_id),
            Role::Planner => false,
        }
    }

    /// Admin, or the specialist themself.
    pub fn can_write_ledger(&self, specialist_id: &str) -> bool {
        match self.user.role {
            Role::Admin => true,
            Role::Specialist => self.user.specialist_id.as_deref() == Some(specialist_id),
            Role::Committee | Role::Planner => false,
        }
    }

    /// Refusals do not say whether the specialist exists: not found and forbidden look the same.
    pub fn require_ledger_read(&self, specialist_id: &str) -> Result<(), AppError> {
        if self.can_read_ledger(specialist_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden("この台帳を見る権限がありません".into()))
        }
    }

    pub fn require_ledger_write(&self, specialist_id: &str) -> Result<(), AppError> {
        if self.can_write_ledger(specialist_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden("この台帳を変更する権限がありません".into()))
        }
    }

    /// Who made a change, for the audit log.
    pub fn change(&self, at: String, reason: impl Into<String>) -> ishi_store::Change {
        ishi_store::Change { user_id: Some(self.user.id), login: self.user.login.clone(), at, reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterx", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn form_fields_are_percent_decoded() {
        assert_eq!(form_field(b"a=1&csrf=ab%2Fc+d&b=", "csrf").as_deref(), Some("ab/c d"));
        assert_eq!(form_field(b"csrf=%", "csrf").as_deref(), Some("%"));
        assert_eq!(form_field(b"csrf=%e3%81%82", "csrf").as_deref(), Some("あ"));
        assert_eq!(form_field(b"x=1", "csrf"), None);
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
