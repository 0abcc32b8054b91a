//! Making accounts: one validation for the command line, the API and the admin page.

use ishi_store::{Change, NewUser, Role, Store, User};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{MIN_PASSWORD_CHARS, hash_password};
use crate::error::AppError;

/// An account as requested (password in clear; hashed here).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AccountRequest {
    pub login: String,
    pub display_name: String,
    /// `admin`, `planner`, `committee` or `specialist`.
    pub role: String,
    /// Required for a planner: the two-digit prefecture code (01–47).
    #[serde(default)]
    pub prefecture_code: Option<String>,
    /// Required for a specialist: their id in the roster.
    #[serde(default)]
    pub specialist_id: Option<String>,
    pub password: String,
}

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Checks `request` and stores the account (the audit log records who made it).
pub async fn create_account(store: &Store, request: &AccountRequest, change: &Change) -> Result<User, AppError> {
    let login = request.login.trim();
    if login.is_empty() || login.len() > 64 || !login.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c)) {
        return Err(AppError::bad(
            "login",
            format!("ログインID {login:?} は半角英数字と . _ - @ の1〜64文字にしてください"),
        ));
    }
    let display_name = request.display_name.trim();
    if display_name.is_empty() {
        return Err(AppError::bad("display_name", "氏名を入力してください"));
    }
    let role = Role::parse(request.role.trim()).ok_or_else(|| {
        AppError::bad("role", format!("役割 {:?} はありません（admin, planner, committee, specialist）", request.role))
    })?;
    if request.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::bad("password", format!("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください")));
    }
    let prefecture_code = blank_to_none(&request.prefecture_code);
    let specialist_id = blank_to_none(&request.specialist_id);
    match role {
        Role::Planner => {
            let Some(p) = &prefecture_code else {
                return Err(AppError::bad("prefecture_code", "計画担当には都道府県コード（01〜47）が必要です"));
            };
            if ishi_plan::Prefecture::by_code(p).is_none() {
                return Err(AppError::bad("prefecture_code", format!("都道府県コード {p:?} はありません（01〜47）")));
            }
        }
        Role::Specialist if specialist_id.is_none() => {
            return Err(AppError::bad("specialist_id", "専門医のアカウントには専門医IDが必要です"));
        }
        _ => {}
    }
    let user = NewUser {
        login: login.to_string(),
        display_name: display_name.to_string(),
        password_hash: hash_password(&request.password)?,
        role,
        prefecture_code: if role == Role::Planner { prefecture_code } else { None },
        specialist_id: if role == Role::Specialist { specialist_id } else { None },
    };
    Ok(store.create_user(&user, change).await?)
}
