//! A reporter's rights over their data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; Art. 4.5):
//! consents recorded per purpose and never pre-ticked, a withdrawal that hides the contact from
//! the agency at once, requests answered by the privacy officer within 2 working days (copy,
//! correct, restrict, delete), and the officer's records (identity reads, inventory,
//! incidents with their 72-hour notice and the subjects affected).

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::world::{EMAIL, NAME, PHONE, World, report_body};

async fn officer(w: &World) -> String {
    w.t.staff("ioc.privacy", "privacy_officer", None).await.1
}

fn consent<'a>(export: &'a Value, report: usize, purpose: &str, basis: &str) -> &'a Value {
    export["reports"][report]["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == purpose && c["basis"] == basis)
        .unwrap_or_else(|| panic!("{purpose}/{basis} in {export}"))
}

/// Files a request as the signed-in citizen; answers the created request.
async fn ask(w: &World, body: Value) -> Value {
    let res =
        w.t.post("/api/v1/me/privacy-requests")
            .bearer(&w.citizen)
            .json(&body)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

async fn decide(w: &World, po: &str, id: &str, outcome: &str) -> crate::support::Res {
    w.t.post(&format!("/api/v1/privacy/requests/{id}/decision"))
        .bearer(po)
        .json(&json!({"outcome": outcome, "answer": "Đã xem xét yêu cầu."}))
        .send()
        .await
}

async fn officer_export(w: &World, po: &str, id: &str) -> Value {
    let res =
        w.t.get(&format!("/api/v1/privacy/requests/{id}/export"))
            .bearer(po)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

/// Every purpose is a record with its wording and channel; a refusal to processing refuses the
/// report; a withdrawal of the contact's sharing takes effect on the agency's view at once.
#[actix_web::test]
async fn consents_are_recorded_and_a_withdrawal_hides_the_contact_at_once() {
    let w = World::new().await;
    let po = officer(&w).await;
    let wording = w.t.get("/api/v1/privacy/consents").send().await.json();
    assert_eq!(wording["version"], "2026-01");
    assert_eq!(wording["purposes"].as_array().unwrap().len(), 4);

    let mut refused = report_body();
    refused["consent_processing"] = json!(false);
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&refused)
        .send()
        .await
        .problem(422, "validation_failed");
    let mut unknown = report_body();
    unknown["consent_wording"] = json!("1999-01");
    w.t.post("/api/v1/reports")
        .bearer(&w.citizen)
        .json(&unknown)
        .send()
        .await
        .problem(422, "validation_failed");

    let mut body = report_body();
    body["consent_processing"] = json!(true);
    body["consent_wording"] = json!("2026-01");
    body["consent_share_contact"] = json!(true);
    let r = w.post(&w.citizen, "/api/v1/reports", body).await;
    let id = r["id"].as_str().unwrap().to_string();
    w.accept(&id).await;
    w.dispatch(&id, &w.gtvt).await;
    assert_eq!(w.report(&w.staff, &id).await["reporter"]["phone"], PHONE);

    let done = ask(
        &w,
        json!({"kind": "withdraw", "report_id": id, "purpose": "share_contact"}),
    )
    .await;
    assert_eq!(done["status"], "done", "{done}");
    // At once: the agency no longer sees the contact; the IOC still does.
    let seen = w.report(&w.staff, &id).await;
    assert!(seen["reporter"].is_null(), "{seen}");
    assert_eq!(seen["consent_share_contact"], false);
    assert_eq!(w.report(&w.op, &id).await["reporter"]["full_name"], NAME);
    let steps = w.events(&w.citizen, &id).await;
    assert!(crate::world::actions_of(&steps).contains(&"consent_withdrawn"));

    // Processing is not withdrawn this way, and a withdrawal names its purpose.
    for bad in [
        json!({"kind": "withdraw", "report_id": id, "purpose": "processing"}),
        json!({"kind": "withdraw", "report_id": id}),
        json!({"kind": "copy", "purpose": "public_name"}),
        json!({"kind": "correct"}),
    ] {
        w.t.post("/api/v1/me/privacy-requests")
            .bearer(&w.citizen)
            .json(&bad)
            .send()
            .await
            .problem(422, "validation_failed");
    }

    // The copy shows each purpose as chosen: nothing ticked that was not sent.
    let copy = ask(&w, json!({"kind": "copy", "report_id": id})).await;
    let copy_id = copy["id"].as_str().unwrap();
    let x = officer_export(&w, &po, copy_id).await;
    let processing = consent(&x, 0, "processing", "consent");
    assert_eq!(processing["granted"], true);
    assert_eq!(processing["wording_version"], "2026-01");
    assert_eq!(processing["channel"], "app");
    let shared = consent(&x, 0, "share_contact", "consent");
    assert!(shared["withdrawn_at"].is_string(), "{shared}");
    assert_eq!(consent(&x, 0, "public_name", "consent")["granted"], false);
    assert_eq!(
        consent(&x, 0, "confidential_result", "consent")["granted"],
        false
    );

    // A guest's report without an explicit consent rests on the public task, and says so.
    let res =
        w.t.post("/api/v1/public/reports")
            .json(&report_body())
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let guest = res.json();
    let (code, token) = (
        guest["code"].as_str().unwrap().to_string(),
        guest["follow_up_token"].as_str().unwrap().to_string(),
    );
    let res =
        w.t.post(&format!("/api/v1/track/{code}/privacy-requests"))
            .header("Follow-Up-Token", &token)
            .json(&json!({"kind": "copy"}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let gx = officer_export(&w, &po, res.json()["id"].as_str().unwrap()).await;
    let basis = consent(&gx, 0, "processing", "public_task");
    assert!(basis["wording_version"].is_null());
    assert_eq!(
        consent(&gx, 0, "share_contact", "consent")["granted"],
        false
    );
    assert!(gx["account"].is_null());
}

/// Requests wait for the privacy officer with 2 working days on the reports' calendar; a copy
/// is a machine-readable export for its requester; a correction is applied and found by the
/// new phone; a restriction hides the identity from the IOC; a deletion waits for the end of
/// the handling and then erases the identity, the report staying.
#[actix_web::test]
async fn requests_are_answered_within_two_working_days_and_carried_out() {
    let w = World::new().await;
    let po = officer(&w).await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();

    let copy = ask(
        &w,
        json!({"kind": "copy", "details": "Xin bản sao dữ liệu."}),
    )
    .await;
    assert_eq!(copy["status"], "open");
    let received = copy["received_at"].as_str().unwrap();
    let deadline =
        w.t.get(&format!(
            "/api/v1/calendar/deadline?start={}&days=2",
            received.replace('+', "%2B")
        ))
        .send()
        .await
        .json();
    assert_eq!(
        copy["due_at"].as_str().unwrap()[..19],
        deadline["deadline"].as_str().unwrap()[..19],
        "{copy} {deadline}"
    );
    let copy_id = copy["id"].as_str().unwrap().to_string();
    // Only the privacy officer holds the queue.
    w.t.get("/api/v1/privacy/requests")
        .bearer(&w.op)
        .send()
        .await
        .problem(403, "forbidden");
    let queue =
        w.t.get("/api/v1/privacy/requests")
            .bearer(&po)
            .send()
            .await
            .json();
    assert_eq!(queue[0]["id"], copy_id.as_str());
    assert_eq!(queue[0]["overdue"], false);
    let mine = format!("/api/v1/me/privacy-requests/{copy_id}/export");
    w.t.get(&mine)
        .bearer(&w.citizen)
        .send()
        .await
        .problem(409, "copy_not_ready");
    let res = decide(&w, &po, &copy_id, "done").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    decide(&w, &po, &copy_id, "done")
        .await
        .problem(409, "request_decided");
    let res = w.t.get(&mine).bearer(&w.citizen).send().await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let x = res.json();
    assert_eq!(x["format"], "paht-subject-export/1");
    assert_eq!(x["account"]["phone"], "0987000111");
    assert_eq!(x["reports"][0]["reporter"]["email"], EMAIL);
    assert_eq!(x["reports"][0]["steps"][0]["action"], "submitted");
    assert_eq!(x["requests"][0]["id"], copy_id.as_str());
    // Another citizen does not reach it.
    let (_, other) = w.t.citizen("0987000222").await;
    w.t.get(&mine)
        .bearer(&other)
        .send()
        .await
        .problem(404, "not_found");

    // A correction: applied on the officer's decision; the IOC finds the report by the new
    // phone, no longer by the old one.
    let fix = ask(
        &w,
        json!({"kind": "correct", "report_id": id, "correction": {"phone": "+84 912 000 999"}}),
    )
    .await;
    let res = decide(&w, &po, fix["id"].as_str().unwrap(), "done").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        w.report(&w.op, &id).await["reporter"]["phone"],
        "0912000999"
    );
    let by = |phone: &'static str| {
        w.t.post("/api/v1/reports/by-phone")
            .bearer(&w.op)
            .json(&json!({ "phone": phone }))
            .send()
    };
    assert_eq!(by("0912000999").await.json().as_array().unwrap().len(), 1);
    assert_eq!(by(PHONE).await.json().as_array().unwrap().len(), 0);

    // A deletion while the report is handled waits; a restriction hides it meanwhile.
    let del = ask(&w, json!({"kind": "delete", "report_id": id})).await;
    let del_id = del["id"].as_str().unwrap().to_string();
    decide(&w, &po, &del_id, "done")
        .await
        .problem(409, "reports_in_progress");
    let res = decide(&w, &po, &del_id, "refused").await;
    assert_eq!(res.json()["status"], "refused");
    let restrict = ask(&w, json!({"kind": "restrict", "report_id": id})).await;
    let res = decide(&w, &po, restrict["id"].as_str().unwrap(), "done").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(w.report(&w.op, &id).await["reporter"].is_null());
    assert_eq!(
        w.report(&w.citizen, &id).await["reporter"]["full_name"],
        NAME
    );
    assert_eq!(w.report(&po, &id).await["reporter"]["full_name"], NAME);

    // Once published, a deletion erases the identity; the report stays and is still counted.
    w.carried_to_publication(&id).await;
    // The copy holds the answer addressed to them, with its letter.
    let copy = ask(&w, json!({"kind": "copy", "report_id": id})).await;
    let copy_id = copy["id"].as_str().unwrap().to_string();
    let x = officer_export(&w, &po, &copy_id).await;
    let answer = &x["reports"][0]["answer"];
    assert_eq!(answer["addressee"], "Ông/Bà người phản ánh", "{answer}");
    assert!(
        answer["letter_symbol"]
            .as_str()
            .is_some_and(|s| s.contains('/')),
        "{answer}"
    );
    let del = ask(&w, json!({"kind": "delete", "report_id": id})).await;
    let res = decide(&w, &po, del["id"].as_str().unwrap(), "done").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let after = w.report(&w.citizen, &id).await;
    assert!(after["reporter"].is_null(), "{after}");
    assert_eq!(after["status"], "published");
    assert_eq!(by("0912000999").await.json().as_array().unwrap().len(), 0);
    // The answer's addressee went with the identity.
    let x = officer_export(&w, &po, &copy_id).await;
    assert!(x["reports"][0]["reporter"].is_null());
    assert_eq!(x["reports"][0]["answer"]["addressee"], "Người phản ánh");
    let steps = w.events(&w.citizen, &id).await;
    for step in [
        "identity_corrected",
        "identity_restricted",
        "identity_erased",
    ] {
        assert!(crate::world::actions_of(&steps).contains(&step), "{step}");
    }
}

/// The privacy officer reads who read which identity, the processing inventory with the
/// retention in force, and keeps the incident log: a 72-hour notice, the subjects a stolen
/// account reached.
#[actix_web::test]
async fn the_privacy_officer_keeps_the_records() {
    let w = World::with_config(|c| c.retention.recordings_days = Some(90)).await;
    let po = officer(&w).await;
    let read = w.submit().await["id"].as_str().unwrap().to_string();
    let unread = w.submit().await["id"].as_str().unwrap().to_string();
    w.report(&w.op, &read).await;

    let reads =
        w.t.get("/api/v1/privacy/identity-reads")
            .bearer(&po)
            .send()
            .await
            .json();
    let reads = reads.as_array().unwrap();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["report_id"], read.as_str());
    assert_eq!(reads[0]["login"], "ioc.op");
    assert_eq!(reads[0]["role"], "operator");
    w.t.get("/api/v1/privacy/identity-reads?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z")
        .bearer(&po)
        .send()
        .await
        .problem(422, "validation_failed");

    let inv =
        w.t.get("/api/v1/privacy/inventory")
            .bearer(&po)
            .send()
            .await
            .json();
    let recordings = inv["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["data"].as_str().unwrap().contains("ghi âm"))
        .unwrap();
    assert!(
        recordings["retention"].as_str().unwrap().starts_with("90 "),
        "{recordings}"
    );
    assert_eq!(inv["request_answer_working_days"], 2);
    w.t.get("/api/v1/privacy/inventory")
        .bearer(&w.admin)
        .send()
        .await
        .problem(403, "forbidden");

    // The operator's account was misused this morning: the subjects are those it read.
    let me = w.t.get("/api/v1/me").bearer(&w.op).send().await.json();
    let res =
        w.t.post("/api/v1/privacy/incidents")
            .bearer(&po)
            .json(
                &json!({"summary": "Tài khoản nhân sự tiếp nhận bị lộ mật khẩu.",
                "occurred_from": "2026-03-02T00:00:00Z", "occurred_to": "2026-03-03T00:00:00Z",
                "account_id": me["id"]}),
            )
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let inc = res.json();
    let detected: chrono::DateTime<chrono::Utc> =
        inc["detected_at"].as_str().unwrap().parse().unwrap();
    let due: chrono::DateTime<chrono::Utc> =
        inc["notice_due_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(due - detected, chrono::TimeDelta::hours(72));
    let inc_id = inc["id"].as_str().unwrap();
    let affected =
        w.t.get(&format!("/api/v1/privacy/incidents/{inc_id}/affected"))
            .bearer(&po)
            .send()
            .await
            .json();
    let items = affected["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{affected}");
    assert_eq!(items[0]["report_id"], read.as_str());
    assert_eq!(items[0]["phone"], PHONE);
    assert!(affected["next"].is_null());
    // A breach of the whole store in the window reaches both.
    let res =
        w.t.post("/api/v1/privacy/incidents")
            .bearer(&po)
            .json(
                &json!({"summary": "Sao lưu cơ sở dữ liệu bị truy cập trái phép.",
                "occurred_from": "2026-03-01T00:00:00Z", "occurred_to": "2026-03-03T00:00:00Z"}),
            )
            .send()
            .await;
    let all = res.json();
    let page =
        w.t.get(&format!(
            "/api/v1/privacy/incidents/{}/affected?limit=1",
            all["id"].as_str().unwrap()
        ))
        .bearer(&po)
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let next = page["next"].as_str().unwrap();
    let rest =
        w.t.get(&format!(
            "/api/v1/privacy/incidents/{}/affected?limit=1&after={next}",
            all["id"].as_str().unwrap()
        ))
        .bearer(&po)
        .send()
        .await
        .json();
    let mut both = vec![
        page["items"][0]["report_id"].as_str().unwrap().to_string(),
        rest["items"][0]["report_id"].as_str().unwrap().to_string(),
    ];
    both.sort();
    let mut expected = vec![read.clone(), unread.clone()];
    expected.sort();
    assert_eq!(both, expected);

    let res =
        w.t.post(&format!("/api/v1/privacy/incidents/{inc_id}/notified"))
            .bearer(&po)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["notice_overdue"], false);
    w.t.post(&format!("/api/v1/privacy/incidents/{inc_id}/notified"))
        .bearer(&po)
        .send()
        .await
        .problem(409, "already_notified");
    let list =
        w.t.get("/api/v1/privacy/incidents")
            .bearer(&po)
            .send()
            .await
            .json();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

/// Two privacy officers decide the same request at the same moment: one decision stands, the
/// other is told it was answered, and the correction is applied once.
#[actix_web::test]
async fn two_officers_deciding_at_once_one_wins() {
    let w = World::new().await;
    w.t.staff("ioc.privacy2", "privacy_officer", None).await;
    let po = officer(&w).await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let fix = ask(
        &w,
        json!({"kind": "correct", "report_id": id, "correction": {"full_name": "Trần Thị Bình An"}}),
    )
    .await;
    let req = fix["id"].as_str().unwrap().to_string();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let mut ctx = w.t.state.ctx.clone();
    ctx.hooks.action_begins = Some(std::sync::Arc::new(move || {
        barrier.wait();
    }));
    let mut officers = Vec::new();
    for login in ["ioc.privacy", "ioc.privacy2"] {
        let me =
            w.t.get("/api/v1/me")
                .bearer(&w.t.login(login, crate::support::PASSWORD).await)
                .send()
                .await
                .json();
        officers.push(paht::service::auth::Principal {
            user_id: me["id"].as_str().unwrap().to_string(),
            role: paht::domain::roles::Role::PrivacyOfficer,
            agency_id: None,
            follow_up: None,
        });
    }
    use paht::service::privacy::decisions::{Outcome, RequestDecision, decide};
    let results: Vec<Result<String, u16>> = std::thread::scope(|s| {
        let hs: Vec<_> = officers
            .iter()
            .zip([Outcome::Done, Outcome::Refused])
            .map(|(who, outcome)| {
                let (ctx, req) = (&ctx, &req);
                s.spawn(move || {
                    let d = RequestDecision {
                        outcome,
                        answer: "Đã xem xét.".into(),
                    };
                    decide(ctx, who, req, d)
                        .map(|v| format!("{:?}", v.status))
                        .map_err(|e| e.status.as_u16())
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
    assert!(results.contains(&Err(409)), "{results:?}");
    let won_done = results.contains(&Ok("Done".to_string()));
    let seen = w.report(&po, &id).await;
    let name = seen["reporter"]["full_name"].as_str().unwrap().to_string();
    assert_eq!(name == "Trần Thị Bình An", won_done, "{results:?} {name}");
    let steps = w.events(&w.citizen, &id).await;
    let corrected = crate::world::actions_of(&steps)
        .iter()
        .filter(|a| **a == "identity_corrected")
        .count();
    assert_eq!(corrected, usize::from(won_done));
}
