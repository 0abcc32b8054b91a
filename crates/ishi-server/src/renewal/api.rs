//! The renewal's JSON API (tag `renewal`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ishi_calendar::CalendarDate;
use ishi_io::renewal_export::EvaluationCsvWriter;
use ishi_io::renewal_import::LedgerText;
use ishi_io::renewal_records::LedgerRecord;
use ishi_store::Role;
use ishi_store::renewal::{DECISION_KEYS, Decision, ImportRecord, LedgerEntryRecord, Specialist as StoredSpecialist};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::Cached;
use super::service::{self, Received};
use crate::auth::Session;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

/// The committee and the admin: they review renewals and import rosters.
pub(super) const REVIEWERS: [Role; 2] = [Role::Committee, Role::Admin];

/// A specialist of the roster (`specialists.csv` row).
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialistBody {
    pub id: String,
    pub name: String,
    pub renewals_completed: i64,
    /// 年度 of the renewal being decided.
    pub renewal_fiscal_year: i64,
    pub period_start: String,
    pub period_end: String,
    pub extensions: i64,
    /// 留保 reason as written, if any.
    pub deferral: Option<String>,
}

impl From<&StoredSpecialist> for SpecialistBody {
    fn from(s: &StoredSpecialist) -> Self {
        SpecialistBody {
            id: s.id.clone(),
            name: s.name.clone(),
            renewals_completed: s.renewals_completed,
            renewal_fiscal_year: s.renewal_fiscal_year,
            period_start: s.period_start.clone(),
            period_end: s.period_end.clone(),
            extensions: s.extensions,
            deferral: s.deferral.clone(),
        }
    }
}

/// A stored ledger entry: the columns of `ledger.csv` as written, and where it came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryBody {
    pub id: i64,
    /// The entry's row in the ledger as `ledger.csv` (header = row 1): what `reasons[].row` of the
    /// evaluation names.
    pub row: usize,
    pub specialist_id: String,
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub quantity: String,
    pub role: String,
    pub approved: String,
    pub e_learning: String,
    pub evidence: String,
    pub created_by: Option<i64>,
    pub created_at: String,
    /// The import it came with; absent for entries typed in.
    pub import_id: Option<i64>,
}

impl LedgerEntryBody {
    pub fn of(e: &LedgerEntryRecord, position: usize) -> Self {
        LedgerEntryBody {
            id: e.id,
            row: position + 2,
            specialist_id: e.specialist_id.clone(),
            date: e.date.clone(),
            kind: e.kind.clone(),
            detail: e.detail.clone(),
            quantity: e.quantity.clone(),
            role: e.role.clone(),
            approved: e.approved.clone(),
            e_learning: e.e_learning.clone(),
            evidence: e.evidence.clone(),
            created_by: e.created_by,
            created_at: e.created_at.clone(),
            import_id: e.import_id,
        }
    }
}

/// Text, number or boolean, read as the text a CSV cell would hold.
fn cell<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        other => return Err(serde::de::Error::custom(format!("expected text, a number or a boolean, not {other}"))),
    })
}

/// One ledger entry, with the columns of `ledger.csv` (see `ishi renew --help`): checked by the same
/// reader as the file. Empty cells take the file's defaults (role attendee, approved true,
/// e_learning false).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LedgerEntryInput {
    /// Optional; must be the specialist of the path when given.
    #[serde(default, deserialize_with = "cell")]
    pub specialist_id: String,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "cell")]
    pub date: String,
    /// `case_operation`, `case_treatment`, `common_lecture`, `specialty_lecture`, `meeting_attendance`,
    /// `presentation`, `paper`, `peer_review`, `exam_duty`, `public_lecture`, `school_doctor`,
    /// `accident_investigation`, `old_points`.
    #[serde(default, deserialize_with = "cell")]
    pub kind: String,
    #[serde(default, deserialize_with = "cell")]
    pub detail: String,
    #[serde(default, deserialize_with = "cell")]
    pub quantity: String,
    #[serde(default, deserialize_with = "cell")]
    pub role: String,
    #[serde(default, deserialize_with = "cell")]
    pub approved: String,
    #[serde(default, deserialize_with = "cell")]
    pub e_learning: String,
    #[serde(default, deserialize_with = "cell")]
    pub evidence: String,
    /// Why it is added (the audit log's reason); optional.
    #[serde(default, deserialize_with = "cell")]
    pub reason: String,
}

impl LedgerEntryInput {
    pub fn record(self, specialist_id: &str) -> Result<(LedgerRecord, String), AppError> {
        let own = ishi_io::renewal_records::normalized_id(specialist_id);
        if !self.specialist_id.trim().is_empty() && ishi_io::renewal_records::normalized_id(&self.specialist_id) != own
        {
            return Err(AppError::bad(
                "specialist_id",
                format!("specialist_id {:?} はこの台帳（{specialist_id}）のものではありません", self.specialist_id),
            ));
        }
        let record = LedgerRecord {
            specialist_id: own,
            date: self.date,
            kind: self.kind,
            detail: self.detail,
            quantity: self.quantity,
            role: self.role,
            approved: self.approved,
            e_learning: self.e_learning,
            evidence: self.evidence,
        };
        Ok((record, self.reason))
    }
}

/// Why an entry is deleted (required: the audit log keeps it).
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteEntryRequest {
    #[serde(default)]
    pub reason: String,
}

/// A committed import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportBody {
    pub id: i64,
    /// `roster`, `ledger`, or `example` (the fictional example seeded on first start).
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub row_count: i64,
    pub imported_by: Option<String>,
    pub imported_at: String,
}

impl From<&ImportRecord> for ImportBody {
    fn from(i: &ImportRecord) -> Self {
        ImportBody {
            id: i.id,
            kind: i.kind.clone(),
            file_name: i.file_name.clone(),
            sha256: i.sha256.clone(),
            row_count: i.row_count,
            imported_by: i.imported_by_login.clone(),
            imported_at: i.imported_at.clone(),
        }
    }
}

/// The committee's decision on a renewal (個別審査).
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionBody {
    pub specialist_id: String,
    pub fiscal_year: i64,
    /// `approved`, `rejected` or `deferred`.
    pub decision: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

impl From<&Decision> for DecisionBody {
    fn from(d: &Decision) -> Self {
        DecisionBody {
            specialist_id: d.specialist_id.clone(),
            fiscal_year: d.fiscal_year,
            decision: d.decision.clone(),
            reason: d.reason.clone(),
            decided_by: d.decided_by_login.clone(),
            decided_at: d.decided_at.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// `approved`, `rejected` or `deferred`.
    #[serde(default)]
    pub decision: String,
    /// Required.
    #[serde(default)]
    pub reason: String,
}

/// One renewal due in the fiscal year, with its verdict and the committee's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeMember {
    pub specialist_id: String,
    pub name: String,
    /// `pass`, `fail` or `review`.
    pub verdict: String,
    pub verdict_ja: String,
    pub outcome: String,
    pub required_units: f64,
    pub counted_units: f64,
    /// Rule IDs of the requirements not met.
    pub failing_rules: Vec<String>,
    pub decision: Option<DecisionBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeBody {
    pub fiscal_year: i64,
    pub members: Vec<CommitteeMember>,
}

/// A roster upload as JSON (the files' text); multipart uploads send the files instead.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RosterImportJson {
    /// `specialists.csv` as text.
    pub specialists_csv: String,
    /// `ledger.csv` as text (optional: a roster alone updates the specialists).
    #[serde(default)]
    pub ledger_csv: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FiscalYearQuery {
    /// 年度, e.g. 2025.
    pub fiscal_year: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FileNameQuery {
    /// The name of a file sent as the raw body (for messages); default `ledger.csv`.
    pub file_name: Option<String>,
}

pub(super) fn parse_fiscal_year(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::bad("fiscal_year", format!("年度 {text:?} は西暦の年（例 2025）で指定してください")))
}

fn json_response(status: StatusCode, bytes: Bytes) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 5987).
pub(super) fn attachment(ascii: &str, utf8: &str) -> String {
    let encoded = crate::encode::percent_encode(utf8, b"");
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A specialist id made safe as a file name.
pub(super) fn file_stem(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// The roster (admin and committee: everyone, or those due in `fiscal_year`; a specialist: themself).
#[utoipa::path(get, path = "/api/specialists", tag = "renewal", params(FiscalYearQuery),
    responses((status = 200, body = Vec<SpecialistBody>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn specialists(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<FiscalYearQuery>,
) -> Result<Json<Vec<SpecialistBody>>, AppError> {
    let fy = q.fiscal_year.as_deref().filter(|t| !t.trim().is_empty()).map(parse_fiscal_year).transpose()?;
    let list = match session.role() {
        Role::Admin | Role::Committee => state.store.specialists(fy).await?,
        Role::Specialist => {
            let own = session.user.specialist_id.as_deref().unwrap_or_default();
            let me = state.store.specialist(own).await?;
            me.into_iter().filter(|s| fy.is_none_or(|y| s.renewal_fiscal_year == y)).collect()
        }
        Role::Planner => return Err(AppError::Forbidden("専門医の名簿を見る権限がありません".into())),
    };
    Ok(Json(list.iter().map(SpecialistBody::from).collect()))
}

/// One specialist of the roster.
#[utoipa::path(get, path = "/api/specialists/{id}", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, body = SpecialistBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn specialist(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<SpecialistBody>, AppError> {
    session.require_ledger_read(&id)?;
    let (s, _) = service::load(&state.store, &id).await?;
    Ok(Json(SpecialistBody::from(&s)))
}

/// The specialist's ledger, in entry order.
#[utoipa::path(get, path = "/api/specialists/{id}/ledger", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, body = Vec<LedgerEntryBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn ledger(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Vec<LedgerEntryBody>>, AppError> {
    session.require_ledger_read(&id)?;
    let (_, entries) = service::load(&state.store, &id).await?;
    Ok(Json(entries.iter().enumerate().map(|(i, e)| LedgerEntryBody::of(e, i)).collect()))
}

/// Adds one entry (the specialist themself or the admin); checked by the reader of `ledger.csv`:
/// 422 names the field and the value.
#[utoipa::path(post, path = "/api/specialists/{id}/ledger", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    request_body = LedgerEntryInput,
    responses((status = 201, body = LedgerEntryBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_entry(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<LedgerEntryBody>), AppError> {
    session.require_ledger_write(&id)?;
    let input: LedgerEntryInput = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest { message: format!("JSON を読めません: {e}"), field: None })?;
    let (record, reason) = input.record(&id)?;
    let reason = if reason.trim().is_empty() { "台帳に記入（API）".to_string() } else { reason };
    let entry = service::add_entry(&state.store, &id, record, &session.change(state.now(), reason)).await?;
    state.renewal.invalidate(&id);
    let position = state.store.ledger(&id).await?.iter().position(|e| e.id == entry.id).unwrap_or(0);
    Ok((StatusCode::CREATED, Json(LedgerEntryBody::of(&entry, position))))
}

/// Deletes one entry with a reason (the specialist themself or the admin).
#[utoipa::path(delete, path = "/api/specialists/{id}/ledger/{entry_id}", tag = "renewal",
    params(("id" = String, Path, description = "専門医ID"), ("entry_id" = i64, Path, description = "台帳の行のID")),
    request_body = DeleteEntryRequest,
    responses((status = 200, body = LedgerEntryBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_entry(
    State(state): State<AppState>,
    session: Session,
    Path((id, entry_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<LedgerEntryBody>, AppError> {
    session.require_ledger_write(&id)?;
    let req: DeleteEntryRequest = if body.is_empty() {
        DeleteEntryRequest { reason: String::new() }
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::BadRequest { message: format!("JSON を読めません: {e}"), field: None })?
    };
    let deleted = delete(&state, &session, &id, &entry_id, &req.reason).await?;
    Ok(Json(LedgerEntryBody::of(&deleted, 0)))
}

pub(super) async fn delete(
    state: &AppState,
    session: &Session,
    id: &str,
    entry_id: &str,
    reason: &str,
) -> Result<LedgerEntryRecord, AppError> {
    let entry_id: i64 =
        entry_id.parse().map_err(|_| AppError::NotFound(format!("台帳の行 {id}/{entry_id} は存在しません")))?;
    if reason.trim().is_empty() {
        return Err(AppError::bad("reason", "削除の理由を入力してください"));
    }
    let deleted = state.store.delete_ledger_entry(id, entry_id, &session.change(state.now(), reason.trim())).await?;
    state.renewal.invalidate(id);
    Ok(deleted)
}

/// The file of an upload: a multipart field (`file`, or the names asked for), or the raw body.
pub(super) async fn received_files(
    state: &AppState,
    request: Request,
    names: &[&str],
    raw_name: &str,
) -> Result<Vec<(String, Received)>, AppError> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| AppError::bad("file", format!("multipart を読めません: {e}")))?;
        let mut files = vec![];
        while let Some(field) =
            multipart.next_field().await.map_err(|e| AppError::bad("file", format!("multipart を読めません: {e}")))?
        {
            let name = field.name().unwrap_or_default().to_string();
            if !names.contains(&name.as_str()) {
                continue;
            }
            let file_name = field.file_name().filter(|f| !f.is_empty()).map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| AppError::bad(&name, format!("{name} を読めません: {e}")))?;
            if bytes.is_empty() && file_name.is_none() {
                continue;
            }
            let file_name = file_name.unwrap_or_else(|| format!("{name}.csv"));
            files.push((name, Received { file_name, bytes: bytes.to_vec() }));
        }
        return Ok(files);
    }
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .map_err(|e| AppError::bad("file", format!("本文を読めません: {e}")))?;
    Ok(vec![(names[0].to_string(), Received { file_name: raw_name.to_string(), bytes: body.to_vec() })])
}

/// Imports a ledger file for one specialist (the specialist themself or the admin): the body is the
/// CSV (UTF-8 or Shift_JIS) or .xlsx, or a multipart form with the file in `file`. All or nothing:
/// 422 names file, row, column and value.
#[utoipa::path(post, path = "/api/specialists/{id}/ledger/import", tag = "renewal",
    params(("id" = String, Path, description = "専門医ID"), FileNameQuery),
    request_body(content = String, content_type = "text/csv", description = "ledger.csv（この専門医の行のみ）"),
    responses((status = 201, body = ImportBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_ledger(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<FileNameQuery>,
    request: Request,
) -> Result<(StatusCode, Json<ImportBody>), AppError> {
    session.require_ledger_write(&id)?;
    let raw_name = q.file_name.unwrap_or_else(|| "ledger.csv".into());
    let mut files = received_files(&state, request, &["file", "ledger"], &raw_name).await?;
    let Some((_, file)) = files.pop() else {
        return Err(AppError::bad("file", "台帳のファイルがありません"));
    };
    let change = session.change(state.now(), format!("台帳ファイル {} の取り込み", file.file_name));
    let record = service::import_ledger(&state.store, &id, file, &change).await?;
    state.renewal.invalidate(&id);
    Ok((StatusCode::CREATED, Json(ImportBody::from(&record))))
}

/// The evaluation of the renewal (verdict, units per category with minimum and maximum, the
/// mandatory lectures, and every reason with its rule ID): the JSON of `ishi renew check`, plus
/// `entry_id` on reasons about a ledger entry, `verdict_ja`, `failing_rules` and `as_of`.
#[utoipa::path(get, path = "/api/specialists/{id}/evaluation", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, body = Object, description = "ishi renew check --format json の1件と同じ形"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn evaluation(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    session.require_ledger_read(&id)?;
    cached_answer(&state, Cached::Evaluation, &id, |a, today| Ok(service::evaluation_value(a, today))).await
}

/// What is left to do before the deadline, in the fewest hours (`ishi renew plan`), as of today.
#[utoipa::path(get, path = "/api/specialists/{id}/remaining", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, body = Object, description = "ishi renew plan --format json の1件と同じ形"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remaining(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    session.require_ledger_read(&id)?;
    cached_answer(&state, Cached::Remaining, &id, |a, today| {
        Ok(service::remaining_value(&a.plan(&state.renewal.book, today)?, today))
    })
    .await
}

/// Specialist `id`'s answer `which` as of today: from the cache, else computed by `answer` from their
/// stored rows and cached. The generation is read before the rows are loaded, so an answer computed
/// from rows that a change has replaced meanwhile is served but not kept.
async fn cached_answer(
    state: &AppState,
    which: Cached,
    id: &str,
    answer: impl FnOnce(&service::Assessment, CalendarDate) -> Result<serde_json::Value, AppError>,
) -> Result<Response, AppError> {
    let today = state.today();
    if let Some(bytes) = state.renewal.cached(which, id, today) {
        return Ok(json_response(StatusCode::OK, bytes));
    }
    let generation = state.renewal.generation();
    let (stored, entries) = service::load(&state.store, id).await?;
    let a = service::assess(&state.renewal.book, stored, entries, LedgerText::Drop)?;
    let bytes = service::json_bytes(&answer(&a, today)?);
    state.renewal.put(which, id, generation, today, bytes.clone());
    Ok(json_response(StatusCode::OK, bytes))
}

#[derive(Clone, Copy)]
enum FormsFormat {
    Xlsx,
    Pdf,
}

async fn forms(state: AppState, session: Session, id: String, format: FormsFormat) -> Result<Response, AppError> {
    session.require_ledger_read(&id)?;
    let (stored, entries) = service::load(&state.store, &id).await?;
    let a = service::assess(&state.renewal.book, stored, entries, LedgerText::Keep)?;
    let prepared_on = state.today();
    let bytes = tokio::task::spawn_blocking(move || {
        let specialist = a.specialist();
        let entries: Vec<ishi_forms::FormEntry> = a
            .membership
            .ledger(0)
            .iter()
            .zip(a.membership.ledger_texts(0))
            .map(|(act, t)| ishi_forms::FormEntry { activity: *act, detail: &t.detail, evidence: &t.evidence })
            .collect();
        let input = ishi_forms::FormsInput { specialist, evaluation: &a.evaluation, entries: &entries, prepared_on };
        match format {
            FormsFormat::Xlsx => ishi_forms::forms_xlsx(&input),
            FormsFormat::Pdf => ishi_forms::forms_pdf(&input),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("様式を作れません: {e}")))?;
    let stem = file_stem(&id);
    let (content_type, ext) = match format {
        FormsFormat::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        FormsFormat::Pdf => ("application/pdf", "pdf"),
    };
    let disposition = attachment(&format!("{stem}_forms.{ext}"), &format!("{stem}_更新申請様式.{ext}"));
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

/// The application forms (様式1-2, 4, 5, 6-1, 7-1, 8-1) as an .xlsx workbook.
#[utoipa::path(get, path = "/api/specialists/{id}/forms.xlsx", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, description = "様式（.xlsx）", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn forms_xlsx(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    forms(state, session, id, FormsFormat::Xlsx).await
}

/// The application forms as one PDF (A4, Japanese).
#[utoipa::path(get, path = "/api/specialists/{id}/forms.pdf", tag = "renewal", params(("id" = String, Path, description = "専門医ID")),
    responses((status = 200, description = "様式（PDF）", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn forms_pdf(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    forms(state, session, id, FormsFormat::Pdf).await
}

/// The renewals due in a fiscal year with their verdicts and the committee's decisions (committee, admin).
#[utoipa::path(get, path = "/api/committee/{fiscal_year}", tag = "renewal", params(("fiscal_year" = i64, Path, description = "年度")),
    responses((status = 200, body = CommitteeBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn committee(
    State(state): State<AppState>,
    session: Session,
    Path(fiscal_year): Path<String>,
) -> Result<Json<CommitteeBody>, AppError> {
    session.require(&REVIEWERS)?;
    let fy = parse_fiscal_year(&fiscal_year)?;
    let c = service::committee(&state, Some(fy)).await?;
    let members = c
        .stored
        .iter()
        .zip(&c.evaluations)
        .zip(&c.decisions)
        .map(|((s, e), d)| CommitteeMember {
            specialist_id: s.id.clone(),
            name: s.name.clone(),
            verdict: e.verdict.key().into(),
            verdict_ja: e.verdict.as_ja().into(),
            outcome: e.outcome.key().into(),
            required_units: e.required_units.as_f64(),
            counted_units: e.counted_units.as_f64(),
            failing_rules: e.failing_rules().into_iter().map(str::to_string).collect(),
            decision: d.as_ref().map(DecisionBody::from),
        })
        .collect();
    Ok(Json(CommitteeBody { fiscal_year: fy, members }))
}

pub(super) async fn decide(
    state: &AppState,
    session: &Session,
    fiscal_year: &str,
    id: &str,
    req: &DecisionRequest,
) -> Result<Decision, AppError> {
    session.require(&REVIEWERS)?;
    let fy = parse_fiscal_year(fiscal_year)?;
    let decision = req.decision.trim();
    if !DECISION_KEYS.contains(&decision) {
        return Err(AppError::bad(
            "decision",
            format!("決定 {decision:?} は approved（承認）、rejected（不承認）、deferred（保留）のいずれかです"),
        ));
    }
    if req.reason.trim().is_empty() {
        return Err(AppError::bad("reason", "決定の理由を入力してください"));
    }
    match state.store.specialist(id).await? {
        Some(s) if s.renewal_fiscal_year == fy => {}
        _ => return Err(AppError::NotFound(format!("{id} は{fy}年度の更新対象者にいません"))),
    }
    Ok(state.store.set_decision(id, fy, decision, &session.change(state.now(), req.reason.trim())).await?)
}

/// Records (or replaces) the committee's decision on one renewal, with its reason (committee, admin).
#[utoipa::path(put, path = "/api/committee/{fiscal_year}/decisions/{id}", tag = "renewal",
    params(("fiscal_year" = i64, Path, description = "年度"), ("id" = String, Path, description = "専門医ID")),
    request_body = DecisionRequest,
    responses((status = 200, body = DecisionBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_decision(
    State(state): State<AppState>,
    session: Session,
    Path((fiscal_year, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<DecisionBody>, AppError> {
    let req: DecisionRequest = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest { message: format!("JSON を読めません: {e}"), field: None })?;
    let d = decide(&state, &session, &fiscal_year, &id, &req).await?;
    Ok(Json(DecisionBody::from(&d)))
}

/// Every committed import (committee, admin).
#[utoipa::path(get, path = "/api/imports", tag = "renewal",
    responses((status = 200, body = Vec<ImportBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn imports(State(state): State<AppState>, session: Session) -> Result<Json<Vec<ImportBody>>, AppError> {
    session.require(&REVIEWERS)?;
    Ok(Json(state.store.imports().await?.iter().map(ImportBody::from).collect()))
}

/// Imports a roster with its ledger (committee, admin): multipart with files `specialists` and
/// (optionally) `ledger`, or JSON with their text. CSV in UTF-8 or Shift_JIS, or .xlsx. All or
/// nothing: 422 names file, row, column and value. A specialist already on the roster is updated;
/// ledger rows are added to theirs (the same activity twice is refused).
#[utoipa::path(post, path = "/api/imports/roster", tag = "renewal",
    request_body(content = RosterImportJson, description = "JSON、または multipart/form-data（specialists, ledger）"),
    responses((status = 201, body = ImportBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn import_roster(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<(StatusCode, Json<ImportBody>), AppError> {
    session.require(&REVIEWERS)?;
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (specialists, ledger) = if is_json {
        let body = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|e| AppError::bad("specialists_csv", format!("本文を読めません: {e}")))?;
        let req: RosterImportJson = serde_json::from_slice(&body)
            .map_err(|e| AppError::BadRequest { message: format!("JSON を読めません: {e}"), field: None })?;
        (
            Received { file_name: "specialists.csv".into(), bytes: req.specialists_csv.into_bytes() },
            req.ledger_csv.map(|t| Received { file_name: "ledger.csv".into(), bytes: t.into_bytes() }),
        )
    } else {
        roster_files(&state, request, "名簿（specialists.csv）のファイルがありません").await?
    };
    let change = session.change(state.now(), format!("名簿 {} の取り込み", specialists.file_name));
    let record = service::import_roster(&state.store, specialists, ledger, &change, false).await?;
    state.renewal.invalidate_all();
    Ok((StatusCode::CREATED, Json(ImportBody::from(&record))))
}

/// The verdicts of every renewal due in `fiscal_year` (all when absent) as CSV, UTF-8 with BOM: the
/// columns of `ishi renew check --format csv` (committee, admin).
#[utoipa::path(get, path = "/api/exports/verdicts.csv", tag = "renewal", params(FiscalYearQuery),
    responses((status = 200, description = "判定一覧（CSV, UTF-8 BOM 付き）", content_type = "text/csv", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verdicts_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<FiscalYearQuery>,
) -> Result<Response, AppError> {
    session.require(&REVIEWERS)?;
    let fy = q.fiscal_year.as_deref().filter(|t| !t.trim().is_empty()).map(parse_fiscal_year).transpose()?;
    let c = service::committee(&state, fy).await?;
    let csv_error = |e: ishi_io::IoError| AppError::Internal(format!("CSV を書けません: {e}"));
    let mut w = EvaluationCsvWriter::new(Vec::new()).map_err(csv_error)?;
    for (i, e) in c.evaluations.iter().enumerate() {
        w.write(e, &c.membership.specialists[i]).map_err(csv_error)?;
    }
    let bytes = w.finish().map_err(csv_error)?;
    let name = match fy {
        Some(y) => format!("verdicts_FY{y}.csv"),
        None => "verdicts.csv".to_string(),
    };
    let utf8 = match fy {
        Some(y) => format!("{y}年度_更新判定一覧.csv"),
        None => "更新判定一覧.csv".to_string(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name, &utf8)),
        ],
        bytes,
    )
        .into_response())
}

/// The renewal's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        specialists,
        specialist,
        ledger,
        add_entry,
        delete_entry,
        import_ledger,
        evaluation,
        remaining,
        forms_xlsx,
        forms_pdf,
        committee,
        set_decision,
        imports,
        import_roster,
        verdicts_csv
    ),
    components(schemas(
        SpecialistBody,
        LedgerEntryBody,
        LedgerEntryInput,
        DeleteEntryRequest,
        ImportBody,
        DecisionBody,
        DecisionRequest,
        CommitteeMember,
        CommitteeBody,
        RosterImportJson
    ))
)]
pub struct RenewalApi;

/// The roster file (`specialists`, required; `missing` says so when absent) and the ledger file
/// (`ledger`, optional) of a multipart roster import.
pub(super) async fn roster_files(
    state: &AppState,
    request: Request,
    missing: &str,
) -> Result<(Received, Option<Received>), AppError> {
    let files = received_files(state, request, &["specialists", "ledger"], "specialists.csv").await?;
    let mut specialists = None;
    let mut ledger = None;
    for (name, file) in files {
        match name.as_str() {
            "specialists" => specialists = Some(file),
            _ => ledger = Some(file),
        }
    }
    let specialists = specialists.ok_or_else(|| AppError::bad("specialists", missing))?;
    Ok((specialists, ledger))
}
