//! Issued periodic reports, stored as frozen snapshots.

use diesel::prelude::*;

use crate::db::DbConn;

use crate::db::models::PeriodicReportRow;
use crate::db::schema::periodic_reports as pr;

pub fn insert_periodic(conn: &mut DbConn, row: &PeriodicReportRow) -> QueryResult<()> {
    diesel::insert_into(pr::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn periodic(conn: &mut DbConn, id: &str) -> QueryResult<Option<PeriodicReportRow>> {
    pr::table
        .find(id)
        .select(PeriodicReportRow::as_select())
        .first(conn)
        .optional()
}

pub fn periodic_exists(conn: &mut DbConn, kind: &str, year: i32, n: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        pr::table
            .filter(pr::kind.eq(kind))
            .filter(pr::year.eq(year))
            .filter(pr::n.eq(n)),
    ))
    .get_result(conn)
}

pub fn periodic_list(conn: &mut DbConn) -> QueryResult<Vec<PeriodicReportRow>> {
    pr::table
        .select(PeriodicReportRow::as_select())
        .order((pr::year.desc(), pr::period_to.desc(), pr::kind.asc()))
        .load(conn)
}
