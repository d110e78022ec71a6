//! Personal data under Law 91/2025/QH15 and Decree 356/2025/NĐ-CP: identities sealed at rest
//! (this file: the upgrade that seals what was stored in clear, and the key rotation).

use crate::db::repo::identity::{self, Batch, Pass};
use crate::db::vault::Vault;
use crate::db::{DbConn, write_tx};
use crate::error::AppResult;

/// What a pass sealed, per table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    pub reporters: usize,
    pub mails: usize,
    pub calls: usize,
    /// Messages to send (their recipients).
    pub outbox: usize,
}

type Step = fn(&mut DbConn, &Vault, Pass, &str, i64) -> diesel::QueryResult<Batch>;

/// Seals, batch by batch (one transaction each), every identity a pass takes: in clear
/// (`Upgrade`, run at every start: a database written before encryption is sealed before
/// the service answers), or not under the current key (`Rotate`, `paht rotate-keys`).
/// Resumable: a stopped pass leaves sealed rows sealed and finds the others again.
pub fn reseal(conn: &mut DbConn, v: &Vault, pass: Pass, batch: i64) -> AppResult<Resealed> {
    let mut out = Resealed::default();
    let steps: [(Step, &mut usize); 4] = [
        (identity::reseal_reporters, &mut out.reporters),
        (identity::reseal_mail, &mut out.mails),
        (identity::reseal_calls, &mut out.calls),
        (identity::reseal_outbox, &mut out.outbox),
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
    Ok(out)
}
