//! Operations to PostgreSQL statements: everything in place, inside the migration's
//! transaction (PostgreSQL has transactional DDL).

mod insert;
mod names;
mod table;

pub use names::default_constraint_name;
pub(crate) use names::IDENTIFIER_LIMIT;
pub use table::{CHECK_MARK, UNNAMED_CHECK_MARK, UNNAMED_MARK};

use names::TakenNames;

use crate::quote::{quote_identifier, quote_list};
use crate::types::render_type;
use crate::POSTGRES;
use retort_core::dialect::{DialectError, RenderMode, Statement};
use retort_core::render::AddedColumn;
use retort_core::revision::ops::{AddColumn, AlterColumn, ConstraintKind, Execute, Operation};
use retort_core::schema::{CheckConstraint, ForeignKey, Index, Schema, Table};
use retort_core::sql::split_statements;
use retort_core::Dialect as _;

/// The statements for `op`, given the schema before it.
pub(crate) fn render_operation(
    op: &Operation,
    before: &Schema,
    mode: RenderMode,
) -> Result<Vec<Statement>, DialectError> {
    let one = |sql: String| Ok(vec![Statement::new(sql)]);
    let alter = |table: &str, rest: String| {
        Ok(vec![Statement::new(format!(
            "ALTER TABLE {} {rest}",
            quote_identifier(table)
        ))])
    };
    match op {
        Operation::CreateTable(create) => {
            let after = applied(op, &Schema::new(), &create.table)?;
            table::create_table(&after, &mut TakenNames::of(before))
        }
        Operation::DropTable(drop) => one(format!("DROP TABLE {}", quote_identifier(&drop.table))),
        Operation::RenameTable(rename) => alter(
            &rename.table,
            format!("RENAME TO {}", quote_identifier(&rename.new_name)),
        ),
        Operation::AddColumn(add) => add_column(op, add, before),
        Operation::DropColumn(drop) => alter(
            &drop.table,
            format!("DROP COLUMN {}", quote_identifier(&drop.column)),
        ),
        Operation::AlterColumn(change) => alter_column(change),
        Operation::CreateIndex(create) => one(table::create_index_sql(
            &create.table,
            &Index::from_operation(create),
        )),
        Operation::DropIndex(drop) => one(format!("DROP INDEX {}", quote_identifier(&drop.name))),
        Operation::CreateForeignKey(c) => {
            let fk = ForeignKey::from_operation(c);
            let sql = table::foreign_key_sql(&c.name, &fk);
            alter(&c.table, format!("ADD {sql}"))
        }
        Operation::CreateUniqueConstraint(c) => {
            let sql = table::unique_sql(&c.name, &c.columns);
            alter(&c.table, format!("ADD {sql}"))
        }
        Operation::CreateCheckConstraint(c) => {
            let check = CheckConstraint {
                name: Some(c.name.clone()),
                expr: c.expr.clone(),
            };
            let sql = table::check_sql(&c.name, &check);
            alter(&c.table, format!("ADD {sql}"))
        }
        Operation::DropConstraint(c) => {
            // The kind is the user's claim; PostgreSQL finds the constraint by name alone.
            let _: ConstraintKind = c.kind;
            alter(
                &c.table,
                format!("DROP CONSTRAINT {}", quote_identifier(&c.name)),
            )
        }
        Operation::Execute(execute) => execute_sql(execute),
        Operation::BulkInsert(insert) => retort_core::render::bulk_insert(
            insert,
            mode,
            &insert::PostgresInsert::new(insert, before),
        ),
        other => Err(DialectError::new(
            POSTGRES,
            format!("render `{}`", other.name()),
            "this driver does not know the operation; upgrade retort-postgres",
        )),
    }
}

/// The table `name` after `op` is applied to a copy of `before`.
fn applied(op: &Operation, before: &Schema, name: &str) -> Result<Table, DialectError> {
    retort_core::dialect::table_after(POSTGRES, op, before, name)
}

/// `ADD COLUMN`, then what the column's flags add to the table: the primary key (replacing
/// an older one), a unique constraint, a comment.
fn add_column(
    op: &Operation,
    add: &AddColumn,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let added = AddedColumn::new(POSTGRES, op, add, before)?;
    let (model, old, new) = (&added.column, added.before, &added.after);
    let table = quote_identifier(&add.table);
    let mut taken = TakenNames::of(before);
    let mut statements = vec![Statement::new(format!(
        "ALTER TABLE {table} ADD COLUMN {}",
        table::column_sql(new, model)?
    ))];
    if add.column.primary_key {
        if let Some(old_key) = old.and_then(|t| t.primary_key.as_ref()) {
            let name = old_key
                .name
                .clone()
                .unwrap_or_else(|| default_constraint_name(&add.table, &[], "pkey"));
            statements.push(Statement::new(format!(
                "ALTER TABLE {table} DROP CONSTRAINT {}",
                quote_identifier(&name)
            )));
        }
        let columns = added.primary_key_columns();
        let name = taken.choose(&add.table, &[], "pkey");
        statements.push(Statement::new(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} PRIMARY KEY ({})",
            quote_identifier(&name),
            quote_list(&columns)
        )));
    }
    if add.column.unique {
        let columns = vec![model.name.clone()];
        let name = taken.choose(&add.table, &columns, "key");
        let sql = table::unique_sql(&name, &columns);
        statements.push(Statement::new(format!("ALTER TABLE {table} ADD {sql}")));
    }
    if let Some(comment) = &model.comment {
        statements.push(table::comment_on_column(
            &add.table,
            &model.name,
            Some(comment),
        )?);
    }
    Ok(statements)
}

/// Type (with `USING col::type`, so that any castable change goes through), nullability,
/// default, then the rename, each its own `ALTER TABLE`.
fn alter_column(change: &AlterColumn) -> Result<Vec<Statement>, DialectError> {
    let table = quote_identifier(&change.table);
    let column = quote_identifier(&change.column);
    let mut actions = Vec::new();
    if let Some(new_type) = &change.new_type {
        let rendered = render_type(&change.column, new_type)?;
        actions.push(format!(
            "ALTER COLUMN {column} TYPE {rendered} USING {column}::{rendered}"
        ));
    }
    match change.nullable {
        Some(true) => actions.push(format!("ALTER COLUMN {column} DROP NOT NULL")),
        Some(false) => actions.push(format!("ALTER COLUMN {column} SET NOT NULL")),
        None => {}
    }
    if change.drop_default {
        actions.push(format!("ALTER COLUMN {column} DROP DEFAULT"));
    }
    if let Some(default) = &change.default {
        actions.push(format!(
            "ALTER COLUMN {column} SET DEFAULT {}",
            crate::literal::render_default(default)?
        ));
    }
    let mut statements = Vec::new();
    if !actions.is_empty() {
        statements.push(Statement::new(format!(
            "ALTER TABLE {table} {}",
            actions.join(", ")
        )));
    }
    if let Some(new_name) = &change.new_name {
        statements.push(Statement::new(format!(
            "ALTER TABLE {table} RENAME COLUMN {column} TO {}",
            quote_identifier(new_name)
        )));
    }
    Ok(statements)
}

fn execute_sql(execute: &Execute) -> Result<Vec<Statement>, DialectError> {
    let text = execute.sql.for_dialect(POSTGRES).ok_or_else(|| {
        DialectError::new(
            POSTGRES,
            "render `execute`",
            "its SQL table has neither `postgres` nor `default`; add one of them",
        )
    })?;
    let statements = split_statements(text, &crate::PostgresDialect.syntax()).map_err(|error| {
        DialectError::new(
            POSTGRES,
            "split the SQL of `execute` into statements",
            error.to_string(),
        )
    })?;
    Ok(statements
        .into_iter()
        .map(|s| Statement::new(s.sql))
        .collect())
}
