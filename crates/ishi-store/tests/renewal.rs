//! The renewal records on both backends: imports land whole or not at all, every change is audited,
//! a ledger entry is found only under its own specialist.

use ishi_store::renewal::{NewImport, NewLedgerEntry, Specialist};
use ishi_store::testing::databases;
use ishi_store::{AuditFilter, Change, NewUser, Role, Store, StoreError};

/// A change by the account `c1` (made by [`committee_member`]), or by the system.
fn change(user_id: Option<i64>, reason: &str) -> Change {
    let login = if user_id.is_some() { "c1" } else { "system" };
    Change { user_id, login: login.into(), at: "2026-11-21T03:00:00Z".into(), reason: reason.into() }
}

fn specialist(id: &str, fy: i64) -> Specialist {
    Specialist {
        id: id.into(),
        name: format!("架空 {id}"),
        renewals_completed: 0,
        renewal_fiscal_year: fy,
        period_start: "2020-04-01".into(),
        period_end: "2025-03-31".into(),
        extensions: 0,
        deferral: None,
    }
}

fn entry(id: &str, detail: &str) -> NewLedgerEntry {
    NewLedgerEntry {
        specialist_id: id.into(),
        date: "2021-06-01".into(),
        kind: "specialty_lecture".into(),
        detail: detail.into(),
        quantity: "2".into(),
        evidence: "受講証明書".into(),
        ..Default::default()
    }
}

fn quiet(_: usize) {}

async fn committee_member(store: &Store) -> i64 {
    let user = NewUser {
        login: "c1".into(),
        display_name: "委員".into(),
        password_hash: "x".into(),
        role: Role::Committee,
        prefecture_code: None,
        specialist_id: None,
    };
    store.create_user(&user, &change(None, "test")).await.unwrap().id
}

#[tokio::test]
async fn x3_roster_import_lands_whole_with_its_audit_record() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let roster = [specialist("S1", 2025), specialist("S2", 2026)];
        let ledger = [entry("S1", "講習 A"), entry("S1", "講習 B"), entry("S2", "講習 C")];
        let import = NewImport { file_name: "specialists.csv + ledger.csv", sha256: "ab", example: false };
        let started = std::sync::atomic::AtomicUsize::new(0);
        let record = store
            .import_roster(&import, &roster, &ledger, &change(None, "名簿の取り込み"), &|n| {
                started.store(n, std::sync::atomic::Ordering::SeqCst)
            })
            .await
            .unwrap();
        assert_eq!(started.load(std::sync::atomic::Ordering::SeqCst), 5, "{:?}", db.backend);
        assert_eq!((record.kind.as_str(), record.row_count), ("roster", 5));
        assert_eq!(store.specialists(None).await.unwrap(), roster.to_vec());
        assert_eq!(store.specialists(Some(2026)).await.unwrap(), vec![roster[1].clone()]);
        let s1 = store.ledger("S1").await.unwrap();
        assert_eq!(s1.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(), ["講習 A", "講習 B"]);
        assert!(s1.iter().all(|e| e.import_id == Some(record.id) && e.created_at == "2026-11-21T03:00:00Z"));
        assert_eq!(store.ledgers_for_fiscal_year(2026).await.unwrap().len(), 1);
        assert_eq!(store.ledgers_of(&["S2".into(), "S1".into()]).await.unwrap().len(), 3);
        assert_eq!(store.imports().await.unwrap(), vec![record.clone()]);
        let log = store.audit_log(&AuditFilter::default()).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].entity.as_str(), log[0].action.as_str()), ("import", "import"));
        assert_eq!(log[0].entity_key, record.id.to_string());
        let after: serde_json::Value = serde_json::from_str(log[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(
            (after["file_name"].as_str(), after["rows"].as_u64()),
            (Some("specialists.csv + ledger.csv"), Some(5))
        );

        // A second import updates a specialist already there and adds ledger rows.
        let mut moved = specialist("S2", 2027);
        moved.deferral = Some("育児".into());
        let second = store
            .import_roster(
                &import,
                std::slice::from_ref(&moved),
                &[entry("S2", "講習 D")],
                &change(None, "再取り込み"),
                &quiet,
            )
            .await
            .unwrap();
        assert_eq!(store.specialist("S2").await.unwrap(), Some(moved));
        assert_eq!(store.ledger("S2").await.unwrap().len(), 2);
        assert_eq!(store.imports().await.unwrap().iter().map(|i| i.id).collect::<Vec<_>>(), [record.id, second.id]);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn x3_an_import_that_fails_on_a_row_leaves_nothing() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let roster: Vec<Specialist> = (0..700).map(|i| specialist(&format!("S{i:04}"), 2025)).collect();
        // Rows in more than one batch; the last names a specialist who is nowhere.
        let mut ledger: Vec<NewLedgerEntry> =
            (0..1200).map(|i| entry(&format!("S{:04}", i % 700), &format!("講習 {i}"))).collect();
        ledger.push(entry("NOBODY", "講習"));
        let import = NewImport { file_name: "bad.csv", sha256: "00", example: false };
        let err = store.import_roster(&import, &roster, &ledger, &change(None, "取り込み"), &quiet).await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{:?}: {err}", db.backend);
        assert!(store.imports().await.unwrap().is_empty(), "{:?}", db.backend);
        assert!(store.specialists(None).await.unwrap().is_empty());
        assert!(store.ledger("S0001").await.unwrap().is_empty());
        assert!(store.audit_log(&AuditFilter::default()).await.unwrap().is_empty());
        // The ledger of one specialist: a row of another is refused before anything is written.
        store.import_roster(&import, &roster[..1], &[], &change(None, "取り込み"), &quiet).await.unwrap();
        let err = store
            .import_ledger("S0000", &import, &[entry("S0000", "a"), entry("S0001", "b")], &change(None, "x"), &quiet)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        assert!(store.ledger("S0000").await.unwrap().is_empty());
        assert_eq!(store.imports().await.unwrap().len(), 1);
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn x4_ledger_changes_are_audited_and_keyed_by_their_specialist() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let import = NewImport { file_name: "s.csv", sha256: "00", example: false };
        let roster = [specialist("A", 2025), specialist("B", 2025)];
        store.import_roster(&import, &roster, &[], &change(None, "名簿"), &quiet).await.unwrap();
        let user = committee_member(&store).await;
        let added = store.add_ledger_entry(&entry("A", "講習"), &change(Some(user), "記入")).await.unwrap();
        assert_eq!(store.ledger("A").await.unwrap(), vec![added.clone()]);
        assert_eq!(added.created_by, Some(user));
        let missing = store.add_ledger_entry(&entry("C", "講習"), &change(Some(user), "記入")).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");

        // Someone else's entry is not found under another specialist; a deletion needs a reason.
        let wrong = store.delete_ledger_entry("B", added.id, &change(Some(user), "誤記")).await.unwrap_err();
        assert!(matches!(wrong, StoreError::NotFound { .. }), "{:?}: {wrong}", db.backend);
        let no_reason = store.delete_ledger_entry("A", added.id, &change(Some(user), " ")).await.unwrap_err();
        assert!(matches!(no_reason, StoreError::Conflict(_)));
        assert_eq!(store.ledger("A").await.unwrap().len(), 1);
        let deleted = store.delete_ledger_entry("A", added.id, &change(Some(user), "誤記のため")).await.unwrap();
        assert_eq!(deleted, added);
        assert!(store.ledger("A").await.unwrap().is_empty());

        let filter = AuditFilter { key_prefix: Some("A/".into()), ..Default::default() };
        let log = store.audit_log(&filter).await.unwrap();
        assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["delete", "add"]);
        let key = format!("A/{}", added.id);
        assert!(log.iter().all(|e| e.entity == "ledger_entry" && e.entity_key == key));
        assert_eq!(log[0].reason, "誤記のため");
        assert!(log[0].before.as_deref().unwrap().contains("\"detail\":\"講習\""));
        assert!(log[1].after.as_deref().unwrap().contains("specialty_lecture"));
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn r7_3_committee_decisions_are_kept_with_reason_and_audited() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let import = NewImport { file_name: "s.csv", sha256: "00", example: false };
        store.import_roster(&import, &[specialist("A", 2025)], &[], &change(None, "名簿"), &quiet).await.unwrap();
        let user = committee_member(&store).await;
        let first = store.set_decision("A", 2025, "deferred", &change(Some(user), "書類待ち")).await.unwrap();
        assert_eq!((first.decision.as_str(), first.decided_by_login.as_str()), ("deferred", "c1"));
        let second = store.set_decision("A", 2025, "approved", &change(Some(user), "個別審査で承認")).await.unwrap();
        assert_eq!(store.decisions(2025).await.unwrap(), vec![second.clone()]);
        assert_eq!(store.decision("A", 2025).await.unwrap(), Some(second));
        assert!(store.decisions(2026).await.unwrap().is_empty());
        for (id, decision, reason) in [("A", "maybe", "x"), ("A", "approved", ""), ("Z", "approved", "x")] {
            assert!(
                store.set_decision(id, 2025, decision, &change(Some(user), reason)).await.is_err(),
                "{id} {decision}"
            );
        }
        let log =
            store.audit_log(&AuditFilter { entities: vec!["decision".into()], ..Default::default() }).await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].entity_key, "A/2025");
        assert!(log[0].before.as_deref().unwrap().contains("deferred"));
        assert!(log[0].after.as_deref().unwrap().contains("approved"));
        store.close().await;
        db.cleanup().await;
    }
}

/// 3,000 specialists × 40 rows, the national scale of the issue: seconds, not minutes.
#[tokio::test]
async fn x3_a_national_roster_is_imported_in_batches() {
    for db in databases().await {
        let store = db.store().await.unwrap();
        let roster: Vec<Specialist> = (0..3000).map(|i| specialist(&format!("N{i:05}"), 2025)).collect();
        let ledger: Vec<NewLedgerEntry> =
            (0..120_000).map(|i| entry(&format!("N{:05}", i / 40), &format!("講習 {}", i % 40))).collect();
        let import = NewImport { file_name: "national.csv", sha256: "00", example: false };
        let started = std::time::Instant::now();
        let record = store.import_roster(&import, &roster, &ledger, &change(None, "全国"), &quiet).await.unwrap();
        let took = started.elapsed();
        eprintln!("{:?}: 123,000 rows in {:.2} s", db.backend, took.as_secs_f64());
        assert_eq!(record.row_count, 123_000);
        assert!(took.as_secs() < 60, "{:?} took {took:?}", db.backend);
        assert_eq!(store.ledger("N02999").await.unwrap().len(), 40);
        assert_eq!(store.ledgers_for_fiscal_year(2025).await.unwrap().len(), 120_000);
        store.close().await;
        db.cleanup().await;
    }
}
