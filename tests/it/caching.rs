//! Conditional GETs and compression: a JSON answer carries a tag, a client that has it gets
//! 304 without the body, public pages may be cached by anyone, and bodies are compressed when
//! the client accepts it.

use actix_web::http::StatusCode;

use crate::world::World;

#[actix_web::test]
async fn public_pages_are_tagged_cached_and_revalidated() {
    let w = World::new().await;
    let id = w.published().await;
    let first = w.t.get("/api/v1/public/reports").send().await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.header("etag").expect("an ETag");
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(
        first.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    // The same page, asked again with its tag: 304 and no body.
    let again =
        w.t.get("/api/v1/public/reports")
            .header("if-none-match", &tag)
            .send()
            .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag").as_deref(), Some(tag.as_str()));
    // A change gives the page another tag.
    w.post(
        &w.citizen,
        &format!("/api/v1/reports/{id}/rating"),
        serde_json::json!({"rating": "satisfied"}),
    )
    .await;
    w.submit().await;
    let list = w.published().await;
    assert_ne!(list, id);
    let changed =
        w.t.get("/api/v1/public/reports")
            .header("if-none-match", &tag)
            .send()
            .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), Some(tag));
    // A signed-in answer is the caller's only, revalidated each time.
    let mine = w.t.get("/api/v1/reports").bearer(&w.op).send().await;
    assert_eq!(
        mine.header("cache-control").as_deref(),
        Some("private, no-cache")
    );
    // Errors are never tagged.
    let missing =
        w.t.get("/api/v1/public/reports/PA-1999-000001")
            .send()
            .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header("etag").is_none());
}

#[actix_web::test]
async fn bodies_are_compressed_when_the_client_accepts_it() {
    let w = World::new().await;
    for (accept, coding) in [("gzip", "gzip"), ("br", "br"), ("br, gzip", "br")] {
        let res =
            w.t.get("/api/v1/categories")
                .header("accept-encoding", accept)
                .send()
                .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.header("content-encoding").as_deref(),
            Some(coding),
            "{accept}"
        );
    }
    let plain = w.t.get("/api/v1/categories").send().await;
    assert!(plain.header("content-encoding").is_none());
    assert!(serde_json::from_slice::<serde_json::Value>(&plain.body).is_ok());
}

/// An unknown tracking code is answered again from memory, in each caller's language, until
/// a report is published under it.
#[actix_web::test]
async fn an_unknown_code_is_remembered_until_a_report_has_it() {
    let w = World::new().await;
    let path = "/api/v1/public/reports/PA-2026-000001";
    let vi = w.t.get(path).send().await.problem(404, "not_found");
    let en =
        w.t.get(path)
            .header("accept-language", "en")
            .send()
            .await
            .problem(404, "not_found");
    assert_ne!(vi["detail"], en["detail"], "{vi} {en}");
    assert_eq!(
        w.t.get(path).send().await.problem(404, "not_found")["detail"],
        vi["detail"]
    );
    w.published().await;
    let found = w.t.get(path).send().await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    assert_eq!(found.json()["code"], "PA-2026-000001");
}
