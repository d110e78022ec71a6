//! Webhooks for other systems: Standard Webhooks signatures checked by the receiver, ids and
//! public fields only, retries, and a subscription disabled after failing for long (its admins
//! told).

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::{deliver, inbox, kinds};
use crate::counterparts::{Hit, HttpReceiver};
use crate::world::{CCCD, EMAIL, HOME, NAME, PHONE, World};

/// What a receiver does (Standard Webhooks): HMAC-SHA256 over `id.timestamp.body` with the
/// base64 key after `whsec_`.
fn verify(secret: &str, hit: &Hit) -> bool {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let (id, ts) = (
        hit.header("webhook-id").unwrap(),
        hit.header("webhook-timestamp").unwrap(),
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{}", hit.raw).as_bytes());
    let want = format!("v1,{}", b64.encode(mac.finalize().into_bytes()));
    hit.header("webhook-signature")
        .unwrap()
        .split(' ')
        .any(|s| s == want)
}

async fn subscribe(w: &World, url: &str, events: Value) -> Value {
    let res =
        w.t.post("/api/v1/admin/webhooks")
            .bearer(&w.admin)
            .json(&json!({"url": url, "events": events, "description": "Bảng điều khiển IOC"}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

#[actix_web::test]
async fn subscribers_receive_signed_events_with_public_fields_only() {
    let rx = HttpReceiver::start();
    let w = World::new().await;
    let sub = subscribe(
        &w,
        &rx.url("/hooks"),
        json!(["report.submitted", "report.published"]),
    )
    .await;
    let secret = sub["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let list =
        w.t.get("/api/v1/admin/webhooks")
            .bearer(&w.admin)
            .send()
            .await;
    assert!(!list.text().contains(secret), "the secret is shown once");

    let r = w.submit().await;
    deliver(&w);
    let hits = rx.hits();
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert!(verify(secret, h), "the signature verifies");
    assert!(
        !verify("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", h),
        "and only with its key"
    );
    assert_eq!(h.body["type"], "report.submitted");
    assert_eq!(h.body["data"]["report_id"], r["id"]);
    assert_eq!(h.body["data"]["code"], r["code"]);
    assert_eq!(h.body["data"]["status"], "submitted");
    for secret in [CCCD, NAME, HOME, PHONE, EMAIL, "Ổ gà"] {
        assert!(!h.raw.contains(secret), "a webhook carries {secret}");
    }
    // Events not subscribed to are not sent; subscribed ones are.
    let id = r["id"].as_str().unwrap();
    w.accept(id).await;
    deliver(&w);
    assert_eq!(rx.hits().len(), 1);

    // Validation and rights.
    w.t.post("/api/v1/admin/webhooks")
        .bearer(&w.admin)
        .json(&json!({"url": "ftp://x.example.vn/h", "events": ["report.nothing"]}))
        .send()
        .await
        .problem(422, "validation_failed");
    w.t.post("/api/v1/admin/webhooks")
        .bearer(&w.op)
        .json(&json!({"url": "https://x.example.vn/h", "events": ["*"]}))
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn a_failing_subscription_is_disabled_and_the_admins_are_told() {
    use std::sync::atomic::Ordering::SeqCst;
    let rx = HttpReceiver::start();
    rx.status.store(500, SeqCst);
    let w = World::with_config(|c| {
        c.notify.webhook_disable_after = std::time::Duration::from_secs(3600);
        c.notify.backoff_base = std::time::Duration::from_secs(60);
    })
    .await;
    let sub = subscribe(&w, &rx.url("/hooks"), json!(["*"])).await;
    let sid = sub["id"].as_str().unwrap();
    w.submit().await;
    assert_eq!(deliver(&w).failed, 1);
    let list =
        w.t.get("/api/v1/admin/webhooks")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert!(list[0]["failing_since"].is_string(), "{list}");
    assert_eq!(list[0]["active"], true);
    // Still failing after more than an hour: disabled, and every admin hears it.
    w.t.clock.advance(chrono::TimeDelta::minutes(61));
    assert_eq!(deliver(&w).failed, 1);
    let list =
        w.t.get("/api/v1/admin/webhooks")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert_eq!(list[0]["active"], false, "{list}");
    assert_eq!(kinds(&inbox(&w, &w.admin).await), ["webhook_disabled"]);
    // A disabled subscription gets nothing new; enabled again, it does.
    w.submit().await;
    rx.status.store(200, SeqCst);
    w.t.clock.advance(chrono::TimeDelta::days(1));
    deliver(&w);
    assert!(rx.hits().is_empty(), "{:?}", rx.hits());
    let res =
        w.t.post(&format!("/api/v1/admin/webhooks/{sid}/enable"))
            .bearer(&w.admin)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["active"], true);
    w.submit().await;
    deliver(&w);
    assert_eq!(rx.hits().len(), 1);
    assert_eq!(rx.hits()[0].body["type"], "report.submitted");
}
