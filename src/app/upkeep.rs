//! The maintenance commands of the `paht` binary that run on a started state: moving files
//! out of the database, and re-sealing identities under a new key.

use std::process::ExitCode;
use std::sync::Arc;

use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Config;

/// `paht move-files`: moves the files kept in the database (written before the object store)
/// to the store, printing what it moved. Resumable: run it again after a stop.
pub fn move_files(config: Config, batch: i64) -> ExitCode {
    let (state, _) = match AppState::init(config, Arc::new(SystemClock)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("paht: {}", e.cause.as_deref().unwrap_or(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    eprintln!("moving files to {}", state.ctx.objects.location);
    match crate::service::objects::move_out::run(&state.ctx, batch, usize::MAX) {
        Ok(m) => {
            println!(
                "moved {} attachments, {} recordings, {} e-mails ({} bytes); {} damaged left in the database",
                m.attachments, m.recordings, m.mails, m.bytes, m.damaged
            );
            if m.damaged > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!(
                "paht: stopped ({}); run it again to go on",
                e.cause.as_deref().unwrap_or(&e.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

/// `paht rotate-keys`: seals every identity under the current key (the first of
/// `PAHT_DATA_KEYS`), so the older keys can then be removed. Resumable.
pub fn rotate_keys(config: Config, batch: i64) -> ExitCode {
    let (state, _) = match AppState::init(config, Arc::new(SystemClock)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("paht: {}", e.cause.as_deref().unwrap_or(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let Ok(mut conn) = state.ctx.pool.get() else {
        eprintln!("paht: the database is unreachable");
        return ExitCode::FAILURE;
    };
    let current = state.ctx.vault.current_key().to_string();
    eprintln!("sealing every identity under key {current}");
    match crate::service::privacy::reseal(
        &mut conn,
        &state.ctx.vault,
        crate::db::repo::identity::Pass::Rotate,
        batch,
    ) {
        Ok(r) => {
            println!(
                "re-sealed {} reporters, {} e-mails, {} calls, {} messages to send under key {current}; the older keys may now be removed",
                r.reporters, r.mails, r.calls, r.outbox
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "paht: stopped ({}); run it again to go on",
                e.cause.as_deref().unwrap_or(&e.to_string())
            );
            ExitCode::FAILURE
        }
    }
}
