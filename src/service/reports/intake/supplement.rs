//! The reporter's supplement after the IOC asked for more (Art. 7.1): the dispatch clock starts
//! again.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::db::DbConn;
use crate::db::models::ReportChanges;
use crate::db::models::ReportRow;
use crate::domain::report::{Transition, looks_vietnamese};
use crate::domain::steps::Step;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;
use crate::service::reports::{Act, act, as_reporter, transition};

use super::*;

/// What a reporter adds or corrects when the IOC asked for more (Art. 7.1).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplement {
    /// What was added, for the IOC.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// A new title.
    #[validate(length(min = 5, max = 200))]
    #[schema(min_length = 5, max_length = 200)]
    pub title: Option<String>,
    /// The new content (replaces the old one).
    #[validate(length(min = 10, max = 10000))]
    #[schema(min_length = 10, max_length = 10000)]
    pub content: Option<String>,
    /// A more exact address.
    #[validate(length(min = 5, max = 300))]
    #[schema(min_length = 5, max_length = 300)]
    pub address: Option<String>,
    /// Another administrative unit.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub admin_unit_code: Option<String>,
    /// Latitude (with `longitude`).
    pub latitude: Option<f64>,
    /// Longitude (with `latitude`).
    pub longitude: Option<f64>,
    /// When it happened.
    pub incident_at: Option<DateTime<Utc>>,
    /// An operator recording a caller's supplement: the call it came from (its id in PAHT).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub call_id: Option<String>,
}

/// The reporter supplements a report in `needs_info`; it goes back to the IOC with a new
/// dispatch clock.
pub fn supplement(st: &Context, who: &Principal, id: &str, input: Supplement) -> AppResult<()> {
    act(st, who, id, |ctx, c, r| {
        supplement_in(ctx, c, r, input, None)
    })
}

/// The supplement in the caller's transaction; `source` names what it came from (a message, a
/// call) in the event.
pub fn supplement_in(
    ctx: &Act<'_>,
    c: &mut DbConn,
    r: ReportRow,
    input: Supplement,
    source: Option<&str>,
) -> AppResult<()> {
    let (st, who) = (ctx.st, ctx.who);
    {
        let by = as_reporter(who, &r)?;
        let source = crate::service::reports::source_of(c, by, input.call_id.as_deref(), source)?;
        let to = transition(&r, Transition::Supplement)?;
        let mut errors = Vec::new();
        for (f, text) in [("title", &input.title), ("content", &input.content)] {
            if text.as_deref().is_some_and(|t| !looks_vietnamese(t)) {
                errors.push(not_vietnamese(f));
            }
        }
        check_place(
            st,
            input.latitude,
            input.longitude,
            input.incident_at,
            ctx.now,
            &mut errors,
        );
        let unit = input
            .admin_unit_code
            .clone()
            .unwrap_or_else(|| r.admin_unit_code.clone());
        check_directory(c, &r.category_code, &unit, ctx.now, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::validation(errors));
        }
        ctx.start_clock(c, &r.id, Step::Dispatch, None, ctx.now)?;
        ctx.event(
            c,
            &r,
            "supplemented",
            Some(to),
            None,
            by.note(Some(input.note.clone()), source.as_deref()),
        )?;
        let coords = input.latitude.is_some();
        ctx.save(
            c,
            &r,
            ReportChanges {
                status: Some(to.as_str().into()),
                title: input.title.map(|t| t.trim().to_string()),
                content: input.content.map(|t| t.trim().to_string()),
                content_corrected: Some(None),
                address: input.address.map(|t| t.trim().to_string()),
                admin_unit_code: input.admin_unit_code,
                latitude: coords.then_some(input.latitude),
                longitude: coords.then_some(input.longitude),
                incident_at: input.incident_at.map(|t| Some(t.naive_utc())),
                ..Default::default()
            },
        )
    }
}
