//! One report's whole file: a ZIP for the IOC and the lead agency.

use std::io::Read;

use actix_web::http::StatusCode;
use serde_json::Value;

use crate::world::World;

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    b.extend(std::iter::repeat_n(7u8, 2000));
    b
}

#[actix_web::test]
async fn a_dossier_holds_the_whole_file() {
    let w = World::new().await;
    let id = w.submit().await["id"].as_str().unwrap().to_string();
    let res =
        w.t.post(&format!(
            "/api/v1/reports/{id}/attachments?kind=image&name=o-ga.jpg"
        ))
        .bearer(&w.citizen)
        .raw("image/jpeg", jpeg())
        .send()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    w.accept(&id).await;
    let a = w.dispatch(&id, &w.gtvt).await;
    w.take(&w.staff, &a).await;
    w.answer(&w.staff, &a).await;
    w.approve(&w.leader, &a).await;
    let code = w.report(&w.op, &id).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    for token in [&w.op, &w.staff, &w.leader] {
        let res =
            w.t.get(&format!("/api/v1/reports/{id}/dossier"))
                .bearer(token)
                .send()
                .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        assert_eq!(
            res.header("content-type").as_deref(),
            Some("application/zip")
        );
        assert!(
            res.header("content-disposition")
                .unwrap()
                .contains(&format!("ho-so-{code}.zip"))
        );
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(res.body.to_vec())).unwrap();
        let mut names: Vec<String> = z.file_names().map(|n| n.unwrap().to_string()).collect();
        names.sort();
        let want: Vec<String> = [
            "assignments.json",
            "attachments/01-o-ga.jpg",
            "clocks.json",
            "history.json",
            "letter.pdf",
            "manifest.json",
            "report.json",
        ]
        .iter()
        .map(|n| format!("{code}/{n}"))
        .collect();
        assert_eq!(names, want);
        let read = |z: &mut zip::ZipArchive<_>, n: &str| {
            let mut f = z.by_name(&format!("{code}/{n}")).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            b
        };
        assert_eq!(read(&mut z, "attachments/01-o-ga.jpg"), jpeg());
        assert!(read(&mut z, "letter.pdf").starts_with(b"%PDF"));
        let report: Value = serde_json::from_slice(&read(&mut z, "report.json")).unwrap();
        assert_eq!(report["id"], id.as_str());
        let history: Value = serde_json::from_slice(&read(&mut z, "history.json")).unwrap();
        assert!(
            history
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "result_approved")
        );
        let clocks: Value = serde_json::from_slice(&read(&mut z, "clocks.json")).unwrap();
        assert!(!clocks.as_array().unwrap().is_empty());
        let manifest: Value = serde_json::from_slice(&read(&mut z, "manifest.json")).unwrap();
        let files = manifest["files"].as_array().unwrap();
        assert_eq!(files.len(), 6);
        for f in files {
            let name = f["path"].as_str().unwrap().split_once('/').unwrap().1;
            let bytes = read(&mut z, name);
            use sha2::Digest;
            let hex: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(f["sha256"], hex.as_str(), "{name}");
        }
    }
    // Not for the reporter, other agencies or the public.
    w.t.get(&format!("/api/v1/reports/{id}/dossier"))
        .bearer(&w.citizen)
        .send()
        .await
        .problem(403, "forbidden");
    w.t.get(&format!("/api/v1/reports/{id}/dossier"))
        .bearer(&w.outsider)
        .send()
        .await
        .problem(404, "not_found");
    w.t.get(&format!("/api/v1/reports/{id}/dossier"))
        .send()
        .await
        .problem(401, "unauthenticated");
}
