use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{AgencyChanges, AgencyRow};
use crate::db::schema::{agencies, categories, users};

pub fn insert(conn: &mut DbConn, row: &AgencyRow) -> QueryResult<()> {
    diesel::insert_into(agencies::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<AgencyRow>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the agency list.
#[derive(Debug, Default)]
pub struct AgencyFilter {
    pub kind: Option<String>,
    pub parent_id: Option<String>,
    pub participating: Option<bool>,
}

pub fn list(conn: &mut DbConn, f: &AgencyFilter) -> QueryResult<Vec<AgencyRow>> {
    let mut q = agencies::table.select(AgencyRow::as_select()).into_boxed();
    if let Some(k) = &f.kind {
        q = q.filter(agencies::kind.eq(k.clone()));
    }
    if let Some(p) = &f.parent_id {
        q = q.filter(agencies::parent_id.eq(p.clone()));
    }
    if let Some(p) = f.participating {
        q = q.filter(agencies::participating.eq(p));
    }
    q.order((agencies::name.asc(), agencies::id.asc()))
        .load(conn)
}

pub fn update(conn: &mut DbConn, id: &str, changes: &AgencyChanges) -> QueryResult<usize> {
    diesel::update(agencies::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(agencies::table.find(id)).execute(conn)
}

/// Whether anything refers to the agency: users, child agencies, categories.
pub fn is_referenced(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    let users: bool = diesel::select(diesel::dsl::exists(
        users::table.filter(users::agency_id.eq(id)),
    ))
    .get_result(conn)?;
    let children: bool = diesel::select(diesel::dsl::exists(
        agencies::table.filter(agencies::parent_id.eq(id)),
    ))
    .get_result(conn)?;
    let cats: bool = diesel::select(diesel::dsl::exists(
        categories::table.filter(categories::default_agency_id.eq(id)),
    ))
    .get_result(conn)?;
    Ok(users || children || cats)
}

/// The ids of the agency's ancestors, nearest first (for cycle checks and supervision).
pub fn ancestors(conn: &mut DbConn, id: &str) -> QueryResult<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = agencies::table
        .find(id)
        .select(agencies::parent_id)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    while let Some(p) = cur {
        if out.contains(&p) || out.len() > 64 {
            break;
        }
        cur = agencies::table
            .find(&p)
            .select(agencies::parent_id)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten();
        out.push(p);
    }
    Ok(out)
}

/// The advisory lock that a change of the agency tree holds alone and every action on a report
/// holds shared (PostgreSQL; nothing on SQLite, whose writers are serialised).
const TREE_LOCK: i64 = 0x5041_4854_0001;

/// Takes the tree lock until the end of the transaction, shared or exclusive.
pub fn lock_tree(conn: &mut DbConn, exclusive: bool) -> QueryResult<()> {
    if matches!(conn, DbConn::Postgresql(_)) {
        let f = if exclusive {
            "pg_advisory_xact_lock"
        } else {
            "pg_advisory_xact_lock_shared"
        };
        diesel::sql_query(format!("SELECT {f}({TREE_LOCK})")).execute(conn)?;
    }
    Ok(())
}

/// Every agency's id and parent: the agency tree.
pub fn tree(conn: &mut DbConn) -> QueryResult<Vec<(String, Option<String>)>> {
    agencies::table
        .select((agencies::id, agencies::parent_id))
        .load(conn)
}

/// The agency and every agency below it (for supervisors): the agency itself first.
pub fn with_descendants(conn: &mut DbConn, id: &str) -> QueryResult<Vec<String>> {
    let all = tree(conn)?;
    let mut out = vec![id.to_string()];
    let mut i = 0;
    while i < out.len() {
        let cur = out[i].clone();
        for (child, parent) in &all {
            if parent.as_deref() == Some(cur.as_str()) && !out.contains(child) {
                out.push(child.clone());
            }
        }
        i += 1;
    }
    Ok(out)
}
