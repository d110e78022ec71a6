use actix_web::http::StatusCode;
use serde_json::json;

use super::{CCCD, EMAIL, HOME, NAME, PHONE, World, report_body};

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
    w.post(&w.op, &format!("/api/v1/reports/{id}/accept"), json!({}))
        .await;
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
        w.post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/accept"),
            json!({}),
        )
        .await;
        w.post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/result"),
            super::result_body(),
        )
        .await;
        w.post(
            &w.leader,
            &format!("/api/v1/assignments/{a}/approval"),
            json!({"decision": "approve"}),
        )
        .await;
        w.post(
            &w.op,
            &format!("/api/v1/reports/{id}/publication"),
            json!({}),
        )
        .await;
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
