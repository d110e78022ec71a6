//! Periodic reports (Art. 11.6, 11.8): issued once as frozen snapshots.

use crate::db::repo::stats::{self};
use crate::domain::roles::Role;
use crate::error::{AppError, AppResult};
use crate::service::Context;
use crate::service::auth::Principal;

use super::*;

/// An issued periodic report: a frozen snapshot of a period's figures.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Snapshot {
    /// The summary of the period, as issued.
    pub summary: Summary,
    /// The agency table, as issued.
    pub agencies: Vec<AgencyStats>,
}

/// Issues the periodic report of a period (operator or admin): computed over everything, stored
/// as it is, and never recomputed. A period is issued once.
pub fn issue_periodic(
    st: &Context,
    who: &Principal,
    kind: crate::domain::periods::PeriodKind,
    year: i32,
    n: u32,
    note: Option<String>,
) -> AppResult<crate::db::models::PeriodicReportRow> {
    if !matches!(who.role, Role::Operator | Role::Admin) {
        return Err(AppError::forbidden());
    }
    let (from, to) = crate::domain::periods::period(kind, year, n).ok_or_else(|| {
        AppError::invalid_query("n", "Kỳ báo cáo không hợp lệ.", "No such period.")
    })?;
    let q = StatsQuery {
        from,
        to,
        agency: None,
        category: None,
        area: None,
        channel: None,
    };
    let everyone = Principal {
        user_id: who.user_id.clone(),
        role: Role::Admin,
        agency_id: None,
        follow_up: None,
    };
    let snap = Snapshot {
        summary: summary(st, &everyone, &q)?,
        agencies: agencies(st, &everyone, &q)?,
    };
    let row = crate::db::models::PeriodicReportRow {
        id: crate::db::new_id(),
        kind: kind.as_str().into(),
        year,
        n: n as i32,
        period_from: from,
        period_to: to,
        issued_at: st.clock.now().naive_utc(),
        issued_by: who.user_id.clone(),
        note,
        data: serde_json::to_string(&snap).map_err(AppError::internal)?,
    };
    let mut conn = st.pool.get()?;
    crate::db::write_tx(&mut conn, |c| -> AppResult<()> {
        if stats::periodic_exists(c, kind.as_str(), year, n as i32)? {
            return Err(AppError::conflict(
                "already_issued",
                "Báo cáo kỳ này đã được ban hành.",
                "The report of this period was already issued.",
            ));
        }
        stats::insert_periodic(c, &row)?;
        Ok(())
    })?;
    Ok(row)
}

pub fn periodic(
    st: &Context,
    who: &Principal,
    id: &str,
) -> AppResult<(crate::db::models::PeriodicReportRow, Snapshot)> {
    staff_reader(who)?;
    let mut conn = st.read_conn()?;
    let row = stats::periodic(&mut conn, id)?
        .ok_or_else(|| AppError::not_found("báo cáo định kỳ", "Periodic report"))?;
    let snap: Snapshot = serde_json::from_str(&row.data).map_err(AppError::internal)?;
    Ok((row, snap))
}

pub fn periodic_list(
    st: &Context,
    who: &Principal,
) -> AppResult<Vec<crate::db::models::PeriodicReportRow>> {
    staff_reader(who)?;
    let mut conn = st.read_conn()?;
    Ok(stats::periodic_list(&mut conn)?)
}

/// Issued reports are the province's: the IOC, the province and admins read them.
fn staff_reader(who: &Principal) -> AppResult<()> {
    if matches!(who.role, Role::Operator | Role::Province | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}
