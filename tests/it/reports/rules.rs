use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::{World, report_body};

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

#[actix_web::test]
async fn forbidden_transitions_roles_and_agencies() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let path = |a: &str| format!("/api/v1/reports/{id}/{a}");
    // Wrong state → 409.
    w.t.post(&path("assignments"))
        .bearer(&w.op)
        .json(&json!({"agency_id": w.gtvt}))
        .send()
        .await
        .problem(409, "invalid_state");
    w.t.post(&path("publication"))
        .bearer(&w.op)
        .json(&json!({}))
        .send()
        .await
        .problem(409, "invalid_state");
    w.t.post(&path("rating"))
        .bearer(&w.citizen)
        .json(&json!({"rating": "satisfied"}))
        .send()
        .await
        .problem(409, "invalid_state");
    w.post(&w.op, &path("accept"), json!({})).await;
    w.t.post(&path("accept"))
        .bearer(&w.op)
        .json(&json!({}))
        .send()
        .await
        .problem(409, "invalid_state");
    // Wrong role → 403.
    w.t.post(&path("assignments"))
        .bearer(&w.citizen)
        .json(&json!({"agency_id": w.gtvt}))
        .send()
        .await
        .problem(403, "forbidden");
    w.t.post(&path("reject"))
        .bearer(&w.admin)
        .json(&json!({"reason": "duplicate", "note": "x"}))
        .send()
        .await
        .problem(403, "forbidden");
    let d = w
        .post(&w.op, &path("assignments"), json!({"agency_id": w.gtvt}))
        .await;
    let a = d["assignment_id"].as_str().unwrap();
    // Another agency → 404, for the report and its assignment alike.
    w.t.get(&format!("/api/v1/reports/{id}"))
        .bearer(&w.outsider)
        .send()
        .await
        .problem(404, "not_found");
    w.t.get(&format!("/api/v1/reports/{id}/events"))
        .bearer(&w.outsider)
        .send()
        .await
        .problem(404, "not_found");
    w.t.post(&format!("/api/v1/assignments/{a}/accept"))
        .bearer(&w.outsider)
        .send()
        .await
        .problem(404, "not_found");
    w.t.get(&format!("/api/v1/assignments/{a}"))
        .bearer(&w.outsider)
        .send()
        .await
        .problem(404, "not_found");
    // Another citizen → 404.
    let (_, other) = w.t.citizen("0987000222").await;
    w.t.get(&format!("/api/v1/reports/{id}"))
        .bearer(&other)
        .send()
        .await
        .problem(404, "not_found");
    w.t.get("/api/v1/reports/no-such-id")
        .bearer(&w.op)
        .send()
        .await
        .problem(404, "not_found");
    // A coordinator must name the competent agency when it gives an assignment back.
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/accept"),
        json!({}),
    )
    .await;
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/coordinators"),
            json!({"agency_ids": [w.sxd]}),
        )
        .await;
    let co = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["role"] == "coordinator")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.t.post(&format!("/api/v1/assignments/{co}/return"))
        .bearer(&w.co_staff)
        .json(&json!({"reason": "Không đúng"}))
        .send()
        .await
        .problem(422, "validation_failed");
    w.t.post(&format!("/api/v1/assignments/{a}/coordinators"))
        .bearer(&w.staff)
        .json(&json!({"agency_ids": [w.sxd]}))
        .send()
        .await
        .problem(422, "validation_failed");
}

#[actix_web::test]
async fn lists_for_each_role_with_cursor_pages() {
    let w = World::new().await;
    for _ in 0..3 {
        w.submit().await;
        w.t.clock.advance(chrono::TimeDelta::minutes(5));
    }
    let (id, _) = w.dispatched().await;
    let (_, other) = w.t.citizen("0987000333").await;
    let n = |v: &Value| v["items"].as_array().unwrap().len();
    let all =
        w.t.get("/api/v1/reports?limit=2")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(n(&all), 2);
    let cursor = all["next_cursor"].as_str().unwrap();
    let rest =
        w.t.get(&format!("/api/v1/reports?limit=2&cursor={cursor}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(n(&rest), 2);
    assert!(rest["next_cursor"].is_null());
    assert_eq!(
        n(&w.t
            .get("/api/v1/reports")
            .bearer(&w.citizen)
            .send()
            .await
            .json()),
        4
    );
    assert_eq!(
        n(&w.t
            .get("/api/v1/reports")
            .bearer(&other)
            .send()
            .await
            .json()),
        0
    );
    let mine =
        w.t.get("/api/v1/reports")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(
        (n(&mine), mine["items"][0]["id"].as_str()),
        (1, Some(id.as_str()))
    );
    assert_eq!(
        n(&w.t
            .get("/api/v1/reports")
            .bearer(&w.outsider)
            .send()
            .await
            .json()),
        0
    );
    let queue =
        w.t.get("/api/v1/reports?status=submitted&sort=due")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(n(&queue), 3);
    let dues: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["next_due_at"].as_str().unwrap())
        .collect();
    assert!(
        dues.windows(2).all(|p| p[0] <= p[1]),
        "due soonest first: {dues:?}"
    );
    assert_eq!(
        n(&w.t
            .get("/api/v1/reports?q=tr%E1%BA%A7n%20h%C6%B0ng")
            .bearer(&w.op)
            .send()
            .await
            .json()),
        4
    );
    assert_eq!(
        n(&w.t
            .get(&format!("/api/v1/reports?agency={}", w.gtvt))
            .bearer(&w.op)
            .send()
            .await
            .json()),
        1
    );
    assert_eq!(
        n(&w.t
            .get("/api/v1/reports?channel=hotline")
            .bearer(&w.op)
            .send()
            .await
            .json()),
        0
    );
    w.t.get("/api/v1/reports?status=lost")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_query");
    w.t.get("/api/v1/reports?cursor=zzz")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_query");
    w.t.get("/api/v1/reports?limit=0")
        .bearer(&w.op)
        .send()
        .await
        .problem(400, "invalid_query");
    // A supervisor of the agency above sees the agency's reports.
    let admin = &w.admin;
    let res =
        w.t.patch(&format!("/api/v1/agencies/{}", w.gtvt))
            .bearer(admin)
            .json(&json!({"parent_id": w.sxd}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK);
    let (_, sup) = w.t.staff("sxd.sup", "supervisor", Some("SXD")).await;
    assert_eq!(
        n(&w.t.get("/api/v1/reports").bearer(&sup).send().await.json()),
        1
    );
    assert_eq!(
        w.t.get(&format!("/api/v1/reports/{id}"))
            .bearer(&sup)
            .send()
            .await
            .status,
        StatusCode::OK
    );
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
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a2}/accept"),
        json!({}),
    )
    .await;
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

/// Art. 3.7: agencies that cannot agree go to the province, which directs them or designates the
/// lead itself.
#[actix_web::test]
async fn a_report_in_progress_goes_to_the_province() {
    let w = World::new().await;
    let (id, lead) = w.dispatched().await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{lead}/accept"),
        json!({}),
    )
    .await;
    let refer =
        json!({"reason": "Sở Xây dựng và Sở Giao thông vận tải chưa thống nhất phạm vi sửa chữa"});
    // Not an agency outside the report, not the province itself.
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.outsider)
        .json(&refer)
        .send()
        .await
        .problem(404, "not_found");
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.province)
        .json(&refer)
        .send()
        .await
        .problem(403, "forbidden");
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/reports/{id}/referral"),
            refer.clone(),
        )
        .await;
    assert_eq!(r["status"], "in_progress");
    assert_eq!(r["referrals"][0]["raised_role"], "agency_staff");
    assert!(r["referrals"][0]["decision"].is_null());
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.op)
        .json(&refer)
        .send()
        .await
        .problem(409, "referral_open");
    // The province's queue.
    let queue =
        w.t.get("/api/v1/reports?referred=true")
            .bearer(&w.province)
            .send()
            .await
            .json();
    assert_eq!(queue["items"][0]["id"], id.as_str());
    // The reporter sees neither the referral nor its reason.
    let own = w.report(&w.citizen, &id).await;
    assert_eq!(own["referrals"], json!([]));
    // A direction: the work goes on with the same lead.
    let r = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/referral/decision"),
            json!({"decision": "direct", "direction": "Sở Giao thông vận tải chủ trì, hoàn thành trong tuần"}),
        )
        .await;
    assert_eq!(r["referrals"][0]["decision"], "direction");
    assert_eq!(r["lead_agency_id"], w.gtvt.as_str());
    w.t.post(&format!("/api/v1/reports/{id}/referral/decision"))
        .bearer(&w.province)
        .json(&json!({"decision": "direct", "direction": "Lần nữa"}))
        .send()
        .await
        .problem(409, "no_open_referral");
    // Referred again, by the IOC; the province designates another lead.
    w.post(&w.op, &format!("/api/v1/reports/{id}/referral"), refer)
        .await;
    w.t.post(&format!("/api/v1/reports/{id}/referral/decision"))
        .bearer(&w.province)
        .json(&json!({"decision": "designate", "direction": "Giao Sở Xây dựng chủ trì"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let r = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/referral/decision"),
            json!({"decision": "designate", "direction": "Giao Sở Xây dựng chủ trì", "agency_id": w.sxd}),
        )
        .await;
    assert_eq!(r["lead_agency_id"], w.sxd.as_str());
    let old = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == lead.as_str())
        .unwrap();
    assert_eq!(old["status"], "cancelled");
    assert!(
        r["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["assignment_id"] == lead.as_str())
            .all(|k| k["state"] != "running"),
        "{}",
        r["deadlines"]
    );
    let new = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency_id"] == w.sxd.as_str() && a["role"] == "lead")
        .unwrap();
    assert_eq!(new["status"], "pending");
    w.post(
        &w.co_staff,
        &format!("/api/v1/assignments/{}/accept", new["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
}

/// A search finds a report typed as stored, in capitals, or without diacritics, on both
/// databases (SQLite's `lower()` folds ASCII only).
#[actix_web::test]
async fn search_ignores_case_and_diacritics() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let mut other = report_body();
    other["title"] = json!("Đèn chiếu sáng hỏng ở khóm 3");
    other["content"] = json!("Đèn chiếu sáng công cộng hỏng nhiều ngày, khu dân cư tối om.");
    other["address"] = json!("Khóm 3, Phường Phú Lợi");
    w.post(&w.citizen, "/api/v1/reports", other).await;
    let find = |q: &str| {
        let path = format!(
            "/api/v1/reports?q={}",
            percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC)
        );
        let req = w.t.get(&path).bearer(&w.op);
        async move {
            let page = req.send().await.json();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let decomposed: String =
        unicode_normalization::UnicodeNormalization::nfd("Trần Hưng Đạo").collect();
    for q in [
        "Đường",
        "ĐƯỜNG",
        "duong",
        "trần hưng đạo",
        "tran hung dao",
        "TRAN  HUNG DAO",
        decomposed.as_str(),
    ] {
        assert_eq!(find(q).await, vec![id.clone()], "{q}");
    }
    assert_eq!(find("khom 3").await.len(), 1);
    assert_eq!(find("den chieu sang").await.len(), 1);
    // An operator's correction is searched too.
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/correction"),
        json!({"content_corrected": "Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, cạnh chợ Phú Lợi."}),
    )
    .await;
    assert_eq!(find("cho phu loi").await, vec![id.clone()]);
    // Reports from before the search text get theirs at start.
    {
        use diesel::RunQueryDsl;
        let mut c = w.t.state.pool.get().unwrap();
        diesel::sql_query("DELETE FROM report_search")
            .execute(&mut *c)
            .unwrap();
        assert!(find("tran hung dao").await.is_empty());
        assert_eq!(
            paht::service::reports::queries::write_missing_search_texts(&mut c).unwrap(),
            2
        );
    }
    assert_eq!(find("cho phu loi").await, vec![id.clone()]);
}

/// Art. 3.9: a report whose words suggest a complaint or a denunciation is pointed out to the
/// operator, who decides; it is never refused by itself, and the reporter sees no such hint.
#[actix_web::test]
async fn likely_complaints_are_pointed_out_never_refused() {
    let w = World::new().await;
    let mut b = report_body();
    b["title"] = json!("Khiếu nại việc thu hồi đất của UBND phường");
    b["content"] =
        json!("Tôi khiếu nại quyết định hành chính thu hồi đất nhà tôi, đề nghị xem xét lại.");
    let r = w.post(&w.citizen, "/api/v1/reports", b).await;
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["status"], "submitted", "a suggestion, never a refusal");
    assert_eq!(r["complaint_signals"], json!([]), "not for the reporter");
    let staff = w.report(&w.op, &id).await;
    assert_eq!(
        staff["complaint_signals"],
        json!(["khiếu nại", "quyết định hành chính"])
    );
    let plain = w.submit().await["id"].as_str().unwrap().to_string();
    assert_eq!(
        w.report(&w.op, &plain).await["complaint_signals"],
        json!([])
    );
    let list = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let flag = |rid: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == rid)
            .unwrap()["possible_complaint"]
            .clone()
    };
    assert_eq!((flag(&id), flag(&plain)), (json!(true), json!(false)));
    // The operator decides: here, refusing it as a complaint.
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/reject"),
        json!({"reason": "complaint_or_denunciation", "note": "Nội dung là khiếu nại; đề nghị gửi theo Luật Khiếu nại."}),
    )
    .await;
}

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
    assert!(!province.text().contains(super::NAME) && !province.text().contains(super::CCCD));
    let items = province.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert!(items[0]["reporter"].is_null());
    assert!(items[0]["report_code"].as_str().unwrap().starts_with("PA-"));
    assert_eq!(items[2]["staff"]["id"], me["id"]);
    // The IOC sees who reported; the agency leader its own agency's proposals, and no reporter
    // who did not consent to share their contact.
    let op = list(&w.op).await.json();
    assert_eq!(op[0]["reporter"]["cccd"], super::CCCD);
    let leader = list(&w.leader).await.json();
    assert_eq!(leader.as_array().unwrap().len(), 2);
    assert!(leader[0]["reporter"].is_null());
    w.t.get("/api/v1/recognitions")
        .bearer(&w.citizen)
        .send()
        .await
        .problem(403, "forbidden");
}
