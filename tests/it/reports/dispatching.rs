//! `POST /reports/{id}/assignments`, `…/escalation`, `…/designation`, `…/referral`: dispatch,
//! the province's designation and referrals (Art. 3.7, 3.8, 7.3).

use serde_json::json;

use crate::world::{World, clock};

#[actix_web::test]
async fn returns_escalation_and_designation() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/assignments/{a}/return"),
            json!({"reason": "Không thuộc thẩm quyền"}),
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["lead_agency_id"].as_str()),
        (Some("accepted"), None)
    );
    assert_eq!(clock(&r, "lead_return")["state"], "on_time");
    assert_eq!(
        clock(&r, "dispatch")["state"],
        "running",
        "back in the IOC's queue"
    );
    // Nobody competent: the province designates.
    let r = w
        .post(
            &w.op,
            &format!("/api/v1/reports/{id}/escalate"),
            json!({"note": "Chưa xác định được cơ quan chủ trì"}),
        )
        .await;
    assert_eq!(r["status"], "awaiting_designation");
    w.t.post(&format!("/api/v1/reports/{id}/designation"))
        .bearer(&w.op)
        .json(&json!({"agency_id": w.sxd}))
        .send()
        .await
        .problem(403, "forbidden");
    let d = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/designation"),
            json!({"agency_id": w.sxd}),
        )
        .await;
    assert_eq!(
        (
            d["report"]["status"].as_str(),
            d["report"]["lead_agency_id"].as_str()
        ),
        (Some("in_progress"), Some(w.sxd.as_str()))
    );
    // The former lead no longer reaches its returned assignment's actions.
    w.t.post(&format!("/api/v1/assignments/{a}/accept"))
        .bearer(&w.staff)
        .send()
        .await
        .problem(409, "invalid_state");
}

/// Art. 3.7: agencies that cannot agree go to the province, which directs them or designates the
/// lead itself.
#[actix_web::test]
async fn a_report_in_progress_goes_to_the_province() {
    let w = World::new().await;
    let (id, lead) = w.dispatched().await;
    w.take(&w.staff, &lead).await;
    let refer =
        json!({"reason": "Sở Xây dựng và Sở Giao thông vận tải chưa thống nhất phạm vi sửa chữa"});
    // Not an agency outside the report, not the province itself.
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.outsider)
        .json(&refer)
        .send()
        .await
        .problem(404, "not_found");
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.province)
        .json(&refer)
        .send()
        .await
        .problem(403, "forbidden");
    let r = w
        .post(
            &w.staff,
            &format!("/api/v1/reports/{id}/referral"),
            refer.clone(),
        )
        .await;
    assert_eq!(r["status"], "in_progress");
    assert_eq!(r["referrals"][0]["raised_role"], "agency_staff");
    assert!(r["referrals"][0]["decision"].is_null());
    w.t.post(&format!("/api/v1/reports/{id}/referral"))
        .bearer(&w.op)
        .json(&refer)
        .send()
        .await
        .problem(409, "referral_open");
    // The province's queue.
    let queue =
        w.t.get("/api/v1/reports?referred=true")
            .bearer(&w.province)
            .send()
            .await
            .json();
    assert_eq!(queue["items"][0]["id"], id.as_str());
    // The reporter sees neither the referral nor its reason.
    let own = w.report(&w.citizen, &id).await;
    assert_eq!(own["referrals"], json!([]));
    // A direction: the work goes on with the same lead.
    let r = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/referral/decision"),
            json!({"decision": "direct", "direction": "Sở Giao thông vận tải chủ trì, hoàn thành trong tuần"}),
        )
        .await;
    assert_eq!(r["referrals"][0]["decision"], "direction");
    assert_eq!(r["lead_agency_id"], w.gtvt.as_str());
    w.t.post(&format!("/api/v1/reports/{id}/referral/decision"))
        .bearer(&w.province)
        .json(&json!({"decision": "direct", "direction": "Lần nữa"}))
        .send()
        .await
        .problem(409, "no_open_referral");
    // Referred again, by the IOC; the province designates another lead.
    w.post(&w.op, &format!("/api/v1/reports/{id}/referral"), refer)
        .await;
    w.t.post(&format!("/api/v1/reports/{id}/referral/decision"))
        .bearer(&w.province)
        .json(&json!({"decision": "designate", "direction": "Giao Sở Xây dựng chủ trì"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let r = w
        .post(
            &w.province,
            &format!("/api/v1/reports/{id}/referral/decision"),
            json!({"decision": "designate", "direction": "Giao Sở Xây dựng chủ trì", "agency_id": w.sxd}),
        )
        .await;
    assert_eq!(r["lead_agency_id"], w.sxd.as_str());
    let old = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == lead.as_str())
        .unwrap();
    assert_eq!(old["status"], "cancelled");
    assert!(
        r["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["assignment_id"] == lead.as_str())
            .all(|k| k["state"] != "running"),
        "{}",
        r["deadlines"]
    );
    let new = r["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency_id"] == w.sxd.as_str() && a["role"] == "lead")
        .unwrap();
    assert_eq!(new["status"], "pending");
    w.post(
        &w.co_staff,
        &format!("/api/v1/assignments/{}/accept", new["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
}
