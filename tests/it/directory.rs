use actix_web::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;
use paht::clock::Clock;

#[actix_web::test]
async fn the_provinces_reference_data_is_loaded() {
    let t = TestApp::new().await;
    let agencies = t.get("/api/v1/agencies").send().await.json();
    let agencies = agencies.as_array().unwrap();
    assert!(agencies.len() >= 35, "{}", agencies.len());
    let committees = t
        .get("/api/v1/agencies?kind=district_committee")
        .send()
        .await
        .json();
    assert_eq!(committees.as_array().unwrap().len(), 11);
    assert!(
        agencies.iter().any(|a| a["participating"] == false),
        "some agencies do not take part yet"
    );
    let units = t
        .get("/api/v1/admin-units?level=district")
        .send()
        .await
        .json();
    assert_eq!(units.as_array().unwrap().len(), 11);
    let cats = t.get("/api/v1/categories").send().await.json();
    assert!(cats.as_array().unwrap().len() >= 15);
    let giao_thong = t.get("/api/v1/categories/giao-thong").send().await.json();
    assert_eq!(giao_thong["default_agency_id"], t.agency_id("SGTVT").await);
    // The public sees no focal points.
    assert!(agencies.iter().all(|a| a.get("focal_points").is_none()));
}

#[actix_web::test]
async fn units_are_data_with_validity() {
    let t = TestApp::new().await;
    let before = t
        .get("/api/v1/admin-units?valid_on=2025-06-30")
        .send()
        .await
        .json();
    let after = t
        .get("/api/v1/admin-units?valid_on=2025-07-01")
        .send()
        .await
        .json();
    let codes = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(codes(&before).contains(&"941".to_string()));
    assert!(
        !codes(&after).contains(&"941".to_string()),
        "district level abolished on 1 July 2025"
    );
    assert!(codes(&after).contains(&"92".to_string()));

    let admin = t.admin().await;
    assert!(
        codes(&after).contains(&"31510".to_string()),
        "the wards of 1/7/2025 are seeded"
    );
    let ward = json!({"code": "31999", "name": "Phường Thử Nghiệm", "level": "commune", "parent_code": "92", "valid_from": "2025-07-01"});
    let res = t
        .post("/api/v1/admin-units")
        .bearer(&admin)
        .json(&ward)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    t.post("/api/v1/admin-units")
        .bearer(&admin)
        .json(&ward)
        .send()
        .await
        .problem(409, "code_taken");
    let p = t
        .post("/api/v1/admin-units")
        .bearer(&admin)
        .json(&json!({"code": "1", "name": "X", "level": "district", "parent_code": "31999", "valid_from": "2026-01-02", "valid_to": "2026-01-01"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["before_valid_from", "wrong_parent_level"]);
    t.post("/api/v1/admin-units")
        .bearer(&admin)
        .json(&json!({"code": "9", "name": "X", "level": "town"}))
        .send()
        .await
        .problem(422, "validation_failed");

    let res = t
        .patch("/api/v1/admin-units/31999")
        .bearer(&admin)
        .json(&json!({"valid_to": "2030-12-31"}))
        .send()
        .await;
    assert_eq!(res.json()["valid_to"], "2030-12-31");
    t.delete("/api/v1/admin-units/94")
        .bearer(&admin)
        .send()
        .await
        .problem(409, "admin_unit_in_use");
    assert_eq!(
        t.delete("/api/v1/admin-units/31999")
            .bearer(&admin)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    t.get("/api/v1/admin-units/31999")
        .send()
        .await
        .problem(404, "not_found");
    let (_, op) = t.staff("ioc.op", "operator", None).await;
    t.post("/api/v1/admin-units")
        .bearer(&op)
        .json(&ward)
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn agencies_are_managed_by_admins() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let sxd = t.agency_id("SXD").await;
    let res = t
        .post("/api/v1/agencies")
        .bearer(&admin)
        .json(&json!({"code": "TTQH", "name": "Trung tâm Quy hoạch Xây dựng", "kind": "public_service_unit", "parent_id": sxd}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let child = res.json();
    assert_eq!(child["participating"], true);
    let child_id = child["id"].as_str().unwrap();

    t.post("/api/v1/agencies")
        .bearer(&admin)
        .json(&json!({"code": "TTQH", "name": "X", "kind": "department"}))
        .send()
        .await
        .problem(409, "code_taken");
    t.post("/api/v1/agencies")
        .bearer(&admin)
        .json(&json!({"code": "Y", "name": "X", "kind": "ministry"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let p = t.post("/api/v1/agencies").bearer(&admin).json(&json!({"code": "Y", "name": "X", "kind": "department", "parent_id": "nope", "admin_unit_code": "zz"})).send().await.problem(422, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    // No agency may supervise itself, even through another.
    t.patch(&format!("/api/v1/agencies/{sxd}"))
        .bearer(&admin)
        .json(&json!({"parent_id": child_id}))
        .send()
        .await
        .problem(422, "validation_failed");
    let res = t
        .patch(&format!("/api/v1/agencies/{child_id}"))
        .bearer(&admin)
        .json(&json!({"participating": false, "phone": "0299 3822 000"}))
        .send()
        .await;
    assert_eq!(res.json()["participating"], false);
    let not_yet = t
        .get("/api/v1/agencies?participating=false")
        .send()
        .await
        .json();
    assert!(
        not_yet
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == child_id)
    );
    let children = t
        .get(&format!("/api/v1/agencies?parent_id={sxd}"))
        .send()
        .await
        .json();
    assert_eq!(children.as_array().unwrap().len(), 1);

    t.delete(&format!("/api/v1/agencies/{sxd}"))
        .bearer(&admin)
        .send()
        .await
        .problem(409, "agency_in_use");
    assert_eq!(
        t.delete(&format!("/api/v1/agencies/{child_id}"))
            .bearer(&admin)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    t.get(&format!("/api/v1/agencies/{child_id}"))
        .send()
        .await
        .problem(404, "not_found");
}

async fn missing(t: &TestApp, token: String) -> Vec<String> {
    list_of(t, "missing_focal_points=true", token).await
}

async fn list_of(t: &TestApp, query: &str, token: String) -> Vec<String> {
    let res = t
        .get(&format!("/api/v1/agencies?{query}"))
        .bearer(&token)
        .send()
        .await;
    res.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn focal_points_and_the_warning_list() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let syt = t.agency_id("SYT").await;
    let (leader, _) = t.staff("syt.leader", "agency_leader", Some("SYT")).await;
    let (staff, _) = t.staff("syt.staff", "agency_staff", Some("SYT")).await;
    let (other, _) = t.staff("sxd.staff", "agency_staff", Some("SXD")).await;

    let all = t
        .get("/api/v1/agencies")
        .send()
        .await
        .json()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(missing(&t, admin.clone()).await.len(), all);

    let p = t
        .put(&format!("/api/v1/agencies/{syt}/focal-points"))
        .bearer(&admin)
        .json(&json!({"leader_id": staff, "staff_id": other}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    let res = t
        .put(&format!("/api/v1/agencies/{syt}/focal-points"))
        .bearer(&admin)
        .json(&json!({"leader_id": leader, "staff_id": staff}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["focal_points"]["missing"], json!([]));
    assert!(!missing(&t, admin.clone()).await.contains(&syt));

    // A disabled focal point is a missing one.
    t.patch(&format!("/api/v1/users/{leader}"))
        .bearer(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await;
    assert!(missing(&t, admin.clone()).await.contains(&syt));
    let a = t
        .get(&format!("/api/v1/agencies/{syt}"))
        .bearer(&admin)
        .send()
        .await
        .json();
    assert_eq!(a["focal_points"]["missing"], json!(["leader"]));
    // Art. 15.1: since when, and 7 working days to name another; overdue after that.
    let since = a["focal_points"]["missing_since"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&since).unwrap(),
        t.clock.now()
    );
    let cal = t
        .get(&format!("/api/v1/calendar/deadline?start={since}&days=7"))
        .send()
        .await
        .json();
    assert_eq!(a["focal_points"]["due_at"], cal["deadline"]);
    assert_eq!(a["focal_points"]["overdue"], false);
    assert!(
        !list_of(&t, "focal_points_overdue=true", admin.clone())
            .await
            .contains(&syt)
    );
    t.clock.advance(chrono::TimeDelta::days(12));
    let admin = t.admin().await;
    assert!(
        list_of(&t, "focal_points_overdue=true", admin.clone())
            .await
            .contains(&syt)
    );
    // A new focal leader ends it.
    let (leader2, _) = t.staff("syt.leader2", "agency_leader", Some("SYT")).await;
    let res = t
        .put(&format!("/api/v1/agencies/{syt}/focal-points"))
        .bearer(&admin)
        .json(&json!({"leader_id": leader2, "staff_id": staff}))
        .send()
        .await
        .json();
    assert!(res["focal_points"]["missing_since"].is_null(), "{res}");
    assert!(
        !list_of(&t, "focal_points_overdue=true", admin.clone())
            .await
            .contains(&syt)
    );

    // The warning list is for staff.
    t.get("/api/v1/agencies?missing_focal_points=true")
        .send()
        .await
        .problem(401, "unauthenticated");
    let (_, citizen) = t.citizen("0977777777").await;
    t.get("/api/v1/agencies?missing_focal_points=true")
        .bearer(&citizen)
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn members_are_visible_to_their_agency_and_its_supervisors() {
    let t = TestApp::new().await;
    let sxd = t.agency_id("SXD").await;
    let admin = t.admin().await;
    let res = t.post("/api/v1/agencies").bearer(&admin).json(&json!({"code": "PQLDT", "name": "Phòng Quản lý đô thị", "kind": "public_service_unit", "parent_id": sxd})).send().await;
    let child = res.json()["id"].as_str().unwrap().to_string();
    let (_, child_staff) = t.staff("pqldt.staff", "agency_staff", Some("PQLDT")).await;
    let (_, supervisor) = t.staff("sxd.sup", "supervisor", Some("SXD")).await;
    let (_, outsider) = t.staff("syt.staff", "agency_staff", Some("SYT")).await;

    for tok in [&child_staff, &supervisor, &admin] {
        let res = t
            .get(&format!("/api/v1/agencies/{child}/members"))
            .bearer(tok)
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(res.json().as_array().unwrap().len(), 1);
    }
    t.get(&format!("/api/v1/agencies/{child}/members"))
        .bearer(&outsider)
        .send()
        .await
        .problem(404, "not_found");
    let (_, citizen) = t.citizen("0988888888").await;
    t.get(&format!("/api/v1/agencies/{child}/members"))
        .bearer(&citizen)
        .send()
        .await
        .problem(403, "forbidden");
}

#[actix_web::test]
async fn categories_are_managed_by_admins() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let syt = t.agency_id("SYT").await;
    let res = t
        .post("/api/v1/categories")
        .bearer(&admin)
        .json(&json!({"code": "dich-benh", "name": "Dịch bệnh", "default_agency_id": syt}))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    t.post("/api/v1/categories")
        .bearer(&admin)
        .json(&json!({"code": "dich-benh", "name": "X"}))
        .send()
        .await
        .problem(409, "code_taken");
    t.post("/api/v1/categories")
        .bearer(&admin)
        .json(&json!({"code": "Dịch Bệnh", "name": "X"}))
        .send()
        .await
        .problem(422, "validation_failed");
    t.post("/api/v1/categories")
        .bearer(&admin)
        .json(&json!({"code": "abc", "name": "X", "default_agency_id": "nope"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let res = t
        .patch("/api/v1/categories/dich-benh")
        .bearer(&admin)
        .json(&json!({"active": false, "description": null}))
        .send()
        .await;
    assert_eq!(res.json()["active"], false);
    let active = t.get("/api/v1/categories?active=true").send().await.json();
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"] != "dich-benh")
    );
    assert_eq!(
        t.delete("/api/v1/categories/dich-benh")
            .bearer(&admin)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    t.delete("/api/v1/categories/dich-benh")
        .bearer(&admin)
        .send()
        .await
        .problem(404, "not_found");
}
