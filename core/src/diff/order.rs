//! Dependency order: operations are collected by kind and emitted kind by kind, in an
//! order every database can run (renames first; what depends on an object dropped before
//! it and created after it; tables before the foreign keys that point at them).

use super::constraints::{create_foreign_key, foreign_key_spec};
use crate::dialect::IdentifierLimit;
use crate::revision::ops::{CreateIndex, CreateTable, Operation};
use crate::schema::Table;
use std::collections::{BTreeSet, HashMap};

/// The operations of a diff, by kind.
#[derive(Debug, Default)]
pub(super) struct Steps {
    pub(super) renames: Vec<Operation>,
    pub(super) drop_foreign_keys: Vec<Operation>,
    pub(super) drop_constraints: Vec<Operation>,
    pub(super) drop_indexes: Vec<Operation>,
    pub(super) drop_tables: Vec<Operation>,
    pub(super) create_tables: Vec<Operation>,
    pub(super) add_columns: Vec<Operation>,
    pub(super) alter_columns: Vec<Operation>,
    pub(super) drop_columns: Vec<Operation>,
    pub(super) create_indexes: Vec<Operation>,
    pub(super) create_constraints: Vec<Operation>,
    pub(super) create_foreign_keys: Vec<Operation>,
}

impl Steps {
    /// Every operation, in running order.
    pub(super) fn into_operations(self) -> Vec<Operation> {
        [
            self.renames,
            self.drop_foreign_keys,
            self.drop_constraints,
            self.drop_indexes,
            self.drop_tables,
            self.create_tables,
            self.add_columns,
            self.alter_columns,
            self.drop_columns,
            self.create_indexes,
            self.create_constraints,
            self.create_foreign_keys,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// `tables` in an order to drop them: a table before the tables it references.
pub(super) fn drop_order<'t>(tables: &[&'t Table]) -> Vec<&'t Table> {
    let mut order = creation_order(tables);
    order.reverse();
    order
}

/// `tables` in an order to create them: a referenced table before the tables that
/// reference it, where the references allow (a cycle is broken in name order). Among the
/// tables that wait for nothing, the first in `tables` goes first. Kahn's algorithm, so
/// that a schema of thousands of tables is ordered in about linear time.
fn creation_order<'t>(tables: &[&'t Table]) -> Vec<&'t Table> {
    let position: HashMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, table)| (table.name.as_str(), i))
        .collect();
    // For each table, the other tables of `tables` it references and that are not created
    // yet; for each, the tables referencing it.
    let mut waits_for: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); tables.len()];
    let mut referenced_by: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    for (i, table) in tables.iter().enumerate() {
        for fk in &table.foreign_keys {
            match position.get(fk.references_table.as_str()) {
                Some(&j) if j != i && waits_for[i].insert(j) => referenced_by[j].push(i),
                _ => {}
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..tables.len())
        .filter(|&i| waits_for[i].is_empty())
        .collect();
    let mut done = vec![false; tables.len()];
    let mut order = Vec::with_capacity(tables.len());
    while order.len() < tables.len() {
        let cycle_breaker = || {
            (0..tables.len())
                .filter(|&i| !done[i])
                .min_by(|&a, &b| tables[a].name.cmp(&tables[b].name))
        };
        let Some(next) = ready.pop_first().or_else(cycle_breaker) else {
            break;
        };
        done[next] = true;
        order.push(tables[next]);
        for &dependent in &referenced_by[next] {
            if waits_for[dependent].remove(&next)
                && waits_for[dependent].is_empty()
                && !done[dependent]
            {
                ready.insert(dependent);
            }
        }
    }
    order
}

/// `create_table` (with its own indexes) for each of `tables`, referenced tables first;
/// a foreign key to a table created later (a cycle) becomes a `create_foreign_key`.
pub(super) fn create_tables(tables: &[&Table], limit: IdentifierLimit, steps: &mut Steps) {
    let mut created: BTreeSet<&str> = BTreeSet::new();
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    for table in creation_order(tables) {
        created.insert(&table.name);
        let (inline, later): (Vec<_>, Vec<_>) = table.foreign_keys.iter().partition(|fk| {
            let referenced = fk.references_table.as_str();
            !names.contains(referenced) || created.contains(referenced)
        });
        steps
            .create_tables
            .push(Operation::CreateTable(CreateTable {
                table: table.name.clone(),
                columns: table.columns.iter().map(|c| c.to_operation()).collect(),
                primary_key: table.primary_key.as_ref().map(|pk| pk.columns.clone()),
                unique: table.unique_constraints.clone(),
                checks: table.checks.clone(),
                foreign_keys: inline.into_iter().map(foreign_key_spec).collect(),
                comment: table.comment.clone(),
            }));
        for fk in later {
            steps
                .create_foreign_keys
                .push(create_foreign_key(&table.name, fk, limit));
        }
        for index in &table.indexes {
            steps
                .create_indexes
                .push(Operation::CreateIndex(CreateIndex {
                    name: index.name.clone(),
                    table: table.name.clone(),
                    columns: index.columns.clone(),
                    unique: index.unique,
                    predicate: index.predicate.clone(),
                }));
        }
    }
}
