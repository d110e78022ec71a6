//! Retention (Law 91/2025/QH15: personal data is deleted once its purpose is fulfilled): each
//! class of data is kept for its configured days (`PAHT_RETENTION_*`), counted from the end of
//! the report's handling (recordings: from the call). When a class's time is up its data goes:
//! the identity is erased (and the e-mail and call it came with), the files are removed from
//! the store, the report's own words are blanked; the report stays, anonymised, in the
//! statistics (their counters are kept apart from the rows). `plan` is the dry run.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::EventRow;
use crate::db::repo::retention::{self as rr, Class};
use crate::db::{DbConn, new_id, repo, write_tx};
use crate::error::AppResult;
use crate::service::Context;

/// One class of data in a retention plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassPlan {
    /// `identity`, `recordings`, `attachments` or `report`.
    #[schema(example = "identity")]
    pub class: &'static str,
    /// Days it is kept; none: kept.
    pub days: Option<u32>,
    /// Data older than this goes; none when it is kept.
    pub cutoff: Option<DateTime<Utc>>,
    /// How many reports (calls and files, for recordings) would lose it now.
    pub due: i64,
    /// The tracking codes of the first reports that would (at most 20).
    pub sample: Vec<String>,
}

/// What retention would remove now (a dry run: nothing is changed).
#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionPlan {
    /// When the plan was made.
    pub at: DateTime<Utc>,
    /// Per class.
    pub classes: Vec<ClassPlan>,
}

/// What a retention pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub identities: usize,
    pub recordings: usize,
    pub attachments: usize,
    pub reports: usize,
    /// Files deleted from the object store.
    pub files: usize,
}

impl Applied {
    pub fn total(&self) -> usize {
        self.identities + self.recordings + self.attachments + self.reports
    }
}

fn cutoff(now: DateTime<Utc>, days: Option<u32>) -> Option<NaiveDateTime> {
    days.map(|d| (now - TimeDelta::days(i64::from(d))).naive_utc())
}

/// The dry run: what each class would lose now.
pub fn plan(st: &Context) -> AppResult<RetentionPlan> {
    let now = st.clock.now();
    let r = st.config.retention;
    let mut conn = st.pool.get()?;
    let mut classes = Vec::new();
    for (name, days, class) in [
        ("identity", r.identity_days, Some(Class::Identity)),
        ("recordings", r.recordings_days, None),
        ("attachments", r.attachments_days, Some(Class::Attachments)),
        ("report", r.report_days, Some(Class::Report)),
    ] {
        let cut = cutoff(now, days);
        let (due, sample) = match (cut, class) {
            (None, _) => (0, Vec::new()),
            (Some(c), None) => (rr::count_recordings_due(&mut conn, c)?, Vec::new()),
            (Some(c), Some(class)) => (
                rr::count_due(&mut conn, class, c)?,
                rr::due_reports(&mut conn, class, c, "", 20)?
                    .into_iter()
                    .map(|(_, code)| code)
                    .collect(),
            ),
        };
        classes.push(ClassPlan {
            class: name,
            days,
            cutoff: cut.map(|c| c.and_utc()),
            due,
            sample,
        });
    }
    Ok(RetentionPlan { at: now, classes })
}

/// Deletes from the store the files no row names any more (others may share a digest).
pub(super) fn release(st: &Context, digests: &[String]) -> AppResult<usize> {
    let mut conn = st.pool.get()?;
    let mut n = 0;
    for sha in digests {
        if !repo::objects::is_named(&mut conn, sha)? {
            st.objects.delete(sha)?;
            n += 1;
        }
    }
    Ok(n)
}

fn expired_event(c: &mut DbConn, report_id: &str, class: &str, at: NaiveDateTime) -> AppResult<()> {
    let status = repo::reports::find(c, report_id)?.map(|r| r.status.as_str().to_string());
    repo::reports::append_event(
        c,
        EventRow {
            id: new_id(),
            report_id: report_id.to_string(),
            seq: 0,
            at,
            actor_user_id: None,
            actor_role: Some("system".into()),
            actor_agency_id: None,
            action: "retention_applied".into(),
            from_status: status.clone(),
            to_status: status,
            assignment_id: None,
            note: Some(class.to_string()),
        },
    )?;
    Ok(())
}

/// Runs one class over the reports due, a transaction per report; what it removed, and the
/// digests released.
fn per_report(
    st: &Context,
    class: Class,
    cut: NaiveDateTime,
    batch: i64,
    f: impl Fn(&mut DbConn, &str) -> AppResult<(bool, Vec<String>)>,
) -> AppResult<(usize, usize)> {
    let now = st.clock.now().naive_utc();
    let mut conn = st.pool.get()?;
    let (mut done, mut files, mut after) = (0, 0, String::new());
    loop {
        let due = rr::due_reports(&mut conn, class, cut, &after, batch)?;
        let Some((last, _)) = due.last() else {
            return Ok((done, files));
        };
        after = last.clone();
        for (id, _) in due {
            let (did, released) = write_tx(&mut conn, |c| -> AppResult<(bool, Vec<String>)> {
                repo::reports::lock(c, &id)?;
                let (did, released) = f(c, &id)?;
                if did {
                    let name = match class {
                        Class::Identity => "identity",
                        Class::Attachments => "attachments",
                        Class::Report => "report",
                    };
                    expired_event(c, &id, name, now)?;
                }
                Ok((did, released))
            })?;
            done += usize::from(did);
            files += release(st, &released)?;
        }
        st.reports_changed();
    }
}

/// Applies every class whose time is up, `batch` reports at a time.
pub fn apply(st: &Context, batch: i64) -> AppResult<Applied> {
    let now = st.clock.now();
    let r = st.config.retention;
    let mut out = Applied::default();
    let at = now.naive_utc();
    if let Some(cut) = cutoff(now, r.identity_days) {
        let (n, f) = per_report(st, Class::Identity, cut, batch, |c, id| {
            let e = repo::privacy::erase_identity(c, id, at)?;
            Ok((e.identity, e.released))
        })?;
        out.identities = n;
        out.files += f;
    }
    if let Some(cut) = cutoff(now, r.attachments_days) {
        let (n, f) = per_report(st, Class::Attachments, cut, batch, |c, id| {
            let released = rr::drop_attachments_of(c, id)?;
            Ok((!released.is_empty(), released))
        })?;
        out.attachments = n;
        out.files += f;
    }
    if let Some(cut) = cutoff(now, r.report_days) {
        let (n, f) = per_report(st, Class::Report, cut, batch, |c, id| {
            let did = rr::blank_report(c, id)? == 1;
            if let Some(row) = repo::reports::find(c, id)? {
                let texts = crate::service::reports::search::search_texts_of(c, &row)?;
                repo::reports::set_search_texts(c, id, &texts)?;
            }
            Ok((did, Vec::new()))
        })?;
        out.reports = n;
        out.files += f;
    }
    if let Some(cut) = cutoff(now, r.recordings_days) {
        let mut conn = st.pool.get()?;
        for attached in [false, true] {
            let mut after = String::new();
            loop {
                let ids = if attached {
                    rr::attached_recordings_due(&mut conn, cut, &after, batch)?
                } else {
                    rr::calls_due(&mut conn, cut, &after, batch)?
                };
                let Some(last) = ids.last() else { break };
                after = last.clone();
                for id in ids {
                    let released = write_tx(&mut conn, |c| -> AppResult<Option<String>> {
                        Ok(if attached {
                            rr::drop_attachment(c, &id)?
                        } else {
                            rr::drop_call_recording(c, &id)?
                        })
                    })?;
                    out.recordings += usize::from(released.is_some());
                    out.files += release(st, &released.into_iter().collect::<Vec<_>>())?;
                }
            }
        }
    }
    Ok(out)
}

/// The sweeper's job: a pass at most once an hour in this process (each pass scans the ended
/// reports).
pub fn sweep(st: &Context) -> AppResult<usize> {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(i64::MIN);
    let now = Utc::now().timestamp();
    let last = LAST.load(Ordering::Relaxed);
    if last != i64::MIN && now - last < 3600 {
        return Ok(0);
    }
    LAST.store(now, Ordering::Relaxed);
    Ok(apply(st, 200)?.total())
}
