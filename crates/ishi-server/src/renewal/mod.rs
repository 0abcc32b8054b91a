//! 専門医更新 over HTTP: specialists, ledgers, evaluations, what is left, forms, committee decisions, imports.
//!
//! The server stores the roster and ledger rows as written and hands them to the renewal engine
//! through the same readers as `ishi renew` ([`ishi_io::renewal_records`]): an entry typed on a form,
//! a file uploaded and a file given to the command line are checked by the same code (X3). Who may
//! see what (X4): a specialist their own ledger only; the committee and the admin every ledger; only
//! the specialist and the admin write a ledger; the committee and the admin import rosters and record
//! decisions (個別審査). A specialist asking for another's ledger — or for one that does not exist —
//! gets the same 403, so ids cannot be probed.
//!
//! Evaluations and plans are cached per specialist as the JSON bytes served, and dropped on every
//! change to that specialist's ledger or to the roster ([`RenewalState`]).

mod api;
mod pages;
pub mod service;

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::routing::{get, post};
use ishi_calendar::CalendarDate;
use ishi_renewal::RuleBook;
use ishi_store::Store;

use crate::error::AppError;
use crate::state::AppState;

pub use api::RenewalApi;

/// JSON answers kept per specialist until their ledger or the roster changes (or the day changes).
#[derive(Default)]
struct JsonCache {
    entries: RwLock<HashMap<String, (CalendarDate, Bytes)>>,
}

impl JsonCache {
    fn get(&self, id: &str, today: CalendarDate) -> Option<Bytes> {
        let map = self.entries.read().ok()?;
        map.get(id).filter(|(day, _)| *day == today).map(|(_, b)| b.clone())
    }
}

/// The renewal rules and what is cached of evaluations.
pub struct RenewalState {
    /// The built-in rule editions (FY2015–).
    pub book: RuleBook,
    evaluations: JsonCache,
    remaining: JsonCache,
    /// Bumped on every invalidation: an answer computed from data read before a change is not cached.
    generation: AtomicU64,
}

impl Default for RenewalState {
    fn default() -> Self {
        Self::new()
    }
}

/// Which cached answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    Evaluation,
    Remaining,
}

/// Entries kept at most; beyond, the cache starts over (a national roster is a few thousand).
const CACHE_LIMIT: usize = 200_000;

impl RenewalState {
    pub fn new() -> Self {
        RenewalState {
            book: RuleBook::builtin(),
            evaluations: JsonCache::default(),
            remaining: JsonCache::default(),
            generation: AtomicU64::new(0),
        }
    }

    fn cache(&self, which: Cached) -> &JsonCache {
        match which {
            Cached::Evaluation => &self.evaluations,
            Cached::Remaining => &self.remaining,
        }
    }

    /// The cached answer for `id` as of `today`, if any.
    pub fn cached(&self, which: Cached, id: &str, today: CalendarDate) -> Option<Bytes> {
        self.cache(which).get(id, today)
    }

    /// Read before loading what an answer is computed from; pass to [`RenewalState::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Caches an answer computed from data read at `generation`, unless something changed since.
    pub fn put(&self, which: Cached, id: &str, generation: u64, today: CalendarDate, bytes: Bytes) {
        if let Ok(mut map) = self.cache(which).entries.write()
            && self.generation.load(Ordering::Acquire) == generation
        {
            if map.len() >= CACHE_LIMIT {
                map.clear();
            }
            map.insert(id.to_string(), (today, bytes));
        }
    }

    /// Drops what is cached of `id` (after their ledger changed).
    pub fn invalidate(&self, id: &str) {
        for cache in [&self.evaluations, &self.remaining] {
            if let Ok(mut map) = cache.entries.write() {
                self.generation.fetch_add(1, Ordering::AcqRel);
                map.remove(id);
            }
        }
    }

    /// Drops everything cached (after a roster import).
    pub fn invalidate_all(&self) {
        for cache in [&self.evaluations, &self.remaining] {
            if let Ok(mut map) = cache.entries.write() {
                self.generation.fetch_add(1, Ordering::AcqRel);
                map.clear();
            }
        }
    }
}

/// Puts the fictional example roster shipped in `examples/renewal/` (five specialists, labelled
/// SYNTHETIC) into a database that has never had a roster; true when it did.
pub async fn seed(store: &Store, at: &str) -> Result<bool, AppError> {
    service::seed_example(store, at).await
}

/// `/api/…` routes of the renewal.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/api/specialists", get(api::specialists))
        .route("/api/specialists/{id}", get(api::specialist))
        .route("/api/specialists/{id}/ledger", get(api::ledger).post(api::add_entry))
        .route("/api/specialists/{id}/ledger/import", post(api::import_ledger))
        .route("/api/specialists/{id}/ledger/{entry_id}", axum::routing::delete(api::delete_entry))
        .route("/api/specialists/{id}/evaluation", get(api::evaluation))
        .route("/api/specialists/{id}/remaining", get(api::remaining))
        .route("/api/specialists/{id}/forms.xlsx", get(api::forms_xlsx))
        .route("/api/specialists/{id}/forms.pdf", get(api::forms_pdf))
        .route("/api/committee/{fiscal_year}", get(api::committee))
        .route("/api/committee/{fiscal_year}/decisions/{id}", axum::routing::put(api::set_decision))
        .route("/api/imports", get(api::imports))
        .route("/api/imports/roster", post(api::import_roster))
        .route("/api/exports/verdicts.csv", get(api::verdicts_csv))
}

/// HTML pages of the renewal.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/renewal/specialists/{id}", get(pages::specialist_page))
        .route("/renewal/specialists/{id}/ledger", post(pages::add_entry_submit))
        .route("/renewal/specialists/{id}/ledger/import", post(pages::import_ledger_submit))
        .route("/renewal/specialists/{id}/ledger/{entry_id}/delete", post(pages::delete_entry_submit))
        .route("/renewal/committee", get(pages::committee_page))
        .route("/renewal/committee/import", post(pages::import_roster_submit))
        .route("/renewal/committee/{fiscal_year}/decisions/{id}", post(pages::decision_submit))
}
