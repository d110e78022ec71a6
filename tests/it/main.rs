//! The integration suite: the real application over a real, fresh database per test.
//! `cargo test` runs it on SQLite; with `TEST_DATABASE_URL=postgres://…/postgres` on PostgreSQL.

mod assignments;
mod auth;
mod caching;
mod calendar;
mod contract;
mod counterparts;
mod data_rights;
mod directory;
mod docs;
mod dossier;
mod duplicates;
mod error_codes;
mod errors;
mod find;
mod hardening;
mod intake;
mod layers;
mod migrations;
mod newcomer;
mod notifications;
mod objects;
mod open311;
mod ops;
mod outbox_crash;
mod overload;
mod privacy;
mod recognitions;
mod replicas;
mod reports;
mod s3;
mod statistics;
mod supervision;
mod support;
mod users;
mod world;
