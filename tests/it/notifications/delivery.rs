//! Delivery itself: retries, dead letters and their replay, the mail server's verdict, the
//! unaccented SMS, and the embedded default without transports.

use actix_web::http::StatusCode;
use serde_json::json;

use super::{deliver, inbox, kinds};
use crate::counterparts::{HttpReceiver, SmtpServer};
use crate::world::{EMAIL, World, report_body};

/// The unaccented form is GSM-7: fewer segments for the same words.
#[actix_web::test]
async fn sms_can_go_unaccented() {
    let sms = HttpReceiver::start();
    let url = sms.url("/sms");
    let w = World::with_config(move |c| {
        c.notify.sms_url = Some(url);
        c.notify.sms_unaccented = true;
    })
    .await;
    let mut b = report_body();
    b["channel"] = json!("hotline");
    w.entered(&b).await;
    deliver(&w);
    let hit = &sms.hits()[0];
    assert!(
        hit.body["text"]
            .as_str()
            .unwrap()
            .starts_with("PAHT: da nhan phan anh"),
        "{}",
        hit.body
    );
    assert_eq!(hit.body["unicode"], false);
    assert_eq!(hit.body["segments"], 1);
}

/// A failing gateway: attempts are recorded, waits grow, the message ends as a dead letter, an
/// admin replays it and it is delivered with the same delivery id.
#[actix_web::test]
async fn a_failing_gateway_retries_then_dead_letters_and_a_replay_delivers() {
    let sms = HttpReceiver::start();
    sms.status.store(503, std::sync::atomic::Ordering::SeqCst);
    let url = sms.url("/sms");
    let w = World::with_config(move |c| {
        c.notify.sms_url = Some(url);
        c.notify.max_attempts = 3;
        c.notify.backoff_base = std::time::Duration::from_secs(60);
    })
    .await;
    let mut b = report_body();
    b["channel"] = json!("hotline");
    let res =
        w.t.post("/api/v1/reports")
            .bearer(&w.op)
            .json(&b)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let pass = deliver(&w);
    assert_eq!((pass.sent, pass.failed, pass.dead), (0, 1, 0));
    // Not due again until its wait is over.
    assert_eq!(deliver(&w).claimed, 0);
    w.t.clock.advance(chrono::TimeDelta::minutes(1));
    assert_eq!(deliver(&w).failed, 1);
    w.t.clock.advance(chrono::TimeDelta::minutes(2));
    let pass = deliver(&w);
    assert_eq!((pass.failed, pass.dead), (1, 1));
    w.t.clock.advance(chrono::TimeDelta::days(1));
    assert_eq!(deliver(&w).claimed, 0, "a dead letter is not retried");

    let dead =
        w.t.get("/api/v1/admin/outbox?status=dead")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert_eq!(dead["total"], 1, "{dead}");
    let m = &dead["items"][0];
    assert_eq!(m["attempts"], 3);
    assert_eq!(m["last_error"], "http 503");
    let mid = m["id"].as_str().unwrap();
    let detail =
        w.t.get(&format!("/api/v1/admin/outbox/{mid}"))
            .bearer(&w.admin)
            .send()
            .await
            .json();
    let log = detail["attempt_log"].as_array().unwrap();
    assert_eq!(log.len(), 3);
    assert!(
        log.iter()
            .all(|a| a["ok"] == false && a["detail"] == "http 503")
    );
    let metrics = w.t.get("/metrics").send().await.text();
    assert!(
        metrics.contains("outbox_messages{status=\"dead\",transport=\"sms\"} 1"),
        "{metrics}"
    );

    // Only an admin replays, and only a dead letter.
    w.t.post(&format!("/api/v1/admin/outbox/{mid}/replay"))
        .bearer(&w.op)
        .send()
        .await
        .problem(403, "forbidden");
    sms.status.store(200, std::sync::atomic::Ordering::SeqCst);
    let res =
        w.t.post(&format!("/api/v1/admin/outbox/{mid}/replay"))
            .bearer(&w.admin)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    w.t.post(&format!("/api/v1/admin/outbox/{mid}/replay"))
        .bearer(&w.admin)
        .send()
        .await
        .problem(409, "not_dead_letter");
    assert_eq!(deliver(&w).sent, 1);
    let hits = sms.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].body["id"], mid, "the same delivery id");
    let detail =
        w.t.get(&format!("/api/v1/admin/outbox/{mid}"))
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert_eq!(detail["status"], "sent");
    assert_eq!(detail["attempt_log"].as_array().unwrap().len(), 4);
}

/// No transport configured: the embedded default writes the inbox only, and nothing waits.
#[actix_web::test]
async fn without_transports_only_the_inbox_is_written() {
    let w = World::new().await;
    w.submit().await;
    assert_eq!(kinds(&inbox(&w, &w.citizen).await), ["received"]);
    assert_eq!(deliver(&w).claimed, 0);
}

/// The mail server's answer decides: 451 is tried again, 554 ends the message at once.
#[actix_web::test]
async fn the_mail_servers_reply_decides_between_retry_and_dead_letter() {
    use std::sync::atomic::Ordering::SeqCst;
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| c.notify.smtp_url = Some(url)).await;
    smtp.reply.store(451, SeqCst);
    w.submit().await;
    let pass = deliver(&w);
    assert_eq!((pass.failed, pass.dead), (1, 0), "{pass:?}");
    smtp.reply.store(250, SeqCst);
    w.t.clock.advance(chrono::TimeDelta::hours(1));
    assert_eq!(deliver(&w).sent, 1);
    let mails = smtp.to(EMAIL);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].from, "no-reply@paht.localhost");
    smtp.reply.store(554, SeqCst);
    w.submit().await;
    let pass = deliver(&w);
    assert_eq!((pass.failed, pass.dead), (1, 1), "{pass:?}");
    let dead =
        w.t.get("/api/v1/admin/outbox?status=dead")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert!(
        dead["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("554"),
        "{dead}"
    );
}

/// Two dispatchers never hold the same message: on PostgreSQL the second claims while the
/// first's transaction still holds its rows (`FOR UPDATE SKIP LOCKED`); on SQLite, whose writers
/// take turns, after it, and the first's lease keeps them out.
#[actix_web::test]
async fn two_dispatchers_never_claim_the_same_message() {
    use paht::db::{DbConn, repo::outbox::claim, write_tx};
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| c.notify.smtp_url = Some(url)).await;
    for _ in 0..3 {
        w.submit().await;
    }
    let st = &w.t.state.ctx;
    let now = paht::clock::Clock::now(&*w.t.clock).naive_utc();
    let until = now + chrono::TimeDelta::minutes(5);
    let mut a = st.pool.get().unwrap();
    let mut b = st.pool.get().unwrap();
    let overlapping = matches!(*a, DbConn::Postgresql(_));
    let (first, mut second) = write_tx(&mut a, |ca| {
        let first = claim(ca, &st.vault, now, "worker-a", until, 2)?;
        let second = if overlapping {
            write_tx(&mut b, |cb| {
                claim(cb, &st.vault, now, "worker-b", until, 100)
            })?
        } else {
            Vec::new()
        };
        Ok::<_, diesel::result::Error>((first, second))
    })
    .unwrap();
    if !overlapping {
        second = write_tx(&mut b, |cb| {
            claim(cb, &st.vault, now, "worker-b", until, 100)
        })
        .unwrap();
    }
    assert_eq!(first.len(), 2);
    assert!(!second.is_empty(), "the rest is claimable");
    for m in &second {
        assert!(
            first.iter().all(|f| f.id != m.id),
            "claimed twice: {}",
            m.id
        );
        assert_eq!(m.lease_id.as_deref(), Some("worker-b"));
    }
    // Nothing is left for a third.
    let third = write_tx(&mut a, |c| claim(c, &st.vault, now, "worker-c", until, 100)).unwrap();
    assert!(third.is_empty());
}
