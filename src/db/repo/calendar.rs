use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::CalendarDayRow;
use crate::db::schema::calendar_days as cd;

pub fn find(conn: &mut DbConn, day: NaiveDate) -> QueryResult<Option<CalendarDayRow>> {
    cd::table
        .find(day)
        .select(CalendarDayRow::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<CalendarDayRow>> {
    cd::table
        .select(CalendarDayRow::as_select())
        .order(cd::day.asc())
        .load(conn)
}

pub fn between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<CalendarDayRow>> {
    cd::table
        .filter(cd::day.ge(from))
        .filter(cd::day.le(to))
        .select(CalendarDayRow::as_select())
        .order(cd::day.asc())
        .load(conn)
}

pub fn insert(conn: &mut DbConn, row: &CalendarDayRow) -> QueryResult<()> {
    diesel::insert_into(cd::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Replaces a stored day (all fields but `created_at`).
pub fn replace(conn: &mut DbConn, row: &CalendarDayRow) -> QueryResult<usize> {
    diesel::update(cd::table.find(row.day))
        .set((
            cd::kind.eq(&row.kind),
            cd::note.eq(&row.note),
            cd::legal_basis.eq(&row.legal_basis),
            cd::confirmed.eq(row.confirmed),
            cd::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
}

pub fn confirm(conn: &mut DbConn, day: NaiveDate, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(cd::table.find(day))
        .set((cd::confirmed.eq(true), cd::updated_at.eq(at)))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, day: NaiveDate) -> QueryResult<usize> {
    diesel::delete(cd::table.find(day)).execute(conn)
}
