//! `POST /assignments/{id}/extension`, `/extensions/{id}/confirm`, `/extensions/{id}/refusal`:
//! one extension, asked before the deadline (Art. 8.3).

use chrono::TimeDelta;
use serde_json::json;

use crate::world::{World, clock};

#[actix_web::test]
async fn an_extension_before_the_deadline_once() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    w.take(&w.staff, &a).await;
    let body = json!({"reason": "Cần khảo sát hiện trường", "notice_number": "125/TB-SGTVT", "notice_date": "2026-03-02", "new_deadline": "2026-03-20T10:00:00Z"});
    w.t.post(&format!("/api/v1/assignments/{a}/extensions"))
        .bearer(&w.staff)
        .json(&json!({"reason": "x", "notice_number": "1", "notice_date": "2026-03-02", "new_deadline": "2026-03-05T10:00:00Z"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/extensions"),
            body.clone(),
        )
        .await;
    let ext = r["extension"]["id"].as_str().unwrap().to_string();
    assert_eq!(r["extension"]["status"], "requested");
    w.t.post(&format!("/api/v1/assignments/{a}/extensions"))
        .bearer(&w.staff)
        .json(&body)
        .send()
        .await
        .problem(409, "extension_exists");
    w.t.post(&format!("/api/v1/extensions/{ext}/confirm"))
        .bearer(&w.staff)
        .send()
        .await
        .problem(403, "forbidden");
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/extensions/{ext}/confirm"),
            json!({}),
        )
        .await;
    assert_eq!(r["extension_used"], true);
    assert!(r["extension"]["reporter_notified_at"].is_string());
    let k = clock(&r, "lead_process");
    assert_eq!(
        (k["due_at"].as_str(), k["original_due_at"].as_str()),
        (Some("2026-03-20T10:00:00Z"), Some("2026-03-10T02:00:00Z"))
    );
    w.t.post(&format!("/api/v1/extensions/{ext}/confirm"))
        .bearer(&w.op)
        .send()
        .await
        .problem(409, "already_decided");
    let _ = id;

    // The committed deadline is bounded: 10 working days after the current one by default.
    let (_, c) = w.dispatched().await;
    w.take(&w.staff, &c).await;
    let p =
        w.t.post(&format!("/api/v1/assignments/{c}/extensions"))
            .bearer(&w.staff)
            .json(&json!({"reason": "x", "notice_number": "1", "notice_date": "2026-03-02", "new_deadline": "2026-03-25T10:00:00Z"}))
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "too_far", "{p}");
    // The IOC may refuse, with its reason: the deadline stays, the one request is spent.
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{c}/extensions"),
            json!({"reason": "Cần thêm thời gian", "notice_number": "7/TB", "notice_date": "2026-03-02", "new_deadline": "2026-03-24T02:00:00Z"}),
        )
        .await;
    let ext = r["extension"]["id"].as_str().unwrap().to_string();
    let before = clock(&r, "lead_process")["due_at"].clone();
    w.t.post(&format!("/api/v1/extensions/{ext}/refusal"))
        .bearer(&w.op)
        .json(&json!({}))
        .send()
        .await
        .problem(422, "validation_failed");
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/extensions/{ext}/refusal"),
            json!({"reason": "Văn bản thông báo không nêu lý do cần kiểm tra, xác minh"}),
        )
        .await;
    assert_eq!(r["extension"]["status"], "refused");
    assert_eq!(
        r["extension"]["refusal_reason"],
        "Văn bản thông báo không nêu lý do cần kiểm tra, xác minh"
    );
    assert_eq!(clock(&r, "lead_process")["due_at"], before);
    assert_eq!(r["extension_used"], false);
    w.t.post(&format!("/api/v1/extensions/{ext}/confirm"))
        .bearer(&w.op)
        .send()
        .await
        .problem(409, "already_decided");
    w.t.post(&format!("/api/v1/assignments/{c}/extensions"))
        .bearer(&w.staff)
        .json(&body)
        .send()
        .await
        .problem(409, "extension_exists");

    // Never after the deadline.
    let (_, b) = w.dispatched().await;
    w.take(&w.staff, &b).await;
    w.t.clock.advance(TimeDelta::days(14));
    w.t.post(&format!("/api/v1/assignments/{b}/extensions"))
        .bearer(&w.staff)
        .json(&json!({"reason": "x", "notice_number": "1", "notice_date": "2026-03-02", "new_deadline": "2026-04-20T10:00:00Z"}))
        .send()
        .await
        .problem(409, "deadline_passed");
}
