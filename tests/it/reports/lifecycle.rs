//! Whole stories, from submission to rating, on real dates and the official calendar.

use chrono::{DateTime, TimeDelta};
use serde_json::json;

use crate::world::{World, actions_of, clock, report_body, result_body};

fn at(s: &str) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

#[actix_web::test]
async fn a_single_agency_story_from_submission_to_publication() {
    let w = World::new().await;
    // Monday 2 March 2026, 09:00 local.
    let r = w.submit().await;
    assert_eq!(r["code"], "PA-2026-000001");
    assert_eq!(r["status"], "submitted");
    assert_eq!(
        r["reporter"]["cccd"],
        crate::world::CCCD,
        "the reporter sees their own identity"
    );
    let dispatch = clock(&r, "dispatch");
    assert_eq!(
        (dispatch["due_at"].as_str(), dispatch["state"].as_str()),
        (Some("2026-03-02T08:00:00Z"), Some("running")),
        "4 working hours: 15:00 local"
    );
    let id = r["id"].as_str().unwrap();

    let r = w.post(&w.op, &format!("/api/v1/reports/{id}/accept"), json!({"content_corrected": "Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, rất nguy hiểm về ban đêm."})).await;
    assert_eq!(r["status"], "accepted");
    assert!(
        r["content"].as_str().unwrap().contains("vào ban đêm"),
        "the original stays"
    );
    assert!(
        r["content_corrected"]
            .as_str()
            .unwrap()
            .contains("về ban đêm")
    );

    w.t.clock.advance(TimeDelta::hours(1));
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/assignments"),
            json!({"agency_id": w.gtvt, "note": "Đề nghị xử lý"}),
        )
        .await;
    assert_eq!(d["agency_not_participating"], false);
    let a = d["assignment_id"].as_str().unwrap().to_string();
    let r = &d["report"];
    assert_eq!(r["status"], "in_progress");
    assert_eq!(clock(r, "dispatch")["state"], "on_time");
    // Dispatched Monday 10:00 local: 1 working day to take or return, 6 to answer.
    assert_eq!(clock(r, "lead_return")["due_at"], "2026-03-03T03:00:00Z");
    assert_eq!(clock(r, "lead_process")["due_at"], "2026-03-10T03:00:00Z");

    // The inbox of the agency shows it.
    let inbox =
        w.t.get("/api/v1/assignments?status=pending")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(inbox["items"][0]["id"], a);

    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.t.clock.advance(TimeDelta::hours(2));
    let r = w.approve(&w.leader, &a).await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_process")["state"], "on_time");
    // Approved Monday 12:00 local: 4 working hours to publish → 17:00.
    assert_eq!(clock(&r, "publish")["due_at"], "2026-03-02T10:00:00Z");

    let r = w.publish(id).await;
    assert_eq!(r["status"], "published");
    let code = r["code"].as_str().unwrap();
    let public =
        w.t.get(&format!("/api/v1/public/reports/{code}"))
            .send()
            .await
            .json();
    assert_eq!(public["result"]["answer"], result_body()["answer"]);
    assert!(
        public["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["action"] == "published")
    );
    let list = w.t.get("/api/v1/public/reports").send().await.json();
    assert_eq!(list["items"][0]["code"], code);

    let events = w.events(&w.op, id).await;
    let actions = actions_of(&events);
    assert_eq!(
        actions,
        [
            "submitted",
            "accepted",
            "dispatched",
            "assignment_accepted",
            "result_submitted",
            "result_approved",
            "published",
        ]
    );
    assert_eq!(events[2]["from_status"], "accepted");
    assert_eq!(events[2]["to_status"], "in_progress");
    assert_eq!(events[2]["actor_role"], "operator");
}

#[actix_web::test]
async fn deadlines_on_the_friday_afternoon_before_tet() {
    let mut w = World::new().await;
    // Friday 13 February 2026, 15:00 local: Tết Bính Ngọ is 16–20/2.
    w.t.clock.set(at("2026-02-13T08:00:00Z"));
    w.sign_in_again().await;
    let mut body = report_body();
    body["incident_at"] = json!("2026-02-13T07:00:00Z");
    let res =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&body)
            .send()
            .await;
    let r = res.json();
    let expected =
        w.t.get("/api/v1/calendar/deadline?start=2026-02-13T08:00:00Z&hours=4")
            .send()
            .await
            .json();
    assert_eq!(clock(&r, "dispatch")["due_at"], expected["deadline"]);
    assert_eq!(
        clock(&r, "dispatch")["due_at"],
        "2026-02-23T02:00:00Z",
        "Monday 23/2 09:00 local"
    );
    let id = r["id"].as_str().unwrap();
    // Dispatched on Monday 23/2 at 08:00 local.
    w.t.clock.set(at("2026-02-23T01:00:00Z"));
    w.accept(id).await;
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/assignments"),
            json!({"agency_id": w.gtvt}),
        )
        .await;
    let six =
        w.t.get("/api/v1/calendar/deadline?start=2026-02-23T01:00:00Z&days=6")
            .send()
            .await
            .json();
    assert_eq!(
        clock(&d["report"], "lead_process")["due_at"],
        six["deadline"]
    );
    assert_eq!(
        clock(&d["report"], "lead_process")["due_at"],
        "2026-03-03T01:00:00Z",
        "Tuesday 3/3 08:00 local"
    );
    assert_eq!(clock(&d["report"], "dispatch")["state"], "on_time");
}

#[actix_web::test]
async fn overdue_steps_are_marked_once() {
    let w = World::new().await;
    let r = w.submit().await;
    let id = r["id"].as_str().unwrap();
    assert_eq!(
        paht::service::reports::sweeper::sweep(&w.t.state).unwrap(),
        0
    );
    // Past 15:00 local the dispatch is overdue: visible at once, marked by the sweeper.
    w.t.clock.advance(TimeDelta::hours(7));
    let r = w.report(&w.op, id).await;
    assert_eq!(
        (
            r["overdue"].as_bool(),
            clock(&r, "dispatch")["state"].as_str()
        ),
        (Some(true), Some("overdue"))
    );
    let late =
        w.t.get("/api/v1/reports?overdue=true")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(late["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        paht::service::reports::sweeper::sweep(&w.t.state).unwrap(),
        1
    );
    assert_eq!(
        paht::service::reports::sweeper::sweep(&w.t.state).unwrap(),
        0,
        "no step marked twice"
    );
    let events =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    let overdue: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "overdue")
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["actor_role"], "system");
    // Dispatched late: the step is done late.
    w.accept(id).await;
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/assignments"),
            json!({"agency_id": w.gtvt}),
        )
        .await;
    assert_eq!(clock(&d["report"], "dispatch")["state"], "late");
}
