use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{CategoryChanges, CategoryRow};
use crate::db::schema::categories;

pub fn insert(conn: &mut DbConn, row: &CategoryRow) -> QueryResult<()> {
    diesel::insert_into(categories::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<CategoryRow>> {
    categories::table
        .find(code)
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn, active: Option<bool>) -> QueryResult<Vec<CategoryRow>> {
    let mut q = categories::table
        .select(CategoryRow::as_select())
        .into_boxed();
    if let Some(a) = active {
        q = q.filter(categories::active.eq(a));
    }
    q.order(categories::name.asc()).load(conn)
}

pub fn update(conn: &mut DbConn, code: &str, changes: &CategoryChanges) -> QueryResult<usize> {
    diesel::update(categories::table.find(code))
        .set(changes)
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, code: &str) -> QueryResult<usize> {
    diesel::delete(categories::table.find(code)).execute(conn)
}
