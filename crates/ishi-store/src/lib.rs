//! Storage of the ishi workspace: the accounts, the audit log, the prefecture's decisions on the plan
//! (designation overrides, targets) and the society's renewal records (roster, ledgers, committee
//! decisions), on an embedded SQLite file by default or on PostgreSQL.
//!
//! One schema and one sequence of migrations serve both backends ([`migrate`]); queries are written
//! once against sqlx's `Any` driver, with `$1`-style parameters that both databases accept. The
//! domain does not live here: values are stored as the user wrote them (the ledger as its CSV
//! columns) and the engines in `ishi-plan` and `ishi-renewal` interpret them.
//!
//! The main type is [`Store`]:
//!
//! ```no_run
//! # async fn demo() -> Result<(), ishi_store::StoreError> {
//! let store = ishi_store::Store::open("sqlite:///tmp/ishi.db?mode=rwc").await?;
//! store.migrate().await?;
//! let users = store.user_count().await?;
//! # Ok(()) }
//! ```
//!
//! Every change that the audit log must show is written through a [`Change`] (who, when, why) in the
//! same transaction as the audit record, so a change is never committed without its record.
//!
//! Architecture invariant: this crate reads no clock and no environment; the caller passes the time
//! of every change.

mod accounts;
mod audit;
mod error;
mod migrate;
pub mod plan;
pub mod renewal;
pub mod testing;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

pub use accounts::{NewUser, Role, SessionRecord, User};
pub use audit::{AuditEntry, AuditFilter};
pub use error::StoreError;
pub use migrate::MIGRATIONS;
pub use plan::{AreaTargetRecord, Dataset, DesignationOverride};

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Who makes a change, when, and why: what the audit log records beside before and after.
#[derive(Debug, Clone)]
pub struct Change {
    /// `users.id` of the person; `None` for the system itself (seeding, the first admin).
    pub user_id: Option<i64>,
    pub login: String,
    /// RFC 3339 UTC.
    pub at: String,
    pub reason: String,
}

impl Change {
    /// A decision, or a change that removes or overrules something, needs a written reason (P3.3).
    pub(crate) fn require_reason(&self) -> Result<(), StoreError> {
        if self.reason.trim().is_empty() {
            Err(StoreError::Conflict("a written reason is required".into()))
        } else {
            Ok(())
        }
    }

    /// The account making a decision (a decision's `set_by` / `decided_by`): not the system.
    pub(crate) fn account(&self, what: &str) -> Result<i64, StoreError> {
        self.user_id.ok_or_else(|| StoreError::Conflict(format!("{what} must be made by an account")))
    }
}

/// The database of the workspace.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url`: `sqlite://PATH?mode=rwc` (the file is created if missing) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB`. Does not migrate.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        let options = AnyPoolOptions::new().max_connections(match backend {
            // SQLite has one writer at a time; a few readers are enough for a single process.
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        });
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL: readers never wait for the writer. FULL: a commit is on disk before it is
                    // acknowledged, so a killed server loses nothing it reported as saved.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url).await.map_err(|source| StoreError::Connect { url: redact(url), source })?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs `sql` as given — for tests that check what the database itself refuses.
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(sqlx::raw_sql(dynamic(sql.to_string())).execute(self.pool()).await?.rows_affected())
    }

    /// Closes every connection (waits for running queries).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// SQL assembled from this crate's own constants (column lists, numbered placeholders), never from
/// input: values are always bound.
pub(crate) fn dynamic(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &userinfo[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_the_password_only() {
        assert_eq!(super::redact("postgres://ishi:secret@127.0.0.1:5432/db"), "postgres://ishi:***@127.0.0.1:5432/db");
        assert_eq!(super::redact("sqlite:///tmp/a.db?mode=rwc"), "sqlite:///tmp/a.db?mode=rwc");
    }
}
