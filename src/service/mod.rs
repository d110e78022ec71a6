//! Use cases, synchronous: each opens a transaction, loads through `db::repo`, asks the
//! domain, saves. No SQL text and no HTTP types here.

pub mod auth;
pub mod bootstrap;
pub mod calendar;
pub mod channels;
pub mod context;
pub mod csv;
pub mod directory;
pub mod letters;
pub mod live;
pub mod notify;
pub mod objects;
pub mod open311;
pub mod ops;
pub mod outbox;
pub mod privacy;
pub mod recognitions;
pub mod records;
pub mod reports;
pub mod stat_counts;
pub mod statistics;
pub mod throttle;
pub mod users;

pub use context::Context;
