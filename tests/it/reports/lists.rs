//! `GET /reports`: each role's list, pages, search and the complaint signals.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::world::{World, report_body};

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
            paht::service::reports::search::rewrite_search_texts(&mut c).unwrap(),
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
