//! The Annex I letter: issued when a result is approved, numbered without gaps per agency and
//! year, a PDF whose Vietnamese text comes out intact (read back with poppler's `pdftotext`).

use actix_web::http::StatusCode;

use crate::world::World;

/// The text of a PDF, as poppler reads it.
fn text_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn letter(w: &World, token: Option<&str>, path: &str) -> (StatusCode, Vec<u8>) {
    let mut req = w.t.get(path);
    if let Some(t) = token {
        req = req.bearer(t);
    }
    let res = req.send().await;
    if res.status == StatusCode::OK {
        assert_eq!(
            res.header("content-type").as_deref(),
            Some("application/pdf")
        );
    }
    (res.status, res.body)
}

#[actix_web::test]
async fn an_approved_result_is_a_numbered_letter_in_vietnamese() {
    let w = World::new().await;
    let (id, a) = w.dispatched().await;
    let path = format!("/api/v1/reports/{id}/letter.pdf");
    // No letter before the approval.
    let res = w.t.get(&path).bearer(&w.op).send().await;
    res.problem(404, "letter_not_found");
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;

    let (status, pdf) = letter(&w, Some(&w.citizen), &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    let year = paht::clock::Clock::now(&*w.t.clock)
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%Y")
        .to_string();
    for line in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1/SGTVT",
        &format!("năm {year}"),
        "Cần Thơ, ngày ",
        "Kính gửi: Ông/Bà người phản ánh",
        "Sở Giao thông vận tải đã chỉ đạo đơn vị bảo trì vá ổ gà",
        "Nơi nhận:",
        "- Như trên;",
        "GIÁM ĐỐC",
        "Cán bộ gtvt.leader",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
    // The IOC and the agency read it too; another agency does not.
    for token in [&w.op, &w.staff, &w.leader] {
        assert_eq!(letter(&w, Some(token), &path).await.0, StatusCode::OK);
    }
    assert_eq!(
        letter(&w, Some(&w.outsider), &path).await.0,
        StatusCode::NOT_FOUND
    );

    // The agency's next letter takes the next number.
    let second = w.approved().await;
    let (_, pdf) = letter(
        &w,
        Some(&w.op),
        &format!("/api/v1/reports/{second}/letter.pdf"),
    )
    .await;
    assert!(text_of(&pdf).contains("Số: 2/SGTVT"));

    // The public letter, once published, withholds the addressee (no consent to show a name).
    let code = w.report(&w.op, &id).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let public = format!("/api/v1/public/reports/{code}/letter.pdf");
    assert_eq!(letter(&w, None, &public).await.0, StatusCode::NOT_FOUND);
    w.publish(&id).await;
    let view =
        w.t.get(&format!("/api/v1/public/reports/{code}"))
            .send()
            .await
            .json();
    assert_eq!(
        view["result"]["letter_url"],
        public.as_str(),
        "the public result links it"
    );
    let (status, pdf) = letter(&w, None, &public).await;
    assert_eq!(status, StatusCode::OK);
    let text = text_of(&pdf);
    assert!(text.contains("Kính gửi: Người phản ánh"), "{text}");
    assert!(!text.contains("Ông/Bà người phản ánh"), "{text}");
    assert!(text.contains("Số: 1/SGTVT"));
}
