//! Who may act on a report, and in which state (Art. 2.4–2.6, 3.8).

use serde_json::json;

use crate::world::World;

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
    w.take(&w.staff, a).await;
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
