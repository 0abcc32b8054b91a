//! The plan's JSON API. Reads come from the computed [`PlanView`]; changes go through
//! [`super::set_override`] and friends (checked by the engines, stored with their audit record).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ishi_plan::{Designation, Level, RuleEdition};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{
    AreaDetail, AreaSummary, DesignationView, DispatchView, PolicyView, ThresholdsView, designation_key, level_key,
};
use super::{EDITION_ID, PlanView};
use crate::auth::Session;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

/// A shipped rule edition.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionInfo {
    pub id: String,
    pub name: String,
    /// First day it applies (YYYY-MM-DD).
    pub effective_from: String,
    pub source: String,
    /// The edition the workspace designates under.
    pub in_use: bool,
}

/// The edition in use with the figures that come from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionDetail {
    #[serde(flatten)]
    pub edition: EditionInfo,
    pub plan_start_year: i32,
    pub plan_end_year: i32,
    pub future_year: i32,
    /// 人口10万人対.
    pub per_population: f64,
    /// 全国値 of the index.
    pub national_value: f64,
    pub secondary_thresholds: ThresholdsView,
    pub tertiary_thresholds: ThresholdsView,
    /// Decided designations: `{"secondary": {"abundant": n, …}, "tertiary": {…}}`.
    #[schema(value_type = Object)]
    pub counts: serde_json::Value,
    /// The seeded dataset: id, source, sha256, when.
    #[schema(value_type = Object)]
    pub dataset: serde_json::Value,
    /// P4.4 violations of the current targets.
    #[schema(value_type = Vec<Object>)]
    pub violations: Vec<serde_json::Value>,
}

fn edition_info(e: &RuleEdition) -> EditionInfo {
    EditionInfo {
        id: e.id.clone(),
        name: e.name.clone(),
        effective_from: e.effective_from.to_string(),
        source: e.source.clone(),
        in_use: e.id == EDITION_ID,
    }
}

/// The shipped rule editions.
#[utoipa::path(get, path = "/api/plan/editions", tag = "plan",
    responses((status = 200, body = Vec<EditionInfo>), (status = 401, body = ErrorBody)))]
pub async fn editions(_session: Session) -> Json<Vec<EditionInfo>> {
    Json(RuleEdition::all_builtin().iter().map(edition_info).collect())
}

/// The edition in use, its thresholds and the seeded dataset.
#[utoipa::path(get, path = "/api/plan/edition", tag = "plan",
    responses((status = 200, body = EditionDetail), (status = 401, body = ErrorBody)))]
pub async fn edition(State(state): State<AppState>, _session: Session) -> Json<EditionDetail> {
    let view = state.plan.view();
    Json(edition_detail(&view))
}

pub fn edition_detail(view: &PlanView) -> EditionDetail {
    let counts = |level: Level| {
        let mut c = serde_json::Map::new();
        for d in [Designation::Abundant, Designation::Intermediate, Designation::Scarce] {
            let n = view.areas_at(level).filter(|a| a.summary.decided.key == designation_key(d)).count();
            c.insert(designation_key(d).into(), n.into());
        }
        serde_json::Value::Object(c)
    };
    let e = &view.edition;
    EditionDetail {
        edition: edition_info(e),
        plan_start_year: e.plan.start_year.value,
        plan_end_year: e.plan.end_year.value,
        future_year: e.plan.future_year.value,
        per_population: e.index.per_population.value,
        national_value: view.national,
        secondary_thresholds: view.thresholds(Level::Secondary).into(),
        tertiary_thresholds: view.thresholds(Level::Tertiary).into(),
        counts: serde_json::json!({"secondary": counts(Level::Secondary), "tertiary": counts(Level::Tertiary)}),
        dataset: serde_json::json!({
            "id": view.dataset.id,
            "source": view.dataset.source,
            "sha256": view.dataset.sha256,
            "seeded_at": view.dataset.seeded_at,
        }),
        violations: view.violations.clone(),
    }
}

/// Filters of the area list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// `secondary` (default) or `tertiary`.
    pub level: Option<String>,
    /// Prefecture code (`01`–`47`).
    pub pref: Option<String>,
    /// Decided designation: `abundant`, `intermediate`, `scarce`.
    pub designation: Option<String>,
}

pub fn parse_level(level: Option<&str>) -> Result<Level, AppError> {
    match level.unwrap_or("secondary") {
        "" | "secondary" => Ok(Level::Secondary),
        "tertiary" | "prefecture" => Ok(Level::Tertiary),
        other => Err(AppError::bad("level", format!("level {other:?} は secondary か tertiary を指定してください"))),
    }
}

impl AreaQuery {
    /// The areas of `view` that pass the filters, in code order.
    pub fn select<'v>(&self, view: &'v PlanView) -> Result<Vec<&'v AreaDetail>, AppError> {
        let level = parse_level(self.level.as_deref())?;
        let pref = self.pref.as_deref().filter(|p| !p.is_empty());
        if let Some(p) = pref
            && (p.len() != 2 || ishi_plan::area::Prefecture::by_code(p).is_none())
        {
            return Err(AppError::bad("pref", format!("都道府県コード {p:?} は 01〜47 の2桁で指定してください")));
        }
        let designation = self.designation.as_deref().filter(|d| !d.is_empty());
        if let Some(d) = designation
            && super::view::designation_from_key(d).is_none()
        {
            return Err(AppError::bad(
                "designation",
                format!("区分 {d:?} は abundant・intermediate・scarce のいずれかを指定してください"),
            ));
        }
        Ok(view
            .areas_at(level)
            .filter(|a| pref.is_none_or(|p| a.summary.prefecture_code == p))
            .filter(|a| designation.is_none_or(|d| a.summary.decided.key == d))
            .collect())
    }
}

/// Areas with their index, rank, mechanical, decided and future designation, and target.
#[utoipa::path(get, path = "/api/areas", tag = "plan", params(AreaQuery),
    responses((status = 200, body = Vec<AreaSummary>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn areas(
    State(state): State<AppState>,
    _session: Session,
    Query(q): Query<AreaQuery>,
) -> Result<Json<Vec<AreaSummary>>, AppError> {
    let view = state.plan.view();
    Ok(Json(q.select(&view)?.into_iter().map(|a| a.summary.clone()).collect()))
}

fn not_found(code: &str) -> AppError {
    AppError::NotFound(format!("区域 {code:?} はありません（二次医療圏は4桁、都道府県は2桁のコード）"))
}

/// One area: index components, designations, override, target, policy and dispatch.
#[utoipa::path(get, path = "/api/areas/{code}", tag = "plan",
    params(("code" = String, Path, description = "二次医療圏 (4 digits) or 都道府県 (2 digits) code")),
    responses((status = 200, body = AreaDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn area(
    State(state): State<AppState>,
    _session: Session,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    area_answer(&state, &code)
}

fn area_answer(state: &AppState, code: &str) -> Result<Response, AppError> {
    let view = state.plan.view();
    let bytes = view.area_json.get(code).cloned().ok_or_else(|| not_found(code))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// A designation decided against the mechanical one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OverrideRequest {
    /// `abundant`, `intermediate`, `scarce` (or 多数・中程度・少数).
    pub designation: String,
    /// Why (required, P3.3).
    pub reason: String,
}

/// A target set by the prefecture.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TargetRequest {
    /// 目標医師数.
    pub physicians: f64,
    pub reason: String,
}

/// Why a decision is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

/// The checks every decision shares: the area exists (at the right level) and may be changed by
/// this session, and a reason is written.
pub fn check_decision(
    state: &AppState,
    session: &Session,
    code: &str,
    reason: &str,
    secondary_only: bool,
) -> Result<(), AppError> {
    let view = state.plan.view();
    let area = view.area(code).ok_or_else(|| not_found(code))?;
    session.require_area_write(code)?;
    if secondary_only && area.summary.level != level_key(Level::Secondary) {
        return Err(AppError::bad(
            "code",
            format!("{code} は都道府県です。区分の上書き（P3.3）は二次医療圏についてのみ行えます"),
        ));
    }
    if reason.trim().is_empty() {
        return Err(AppError::bad("reason", "理由を記入してください（P3.3: 上書きには理由の記録が必要です）"));
    }
    Ok(())
}

pub fn parse_designation(text: &str) -> Result<&'static str, AppError> {
    Designation::parse(text).map(designation_key).ok_or_else(|| {
        AppError::bad("designation", format!("区分 {text:?} は abundant・intermediate・scarce のいずれかです"))
    })
}

pub fn check_physicians(physicians: f64) -> Result<(), AppError> {
    if (0.0..1.0e7).contains(&physicians) {
        Ok(())
    } else {
        Err(AppError::bad("physicians", format!("目標医師数 {physicians} は0以上の数で指定してください")))
    }
}

/// Decides the designation of a secondary area against the mechanical one (P3.3). Admin, or the planner
/// of the area's prefecture.
#[utoipa::path(put, path = "/api/areas/{code}/override", tag = "plan", request_body = OverrideRequest,
    params(("code" = String, Path, description = "二次医療圏 code")),
    responses((status = 200, body = AreaDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_override(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Json(req): Json<OverrideRequest>,
) -> Result<Response, AppError> {
    check_decision(&state, &session, &code, &req.reason, true)?;
    let designation = parse_designation(&req.designation)?;
    let change = session.change(state.now(), req.reason.trim());
    super::set_override(&state, &code, designation, &change).await?;
    area_answer(&state, &code)
}

/// Withdraws an override: the mechanical designation applies again.
#[utoipa::path(delete, path = "/api/areas/{code}/override", tag = "plan", request_body = ReasonRequest,
    params(("code" = String, Path, description = "二次医療圏 code")),
    responses((status = 200, body = AreaDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_override(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Json(req): Json<ReasonRequest>,
) -> Result<Response, AppError> {
    check_decision(&state, &session, &code, &req.reason, true)?;
    let change = session.change(state.now(), req.reason.trim());
    if !super::clear_override(&state, &code, &change).await? {
        return Err(AppError::NotFound(format!("区域 {code} に上書きはありません")));
    }
    area_answer(&state, &code)
}

/// Sets the area's 目標医師数 (P4.2). Admin, or the planner of the area's prefecture.
#[utoipa::path(put, path = "/api/areas/{code}/target", tag = "plan", request_body = TargetRequest,
    params(("code" = String, Path, description = "二次医療圏 or 都道府県 code")),
    responses((status = 200, body = AreaDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_target(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Json(req): Json<TargetRequest>,
) -> Result<Response, AppError> {
    check_decision(&state, &session, &code, &req.reason, false)?;
    check_physicians(req.physicians)?;
    let change = session.change(state.now(), req.reason.trim());
    super::set_target(&state, &code, req.physicians, &change).await?;
    area_answer(&state, &code)
}

/// Withdraws a target set by the prefecture: the computed one applies again.
#[utoipa::path(delete, path = "/api/areas/{code}/target", tag = "plan", request_body = ReasonRequest,
    params(("code" = String, Path, description = "二次医療圏 or 都道府県 code")),
    responses((status = 200, body = AreaDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_target(
    State(state): State<AppState>,
    session: Session,
    Path(code): Path<String>,
    Json(req): Json<ReasonRequest>,
) -> Result<Response, AppError> {
    check_decision(&state, &session, &code, &req.reason, false)?;
    let change = session.change(state.now(), req.reason.trim());
    if !super::clear_target(&state, &code, &change).await? {
        return Err(AppError::NotFound(format!("区域 {code} に都道府県が設定した目標はありません")));
    }
    area_answer(&state, &code)
}

/// One area's policy with the statuses it rests on.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyRow {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub current: DesignationView,
    pub future: DesignationView,
    pub policy: PolicyView,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelQuery {
    /// `secondary` (default) or `tertiary`.
    pub level: Option<String>,
}

/// 医師の確保の方針 (P6) of every area at a level: short- and long-term measures and recruitment permissions.
#[utoipa::path(get, path = "/api/plan/policy", tag = "plan", params(LevelQuery),
    responses((status = 200, body = Vec<PolicyRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn policy(
    State(state): State<AppState>,
    _session: Session,
    Query(q): Query<LevelQuery>,
) -> Result<Json<Vec<PolicyRow>>, AppError> {
    let level = parse_level(q.level.as_deref())?;
    let view = state.plan.view();
    Ok(Json(
        view.areas_at(level)
            .filter_map(|a| {
                Some(PolicyRow {
                    code: a.summary.code.clone(),
                    name: a.summary.name.clone(),
                    level: a.summary.level,
                    current: a.summary.decided.clone(),
                    future: a.summary.future.clone(),
                    policy: a.policy.clone()?,
                })
            })
            .collect(),
    ))
}

/// The dispatch proposal (P7) on the current designations and targets.
#[utoipa::path(get, path = "/api/plan/dispatch", tag = "plan",
    responses((status = 200, body = DispatchView), (status = 401, body = ErrorBody)))]
pub async fn dispatch(State(state): State<AppState>, _session: Session) -> Json<DispatchView> {
    Json(state.plan.view().dispatch.clone())
}

fn attachment(content_type: &'static str, file_name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The plan table (the CLI's CSV contract, UTF-8 with BOM) with the current overrides.
#[utoipa::path(get, path = "/api/plan/export.csv", tag = "plan", params(LevelQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    _session: Session,
    Query(q): Query<LevelQuery>,
) -> Result<Response, AppError> {
    let level = parse_level(q.level.as_deref())?;
    let view = state.plan.view();
    let bytes = ishi_io::export::plan_table_csv(view.table(level));
    Ok(attachment("text/csv; charset=utf-8", format!("ishi-plan-{}.csv", level_key(level)), bytes))
}

/// The plan table as an Excel workbook.
#[utoipa::path(get, path = "/api/plan/export.xlsx", tag = "plan", params(LevelQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    _session: Session,
    Query(q): Query<LevelQuery>,
) -> Result<Response, AppError> {
    let level = parse_level(q.level.as_deref())?;
    let view = state.plan.view();
    let bytes = ishi_io::export::plan_table_xlsx(view.table(level), ishi_io::shipped::SOURCE_2024)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("ishi-plan-{}.xlsx", level_key(level)),
        bytes,
    ))
}
