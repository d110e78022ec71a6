//! The channels the IOC reads (Art. 6.1, 7.2): e-mail from the mail server and calls from the
//! 1022 switchboard.

pub mod calls;
mod concurrency;
pub mod mail;
