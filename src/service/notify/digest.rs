//! The IOC's daily digest of what is overdue, by agency (Art. 11.3, 16.4): once a day, after
//! `DIGEST_HOUR` local time, to every active operator in the inbox and by e-mail. The day's
//! counter, taken in the transaction that writes the digest, lets one replica send it once.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Timelike};

use crate::db::models::{NotificationRow, OutboxRow};
use crate::db::{new_id, repo, write_tx};
use crate::error::AppResult;
use crate::service::Context;

/// The local hour from which the day's digest goes out.
pub const DIGEST_HOUR: u32 = 7;

/// One line of the digest: an agency (or the IOC's own steps), how many steps are overdue, and
/// since when the oldest.
pub struct Line {
    pub agency: String,
    pub steps: usize,
    pub oldest_due: NaiveDateTime,
}

/// Sends today's digest if it is time and nobody sent it yet; the messages written.
pub fn send_daily(st: &Context) -> AppResult<usize> {
    let now = st.clock.now();
    let local = now.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let now = now.naive_utc();
    let day = local.date_naive();
    let mut conn = st.pool.get()?;
    write_tx(&mut conn, |c| -> AppResult<usize> {
        if repo::counters::next(c, &format!("overdue_digest:{day}"))? != 1 {
            return Ok(0);
        }
        let mut by: BTreeMap<Option<String>, (usize, NaiveDateTime)> = BTreeMap::new();
        for (agency, due) in repo::reports::open_overdue(c, now)? {
            let e = by.entry(agency).or_insert((0, due));
            e.0 += 1;
            e.1 = e.1.min(due);
        }
        if by.is_empty() {
            return Ok(0);
        }
        let mut lines = Vec::with_capacity(by.len());
        for (agency, (steps, oldest_due)) in by {
            let name = match agency {
                Some(id) => repo::agencies::find(c, &id)?.map_or(id, |a| a.name),
                None => "Trung tâm IOC (xác minh, chuyển xử lý, công khai)".to_string(),
            };
            lines.push(Line {
                agency: name,
                steps,
                oldest_due,
            });
        }
        // The most overdue first.
        lines.sort_by(|a, b| b.steps.cmp(&a.steps).then(a.oldest_due.cmp(&b.oldest_due)));
        let total: usize = lines.iter().map(|l| l.steps).sum();
        let date = day.format("%d/%m/%Y").to_string();
        let title = format!("Tổng hợp phản ánh quá hạn ngày {date}: {total} bước");
        let body = {
            let mut s = format!(
                "Đến {}, có {total} bước xử lý đã quá hạn (Điều 11.3, 16.4):\n",
                super::local_time(now)
            );
            for l in &lines {
                s.push_str(&format!(
                    "- {}: {} bước, quá hạn lâu nhất từ {}\n",
                    l.agency,
                    l.steps,
                    super::local_time(l.oldest_due)
                ));
            }
            s
        };
        let title_en = format!("Overdue digest for {date}: {total} steps");
        let body_en = {
            let mut s = format!("{total} steps are overdue:\n");
            for l in &lines {
                s.push_str(&format!(
                    "- {}: {} steps, the oldest due {}\n",
                    l.agency,
                    l.steps,
                    l.oldest_due.and_utc().to_rfc3339()
                ));
            }
            s
        };
        let mut written = 0;
        let smtp = st.config.notify.smtp_url.is_some();
        for u in repo::users::active_with_role(c, &st.vault, "operator", None)? {
            repo::outbox::insert_notification(
                c,
                &NotificationRow {
                    id: new_id(),
                    user_id: u.id.clone(),
                    kind: "overdue_digest".into(),
                    report_id: None,
                    title: title.clone(),
                    body: body.clone(),
                    title_en: title_en.clone(),
                    body_en: body_en.clone(),
                    created_at: now,
                    read_at: None,
                },
            )?;
            written += 1;
            if smtp && let Some(to) = u.email.as_ref().filter(|e| !e.trim().is_empty()) {
                repo::outbox::insert(
                    c,
                    &st.vault,
                    &OutboxRow::pending(
                        new_id(),
                        "overdue_digest",
                        None,
                        None,
                        "email",
                        to,
                        Some(u.id.clone()),
                        &title,
                        &body,
                        1,
                        None,
                        now,
                    ),
                )?;
                written += 1;
            }
        }
        Ok(written)
    })
}
