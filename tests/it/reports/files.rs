use actix_web::http::StatusCode;

use super::World;

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    b.extend(std::iter::repeat_n(7u8, 2000));
    b
}

#[actix_web::test]
async fn attachments_are_checked_and_kept_private() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reports/{id}/attachments?kind=image&name=..%2Fo-ga.jpg");
    let res =
        w.t.post(&path)
            .bearer(&w.citizen)
            .raw("image/jpeg", jpeg())
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let a = res.json();
    assert_eq!(
        (a["file_name"].as_str(), a["size_bytes"].as_i64()),
        (Some("o-ga.jpg"), Some(2010))
    );
    let list =
        w.t.get(&format!("/api/v1/reports/{id}/attachments"))
            .bearer(&w.op)
            .send()
            .await
            .json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let file =
        w.t.get(&format!(
            "/api/v1/attachments/{}",
            a["id"].as_str().unwrap()
        ))
        .bearer(&w.op)
        .send()
        .await;
    assert_eq!((file.status, file.body.clone()), (StatusCode::OK, jpeg()));
    assert_eq!(file.header("content-type").as_deref(), Some("image/jpeg"));
    // Not for other agencies, not for the public.
    w.t.get(&format!(
        "/api/v1/attachments/{}",
        a["id"].as_str().unwrap()
    ))
    .bearer(&w.outsider)
    .send()
    .await
    .problem(404, "not_found");
    w.t.get(&format!(
        "/api/v1/attachments/{}",
        a["id"].as_str().unwrap()
    ))
    .send()
    .await
    .problem(401, "unauthenticated");
    // The bytes must be what the type says; only listed types; the kind must fit.
    w.t.post(&path)
        .bearer(&w.citizen)
        .raw("image/jpeg", b"%PDF-1.7 not an image".to_vec())
        .send()
        .await
        .problem(422, "content_mismatch");
    w.t.post(&path)
        .bearer(&w.citizen)
        .raw("text/html", b"<script>".to_vec())
        .send()
        .await
        .problem(415, "unsupported_media_type");
    w.t.post(&format!(
        "/api/v1/reports/{id}/attachments?kind=audio&name=a.jpg"
    ))
    .bearer(&w.citizen)
    .raw("image/jpeg", jpeg())
    .send()
    .await
    .problem(400, "invalid_query");
    w.t.post(&format!("/api/v1/reports/{id}/attachments?kind=image"))
        .bearer(&w.citizen)
        .raw("image/jpeg", jpeg())
        .send()
        .await
        .problem(400, "invalid_query");
    let mut huge = jpeg();
    huge.resize(10 * 1024 * 1024 + 1, 0);
    w.t.post(&path)
        .bearer(&w.citizen)
        .raw("image/jpeg", huge)
        .send()
        .await
        .problem(413, "payload_too_large");
    // After dispatch the reporter no longer adds files; the lead agency may.
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/accept"),
        serde_json::json!({}),
    )
    .await;
    w.post(
        &w.op,
        &format!("/api/v1/reports/{id}/assignments"),
        serde_json::json!({"agency_id": w.gtvt}),
    )
    .await;
    w.t.post(&path)
        .bearer(&w.citizen)
        .raw("image/jpeg", jpeg())
        .send()
        .await
        .problem(409, "invalid_state");
    let res =
        w.t.post(&path)
            .bearer(&w.staff)
            .raw("image/jpeg", jpeg())
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED);
}

#[actix_web::test]
async fn a_file_sent_as_octet_stream_is_typed_by_its_bytes() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let res =
        w.t.post(&format!(
            "/api/v1/reports/{id}/attachments?kind=image&name=anh.jpg"
        ))
        .bearer(&w.citizen)
        .raw("application/octet-stream", jpeg())
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["content_type"], "image/jpeg");
    // Bytes of no accepted type stay refused.
    let res =
        w.t.post(&format!(
            "/api/v1/reports/{id}/attachments?kind=image&name=x.bin"
        ))
        .bearer(&w.citizen)
        .raw("application/octet-stream", vec![1u8; 64])
        .send()
        .await;
    assert_eq!(res.status.as_u16(), 415, "{}", res.text());
}
