use actix_web::http::StatusCode;
use chrono::{DateTime, TimeDelta};
use serde_json::json;

use super::{World, clock, report_body, result_body};

fn at(s: &str) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

#[actix_web::test]
async fn a_single_agency_story_from_submission_to_rating() {
    let w = World::new().await;
    // Monday 2 March 2026, 09:00 local.
    let r = w.submit().await;
    assert_eq!(r["code"], "PA-2026-000001");
    assert_eq!(r["status"], "submitted");
    assert_eq!(
        r["reporter"]["cccd"],
        super::CCCD,
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

    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/accept"),
        json!({}),
    )
    .await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/result"),
        result_body(),
    )
    .await;
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
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/result"),
        result_body(),
    )
    .await;
    w.t.clock.advance(TimeDelta::hours(2));
    let r = w
        .post(
            &w.leader,
            &format!("/api/v1/assignments/{a}/approval"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_process")["state"], "on_time");
    // Approved Monday 12:00 local: 4 working hours to publish → 17:00.
    assert_eq!(clock(&r, "publish")["due_at"], "2026-03-02T10:00:00Z");

    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/publication"),
            json!({}),
        )
        .await;
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

    let events =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submitted",
            "accepted",
            "dispatched",
            "assignment_accepted",
            "result_submitted",
            "result_sent_back",
            "result_submitted",
            "result_approved",
            "published",
            "feedback_received",
            "clarified",
            "rated",
            "rated"
        ]
    );
    assert_eq!(events[2]["from_status"], "accepted");
    assert_eq!(events[2]["to_status"], "in_progress");
    assert_eq!(events[2]["actor_role"], "operator");
    // The reporter's history leaves out the agency's internal steps.
    let own =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.citizen)
            .send()
            .await
            .json();
    let own: Vec<&str> = own
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
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

#[actix_web::test]
async fn a_lead_with_a_coordinator() {
    let w = World::new().await;
    let (id, lead) = w.dispatched().await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{lead}/accept"),
        json!({}),
    )
    .await;
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
    w.post(
        &w.co_staff,
        &format!("/api/v1/assignments/{co}/accept"),
        json!({}),
    )
    .await;
    w.post(
        &w.co_staff,
        &format!("/api/v1/assignments/{co}/result"),
        result_body(),
    )
    .await;
    w.t.clock.advance(TimeDelta::hours(1));
    let r = w
        .post(
            &w.co_leader,
            &format!("/api/v1/assignments/{co}/approval"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(
        r["status"], "in_progress",
        "a coordinator's result goes to the lead"
    );
    // The lead has 2 working days from the last coordinator result (Monday 10:00 local).
    assert_eq!(
        clock(&r, "lead_consolidate")["due_at"],
        "2026-03-04T03:00:00Z"
    );
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{lead}/result"),
        result_body(),
    )
    .await;
    let r = w
        .post(
            &w.leader,
            &format!("/api/v1/assignments/{lead}/approval"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_consolidate")["state"], "on_time");
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
    w.post(&w.op, &format!("/api/v1/reports/{id}/accept"), json!({}))
        .await;
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
    w.post(&w.op, &format!("/api/v1/reports/{id}/accept"), json!({}))
        .await;
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/assignments"),
            json!({"agency_id": w.gtvt}),
        )
        .await;
    assert_eq!(clock(&d["report"], "dispatch")["state"], "late");
}

#[actix_web::test]
async fn an_extension_before_the_deadline_once() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/accept"),
        json!({}),
    )
    .await;
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
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{c}/accept"),
        json!({}),
    )
    .await;
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
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{b}/accept"),
        json!({}),
    )
    .await;
    w.t.clock.advance(TimeDelta::days(14));
    w.t.post(&format!("/api/v1/assignments/{b}/extensions"))
        .bearer(&w.staff)
        .json(&json!({"reason": "x", "notice_number": "1", "notice_date": "2026-03-02", "new_deadline": "2026-04-20T10:00:00Z"}))
        .send()
        .await
        .problem(409, "deadline_passed");
}

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

#[actix_web::test]
async fn returns_escalation_and_designation() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/return"),
            json!({"reason": "Không thuộc thẩm quyền"}),
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["lead_agency_id"].as_str()),
        (Some("accepted"), None)
    );
    assert_eq!(clock(&r, "lead_return")["state"], "on_time");
    assert_eq!(
        clock(&r, "dispatch")["state"],
        "running",
        "back in the IOC's queue"
    );
    // Nobody competent: the province designates.
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/escalate"),
            json!({"note": "Chưa xác định được cơ quan chủ trì"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_designation");
    w.t.post(&format!("/api/v1/reports/{id}/designation"))
        .bearer(&w.op)
        .json(&json!({"agency_id": w.sxd}))
        .send()
        .await
        .problem(403, "forbidden");
    let d = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/designation"),
            json!({"agency_id": w.sxd}),
        )
        .await;
    assert_eq!(
        (
            d["report"]["status"].as_str(),
            d["report"]["lead_agency_id"].as_str()
        ),
        (Some("in_progress"), Some(w.sxd.as_str()))
    );
    // The former lead no longer reaches its returned assignment's actions.
    w.t.post(&format!("/api/v1/assignments/{a}/accept"))
        .bearer(&w.staff)
        .send()
        .await
        .problem(409, "invalid_state");
}

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
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/result"),
        result_body(),
    )
    .await;
    let r = w
        .post(
            &w.leader,
            &format!("/api/v1/assignments/{a}/approval"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_publication");
    assert_eq!(clock(&r, "lead_redraft")["state"], "on_time");
}

#[actix_web::test]
async fn an_emergency() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    w.t.post(&format!("/api/v1/reports/{id}/emergency/call"))
        .bearer(&w.op)
        .json(&json!({"agency_id": w.gtvt}))
        .send()
        .await
        .problem(409, "not_emergency");
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/accept"),
        json!({"emergency": true}),
    )
    .await;
    let other = w.submit().await["id"].as_str().unwrap().to_string();
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/emergency/call"),
            json!({"agency_id": w.gtvt}),
        )
        .await;
    // Art. 8.6: the forward is the IOC's dispatch; no 4-hour dispatch clock keeps running.
    assert_eq!(r["status"], "emergency_forwarded");
    assert_eq!(clock(&r, "dispatch")["state"], "on_time");
    w.t.clock.advance(TimeDelta::days(3));
    let r = w.report(&w.op, &id).await;
    assert_eq!(r["overdue"], false, "{}", r["deadlines"]);
    // Staff lists filter emergencies.
    let list = |q: &'static str| {
        let w = &w;
        async move {
            w.t.get(&format!("/api/v1/reports?{q}"))
                .bearer(&w.op)
                .send()
                .await
                .json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("emergency=true").await, vec![id.clone()]);
    assert_eq!(list("emergency=false").await, vec![other.clone()]);
    w.t.post(&format!("/api/v1/reports/{id}/emergency/finished"))
        .bearer(&w.outsider)
        .json(&json!({}))
        .send()
        .await
        .problem(404, "not_found");
    w.t.clock.advance(TimeDelta::hours(2));
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/reports/{id}/emergency/finished"),
            json!({}),
        )
        .await;
    // Four clock hours, night or day.
    let k = clock(&r, "emergency_record");
    let (start, due) = (
        at(k["started_at"].as_str().unwrap()),
        at(k["due_at"].as_str().unwrap()),
    );
    assert_eq!(due - start, TimeDelta::hours(4));
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/reports/{id}/emergency/record"),
            json!({"summary": "Đã rào chắn và vá tạm ổ gà"}),
        )
        .await;
    assert_eq!(
        (
            r["emergency_handling"]["summary"].as_str(),
            clock(&r, "emergency_record")["state"].as_str()
        ),
        (Some("Đã rào chắn và vá tạm ổ gà"), Some("on_time"))
    );
    // The recorded handling is the emergency's end.
    assert_eq!(r["status"], "emergency_handled");
    assert!(r["next_due_at"].is_null(), "{}", r["next_due_at"]);
    w.t.post(&format!("/api/v1/reports/{id}/emergency/record"))
        .bearer(&w.staff)
        .json(&json!({"summary": "Lần nữa"}))
        .send()
        .await
        .problem(409, "already_recorded");
}
