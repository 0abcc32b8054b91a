//! Accounts and sessions. Passwords arrive here already hashed (Argon2id in the server); session
//! tokens arrive as their hash.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditRecord, append};
use crate::{Change, Store, StoreError, dynamic};

/// What a person may do (issue 5 «Accounts and roles»).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理者: everything, including accounts.
    Admin,
    /// 都道府県の計画担当: writes only their prefecture's overrides and targets.
    Planner,
    /// 専門医委員会の委員: reads every ledger, records decisions on 個別審査.
    Committee,
    /// 専門医: reads and writes only their own ledger.
    Specialist,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Planner, Role::Committee, Role::Specialist];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Planner => "planner",
            Role::Committee => "committee",
            Role::Specialist => "specialist",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == text)
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            Role::Admin => "管理者",
            Role::Planner => "都道府県計画担当",
            Role::Committee => "専門医委員会委員",
            Role::Specialist => "専門医",
        }
    }
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub prefecture_code: Option<String>,
    pub specialist_id: Option<String>,
    pub created_at: String,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub prefecture_code: Option<String>,
    pub specialist_id: Option<String>,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: String,
}

const USER_COLUMNS: &str =
    "u.id, u.login, u.display_name, u.password_hash, u.role, u.prefecture_code, u.specialist_id, u.created_at";

fn user_from(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
        prefecture_code: row.try_get("prefecture_code")?,
        specialist_id: row.try_get("specialist_id")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users").fetch_one(self.pool()).await?.try_get(0)?)
    }

    /// Creates an account; the audit log records it (without the password hash).
    pub async fn create_user(&self, user: &NewUser, change: &Change) -> Result<User, StoreError> {
        let mut tx = self.pool().begin().await?;
        let exists = sqlx::query("SELECT 1 FROM users WHERE login = $1")
            .bind(&user.login)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if exists {
            return Err(StoreError::Conflict(format!("login {:?} is taken", user.login)));
        }
        sqlx::query(
            "INSERT INTO users (login, display_name, password_hash, role, prefecture_code, specialist_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&user.login)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.key())
        .bind(&user.prefecture_code)
        .bind(&user.specialist_id)
        .bind(&change.at)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(dynamic(format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1")))
            .bind(&user.login)
            .fetch_one(&mut *tx)
            .await?;
        let created = user_from(&row)?;
        let after = serde_json::to_string(&created).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        append(&mut tx, change, &AuditRecord::new("user", &created.login, "create", None, Some(after))).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(dynamic(format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1")))
            .bind(login)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(dynamic(format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id")))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from).collect()
    }

    /// Stores a new session (its token's hash).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(created_at)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session of `token_hash` if it has not expired at `now` (RFC 3339 UTC compares as text).
    pub async fn session(&self, token_hash: &str, now: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(dynamic(format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        )))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(SessionRecord {
                user: user_from(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                expires_at: row.try_get("expires_at")?,
            })),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// Forgets sessions that expired before `now`.
    pub async fn delete_expired_sessions(&self, now: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}
