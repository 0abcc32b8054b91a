//! Fresh databases for tests: the same test runs on SQLite always and on PostgreSQL when
//! `ISHI_TEST_DATABASE_URL` names a server where the user may create databases (`.ci/run` starts
//! one and sets `ISHI_REQUIRE_POSTGRES=1`, so that a missing server fails the run instead of
//! skipping half the tests).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::{Backend, Store, StoreError};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A database made for one test; SQLite files are removed and PostgreSQL databases dropped on
/// [`TestDatabase::cleanup`] (a panicking test leaves them behind for inspection).
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    file: Option<PathBuf>,
    admin_url: Option<String>,
    name: String,
}

impl TestDatabase {
    /// A new, empty (not migrated) database on `backend`; `None` when PostgreSQL is not configured
    /// and not required.
    pub async fn create(backend: Backend) -> Option<TestDatabase> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("ishi_test_{}_{}_{n}", std::process::id(), nanos());
        match backend {
            Backend::Sqlite => {
                let file = std::env::temp_dir().join(format!("{name}.db"));
                Some(TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", file.display()),
                    backend,
                    file: Some(file),
                    admin_url: None,
                    name,
                })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("ISHI_TEST_DATABASE_URL") else {
                    assert!(
                        std::env::var("ISHI_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                        "ISHI_REQUIRE_POSTGRES=1 but ISHI_TEST_DATABASE_URL is not set \
                         (start one with `eval \"$(scripts/postgres-test-server.sh start)\"`)"
                    );
                    eprintln!("note: ISHI_TEST_DATABASE_URL is not set; skipping the PostgreSQL run of this test");
                    return None;
                };
                let admin = Store::open(&admin_url).await.expect("connect to ISHI_TEST_DATABASE_URL");
                sqlx::raw_sql(crate::dynamic(format!("CREATE DATABASE {name}")))
                    .execute(admin.pool())
                    .await
                    .expect("create a test database");
                admin.close().await;
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                Some(TestDatabase {
                    url: format!("{base}/{name}"),
                    backend,
                    file: None,
                    admin_url: Some(admin_url),
                    name,
                })
            }
        }
    }

    /// Opens and migrates the database.
    pub async fn store(&self) -> Result<Store, StoreError> {
        let store = Store::open(&self.url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Removes the database (call after closing every store on it).
    pub async fn cleanup(self) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some(admin_url) = &self.admin_url
            && let Ok(admin) = Store::open(admin_url).await
        {
            let _ = sqlx::raw_sql(crate::dynamic(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)))
                .execute(admin.pool())
                .await;
            admin.close().await;
        }
    }
}

/// Both backends: SQLite, then PostgreSQL if configured.
pub async fn databases() -> Vec<TestDatabase> {
    let mut all = vec![];
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(db) = TestDatabase::create(backend).await {
            all.push(db);
        }
    }
    all
}

fn nanos() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos())
}
