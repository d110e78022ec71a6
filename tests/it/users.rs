use actix_web::http::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, TestApp};

#[actix_web::test]
async fn admins_create_staff_bound_to_agencies() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sgtvt = t.agency_id("SGTVT").await;
    let res = t
        .post("/api/v1/users")
        .bearer(&admin)
        .json(&json!({"username": "GTVT.Leader", "full_name": "Phạm Văn Lãnh", "role": "agency_leader",
            "agency_id": sgtvt, "email": "lanh@soctrang.gov.vn", "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let u = res.json();
    assert_eq!(u["username"], "gtvt.leader");
    assert_eq!(u["agency_id"], sgtvt);
    let token = t.login("gtvt.leader", PASSWORD).await;
    let me = t.get("/api/v1/me").bearer(&token).send().await.json();
    assert_eq!(me["role"], "agency_leader");

    // Roles that need an agency, unknown agencies, citizens, taken names.
    let bad = |body: serde_json::Value| t.post("/api/v1/users").bearer(&admin).json(&body).send();
    let p = bad(json!({"username": "staff1", "full_name": "X", "role": "agency_staff", "password": PASSWORD})).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "agency_id");
    let p = bad(json!({"username": "staff1", "full_name": "X", "role": "supervisor", "agency_id": "nope", "password": PASSWORD})).await.problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "unknown_agency");
    let p = bad(
        json!({"username": "staff1", "full_name": "X", "role": "citizen", "password": PASSWORD}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "role");
    let p =
        bad(json!({"username": "1x", "full_name": "X", "role": "operator", "password": "weak"}))
            .await
            .problem(422, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    bad(json!({"username": "gtvt.leader", "full_name": "X", "role": "operator", "password": PASSWORD})).await.problem(409, "login_taken");
    bad(json!({"username": "x2", "full_name": "X", "role": "operator", "password": PASSWORD, "disabled": false})).await.problem(422, "validation_failed");
}

#[actix_web::test]
async fn only_admins_manage_users() {
    let t = TestApp::new().await;
    let (_, op) = t.staff("ioc.op", "operator", None).await;
    let (_, citizen) = t.citizen("0944444444").await;
    for token in [&op, &citizen] {
        t.get("/api/v1/users")
            .bearer(token)
            .send()
            .await
            .problem(403, "forbidden");
        t.post("/api/v1/users")
            .bearer(token)
            .json(
                &json!({"username": "x1", "full_name": "X", "role": "admin", "password": PASSWORD}),
            )
            .send()
            .await
            .problem(403, "forbidden");
    }
    t.get("/api/v1/users")
        .send()
        .await
        .problem(401, "unauthenticated");
}

#[actix_web::test]
async fn user_list_filters_and_pages() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    for i in 0..3 {
        t.staff(&format!("op{i}"), "operator", None).await;
    }
    t.staff("leader", "agency_leader", Some("SYT")).await;
    t.citizen("0955555555").await;
    let page = t
        .get("/api/v1/users?role=operator&limit=2")
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let page2 = t
        .get("/api/v1/users?role=operator&limit=2&offset=2")
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    let syt = t.agency_id("SYT").await;
    let by_agency = t
        .get(&format!("/api/v1/users?agency_id={syt}"))
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(by_agency["total"], 1);
    // A phone is sealed at rest: it matches whole (in any form), through its blind index.
    for q in ["0955555555", "%2B84%20955%20555%20555"] {
        let by_phone = t
            .get(&format!("/api/v1/users?q={q}"))
            .bearer(&admin)
            .send()
            .await
            .json();
        assert_eq!(by_phone["total"], 1, "{q}");
    }
    let part = t
        .get("/api/v1/users?q=0955555")
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(part["total"], 0, "a part of a sealed phone matches nothing");
    let by_text = t
        .get("/api/v1/users?q=C%C3%A1n%20b%E1%BB%99%20OP")
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(by_text["total"], 3, "matches names ignoring case");
    t.get("/api/v1/users?limit=1000")
        .bearer(&admin)
        .send()
        .await
        .problem(400, "invalid_query");
    t.get("/api/v1/users?role=root")
        .bearer(&admin)
        .send()
        .await
        .problem(400, "invalid_query");
    t.get("/api/v1/users?page=2")
        .bearer(&admin)
        .send()
        .await
        .problem(400, "invalid_query");
}

#[actix_web::test]
async fn admins_edit_accounts_but_not_lock_themselves_out() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me").bearer(&admin).send().await.json();
    let my_id = me["id"].as_str().unwrap();
    t.patch(&format!("/api/v1/users/{my_id}"))
        .bearer(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .problem(409, "cannot_change_self");
    t.patch(&format!("/api/v1/users/{my_id}"))
        .bearer(&admin)
        .json(&json!({"role": "operator"}))
        .send()
        .await
        .problem(409, "cannot_change_self");
    t.patch("/api/v1/users/unknown")
        .bearer(&admin)
        .json(&json!({"full_name": "X"}))
        .send()
        .await
        .problem(404, "not_found");

    let (id, _) = t.staff("staff.a", "agency_staff", Some("SXD")).await;
    let res = t
        .patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .json(&json!({"role": "agency_leader", "phone": "0966 666 666", "full_name": "Đổi Tên"}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let u = res.json();
    assert_eq!(
        (
            u["role"].as_str(),
            u["phone"].as_str(),
            u["full_name"].as_str()
        ),
        (Some("agency_leader"), Some("0966666666"), Some("Đổi Tên"))
    );
    // Moving to a role without an agency is fine; unbinding a role that needs one is not.
    t.patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .json(&json!({"agency_id": null}))
        .send()
        .await
        .problem(422, "validation_failed");
    t.patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .json(&json!({"role": "citizen"}))
        .send()
        .await
        .problem(422, "validation_failed");
    // A password reset ends the sessions and sets the new password.
    let res = t
        .patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .json(&json!({"password": "mat-khau-moi-9"}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    t.login("staff.a", "mat-khau-moi-9").await;
    let got = t
        .get(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(got["id"], id);
}
