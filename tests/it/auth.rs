use actix_web::http::StatusCode;
use chrono::TimeDelta;
use serde_json::json;

use crate::support::{ADMIN_PASSWORD, PASSWORD, TestApp};

#[actix_web::test]
async fn citizen_registers_and_signs_in_with_phone_or_email() {
    let t = TestApp::new().await;
    let res = t
        .post("/api/v1/auth/register")
        .json(&json!({"full_name": "Lê Văn Tám", "phone": "+84 912 345 678", "email": "Tam@Example.VN", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let user = res.json();
    assert_eq!(user["role"], "citizen");
    assert_eq!(user["phone"], "0912345678");
    assert_eq!(user["email"], "tam@example.vn");
    assert!(!res.text().contains("argon2") && !res.text().contains(PASSWORD));

    for login in ["0912345678", "+84912345678", "TAM@example.vn"] {
        let tokens = t.login_full(login, PASSWORD).await;
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 900);
        assert!(tokens["refresh_token"].as_str().unwrap().len() >= 40);
        let me = t
            .get("/api/v1/me")
            .bearer(tokens["access_token"].as_str().unwrap())
            .send()
            .await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.json()["id"], user["id"]);
    }
}

#[actix_web::test]
async fn registration_is_validated() {
    let t = TestApp::new().await;
    let p = t
        .post("/api/v1/auth/register")
        .json(&json!({"full_name": "A", "password": PASSWORD}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "phone");

    let p = t
        .post("/api/v1/auth/register")
        .json(&json!({"full_name": "A", "phone": "12345", "email": "not-an-email", "password": "short"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["phone", "email", "password"]);
    assert!(
        !p.to_string().contains("12345"),
        "submitted values are not echoed"
    );

    t.citizen("0987654321").await;
    let p = t
        .post("/api/v1/auth/register")
        .json(&json!({"full_name": "B", "phone": "0987 654 321", "password": PASSWORD}))
        .send()
        .await
        .problem(409, "login_taken");
    assert_eq!(p["errors"][0]["field"], "phone");

    t.post("/api/v1/auth/register")
        .json(&json!({"full_name": "B", "phone": "0987654322", "password": PASSWORD, "role": "admin"}))
        .send()
        .await
        .problem(422, "validation_failed");
}

#[actix_web::test]
async fn wrong_credentials_are_refused_alike() {
    let t = TestApp::new().await;
    t.citizen("0911111111").await;
    let a = t
        .post("/api/v1/auth/login")
        .json(&json!({"login": "0911111111", "password": "wrong-pass1"}))
        .send()
        .await;
    let b = t
        .post("/api/v1/auth/login")
        .json(&json!({"login": "nobody", "password": "wrong-pass1"}))
        .send()
        .await;
    assert_eq!(
        a.problem(401, "invalid_credentials")["detail"],
        b.problem(401, "invalid_credentials")["detail"]
    );
    assert_eq!(a.header("www-authenticate").as_deref(), Some("Bearer"));
}

#[actix_web::test]
async fn failures_refuse_the_failing_address_and_never_lock_the_account() {
    let t = TestApp::with_config(|c| {
        c.login_max_failures = 3;
        c.login_slowdown_after = 3;
        c.login_slowdown_max = std::time::Duration::from_millis(5);
    })
    .await;
    t.citizen("0922222222").await;
    for _ in 0..3 {
        t.post("/api/v1/auth/login")
            .peer("203.0.113.9:4000")
            .json(&json!({"login": "0922222222", "password": "wrong-pass1"}))
            .send()
            .await
            .problem(401, "invalid_credentials");
    }
    // The address that failed waits, even with the right password.
    let res = t
        .post("/api/v1/auth/login")
        .peer("203.0.113.9:4001")
        .json(&json!({"login": "0922222222", "password": PASSWORD}))
        .send()
        .await;
    res.problem(429, "rate_limited");
    let retry: i64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // The owner, from an address that has not failed, signs in (slowed down, not refused).
    let ok = t
        .post("/api/v1/auth/login")
        .peer("198.51.100.20:5000")
        .json(&json!({"login": "0922222222", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    // Other accounts are not affected, and the window ends the refusal.
    t.login("admin", ADMIN_PASSWORD).await;
    t.clock.advance(TimeDelta::seconds(retry + 1));
    let later = t
        .post("/api/v1/auth/login")
        .peer("203.0.113.9:4002")
        .json(&json!({"login": "0922222222", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(later.status, StatusCode::OK);
}

#[actix_web::test]
async fn login_is_rate_limited_per_address() {
    let t = TestApp::with_config(|c| c.login_max_failures_per_address = 2).await;
    for who in ["a1", "a2"] {
        t.post("/api/v1/auth/login")
            .peer("203.0.113.7:5000")
            .json(&json!({"login": who, "password": "x"}))
            .send()
            .await
            .problem(401, "invalid_credentials");
    }
    t.post("/api/v1/auth/login")
        .peer("203.0.113.7:5001")
        .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .problem(429, "rate_limited");
    let ok = t
        .post("/api/v1/auth/login")
        .peer("198.51.100.1:5000")
        .json(&json!({"login": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let t = TestApp::new().await;
    let first = t.login_full("admin", ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let second = t
        .post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": r1}))
        .send()
        .await;
    assert_eq!(second.status, StatusCode::OK);
    let second = second.json();
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    let me = t
        .get("/api/v1/me")
        .bearer(second["access_token"].as_str().unwrap())
        .send()
        .await;
    assert_eq!(me.status, StatusCode::OK);

    // r1 again: reuse; the whole family, r2 included, is revoked.
    t.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": r1}))
        .send()
        .await
        .problem(401, "refresh_token_reused");
    t.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": r2}))
        .send()
        .await
        .problem(401, "invalid_refresh_token");
    // Another sign-in is a separate family and still works.
    let other = t.login_full("admin", ADMIN_PASSWORD).await;
    let ok = t
        .post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": other["refresh_token"]}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[actix_web::test]
async fn concurrent_refreshes_of_one_token_have_one_winner() {
    let t = TestApp::new().await;
    let tokens = t.login_full("admin", ADMIN_PASSWORD).await;
    let token = tokens["refresh_token"].as_str().unwrap().to_string();
    let results: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| paht::service::auth::refresh(&t.state, &token, "127.0.0.1").is_ok())
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let t = TestApp::new().await;
    let tokens = t.login_full("admin", ADMIN_PASSWORD).await;
    let res = t
        .post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    t.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .problem(401, "invalid_refresh_token");
    let unknown = t
        .post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": "nope"}))
        .send()
        .await;
    assert_eq!(unknown.status, StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn access_tokens_expire_and_bad_tokens_are_refused() {
    let t = TestApp::new().await;
    let token = t.admin().await;
    assert_eq!(
        t.get("/api/v1/me").bearer(&token).send().await.status,
        StatusCode::OK
    );

    // alg "none", a wrong signature, garbage, another scheme.
    let parts: Vec<&str> = token.split('.').collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let forged = format!("{}.{}.{}", parts[0], parts[1], b64.encode([7u8; 32]));
    for bad in [none.as_str(), forged.as_str(), "garbage"] {
        t.get("/api/v1/me")
            .bearer(bad)
            .send()
            .await
            .problem(401, "invalid_token");
    }
    t.get("/api/v1/me")
        .header("authorization", &format!("Basic {token}"))
        .send()
        .await
        .problem(401, "invalid_token");
    t.get("/api/v1/me")
        .send()
        .await
        .problem(401, "unauthenticated");

    t.clock.advance(TimeDelta::minutes(15));
    t.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .problem(401, "invalid_token");
}

#[actix_web::test]
async fn a_disabled_account_is_refused_at_once() {
    let t = TestApp::new().await;
    let (id, token) = t.staff("ioc.op1", "operator", None).await;
    let tokens = t.login_full("ioc.op1", PASSWORD).await;
    let admin = t.admin().await;
    // The session is remembered by the server after this request…
    let res = t.get("/api/v1/me").bearer(&token).send().await;
    assert_eq!(res.status, StatusCode::OK);
    // …and forgotten when the account changes.
    let res = t
        .patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    t.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .problem(401, "account_disabled");
    t.post("/api/v1/auth/login")
        .json(&json!({"login": "ioc.op1", "password": PASSWORD}))
        .send()
        .await
        .problem(401, "account_disabled");
    t.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn users_change_their_own_password() {
    let t = TestApp::new().await;
    let (_, token) = t.citizen("0933333333").await;
    t.post("/api/v1/me/password")
        .bearer(&token)
        .json(&json!({"current_password": "wrong-pass1", "new_password": "moi-matkhau-1"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let res = t
        .post("/api/v1/me/password")
        .bearer(&token)
        .json(&json!({"current_password": PASSWORD, "new_password": "moi-matkhau-1"}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    t.login("0933333333", "moi-matkhau-1").await;
}
