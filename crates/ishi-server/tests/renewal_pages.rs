//! The renewal's pages: what each shows, and that their forms work (post → redirect with a message, or
//! the page again with the error and the values typed).

#[path = "support/app.rs"]
mod app;
mod renewal_helpers;

use app::TestApp;
use axum::http::{StatusCode, header};
use renewal_helpers::{LEDGER, SPECIALISTS, accounts, multipart, post_form, seed};

fn location(a: &app::Answer) -> String {
    a.headers[header::LOCATION].to_str().unwrap().to_string()
}

/// Where a redirect leads, as a browser asks for it (without the fragment).
fn follow(a: &app::Answer) -> String {
    location(a).split('#').next().unwrap().to_string()
}

#[tokio::test]
async fn r9_the_ledger_page_shows_progress_verdict_what_is_left_and_the_forms() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let page = app.get("/renewal/specialists/EX001", Some(&a.ex001)).await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", app.backend);
        let html = page.text();
        for needle in [
            "架空 一郎（EX001）の更新台帳",
            r#"<section id="progress" data-total-units="50" data-required-units="50">"#,
            r#"data-category="clinical" data-units="10""#,
            r#"data-category="common" data-units="3""#,
            r#"data-category="specialty" data-units="31""#,
            r#"data-category="achievements" data-units="6" data-earned="9" data-min="6" data-max="15""#,
            r#"<div class="progress capped""#,
            r#"<div class="bar" style="width: 40.0%">"#,
            "✓ 医療安全",
            r#"<span class="verdict pass">更新可</span>"#,
            "基準を満たしています",
            r#"href="/api/specialists/EX001/forms.xlsx""#,
            r#"href="/api/specialists/EX001/forms.pdf""#,
            r#"id="entry-form""#,
            r#"id="ledger-import-form""#,
            r#"action="/renewal/specialists/EX001/ledger/import?csrf="#,
            r#"<table class="sortable" id="ledger-table">"#,
            r#"data-filter-table="ledger-table""#,
            "R5.1: 13行目",
        ] {
            assert!(html.contains(needle), "{needle:?} missing on the page");
        }
        assert_eq!(html.matches("data-entry-id=").count(), 12);
        assert!(html.contains(&format!(r#"name="csrf" value="{}""#, a.ex001.csrf)));

        // EX002 fails: ✗ for 医療倫理, the rule IDs of the verdict, and the plan's obstacle.
        let html = app.get("/renewal/specialists/EX002", Some(&a.committee)).await.text();
        for needle in [
            "✗ 医療倫理",
            r#"<span class="verdict fail">基準未達</span>"#,
            "<strong>R3.1</strong>",
            "算定期間は 2025-03-31 に終わっています",
        ] {
            assert!(html.contains(needle), "{needle:?} missing on EX002's page");
        }
        assert!(!html.contains(r#"id="entry-form""#), "the committee does not write ledgers");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn x3_the_entry_form_adds_refuses_and_deletes() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        let uri = "/renewal/specialists/EX002/ledger";
        let fields = [
            ("date", "2024-01-10"),
            ("kind", "common_lecture"),
            ("detail", "医療倫理"),
            ("quantity", "1"),
            ("role", "attendee"),
            ("approved", "true"),
            ("evidence", "受講証明書"),
        ];
        let r = post_form(&app, uri, &a.ex002, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(location(&r), "/renewal/specialists/EX002?done=added#ledger");
        let html = app.get(&follow(&r), Some(&a.ex002)).await.text();
        assert!(html.contains("台帳に1件追加しました。"));
        assert!(html.contains("✓ 医療倫理"));
        assert!(html.contains(r#"data-category="common" data-units="5""#));

        // A bad value: the page again (422) with the message naming the field, the values kept.
        let mut bad = fields;
        bad[0] = ("date", "2024-13-40");
        bad[6] = ("evidence", "受講証明書（再）");
        let r = post_form(&app, uri, &a.ex002, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains(r#"id="entry-error" data-field="date""#), "{html}");
        assert!(html.contains("2024-13-40"));
        assert!(html.contains(r#"value="受講証明書（再）""#));
        assert!(html.contains(r#"<option value="common_lecture" selected>"#));

        // Deleting needs a reason; with one, the entry goes and the log keeps why.
        let entry = app.state.store.ledger("EX002").await.unwrap().last().unwrap().id;
        let delete = format!("/renewal/specialists/EX002/ledger/{entry}/delete");
        let r = post_form(&app, &delete, &a.ex002, &[("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("削除の理由を入力してください"));
        let r = post_form(&app, &delete, &a.ex002, &[("reason", "重複して記入したため")]).await;
        assert_eq!(location(&r), "/renewal/specialists/EX002?done=deleted#ledger");
        assert_eq!(app.state.store.ledger("EX002").await.unwrap().len(), 11);
        let audit = app.get("/audit", Some(&a.ex002)).await.text();
        assert!(audit.contains("重複して記入したため"));

        // A ledger file through the page's upload form (the CSRF token in the query).
        let csv = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n\
                   EX002,2024-01-20,common_lecture,医療倫理,1,,,,受講証明書 0120\n";
        let body = multipart(&[("file", "mine.csv", csv.as_bytes())]);
        let uri = format!("/renewal/specialists/EX002/ledger/import?csrf={}", a.ex002.csrf);
        let r = upload(&app, &uri, &a.ex002, body).await;
        assert_eq!(location(&r), "/renewal/specialists/EX002?done=imported#ledger");
        let bad = csv.replace("医療倫理", "倫理");
        let r = upload(&app, &uri, &a.ex002, multipart(&[("file", "mine.csv", bad.as_bytes())])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("mine.csv: row 2, column detail, value &#34;倫理&#34;"), "{}", r.text());
        assert_eq!(app.state.store.ledger("EX002").await.unwrap().len(), 12);
        app.cleanup().await;
    }
}

async fn upload(app: &TestApp, uri: &str, client: &app::Client, body: Vec<u8>) -> app::Answer {
    let req = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri(uri)
        .header(header::COOKIE, &client.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={}", renewal_helpers::BOUNDARY))
        .body(axum::body::Body::from(body))
        .unwrap();
    app.call(req).await
}

#[tokio::test]
async fn r9_the_committee_page_lists_verdicts_and_records_decisions() {
    for app in TestApp::all().await {
        seed(&app).await;
        let a = accounts(&app).await;
        // Today is FY2026 (2026-11-21): EX004 is due then.
        let html = app.get("/renewal/committee", Some(&a.committee)).await.text();
        assert!(html.contains("2026年度 専門医更新 審査"));
        assert!(html.contains(r#"data-specialist="EX004" data-verdict="review""#));
        assert!(html.contains(r#"id="synthetic-notice""#), "the example is labelled");
        let page = app.get("/renewal/committee?fiscal_year=2025", Some(&a.committee)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        for needle in [
            r#"data-specialist="EX001" data-verdict="pass""#,
            r#"data-specialist="EX002" data-verdict="fail""#,
            r#"data-specialist="EX003" data-verdict="pass""#,
            r#"href="/renewal/specialists/EX002""#,
            r#"href="/api/exports/verdicts.csv?fiscal_year=2025""#,
            r#"action="/renewal/committee/2025/decisions/EX002""#,
            r#"id="roster-import-form""#,
            "R4 R5 R3.1 R2",
        ] {
            assert!(html.contains(needle), "{needle:?} missing");
        }
        assert!(!html.contains(r#"data-specialist="EX004""#));

        let uri = "/renewal/committee/2025/decisions/EX002";
        let r = post_form(&app, uri, &a.committee, &[("decision", "rejected"), ("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("決定の理由を入力してください"));
        let r = post_form(&app, uri, &a.committee, &[("decision", "rejected"), ("reason", "必修講習が不足")]).await;
        assert_eq!(location(&r), "/renewal/committee?fiscal_year=2025&done=decided#member-EX002");
        let html = app.get(&follow(&r), Some(&a.committee)).await.text();
        assert!(html.contains(r#"<span class="decision" data-decision="rejected">不承認</span>: 必修講習が不足"#));
        assert!(html.contains("決定を記録しました。"));

        // The roster upload form: a bad file shows the error and stores nothing.
        let bad = SPECIALISTS.replace("EX002,架空 二葉,0,2025", "EX002,架空 二葉,zero,2025");
        let body = multipart(&[
            ("specialists", "specialists.csv", bad.as_bytes()),
            ("ledger", "ledger.csv", LEDGER.as_bytes()),
        ]);
        let r = upload(&app, &format!("/renewal/committee/import?csrf={}", a.committee.csrf), &a.committee, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("specialists.csv: row 3, column renewals_completed, value &#34;zero&#34;"),
            "{}",
            r.text()
        );
        let roster = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\nNEW9,架空 九,0,2027,2022-04-01,2027-03-31\n";
        let body = multipart(&[("specialists", "new.csv", roster.as_bytes())]);
        let r = upload(&app, &format!("/renewal/committee/import?csrf={}", a.admin.csrf), &a.admin, body).await;
        assert_eq!(location(&r), "/renewal/committee?done=roster");
        assert!(app.state.store.specialist("NEW9").await.unwrap().is_some());
        app.cleanup().await;
    }
}
