//! Retention (Law 91/2025/QH15): each class of personal data goes when its days are up,
//! counted from the end of the report's handling (recordings: from the call); the dry run shows
//! what would go; a report still in progress keeps its reporter; the report stays, anonymised,
//! in the statistics; the files leave the object store.

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use serde_json::Value;

use crate::world::{NAME, World};

async fn plan(w: &World, po: &str) -> Value {
    let res = w.t.get("/api/v1/privacy/retention").bearer(po).send().await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

fn due(plan: &Value, class: &str) -> i64 {
    plan["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == class)
        .unwrap()["due"]
        .as_i64()
        .unwrap()
}

async fn summary(w: &World) -> Value {
    w.t.get("/api/v1/statistics/summary?from=2026-03-02&to=2026-03-02")
        .bearer(&w.op)
        .send()
        .await
        .json()
}

/// What the summary counts of the reports, without the clocks still running (time passes).
fn counted(mut s: Value) -> Value {
    s.as_object_mut().unwrap().remove("steps");
    s
}

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    b.extend((0..3000u32).map(|i| i as u8));
    b
}

#[actix_web::test]
async fn each_class_goes_when_its_days_are_up_and_the_report_stays_counted() {
    let w = World::with_config(|c| {
        c.switchboard_key = Some(crate::intake::calls::KEY.into());
        c.retention = paht::config::Retention {
            identity_days: Some(30),
            recordings_days: Some(10),
            attachments_days: Some(30),
            report_days: Some(45),
        };
    })
    .await;
    let po = w.t.staff("ioc.privacy", "privacy_officer", None).await.1;
    // A published report with a picture; another still in progress; a recorded call.
    let r = w.submit().await;
    let (id, code) = (
        r["id"].as_str().unwrap().to_string(),
        r["code"].as_str().unwrap().to_string(),
    );
    let res =
        w.t.post(&format!(
            "/api/v1/reports/{id}/attachments?kind=image&name=anh.jpg"
        ))
        .bearer(&w.citizen)
        .raw("image/jpeg", jpeg())
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let picture = res.json();
    let sha = picture["sha256"].as_str().unwrap().to_string();
    assert!(
        w.t.state.ctx.objects.exists(&sha).unwrap(),
        "the picture is in the store"
    );
    w.carried_to_publication(&id).await;
    // The letter, once read, is kept rendered in the store.
    let letter =
        w.t.get(&format!("/api/v1/reports/{id}/letter.pdf"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(letter.status, StatusCode::OK);
    let rendered: Option<String> = {
        use diesel::prelude::*;
        use paht::db::schema::letters;
        let mut c = w.t.state.pool.get().unwrap();
        letters::table
            .filter(letters::report_id.eq(&id))
            .select(letters::pdf_sha256)
            .first(&mut *c)
            .unwrap()
    };
    let rendered = rendered.expect("the letter's PDF is kept");
    let open = w.submit().await["id"].as_str().unwrap().to_string();
    let call = crate::intake::calls::call(
        &w,
        "0911222333",
        "2026-03-02T08:00:00+07:00",
        "2026-03-02T08:03:00+07:00",
    )
    .await;
    let before = counted(summary(&w).await);

    let p = plan(&w, &po).await;
    for class in ["identity", "recordings", "attachments", "report"] {
        assert_eq!(due(&p, class), 0, "{class}: {p}");
    }
    w.t.clock.advance(TimeDelta::days(15));
    assert_eq!(due(&plan(&w, &po).await, "recordings"), 1);
    assert_eq!(due(&plan(&w, &po).await, "identity"), 0);
    w.t.clock.advance(TimeDelta::days(16));
    let p = plan(&w, &po).await;
    assert_eq!(due(&p, "identity"), 1, "{p}");
    assert_eq!(due(&p, "attachments"), 1, "{p}");
    assert_eq!(due(&p, "report"), 0, "{p}");
    let identity = p["classes"][0].clone();
    assert_eq!(identity["sample"][0], code.as_str(), "{identity}");
    // The dry run changed nothing.
    assert_eq!(w.report(&w.op, &id).await["reporter"]["full_name"], NAME);

    let done = paht::service::privacy::retention::apply(&w.t.state.ctx, 50).expect("runs");
    assert_eq!(
        (
            done.identities,
            done.recordings,
            done.attachments,
            done.reports
        ),
        (1, 1, 1, 0)
    );
    let seen = w.report(&w.op, &id).await;
    assert!(seen["reporter"].is_null(), "{seen}");
    assert_eq!(seen["status"], "published");
    assert!(
        seen["attachments"]
            .as_array()
            .is_none_or(|a| a.iter().all(|x| x["kind"] != "image")),
        "{seen}"
    );
    assert!(
        !w.t.state.ctx.objects.exists(&sha).unwrap(),
        "removed from the store"
    );
    let pic = picture["id"].as_str().unwrap();
    w.t.get(&format!("/api/v1/attachments/{pic}"))
        .bearer(&w.op)
        .send()
        .await
        .problem(404, "not_found");
    let rec =
        w.t.get(&format!("/api/v1/calls/{}", call["id"].as_str().unwrap()))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert!(rec["recording_sha256"].is_null(), "{rec}");
    // The answer's addressee goes with the identity; the letter printed with it leaves the
    // store and is printed again without it.
    assert_eq!(
        seen["assignments"][0]["result"]["addressee"], "Người phản ánh",
        "{seen}"
    );
    assert!(!w.t.state.ctx.objects.exists(&rendered).unwrap());
    let again =
        w.t.get(&format!("/api/v1/reports/{id}/letter.pdf"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(again.status, StatusCode::OK);
    // The report still in progress keeps its reporter; the statistics are unchanged.
    assert_eq!(w.report(&w.op, &open).await["reporter"]["full_name"], NAME);
    assert_eq!(counted(summary(&w).await), before);
    let steps = w.events(&w.op, &id).await;
    assert!(crate::world::actions_of(&steps).contains(&"retention_applied"));
    // A second pass finds nothing.
    let again = paht::service::privacy::retention::apply(&w.t.state.ctx, 50).unwrap();
    assert_eq!(again.total(), 0);

    // The report's own words go last; the answer stays.
    w.t.clock.advance(TimeDelta::days(15));
    let done = paht::service::privacy::retention::apply(&w.t.state.ctx, 50).unwrap();
    assert_eq!(done.reports, 1);
    let seen = w.report(&w.op, &id).await;
    assert_eq!(seen["title"], paht::db::repo::retention::BLANKED, "{seen}");
    assert!(seen["latitude"].is_null());
}
