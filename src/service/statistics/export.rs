//! The report list of a period as CSV pages, with the reporter's contact for the IOC and, where
//! the reporter consented, the processing agency (Art. 4.5; each read recorded).

use crate::db::{DbConn, repo};
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::service::Context;
use crate::service::auth::Principal;

use super::*;

fn export_scope(conn: &mut DbConn, who: &Principal) -> AppResult<crate::db::repo::reports::Scope> {
    use crate::db::repo::reports::Scope;
    Ok(match scope(conn, who)? {
        None => Scope::All,
        Some(ids) => Scope::Agencies(ids),
    })
}

/// Checks an export before it starts streaming.
pub fn export_check(st: &Context, who: &Principal, q: &StatsQuery) -> AppResult<()> {
    bounds(q.from, q.to)?;
    let mut conn = st.read_conn()?;
    export_scope(&mut conn, who).map(|_| ())
}

/// One page of the report export as CSV lines (the header on the first page), and the cursor of
/// the next page.
pub fn export_page(
    st: &Context,
    who: &Principal,
    q: &StatsQuery,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(String, Option<String>)> {
    use crate::db::repo::reports::{Order, ReportFilter};
    let (from, to) = bounds(q.from, q.to)?;
    let mut conn = st.read_conn()?;
    let sc = export_scope(&mut conn, who)?;
    // Art. 4.5: the same rule as a report's page: the IOC sees who reported; the processing agency
    // sees the name and the means of contact of those who consented; nobody else sees a column.
    let identity = matches!(
        who.role,
        Role::Operator | Role::AgencyStaff | Role::AgencyLeader
    );
    let f = ReportFilter {
        category: q.category.clone(),
        admin_unit: q.area.clone(),
        agency: q.agency.clone(),
        channel: q.channel.clone(),
        submitted_from: Some(from),
        submitted_to: Some(to),
        ..Default::default()
    };
    let after = cursor
        .map(crate::service::reports::queries::decode_cursor)
        .transpose()?;
    let mut rows = repo::reports::list(&mut conn, &sc, &f, &Order::Newest(after), limit + 1)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|r| crate::service::reports::queries::encode_cursor(r.submitted_at, &r.id))
    } else {
        None
    };
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    if cursor.is_none() {
        let mut h: Vec<String> = [
            "Mã phản ánh",
            "Ngày gửi",
            "Kênh",
            "Trạng thái",
            "Lĩnh vực",
            "Đơn vị hành chính",
            "Địa chỉ",
            "Tiêu đề",
            "Cơ quan chủ trì",
            "Ngày công bố",
            "Đánh giá",
        ]
        .map(String::from)
        .to_vec();
        if identity {
            h.extend(["Người phản ánh", "Số điện thoại", "Thư điện tử"].map(String::from));
        }
        lines.push(h);
    }
    let reporters = if identity {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let consented: std::collections::HashSet<&str> = rows
            .iter()
            .filter(|r| {
                crate::domain::visibility::identity_access(
                    who.role,
                    false,
                    r.consent_share_contact,
                    false,
                ) != crate::domain::visibility::Identity::Hidden
            })
            .map(|r| r.id.as_str())
            .collect();
        let mut reps = repo::reports::reporters_in(&mut conn, &st.vault, &ids)?;
        // A restricted identity is the reporter's and the privacy officer's alone.
        let restricted = repo::privacy::restricted_among(&mut conn, &ids)?;
        reps.retain(|p| {
            consented.contains(p.report_id.as_str())
                && (who.role == crate::domain::roles::Role::PrivacyOfficer
                    || !restricted.contains(&p.report_id))
        });
        // Art. 3.4, 4.5: personal data stays safe; every read of it by staff is recorded.
        let now = st.clock.now().naive_utc();
        // Recorded on the primary (the rest of the export is read where reads go).
        let mut primary = st.pool.get()?;
        crate::db::write_tx(&mut primary, |c| -> AppResult<()> {
            for r in &reps {
                repo::reports::record_identity_read(
                    c,
                    &crate::db::new_id(),
                    &r.report_id,
                    &who.user_id,
                    now,
                )?;
            }
            Ok(())
        })?;
        reps.into_iter()
            .map(|r| (r.report_id.clone(), r))
            .collect::<std::collections::HashMap<_, _>>()
    } else {
        Default::default()
    };
    let local = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .with_timezone(&crate::domain::calendar::TIME_ZONE)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for r in &rows {
        // A state-secret report's content stays out of every export (Art. 9.3c).
        let (title, address) = if r.state_secret {
            (String::new(), String::new())
        } else {
            (r.title.clone(), r.address.clone())
        };
        let mut l = vec![
            r.code.clone(),
            local(r.submitted_at),
            r.channel.into(),
            r.status.into(),
            r.category_code.clone(),
            r.admin_unit_code.clone(),
            address,
            title,
            r.lead_agency_id.clone().unwrap_or_default(),
            r.published_at.map(local).unwrap_or_default(),
            r.rating.clone().unwrap_or_default(),
        ];
        if identity {
            let p = reporters.get(&r.id);
            l.push(p.map(|p| p.full_name.clone()).unwrap_or_default());
            l.push(p.map(|p| p.phone.clone()).unwrap_or_default());
            l.push(p.and_then(|p| p.email.clone()).unwrap_or_default());
        }
        lines.push(l);
    }
    Ok((crate::service::csv::rows(lines), next))
}
