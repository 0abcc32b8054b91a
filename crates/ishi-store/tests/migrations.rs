//! The schema on both backends: migrations apply once, are recorded, and the audit log refuses change.

use ishi_store::testing::databases;
use ishi_store::{AuditFilter, Change, NewUser, Role};

fn change(reason: &str) -> Change {
    Change { user_id: None, login: "system".into(), at: "2026-11-21T00:00:00Z".into(), reason: reason.into() }
}

#[tokio::test]
async fn migrations_apply_once_on_both_backends() {
    for db in databases().await {
        let store = ishi_store::Store::open(&db.url).await.unwrap();
        let first = store.migrate().await.unwrap();
        assert_eq!(first, ishi_store::MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>(), "{:?}", db.backend);
        assert!(store.migrate().await.unwrap().is_empty(), "second start applies nothing on {:?}", db.backend);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn audit_log_is_append_only_in_the_database_itself() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let user = NewUser {
            login: "admin".into(),
            display_name: "管理者".into(),
            password_hash: "x".into(),
            role: Role::Admin,
            prefecture_code: None,
            specialist_id: None,
        };
        store.create_user(&user, &change("初回管理者")).await.unwrap();
        let log = store.audit_log(&AuditFilter::default()).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].entity.as_str(), log[0].action.as_str()), ("user", "create"));
        assert!(!log[0].after.as_deref().unwrap().contains("password"), "the hash is never logged");
        for sql in ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"] {
            let err = store.execute_unchecked(sql).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{:?}: {err}", db.backend);
        }
        assert_eq!(store.audit_log(&AuditFilter::default()).await.unwrap(), log);
        store.close().await;
        db.cleanup().await;
    }
}
