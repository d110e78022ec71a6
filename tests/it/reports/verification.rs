//! `POST /reports/{id}/accept`, `…/correction`, `…/flags`, `…/request-info`, `…/rejection`,
//! `…/forward`: the IOC's verification (Art. 7.1–7.4).

use chrono::TimeDelta;
use serde_json::json;

use crate::world::{World, clock};

#[actix_web::test]
async fn verification_outcomes() {
    let w = World::new().await;
    // Ask for more, the reporter supplements, a new dispatch clock starts.
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/request-info"),
            json!({"note": "Bổ sung hình ảnh và địa chỉ cụ thể"}),
        )
        .await;
    assert_eq!(
        (
            r["status"].as_str(),
            clock(&r, "dispatch")["state"].as_str()
        ),
        (Some("needs_info"), Some("on_time"))
    );
    w.t.post(&format!("/api/v1/reports/{id}/supplement"))
        .bearer(&w.op)
        .json(&json!({"note": "x"}))
        .send()
        .await
        .problem(403, "forbidden");
    w.t.clock.advance(TimeDelta::hours(1));
    let r = w
        .post(
            &w.citizen,
            &format!("/api/v1/reports/{id}/supplement"),
            json!({"note": "Đã bổ sung địa chỉ", "address": "Trước số 47 Trần Hưng Đạo, Phường 2"}),
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["address"].as_str()),
        (
            Some("submitted"),
            Some("Trước số 47 Trần Hưng Đạo, Phường 2")
        )
    );
    assert_eq!(clock(&r, "dispatch")["state"], "running");
    // Reject with a reason.
    let r = w.post(&w.op, &format!("/api/v1/reports/{id}/reject"), json!({"reason": "complaint_or_denunciation", "note": "Nội dung khiếu nại, hướng dẫn gửi theo Luật Khiếu nại"})).await;
    assert_eq!(
        (r["status"].as_str(), r["rejection_reason"].as_str()),
        (Some("rejected"), Some("complaint_or_denunciation"))
    );
    w.t.post(&format!("/api/v1/reports/{id}/reject"))
        .bearer(&w.op)
        .json(&json!({"reason": "rude", "note": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    // Forward for follow-up: no processing clock.
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/forward"),
            json!({"kind": "suggestion", "agency_id": w.gtvt}),
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["forward_kind"].as_str()),
        (Some("forwarded"), Some("suggestion"))
    );
    assert!(
        r["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["state"] != "running")
    );
}
