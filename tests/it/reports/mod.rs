//! `/reports`: one file per part of the API (intake, verification, dispatching, publication,
//! emergencies, lists, files, permissions), whole stories in `lifecycle`, who sees what in
//! `privacy`, and the row lock in `concurrency`.

mod concurrency;
mod dispatching;
mod emergency;
mod feedback;
mod files;
mod follow_up;
mod intake;
mod lifecycle;
mod lists;
mod permissions;
mod privacy;
mod publication;
mod verification;
