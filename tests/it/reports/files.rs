use actix_web::http::StatusCode;

use crate::world::World;

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
    let p =
        w.t.post(&format!("/api/v1/reports/{id}/attachments?kind=image"))
            .bearer(&w.citizen)
            .raw("image/jpeg", jpeg())
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "name");
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

/// A form part: its name, the file's name and type (for a file), its bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

fn multipart(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, file, data) in parts {
        b.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((file_name, ct)) => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {ct}\r\n\r\n").as_bytes(),
            ),
            None => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    b
}

/// An ISO media file of a brand (HEIC photos, MOV and 3GP videos, M4A voice notes).
fn iso_media(brand: &[u8; 4]) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftyp");
    v.extend_from_slice(brand);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(brand);
    v.extend_from_slice(b"mif1isom");
    v.extend(std::iter::repeat_n(0u8, 500));
    v
}

/// A phone's first try: `multipart/form-data` with its own formats; every missing part named
/// at once; a file whose bytes are not its type still refused.
#[actix_web::test]
async fn phones_upload_as_multipart_in_their_own_formats() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/reports/{id}/attachments");
    let ct = "multipart/form-data; boundary=PAHTb0undary";
    let heic = iso_media(b"heic");
    let res =
        w.t.post(&path)
            .bearer(&w.citizen)
            .raw(
                ct,
                multipart(
                    "PAHTb0undary",
                    &[
                        ("kind", None, b"image"),
                        ("file", Some(("IMG_0042.HEIC", "image/heic")), &heic),
                    ],
                ),
            )
            .send()
            .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let a = res.json();
    assert_eq!(a["file_name"], "IMG_0042.HEIC");
    assert_eq!(a["content_type"], "image/heif");
    for (kind, file_name, declared, bytes, stored) in [
        (
            "video",
            "clip.mov",
            "video/quicktime",
            iso_media(b"qt  "),
            "video/quicktime",
        ),
        (
            "video",
            "clip.3gp",
            "video/3gpp",
            iso_media(b"3gp4"),
            "video/3gpp",
        ),
        (
            "audio",
            "note.m4a",
            "audio/x-m4a",
            iso_media(b"M4A "),
            "audio/mp4",
        ),
        (
            "audio",
            "note.amr",
            "application/octet-stream",
            b"#!AMR\n\x3c\x48\x77\x00\x00\x00\x00\x00\x00\x00".repeat(20),
            "audio/amr",
        ),
    ] {
        let res =
            w.t.post(&path)
                .bearer(&w.citizen)
                .raw(
                    ct,
                    multipart(
                        "PAHTb0undary",
                        &[
                            ("kind", None, kind.as_bytes()),
                            ("name", None, file_name.as_bytes()),
                            ("file", Some((file_name, declared)), &bytes),
                        ],
                    ),
                )
                .send()
                .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{file_name}: {}",
            res.text()
        );
        assert_eq!(res.json()["content_type"], stored, "{file_name}");
    }
    // Every missing part at once.
    let p =
        w.t.post(&path)
            .bearer(&w.citizen)
            .raw(ct, multipart("PAHTb0undary", &[]))
            .send()
            .await
            .problem(422, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["file", "kind", "name"], "{p}");
    let p =
        w.t.post(&path)
            .bearer(&w.citizen)
            .raw("image/jpeg", jpeg())
            .send()
            .await
            .problem(422, "validation_failed");
    assert_eq!(
        p["errors"].as_array().unwrap().len(),
        2,
        "kind and name: {p}"
    );
    // A PDF that says it is a photo is refused.
    w.t.post(&path)
        .bearer(&w.citizen)
        .raw(
            ct,
            multipart(
                "PAHTb0undary",
                &[
                    ("kind", None, b"image"),
                    (
                        "file",
                        Some(("anh.heic", "image/heic")),
                        b"%PDF-1.7\n%%EOF\n",
                    ),
                ],
            ),
        )
        .send()
        .await
        .problem(422, "content_mismatch");
}
