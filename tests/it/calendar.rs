use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

fn dates(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn official_days_are_seeded_and_listed() {
    let t = TestApp::new().await;
    let res = t
        .get("/api/v1/calendar/days?from=2026-01-01&to=2026-12-31")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let days = res.json();
    let list = days.as_array().unwrap();
    let saturday = list.iter().find(|d| d["date"] == "2026-01-10").unwrap();
    assert_eq!(
        (saturday["kind"].as_str(), saturday["applies"].as_bool()),
        (Some("makeup_workday"), Some(true))
    );
    let culture = list.iter().find(|d| d["date"] == "2026-11-24").unwrap();
    assert_eq!(
        (culture["confirmed"].as_bool(), culture["applies"].as_bool()),
        (Some(false), Some(false)),
        "pending: does not apply"
    );
    assert!(list.iter().all(|d| d["source"] == "stored"));
    // A year with nothing stored shows the statutory proposal.
    let y2030 = t
        .get("/api/v1/calendar/days?from=2030-01-01&to=2030-12-31")
        .send()
        .await
        .json();
    assert!(
        y2030
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["source"] == "statutory" && d["applies"] == true)
    );
    assert!(
        dates(&y2030).contains(&"2030-02-04".to_string()),
        "Tết 2030 (2/2 is a Saturday) {:?}",
        dates(&y2030)
    );
}

#[actix_web::test]
async fn deadlines_explain_the_days_they_skip() {
    let t = TestApp::new().await;
    // A report submitted on the Friday afternoon before Tết 2026, 4 working hours to dispatch.
    let res = t
        .get("/api/v1/calendar/deadline?start=2026-02-13T15:00:00%2B07:00&hours=4")
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let d = res.json();
    assert_eq!(d["deadline"], "2026-02-23T02:00:00Z");
    assert_eq!(d["deadline_local"], "2026-02-23T09:00:00+07:00");
    assert_eq!(d["working_hours"], 4.0);
    let skipped: Vec<(&str, &str)> = d["skipped_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["date"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped.len(), 9);
    assert_eq!(skipped[0], ("2026-02-14", "weekend"));
    assert_eq!(skipped[2], ("2026-02-16", "holiday"));
    // An unencoded '+' arrives as a space and is still read as the offset.
    let d = t
        .get("/api/v1/calendar/deadline?start=2026-03-02T11:30:00+07:00&days=1")
        .send()
        .await
        .json();
    assert_eq!(
        d["clock_start"], "2026-03-02T06:00:00Z",
        "the clock starts at 13:00 local"
    );
    assert_eq!(
        d["deadline_local"], "2026-03-03T11:00:00+07:00",
        "4 h that afternoon, 4 h the next morning"
    );
}

#[actix_web::test]
async fn working_time_settings_and_lunar() {
    let t = TestApp::new().await;
    let w = t
        .get("/api/v1/calendar/working-time?from=2026-02-13T08:00:00Z&to=2026-02-23T02:00:00Z")
        .send()
        .await
        .json();
    assert_eq!(w["working_seconds"], 4 * 3600, "{w}");
    let w = t
        .get("/api/v1/calendar/working-time?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z")
        .send()
        .await
        .json();
    assert_eq!(
        (w["working_hours"].as_f64(), w["working_days"].as_f64()),
        (Some(8.0), Some(1.0))
    );

    let s = t.get("/api/v1/calendar/settings").send().await.json();
    assert_eq!(
        s["sessions"],
        json!([{"start": "07:00", "end": "11:00"}, {"start": "13:00", "end": "17:00"}])
    );
    assert_eq!(s["hours_per_working_day"], 8.0);
    let dispatch = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["step"] == "dispatch")
        .unwrap();
    assert_eq!(
        dispatch["limit"],
        json!({"unit": "working_hours", "value": 4})
    );

    let l = t
        .get("/api/v1/calendar/lunar?date=2026-02-17")
        .send()
        .await
        .json();
    assert_eq!(
        (l["day"].as_u64(), l["month"].as_u64(), l["year"].as_i64()),
        (Some(1), Some(1), Some(2026))
    );
    assert_eq!(l["text"], "1/1 năm Bính Ngọ");
    let l = t
        .get("/api/v1/calendar/lunar?date=2025-07-25")
        .send()
        .await
        .json();
    assert_eq!(l["leap_month"], true);
}

#[actix_web::test]
async fn admins_keep_the_calendar_and_deadlines_follow() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let before = t
        .get("/api/v1/calendar/deadline?start=2026-12-03T09:00:00Z&hours=8")
        .send()
        .await
        .json();
    assert_eq!(before["deadline_local"], "2026-12-04T16:00:00+07:00");

    // The government gives Friday 4/12/2026 off (an example): the deadline moves to Monday.
    let body = json!({"kind": "swap_off", "note": "Nghỉ hoán đổi", "legal_basis": "Thông báo mẫu"});
    let res = t
        .post("/api/v1/calendar/days/2026-12-04")
        .bearer(&admin)
        .json(&body)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let after = t
        .get("/api/v1/calendar/deadline?start=2026-12-03T09:00:00Z&hours=8")
        .send()
        .await
        .json();
    assert_eq!(after["deadline_local"], "2026-12-07T16:00:00+07:00");

    // A date holds one kind: posting it again is a conflict; PUT replaces.
    t.post("/api/v1/calendar/days/2026-12-04")
        .bearer(&admin)
        .json(&json!({"kind": "holiday", "note": "x"}))
        .send()
        .await
        .problem(409, "day_exists");
    let res = t
        .put("/api/v1/calendar/days/2026-12-04")
        .bearer(&admin)
        .json(&json!({"kind": "holiday", "note": "Lễ"}))
        .send()
        .await;
    assert_eq!(res.json()["kind"], "holiday");
    assert_eq!(
        t.delete("/api/v1/calendar/days/2026-12-04")
            .bearer(&admin)
            .send()
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    t.delete("/api/v1/calendar/days/2026-12-04")
        .bearer(&admin)
        .send()
        .await
        .problem(404, "not_found");
    let again = t
        .get("/api/v1/calendar/deadline?start=2026-12-03T09:00:00Z&hours=8")
        .send()
        .await
        .json();
    assert_eq!(again["deadline_local"], "2026-12-04T16:00:00+07:00");

    // Confirming the pending 24/11 makes it apply.
    let res = t
        .post("/api/v1/calendar/days/2026-11-24/confirm")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(
        (
            res.json()["confirmed"].as_bool(),
            res.json()["applies"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let d = t
        .get("/api/v1/calendar/deadline?start=2026-11-23T09:00:00Z&hours=8")
        .send()
        .await
        .json();
    assert_eq!(d["deadline_local"], "2026-11-25T16:00:00+07:00");
}

#[actix_web::test]
async fn a_years_statutory_proposal_is_stored_for_confirmation() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let res = t
        .post("/api/v1/calendar/years/2027/proposal")
        .bearer(&admin)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let days = res.json();
    assert!(
        days.as_array()
            .unwrap()
            .iter()
            .all(|d| d["source"] == "stored" && d["confirmed"] == false && d["applies"] == true)
    );
    assert!(
        dates(&days).contains(&"2027-02-08".to_string()),
        "Tết Đinh Mùi 2027 (6/2 is a Saturday) {:?}",
        dates(&days)
    );
    t.post("/api/v1/calendar/years/2026/proposal")
        .bearer(&admin)
        .send()
        .await
        .problem(409, "year_decided");
    t.post("/api/v1/calendar/years/1999/proposal")
        .bearer(&admin)
        .send()
        .await
        .problem(400, "out_of_range");
    // Confirming one day decides the year: the other proposals stop applying.
    t.post("/api/v1/calendar/days/2027-01-01/confirm")
        .bearer(&admin)
        .send()
        .await;
    let days = t
        .get("/api/v1/calendar/days?from=2027-01-01&to=2027-12-31")
        .bearer(&admin)
        .send()
        .await
        .json();
    let applying: Vec<String> = days
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["applies"] == true)
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(applying, ["2027-01-01"]);
}

#[actix_web::test]
async fn bad_calendar_input_is_named() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let field = |p: &Value| p["errors"][0]["field"].as_str().unwrap().to_string();
    let p = t
        .get("/api/v1/calendar/deadline?start=yesterday&hours=4")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(field(&p), "start");
    let p = t
        .get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00Z&hours=0")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(field(&p), "hours");
    let p = t
        .get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00Z&hours=-4")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(field(&p), "hours");
    let p = t
        .get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00Z&days=366")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(field(&p), "days");
    t.get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00Z&days=1&hours=1")
        .send()
        .await
        .problem(400, "invalid_query");
    t.get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00Z")
        .send()
        .await
        .problem(400, "invalid_query");
    let p = t
        .get("/api/v1/calendar/deadline?start=2026-03-02T09:00:00&hours=1")
        .send()
        .await
        .problem(400, "invalid_query");
    assert_eq!(field(&p), "start", "an instant without offset is ambiguous");
    let p = t
        .get("/api/v1/calendar/deadline?start=2150-01-01T00:00:00Z&hours=1")
        .send()
        .await
        .problem(400, "out_of_range");
    assert_eq!(field(&p), "start");
    t.get("/api/v1/calendar/days?from=2026-13-01&to=2026-12-31")
        .send()
        .await
        .problem(400, "invalid_query");
    t.get("/api/v1/calendar/days?from=2026-12-31&to=2026-01-01")
        .send()
        .await
        .problem(400, "invalid_range");
    t.get("/api/v1/calendar/days?from=1990-01-01&to=1990-12-31")
        .send()
        .await
        .problem(400, "out_of_range");
    t.get("/api/v1/calendar/lunar?date=1800-01-01")
        .send()
        .await
        .problem(400, "out_of_range");

    let p = t
        .post("/api/v1/calendar/days/2026-12-07")
        .bearer(&admin)
        .json(&json!({"kind": "makeup_workday", "note": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "makeup_on_weekday");
    let p = t
        .post("/api/v1/calendar/days/2026-12-05")
        .bearer(&admin)
        .json(&json!({"kind": "swap_off", "note": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "day_off_on_weekend");
    t.post("/api/v1/calendar/days/2026-12-07")
        .bearer(&admin)
        .json(&json!({"kind": "festival", "note": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    t.post("/api/v1/calendar/days/2026-12-07")
        .bearer(&admin)
        .json(&json!({"kind": "holiday", "note": ""}))
        .send()
        .await
        .problem(422, "validation_failed");
    let p = t
        .post("/api/v1/calendar/days/not-a-date")
        .bearer(&admin)
        .json(&json!({"kind": "holiday", "note": "x"}))
        .send()
        .await
        .problem(400, "invalid_path_parameter");
    assert_eq!(field(&p), "date");

    let (_, op) = t.staff("ioc.op", "operator", None).await;
    t.post("/api/v1/calendar/days/2026-12-07")
        .bearer(&op)
        .json(&json!({"kind": "holiday", "note": "x"}))
        .send()
        .await
        .problem(403, "forbidden");
    t.post("/api/v1/calendar/years/2028/proposal")
        .send()
        .await
        .problem(401, "unauthenticated");
}
