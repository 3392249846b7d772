//! Checks on operations that the file's syntax cannot express, made on load so that a
//! mistake is reported with its file and line before any connection is made.

use super::ops::{Column, Operation, SqlText};
use super::types::{ColumnType, NeutralType};
use crate::sql::{split_statements, DialectSyntaxes};
use std::collections::HashSet;

/// Checks one operation, its raw SQL read with the rules `syntaxes` gives for each dialect;
/// the error says what is wrong (the caller adds where).
pub(crate) fn validate_operation(op: &Operation, syntaxes: &DialectSyntaxes) -> Result<(), String> {
    if let Some(table) = op.table() {
        name("table", table)?;
    }
    match op {
        Operation::CreateTable(t) => {
            if t.columns.is_empty() {
                return Err("a table needs at least one column".into());
            }
            let mut seen = HashSet::new();
            for column in &t.columns {
                validate_column(column)?;
                if !seen.insert(column.name.as_str()) {
                    return Err(format!("column `{}` is declared twice", column.name));
                }
            }
            let known = |cols: &[String], what: &str| -> Result<(), String> {
                non_empty_names(cols, what)?;
                match cols.iter().find(|c| !seen.contains(c.as_str())) {
                    Some(missing) => Err(format!(
                        "{what} names column `{missing}`, which the table does not have"
                    )),
                    None => Ok(()),
                }
            };
            if let Some(pk) = &t.primary_key {
                known(pk, "primary_key")?;
                if t.columns.iter().any(|c| c.primary_key) {
                    return Err(
                        "declare the primary key either on columns or in `primary_key`, not both"
                            .into(),
                    );
                }
            }
            for unique in &t.unique {
                known(&unique.columns, "a unique constraint")?;
                optional_name(unique.name.as_deref())?;
            }
            for check in &t.checks {
                optional_name(check.name.as_deref())?;
                sql_fragment("expr", &check.expr)?;
            }
            for fk in &t.foreign_keys {
                optional_name(fk.name.as_deref())?;
                known(&fk.columns, "a foreign key")?;
                name("references_table", &fk.references_table)?;
                same_length(&fk.columns, &fk.references_columns)?;
            }
        }
        Operation::RenameTable(r) => name("new_name", &r.new_name)?,
        Operation::AddColumn(a) => validate_column(&a.column)?,
        Operation::DropColumn(d) => name("column", &d.column)?,
        Operation::AlterColumn(a) => {
            name("column", &a.column)?;
            if let Some(new_name) = &a.new_name {
                name("new_name", new_name)?;
            }
            if a.default.is_some() && a.drop_default {
                return Err("`default` and `drop_default = true` contradict each other".into());
            }
            if a.new_type.is_none()
                && a.nullable.is_none()
                && a.default.is_none()
                && !a.drop_default
                && a.new_name.is_none()
            {
                return Err("nothing to alter: give at least one of type, nullable, default, drop_default, new_name".into());
            }
        }
        Operation::CreateIndex(i) => {
            name("name", &i.name)?;
            non_empty_names(&i.columns, "columns")?;
            if let Some(predicate) = &i.predicate {
                sql_fragment("where", predicate)?;
            }
        }
        Operation::DropIndex(i) => name("name", &i.name)?,
        Operation::CreateForeignKey(fk) => {
            name("name", &fk.name)?;
            non_empty_names(&fk.columns, "columns")?;
            name("references_table", &fk.references_table)?;
            same_length(&fk.columns, &fk.references_columns)?;
        }
        Operation::CreateUniqueConstraint(u) => {
            name("name", &u.name)?;
            non_empty_names(&u.columns, "columns")?;
        }
        Operation::CreateCheckConstraint(c) => {
            name("name", &c.name)?;
            sql_fragment("expr", &c.expr)?;
        }
        Operation::DropConstraint(c) => name("name", &c.name)?,
        Operation::Execute(e) => match &e.sql {
            SqlText::Everywhere(sql) => executable_sql("sql", syntaxes, None, sql)?,
            SqlText::PerDialect(by_dialect) => {
                if by_dialect.is_empty() {
                    return Err("`sql` is an empty table: give SQL per dialect or `default`".into());
                }
                for (dialect, sql) in by_dialect {
                    let named = (dialect != "default").then_some(dialect.as_str());
                    executable_sql(&format!("sql.{dialect}"), syntaxes, named, sql)?;
                }
            }
        },
        Operation::BulkInsert(b) => {
            if b.rows.is_empty() {
                return Err("`rows` is empty: give at least one row".into());
            }
            for row in &b.rows {
                if row.is_empty() {
                    return Err("a row is empty: give at least one column".into());
                }
                for column in row.keys() {
                    name("a row's column", column)?;
                }
            }
        }
        Operation::DropTable(_) => {}
    }
    Ok(())
}

fn validate_column(column: &Column) -> Result<(), String> {
    name("column name", &column.name)?;
    if column.autoincrement {
        let integer = matches!(
            column.column_type,
            ColumnType::Neutral(NeutralType::SmallInt | NeutralType::Integer | NeutralType::BigInt)
        );
        if !integer {
            return Err(format!(
                "column `{}`: autoincrement needs an integer type (smallint, integer, bigint)",
                column.name
            ));
        }
    }
    Ok(())
}

/// Identifiers are quoted by every dialect, so anything goes but the empty name and NUL.
fn name(what: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err(format!("{what} is empty"))
    } else if value.contains('\0') {
        Err(format!(
            "{what} `{}` contains a NUL character",
            value.escape_debug()
        ))
    } else {
        Ok(())
    }
}

fn optional_name(value: Option<&str>) -> Result<(), String> {
    value.map_or(Ok(()), |v| name("constraint name", v))
}

fn non_empty_names(names: &[String], what: &str) -> Result<(), String> {
    if names.is_empty() {
        return Err(format!("{what} lists no columns"));
    }
    names.iter().try_for_each(|n| name(what, n))
}

fn sql_fragment(what: &str, sql: &str) -> Result<(), String> {
    if sql.trim().is_empty() {
        Err(format!("`{what}` is empty"))
    } else {
        Ok(())
    }
}

/// Raw SQL must split into statements (an unterminated quote is caught on load, not at run time).
fn executable_sql(
    what: &str,
    syntaxes: &DialectSyntaxes,
    dialect: Option<&str>,
    sql: &str,
) -> Result<(), String> {
    sql_fragment(what, sql)?;
    match split_statements(sql, &syntaxes.for_dialect(dialect)) {
        Ok(statements) if statements.is_empty() => {
            Err(format!("`{what}` holds no statement, only comments"))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "`{what}`: {e} (line and column within the SQL text)"
        )),
    }
}

fn same_length(columns: &[String], references: &[String]) -> Result<(), String> {
    if columns.len() == references.len() {
        Ok(())
    } else {
        Err(format!(
            "a foreign key has {} column(s) but {} referenced column(s); they pair up one to one",
            columns.len(),
            references.len()
        ))
    }
}
