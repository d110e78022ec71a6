//! `POST /reports/{id}/publication` and the return of a result without an answer (Art. 9).

use serde_json::json;

use crate::world::{World, clock};

#[actix_web::test]
async fn a_result_without_an_answer_goes_back() {
    let w = World::new().await;
    let id = w.approved().await;
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/return-result"),
            json!({"note": "Chưa trả lời nội dung phản ánh"}),
        )
        .await;
    assert_eq!(r["status"], "in_progress");
    let lead = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "lead")
        .unwrap();
    assert_eq!(
        (lead["status"].as_str(), lead["leader_note"].as_str()),
        (
            Some("changes_requested"),
            Some("Chưa trả lời nội dung phản ánh")
        )
    );
    // Art. 9.4: the redraft has a clock on the lead: 2 working days, its leader's approval
    // included.
    let k = clock(&r, "lead_redraft");
    assert_eq!(k["state"], "running");
    assert_eq!(k["assignment_id"], lead["id"]);
    let cal =
        w.t.get(&format!(
            "/api/v1/calendar/deadline?start={}&days=2",
            k["started_at"].as_str().unwrap()
        ))
        .send()
        .await
        .json();
    assert_eq!(k["due_at"], cal["deadline"], "{cal}");
    let a = lead["id"].as_str().unwrap().to_string();
    w.answer(&w.staff, &a).await;
    let r = w.approve(&w.leader, &a).await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_redraft")["state"], "on_time");
}
