//! Reading reports: one report with everything the caller may see, the lists of each role, the
//! history, an agency's inbox, and the public view of published results.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};

use super::{load_visible, report_not_found};
use crate::db::models::{
    AssignmentRow, ClockRow, EmergencyRow, EventRow, ExtensionRow, FeedbackRow, RatingRow,
    ReportRow, ReporterRow,
};
use crate::db::repo::reports::{InboxFilter, Order, ReportFilter, Scope};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::domain::report::AssignmentRole;
use crate::domain::roles::Role;
use crate::domain::visibility::{self, Audience, Identity};
use crate::error::{AppError, AppResult, FieldError, Msg};
use crate::service::Context;
use crate::service::auth::Principal;

/// A report with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct ReportDetails {
    pub report: ReportRow,
    /// `None` when the caller may not see the reporter's identity.
    pub reporter: Option<ReporterRow>,
    /// How much of it (the CCCD number only with [`Identity::Full`]).
    pub identity: Identity,
    /// Who is looking: the reporter sees no internal work.
    pub audience: Audience,
    pub assignments: Vec<AssignmentRow>,
    pub clocks: Vec<ClockRow>,
    pub extension: Option<ExtensionRow>,
    pub feedback: Vec<FeedbackRow>,
    pub ratings: Vec<RatingRow>,
    pub emergency: Option<EmergencyRow>,
    /// Referrals to the province (Art. 3.7): for staff only.
    pub referrals: Vec<crate::db::models::ReferralRow>,
    pub now: DateTime<Utc>,
    /// The follow-up token, in the answer to the submission that issued it (never read back).
    pub follow_up_token: Option<String>,
    /// Staff only: the answers an Open311 filing gave to its category's own attributes.
    pub service_attributes: Vec<crate::db::models::ReportAttributeRow>,
    /// The report this one was merged into, which it follows.
    pub duplicate_of: Option<super::duplicates::Followed>,
    /// Staff only: the reports merged into this one.
    pub duplicates: Vec<(crate::db::models::DuplicateRow, ReportRow)>,
}

/// How much of the reporter's identity the caller sees.
fn identity_for(
    c: &mut DbConn,
    who: &Principal,
    is_reporter: bool,
    r: &ReportRow,
) -> AppResult<Identity> {
    Ok(if who.has_account() {
        crate::service::privacy::identity_of(c, who.role, is_reporter, r)?
    } else {
        // A follow-up token opens the report's state, not the reporter's identity: whoever
        // read the SMS or the e-mail must not learn the CCCD number from it.
        Identity::Hidden
    })
}

/// What `who` may see of a report, read on `c` (inside the caller's transaction).
pub(crate) fn details(
    c: &mut DbConn,
    v: &crate::db::vault::Vault,
    who: &Principal,
    r: ReportRow,
    now: DateTime<Utc>,
) -> AppResult<ReportDetails> {
    let is_reporter = who.is_reporter_of(&r.id, r.reporter_user_id.as_deref());
    let identity = identity_for(c, who, is_reporter, &r)?;
    let audience = visibility::audience(who.role, is_reporter);
    let reporter = if identity == Identity::Hidden {
        None
    } else {
        let mut rep = repo::reports::reporter(c, v, &r.id)?;
        if !is_reporter && rep.is_some() {
            // Art. 3.4, 4.5: personal data stays safe; every read of it by staff is recorded.
            repo::reports::record_identity_read(
                c,
                &new_id(),
                &r.id,
                &who.user_id,
                now.naive_utc(),
            )?;
        }
        if identity == Identity::Contact
            && let Some(p) = rep.as_mut()
        {
            // Consent shares the means of contact, not the identity number (Art. 4.5).
            p.cccd.clear();
        }
        rep
    };
    let (duplicate_of, duplicates) =
        super::duplicates::followed(c, &r.id, audience == Audience::Staff)?;
    let mut assignments = repo::reports::assignments_of(c, &r.id)?
        .into_iter()
        .map(|a| repo::letters::open_result(v, a))
        .collect::<Result<Vec<_>, _>>()?;
    if audience == Audience::Reporter {
        let released = visibility::answer_released(r.status);
        for a in &mut assignments {
            for_reporter(a, released);
        }
    }
    Ok(ReportDetails {
        reporter,
        identity,
        audience,
        assignments,
        clocks: repo::reports::clocks_of(c, &r.id)?,
        extension: repo::reports::extension_of(c, &r.id)?,
        feedback: repo::reports::feedback_of(c, &r.id)?,
        ratings: repo::reports::ratings_of(c, &r.id)?,
        emergency: repo::reports::emergency(c, &r.id)?,
        referrals: if audience == Audience::Staff {
            repo::reports::referrals_of(c, &r.id)?
        } else {
            Vec::new()
        },
        service_attributes: if audience == Audience::Staff {
            repo::open311::report_attributes(c, &r.id)?
        } else {
            Vec::new()
        },
        duplicate_of,
        duplicates,
        report: r,
        now,
        follow_up_token: None,
    })
}

/// What the citizen who just submitted a report sees of it, made from the rows written (the
/// same as [`details`] would read back); `None` for anyone else, whose view is read.
pub(crate) fn new_report_view(
    who: &Principal,
    r: &ReportRow,
    reporter: &ReporterRow,
    clock: &ClockRow,
    now: DateTime<Utc>,
) -> Option<ReportDetails> {
    let is_reporter = who.is_reporter_of(&r.id, r.reporter_user_id.as_deref());
    // The reporter who just submitted sees their whole identity (Art. 4.5).
    let identity = if is_reporter && who.has_account() {
        Identity::Full
    } else {
        Identity::Hidden
    };
    (is_reporter && identity == Identity::Full).then(|| ReportDetails {
        report: r.clone(),
        reporter: Some(reporter.clone()),
        identity,
        audience: visibility::audience(who.role, is_reporter),
        assignments: Vec::new(),
        clocks: vec![clock.clone()],
        extension: None,
        feedback: Vec::new(),
        ratings: Vec::new(),
        emergency: None,
        referrals: Vec::new(),
        now,
        follow_up_token: None,
        service_attributes: Vec::new(),
        duplicate_of: None,
        duplicates: Vec::new(),
    })
}

/// What the reporter sees of an agency's part: who works on it and in which state; the answer
/// only once it is published to them (Art. 9.3); never the leader's or the IOC's notes, the
/// reasons agencies gave each other, or the staff who acted.
fn for_reporter(a: &mut AssignmentRow, released: bool) {
    a.assigned_by = None;
    a.approved_by = None;
    a.leader_note = None;
    a.return_reason = None;
    a.suggested_agency_id = None;
    let published_answer = released
        && a.role == AssignmentRole::Lead
        && a.status == crate::domain::report::AssignmentStatus::Approved;
    if !published_answer {
        a.result_addressee = None;
        a.result_answer = None;
        a.result_signer_title = None;
    }
}

/// A step of the history as the reporter sees it: only the steps meant for them, the note only
/// when it is addressed to them, no staff account.
fn event_for_reporter(mut e: EventRow, reporter_id: &str) -> Option<EventRow> {
    if !visibility::reporter_sees_step(&e.action) {
        return None;
    }
    if !visibility::reporter_sees_note(&e.action) {
        e.note = None;
    }
    if e.actor_user_id.as_deref() != Some(reporter_id) {
        e.actor_user_id = None;
    }
    Some(e)
}

/// One report, for a caller who may see it (404 otherwise).
pub fn get(st: &Context, who: &Principal, id: &str) -> AppResult<ReportDetails> {
    let now = st.clock.now();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| {
        let r = load_visible(c, who, id)?;
        details(c, &st.vault, who, r, now)
    })
}

/// The history of a report, for staff who may see it and its reporter.
pub fn events(st: &Context, who: &Principal, id: &str) -> AppResult<Vec<EventRow>> {
    let mut conn = st.pool.get()?;
    let r = load_visible(&mut conn, who, id)?;
    let rows = repo::reports::events_of(&mut conn, &r.id)?;
    let is_reporter = who.is_reporter_of(&r.id, r.reporter_user_id.as_deref());
    Ok(match visibility::audience(who.role, is_reporter) {
        Audience::Staff => rows,
        Audience::Reporter => rows
            .into_iter()
            .filter_map(|e| event_for_reporter(e, &who.user_id))
            .collect(),
    })
}

/// An opaque position in a list: the sort key and the id of the last item.
pub fn encode_cursor(t: NaiveDateTime, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", t.and_utc().timestamp_micros()))
}

pub fn decode_cursor(s: &str) -> AppResult<(NaiveDateTime, String)> {
    let bad = bad_cursor;
    let raw = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (t, id) = raw.split_once('|').ok_or_else(bad)?;
    let t = DateTime::from_timestamp_micros(t.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok((t.naive_utc(), id.to_string()))
}

/// The sort of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    DueSoonest,
    /// Best match of the search text first (the newest first without one).
    Relevance,
}

/// An opaque position in a list ordered by relevance: how many came before.
fn encode_offset(n: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("~{n}"))
}

fn decode_offset(s: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|raw| raw.strip_prefix('~').and_then(|n| n.parse::<i64>().ok()))
        .filter(|n| (0..=1_000_000).contains(n))
        .ok_or_else(bad_cursor)
}

fn bad_cursor() -> AppError {
    AppError::bad_parameter(
        "invalid_query",
        vec![FieldError::new(
            "cursor",
            "invalid_cursor",
            Msg::new("Con trỏ trang không hợp lệ.", "Invalid page cursor."),
        )],
    )
}

/// One page by relevance, and the cursor of the next.
fn relevance_page(
    conn: &mut DbConn,
    scope: &Scope,
    filter: &ReportFilter,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<ReportRow>, Option<String>)> {
    let offset = cursor.map(decode_offset).transpose()?.unwrap_or(0);
    let mut rows = repo::reports::list(conn, scope, filter, &Order::Relevance(offset), limit + 1)?;
    let next = (rows.len() as i64 > limit).then(|| encode_offset(offset + limit));
    rows.truncate(limit as usize);
    Ok((rows, next))
}

/// Which reports a caller may see: everything for the IOC, the province and admins; one's own
/// for a citizen; an agency's (and, for a supervisor, the agencies' below) for agency people.
pub fn scope_of(conn: &mut DbConn, who: &Principal) -> AppResult<Scope> {
    Ok(match who.role {
        Role::Operator | Role::Province | Role::Admin | Role::PrivacyOfficer => Scope::All,
        Role::Citizen => Scope::Reporter(who.user_id.clone()),
        Role::AgencyStaff | Role::AgencyLeader => {
            Scope::Agencies(who.agency_id.clone().into_iter().collect())
        }
        Role::Supervisor => match &who.agency_id {
            Some(a) => Scope::Agencies(repo::agencies::with_descendants(conn, a)?),
            None => Scope::Agencies(vec![]),
        },
    })
}

/// Reports the caller may see: everything for the IOC, the province and admins; one's own for a
/// citizen; an agency's (and, for a supervisor, the agencies' below) for agency people.
pub fn list(
    st: &Context,
    who: &Principal,
    filter: ReportFilter,
    sort: Sort,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<ReportRow>, Option<String>)> {
    let mut conn = st.pool.get()?;
    let scope = scope_of(&mut conn, who)?;
    if sort == Sort::Relevance && filter.text.is_some() {
        return relevance_page(&mut conn, &scope, &filter, cursor, limit);
    }
    let after = cursor.map(decode_cursor).transpose()?;
    let order = match sort {
        Sort::Newest | Sort::Relevance => Order::Newest(after),
        Sort::DueSoonest => Order::DueSoonest(after),
    };
    let rows = repo::reports::list(&mut conn, &scope, &filter, &order, limit + 1)?;
    page(rows, limit, |r| match sort {
        Sort::Newest | Sort::Relevance => Some(r.submitted_at),
        Sort::DueSoonest => r.next_due_at,
    })
}

fn page(
    mut rows: Vec<ReportRow>,
    limit: i64,
    key: impl Fn(&ReportRow) -> Option<NaiveDateTime>,
) -> AppResult<(Vec<ReportRow>, Option<String>)> {
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .and_then(|r| key(r).map(|t| encode_cursor(t, &r.id)))
    } else {
        None
    };
    Ok((rows, next))
}

/// Published results the public may read: not confidential, not state secret (Art. 9.3); a
/// search looks only at what the public may read of them.
pub fn public_list(
    st: &Context,
    filter: ReportFilter,
    by_relevance: bool,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<ReportRow>, Option<String>)> {
    let mut conn = st.read_conn()?;
    let f = ReportFilter {
        public_only: true,
        statuses: vec![],
        ..filter
    };
    if by_relevance && f.text.is_some() {
        return relevance_page(&mut conn, &Scope::All, &f, cursor, limit);
    }
    let after = cursor.map(decode_cursor).transpose()?;
    let rows = repo::reports::list(
        &mut conn,
        &Scope::All,
        &f,
        &Order::Published(after),
        limit + 1,
    )?;
    page(rows, limit, |r| r.published_at)
}

/// A published report the public may read, with its history and result.
pub struct PublicDetails {
    pub report: ReportRow,
    pub events: Vec<EventRow>,
    pub lead: Option<AssignmentRow>,
    pub lead_agency_name: Option<String>,
    /// The reporter's name, only with their consent.
    pub reporter_name: Option<String>,
    /// Whether an Annex I letter was issued.
    pub has_letter: bool,
}

pub fn public_get(st: &Context, code: &str) -> AppResult<PublicDetails> {
    let mut conn = st.read_conn()?;
    let r = repo::reports::find_by_code(&mut conn, code)?.ok_or_else(report_not_found)?;
    let listed = visibility::publicly_listed(r.status, r.confidential, r.state_secret);
    if !listed {
        return Err(report_not_found());
    }
    let lead = repo::reports::assignments_of(&mut conn, &r.id)?
        .into_iter()
        .find(|a| {
            a.role == crate::domain::report::AssignmentRole::Lead
                && a.status == crate::domain::report::AssignmentStatus::Approved
        });
    let lead_agency_name = match &lead {
        Some(a) => repo::agencies::find(&mut conn, &a.agency_id)?.map(|x| x.name),
        None => None,
    };
    let reporter_name = if r.consent_public_name {
        repo::reports::reporter(&mut conn, &st.vault, &r.id)?.map(|x| x.full_name)
    } else {
        None
    };
    Ok(PublicDetails {
        has_letter: repo::letters::exists_for(&mut conn, &r.id)?,
        events: repo::reports::events_of(&mut conn, &r.id)?,
        lead,
        lead_agency_name,
        reporter_name,
        report: r,
    })
}

/// An assignment of an inbox with its earliest running deadline.
pub type InboxItem = (AssignmentRow, Option<NaiveDateTime>);

/// An agency's inbox: its assignments (and, for a supervisor, those of the agencies below).
pub fn inbox(
    st: &Context,
    who: &Principal,
    filter: InboxFilter,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<InboxItem>, Option<String>)> {
    let mut conn = st.pool.get()?;
    let agencies = match (who.role, &who.agency_id) {
        (Role::AgencyStaff | Role::AgencyLeader, Some(a)) => vec![a.clone()],
        (Role::Supervisor, Some(a)) => repo::agencies::with_descendants(&mut conn, a)?,
        _ => return Err(AppError::forbidden()),
    };
    let after = cursor.map(decode_cursor).transpose()?;
    let mut rows = repo::reports::inbox(&mut conn, &agencies, &filter, after, limit + 1)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let ids: Vec<String> = rows.iter().map(|a| a.id.clone()).collect();
    let dues: std::collections::HashMap<String, NaiveDateTime> =
        repo::reports::next_dues(&mut conn, &ids)?
            .into_iter()
            .filter_map(|(id, due)| Some((id?, due?)))
            .collect();
    let next = if more {
        rows.last().map(|a| {
            let key = if filter.by_due {
                dues.get(&a.id)
                    .copied()
                    .unwrap_or_else(repo::reports::no_due)
            } else {
                a.assigned_at
            };
            encode_cursor(key, &a.id)
        })
    } else {
        None
    };
    Ok((
        rows.into_iter()
            .map(|a| {
                let due = dues.get(&a.id).copied();
                Ok((repo::letters::open_result(&st.vault, a)?, due))
            })
            .collect::<AppResult<_>>()?,
        next,
    ))
}
