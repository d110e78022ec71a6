//! Every setting of the service, read from the environment (and an optional `.env` file),
//! validated once at start. Each variable is documented in `.env.example` and the README.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::calendar::OfficeSessions;
use crate::domain::report::GeoBounds;

mod notify;
mod privacy;
mod scale;
pub use notify::NotifyConfig;
use notify::notify_config;
pub use privacy::{DataKeys, Retention};
pub use scale::StoreOptions;

/// Which database a URL points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://…` or `postgresql://…`
    Postgres(String),
    /// `sqlite://PATH` or a plain file path.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Picks the backend from the URL scheme.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if path.is_empty() || path == ":memory:" {
            return Err(
                "DATABASE_URL: an in-memory SQLite database cannot be shared by a pool; give a file path"
                    .into(),
            );
        }
        if path.contains("://") {
            return Err(format!(
                "DATABASE_URL: unknown scheme in {:?}; use postgres://, postgresql://, sqlite:// or a file path",
                raw.split("://").next().unwrap_or_default()
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// A description safe to log (no password).
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
                _ => url.clone(),
            },
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The service's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database: DatabaseUrl,
    pub data_dir: PathBuf,
    pub pool_size: u32,
    pub pool_timeout: Duration,
    /// `None`: generated on first start and kept in the data folder.
    pub jwt_secret: Option<String>,
    /// Identity encryption and blind-index keys; empty: generated (SQLite only).
    pub data_keys: DataKeys,
    /// How long each class of personal data is kept (`PAHT_RETENTION_*`).
    pub retention: Retention,
    pub access_token_ttl: Duration,
    /// How long the account behind a token is remembered between requests (changes made in
    /// this process apply at once; this bounds changes made by another replica).
    pub session_cache_ttl: Duration,
    /// How long an anonymous answer of a public page is served again (a change of a report in
    /// this process ends it at once; this bounds other replicas and directory changes).
    pub public_cache_ttl: Duration,
    /// State-changing requests in progress at most; past it, 503 with `Retry-After`.
    pub max_pending_writes: usize,
    pub refresh_token_ttl: Duration,
    pub admin_password: Option<String>,
    /// Empty: no cross-origin access. `["*"]`: any origin.
    pub cors_origins: Vec<String>,
    pub office_sessions: OfficeSessions,
    pub log: String,
    pub log_format: LogFormat,
    pub json_limit: usize,
    /// SQLite `synchronous` pragma: FULL (default) or NORMAL.
    pub sqlite_synchronous: String,
    /// Failed sign-ins allowed per (account, client address) in the window before 429.
    pub login_max_failures: u32,
    /// Failed sign-ins allowed per client address, on any account, before 429.
    pub login_max_failures_per_address: u32,
    /// Failed sign-ins on one account, from anywhere, before its attempts slow down.
    pub login_slowdown_after: u32,
    /// The longest slow-down of a sign-in attempt.
    pub login_slowdown_max: Duration,
    /// Failed token refreshes allowed per client address before 429.
    pub refresh_max_failures_per_address: u32,
    /// Registrations allowed per client address before 429.
    pub register_max_per_address: u32,
    /// Wrong follow-up tokens (or codes) per client address in the window before 429.
    pub follow_up_max_failures_per_address: u32,
    /// Reports from guests (no account) per client address in the window before 429.
    pub guest_reports_max_per_address: u32,
    /// The sliding window of the sign-in, refresh and registration limits.
    pub login_window: Duration,
    /// Longest time to receive a JSON request body before 408.
    pub body_timeout: Duration,
    /// Longest time to receive an attachment before 408.
    pub upload_timeout: Duration,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    /// The province's bounding box for report coordinates.
    pub geo_bounds: GeoBounds,
    /// Largest attachment, bytes.
    pub attachment_limit: usize,
    /// How often the overdue sweeper runs; 0 turns it off (another replica runs it).
    pub sweep_interval: Duration,
    /// The latest deadline an extension may commit to, in working days after the current one
    /// (Art. 8.3 sets no bound).
    pub extension_max_working_days: u32,
    /// The outbox's dispatcher and the transports it delivers through.
    pub notify: NotifyConfig,
    /// `PAHT_MAIL_INTAKE_KEY`: the key an MTA pipe or an inbound-mail webhook posts messages
    /// with; without it `POST /api/v1/intake/email` is closed.
    pub mail_intake_key: Option<String>,
    /// Largest message read into the IOC's queue; a larger one is kept, unread.
    pub mail_max_bytes: usize,
    /// Largest message kept at all (the MTA's own limit should be at most this).
    pub mail_store_max_bytes: usize,
    /// `PAHT_SWITCHBOARD_KEY`: the key the 1022 switchboard posts its calls with; without it
    /// `POST /api/v1/intake/calls` is closed.
    pub switchboard_key: Option<String>,
    /// `PAHT_DUPLICATE_RADIUS_M`: how far apart two reports may be and still be suggested as
    /// duplicates (metres).
    pub duplicate_radius_m: f64,
    /// `PAHT_DUPLICATE_WINDOW_DAYS`: how far apart in time (days).
    pub duplicate_window_days: i64,
    /// Where files live: `None` for the local folder `<data dir>/objects`, `file:///path` for
    /// another folder, `s3://bucket[/prefix]` for an S3-compatible store (`PAHT_OBJECT_STORE_URL`).
    pub object_store_url: Option<String>,
    /// The S3 client's settings: every `AWS_*` variable (credentials, region, endpoint,
    /// `AWS_ALLOW_HTTP`), passed to the client as its configuration keys.
    pub object_store_options: StoreOptions,
    /// An object nothing references is collected once it is this old
    /// (`PAHT_OBJECT_STORE_GRACE_SECS`): a file is written before the transaction that names it
    /// commits, and must outlive that transaction.
    pub object_store_grace: Duration,
    /// How often the sweeper looks for unreferenced objects (`PAHT_OBJECT_STORE_GC_SECS`, 0 never).
    pub object_store_gc_every: Duration,
    /// A second database that statistics, public reads and exports read from
    /// (`PAHT_DATABASE_READ_URL`, PostgreSQL only): a streaming replica of the primary.
    pub database_read: Option<DatabaseUrl>,
}

impl Config {
    /// Reads the process environment (after loading `.env` if present).
    pub fn from_env() -> Result<Self, Vec<String>> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_map(&vars)
    }

    /// Builds and validates a configuration from a map of variables; every problem is reported.
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, Vec<String>> {
        let mut errs = Vec::new();
        let get = |k: &str| {
            vars.get(k)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };

        let notify = notify_config(&get, &mut errs);
        let bind = get("PAHT_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind.parse::<SocketAddr>().unwrap_or_else(|_| {
            errs.push(format!(
                "PAHT_BIND: {bind:?} is not an address:port such as 127.0.0.1:8080"
            ));
            SocketAddr::from(([127, 0, 0, 1], 8080))
        });
        let data_dir = PathBuf::from(get("PAHT_DATA_DIR").unwrap_or_else(|| "data".into()));
        let db_raw = get("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/paht.db", data_dir.display()));
        let database = DatabaseUrl::parse(&db_raw).unwrap_or_else(|e| {
            errs.push(e);
            DatabaseUrl::Sqlite(data_dir.join("paht.db"))
        });

        let mut num = |key: &str, default: u64, min: u64, max: u64| -> u64 {
            match get(key) {
                None => default,
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => n,
                    _ => {
                        errs.push(format!(
                            "{key}: {v:?} must be a whole number from {min} to {max}"
                        ));
                        default
                    }
                },
            }
        };
        let pool_size = num("PAHT_DB_POOL_SIZE", 10, 1, 200) as u32;
        let pool_timeout = Duration::from_millis(num("PAHT_DB_TIMEOUT_MS", 3000, 100, 60_000));
        let access_token_ttl =
            Duration::from_secs(num("PAHT_ACCESS_TOKEN_TTL_SECS", 900, 60, 86_400));
        let session_cache_ttl =
            Duration::from_millis(num("PAHT_SESSION_CACHE_MS", 2000, 0, 60_000));
        let public_cache_ttl = Duration::from_millis(num("PAHT_PUBLIC_CACHE_MS", 2000, 0, 60_000));
        let max_pending_writes = num("PAHT_MAX_PENDING_WRITES", 128, 1, 100_000) as usize;
        let refresh_token_ttl = Duration::from_secs(num(
            "PAHT_REFRESH_TOKEN_TTL_SECS",
            30 * 86_400,
            3600,
            365 * 86_400,
        ));
        let json_limit = num("PAHT_JSON_LIMIT_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024) as usize;
        let login_max_failures = num("PAHT_LOGIN_MAX_FAILURES", 5, 1, 1000) as u32;
        let login_max_failures_per_address =
            num("PAHT_LOGIN_MAX_FAILURES_ADDRESS", 20, 1, 100_000) as u32;
        let login_slowdown_after = num("PAHT_LOGIN_SLOWDOWN_AFTER", 5, 0, 100_000) as u32;
        let login_slowdown_max =
            Duration::from_millis(num("PAHT_LOGIN_SLOWDOWN_MAX_MS", 2000, 0, 30_000));
        let refresh_max_failures_per_address =
            num("PAHT_REFRESH_MAX_FAILURES_ADDRESS", 20, 1, 100_000) as u32;
        let register_max_per_address = num("PAHT_REGISTER_MAX_PER_ADDRESS", 10, 1, 100_000) as u32;
        let follow_up_max_failures_per_address =
            num("PAHT_FOLLOW_UP_MAX_FAILURES_ADDRESS", 10, 1, 100_000) as u32;
        let guest_reports_max_per_address =
            num("PAHT_GUEST_REPORTS_MAX_PER_ADDRESS", 5, 1, 100_000) as u32;
        let body_timeout = Duration::from_millis(num("PAHT_BODY_TIMEOUT_MS", 30_000, 10, 600_000));
        let upload_timeout =
            Duration::from_millis(num("PAHT_UPLOAD_TIMEOUT_MS", 300_000, 10, 3_600_000));
        let login_window = Duration::from_secs(num("PAHT_LOGIN_WINDOW_SECS", 900, 1, 86_400));
        let sweep_interval = Duration::from_secs(num("PAHT_SWEEP_INTERVAL_SECS", 60, 0, 86_400));
        let extension_max_working_days = num("PAHT_EXTENSION_MAX_WORKING_DAYS", 10, 1, 250) as u32;
        let attachment_limit = num(
            "PAHT_ATTACHMENT_LIMIT_BYTES",
            10 * 1024 * 1024,
            1024,
            100 * 1024 * 1024,
        ) as usize;

        let duplicate_radius_m = num("PAHT_DUPLICATE_RADIUS_M", 300, 10, 5_000) as f64;
        let duplicate_window_days = num("PAHT_DUPLICATE_WINDOW_DAYS", 30, 1, 365) as i64;
        let object_store_grace =
            Duration::from_secs(num("PAHT_OBJECT_STORE_GRACE_SECS", 86_400, 0, 30 * 86_400));
        let object_store_gc_every =
            Duration::from_secs(num("PAHT_OBJECT_STORE_GC_SECS", 3_600, 0, 7 * 86_400));
        let mail_max_bytes = num(
            "PAHT_MAIL_MAX_BYTES",
            25 * 1024 * 1024,
            1024,
            200 * 1024 * 1024,
        ) as usize;
        let mail_store_max_bytes = num(
            "PAHT_MAIL_STORE_MAX_BYTES",
            100 * 1024 * 1024,
            1024,
            1024 * 1024 * 1024,
        ) as usize;
        if mail_store_max_bytes < mail_max_bytes {
            errs.push("PAHT_MAIL_STORE_MAX_BYTES: must be at least PAHT_MAIL_MAX_BYTES".into());
        }
        let key = |name: &str, errs: &mut Vec<String>| {
            let k = get(name)?;
            if k.len() < 24 {
                errs.push(format!("{name}: must be at least 24 characters"));
            }
            Some(k)
        };
        let mail_intake_key = key("PAHT_MAIL_INTAKE_KEY", &mut errs);
        let switchboard_key = key("PAHT_SWITCHBOARD_KEY", &mut errs);

        let scale::Scale {
            object_store_url,
            object_store_options,
            database_read,
        } = scale::settings(vars, &get, &database, &mut errs);
        let (data_keys, retention) = privacy::settings(&get, &database, &mut errs);
        let jwt_secret = get("PAHT_JWT_SECRET");
        if let Some(s) = &jwt_secret
            && s.len() < 32
        {
            errs.push("PAHT_JWT_SECRET: must be at least 32 characters".into());
        }
        // On PostgreSQL the service may run as several replicas: a key generated by each would
        // make one replica refuse the tokens of another. SQLite (one process) keeps the
        // generated key in the data folder.
        if jwt_secret.is_none() && matches!(database, DatabaseUrl::Postgres(_)) {
            errs.push(
                "PAHT_JWT_SECRET: required on PostgreSQL (every replica must sign with the same key)"
                    .into(),
            );
        }
        let admin_password = get("PAHT_ADMIN_PASSWORD");
        if let Some(p) = &admin_password
            && let Err(e) = crate::domain::account::check_password_strength(p)
        {
            errs.push(format!("PAHT_ADMIN_PASSWORD: {}", e.en));
        }
        let cors_origins: Vec<String> = get("PAHT_CORS_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for o in &cors_origins {
            if o != "*" && !(o.starts_with("http://") || o.starts_with("https://")) {
                errs.push(format!(
                    "PAHT_CORS_ORIGINS: {o:?} is not an origin such as https://paht.example.vn"
                ));
            }
        }
        let office_sessions = match get("PAHT_OFFICE_SESSIONS") {
            None => OfficeSessions::default(),
            Some(v) => OfficeSessions::parse(&v).unwrap_or_else(|e| {
                errs.push(format!("PAHT_OFFICE_SESSIONS: {e}"));
                OfficeSessions::default()
            }),
        };
        let log = get("PAHT_LOG").unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log).is_err() {
            errs.push(format!(
                "PAHT_LOG: {log:?} is not a log filter such as info or paht=debug"
            ));
        }
        let log_format = match get("PAHT_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(v) => {
                errs.push(format!("PAHT_LOG_FORMAT: {v:?} must be text or json"));
                LogFormat::Text
            }
        };
        let sqlite_synchronous = get("PAHT_SQLITE_SYNCHRONOUS")
            .unwrap_or_else(|| "FULL".into())
            .to_uppercase();
        if sqlite_synchronous != "FULL" && sqlite_synchronous != "NORMAL" {
            errs.push("PAHT_SQLITE_SYNCHRONOUS: must be FULL or NORMAL".into());
        }
        let trust_proxy = match get("PAHT_TRUST_PROXY").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(v) => {
                errs.push(format!("PAHT_TRUST_PROXY: {v:?} must be true or false"));
                false
            }
        };

        let geo_bounds = match get("PAHT_GEO_BOUNDS") {
            None => GeoBounds::default(),
            Some(v) => GeoBounds::parse(&v).unwrap_or_else(|e| {
                errs.push(format!("PAHT_GEO_BOUNDS: {e}"));
                GeoBounds::default()
            }),
        };

        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(Self {
            notify,
            bind,
            database,
            data_dir,
            pool_size,
            pool_timeout,
            jwt_secret,
            data_keys,
            retention,
            access_token_ttl,
            session_cache_ttl,
            public_cache_ttl,
            max_pending_writes,
            refresh_token_ttl,
            admin_password,
            cors_origins,
            office_sessions,
            log,
            log_format,
            json_limit,
            sqlite_synchronous,
            login_max_failures,
            login_max_failures_per_address,
            login_slowdown_after,
            login_slowdown_max,
            refresh_max_failures_per_address,
            register_max_per_address,
            follow_up_max_failures_per_address,
            guest_reports_max_per_address,
            login_window,
            body_timeout,
            upload_timeout,
            trust_proxy,
            geo_bounds,
            attachment_limit,
            sweep_interval,
            extension_max_working_days,
            mail_intake_key,
            mail_max_bytes,
            mail_store_max_bytes,
            switchboard_key,
            duplicate_radius_m,
            duplicate_window_days,
            object_store_url,
            object_store_options,
            object_store_grace,
            object_store_gc_every,
            database_read,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, Vec<String>> {
        Config::from_map(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database, DatabaseUrl::Sqlite("data/paht.db".into()));
        assert_eq!(c.sqlite_synchronous, "FULL");
        assert_eq!(c.json_limit, 1024 * 1024);
    }

    #[test]
    fn database_url_schemes() {
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:p@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgresql://h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert_eq!(
            DatabaseUrl::parse("sqlite://x/y.db"),
            Ok(DatabaseUrl::Sqlite("x/y.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("/abs/y.db"),
            Ok(DatabaseUrl::Sqlite("/abs/y.db".into()))
        );
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
        assert_eq!(
            DatabaseUrl::parse("postgres://u:secret@h:5432/db")
                .unwrap()
                .redacted(),
            "postgres://***@h:5432/db"
        );
    }

    #[test]
    fn every_bad_value_is_reported() {
        let errs = cfg(&[
            ("PAHT_BIND", "nowhere"),
            ("PAHT_DB_POOL_SIZE", "0"),
            ("PAHT_JWT_SECRET", "short"),
            ("PAHT_CORS_ORIGINS", "example.com"),
            ("PAHT_OFFICE_SESSIONS", "25:00-11:00"),
        ])
        .unwrap_err();
        assert_eq!(errs.len(), 5, "{errs:?}");
    }
}
