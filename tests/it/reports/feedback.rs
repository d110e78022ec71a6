//! `POST /reports/{id}/feedback`, `…/clarification`, `…/rating`: the reporter's feedback on a
//! published result, the lead agency's clarification and the rating (Art. 10).

use chrono::TimeDelta;
use serde_json::json;

use crate::world::{World, actions_of, clock};

#[actix_web::test]
async fn feedback_is_clarified_in_two_working_days_and_ratings_are_kept() {
    let w = World::new().await;
    let id = w.published().await;
    w.t.clock.advance(TimeDelta::hours(1));
    // Feedback: the lead agency has 2 working days to clarify.
    let r = w
        .post(
            &w.citizen,
            &format!("/api/v1/reports/{id}/feedback"),
            json!({"content": "Ổ gà vẫn chưa được vá hết."}),
        )
        .await;
    let f = r["feedback"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(clock(&r, "clarify")["state"], "running");
    w.t.post(&format!("/api/v1/reports/{id}/feedback"))
        .bearer(&w.op)
        .json(&json!({"content": "x"}))
        .send()
        .await
        .problem(403, "forbidden");
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/reports/{id}/clarification"),
            json!({"feedback_id": f, "answer": "Đơn vị đã hoàn thành vá ổ gà ngày 04/3."}),
        )
        .await;
    assert_eq!(clock(&r, "clarify")["state"], "on_time");

    w.post(
        &w.citizen,
        &format!("/api/v1/reports/{id}/rating"),
        json!({"rating": "satisfied"}),
    )
    .await;
    let r = w
        .post(
            &w.citizen,
            &format!("/api/v1/reports/{id}/rating"),
            json!({"rating": "very_satisfied"}),
        )
        .await;
    assert_eq!(r["rating"], "very_satisfied");
    assert_eq!(r["ratings"].as_array().unwrap().len(), 2, "history kept");

    // The reporter's history shows the public steps and what concerns them, not the
    // agency's internal ones.
    let own = w.events(&w.citizen, &id).await;
    let own = actions_of(&own);
    assert_eq!(
        own,
        [
            "submitted",
            "accepted",
            "dispatched",
            "assignment_accepted",
            "result_approved",
            "published",
            "feedback_received",
            "clarified",
            "rated",
            "rated"
        ]
    );
}
