//! `CREATE TABLE`, constraints and comments from the model's table.
//!
//! Constraints the user left unnamed get the name PostgreSQL would choose (`t_pkey`,
//! `t_a_b_key`, `t_a_fkey`, `t_check`; see [`super::names`]). Nothing of retort's is
//! written into the schema: comparisons match an unnamed declared constraint with a live
//! one of any name, and read checks as PostgreSQL renders them (SPEC 8). Databases that
//! earlier versions marked with constraint comments keep reading back as they did.

use crate::literal::{render_default, render_value};
use crate::quote::{quote_identifier, quote_list};
use crate::types::render_type;
use crate::POSTGRES;
use retort_core::dialect::{DialectError, Statement};
use retort_core::render::{self, NoActionSaid};
use retort_core::revision::values::Value;
use retort_core::schema::{CheckConstraint, Column, ForeignKey, Index, Table};

use super::names::{check_label, TakenNames};

/// The comment earlier versions put on a constraint retort named because the user did not
/// (read, never written).
pub const UNNAMED_MARK: &str = "retort:unnamed";
/// The first line of the comment earlier versions put on a check constraint, followed by
/// its expression as written (read, never written).
pub const CHECK_MARK: &str = "retort:check";
/// The same, for an unnamed check constraint.
pub const UNNAMED_CHECK_MARK: &str = "retort:check:unnamed";

/// `CREATE TABLE` for `table`, then its comments: every statement `create_table` needs.
/// Unnamed constraints get default names that none of `taken` uses.
pub(crate) fn create_table(
    table: &Table,
    taken: &mut TakenNames,
) -> Result<Vec<Statement>, DialectError> {
    let name = &table.name;
    let mut items = Vec::new();
    for column in &table.columns {
        items.push(column_sql(table, column)?);
    }
    // The names the user gave are the table's whatever comes after: derived ones avoid them.
    taken.take(name);
    let given = table.primary_key.iter().filter_map(|pk| pk.name.as_ref());
    let given = given
        .chain(
            table
                .unique_constraints
                .iter()
                .filter_map(|u| u.name.as_ref()),
        )
        .chain(table.checks.iter().filter_map(|c| c.name.as_ref()))
        .chain(table.foreign_keys.iter().filter_map(|f| f.name.as_ref()));
    for constraint in given {
        taken.take(constraint);
    }
    if let Some(pk) = &table.primary_key {
        let constraint = pk
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &[], "pkey"));
        items.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            quote_identifier(&constraint),
            quote_list(&pk.columns)
        ));
    }
    for unique in &table.unique_constraints {
        let constraint = unique
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &unique.columns, "key"));
        items.push(unique_sql(&constraint, &unique.columns));
    }
    for (n, check) in table.checks.iter().enumerate() {
        let constraint = check
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &[], &check_label(n)));
        items.push(check_sql(&constraint, check));
    }
    for fk in &table.foreign_keys {
        let constraint = fk
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &fk.columns, "fkey"));
        items.push(foreign_key_sql(&constraint, fk));
    }
    let mut statements = vec![Statement::new(format!(
        "CREATE TABLE {} ({})",
        quote_identifier(name),
        items.join(", ")
    ))];
    if let Some(comment) = &table.comment {
        statements.push(Statement::new(format!(
            "COMMENT ON TABLE {} IS {}",
            quote_identifier(name),
            render_value(&Value::String(comment.clone()))?
        )));
    }
    for column in &table.columns {
        if let Some(comment) = &column.comment {
            statements.push(comment_on_column(name, &column.name, Some(comment))?);
        }
    }
    Ok(statements)
}

/// `CONSTRAINT "n" UNIQUE (...)`.
pub(crate) fn unique_sql(constraint: &str, columns: &[String]) -> String {
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_identifier(constraint),
        quote_list(columns)
    )
}

/// `CONSTRAINT "n" CHECK (...)`.
pub(crate) fn check_sql(constraint: &str, check: &CheckConstraint) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_identifier(constraint),
        check.expr
    )
}

/// `CONSTRAINT "n" FOREIGN KEY (...) REFERENCES ...`.
pub(crate) fn foreign_key_sql(constraint: &str, fk: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} {}",
        quote_identifier(constraint),
        render::foreign_key_clause(&crate::quote::syntax(), fk, NoActionSaid::Never)
    )
}

/// `COMMENT ON COLUMN "t"."c" IS ...` (`NULL` removes it).
pub(crate) fn comment_on_column(
    table: &str,
    column: &str,
    comment: Option<&str>,
) -> Result<Statement, DialectError> {
    let value = comment.map_or(Value::Null, |c| Value::String(c.to_string()));
    Ok(Statement::new(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        quote_identifier(table),
        quote_identifier(column),
        render_value(&value)?
    )))
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (...) [WHERE ...]`.
pub(crate) fn create_index_sql(table: &str, index: &Index) -> String {
    render::create_index_sql(&crate::quote::syntax(), table, index)
}

/// One column definition. An autoincrement column is an identity column
/// (`GENERATED BY DEFAULT AS IDENTITY`), which the catalog reports back as such.
pub(crate) fn column_sql(table: &Table, column: &Column) -> Result<String, DialectError> {
    let mut sql = format!(
        "{} {}",
        quote_identifier(&column.name),
        render_type(&column.name, &column.column_type)?
    );
    if column.autoincrement {
        if !column.column_type.is_integer() {
            return Err(DialectError::new(
                POSTGRES,
                format!(
                    "make column `{}` of table `{}` autoincrement",
                    column.name, table.name
                ),
                "an identity column must be smallint, integer or bigint",
            ));
        }
        sql.push_str(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if !column.nullable || table.in_primary_key(&column.name) {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", render_default(default)?));
    }
    Ok(sql)
}
