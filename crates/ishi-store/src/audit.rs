//! The audit log: appended in the transaction of the change it records, never updated or deleted
//! (migration 0002 makes the database refuse both).

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{Change, Store, StoreError, dynamic};

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub user_id: Option<i64>,
    pub login: String,
    /// `designation_override`, `target`, `ledger_entry`, `decision`, `import`, `user`.
    pub entity: String,
    /// Area code, specialist id …
    pub entity_key: String,
    /// `set`, `clear`, `add`, `delete`, `import`, `create`.
    pub action: String,
    /// The value before and after, as JSON text (absent when there was none).
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: String,
}

/// What a change writes to the log besides its [`Change`].
#[derive(Debug, Clone)]
pub(crate) struct AuditRecord<'a> {
    pub entity: &'a str,
    pub entity_key: &'a str,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> AuditRecord<'a> {
    pub fn new(
        entity: &'a str,
        entity_key: &'a str,
        action: &'a str,
        before: Option<String>,
        after: Option<String>,
    ) -> Self {
        Self { entity, entity_key, action, before, after }
    }
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these entities (empty = all).
    pub entities: Vec<String>,
    /// Only keys starting with this (an area code, a prefecture code, a specialist id).
    pub key_prefix: Option<String>,
    pub limit: Option<i64>,
}

pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    change: &Change,
    record: &AuditRecord<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, login, entity, entity_key, action, before_json, after_json, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&change.at)
    .bind(change.user_id)
    .bind(&change.login)
    .bind(record.entity)
    .bind(record.entity_key)
    .bind(record.action)
    .bind(&record.before)
    .bind(&record.after)
    .bind(&change.reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn entry_from(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        user_id: row.try_get("user_id")?,
        login: row.try_get("login")?,
        entity: row.try_get("entity")?,
        entity_key: row.try_get("entity_key")?,
        action: row.try_get("action")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        reason: row.try_get("reason")?,
    })
}

impl Store {
    /// Entries matching `filter`, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut sql = String::from(
            "SELECT id, at, user_id, login, entity, entity_key, action, before_json, after_json, reason \
             FROM audit_log WHERE 1 = 1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if !filter.entities.is_empty() {
            let marks: Vec<String> = filter.entities.iter().map(|_| next()).collect();
            sql.push_str(&format!(" AND entity IN ({})", marks.join(", ")));
        }
        if filter.key_prefix.is_some() {
            // Concatenation, not LIKE: a key with `%` or `_` must not match as a pattern.
            sql.push_str(&format!(" AND substr(entity_key, 1, length({0})) = {0}", next()));
        }
        sql.push_str(" ORDER BY id DESC");
        if filter.limit.is_some() {
            sql.push_str(&format!(" LIMIT {}", next()));
        }
        let mut query = sqlx::query(dynamic(sql));
        for e in &filter.entities {
            query = query.bind(e.clone());
        }
        if let Some(p) = &filter.key_prefix {
            query = query.bind(p.clone());
        }
        if let Some(l) = filter.limit {
            query = query.bind(l);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(entry_from).collect()
    }
}
