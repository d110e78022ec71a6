//! The 1022 switchboard (Art. 6.1a, 7.2, 8.6): calls posted as a dialplan posts them with
//! `curl`, inside and outside office hours (Friday 17:30, Tết), the IOC's queue of calls, a call
//! turned into a report, attached to the caller's report, forwarded as an emergency, and an
//! operator recording a caller's rating with the call named.

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::counterparts::HttpReceiver;
use crate::support::Res;
use crate::world::{PHONE, World, actions_of, clock, report_body};

pub const KEY: &str = "switchboard-key-for-the-tests-0123456789";
const BOUNDARY: &str = "PAHTcallB0undary";

/// A WAV file, as a recorder writes it.
fn wav() -> Vec<u8> {
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&2036u32.to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&[
        16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0,
    ]);
    b.extend_from_slice(b"data");
    b.extend_from_slice(&2000u32.to_le_bytes());
    b.extend(std::iter::repeat_n(0u8, 2000));
    b
}

fn form(fields: &[(&str, &str)], recording: Option<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, value) in fields {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((ct, data)) = recording {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"recording\"; filename=\"call.wav\"\r\nContent-Type: {ct}\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(&data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_call(w: &World, fields: &[(&str, &str)], recording: Option<(&str, Vec<u8>)>) -> Res {
    w.t.post("/api/v1/intake/calls")
        .header("Switchboard-Key", KEY)
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form(fields, recording),
        )
        .send()
        .await
}

/// Posts an inbound call from `caller` between two local instants, with a WAV recording.
pub async fn call(w: &World, caller: &str, start: &str, end: &str) -> Value {
    let res = post_call(
        w,
        &[
            ("caller", caller),
            ("line", "1022"),
            ("start", start),
            ("end", end),
        ],
        Some(("audio/wav", wav())),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

fn at(local: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(local).unwrap().to_utc()
}

async fn world(sms: &HttpReceiver) -> World {
    let url = sms.url("/sms/send");
    World::with_config(move |c| {
        c.switchboard_key = Some(KEY.into());
        c.notify.sms_url = Some(url);
        c.notify.sms_key = Some("sms-key".into());
    })
    .await
}

async fn queue(w: &World, query: &str) -> Value {
    let res =
        w.t.get(&format!("/api/v1/calls{query}"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

/// The operator's report for a caller: the standard one, the phone left to the caller's number.
fn for_caller() -> Value {
    let mut b = report_body();
    b["reporter"]["phone"] = json!("");
    b["reporter"].as_object_mut().unwrap().remove("email");
    b
}

/// Friday 17:30: the recorder takes the call; it waits for Monday's first session, and the
/// report it becomes counts its dispatch time from there. The caller gets the token by SMS.
#[actix_web::test]
async fn a_call_after_hours_waits_for_the_next_office_session() {
    let sms = HttpReceiver::start();
    let w = world(&sms).await;
    let (_, op2) = w.t.staff("ioc.op2", "operator", None).await;
    // Friday 6 March 2026, 17:40 in Sóc Trăng.
    w.t.clock.set(at("2026-03-06T17:40:00+07:00"));
    let c = call(&w, "+84 918 765 432", "2026-03-06T10:30:00Z", "1772793490").await;
    assert_eq!(c["after_hours"], true, "{c}");
    assert_eq!(c["caller"], PHONE);
    assert_eq!(c["status"], "queued");
    assert_eq!(c["recording_type"], "audio/wav");
    // Art. 7.2: received in office hours, Monday 9 March 07:00.
    assert_eq!(c["queued_from"], "2026-03-09T00:00:00Z");
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(queue(&w, "").await["total"], 0);
    assert_eq!(queue(&w, "?status=queued&waiting=true").await["total"], 1);

    // Monday morning.
    w.t.clock.set(at("2026-03-09T08:15:00+07:00"));
    let q = queue(&w, "").await;
    assert_eq!(q["total"], 1);
    assert_eq!(q["items"][0]["id"], id.as_str());
    w.post(&w.op, &format!("/api/v1/calls/{id}/claim"), json!({}))
        .await;
    w.t.post(&format!("/api/v1/calls/{id}/claim"))
        .bearer(&op2)
        .json(&json!({}))
        .send()
        .await
        .problem(409, "already_claimed");
    let res =
        w.t.post(&format!("/api/v1/calls/{id}/report"))
            .bearer(&w.op)
            .json(&for_caller())
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let r = res.json();
    let report_id = r["id"].as_str().unwrap();
    assert_eq!(r["channel"], "hotline");
    let seen = w.report(&w.op, report_id).await;
    assert_eq!(seen["reporter"]["phone"], PHONE);
    assert_eq!(
        clock(&seen, "dispatch")["started_at"],
        "2026-03-09T00:00:00Z"
    );
    let files =
        w.t.get(&format!("/api/v1/reports/{report_id}/attachments"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(files[0]["kind"], "call_recording", "{files}");
    assert_eq!(files[0]["content_type"], "audio/wav");
    // The consents given on the call name the call and its recording as their proof.
    let proofs: Vec<(String, Option<String>, Option<String>)> = {
        use diesel::prelude::*;
        use paht::db::schema::consents;
        let mut c = w.t.state.pool.get().unwrap();
        consents::table
            .filter(consents::report_id.eq(report_id))
            .select((consents::channel, consents::proof, consents::recorded_by))
            .load(&mut *c)
            .unwrap()
    };
    assert_eq!(proofs.len(), 4);
    let proof = format!(
        "cuộc gọi {id}, ghi âm sha256:{}",
        files[0]["sha256"].as_str().unwrap()
    );
    for (channel, p, by) in &proofs {
        assert_eq!(
            (channel.as_str(), p.as_deref()),
            ("hotline", Some(proof.as_str()))
        );
        assert!(by.is_some(), "the operator who took the call recorded it");
    }
    let events = w.events(&w.op, report_id).await;
    assert!(
        events[0]["note"]
            .as_str()
            .unwrap()
            .contains(&format!("cuộc gọi {id}"))
    );
    let after = queue(&w, &format!("?status=converted&report_id={report_id}")).await;
    assert_eq!(after["total"], 1);
    w.t.post(&format!("/api/v1/calls/{id}/report"))
        .bearer(&w.op)
        .json(&for_caller())
        .send()
        .await
        .problem(409, "call_already_handled");

    // The caller's SMS carries the code and the token.
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs");
    let token = r["follow_up_token"].as_str().unwrap();
    assert!(
        sms.hits()
            .iter()
            .any(|h| h.body["to"] == PHONE && h.body["text"].as_str().unwrap().contains(token))
    );
}

/// Tết: a call on the first day of the lunar year waits for the first working day after the
/// holiday; a call in office hours takes its turn when it ends. The recording is checked by its
/// bytes, a retried post is the same call, and the key is required.
#[actix_web::test]
async fn calls_at_tet_and_in_office_hours_and_what_the_switchboard_must_send() {
    let sms = HttpReceiver::start();
    let w = world(&sms).await;
    // Tuesday 17 February 2026, lunar 1/1, 10:00.
    let tet = post_call(
        &w,
        &[
            ("caller", "0909111222"),
            ("line", "1022"),
            ("start", "2026-02-17T10:00:00+07:00"),
            ("end", "2026-02-17T10:03:00+07:00"),
            ("call_id", "1771297200.42"),
        ],
        Some(("application/octet-stream", wav())),
    )
    .await;
    assert_eq!(tet.status, StatusCode::CREATED, "{}", tet.text());
    let tet = tet.json();
    assert_eq!(tet["after_hours"], true);
    // Monday 23 February, 07:00: the first session after the Tết holiday.
    assert_eq!(tet["queued_from"], "2026-02-23T00:00:00Z");
    // Posted again by the switchboard: the same call.
    let again = post_call(
        &w,
        &[
            ("caller", "0909111222"),
            ("line", "1022"),
            ("start", "2026-02-17T10:00:00+07:00"),
            ("end", "2026-02-17T10:03:00+07:00"),
            ("call_id", "1771297200.42"),
        ],
        Some(("audio/wav", wav())),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], tet["id"]);

    // Monday 2 March, 09:00-09:05: in office hours.
    let inside = call(
        &w,
        "0909333444",
        "2026-03-02T08:55:00+07:00",
        "2026-03-02T08:59:00+07:00",
    )
    .await;
    assert_eq!(inside["after_hours"], false);
    assert_eq!(inside["queued_from"], "2026-03-02T01:59:00Z");
    // The switchboard's own word on after hours is kept.
    let flagged = post_call(
        &w,
        &[
            ("caller", "0909555666"),
            ("line", "1022"),
            ("start", "2026-03-02T08:40:00+07:00"),
            ("end", "2026-03-02T08:41:00+07:00"),
            ("after_hours", "true"),
            ("direction", "outbound"),
        ],
        None,
    )
    .await
    .json();
    assert_eq!(flagged["after_hours"], true);
    assert_eq!(flagged["status"], "logged");
    assert_eq!(queue(&w, "").await["total"], 2);
    assert_eq!(queue(&w, "?status=logged").await["total"], 1);

    // What the switchboard must send.
    let bad = post_call(
        &w,
        &[
            ("line", "1022"),
            ("start", "yesterday"),
            ("end", "2026-03-02T08:41:00+07:00"),
        ],
        Some(("audio/wav", b"not audio".to_vec())),
    )
    .await;
    let p = bad.problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"caller") && fields.contains(&"start"),
        "{p}"
    );
    post_call(
        &w,
        &[
            ("caller", "0909"),
            ("line", "1022"),
            ("start", "2026-03-02T08:40:00Z"),
            ("end", "2026-03-02T08:41:00Z"),
        ],
        Some(("audio/wav", b"not audio".to_vec())),
    )
    .await
    .problem(422, "validation_failed");
    w.t.post("/api/v1/intake/calls")
        .header("Switchboard-Key", "wrong")
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form(&[("caller", "1")], None),
        )
        .send()
        .await
        .problem(401, "invalid_intake_key");
    // Only operators read the calls.
    for token in [&w.citizen, &w.staff] {
        w.t.get("/api/v1/calls")
            .bearer(token)
            .send()
            .await
            .problem(403, "forbidden");
    }
    let rec =
        w.t.get(&format!(
            "/api/v1/calls/{}/recording",
            tet["id"].as_str().unwrap()
        ))
        .bearer(&w.op)
        .send()
        .await;
    assert_eq!(rec.status, StatusCode::OK);
    assert_eq!(rec.body, wav());
}

/// A caller asks about their report: the call shows their reports by number, is attached to
/// the report (its history names the call, the recording joins it), and the operator records
/// the caller's rating naming the call. An emergency is forwarded to an agency (Art. 8.6).
#[actix_web::test]
async fn a_caller_asking_about_their_report_and_an_emergency() {
    let sms = HttpReceiver::start();
    let w = world(&sms).await;
    let mut b = report_body();
    b["channel"] = json!("hotline");
    let r = w.entered(&b).await;
    let report_id = r["id"].as_str().unwrap().to_string();

    let c = call(
        &w,
        PHONE,
        "2026-03-02T08:50:00+07:00",
        "2026-03-02T08:52:00+07:00",
    )
    .await;
    let id = c["id"].as_str().unwrap();
    let details =
        w.t.get(&format!("/api/v1/calls/{id}"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(
        details["caller_reports"][0]["id"],
        report_id.as_str(),
        "{details}"
    );
    // The lookup by number: operators only, the number in the body.
    let found = w
        .post(
            &w.op,
            "/api/v1/reports/by-phone",
            json!({"phone": "+84918765432"}),
        )
        .await;
    assert_eq!(found[0]["id"], report_id.as_str());
    w.t.post("/api/v1/reports/by-phone")
        .bearer(&w.citizen)
        .json(&json!({"phone": PHONE}))
        .send()
        .await
        .problem(403, "forbidden");

    let attached = w
        .post(
            &w.op,
            &format!("/api/v1/calls/{id}/attach"),
            json!({"report_id": report_id, "note": "Người gọi hỏi tiến độ xử lý."}),
        )
        .await;
    assert_eq!(attached["status"], "attached");
    assert_eq!(attached["report_id"], report_id.as_str());
    let events = w.events(&w.op, &report_id).await;
    assert!(actions_of(&events).contains(&"call_attached"));
    let files =
        w.t.get(&format!("/api/v1/reports/{report_id}/attachments"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(files[0]["kind"], "call_recording");

    // Published, the caller rates it on the phone; the operator records it with the call.
    w.accept(&report_id).await;
    let a = w.dispatch(&report_id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;
    w.publish(&report_id).await;
    let back = call(
        &w,
        PHONE,
        "2026-03-02T08:56:00+07:00",
        "2026-03-02T08:57:00+07:00",
    )
    .await;
    let back_id = back["id"].as_str().unwrap();
    w.t.post(&format!("/api/v1/reports/{report_id}/rating"))
        .bearer(&w.op)
        .json(&json!({"rating": "satisfied", "call_id": "no-such-call"}))
        .send()
        .await
        .problem(422, "validation_failed");
    w.post(
        &w.op,
        &format!("/api/v1/reports/{report_id}/rating"),
        json!({"rating": "satisfied", "call_id": back_id}),
    )
    .await;
    let events = w.events(&w.op, &report_id).await;
    let rated = events
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == "rated")
        .unwrap();
    let note = rated["note"].as_str().unwrap();
    assert!(
        note.contains("thay người phản ánh") && note.contains(&format!("cuộc gọi {back_id}")),
        "{note}"
    );
    // A citizen acting themselves names no call.
    let token = r["follow_up_token"].as_str().unwrap();
    w.t.post(&format!(
        "/api/v1/track/{}/rating",
        r["code"].as_str().unwrap()
    ))
    .header("Follow-Up-Token", token)
    .json(&json!({"rating": "satisfied", "call_id": back_id}))
    .send()
    .await
    .problem(422, "validation_failed");

    // An emergency at night: forwarded to the agency, out of the queue.
    let night = call(
        &w,
        "0909777888",
        "2026-03-02T02:10:00+07:00",
        "2026-03-02T02:12:00+07:00",
    )
    .await;
    let night_id = night["id"].as_str().unwrap();
    let fwd = w
        .post(
            &w.op,
            &format!("/api/v1/calls/{night_id}/emergency"),
            json!({"agency_id": w.gtvt, "note": "Cây đổ chắn quốc lộ 1A, đã báo đội cứu hộ giao thông."}),
        )
        .await;
    assert_eq!(fwd["status"], "forwarded");
    assert_eq!(fwd["agency_id"], w.gtvt.as_str());
    w.t.post(&format!("/api/v1/calls/{night_id}/emergency"))
        .bearer(&w.op)
        .json(&json!({"agency_id": w.gtvt, "note": "Lần nữa."}))
        .send()
        .await
        .problem(409, "call_already_handled");
    assert_eq!(queue(&w, "?status=forwarded").await["total"], 1);
}
