//! `CREATE TABLE`, constraints and comments from the model's table.
//!
//! Constraints the user left unnamed get the name PostgreSQL would choose (`t_pkey`,
//! `t_a_b_key`, `t_a_fkey`, `t_check`) and a comment marking them unnamed, so that
//! introspection reads them back as unnamed even after a table or column rename. A check
//! constraint's comment also keeps its expression as written, which PostgreSQL would
//! otherwise return rewritten (`balance >= (0)::numeric`).

use crate::literal::{render_default, render_value};
use crate::quote::{quote_identifier, quote_list, quote_string};
use crate::types::render_type;
use crate::POSTGRES;
use retort_core::dialect::{DialectError, Statement};
use retort_core::revision::ops::ReferentialAction;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::Value;
use retort_core::schema::{CheckConstraint, Column, ForeignKey, Index, Table};

/// The comment that marks a constraint retort named because the user did not.
pub const UNNAMED_MARK: &str = "retort:unnamed";
/// The first line of a check constraint's comment; the expression as written follows.
pub const CHECK_MARK: &str = "retort:check";
/// The first line of an unnamed check constraint's comment.
pub const UNNAMED_CHECK_MARK: &str = "retort:check:unnamed";

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1` bytes).
const MAX_IDENTIFIER: usize = 63;

/// `name` cut to PostgreSQL's identifier length at a character boundary, as the server
/// would (it truncates silently).
pub(crate) fn truncate_identifier(name: &str) -> String {
    let mut end = name.len().min(MAX_IDENTIFIER);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// The name PostgreSQL gives an unnamed constraint: `table_col1_col2_suffix`.
pub fn default_constraint_name(table: &str, columns: &[String], suffix: &str) -> String {
    let mut parts = vec![table.to_string()];
    parts.extend(columns.iter().cloned());
    parts.push(suffix.to_string());
    truncate_identifier(&parts.join("_"))
}

/// `CREATE TABLE` for `table`, then its comments: every statement `create_table` needs.
pub(crate) fn create_table(table: &Table) -> Result<Vec<Statement>, DialectError> {
    let name = &table.name;
    let mut items = Vec::new();
    let mut comments = Vec::new();
    for column in &table.columns {
        items.push(column_sql(table, column)?);
    }
    if let Some(pk) = &table.primary_key {
        let constraint = pk
            .name
            .clone()
            .unwrap_or_else(|| default_constraint_name(name, &[], "pkey"));
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
        let (constraint, sql, comment) = unique_sql(name, unique.name.as_deref(), &unique.columns);
        items.push(sql);
        comments.extend(comment.map(|c| comment_on_constraint(name, &constraint, c)));
    }
    for (n, check) in table.checks.iter().enumerate() {
        let (constraint, sql, comment) = check_sql(name, check, n);
        items.push(sql);
        comments.push(comment_on_constraint(name, &constraint, &comment));
    }
    for fk in &table.foreign_keys {
        let (constraint, sql) = foreign_key_sql(name, fk);
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

/// `CONSTRAINT "n" UNIQUE (...)`, with the name used and the comment to add, if any.
pub(crate) fn unique_sql(
    table: &str,
    name: Option<&str>,
    columns: &[String],
) -> (String, String, Option<&'static str>) {
    let constraint = name
        .map(str::to_string)
        .unwrap_or_else(|| default_constraint_name(table, columns, "key"));
    let sql = format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_identifier(&constraint),
        quote_list(columns)
    );
    (constraint, sql, name.is_none().then_some(UNNAMED_MARK))
}

/// `CONSTRAINT "n" CHECK (...)`, with the name used and the comment that keeps the
/// expression; `position` numbers unnamed checks of one table apart.
pub(crate) fn check_sql(
    table: &str,
    check: &CheckConstraint,
    position: usize,
) -> (String, String, String) {
    let (constraint, mark) = match &check.name {
        Some(name) => (name.clone(), CHECK_MARK),
        None => {
            let suffix = if position == 0 {
                String::from("check")
            } else {
                format!("check{position}")
            };
            (
                default_constraint_name(table, &[], &suffix),
                UNNAMED_CHECK_MARK,
            )
        }
    };
    let sql = format!(
        "CONSTRAINT {} CHECK ({})",
        quote_identifier(&constraint),
        check.expr
    );
    (constraint, sql, format!("{mark}\n{}", check.expr))
}

/// `CONSTRAINT "n" FOREIGN KEY (...) REFERENCES ...`, with the name used.
pub(crate) fn foreign_key_sql(table: &str, fk: &ForeignKey) -> (String, String) {
    let constraint = fk
        .name
        .clone()
        .unwrap_or_else(|| default_constraint_name(table, &fk.columns, "fkey"));
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_identifier(&constraint),
        quote_list(&fk.columns),
        quote_identifier(&fk.references_table),
        quote_list(&fk.references_columns)
    );
    if let Some(action) = action_sql(fk.on_delete) {
        sql.push_str(&format!(" ON DELETE {action}"));
    }
    if let Some(action) = action_sql(fk.on_update) {
        sql.push_str(&format!(" ON UPDATE {action}"));
    }
    (constraint, sql)
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
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_identifier(&index.name),
        quote_identifier(table),
        quote_list(&index.columns)
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
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
        let integer = matches!(
            column.column_type,
            ColumnType::Neutral(NeutralType::SmallInt | NeutralType::Integer | NeutralType::BigInt)
        );
        if !integer {
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

/// The action's SQL; `None` for `NO ACTION`, the default, which is left unsaid.
fn action_sql(action: ReferentialAction) -> Option<&'static str> {
    match action {
        ReferentialAction::Cascade => Some("CASCADE"),
        ReferentialAction::Restrict => Some("RESTRICT"),
        ReferentialAction::SetNull => Some("SET NULL"),
        ReferentialAction::SetDefault => Some("SET DEFAULT"),
        ReferentialAction::NoAction => None,
    }
}
