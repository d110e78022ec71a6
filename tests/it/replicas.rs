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

/// A role that can read every table and write none: what a streaming replica allows.
fn read_only_url(admin_url: &str, db: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let mut c = diesel::PgConnection::establish(admin_url).unwrap();
    // Roles belong to the server: tests running at once may create it together.
    diesel::sql_query(
        "DO $$ BEGIN CREATE ROLE paht_replica LOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    .execute(&mut c)
    .unwrap();
    for q in [
        "GRANT pg_read_all_data TO paht_replica",
        "ALTER ROLE paht_replica SET default_transaction_read_only = on",
    ] {
        // Concurrent grants of the same role may collide; the state they reach is the same.
        let _ = diesel::sql_query(q).execute(&mut c);
    }
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let base = base.replacen("://paht@", "://paht_replica@", 1);
    format!("{base}/{db}")
}

#[actix_web::test]
async fn statistics_public_reads_and_exports_need_only_a_read_replica() {
    let w = crate::world::World::new().await;
    let Some((admin_url, db)) = w.t.postgres() else {
        // SQLite reads its own file: PAHT_DATABASE_READ_URL is PostgreSQL's (refused here).
        let mut vars = std::collections::HashMap::new();
        vars.insert(
            "PAHT_DATABASE_READ_URL".to_string(),
            "sqlite://r.db".to_string(),
        );
        assert!(paht::config::Config::from_map(&vars).is_err());
        return;
    };
    let url = read_only_url(&admin_url, &db);
    // A replica of the first app whose reads go to a connection that cannot write.
    let r =
        w.t.replica_with(|c| {
            c.database_read = Some(paht::config::DatabaseUrl::parse(&url).unwrap());
        })
        .await;
    w.submit().await;
    let admin = r.login("admin", ADMIN_PASSWORD).await;
    for path in [
        "/api/v1/statistics/summary",
        "/api/v1/statistics/agencies",
        "/api/v1/statistics/series",
        "/api/v1/statistics/reports.csv",
        "/api/v1/statistics/map?bbox=105.5,9.0,106.5,10.0&zoom=9",
    ] {
        let res = r.get(path).bearer(&admin).send().await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
    }
    for path in [
        "/api/v1/public/reports",
        "/api/v1/public/statistics",
        "/api/v1/public/reports.geojson",
        "/open311/v2/requests.json",
    ] {
        let res = r.get(path).send().await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
    }
    // Writes still go to the primary through the same replica.
    let res = r
        .post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&crate::world::report_body())
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
}
