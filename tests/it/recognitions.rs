//! `/recognitions`: proposals for recognition (Art. 17).

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::world::World;

/// Art. 17: agency leaders and the IOC propose reporters and staff for recognition; the
/// province reads the proposals of a period, without the reporter's identity (Art. 4.5).
#[actix_web::test]
async fn recognition_is_proposed_and_listed_with_identity_rules() {
    let w = World::new().await;
    let emergency = w.submit().await["id"].as_str().unwrap().to_string();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{emergency}/accept"),
        json!({"emergency": true}),
    )
    .await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{emergency}/emergency/call"),
        json!({"agency_id": w.gtvt}),
    )
    .await;
    let plain = w.submit().await["id"].as_str().unwrap().to_string();
    let propose = |token: &str, body: Value| {
        let req = w.t.post("/api/v1/recognitions").bearer(token).json(&body);
        async move { req.send().await }
    };
    // The emergency's agency leader proposes the reporter whose call saved people.
    let res = propose(
        &w.leader,
        json!({"nominee": "reporter", "ground": "emergency_rescue", "report_id": emergency,
               "reason": "Báo tin kịp thời vụ sạt lở, giúp sơ tán 5 hộ dân"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    // Not for a report that was no emergency; grounds fit their nominees.
    let p = propose(
        &w.op,
        json!({"nominee": "reporter", "ground": "emergency_rescue", "report_id": plain, "reason": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "not_emergency");
    propose(
        &w.op,
        json!({"nominee": "reporter", "ground": "outstanding_work", "report_id": plain, "reason": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    let res = propose(
        &w.op,
        json!({"nominee": "reporter", "ground": "useful_suggestion", "report_id": plain,
               "reason": "Đề xuất lắp gờ giảm tốc, đã áp dụng"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    // A leader proposes its own staff, not another agency's; staff propose nothing.
    let me = w.t.get("/api/v1/me").bearer(&w.staff).send().await.json();
    let co =
        w.t.get("/api/v1/me")
            .bearer(&w.co_staff)
            .send()
            .await
            .json();
    let res = propose(
        &w.leader,
        json!({"nominee": "staff", "ground": "outstanding_work", "user_id": me["id"],
               "reason": "Xử lý đúng hạn mọi phản ánh của quý"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    propose(
        &w.leader,
        json!({"nominee": "staff", "ground": "initiative", "user_id": co["id"], "reason": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    propose(
        &w.staff,
        json!({"nominee": "staff", "ground": "initiative", "user_id": me["id"], "reason": "x"}),
    )
    .await
    .problem(403, "forbidden");
    // The province's list of the period: who and why, never the reporter's identity.
    let list = |token: &str| {
        let req =
            w.t.get("/api/v1/recognitions?from=2026-01-01&to=2026-12-31")
                .bearer(token);
        async move {
            let res = req.send().await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            res
        }
    };
    let province = list(&w.province).await;
    assert!(
        !province.text().contains(crate::world::NAME)
            && !province.text().contains(crate::world::CCCD)
    );
    let items = province.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert!(items[0]["reporter"].is_null());
    assert!(items[0]["report_code"].as_str().unwrap().starts_with("PA-"));
    assert_eq!(items[2]["staff"]["id"], me["id"]);
    // The IOC sees who reported; the agency leader its own agency's proposals, and no reporter
    // who did not consent to share their contact.
    let op = list(&w.op).await.json();
    assert_eq!(op[0]["reporter"]["cccd"], crate::world::CCCD);
    let leader = list(&w.leader).await.json();
    assert_eq!(leader.as_array().unwrap().len(), 2);
    assert!(leader[0]["reporter"].is_null());
    w.t.get("/api/v1/recognitions")
        .bearer(&w.citizen)
        .send()
        .await
        .problem(403, "forbidden");
}
