//! The ceiling of a durable write on this machine: raw SQLite in WAL mode with
//! `synchronous = FULL`, one 1 KB row per transaction, from one connection, for a few seconds.
//! Prints the transactions per second. `bench/ratios.sh` measures PAHT's submissions against it.
//!
//! `cargo run --release --example ceiling_sqlite -- /tmp/ceiling.db 5`

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "/tmp/paht-ceiling.db".into());
    let secs: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let _ = std::fs::remove_file(&path);
    let mut c = SqliteConnection::establish(&path).expect("open");
    c.batch_execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
         CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    )
    .expect("schema");
    let body = "x".repeat(1024);
    let stmt = format!("BEGIN IMMEDIATE; INSERT INTO t (body) VALUES ('{body}'); COMMIT;");
    let (start, mut n) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs(secs) {
        c.batch_execute(&stmt).expect("insert");
        n += 1;
    }
    println!("{:.0}", n as f64 / start.elapsed().as_secs_f64());
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(format!("{path}-wal"));
    let _ = std::fs::remove_file(format!("{path}-shm"));
}
