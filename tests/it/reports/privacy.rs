use actix_web::http::StatusCode;
use serde_json::json;

use crate::world::{CCCD, EMAIL, HOME, NAME, PHONE, World, actions_of, report_body};

const PERSONAL: [&str; 5] = [NAME, CCCD, PHONE, EMAIL, HOME];

fn assert_no_personal_data(body: &str, what: &str) {
    for v in PERSONAL {
        assert!(!body.contains(v), "{what} carries {v:?}: {body}");
    }
}

#[actix_web::test]
async fn no_public_response_carries_personal_data() {
    let w = World::new().await;
    let id = w.published().await;
    let code = w.report(&w.op, &id).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        format!("/api/v1/public/reports/{code}"),
        "/api/v1/public/reports".to_string(),
        format!("/api/v1/public/reports?q={code}"),
    ] {
        let res = w.t.get(&path).send().await;
        assert_eq!(res.status, StatusCode::OK);
        assert_no_personal_data(&res.text(), &path);
    }
    // Agency staff see no identity without consent; the IOC does, and the read is recorded.
    let staff_view =
        w.t.get(&format!("/api/v1/reports/{id}"))
            .bearer(&w.staff)
            .send()
            .await;
    assert!(staff_view.json()["reporter"].is_null());
    assert_no_personal_data(&staff_view.text(), "agency view without consent");
    let reads = |w: &World| {
        let mut c = w.t.state.pool.get().unwrap();
        paht::db::repo::reports::identity_reads_of(&mut c, &id).unwrap()
    };
    let before = reads(&w);
    assert_eq!(w.report(&w.op, &id).await["reporter"]["full_name"], NAME);
    assert_eq!(
        reads(&w),
        before + 1,
        "every staff read of the identity is recorded"
    );
}

#[actix_web::test]
async fn consent_opens_contact_details_to_the_agency() {
    let w = World::new().await;
    let mut b = report_body();
    b["consent_share_contact"] = json!(true);
    let r =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .json();
    let id = r["id"].as_str().unwrap();
    w.accept(id).await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/assignments"),
        json!({"agency_id": w.gtvt}),
    )
    .await;
    assert_eq!(w.report(&w.staff, id).await["reporter"]["phone"], PHONE);
}

#[actix_web::test]
async fn confidential_and_state_secret_results_stay_out_of_public_view() {
    let w = World::new().await;
    let mut b = report_body();
    b["confidential"] = json!(true);
    let r =
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&b)
            .send()
            .await
            .json();
    let confidential = r["id"].as_str().unwrap().to_string();
    let secret = w.submit().await["id"].as_str().unwrap().to_string();
    for (id, flags) in [
        (&confidential, json!({})),
        (&secret, json!({"state_secret": true})),
    ] {
        w.post(&w.op, &format!("/api/v1/reports/{id}/accept"), flags)
            .await;
        let d = w
            .post(
                &w.op,
                &format!("/api/v1/reports/{id}/assignments"),
                json!({"agency_id": w.gtvt}),
            )
            .await;
        let a = d["assignment_id"].as_str().unwrap();
        w.take(&w.staff, a).await;
        w.post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/result"),
            crate::world::result_body(),
        )
        .await;
        w.approve(&w.leader, a).await;
        w.publish(id).await;
        let code = w.report(&w.op, id).await["code"]
            .as_str()
            .unwrap()
            .to_string();
        w.t.get(&format!("/api/v1/public/reports/{code}"))
            .send()
            .await
            .problem(404, "not_found");
        // The reporter still gets the result.
        let own = w.report(&w.citizen, id).await;
        assert!(own["assignments"][0]["result"]["answer"].is_string());
    }
    let list = w.t.get("/api/v1/public/reports").send().await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

/// Art. 4.5, 15.6: the province, administrators and supervisors never see who reported, even
/// with the reporter's consent; the processing agency gets the contact, never the CCCD number.
#[actix_web::test]
async fn identity_is_for_the_ioc_the_reporter_and_the_consented_agency() {
    let w = World::new().await;
    let (_, supervisor) =
        w.t.staff("gtvt.supervisor", "supervisor", Some("SGTVT"))
            .await;
    let mut b = report_body();
    b["consent_share_contact"] = json!(true);
    b["confidential"] = json!(true);
    let id = w.post(&w.citizen, "/api/v1/reports", b).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/accept"),
        json!({"state_secret": true}),
    )
    .await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/assignments"),
        json!({"agency_id": w.gtvt}),
    )
    .await;
    for (who, token) in [
        ("province", &w.province),
        ("admin", &w.admin),
        ("supervisor", &supervisor),
    ] {
        let res =
            w.t.get(&format!("/api/v1/reports/{id}"))
                .bearer(token)
                .send()
                .await;
        assert_eq!(res.status, StatusCode::OK, "{who}: {}", res.text());
        assert!(res.json()["reporter"].is_null(), "{who} sees the reporter");
        assert_no_personal_data(&res.text(), who);
    }
    let staff = w.report(&w.staff, &id).await;
    assert_eq!(staff["reporter"]["phone"], PHONE);
    assert_eq!(staff["reporter"]["full_name"], NAME);
    assert!(staff["reporter"]["cccd"].is_null(), "{}", staff["reporter"]);
    assert!(!staff.to_string().contains(CCCD));
    assert_eq!(w.report(&w.op, &id).await["reporter"]["cccd"], CCCD);
    assert_eq!(w.report(&w.citizen, &id).await["reporter"]["cccd"], CCCD);
    // Exports follow the same rule.
    let year = w.report(&w.op, &id).await["submitted_at"].as_str().unwrap()[..4].to_string();
    let path = format!("/api/v1/statistics/reports.csv?from={year}-01-01&to={year}-12-31");
    for (who, token) in [("province", &w.province), ("admin", &w.admin)] {
        let csv = w.t.get(&path).bearer(token).send().await;
        assert_eq!(csv.status, StatusCode::OK, "{who}: {}", csv.text());
        assert_no_personal_data(&csv.text(), who);
    }
    let csv = w.t.get(&path).bearer(&w.staff).send().await.text();
    assert!(csv.contains(PHONE), "{csv}");
    assert!(!csv.contains(CCCD));
}

/// Art. 9: before publication the reporter sees the state, the public steps, their own data
/// and what they were asked; never a draft, a leader's note, an internal note or a staff id.
#[actix_web::test]
async fn the_reporter_sees_no_internal_work_before_publication() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/request-info"),
        json!({"note": "Xin cho biết số nhà chính xác."}),
    )
    .await;
    w.post(
        &w.citizen,
        &format!("/api/v1/reports/{id}/supplement"),
        json!({"note": "Trước số 45, cạnh cột điện số 12."}),
    )
    .await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/accept"),
        json!({"note": "GHI-CHU-NOI-BO của IOC"}),
    )
    .await;
    let d = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/assignments"),
            json!({"agency_id": w.gtvt, "note": "GHI-CHU-NOI-BO khi chuyển"}),
        )
        .await;
    let a = d["assignment_id"].as_str().unwrap();
    w.take(&w.staff, a).await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/result"),
        crate::world::result_body(),
    )
    .await;
    w.post(
        &w.leader,
        &format!("/api/v1/assignments/{a}/approval"),
        json!({"decision": "send_back", "note": "GHI-CHU-LANH-DAO sửa lại"}),
    )
    .await;
    w.post(
        &w.staff,
        &format!("/api/v1/assignments/{a}/result"),
        crate::world::result_body(),
    )
    .await;
    w.approve(&w.leader, a).await;
    let answer = crate::world::result_body()["answer"]
        .as_str()
        .unwrap()
        .to_string();
    let staff_ids: Vec<String> =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.op)
            .send()
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["actor_role"] != "citizen")
            .filter_map(|e| e["actor_user_id"].as_str().map(String::from))
            .collect();
    assert!(!staff_ids.is_empty());
    let check = |view: &str, answer_allowed: bool| {
        for secret in ["GHI-CHU-NOI-BO", "GHI-CHU-LANH-DAO"] {
            assert!(!view.contains(secret), "{secret} in {view}");
        }
        for s in &staff_ids {
            assert!(!view.contains(s.as_str()), "staff id {s} in {view}");
        }
        assert_eq!(view.contains(&answer), answer_allowed, "{view}");
    };
    let own = w.report(&w.citizen, &id).await;
    assert_eq!(own["status"], "awaiting_publication");
    assert_eq!(own["reporter"]["cccd"], CCCD);
    check(&own.to_string(), false);
    let events =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.citizen)
            .send()
            .await;
    assert_eq!(events.status, StatusCode::OK);
    check(&events.text(), false);
    let events = events.json();
    let actions = actions_of(&events);
    assert!(actions.contains(&"dispatched"), "{actions:?}");
    assert!(!actions.contains(&"result_sent_back"), "{actions:?}");
    let asked = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "info_requested")
        .unwrap();
    assert_eq!(asked["note"], "Xin cho biết số nhà chính xác.");
    // The staff see everything.
    let staff = w.report(&w.op, &id).await.to_string();
    assert!(staff.contains(&answer));
    let history =
        w.t.get(&format!("/api/v1/reports/{id}/events"))
            .bearer(&w.op)
            .send()
            .await
            .text();
    assert!(history.contains("GHI-CHU-LANH-DAO") && history.contains("GHI-CHU-NOI-BO"));
    // Once published, the reporter reads the answer.
    w.publish(&id).await;
    check(&w.report(&w.citizen, &id).await.to_string(), true);
}
