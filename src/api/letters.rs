//! `GET /api/v1/reports/{id}/letter.pdf` and `GET /api/v1/public/reports/{code}/letter.pdf`:
//! the official answer letter of Annex I (see `service::letters`).

use actix_web::web::{Data, Path, block};
use actix_web::{HttpRequest, HttpResponse, get};

use crate::api::download::{Conditions, Served};
use crate::api::state::AppState;
use crate::error::{AppResult, Problem};
use crate::service::auth::Principal;
use crate::service::letters;

fn pdf(served: Served, name: &str, public: bool) -> HttpResponse {
    served.respond(
        "application/pdf",
        &format!("inline; filename=\"{name}.pdf\""),
        if public {
            "public, max-age=60"
        } else {
            "private, no-store"
        },
    )
}

/// The answer letter (Annex I) of a report whose result was approved, for its reporter, the IOC
/// and the agencies that may see it: the agency's heading, `Số: N/ABBR`, the place and date,
/// the addressee, the answer, "Nơi nhận" and the signer.
#[utoipa::path(tag = "reports", operation_id = "getReportLetter", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id"), crate::api::download::DownloadHeaders),
    responses((status = 200, description = "The letter (as issued: rendered once and kept).", content_type = "application/pdf", body = Vec<u8>),
        (status = 206, description = "The range of the letter asked for (`Range`).", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "The letter has the tag in `If-None-Match`."),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, not visible to the caller, or no approved result yet (`letter_not_found`).", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/{id}/letter.pdf")]
pub async fn letter(
    req: HttpRequest,
    st: Data<AppState>,
    who: Principal,
    id: Path<String>,
) -> AppResult<HttpResponse> {
    let (id, ask) = (id.into_inner(), Conditions::of(&req));
    let served = block(move || {
        let bytes = letters::for_caller(&st, &who, &id)?;
        ask.read(crate::service::objects::Stored::in_hand(&st.objects, bytes))
    })
    .await??;
    Ok(pdf(served, "van-ban-tra-loi", false))
}

/// The public answer letter of a published report: the addressee is withheld ("Người phản
/// ánh") unless the reporter agreed to show their name.
#[utoipa::path(tag = "public", operation_id = "getPublicReportLetter",
    params(("code" = String, Path, description = "Tracking code, e.g. PA-2026-000123"), crate::api::download::DownloadHeaders),
    responses((status = 200, description = "The letter.", content_type = "application/pdf", body = Vec<u8>),
        (status = 206, description = "The range of the letter asked for (`Range`).", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "The letter has the tag in `If-None-Match`."),
        (status = 416, description = "The range is outside the file (`range_not_satisfiable`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published report with this code, or no letter.", body = Problem, content_type = "application/problem+json")))]
#[get("/public/reports/{code}/letter.pdf")]
pub async fn public_letter(
    req: HttpRequest,
    st: Data<AppState>,
    code: Path<String>,
) -> AppResult<HttpResponse> {
    let (code, ask) = (code.into_inner(), Conditions::of(&req));
    let name = code.clone();
    let served = block(move || {
        let bytes = letters::public(&st, &code)?;
        ask.read(crate::service::objects::Stored::in_hand(&st.objects, bytes))
    })
    .await??;
    Ok(pdf(served, &name, true))
}
