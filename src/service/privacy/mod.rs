//! Personal data under Law 91/2025/QH15 and Decree 356/2025/NĐ-CP: identities sealed at rest
//! (this file: the upgrade that seals what was stored in clear, the key rotation, and who sees
//! an identity); `consents`: what the reporter agreed to; `requests`: what they ask of their
//! data; `accountability`: the records the privacy officer keeps and reads.

pub mod accountability;
pub mod consents;
pub mod decisions;
pub mod export;
pub mod requests;
pub mod retention;

use crate::db::models::ReportRow;
use crate::db::repo::identity::{self, Batch, Pass};
use crate::db::vault::Vault;
use crate::db::{DbConn, write_tx};
use crate::domain::roles::Role;
use crate::domain::visibility::{Identity, identity_access};
use crate::error::AppResult;

/// What a pass sealed, per table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    pub reporters: usize,
    pub mails: usize,
    pub calls: usize,
    /// Messages to send (their recipients).
    pub outbox: usize,
    /// Data subjects' requests (what they wrote).
    pub requests: usize,
    /// Accounts (e-mail, phone; a citizen's name).
    pub accounts: usize,
    /// Results' and letters' addressees ("Kính gửi").
    pub addressees: usize,
}

/// The mark of a database whose identities were all sealed once: every later write seals.
/// Its version moves when a table joins the sealed ones (2: accounts and requests; 3: the
/// addressees of results and letters), so the next start seals what the earlier version kept
/// in clear.
const SEALED_MARK: &str = "identities-sealed:3";

/// Seals what an earlier version stored in clear, once per database (a full pass, then a mark
/// in `seed_runs`, so later starts cost nothing). Rows a replica of an earlier version writes
/// during a rolling upgrade are sealed by `paht rotate-keys`, which takes clear values too.
pub fn upgrade(conn: &mut DbConn, v: &Vault, now: chrono::NaiveDateTime) -> AppResult<Resealed> {
    if crate::db::seed::has_run(conn, SEALED_MARK)? {
        return Ok(Resealed::default());
    }
    let done = reseal(conn, v, Pass::Upgrade, 500)?;
    // One statement (its own transaction): a replica that marked it first makes it a
    // duplicate, which is the same outcome.
    match crate::db::seed::record_run(conn, SEALED_MARK, now) {
        Err(e) if crate::db::repo::channels::is_duplicate(&e) => {}
        other => other?,
    }
    Ok(done)
}

type Step = fn(&mut DbConn, &Vault, Pass, &str, i64) -> diesel::QueryResult<Batch>;

/// Seals, batch by batch (one transaction each), every identity a pass takes: in clear
/// (`Upgrade`, run at every start: a database written before encryption is sealed before
/// the service answers), or not under the current key (`Rotate`, `paht rotate-keys`).
/// Resumable: a stopped pass leaves sealed rows sealed and finds the others again.
pub fn reseal(conn: &mut DbConn, v: &Vault, pass: Pass, batch: i64) -> AppResult<Resealed> {
    let mut out = Resealed::default();
    let mut addressees = (0, 0);
    let steps: [(Step, &mut usize); 8] = [
        (identity::reseal_reporters, &mut out.reporters),
        (identity::reseal_mail, &mut out.mails),
        (identity::reseal_calls, &mut out.calls),
        (identity::reseal_outbox, &mut out.outbox),
        (crate::db::repo::privacy::reseal_requests, &mut out.requests),
        (crate::db::repo::accounts::reseal_users, &mut out.accounts),
        (crate::db::repo::letters::reseal_results, &mut addressees.0),
        (crate::db::repo::letters::reseal_letters, &mut addressees.1),
    ];
    for (step, count) in steps {
        let mut after = String::new();
        loop {
            let b = write_tx(conn, |c| step(c, v, pass, &after, batch))?;
            *count += b.sealed;
            match b.last {
                Some(last) => after = last,
                None => break,
            }
        }
    }
    out.addressees = addressees.0 + addressees.1;
    Ok(out)
}

/// How much of a report's identity a role sees (Art. 4.5), restriction included: whether the
/// reporter restricted it is read only when the role would otherwise see it.
pub fn identity_of(
    c: &mut DbConn,
    role: Role,
    is_reporter: bool,
    r: &ReportRow,
) -> AppResult<Identity> {
    let open = identity_access(role, is_reporter, r.consent_share_contact, false);
    if open == Identity::Hidden || is_reporter || role == Role::PrivacyOfficer {
        return Ok(open);
    }
    let restricted = crate::db::repo::privacy::identity_restricted(c, &r.id)?;
    Ok(identity_access(
        role,
        is_reporter,
        r.consent_share_contact,
        restricted,
    ))
}
