//! Load shedding: past a number of state-changing requests in progress, a new one is answered
//! `503` with `Retry-After` at once (nothing written), instead of queueing behind the others
//! until every client times out. Reads are not held back: they do not wait for the writer.
//!
//! A request counts from its arrival to its answer. Uploads (`multipart/form-data`) do not
//! count: their bodies arrive at the sender's pace, and they have their own size and time
//! limits; counting them would let a few slow senders close the door to every writer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web;

use crate::api::state::AppState;
use crate::error::AppError;

/// The state-changing requests in progress, and how many may be.
#[derive(Debug)]
pub struct WriteGate {
    max: usize,
    in_progress: Arc<AtomicUsize>,
}

/// A place among the requests in progress, given back when dropped (answered or abandoned).
#[derive(Debug)]
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl WriteGate {
    pub fn new(max: usize) -> Self {
        WriteGate {
            max,
            in_progress: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place, if fewer than the limit are taken.
    pub fn try_enter(&self) -> Option<Slot> {
        self.in_progress
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self.in_progress.clone()))
    }
}

fn counts(req: &ServiceRequest) -> bool {
    !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && req.path().starts_with("/api/")
        && !req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/"))
}

/// Answers `503 overloaded` to a state-changing request when the gate is full.
pub async fn shed_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let _slot = if counts(&req) {
        let Some(st) = req.app_data::<web::Data<AppState>>() else {
            return Ok(req.error_response(AppError::internal("state missing")));
        };
        match st.writes.try_enter() {
            Some(slot) => Some(slot),
            None => return Ok(req.error_response(AppError::overloaded())),
        }
    } else {
        None
    };
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_given_back() {
        let g = WriteGate::new(2);
        let a = g.try_enter();
        let b = g.try_enter();
        assert!(a.is_some() && b.is_some());
        assert!(g.try_enter().is_none());
        drop(a);
        assert!(g.try_enter().is_some());
    }
}
