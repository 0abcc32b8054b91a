//! 医師確保計画 over HTTP: areas, designations and their overrides, targets, policy, dispatch.
//!
//! [`PlanState`] holds the plan computed by the engines ([`view::PlanView`]) on the seeded dataset and
//! the prefectures' decisions; a decision is checked by computing the plan with it before it is
//! stored, so a stored decision never leaves the workspace without a plan.

mod api;
mod pages;
pub mod view;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::routing::{get, post, put};
use ishi_io::shipped::{PREFECTURES_2024_CSV, SECONDARY_AREAS_2024_CSV, SOURCE_2024};
use ishi_store::{AreaTargetRecord, Change, DesignationOverride, Store};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;
pub use view::PlanView;

/// The dataset every new database is seeded with.
pub const DATASET_ID: &str = "mhlw-2024";
/// The rule edition the workspace designates under.
pub const EDITION_ID: &str = "2024";

fn shipped_sha256() -> String {
    let mut h = Sha256::new();
    h.update(SECONDARY_AREAS_2024_CSV.as_bytes());
    h.update(PREFECTURES_2024_CSV.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Puts the shipped official data into a new database (first start); true when it did.
pub async fn seed(store: &Store, at: &str) -> Result<bool, AppError> {
    Ok(store
        .seed_dataset(DATASET_ID, SOURCE_2024, SECONDARY_AREAS_2024_CSV, PREFECTURES_2024_CSV, &shipped_sha256(), at)
        .await?)
}

/// The plan computed from the stored dataset and the prefectures' decisions, kept until a decision
/// changes.
pub struct PlanState {
    view: RwLock<Arc<PlanView>>,
    /// One decision at a time: check, store, recompute, swap.
    writing: tokio::sync::Mutex<()>,
}

impl PlanState {
    pub async fn load(store: &Store) -> Result<Self, AppError> {
        let view = compute(store, None).await?;
        Ok(PlanState { view: RwLock::new(Arc::new(view)), writing: tokio::sync::Mutex::new(()) })
    }

    /// The plan as it stands.
    pub fn view(&self) -> Arc<PlanView> {
        self.view.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn replace(&self, view: PlanView) {
        *self.view.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(view);
    }
}

/// A decision about to be made, to check against the engines before it is stored.
enum Pending<'a> {
    Override { code: &'a str, designation: &'a str, change: &'a Change },
    Target { code: &'a str, physicians: f64, change: &'a Change },
}

async fn compute(store: &Store, pending: Option<&Pending<'_>>) -> Result<PlanView, AppError> {
    let dataset = store
        .dataset(DATASET_ID)
        .await?
        .ok_or_else(|| AppError::Internal(format!("the database has no dataset {DATASET_ID:?}; it was not seeded")))?;
    if dataset.sha256 != shipped_sha256() {
        return Err(AppError::Internal(format!(
            "the database was seeded with another copy of {DATASET_ID} (sha256 {}) than this build ships",
            dataset.sha256
        )));
    }
    let mut overrides = store.designation_overrides().await?;
    let mut targets = store.area_targets().await?;
    match pending {
        Some(Pending::Override { code, designation, change }) => {
            overrides.retain(|o| o.area_code != *code);
            overrides.push(DesignationOverride {
                area_code: code.to_string(),
                designation: designation.to_string(),
                reason: change.reason.clone(),
                set_by: change.user_id.unwrap_or_default(),
                set_by_login: change.login.clone(),
                set_at: change.at.clone(),
            });
        }
        Some(Pending::Target { code, physicians, change }) => {
            targets.retain(|t| t.area_code != *code);
            targets.push(AreaTargetRecord {
                area_code: code.to_string(),
                physicians: *physicians,
                reason: change.reason.clone(),
                set_by: change.user_id.unwrap_or_default(),
                set_by_login: change.login.clone(),
                set_at: change.at.clone(),
            });
        }
        None => {}
    }
    let decisions = view::Decisions { overrides: &overrides, targets: &targets };
    PlanView::compute(EDITION_ID, dataset, &decisions)
}

/// Sets an override (P3.3) after checking that the engines accept it.
pub async fn set_override(state: &AppState, code: &str, designation: &str, change: &Change) -> Result<(), AppError> {
    let _guard = state.plan.writing.lock().await;
    // The plan with the decision is computed before it is stored: a refusal stores nothing, and the
    // view computed is the one that stands once it is stored.
    let view = compute(&state.store, Some(&Pending::Override { code, designation, change })).await?;
    state.store.set_designation_override(code, designation, change).await?;
    state.plan.replace(view);
    Ok(())
}

/// Clears an override; false when there was none.
pub async fn clear_override(state: &AppState, code: &str, change: &Change) -> Result<bool, AppError> {
    let _guard = state.plan.writing.lock().await;
    let cleared = state.store.clear_designation_override(code, change).await?.is_some();
    if cleared {
        state.plan.replace(compute(&state.store, None).await?);
    }
    Ok(cleared)
}

/// Sets a target (P4.2) after checking that the engines accept it.
pub async fn set_target(state: &AppState, code: &str, physicians: f64, change: &Change) -> Result<(), AppError> {
    let _guard = state.plan.writing.lock().await;
    let view = compute(&state.store, Some(&Pending::Target { code, physicians, change })).await?;
    state.store.set_area_target(code, physicians, change).await?;
    state.plan.replace(view);
    Ok(())
}

pub async fn clear_target(state: &AppState, code: &str, change: &Change) -> Result<bool, AppError> {
    let _guard = state.plan.writing.lock().await;
    let cleared = state.store.clear_area_target(code, change).await?.is_some();
    if cleared {
        state.plan.replace(compute(&state.store, None).await?);
    }
    Ok(cleared)
}

/// `/api/…` routes of the plan.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/api/plan/editions", get(api::editions))
        .route("/api/plan/edition", get(api::edition))
        .route("/api/areas", get(api::areas))
        .route("/api/areas/{code}", get(api::area))
        .route("/api/areas/{code}/override", put(api::put_override).delete(api::delete_override))
        .route("/api/areas/{code}/target", put(api::put_target).delete(api::delete_target))
        .route("/api/plan/policy", get(api::policy))
        .route("/api/plan/dispatch", get(api::dispatch))
        .route("/api/plan/export.csv", get(api::export_csv))
        .route("/api/plan/export.xlsx", get(api::export_xlsx))
}

/// HTML pages of the plan.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/plan", get(pages::overview))
        .route("/plan/areas", get(pages::areas))
        .route("/plan/areas/{code}", get(pages::area))
        .route("/plan/areas/{code}/override", post(pages::override_submit))
        .route("/plan/areas/{code}/override/clear", post(pages::override_clear))
        .route("/plan/areas/{code}/target", post(pages::target_submit))
        .route("/plan/areas/{code}/target/clear", post(pages::target_clear))
        .route("/plan/dispatch", get(pages::dispatch))
}

/// The plan's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        api::editions,
        api::edition,
        api::areas,
        api::area,
        api::put_override,
        api::delete_override,
        api::put_target,
        api::delete_target,
        api::policy,
        api::dispatch,
        api::export_csv,
        api::export_xlsx
    ),
    components(schemas(
        view::AreaSummary,
        view::AreaDetail,
        view::DesignationView,
        view::ComponentsView,
        view::OverrideView,
        view::SetTargetView,
        view::TargetView,
        view::PolicyView,
        view::RecruitmentView,
        view::FlowView,
        view::UnmetView,
        view::ThresholdsView,
        view::DispatchView,
        api::EditionInfo,
        api::EditionDetail,
        api::OverrideRequest,
        api::TargetRequest,
        api::ReasonRequest,
        api::PolicyRow
    ))
)]
pub struct PlanApi;
