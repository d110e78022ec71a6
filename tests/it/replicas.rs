//! Several replicas of the service on one database: what one replica counts, signs or stores,
//! the others see.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[actix_web::test]
async fn a_brute_force_spread_over_replicas_meets_one_limit() {
    let a = TestApp::with_config(|c| {
        c.login_max_failures_per_address = 4;
        c.login_max_failures = 100;
        c.login_slowdown_after = 100;
    })
    .await;
    let b = a.replica().await;
    // Two failures on each replica: four from the address in all.
    for (i, t) in [&a, &b, &a, &b].into_iter().enumerate() {
        t.post("/api/v1/auth/login")
            .peer("203.0.113.50:4000")
            .json(&json!({"login": format!("guess{i}"), "password": "wrong-pass1"}))
            .send()
            .await
            .problem(401, "invalid_credentials");
    }
    // Either replica now refuses the address, even with the right password.
    for t in [&a, &b] {
        t.post("/api/v1/auth/login")
            .peer("203.0.113.50:4001")
            .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await
            .problem(429, "rate_limited");
    }
    // Another address signs in on either, and a token of one replica works on the other.
    let token = a.login("admin", ADMIN_PASSWORD).await;
    let me = b.get("/api/v1/me").bearer(&token).send().await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
}

#[actix_web::test]
async fn registrations_are_counted_across_replicas() {
    let a = TestApp::with_config(|c| c.register_max_per_address = 2).await;
    let b = a.replica().await;
    for (i, t) in [&a, &b].into_iter().enumerate() {
        let res = t
            .post("/api/v1/auth/register")
            .peer("198.51.100.77:1000")
            .json(&json!({"full_name": "Trần Văn Hai", "phone": format!("091234500{i}"), "password": PASSWORD}))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    }
    a.post("/api/v1/auth/register")
        .peer("198.51.100.77:1000")
        .json(&json!({"full_name": "Trần Văn Hai", "phone": "0912345009", "password": PASSWORD}))
        .send()
        .await
        .problem(429, "rate_limited");
}
