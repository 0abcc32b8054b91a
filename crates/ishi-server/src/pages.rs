//! The pages every role shares: top, login, audit log, accounts. The plan's and the renewal's pages
//! are in their own modules.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use ishi_store::{AuditEntry, AuditFilter, Role, User};
use serde::Deserialize;

use crate::accounts::{AccountRequest, create_account};
use crate::auth::{MIN_PASSWORD_CHARS, MaybeSession, Session, log_in, log_out};
use crate::clock::japan_display;
use crate::error::{AppError, PageError};
use crate::state::AppState;

/// What the layout (`base.html`) shows on every page.
pub struct PageContext {
    pub title: String,
    pub user: Option<Arc<User>>,
    /// The session's CSRF token, for the forms of the page (empty when not logged in).
    pub csrf: String,
    /// Which navigation entry is current.
    pub section: &'static str,
    pub flash: Option<String>,
    /// Credit line of the published data, in the footer.
    pub credit: &'static str,
}

impl PageContext {
    pub fn new(title: impl Into<String>, session: Option<&Session>, section: &'static str) -> Self {
        PageContext {
            title: title.into(),
            user: session.map(|s| s.user.clone()),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
            section,
            flash: None,
            credit: ishi_io::shipped::SOURCE_2024,
        }
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Self {
        self.flash = flash;
        self
    }
}

/// Renders a template as an HTML response.
pub fn render(t: &impl Template) -> Result<Response, PageError> {
    Ok(Html(t.render()?).into_response())
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
}

pub async fn home(MaybeSession(session): MaybeSession) -> Result<Response, PageError> {
    render(&HomePage { ctx: PageContext::new("トップ", session.as_ref(), "home") })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    error: Option<String>,
    login: String,
    next: String,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

pub async fn login_page(
    MaybeSession(session): MaybeSession,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    render(&LoginPage {
        ctx: PageContext::new("ログイン", session.as_ref(), "login"),
        error: None,
        login: String::new(),
        next: safe_next(q.next.as_deref()),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Only paths of this site are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub async fn login_submit(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Result<Response, PageError> {
    match log_in(&state, form.login.trim(), &form.password).await {
        Ok((_, cookie)) => {
            let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
            Ok(response)
        }
        Err(AppError::BadRequest { message, .. }) => {
            let page = LoginPage {
                ctx: PageContext::new("ログイン", None, "login"),
                error: Some(message),
                login: form.login,
                next: safe_next(form.next.as_deref()),
            };
            let mut response = render(&page)?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let cookie = log_out(&state, &session).await?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
    Ok(response)
}

/// One audit entry as the page shows it.
pub struct AuditRow {
    pub at: String,
    pub at_display: String,
    pub login: String,
    pub entity_ja: &'static str,
    pub entity_key: String,
    pub action_ja: &'static str,
    pub before: String,
    pub after: String,
    pub reason: String,
}

fn entity_ja(entity: &str) -> &'static str {
    match entity {
        "designation_override" => "区域指定の上書き",
        "target" => "目標医師数",
        "ledger_entry" => "更新台帳",
        "decision" => "個別審査の決定",
        "import" => "取り込み",
        "user" => "アカウント",
        _ => "その他",
    }
}

fn action_ja(action: &str) -> &'static str {
    match action {
        "set" => "設定",
        "clear" => "解除",
        "add" => "追加",
        "delete" => "削除",
        "import" => "取り込み",
        "create" => "作成",
        _ => "変更",
    }
}

impl From<AuditEntry> for AuditRow {
    fn from(e: AuditEntry) -> Self {
        AuditRow {
            at_display: japan_display(&e.at),
            at: e.at,
            login: e.login,
            entity_ja: entity_ja(&e.entity),
            entity_key: e.entity_key,
            action_ja: action_ja(&e.action),
            before: e.before.unwrap_or_else(|| "—".into()),
            after: e.after.unwrap_or_else(|| "—".into()),
            reason: e.reason,
        }
    }
}

/// What part of the audit log a role sees: admin everything; a planner the plan's changes; the
/// committee the renewal's; a specialist the changes to their own ledger.
pub fn audit_scope(session: &Session) -> (AuditFilter, &'static str) {
    let plan = vec!["designation_override".to_string(), "target".to_string()];
    let renewal = vec!["ledger_entry".to_string(), "decision".to_string(), "import".to_string()];
    match session.role() {
        Role::Admin => (AuditFilter::default(), "管理者にはすべての記録が表示されます。"),
        Role::Planner => {
            (AuditFilter { entities: plan, ..Default::default() }, "計画（指定・目標）の記録を表示しています。")
        }
        Role::Committee => (
            AuditFilter { entities: renewal, ..Default::default() },
            "専門医更新（台帳・審査・取り込み）の記録を表示しています。",
        ),
        Role::Specialist => (
            AuditFilter {
                entities: vec!["ledger_entry".to_string(), "decision".to_string()],
                key_prefix: Some(format!("{}/", session.user.specialist_id.as_deref().unwrap_or("\u{0}"))),
                ..Default::default()
            },
            "自分の台帳と審査の記録を表示しています。",
        ),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageContext,
    scope: &'static str,
    entries: Vec<AuditRow>,
}

pub async fn audit_page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let (mut filter, scope) = audit_scope(&session);
    filter.limit = Some(1000);
    let entries = state.store.audit_log(&filter).await?.into_iter().map(AuditRow::from).collect();
    render(&AuditPage { ctx: PageContext::new("監査ログ", Some(&session), "audit"), scope, entries })
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: PageContext,
    users: Vec<User>,
    error: Option<String>,
    min_password: usize,
}

pub async fn users_page(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    session.require(&[Role::Admin])?;
    let users = state.store.users().await?;
    render(&UsersPage {
        ctx: PageContext::new("アカウント", Some(&session), "users"),
        users,
        error: None,
        min_password: MIN_PASSWORD_CHARS,
    })
}

pub async fn users_submit(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<AccountRequest>,
) -> Result<Response, PageError> {
    session.require(&[Role::Admin])?;
    let change = session.change(state.now(), "管理画面でアカウントを作成");
    match create_account(&state.store, &form, &change).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(e @ (AppError::BadRequest { .. } | AppError::Conflict(_))) => {
            let users = state.store.users().await?;
            let mut response = render(&UsersPage {
                ctx: PageContext::new("アカウント", Some(&session), "users"),
                users,
                error: Some(e.to_string()),
                min_password: MIN_PASSWORD_CHARS,
            })?;
            *response.status_mut() = e.status();
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}
