//! The emergency routes of a report (Art. 8.6).

use chrono::{DateTime, TimeDelta};
use serde_json::json;

use crate::world::{World, clock};

fn at(s: &str) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
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
    // The caller's contact went to the agency on the emergency's ground, recorded as such.
    let mut conn = w.t.state.ctx.pool.get().unwrap();
    let rows = paht::db::repo::privacy::consents_of(&mut conn, std::slice::from_ref(&id)).unwrap();
    let basis = rows
        .iter()
        .find(|c| c.basis == "emergency")
        .expect("the emergency's basis is recorded");
    assert_eq!(
        (basis.purpose.as_str(), basis.granted),
        ("share_contact", true)
    );
    drop(conn);
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
