//! What attackers and careless clients send: control characters, arrays for objects, stalled
//! bodies, formulas in exported text, forged or outlived tokens, and accounts whose role and
//! agency disagree.

use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use paht::clock::Clock;

use crate::support::{ADMIN_PASSWORD, PASSWORD, TestApp};
use crate::world::{World, report_body};

const TEST_SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";

async fn submit_as_citizen(w: &World, body: &Value) -> crate::support::Res {
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(body)
        .send()
        .await
}

// ---------------------------------------------------------------- control characters

#[actix_web::test]
async fn control_characters_are_refused_at_the_edge() {
    let t = TestApp::new().await;
    // In a JSON body, escaped (PostgreSQL answered 500 here) or raw (DEL, C1).
    for body in [
        r#"{"login":"adm\u0000in","password":"x"}"#,
        r#"{"login":"admin","password":"x\u001b"}"#,
        "{\"login\":\"adm\u{7f}in\",\"password\":\"x\"}",
        "{\"login\":\"adm\u{85}in\",\"password\":\"x\"}",
    ] {
        let res = t
            .post("/api/v1/auth/login")
            .raw("application/json", body.as_bytes().to_vec())
            .send()
            .await;
        let p = res.problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["code"], "control_character", "{body}");
    }
    // An escaped backslash before `u0000` is text, not a control character.
    t.post("/api/v1/auth/login")
        .raw(
            "application/json",
            r#"{"login":"adm\\u0000in","password":"x"}"#.as_bytes().to_vec(),
        )
        .send()
        .await
        .problem(401, "invalid_credentials");
    // In the query, the path and headers.
    for path in [
        "/api/v1/public/reports?q=%00",
        "/api/v1/public/reports?q=a%1Fb",
        "/api/v1/public/reports?%00=1",
        "/api/v1/categories/%00",
        "/api/v1/categories/a%C2%85b",
    ] {
        let p = t.get(path).send().await.problem(400, "control_character");
        assert!(p["errors"][0]["field"].is_string(), "{path}");
    }
    let res = t
        .get("/api/v1/categories")
        .header("x-note", "a\u{85}b")
        .send()
        .await;
    let p = res.problem(400, "control_character");
    assert_eq!(p["errors"][0]["field"], "x-note");
    // Line breaks and tabs stay welcome in text.
    let w = World::new().await;
    let mut body = report_body();
    body["content"] =
        json!("Ổ gà sâu khoảng 20 cm giữa làn xe máy.\r\n\tRất nguy hiểm vào ban đêm.");
    let res = submit_as_citizen(&w, &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    body["reporter"]["full_name"] = json!("Trần Thị\u{0}Bình");
    let res = submit_as_citizen(&w, &body).await;
    res.problem(422, "validation_failed");
}

// ---------------------------------------------------------------- objects only

#[actix_web::test]
async fn an_array_is_not_an_object() {
    let w = World::new().await;
    let t = &w.t;
    let res = t
        .post("/api/v1/auth/login")
        .json(&json!(["admin", ADMIN_PASSWORD]))
        .send()
        .await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "invalid_type");
    let syt = t.agency_id("SYT").await;
    t.put(&format!("/api/v1/agencies/{syt}/focal-points"))
        .bearer(&w.admin)
        .json(&json!([null, null]))
        .send()
        .await
        .problem(422, "validation_failed");
    for body in [json!("x"), json!(1), json!(null)] {
        t.post("/api/v1/auth/login")
            .json(&body)
            .send()
            .await
            .problem(422, "validation_failed");
    }
    // Nested objects too: the reporter by position is refused.
    let mut body = report_body();
    body["reporter"] = json!([
        "Trần Thị Bình",
        "27 Lê Lợi",
        "094185001234",
        "0918765432",
        null,
        null
    ]);
    let res = submit_as_citizen(&w, &body).await;
    let p = res.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "reporter", "{p}");
    // A syntax error is still a syntax error.
    t.post("/api/v1/auth/login")
        .raw("application/json", b"[1,".to_vec())
        .send()
        .await
        .problem(400, "malformed_json");
}

// ---------------------------------------------------------------- slow bodies

#[actix_web::test]
async fn a_stalled_body_gets_408() {
    let t = TestApp::with_config(|c| {
        c.body_timeout = std::time::Duration::from_millis(50);
        c.upload_timeout = std::time::Duration::from_millis(50);
    })
    .await;
    let res = t
        .post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .send_stalled(b"{\"login\"")
        .await;
    res.problem(408, "request_timeout");
    // Uploads too.
    let (_, citizen) = t.citizen("0933000444").await;
    let res = t
        .post("/api/v1/reports/x/attachments?kind=image&name=a.png")
        .bearer(&citizen)
        .header("content-type", "image/png")
        .send_stalled(b"\x89PNG")
        .await;
    res.problem(408, "request_timeout");
}

// ---------------------------------------------------------------- CSV injection

#[actix_web::test]
async fn exported_text_never_runs_as_a_formula() {
    let w = World::new().await;
    let mut body = report_body();
    body["title"] = json!("=HYPERLINK(\"http://x.vn\";\"Ổ gà trên đường\")");
    body["address"] = json!("@SUM(1+1) đường Trần Hưng Đạo");
    let res = submit_as_citizen(&w, &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let csv =
        w.t.get("/api/v1/statistics/reports.csv?from=2026-03-01&to=2026-03-31")
            .bearer(&w.op)
            .send()
            .await
            .text();
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cells: Vec<&str> = rows[0].iter().collect();
    assert!(
        cells.contains(&"'=HYPERLINK(\"http://x.vn\";\"Ổ gà trên đường\")"),
        "{cells:?}"
    );
    assert!(
        cells.contains(&"'@SUM(1+1) đường Trần Hưng Đạo"),
        "{cells:?}"
    );
    assert!(
        cells.iter().all(|c| !c.starts_with(['=', '+', '-', '@'])),
        "{cells:?}"
    );
}

// ---------------------------------------------------------------- sessions

/// The claims of a JWT, unverified.
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET),
    )
    .unwrap()
}

async fn me(t: &TestApp, token: &str) -> u16 {
    t.get("/api/v1/me")
        .bearer(token)
        .send()
        .await
        .status
        .as_u16()
}

#[actix_web::test]
async fn an_access_token_ends_with_its_session() {
    let t = TestApp::new().await;
    // Sign-out.
    let s = t.login_full("admin", ADMIN_PASSWORD).await;
    let access = s["access_token"].as_str().unwrap();
    assert_eq!(me(&t, access).await, 200);
    t.post("/api/v1/auth/logout")
        .json(&json!({"refresh_token": s["refresh_token"]}))
        .send()
        .await;
    t.get("/api/v1/me")
        .bearer(access)
        .send()
        .await
        .problem(401, "session_ended");
    // A reused refresh token revokes the sign-in, and the access tokens of both holders.
    let s = t.login_full("admin", ADMIN_PASSWORD).await;
    let other = t.login_full("admin", ADMIN_PASSWORD).await;
    let refreshed = t
        .post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": s["refresh_token"]}))
        .send()
        .await
        .json();
    let newer = refreshed["access_token"].as_str().unwrap();
    assert_eq!(me(&t, newer).await, 200);
    t.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": s["refresh_token"]}))
        .send()
        .await
        .problem(401, "refresh_token_reused");
    assert_eq!(me(&t, s["access_token"].as_str().unwrap()).await, 401);
    assert_eq!(me(&t, newer).await, 401);
    // Another sign-in of the same account goes on.
    assert_eq!(me(&t, other["access_token"].as_str().unwrap()).await, 200);
    // A password change ends every sign-in.
    let (_, citizen) = t.citizen("0944000555").await;
    assert_eq!(me(&t, &citizen).await, 200);
    let res = t
        .post("/api/v1/me/password")
        .bearer(&citizen)
        .json(&json!({"current_password": PASSWORD, "new_password": "matkhau2027"}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(me(&t, &citizen).await, 401);
    assert_eq!(
        me(&t, &t.login("0944000555", "matkhau2027").await).await,
        200
    );
}

#[actix_web::test]
async fn forged_times_in_a_token_are_refused() {
    let t = TestApp::new().await;
    let token = t.admin().await;
    let real = claims(&token);
    // Re-signed as it is: accepted (the check is about the claims, not the encoding).
    assert_eq!(me(&t, &sign(&real)).await, 200);
    let now = t.clock.now().timestamp();
    let ttl = t.state.config.access_token_ttl.as_secs() as i64;
    let forged = |edit: &dyn Fn(&mut Value)| {
        let mut c = real.clone();
        edit(&mut c);
        sign(&c)
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "iat in the future",
            forged(&|c| c["iat"] = json!(now + 3600)),
        ),
        (
            "nbf in the future",
            forged(&|c| c["nbf"] = json!(now + 3600)),
        ),
        (
            "exp far away",
            forged(&|c| c["exp"] = json!(now + 365 * 86_400)),
        ),
        (
            "lifetime longer than configured",
            forged(&|c| {
                c["iat"] = json!(now - 10 * ttl);
                c["exp"] = json!(now + ttl / 2);
            }),
        ),
        ("expired", forged(&|c| c["exp"] = json!(now - 1))),
        (
            "no session",
            forged(&|c| {
                c.as_object_mut()
                    .unwrap()
                    .remove("sid")
                    .map(|_| ())
                    .unwrap()
            }),
        ),
        (
            "no iat",
            forged(&|c| {
                c.as_object_mut()
                    .unwrap()
                    .remove("iat")
                    .map(|_| ())
                    .unwrap()
            }),
        ),
        ("another kind", forged(&|c| c["typ"] = json!("refresh"))),
    ];
    for (what, token) in cases {
        let res = t.get("/api/v1/me").bearer(&token).send().await;
        assert_eq!(res.status.as_u16(), 401, "{what}: {}", res.text());
    }
    // A small clock skew between replicas is tolerated.
    let skewed = forged(&|c| {
        c["iat"] = json!(now + 5);
        c["nbf"] = json!(now + 5);
    });
    assert_eq!(me(&t, &skewed).await, 200);
}

// ---------------------------------------------------------------- throttles

#[actix_web::test]
async fn refresh_and_registration_are_throttled_per_address() {
    let t = TestApp::with_config(|c| {
        c.refresh_max_failures_per_address = 3;
        c.register_max_per_address = 2;
    })
    .await;
    for _ in 0..3 {
        t.post("/api/v1/auth/refresh")
            .peer("203.0.113.5:1000")
            .json(&json!({"refresh_token": "guess"}))
            .send()
            .await
            .problem(401, "invalid_refresh_token");
    }
    let real = t.login_full("admin", ADMIN_PASSWORD).await;
    let res = t
        .post("/api/v1/auth/refresh")
        .peer("203.0.113.5:1001")
        .json(&json!({"refresh_token": real["refresh_token"]}))
        .send()
        .await;
    res.problem(429, "rate_limited");
    assert!(res.header("retry-after").is_some());
    let ok = t
        .post("/api/v1/auth/refresh")
        .peer("198.51.100.3:1000")
        .json(&json!({"refresh_token": real["refresh_token"]}))
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    for phone in ["0955000001", "0955000002"] {
        let res = t
            .post("/api/v1/auth/register")
            .peer("203.0.113.6:1000")
            .json(&json!({"full_name": "Lê Văn Tám", "phone": phone, "password": PASSWORD}))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED);
    }
    t.post("/api/v1/auth/register")
        .peer("203.0.113.6:1000")
        .json(&json!({"full_name": "Lê Văn Tám", "phone": "0955000003", "password": PASSWORD}))
        .send()
        .await
        .problem(429, "rate_limited");
}

// ---------------------------------------------------------------- roles and agencies

async fn patch_user(t: &TestApp, admin: &str, id: &str, body: Value) -> crate::support::Res {
    t.patch(&format!("/api/v1/users/{id}"))
        .bearer(admin)
        .json(&body)
        .send()
        .await
}

#[actix_web::test]
async fn roles_without_an_agency_take_none() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sgtvt = t.agency_id("SGTVT").await;
    for role in ["operator", "province", "admin"] {
        let res = t
            .post("/api/v1/users")
            .bearer(&admin)
            .json(
                &json!({"username": format!("x.{role}"), "full_name": "Cán bộ", "role": role,
                "agency_id": sgtvt, "password": PASSWORD}),
            )
            .send()
            .await;
        let p = res.problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["field"], "agency_id");
        assert_eq!(p["errors"][0]["code"], "agency_not_allowed");
    }
    let (staff, _) = t.staff("gtvt.nv", "agency_staff", Some("SGTVT")).await;
    // A role change to one without an agency drops the agency.
    let res = patch_user(&t, &admin, &staff, json!({"role": "operator"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["agency_id"], Value::Null);
    // Giving it one back is refused.
    patch_user(&t, &admin, &staff, json!({"agency_id": sgtvt}))
        .await
        .problem(422, "validation_failed");
    // Between agency roles the agency stays.
    let (lead, _) = t.staff("gtvt.ld", "agency_staff", Some("SGTVT")).await;
    let res = patch_user(&t, &admin, &lead, json!({"role": "agency_leader"})).await;
    assert_eq!(res.json()["agency_id"], json!(sgtvt));
    // A citizen registers with none.
    let (citizen, _) = t.citizen("0966000777").await;
    patch_user(&t, &admin, &citizen, json!({"agency_id": sgtvt}))
        .await
        .problem(422, "validation_failed");
}

/// Token responses are never cached (RFC 6749 §5.1).
#[actix_web::test]
async fn tokens_are_not_cached() {
    let t = crate::support::TestApp::new().await;
    let res = t
        .post("/api/v1/auth/login")
        .json(&serde_json::json!({"login": "admin", "password": crate::support::ADMIN_PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, actix_web::http::StatusCode::OK);
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(res.header("pragma").as_deref(), Some("no-cache"));
    let refresh = res.json()["refresh_token"].as_str().unwrap().to_string();
    let res = t
        .post("/api/v1/auth/refresh")
        .json(&serde_json::json!({"refresh_token": refresh}))
        .send()
        .await;
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
}

/// A refused CORS pre-flight answers a problem document, like every other error.
#[actix_web::test]
async fn a_refused_cors_preflight_is_a_problem_document() {
    let t = crate::support::TestApp::with_config(|c| {
        c.cors_origins = vec!["https://congdan.soctrang.gov.vn".into()]
    })
    .await;
    let res = t
        .req(actix_web::http::Method::OPTIONS, "/api/v1/reports")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await;
    let p = res.problem(400, "cors_refused");
    assert!(p["detail"].as_str().unwrap().contains("CORS"));
    let ok = t
        .req(actix_web::http::Method::OPTIONS, "/api/v1/reports")
        .header("origin", "https://congdan.soctrang.gov.vn")
        .header("access-control-request-method", "POST")
        .send()
        .await;
    assert!(ok.status.is_success(), "{}", ok.status);
}

/// An action whose fields are all optional takes no body at all.
#[actix_web::test]
async fn an_action_with_optional_fields_needs_no_body() {
    let w = crate::world::World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let res =
        w.t.post(&format!("/api/v1/reports/{id}/accept"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(
        res.status,
        actix_web::http::StatusCode::OK,
        "{}",
        res.text()
    );
    assert_eq!(res.json()["status"], "accepted");
    // A body that is not JSON is still refused.
    w.t.post(&format!("/api/v1/reports/{id}/flags"))
        .bearer(&w.op)
        .raw("text/plain", "emergency")
        .send()
        .await
        .problem(415, "unsupported_media_type");
}

/// The container reports healthy only when the service can reach its database; the licence
/// the package declares is in the repository.
#[test]
fn the_container_checks_readiness_and_the_licence_is_there() {
    let root = env!("CARGO_MANIFEST_DIR");
    let docker = std::fs::read_to_string(format!("{root}/Dockerfile")).unwrap();
    let check = docker
        .lines()
        .skip_while(|l| !l.starts_with("HEALTHCHECK"))
        .take(2)
        .collect::<String>();
    assert!(
        check.contains("/readyz") && !check.contains("/healthz"),
        "{check}"
    );
    let licence = std::fs::read_to_string(format!("{root}/LICENSE")).unwrap();
    assert!(licence.starts_with("MIT License"));
    assert_eq!(env!("CARGO_PKG_LICENSE"), "MIT");
}
