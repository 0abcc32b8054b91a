//! What the renewal's API and pages share: loading a specialist's stored rows, running them through
//! the renewal engine (the readers of `ishi-io`, the evaluator and `what_is_left` of `ishi-renewal`),
//! the JSON answers, and imports. Nothing here interprets a rule.

use axum::body::Bytes;
use ishi_calendar::CalendarDate;
use ishi_io::InputError;
use ishi_io::renewal_export::{evaluation_json, plan_json};
use ishi_io::renewal_import::{LedgerText, Membership};
use ishi_io::renewal_records::{
    LedgerRecord, StoredRow, Upload, check_appended, membership_of, read_ledger_upload, read_roster_upload,
};
use ishi_renewal::{Evaluation, Evaluator, RenewalPlan, RuleBook, what_is_left};
use ishi_store::renewal::{
    Decision, ImportRecord, LedgerEntryRecord, NewImport, NewLedgerEntry, Specialist as StoredSpecialist,
};
use ishi_store::{Change, Store};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;

/// The shipped example (fictional specialists, `examples/renewal/`), seeded on first start.
pub const EXAMPLE_SPECIALISTS: &[u8] = include_bytes!("../../../../examples/renewal/specialists.csv");
pub const EXAMPLE_LEDGER: &[u8] = include_bytes!("../../../../examples/renewal/ledger.csv");
/// The import's file name, which says what the rows are.
pub const EXAMPLE_FILE_NAME: &str = "examples/renewal/specialists.csv + ledger.csv（架空の例・SYNTHETIC）";

/// A file refused by the reader: 422 naming file, row, column and value; nothing was stored.
pub fn import_error(e: InputError) -> AppError {
    AppError::BadRequest {
        message: format!("取り込めませんでした（何も保存していません）: {e}"),
        field: e.column.clone(),
    }
}

/// A ledger entry typed in a form or sent as JSON, refused by the reader: 422 naming the field
/// (the `ledger.csv` column) and the value.
pub fn entry_error(e: InputError) -> AppError {
    match e.column.as_deref() {
        Some("(row)") => AppError::BadRequest {
            message: format!("同じ活動がすでに台帳にあります: {}", e.problem),
            field: None,
        },
        Some(column) => AppError::BadRequest {
            message: format!(
                "{column} の値 {:?} は受け付けられません: {}",
                e.value.as_deref().unwrap_or_default(),
                e.problem
            ),
            field: Some(column.to_string()),
        },
        None => AppError::BadRequest { message: e.to_string(), field: None },
    }
}

/// Stored rows the reader no longer accepts (the rules changed under them): the committee must look.
fn stored_error(e: InputError) -> AppError {
    AppError::Conflict(format!("登録済みの名簿・台帳を読めません: {e}"))
}

/// The specialist `id` and their ledger, in entry order; not found when there is no such specialist.
pub async fn load(store: &Store, id: &str) -> Result<(StoredSpecialist, Vec<LedgerEntryRecord>), AppError> {
    let Some(specialist) = store.specialist(id).await? else {
        return Err(AppError::NotFound(format!("専門医 {id:?} は名簿にありません")));
    };
    let ledger = store.ledger(id).await?;
    Ok((specialist, ledger))
}

/// One specialist's renewal as the engine sees it.
pub struct Assessment {
    pub stored: StoredSpecialist,
    pub entries: Vec<LedgerEntryRecord>,
    /// The one specialist and their ledger, read from the stored rows.
    pub membership: Membership,
    pub evaluation: Evaluation,
}

impl Assessment {
    pub fn specialist(&self) -> &ishi_renewal::Specialist {
        &self.membership.specialists[0]
    }

    /// The entry a finding's row names: the `k`-th entry is row `k + 2`, as in `ledger.csv`.
    pub fn entry_of_row(&self, row: u32) -> Option<&LedgerEntryRecord> {
        (row as usize).checked_sub(2).and_then(|k| self.entries.get(k))
    }

    /// What is left to do as of `today`.
    pub fn plan(&self, book: &RuleBook, today: CalendarDate) -> Result<RenewalPlan, AppError> {
        what_is_left(&mut Evaluator::new(book), self.specialist(), self.membership.ledger(0), today)
            .map_err(|e| AppError::Conflict(format!("残りを計算できません: {e}")))
    }
}

/// Reads the stored rows with the file reader and evaluates the renewal.
pub fn assess(
    book: &RuleBook,
    stored: StoredSpecialist,
    entries: Vec<LedgerEntryRecord>,
    text: LedgerText,
) -> Result<Assessment, AppError> {
    let ledger: Vec<LedgerRecord> = entries.iter().map(LedgerEntryRecord::columns).collect();
    let membership = membership_of(std::slice::from_ref(&stored), &ledger, text).map_err(stored_error)?;
    let evaluation = Evaluator::new(book)
        .evaluate(&membership.specialists[0], membership.ledger(0))
        .map_err(|e| AppError::Conflict(format!("判定できません: {e}")))?;
    Ok(Assessment { stored, entries, membership, evaluation })
}

/// The evaluation as the API answers it: the command line's JSON (`ishi renew check --format json`)
/// with each reason about a ledger row also naming the entry, the verdict in Japanese and the date.
pub fn evaluation_value(a: &Assessment, today: CalendarDate) -> Value {
    let mut value = evaluation_json(&a.evaluation, a.specialist());
    if let Some(reasons) = value.get_mut("reasons").and_then(Value::as_array_mut) {
        for r in reasons {
            let entry = r.get("row").and_then(Value::as_u64).and_then(|row| a.entry_of_row(row as u32));
            if let Some(e) = entry {
                r["entry_id"] = json!(e.id);
            }
        }
    }
    value["verdict_ja"] = json!(a.evaluation.verdict.as_ja());
    value["failing_rules"] = json!(a.evaluation.failing_rules());
    value["as_of"] = json!(today.to_string());
    value
}

/// What is left as the API answers it (`ishi renew plan --format json`), with the date.
pub fn remaining_value(plan: &RenewalPlan, today: CalendarDate) -> Value {
    let mut value = plan_json(plan);
    value["as_of"] = json!(today.to_string());
    value
}

pub fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("JSON of a Value"))
}

/// The renewals due in `fiscal_year`, evaluated, with the committee's decisions.
pub struct Committee {
    pub membership: Membership,
    pub stored: Vec<StoredSpecialist>,
    pub evaluations: Vec<Evaluation>,
    pub decisions: Vec<Option<Decision>>,
}

/// Evaluates the renewals due in `fiscal_year` (everyone's when `None`). The engine runs on a
/// blocking thread: a national year is thousands of ledgers.
pub async fn committee(state: &AppState, fiscal_year: Option<i64>) -> Result<Committee, AppError> {
    let store = &state.store;
    let stored = store.specialists(fiscal_year).await?;
    let ledger = match fiscal_year {
        Some(fy) => store.ledgers_for_fiscal_year(fy).await?,
        None => store.ledgers_of(&stored.iter().map(|s| s.id.clone()).collect::<Vec<_>>()).await?,
    };
    let mut decisions: Vec<Option<Decision>> = vec![None; stored.len()];
    {
        let position: std::collections::HashMap<&str, usize> =
            stored.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let years: std::collections::BTreeSet<i64> = stored.iter().map(|s| s.renewal_fiscal_year).collect();
        for fy in years {
            for d in store.decisions(fy).await? {
                if let Some(&i) = position.get(d.specialist_id.as_str())
                    && stored[i].renewal_fiscal_year == fy
                {
                    decisions[i] = Some(d);
                }
            }
        }
    }
    if stored.is_empty() {
        return Ok(Committee { membership: Membership::default(), stored, evaluations: vec![], decisions });
    }
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let rows: Vec<LedgerRecord> = ledger.iter().map(LedgerEntryRecord::columns).collect();
        drop(ledger);
        let membership = membership_of(&stored, &rows, LedgerText::Drop).map_err(stored_error)?;
        let mut evaluator = Evaluator::new(&state.renewal.book);
        let evaluations = (0..membership.specialists.len())
            .map(|i| evaluator.evaluate(&membership.specialists[i], membership.ledger(i)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::Conflict(format!("判定できません: {e}")))?;
        Ok(Committee { membership, stored, evaluations, decisions })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// SHA-256 (hex) of the files of an import, one after the other.
fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A file received: its name and bytes.
#[derive(Debug, Clone)]
pub struct Received {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn log_started(rows: usize) {
    eprintln!("import: transaction started ({rows} rows)");
}

/// Imports a roster (and its ledger): read and checked whole by the renewal engine's reader, then
/// checked against the ledgers already stored (the same activity is not added twice), then stored
/// in one transaction. Nothing is stored on any error.
pub async fn import_roster(
    store: &Store,
    specialists: Received,
    ledger: Option<Received>,
    change: &Change,
    example: bool,
) -> Result<ImportRecord, AppError> {
    let (specialists, ledger, upload) = tokio::task::spawn_blocking(move || {
        let upload = read_roster_upload(
            Upload { file: &specialists.file_name, bytes: &specialists.bytes },
            ledger.as_ref().map(|l| Upload { file: &l.file_name, bytes: &l.bytes }),
        );
        (specialists, ledger, upload)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let upload = upload.map_err(import_error)?;
    let ids: Vec<String> = upload.specialists.iter().map(|s| s.id.clone()).collect();
    let stored = store.ledgers_of(&ids).await?;
    let upload = if !stored.is_empty() && !upload.ledger.is_empty() {
        let ledger_file = ledger.as_ref().map_or("ledger.csv", |l| l.file_name.as_str()).to_string();
        let (upload, checked) = tokio::task::spawn_blocking(move || {
            let records: Vec<LedgerRecord> = stored.iter().map(LedgerEntryRecord::columns).collect();
            let rows: Vec<StoredRow> =
                stored.iter().zip(&records).map(|(e, r)| StoredRow { id: e.id, record: r }).collect();
            let checked = check_appended(&upload.specialists, &rows, &upload.ledger, &ledger_file);
            (upload, checked)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        checked.map_err(import_error)?;
        upload
    } else {
        upload
    };
    let sha256 = match &ledger {
        Some(l) => sha256_hex(&[&specialists.bytes, &l.bytes]),
        None => sha256_hex(&[&specialists.bytes]),
    };
    let file_name = match &ledger {
        _ if example => EXAMPLE_FILE_NAME.to_string(),
        Some(l) => format!("{} + {}", specialists.file_name, l.file_name),
        None => specialists.file_name.clone(),
    };
    let roster: Vec<StoredSpecialist> = upload.specialists;
    let rows: Vec<NewLedgerEntry> = upload.ledger.into_iter().map(|(_, r)| r).collect();
    let import = NewImport { file_name: &file_name, sha256: &sha256, example };
    let record = store.import_roster(&import, &roster, &rows, change, &log_started).await?;
    eprintln!("import: committed #{} ({} rows)", record.id, record.row_count);
    Ok(record)
}

/// Imports one specialist's ledger file: every row theirs, checked whole by the reader and against
/// what is stored, then stored in one transaction.
pub async fn import_ledger(
    store: &Store,
    specialist_id: &str,
    file: Received,
    change: &Change,
) -> Result<ImportRecord, AppError> {
    let (specialist, entries) = load(store, specialist_id).await?;
    let roster = specialist.clone();
    let (file, rows, roster) = tokio::task::spawn_blocking(move || {
        let upload = Upload { file: &file.file_name, bytes: &file.bytes };
        let rows = read_ledger_upload(upload, &roster).and_then(|rows| {
            let records: Vec<LedgerRecord> = entries.iter().map(LedgerEntryRecord::columns).collect();
            let stored: Vec<StoredRow> =
                entries.iter().zip(&records).map(|(e, r)| StoredRow { id: e.id, record: r }).collect();
            check_appended(std::slice::from_ref(&roster), &stored, &rows, upload.file).map(|()| rows)
        });
        (file, rows, roster)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let rows = rows.map_err(import_error)?;
    if rows.is_empty() {
        return Err(AppError::bad("file", format!("{}: 台帳の行がありません", file.file_name)));
    }
    let sha256 = sha256_hex(&[&file.bytes]);
    let rows: Vec<NewLedgerEntry> = rows.into_iter().map(|(_, r)| r).collect();
    let import = NewImport { file_name: &file.file_name, sha256: &sha256, example: false };
    let record = store.import_ledger(&roster.id, &import, &rows, change, &log_started).await?;
    eprintln!("import: committed #{} ({} rows)", record.id, record.row_count);
    Ok(record)
}

/// Adds one ledger entry typed on a form or sent as JSON, checked by the reader together with the
/// stored ledger (the same activity twice is refused).
pub async fn add_entry(
    store: &Store,
    specialist_id: &str,
    record: LedgerRecord,
    change: &Change,
) -> Result<LedgerEntryRecord, AppError> {
    let (specialist, entries) = load(store, specialist_id).await?;
    let record = LedgerRecord { specialist_id: specialist.id.clone(), ..record };
    let records: Vec<LedgerRecord> = entries.iter().map(LedgerEntryRecord::columns).collect();
    let stored: Vec<StoredRow> = entries.iter().zip(&records).map(|(e, r)| StoredRow { id: e.id, record: r }).collect();
    let new = [(entries.len() + 2, record)];
    check_appended(std::slice::from_ref(&specialist), &stored, &new, "入力").map_err(entry_error)?;
    let [(_, record)] = new;
    Ok(store.add_ledger_entry(&record, change).await?)
}

/// Puts the shipped fictional example roster into a database that has never had one (first start).
/// True when it did.
pub async fn seed_example(store: &Store, at: &str) -> Result<bool, AppError> {
    if !store.imports().await?.is_empty() || !store.specialists(None).await?.is_empty() {
        return Ok(false);
    }
    let change = Change {
        user_id: None,
        login: "system".into(),
        at: at.into(),
        reason: "初回起動: 架空の専門医5名の例（SYNTHETIC, examples/renewal）を登録".into(),
    };
    let specialists = Received { file_name: "specialists.csv".into(), bytes: EXAMPLE_SPECIALISTS.to_vec() };
    let ledger = Received { file_name: "ledger.csv".into(), bytes: EXAMPLE_LEDGER.to_vec() };
    import_roster(store, specialists, Some(ledger), &change, true).await?;
    Ok(true)
}
