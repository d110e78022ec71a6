use actix_web::http::StatusCode;

use crate::support::TestApp;

#[actix_web::test]
async fn health_readiness_and_metrics() {
    let t = TestApp::new().await;
    let h = t.get("/healthz").send().await;
    assert_eq!(
        (h.status, h.json()["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let r = t.get("/readyz").send().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    t.get("/api/v1/nope").send().await;
    let m = t.get("/metrics").send().await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.header("content-type").unwrap().starts_with("text/plain"));
    let body = m.text();
    assert!(
        body.contains(r#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#),
        "{body}"
    );
    assert!(body.contains(r#"route="unmatched",status="404""#), "{body}");
    assert!(body.contains("http_request_duration_seconds_bucket"));
    assert!(body.contains("db_pool_max_connections 4"));
}

#[actix_web::test]
async fn docs_are_served() {
    let t = TestApp::new().await;
    let doc = t.get("/openapi.json").send().await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json()["openapi"].as_str().unwrap().starts_with("3.1"));
    let ui = t.get("/docs/").send().await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.text().contains("swagger"), "vendored Swagger UI");
    let redirect = t.get("/docs").send().await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
}
