//! Sealing and opening the identity columns of each table ([`crate::db::vault`]): the rows the
//! rest of the code handles are in clear; what reaches the database is sealed.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::Bool;

use crate::db::DbConn;

use crate::db::models::{CallMeta, CallRow, MailMeta, MailRow, OutboxRow, ReporterRow};
use crate::db::vault::{Field, Unopenable, Vault};

pub const REPORTER_NAME: Field = Field("report_reporters.full_name");
pub const REPORTER_ADDRESS: Field = Field("report_reporters.contact_address");
pub const REPORTER_CCCD: Field = Field("report_reporters.cccd");
pub const REPORTER_PHONE: Field = Field("report_reporters.phone");
pub const REPORTER_EMAIL: Field = Field("report_reporters.email");
pub const REPORTER_ORG: Field = Field("report_reporters.organization");
pub const MAIL_FROM: Field = Field("mail_messages.from_address");
pub const MAIL_NAME: Field = Field("mail_messages.from_name");
pub const MAIL_BODY: Field = Field("mail_messages.body_text");
pub const CALLER: Field = Field("calls.caller");
pub const RECIPIENT: Field = Field("outbox.recipient");

/// A message to send as stored: its recipient sealed (a webhook's recipient is the id of the
/// subscription, kept in clear).
pub fn seal_recipient(v: &Vault, m: &OutboxRow) -> OutboxRow {
    let mut m = m.clone();
    if m.transport != "webhook" {
        m.recipient = v.seal(RECIPIENT, &m.id, &m.recipient);
    }
    m
}

/// A message to send in clear.
pub fn open_recipient(v: &Vault, mut m: OutboxRow) -> Result<OutboxRow, Error> {
    m.recipient = v.open(RECIPIENT, &m.id, &m.recipient).map_err(unopenable)?;
    Ok(m)
}

/// A value that does not open, as a database error (no value in it).
pub fn unopenable(e: Unopenable) -> Error {
    Error::DeserializationError(Box::new(e))
}

/// The reporter as stored.
pub fn seal_reporter(v: &Vault, r: &ReporterRow) -> ReporterRow {
    let id = &r.report_id;
    ReporterRow {
        report_id: id.clone(),
        full_name: v.seal(REPORTER_NAME, id, &r.full_name),
        contact_address: v.seal(REPORTER_ADDRESS, id, &r.contact_address),
        cccd: v.seal(REPORTER_CCCD, id, &r.cccd),
        phone: v.seal(REPORTER_PHONE, id, &r.phone),
        email: r.email.as_deref().map(|e| v.seal(REPORTER_EMAIL, id, e)),
        organization: r
            .organization
            .as_deref()
            .map(|o| v.seal(REPORTER_ORG, id, o)),
    }
}

/// The reporter in clear.
pub fn open_reporter(v: &Vault, r: ReporterRow) -> Result<ReporterRow, Error> {
    let id = &r.report_id;
    Ok(ReporterRow {
        full_name: v
            .open(REPORTER_NAME, id, &r.full_name)
            .map_err(unopenable)?,
        contact_address: v
            .open(REPORTER_ADDRESS, id, &r.contact_address)
            .map_err(unopenable)?,
        cccd: v.open(REPORTER_CCCD, id, &r.cccd).map_err(unopenable)?,
        phone: v.open(REPORTER_PHONE, id, &r.phone).map_err(unopenable)?,
        email: v
            .open_opt(REPORTER_EMAIL, id, r.email.as_deref())
            .map_err(unopenable)?,
        organization: v
            .open_opt(REPORTER_ORG, id, r.organization.as_deref())
            .map_err(unopenable)?,
        report_id: r.report_id,
    })
}

/// Whether any identity column of a stored reporter is in clear or under an older key.
pub fn reporter_stale(v: &Vault, r: &ReporterRow) -> bool {
    [&r.full_name, &r.contact_address, &r.cccd, &r.phone]
        .into_iter()
        .chain(r.email.as_ref())
        .chain(r.organization.as_ref())
        .any(|s| v.stale(s))
}

/// A message as stored: its sender and text sealed.
pub fn seal_mail(v: &Vault, m: &MailRow) -> MailRow {
    let id = &m.id;
    MailRow {
        from_address: m.from_address.as_deref().map(|s| v.seal(MAIL_FROM, id, s)),
        from_name: m.from_name.as_deref().map(|s| v.seal(MAIL_NAME, id, s)),
        body_text: v.seal(MAIL_BODY, id, &m.body_text),
        ..m.clone()
    }
}

/// A message in clear.
pub fn open_mail(v: &Vault, m: MailMeta) -> Result<MailMeta, Error> {
    let id = &m.id;
    Ok(MailMeta {
        from_address: v
            .open_opt(MAIL_FROM, id, m.from_address.as_deref())
            .map_err(unopenable)?,
        from_name: v
            .open_opt(MAIL_NAME, id, m.from_name.as_deref())
            .map_err(unopenable)?,
        body_text: v.open(MAIL_BODY, id, &m.body_text).map_err(unopenable)?,
        ..m
    })
}

/// Whether a stored message has a column in clear or under an older key.
pub fn mail_stale(v: &Vault, m: &MailMeta) -> bool {
    [&m.body_text]
        .into_iter()
        .chain(m.from_address.as_ref())
        .chain(m.from_name.as_ref())
        .any(|s| v.stale(s))
}

/// A call as stored: the caller's number sealed.
pub fn seal_call(v: &Vault, c: &CallRow) -> CallRow {
    CallRow {
        caller: v.seal(CALLER, &c.id, &c.caller),
        ..c.clone()
    }
}

/// A call in clear.
pub fn open_call(v: &Vault, c: CallMeta) -> Result<CallMeta, Error> {
    Ok(CallMeta {
        caller: v.open(CALLER, &c.id, &c.caller).map_err(unopenable)?,
        ..c
    })
}

/// Which stored values a pass of [`reseal_reporters`] (and the others) takes: those in clear
/// (an upgrade), or every one not under the current key (a rotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Upgrade,
    Rotate,
}

/// What one batch of a pass saw: rows re-sealed, and the last row id (the next batch starts
/// after it; `None`: the table is done).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub sealed: usize,
    pub last: Option<String>,
}

/// The SQL condition "this column holds a value the pass must seal" (the key id is checked by
/// the configuration: `a-z0-9-` only).
fn stale_sql(column: &str, v: &Vault, pass: Pass) -> String {
    let pattern = match pass {
        Pass::Upgrade => "pd1:%".to_string(),
        Pass::Rotate => format!("pd1:{}:%", v.current_key()),
    };
    format!("(COALESCE({column}, '') <> '' AND {column} NOT LIKE '{pattern}')")
}

/// Re-seals a batch of reporters after `after`: each row is opened with whatever key sealed
/// it and sealed again under the current key, with fresh blind indexes. A row changed
/// meanwhile is left for the next pass.
pub fn reseal_reporters(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    use crate::db::schema::report_reporters as rr;
    let cond = format!(
        "({} OR {} OR {} OR {} OR {} OR {} OR phone_index IS NULL)",
        stale_sql("full_name", v, pass),
        stale_sql("contact_address", v, pass),
        stale_sql("cccd", v, pass),
        stale_sql("phone", v, pass),
        stale_sql("email", v, pass),
        stale_sql("organization", v, pass),
    );
    let rows: Vec<ReporterRow> = rr::table
        .filter(rr::report_id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(rr::report_id.asc())
        .limit(limit)
        .select(ReporterRow::as_select())
        .load(conn)?;
    let mut out = Batch {
        last: rows.last().map(|r| r.report_id.clone()),
        ..Default::default()
    };
    for old in rows {
        let clear = open_reporter(v, old.clone())?;
        let n = diesel::update(
            rr::table
                .find(&old.report_id)
                .filter(rr::full_name.eq(&old.full_name))
                .filter(rr::phone.eq(&old.phone)),
        )
        .set((
            seal_reporter(v, &clear),
            rr::phone_index.eq(v.blind_phone(&clear.phone)),
            rr::cccd_index.eq(v.blind_cccd(&clear.cccd)),
        ))
        .execute(conn)?;
        out.sealed += n;
    }
    Ok(out)
}

/// Re-seals a batch of messages after `after` (their sender and text).
pub fn reseal_mail(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    use crate::db::schema::mail_messages as m;
    let cond = format!(
        "({} OR {} OR {})",
        stale_sql("from_address", v, pass),
        stale_sql("from_name", v, pass),
        stale_sql("body_text", v, pass),
    );
    let rows: Vec<MailMeta> = m::table
        .filter(m::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(m::id.asc())
        .limit(limit)
        .select(MailMeta::as_select())
        .load(conn)?;
    let mut out = Batch {
        last: rows.last().map(|r| r.id.clone()),
        ..Default::default()
    };
    for old in rows {
        let clear = open_mail(v, old.clone())?;
        let id = &old.id;
        let n = diesel::update(
            m::table
                .find(id)
                .filter(m::body_text.eq(&old.body_text))
                .filter(m::version.eq(old.version)),
        )
        .set((
            m::from_address.eq(clear
                .from_address
                .as_deref()
                .map(|s| v.seal(MAIL_FROM, id, s))),
            m::from_name.eq(clear.from_name.as_deref().map(|s| v.seal(MAIL_NAME, id, s))),
            m::body_text.eq(v.seal(MAIL_BODY, id, &clear.body_text)),
        ))
        .execute(conn)?;
        out.sealed += n;
    }
    Ok(out)
}

/// Re-seals a batch of calls after `after` (the caller's number, with its blind index).
pub fn reseal_calls(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    use crate::db::schema::calls as c;
    let cond = format!("({} OR caller_index IS NULL)", stale_sql("caller", v, pass));
    let rows: Vec<CallMeta> = c::table
        .filter(c::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(c::id.asc())
        .limit(limit)
        .select(CallMeta::as_select())
        .load(conn)?;
    let mut out = Batch {
        last: rows.last().map(|r| r.id.clone()),
        ..Default::default()
    };
    for old in rows {
        let clear = open_call(v, old.clone())?;
        let n = diesel::update(c::table.find(&old.id).filter(c::caller.eq(&old.caller)))
            .set((
                c::caller.eq(v.seal(CALLER, &old.id, &clear.caller)),
                c::caller_index.eq(v.blind_phone(&clear.caller)),
            ))
            .execute(conn)?;
        out.sealed += n;
    }
    Ok(out)
}

/// Re-seals a batch of messages to send after `after` (their recipients; not webhooks').
pub fn reseal_outbox(
    conn: &mut DbConn,
    v: &Vault,
    pass: Pass,
    after: &str,
    limit: i64,
) -> QueryResult<Batch> {
    use crate::db::schema::outbox as o;
    let cond = format!(
        "(transport <> 'webhook' AND {})",
        stale_sql("recipient", v, pass)
    );
    let rows: Vec<OutboxRow> = o::table
        .filter(o::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(o::id.asc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?;
    let mut out = Batch {
        last: rows.last().map(|r| r.id.clone()),
        ..Default::default()
    };
    for old in rows {
        let clear = open_recipient(v, old.clone())?;
        let n = diesel::update(
            o::table
                .find(&old.id)
                .filter(o::recipient.eq(&old.recipient)),
        )
        .set(o::recipient.eq(v.seal(RECIPIENT, &old.id, &clear.recipient)))
        .execute(conn)?;
        out.sealed += n;
    }
    Ok(out)
}
