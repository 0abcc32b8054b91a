//! The ishi workspace over HTTP: the JSON API (`/api/…`, described at `/api/openapi.json`), the
//! Japanese server-rendered pages, accounts with roles, and the audit log.
//!
//! - [`serve`] runs the server on a [`Config`]; [`open_store`] prepares the database (migrate, seed
//!   the shipped official data, make the first admin) and is what `ishi serve` and `ishi user add`
//!   share.
//! - [`router`] builds the whole application on an [`AppState`], which is how the tests drive it
//!   without a socket.
//! - The engines do the work: `ishi-plan` designates, targets, derives policy and dispatch;
//!   `ishi-renewal` evaluates ledgers and plans what is left; `ishi-forms` writes the forms. This
//!   crate stores, authorizes, renders and serves; it decides nothing of the rules.
//!
//! Architecture invariant: the clock is read in one place ([`clock::SystemClock`]) and handed to the
//! engines as a date; every change to a designation, target, override, ledger or decision goes
//! through `ishi-store` with its audit record in the same transaction.

pub mod accounts;
mod api;
mod assets;
pub mod auth;
pub mod clock;
mod encode;
pub mod error;
mod pages;
pub mod plan;
pub mod renewal;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use ishi_store::{Change, Store};

pub use accounts::AccountRequest;
pub use api::openapi;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;
pub use state::{AppState, ServerSettings};

/// How `ishi serve` was started.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub settings: ServerSettings,
    /// Import the fictional example roster (`examples/renewal`) into a database without specialists.
    pub examples: bool,
}

/// The database URL of the embedded default: `ishi.db` in `data_dir`.
pub fn sqlite_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("ishi.db").display())
}

/// The per-user data directory (`$XDG_DATA_HOME/ishi`, else `~/.local/share/ishi`).
pub fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("ishi");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/ishi"),
        None => PathBuf::from(".ishi"),
    }
}

/// What the first start did, for the operator.
#[derive(Debug, Default)]
pub struct Prepared {
    pub migrations_applied: Vec<i64>,
    pub seeded: bool,
}

/// Opens the database at `url`, migrates it and, on first start, seeds the shipped official data.
pub async fn open_store(url: &str, now: &str) -> Result<(Store, Prepared), AppError> {
    let store = Store::open(url).await?;
    let migrations_applied = store.migrate().await?;
    let seeded = plan::seed(&store, now).await?;
    Ok((store, Prepared { migrations_applied, seeded }))
}

/// Makes the first admin when there is no account at all; returns the generated password, shown
/// once on the operator's terminal.
pub async fn bootstrap_admin(store: &Store, now: &str) -> Result<Option<String>, AppError> {
    if store.user_count().await? > 0 {
        return Ok(None);
    }
    let password = auth::random_token()[..20].to_string();
    let request = AccountRequest {
        login: "admin".into(),
        display_name: "管理者".into(),
        role: "admin".into(),
        prefecture_code: None,
        specialist_id: None,
        password: password.clone(),
    };
    let change =
        Change {
            user_id: None, login: "system".into(), at: now.into(), reason: "初回起動で最初の管理者を作成".into()
        };
    accounts::create_account(store, &request, &change).await?;
    Ok(Some(password))
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let core_api = Router::new()
        .route("/api/session", post(api::create_session).delete(api::delete_session))
        .route("/api/me", get(api::me))
        .route("/api/audit", get(api::audit))
        .route("/api/users", get(api::users).post(api::create_user))
        .route("/api/openapi.json", get(api::openapi_json));
    let core_pages = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login_submit))
        .route("/logout", post(pages::logout))
        .route("/audit", get(pages::audit_page))
        .route("/admin/users", get(pages::users_page).post(pages::users_submit))
        .route("/assets/{*path}", get(assets::asset))
        .route("/healthz", get(|| async { "ok" }));
    Router::new()
        .merge(core_api)
        .merge(core_pages)
        .merge(plan::api_routes())
        .merge(plan::page_routes())
        .merge(renewal::api_routes())
        .merge(renewal::page_routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024))
        .with_state(state)
}

/// Runs the server until Ctrl-C / SIGTERM.
pub async fn serve(config: Config, clock: Arc<dyn Clock>) -> Result<(), AppError> {
    let now = clock::rfc3339(clock.unix_seconds());
    let (store, prepared) = open_store(&config.database_url, &now).await?;
    if !prepared.migrations_applied.is_empty() {
        eprintln!("database: applied migrations {:?}", prepared.migrations_applied);
    }
    if prepared.seeded {
        eprintln!("database: seeded the shipped official data ({})", ishi_io::shipped::SOURCE_2024);
    }
    if config.examples && renewal::seed(&store, &now).await? {
        eprintln!("database: imported the FICTIONAL example roster of examples/renewal (架空…; not real people)");
    }
    if let Some(password) = bootstrap_admin(&store, &now).await? {
        eprintln!(
            "最初の管理者を作成しました / created the first admin:\n  login: admin\n  password: {password}\n\
             (shown once; log in and create the other accounts at /admin/users)"
        );
    }
    let state = AppState::new(store, clock, config.settings.clone()).await?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", config.addr)))?;
    eprintln!("ishi serve: http://{}/", config.addr);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
