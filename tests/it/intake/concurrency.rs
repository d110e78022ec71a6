//! Two operators turning the same message, or the same call, into a report at the same moment:
//! one report, never two; the other operator is told someone acted first.

use actix_web::http::StatusCode;
use serde_json::Value;

use crate::world::{World, report_body};
use paht::service::auth::{Principal, Require, roles::Operator};

/// A context whose report writes wait for each other at the start of their transaction.
fn meeting(w: &World) -> paht::service::Context {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let mut ctx = w.t.state.ctx.clone();
    ctx.hooks.action_begins = Some(std::sync::Arc::new(move || {
        barrier.wait();
    }));
    ctx
}

async fn operator(w: &World, token: &str) -> Require<Operator> {
    let me = w.t.get("/api/v1/me").bearer(token).send().await.json();
    Require::check(&Principal {
        user_id: me["id"].as_str().unwrap().to_string(),
        role: paht::domain::roles::Role::Operator,
        agency_id: None,
        follow_up: None,
    })
    .unwrap()
}

fn new_report() -> paht::service::reports::intake::NewReport {
    let mut b: Value = report_body();
    b["reporter"]["phone"] = Value::String(String::new());
    b["reporter"].as_object_mut().unwrap().remove("email");
    serde_json::from_value(b).unwrap()
}

/// Runs two conversions at once; returns how each ended (the report's id, or the status).
fn race(
    convert: impl Fn(&Require<Operator>) -> Result<String, u16> + Sync,
    ops: [&Require<Operator>; 2],
) -> Vec<Result<String, u16>> {
    std::thread::scope(|s| {
        let hs: Vec<_> = ops.iter().map(|op| s.spawn(|| convert(op))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn one_wins(results: &[Result<String, u16>]) -> String {
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results.contains(&Err(409)), "{results:?}");
    results.iter().find_map(|r| r.clone().ok()).unwrap()
}

#[actix_web::test]
async fn two_operators_converting_one_message_or_one_call_make_one_report() {
    const MAIL_KEY: &str = "intake-key-for-the-tests-0123456789";
    const CALL_KEY: &str = "switchboard-key-for-the-tests-0123456789";
    let w = World::with_config(|c| {
        c.mail_intake_key = Some(MAIL_KEY.into());
        c.switchboard_key = Some(CALL_KEY.into());
    })
    .await;
    let (_, op2_token) = w.t.staff("ioc.op2", "operator", None).await;
    let (op1, op2) = (operator(&w, &w.op).await, operator(&w, &op2_token).await);
    let ctx = meeting(&w);

    let raw = std::fs::read(format!(
        "{}/tests/it/intake/mail/plain.eml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let res =
        w.t.post("/api/v1/intake/email")
            .header("Intake-Key", MAIL_KEY)
            .raw("message/rfc822", raw)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let mail_id = res.json()["id"].as_str().unwrap().to_string();
    let results = race(
        |op| {
            paht::service::channels::mail::convert(&ctx, op, &mail_id, new_report_with_phone())
                .map(|s| s.details().report.id.clone())
                .map_err(|e| e.status.as_u16())
        },
        [&op1, &op2],
    );
    let winner = one_wins(&results);
    let m =
        w.t.get(&format!("/api/v1/mail/{mail_id}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(m["report_id"], winner.as_str());

    let body = "--B\r\nContent-Disposition: form-data; name=\"caller\"\r\n\r\n0918765432\r\n\
                --B\r\nContent-Disposition: form-data; name=\"line\"\r\n\r\n1022\r\n\
                --B\r\nContent-Disposition: form-data; name=\"start\"\r\n\r\n2026-03-02T08:30:00+07:00\r\n\
                --B\r\nContent-Disposition: form-data; name=\"end\"\r\n\r\n2026-03-02T08:33:00+07:00\r\n--B--\r\n";
    let res =
        w.t.post("/api/v1/intake/calls")
            .header("Switchboard-Key", CALL_KEY)
            .raw("multipart/form-data; boundary=B", body)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let call_id = res.json()["id"].as_str().unwrap().to_string();
    let results = race(
        |op| {
            paht::service::channels::calls::convert(&ctx, op, &call_id, new_report())
                .map(|s| s.details().report.id.clone())
                .map_err(|e| e.status.as_u16())
        },
        [&op1, &op2],
    );
    let winner = one_wins(&results);
    let c =
        w.t.get(&format!("/api/v1/calls/{call_id}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(c["report_id"], winner.as_str());

    // Two reports in all, with gapless codes: the loser gave its number back.
    let all = w.t.get("/api/v1/reports").bearer(&w.op).send().await.json();
    let mut codes: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    codes.sort();
    assert_eq!(codes, ["PA-2026-000001", "PA-2026-000002"], "{all}");
}

/// The e-mail's report: the phone given (a message carries no caller's number).
fn new_report_with_phone() -> paht::service::reports::intake::NewReport {
    serde_json::from_value(report_body()).unwrap()
}
