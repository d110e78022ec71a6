//! The supervisors a report counts under (Art. 7.3: the supervising authority follows the
//! agencies below it). A supervisor sees the reports in which its own agency or any agency
//! below it has a part; the counters keep one scope per agency that has agencies below it
//! (`under:<id>`), so that a supervisor's figures are read from the counters too.
//!
//! Which agency is below which is data (the agency tree, changed by an admin): when it
//! changes, [`tree_changed`] moves, in the same transaction, the counts of the reports whose
//! supervisors changed. On PostgreSQL a change of the tree and the actions on reports exclude
//! each other through an advisory lock ([`hold_tree`]), so no action counts with a tree that is
//! being changed; on SQLite the single writer orders them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::db::models::AssignmentRow;
use crate::db::{DbConn, repo};
use crate::domain::report::AssignmentStatus;
use crate::error::AppResult;

use super::Facts;

/// The agency tree as the counters need it.
#[derive(Debug, Default, Clone)]
pub struct Supervisors {
    parent: HashMap<String, Option<String>>,
    with_children: HashSet<String>,
}

/// Takes the tree lock until the end of the transaction (`repo::agencies::lock_tree`): shared
/// for an action, exclusive for a change of the tree.
pub fn hold_tree(conn: &mut DbConn, exclusive: bool) -> AppResult<()> {
    Ok(repo::agencies::lock_tree(conn, exclusive)?)
}

impl Supervisors {
    /// Reads the tree (one small statement: the agencies' ids and parents).
    pub fn load(conn: &mut DbConn) -> AppResult<Self> {
        let rows = repo::agencies::tree(conn)?;
        let with_children = rows.iter().filter_map(|(_, p)| p.clone()).collect();
        Ok(Self {
            parent: rows.into_iter().collect(),
            with_children,
        })
    }

    /// The agencies with agencies below them that are, or are above, one of these agencies:
    /// the `under:` scopes a report with parts by them counts in.
    pub fn of<'a>(&self, agencies: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut out = BTreeSet::new();
        for a in agencies {
            let mut cur = Some(a.to_string());
            let mut steps = 0;
            // The tree has no cycles (an admin cannot make one); the bound is a guard.
            while let Some(x) = cur
                && steps <= self.parent.len()
            {
                if self.with_children.contains(&x) {
                    out.insert(x.clone());
                }
                cur = self.parent.get(&x).cloned().flatten();
                steps += 1;
            }
        }
        out.into_iter().collect()
    }

    /// The supervisors of a report with these assignments (cancelled ones have no part).
    pub fn of_parts(&self, assignments: &[AssignmentRow]) -> Vec<String> {
        self.of(assignments
            .iter()
            .filter(|a| a.status != AssignmentStatus::Cancelled)
            .map(|a| a.agency_id.as_str()))
    }
}

/// After a change of the agency tree (inside its transaction, with [`hold_tree`] held
/// exclusively): moves the counts of every report whose supervisors changed. Returns how many
/// reports were recounted.
pub fn tree_changed(conn: &mut DbConn, before: &Supervisors) -> AppResult<usize> {
    let after = Supervisors::load(conn)?;
    let mut changed: Vec<String> = before
        .parent
        .keys()
        .chain(after.parent.keys())
        .filter(|a| before.of([a.as_str()]) != after.of([a.as_str()]))
        .cloned()
        .collect();
    changed.sort();
    changed.dedup();
    if changed.is_empty() {
        return Ok(0);
    }
    let ids = repo::stats::reports_with_parts_of(conn, &changed)?;
    for batch in ids.chunks(500) {
        let mut sum = BTreeMap::new();
        for old in Facts::load_many(conn, batch, before)? {
            let mut new = old.clone();
            new.supervising = after.of_parts(&new.assignments);
            super::add_into(&mut sum, &old, &new);
        }
        super::add_summed(conn, sum)?;
    }
    Ok(ids.len())
}
