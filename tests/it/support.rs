//! `TestApp`: the real application over a fresh database per test — a temporary SQLite file,
//! or, when `TEST_DATABASE_URL` names a PostgreSQL server, a new database copied from a
//! migrated template — driven in-process through the real router and middleware.

use std::collections::HashMap;
use std::sync::Arc;

use actix_http::Request;
use actix_service::{Service, ServiceExt, boxed};
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode, header::HeaderMap};
use actix_web::test;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use paht::app::{self, AppState};
use paht::clock::ManualClock;
use paht::config::Config;
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "quantri2026";
pub const PASSWORD: &str = "matkhau2026";

type Svc = boxed::RcService<Request, ServiceResponse<BoxBody>, actix_web::Error>;

pub struct TestApp {
    svc: Svc,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    _db: TestDb,
}

/// The test's database, removed when the test ends.
enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    /// Another replica's database: the first replica removes it.
    Shared,
    Postgres {
        admin_url: String,
        name: String,
        _dir: tempfile::TempDir,
    },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut c) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut c);
        }
    }
}

pub fn start_instant() -> DateTime<Utc> {
    // Monday 2 March 2026, 09:00 in Asia/Ho_Chi_Minh.
    DateTime::parse_from_rfc3339("2026-03-02T02:00:00Z")
        .unwrap()
        .to_utc()
}

/// The identity keys of tests on PostgreSQL (SQLite's are generated in the data folder).
pub const DATA_KEYS: &str = "t1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
pub const DATA_INDEX_KEY: &str = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=";

/// The identity-key variables a `paht` process needs to share this configuration's keys
/// (none on SQLite: the process reads the data folder's `data-keys`).
pub fn key_env(cfg: &Config) -> Vec<(&'static str, &'static str)> {
    if cfg.data_keys.keys.is_empty() {
        Vec::new()
    } else {
        vec![
            ("PAHT_DATA_KEYS", DATA_KEYS),
            ("PAHT_DATA_INDEX_KEY", DATA_INDEX_KEY),
        ]
    }
}

fn config(database_url: &str, data_dir: &std::path::Path) -> Config {
    let pg = database_url.starts_with("postgres");
    let keys = [
        ("PAHT_DATA_KEYS", DATA_KEYS.to_string()),
        ("PAHT_DATA_INDEX_KEY", DATA_INDEX_KEY.to_string()),
    ];
    let vars: HashMap<String, String> = keys
        .into_iter()
        .filter(|_| pg)
        .chain([
            ("DATABASE_URL", database_url.to_string()),
            ("PAHT_DATA_DIR", data_dir.display().to_string()),
            (
                "PAHT_JWT_SECRET",
                "test-secret-test-secret-test-secret-0123".to_string(),
            ),
            ("PAHT_ADMIN_PASSWORD", ADMIN_PASSWORD.to_string()),
            ("PAHT_DB_POOL_SIZE", "4".to_string()),
            ("PAHT_SQLITE_SYNCHRONOUS", "NORMAL".to_string()),
        ])
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Config::from_map(&vars).expect("test configuration is valid")
}

/// A short name for what the template database holds: the migrations and the reference data.
fn template_name() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = walk(&root.join("migrations/postgres"));
    files.extend(walk(&root.join("src/db/seed")));
    files.sort();
    for f in files {
        f.strip_prefix(root).unwrap().hash(&mut h);
        std::fs::read(&f).unwrap().hash(&mut h);
    }
    format!("paht_tpl_{:016x}", h.finish())
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database name");
    format!("{base}/{db}")
}

/// Creates the template once (under an advisory lock, so parallel test processes agree) and
/// copies it into a new database for this test.
fn postgres_database(admin_url: &str, dir: &std::path::Path) -> String {
    let tpl = template_name();
    let mut c = PgConnection::establish(admin_url).expect("TEST_DATABASE_URL reachable");
    diesel::sql_query("SELECT pg_advisory_lock(727002)")
        .execute(&mut c)
        .unwrap();
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let exists = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM pg_database WHERE datname = '{tpl}'"
    ))
    .get_result::<N>(&mut c)
    .unwrap()
    .n > 0;
    if !exists {
        let building = format!("{tpl}_build");
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .execute(&mut c)
        .unwrap();
        diesel::sql_query(format!("CREATE DATABASE \"{building}\""))
            .execute(&mut c)
            .unwrap();
        {
            let cfg = config(&with_db(admin_url, &building), dir);
            let clock = Arc::new(ManualClock::new(start_instant()));
            let (state, _) = AppState::init(cfg, clock).expect("template database initialised");
            drop(state);
        }
        diesel::sql_query(format!("ALTER DATABASE \"{building}\" RENAME TO \"{tpl}\""))
            .execute(&mut c)
            .or_else(|_| {
                diesel::sql_query(format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{building}'"))
                    .execute(&mut c)?;
                diesel::sql_query(format!("ALTER DATABASE \"{building}\" RENAME TO \"{tpl}\"")).execute(&mut c)
            })
            .unwrap();
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727002)")
        .execute(&mut c)
        .unwrap();
    let name = format!("paht_t_{}", uuid::Uuid::now_v7().simple());
    diesel::sql_query(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\""))
        .execute(&mut c)
        .unwrap();
    name
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    /// A test app whose configuration the test may adjust.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (mut cfg, db) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = postgres_database(&admin_url, dir.path());
                let cfg = config(&with_db(&admin_url, &name), dir.path());
                (
                    cfg,
                    TestDb::Postgres {
                        admin_url,
                        name,
                        _dir: dir,
                    },
                )
            }
            None => {
                let cfg = config(
                    &format!("sqlite://{}", dir.path().join("paht.db").display()),
                    dir.path(),
                );
                (cfg, TestDb::Sqlite(dir))
            }
        };
        adjust(&mut cfg);
        let clock = Arc::new(ManualClock::new(start_instant()));
        let (state, _) = AppState::init(cfg, clock.clone()).expect("app starts");
        let svc = test::init_service(app::build(state.clone())).await;
        let svc = boxed::rc_service(svc.map(|r: ServiceResponse<_>| r.map_into_boxed_body()));
        TestApp {
            svc,
            state,
            clock,
            _db: db,
        }
    }

    /// On PostgreSQL: the server's administration URL and this test's database name.
    pub fn postgres(&self) -> Option<(String, String)> {
        match &self._db {
            TestDb::Postgres {
                admin_url, name, ..
            } => Some((admin_url.clone(), name.clone())),
            _ => None,
        }
    }

    /// Another replica of the service on this app's database and configuration (its own
    /// process state: caches, throttles in memory if there were any, pools), on the same clock.
    pub async fn replica(&self) -> TestApp {
        self.replica_with(|_| {}).await
    }

    /// Another replica whose configuration the test may adjust.
    pub async fn replica_with(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut cfg = (*self.state.config).clone();
        adjust(&mut cfg);
        let (state, _) = AppState::init(cfg, self.clock.clone()).expect("replica starts");
        let svc = test::init_service(app::build(state.clone())).await;
        let svc = boxed::rc_service(svc.map(|r: ServiceResponse<_>| r.map_into_boxed_body()));
        TestApp {
            svc,
            state,
            clock: self.clock.clone(),
            _db: TestDb::Shared,
        }
    }

    pub fn req(&self, method: Method, path: &str) -> Req<'_> {
        Req {
            app: self,
            inner: test::TestRequest::default().method(method).uri(path),
        }
    }
    pub fn get(&self, path: &str) -> Req<'_> {
        self.req(Method::GET, path)
    }
    pub fn post(&self, path: &str) -> Req<'_> {
        self.req(Method::POST, path)
    }
    pub fn patch(&self, path: &str) -> Req<'_> {
        self.req(Method::PATCH, path)
    }
    pub fn put(&self, path: &str) -> Req<'_> {
        self.req(Method::PUT, path)
    }
    pub fn delete(&self, path: &str) -> Req<'_> {
        self.req(Method::DELETE, path)
    }

    /// Signs in and returns the full token response.
    pub async fn login_full(&self, login: &str, password: &str) -> Value {
        let res = self
            .post("/api/v1/auth/login")
            .json(&json!({"login": login, "password": password}))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::OK, "login {login}: {}", res.text());
        res.json()
    }

    pub async fn login(&self, login: &str, password: &str) -> String {
        self.login_full(login, password).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// The id of a seeded agency by code.
    pub async fn agency_id(&self, code: &str) -> String {
        let res = self.get("/api/v1/agencies").send().await;
        res.json()
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .unwrap_or_else(|| panic!("agency {code} seeded"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates a staff account (through the admin API) and signs it in: (user id, token).
    pub async fn staff(
        &self,
        username: &str,
        role: &str,
        agency_code: Option<&str>,
    ) -> (String, String) {
        let admin = self.admin().await;
        let agency_id = match agency_code {
            Some(c) => Some(self.agency_id(c).await),
            None => None,
        };
        let res = self
            .post("/api/v1/users")
            .bearer(&admin)
            .json(&json!({"username": username, "full_name": format!("Cán bộ {username}"), "role": role,
                "agency_id": agency_id, "password": PASSWORD}))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_string();
        (id, self.login(username, PASSWORD).await)
    }

    /// Registers a citizen by phone and signs in: (user id, token).
    pub async fn citizen(&self, phone: &str) -> (String, String) {
        let res = self
            .post("/api/v1/auth/register")
            .json(&json!({"full_name": "Nguyễn Thị Hoa", "phone": phone, "password": PASSWORD}))
            .send()
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let id = res.json()["id"].as_str().unwrap().to_string();
        (id, self.login(phone, PASSWORD).await)
    }
}

pub struct Req<'a> {
    app: &'a TestApp,
    inner: test::TestRequest,
}

impl Req<'_> {
    pub fn bearer(mut self, token: &str) -> Self {
        self.inner = self
            .inner
            .insert_header(("authorization", format!("Bearer {token}")));
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.inner = self
            .inner
            .insert_header((name.to_string(), value.to_string()));
        self
    }
    pub fn json(mut self, body: &Value) -> Self {
        self.inner = self.inner.set_json(body);
        self
    }
    pub fn raw(mut self, content_type: &str, body: impl Into<actix_web::web::Bytes>) -> Self {
        self.inner = self
            .inner
            .insert_header(("content-type", content_type.to_string()))
            .set_payload(body.into());
        self
    }
    pub fn peer(mut self, addr: &str) -> Self {
        self.inner = self.inner.peer_addr(addr.parse().unwrap());
        self
    }
    pub async fn send(self) -> Res {
        let req = self.inner.to_request();
        self.app.call(req).await
    }

    /// Opens a streamed answer (server-sent events) and reads it as it comes.
    pub async fn open_stream(self) -> EventStream {
        let req = self.inner.to_request();
        let res = self.app.svc.call(req).await.expect("the service answers");
        EventStream {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.into_body(),
            buf: String::new(),
        }
    }

    /// Sends a body whose first bytes arrive and whose rest never does (a stalled client).
    pub async fn send_stalled(self, first: &'static [u8]) -> Res {
        use futures_util::StreamExt;
        let stream: actix_http::BoxedPayloadStream = Box::pin(
            futures_util::stream::once(async move {
                Ok::<_, actix_http::error::PayloadError>(actix_web::web::Bytes::from_static(first))
            })
            .chain(futures_util::stream::pending()),
        );
        let (req, _) = self
            .inner
            .to_request()
            .replace_payload(actix_http::Payload::from(stream));
        self.app.call(req).await
    }
}

impl TestApp {
    async fn call(&self, req: Request) -> Res {
        let res = self.svc.call(req).await.expect("the service answers");
        let status = res.status();
        let headers = res.headers().clone();
        let body = actix_web::body::to_bytes(res.into_body())
            .await
            .unwrap_or_default();
        Res {
            status,
            headers,
            body: body.to_vec(),
        }
    }
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("JSON body, got {:?}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    /// Asserts a problem document with the status and code; returns it.
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json")
        );
        let p = self.json();
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["status"], status);
        assert!(p["type"].is_string() && p["title"].is_string() && p["detail"].is_string());
        p
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Sse {
    pub id: String,
    pub event: String,
    pub data: Value,
}

/// A server-sent event stream being read.
pub struct EventStream {
    pub status: StatusCode,
    pub headers: HeaderMap,
    body: BoxBody,
    buf: String,
}

impl EventStream {
    pub fn header_is(&self, name: &str, value: &str) -> bool {
        self.headers.get(name).and_then(|v| v.to_str().ok()) == Some(value)
    }

    /// The next event (comments and `retry:` lines skipped); `None` when the stream ended.
    /// A stream that says nothing for 30 s fails the test rather than hanging it.
    pub async fn next(&mut self) -> Option<Sse> {
        use actix_web::body::MessageBody;
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (String::new(), String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.to_string();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        event = v.to_string();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if !event.is_empty() {
                    let data = serde_json::from_str(&data).expect("event data is JSON");
                    return Some(Sse { id, event, data });
                }
            }
            let chunk = actix_web::rt::time::timeout(
                until.saturating_duration_since(std::time::Instant::now()),
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut self.body).poll_next(cx)),
            )
            .await
            .expect("the stream goes on");
            match chunk {
                None => return None,
                Some(Ok(b)) => self.buf.push_str(std::str::from_utf8(&b).expect("UTF-8")),
                Some(Err(e)) => panic!("stream failed: {e}"),
            }
        }
    }

    /// The next event about the report with this tracking code, skipping others.
    pub async fn next_about(&mut self, code: &str) -> Sse {
        loop {
            let e = self.next().await.expect("the stream goes on");
            if e.data["code"] == code {
                return e;
            }
        }
    }
}
