//! Load shedding: what a client gets when the service has more writes than it serves in time.

/// Past the writes in progress the service serves in time, a new one is refused at once with
/// 503 and `Retry-After` and writes nothing; reads go on; once a place is free the same request
/// succeeds. (The places are taken by the test, so the overlap is certain.)
#[actix_web::test]
async fn writes_past_the_limit_are_shed_with_retry_after() {
    let w = crate::world::World::new().await;
    let limit = w.t.state.config.max_pending_writes;
    let held: Vec<_> = (0..limit)
        .map(|_| w.t.state.writes.try_enter().expect("a free place"))
        .collect();
    let count = || async {
        w.t.get("/api/v1/reports?limit=100")
            .bearer(&w.op)
            .send()
            .await
            .json()["items"]
            .as_array()
            .map(Vec::len)
    };
    let submit = || {
        w.t.post("/api/v1/reports")
            .bearer(&w.citizen)
            .json(&crate::world::report_body())
            .send()
    };
    let before = count().await;
    let res = submit().await;
    res.problem(503, "overloaded");
    assert_eq!(res.header("retry-after").as_deref(), Some("1"));
    assert_eq!(count().await, before, "reads go on; nothing was written");
    drop(held);
    let res = submit().await;
    assert_eq!(
        res.status,
        actix_web::http::StatusCode::CREATED,
        "{}",
        res.text()
    );
}
