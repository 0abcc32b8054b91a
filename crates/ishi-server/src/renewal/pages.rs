//! The renewal's pages: a specialist's ledger and progress (`/renewal/specialists/{id}`) and the
//! committee's list of a fiscal year (`/renewal/committee`). Forms post back here and redirect with a
//! message; a refused entry re-renders the page with the message and the values typed (422).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ishi_io::renewal_import::LedgerText;
use ishi_io::renewal_records::LedgerRecord;
use ishi_renewal::{Category, CommonItem, MeetingLevel, PaperRole, PresentationRole, Units};
use serde::Deserialize;

use super::api::{self, DecisionRequest, REVIEWERS};
use super::service::{self, Assessment};
use crate::auth::Session;
use crate::clock::japan_display;
use crate::error::{AppError, PageError};
use crate::pages::{PageContext, render};
use crate::state::AppState;

/// Messages after a successful form, by the `done` code of the redirect (never text from the URL).
fn done_message(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "added" => "台帳に1件追加しました。",
            "deleted" => "台帳から1件削除しました（監査ログに理由とともに記録されています）。",
            "imported" => "台帳ファイルを取り込みました。",
            "roster" => "名簿と台帳を取り込みました。",
            "decided" => "決定を記録しました。",
            _ => return None,
        }
        .to_string(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    fiscal_year: Option<String>,
}

/// The `kind` values of `ledger.csv` with their Japanese names, for the entry form.
const KINDS: [(&str, &str); 13] = [
    ("case_operation", "手術症例（術者・指導者, 様式4）"),
    ("case_treatment", "診療症例（様式5）"),
    ("common_lecture", "専門医共通講習"),
    ("specialty_lecture", "形成外科領域講習"),
    ("meeting_attendance", "学術集会参加"),
    ("presentation", "学会発表・座長"),
    ("paper", "学術論文"),
    ("peer_review", "論文査読"),
    ("exam_duty", "専門医試験業務"),
    ("public_lecture", "市民啓発講演"),
    ("school_doctor", "校医"),
    ("accident_investigation", "医療事故調査制度 外部委員"),
    ("old_points", "旧基準の点（移行措置）"),
];

fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind.trim()).map_or(kind, |(_, l)| l)
}

/// What the `detail` column takes for kinds whose detail is a fixed list (the engine's own lists).
fn detail_hints() -> Vec<(&'static str, String)> {
    vec![
        ("common_lecture", CommonItem::NAMES.join("、")),
        ("meeting_attendance", MeetingLevel::KEYS.join("、")),
        ("presentation", PresentationRole::KEYS.join("、")),
        ("paper", PaperRole::KEYS.join("、")),
    ]
}

/// One choice of the entry form's `kind`.
pub struct KindOption {
    pub key: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// One category's bar.
pub struct CategoryView {
    pub key: &'static str,
    pub label: &'static str,
    pub earned: String,
    pub counted: String,
    pub min: String,
    pub max: String,
    pub shortfall: String,
    /// Width of the bar and place of the minimum's mark, in % of the scale (the maximum).
    pub width: String,
    pub min_at: String,
    /// Units beyond the maximum were earned (they do not count).
    pub capped: bool,
    pub met: bool,
}

pub struct MandatoryView {
    pub name: &'static str,
    pub units: String,
    pub need: String,
    pub ok: bool,
}

pub struct ReasonView {
    pub rule: &'static str,
    pub message: String,
}

pub struct EntryView {
    pub id: i64,
    pub row: usize,
    pub date: String,
    pub kind: String,
    pub kind_label: String,
    pub detail: String,
    pub quantity: String,
    pub role: String,
    pub approved: String,
    pub e_learning: String,
    pub evidence: String,
    pub source: String,
    /// Why the entry was refused or only partly counted (with the rule ID).
    pub notes: Vec<String>,
}

pub struct PlanView {
    pub already_passes: bool,
    pub activities: Vec<String>,
    pub lecture_hours: String,
    pub deadline: String,
    pub days_left: i64,
    pub obstacle: Option<String>,
    pub verdict_after_ja: &'static str,
}

/// The entry form's values (kept when an entry is refused).
#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub approved: String,
    #[serde(default)]
    pub e_learning: String,
    #[serde(default)]
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "renewal/specialist.html")]
struct SpecialistPage {
    ctx: PageContext,
    id: String,
    /// `id` as a URL path segment (percent-encoded).
    id_url: String,
    name: String,
    fiscal_year: i64,
    period_start: String,
    period_end: String,
    renewals_completed: i64,
    extensions: i64,
    deferral: String,
    exempt: bool,
    edition: String,
    can_write: bool,
    is_reviewer: bool,
    verdict: &'static str,
    verdict_ja: &'static str,
    outcome: &'static str,
    total_units: String,
    required_units: String,
    total_width: String,
    categories: Vec<CategoryView>,
    mandatory: Vec<MandatoryView>,
    reasons: Vec<ReasonView>,
    entries: Vec<EntryView>,
    plan: PlanView,
    form: EntryForm,
    kinds: Vec<KindOption>,
    detail_hints: Vec<(&'static str, String)>,
    lecturer: bool,
    not_approved: bool,
    e_learning: bool,
    form_error: Option<String>,
    form_error_field: String,
    import_error: Option<String>,
    delete_error: Option<String>,
    stem: String,
}

fn pct(part: Units, whole: Units) -> String {
    if whole.is_zero() {
        return if part.is_zero() { "0".into() } else { "100".into() };
    }
    format!("{:.1}", (part.as_f64() / whole.as_f64() * 100.0).min(100.0))
}

/// What a page shows when something was refused.
#[derive(Default)]
struct Problems {
    form: Option<AppError>,
    import: Option<String>,
    delete: Option<String>,
}

async fn specialist_response(
    state: &AppState,
    session: &Session,
    id: &str,
    flash: Option<String>,
    form: EntryForm,
    problems: Problems,
) -> Result<Response, PageError> {
    session.require_ledger_read(id)?;
    let (stored, entries) = service::load(&state.store, id).await?;
    let book = &state.renewal.book;
    let a = service::assess(book, stored, entries, LedgerText::Keep)?;
    let plan = a.plan(book, state.today())?;
    let own = session.user.specialist_id.as_deref() == Some(id);
    let section = if own { "ledger" } else { "committee" };
    let ctx = PageContext::new(format!("{} の更新台帳", a.stored.name), Some(session), section).with_flash(flash);
    let Problems { form: form_problem, import, delete } = problems;
    let status = form_problem.as_ref().map(AppError::status).filter(|_| import.is_none());
    let (form_error, form_error_field) = match form_problem {
        Some(AppError::BadRequest { message, field }) => (Some(message), field.unwrap_or_default()),
        Some(other) => (Some(other.to_string()), String::new()),
        None => (None, String::new()),
    };
    let failed = import.is_some() || delete.is_some() || form_error.is_some();
    let messages = Messages { form_error, form_error_field, import, delete };
    let page = specialist_page_of(session, &a, plan, form, messages, ctx);
    let mut response = render(&page)?;
    if failed {
        *response.status_mut() = status.unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(response)
}

/// The messages of refusals, as the page shows them.
struct Messages {
    form_error: Option<String>,
    form_error_field: String,
    import: Option<String>,
    delete: Option<String>,
}

fn specialist_page_of(
    session: &Session,
    a: &Assessment,
    plan: ishi_renewal::RenewalPlan,
    form: EntryForm,
    messages: Messages,
    ctx: PageContext,
) -> SpecialistPage {
    let e = &a.evaluation;
    let categories = Category::ALL
        .into_iter()
        .map(|c| {
            let r = e.category(c);
            let scale = r.max.unwrap_or(r.min.max(r.earned));
            CategoryView {
                key: c.key(),
                label: c.as_ja(),
                earned: r.earned.to_string(),
                counted: r.counted.to_string(),
                min: r.min.to_string(),
                max: r.max.map_or("—".into(), |m| m.to_string()),
                shortfall: r.shortfall().to_string(),
                width: pct(r.counted, scale),
                min_at: pct(r.min, scale),
                capped: r.earned > r.counted,
                met: r.shortfall().is_zero(),
            }
        })
        .collect();
    let mandatory = CommonItem::MANDATORY
        .into_iter()
        .enumerate()
        .map(|(i, item)| MandatoryView {
            name: item.as_ja(),
            units: e.mandatory[i].to_string(),
            need: e.mandatory_each.to_string(),
            ok: e.mandatory[i] >= e.mandatory_each,
        })
        .collect();
    let reasons = e
        .findings
        .iter()
        .filter(|f| f.row.is_none())
        .map(|f| ReasonView { rule: f.rule, message: f.message() })
        .collect();
    let entries = a
        .entries
        .iter()
        .enumerate()
        .map(|(k, en)| {
            let row = k + 2;
            let notes = e
                .findings
                .iter()
                .filter(|f| f.row == Some(row as u32))
                .map(|f| format!("{}: {}", f.rule, f.message()))
                .collect();
            EntryView {
                id: en.id,
                row,
                date: en.date.clone(),
                kind: en.kind.clone(),
                kind_label: kind_label(&en.kind).to_string(),
                detail: en.detail.clone(),
                quantity: en.quantity.clone(),
                role: en.role.clone(),
                approved: en.approved.clone(),
                e_learning: en.e_learning.clone(),
                evidence: en.evidence.clone(),
                source: en.import_id.map_or_else(|| "入力".to_string(), |i| format!("取込 #{i}")),
                notes,
            }
        })
        .collect();
    let plan = PlanView {
        already_passes: plan.already_passes,
        activities: plan.activities.iter().map(|p| p.message()).collect(),
        lecture_hours: format!("{}", plan.lecture_hours),
        deadline: plan.deadline.to_string(),
        days_left: plan.days_left,
        obstacle: plan.obstacle.map(|o| o.message()),
        verdict_after_ja: plan.verdict_after.as_ja(),
    };
    SpecialistPage {
        id_url: path_segment(&a.stored.id),
        id: a.stored.id.clone(),
        name: a.stored.name.clone(),
        fiscal_year: a.stored.renewal_fiscal_year,
        period_start: a.stored.period_start.clone(),
        period_end: a.stored.period_end.clone(),
        renewals_completed: a.stored.renewals_completed,
        extensions: a.stored.extensions,
        deferral: a.stored.deferral.clone().unwrap_or_default(),
        exempt: e.exempt,
        edition: e.edition.clone(),
        can_write: session.can_write_ledger(&a.stored.id),
        is_reviewer: REVIEWERS.contains(&session.role()),
        verdict: e.verdict.key(),
        verdict_ja: e.verdict.as_ja(),
        outcome: e.outcome.key(),
        total_units: e.counted_units.to_string(),
        required_units: e.required_units.to_string(),
        total_width: pct(e.counted_units, e.required_units),
        categories,
        mandatory,
        reasons,
        entries,
        plan,
        kinds: KINDS.iter().map(|(key, label)| KindOption { key, label, selected: form.kind.trim() == *key }).collect(),
        lecturer: form.role.trim() == "lecturer" || form.role.trim() == "講師",
        not_approved: matches!(form.approved.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no"),
        e_learning: matches!(form.e_learning.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"),
        form,
        detail_hints: detail_hints(),
        form_error: messages.form_error,
        form_error_field: messages.form_error_field,
        import_error: messages.import,
        delete_error: messages.delete,
        stem: api::file_stem(&a.stored.id),
        ctx,
    }
}

pub async fn specialist_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let form = EntryForm { approved: "true".into(), ..Default::default() };
    specialist_response(&state, &session, &id, done_message(q.done.as_deref()), form, Problems::default()).await
}

fn path_segment(id: &str) -> String {
    crate::encode::percent_encode(id, b"")
}

fn redirect_to_specialist(id: &str, done: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/renewal/specialists/{}?done={done}#{anchor}", path_segment(id))).into_response()
}

pub async fn add_entry_submit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    session.require_ledger_write(&id)?;
    let record = LedgerRecord {
        specialist_id: id.clone(),
        date: form.date.clone(),
        kind: form.kind.clone(),
        detail: form.detail.clone(),
        quantity: form.quantity.clone(),
        role: form.role.clone(),
        approved: form.approved.clone(),
        e_learning: form.e_learning.clone(),
        evidence: form.evidence.clone(),
    };
    let change = session.change(state.now(), "台帳に記入（画面）");
    match service::add_entry(&state.store, &id, record, &change).await {
        Ok(_) => {
            state.renewal.invalidate(&id);
            Ok(redirect_to_specialist(&id, "added", "ledger"))
        }
        Err(e @ AppError::BadRequest { .. }) => {
            let problems = Problems { form: Some(e), ..Default::default() };
            specialist_response(&state, &session, &id, None, form, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    reason: String,
}

pub async fn delete_entry_submit(
    State(state): State<AppState>,
    session: Session,
    Path((id, entry_id)): Path<(String, String)>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    session.require_ledger_write(&id)?;
    match api::delete(&state, &session, &id, &entry_id, &form.reason).await {
        Ok(_) => Ok(redirect_to_specialist(&id, "deleted", "ledger")),
        Err(AppError::BadRequest { message, .. }) => {
            let problems = Problems { delete: Some(message), ..Default::default() };
            let form = EntryForm { approved: "true".into(), ..Default::default() };
            specialist_response(&state, &session, &id, None, form, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn import_ledger_submit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, PageError> {
    session.require_ledger_write(&id)?;
    let result = async {
        let mut files = api::received_files(&state, request, &["file"], "ledger.csv").await?;
        let Some((_, file)) = files.pop() else {
            return Err(AppError::bad("file", "取り込むファイルを選んでください"));
        };
        let change = session.change(state.now(), format!("台帳ファイル {} の取り込み（画面）", file.file_name));
        service::import_ledger(&state.store, &id, file, &change).await
    }
    .await;
    match result {
        Ok(_) => {
            state.renewal.invalidate(&id);
            Ok(redirect_to_specialist(&id, "imported", "ledger"))
        }
        Err(AppError::BadRequest { message, .. }) => {
            let problems = Problems { import: Some(message), ..Default::default() };
            let form = EntryForm { approved: "true".into(), ..Default::default() };
            specialist_response(&state, &session, &id, None, form, problems).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct MemberView {
    pub id: String,
    pub name: String,
    pub verdict: &'static str,
    pub verdict_ja: &'static str,
    pub outcome: &'static str,
    pub counted: String,
    pub required: String,
    pub failing_rules: String,
    pub decision: Option<DecisionView>,
    pub href: String,
    /// The id as a URL path segment.
    pub id_url: String,
}

pub struct DecisionView {
    pub key: String,
    pub ja: &'static str,
    pub reason: String,
    pub by: String,
    pub at: String,
}

pub struct ImportView {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub rows: i64,
    pub by: String,
    pub at: String,
}

fn decision_ja(key: &str) -> &'static str {
    match key {
        "approved" => "承認",
        "rejected" => "不承認",
        "deferred" => "保留",
        _ => "—",
    }
}

#[derive(Template)]
#[template(path = "renewal/committee.html")]
struct CommitteePage {
    ctx: PageContext,
    fiscal_year: i64,
    years: Vec<i64>,
    members: Vec<MemberView>,
    counts: Vec<(&'static str, &'static str, usize)>,
    imports: Vec<ImportView>,
    synthetic: bool,
    can_import: bool,
    error: Option<String>,
}

async fn committee_response(
    state: &AppState,
    session: &Session,
    fiscal_year: Option<&str>,
    flash: Option<String>,
    error: Option<AppError>,
) -> Result<Response, PageError> {
    session.require(&REVIEWERS)?;
    let years = state.store.renewal_fiscal_years().await?;
    let current = i64::from(state.today().fiscal_year());
    let fy = match fiscal_year.filter(|t| !t.trim().is_empty()) {
        Some(t) => api::parse_fiscal_year(t)?,
        None if years.contains(&current) => current,
        None => years.iter().rev().find(|&&y| y <= current).or(years.last()).copied().unwrap_or(current),
    };
    let c = service::committee(state, Some(fy)).await?;
    let members: Vec<MemberView> = c
        .stored
        .iter()
        .zip(&c.evaluations)
        .zip(&c.decisions)
        .map(|((s, e), d)| MemberView {
            id: s.id.clone(),
            name: s.name.clone(),
            verdict: e.verdict.key(),
            verdict_ja: e.verdict.as_ja(),
            outcome: e.outcome.key(),
            counted: e.counted_units.to_string(),
            required: e.required_units.to_string(),
            failing_rules: e.failing_rules().join(" "),
            decision: d.as_ref().map(|d| DecisionView {
                key: d.decision.clone(),
                ja: decision_ja(&d.decision),
                reason: d.reason.clone(),
                by: d.decided_by_login.clone(),
                at: japan_display(&d.decided_at),
            }),
            href: format!("/renewal/specialists/{}", path_segment(&s.id)),
            id_url: path_segment(&s.id),
        })
        .collect();
    let counts = [ishi_renewal::Verdict::Pass, ishi_renewal::Verdict::Fail, ishi_renewal::Verdict::Review]
        .into_iter()
        .map(|v| (v.key(), v.as_ja(), c.evaluations.iter().filter(|e| e.verdict == v).count()))
        .collect();
    let imports: Vec<ImportView> = state
        .store
        .imports()
        .await?
        .into_iter()
        .rev()
        .map(|i| ImportView {
            id: i.id,
            kind: i.kind,
            file_name: i.file_name,
            rows: i.row_count,
            by: i.imported_by_login.unwrap_or_else(|| "system".into()),
            at: japan_display(&i.imported_at),
        })
        .collect();
    let synthetic = imports.iter().any(|i| i.kind == "example");
    let status = error.as_ref().map(AppError::status);
    let page = CommitteePage {
        ctx: PageContext::new(format!("{fy}年度 更新審査"), Some(session), "committee").with_flash(flash),
        fiscal_year: fy,
        years,
        members,
        counts,
        imports,
        synthetic,
        can_import: REVIEWERS.contains(&session.role()),
        error: error.map(|e| e.to_string()),
    };
    let mut response = render(&page)?;
    if let Some(status) = status {
        *response.status_mut() = status;
    }
    Ok(response)
}

pub async fn committee_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    committee_response(&state, &session, q.fiscal_year.as_deref(), done_message(q.done.as_deref()), None).await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decision_submit(
    State(state): State<AppState>,
    session: Session,
    Path((fiscal_year, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    session.require(&REVIEWERS)?;
    let req = DecisionRequest { decision: form.decision, reason: form.reason };
    match api::decide(&state, &session, &fiscal_year, &id, &req).await {
        Ok(d) => Ok(Redirect::to(&format!(
            "/renewal/committee?fiscal_year={}&done=decided#member-{}",
            d.fiscal_year,
            path_segment(&d.specialist_id)
        ))
        .into_response()),
        Err(e @ AppError::BadRequest { .. }) => {
            committee_response(&state, &session, Some(&fiscal_year), None, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn import_roster_submit(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, PageError> {
    session.require(&REVIEWERS)?;
    let result = async {
        let (specialists, ledger) =
            api::roster_files(&state, request, "名簿（specialists.csv）のファイルを選んでください").await?;
        let change = session.change(state.now(), format!("名簿 {} の取り込み（画面）", specialists.file_name));
        service::import_roster(&state.store, specialists, ledger, &change, false).await
    }
    .await;
    match result {
        Ok(_) => {
            state.renewal.invalidate_all();
            Ok(Redirect::to("/renewal/committee?done=roster").into_response())
        }
        Err(e @ AppError::BadRequest { .. }) => committee_response(&state, &session, None, None, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_entry_form_offers_every_kind_of_the_ledger_format() {
        let keys: Vec<&str> = super::KINDS.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ishi_renewal::ActivityKind::KEYS);
    }
}
