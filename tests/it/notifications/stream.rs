//! The live stream (`GET /api/v1/events/stream`): report changes as server-sent events, scoped
//! like the lists, resumable after the last id, with ids and public fields only.

use actix_web::http::StatusCode;

use crate::support::EventStream;
use crate::world::World;

async fn open(w: &World, token: &str, last: Option<&str>) -> EventStream {
    let mut req = w.t.get("/api/v1/events/stream").bearer(token);
    if let Some(id) = last {
        req = req.header("Last-Event-ID", id);
    }
    let s = req.open_stream().await;
    assert_eq!(s.status, StatusCode::OK);
    assert!(
        s.header_is("content-type", "text/event-stream; charset=utf-8"),
        "{:?}",
        s.headers
    );
    s
}

#[actix_web::test]
async fn the_ioc_hears_every_change_an_agency_only_its_own_and_a_stream_resumes() {
    let w = World::new().await;
    let mut ioc = open(&w, &w.op, None).await;
    let mut agency = open(&w, &w.staff, None).await;
    let mut outsider = open(&w, &w.outsider, None).await;

    let r = w.submit().await;
    let (id, code) = (r["id"].as_str().unwrap(), r["code"].as_str().unwrap());
    let submitted = ioc.next_about(code).await;
    assert_eq!(submitted.event, "report");
    assert_eq!(submitted.data["action"], "submitted");
    assert_eq!(submitted.data["report_id"], id);
    // Ids and public fields only: never the reporter, never a note.
    let mut keys: Vec<&str> = submitted
        .data
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["action", "at", "code", "report_id", "seq", "status"]);

    w.accept(id).await;
    w.dispatch(id, &w.gtvt).await;
    let accepted = ioc.next_about(code).await;
    assert_eq!(accepted.data["action"], "accepted");
    let dispatched = ioc.next_about(code).await;
    assert_eq!(dispatched.data["action"], "dispatched");

    // The agency hears of the report once it is theirs.
    loop {
        let e = agency.next_about(code).await;
        if e.data["action"] == "dispatched" {
            break;
        }
    }

    // Another agency hears nothing of it: the first thing it hears is a report of its own,
    // dispatched after.
    let other = w.submit().await;
    let other_id = other["id"].as_str().unwrap();
    w.accept(other_id).await;
    let syt = w.t.agency_id("SYT").await;
    w.dispatch(other_id, &syt).await;
    let first = outsider.next().await.unwrap();
    assert_eq!(first.data["code"], other["code"], "{first:?}");

    // A client that saw `submitted` resumes after it and misses nothing, twice nothing.
    let mut again = open(&w, &w.op, Some(&submitted.id)).await;
    let e = again.next().await.unwrap();
    assert_eq!(
        (e.id.as_str(), &e.data["action"]),
        (accepted.id.as_str(), &"accepted".into())
    );
    let e = again.next().await.unwrap();
    assert_eq!(e.id, dispatched.id);

    // An id that is not kept (or not ours) says: reload.
    let mut lost = open(&w, &w.op, Some("1-999999")).await;
    assert_eq!(lost.next().await.unwrap().event, "reset");
}

#[actix_web::test]
async fn a_citizen_hears_only_their_own_reports_and_strangers_are_refused() {
    let w = World::new().await;
    let res = w.t.get("/api/v1/events/stream").send().await;
    res.problem(401, "unauthenticated");
    let mut garbled = open(&w, &w.op, Some("x")).await;
    assert_eq!(garbled.next().await.unwrap().event, "reset");

    let (_, stranger) = w.t.citizen("0987000222").await;
    let mut mine = open(&w, &w.citizen, None).await;
    let mut theirs = open(&w, &stranger, None).await;
    let r = w.submit().await;
    let e = mine.next().await.unwrap();
    assert_eq!(
        (&e.data["code"], &e.data["action"]),
        (&r["code"], &"submitted".into())
    );
    // The stranger's first event is about the report the stranger files after.
    let own =
        w.t.post("/api/v1/reports")
            .bearer(&stranger)
            .json(&crate::world::report_body())
            .send()
            .await
            .json();
    let e = theirs.next().await.unwrap();
    assert_eq!(e.data["code"], own["code"]);
}

/// On PostgreSQL sequence numbers are taken before commit: a change committed after a slower
/// transaction began must wait for it, or a reader that moved past it would never see the
/// slower one. The slower transaction is held open while the faster commits.
#[actix_web::test]
async fn a_change_is_not_sent_ahead_of_a_transaction_still_running() {
    use paht::db::repo::{live, reports};
    use paht::db::{DbConn, write_tx};
    let w = World::new().await;
    let r = w.submit().await;
    let id = r["id"].as_str().unwrap();
    let st = &w.t.state.ctx;
    let mut a = st.pool.get().unwrap();
    let mut b = st.pool.get().unwrap();
    let mut reader = st.pool.get().unwrap();
    let ev = reports::events_after(&mut reader, id, 0).unwrap().remove(0);
    let start = live::head(&mut reader).unwrap();
    if !matches!(*a, DbConn::Postgresql(_)) {
        // SQLite's writers take turns: commit order is id order, nothing is held back.
        for c in [&mut a, &mut b] {
            write_tx(c, |c| live::append(c, std::slice::from_ref(&ev))).unwrap();
        }
        let seen = live::after(&mut reader, start, 100).unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen[0].id < seen[1].id);
        return;
    }
    write_tx(&mut a, |ca| {
        live::append(ca, std::slice::from_ref(&ev))?; // the slower one, not yet committed
        write_tx(&mut b, |cb| live::append(cb, std::slice::from_ref(&ev)))?;
        let seen = live::after(&mut reader, start, 100)?;
        assert!(
            seen.is_empty(),
            "sent ahead of a running transaction: {seen:?}"
        );
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    let seen = live::after(&mut reader, start, 100).unwrap();
    assert_eq!(seen.len(), 2, "both, once the slower committed");
    assert!(
        seen[0].txid < seen[1].txid,
        "in commit order of their transactions"
    );
}
