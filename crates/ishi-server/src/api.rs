//! The API every role shares: session, self, audit log, accounts, and the OpenAPI document.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ishi_store::{AuditEntry, Role, User};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::accounts::{AccountRequest, create_account};
use crate::auth::{Session, log_in, log_out};
use crate::error::{AppError, ErrorBody};
use crate::pages::audit_scope;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// The logged-in account and the token to send as `X-CSRF-Token` on every change.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub user: UserInfo,
    pub csrf_token: String,
}

/// An account as the API shows it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserInfo {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    /// `admin`, `planner`, `committee`, `specialist`.
    pub role: String,
    pub prefecture_code: Option<String>,
    pub specialist_id: Option<String>,
}

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        UserInfo {
            id: u.id,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            role: u.role.key().to_string(),
            prefecture_code: u.prefecture_code.clone(),
            specialist_id: u.specialist_id.clone(),
        }
    }
}

/// Logs in; the session cookie comes in `Set-Cookie`.
#[utoipa::path(post, path = "/api/session", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 422, body = ErrorBody)))]
pub async fn create_session(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, AppError> {
    let (session, cookie) = log_in(&state, req.login.trim(), &req.password).await?;
    let body = SessionInfo { user: UserInfo::from(session.user.as_ref()), csrf_token: session.csrf.clone() };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Logs out.
#[utoipa::path(delete, path = "/api/session", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn delete_session(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    let cookie = log_out(&state, &session).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// The logged-in account.
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub async fn me(session: Session) -> Json<SessionInfo> {
    Json(SessionInfo { user: UserInfo::from(session.user.as_ref()), csrf_token: session.csrf.clone() })
}

/// One change in the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryBody {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub login: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    /// JSON text of the value before (absent when there was none).
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: String,
}

impl From<AuditEntry> for AuditEntryBody {
    fn from(e: AuditEntry) -> Self {
        AuditEntryBody {
            id: e.id,
            at: e.at,
            login: e.login,
            entity: e.entity,
            entity_key: e.entity_key,
            action: e.action,
            before: e.before,
            after: e.after,
            reason: e.reason,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only keys starting with this (an area code, `SPECIALIST_ID/`).
    pub key: Option<String>,
    /// At most this many entries, newest first (default 1000).
    pub limit: Option<i64>,
}

/// The audit log as far as the role may see it (read-only: there is no endpoint that changes it).
#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntryBody>), (status = 401, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntryBody>>, AppError> {
    let (mut filter, _) = audit_scope(&session);
    if let Some(key) = q.key {
        match &filter.key_prefix {
            // A specialist narrows within their own ledger only.
            Some(own) if !key.starts_with(own.as_str()) => return Ok(Json(vec![])),
            _ => filter.key_prefix = Some(key),
        }
    }
    filter.limit = Some(q.limit.unwrap_or(1000).clamp(1, 10_000));
    Ok(Json(state.store.audit_log(&filter).await?.into_iter().map(AuditEntryBody::from).collect()))
}

/// Every account (admin only).
#[utoipa::path(get, path = "/api/users", tag = "accounts",
    responses((status = 200, body = Vec<UserInfo>), (status = 403, body = ErrorBody)))]
pub async fn users(State(state): State<AppState>, session: Session) -> Result<Json<Vec<UserInfo>>, AppError> {
    session.require(&[Role::Admin])?;
    Ok(Json(state.store.users().await?.iter().map(UserInfo::from).collect()))
}

/// Creates an account (admin only).
#[utoipa::path(post, path = "/api/users", tag = "accounts", request_body = AccountRequest,
    responses((status = 201, body = UserInfo), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    session: Session,
    Json(req): Json<AccountRequest>,
) -> Result<(StatusCode, Json<UserInfo>), AppError> {
    session.require(&[Role::Admin])?;
    let change = session.change(state.now(), "APIでアカウントを作成");
    let user = create_account(&state.store, &req, &change).await?;
    Ok((StatusCode::CREATED, Json(UserInfo::from(&user))))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ishi API",
        description = "医師確保計画（医師偏在指標・区域指定・目標医師数・施策・派遣）と形成外科領域専門医更新（台帳・判定・残り・様式）の API。\
            変更を伴う要求には、ログイン時に返る csrf_token を X-CSRF-Token ヘッダーで送ってください。",
        license(name = "Apache-2.0")
    ),
    paths(create_session, delete_session, me, audit, users, create_user),
    tags(
        (name = "accounts", description = "ログインとアカウント"),
        (name = "audit", description = "監査ログ（追記のみ）"),
        (name = "plan", description = "医師確保計画"),
        (name = "renewal", description = "専門医更新"),
    )
)]
pub struct CoreApi;

/// The whole OpenAPI document: the shared part, the plan's and the renewal's.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = CoreApi::openapi();
    doc.merge(crate::plan::PlanApi::openapi());
    doc.merge(crate::renewal::RenewalApi::openapi());
    doc
}

pub async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi().to_pretty_json().unwrap_or_default()).into_response()
}
