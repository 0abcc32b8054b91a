//! The plan's pages: overview (rank chart and prefecture map), area list, area page with its decision
//! forms, dispatch. Charts are drawn by `app.js` from JSON embedded in the page; every figure is also
//! in a table, so the pages are complete without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ishi_plan::{Designation, Level};
use ishi_store::AuditFilter;
use serde::Deserialize;
use serde_json::json;

use super::api::{AreaQuery, check_decision, check_physicians, parse_designation, parse_level};
use super::view::{AreaDetail, FlowView, designation_key, designation_name, level_key};
use crate::auth::Session;
use crate::error::{AppError, PageError};
use crate::pages::{AuditRow, PageContext, render};
use crate::state::AppState;

/// JSON for a `<script type="application/json">` element: `<` escaped so no `</script>` can end it.
fn embedded_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

fn number(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let (sign, digits) = int.strip_prefix('-').map_or(("", int.as_str()), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn opt_number(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "—".to_string(), |v| number(v, decimals))
}

/// One row of an area table.
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub prefecture: String,
    pub index: f64,
    pub index_text: String,
    pub rank: usize,
    pub mechanical_key: &'static str,
    pub mechanical: &'static str,
    pub decided_key: &'static str,
    pub decided: &'static str,
    pub future_key: &'static str,
    pub future: &'static str,
    pub overridden: bool,
    pub current: String,
    pub target: String,
    pub additional: String,
}

impl From<&AreaDetail> for AreaRow {
    fn from(a: &AreaDetail) -> Self {
        let s = &a.summary;
        AreaRow {
            code: s.code.clone(),
            name: s.name.clone(),
            prefecture: s.prefecture.clone(),
            index: s.index,
            index_text: number(s.index, 1),
            rank: s.rank,
            mechanical_key: s.mechanical.key,
            mechanical: s.mechanical.ja,
            decided_key: s.decided.key,
            decided: s.decided.ja,
            future_key: s.future.key,
            future: s.future.ja,
            overridden: s.overridden,
            current: number(s.current, 1),
            target: number(s.target, 1),
            additional: number(s.additional, 1),
        }
    }
}

#[derive(Template)]
#[template(path = "plan/overview.html")]
struct OverviewPage {
    ctx: PageContext,
    level: &'static str,
    level_ja: &'static str,
    edition_name: String,
    national: String,
    upper: String,
    lower: String,
    counts: Vec<(&'static str, &'static str, usize)>,
    rank_json: String,
    map_json: String,
    prefectures: Vec<AreaRow>,
    /// P4.4: (prefecture code, name, message).
    violations: Vec<(String, String, String)>,
    dataset_source: String,
}

/// The P4.4 messages of the current targets: (prefecture code, name, message).
fn violations(view: &super::PlanView) -> Vec<(String, String, String)> {
    view.violations
        .iter()
        .map(|v| {
            let code = v["tertiary_code"].as_str().unwrap_or_default().to_string();
            let name = view.area(&code).map(|a| a.summary.name.clone()).unwrap_or_default();
            (code, name, v["message"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct LevelParams {
    level: Option<String>,
}

pub async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<LevelParams>,
) -> Result<Response, PageError> {
    let level = parse_level(q.level.as_deref())?;
    let view = state.plan.view();
    let t = view.thresholds(level);
    let mut ranked: Vec<&AreaDetail> = view.areas_at(level).collect();
    ranked.sort_by_key(|a| a.summary.rank);
    let rank_json = embedded_json(&json!({
        "title": format!("医師偏在指標の全国順位（{}、{}区域）", level.as_ja(), ranked.len()),
        "level": if level == Level::Tertiary { "prefecture" } else { "secondary" },
        "areas": ranked.iter().map(|a| json!({
            "code": a.summary.code,
            "name": a.summary.name,
            "prefecture": a.summary.prefecture,
            "index": a.summary.index,
            "designation": a.summary.decided.key,
        })).collect::<Vec<_>>(),
        "thresholds": {"upper": t.upper, "lower": t.lower},
        "national": view.national,
    }));
    let prefectures: Vec<AreaRow> = view.areas_at(Level::Tertiary).map(AreaRow::from).collect();
    let map_json = embedded_json(&json!({
        "prefectures": view.areas_at(Level::Tertiary).map(|a| json!({
            "code": a.summary.code,
            "name": a.summary.name,
            "designation": a.summary.decided.key,
            "index": a.summary.index,
        })).collect::<Vec<_>>(),
    }));
    let counts = [Designation::Abundant, Designation::Intermediate, Designation::Scarce]
        .into_iter()
        .map(|d| {
            let key = designation_key(d);
            (key, designation_name(d, level), view.areas_at(level).filter(|a| a.summary.decided.key == key).count())
        })
        .collect();
    render(&OverviewPage {
        ctx: PageContext::new("医師確保計画", Some(&session), "plan"),
        level: level_key(level),
        level_ja: level.as_ja(),
        edition_name: view.edition.name.clone(),
        national: number(view.national, 1),
        upper: opt_number(t.upper, 1),
        lower: opt_number(t.lower, 1),
        counts,
        rank_json,
        map_json,
        prefectures,
        violations: violations(&view),
        dataset_source: view.dataset.source.clone(),
    })
}

#[derive(Template)]
#[template(path = "plan/areas.html")]
struct AreasPage {
    ctx: PageContext,
    level: &'static str,
    pref: String,
    designation: String,
    prefectures: Vec<(String, String)>,
    rows: Vec<AreaRow>,
    total: usize,
}

pub async fn areas(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AreaQuery>,
) -> Result<Response, PageError> {
    let view = state.plan.view();
    let level = parse_level(q.level.as_deref())?;
    let rows: Vec<AreaRow> = q.select(&view)?.into_iter().map(AreaRow::from).collect();
    let prefectures =
        view.areas_at(Level::Tertiary).map(|a| (a.summary.code.clone(), a.summary.name.clone())).collect();
    render(&AreasPage {
        ctx: PageContext::new("区域一覧", Some(&session), "areas"),
        level: level_key(level),
        pref: q.pref.clone().unwrap_or_default(),
        designation: q.designation.clone().unwrap_or_default(),
        prefectures,
        total: view.areas_at(level).count(),
        rows,
    })
}

#[derive(Template)]
#[template(path = "plan/area.html")]
struct AreaPage {
    ctx: PageContext,
    a: AreaDetail,
    row: AreaRow,
    prefecture_name: String,
    components: Vec<(&'static str, String)>,
    upper: String,
    lower: String,
    can_write: bool,
    is_secondary: bool,
    error: Option<String>,
    error_form: &'static str,
    form_designation: String,
    form_reason: String,
    form_physicians: String,
    target_set: Option<String>,
    members: Vec<AreaRow>,
    flows_out: Vec<FlowView>,
    flows_in: Vec<FlowView>,
    audit: Vec<AuditRow>,
    /// P4.4 message when this prefecture's secondary targets break it.
    violation: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParams {
    done: Option<String>,
}

fn flash_of(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "override" => "区分の上書きを記録しました（監査ログに残ります）。",
            "override-cleared" => "上書きを解除しました。機械的な区分に戻ります。",
            "target" => "目標医師数を設定しました。",
            "target-cleared" => "設定した目標医師数を解除しました。計算値に戻ります。",
            _ => return None,
        }
        .to_string(),
    )
}

/// What a failed form submission brings back to the page.
#[derive(Default)]
struct FormState {
    error: Option<String>,
    which: &'static str,
    designation: String,
    reason: String,
    physicians: String,
}

async fn area_page(
    state: &AppState,
    session: &Session,
    code: &str,
    flash: Option<String>,
    form: FormState,
) -> Result<Response, PageError> {
    let view = state.plan.view();
    let a = view.area(code).ok_or_else(|| AppError::NotFound(format!("区域 {code:?} はありません")))?.clone();
    let level = if a.summary.level == "tertiary" { Level::Tertiary } else { Level::Secondary };
    let per = view.edition.index.per_population.value;
    let components = a
        .components
        .as_ref()
        .map(|c| {
            vec![
                ("標準化医師数", number(c.std_physicians, 1)),
                ("人口", number(c.population, 0)),
                ("標準化受療率比", number(c.std_utilization_ratio, 3)),
                (
                    "構成要素からの再計算（参考）: 標準化医師数 ÷ (人口/10万 × 標準化受療率比)",
                    number(c.std_physicians / (c.population / per * c.std_utilization_ratio), 1),
                ),
            ]
        })
        .unwrap_or_default();
    let members = view.areas_at(Level::Secondary).filter(|m| a.members.contains(&m.summary.code)).map(AreaRow::from);
    let filter = AuditFilter {
        entities: vec!["designation_override".into(), "target".into()],
        key_prefix: Some(code.to_string()),
        limit: Some(100),
    };
    let audit = state.store.audit_log(&filter).await?.into_iter().map(AuditRow::from).collect();
    let row = AreaRow::from(&a);
    let error_status = form.error.is_some();
    let mut response = render(&AreaPage {
        ctx: PageContext::new(format!("{} {}", a.summary.code, a.summary.name), Some(session), "areas")
            .with_flash(flash),
        prefecture_name: a.summary.prefecture.clone(),
        components,
        upper: opt_number(a.thresholds.upper, 1),
        lower: opt_number(a.thresholds.lower, 1),
        can_write: session.can_write_area(code),
        is_secondary: level == Level::Secondary,
        error: form.error,
        error_form: form.which,
        form_designation: if form.designation.is_empty() {
            a.override_.as_ref().map_or(a.summary.mechanical.key, |o| o.designation.key).to_string()
        } else {
            form.designation
        },
        form_reason: form.reason,
        form_physicians: form.physicians,
        target_set: a.target_detail.set.as_ref().map(|s| number(s.physicians, 1)),
        members: members.collect(),
        flows_out: a.dispatch_out.clone(),
        flows_in: a.dispatch_in.clone(),
        audit,
        violation: violations(&view).into_iter().find(|v| v.0 == code).map(|v| v.2),
        row,
        a,
    })?;
    if error_status {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn area(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Query(q): Query<DoneParams>,
) -> Result<Response, PageError> {
    area_page(&state, &session, &code, flash_of(q.done.as_deref()), FormState::default()).await
}

#[derive(Debug, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    designation: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    physicians: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Runs a decision; a refusal the user can fix comes back as the page with the message (422).
async fn decide(
    state: &AppState,
    session: &Session,
    code: &str,
    form: FormState,
    done: &str,
    action: impl Future<Output = Result<(), AppError>>,
) -> Result<Response, PageError> {
    match action.await {
        Ok(()) => Ok(Redirect::to(&format!("/plan/areas/{code}?done={done}")).into_response()),
        Err(e @ (AppError::BadRequest { .. } | AppError::NotFound(_) | AppError::Conflict(_)))
            if state.plan.view().area(code).is_some() =>
        {
            area_page(state, session, code, None, FormState { error: Some(e.to_string()), ..form }).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn override_submit(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Form(form): Form<OverrideForm>,
) -> Result<Response, PageError> {
    let kept = FormState {
        error: None,
        which: "override",
        designation: form.designation.clone(),
        reason: form.reason.clone(),
        physicians: String::new(),
    };
    let action = async {
        check_decision(&state, &session, &code, &form.reason, true)?;
        let designation = parse_designation(&form.designation)?;
        let change = session.change(state.now(), form.reason.trim());
        super::set_override(&state, &code, designation, &change).await
    };
    decide(&state, &session, &code, kept, "override", action).await
}

pub async fn override_clear(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, PageError> {
    let kept = FormState { which: "override-clear", reason: form.reason.clone(), ..Default::default() };
    let action = async {
        check_decision(&state, &session, &code, &form.reason, true)?;
        let change = session.change(state.now(), form.reason.trim());
        if super::clear_override(&state, &code, &change).await? {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("区域 {code} に上書きはありません")))
        }
    };
    decide(&state, &session, &code, kept, "override-cleared", action).await
}

pub async fn target_submit(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Form(form): Form<TargetForm>,
) -> Result<Response, PageError> {
    let kept = FormState {
        which: "target",
        reason: form.reason.clone(),
        physicians: form.physicians.clone(),
        ..Default::default()
    };
    let action = async {
        check_decision(&state, &session, &code, &form.reason, false)?;
        let text = form.physicians.trim().replace(',', "");
        let physicians: f64 = text
            .parse()
            .map_err(|_| AppError::bad("physicians", format!("目標医師数 {:?} は数ではありません", form.physicians)))?;
        check_physicians(physicians)?;
        let change = session.change(state.now(), form.reason.trim());
        super::set_target(&state, &code, physicians, &change).await
    };
    decide(&state, &session, &code, kept, "target", action).await
}

pub async fn target_clear(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, PageError> {
    let kept = FormState { which: "target-clear", reason: form.reason.clone(), ..Default::default() };
    let action = async {
        check_decision(&state, &session, &code, &form.reason, false)?;
        let change = session.change(state.now(), form.reason.trim());
        if super::clear_target(&state, &code, &change).await? {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("区域 {code} に設定した目標はありません")))
        }
    };
    decide(&state, &session, &code, kept, "target-cleared", action).await
}

#[derive(Template)]
#[template(path = "plan/dispatch.html")]
struct DispatchPage {
    ctx: PageContext,
    d: super::view::DispatchView,
    dispatch_json: String,
    total_cost: String,
}

pub async fn dispatch(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let view = state.plan.view();
    let d = view.dispatch.clone();
    let dispatch_json = embedded_json(&json!({ "flows": d.flows }));
    render(&DispatchPage {
        ctx: PageContext::new("派遣案", Some(&session), "dispatch"),
        total_cost: number(d.total_cost as f64, 0),
        dispatch_json,
        d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number(1234567.891, 1), "1,234,567.9");
        assert_eq!(number(-1234.0, 0), "-1,234");
        assert_eq!(number(12.0, 1), "12.0");
        assert_eq!(opt_number(None, 1), "—");
    }

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let text = embedded_json(&json!({"name": "</script><script>alert(1)</script>"}));
        assert!(!text.contains("</"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
