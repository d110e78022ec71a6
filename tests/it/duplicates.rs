//! Duplicate reports: suggestions with reasons, linking a child to its parent (it follows the
//! parent's state, result and messages, and counts once), unlinking, and the refusals.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::notifications::{inbox, kinds};
use crate::world::{World, report_body};

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn received(w: &World) -> i64 {
    let res =
        w.t.get("/api/v1/statistics/summary?from=2025-01-01&to=2030-12-31")
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["received"].as_i64().unwrap()
}

#[actix_web::test]
async fn duplicates_are_suggested_linked_followed_and_unlinked() {
    let w = World::new().await;
    let original = w.submit().await;
    let (a, a_code) = (id_of(&original), original["code"].clone());
    // The same pothole, 50 m away, reported by someone else the same morning.
    let (_, other) = w.t.citizen("0912000777").await;
    let mut b = report_body();
    b["title"] = json!("Ổ gà sâu trên đường Trần Hưng Đạo");
    b["content"] = json!("Ổ gà lớn giữa đường Trần Hưng Đạo gần số 45, xe máy dễ té.");
    b["latitude"] = json!(9.60295);
    b["longitude"] = json!(105.9739);
    let res =
        w.t.post("/api/v1/reports")
            .bearer(&other)
            .json(&b)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let dup = res.json();
    assert_eq!(
        dup["possible_duplicates"],
        json!([]),
        "a citizen is shown published reports only"
    );
    let b_id = id_of(&dup);
    // Something else entirely, far away: never suggested.
    let mut c = report_body();
    c["title"] = json!("Cây xanh gãy đổ");
    c["content"] = json!("Cây xanh gãy đổ chắn lối đi trong công viên.");
    c["category_code"] = json!("moi-truong");
    c["latitude"] = json!(9.70);
    let c_id = id_of(&w.post(&w.citizen, "/api/v1/reports", c).await);

    let res =
        w.t.get(&format!("/api/v1/reports/{b_id}/duplicates"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let s = res.json();
    assert_eq!(s.as_array().unwrap().len(), 1, "{s}");
    assert_eq!(s[0]["id"], json!(a));
    let reasons = &s[0]["reasons"];
    assert_eq!(reasons["same_category"], true);
    let d = reasons["distance_m"].as_f64().unwrap();
    assert!((40.0..=60.0).contains(&d), "{d}");
    assert!(reasons["text_similarity"].as_f64().unwrap() > 0.2);
    assert!(
        reasons["shared_words"]
            .as_array()
            .unwrap()
            .contains(&json!("ga"))
    );
    assert!(s[0]["score"].as_f64().unwrap() >= 0.5);
    let res =
        w.t.get(&format!("/api/v1/reports/{b_id}/duplicates"))
            .bearer(&w.staff)
            .send()
            .await;
    res.problem(403, "forbidden");
    // An operator entering a report is shown any report.
    let mut entered = b.clone();
    entered["channel"] = json!("hotline");
    let e = w.entered(&entered).await;
    let shown: Vec<&Value> = e["possible_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert!(
        shown.contains(&&json!(a)) && shown.contains(&&json!(b_id)),
        "{e}"
    );

    // Linking: refusals first.
    let link = |child: &str, parent: &str| {
        let path = format!("/api/v1/reports/{child}/duplicate-of");
        let req =
            w.t.post(&path)
                .bearer(&w.op)
                .json(&json!({"parent_id": parent, "note": "Cùng ổ gà"}));
        async move { req.send().await }
    };
    link(&b_id, &b_id).await.problem(409, "duplicate_of_itself");
    let before = received(&w).await;
    let res = link(&b_id, &a).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let child = res.json();
    assert_eq!(child["duplicate_of"]["code"], a_code);
    assert_eq!(child["duplicate_of"]["status"], "submitted");
    assert!(
        child["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["state"] != "running" && k["state"] != "overdue"),
        "its clocks stop: {}",
        child["deadlines"]
    );
    assert_eq!(
        received(&w).await,
        before - 1,
        "counted once, as the parent"
    );
    link(&b_id, &a).await.problem(409, "already_duplicate");
    link(&a, &b_id).await.problem(409, "parent_is_duplicate");
    link(&c_id, &b_id).await.problem(409, "parent_is_duplicate");
    let parent = w.report(&w.op, &a).await;
    assert_eq!(parent["duplicates"][0]["id"], json!(b_id));
    // A child takes no action of its own.
    let res =
        w.t.post(&format!("/api/v1/reports/{b_id}/accept"))
            .bearer(&w.op)
            .json(&json!({}))
            .send()
            .await;
    res.problem(409, "report_is_duplicate");
    // Its reporter was told, and hears of the parent's progress under their own code.
    let b_code = dup["code"].as_str().unwrap().to_string();
    assert!(kinds(&inbox(&w, &other).await).contains(&"duplicate_linked".to_string()));
    w.accept(&a).await;
    let asg = w.dispatch(&a, &w.gtvt).await;
    w.take(&w.staff, &asg).await;
    w.answer(&w.staff, &asg).await;
    w.approve(&w.leader, &asg).await;
    w.publish(&a).await;
    let page = inbox(&w, &other).await;
    let published = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "result_published")
        .expect("the parent's result reaches the child's reporter");
    assert!(published.to_string().contains(&b_code), "{published}");
    let mine = w.report(&other, &b_id).await;
    assert_eq!(mine["duplicate_of"]["status"], "published");
    assert!(
        mine["duplicate_of"]["answer"]
            .as_str()
            .unwrap()
            .contains("vá ổ gà")
    );
    assert_eq!(mine["duplicate_of"]["id"], Value::Null, "an id is staff's");
    // Open311 names the parent.
    let res =
        w.t.get(&format!(
            "/open311/v2/requests/{}.json",
            a_code.as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(res.json()[0]["parent_service_request_id"], Value::Null);

    // Unlinking: the child stands alone again, its IOC clock running from now.
    let res =
        w.t.delete(&format!("/api/v1/reports/{b_id}/duplicate-of"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let alone = res.json();
    assert_eq!(alone["duplicate_of"], Value::Null);
    assert!(
        alone["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["step"] == "dispatch" && k["state"] == "running")
    );
    assert_eq!(received(&w).await, before);
    w.accept(&b_id).await;
    let res =
        w.t.delete(&format!("/api/v1/reports/{b_id}/duplicate-of"))
            .bearer(&w.op)
            .send()
            .await;
    res.problem(409, "not_a_duplicate");
    // Dispatched reports are no longer the IOC's to merge.
    w.dispatch(&b_id, &w.gtvt).await;
    link(&b_id, &a).await.problem(409, "not_linkable");
}

/// Open311 shows a merged request's parent and follows its status.
#[actix_web::test]
async fn open311_names_the_parent() {
    let w = World::new().await;
    let a = id_of(&w.submit().await);
    let b = w.submit().await;
    let b_id = id_of(&b);
    w.accept(&a).await;
    w.accept(&b_id).await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{b_id}/duplicate-of"),
        json!({"parent_id": a}),
    )
    .await;
    let a_code = w.report(&w.op, &a).await["code"].clone();
    let res =
        w.t.get(&format!(
            "/open311/v2/requests/{}.json",
            b["code"].as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let r = res.json();
    assert_eq!(r[0]["parent_service_request_id"], a_code);
    assert_eq!(r[0]["status"], "open");
    let res =
        w.t.get(&format!(
            "/open311/v2/requests/{}.xml",
            b["code"].as_str().unwrap()
        ))
        .send()
        .await;
    assert!(
        res.text().contains(&format!(
            "<parent_service_request_id>{}</parent_service_request_id>",
            a_code.as_str().unwrap()
        )),
        "{}",
        res.text()
    );
}

/// Two operators linking two reports to each other at the same moment: one link wins, never a
/// cycle.
#[actix_web::test]
async fn crossed_links_at_once_one_wins() {
    let w = World::new().await;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let mut ctx = w.t.state.ctx.clone();
    ctx.hooks.action_begins = Some(std::sync::Arc::new(move || {
        barrier.wait();
    }));
    let a = id_of(&w.submit().await);
    let b = id_of(&w.submit().await);
    let me = w.t.get("/api/v1/me").bearer(&w.op).send().await.json();
    let op = paht::service::auth::Principal {
        user_id: me["id"].as_str().unwrap().to_string(),
        role: paht::domain::roles::Role::Operator,
        agency_id: None,
        follow_up: None,
    };
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let hs: Vec<_> = [(&a, &b), (&b, &a)]
            .into_iter()
            .map(|(child, parent)| {
                let (ctx, op) = (&ctx, &op);
                s.spawn(move || {
                    paht::service::reports::duplicates::link(ctx, op, child, parent, None)
                        .map_err(|e| e.code.to_string())
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results.contains(&Err("parent_is_duplicate".into())),
        "{results:?}"
    );
    let (ra, rb) = (w.report(&w.op, &a).await, w.report(&w.op, &b).await);
    let linked = [&ra, &rb]
        .iter()
        .filter(|r| !r["duplicate_of"].is_null())
        .count();
    assert_eq!(linked, 1);
}
