//! Indexes and constraints of a table present on both sides: matched by what they do
//! (columns, expression, reference), not by name where the declaration gives none, since a
//! database names an unnamed constraint as it likes.

use super::order::Steps;
use super::spelling::Spelling;
use super::warnings::{Warning, WarningKind};
use crate::dialect::{object_name, IdentifierLimit};
use crate::revision::ops::{
    CheckConstraint, ConstraintKind, CreateCheckConstraint, CreateForeignKey, CreateIndex,
    CreateUniqueConstraint, DropConstraint, DropIndex, ForeignKeySpec, Operation,
    ReferentialAction, UniqueConstraint,
};
use crate::schema::{ForeignKey, Index, Table};

/// The `create_table` form of a model foreign key.
pub(crate) fn foreign_key_spec(fk: &ForeignKey) -> ForeignKeySpec {
    let action = |action| (action != ReferentialAction::NoAction).then_some(action);
    ForeignKeySpec {
        name: fk.name.clone(),
        columns: fk.columns.clone(),
        references_table: fk.references_table.clone(),
        references_columns: fk.references_columns.clone(),
        on_delete: action(fk.on_delete),
        on_update: action(fk.on_update),
    }
}

/// `create_foreign_key` for `fk` on `table`, named as PostgreSQL would name it when the
/// declaration gives no name.
pub(super) fn create_foreign_key(
    table: &str,
    fk: &ForeignKey,
    limit: IdentifierLimit,
) -> Operation {
    let spec = foreign_key_spec(fk);
    Operation::CreateForeignKey(CreateForeignKey {
        name: fk
            .name
            .clone()
            .unwrap_or_else(|| object_name(table, &fk.columns, "fkey", limit)),
        table: table.to_string(),
        columns: spec.columns,
        references_table: spec.references_table,
        references_columns: spec.references_columns,
        on_delete: spec.on_delete,
        on_update: spec.on_update,
    })
}

/// What comparing one table's constraints needs.
pub(super) struct Side<'a> {
    pub(super) table: &'a Table,
    pub(super) unique: Vec<UniqueConstraint>,
    pub(super) indexes: Vec<&'a Index>,
}

impl<'a> Side<'a> {
    /// `table`'s unique constraints and indexes as `spelling` sees them: without implicit
    /// indexes, and with unique indexes as constraints where the two are one thing.
    pub(super) fn of(table: &'a Table, spelling: &dyn Spelling, live: bool) -> Side<'a> {
        let mut unique = table.unique_constraints.clone();
        let mut indexes = Vec::new();
        for index in &table.indexes {
            if live && spelling.is_implicit_index(table, index) {
                continue;
            }
            if spelling.unique_index_is_constraint() && index.unique && index.predicate.is_none() {
                unique.push(UniqueConstraint {
                    name: Some(index.name.clone()),
                    columns: index.columns.clone(),
                });
            } else {
                indexes.push(index);
            }
        }
        Side {
            table,
            unique,
            indexes,
        }
    }
}

/// Emits what takes `before`'s indexes and constraints to `after`'s. `existing`: the table
/// holds rows (it is not new), so new uniqueness is warned about.
pub(super) fn compare(
    name: &str,
    before: &Side<'_>,
    after: &Side<'_>,
    spelling: &dyn Spelling,
    limit: IdentifierLimit,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    indexes(name, before, after, spelling, steps, warnings);
    unique_constraints(name, before, after, limit, steps, warnings);
    checks(
        name,
        before.table,
        after.table,
        spelling,
        limit,
        steps,
        warnings,
    );
    foreign_keys(
        name,
        before.table,
        after.table,
        spelling,
        limit,
        steps,
        warnings,
    );
}

fn new_unique(table: &str, what: String) -> Warning {
    Warning::new(
        WarningKind::NewUnique,
        format!("adds {what} to `{table}`: fails if existing rows hold duplicates"),
        table,
        None,
    )
}

fn undroppable(table: &str, what: &str) -> Warning {
    Warning::new(
        WarningKind::NotExpressible,
        format!(
            "`{table}` has an unnamed {what} the declaration lacks: it cannot be dropped by \
             name; drop it by hand"
        ),
        table,
        None,
    )
}

fn same_index(a: &Index, b: &Index, spelling: &dyn Spelling) -> bool {
    a.columns == b.columns
        && a.unique == b.unique
        && match (&a.predicate, &b.predicate) {
            (None, None) => true,
            (Some(x), Some(y)) => spelling.same_expression(x, y),
            _ => false,
        }
}

fn indexes(
    table: &str,
    before: &Side<'_>,
    after: &Side<'_>,
    spelling: &dyn Spelling,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    for old in &before.indexes {
        let kept = after
            .indexes
            .iter()
            .any(|new| new.name == old.name && same_index(old, new, spelling));
        if !kept {
            steps.drop_indexes.push(Operation::DropIndex(DropIndex {
                name: old.name.clone(),
                table: table.to_string(),
            }));
        }
    }
    for new in &after.indexes {
        let kept = before
            .indexes
            .iter()
            .any(|old| new.name == old.name && same_index(old, new, spelling));
        if kept {
            continue;
        }
        if new.unique {
            warnings.push(new_unique(table, format!("unique index `{}`", new.name)));
        }
        steps
            .create_indexes
            .push(Operation::CreateIndex(CreateIndex {
                name: new.name.clone(),
                table: table.to_string(),
                columns: new.columns.clone(),
                unique: new.unique,
                predicate: new.predicate.clone(),
            }));
    }
}

/// Whether a declared name (or none) accepts a live one.
fn names_agree(declared: &Option<String>, live: &Option<String>) -> bool {
    declared.is_none() || declared == live
}

/// Pairs each of `after` with an unused one of `before` that `same` accepts; returns the
/// unmatched of each side.
fn pair_up<'b, 'a, B, A>(
    before: &'b [B],
    after: &'a [A],
    same: impl Fn(&B, &A) -> bool,
) -> (Vec<&'b B>, Vec<&'a A>) {
    let mut used = vec![false; before.len()];
    let mut unmatched_after = Vec::new();
    for new in after {
        match (0..before.len()).find(|&i| !used[i] && same(&before[i], new)) {
            Some(i) => used[i] = true,
            None => unmatched_after.push(new),
        }
    }
    let unmatched_before = before
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(old, _)| old)
        .collect();
    (unmatched_before, unmatched_after)
}

fn drop_constraint(table: &str, name: &str, kind: ConstraintKind) -> Operation {
    Operation::DropConstraint(DropConstraint {
        name: name.to_string(),
        table: table.to_string(),
        kind,
    })
}

fn unique_constraints(
    table: &str,
    before: &Side<'_>,
    after: &Side<'_>,
    limit: IdentifierLimit,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    let (gone, new) = pair_up(&before.unique, &after.unique, |old, new| {
        old.columns == new.columns && names_agree(&new.name, &old.name)
    });
    for old in gone {
        match &old.name {
            Some(name) => {
                steps
                    .drop_constraints
                    .push(drop_constraint(table, name, ConstraintKind::Unique))
            }
            None => warnings.push(undroppable(table, "unique constraint")),
        }
    }
    for new in new {
        let name = new
            .name
            .clone()
            .unwrap_or_else(|| object_name(table, &new.columns, "key", limit));
        warnings.push(new_unique(
            table,
            format!("unique constraint `{name}` on {}", new.columns.join(", ")),
        ));
        steps
            .create_constraints
            .push(Operation::CreateUniqueConstraint(CreateUniqueConstraint {
                name,
                table: table.to_string(),
                columns: new.columns.clone(),
            }));
    }
}

fn checks(
    table: &str,
    before: &Table,
    after: &Table,
    spelling: &dyn Spelling,
    limit: IdentifierLimit,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    let (gone, new) = pair_up(
        &before.checks,
        &after.checks,
        |old: &CheckConstraint, new| {
            spelling.same_expression(&old.expr, &new.expr) && names_agree(&new.name, &old.name)
        },
    );
    for old in gone {
        match &old.name {
            Some(name) => {
                steps
                    .drop_constraints
                    .push(drop_constraint(table, name, ConstraintKind::Check))
            }
            None => warnings.push(undroppable(table, "check constraint")),
        }
    }
    for new in new {
        steps
            .create_constraints
            .push(Operation::CreateCheckConstraint(CreateCheckConstraint {
                name: new
                    .name
                    .clone()
                    .unwrap_or_else(|| object_name(table, &[], "check", limit)),
                table: table.to_string(),
                expr: new.expr.clone(),
            }));
    }
}

fn foreign_keys(
    table: &str,
    before: &Table,
    after: &Table,
    spelling: &dyn Spelling,
    limit: IdentifierLimit,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    let same = |old: &ForeignKey, new: &ForeignKey| {
        old.columns == new.columns
            && old.references_table == new.references_table
            && old.references_columns == new.references_columns
            && spelling.same_action(old.on_delete, new.on_delete)
            && spelling.same_action(old.on_update, new.on_update)
            && names_agree(&new.name, &old.name)
    };
    let (gone, new) = pair_up(&before.foreign_keys, &after.foreign_keys, same);
    for old in gone {
        match &old.name {
            Some(name) => steps.drop_foreign_keys.push(drop_constraint(
                table,
                name,
                ConstraintKind::ForeignKey,
            )),
            None => warnings.push(undroppable(table, "foreign key")),
        }
    }
    for new in new {
        steps
            .create_foreign_keys
            .push(create_foreign_key(table, new, limit));
    }
}
