//! PAHT: the backend of the province's field-report system (hệ thống thông tin phản ánh hiện
//! trường). Four rooms: `api` (HTTP) → `service` (use cases, one transaction each) →
//! `domain` (the regulation as pure code) and `db` (SQL).

pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod json;
pub mod service;
