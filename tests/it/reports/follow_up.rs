//! Reporters without an account (Art. 7.1, 10): the follow-up token that comes with the
//! tracking code, `/api/v1/track/{code}` and the actions under it, the operator acting for a
//! caller, the IOC's new and revoked tokens, the throttle, and a guest's report from the portal.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::counterparts::{HttpReceiver, SmtpServer};
use crate::world::{CCCD, EMAIL, HOME, NAME, PHONE, World, actions_of, report_body};

struct Peers {
    smtp: SmtpServer,
    sms: HttpReceiver,
}

async fn world_with(adjust: impl FnOnce(&mut paht::config::Config) + 'static) -> (World, Peers) {
    let p = Peers {
        smtp: SmtpServer::start(),
        sms: HttpReceiver::start(),
    };
    let (smtp, sms) = (p.smtp.url(), p.sms.url("/sms/send"));
    let w = World::with_config(move |c| {
        c.notify.smtp_url = Some(smtp);
        c.notify.sms_url = Some(sms);
        c.notify.sms_key = Some("sms-key".into());
        adjust(c);
    })
    .await;
    (w, p)
}

fn deliver(w: &World) {
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs");
}

/// The operator enters a call to the 1022 line (Art. 7.2); returns the answer.
async fn hotline_report(w: &World) -> Value {
    let mut b = report_body();
    b["channel"] = json!("hotline");
    w.entered(&b).await
}

fn token_of(r: &Value) -> String {
    r["follow_up_token"]
        .as_str()
        .expect("the submission answers the token")
        .to_string()
}

async fn track(w: &World, code: &str, token: &str) -> crate::support::Res {
    w.t.get(&format!("/api/v1/track/{code}"))
        .header("Follow-Up-Token", token)
        .send()
        .await
}

async fn track_post(w: &World, code: &str, token: &str, action: &str, body: Value) -> Value {
    let res =
        w.t.post(&format!("/api/v1/track/{code}/{action}"))
            .header("Follow-Up-Token", token)
            .json(&body)
            .send()
            .await;
    assert!(
        res.status.is_success(),
        "{action}: {} {}",
        res.status,
        res.text()
    );
    res.json()
}

/// Accepted, dispatched to SGTVT, answered, approved and published.
async fn publish(w: &World, id: &str) {
    w.accept(id).await;
    let a = w.dispatch(id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;
    w.publish(id).await;
}

/// A caller gets the token by SMS and e-mail, and with it follows the report, supplements it
/// when asked, reads the result, sends feedback and rates it: the life of an app user.
#[actix_web::test]
async fn a_caller_follows_supplements_and_rates_with_the_token() {
    let (w, p) = world_with(|_| {}).await;
    let r = hotline_report(&w).await;
    let (id, code) = (r["id"].as_str().unwrap(), r["code"].as_str().unwrap());
    let token = token_of(&r);
    assert_eq!(token.len(), 19, "{token}");
    deliver(&w);
    // The token travels through the channel of intake: the SMS and the e-mail.
    let sms = p.sms.hits();
    assert!(
        sms.iter()
            .any(|h| h.body["to"] == PHONE && h.body["text"].as_str().unwrap().contains(&token)),
        "{sms:?}"
    );
    let mails = p.smtp.to(EMAIL);
    assert!(mails.iter().any(|m| m.text().contains(&token)));
    // Delivered, the messages keep no token: it lives on only as its hash.
    {
        use diesel::prelude::*;
        use paht::db::schema::outbox;
        let mut c = w.t.state.ctx.pool.get().unwrap();
        let bodies: Vec<String> = outbox::table
            .filter(outbox::status.eq("sent"))
            .select(outbox::body)
            .load(&mut *c)
            .unwrap();
        assert!(bodies.len() >= 2, "{bodies:?}");
        assert!(bodies.iter().all(|b| !b.contains(&token)), "{bodies:?}");
        assert!(bodies.iter().any(|b| b.contains("••••-••••-••••-••••")));
    }
    // Read back, the report shows the token no more.
    let again = w.report(&w.op, id).await;
    assert!(again.get("follow_up_token").is_none());

    // The token opens the report, typed as people type it; the identity stays out.
    let typed = token.to_lowercase().replace('-', " ");
    let res = track(&w, code, &typed).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let v = res.json();
    assert_eq!(
        (v["status"].as_str(), v["id"].as_str()),
        (Some("submitted"), Some(id))
    );
    assert!(v["reporter"].is_null());
    for secret in [CCCD, NAME, HOME, PHONE, EMAIL] {
        assert!(
            !res.text().contains(secret),
            "the tracked view shows {secret}"
        );
    }
    // A wrong token, another report's code, or none: the same 401.
    track(&w, code, "0000-0000-0000-0000")
        .await
        .problem(401, "invalid_follow_up_token");
    track(&w, "PA-2026-999999", &token)
        .await
        .problem(401, "invalid_follow_up_token");
    w.t.get(&format!("/api/v1/track/{code}"))
        .send()
        .await
        .problem(401, "invalid_follow_up_token");

    // Art. 7.1: asked for more, the caller supplements without an account.
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/request-info"),
        json!({"note": "Xin cho biết số nhà chính xác."}),
    )
    .await;
    let v = track_post(
        &w,
        code,
        &token,
        "supplement",
        json!({"note": "Trước số 47, cạnh cột điện số 12."}),
    )
    .await;
    assert_eq!(v["status"], "submitted");
    // Feedback and rating wait for the published result.
    let res =
        w.t.post(&format!("/api/v1/track/{code}/rating"))
            .header("Follow-Up-Token", &token)
            .json(&json!({"rating": "satisfied"}))
            .send()
            .await;
    res.problem(409, "invalid_state");

    publish(&w, id).await;
    let v = track(&w, code, &token).await.json();
    assert_eq!(v["status"], "published");
    assert!(
        v["assignments"][0]["result"]["answer"]
            .as_str()
            .is_some_and(|a| a.contains("vá ổ gà")),
        "the published answer is shown: {v}"
    );
    // Art. 10: feedback, then a rating that a second one replaces.
    let res =
        w.t.post(&format!("/api/v1/track/{code}/feedback"))
            .header("Follow-Up-Token", &token)
            .json(&json!({"content": "Ổ gà mới vá đã lún trở lại."}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    track_post(
        &w,
        code,
        &token,
        "rating",
        json!({"rating": "dissatisfied"}),
    )
    .await;
    let v = track_post(&w, code, &token, "rating", json!({"rating": "satisfied"})).await;
    assert_eq!(v["rating"], "satisfied");
    assert_eq!(v["ratings"].as_array().unwrap().len(), 2);

    // The history as the reporter sees it: their steps, no staff account.
    let res =
        w.t.get(&format!("/api/v1/track/{code}/events"))
            .header("Follow-Up-Token", &token)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let evs = res.json();
    let acts = actions_of(&evs);
    for a in [
        "submitted",
        "info_requested",
        "supplemented",
        "published",
        "feedback_received",
        "rated",
    ] {
        assert!(acts.contains(&a), "{a} in {acts:?}");
    }
    assert!(!acts.contains(&"result_submitted"), "{acts:?}");
    assert!(
        evs.as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_user_id"].is_null()),
        "{evs}"
    );
    // The staff's history says the reporter acted, with no account.
    let staff = w.events(&w.op, id).await;
    let rated = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "rated")
        .unwrap();
    assert_eq!(
        (
            rated["actor_role"].as_str(),
            rated["actor_user_id"].is_null()
        ),
        (Some("citizen"), true)
    );
}

/// An app user's token goes to their e-mail, never into the in-app inbox.
#[actix_web::test]
async fn the_token_is_kept_out_of_the_inbox() {
    let (w, p) = world_with(|_| {}).await;
    let r = w.submit().await;
    let token = token_of(&r);
    deliver(&w);
    assert!(p.smtp.to(EMAIL).iter().any(|m| m.text().contains(&token)));
    let res =
        w.t.get("/api/v1/me/notifications")
            .bearer(&w.citizen)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK);
    let inbox = res.text();
    assert!(inbox.contains("received"), "{inbox}");
    assert!(!inbox.contains(&token), "{inbox}");
    // The token works for the app user's report too.
    let code = r["code"].as_str().unwrap();
    assert_eq!(track(&w, code, &token).await.status, StatusCode::OK);
}

/// The operator records a caller's supplement, feedback and rating; the event says so. Only
/// for a reporter without an account, and never by an agency.
#[actix_web::test]
async fn the_operator_acts_for_a_caller() {
    let (w, _p) = world_with(|_| {}).await;
    let id = hotline_report(&w).await["id"].as_str().unwrap().to_string();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/request-info"),
        json!({"note": "Xin cho biết số nhà chính xác."}),
    )
    .await;
    let v = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/supplement"),
            json!({"note": "Người gọi cho biết: trước số 47."}),
        )
        .await;
    assert_eq!(v["status"], "submitted");
    publish(&w, &id).await;
    w.t.post(&format!("/api/v1/reports/{id}/rating"))
        .bearer(&w.staff)
        .json(&json!({"rating": "very_satisfied"}))
        .send()
        .await
        .problem(403, "forbidden");
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/feedback"),
        json!({"content": "Người gọi phản hồi: chưa vá xong."}),
    )
    .await;
    let v = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/rating"),
            json!({"rating": "dissatisfied"}),
        )
        .await;
    assert_eq!(v["rating"], "dissatisfied");
    let evs = w.events(&w.op, &id).await;
    for action in ["supplemented", "feedback_received", "rated"] {
        let e = evs
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap();
        assert_eq!(e["actor_role"], "operator", "{e}");
        assert!(
            e["note"]
                .as_str()
                .unwrap_or_default()
                .contains("thay người phản ánh"),
            "{e}"
        );
    }
    // An app user's report is theirs to rate.
    let app = w.published().await;
    w.t.post(&format!("/api/v1/reports/{app}/rating"))
        .bearer(&w.op)
        .json(&json!({"rating": "satisfied"}))
        .send()
        .await
        .problem(403, "forbidden");
}

/// A lost or leaked token: the IOC issues another (sent to the reporter, answered once) and the
/// old one stops; a revoked token opens nothing.
#[actix_web::test]
async fn the_ioc_issues_a_new_token_and_revokes_it() {
    let (w, p) = world_with(|_| {}).await;
    let r = hotline_report(&w).await;
    let (id, code) = (r["id"].as_str().unwrap(), r["code"].as_str().unwrap());
    let old = token_of(&r);
    let path = format!("/api/v1/reports/{id}/follow-up-token");
    w.t.post(&path)
        .bearer(&w.citizen)
        .send()
        .await
        .problem(403, "forbidden");
    let res = w.t.post(&path).bearer(&w.op).send().await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let new = res.json()["follow_up_token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    track(&w, code, &old)
        .await
        .problem(401, "invalid_follow_up_token");
    assert_eq!(track(&w, code, &new).await.status, StatusCode::OK);
    deliver(&w);
    assert!(
        p.sms
            .hits()
            .iter()
            .any(|h| h.body["text"].as_str().unwrap().contains(&new)),
        "the new token goes to the caller by SMS"
    );
    let res = w.t.delete(&path).bearer(&w.op).send().await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    track(&w, code, &new)
        .await
        .problem(401, "invalid_follow_up_token");
    w.t.delete(&path)
        .bearer(&w.op)
        .send()
        .await
        .problem(409, "no_follow_up_token");
    let acts: Vec<String> = w
        .events(&w.op, id)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(acts.contains(&"follow_up_reissued".to_string()));
    assert!(acts.contains(&"follow_up_revoked".to_string()));
}

/// Wrong tokens are counted per client address: past the limit that address is refused even
/// the right token, and other addresses are not.
#[actix_web::test]
async fn guessing_tokens_is_throttled_per_address() {
    let w = World::with_config(|c| c.follow_up_max_failures_per_address = 3).await;
    let r = w.submit().await;
    let (code, token) = (r["code"].as_str().unwrap(), token_of(&r));
    let get = |peer: &'static str, t: String| {
        let path = format!("/api/v1/track/{code}");
        let w = &w;
        async move {
            w.t.get(&path)
                .header("Follow-Up-Token", &t)
                .peer(peer)
                .send()
                .await
        }
    };
    for i in 0..3 {
        get("10.0.0.1:5000", format!("AAAA-BBBB-CCCC-000{i}"))
            .await
            .problem(401, "invalid_follow_up_token");
    }
    let res = get("10.0.0.1:5000", token.clone()).await;
    res.problem(429, "rate_limited");
    assert!(res.header("retry-after").is_some());
    assert_eq!(get("10.0.0.2:5000", token).await.status, StatusCode::OK);
}

/// A guest gives the identity Art. 4.2 requires, makes no account, and gets the code and the
/// token; reports from one address are limited.
#[actix_web::test]
async fn a_guest_reports_from_the_portal() {
    let (w, p) = world_with(|c| c.guest_reports_max_per_address = 2).await;
    let send = |b: Value| {
        let w = &w;
        async move {
            w.t.post("/api/v1/public/reports")
                .peer("10.1.1.1:4000")
                .json(&b)
                .send()
                .await
        }
    };
    let mut app = report_body();
    app["channel"] = json!("app");
    send(app).await.problem(422, "validation_failed");
    let res = send(report_body()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let r = res.json();
    assert_eq!(r["channel"], "portal");
    let (code, token) = (r["code"].as_str().unwrap().to_string(), token_of(&r));
    assert_eq!(
        res.header("location").as_deref(),
        Some(format!("/api/v1/track/{code}").as_str())
    );
    assert!(r["reporter"].is_null(), "{r}");
    assert_eq!(track(&w, &code, &token).await.status, StatusCode::OK);
    // The IOC sees it as any report, with the identity for verification (Art. 7.1).
    let staff = w.report(&w.op, r["id"].as_str().unwrap()).await;
    assert_eq!(staff["reporter"]["cccd"], CCCD);
    deliver(&w);
    assert!(p.smtp.to(EMAIL).iter().any(|m| m.text().contains(&token)));
    // A second is taken; a third from the same address waits.
    assert_eq!(send(report_body()).await.status, StatusCode::CREATED);
    let res = send(report_body()).await;
    res.problem(429, "rate_limited");
}
