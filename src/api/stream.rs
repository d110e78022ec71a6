//! `GET /api/v1/events/stream`: server-sent events of report changes, for the IOC dashboard and
//! the agencies' screens. See `service::live`.

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::web::{Bytes, Data, block};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::extract::ValidQuery;
use crate::api::state::AppState;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::live::{self, Frame, Subscription};

/// A comment line sent when nothing else was for this long, so proxies keep the connection.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often a stream looks whether this replica committed a change.
const TICK: Duration = Duration::from_millis(100);

/// One server-sent event of the stream, as an SSE parser hands it over.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamEvent {
    /// The id to resume after (`Last-Event-ID`).
    pub id: String,
    /// `report` (a change), or `reset` (changes were missed: reload the lists).
    #[schema(example = "report")]
    pub event: StreamEventKind,
    /// JSON: for `report`, `{"report_id", "code", "seq", "action", "status", "at"}`; for
    /// `reset`, `{"reason": "missed"}`.
    pub data: String,
}

/// What a stream event says.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StreamEventKind {
    Report,
    Reset,
}

/// Where to resume, for clients that cannot send the `Last-Event-ID` header.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// The id of the last event received (the `Last-Event-ID` header wins).
    #[validate(length(min = 1, max = 60))]
    #[param(min_length = 1, max_length = 60)]
    pub last_event_id: Option<String>,
}

/// Report changes as server-sent events, scoped like the report lists: the IOC, the province
/// and admins see every report, an agency its own (a supervisor also the agencies below), a
/// citizen their own reports' steps meant for them. Each event is `event: report` with
/// `data: {"report_id", "code", "seq", "action", "status", "at"}` and an `id:` to resume after;
/// `event: reset` says changes were missed (the id is no longer kept, after 7 days) and lists
/// must be reloaded. A comment line comes every 15 s when nothing else does. The stream ends
/// after `PAHT_STREAM_MAX_SECS` (900 s) or when the access token expires; the client reconnects
/// with `Last-Event-ID` and loses nothing.
#[utoipa::path(tag = "reports", operation_id = "streamReportEvents", security(("bearer" = [])),
    params(
        ("Last-Event-ID" = Option<String>, Header, max_length = 60, description = "The id of the last event received: the stream resumes after it"),
        StreamQuery
    ),
    responses(
        (status = 200, description = "The stream (`text/event-stream`).", content_type = "text/event-stream", body = StreamEvent)))]
#[get("/events/stream")]
pub async fn stream(
    st: Data<AppState>,
    who: Principal,
    req: HttpRequest,
    q: ValidQuery<StreamQuery>,
) -> AppResult<HttpResponse> {
    let header_id = match req.headers().get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|s| s.len() <= 60)
                .ok_or_else(|| {
                    AppError::bad_request(
                        "invalid_last_event_id",
                        "Mã sự kiện cuối (Last-Event-ID) không hợp lệ.",
                        "The Last-Event-ID header is not valid.",
                    )
                })?
                .to_string(),
        ),
    };
    let last = header_id.or(q.into_inner().last_event_id);
    let ctx = st.ctx.clone();
    let c = ctx.clone();
    let (sub, first) = block(move || live::open(&c, &who, last.as_deref())).await??;
    let lifetime = ctx
        .config
        .notify
        .stream_max
        .min(ctx.config.access_token_ttl);
    let now = Instant::now();
    let state = Stream {
        changes: ctx
            .report_changes
            .load(std::sync::atomic::Ordering::Acquire),
        poll: ctx.config.notify.stream_poll,
        ctx,
        sub: Some(sub),
        pending: first,
        last_read: now,
        last_sent: now,
        ends: now + lifetime,
        opened: false,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        // Never compressed (a compressor would hold the events back), never buffered by a proxy.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::stream::unfold(state, next_chunk)))
}

/// A frame as it goes on the wire (`text/event-stream`).
fn wire(f: &Frame) -> String {
    format!("id: {}\nevent: {}\ndata: {}\n\n", f.id, f.event, f.data)
}

struct Stream {
    ctx: Context,
    sub: Option<Subscription>,
    pending: Vec<Frame>,
    changes: u64,
    poll: Duration,
    last_read: Instant,
    last_sent: Instant,
    ends: Instant,
    opened: bool,
}

type Chunk = Result<Bytes, std::convert::Infallible>;

async fn next_chunk(mut s: Stream) -> Option<(Chunk, Stream)> {
    if !s.opened {
        s.opened = true;
        // How long a browser waits before it reconnects; the stream is open from here.
        return Some((Ok(Bytes::from_static(b"retry: 3000\n\n")), s));
    }
    loop {
        if !s.pending.is_empty() {
            let text: String = s.pending.drain(..).map(|f| wire(&f)).collect();
            s.last_sent = Instant::now();
            return Some((Ok(Bytes::from(text)), s));
        }
        let now = Instant::now();
        if now >= s.ends {
            return None;
        }
        let changes = s
            .ctx
            .report_changes
            .load(std::sync::atomic::Ordering::Acquire);
        if changes != s.changes || now - s.last_read >= s.poll {
            s.changes = changes;
            s.last_read = now;
            let mut sub = s.sub.take()?;
            let c = s.ctx.clone();
            let (sub, got) = block(move || {
                let got = sub.next(&c);
                (sub, got)
            })
            .await
            .ok()?;
            s.sub = Some(sub);
            match got {
                Ok(frames) => s.pending = frames,
                Err(e) => {
                    tracing::warn!(error = %e, "live stream read failed; the client reconnects");
                    return None;
                }
            }
            if !s.pending.is_empty() {
                continue;
            }
        }
        if now - s.last_sent >= KEEP_ALIVE {
            s.last_sent = now;
            return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), s));
        }
        actix_web::rt::time::sleep(TICK).await;
    }
}
