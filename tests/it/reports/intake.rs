//! `POST /reports`: what a report must hold (Art. 4), tracking codes and idempotent retries.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::world::{World, report_body};

#[actix_web::test]
async fn intake_is_validated_field_by_field() {
    let w = World::new().await;
    let fields = |p: &Value| {
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let mut b = report_body();
    b["title"] = json!("Big pothole on the main road");
    b["content"] = json!("There is a very deep pothole in the middle of the road.");
    b["reporter"]["cccd"] = json!("123");
    b["reporter"]["phone"] = json!("12345");
    b["reporter"]["email"] = json!("not-mail");
    b["latitude"] = json!(21.03);
    b["incident_at"] = json!("2026-03-05T00:00:00Z");
    let p =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(
        fields(&p),
        [
            "title",
            "content",
            "latitude",
            "incident_at",
            "reporter.cccd",
            "reporter.phone",
            "reporter.email"
        ],
        "{p}"
    );
    assert!(!p.to_string().contains("12345"), "values are not echoed");
    let mut b = report_body();
    b["category_code"] = json!("khong-co");
    b["admin_unit_code"] = json!("941");
    let p =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(
        fields(&p),
        ["category_code", "admin_unit_code"],
        "941 ended on 30/6/2025"
    );
    let mut b = report_body();
    b["reporter"].as_object_mut().unwrap().remove("cccd");
    let p =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(fields(&p), ["reporter.cccd"]);
    // No mass assignment of state, agency or deadlines.
    for extra in [
        json!({"status": "published"}),
        json!({"lead_agency_id": "x"}),
        json!({"next_due_at": "2030-01-01T00:00:00Z"}),
    ] {
        let mut b = report_body();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .problem(422, "validation_failed");
    }
    // Channels by role: citizens app or portal, operators email or hotline.
    let mut b = report_body();
    b["channel"] = json!("hotline");
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&b)
        .send()
        .await
        .problem(422, "validation_failed");
    w.t.post("/api/v1/reports")
        .bearer(&w.op)
        .json(&report_body())
        .send()
        .await
        .problem(422, "validation_failed");
    let res =
        w.t.post("/api/v1/reports")
            .bearer(&w.op)
            .json(&b)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["channel"], "hotline");
    w.t.post("/api/v1/reports")
        .bearer(&w.staff)
        .json(&report_body())
        .send()
        .await
        .problem(403, "forbidden");
    w.t.post("/api/v1/reports")
        .json(&report_body())
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn tracking_codes_are_gapless_and_submissions_idempotent() {
    let w = World::new().await;
    let send = |key: &'static str, body: Value| {
        let t = &w.t;
        let tok = w.citizen.clone();
        async move {
            t.post("/api/v1/reports")
                .bearer(&tok)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
        }
    };
    let first = send("k-1", report_body()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // A failed submission takes no number.
    let mut bad = report_body();
    bad["category_code"] = json!("khong-co");
    send("k-bad", bad).await.problem(422, "validation_failed");
    let again = send("k-1", report_body()).await;
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    let mut other = report_body();
    other["title"] = json!("Đèn đường bị hỏng ở hẻm 12");
    send("k-1", other.clone())
        .await
        .problem(422, "idempotency_key_reused");
    let second = send("k-2", other).await.json();
    assert_eq!(
        (first.json()["code"].as_str(), second["code"].as_str()),
        (Some("PA-2026-000001"), Some("PA-2026-000002"))
    );
}

/// The answer to a submission is the report as its author reads it back, whoever entered it,
/// and the new report is found by its tracking code.
#[actix_web::test]
async fn the_answer_to_a_submission_is_the_report_read_back() {
    let w = World::new().await;
    let created =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&report_body())
            .send()
            .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let mut created = created.json();
    let id = created["id"].as_str().unwrap().to_string();
    let read = w.report(&w.citizen, &id).await;
    // The follow-up token is answered once, with the submission, and never read back.
    let token = created.as_object_mut().unwrap().remove("follow_up_token");
    assert!(token.is_some_and(|t| t.is_string()));
    // So are the suggestions of likely duplicates (none here).
    let similar = created
        .as_object_mut()
        .unwrap()
        .remove("possible_duplicates");
    assert_eq!(similar, Some(serde_json::json!([])));
    assert_eq!(created, read);
    assert_eq!(read["reporter"]["cccd"], report_body()["reporter"]["cccd"]);
    assert_eq!(
        read["deadlines"].as_array().map(Vec::len),
        Some(1),
        "{read}"
    );

    let mut by_mail = report_body();
    by_mail["channel"] = json!("email");
    let entered =
        w.t.post("/api/v1/reports")
            .bearer(&w.op)
            .json(&by_mail)
            .send()
            .await;
    assert_eq!(entered.status, StatusCode::CREATED);
    let mut entered = entered.json();
    let id2 = entered["id"].as_str().unwrap().to_string();
    // The operator gets the caller's token once, to read it out.
    assert!(
        entered
            .as_object_mut()
            .unwrap()
            .remove("follow_up_token")
            .is_some()
    );
    // The operator is shown the citizen's report as a likely duplicate (same text and place).
    let similar = entered
        .as_object_mut()
        .unwrap()
        .remove("possible_duplicates")
        .unwrap();
    assert_eq!(similar[0]["id"], serde_json::json!(id));
    assert_eq!(entered, w.report(&w.op, &id2).await);

    let code = created["code"].as_str().unwrap();
    let found =
        w.t.get(&format!("/api/v1/reports?q={code}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    let ids: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, vec![id.as_str()], "{found}");
}
