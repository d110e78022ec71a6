//! The e-mail channel (Art. 6.1c, 7.2): a corpus of real-shaped messages posted as the mail
//! server posts them, the IOC's queue, a message turned into a report or refused, a reporter's
//! reply taken as the supplement or the feedback of their report, and the mail server's pipe.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::counterparts::SmtpServer;
use crate::support::Res;
use crate::world::{World, actions_of, clock, report_body};

pub const KEY: &str = "intake-key-for-the-tests-0123456789";

fn corpus(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/it/intake/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn world(smtp: &SmtpServer) -> World {
    let url = smtp.url();
    World::with_config(move |c| {
        c.mail_intake_key = Some(KEY.into());
        c.notify.smtp_url = Some(url);
    })
    .await
}

async fn post_mail(w: &World, raw: Vec<u8>) -> Res {
    w.t.post("/api/v1/intake/email")
        .header("Intake-Key", KEY)
        .raw("message/rfc822", raw)
        .send()
        .await
}

/// Posts a message that must be taken; returns the answer.
pub async fn ingest(w: &World, raw: Vec<u8>) -> Value {
    let res = post_mail(w, raw).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

async fn mail(w: &World, id: &str) -> Value {
    let res =
        w.t.get(&format!("/api/v1/mail/{id}"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

fn deliver(w: &World) {
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs");
}

/// What the operator completes for a message: the standard report, its reporter's e-mail left
/// to the server (the sender's).
fn completed() -> Value {
    let mut b = report_body();
    b["reporter"].as_object_mut().unwrap().remove("email");
    b
}

/// Every message of the corpus lands where it belongs, and is kept byte for byte.
#[actix_web::test]
async fn the_corpus_is_read_and_kept_byte_for_byte() {
    let smtp = SmtpServer::start();
    let w = world(&smtp).await;
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("plain.eml", "queued", None),
        ("html_only.eml", "queued", None),
        ("outlook_inline.eml", "queued", None),
        ("subject_qp.eml", "queued", None),
        ("subject_b64.eml", "queued", None),
        ("forwarded.eml", "queued", None),
        ("auto_reply.eml", "ignored", Some("auto_submitted")),
        ("dsn.eml", "ignored", Some("bounce")),
        ("bulk.eml", "ignored", Some("bulk")),
    ];
    let mut ids = std::collections::HashMap::new();
    for (file, status, reason) in cases {
        let raw = corpus(file);
        let v = ingest(&w, raw.clone()).await;
        assert_eq!(v["status"], *status, "{file}: {v}");
        assert_eq!(v["reason"].as_str(), *reason, "{file}: {v}");
        let id = v["id"].as_str().unwrap().to_string();
        // Kept byte for byte.
        let back =
            w.t.get(&format!("/api/v1/mail/{id}/raw"))
                .bearer(&w.op)
                .send()
                .await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(
            back.header("content-type").as_deref(),
            Some("message/rfc822")
        );
        assert_eq!(back.body, raw, "{file}");
        ids.insert(*file, id);
    }

    let plain = mail(&w, &ids["plain.eml"]).await;
    assert_eq!(plain["from_address"], "nguyen.van.an@example.vn");
    assert_eq!(plain["from_name"], "Nguyễn Văn An");
    assert!(
        plain["text"]
            .as_str()
            .unwrap()
            .contains("Đèn đường trên đường Lê Lợi")
    );

    // HTML only: read as text, without its markup.
    let html = mail(&w, &ids["html_only.eml"]).await;
    let text = html["text"].as_str().unwrap();
    assert!(text.contains("số 18 Phú Lợi"), "{text}");
    assert!(!text.contains("<b>") && !text.contains("&nbsp;"), "{text}");

    // Outlook: the pasted picture and the PDF can become attachments, the Word file cannot.
    let outlook = mail(&w, &ids["outlook_inline.eml"]).await;
    assert_eq!(outlook["subject"], "Cây đổ chắn lối đi");
    let files = outlook["files"].as_array().unwrap();
    assert_eq!(files.len(), 3, "{files:?}");
    let jpeg = files.iter().find(|f| f["name"] == "image001.jpg").unwrap();
    assert_eq!(jpeg["inline"], true);
    assert_eq!(jpeg["detected_type"], "image/jpeg");
    let pdf = files.iter().find(|f| f["name"] == "Biên bản.pdf").unwrap();
    assert_eq!(pdf["detected_type"], "application/pdf");
    let docx = files.iter().find(|f| f["name"] == "don.docx").unwrap();
    assert!(docx["detected_type"].is_null());

    // RFC 2047 subjects, in quoted-printable and base64; a windows-1258 body.
    let qp = mail(&w, &ids["subject_qp.eml"]).await;
    assert_eq!(qp["subject"], "Rác thải ứ đọng ở chợ Phường 5");
    assert!(
        qp["text"]
            .as_str()
            .unwrap()
            .contains("Rác thải ứ đọng nhiều ngày"),
        "{}",
        qp["text"]
    );
    let b64 = mail(&w, &ids["subject_b64.eml"]).await;
    assert_eq!(b64["subject"], "Đường Nguyễn Huệ có ổ gà sâu");
    assert!(b64["text"].as_str().unwrap().contains("trước số 120"));

    // A forwarded message: its text and its picture come with it.
    let fwd = mail(&w, &ids["forwarded.eml"]).await;
    let text = fwd["text"].as_str().unwrap();
    assert!(text.contains("Tôi chuyển tiếp"), "{text}");
    assert!(text.contains("Cây xanh trước nhà văn hóa khóm 2"), "{text}");
    assert!(text.contains("mai.nguyen@example.vn"), "{text}");
    assert_eq!(fwd["files"][0]["name"], "cay.jpg");

    // The queue: the six messages for the IOC, oldest first; the machines' messages aside.
    let q = w.t.get("/api/v1/mail").bearer(&w.op).send().await.json();
    assert_eq!(q["total"], 6, "{q}");
    let ignored =
        w.t.get("/api/v1/mail?status=ignored")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(ignored["total"], 3);

    // The same bytes again (an MTA's retry): the first message.
    let again = post_mail(&w, corpus("plain.eml")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["id"], ids["plain.eml"].as_str());
    assert_eq!(again.json()["duplicate"], true);

    // Only operators read the mailbox.
    for token in [&w.citizen, &w.staff, &w.province] {
        w.t.get("/api/v1/mail")
            .bearer(token)
            .send()
            .await
            .problem(403, "forbidden");
    }
}

/// A malformed message and one too large answer a clear problem and are kept all the same;
/// a wrong key is refused, and without a configured key the channel is closed.
#[actix_web::test]
async fn unreadable_messages_are_kept_and_the_key_is_required() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| {
        c.mail_intake_key = Some(KEY.into());
        c.notify.smtp_url = Some(url);
        c.mail_max_bytes = 4096;
    })
    .await;
    let bad = post_mail(&w, corpus("malformed.eml")).await;
    let p = bad.problem(422, "malformed_message");
    assert!(p["detail"].as_str().unwrap().contains("đã được lưu"), "{p}");
    // Larger than the reading limit, within the storage limit.
    let mut big = corpus("plain.eml");
    big.extend(std::iter::repeat_n(b'x', 8000));
    post_mail(&w, big.clone())
        .await
        .problem(413, "message_too_large");
    let kept =
        w.t.get("/api/v1/mail?status=unreadable")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(kept["total"], 2, "{kept}");
    let reasons: Vec<&str> = kept["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["malformed_message", "message_too_large"]);
    let big_id = kept["items"][1]["id"].as_str().unwrap();
    let back =
        w.t.get(&format!("/api/v1/mail/{big_id}/raw"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(back.body, big);

    // The key.
    w.t.post("/api/v1/intake/email")
        .header("Intake-Key", "not-the-key")
        .raw("message/rfc822", corpus("plain.eml"))
        .send()
        .await
        .problem(401, "invalid_intake_key");
    w.t.post("/api/v1/intake/email")
        .header("Intake-Key", KEY)
        .raw("text/plain", corpus("plain.eml"))
        .send()
        .await
        .problem(415, "unsupported_media_type");
    let closed = World::new().await;
    closed
        .t
        .post("/api/v1/intake/email")
        .header("Intake-Key", KEY)
        .raw("message/rfc822", corpus("plain.eml"))
        .send()
        .await
        .problem(503, "intake_not_configured");
}

/// An operator claims a message and turns it into a report: channel `email`, the sender its
/// reporter, the dispatch clock from the message's arrival, the picture and the PDF attached;
/// the acknowledgement with the token goes to the sender. Another operator cannot take it.
#[actix_web::test]
async fn an_operator_turns_a_message_into_a_report() {
    let smtp = SmtpServer::start();
    let w = world(&smtp).await;
    let (_, op2) = w.t.staff("ioc.op2", "operator", None).await;
    let arrived = paht::clock::Clock::now(&*w.t.clock);
    let id = ingest(&w, corpus("outlook_inline.eml")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Read three hours later.
    w.t.clock.advance(chrono::TimeDelta::hours(3));
    let claimed = w
        .post(&w.op, &format!("/api/v1/mail/{id}/claim"), json!({}))
        .await;
    assert!(claimed["claimed_by"].as_str().is_some());
    w.t.post(&format!("/api/v1/mail/{id}/claim"))
        .bearer(&op2)
        .json(&json!({}))
        .send()
        .await
        .problem(409, "already_claimed");
    w.t.post(&format!("/api/v1/mail/{id}/report"))
        .bearer(&op2)
        .json(&completed())
        .send()
        .await
        .problem(409, "already_claimed");
    // What Art. 4 requires is checked as for any report.
    let mut incomplete = completed();
    incomplete["reporter"]["cccd"] = json!("123");
    w.t.post(&format!("/api/v1/mail/{id}/report"))
        .bearer(&w.op)
        .json(&incomplete)
        .send()
        .await
        .problem(422, "validation_failed");

    let res =
        w.t.post(&format!("/api/v1/mail/{id}/report"))
            .bearer(&w.op)
            .json(&completed())
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let r = res.json();
    let report_id = r["id"].as_str().unwrap();
    assert_eq!(r["channel"], "email");
    assert!(r["follow_up_token"].as_str().is_some());
    let seen = w.report(&w.op, report_id).await;
    assert_eq!(seen["reporter"]["email"], "duc.tran@example.vn");
    // Art. 7.2-7.3: the clock counts from the message's arrival, not from its reading.
    let dispatch = clock(&seen, "dispatch");
    assert_eq!(
        dispatch["started_at"].as_str().unwrap(),
        arrived.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let files =
        w.t.get(&format!("/api/v1/reports/{report_id}/attachments"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    let types: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["content_type"].as_str().unwrap())
        .collect();
    assert_eq!(types.len(), 2, "{files}");
    assert!(types.contains(&"image/jpeg") && types.contains(&"application/pdf"));
    let events = w.events(&w.op, report_id).await;
    assert!(
        events[0]["note"]
            .as_str()
            .unwrap()
            .contains(&format!("thư điện tử {id}")),
        "{events}"
    );

    let m = mail(&w, &id).await;
    assert_eq!(m["status"], "converted");
    assert_eq!(m["report_id"], report_id);
    w.t.post(&format!("/api/v1/mail/{id}/report"))
        .bearer(&w.op)
        .json(&completed())
        .send()
        .await
        .problem(409, "mail_already_handled");
    let converted =
        w.t.get(&format!(
            "/api/v1/mail?status=converted&report_id={report_id}"
        ))
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(converted["total"], 1);

    // The acknowledgement, with the code and the token, goes to the sender.
    deliver(&w);
    let acks = smtp.to("duc.tran@example.vn");
    assert_eq!(acks.len(), 1);
    assert!(acks[0].text().contains(r["code"].as_str().unwrap()));
    assert!(
        acks[0]
            .text()
            .contains(r["follow_up_token"].as_str().unwrap())
    );
}

/// A message refused: the reason goes back to its sender.
#[actix_web::test]
async fn a_refused_message_is_answered_with_its_reason() {
    let smtp = SmtpServer::start();
    let w = world(&smtp).await;
    let id = ingest(&w, corpus("plain.eml")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.t.post(&format!("/api/v1/mail/{id}/refuse"))
        .bearer(&w.op)
        .json(&json!({"reason": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    let reason = "Thư chưa ghi địa điểm cụ thể (Điều 4.3).";
    let m = w
        .post(
            &w.op,
            &format!("/api/v1/mail/{id}/refuse"),
            json!({"reason": reason}),
        )
        .await;
    assert_eq!(m["status"], "refused");
    assert_eq!(m["note"], reason);
    w.t.post(&format!("/api/v1/mail/{id}/refuse"))
        .bearer(&w.op)
        .json(&json!({"reason": reason}))
        .send()
        .await
        .problem(409, "mail_already_handled");
    deliver(&w);
    let answers = smtp.to("nguyen.van.an@example.vn");
    assert_eq!(answers.len(), 1);
    assert!(answers[0].text().contains(reason), "{}", answers[0].text());
    assert!(answers[0].subject().contains("Phan anh den duong hu"));
}

/// A reply to one of our messages (RFC 5322 threading) or naming the tracking code: from the
/// report's own address it becomes the supplement the IOC asked for, then the feedback on the
/// result; from another address it waits in the queue as new mail.
#[actix_web::test]
async fn a_reply_supplements_or_answers_only_from_the_same_sender() {
    let smtp = SmtpServer::start();
    let w = world(&smtp).await;
    let sender = "duc.tran@example.vn";
    let id = ingest(&w, corpus("outlook_inline.eml")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = w
        .post(&w.op, &format!("/api/v1/mail/{id}/report"), completed())
        .await;
    let (report_id, code) = (r["id"].as_str().unwrap(), r["code"].as_str().unwrap());
    deliver(&w);
    let ack = smtp.to(sender).remove(0);
    let ack_id = ack
        .header("Message-ID")
        .expect("our messages carry a Message-ID");
    w.post(
        &w.op,
        &format!("/api/v1/reports/{report_id}/request-info"),
        json!({"note": "Xin cho biết số nhà gần nhất."}),
    )
    .await;

    let reply = |from: &str, subject: &str, extra: &str, text: &str| -> Vec<u8> {
        format!(
            "From: {from}\r\nTo: paht@soctrang.gov.vn\r\nSubject: {subject}\r\n{extra}\
             Date: Mon, 2 Mar 2026 10:00:00 +0700\r\nMessage-ID: <{}@example.vn>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{text}\r\n\r\n\
             Vào 09:00 ngày 2/3/2026, PAHT <no-reply@paht.localhost> đã viết:\r\n> Đã tiếp nhận\r\n",
            uuid::Uuid::now_v7()
        )
        .into_bytes()
    };
    // From someone else: new mail, whatever it claims to answer.
    let other = ingest(
        &w,
        reply(
            "someone@example.vn",
            &format!("Re: {code}"),
            &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
            "Tôi là người khác.",
        ),
    )
    .await;
    assert_eq!(other["status"], "queued");
    assert!(mail(&w, other["id"].as_str().unwrap()).await["report_id"].is_null());

    // From the reporter, threaded to our acknowledgement: the supplement.
    let supp = ingest(
        &w,
        reply(
            sender,
            "Re: Da tiep nhan",
            &format!("In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\n"),
            "Cây đổ trước số nhà 45 đường 30/4.",
        ),
    )
    .await;
    assert_eq!(supp["status"], "attached", "{supp}");
    assert_eq!(supp["reason"], "supplement");
    let seen = w.report(&w.op, report_id).await;
    assert_eq!(seen["status"], "submitted");
    let events = w.events(&w.op, report_id).await;
    let last = events.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "supplemented");
    let note = last["note"].as_str().unwrap();
    assert!(note.contains("Cây đổ trước số nhà 45"), "{note}");
    assert!(
        !note.contains("Đã tiếp nhận"),
        "the quoted text is left out: {note}"
    );

    // Published, a reply naming the code in its subject is feedback (Art. 10.1).
    w.accept(report_id).await;
    let a = w.dispatch(report_id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;
    w.publish(report_id).await;
    let fb = ingest(
        &w,
        reply(
            &sender.to_uppercase(),
            &format!("Re: Kết quả phản ánh {code}"),
            "",
            "Cây vẫn chưa được dọn, đề nghị kiểm tra lại.",
        ),
    )
    .await;
    assert_eq!(fb["status"], "attached", "{fb}");
    assert_eq!(fb["reason"], "feedback");
    let events = w.events(&w.op, report_id).await;
    assert!(actions_of(&events).contains(&"feedback_received"));

    // Our own message coming back is never a report.
    let own = ingest(
        &w,
        format!(
            "From: PAHT <no-reply@paht.localhost>\r\nTo: paht@soctrang.gov.vn\r\nSubject: x\r\n\
             Message-ID: {ack_id}\r\n\r\nloop\r\n"
        )
        .into_bytes(),
    )
    .await;
    assert_eq!(own["status"], "ignored");
    assert_eq!(own["reason"], "own_message");
}

/// `paht ingest-mail < message.eml`, as a mail server's pipe runs it: 0 and the message in the
/// queue; 65 for a message kept unread.
#[actix_web::test]
async fn the_mail_servers_pipe_delivers_into_the_queue() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let w = World::new().await;
    let url = match &w.t.state.config.database {
        paht::config::DatabaseUrl::Postgres(u) => u.clone(),
        paht::config::DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
    };
    let pipe = |raw: Vec<u8>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_paht"))
            .arg("ingest-mail")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &url)
            .env("PAHT_DATA_DIR", &w.t.state.config.data_dir)
            .env(
                "PAHT_JWT_SECRET",
                "a-test-signing-key-of-at-least-32-bytes!",
            )
            .envs(crate::support::key_env(&w.t.state.config))
            .env("PAHT_LOG", "warn")
            .current_dir(&w.t.state.config.data_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the paht binary starts");
        child.stdin.take().unwrap().write_all(&raw).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = pipe(corpus("subject_b64.eml"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8(ok.stdout).unwrap();
    assert!(out.trim().ends_with("queued"), "{out}");
    let bad = pipe(corpus("malformed.eml"));
    assert_eq!(bad.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("đã được lưu"));

    let q =
        w.t.get("/api/v1/mail?status=all")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(q["total"], 2, "{q}");
    assert_eq!(q["items"][0]["source"], "pipe");
    assert_eq!(q["items"][0]["subject"], "Đường Nguyễn Huệ có ổ gà sâu");
}
