//! The database room: one connection type over PostgreSQL and SQLite, the pool, migrations,
//! the schema, row structs and the repository functions. No business rules here.

pub mod models;
pub mod repo;
pub mod schema;
pub mod seed;
pub mod vault;

use std::path::Path;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;
use crate::error::{AppError, AppResult};

/// A connection to either database; repository code is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// The database migrations, one tree per backend; the two trees hold the same names
/// (checked by a test).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Opens connections of the backend the URL names (the derived `establish` would try each
/// backend in turn and hide the real error).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    sqlite_synchronous: String,
}

impl Manager {
    pub fn new(url: DatabaseUrl, sqlite_synchronous: &str) -> Self {
        Self {
            url,
            sqlite_synchronous: sqlite_synchronous.to_string(),
        }
    }

    fn open(&self) -> ConnectionResult<DbConn> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut c = diesel::PgConnection::establish(url)?;
                // No JIT: every statement here is short, and PostgreSQL's row estimates for
                // the partial indexes (steps not done yet) are high enough to start the JIT,
                // which then costs 25–45 ms a statement.
                c.batch_execute("SET TIME ZONE 'UTC'; SET jit = off")
                    .map_err(conn_err)?;
                Ok(DbConn::Postgresql(c))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers run beside the writer; FULL survives power loss (Art. 5.1:
                // every report is kept; no acknowledged write lost); the busy timeout queues writers instead of failing.
                c.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; \
                     PRAGMA busy_timeout = 10000;",
                    self.sqlite_synchronous
                ))
                .map_err(conn_err)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }
}

fn conn_err(e: diesel::result::Error) -> ConnectionError {
    ConnectionError::BadConnection(e.to_string())
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking()
            || <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Builds the pool. A short connection timeout makes an unreachable database answer 503
/// quickly instead of holding requests for r2d2's default 30 s.
pub fn build_pool(
    url: &DatabaseUrl,
    size: u32,
    timeout: Duration,
    sqlite_synchronous: &str,
) -> AppResult<DbPool> {
    if let DatabaseUrl::Sqlite(path) = url {
        ensure_parent_dir(path)?;
    }
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(timeout)
        .test_on_check_out(false)
        .build(Manager::new(url.clone(), sqlite_synchronous))
        .map_err(AppError::unavailable)
}

/// Creates the database's folder and an empty database file, both readable by the service's
/// user only (the file holds identity numbers; SQLite gives its `-wal` and `-shm` files the
/// database file's permissions).
fn ensure_parent_dir(path: &Path) -> AppResult<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        create_private_dir(dir)?;
    }
    if !path.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(AppError::internal(format!(
                    "cannot create {}: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

/// Creates a folder (and its parents) readable by the service's user only.
pub fn create_private_dir(dir: &Path) -> AppResult<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(|e| AppError::internal(format!("cannot create {}: {e}", dir.display())))
}

/// Applies the pending migrations on a dedicated connection.
///
/// SQLite: with `foreign_keys` off (inside diesel's migration transaction the pragma is
/// ignored, and a table rebuild with it on would cascade-delete child rows), then, when a
/// migration ran, `foreign_key_check`. PostgreSQL: under an advisory lock, so several replicas starting
/// together migrate once.
pub fn run_migrations(url: &DatabaseUrl) -> AppResult<usize> {
    let applied = match url {
        DatabaseUrl::Sqlite(path) => {
            ensure_parent_dir(path)?;
            let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
                .map_err(AppError::unavailable)?;
            c.batch_execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 10000;")?;
            let n = c
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(AppError::internal)?
                .len();
            // Only a migration can break a foreign key here (writes run with them on); checking
            // a large database at every start would cost seconds.
            let broken: i64 = if n == 0 {
                0
            } else {
                diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check")
                    .get_result::<CountRow>(&mut c)?
                    .n
            };
            if broken > 0 {
                return Err(AppError::internal(format!(
                    "{broken} rows break foreign keys after migration"
                )));
            }
            n
        }
        DatabaseUrl::Postgres(u) => {
            let mut c = diesel::PgConnection::establish(u).map_err(AppError::unavailable)?;
            c.batch_execute("SELECT pg_advisory_lock(727001)")?;
            let r = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            c.batch_execute("SELECT pg_advisory_unlock(727001)")?;
            r.map_err(AppError::internal)?
        }
    };
    Ok(applied)
}

/// Whether every embedded migration has been applied (for `/readyz`).
pub fn migrations_complete(conn: &mut DbConn) -> AppResult<bool> {
    let pending = match conn {
        DbConn::Sqlite(c) => c
            .pending_migrations(SQLITE_MIGRATIONS)
            .map_err(AppError::internal)?
            .len(),
        DbConn::Postgresql(c) => c
            .pending_migrations(POSTGRES_MIGRATIONS)
            .map_err(AppError::internal)?
            .len(),
    };
    Ok(pending == 0)
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The turn of this process's SQLite writers (fair: in the order they asked).
static SQLITE_WRITER: parking_lot::FairMutex<()> = parking_lot::FairMutex::new(());

/// Runs `f` in a write transaction.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: a deferred transaction that reads
/// and then writes cannot upgrade its lock under concurrency and fails with "database is
/// locked"; an immediate one waits for the write lock (busy timeout) and then cannot fail so.
/// Nested `transaction` calls inside `f` become savepoints on both backends.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Postgresql(_) => conn.transaction(f),
        DbConn::Sqlite(c) => {
            // SQLite has one writer. Writers of this process queue here, first come first
            // served, instead of in SQLite's busy handler, whose growing sleeps make a long
            // tail under load. (Another process still waits in the busy timeout.)
            let _turn = SQLITE_WRITER.lock();
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(v) => {
                    <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(v)
                }
                Err(e) => {
                    <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
                    Err(e)
                }
            }
        }
    }
}

/// Makes a new id: a UUIDv7, ordered by creation time, unguessable in its random part.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(QueryableByName)]
    struct Opt {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// The bundled SQLite keeps a prepared statement's plan when its parameters are bound again
    /// (`.cargo/config.toml`): without it, every statement with a bound `LIMIT` is planned again
    /// at each run.
    #[test]
    fn sqlite_keeps_prepared_plans() {
        let mut c = diesel::SqliteConnection::establish(":memory:").unwrap();
        let opts: Vec<Opt> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut c)
            .unwrap();
        assert!(
            opts.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLITE_ENABLE_QPSG is missing: LIBSQLITE3_FLAGS in .cargo/config.toml"
        );
    }
}
