//! PAHT: the backend of the province's field-report system (hệ thống thông tin phản ánh hiện
//! trường). The rooms, from the top (`docs/ARCHITECTURE.md`): `app` (the composition root),
//! `demo` (demo data, through the use cases), `api` (HTTP), `service` (use cases, one
//! transaction each), `db` (SQL), `domain` (the regulation as pure code).

pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod json;
pub mod service;
