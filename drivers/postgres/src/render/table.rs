//! `CREATE TABLE`, constraints and comments from the model's table.
//!
//! Constraints the user left unnamed get the name PostgreSQL would choose (`t_pkey`,
//! `t_a_b_key`, `t_a_fkey`, `t_check`; see [`super::names`]) and a comment marking them
//! unnamed, so that
//! introspection reads them back as unnamed even after a table or column rename. A check
//! constraint's comment also keeps its expression as written, which PostgreSQL would
//! otherwise return rewritten (`balance >= (0)::numeric`).

use crate::literal::{render_default, render_value};
use crate::quote::{quote_identifier, quote_list, quote_string};
use crate::types::render_type;
use crate::POSTGRES;
use retort_core::dialect::{DialectError, Statement};
use retort_core::render::{self, NoActionSaid};
use retort_core::revision::values::Value;
use retort_core::schema::{CheckConstraint, Column, ForeignKey, Index, Table};

use super::names::{check_label, TakenNames};

/// The comment that marks a constraint retort named because the user did not.
pub const UNNAMED_MARK: &str = "retort:unnamed";
/// The first line of a check constraint's comment; the expression as written follows.
pub const CHECK_MARK: &str = "retort:check";
/// The first line of an unnamed check constraint's comment.
pub const UNNAMED_CHECK_MARK: &str = "retort:check:unnamed";

/// `CREATE TABLE` for `table`, then its comments: every statement `create_table` needs.
/// Unnamed constraints get default names that none of `taken` uses.
pub(crate) fn create_table(
    table: &Table,
    taken: &mut TakenNames,
) -> Result<Vec<Statement>, DialectError> {
    let name = &table.name;
    let mut items = Vec::new();
    let mut comments = Vec::new();
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
        if pk.name.is_none() {
            comments.push(comment_on_constraint(name, &constraint, UNNAMED_MARK));
        }
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
        let (sql, comment) = unique_sql(&constraint, &unique.columns, unique.name.is_none());
        items.push(sql);
        comments.extend(comment.map(|c| comment_on_constraint(name, &constraint, c)));
    }
    for (n, check) in table.checks.iter().enumerate() {
        let constraint = check
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &[], &check_label(n)));
        let (sql, comment) = check_sql(&constraint, check);
        items.push(sql);
        comments.push(comment_on_constraint(name, &constraint, &comment));
    }
    for fk in &table.foreign_keys {
        let constraint = fk
            .name
            .clone()
            .unwrap_or_else(|| taken.choose(name, &fk.columns, "fkey"));
        let sql = foreign_key_sql(&constraint, fk);
        items.push(sql);
        if fk.name.is_none() {
            comments.push(comment_on_constraint(name, &constraint, UNNAMED_MARK));
        }
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
    statements.extend(comments);
    Ok(statements)
}

/// `CONSTRAINT "n" UNIQUE (...)`, with the comment to add when retort chose the name.
pub(crate) fn unique_sql(
    constraint: &str,
    columns: &[String],
    unnamed: bool,
) -> (String, Option<&'static str>) {
    let sql = format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_identifier(constraint),
        quote_list(columns)
    );
    (sql, unnamed.then_some(UNNAMED_MARK))
}

/// `CONSTRAINT "n" CHECK (...)`, with the comment that keeps the expression (and says
/// whether the user named the check).
pub(crate) fn check_sql(constraint: &str, check: &CheckConstraint) -> (String, String) {
    let mark = if check.name.is_some() {
        CHECK_MARK
    } else {
        UNNAMED_CHECK_MARK
    };
    let sql = format!(
        "CONSTRAINT {} CHECK ({})",
        quote_identifier(constraint),
        check.expr
    );
    (sql, format!("{mark}\n{}", check.expr))
}

/// `CONSTRAINT "n" FOREIGN KEY (...) REFERENCES ...`.
pub(crate) fn foreign_key_sql(constraint: &str, fk: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} {}",
        quote_identifier(constraint),
        render::foreign_key_clause(&crate::quote::syntax(), fk, NoActionSaid::Never)
    )
}

/// `COMMENT ON CONSTRAINT "n" ON "t" IS '...'`.
pub(crate) fn comment_on_constraint(table: &str, constraint: &str, comment: &str) -> Statement {
    Statement::new(format!(
        "COMMENT ON CONSTRAINT {} ON {} IS {}",
        quote_identifier(constraint),
        quote_identifier(table),
        quote_string(comment)
    ))
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
