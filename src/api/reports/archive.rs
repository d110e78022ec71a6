//! `GET /api/v1/reports/{id}/dossier`: one report's whole file as a ZIP, for the archive
//! (Art. 5) and for an inquiry.

use std::io::Write;

use actix_web::http::header;
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::*;
use serde::Serialize;

use crate::service::reports::dossier::{Dossier, gather};

/// One file of the archive, as the manifest lists it.
#[derive(Serialize)]
struct Entry {
    path: String,
    bytes: usize,
    sha256: String,
}

/// A file name safe inside an archive: letters, digits, `.`, `-`, `_` (no directory, no `..`).
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() { "tep".into() } else { s }
}

fn build(d: Dossier, generated_by: &str) -> AppResult<(String, Vec<u8>)> {
    let code = d.details.report.code.clone();
    let now = d.details.now;
    let local = crate::domain::calendar::local(now);
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(chrono::Datelike::year(&local)).unwrap_or(1980),
        chrono::Datelike::month(&local) as u8,
        chrono::Datelike::day(&local) as u8,
        chrono::Timelike::hour(&local) as u8,
        chrono::Timelike::minute(&local) as u8,
        chrono::Timelike::second(&local) as u8,
    )
    .unwrap_or_default();
    let packed = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(stamp)
        .large_file(true);
    let view = serde_json::to_value(ReportView::from(d.details)).map_err(AppError::internal)?;
    let history: Vec<EventView> = d.events.into_iter().map(Into::into).collect();
    let mut files: Vec<(String, Vec<u8>, bool)> = vec![
        (
            "report.json".into(),
            serde_json::to_vec_pretty(&view).map_err(AppError::internal)?,
            true,
        ),
        (
            "history.json".into(),
            serde_json::to_vec_pretty(&history).map_err(AppError::internal)?,
            true,
        ),
        (
            "assignments.json".into(),
            serde_json::to_vec_pretty(&view["assignments"]).map_err(AppError::internal)?,
            true,
        ),
        (
            "clocks.json".into(),
            serde_json::to_vec_pretty(&view["deadlines"]).map_err(AppError::internal)?,
            true,
        ),
    ];
    if let Some(pdf) = d.letter {
        files.push(("letter.pdf".into(), pdf, false));
    }
    for (i, (meta, data)) in d.files.into_iter().enumerate() {
        let name = format!("attachments/{:02}-{}", i + 1, safe_name(&meta.file_name));
        files.push((name, data, false));
    }
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut manifest = Vec::new();
    for (name, bytes, compress) in &files {
        let path = format!("{code}/{name}");
        z.start_file(&path, if *compress { packed } else { stored })
            .map_err(AppError::internal)?;
        z.write_all(bytes).map_err(AppError::internal)?;
        manifest.push(Entry {
            path,
            bytes: bytes.len(),
            sha256: hex(&Sha256::digest(bytes)),
        });
    }
    let m = serde_json::json!({
        "code": code,
        "generated_at": now,
        "generated_by": generated_by,
        "files": manifest,
    });
    z.start_file(format!("{code}/manifest.json"), packed)
        .map_err(AppError::internal)?;
    z.write_all(&serde_json::to_vec_pretty(&m).map_err(AppError::internal)?)
        .map_err(AppError::internal)?;
    let out = z.finish().map_err(AppError::internal)?.into_inner();
    Ok((code, out))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The IOC and the report's lead agency: the report's whole file as a ZIP — `report.json` (the
/// report as the caller sees it), `history.json`, `assignments.json`, `clocks.json`,
/// `letter.pdf` (Annex I, once issued), `attachments/…`, and `manifest.json` with the SHA-256
/// of every file. Reading it reads the reporter's identity and is recorded like any staff read.
#[utoipa::path(tag = "reports", operation_id = "getReportDossier", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The dossier.", content_type = "application/zip", body = Vec<u8>),
        (status = 403, description = "Not the IOC or the report's lead agency.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not visible to the caller.", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/dossier")]
pub async fn dossier(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (code, bytes) = block(move || {
        let d = gather(&st, &who, &id)?;
        build(d, who.role.as_str())
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"ho-so-{code}.zip\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_stay_inside_the_archive() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("ảnh ổ gà.jpg"), "_nh___g_.jpg");
        assert_eq!(safe_name(".."), "tep");
        assert_eq!(safe_name("a/b\\c.png"), "a_b_c.png");
    }
}
