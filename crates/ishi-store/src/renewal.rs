//! The society's renewal records: roster, ledgers, imports and committee decisions (個別審査).
//!
//! Rows are stored as written: a ledger entry keeps the nine text columns of `ledger.csv`, a roster
//! row the columns of `specialists.csv`; the renewal engine's readers (`ishi-io`) interpret them, so
//! the store decides nothing of the rules. Every change is written with its audit record in one
//! transaction (X4):
//!
//! | change | entity | key | action | before / after |
//! |---|---|---|---|---|
//! | [`Store::add_ledger_entry`] | `ledger_entry` | `SPECIALIST/ENTRY` | `add` | — / the row |
//! | [`Store::delete_ledger_entry`] | `ledger_entry` | `SPECIALIST/ENTRY` | `delete` | the row / — |
//! | [`Store::import_ledger`] | `ledger_entry` | `SPECIALIST/import/IMPORT` | `import` | — / file and rows |
//! | [`Store::import_roster`] | `import` | `IMPORT` | `import` | — / file and rows |
//! | [`Store::set_decision`] | `decision` | `SPECIALIST/FY` | `set` | the decision before / after |
//!
//! An import is one transaction: its `imports` row, its specialists and its ledger rows land together
//! or not at all (X3), so a listed import is always whole. Rows go in multi-row `INSERT`s
//! ([`BATCH_ROWS`] rows on PostgreSQL, [`SQLITE_BATCH_VALUES`] values on SQLite), so a national roster
//! (thousands of specialists, 10^5 ledger rows) is stored in seconds.

use ishi_io::renewal_records::{LedgerRecord, RosterRecord};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{AuditRecord, append};
use crate::{Backend, Change, Store, StoreError, dynamic};

/// Rows per multi-row `INSERT` on PostgreSQL: 500 ledger rows are 6,000 bound values, far below its
/// limit (65,535).
pub const BATCH_ROWS: usize = 500;
/// Bound values per statement on SQLite. Binding costs time linear in the statement's number of
/// parameters for each parameter (sqlx looks each one's name up, and SQLite finds a name by a scan),
/// so long statements are slow there: about 500 values a statement is the sweet spot, far below
/// SQLite's limit (32,766).
pub const SQLITE_BATCH_VALUES: usize = 480;

/// The decisions the committee records on a renewal (the schema's CHECK allows these).
pub const DECISION_KEYS: [&str; 3] = ["approved", "rejected", "deferred"];

/// One row of the roster (`specialists.csv`) as stored: exactly the row the renewal reader accepted
/// (`ishi_io::renewal_records::RosterRecord`), so what is stored and what is read back are one type.
pub type Specialist = RosterRecord;

/// A ledger row to store: the nine columns of `ledger.csv` as written
/// (`ishi_io::renewal_records::LedgerRecord`).
pub type NewLedgerEntry = LedgerRecord;

/// A stored ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntryRecord {
    pub id: i64,
    pub specialist_id: String,
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub quantity: String,
    pub role: String,
    pub approved: String,
    pub e_learning: String,
    pub evidence: String,
    /// The account that entered it (`None` for rows of an import by the system).
    pub created_by: Option<i64>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The import the row came with, if it was imported.
    pub import_id: Option<i64>,
}

impl LedgerEntryRecord {
    /// The row's `ledger.csv` columns.
    pub fn columns(&self) -> NewLedgerEntry {
        NewLedgerEntry {
            specialist_id: self.specialist_id.clone(),
            date: self.date.clone(),
            kind: self.kind.clone(),
            detail: self.detail.clone(),
            quantity: self.quantity.clone(),
            role: self.role.clone(),
            approved: self.approved.clone(),
            e_learning: self.e_learning.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

/// One committed import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    /// `roster` (specialists and their ledgers), `ledger` (one specialist's ledger) or `example`
    /// (the fictional example roster shipped with ishi).
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the bytes imported (hex).
    pub sha256: String,
    pub row_count: i64,
    pub imported_by: Option<i64>,
    pub imported_by_login: Option<String>,
    pub imported_at: String,
}

impl ImportRecord {
    /// The record of import `id` just committed by `change`.
    fn committed(id: i64, kind: &str, import: &NewImport<'_>, rows: usize, change: &Change) -> Self {
        ImportRecord {
            id,
            kind: kind.into(),
            file_name: import.file_name.into(),
            sha256: import.sha256.into(),
            row_count: rows as i64,
            imported_by: change.user_id,
            imported_by_login: change.user_id.map(|_| change.login.clone()),
            imported_at: change.at.clone(),
        }
    }
}

/// What an import brings besides its rows.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    /// Fictional example data shipped with ishi (kind `example` instead of `roster`), which every
    /// page labels as such.
    pub example: bool,
}

/// The committee's decision on one renewal (個別審査).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub specialist_id: String,
    pub fiscal_year: i64,
    /// `approved`, `rejected` or `deferred`.
    pub decision: String,
    pub reason: String,
    pub decided_by: i64,
    pub decided_by_login: String,
    pub decided_at: String,
}

const SPECIALIST_COLUMNS: &str =
    "id, name, renewals_completed, renewal_fiscal_year, period_start, period_end, extensions, deferral";
/// A decision with the login of who made it (joined at read time).
const DECISION_SELECT: &str = "SELECT d.specialist_id, d.fiscal_year, d.decision, d.reason, d.decided_by, u.login, \
     d.decided_at FROM committee_decisions d LEFT JOIN users u ON u.id = d.decided_by";
const LEDGER_COLUMNS: &str = "id, specialist_id, date, kind, detail, quantity, role, approved, e_learning, evidence, \
     created_by, created_at, import_id";

fn specialist_from(row: &AnyRow) -> Result<Specialist, StoreError> {
    Ok(Specialist {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        renewals_completed: row.try_get("renewals_completed")?,
        renewal_fiscal_year: row.try_get("renewal_fiscal_year")?,
        period_start: row.try_get("period_start")?,
        period_end: row.try_get("period_end")?,
        extensions: row.try_get("extensions")?,
        deferral: row.try_get("deferral")?,
    })
}

fn entry_from(row: &AnyRow) -> Result<LedgerEntryRecord, StoreError> {
    Ok(LedgerEntryRecord {
        id: row.try_get("id")?,
        specialist_id: row.try_get("specialist_id")?,
        date: row.try_get("date")?,
        kind: row.try_get("kind")?,
        detail: row.try_get("detail")?,
        quantity: row.try_get("quantity")?,
        role: row.try_get("role")?,
        approved: row.try_get("approved")?,
        e_learning: row.try_get("e_learning")?,
        evidence: row.try_get("evidence")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        import_id: row.try_get("import_id")?,
    })
}

fn import_from(row: &AnyRow) -> Result<ImportRecord, StoreError> {
    Ok(ImportRecord {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        file_name: row.try_get("file_name")?,
        sha256: row.try_get("sha256")?,
        row_count: row.try_get("row_count")?,
        imported_by: row.try_get("imported_by")?,
        imported_by_login: row.try_get("login")?,
        imported_at: row.try_get("imported_at")?,
    })
}

fn decision_from(row: &AnyRow) -> Result<Decision, StoreError> {
    Ok(Decision {
        specialist_id: row.try_get("specialist_id")?,
        fiscal_year: row.try_get("fiscal_year")?,
        decision: row.try_get("decision")?,
        reason: row.try_get("reason")?,
        decided_by: row.try_get("decided_by")?,
        decided_by_login: row.try_get::<Option<String>, _>("login")?.unwrap_or_default(),
        decided_at: row.try_get("decided_at")?,
    })
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// `($1, $2, …), ($k, …)` for `rows` rows of `columns` values, numbered from `$1`.
fn placeholders(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * columns + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

async fn specialist_exists(tx: &mut Transaction<'_, Any>, id: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query("SELECT 1 FROM specialists WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?.is_some())
}

async fn insert_import(
    tx: &mut Transaction<'_, Any>,
    kind: &str,
    import: &NewImport<'_>,
    rows: usize,
    change: &Change,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO imports (kind, file_name, sha256, row_count, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind)
    .bind(import.file_name)
    .bind(import.sha256)
    .bind(rows as i64)
    .bind(change.user_id)
    .bind(&change.at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

/// Rows of `columns` values per multi-row statement on `backend`.
fn batch_rows(backend: Backend, columns: usize) -> usize {
    match backend {
        Backend::Sqlite => (SQLITE_BATCH_VALUES / columns).max(1),
        Backend::Postgres => BATCH_ROWS,
    }
}

/// Upserts the roster rows, in batches.
async fn upsert_specialists(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    specialists: &[Specialist],
    import_id: i64,
) -> Result<(), StoreError> {
    for chunk in specialists.chunks(batch_rows(backend, 9)) {
        let sql = format!(
            "INSERT INTO specialists ({SPECIALIST_COLUMNS}, import_id) VALUES {} \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, renewals_completed = excluded.renewals_completed, \
             renewal_fiscal_year = excluded.renewal_fiscal_year, period_start = excluded.period_start, \
             period_end = excluded.period_end, extensions = excluded.extensions, deferral = excluded.deferral, \
             import_id = excluded.import_id",
            placeholders(chunk.len(), 9)
        );
        let mut q = sqlx::query(dynamic(sql));
        for s in chunk {
            q = q
                .bind(s.id.as_str())
                .bind(s.name.as_str())
                .bind(s.renewals_completed)
                .bind(s.renewal_fiscal_year)
                .bind(s.period_start.as_str())
                .bind(s.period_end.as_str())
                .bind(s.extensions)
                .bind(s.deferral.as_deref())
                .bind(import_id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts ledger rows, in batches.
async fn insert_ledger_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    rows: &[NewLedgerEntry],
    import_id: Option<i64>,
    change: &Change,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(batch_rows(backend, 12)) {
        let sql = format!(
            "INSERT INTO ledger_entries (specialist_id, date, kind, detail, quantity, role, approved, e_learning, \
             evidence, created_by, created_at, import_id) VALUES {}",
            placeholders(chunk.len(), 12)
        );
        let mut q = sqlx::query(dynamic(sql));
        for e in chunk {
            q = q
                .bind(e.specialist_id.as_str())
                .bind(e.date.as_str())
                .bind(e.kind.as_str())
                .bind(e.detail.as_str())
                .bind(e.quantity.as_str())
                .bind(e.role.as_str())
                .bind(e.approved.as_str())
                .bind(e.e_learning.as_str())
                .bind(e.evidence.as_str())
                .bind(change.user_id)
                .bind(change.at.as_str())
                .bind(import_id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// The roster, by id; only the specialists due in `fiscal_year` when given.
    pub async fn specialists(&self, fiscal_year: Option<i64>) -> Result<Vec<Specialist>, StoreError> {
        let rows = match fiscal_year {
            Some(fy) => {
                sqlx::query(dynamic(format!(
                    "SELECT {SPECIALIST_COLUMNS} FROM specialists WHERE renewal_fiscal_year = $1 ORDER BY id"
                )))
                .bind(fy)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(dynamic(format!("SELECT {SPECIALIST_COLUMNS} FROM specialists ORDER BY id")))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        let mut all = rows.iter().map(specialist_from).collect::<Result<Vec<_>, _>>()?;
        // By id as bytes on both backends (PostgreSQL's collation would order text otherwise).
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    pub async fn specialist(&self, id: &str) -> Result<Option<Specialist>, StoreError> {
        let row = sqlx::query(dynamic(format!("SELECT {SPECIALIST_COLUMNS} FROM specialists WHERE id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(specialist_from).transpose()
    }

    /// The fiscal years that have specialists due, oldest first.
    pub async fn renewal_fiscal_years(&self) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT renewal_fiscal_year FROM specialists ORDER BY renewal_fiscal_year")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// One specialist's ledger, in the order it was entered (by id).
    pub async fn ledger(&self, specialist_id: &str) -> Result<Vec<LedgerEntryRecord>, StoreError> {
        let rows = sqlx::query(dynamic(format!(
            "SELECT {LEDGER_COLUMNS} FROM ledger_entries WHERE specialist_id = $1 ORDER BY id"
        )))
        .bind(specialist_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from).collect()
    }

    /// The ledgers of the specialists due in `fiscal_year`, by specialist id (as bytes), then by id.
    pub async fn ledgers_for_fiscal_year(&self, fiscal_year: i64) -> Result<Vec<LedgerEntryRecord>, StoreError> {
        let rows = sqlx::query(dynamic(format!(
            "SELECT {} FROM ledger_entries l JOIN specialists s ON s.id = l.specialist_id \
             WHERE s.renewal_fiscal_year = $1 ORDER BY l.specialist_id, l.id",
            LEDGER_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(fiscal_year)
        .fetch_all(self.pool())
        .await?;
        let mut all = rows.iter().map(entry_from).collect::<Result<Vec<_>, _>>()?;
        all.sort_by(|a, b| a.specialist_id.cmp(&b.specialist_id).then(a.id.cmp(&b.id)));
        Ok(all)
    }

    /// The ledgers of `ids` (any number of them), by specialist id, then by id.
    pub async fn ledgers_of(&self, ids: &[String]) -> Result<Vec<LedgerEntryRecord>, StoreError> {
        let mut all = vec![];
        for chunk in ids.chunks(batch_rows(self.backend(), 1)) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let mut q = sqlx::query(dynamic(format!(
                "SELECT {LEDGER_COLUMNS} FROM ledger_entries WHERE specialist_id IN ({}) ORDER BY specialist_id, id",
                marks.join(", ")
            )));
            for id in chunk {
                q = q.bind(id.as_str());
            }
            for row in q.fetch_all(self.pool()).await? {
                all.push(entry_from(&row)?);
            }
        }
        all.sort_by(|a, b| a.specialist_id.cmp(&b.specialist_id).then(a.id.cmp(&b.id)));
        Ok(all)
    }

    /// Adds one ledger row (already checked by the renewal engine's reader) and logs it.
    pub async fn add_ledger_entry(
        &self,
        entry: &NewLedgerEntry,
        change: &Change,
    ) -> Result<LedgerEntryRecord, StoreError> {
        let mut tx = self.pool().begin().await?;
        if !specialist_exists(&mut tx, &entry.specialist_id).await? {
            return Err(StoreError::NotFound { what: "specialist", key: entry.specialist_id.clone() });
        }
        let row = sqlx::query(
            "INSERT INTO ledger_entries (specialist_id, date, kind, detail, quantity, role, approved, e_learning, \
             evidence, created_by, created_at, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL) \
             RETURNING id",
        )
        .bind(entry.specialist_id.as_str())
        .bind(entry.date.as_str())
        .bind(entry.kind.as_str())
        .bind(entry.detail.as_str())
        .bind(entry.quantity.as_str())
        .bind(entry.role.as_str())
        .bind(entry.approved.as_str())
        .bind(entry.e_learning.as_str())
        .bind(entry.evidence.as_str())
        .bind(change.user_id)
        .bind(change.at.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        let record = LedgerEntryRecord {
            id,
            specialist_id: entry.specialist_id.clone(),
            date: entry.date.clone(),
            kind: entry.kind.clone(),
            detail: entry.detail.clone(),
            quantity: entry.quantity.clone(),
            role: entry.role.clone(),
            approved: entry.approved.clone(),
            e_learning: entry.e_learning.clone(),
            evidence: entry.evidence.clone(),
            created_by: change.user_id,
            created_at: change.at.clone(),
            import_id: None,
        };
        let key = format!("{}/{id}", entry.specialist_id);
        append(&mut tx, change, &AuditRecord::new("ledger_entry", &key, "add", None, Some(json(&entry)?))).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Deletes ledger row `entry_id` of `specialist_id` and logs it with its reason. A row of another
    /// specialist is not found (the key must match whole).
    pub async fn delete_ledger_entry(
        &self,
        specialist_id: &str,
        entry_id: i64,
        change: &Change,
    ) -> Result<LedgerEntryRecord, StoreError> {
        change.require_reason()?;
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(dynamic(format!(
            "SELECT {LEDGER_COLUMNS} FROM ledger_entries WHERE id = $1 AND specialist_id = $2"
        )))
        .bind(entry_id)
        .bind(specialist_id)
        .fetch_optional(&mut *tx)
        .await?;
        let key = format!("{specialist_id}/{entry_id}");
        let Some(old) = row.as_ref().map(entry_from).transpose()? else {
            return Err(StoreError::NotFound { what: "ledger entry", key });
        };
        sqlx::query("DELETE FROM ledger_entries WHERE id = $1").bind(entry_id).execute(&mut *tx).await?;
        append(&mut tx, change, &AuditRecord::new("ledger_entry", &key, "delete", Some(json(&old.columns())?), None))
            .await?;
        tx.commit().await?;
        Ok(old)
    }

    /// Imports a roster and its ledger rows in one transaction: the `imports` row (kind `roster`), the
    /// specialists (a specialist already stored is updated), the ledger rows (added to what is
    /// stored), and the audit record. `started(rows)` is called as soon as the transaction is open.
    pub async fn import_roster(
        &self,
        import: &NewImport<'_>,
        specialists: &[Specialist],
        ledger: &[NewLedgerEntry],
        change: &Change,
        started: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportRecord, StoreError> {
        let rows = specialists.len() + ledger.len();
        let mut tx = self.pool().begin().await?;
        started(rows);
        let kind = if import.example { "example" } else { "roster" };
        let id = insert_import(&mut tx, kind, import, rows, change).await?;
        upsert_specialists(&mut tx, self.backend(), specialists, id).await?;
        insert_ledger_rows(&mut tx, self.backend(), ledger, Some(id), change).await?;
        let after = serde_json::json!({
            "file_name": import.file_name,
            "sha256": import.sha256,
            "specialists": specialists.len(),
            "ledger_rows": ledger.len(),
            "rows": rows,
        });
        append(&mut tx, change, &AuditRecord::new("import", &id.to_string(), "import", None, Some(after.to_string())))
            .await?;
        tx.commit().await?;
        Ok(ImportRecord::committed(id, kind, import, rows, change))
    }

    /// Imports one specialist's ledger file (kind `ledger`): every row must be theirs; the rows are
    /// added to what is stored, in one transaction with the audit record.
    pub async fn import_ledger(
        &self,
        specialist_id: &str,
        import: &NewImport<'_>,
        ledger: &[NewLedgerEntry],
        change: &Change,
        started: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportRecord, StoreError> {
        if let Some(other) = ledger.iter().find(|e| e.specialist_id != specialist_id) {
            return Err(StoreError::Conflict(format!(
                "a row of specialist {:?} in the ledger of {specialist_id:?}",
                other.specialist_id
            )));
        }
        let mut tx = self.pool().begin().await?;
        started(ledger.len());
        if !specialist_exists(&mut tx, specialist_id).await? {
            return Err(StoreError::NotFound { what: "specialist", key: specialist_id.into() });
        }
        let id = insert_import(&mut tx, "ledger", import, ledger.len(), change).await?;
        insert_ledger_rows(&mut tx, self.backend(), ledger, Some(id), change).await?;
        let after = serde_json::json!({
            "import_id": id,
            "file_name": import.file_name,
            "sha256": import.sha256,
            "rows": ledger.len(),
        });
        let key = format!("{specialist_id}/import/{id}");
        append(&mut tx, change, &AuditRecord::new("ledger_entry", &key, "import", None, Some(after.to_string())))
            .await?;
        tx.commit().await?;
        Ok(ImportRecord::committed(id, "ledger", import, ledger.len(), change))
    }

    /// Every committed import, oldest first.
    pub async fn imports(&self) -> Result<Vec<ImportRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.id, i.kind, i.file_name, i.sha256, i.row_count, i.imported_by, u.login, i.imported_at \
             FROM imports i LEFT JOIN users u ON u.id = i.imported_by ORDER BY i.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(import_from).collect()
    }

    /// Records (or replaces) the committee's decision on the renewal of `specialist_id` in
    /// `fiscal_year`, with its reason, and logs it.
    pub async fn set_decision(
        &self,
        specialist_id: &str,
        fiscal_year: i64,
        decision: &str,
        change: &Change,
    ) -> Result<Decision, StoreError> {
        change.require_reason()?;
        let user_id = change.account("a decision")?;
        if !DECISION_KEYS.contains(&decision) {
            return Err(StoreError::Conflict(format!(
                "decision {decision:?} is not one of approved, rejected, deferred"
            )));
        }
        let mut tx = self.pool().begin().await?;
        if !specialist_exists(&mut tx, specialist_id).await? {
            return Err(StoreError::NotFound { what: "specialist", key: specialist_id.into() });
        }
        let before = sqlx::query(
            "SELECT decision, reason FROM committee_decisions WHERE specialist_id = $1 AND fiscal_year = $2",
        )
        .bind(specialist_id)
        .bind(fiscal_year)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| -> Result<String, StoreError> {
            let (d, reason): (String, String) = (r.try_get("decision")?, r.try_get("reason")?);
            Ok(serde_json::json!({"decision": d, "reason": reason}).to_string())
        })
        .transpose()?;
        sqlx::query(
            "INSERT INTO committee_decisions (specialist_id, fiscal_year, decision, reason, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (specialist_id, fiscal_year) DO UPDATE SET \
             decision = excluded.decision, reason = excluded.reason, decided_by = excluded.decided_by, \
             decided_at = excluded.decided_at",
        )
        .bind(specialist_id)
        .bind(fiscal_year)
        .bind(decision)
        .bind(change.reason.as_str())
        .bind(user_id)
        .bind(change.at.as_str())
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({"decision": decision, "reason": change.reason}).to_string();
        let key = format!("{specialist_id}/{fiscal_year}");
        append(&mut tx, change, &AuditRecord::new("decision", &key, "set", before, Some(after))).await?;
        tx.commit().await?;
        Ok(Decision {
            specialist_id: specialist_id.into(),
            fiscal_year,
            decision: decision.into(),
            reason: change.reason.clone(),
            decided_by: user_id,
            decided_by_login: change.login.clone(),
            decided_at: change.at.clone(),
        })
    }

    /// The committee's decisions on the renewals of `fiscal_year`, by specialist id.
    pub async fn decisions(&self, fiscal_year: i64) -> Result<Vec<Decision>, StoreError> {
        let rows = sqlx::query(dynamic(format!("{DECISION_SELECT} WHERE d.fiscal_year = $1 ORDER BY d.specialist_id")))
            .bind(fiscal_year)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(decision_from).collect()
    }

    /// The decision on one renewal, if any.
    pub async fn decision(&self, specialist_id: &str, fiscal_year: i64) -> Result<Option<Decision>, StoreError> {
        let row = sqlx::query(dynamic(format!("{DECISION_SELECT} WHERE d.specialist_id = $1 AND d.fiscal_year = $2")))
            .bind(specialist_id)
            .bind(fiscal_year)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(decision_from).transpose()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_rows_and_columns() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(1, 1), "($1)");
    }
}
