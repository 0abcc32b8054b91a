//! End to end in a real headless Chromium (Debian's `chromium` + `chromium-driver`): the server on a
//! real socket, people clicking through the pages. Screenshots go to
//! `target/tmp/screenshots/` for a person to look at.
//!
//! The server runs with `Secure` session cookies, as `ishi serve` does by default: Chromium treats
//! `http://127.0.0.1` as a secure context, so logging in over plain HTTP on loopback works.

#[path = "support/app.rs"]
mod app;
mod support;

use std::path::PathBuf;
use std::time::Duration;

use app::{PASSWORD, TestApp};
use fantoccini::{Client, Locator};
use ishi_server::ServerSettings;
use ishi_store::Backend;
use ishi_store::testing::TestDatabase;
use support::browser::Browser;

const WAIT: Duration = Duration::from_secs(20);

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn log_in(c: &Client, base: &str, login: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("#login")).await.unwrap().send_keys(login).await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("#login-form button[type=submit]")).await.unwrap().click().await.unwrap();
    let who = c.wait().at_most(WAIT).for_element(Locator::Css("#who")).await.expect("logged in: the name is shown");
    assert!(who.text().await.unwrap().contains(login), "logged in as {login}");
}

async fn log_out(c: &Client) {
    c.find(Locator::Css("nav.top form.inline button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("nav.top a[href='/login']")).await.unwrap();
}

async fn attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.unwrap().attr(name).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planner_sees_the_map_overrides_a_designation_and_finds_it_in_the_audit_log() {
    let Some(browser) = Browser::start().await else { return };
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::with_settings(db, ServerSettings { secure_cookies: true }).await;
    app.client("tokyo", "planner", Some("13")).await;
    let base = serve(&app).await;
    let c = browser.client();
    let shots = screenshots();

    log_in(c, &base, "tokyo").await;
    let cookie = c.get_named_cookie("ishi_session").await.expect("session cookie");
    assert_eq!(cookie.secure(), Some(true), "the session cookie is Secure");
    assert_eq!(cookie.http_only(), Some(true));

    // The map: 47 prefectures drawn by ECharts from the vendored GeoJSON.
    c.goto(&format!("{base}/plan")).await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("#pref-map[data-rendered='true']")).await.expect("map drawn");
    assert_eq!(attr(c, "#pref-map", "data-prefectures").await.as_deref(), Some("47"));
    let paths: i64 = c
        .execute("return document.querySelectorAll('#pref-map svg path').length", vec![])
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(paths >= 47, "{paths} paths in the map");
    c.wait().at_most(WAIT).for_element(Locator::Css("#rank-chart[data-rendered='true']")).await.expect("rank chart");
    assert_eq!(attr(c, "#rank-chart", "data-bars").await.as_deref(), Some("330"));
    browser.screenshot(&shots.join("plan-overview.png")).await.unwrap();
    c.execute("document.getElementById('pref-map').scrollIntoView()", vec![]).await.unwrap();
    browser.screenshot(&shots.join("plan-map.png")).await.unwrap();

    // Override 1301 with a reason, through the form.
    c.goto(&format!("{base}/plan/areas/1301")).await.unwrap();
    assert_eq!(attr(c, "#decided", "data-designation").await.as_deref(), Some("abundant"));
    c.find(Locator::Css("#override-form input[value='intermediate']")).await.unwrap().click().await.unwrap();
    let reason = "ブラウザから: 区中央部は昼間人口が多く夜間人口で割ると過大になるため";
    c.find(Locator::Css("#override-reason-input")).await.unwrap().send_keys(reason).await.unwrap();
    c.find(Locator::Css("#override-form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("p.flash")).await.expect("confirmation");
    assert_eq!(attr(c, "#decided", "data-designation").await.as_deref(), Some("intermediate"));
    assert_eq!(attr(c, "#mechanical .badge", "class").await.as_deref(), Some("badge abundant"));
    browser.screenshot(&shots.join("area-1301-overridden.png")).await.unwrap();

    // …and it is in the audit log, with who and why.
    c.goto(&format!("{base}/audit")).await.unwrap();
    let row = c.find(Locator::Css("#audit-table tbody tr")).await.unwrap().text().await.unwrap();
    assert!(row.contains("tokyo") && row.contains("1301") && row.contains(reason), "{row}");
    browser.screenshot(&shots.join("audit.png")).await.unwrap();

    // The area table sorts and filters in the page.
    c.goto(&format!("{base}/plan/areas")).await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("#area-table th .sort-button")).await.expect("sortable");
    let search = c.find(Locator::Css("#area-search")).await.unwrap();
    search.send_keys("札幌").await.unwrap();
    let visible = |c: &Client| {
        let c = c.clone();
        async move {
            c.execute("return document.querySelectorAll('#area-table tbody tr:not([hidden])').length", vec![])
                .await
                .unwrap()
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(visible(c).await, 1, "only 札幌 is left");
    search.clear().await.unwrap();
    search.send_keys(" ").await.unwrap();
    search.clear().await.unwrap();
    c.execute(
        "const i=document.getElementById('area-search'); i.value=''; i.dispatchEvent(new Event('input'))",
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(visible(c).await, 330);
    browser.screenshot(&shots.join("areas.png")).await.unwrap();

    // The dispatch page draws its flows.
    c.goto(&format!("{base}/plan/dispatch")).await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("#dispatch-chart[data-rendered='true']")).await.expect("sankey");
    let flows: i64 = attr(c, "#dispatch-chart", "data-flows").await.unwrap().parse().unwrap();
    assert!(flows > 0);
    browser.screenshot(&shots.join("dispatch.png")).await.unwrap();

    log_out(c).await;
    browser.close().await;
    app.cleanup().await;
}

async fn total_units(c: &Client) -> f64 {
    attr(c, "#progress", "data-total-units").await.expect("progress").parse().expect("a number of units")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn specialist_adds_a_ledger_entry_sees_the_progress_change_and_downloads_the_form() {
    let Some(browser) = Browser::start().await else { return };
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::with_settings(db, ServerSettings { secure_cookies: true }).await;
    // EX002 of the fictional example roster (examples/renewal), imported as `ishi serve --examples` does.
    ishi_server::renewal::seed(&app.state.store, "2026-11-21T03:00:00Z").await.unwrap();
    app.client("futaba", "specialist", Some("EX002")).await;
    let base = serve(&app).await;
    let c = browser.client();
    let shots = screenshots();

    log_in(c, &base, "futaba").await;
    c.find(Locator::Css("nav.top a[href='/renewal/specialists/EX002']")).await.unwrap().click().await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("#progress")).await.expect("the ledger page");
    let before = total_units(c).await;
    let rows_before = c.find_all(Locator::Css("#ledger-table tbody tr")).await.unwrap().len();
    browser.screenshot(&shots.join("ledger-before.png")).await.unwrap();

    // A common lecture (医療安全), attended and approved, inside the renewal period.
    c.execute("document.getElementById('date').value = '2024-06-01'", vec![]).await.unwrap();
    c.find(Locator::Css("#kind option[value='common_lecture']")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#detail")).await.unwrap().send_keys("医療安全").await.unwrap();
    c.find(Locator::Css("#quantity")).await.unwrap().send_keys("1").await.unwrap();
    c.find(Locator::Css("#evidence")).await.unwrap().send_keys("受講証明書（ブラウザから）").await.unwrap();
    c.find(Locator::Css("#entry-form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("p.flash")).await.expect("confirmation");
    let rows_after = c.find_all(Locator::Css("#ledger-table tbody tr")).await.unwrap().len();
    assert_eq!(rows_after, rows_before + 1, "the entry is in the ledger");
    let after = total_units(c).await;
    assert!(after > before, "progress moved: {before} → {after} units");
    browser.screenshot(&shots.join("ledger-after.png")).await.unwrap();

    // The application form, downloaded by the browser.
    c.find(Locator::Css("#forms a[href$='forms.xlsx']")).await.unwrap().click().await.unwrap();
    let file = browser.wait_for_file("xlsx", WAIT).await.expect("downloaded");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK"), "{} is an xlsx (zip)", file.display());

    // Another specialist's ledger is not for them.
    c.goto(&format!("{base}/renewal/specialists/EX001")).await.unwrap();
    let body = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
    assert!(body.contains("権限がありません"), "{body}");

    browser.close().await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committee_records_a_decision_on_a_member_due_this_fiscal_year() {
    let Some(browser) = Browser::start().await else { return };
    let db = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::with_settings(db, ServerSettings { secure_cookies: true }).await;
    ishi_server::renewal::seed(&app.state.store, "2026-11-21T03:00:00Z").await.unwrap();
    app.client("iinkai", "committee", None).await;
    let base = serve(&app).await;
    let c = browser.client();

    log_in(c, &base, "iinkai").await;
    c.goto(&format!("{base}/renewal/committee?fiscal_year=2025")).await.unwrap();
    let members = c.find_all(Locator::Css("#members-table tbody tr")).await.unwrap().len();
    assert!(members >= 2, "{members} members due in FY2025");
    assert!(c.find(Locator::Css("#synthetic-notice")).await.is_ok(), "the fictional roster is labelled");
    c.find(Locator::Css("#decision-EX002 option[value='deferred']")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#decision-reason-EX002")).await.unwrap().send_keys("留保申請を受理（R6.3）").await.unwrap();
    c.find(Locator::Css("#member-EX002 .decision-form button")).await.unwrap().click().await.unwrap();
    let decided = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#member-EX002 .decision[data-decision='deferred']"))
        .await
        .expect("the decision is shown");
    assert!(!decided.text().await.unwrap().is_empty());
    browser.screenshot(&screenshots().join("committee.png")).await.unwrap();
    c.goto(&format!("{base}/audit")).await.unwrap();
    let row = c.find(Locator::Css("#audit-table tbody tr")).await.unwrap().text().await.unwrap();
    assert!(row.contains("EX002/2025") && row.contains("留保申請を受理"), "{row}");

    browser.close().await;
    app.cleanup().await;
}
