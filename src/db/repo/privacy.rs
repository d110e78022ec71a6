//! Consents, data subjects' requests, restriction and erasure of a reporter's identity, and the
//! record of who read which identity (Law 91/2025/QH15; Art. 4.5).

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{ConsentRow, IncidentRow, ReportRow, ReporterRow, SubjectRequestRow};
use crate::db::repo::identity::{stored_reporter, unopenable};
use crate::db::schema::*;
use crate::db::vault::{Field, Vault};

/// What a request asks to change, or why: sealed, it may hold the reporter's identity.
pub const REQUEST_DETAILS: Field = Field("subject_requests.details");

/// Records a report's consents: one statement (a submission records four).
pub fn insert_consents(conn: &mut DbConn, rows: &[ConsentRow]) -> QueryResult<()> {
    let rows = rows.to_vec();
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(consents::table)
            .values(rows)
            .execute(c)?,
        DbConn::Postgresql(c) => diesel::insert_into(consents::table)
            .values(rows)
            .execute(c)?,
    };
    Ok(())
}

/// The consents of reports, oldest first.
pub fn consents_of(conn: &mut DbConn, report_ids: &[String]) -> QueryResult<Vec<ConsentRow>> {
    consents::table
        .filter(consents::report_id.eq_any(report_ids.to_vec()))
        .order((consents::report_id, consents::given_at, consents::id))
        .select(ConsentRow::as_select())
        .load(conn)
}

/// Marks the granted, not yet withdrawn consents of a purpose withdrawn; how many.
pub fn withdraw(
    conn: &mut DbConn,
    report_id: &str,
    purpose: &str,
    request_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        consents::table
            .filter(consents::report_id.eq(report_id))
            .filter(consents::purpose.eq(purpose))
            .filter(consents::basis.eq("consent"))
            .filter(consents::granted.eq(true))
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(at),
        consents::withdrawn_by_request.eq(request_id),
    ))
    .execute(conn)
}

/// Whether the reporter restricted the processing of their identity on this report.
pub fn identity_restricted(conn: &mut DbConn, report_id: &str) -> QueryResult<bool> {
    Ok(report_reporters::table
        .find(report_id)
        .select(report_reporters::restricted)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Which of these reports have a restricted identity.
pub fn restricted_among(conn: &mut DbConn, ids: &[String]) -> QueryResult<HashSet<String>> {
    Ok(report_reporters::table
        .filter(report_reporters::report_id.eq_any(ids.to_vec()))
        .filter(report_reporters::restricted.eq(true))
        .select(report_reporters::report_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

pub fn restrict(conn: &mut DbConn, report_id: &str) -> QueryResult<usize> {
    diesel::update(report_reporters::table.find(report_id))
        .set(report_reporters::restricted.eq(true))
        .execute(conn)
}

/// When the identity of a report was erased, if it was.
pub fn erased_at(conn: &mut DbConn, report_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    Ok(report_reporters::table
        .find(report_id)
        .select(report_reporters::erased_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten())
}

/// Replaces the reporter's identity with a corrected one (sealed, with new blind indexes).
pub fn correct_reporter(conn: &mut DbConn, v: &Vault, r: &ReporterRow) -> QueryResult<usize> {
    diesel::update(
        report_reporters::table
            .find(&r.report_id)
            .filter(report_reporters::erased_at.is_null()),
    )
    .set(stored_reporter(v, r))
    .execute(conn)
}

/// What an erasure left for the object store: the digests of the files no longer named by
/// the rows it changed (the collector, or the caller after commit, deletes those no other row
/// names), and whether an identity was erased.
#[derive(Debug, Default)]
pub struct Erased {
    pub identity: bool,
    pub released: Vec<String>,
}

/// Erases the reporter's identity of a report: the sealed values and their blind indexes go,
/// the row stays to say when. So do what the report came with that is theirs: the e-mail's
/// sender, subject, text and the message as it arrived; the call's number and its recording.
pub fn erase_identity(
    conn: &mut DbConn,
    report_id: &str,
    at: NaiveDateTime,
) -> QueryResult<Erased> {
    let n = diesel::update(
        report_reporters::table
            .find(report_id)
            .filter(report_reporters::erased_at.is_null()),
    )
    .set((
        report_reporters::full_name.eq(""),
        report_reporters::contact_address.eq(""),
        report_reporters::cccd.eq(""),
        report_reporters::phone.eq(""),
        report_reporters::email.eq(None::<String>),
        report_reporters::organization.eq(None::<String>),
        report_reporters::phone_index.eq(None::<String>),
        report_reporters::cccd_index.eq(None::<String>),
        report_reporters::erased_at.eq(at),
    ))
    .execute(conn)?;
    let mut released = Vec::new();
    let mails: Vec<(String, String)> = mail_messages::table
        .filter(mail_messages::report_id.eq(report_id))
        .select((mail_messages::id, mail_messages::sha256))
        .load(conn)?;
    for (id, sha) in mails {
        if sha.starts_with("erased-") {
            continue;
        }
        // The digest is unique (it recognises a message delivered twice): the erased one keeps
        // a unique mark instead.
        diesel::update(mail_messages::table.find(&id))
            .set((
                mail_messages::from_address.eq(None::<String>),
                mail_messages::from_name.eq(None::<String>),
                mail_messages::subject.eq(None::<String>),
                mail_messages::body_text.eq(""),
                mail_messages::raw.eq(None::<Vec<u8>>),
                mail_messages::sha256.eq(format!("erased-{id}")),
            ))
            .execute(conn)?;
        released.push(sha);
    }
    diesel::update(calls::table.filter(calls::report_id.eq(report_id)))
        .set((calls::caller.eq(""), calls::caller_index.eq(None::<String>)))
        .execute(conn)?;
    released.extend(crate::db::repo::retention::drop_recordings_of(
        conn, report_id,
    )?);
    released.extend(crate::db::repo::letters::erase_addressees(conn, report_id)?);
    Ok(Erased {
        identity: n == 1,
        released,
    })
}

/// The reports an account filed as their reporter, oldest first.
pub fn reports_of_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<ReportRow>> {
    reports::table
        .filter(reports::reporter_user_id.eq(user_id))
        .order((reports::submitted_at, reports::id))
        .select(ReportRow::as_select())
        .load(conn)
}

fn seal_details(v: &Vault, r: &SubjectRequestRow) -> SubjectRequestRow {
    SubjectRequestRow {
        details: r
            .details
            .as_deref()
            .map(|d| v.seal(REQUEST_DETAILS, &r.id, d)),
        ..r.clone()
    }
}

fn open_details(v: &Vault, mut r: SubjectRequestRow) -> QueryResult<SubjectRequestRow> {
    r.details = v
        .open_opt(REQUEST_DETAILS, &r.id, r.details.as_deref())
        .map_err(unopenable)?;
    Ok(r)
}

pub fn insert_request(conn: &mut DbConn, v: &Vault, r: &SubjectRequestRow) -> QueryResult<()> {
    diesel::insert_into(subject_requests::table)
        .values(seal_details(v, r))
        .execute(conn)
        .map(|_| ())
}

pub fn request(conn: &mut DbConn, v: &Vault, id: &str) -> QueryResult<Option<SubjectRequestRow>> {
    subject_requests::table
        .find(id)
        .select(SubjectRequestRow::as_select())
        .first(conn)
        .optional()?
        .map(|r| open_details(v, r))
        .transpose()
}

/// Which requests to list.
#[derive(Debug, Default)]
pub struct RequestFilter<'a> {
    pub status: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub report_id: Option<&'a str>,
}

/// Requests, the soonest due first.
pub fn requests(
    conn: &mut DbConn,
    v: &Vault,
    f: &RequestFilter<'_>,
    limit: i64,
) -> QueryResult<Vec<SubjectRequestRow>> {
    let mut q = subject_requests::table.into_boxed();
    if let Some(s) = f.status {
        q = q.filter(subject_requests::status.eq(s.to_string()));
    }
    if let Some(u) = f.user_id {
        q = q.filter(subject_requests::user_id.eq(u.to_string()));
    }
    if let Some(r) = f.report_id {
        q = q.filter(subject_requests::report_id.eq(r.to_string()));
    }
    q.order((subject_requests::due_at, subject_requests::id))
        .limit(limit)
        .select(SubjectRequestRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| open_details(v, r))
        .collect()
}

/// Closes a request still at `version` (another officer's answer wins otherwise).
pub fn finish(
    conn: &mut DbConn,
    id: &str,
    version: i32,
    status: &str,
    by: Option<&str>,
    at: NaiveDateTime,
    answer: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        subject_requests::table
            .find(id)
            .filter(subject_requests::version.eq(version)),
    )
    .set((
        subject_requests::status.eq(status),
        subject_requests::handled_by.eq(by),
        subject_requests::handled_at.eq(at),
        subject_requests::answer.eq(answer),
        subject_requests::version.eq(version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One read of a reporter's identity by staff.
#[derive(Debug, Clone, Queryable)]
pub struct IdentityRead {
    pub report_id: String,
    pub report_code: String,
    pub user_id: String,
    pub login: Option<String>,
    pub role: String,
    pub at: NaiveDateTime,
}

/// Which reads to list: a window, and optionally one report or one reader.
#[derive(Debug)]
pub struct ReadFilter<'a> {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub report_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

/// Reads of identities in a window, newest first.
pub fn identity_reads(
    conn: &mut DbConn,
    f: &ReadFilter<'_>,
    limit: i64,
) -> QueryResult<Vec<IdentityRead>> {
    let mut q = identity_reads::table
        .inner_join(reports::table.on(reports::id.eq(identity_reads::report_id)))
        .inner_join(users::table.on(users::id.eq(identity_reads::user_id)))
        .filter(identity_reads::at.ge(f.from))
        .filter(identity_reads::at.le(f.to))
        .into_boxed();
    if let Some(r) = f.report_id {
        q = q.filter(identity_reads::report_id.eq(r.to_string()));
    }
    if let Some(u) = f.user_id {
        q = q.filter(identity_reads::user_id.eq(u.to_string()));
    }
    q.order((identity_reads::at.desc(), identity_reads::id))
        .limit(limit)
        .select((
            identity_reads::report_id,
            reports::code,
            identity_reads::user_id,
            users::username,
            users::role,
            identity_reads::at,
        ))
        .load(conn)
}

pub fn insert_incident(conn: &mut DbConn, row: &IncidentRow) -> QueryResult<()> {
    diesel::insert_into(privacy_incidents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn incident(conn: &mut DbConn, id: &str) -> QueryResult<Option<IncidentRow>> {
    privacy_incidents::table
        .find(id)
        .select(IncidentRow::as_select())
        .first(conn)
        .optional()
}

/// Incidents, the newest detected first.
pub fn incidents(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<IncidentRow>> {
    privacy_incidents::table
        .order((privacy_incidents::detected_at.desc(), privacy_incidents::id))
        .limit(limit)
        .select(IncidentRow::as_select())
        .load(conn)
}

/// Records that the authority was told, once (`false` when it already was).
pub fn mark_notified(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        privacy_incidents::table
            .find(id)
            .filter(privacy_incidents::notified_at.is_null()),
    )
    .set((
        privacy_incidents::notified_at.eq(at),
        privacy_incidents::version.eq(privacy_incidents::version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The reports whose reporter's identity an incident may have reached, after `after` (by id):
/// every identity held at some point of the window (submitted before its end, not erased
/// before its start), or, for an incident of one account, the identities that account read in
/// the window.
pub fn affected(
    conn: &mut DbConn,
    i: &IncidentRow,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(String, String, String)>> {
    let mut q = reports::table
        .inner_join(report_reporters::table.on(report_reporters::report_id.eq(reports::id)))
        .filter(reports::id.gt(after.to_string()))
        .filter(reports::created_at.le(i.occurred_to))
        .filter(
            report_reporters::erased_at
                .is_null()
                .or(report_reporters::erased_at.ge(i.occurred_from)),
        )
        .into_boxed();
    if let Some(acc) = &i.account_id {
        q = q.filter(
            reports::id.eq_any(
                identity_reads::table
                    .filter(identity_reads::user_id.eq(acc.clone()))
                    .filter(identity_reads::at.ge(i.occurred_from))
                    .filter(identity_reads::at.le(i.occurred_to))
                    .select(identity_reads::report_id),
            ),
        );
    }
    q.order(reports::id)
        .limit(limit)
        .select((reports::id, reports::code, reports::channel))
        .load(conn)
}

/// Re-seals a batch of requests' texts after `after` (see `identity::reseal_reporters`).
pub fn reseal_requests(
    conn: &mut DbConn,
    v: &Vault,
    pass: crate::db::repo::identity::Pass,
    after: &str,
    limit: i64,
) -> QueryResult<crate::db::repo::identity::Batch> {
    crate::db::repo::identity::reseal_column!(
        conn,
        v,
        pass,
        after,
        limit,
        subject_requests.details,
        REQUEST_DETAILS,
        "1 = 1"
    )
}
