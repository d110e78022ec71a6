//! Copies of finished reports, for benchmark volume without driving each through the use cases.

use chrono::TimeDelta;

use crate::db::repo;
use crate::error::AppResult;
use crate::service::Context;

/// Copies of the finished reports already in the database (no step pending), for volume, until
/// the database holds `total` reports: copy `k` of a report is shifted `k` days earlier, with
/// new ids and codes (`<code>-Ck`), its reporter, assignments, step clocks, extension, feedback
/// and outcome, and its statistics counters — so a benchmark database of a million reports can
/// be made from fewer reports driven through the use cases. Only finished reports are copied:
/// the backlog of a province grows with its recent intake, not with its history. History events
/// are not copied. A database that already holds copies grows further (copies are never
/// copied; their rounds continue). Returns how many reports were added; `progress` is called with the number
/// added so far and the number to add.
pub fn copy_reports(
    st: &Context,
    total: usize,
    mut progress: impl FnMut(usize, usize),
) -> AppResult<usize> {
    use std::collections::HashMap;

    use crate::service::stat_counts::{self, Facts};

    let mut conn = st.pool.get()?;
    let present = usize::try_from(repo::stats::report_count(&mut conn)?).unwrap_or(0);
    let need = total.saturating_sub(present);
    let mut originals = Vec::new();
    let mut after = String::new();
    loop {
        let ids = repo::stats::finished_report_ids_after(&mut conn, &after, 5000)?;
        let Some(last) = ids.last().cloned() else {
            break;
        };
        originals.extend(ids);
        after = last;
    }
    if need == 0 || originals.is_empty() {
        return Ok(0);
    }
    let copies = need.div_ceil(originals.len()) as u32;
    // A database that already holds copies grows with further rounds: round numbers (and the
    // days they are shifted back) continue after the last round made.
    let first = 1 + repo::stats::last_copy_round(&mut conn)?;
    let tree = stat_counts::Supervisors::load(&mut conn)?;
    let mut added = 0;
    for ids in originals.chunks(100) {
        if added >= need {
            break;
        }
        let mut facts = Vec::with_capacity(ids.len());
        for id in ids {
            let f = Facts::load(&mut conn, id, &tree)?;
            let reporter = repo::reports::reporter(&mut conn, &st.vault, id)?;
            if let (Some(_), Some(rep)) = (&f.report, reporter) {
                facts.push((f, rep));
            }
        }
        crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
            let mut counts = stat_counts::Summed::new();
            let (mut rs, mut reps, mut leads, mut others, mut cls, mut exts, mut fbs, mut outs) = (
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
            );
            for k in first..first + copies {
                let back = TimeDelta::days(i64::from(k));
                let sh = |t: chrono::NaiveDateTime| t - back;
                let sho = |t: Option<chrono::NaiveDateTime>| t.map(|t| t - back);
                for (f, rep) in &facts {
                    let Some(r) = &f.report else { continue };
                    if added + rs.len() >= need {
                        break;
                    }
                    let mut ids: HashMap<String, String> = HashMap::new();
                    let mut map = |old: &str| {
                        ids.entry(old.to_string())
                            .or_insert_with(crate::db::new_id)
                            .clone()
                    };
                    let rid = map(&r.id);
                    let mut copy = Facts::none();
                    let mut nr = r.clone();
                    nr.id = rid.clone();
                    nr.code = format!("{}-C{k}", r.code);
                    nr.incident_at = sho(r.incident_at);
                    nr.next_due_at = sho(r.next_due_at);
                    nr.submitted_at = sh(r.submitted_at);
                    nr.published_at = sho(r.published_at);
                    // Spread over the province (±0.3°, deterministic), so that maps and place
                    // filters see a province of reports rather than copies on one spot.
                    let spread = |seed: u64| {
                        let x = (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 601;
                        (x as f64 - 300.0) / 1000.0
                    };
                    let salt = u64::from(k) * 1_000_003 + (added + rs.len()) as u64;
                    nr.latitude = r.latitude.map(|v| v + spread(salt));
                    nr.longitude = r.longitude.map(|v| v + spread(salt ^ 0x5555));
                    nr.created_at = sh(r.created_at);
                    nr.updated_at = sh(r.updated_at);
                    let mut np = rep.clone();
                    np.report_id = rid.clone();
                    reps.push(np);
                    for a in &f.assignments {
                        // The addressee is sealed for its row: opened here, sealed for the
                        // copy's row by the insert.
                        let mut na = repo::letters::open_result(&st.vault, a.clone())?;
                        na.id = map(&a.id);
                        na.report_id = rid.clone();
                        na.lead_assignment_id = a.lead_assignment_id.as_deref().map(&mut map);
                        na.assigned_at = sh(a.assigned_at);
                        na.accepted_at = sho(a.accepted_at);
                        na.returned_at = sho(a.returned_at);
                        na.submitted_at = sho(a.submitted_at);
                        na.approved_at = sho(a.approved_at);
                        na.created_at = sh(a.created_at);
                        na.updated_at = sh(a.updated_at);
                        copy.assignments.push(na);
                    }
                    for cl in &f.clocks {
                        let mut nc = cl.clone();
                        nc.id = map(&cl.id);
                        nc.report_id = rid.clone();
                        nc.assignment_id = cl.assignment_id.as_deref().map(&mut map);
                        nc.started_at = sh(cl.started_at);
                        nc.due_at = sh(cl.due_at);
                        nc.original_due_at = sh(cl.original_due_at);
                        nc.done_at = sho(cl.done_at);
                        nc.cancelled_at = sho(cl.cancelled_at);
                        nc.overdue_at = sho(cl.overdue_at);
                        copy.clocks.push(nc);
                    }
                    if let Some(e) = &f.extension {
                        let mut ne = e.clone();
                        ne.id = map(&e.id);
                        ne.report_id = rid.clone();
                        ne.assignment_id = map(&e.assignment_id);
                        ne.clock_id = map(&e.clock_id);
                        ne.notice_date = e.notice_date - back;
                        ne.new_due_at = sh(e.new_due_at);
                        ne.requested_at = sh(e.requested_at);
                        ne.confirmed_at = sho(e.confirmed_at);
                        ne.citizen_notified_at = sho(e.citizen_notified_at);
                        ne.refused_at = sho(e.refused_at);
                        copy.extension = Some(ne);
                    }
                    for fb in &f.feedback {
                        let mut nf = fb.clone();
                        nf.id = map(&fb.id);
                        nf.report_id = rid.clone();
                        nf.clock_id = fb.clock_id.as_deref().map(&mut map);
                        nf.created_at = sh(fb.created_at);
                        nf.answered_at = sho(fb.answered_at);
                        copy.feedback.push(nf);
                    }
                    copy.outcome = f.outcome.map(|(at, s)| (sh(at), s));
                    copy.supervising = f.supervising.clone();
                    copy.report = Some(nr);
                    stat_counts::add_into(&mut counts, &Facts::none(), &copy);
                    let Facts {
                        report,
                        assignments: asg,
                        clocks: cks,
                        outcome,
                        extension,
                        feedback: fb,
                        supervising: _,
                    } = copy;
                    if let Some(o) = outcome {
                        outs.push((rid.clone(), o.0, o.1));
                    }
                    rs.extend(report);
                    for a in asg {
                        if a.lead_assignment_id.is_none() {
                            leads.push(a);
                        } else {
                            others.push(a);
                        }
                    }
                    cls.extend(cks);
                    exts.extend(extension);
                    fbs.extend(fb);
                }
            }
            leads.extend(others);
            repo::reports::insert_copies(
                c,
                &st.vault,
                &repo::reports::Copies {
                    reports: &rs,
                    reporters: &reps,
                    assignments: &leads,
                    clocks: &cls,
                    extensions: &exts,
                    feedback: &fbs,
                    outcomes: &outs,
                },
            )?;
            stat_counts::add_summed(c, counts)?;
            added += rs.len();
            Ok(())
        })?;
        progress(added, need);
    }
    crate::service::reports::sweeper::sweep(st)?;
    Ok(added)
}
