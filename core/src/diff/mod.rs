//! The differ (SPEC 8): the operations that bring one neutral schema to another, in an
//! order the database can run, with warnings for what may lose data or fail on existing
//! rows.
//!
//! A pure function of two [`Schema`]s: it knows no database. What is only spelling (type
//! aliases, default expressions and check expressions as the server re-renders them) is
//! decided by a [`Spelling`], which a dialect provides; [`ExactSpelling`] compares as
//! written. Objects the model does not cover never appear in a schema, so they are never
//! touched; tables matching `ignore_tables` are left out on both sides.
//!
//! Applying [`Diff::operations`] to the current schema with [`Schema::apply`] gives the
//! target schema (up to spelling): the tests hold the differ to that.

mod constraints;
mod declarable;
mod glob;
mod lexical;
mod order;
mod rules;
mod spelling;
mod tables;
mod warnings;

pub(crate) use constraints::foreign_key_spec;
pub use declarable::declarable;
pub use glob::glob_matches;
pub use lexical::LexicalSpelling;
pub use rules::{DialectSpelling, SpellingRules};
pub use spelling::{ExactSpelling, Spelling};
pub use warnings::{Warning, WarningKind};

use crate::dialect::IdentifierLimit;
use crate::revision::ops::{AlterColumn, DropTable, Operation, RenameTable};
use crate::schema::{Schema, Table};
use std::collections::{BTreeMap, BTreeSet};

/// What the differ is told besides the two schemas.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Table name globs (`legacy_*`) neither created, altered nor dropped.
    pub ignore_tables: Vec<String>,
    /// Rename hints: target table name → the name it had before (`renamed_from`).
    pub table_renames: BTreeMap<String, String>,
    /// Rename hints: (target table, target column) → the column's earlier name.
    pub column_renames: BTreeMap<(String, String), String>,
    /// The dialect's identifier limit, for the names given to unnamed constraints that
    /// are added to existing tables.
    pub identifier_limit: IdentifierLimit,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            ignore_tables: Vec::new(),
            table_renames: BTreeMap::new(),
            column_renames: BTreeMap::new(),
            identifier_limit: IdentifierLimit::Bytes(63),
        }
    }
}

impl DiffOptions {
    /// No ignored tables and no hints.
    pub fn new() -> Self {
        DiffOptions::default()
    }

    fn ignores(&self, table: &str) -> bool {
        self.ignore_tables
            .iter()
            .any(|pattern| glob_matches(pattern, table))
    }
}

/// The result of a comparison.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Diff {
    /// The operations, in the order to run them; empty when the schemas match.
    pub operations: Vec<Operation>,
    /// What may lose data or fail on existing rows, and what the operations cannot say.
    pub warnings: Vec<Warning>,
}

impl Diff {
    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

/// The operations (in dependency order) and warnings that take `current` to `target`.
pub fn diff(
    current: &Schema,
    target: &Schema,
    options: &DiffOptions,
    spelling: &dyn Spelling,
) -> Diff {
    let mut steps = order::Steps::default();
    let mut warnings = Vec::new();
    let keep = |name: &&str| !options.ignores(name);
    let target_names: BTreeSet<&str> = target.table_names().filter(keep).collect();

    // Renames first, applied to a copy of `current`, so that everything after them names
    // tables and columns as the target does.
    let mut renamed = current.clone();
    for (new, old) in &options.table_renames {
        let applies = target_names.contains(new.as_str())
            && renamed.table(new).is_none()
            && renamed.table(old).is_some()
            && !target_names.contains(old.as_str())
            && !options.ignores(old);
        if applies {
            rename(
                &mut renamed,
                &mut steps,
                Operation::RenameTable(RenameTable {
                    table: old.clone(),
                    new_name: new.clone(),
                }),
            );
        }
    }
    for ((table, new), old) in &options.column_renames {
        let (Some(before), Some(after)) = (renamed.table(table), target.table(table)) else {
            continue;
        };
        let applies = before.column(new).is_none()
            && before.column(old).is_some()
            && after.column(new).is_some()
            && after.column(old).is_none();
        if applies && target_names.contains(table.as_str()) {
            rename(
                &mut renamed,
                &mut steps,
                Operation::AlterColumn(AlterColumn {
                    table: table.clone(),
                    column: old.clone(),
                    new_type: None,
                    nullable: None,
                    default: None,
                    drop_default: false,
                    new_name: Some(new.clone()),
                }),
            );
        }
    }

    let current_names: BTreeSet<&str> = renamed.table_names().filter(keep).collect();
    let dropped: Vec<&Table> = current_names
        .difference(&target_names)
        .filter_map(|name| renamed.table(name))
        .collect();
    let created: Vec<&Table> = target_names
        .difference(&current_names)
        .filter_map(|name| target.table(name))
        .collect();
    warnings.extend(warnings::suspected_table_renames(&dropped, &created));
    for table in order::drop_order(&dropped) {
        warnings.push(Warning::new(
            WarningKind::DroppedTable,
            format!("drops table `{}` and every row in it", table.name),
            &table.name,
            None,
        ));
        steps.drop_tables.push(Operation::DropTable(DropTable {
            table: table.name.clone(),
        }));
    }
    order::create_tables(&created, options.identifier_limit, &mut steps);

    for name in current_names.intersection(&target_names) {
        let (Some(before), Some(after)) = (renamed.table(name), target.table(name)) else {
            continue;
        };
        let context = tables::TableContext {
            name,
            options,
            spelling,
        };
        tables::compare(&context, before, after, &mut steps, &mut warnings);
    }
    Diff {
        operations: steps.into_operations(),
        warnings,
    }
}

/// Records a rename and applies it to the working copy of the current schema.
fn rename(renamed: &mut Schema, steps: &mut order::Steps, operation: Operation) {
    // The preconditions were checked, so the fold accepts it; were it to refuse, the
    // rename is still the right operation and the comparison sees the old name.
    let _ = renamed.apply(&operation);
    steps.renames.push(operation);
}
