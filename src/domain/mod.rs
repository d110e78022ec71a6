//! The regulation as pure code: no database, no HTTP, no clock (`now` is an argument).

pub mod account;
pub mod attachment;
pub mod calendar;
pub mod complaints;
pub mod directory;
pub mod follow_up;
pub mod mail;
pub mod periods;
pub mod privacy;
pub mod report;
pub mod roles;
pub mod search;
pub mod steps;
pub mod text;
pub mod unit_list;
pub mod visibility;
