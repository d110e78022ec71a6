//! Personal data at rest (Law 91/2025/QH15; Art. 4.5): a reporter's name, contact address,
//! identity number, phone and e-mail, given through the app, the hotline and e-mail and sent
//! an answer, are nowhere in the SQLite file or in a `pg_dump` in clear, while the IOC still
//! finds the reports by phone; a database written before encryption is sealed at start; a key
//! rotation re-seals everything and the old key can go.

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::counterparts::{HttpReceiver, SmtpServer};
use crate::world::{World, report_body};

const NAME: &str = "Lâm Thị Kín Đáo";
const CCCD: &str = "094190007777";
const PHONE: &str = "0971234560";
const EMAIL: &str = "kin.dao.lam@example.vn";
const HOME: &str = "99 Hẻm Bí Mật, khóm 9, Phường 5";

fn secret_body() -> Value {
    let mut b = report_body();
    b["reporter"] = json!({
        "full_name": NAME, "contact_address": HOME, "cccd": CCCD, "phone": PHONE, "email": EMAIL
    });
    b
}

async fn world(smtp: &SmtpServer, sms: &HttpReceiver) -> World {
    let (mail, sms) = (smtp.url(), sms.url("/sms/send"));
    World::with_config(move |c| {
        c.notify.smtp_url = Some(mail);
        c.notify.sms_url = Some(sms);
        c.notify.sms_key = Some("sms-key".into());
        c.switchboard_key = Some(crate::intake::calls::KEY.into());
        c.mail_intake_key = Some(crate::intake::mail::KEY.into());
    })
    .await
}

/// Everything the database holds, as bytes: the SQLite file with its write-ahead log, or a
/// `pg_dump` of the test's database.
fn database_bytes(w: &World) -> Vec<u8> {
    match w.t.postgres() {
        Some((admin_url, name)) => {
            let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
            let mut candidates = vec!["pg_dump".to_string()];
            if let Ok(dirs) = std::fs::read_dir("/usr/lib/postgresql") {
                for d in dirs.flatten() {
                    candidates.push(d.path().join("bin/pg_dump").display().to_string());
                }
            }
            for bin in candidates {
                if let Ok(out) = std::process::Command::new(&bin).arg(&url).output() {
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    return out.stdout;
                }
            }
            panic!("pg_dump is needed for the PostgreSQL run of this test");
        }
        None => {
            let paht::config::DatabaseUrl::Sqlite(path) = &w.t.state.config.database else {
                unreachable!()
            };
            let mut bytes = std::fs::read(path).unwrap();
            for ext in ["-wal", "-journal"] {
                let side = format!("{}{ext}", path.display());
                bytes.extend(std::fs::read(&side).unwrap_or_default());
            }
            bytes
        }
    }
}

fn assert_nothing_in_clear(bytes: &[u8], values: &[&str]) {
    for v in values {
        let found = bytes.windows(v.len()).any(|win| win == v.as_bytes());
        assert!(!found, "{v:?} is stored in clear");
    }
}

/// Through the app, the hotline and e-mail; answered by e-mail and SMS: no identity in clear,
/// and the IOC's lookups by phone still find the reporter.
#[actix_web::test]
async fn identities_are_sealed_and_still_found_by_phone() {
    let (smtp, sms) = (SmtpServer::start(), HttpReceiver::start());
    let w = world(&smtp, &sms).await;
    // The app: submitted, dispatched, answered, published; the answer goes by e-mail.
    let r = w.post(&w.citizen, "/api/v1/reports", secret_body()).await;
    let id = r["id"].as_str().unwrap().to_string();
    // The answer's letter is addressed to the reporter by name ("Kính gửi").
    w.accept(&id).await;
    let a = w.dispatch(&id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    let mut result = crate::world::result_body();
    result["addressee"] = json!(format!("Bà {NAME}"));
    w.post(&w.staff, &format!("/api/v1/assignments/{a}/result"), result)
        .await;
    w.approve(&w.leader, &a).await;
    w.publish(&id).await;
    // The hotline: a call from the same number becomes a report.
    let call = crate::intake::calls::call(
        &w,
        PHONE,
        "2026-03-02T09:00:00+07:00",
        "2026-03-02T09:04:00+07:00",
    )
    .await;
    let call_id = call["id"].as_str().unwrap();
    let mut by_phone = secret_body();
    by_phone["reporter"]["phone"] = json!("");
    let res =
        w.t.post(&format!("/api/v1/calls/{call_id}/report"))
            .bearer(&w.op)
            .json(&by_phone)
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    // E-mail from the reporter, signed with their name and phone.
    let raw = format!(
        "From: {NAME} <{EMAIL}>\r\nTo: phananh@soctrang.gov.vn\r\nSubject: =?UTF-8?B?{}?=\r\n\
         Message-ID: <kin-dao-1@example.vn>\r\nDate: Mon, 2 Mar 2026 09:10:00 +0700\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\nĐèn đường hỏng trước số 12.\r\n{NAME}, {PHONE}, {HOME}\r\n",
        base64_subject("Phản ánh đèn đường")
    );
    crate::intake::mail::ingest(&w, raw.into_bytes()).await;
    paht::service::outbox::deliver_all(&w.t.state.ctx).expect("dispatch runs");
    assert!(
        !smtp.to(EMAIL).is_empty(),
        "the answer reached the reporter"
    );

    // The IOC still sees the identity, and finds both reports by the phone number in any form.
    let seen = w.report(&w.op, &id).await;
    assert_eq!(seen["reporter"]["full_name"], NAME);
    assert_eq!(seen["reporter"]["cccd"], CCCD);
    assert_eq!(seen["reporter"]["contact_address"], HOME);
    let lead = &seen["assignments"][0];
    assert_eq!(lead["result"]["addressee"], format!("Bà {NAME}"), "{lead}");
    let agency: Value =
        w.t.get(&format!("/api/v1/assignments/{a}"))
            .bearer(&w.staff)
            .send()
            .await
            .json();
    assert_eq!(agency["result"]["addressee"], format!("Bà {NAME}"));
    let letter =
        w.t.get(&format!("/api/v1/reports/{id}/letter.pdf"))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!(letter.status, StatusCode::OK);
    let found =
        w.t.post("/api/v1/reports/by-phone")
            .bearer(&w.op)
            .json(&json!({"phone": "+84 971 234 560"}))
            .send()
            .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    assert_eq!(found.json().as_array().unwrap().len(), 2);
    // And by the identity number, through its own blind index.
    let by_identity = |token: &str, cccd: &str| {
        w.t.post("/api/v1/reports/by-identity")
            .bearer(token)
            .json(&json!({ "cccd": cccd }))
            .send()
    };
    let found = by_identity(&w.op, "094 190 007 777").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    let found = found.json();
    assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
    assert!(!found.to_string().contains(NAME), "a summary, no identity");
    let other = by_identity(&w.op, "094190007778").await.json();
    assert_eq!(other, json!([]), "another number finds nothing");
    by_identity(&w.op, "999190007777")
        .await
        .problem(422, "validation_failed");
    by_identity(&w.citizen, CCCD)
        .await
        .problem(403, "forbidden");
    let calls: Value =
        w.t.get(&format!(
            "/api/v1/calls?status=all&caller=%2B84{}",
            &PHONE[1..]
        ))
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(calls["total"], 1, "{calls}");
    assert_eq!(calls["items"][0]["caller"], PHONE, "{calls}");
    let mails: Value =
        w.t.get("/api/v1/mail?status=all")
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(mails["items"][0]["from_address"], EMAIL, "{mails}");

    let bytes = database_bytes(&w);
    // The scan sees what is stored: the report's own title is there, in clear.
    let title = "Ổ gà lớn trên đường Trần Hưng Đạo";
    assert!(bytes.windows(title.len()).any(|x| x == title.as_bytes()));
    // The citizen's account too: its phone (the login) and its holder's name.
    assert_nothing_in_clear(
        &bytes,
        &[
            NAME,
            CCCD,
            PHONE,
            EMAIL,
            HOME,
            "0987000111",
            "Nguyễn Thị Hoa",
        ],
    );
}

fn base64_subject(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A database written before encryption: its identities in clear are sealed when the service
/// starts; `rotate-keys` then re-seals every one under a new key, and the old key can go.
#[actix_web::test]
async fn an_upgrade_seals_what_was_in_clear_and_a_rotation_retires_the_old_key() {
    use diesel::prelude::*;
    let w = World::new().await;
    let r = w.post(&w.citizen, "/api/v1/reports", secret_body()).await;
    let id = r["id"].as_str().unwrap().to_string();
    w.carried_to_publication(&id).await;
    // As a release before encryption left it.
    {
        let mut c = w.t.state.pool.get().unwrap();
        for table in ["assignments SET result_addressee", "letters SET addressee"] {
            diesel::sql_query(format!(
                "UPDATE {table} = 'Bà {NAME}' WHERE report_id = '{id}'"
            ))
            .execute(&mut *c)
            .unwrap();
        }
        diesel::sql_query(format!(
            "UPDATE report_reporters SET full_name = '{NAME}', cccd = '{CCCD}', phone = '{PHONE}', \
             email = '{EMAIL}', contact_address = '{HOME}', phone_index = NULL, cccd_index = NULL \
             WHERE report_id = '{id}'"
        ))
        .execute(&mut *c)
        .unwrap();
        diesel::sql_query(
            "UPDATE users SET phone = '0987000111', phone_index = NULL, \
             full_name = 'Nguyễn Thị Hoa' WHERE role = 'citizen'",
        )
        .execute(&mut *c)
        .unwrap();
        diesel::sql_query("DELETE FROM seed_runs WHERE name LIKE 'identities-sealed%'")
            .execute(&mut *c)
            .unwrap();
    }
    // The next start seals it.
    let upgraded = w.t.replica().await;
    let seen: Value = upgraded
        .get(&format!("/api/v1/reports/{id}"))
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(seen["reporter"]["full_name"], NAME);
    let stored = |t: &crate::support::TestApp| -> (String, Option<String>) {
        let mut c = t.state.pool.get().unwrap();
        paht::db::schema::report_reporters::table
            .find(&id)
            .select((
                paht::db::schema::report_reporters::phone,
                paht::db::schema::report_reporters::phone_index,
            ))
            .first(&mut *c)
            .unwrap()
    };
    let (phone, index) = stored(&upgraded);
    assert!(phone.starts_with("pd1:"), "{phone}");
    assert!(index.is_some());
    // The account too: sealed, and its holder signs in by phone as before.
    let account: (Option<String>, String) = {
        let mut c = upgraded.state.pool.get().unwrap();
        paht::db::schema::users::table
            .filter(paht::db::schema::users::role.eq("citizen"))
            .select((
                paht::db::schema::users::phone,
                paht::db::schema::users::full_name,
            ))
            .first(&mut *c)
            .unwrap()
    };
    assert!(account.0.unwrap().starts_with("pd1:") && account.1.starts_with("pd1:"));
    // The answer's addressee and its letter's, read in clear.
    let addressees: (Option<String>, String) = {
        use paht::db::schema::{assignments, letters};
        let mut c = upgraded.state.pool.get().unwrap();
        (
            assignments::table
                .filter(assignments::report_id.eq(&id))
                .select(assignments::result_addressee)
                .first(&mut *c)
                .unwrap(),
            letters::table
                .filter(letters::report_id.eq(&id))
                .select(letters::addressee)
                .first(&mut *c)
                .unwrap(),
        )
    };
    assert!(addressees.0.unwrap().starts_with("pd1:") && addressees.1.starts_with("pd1:"));
    let seen: Value = upgraded
        .get(&format!("/api/v1/reports/{id}"))
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(
        seen["assignments"][0]["result"]["addressee"],
        format!("Bà {NAME}")
    );
    upgraded.login("0987000111", crate::support::PASSWORD).await;

    // A new key first, the old one kept to open what it sealed; rotate; then drop the old one.
    let old = paht::service::bootstrap::data_keys(&w.t.state.config)
        .unwrap()
        .0;
    let mut rotated_keys = old.clone();
    rotated_keys.keys.insert(0, ("k9".into(), vec![42; 32]));
    let rotated =
        w.t.replica_with(|c| c.data_keys = rotated_keys.clone())
            .await;
    let mut conn = rotated.state.pool.get().unwrap();
    let done = paht::service::privacy::reseal(
        &mut conn,
        &rotated.state.vault,
        paht::db::repo::identity::Pass::Rotate,
        2,
    )
    .unwrap();
    assert!(done.reporters >= 1 && done.addressees == 2, "{done:?}");
    let again = paht::service::privacy::reseal(
        &mut conn,
        &rotated.state.vault,
        paht::db::repo::identity::Pass::Rotate,
        2,
    )
    .unwrap();
    assert_eq!(again, Default::default(), "nothing left under the old key");
    assert!(stored(&rotated).0.starts_with("pd1:k9:"));
    // Keys that do not open what is stored (a lost key file, a wrong setting) stop the start.
    let mut wrong = (*w.t.state.config).clone();
    wrong.data_keys.keys = vec![("zz".into(), vec![1; 32])];
    let refused = paht::app::AppState::init(wrong, w.t.clock.clone())
        .err()
        .expect("a start with the wrong keys is refused");
    assert!(
        refused
            .cause
            .as_deref()
            .is_some_and(|c| c.contains("do not open")),
        "{refused:?}"
    );
    let mut only_new = rotated_keys.clone();
    only_new.keys.truncate(1);
    let after = w.t.replica_with(|c| c.data_keys = only_new).await;
    let seen: Value = after
        .get(&format!("/api/v1/reports/{id}"))
        .bearer(&w.op)
        .send()
        .await
        .json();
    assert_eq!(seen["reporter"]["phone"], PHONE);
    let found: Value = after
        .post("/api/v1/reports/by-phone")
        .bearer(&w.op)
        .json(&json!({"phone": PHONE}))
        .send()
        .await
        .json();
    assert_eq!(found[0]["id"], id.as_str(), "{found}");
}
