//! The outbox end to end: each event writes its messages in its own transaction, and the
//! dispatcher delivers them to a real SMTP server and a real HTTP receiver (the SMS and push
//! gateways), through the reporter's channel of intake, to the right staff.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

mod delivery;
mod letter;
mod staff;
mod stream;
mod webhooks;

use crate::counterparts::{HttpReceiver, SmtpServer};
use crate::world::{CCCD, EMAIL, HOME, NAME, PHONE, World, report_body};

const ANSWER: &str =
    "Sở Giao thông vận tải đã chỉ đạo đơn vị bảo trì vá ổ gà trong ngày 03/3/2026.";
const LEADER_MAIL: &str = "lanhdao@sgtvt.example.vn";

struct Peers {
    smtp: SmtpServer,
    sms: HttpReceiver,
    push: HttpReceiver,
}

async fn world() -> (World, Peers) {
    let p = Peers {
        smtp: SmtpServer::start(),
        sms: HttpReceiver::start(),
        push: HttpReceiver::start(),
    };
    let (smtp, sms, push) = (
        p.smtp.url(),
        p.sms.url("/sms/send"),
        p.push.url("/v1/projects/paht/messages:send"),
    );
    let w = World::with_config(move |c| {
        c.notify.smtp_url = Some(smtp);
        c.notify.sms_url = Some(sms);
        c.notify.sms_key = Some("sms-key".into());
        c.notify.push_url = Some(push);
        c.notify.push_key = Some("push-key".into());
        c.notify.public_url = "https://phananh.example.vn".into();
    })
    .await;
    (w, p)
}

/// Runs the dispatcher until nothing is due.
pub(crate) fn deliver(w: &World) -> paht::service::outbox::Pass {
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs")
}

pub(crate) async fn inbox(w: &World, token: &str) -> Value {
    let res =
        w.t.get("/api/v1/me/notifications")
            .bearer(token)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

pub(crate) fn kinds(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Nothing a gateway or mail server received names the reporter beyond their address.
fn assert_no_identity(p: &Peers) {
    for m in p.smtp.mails.lock().iter() {
        let text = format!("{} {}", m.data, m.text());
        for secret in [CCCD, NAME, HOME] {
            assert!(!text.contains(secret), "an e-mail carries {secret}");
        }
    }
    for h in p.sms.hits().iter().chain(p.push.hits().iter()) {
        let text = h.body.to_string();
        for secret in [CCCD, NAME, HOME] {
            assert!(!text.contains(secret), "a gateway request carries {secret}");
        }
    }
}

#[actix_web::test]
async fn an_app_report_is_heard_by_its_reporter_and_by_each_agency_in_turn() {
    let (w, p) = world().await;
    // The citizen's phone receives push; the leader reads e-mail.
    let res =
        w.t.put("/api/v1/me/devices")
            .bearer(&w.citizen)
            .json(&json!({"token": "fcm-token-of-the-citizen-phone-0001", "platform": "android"}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text());
    let leaders =
        w.t.get("/api/v1/users?q=gtvt.leader")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    let leader_id = leaders["items"][0]["id"].as_str().unwrap().to_string();
    let res =
        w.t.patch(&format!("/api/v1/users/{leader_id}"))
            .bearer(&w.admin)
            .json(&json!({"email": LEADER_MAIL}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    // Submitted: the tracking code by e-mail (the report has an address), push and inbox.
    let r = w.submit().await;
    let (id, code) = (r["id"].as_str().unwrap(), r["code"].as_str().unwrap());
    let pass = deliver(&w);
    assert_eq!((pass.sent, pass.failed), (2, 0), "{pass:?}");
    let mails = p.smtp.to(EMAIL);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject(), format!("Đã tiếp nhận phản ánh {code}"));
    assert!(
        mails[0].text().contains(&format!("Mã số theo dõi: {code}")),
        "{}",
        mails[0].text()
    );
    assert!(
        mails[0]
            .text()
            .contains(&format!("https://phananh.example.vn/phan-anh/{code}"))
    );
    let push = p.push.hits();
    assert_eq!(push.len(), 1);
    assert_eq!(push[0].path, "/v1/projects/paht/messages:send");
    assert_eq!(push[0].header("authorization"), Some("Bearer push-key"));
    let m = &push[0].body["message"];
    assert_eq!(m["token"], "fcm-token-of-the-citizen-phone-0001");
    assert_eq!(m["data"]["kind"], "received");
    assert_eq!(m["data"]["report_id"], id);
    assert!(m["notification"]["body"].as_str().unwrap().contains(code));
    let delivery_id = m["data"]["delivery_id"].as_str().unwrap();
    assert_eq!(push[0].header("idempotency-key"), Some(delivery_id));
    assert!(p.sms.hits().is_empty(), "an app report gets no SMS");
    assert_eq!(kinds(&inbox(&w, &w.citizen).await), ["received"]);

    // Dispatched: the agency's staff hear of the new task; the operator who acted does not.
    w.accept(id).await;
    let a = w.dispatch(id, &w.gtvt).await;
    deliver(&w);
    assert_eq!(kinds(&inbox(&w, &w.staff).await), ["assignment_new"]);
    let n = &inbox(&w, &w.staff).await["items"][0];
    assert!(
        n["body"]
            .as_str()
            .unwrap()
            .contains("Sở Giao thông vận tải"),
        "{n}"
    );
    assert!(
        n["body"].as_str().unwrap().contains("ngày"),
        "the deadline in words: {n}"
    );
    assert_eq!(inbox(&w, &w.op).await["total"], 0);
    assert_eq!(
        inbox(&w, &w.co_staff).await["total"],
        0,
        "another agency hears nothing"
    );

    // Answered: the leader hears that a result awaits approval, in the inbox and by e-mail.
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    deliver(&w);
    assert_eq!(
        kinds(&inbox(&w, &w.leader).await),
        ["result_awaiting_approval"]
    );
    let to_leader = p.smtp.to(LEADER_MAIL);
    assert_eq!(to_leader.len(), 1);
    assert_eq!(
        to_leader[0].subject(),
        format!("Kết quả xử lý phản ánh {code} chờ phê duyệt")
    );

    // Sent back: its drafter hears it.
    let res =
        w.t.post(&format!("/api/v1/assignments/{a}/approval"))
            .bearer(&w.leader)
            .json(&json!({"decision": "send_back", "note": "Bổ sung thời gian hoàn thành."}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    deliver(&w);
    let staff = inbox(&w, &w.staff).await;
    assert_eq!(kinds(&staff)[0], "result_sent_back");
    assert!(
        staff["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Bổ sung thời gian hoàn thành.")
    );

    // Published: the answer reaches the reporter in the thread of the first e-mail.
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;
    w.publish(id).await;
    deliver(&w);
    let mails = p.smtp.to(EMAIL);
    assert_eq!(mails.len(), 2, "received and the result");
    let result = &mails[1];
    assert_eq!(result.subject(), format!("Kết quả xử lý phản ánh {code}"));
    assert!(result.text().contains(ANSWER), "{}", result.text());
    assert!(result.text().contains("Sở Giao thông vận tải"));
    // With the Annex I letter, as a PDF.
    let files = result.attachments();
    assert_eq!(files.len(), 1, "the letter");
    assert_eq!(files[0].0, format!("{code}.pdf"));
    assert_eq!(files[0].1, "application/pdf");
    assert!(files[0].2.starts_with(b"%PDF-"));
    assert!(mails[0].attachments().is_empty());
    let thread = mails[0].header("In-Reply-To").unwrap();
    assert_eq!(result.header("In-Reply-To").unwrap(), thread);
    assert_eq!(result.header("References").unwrap(), thread);
    assert_ne!(result.header("Message-ID"), mails[0].header("Message-ID"));
    let citizen = inbox(&w, &w.citizen).await;
    assert_eq!(kinds(&citizen), ["result_published", "received"]);
    assert_eq!(citizen["unread"], 2);
    assert_eq!(p.push.hits().len(), 2);
    assert_no_identity(&p);

    // Every message was written once and sent once; the admin sees them masked.
    let out =
        w.t.get(&format!("/api/v1/admin/outbox?report_id={id}"))
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert!(out["total"].as_i64().unwrap() >= 5, "{out}");
    for m in out["items"].as_array().unwrap() {
        assert_eq!(m["status"], "sent", "{m}");
        assert_eq!(m["attempts"], 1, "{m}");
        assert!(
            !m.to_string().contains(EMAIL),
            "the admin list masks addresses: {m}"
        );
    }
    let metrics = w.t.get("/metrics").send().await.text();
    assert!(
        metrics.contains("outbox_messages{status=\"pending\",transport=\"email\"} 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("outbox_deliveries_total{result=\"sent\"}"),
        "{metrics}"
    );

    // Read: one, then all.
    let first = citizen["items"][0]["id"].as_str().unwrap();
    let res =
        w.t.post("/api/v1/me/notifications/read")
            .bearer(&w.citizen)
            .json(&json!({"ids": [first]}))
            .send()
            .await;
    assert_eq!(res.json()["marked"], 1);
    assert_eq!(inbox(&w, &w.citizen).await["unread"], 1);
    let unread =
        w.t.get("/api/v1/me/notifications?unread=true")
            .bearer(&w.citizen)
            .send()
            .await
            .json();
    assert_eq!(kinds(&unread), ["received"]);
    let res =
        w.t.post("/api/v1/me/notifications/read")
            .bearer(&w.citizen)
            .json(&json!({}))
            .send()
            .await;
    assert_eq!(res.json()["marked"], 1);
    // Nobody marks another's.
    let res =
        w.t.post("/api/v1/me/notifications/read")
            .bearer(&w.staff)
            .json(&json!({"ids": [first]}))
            .send()
            .await;
    assert_eq!(res.json()["marked"], 0);
}

/// A hotline report's reporter hears by SMS (Art. 9.3a), and a confidential result never
/// travels in a short message (Art. 9.3b).
#[actix_web::test]
async fn a_hotline_caller_hears_by_sms_and_a_confidential_answer_stays_out_of_it() {
    let (w, p) = world().await;
    let mut b = report_body();
    b["channel"] = json!("hotline");
    b["confidential"] = json!(true);
    b["reporter"]["email"] = Value::Null;
    let r = w.entered(&b).await;
    let (id, code) = (
        r["id"].as_str().unwrap().to_string(),
        r["code"].as_str().unwrap().to_string(),
    );
    deliver(&w);
    let sms = p.sms.hits();
    assert_eq!(sms.len(), 1, "{sms:?}");
    let s = &sms[0];
    assert_eq!(s.header("authorization"), Some("Bearer sms-key"));
    assert_eq!(s.body["to"], PHONE);
    assert_eq!(s.body["from"], "PAHT");
    assert!(s.body["text"].as_str().unwrap().contains(&code));
    assert!(
        s.body["text"]
            .as_str()
            .unwrap()
            .contains("đã nhận phản ánh"),
        "diacritics kept by default"
    );
    assert_eq!(s.body["unicode"], true);
    let text = s.body["text"].as_str().unwrap();
    let expected = text
        .encode_utf16()
        .count()
        .div_ceil(if text.encode_utf16().count() > 70 {
            67
        } else {
            70
        });
    assert_eq!(s.body["segments"].as_u64().unwrap() as usize, expected);
    assert!(
        p.smtp.mails.lock().is_empty(),
        "no e-mail address, no e-mail"
    );

    w.carried_to_publication(&id).await;
    deliver(&w);
    let sms = p.sms.hits();
    assert_eq!(sms.len(), 2);
    let last = sms[1].body["text"].as_str().unwrap();
    assert!(last.contains(&code) && last.contains("gửi riêng"), "{last}");
    assert!(
        !last.contains("ổ gà"),
        "the answer stays out of the SMS: {last}"
    );
    let out =
        w.t.get(&format!("/api/v1/admin/outbox?report_id={id}"))
            .bearer(&w.admin)
            .send()
            .await
            .json();
    let sms_rows: Vec<&Value> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["transport"] == "sms")
        .collect();
    assert_eq!(sms_rows.len(), 2);
    assert!(
        sms_rows
            .iter()
            .all(|m| m["segments"].as_i64().unwrap() >= 1)
    );
    assert!(
        sms_rows.iter().all(|m| m["recipient"] == "091****432"),
        "{sms_rows:?}"
    );
    assert_no_identity(&p);
}
