//! What staff hear: reminders before a deadline and overdue, their own choices, and the
//! templates admins edit.

use actix_web::http::StatusCode;
use serde_json::json;

use super::{deliver, inbox, kinds};
use crate::counterparts::SmtpServer;
use crate::world::World;

fn local(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Reminders at 75 % of the working time and one working hour before the deadline, once each;
/// then overdue reaches the agency's leader and its supervising agency (Art. 7.3, 15.3).
#[actix_web::test]
async fn reminders_come_before_the_deadline_and_overdue_reaches_leader_and_supervisor() {
    use paht::service::notify::reminders::remind;
    use paht::service::reports::sweeper::sweep;
    let w = World::new().await;
    let (_, tt_staff) =
        w.t.staff("ttcns.staff", "agency_staff", Some("TTCNS"))
            .await;
    let (_, tt_leader) =
        w.t.staff("ttcns.leader", "agency_leader", Some("TTCNS"))
            .await;
    let (_, sup) = w.t.staff("stttt.sup", "supervisor", Some("STTTT")).await;
    let ttcns = w.t.agency_id("TTCNS").await;
    let st = &w.t.state.ctx;
    // Submitted Monday 2 March 2026 09:00; dispatched at once; the 6-working-day clock runs to
    // Tuesday 10 March 09:00 (weekend excluded).
    let r = w.submit().await;
    let id = r["id"].as_str().unwrap();
    w.accept(id).await;
    let a = w.dispatch(id, &ttcns).await;
    w.take(&tt_staff, &a).await;
    let before = kinds(&inbox(&w, &tt_staff).await).len();
    // 75 % of 48 working hours is 36: Friday 6 March 15:00.
    w.t.clock.set(local("2026-03-06T14:59:00+07:00"));
    assert_eq!(remind(st).unwrap(), 0);
    w.t.clock.set(local("2026-03-06T15:00:00+07:00"));
    assert_eq!(remind(st).unwrap(), 1);
    assert_eq!(remind(st).unwrap(), 0, "once per clock");
    let staff = inbox(&w, &tt_staff).await;
    assert_eq!(kinds(&staff).len(), before + 1);
    assert_eq!(kinds(&staff)[0], "reminder");
    assert!(
        staff["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("09:00 ngày 10/03/2026"),
        "{}",
        staff["items"][0]
    );
    // One working hour before: Tuesday 10 March 08:00 (Monday's 17:00 is not an hour before).
    w.t.clock.set(local("2026-03-10T07:59:00+07:00"));
    assert_eq!(remind(st).unwrap(), 0);
    w.t.clock.set(local("2026-03-10T08:00:00+07:00"));
    assert_eq!(remind(st).unwrap(), 1);
    assert_eq!(kinds(&inbox(&w, &tt_staff).await)[0], "deadline_soon");
    assert_eq!(
        inbox(&w, &tt_leader).await["total"],
        0,
        "the leader hears of overdue, not of reminders"
    );
    // Late: the leader and the supervising agency (STTTT above TTCNS) hear it.
    w.t.clock.set(local("2026-03-10T09:01:00+07:00"));
    assert!(sweep(st).unwrap() >= 1);
    assert_eq!(remind(st).unwrap(), 0, "no reminder once late");
    assert!(kinds(&inbox(&w, &tt_leader).await).contains(&"overdue".to_string()));
    let s = inbox(&w, &sup).await;
    assert!(kinds(&s).contains(&"overdue".to_string()), "{s}");
    assert!(
        s["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("Trung tâm Công nghệ số"),
        "{}",
        s["items"][0]
    );
    assert_eq!(
        inbox(&w, &w.leader).await["total"],
        0,
        "another agency's leader hears nothing"
    );

    // The IOC's daily digest: what is overdue, by agency, once a day from 07:00.
    use paht::service::notify::digest::send_daily;
    assert_eq!(
        send_daily(st).unwrap(),
        1,
        "one operator, no e-mail configured"
    );
    assert_eq!(send_daily(st).unwrap(), 0, "once a day");
    let ops = inbox(&w, &w.op).await;
    let digest = ops["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "overdue_digest")
        .unwrap_or_else(|| panic!("{ops}"));
    let body = digest["body"].as_str().unwrap();
    assert!(
        digest["title"]
            .as_str()
            .unwrap()
            .contains("10/03/2026: 1 bước"),
        "{digest}"
    );
    assert!(body.contains("Trung tâm Công nghệ số"), "{body}");
    assert!(
        body.contains("1 bước, quá hạn lâu nhất từ 09:00 ngày 10/03/2026"),
        "{body}"
    );
    assert!(
        !body.contains("Sở Giao thông"),
        "only agencies with overdue steps: {body}"
    );
    w.t.clock.set(local("2026-03-11T06:59:00+07:00"));
    assert_eq!(send_daily(st).unwrap(), 0, "not before 07:00");
    w.t.clock.set(local("2026-03-11T07:00:00+07:00"));
    assert_eq!(send_daily(st).unwrap(), 1, "the next day's");
}

/// Each account chooses which kinds of staff message it receives, and how; overdue stays on.
#[actix_web::test]
async fn staff_choose_what_they_hear_but_not_overdue() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| c.notify.smtp_url = Some(url)).await;
    let me = w.t.get("/api/v1/me").bearer(&w.staff).send().await.json();
    let staff_id = me["id"].as_str().unwrap().to_string();
    w.t.patch(&format!("/api/v1/users/{staff_id}"))
        .bearer(&w.admin)
        .json(&json!({"email": "canbo@sgtvt.example.vn"}))
        .send()
        .await;
    let prefs =
        w.t.get("/api/v1/me/notification-settings")
            .bearer(&w.staff)
            .send()
            .await
            .json();
    let new = prefs
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "assignment_new")
        .unwrap();
    assert_eq!(
        (
            new["email"].clone(),
            new["inbox"].clone(),
            new["mandatory"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );
    assert!(
        prefs
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] != "received"),
        "reporter kinds have no choice"
    );
    // No e-mail for new tasks: the inbox only.
    let res =
        w.t.put("/api/v1/me/notification-settings")
            .bearer(&w.staff)
            .json(&json!({"settings": [{"kind": "assignment_new", "email": false, "inbox": true}]}))
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let (id, _) = w.dispatched().await;
    deliver(&w);
    assert_eq!(kinds(&inbox(&w, &w.staff).await), ["assignment_new"]);
    assert!(
        smtp.to("canbo@sgtvt.example.vn").is_empty(),
        "e-mail turned off"
    );
    assert!(!id.is_empty());
    // Overdue cannot be turned off; unknown kinds are refused.
    let p = w
        .t
        .put("/api/v1/me/notification-settings")
        .bearer(&w.leader)
        .json(&json!({"settings": [{"kind": "overdue", "email": false, "inbox": true}, {"kind": "received", "email": true, "inbox": true}]}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "mandatory_kind");
    assert_eq!(p["errors"][0]["field"], "settings[0].kind");
    assert_eq!(p["errors"][1]["code"], "unknown_kind");
}

/// Templates are data: an admin rewords a kind; unknown variables and an answer in a short
/// confidential message are refused; a reset returns the built-in wording.
#[actix_web::test]
async fn templates_are_edited_and_checked() {
    let w = World::new().await;
    let list =
        w.t.get("/api/v1/admin/templates")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    let received = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "received")
        .unwrap()
        .clone();
    assert_eq!(received["customised"], false);
    assert_eq!(received["variables"], json!(["code", "link", "token"]));
    let mut t = json!({
        "subject": "PAHT nhận phản ánh {code}",
        "body": "Cảm ơn Ông/Bà. Mã số {code}.",
        "short": "Ma so {code}",
        "subject_en": "Report {code}",
        "body_en": "Thank you. Code {code}.",
        "short_en": "Code {code}"
    });
    let res =
        w.t.put("/api/v1/admin/templates/received")
            .bearer(&w.admin)
            .json(&t)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["customised"], true);
    w.submit().await;
    let n = inbox(&w, &w.citizen).await;
    assert!(
        n["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("PAHT nhận phản ánh PA"),
        "{n}"
    );

    t["body"] = json!("Kính gửi {full_name}");
    let p =
        w.t.put("/api/v1/admin/templates/received")
            .bearer(&w.admin)
            .json(&t)
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "body");
    let mut c = t.clone();
    c["body"] = json!("{answer}");
    c["short"] = json!("Trả lời: {answer}");
    let p =
        w.t.put("/api/v1/admin/templates/result_confidential")
            .bearer(&w.admin)
            .json(&c)
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "short");
    w.t.put("/api/v1/admin/templates/nothing")
        .bearer(&w.admin)
        .json(&c)
        .send()
        .await
        .problem(404, "not_found");
    w.t.put("/api/v1/admin/templates/received")
        .bearer(&w.op)
        .json(&c)
        .send()
        .await
        .problem(403, "forbidden");
    let res =
        w.t.delete("/api/v1/admin/templates/received")
            .bearer(&w.admin)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    w.submit().await;
    let n = inbox(&w, &w.citizen).await;
    assert!(
        n["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Đã tiếp nhận phản ánh"),
        "{n}"
    );
}
