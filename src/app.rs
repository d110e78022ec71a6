//! The composition root: how the application starts (migrations, reference data, first
//! admin, signing key), and the one function that builds the HTTP app for the server, the tests
//! and the contract generator alike.

use std::sync::Arc;

pub mod cli;
pub mod upkeep;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};
use utoipa_actix_web::AppExt;

use crate::api;
use crate::api::metrics::Metrics;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, write_tx};
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::JwtKeys;
use crate::service::auth::SessionCache;
use crate::service::bootstrap;
use crate::service::calendar::CalendarCache;
use crate::service::throttle::{AuthThrottle, ThrottleLimits};

pub use crate::api::AppState;

/// What happened at start, for the log.
#[derive(Debug, Default)]
pub struct StartReport {
    pub migrations_applied: usize,
    pub reference_loaded: bool,
    /// The generated password of the first admin, when none was configured.
    pub generated_admin_password: Option<String>,
    pub admin_created: bool,
    /// `PAHT_ADMIN_PASSWORD` was set but not used: an admin already exists.
    pub admin_password_ignored: bool,
    pub jwt_key_generated: bool,
    pub data_keys_generated: bool,
    /// Identities found in clear (a database written before encryption) and sealed.
    pub identities_sealed: crate::service::privacy::Resealed,
}

impl AppState {
    /// Prepares the database (migrations, reference data, first admin) and the state.
    pub fn init(config: Config, clock: Arc<dyn Clock>) -> AppResult<(AppState, StartReport)> {
        let mut report = StartReport {
            migrations_applied: db::run_migrations(&config.database)?,
            ..Default::default()
        };
        let pool = db::build_pool(
            &config.database,
            config.pool_size,
            config.pool_timeout,
            &config.sqlite_synchronous,
        )?;
        // The read replica is read, never migrated: it follows the primary.
        let reads = match &config.database_read {
            Some(url) => db::build_pool(
                url,
                config.pool_size,
                config.pool_timeout,
                &config.sqlite_synchronous,
            )?,
            None => pool.clone(),
        };
        let (secret, generated) = bootstrap::jwt_secret(&config)?;
        report.jwt_key_generated = generated;
        let (keys, generated) = bootstrap::data_keys(&config)?;
        report.data_keys_generated = generated;
        let vault = crate::db::vault::Vault::new(&keys).map_err(AppError::internal)?;
        let ctx = Context {
            reads,
            pool: pool.clone(),
            throttle: Arc::new(AuthThrottle::new(
                ThrottleLimits {
                    window: config.login_window,
                    login_per_pair: config.login_max_failures,
                    login_per_address: config.login_max_failures_per_address,
                    slowdown_after: config.login_slowdown_after,
                    slowdown_max: config.login_slowdown_max,
                    refresh_per_address: config.refresh_max_failures_per_address,
                    register_per_address: config.register_max_per_address,
                    follow_up_per_address: config.follow_up_max_failures_per_address,
                    guest_reports_per_address: config.guest_reports_max_per_address,
                },
                pool.clone(),
            )),
            jwt: Arc::new(JwtKeys::new(&secret)),
            vault: Arc::new(vault),
            objects: crate::service::objects::Objects::open(&config)?,
            calendar: Arc::new(CalendarCache::default()),
            sessions: Arc::new(SessionCache::new(config.session_cache_ttl)),
            config: Arc::new(config),
            clock,
            report_changes: Default::default(),
            outbox_wake: Default::default(),
            outbox_counts: Default::default(),
            hooks: Default::default(),
        };
        let state = AppState {
            public: Arc::new(api::caching::PublicCache::new(ctx.config.public_cache_ttl)),
            writes: Arc::new(api::shedding::WriteGate::new(ctx.config.max_pending_writes)),
            ctx,
            metrics: Arc::new(Metrics::new()),
        };
        let now = state.clock.now().naive_utc();
        let mut conn = state.pool.get()?;
        report.reference_loaded = write_tx(&mut conn, |c| -> AppResult<bool> {
            // Reference data may add agencies below others: the supervisors' counters follow.
            crate::service::stat_counts::hold_tree(c, true)?;
            let tree = crate::service::stat_counts::Supervisors::load(c)?;
            let reference = db::seed::load_reference(c, now)?;
            let units = db::seed::load_unit_lists(c, now)?;
            let calendar = db::seed::load_calendar(c, now)?;
            crate::service::stat_counts::tree_changed(c, &tree)?;
            Ok(reference || units || calendar)
        })?;
        // Statistics counters of reports that predate them are built once.
        crate::service::stat_counts::ensure_built(&mut conn, now)?;
        // Identities stored before encryption are sealed before the service answers.
        report.identities_sealed = crate::service::privacy::upgrade(&mut conn, &state.vault, now)?;
        if let Err(e) = db::repo::identity::newest_opens(&mut conn, &state.vault)? {
            return Err(AppError::internal(format!(
                "the identity keys do not open what the database holds ({}): restore \
                 PAHT_DATA_KEYS, or the data folder's data-keys file",
                e.0
            )));
        }
        // Search texts of reports that predate them are written once.
        crate::service::reports::search::ensure_search_texts(&mut conn, now)?;
        let admin = bootstrap::ensure_admin(&state, &mut conn)?;
        report.admin_created = admin.created;
        report.generated_admin_password = admin.generated_password;
        report.admin_password_ignored = admin.password_ignored;
        Ok((state, report))
    }
}

/// Builds the HTTP application: routes, middleware, documentation and fallbacks.
pub fn build(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, openapi) = App::new()
        .into_utoipa_app()
        .configure(api::configure)
        .split_for_parts();
    let openapi = api::docs::finish(openapi);
    let routes = Arc::new(api::fallback::RouteTable::from_openapi(&openapi));
    let json_limit = state.config.json_limit;
    let cors = api::middleware::cors(&state.config);
    app.app_data(web::Data::new(state.clone()))
        .app_data(web::Data::from(routes))
        .app_data(api::extract::payload_config(json_limit))
        .app_data(api::extract::BodyLimits {
            bytes: json_limit,
            timeout: state.config.body_timeout,
        })
        .app_data(api::extract::path_config())
        .app_data(api::extract::query_config())
        .app_data(api::extract::json_config(json_limit))
        .service(api::docs::service(openapi))
        .service(web::resource("/docs").get(api::docs::redirect_to_ui))
        // Open311 GeoReport v2: its own standard, outside the OpenAPI contract.
        .configure(api::open311::routes)
        .default_service(web::to(api::fallback::not_found_or_not_allowed))
        .wrap(actix_web::middleware::from_fn(
            api::caching::conditional_get,
        ))
        .wrap(actix_web::middleware::from_fn(
            api::middleware::authenticate,
        ))
        .wrap(actix_web::middleware::from_fn(api::shedding::shed_writes))
        .wrap(cors)
        .wrap(actix_web::middleware::from_fn(
            api::middleware::cors_problem,
        ))
        .wrap(actix_web::middleware::from_fn(
            api::middleware::refuse_control_characters,
        ))
        .wrap(actix_web::middleware::from_fn(
            api::middleware::request_context,
        ))
        // JSON and the documentation's assets, gzip or brotli as the client accepts.
        .wrap(actix_web::middleware::Compress::default())
}

/// The OpenAPI document the code generates (for `paht openapi` and the contract test).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, openapi) = App::new()
        .into_utoipa_app()
        .configure(api::configure)
        .split_for_parts();
    api::docs::finish(openapi)
}

/// Runs the overdue sweeper (Art. 8.5) every `interval` until the server stops: the timer is the
/// application's, the sweep a use case.
fn prune_throttle(ctx: &Context) -> crate::error::AppResult<usize> {
    ctx.throttle.prune(ctx.clock.now())
}

pub async fn run_sweeper(ctx: Context, interval: std::time::Duration) {
    use crate::error::AppResult;
    type Job = (&'static str, fn(&Context) -> AppResult<usize>);
    const JOBS: [Job; 7] = [
        (
            "overdue steps marked",
            crate::service::reports::sweeper::sweep,
        ),
        // Art. 11.3, 16.4: reminders before the deadlines.
        (
            "deadline reminders written",
            crate::service::notify::reminders::remind,
        ),
        // Art. 11.3, 16.4: the IOC's daily digest of what is overdue, by agency.
        (
            "overdue digest written",
            crate::service::notify::digest::send_daily,
        ),
        ("live feed pruned", crate::service::live::prune),
        ("throttle attempts pruned", prune_throttle),
        (
            "unreferenced objects collected",
            crate::service::objects::gc::collect,
        ),
        // Law 91/2025/QH15: data whose retention is over goes.
        (
            "personal data past its retention removed",
            crate::service::privacy::retention::sweep,
        ),
    ];
    let mut tick = actix_web::rt::time::interval(interval);
    loop {
        tick.tick().await;
        for (what, job) in JOBS {
            let c = ctx.clone();
            match actix_web::web::block(move || job(&c)).await {
                Ok(Ok(n)) if n > 0 => tracing::info!(count = n, "{what}"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, job = what, "sweeper job failed"),
                Err(e) => tracing::warn!(error = %e, job = what, "sweeper job failed"),
            }
        }
    }
}
