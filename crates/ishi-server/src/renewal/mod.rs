//! 専門医更新 over HTTP: specialists, ledgers, evaluations, what is left, forms, committee decisions, imports.

use crate::state::AppState;
use axum::Router;

/// The renewal rules and what is cached of evaluations.
pub struct RenewalState {}

impl RenewalState {
    pub fn new() -> Self {
        RenewalState {}
    }
}

/// `/api/…` routes of the renewal.
pub fn api_routes() -> Router<AppState> {
    Router::new()
}

/// HTML pages of the renewal.
pub fn page_routes() -> Router<AppState> {
    Router::new()
}

/// The plan's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi()]
pub struct RenewalApi;
