//! Errors of the store.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot connect to {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: String, source: sqlx::Error },
    /// The database was migrated by a newer or different build: refuse rather than guess.
    #[error("the database has migration {version} ({name}) that this build does not know, or with different text")]
    UnknownMigration { version: i64, name: String },
    /// A row the operation needs is missing (user, specialist, area …).
    #[error("{what} {key:?} does not exist")]
    NotFound { what: &'static str, key: String },
    /// The request contradicts what is stored (duplicate login, duplicate specialist …).
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
