//! Extractors: who is calling (`Principal`, `Require<R>`), validated JSON bodies and query
//! strings, and the client's address. Every failure becomes a problem document naming the
//! field, and never echoes a submitted value (it could be personal data).
//!
//! - this file: who is calling and from where;
//! - `body`: JSON bodies (`ValidJson`) and reading a body within its size and time limits;
//! - `query`: query strings (`ValidQuery`), the deserialisers of their values, actix configs;
//! - `messages`: serde and validator failures as field errors;
//! - `multipart`: the parts of a `multipart/form-data` body.

mod body;
mod messages;
mod multipart;
mod query;

pub use body::{BodyLimits, ValidJson, declared_length, parse_json, read_body};
pub use messages::validate;
pub use multipart::{FormPart, form_parts, unreadable};
pub use query::{
    ValidQuery, de, json_config, parse_query, path_config, payload_config, query_config,
};

use actix_web::dev::Payload;
use actix_web::web::{self};
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::api::state::AppState;
use crate::error::AppError;
use crate::service::auth::{Account, Principal, RoleSet};
pub use crate::service::auth::{Require, roles};

// ---------------------------------------------------------------- who is calling

impl FromRequest for Principal {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .ok_or_else(AppError::unauthenticated),
        )
    }
}

/// The caller's account as read with their session (no database round trip).
impl FromRequest for Account {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Account>()
                .cloned()
                .ok_or_else(AppError::unauthenticated),
        )
    }
}

impl<R: RoleSet> FromRequest for Require<R> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(match req.extensions().get::<Principal>() {
            None => Err(AppError::unauthenticated()),
            Some(p) => Require::check(p),
        })
    }
}

// ---------------------------------------------------------------- client address

/// The client's address: the peer, or the first `X-Forwarded-For` hop when
/// `PAHT_TRUST_PROXY` is set.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequest for ClientAddr {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.config.trust_proxy);
        let info = req.connection_info();
        let addr = if trust {
            info.realip_remote_addr()
        } else {
            info.peer_addr()
        };
        let addr = addr.unwrap_or("unknown");
        // Strip the port of "ip:port" (and keep IPv6 addresses whole).
        let ip = addr
            .parse::<std::net::SocketAddr>()
            .map(|s| s.ip().to_string())
            .unwrap_or_else(|_| addr.to_string());
        std::future::ready(Ok(ClientAddr(ip)))
    }
}
