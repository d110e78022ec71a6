use actix_web::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn unknown_routes_and_wrong_methods_are_problems() {
    let t = TestApp::new().await;
    t.get("/api/v1/nothing-here")
        .send()
        .await
        .problem(404, "route_not_found");
    let res = t.delete("/api/v1/auth/login").send().await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("POST"));
    let res = t.put("/api/v1/agencies").send().await;
    res.problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, POST"));
}

#[actix_web::test]
async fn bodies_are_checked() {
    let t = TestApp::with_config(|c| c.json_limit = 2048).await;
    let p = t
        .post("/api/v1/auth/login")
        .raw("application/json", "{\"login\": ")
        .send()
        .await
        .problem(400, "malformed_json");
    assert_eq!(p["errors"][0]["field"], "body");
    t.post("/api/v1/auth/login")
        .raw("text/plain", "{}")
        .send()
        .await
        .problem(415, "unsupported_media_type");
    // No body at all reads as `{}`: what is missing is named.
    let p = t
        .post("/api/v1/auth/login")
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "required");
    let big = json!({"login": "x".repeat(4096), "password": "y"});
    t.post("/api/v1/auth/login")
        .json(&big)
        .send()
        .await
        .problem(413, "payload_too_large");
    let p = t
        .post("/api/v1/auth/login")
        .json(&json!({"login": "a", "password": "b", "admin": true}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        p["errors"][0],
        json!({"field": "admin", "code": "unknown_field", "message": "Trường này không được chấp nhận."})
    );
    let p = t
        .post("/api/v1/auth/login")
        .json(&json!({"login": "a"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "password");
    assert_eq!(p["errors"][0]["code"], "required");
    let p = t
        .post("/api/v1/auth/login")
        .json(&json!({"login": 12, "password": "secret-value"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "login");
    assert_eq!(p["errors"][0]["code"], "invalid_type");
    let p = t
        .post("/api/v1/auth/login")
        .json(&json!("text"))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "body");
}

#[actix_web::test]
async fn problems_speak_english_on_request() {
    let t = TestApp::new().await;
    let vi = t
        .get("/api/v1/me")
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(vi["detail"], "Vui lòng đăng nhập.");
    let en = t
        .get("/api/v1/me")
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .problem(401, "unauthenticated");
    assert_eq!(en["detail"], "Authentication is required.");
    let en = t
        .post("/api/v1/auth/register")
        .header("accept-language", "en")
        .json(&json!({"full_name": "", "phone": "0912345678", "password": "abc12345"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        en["errors"][0]["message"],
        "Length must be 1 to 200 characters."
    );
    let en = t
        .get("/nope")
        .header("accept-language", "en")
        .send()
        .await
        .problem(404, "route_not_found");
    assert_eq!(en["detail"], "No such path in the API.");
}

#[actix_web::test]
async fn bad_parameters_are_problems() {
    let t = TestApp::new().await;
    let p = t
        .get("/api/v1/admin-units?valid_on=yesterday")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(p["errors"][0]["field"], "valid_on");
    t.get("/api/v1/agencies?participating=maybe")
        .send()
        .await
        .problem(400, "invalid_query");
    t.get("/api/v1/categories?unknown=1")
        .send()
        .await
        .problem(400, "invalid_query");
}

#[actix_web::test]
async fn request_ids_go_in_and_out() {
    let t = TestApp::new().await;
    let res = t
        .get("/healthz")
        .header("x-request-id", "abc-123")
        .send()
        .await;
    assert_eq!(res.header("x-request-id").as_deref(), Some("abc-123"));
    let res = t
        .get("/healthz")
        .header("x-request-id", "bad id with spaces")
        .send()
        .await;
    let id = res.header("x-request-id").unwrap();
    assert_ne!(id, "bad id with spaces");
    assert_eq!(id.len(), 36);
    assert_eq!(res.status, StatusCode::OK);
}
