//! `kill -9` of the server in the middle of a delivery loses no message: the real `paht`
//! binary delivers the outbox to a real SMTP server that holds a message unanswered; the
//! process is killed there; a new process delivers everything (the interrupted message again,
//! with the same delivery id: at least once).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::counterparts::SmtpServer;
use crate::world::{EMAIL, World};

fn serve(w: &World, smtp: &SmtpServer) -> Child {
    let url = match &w.t.state.config.database {
        paht::config::DatabaseUrl::Postgres(u) => u.clone(),
        paht::config::DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
    };
    let dir = w.t.state.config.data_dir.clone();
    Command::new(env!("CARGO_BIN_EXE_paht"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("PAHT_DATA_DIR", &dir)
        .env("PAHT_BIND", "127.0.0.1:0")
        .env(
            "PAHT_JWT_SECRET",
            "a-test-signing-key-of-at-least-32-bytes!",
        )
        .envs(crate::support::key_env(&w.t.state.config))
        .env("PAHT_SMTP_URL", smtp.url())
        .env("PAHT_OUTBOX_WORKERS", "1")
        .env("PAHT_OUTBOX_POLL_MS", "50")
        .env("PAHT_OUTBOX_LEASE_SECS", "1")
        .env("PAHT_OUTBOX_TIMEOUT_SECS", "120")
        .env("PAHT_SWEEP_INTERVAL_SECS", "0")
        .env("PAHT_LOG", "warn")
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the paht binary starts")
}

#[actix_web::test]
async fn a_server_killed_mid_delivery_loses_no_message() {
    use std::sync::atomic::Ordering::SeqCst;
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let w = World::with_config(move |c| {
        c.notify.smtp_url = Some(url);
        c.notify.dispatch = false;
    })
    .await;
    const N: usize = 6;
    for _ in 0..N {
        w.submit().await;
    }
    // The first process hangs in the middle of its first delivery, and is killed there.
    smtp.hold.store(true, SeqCst);
    let mut first = serve(&w, &smtp);
    assert!(
        smtp.wait_held(Duration::from_secs(60)),
        "the first delivery began"
    );
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    smtp.hold.store(false, SeqCst);
    // A new process resumes: every message arrives.
    let mut second = serve(&w, &smtp);
    let got = smtp.wait_mails(N, Duration::from_secs(60));
    // A stop (SIGTERM) lets the worker record the delivery in hand before the process ends.
    let term = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    second.wait().unwrap();
    assert_eq!(got, N, "every message delivered after the restart");
    let mails = smtp.to(EMAIL);
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), N, "one message per delivery id");

    let out =
        w.t.get("/api/v1/admin/outbox")
            .bearer(&w.admin)
            .send()
            .await
            .json();
    assert_eq!(out["total"], N as i64);
    let items = out["items"].as_array().unwrap();
    assert!(items.iter().all(|m| m["status"] == "sent"), "{out}");
    for m in items {
        let id = m["id"].as_str().unwrap();
        assert!(
            ids.iter().any(|x| x.contains(id)),
            "{id} was delivered under its own id"
        );
    }
    // The interrupted attempt left no record: each message counts the one that succeeded.
    assert!(items.iter().all(|m| m["attempts"] == 1), "{out}");
}
