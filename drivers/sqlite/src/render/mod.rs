//! Operations to SQLite statements: in place where SQLite can, by table rebuild elsewhere.

mod rebuild;
mod table;

pub use rebuild::REBUILD_PREFIX;
pub(crate) use rebuild::TRIGGER_PROBE;
pub(crate) use table::{create_index_sql, create_table_sql};

use crate::literal::render_value;
use crate::quote::quote_identifier;
use crate::SQLITE;
use rebuild::{missing_table, rebuild};
use retort_core::dialect::{DialectError, RenderMode, Statement};
use retort_core::render::{self, InsertStyle};
use retort_core::revision::ops::{AddColumn, AlterColumn, Execute, Operation};
use retort_core::revision::values::{DefaultValue, Value};
use retort_core::schema::{Column, Index, Schema, Table};
use retort_core::sql::{split_statements, SqlSyntax};
use retort_core::Dialect as _;

/// The statements for `op`, given the schema before it.
pub(crate) fn render_operation(
    op: &Operation,
    before: &Schema,
    mode: RenderMode,
) -> Result<Vec<Statement>, DialectError> {
    let one = |sql: String| Ok(vec![Statement::new(sql)]);
    match op {
        Operation::CreateTable(create) => {
            let mut scratch = Schema::new();
            scratch.apply(op).map_err(|error| {
                DialectError::new(
                    SQLITE,
                    format!("render `create_table` of table `{}`", create.table),
                    error.to_string(),
                )
            })?;
            let table = scratch
                .table(&create.table)
                .ok_or_else(|| missing_table(op, &create.table))?;
            one(create_table_sql(table, &table.name)?)
        }
        Operation::DropTable(drop) => one(format!("DROP TABLE {}", quote_identifier(&drop.table))),
        Operation::RenameTable(rename) => one(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_identifier(&rename.table),
            quote_identifier(&rename.new_name)
        )),
        Operation::AddColumn(add) => add_column(op, add, before),
        Operation::DropColumn(drop) => rebuild(op, &drop.table, before),
        Operation::AlterColumn(alter) => alter_column(op, alter, before),
        Operation::CreateIndex(create) => one(create_index_sql(
            &create.table,
            &Index::from_operation(create),
        )),
        Operation::DropIndex(drop) => one(format!("DROP INDEX {}", quote_identifier(&drop.name))),
        Operation::CreateForeignKey(c) => rebuild(op, &c.table, before),
        Operation::CreateUniqueConstraint(c) => rebuild(op, &c.table, before),
        Operation::CreateCheckConstraint(c) => rebuild(op, &c.table, before),
        Operation::DropConstraint(c) => rebuild(op, &c.table, before),
        Operation::Execute(execute) => execute_sql(execute),
        Operation::BulkInsert(insert) => render::bulk_insert(insert, mode, &SqliteInsert),
        other => Err(DialectError::new(
            SQLITE,
            format!("render `{}`", other.name()),
            "this driver does not know the operation; upgrade retort-sqlite",
        )),
    }
}

/// `ALTER TABLE ADD COLUMN` where SQLite allows it: not a key, not unique, and a constant
/// default wherever the column is NOT NULL. Otherwise a rebuild.
fn add_column(
    op: &Operation,
    add: &AddColumn,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let column = &add.column;
    let constant_default = matches!(
        column.default,
        None | Some(
            DefaultValue::String(_)
                | DefaultValue::Integer(_)
                | DefaultValue::Float(_)
                | DefaultValue::Boolean(_)
        )
    );
    let in_place = !column.primary_key
        && !column.unique
        && !column.autoincrement
        && constant_default
        && (column.nullable || column.default.is_some());
    if !in_place {
        return rebuild(op, &add.table, before);
    }
    let table = before
        .table(&add.table)
        .cloned()
        .unwrap_or_else(|| Table::new(add.table.clone(), Vec::new()));
    let model = Column::from_operation(column);
    Ok(vec![Statement::new(format!(
        "ALTER TABLE {} ADD COLUMN {}",
        quote_identifier(&add.table),
        table::column_sql(&table, &model, false)?
    ))])
}

/// A rename alone is `RENAME COLUMN`; type, nullability or default changes rebuild.
fn alter_column(
    op: &Operation,
    alter: &AlterColumn,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let reshapes = alter.new_type.is_some()
        || alter.nullable.is_some()
        || alter.default.is_some()
        || alter.drop_default;
    match (&alter.new_name, reshapes) {
        (Some(new_name), false) => Ok(vec![Statement::new(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            quote_identifier(&alter.table),
            quote_identifier(&alter.column),
            quote_identifier(new_name)
        ))]),
        (Some(new_name), true) => {
            // Reshape under the old name, then rename natively: `RENAME COLUMN` also
            // rewrites other tables' foreign keys, indexes, triggers and views that name
            // the column, which a rebuild under the new name would leave dangling.
            let reshape = Operation::AlterColumn(AlterColumn {
                new_name: None,
                ..alter.clone()
            });
            let mut statements = rebuild(&reshape, &alter.table, before)?;
            statements.push(Statement::new(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                quote_identifier(&alter.table),
                quote_identifier(&alter.column),
                quote_identifier(new_name)
            )));
            Ok(statements)
        }
        (None, true) => rebuild(op, &alter.table, before),
        (None, false) => Ok(Vec::new()),
    }
}

fn execute_sql(execute: &Execute) -> Result<Vec<Statement>, DialectError> {
    let text = execute.sql.for_dialect(SQLITE).ok_or_else(|| {
        DialectError::new(
            SQLITE,
            "render `execute`",
            "its SQL table has neither `sqlite` nor `default`; add one of them",
        )
    })?;
    let statements = split_statements(text, &crate::SqliteDialect.syntax()).map_err(|error| {
        DialectError::new(
            SQLITE,
            "split the SQL of `execute` into statements",
            error.to_string(),
        )
    })?;
    Ok(statements
        .into_iter()
        .map(|s| Statement::new(s.sql))
        .collect())
}

/// `bulk_insert`'s SQLite pieces: `?` placeholders, SQLite literals.
struct SqliteInsert;

impl InsertStyle for SqliteInsert {
    fn syntax(&self) -> SqlSyntax {
        crate::quote::syntax()
    }

    fn literal(&self, _column: usize, value: &Value) -> Result<String, DialectError> {
        render_value(value)
    }
}
