//! What every request handler may reach: the use cases' context, and what only HTTP needs
//! (the request metrics).

use std::sync::Arc;

use crate::api::caching::PublicCache;
use crate::api::metrics::Metrics;
use crate::service::Context;

/// The state of the HTTP application.
#[derive(Clone)]
pub struct AppState {
    /// The use cases' context.
    pub ctx: Context,
    /// Request metrics (`/metrics`).
    pub metrics: Arc<Metrics>,
    /// Answers of the public pages, kept for a moment.
    pub public: Arc<PublicCache>,
    /// The state-changing requests in progress (load shedding).
    pub writes: Arc<crate::api::shedding::WriteGate>,
}

impl std::ops::Deref for AppState {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.ctx
    }
}
