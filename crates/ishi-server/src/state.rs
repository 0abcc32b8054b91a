//! What every request shares: the store, the clock, the session cache and the engines' cached results.

use std::ops::Deref;
use std::sync::Arc;

use ishi_store::Store;

use crate::auth::SessionCache;
use crate::clock::SharedClock;
use crate::error::AppError;

/// Settings of a running server that requests need.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Mark the session cookie `Secure` (off only for plain-HTTP development and tests).
    pub secure_cookies: bool,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub clock: SharedClock,
    pub sessions: SessionCache,
    pub config: ServerSettings,
    /// A hash to verify against when the login is unknown (constant-time refusal).
    pub dummy_hash: String,
    pub plan: crate::plan::PlanState,
    pub renewal: crate::renewal::RenewalState,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State on a migrated and seeded store.
    pub async fn new(store: Store, clock: SharedClock, config: ServerSettings) -> Result<Self, AppError> {
        let plan = crate::plan::PlanState::load(&store).await?;
        let renewal = crate::renewal::RenewalState::new();
        let dummy_hash = crate::auth::hash_password("not a password of anyone")?;
        Ok(AppState(Arc::new(Inner {
            store,
            clock,
            sessions: SessionCache::default(),
            config,
            dummy_hash,
            plan,
            renewal,
        })))
    }

    /// RFC 3339 UTC now.
    pub fn now(&self) -> String {
        crate::clock::rfc3339(self.clock.unix_seconds())
    }

    /// Today in Japan: the reference date handed to the engines.
    pub fn today(&self) -> ishi_calendar::CalendarDate {
        crate::clock::japan_date(self.clock.unix_seconds())
    }
}
