//! `GET /api/v1/reports/{id}/letter.pdf` and `GET /api/v1/public/reports/{code}/letter.pdf`:
//! the official answer letter of Annex I (see `service::letters`).

use actix_web::http::header;
use actix_web::web::{Data, Path, block};
use actix_web::{HttpResponse, get};

use crate::api::state::AppState;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::letters;

fn pdf(bytes: Vec<u8>, name: &str, public: bool) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.pdf\""),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if public {
                "public, max-age=60"
            } else {
                "private, no-store"
            },
        ))
        .body(bytes)
}

/// The answer letter (Annex I) of a report whose result was approved, for its reporter, the IOC
/// and the agencies that may see it: the agency's heading, `Số: N/ABBR`, the place and date,
/// the addressee, the answer, "Nơi nhận" and the signer.
#[utoipa::path(tag = "reports", operation_id = "getReportLetter", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The letter.", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such report, not visible to the caller, or no approved result yet (`letter_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/letter.pdf")]
pub async fn letter(
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let bytes = block(move || letters::for_caller(&st, &who, &id)).await??;
    Ok(pdf(bytes, "van-ban-tra-loi", false))
}

/// The public answer letter of a published report: the addressee is withheld ("Người phản
/// ánh") unless the reporter agreed to show their name.
#[utoipa::path(tag = "public", operation_id = "getPublicReportLetter",
    params(("code" = String, Path, description = "Tracking code, e.g. PA-2026-000123")),
    responses((status = 200, description = "The letter.", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No published report with this code, or no letter.", body = Problem, content_type = "application/problem+json")))]
#[get("/public/reports/{code}/letter.pdf")]
pub async fn public_letter(st: Data<AppState>, code: Path<String>) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let name = code.clone();
    let bytes = block(move || letters::public(&st, &code)).await??;
    Ok(pdf(bytes, &name, true))
}
