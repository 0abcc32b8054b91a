//! The prefecture's decisions on the plan: designation overrides (P3.3) and targets (P4), and the
//! official datasets the workspace was seeded with.
//!
//! Every decision is written with its audit record in one transaction; the record keeps the value
//! before and after as JSON text (`{"designation":"scarce","reason":"…"}`,
//! `{"physicians":123.0,"reason":"…"}`), so the log alone tells the history of an area.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditRecord, append};
use crate::{Change, Store, StoreError};

/// The machine values of a designation (医師多数区域・中程度区域・医師少数区域), as the schema's CHECK allows.
pub const DESIGNATION_KEYS: [&str; 3] = ["abundant", "intermediate", "scarce"];

/// An official dataset as seeded: the CSV files themselves, parsed by the importers of `ishi-io`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub id: String,
    pub source: String,
    pub secondary_csv: String,
    pub prefectures_csv: String,
    pub sha256: String,
    pub seeded_at: String,
}

/// A designation decided by the prefecture against the mechanical one (P3.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignationOverride {
    pub area_code: String,
    /// `abundant`, `intermediate` or `scarce`.
    pub designation: String,
    pub reason: String,
    pub set_by: i64,
    /// Login of `set_by` (kept readable even if the account is renamed later: joined at read time).
    pub set_by_login: String,
    /// RFC 3339 UTC.
    pub set_at: String,
}

/// A 目標医師数 set by the prefecture (P4.2), which wins over the computed one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaTargetRecord {
    pub area_code: String,
    pub physicians: f64,
    pub reason: String,
    pub set_by: i64,
    pub set_by_login: String,
    pub set_at: String,
}

fn override_from(row: &AnyRow) -> Result<DesignationOverride, StoreError> {
    Ok(DesignationOverride {
        area_code: row.try_get("area_code")?,
        designation: row.try_get("designation")?,
        reason: row.try_get("reason")?,
        set_by: row.try_get("set_by")?,
        set_by_login: row.try_get::<Option<String>, _>("login")?.unwrap_or_default(),
        set_at: row.try_get("set_at")?,
    })
}

fn target_from(row: &AnyRow) -> Result<AreaTargetRecord, StoreError> {
    Ok(AreaTargetRecord {
        area_code: row.try_get("area_code")?,
        physicians: row.try_get("physicians")?,
        reason: row.try_get("reason")?,
        set_by: row.try_get("set_by")?,
        set_by_login: row.try_get::<Option<String>, _>("login")?.unwrap_or_default(),
        set_at: row.try_get("set_at")?,
    })
}

fn json_text(value: serde_json::Value) -> String {
    value.to_string()
}

/// A decision needs a written reason and a person (the table's `set_by`), P3.3.
fn check_change(change: &Change) -> Result<i64, StoreError> {
    change.require_reason()?;
    change.account("a decision on the plan")
}

impl Store {
    /// Stores the dataset `id` unless it is already there; true when it was inserted.
    pub async fn seed_dataset(
        &self,
        id: &str,
        source: &str,
        secondary_csv: &str,
        prefectures_csv: &str,
        sha256: &str,
        at: &str,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO datasets (id, source, secondary_csv, prefectures_csv, sha256, seeded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(source)
        .bind(secondary_csv)
        .bind(prefectures_csv)
        .bind(sha256)
        .bind(at)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    pub async fn dataset(&self, id: &str) -> Result<Option<Dataset>, StoreError> {
        let row = sqlx::query(
            "SELECT id, source, secondary_csv, prefectures_csv, sha256, seeded_at FROM datasets WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(Dataset {
                id: row.try_get("id")?,
                source: row.try_get("source")?,
                secondary_csv: row.try_get("secondary_csv")?,
                prefectures_csv: row.try_get("prefectures_csv")?,
                sha256: row.try_get("sha256")?,
                seeded_at: row.try_get("seeded_at")?,
            })
        })
        .transpose()
    }

    /// Every designation override, by area code.
    pub async fn designation_overrides(&self) -> Result<Vec<DesignationOverride>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.area_code, o.designation, o.reason, o.set_by, u.login, o.set_at \
             FROM designation_overrides o LEFT JOIN users u ON u.id = o.set_by ORDER BY o.area_code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(override_from).collect()
    }

    /// Sets (or replaces) the override of `code` to `designation_key` with `change.reason`, and logs it.
    pub async fn set_designation_override(
        &self,
        code: &str,
        designation_key: &str,
        change: &Change,
    ) -> Result<DesignationOverride, StoreError> {
        let user_id = check_change(change)?;
        if !DESIGNATION_KEYS.contains(&designation_key) {
            return Err(StoreError::Conflict(format!(
                "designation {designation_key:?} is not one of abundant, intermediate, scarce"
            )));
        }
        let mut tx = self.pool().begin().await?;
        let before = sqlx::query("SELECT designation, reason FROM designation_overrides WHERE area_code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| -> Result<String, StoreError> {
                let (d, reason): (String, String) = (r.try_get("designation")?, r.try_get("reason")?);
                Ok(json_text(serde_json::json!({"designation": d, "reason": reason})))
            })
            .transpose()?;
        sqlx::query(
            "INSERT INTO designation_overrides (area_code, designation, reason, set_by, set_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (area_code) DO UPDATE SET designation = excluded.designation, \
             reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(code)
        .bind(designation_key)
        .bind(&change.reason)
        .bind(user_id)
        .bind(&change.at)
        .execute(&mut *tx)
        .await?;
        let after = json_text(serde_json::json!({"designation": designation_key, "reason": change.reason}));
        append(&mut tx, change, &AuditRecord::new("designation_override", code, "set", before, Some(after))).await?;
        tx.commit().await?;
        Ok(DesignationOverride {
            area_code: code.to_string(),
            designation: designation_key.to_string(),
            reason: change.reason.clone(),
            set_by: user_id,
            set_by_login: change.login.clone(),
            set_at: change.at.clone(),
        })
    }

    /// Removes the override of `code` (the mechanical designation applies again) and logs it; `None`
    /// (and nothing logged) when there was none.
    pub async fn clear_designation_override(
        &self,
        code: &str,
        change: &Change,
    ) -> Result<Option<DesignationOverride>, StoreError> {
        check_change(change)?;
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "SELECT o.area_code, o.designation, o.reason, o.set_by, u.login, o.set_at \
             FROM designation_overrides o LEFT JOIN users u ON u.id = o.set_by WHERE o.area_code = $1",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = row.as_ref().map(override_from).transpose()? else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM designation_overrides WHERE area_code = $1").bind(code).execute(&mut *tx).await?;
        let before = json_text(serde_json::json!({"designation": old.designation, "reason": old.reason}));
        append(&mut tx, change, &AuditRecord::new("designation_override", code, "clear", Some(before), None)).await?;
        tx.commit().await?;
        Ok(Some(old))
    }

    /// Every target set by a prefecture, by area code.
    pub async fn area_targets(&self) -> Result<Vec<AreaTargetRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.area_code, t.physicians, t.reason, t.set_by, u.login, t.set_at \
             FROM area_targets t LEFT JOIN users u ON u.id = t.set_by ORDER BY t.area_code",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(target_from).collect()
    }

    /// Sets (or replaces) the target of `code` and logs it.
    pub async fn set_area_target(
        &self,
        code: &str,
        physicians: f64,
        change: &Change,
    ) -> Result<AreaTargetRecord, StoreError> {
        let user_id = check_change(change)?;
        if !physicians.is_finite() || physicians < 0.0 {
            return Err(StoreError::Conflict(format!(
                "a target must be a non-negative number of physicians, not {physicians}"
            )));
        }
        let mut tx = self.pool().begin().await?;
        let before = sqlx::query("SELECT physicians, reason FROM area_targets WHERE area_code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| -> Result<String, StoreError> {
                let (p, reason): (f64, String) = (r.try_get("physicians")?, r.try_get("reason")?);
                Ok(json_text(serde_json::json!({"physicians": p, "reason": reason})))
            })
            .transpose()?;
        sqlx::query(
            "INSERT INTO area_targets (area_code, physicians, reason, set_by, set_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (area_code) DO UPDATE SET physicians = excluded.physicians, \
             reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(code)
        .bind(physicians)
        .bind(&change.reason)
        .bind(user_id)
        .bind(&change.at)
        .execute(&mut *tx)
        .await?;
        let after = json_text(serde_json::json!({"physicians": physicians, "reason": change.reason}));
        append(&mut tx, change, &AuditRecord::new("target", code, "set", before, Some(after))).await?;
        tx.commit().await?;
        Ok(AreaTargetRecord {
            area_code: code.to_string(),
            physicians,
            reason: change.reason.clone(),
            set_by: user_id,
            set_by_login: change.login.clone(),
            set_at: change.at.clone(),
        })
    }

    /// Removes the target set for `code` (the computed one applies again) and logs it; `None` when
    /// there was none.
    pub async fn clear_area_target(&self, code: &str, change: &Change) -> Result<Option<AreaTargetRecord>, StoreError> {
        check_change(change)?;
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "SELECT t.area_code, t.physicians, t.reason, t.set_by, u.login, t.set_at \
             FROM area_targets t LEFT JOIN users u ON u.id = t.set_by WHERE t.area_code = $1",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(old) = row.as_ref().map(target_from).transpose()? else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM area_targets WHERE area_code = $1").bind(code).execute(&mut *tx).await?;
        let before = json_text(serde_json::json!({"physicians": old.physicians, "reason": old.reason}));
        append(&mut tx, change, &AuditRecord::new("target", code, "clear", Some(before), None)).await?;
        tx.commit().await?;
        Ok(Some(old))
    }
}
