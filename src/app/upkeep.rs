//! The maintenance commands of the `paht` binary that run on a started state: moving files
//! out of the database, re-sealing identities under a new key, and applying retention.

use std::process::ExitCode;
use std::sync::Arc;

use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::db::repo::identity::Pass;
use crate::error::{AppError, AppResult};

/// Starts the state, runs a resumable job and prints its outcome; a stop (an error) tells the
/// operator to run the command again.
fn run<T>(
    config: Config,
    job: impl FnOnce(&AppState) -> AppResult<T>,
    done: impl FnOnce(T) -> ExitCode,
) -> ExitCode {
    let cause = |e: &AppError| e.cause.clone().unwrap_or_else(|| e.to_string());
    let state = match AppState::init(config, Arc::new(SystemClock)) {
        Ok((state, _)) => state,
        Err(e) => {
            eprintln!("paht: {}", cause(&e));
            return ExitCode::FAILURE;
        }
    };
    match job(&state) {
        Ok(out) => done(out),
        Err(e) => {
            eprintln!("paht: stopped ({}); run it again to go on", cause(&e));
            ExitCode::FAILURE
        }
    }
}

/// `paht move-files`: moves the files kept in the database (written before the object store)
/// to the store, printing what it moved. Resumable: run it again after a stop.
pub fn move_files(config: Config, batch: i64) -> ExitCode {
    run(
        config,
        |state| {
            eprintln!("moving files to {}", state.ctx.objects.location);
            crate::service::objects::move_out::run(&state.ctx, batch, usize::MAX)
        },
        |m| {
            println!(
                "moved {} attachments, {} recordings, {} e-mails ({} bytes); {} damaged left in the database",
                m.attachments, m.recordings, m.mails, m.bytes, m.damaged
            );
            if m.damaged > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        },
    )
}

/// `paht rotate-keys`: seals every identity under the current key (the first of
/// `PAHT_DATA_KEYS`), so the older keys can then be removed. Resumable.
pub fn rotate_keys(config: Config, batch: i64) -> ExitCode {
    run(
        config,
        |state| {
            let current = state.ctx.vault.current_key().to_string();
            eprintln!("sealing every identity under key {current}");
            let mut conn = state.ctx.pool.get()?;
            crate::service::privacy::reseal(&mut conn, &state.ctx.vault, Pass::Rotate, batch)
                .map(|r| (current, r))
        },
        |(current, r)| {
            println!(
                "re-sealed {} reporters, {} e-mails, {} calls, {} messages to send, {} data subjects' requests, {} accounts, {} addressees under key {current}; the older keys may now be removed",
                r.reporters, r.mails, r.calls, r.outbox, r.requests, r.accounts, r.addressees
            );
            ExitCode::SUCCESS
        },
    )
}

/// `paht retention`: removes the personal data whose retention is over (the service does it
/// hourly too); `--dry-run` prints what would go, as JSON, and changes nothing.
pub fn retention(config: Config, dry_run: bool, batch: i64) -> ExitCode {
    if dry_run {
        return run(
            config,
            |state| crate::service::privacy::retention::plan(&state.ctx),
            |plan| {
                let json = serde_json::to_string_pretty(&plan).unwrap_or_default();
                println!("{json}");
                ExitCode::SUCCESS
            },
        );
    }
    run(
        config,
        |state| crate::service::privacy::retention::apply(&state.ctx, batch),
        |a| {
            println!(
                "erased {} identities, removed {} recordings, the attachments of {} reports and the texts of {} reports; {} files deleted from the store",
                a.identities, a.recordings, a.attachments, a.reports, a.files
            );
            ExitCode::SUCCESS
        },
    )
}
