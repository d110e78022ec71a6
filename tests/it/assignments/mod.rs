//! `/assignments`: an agency's inbox, taking, coordinating, answering and approving (Art. 8).

mod approval;
mod extensions;

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::world::{World, clock, result_body};

#[actix_web::test]
async fn a_lead_with_a_coordinator() {
    let w = World::new().await;
    let (id, lead) = w.dispatched().await;
    w.take(&w.staff, &lead).await;
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{lead}/coordinators"),
            json!({"agency_ids": [w.sxd], "note": "Phối hợp kiểm tra"}),
        )
        .await;
    assert_eq!(clock(&r, "lead_forward")["state"], "on_time");
    assert_eq!(
        clock(&r, "lead_process")["state"],
        "cancelled",
        "the coordination path replaces the 6 days"
    );
    let co = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "coordinator")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Monday 09:00 local: 1 working day to take or return, 4 to answer.
    let co_clock = |r: &serde_json::Value, step: &str| {
        r["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["step"] == step && k["assignment_id"] == co)
            .unwrap()["due_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(co_clock(&r, "coordinator_return"), "2026-03-03T02:00:00Z");
    assert_eq!(co_clock(&r, "coordinator_process"), "2026-03-06T02:00:00Z");

    // The lead cannot answer before its coordinator; the coordinator sees the report.
    w.t.post(&format!("/api/v1/assignments/{lead}/result"))
        .bearer(&w.staff)
        .json(&result_body())
        .send()
        .await
        .problem(409, "coordinators_pending");
    assert_eq!(
        w.t.get(&format!("/api/v1/reports/{id}"))
            .bearer(&w.co_staff)
            .send()
            .await
            .status,
        StatusCode::OK
    );
    w.take(&w.co_staff, &co).await;
    w.answer(&w.co_staff, &co).await;
    w.t.clock.advance(TimeDelta::hours(1));
    let r = w.approve(&w.co_leader, &co).await;
    assert_eq!(
        r["status"], "in_progress",
        "a coordinator's result goes to the lead"
    );
    // The lead has 2 working days from the last coordinator result (Monday 10:00 local).
    assert_eq!(
        clock(&r, "lead_consolidate")["due_at"],
        "2026-03-04T03:00:00Z"
    );
    w.answer(&w.staff, &lead).await;
    let r = w.approve(&w.leader, &lead).await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_consolidate")["state"], "on_time");
}

#[actix_web::test]
async fn an_agency_inbox_by_status_and_deadline() {
    let w = World::new().await;
    // Three dispatches an hour apart; the second is taken, so its 1-day clock to take it stops
    // and its earliest running deadline is the 6-day one.
    let (_, a1) = w.dispatched().await;
    w.t.clock.advance(chrono::TimeDelta::hours(1));
    let (_, a2) = w.dispatched().await;
    w.t.clock.advance(chrono::TimeDelta::hours(1));
    let (_, a3) = w.dispatched().await;
    w.take(&w.staff, &a2).await;
    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let newest =
        w.t.get("/api/v1/assignments")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(ids(&newest), [a3.clone(), a2.clone(), a1.clone()]);
    let due =
        w.t.get("/api/v1/assignments?sort=due")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(ids(&due), [a1.clone(), a3.clone(), a2.clone()]);
    assert!(
        due["items"][0]["next_due_at"].as_str().unwrap()
            < due["items"][2]["next_due_at"].as_str().unwrap()
    );
    // Pages by deadline.
    let first =
        w.t.get("/api/v1/assignments?sort=due&limit=2")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(ids(&first), [a1.clone(), a3.clone()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest =
        w.t.get(&format!(
            "/api/v1/assignments?sort=due&limit=2&cursor={cursor}"
        ))
        .bearer(&w.staff)
        .send()
        .await
        .json();
    assert_eq!(ids(&rest), std::slice::from_ref(&a2));
    let pending =
        w.t.get("/api/v1/assignments?status=pending&sort=due")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(ids(&pending), [a1, a3]);
    w.t.get("/api/v1/assignments?sort=oldest")
        .bearer(&w.staff)
        .send()
        .await
        .problem(400, "invalid_query");
    w.t.get("/api/v1/assignments")
        .bearer(&w.op)
        .send()
        .await
        .problem(403, "forbidden");
}
