//! The official letter of Annex I: issued in the transaction that approves a result, with the
//! next number of the agency's year (`Số: N/ABBR`, no gaps: a rolled-back approval takes its
//! number back), and printed as a PDF for the reporter, the IOC and the agencies; the public
//! version withholds the addressee unless the reporter agreed to show their name.

pub mod pdf;

use chrono::{Datelike, NaiveDateTime};

use crate::db::models::{EventRow, LetterRow};
use crate::db::repo::letters::WITHHELD;
use crate::db::{DbConn, new_id, repo};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

/// Where a letter goes besides its addressee.
const RECIPIENTS: [&str; 3] = [
    "- Như trên;",
    "- Trung tâm Giám sát, điều hành đô thị thông minh (IOC);",
    "- Lưu: VT.",
];

fn letter_not_found() -> AppError {
    AppError::missing(
        "letter_not_found",
        "Phản ánh chưa có văn bản trả lời.",
        "The report has no answer letter yet.",
    )
}

/// The date line of Decree 30/2020: "Cần Thơ, ngày 05 tháng 3 năm 2026" (a zero before days
/// under 10 and the months January and February).
pub fn place_date(place: &str, at: NaiveDateTime) -> String {
    let local = at
        .and_utc()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .date_naive();
    let month = if local.month() < 3 {
        format!("{:02}", local.month())
    } else {
        local.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        local.day(),
        local.year()
    )
}

/// Issues the letter of an approved result (Art. 9.1, Annex I), in the approval's transaction.
pub fn issue(st: &Context, c: &mut DbConn, ev: &EventRow) -> AppResult<()> {
    let Some(aid) = &ev.assignment_id else {
        return Ok(());
    };
    let Some(a) = repo::reports::assignment(c, aid)? else {
        return Ok(());
    };
    let a = repo::letters::open_result(&st.vault, a)?;
    let Some(agency) = repo::agencies::find(c, &a.agency_id)? else {
        return Ok(());
    };
    let parent_name = match &agency.parent_id {
        Some(p) => repo::agencies::find(c, p)?.map(|x| x.name),
        None => None,
    };
    let signer_name = match &a.approved_by {
        Some(u) => repo::users::find(c, &st.vault, u)?.map(|x| x.full_name),
        None => None,
    }
    .unwrap_or_default();
    let local_year = ev
        .at
        .and_utc()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .year();
    // The counter's row lock (PostgreSQL) or the write lock (SQLite) hands each number out once.
    let number = repo::counters::next(c, &format!("letter:{}:{local_year}", agency.id))?;
    repo::letters::insert(
        c,
        &st.vault,
        &LetterRow {
            id: new_id(),
            report_id: ev.report_id.clone(),
            assignment_id: a.id.clone(),
            agency_id: agency.id.clone(),
            year: local_year,
            number,
            symbol: format!("{number}/{}", agency.code),
            issued_at: ev.at,
            parent_name,
            agency_name: agency.name.clone(),
            place: st.config.notify.letter_place.clone(),
            addressee: a
                .result_addressee
                .clone()
                .unwrap_or_else(|| WITHHELD.into()),
            answer: a.result_answer.clone().unwrap_or_default(),
            signer_title: a.result_signer_title.clone().unwrap_or_default(),
            signer_name,
            pdf_sha256: None,
        },
    )?;
    Ok(())
}

/// The letter's PDF as issued: rendered once, then kept in the object store and read from it,
/// so it reads the same whenever it is printed. The first reader renders it; of two at once
/// the first to record it wins (the other's copy, named by nothing, is collected).
pub fn issued_pdf(st: &Context, c: &mut DbConn, l: &LetterRow, code: &str) -> AppResult<Vec<u8>> {
    if let Some(sha) = &l.pdf_sha256
        && st.objects.exists(sha)?
    {
        return st.objects.get(sha, None);
    }
    let pdf = render(l, code, false)?;
    let blob = st.objects.put(&pdf)?;
    repo::letters::set_pdf(c, &l.id, &blob.sha256)?;
    Ok(pdf)
}

/// The PDF of a letter; the addressee replaced when `withhold`.
pub fn render(l: &LetterRow, code: &str, withhold: bool) -> AppResult<Vec<u8>> {
    let subject = format!("V/v trả lời phản ánh {code}");
    let place_date = place_date(&l.place, l.issued_at);
    let title = format!("Số {} - {subject}", l.symbol);
    pdf::render(&pdf::Letter {
        parent_name: l.parent_name.as_deref(),
        agency_name: &l.agency_name,
        symbol: &l.symbol,
        subject: &subject,
        place_date: &place_date,
        addressee: if withhold { WITHHELD } else { &l.addressee },
        answer: &l.answer,
        recipients: &RECIPIENTS,
        signer_title: &l.signer_title,
        signer_name: &l.signer_name,
        title: &title,
    })
    .map_err(AppError::internal)
}

/// The letter of a report the caller may see (the reporter, the IOC, its agencies).
pub fn for_caller(st: &Context, who: &Principal, report_id: &str) -> AppResult<Vec<u8>> {
    let mut conn = st.pool.get()?;
    let r = crate::service::reports::load_visible(&mut conn, who, report_id)?;
    let l = repo::letters::latest_of(&mut conn, &st.vault, &r.id)?.ok_or_else(letter_not_found)?;
    issued_pdf(st, &mut conn, &l, &r.code)
}

/// The public letter of a published report: the addressee only with the reporter's consent.
pub fn public(st: &Context, code: &str) -> AppResult<Vec<u8>> {
    let d = crate::service::reports::queries::public_get(st, code)?;
    let mut conn = st.pool.get()?;
    let l = repo::letters::latest_of(&mut conn, &st.vault, &d.report.id)?
        .ok_or_else(letter_not_found)?;
    if d.reporter_name.is_none() {
        // Without the reporter's consent the public copy withholds the addressee: rendered for
        // the reader, never kept.
        return render(&l, &d.report.code, true);
    }
    issued_pdf(st, &mut conn, &l, &d.report.code)
}

/// The letter of a report as an e-mail attachment, for its reporter; `None` before approval.
pub fn attachment(
    st: &Context,
    c: &mut DbConn,
    report_id: &str,
) -> AppResult<Option<crate::service::outbox::transports::Attached>> {
    let Some(l) = repo::letters::latest_of(c, &st.vault, report_id)? else {
        return Ok(None);
    };
    let Some(r) = repo::reports::find(c, report_id)? else {
        return Ok(None);
    };
    Ok(Some(crate::service::outbox::transports::Attached {
        name: format!("{}.pdf", r.code),
        content_type: "application/pdf".into(),
        bytes: issued_pdf(st, c, &l, &r.code)?,
    }))
}
