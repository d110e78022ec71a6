//! Files in the object store: written before the rows that name them, read whole or by range
//! with a strong tag, moved out of the database on an upgrade, collected when nothing names
//! them; on the local folder and on a real S3-compatible server.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use paht::db::schema::{attachments, mail_messages};

use crate::s3;
use crate::world::World;

fn jpeg(fill: u8) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    b.extend((0..3000u32).map(|i| fill.wrapping_add(i as u8)));
    b
}

/// Uploads a picture to a new report as its reporter; returns the attachment.
async fn upload(w: &World, data: Vec<u8>) -> serde_json::Value {
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let res =
        w.t.post(&format!(
            "/api/v1/reports/{id}/attachments?kind=image&name=anh.jpg"
        ))
        .bearer(&w.citizen)
        .raw("image/jpeg", data)
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

/// Downloads: the whole file with its tag, a range, the tag again (304), a range past the end.
async fn downloads_answer_tags_and_ranges(w: &World, id: &str, data: &[u8]) {
    let path = format!("/api/v1/attachments/{id}");
    let whole = w.t.get(&path).bearer(&w.op).send().await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.body, data);
    let tag = whole.header("etag").unwrap();
    assert_eq!(
        tag,
        format!("\"{}\"", paht::service::objects::sha256_of(data))
    );
    assert_eq!(whole.header("accept-ranges").as_deref(), Some("bytes"));

    let part =
        w.t.get(&path)
            .bearer(&w.op)
            .header("Range", "bytes=100-199")
            .send()
            .await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.body, &data[100..200]);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 100-199/{}", data.len()))
    );
    let tail =
        w.t.get(&path)
            .bearer(&w.op)
            .header("Range", "bytes=-10")
            .send()
            .await;
    assert_eq!(tail.body, &data[data.len() - 10..]);
    // A resumed download whose copy changed gets the whole file again.
    let stale =
        w.t.get(&path)
            .bearer(&w.op)
            .header("Range", "bytes=100-")
            .header("If-Range", "\"another\"")
            .send()
            .await;
    assert_eq!(
        (stale.status, stale.body.len()),
        (StatusCode::OK, data.len())
    );

    let same =
        w.t.get(&path)
            .bearer(&w.op)
            .header("If-None-Match", &tag)
            .send()
            .await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.body.is_empty());

    let past =
        w.t.get(&path)
            .bearer(&w.op)
            .header("Range", &format!("bytes={}-", data.len()))
            .send()
            .await;
    past.problem(416, "range_not_satisfiable");
    assert_eq!(
        past.header("content-range"),
        Some(format!("bytes */{}", data.len()))
    );
}

#[actix_web::test]
async fn files_live_in_the_local_store_and_download_by_range() {
    let w = World::new().await;
    let data = jpeg(3);
    let a = upload(&w, data.clone()).await;
    let id = a["id"].as_str().unwrap();
    // The row names the object; the bytes are in the folder, under their digest.
    let mut c = w.t.state.pool.get().unwrap();
    let kept: Option<Vec<u8>> = attachments::table
        .find(id)
        .select(attachments::data)
        .first(&mut *c)
        .unwrap();
    assert!(kept.is_none());
    let sha = paht::service::objects::sha256_of(&data);
    let file = w.t.state.config.data_dir.join(format!(
        "objects/sha256/{}/{}/{sha}",
        &sha[..2],
        &sha[2..4]
    ));
    assert_eq!(std::fs::read(&file).unwrap(), data);
    downloads_answer_tags_and_ranges(&w, id, &data).await;
}

#[actix_web::test]
async fn files_live_in_an_s3_bucket() {
    let (endpoint, bucket) = s3::bucket();
    let (e, b) = (endpoint.clone(), bucket.clone());
    let w = World::with_config(move |c| s3::configure(c, &e, &b)).await;
    let data = jpeg(9);
    let a = upload(&w, data.clone()).await;
    let sha = paht::service::objects::sha256_of(&data);
    assert_eq!(
        s3::keys(&endpoint, &bucket),
        vec![format!("paht/sha256/{}/{}/{sha}", &sha[..2], &sha[2..4])]
    );
    downloads_answer_tags_and_ranges(&w, a["id"].as_str().unwrap(), &data).await;
    // The same bytes uploaded again are the same object.
    upload(&w, data.clone()).await;
    assert_eq!(s3::keys(&endpoint, &bucket).len(), 1);
}

fn mail(subject: &str) -> Vec<u8> {
    format!(
        "From: Nguyen Van A <a@example.vn>\r\nTo: phananh@soctrang.gov.vn\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}@example.vn>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0700\r\n\r\n\
         Cong rong bi tac o duong so 5, nuoc tran vao nha dan.\r\n"
    )
    .into_bytes()
}

#[actix_web::test]
async fn an_upgrade_moves_files_out_of_the_database() {
    let w = World::new().await;
    let ctx = w.t.state.ctx.clone();
    let (one, two) = (jpeg(1), jpeg(2));
    let a1 = upload(&w, one.clone()).await;
    let a2 = upload(&w, two.clone()).await;
    let m = paht::service::channels::mail::ingest(&ctx, mail("cong-rong"), "pipe").unwrap();
    let raw = mail("cong-rong");
    // As an earlier version left them: the bytes in the rows, nothing in the store.
    {
        let mut c = w.t.state.pool.get().unwrap();
        for (id, data) in [(&a1, &one), (&a2, &two)] {
            diesel::update(attachments::table.find(id["id"].as_str().unwrap()))
                .set(attachments::data.eq(Some(data.clone())))
                .execute(&mut *c)
                .unwrap();
        }
        diesel::update(mail_messages::table.find(&m.mail.id))
            .set(mail_messages::raw.eq(Some(raw.clone())))
            .execute(&mut *c)
            .unwrap();
    }
    for data in [&one, &two, &raw] {
        ctx.objects
            .delete(&paht::service::objects::sha256_of(data))
            .unwrap();
    }
    // Still read from the rows meanwhile.
    downloads_answer_tags_and_ranges(&w, a1["id"].as_str().unwrap(), &one).await;
    // Stopped after one file, then run again: it resumes, and a third run finds nothing.
    let first = paht::service::objects::move_out::run(&ctx, 1, 1).unwrap();
    assert_eq!((first.attachments, first.mails), (1, 0));
    let rest = paht::service::objects::move_out::run(&ctx, 1, usize::MAX).unwrap();
    assert_eq!((rest.attachments, rest.mails, rest.damaged), (1, 1, 0));
    assert_eq!(
        rest.bytes + first.bytes,
        (one.len() + two.len() + raw.len()) as u64
    );
    assert_eq!(
        paht::service::objects::move_out::run(&ctx, 100, usize::MAX).unwrap(),
        Default::default()
    );
    let mut c = w.t.state.pool.get().unwrap();
    let left: i64 = attachments::table
        .filter(attachments::data.is_not_null())
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(left, 0);
    for data in [&one, &two, &raw] {
        assert!(
            ctx.objects
                .exists(&paht::service::objects::sha256_of(data))
                .unwrap()
        );
    }
    downloads_answer_tags_and_ranges(&w, a2["id"].as_str().unwrap(), &two).await;
    let eml =
        w.t.get(&format!("/api/v1/mail/{}/raw", m.mail.id))
            .bearer(&w.op)
            .send()
            .await;
    assert_eq!((eml.status, eml.body.clone()), (StatusCode::OK, raw));
}

#[actix_web::test]
async fn objects_nothing_names_are_collected() {
    let w = World::with_config(|c| c.object_store_grace = std::time::Duration::ZERO).await;
    let ctx = w.t.state.ctx.clone();
    let kept = jpeg(5);
    upload(&w, kept.clone()).await;
    // Whoever may not see a report stores nothing with an upload to it.
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let orphan = jpeg(6);
    let path = format!("/api/v1/reports/{id}/attachments?kind=image&name=x.jpg");
    w.t.post(&path)
        .bearer(&w.outsider)
        .raw("image/jpeg", orphan.clone())
        .send()
        .await
        .problem(404, "not_found");
    let orphan_sha = paht::service::objects::sha256_of(&orphan);
    assert!(!ctx.objects.exists(&orphan_sha).unwrap());
    // A file stored for an upload refused after it was stored (the report left the states
    // that take its reporter's files): nothing names it.
    w.accept(&id).await;
    w.dispatch(&id, &w.gtvt).await;
    let late =
        w.t.post(&path)
            .bearer(&w.citizen)
            .raw("image/jpeg", orphan.clone())
            .send()
            .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    assert!(ctx.objects.exists(&orphan_sha).unwrap());
    let later = chrono::Utc::now() + chrono::TimeDelta::seconds(5);
    let n = paht::service::objects::gc::collect_at(&ctx, later).unwrap();
    assert_eq!(n, 1);
    assert!(!ctx.objects.exists(&orphan_sha).unwrap());
    assert!(
        ctx.objects
            .exists(&paht::service::objects::sha256_of(&kept))
            .unwrap()
    );
    // Within the grace period nothing is collected.
    let w2 = World::new().await;
    let ctx2 = w2.t.state.ctx.clone();
    ctx2.objects.put(&orphan).unwrap();
    assert_eq!(
        paht::service::objects::gc::collect_at(&ctx2, later).unwrap(),
        0
    );
}
