//! One table present on both sides: its columns, then its indexes and constraints.

use super::constraints::{self, Side};
use super::order::Steps;
use super::spelling::Spelling;
use super::warnings::{describe_type, narrows, Warning, WarningKind};
use super::DiffOptions;
use crate::revision::ops::{AddColumn, AlterColumn, DropColumn, Operation};
use crate::revision::values::DefaultValue;
use crate::schema::{Column, Table};

/// What comparing one table needs besides its two sides.
pub(super) struct TableContext<'a> {
    pub(super) name: &'a str,
    pub(super) options: &'a DiffOptions,
    pub(super) spelling: &'a dyn Spelling,
}

/// Emits what takes `before` (renames already applied) to `after`.
pub(super) fn compare(
    context: &TableContext<'_>,
    before: &Table,
    after: &Table,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    let table = context.name;
    let added: Vec<&Column> = after
        .columns
        .iter()
        .filter(|c| before.column(&c.name).is_none())
        .collect();
    let dropped: Vec<&Column> = before
        .columns
        .iter()
        .filter(|c| after.column(&c.name).is_none())
        .collect();
    for column in &added {
        if !column.nullable && column.default.is_none() && !column.autoincrement {
            warnings.push(Warning::new(
                WarningKind::NotNullWithoutDefault,
                format!(
                    "adds NOT NULL column `{}` without a default to `{table}`: fails if the \
                     table holds rows",
                    column.name
                ),
                table,
                Some(&column.name),
            ));
        }
        steps.add_columns.push(Operation::AddColumn(AddColumn {
            table: table.to_string(),
            column: column.to_operation(),
        }));
    }
    for column in &dropped {
        warnings.push(Warning::new(
            WarningKind::DroppedColumn,
            format!("drops column `{}` of `{table}` and its values", column.name),
            table,
            Some(&column.name),
        ));
        for new in added
            .iter()
            .filter(|new| new.column_type == column.column_type)
        {
            warnings.push(Warning::new(
                WarningKind::SuspectedRename,
                format!(
                    "column `{}` of `{table}` is dropped and `{}`, of the same type, added: if \
                     it was renamed, say `renamed_from = \"{}\"` on `{}` to keep its values",
                    column.name, new.name, column.name, new.name
                ),
                table,
                Some(&new.name),
            ));
        }
        steps.drop_columns.push(Operation::DropColumn(DropColumn {
            table: table.to_string(),
            column: column.name.clone(),
        }));
    }
    for new in &after.columns {
        if let Some(old) = before.column(&new.name) {
            alter(context, old, new, steps, warnings);
        }
    }
    let old_key = before.primary_key.as_ref().map(|pk| &pk.columns);
    let new_key = after.primary_key.as_ref().map(|pk| &pk.columns);
    if old_key != new_key {
        warnings.push(not_expressible(
            table,
            None,
            "its primary key differs; no operation changes a primary key: write that revision by hand",
        ));
    }
    if before.comment != after.comment {
        warnings.push(not_expressible(
            table,
            None,
            "its comment differs; no operation changes a table comment",
        ));
    }
    let spelling = context.spelling;
    constraints::compare(
        table,
        &Side::of(before, spelling, true),
        &Side::of(after, spelling, false),
        spelling,
        context.options.identifier_limit,
        steps,
        warnings,
    );
}

fn not_expressible(table: &str, column: Option<&str>, why: &str) -> Warning {
    let subject = match column {
        Some(column) => format!("column `{column}` of `{table}`"),
        None => format!("table `{table}`"),
    };
    Warning::new(
        WarningKind::NotExpressible,
        format!("{subject}: {why}"),
        table,
        column,
    )
}

/// One `alter_column` for everything that changed in a column, if anything did.
fn alter(
    context: &TableContext<'_>,
    old: &Column,
    new: &Column,
    steps: &mut Steps,
    warnings: &mut Vec<Warning>,
) {
    let table = context.name;
    let spelling = context.spelling;
    let mut change = AlterColumn {
        table: table.to_string(),
        column: new.name.clone(),
        new_type: None,
        nullable: None,
        default: None,
        drop_default: false,
        new_name: None,
    };
    if !spelling.same_type(&old.column_type, &new.column_type) {
        if narrows(&old.column_type, &new.column_type) {
            warnings.push(Warning::new(
                WarningKind::NarrowingType,
                format!(
                    "changes the type of `{}` in `{table}` from {} to {}: existing values may \
                     not fit",
                    new.name,
                    describe_type(&old.column_type),
                    describe_type(&new.column_type)
                ),
                table,
                Some(&new.name),
            ));
        }
        change.new_type = Some(new.column_type.clone());
    }
    if old.nullable != new.nullable {
        if !new.nullable {
            warnings.push(Warning::new(
                WarningKind::NotNullWithoutDefault,
                format!(
                    "makes `{}` of `{table}` NOT NULL: fails if any row holds NULL there",
                    new.name
                ),
                table,
                Some(&new.name),
            ));
        }
        change.nullable = Some(new.nullable);
    }
    match (&old.default, &new.default) {
        (Some(_), None) => change.drop_default = true,
        (None, Some(value)) => change.default = Some(value.clone()),
        (Some(a), Some(b)) if !same_default(spelling, a, b) => change.default = Some(b.clone()),
        _ => {}
    }
    if old.autoincrement != new.autoincrement {
        warnings.push(not_expressible(
            table,
            Some(&new.name),
            "autoincrement differs; no operation changes it",
        ));
    }
    if old.comment != new.comment {
        warnings.push(not_expressible(
            table,
            Some(&new.name),
            "its comment differs; no operation changes a column comment",
        ));
    }
    let changed = change.new_type.is_some()
        || change.nullable.is_some()
        || change.default.is_some()
        || change.drop_default;
    if changed {
        steps.alter_columns.push(Operation::AlterColumn(change));
    }
}

fn same_default(spelling: &dyn Spelling, a: &DefaultValue, b: &DefaultValue) -> bool {
    a == b || spelling.same_default(a, b)
}
