//! The plan's pages: what they show, and the override and target forms (CSRF, required reason, scope).

#[path = "support/app.rs"]
mod app;

use app::{Client, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

fn form(uri: &str, who: &Client, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .chain(std::iter::once(format!("csrf={}", percent(&who.csrf))))
        .collect::<Vec<_>>()
        .join("&");
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &who.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The JSON a page embeds for its chart.
fn embedded(html: &str, id: &str) -> serde_json::Value {
    let start = html.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("no #{id}")) + id.len() + 6;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn overview_embeds_the_rank_chart_and_the_47_prefectures_of_the_map() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "committee", None).await;
    assert_eq!(app.get("/plan", None).await.status, StatusCode::SEE_OTHER, "anonymous: to the login page");
    let page = app.get("/plan", Some(&me)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let rank = embedded(&html, "rank-data");
    assert_eq!(rank["areas"].as_array().unwrap().len(), 330);
    assert_eq!(rank["thresholds"]["upper"], 217.6);
    assert_eq!(rank["thresholds"]["lower"], 179.3);
    let ranks: Vec<f64> = rank["areas"].as_array().unwrap().iter().map(|a| a["index"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "bars in rank order");
    let map = embedded(&html, "map-data");
    assert_eq!(map["prefectures"].as_array().unwrap().len(), 47);
    assert!(html.contains("japanmap"), "the map's attribution is on the page");
    assert!(html.contains("id=\"pref-map\"") && html.contains("id=\"rank-chart\""));
    let tertiary = app.get("/plan?level=tertiary", Some(&me)).await.text();
    assert_eq!(embedded(&tertiary, "rank-data")["areas"].as_array().unwrap().len(), 47);
    app.cleanup().await;
}

#[tokio::test]
async fn area_table_filters_on_the_server_and_links_every_area() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "committee", None).await;
    let all = app.get("/plan/areas", Some(&me)).await.text();
    assert_eq!(all.matches("<tr data-code=").count(), 330);
    assert!(all.contains("class=\"sortable\" id=\"area-table\""));
    assert!(all.contains("data-filter-table=\"area-table\""));
    let hokkaido = app.get("/plan/areas?pref=01&designation=scarce", Some(&me)).await.text();
    let rows = hokkaido.matches("<tr data-code=\"01").count();
    assert!(rows > 0 && rows == hokkaido.matches("<tr data-code=").count());
    assert_eq!(app.get("/plan/areas?designation=lots", Some(&me)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.cleanup().await;
}

#[tokio::test]
async fn p3_3_override_form_requires_a_reason_and_is_offered_only_within_scope() {
    for app in TestApp::all().await {
        let tokyo = app.client("tokyo", "planner", Some("13")).await;
        let osaka = app.client("osaka", "planner", Some("27")).await;
        let page = app.get("/plan/areas/1301", Some(&tokyo)).await.text();
        assert!(page.contains("id=\"override-form\"") && page.contains("id=\"target-form\""));
        assert!(page.contains("id=\"mechanical\""));
        let other = app.get("/plan/areas/1301", Some(&osaka)).await.text();
        assert!(!other.contains("id=\"override-form\""), "no form for another prefecture's area");

        // Empty reason: the page again, with the message and what was typed.
        let refused =
            app.call(form("/plan/areas/1301/override", &tokyo, &[("designation", "scarce"), ("reason", "")])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("理由を記入してください"), "{}", refused.text());
        // Another prefecture's planner posting anyway.
        let forbidden =
            app.call(form("/plan/areas/1301/override", &osaka, &[("designation", "scarce"), ("reason", "x")])).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        // Without the CSRF field the form is refused.
        let no_csrf = Request::builder()
            .method(Method::POST)
            .uri("/plan/areas/1301/override")
            .header(header::COOKIE, &tokyo.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("designation=scarce&reason=x"))
            .unwrap();
        assert_eq!(app.call(no_csrf).await.status, StatusCode::FORBIDDEN);

        let done = app
            .call(form("/plan/areas/1301/override", &tokyo, &[("designation", "scarce"), ("reason", "離島を含むため")]))
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(done.headers[header::LOCATION], "/plan/areas/1301?done=override");
        let after = app.get("/plan/areas/1301?done=override", Some(&tokyo)).await.text();
        assert!(after.contains("区分の上書きを記録しました"));
        assert!(after.contains("data-designation=\"scarce\""));
        assert!(after.contains("離島を含むため"));
        assert!(after.contains("id=\"area-audit\""), "the area's history is on its page");
        let audit = app.get("/audit", Some(&tokyo)).await.text();
        assert!(audit.contains("区域指定の上書き") && audit.contains("離島を含むため"));

        let target = app
            .call(form("/plan/areas/1301/target", &tokyo, &[("physicians", "12,345"), ("reason", "計画で定める")]))
            .await;
        assert_eq!(target.status, StatusCode::SEE_OTHER, "{}", target.text());
        let bad_target =
            app.call(form("/plan/areas/1301/target", &tokyo, &[("physicians", "many"), ("reason", "x")])).await;
        assert_eq!(bad_target.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_target.text().contains("数ではありません"));
        let page = app.get("/plan/areas/1301", Some(&tokyo)).await.text();
        assert!(page.contains("12,345.0"));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn prefecture_and_dispatch_pages_render() {
    let app = TestApp::sqlite().await;
    let me = app.client("viewer", "specialist", Some("EX001")).await;
    let tokyo = app.get("/plan/areas/13", Some(&me)).await.text();
    assert!(tokyo.contains("id=\"member-table\"") && tokyo.contains("/plan/areas/1301"));
    assert!(tokyo.contains("三次医療圏外からの医師の確保"));
    let page = app.get("/plan/dispatch", Some(&me)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let data = embedded(&html, "dispatch-data");
    let flows = data["flows"].as_array().unwrap();
    assert!(!flows.is_empty());
    let table = &html[html.find("id=\"flow-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td>").count(), flows.len(), "every flow is also in the table");
    assert_eq!(app.get("/plan/areas/0000", Some(&me)).await.status, StatusCode::NOT_FOUND);
    app.cleanup().await;
}
