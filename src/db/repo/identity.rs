//! Sealing and opening the identity columns of each table ([`crate::db::vault`]): the rows the
//! rest of the code handles are in clear; what reaches the database is sealed.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::Bool;

use crate::db::DbConn;
use crate::db::schema::report_reporters;

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

/// The reporter's row as stored: sealed, with the blind indexes of its phone and identity
/// number (for an insert or an update).
pub type StoredReporter = (
    ReporterRow,
    diesel::dsl::Eq<report_reporters::phone_index, String>,
    diesel::dsl::Eq<report_reporters::cccd_index, String>,
);

pub fn stored_reporter(v: &Vault, r: &ReporterRow) -> StoredReporter {
    (
        seal_reporter(v, r),
        report_reporters::phone_index.eq(v.blind_phone(&r.phone)),
        report_reporters::cccd_index.eq(v.blind_cccd(&r.cccd)),
    )
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

/// A message's sender (address, name) and text, sealed.
type MailFields = (Option<String>, Option<String>, String);

fn seal_mail_fields(
    v: &Vault,
    id: &str,
    from_address: Option<&str>,
    from_name: Option<&str>,
    body: &str,
) -> MailFields {
    (
        from_address.map(|s| v.seal(MAIL_FROM, id, s)),
        from_name.map(|s| v.seal(MAIL_NAME, id, s)),
        v.seal(MAIL_BODY, id, body),
    )
}

/// A message as stored: its sender and text sealed.
pub fn seal_mail(v: &Vault, m: &MailRow) -> MailRow {
    let (from_address, from_name, body_text) = seal_mail_fields(
        v,
        &m.id,
        m.from_address.as_deref(),
        m.from_name.as_deref(),
        &m.body_text,
    );
    MailRow {
        from_address,
        from_name,
        body_text,
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

/// Whether the vault opens the newest sealed identity: keys lost or replaced (a data folder
/// restored without its `data-keys`, a wrong `PAHT_DATA_KEYS`) show at start, not at the first
/// read of a report.
pub fn newest_opens(conn: &mut DbConn, v: &Vault) -> QueryResult<Result<(), Unopenable>> {
    let newest: Option<ReporterRow> = report_reporters::table
        .filter(report_reporters::phone.like(format!("{}%", v.sealed_prefix(false))))
        .order(report_reporters::report_id.desc())
        .select(ReporterRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match newest {
        Some(r) => v.open(REPORTER_PHONE, &r.report_id, &r.phone).map(|_| ()),
        None => Ok(()),
    })
}

/// What one batch of a pass saw: rows re-sealed, and the last row id (the next batch starts
/// after it; `None`: the table is done).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub sealed: usize,
    pub last: Option<String>,
}

impl Batch {
    pub(crate) fn of<T>(rows: &[T], id: impl Fn(&T) -> &String) -> Batch {
        Batch {
            sealed: 0,
            last: rows.last().map(|r| id(r).clone()),
        }
    }
}

/// The SQL condition "one of these columns holds a value the pass must seal": in clear, or
/// (a rotation) under another key than the current one. The key id is checked by the
/// configuration (`a-z0-9-` only), so it may stand in the pattern.
pub(crate) fn stale_sql(columns: &[&str], v: &Vault, pass: Pass) -> String {
    let pattern = v.sealed_prefix(pass == Pass::Rotate);
    let each: Vec<String> = columns
        .iter()
        .map(|c| format!("(COALESCE({c}, '') <> '' AND {c} NOT LIKE '{pattern}%')"))
        .collect();
    format!("({})", each.join(" OR "))
}

/// A pass over one sealed text column `$table.$col` (rows keyed by `id`) that `$only` (an SQL
/// condition) selects: the rows after `$after` whose value the pass must seal, each opened with
/// whatever key sealed it and sealed again under the current key. A row changed meanwhile is
/// left for the next pass. Evaluates to a `QueryResult<Batch>`.
macro_rules! reseal_column {
    ($conn:expr, $v:expr, $pass:expr, $after:expr, $limit:expr,
     $table:ident . $col:ident, $field:expr, $only:expr) => {{
        use $crate::db::repo::identity::{Batch, stale_sql, unopenable};
        let cond = format!(
            "({} AND {})",
            $only,
            stale_sql(&[stringify!($col)], $v, $pass)
        );
        let mut pass = || -> diesel::QueryResult<Batch> {
            let rows: Vec<(String, Option<String>)> = $table::table
                .filter($table::id.gt($after))
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&cond))
                .order($table::id.asc())
                .limit($limit)
                .select(($table::id, $table::$col.nullable()))
                .load($conn)?;
            let mut out = Batch::of(&rows, |r| &r.0);
            for (id, stored) in rows {
                let Some(stored) = stored else { continue };
                let clear = $v.open($field, &id, &stored).map_err(unopenable)?;
                out.sealed +=
                    diesel::update($table::table.find(&id).filter($table::$col.eq(&stored)))
                        .set($table::$col.eq($v.seal($field, &id, &clear)))
                        .execute($conn)?;
            }
            Ok(out)
        };
        pass()
    }};
}
pub(crate) use reseal_column;

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
    let columns = [
        "full_name",
        "contact_address",
        "cccd",
        "phone",
        "email",
        "organization",
    ];
    let cond = format!("({} OR phone_index IS NULL)", stale_sql(&columns, v, pass));
    let rows: Vec<ReporterRow> = rr::table
        .filter(rr::report_id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(rr::report_id.asc())
        .limit(limit)
        .select(ReporterRow::as_select())
        .load(conn)?;
    let mut out = Batch::of(&rows, |r| &r.report_id);
    for old in rows {
        let clear = open_reporter(v, old.clone())?;
        out.sealed += diesel::update(
            rr::table
                .find(&old.report_id)
                .filter(rr::full_name.eq(&old.full_name))
                .filter(rr::phone.eq(&old.phone)),
        )
        .set(stored_reporter(v, &clear))
        .execute(conn)?;
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
    let cond = stale_sql(&["from_address", "from_name", "body_text"], v, pass);
    let rows: Vec<MailMeta> = m::table
        .filter(m::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(m::id.asc())
        .limit(limit)
        .select(MailMeta::as_select())
        .load(conn)?;
    let mut out = Batch::of(&rows, |r| &r.id);
    for old in rows {
        let clear = open_mail(v, old.clone())?;
        let (from_address, from_name, body_text) = seal_mail_fields(
            v,
            &old.id,
            clear.from_address.as_deref(),
            clear.from_name.as_deref(),
            &clear.body_text,
        );
        out.sealed += diesel::update(
            m::table
                .find(&old.id)
                .filter(m::body_text.eq(&old.body_text))
                .filter(m::version.eq(old.version)),
        )
        .set((
            m::from_address.eq(from_address),
            m::from_name.eq(from_name),
            m::body_text.eq(body_text),
        ))
        .execute(conn)?;
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
    let cond = format!(
        "({} OR caller_index IS NULL)",
        stale_sql(&["caller"], v, pass)
    );
    let rows: Vec<CallMeta> = c::table
        .filter(c::id.gt(after))
        .filter(sql::<Bool>(&cond))
        .order(c::id.asc())
        .limit(limit)
        .select(CallMeta::as_select())
        .load(conn)?;
    let mut out = Batch::of(&rows, |r| &r.id);
    for old in rows {
        let clear = open_call(v, old.clone())?;
        out.sealed += diesel::update(c::table.find(&old.id).filter(c::caller.eq(&old.caller)))
            .set((
                c::caller.eq(v.seal(CALLER, &old.id, &clear.caller)),
                c::caller_index.eq(v.blind_phone(&clear.caller)),
            ))
            .execute(conn)?;
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
    use crate::db::schema::outbox;
    reseal_column!(
        conn,
        v,
        pass,
        after,
        limit,
        outbox.recipient,
        RECIPIENT,
        "transport <> 'webhook'"
    )
}
