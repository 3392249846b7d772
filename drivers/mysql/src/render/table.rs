//! `CREATE TABLE`, column definitions and constraints from the model's table.
//!
//! Unnamed unique constraints, foreign keys and checks get PostgreSQL-style names
//! (`t_a_key`, `t_a_fkey`, `t_check`) and read back as unnamed by that name. A unique
//! index and a unique constraint are one thing on MySQL, and comparisons treat them so
//! (SPEC 8): nothing of retort's is written into index comments. (Earlier versions marked
//! them `retort:unnamed` / `retort:index`; introspection still reads those marks.) Primary
//! keys are always called `PRIMARY`, so their names are not kept.

use crate::literal::render_default;
use crate::quote::{quote_identifier, quote_list, quote_string};
use crate::types::render_type;
use crate::MYSQL;
use retort_core::dialect::{object_name, DialectError, IdentifierLimit, Statement};
use retort_core::render::{self, NoActionSaid};
use retort_core::revision::ops::ReferentialAction;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{CheckConstraint, Column, ForeignKey, Index, Table};

/// The index comment with which earlier versions marked a unique constraint retort named
/// because the user did not (read, never written).
pub const UNNAMED_MARK: &str = "retort:unnamed";
/// The index comment with which earlier versions marked a unique index made by
/// `create_index` (read, never written).
pub const INDEX_MARK: &str = "retort:index";

/// The longest identifier MySQL and MariaDB accept; they refuse longer ones.
pub(crate) const IDENTIFIER_LIMIT: IdentifierLimit = IdentifierLimit::Characters(64);

/// The name retort gives an unnamed constraint: `table_col1_col2_suffix`, shortened to 64
/// characters as PostgreSQL shortens its own (the longer of the table and column parts
/// gives way, the suffix stays), so that two constraints of a long-named table keep
/// different names.
pub fn default_constraint_name(table: &str, columns: &[String], suffix: &str) -> String {
    object_name(table, columns, suffix, IDENTIFIER_LIMIT)
}

/// `CREATE TABLE` for `table`, with its constraints and comments inline.
pub(crate) fn create_table(table: &Table) -> Result<Vec<Statement>, DialectError> {
    let name = &table.name;
    let mut items = Vec::new();
    for column in &table.columns {
        items.push(column_sql(table, column)?);
    }
    if let Some(pk) = &table.primary_key {
        items.push(format!("PRIMARY KEY ({})", quote_list(&pk.columns)));
    }
    for unique in &table.unique_constraints {
        items.push(unique_sql(name, unique.name.as_deref(), &unique.columns));
    }
    for (n, check) in table.checks.iter().enumerate() {
        items.push(check_sql(name, check, n));
    }
    for fk in &table.foreign_keys {
        items.push(foreign_key_index_sql(name, fk));
        items.push(foreign_key_sql(name, fk)?);
    }
    let mut sql = format!(
        "CREATE TABLE {} ({})",
        quote_identifier(name),
        items.join(", ")
    );
    if let Some(comment) = &table.comment {
        sql.push_str(&format!(" COMMENT = {}", quote_string(comment)));
    }
    Ok(vec![Statement::new(sql)])
}

/// `CONSTRAINT `n` UNIQUE (...)`, named as retort names unnamed constraints when the user
/// gave no name.
pub(crate) fn unique_sql(table: &str, name: Option<&str>, columns: &[String]) -> String {
    let constraint = name
        .map(str::to_string)
        .unwrap_or_else(|| default_constraint_name(table, columns, "key"));
    format!(
        "CONSTRAINT {} UNIQUE ({})",
        quote_identifier(&constraint),
        quote_list(columns)
    )
}

/// The name of check `position` of a table: the user's, else `t_check`, `t_check1`...
pub(crate) fn check_name(table: &str, check: &CheckConstraint, position: usize) -> String {
    match &check.name {
        Some(name) => name.clone(),
        None if position == 0 => default_constraint_name(table, &[], "check"),
        None => default_constraint_name(table, &[], &format!("check{position}")),
    }
}

/// `CONSTRAINT `n` CHECK (...)`; double-quoted identifiers in the expression (standard
/// SQL) become backtick-quoted ones.
pub(crate) fn check_sql(table: &str, check: &CheckConstraint, position: usize) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        quote_identifier(&check_name(table, check, position)),
        crate::expr::to_backticks(&check.expr)
    )
}

/// `CONSTRAINT `n` FOREIGN KEY (...) REFERENCES ... ON DELETE ... ON UPDATE ...`; both
/// actions always said, since MySQL and MariaDB report an unsaid one differently.
pub(crate) fn foreign_key_sql(table: &str, fk: &ForeignKey) -> Result<String, DialectError> {
    let constraint = fk
        .name
        .clone()
        .unwrap_or_else(|| default_constraint_name(table, &fk.columns, "fkey"));
    if fk.on_delete == ReferentialAction::SetDefault
        || fk.on_update == ReferentialAction::SetDefault
    {
        return Err(DialectError::new(
            MYSQL,
            format!(
                "create foreign key `{constraint}` on table `{table}` with a `set_default` action"
            ),
            "InnoDB has no SET DEFAULT action (MariaDB silently drops it, MySQL refuses it); \
             use cascade, set_null, restrict or no_action",
        ));
    }
    Ok(format!(
        "CONSTRAINT {} {}",
        quote_identifier(&constraint),
        render::foreign_key_clause(&crate::quote::syntax(), fk, NoActionSaid::Always)
    ))
}

/// `KEY `n` (...)`: the foreign key's own index, named after it. Made explicitly, because
/// MySQL silently drops the index it makes for a foreign key when another index can serve
/// it, which would then be impossible to drop.
pub(crate) fn foreign_key_index_sql(table: &str, fk: &ForeignKey) -> String {
    let constraint = fk
        .name
        .clone()
        .unwrap_or_else(|| default_constraint_name(table, &fk.columns, "fkey"));
    format!(
        "KEY {} ({})",
        quote_identifier(&constraint),
        quote_list(&fk.columns)
    )
}

/// `CREATE [UNIQUE] INDEX `name` ON `table` (...)`; a partial index is refused.
pub(crate) fn create_index_sql(table: &str, index: &Index) -> Result<String, DialectError> {
    if let Some(predicate) = &index.predicate {
        return Err(DialectError::new(
            MYSQL,
            format!("create index `{}` on table `{table}` with `where = \"{predicate}\"`", index.name),
            "MySQL and MariaDB have no partial indexes; drop `where`, or index a generated column instead",
        ));
    }
    Ok(render::create_index_sql(
        &crate::quote::syntax(),
        table,
        index,
    ))
}

/// One column definition, complete (MySQL's `MODIFY COLUMN` restates all of it).
pub(crate) fn column_sql(table: &Table, column: &Column) -> Result<String, DialectError> {
    let mut sql = format!(
        "{} {}",
        quote_identifier(&column.name),
        render_type(&column.name, &column.column_type)?
    );
    if !column.nullable || table.in_primary_key(&column.name) {
        sql.push_str(" NOT NULL");
    } else {
        sql.push_str(" NULL");
    }
    if let Some(default) = &column.default {
        let literal = render_default(default)?;
        // MySQL 8 takes a default for a text, blob or json column only as an expression.
        let long = matches!(
            column.column_type,
            ColumnType::Neutral(NeutralType::Text | NeutralType::Blob | NeutralType::Json)
        );
        if long && !matches!(default, DefaultValue::Sql(_)) {
            sql.push_str(&format!(" DEFAULT ({literal})"));
        } else {
            sql.push_str(&format!(" DEFAULT {literal}"));
        }
    }
    if column.autoincrement {
        if !column.column_type.is_integer() {
            return Err(DialectError::new(
                MYSQL,
                format!(
                    "make column `{}` of table `{}` autoincrement",
                    column.name, table.name
                ),
                "an AUTO_INCREMENT column must be smallint, integer or bigint",
            ));
        }
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", quote_string(comment)));
    }
    Ok(sql)
}
