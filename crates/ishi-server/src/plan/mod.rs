//! 医師確保計画 over HTTP: areas, designations and their overrides, targets, policy, dispatch.

use axum::Router;
use ishi_store::Store;

use crate::error::AppError;
use crate::state::AppState;

/// The plan computed from the stored dataset and the prefectures' decisions, kept until a decision
/// changes.
pub struct PlanState {}

impl PlanState {
    pub async fn load(_store: &Store) -> Result<Self, AppError> {
        Ok(PlanState {})
    }
}

/// Puts the shipped official data into a new database (first start); true when it did.
pub async fn seed(_store: &Store, _at: &str) -> Result<bool, AppError> {
    Ok(false)
}

/// `/api/…` routes of the plan.
pub fn api_routes() -> Router<AppState> {
    Router::new()
}

/// HTML pages of the plan.
pub fn page_routes() -> Router<AppState> {
    Router::new()
}

/// The plan's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct PlanApi;
