//! The `paht` command: `paht` (or `paht serve`) runs the service; `paht openapi` prints the
//! API contract; `paht migrate` applies the migrations and the reference data, then exits;
//! `paht seed-demo --reports N [--seed S]` fills the database with demo reports;
//! `paht admin reset-password [LOGIN]` gives an administrator a new password;
//! `paht admin import-units FILE [--valid-from YYYY-MM-DD] [--parent CODE]` loads an official list
//! of commune-level units; `paht ingest-mail < message.eml` takes a message from a mail
//! server's pipe.

use std::process::ExitCode;
use std::sync::Arc;

use paht::app::{self, AppState, cli};
use paht::clock::SystemClock;
use paht::config::{Config, LogFormat};

fn init_logging(config: &Config) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into());
    use std::io::IsTerminal;
    // Colour only on a terminal: a log file or a collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: paht [serve | migrate | openapi | seed-demo --reports N [--seed S] [--total T]\n\
         \x20           | admin reset-password [LOGIN]\n\
         \x20           | admin import-units FILE.csv [--valid-from YYYY-MM-DD] [--parent CODE]\n\
         \x20           | ingest-mail < MESSAGE.eml | move-files [--batch N]\n\
         \x20           | rotate-keys [--batch N] | retention [--dry-run] [--batch N]]"
    );
    ExitCode::from(2)
}

/// Fills the database with demo reports through the real use cases, on a clock that walks
/// through the past year, with a progress bar.
fn seed_demo(config: Config, args: &[String]) -> ExitCode {
    use std::io::Write;
    let Some(n) = cli::flag(args, "--reports")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
    else {
        return usage();
    };
    let seed = cli::flag(args, "--seed")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(2026);
    let clock = Arc::new(paht::clock::ManualClock::new(chrono::Utc::now()));
    let (state, _) = match AppState::init(config, clock.clone()) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, cause = e.cause.as_deref().unwrap_or(""), "cannot start");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let result = paht::demo::seed(&state, &clock, n, seed, |done| {
        if done % 50 == 0 || done == n {
            let width = 40;
            let filled = done * width / n;
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            eprint!(
                "\r[{}{}] {done}/{n} reports ({rate:.0}/s)",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            let _ = std::io::stderr().flush();
        }
    });
    eprintln!();
    let total = cli::flag(args, "--total")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let result = match result {
        Ok(r) if total > r.reports => {
            let copying = std::time::Instant::now();
            paht::demo::copy_reports(&state, total, |done, need| {
                let width = 40;
                let filled = done * width / need.max(1);
                let rate = done as f64 / copying.elapsed().as_secs_f64().max(0.001);
                eprint!(
                    "\r[{}{}] {done}/{need} copies ({rate:.0}/s)",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
                let _ = std::io::stderr().flush();
            })
            .map(|added| {
                eprintln!();
                paht::demo::DemoReport {
                    reports: r.reports + added,
                    ..r
                }
            })
        }
        other => other,
    };
    match result {
        Ok(r) => {
            tracing::info!(
                reports = r.reports,
                published = r.published,
                seconds = started.elapsed().as_secs(),
                password = paht::demo::DEMO_PASSWORD,
                "demo data seeded; demo accounts: demo.operator, demo.province, demo.<agency code>.staff/.leader"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, cause = e.cause.as_deref().unwrap_or(""), "seeding failed");
            ExitCode::FAILURE
        }
    }
}

/// `paht admin …`: maintenance commands run against the configured database.
fn admin(config: Config, args: &[String]) -> ExitCode {
    let sub = args.get(2).map(String::as_str);
    if !matches!(sub, Some("reset-password" | "import-units")) {
        return usage();
    }
    let (state, _) = match AppState::init(config, Arc::new(SystemClock)) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, cause = e.cause.as_deref().unwrap_or(""), "cannot start");
            return ExitCode::FAILURE;
        }
    };
    if sub == Some("reset-password") {
        let login = args
            .get(3)
            .filter(|a| !a.starts_with("--"))
            .map_or("admin", String::as_str);
        return match paht::service::bootstrap::reset_admin_password(&state, login) {
            Ok(password) => {
                // On standard output, not in the log: shown once.
                println!("login: {login}\npassword: {password}");
                eprintln!(
                    "paht: new password set; every session of `{login}` has ended. Sign in and change it."
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("paht: {}", e.cause.as_deref().unwrap_or(&e.to_string()));
                ExitCode::FAILURE
            }
        };
    }
    let Some(file) = args.get(3).filter(|a| !a.starts_with("--")) else {
        return usage();
    };
    let valid_from = match cli::flag(args, "--valid-from").map(|d| d.parse::<chrono::NaiveDate>()) {
        None => chrono::Utc::now()
            .with_timezone(&paht::domain::calendar::TIME_ZONE)
            .date_naive(),
        Some(Ok(d)) => d,
        Some(Err(_)) => {
            eprintln!("paht: --valid-from must be a date YYYY-MM-DD");
            return ExitCode::from(2);
        }
    };
    let parent = cli::flag(args, "--parent").unwrap_or_else(|| "92".into());
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("paht: cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match paht::service::bootstrap::import_units(&state, &text, &parent, valid_from) {
        Ok(r) => {
            println!(
                "units: {} added, {} updated, {} unchanged, {} ended on {}; successions: {}; \
                 People's Committees: {} added, {} ended",
                r.added,
                r.updated,
                r.unchanged,
                r.ended,
                valid_from - chrono::Duration::days(1),
                r.successions,
                r.agencies_added,
                r.agencies_ended
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("paht: the list was not loaded (nothing changed):");
            for p in problems {
                eprintln!("  - {p}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `paht ingest-mail < message.eml`: a mail server's pipe (Postfix `pipe`, Exim `pipe`,
/// procmail). The message is kept and read as `POST /api/v1/intake/email` does. The exit code
/// is what a mail server understands (sysexits): 0 taken; 65 (`EX_DATAERR`) kept but unreadable
/// or too large, so the server bounces it with the reason; 75 (`EX_TEMPFAIL`) not kept (the
/// database is unreachable), so the server keeps it and tries again.
fn ingest_mail(config: Config) -> ExitCode {
    use std::io::Read;
    const EX_DATAERR: u8 = 65;
    const EX_TEMPFAIL: u8 = 75;
    let limit = config.mail_store_max_bytes;
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut raw)
    {
        eprintln!("paht: cannot read the message: {e}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    if raw.len() > limit {
        eprintln!("paht: the message is larger than PAHT_MAIL_STORE_MAX_BYTES ({limit} bytes)");
        return ExitCode::from(EX_DATAERR);
    }
    let (state, _) = match AppState::init(config, Arc::new(SystemClock)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("paht: {}", e.cause.as_deref().unwrap_or(&e.to_string()));
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    match paht::service::channels::mail::ingest(&state.ctx, raw, "pipe") {
        Ok(out) if out.mail.status == paht::service::channels::mail::status::UNREADABLE => {
            eprintln!(
                "paht: {}",
                paht::api::mailbox::unreadable(&out.mail).detail.vi
            );
            ExitCode::from(EX_DATAERR)
        }
        Ok(out) => {
            println!(
                "{} {}{}",
                out.mail.id,
                out.mail.status,
                if out.duplicate { " (duplicate)" } else { "" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("paht: {}", e.cause.as_deref().unwrap_or(&e.to_string()));
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

/// A future that ends at the first SIGTERM or SIGINT; the handlers are in place when it returns.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            futures_util::future::select(Box::pin(term.recv()), Box::pin(int.recv())).await;
            tracing::info!("stop signal received; finishing the requests in hand");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = actix_web::rt::signal::ctrl_c().await;
        })
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let command = args.get(1).cloned().unwrap_or_else(|| "serve".into());
    if command == "openapi" {
        let doc = app::openapi();
        println!("{}", doc.to_pretty_json().expect("the document serialises"));
        return ExitCode::SUCCESS;
    }
    if !matches!(
        command.as_str(),
        "serve"
            | "migrate"
            | "seed-demo"
            | "admin"
            | "ingest-mail"
            | "move-files"
            | "rotate-keys"
            | "retention"
    ) {
        return usage();
    }
    if !cli::arguments_known(&command, &args) {
        return usage();
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("paht: the configuration is invalid:");
            for e in errors {
                eprintln!("  - {e}");
            }
            eprintln!("See .env.example for every variable.");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    if command == "seed-demo" {
        return seed_demo(config, &args);
    }
    if command == "admin" {
        return admin(config, &args);
    }
    if command == "ingest-mail" {
        return ingest_mail(config);
    }
    if let Some(default) = cli::default_batch(&command) {
        let Some(b) = cli::batch(&args, default) else {
            return usage();
        };
        return match command.as_str() {
            "move-files" => app::upkeep::move_files(config, b),
            "rotate-keys" => app::upkeep::rotate_keys(config, b),
            _ => app::upkeep::retention(config, args.iter().any(|a| a == "--dry-run"), b),
        };
    }
    tracing::info!(database = %config.database.redacted(), "starting");
    let (state, report) = match AppState::init(config.clone(), Arc::new(SystemClock)) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, cause = e.cause.as_deref().unwrap_or(""), "cannot start");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        migrations = report.migrations_applied,
        reference_data = report.reference_loaded,
        "database ready"
    );
    if report.jwt_key_generated {
        tracing::warn!(
            path = %config.data_dir.join("jwt-secret").display(),
            "PAHT_JWT_SECRET is not set: a signing key was generated and kept in the data folder. \
             Production must set PAHT_JWT_SECRET, and every replica must share the same value."
        );
    }
    let sealed = report.identities_sealed;
    if sealed != Default::default() {
        tracing::info!(
            reporters = sealed.reporters,
            emails = sealed.mails,
            calls = sealed.calls,
            messages = sealed.outbox,
            requests = sealed.requests,
            accounts = sealed.accounts,
            addressees = sealed.addressees,
            "identities stored in clear were sealed"
        );
    }
    if report.data_keys_generated {
        tracing::warn!(
            path = %config.data_dir.join("data-keys").display(),
            "PAHT_DATA_KEYS / PAHT_DATA_INDEX_KEY are not set: identity keys were generated and kept \
             in the data folder. Keep that file apart from the database's backups; production sets \
             both from a secret store."
        );
    }
    if report.admin_password_ignored {
        tracing::warn!(
            "PAHT_ADMIN_PASSWORD is set but an administrator already exists: the variable was not \
             used. To set a new password run `paht admin reset-password`."
        );
    }
    if report.admin_created {
        match &report.generated_admin_password {
            Some(p) => tracing::warn!(
                login = "admin",
                password = %p,
                "first admin account created with a random password, shown only this once: sign in and change it"
            ),
            None => tracing::info!(
                login = "admin",
                "first admin account created with PAHT_ADMIN_PASSWORD"
            ),
        }
    }
    if command == "migrate" {
        return ExitCode::SUCCESS;
    }
    let bind = config.bind;
    let sweep_every = config.sweep_interval;
    let dispatch = config.notify.dispatch;
    let result = actix_web::rt::System::new().block_on(async move {
        // SIGTERM and SIGINT are taken before anything starts, so a stop that comes while the
        // service is still starting is graceful too (else it would end the process at once,
        // with deliveries in hand unrecorded).
        let stop = stop_signal()?;
        // The outbox's workers deliver what every commit wrote (at least once).
        let dispatcher = if dispatch {
            match paht::service::outbox::spawn(state.ctx.clone()) {
                Ok(d) => Some(d),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the outbox dispatcher");
                    return Err(std::io::Error::other("the outbox dispatcher did not start"));
                }
            }
        } else {
            None
        };
        // Files kept in the database by an earlier version move to the object store, in the
        // background (the service answers meanwhile: such a file is read from its row).
        {
            let ctx = state.ctx.clone();
            actix_web::rt::spawn(async move {
                match actix_web::web::block(move || {
                    paht::service::objects::move_out::run(&ctx, 100, usize::MAX)
                })
                .await
                {
                    Ok(Ok(m)) if m.rows() > 0 || m.damaged > 0 => tracing::info!(
                        attachments = m.attachments,
                        recordings = m.recordings,
                        mails = m.mails,
                        bytes = m.bytes,
                        damaged = m.damaged,
                        "files moved out of the database"
                    ),
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "moving files out of the database stopped; it resumes at the next start"),
                    Err(e) => tracing::warn!(error = %e, "moving files out of the database stopped"),
                }
            });
        }
        if !sweep_every.is_zero() {
            // Art. 8.5: overdue steps are marked by the system itself.
            actix_web::rt::spawn(app::run_sweeper(state.ctx.clone(), sweep_every));
        }
        let served = match actix_web::HttpServer::new(move || app::build(state.clone())).bind(bind)
        {
            Ok(server) => {
                let server = server
                    // Headers must arrive within 5 s; bodies have their own limit
                    // (PAHT_BODY_TIMEOUT_MS).
                    .client_request_timeout(std::time::Duration::from_secs(5))
                    .shutdown_timeout(30)
                    .shutdown_signal(stop)
                    .run();
                tracing::info!(address = %bind, docs = %format!("http://{bind}/docs/"), "listening");
                server.await
            }
            Err(e) => Err(e),
        };
        if let Some(d) = dispatcher {
            // The deliveries in hand finish and are recorded before the process ends.
            d.shutdown();
        }
        served
    });
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server error");
            ExitCode::FAILURE
        }
    }
}
