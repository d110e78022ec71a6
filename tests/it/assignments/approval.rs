//! `POST /assignments/{id}/approval`: the agency's leader approves the result or sends it back
//! with a reason (Art. 8.4).

use serde_json::json;

use crate::world::{World, actions_of, clock};

#[actix_web::test]
async fn only_the_leader_approves_and_a_send_back_needs_a_reason() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    w.take(&w.staff, &a).await;
    let r = w.answer(&w.staff, &a).await;
    // Answered Monday 09:00 local: the leader has 1 working day, to Tuesday 09:00.
    let approval = clock(&r, "leader_approval");
    assert_eq!(approval["state"], "running");
    assert_eq!(approval["due_at"], "2026-03-03T02:00:00Z");
    // Staff may not approve; the leader sends it back once, then approves.
    w.t.post(&format!("/api/v1/assignments/{a}/approval"))
        .bearer(&w.staff)
        .json(&json!({"decision": "approve"}))
        .send()
        .await
        .problem(403, "forbidden");
    w.t.post(&format!("/api/v1/assignments/{a}/approval"))
        .bearer(&w.leader)
        .json(&json!({"decision": "send_back"}))
        .send()
        .await
        .problem(422, "validation_failed");
    w.post(
        &w.leader,
        &format!("/api/v1/assignments/{a}/approval"),
        json!({"decision": "send_back", "note": "Bổ sung thời gian hoàn thành"}),
    )
    .await;
    let r = w.report(&w.leader, &id).await;
    let mine = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == a)
        .unwrap();
    assert_eq!(mine["status"], "changes_requested");
    w.answer(&w.staff, &a).await;
    let r = w.approve(&w.leader, &a).await;
    assert_eq!(r["status"], "awaiting_publication");
    let events = w.events(&w.op, &id).await;
    let actions = &actions_of(&events)[3..];
    assert_eq!(
        actions,
        [
            "assignment_accepted",
            "result_submitted",
            "result_sent_back",
            "result_submitted",
            "result_approved"
        ]
    );
}
