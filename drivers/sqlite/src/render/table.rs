//! `CREATE TABLE` and `CREATE INDEX` from the model's table: one renderer for
//! `create_table` and for the rebuild's new table, so both spell a table the same way.

use crate::literal::render_default;
use crate::quote::{quote_identifier, quote_list};
use crate::types::render_type;
use crate::SQLITE;
use retort_core::dialect::DialectError;
use retort_core::render::{self, NoActionSaid};
use retort_core::schema::{Column, Index, Table};

/// `CREATE TABLE "name" (...)` with the columns and constraints of `table`.
pub(crate) fn create_table_sql(table: &Table, name: &str) -> Result<String, DialectError> {
    let autoincrement = autoincrement_column(table)?;
    let mut items = Vec::new();
    for column in &table.columns {
        items.push(column_sql(
            table,
            column,
            autoincrement == Some(column.name.as_str()),
        )?);
    }
    if let Some(pk) = &table.primary_key {
        if autoincrement.is_none() {
            items.push(format!("PRIMARY KEY ({})", quote_list(&pk.columns)));
        }
    }
    for unique in &table.unique_constraints {
        items.push(format!(
            "{}UNIQUE ({})",
            constraint_name(unique.name.as_deref()),
            quote_list(&unique.columns)
        ));
    }
    for check in &table.checks {
        items.push(format!(
            "{}CHECK ({})",
            constraint_name(check.name.as_deref()),
            check.expr
        ));
    }
    for fk in &table.foreign_keys {
        items.push(format!(
            "{}{}",
            constraint_name(fk.name.as_deref()),
            render::foreign_key_clause(&crate::quote::syntax(), fk, NoActionSaid::Never)
        ));
    }
    Ok(format!(
        "CREATE TABLE {} ({})",
        quote_identifier(name),
        items.join(", ")
    ))
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (...) [WHERE ...]`.
pub(crate) fn create_index_sql(table: &str, index: &Index) -> String {
    render::create_index_sql(&crate::quote::syntax(), table, index)
}

/// One column definition; the autoincrement column carries the key itself, as SQLite wants.
pub(crate) fn column_sql(
    table: &Table,
    column: &Column,
    autoincrement: bool,
) -> Result<String, DialectError> {
    let declared = if autoincrement {
        // Only a column declared exactly INTEGER becomes the rowid that AUTOINCREMENT needs.
        // It reads back as `integer`, which on SQLite is the same 64-bit type as `bigint`
        // (the dialect's spelling rules say so), so nothing of retort's is written beside it.
        String::from("INTEGER")
    } else {
        render_type(&column.name, &column.column_type)?
    };
    let mut sql = format!("{} {}", quote_identifier(&column.name), declared);
    if autoincrement {
        sql.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if !column.nullable || table.in_primary_key(&column.name) {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", render_default(default)?));
    }
    Ok(sql)
}

/// The autoincrement column, if any; SQLite allows it only as the whole primary key and
/// of an integer type.
fn autoincrement_column(table: &Table) -> Result<Option<&str>, DialectError> {
    let Some(column) = table.columns.iter().find(|c| c.autoincrement) else {
        return Ok(None);
    };
    let reject = |reason: &str| {
        Err(DialectError::new(
            SQLITE,
            format!(
                "make column `{}` of table `{}` autoincrement",
                column.name, table.name
            ),
            reason.to_string(),
        ))
    };
    if table.columns.iter().filter(|c| c.autoincrement).count() > 1 {
        return reject("SQLite allows one autoincrement column per table");
    }
    let is_whole_key = table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == column.name);
    if !is_whole_key {
        return reject("SQLite's AUTOINCREMENT needs the column to be the whole primary key");
    }
    if !column.column_type.is_integer() {
        return reject("SQLite's AUTOINCREMENT needs an integer column");
    }
    Ok(Some(column.name.as_str()))
}

fn constraint_name(name: Option<&str>) -> String {
    name.map(|n| format!("CONSTRAINT {} ", quote_identifier(n)))
        .unwrap_or_default()
}
