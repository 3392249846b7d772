//! Operations to MySQL/MariaDB statements. DDL commits implicitly on these servers, so
//! every statement stands alone; the Migrator's dirty row covers a failure part-way.

mod insert;
mod table;

pub(crate) use table::check_name;
pub(crate) use table::IDENTIFIER_LIMIT;
pub use table::{default_constraint_name, INDEX_MARK, UNNAMED_MARK};

use crate::quote::{quote_identifier, quote_list};
use crate::MYSQL;
use retort_core::dialect::{DialectError, RenderMode, Statement};
use retort_core::render::AddedColumn;
use retort_core::revision::ops::{
    AddColumn, AlterColumn, ConstraintKind, Execute, Operation, SqlText,
};
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
            table::create_table(&after)
        }
        Operation::DropTable(drop) => one(format!("DROP TABLE {}", quote_identifier(&drop.table))),
        Operation::RenameTable(rename) => one(format!(
            "RENAME TABLE {} TO {}",
            quote_identifier(&rename.table),
            quote_identifier(&rename.new_name)
        )),
        Operation::AddColumn(add) => add_column(op, add, before),
        Operation::DropColumn(drop) => alter(
            &drop.table,
            format!("DROP COLUMN {}", quote_identifier(&drop.column)),
        ),
        Operation::AlterColumn(change) => alter_column(op, change, before),
        Operation::CreateIndex(create) => one(table::create_index_sql(
            &create.table,
            &Index::from_operation(create),
        )?),
        Operation::DropIndex(drop) => one(format!(
            "DROP INDEX {} ON {}",
            quote_identifier(&drop.name),
            quote_identifier(&drop.table)
        )),
        Operation::CreateForeignKey(c) => {
            let fk = ForeignKey::from_operation(c);
            alter(
                &c.table,
                format!(
                    "ADD {}, ADD {}",
                    table::foreign_key_index_sql(&c.table, &fk),
                    table::foreign_key_sql(&c.table, &fk)?
                ),
            )
        }
        Operation::CreateUniqueConstraint(c) => alter(
            &c.table,
            format!(
                "ADD {}",
                table::unique_sql(&c.table, Some(&c.name), &c.columns)
            ),
        ),
        Operation::CreateCheckConstraint(c) => {
            let check = CheckConstraint {
                name: Some(c.name.clone()),
                expr: c.expr.clone(),
            };
            alter(
                &c.table,
                format!("ADD {}", table::check_sql(&c.table, &check, 0)),
            )
        }
        Operation::DropConstraint(c) => {
            let name = quote_identifier(&c.name);
            alter(
                &c.table,
                match c.kind {
                    // With the index retort made for it (MySQL keeps an FK's index).
                    ConstraintKind::ForeignKey => {
                        format!("DROP FOREIGN KEY {name}, DROP INDEX {name}")
                    }
                    ConstraintKind::Unique => format!("DROP INDEX {name}"),
                    ConstraintKind::Check => format!("DROP CONSTRAINT {name}"),
                },
            )
        }
        Operation::Execute(execute) => execute_sql(execute),
        Operation::BulkInsert(insert) => {
            retort_core::render::bulk_insert(insert, mode, &insert::MysqlInsert)
        }
        other => Err(DialectError::new(
            MYSQL,
            format!("render `{}`", other.name()),
            "this driver does not know the operation; upgrade retort-mysql",
        )),
    }
}

/// The table `name` after `op` is applied to a copy of `before`.
fn applied(op: &Operation, before: &Schema, name: &str) -> Result<Table, DialectError> {
    retort_core::dialect::table_after(MYSQL, op, before, name)
}

/// `ADD COLUMN`, with what the column's flags add to the table: the primary key (in place
/// of an older one) and a unique constraint.
fn add_column(
    op: &Operation,
    add: &AddColumn,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let added = AddedColumn::new(MYSQL, op, add, before)?;
    let (model, old) = (&added.column, added.before);
    let mut actions = vec![format!(
        "ADD COLUMN {}",
        table::column_sql(&added.after, model)?
    )];
    if add.column.primary_key {
        if old.is_some_and(|t| t.primary_key.is_some()) {
            actions.push(String::from("DROP PRIMARY KEY"));
        }
        let columns = added.primary_key_columns();
        actions.push(format!("ADD PRIMARY KEY ({})", quote_list(&columns)));
    }
    if add.column.unique {
        let columns = vec![model.name.clone()];
        actions.push(format!(
            "ADD {}",
            table::unique_sql(&add.table, None, &columns)
        ));
    }
    Ok(vec![Statement::new(format!(
        "ALTER TABLE {} {}",
        quote_identifier(&add.table),
        actions.join(", ")
    ))])
}

/// `CHANGE COLUMN` with the whole new definition, computed from the column as it is
/// (which MySQL needs restated); a bare rename is `RENAME COLUMN`, and default changes
/// alone on a column the model does not know are `ALTER COLUMN ... SET/DROP DEFAULT`.
fn alter_column(
    op: &Operation,
    change: &AlterColumn,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let table = quote_identifier(&change.table);
    let column = quote_identifier(&change.column);
    let only_rename = change.new_type.is_none()
        && change.nullable.is_none()
        && change.default.is_none()
        && !change.drop_default;
    if let (true, Some(new_name)) = (only_rename, &change.new_name) {
        return Ok(vec![Statement::new(format!(
            "ALTER TABLE {table} RENAME COLUMN {column} TO {}",
            quote_identifier(new_name)
        ))]);
    }
    let known = before
        .table(&change.table)
        .is_some_and(|t| t.column(&change.column).is_some());
    if !known {
        if change.new_type.is_some() || change.nullable.is_some() {
            return Err(DialectError::new(
                MYSQL,
                format!(
                    "alter the type or nullability of column `{}` of table `{}`",
                    change.column, change.table
                ),
                "MySQL restates the whole column (MODIFY COLUMN), and the column's current \
                 definition is unknown (the table was made by `execute`); use `execute` with \
                 ALTER TABLE ... MODIFY COLUMN",
            ));
        }
        let mut statements = Vec::new();
        if change.drop_default {
            statements.push(format!("ALTER COLUMN {column} DROP DEFAULT"));
        }
        if let Some(default) = &change.default {
            statements.push(format!(
                "ALTER COLUMN {column} SET DEFAULT {}",
                crate::literal::render_default(default)?
            ));
        }
        if let Some(new_name) = &change.new_name {
            statements.push(format!(
                "RENAME COLUMN {column} TO {}",
                quote_identifier(new_name)
            ));
        }
        return Ok(statements
            .into_iter()
            .map(|action| Statement::new(format!("ALTER TABLE {table} {action}")))
            .collect());
    }
    let after = applied(op, before, &change.table)?;
    let new_name = change.new_name.as_deref().unwrap_or(&change.column);
    let new = after.column(new_name).ok_or_else(|| {
        DialectError::new(
            MYSQL,
            format!(
                "alter column `{}` of table `{}`",
                change.column, change.table
            ),
            "the column is not in the table afterwards",
        )
    })?;
    Ok(vec![Statement::new(format!(
        "ALTER TABLE {table} CHANGE COLUMN {column} {}",
        table::column_sql(&after, new)?
    ))])
}

fn execute_sql(execute: &Execute) -> Result<Vec<Statement>, DialectError> {
    // `mysql`, then `mariadb`, then `default`: the order per-dialect types follow too.
    let text = match &execute.sql {
        SqlText::Everywhere(sql) => Some(sql.as_str()),
        SqlText::PerDialect(by_dialect) => by_dialect
            .get(MYSQL)
            .or_else(|| by_dialect.get("mariadb"))
            .or_else(|| by_dialect.get("default"))
            .map(String::as_str),
    }
    .ok_or_else(|| {
        DialectError::new(
            MYSQL,
            "render `execute`",
            "its SQL table has neither `mysql` nor `default`; add one of them",
        )
    })?;
    let statements = split_statements(text, &crate::MysqlDialect.syntax()).map_err(|error| {
        DialectError::new(
            MYSQL,
            "split the SQL of `execute` into statements",
            error.to_string(),
        )
    })?;
    Ok(statements
        .into_iter()
        .map(|s| Statement::new(s.sql))
        .collect())
}
