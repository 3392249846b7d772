//! Rendering helpers that every driver needs in the same shape, with the dialect's own
//! pieces passed in: identifier lists quoted by the dialect's [`SqlSyntax`], hex digits,
//! float literals, referential actions, `CREATE INDEX`, a column's type chosen from a
//! per-dialect table, the tables around an added column, and `bulk_insert` as one
//! `INSERT` per row (with placeholders online and literals offline).
//!
//! They hold no knowledge of any particular database: what differs between dialects (the
//! quote character, how a value becomes a literal, what an empty row looks like) is an
//! argument or a method of [`InsertStyle`]. Drivers written outside this workspace may
//! use them too; the rendered SQL is exactly what a hand-written loop would produce.

use crate::dialect::{table_after, DialectError, RenderMode, Statement};
use crate::revision::ops::{AddColumn, BulkInsert, Operation, ReferentialAction};
use crate::revision::values::Value;
use crate::schema::{Column, ForeignKey, Index, Schema, Table};
use crate::sql::SqlSyntax;
use std::collections::BTreeMap;
use std::fmt::Write;

/// `names` quoted as identifiers and separated by `, ` (column lists).
pub fn quote_list<S: AsRef<str>>(syntax: &SqlSyntax, names: &[S]) -> String {
    names
        .iter()
        .map(|name| syntax.quote_identifier(name.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which letters hex digits above 9 use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HexCase {
    /// `A`–`F`.
    Upper,
    /// `a`–`f`.
    Lower,
}

/// `bytes` as two hex digits each, without prefix or quotes (`00FF`), for the dialect to
/// wrap in its blob literal (`X'..'`, `'\x..'::bytea`).
pub fn hex_digits(bytes: &[u8], case: HexCase) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing into a String cannot fail.
        let _ = match case {
            HexCase::Upper => write!(out, "{byte:02X}"),
            HexCase::Lower => write!(out, "{byte:02x}"),
        };
    }
    out
}

/// A finite float as a literal that reads back as a float (Rust's `{:?}` always has a `.`
/// or an `e`); `None` for infinities and NaN, which the dialect refuses in its own words.
pub fn finite_float_literal(x: f64) -> Option<String> {
    x.is_finite().then(|| format!("{x:?}"))
}

/// The standard SQL keyword of a referential action (`ON DELETE ...`).
pub fn referential_action_sql(action: ReferentialAction) -> &'static str {
    match action {
        ReferentialAction::Cascade => "CASCADE",
        ReferentialAction::Restrict => "RESTRICT",
        ReferentialAction::SetNull => "SET NULL",
        ReferentialAction::SetDefault => "SET DEFAULT",
        ReferentialAction::NoAction => "NO ACTION",
    }
}

/// Whether a foreign key clause says `NO ACTION`, the standard default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoActionSaid {
    /// Left unsaid.
    Never,
    /// Said, like every other action (where the database reports an unsaid one differently).
    Always,
}

/// `FOREIGN KEY (...) REFERENCES "t" (...)` with its `ON DELETE`/`ON UPDATE` actions; the
/// dialect puts its `CONSTRAINT "name"` in front.
pub fn foreign_key_clause(syntax: &SqlSyntax, fk: &ForeignKey, no_action: NoActionSaid) -> String {
    let mut sql = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_list(syntax, &fk.columns),
        syntax.quote_identifier(&fk.references_table),
        quote_list(syntax, &fk.references_columns)
    );
    for (event, action) in [("DELETE", fk.on_delete), ("UPDATE", fk.on_update)] {
        if action != ReferentialAction::NoAction || no_action == NoActionSaid::Always {
            sql.push_str(&format!(" ON {event} {}", referential_action_sql(action)));
        }
    }
    sql
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (...)`, with ` WHERE ...` for a partial index.
/// A dialect without partial indexes refuses the predicate before calling this.
pub fn create_index_sql(syntax: &SqlSyntax, table: &str, index: &Index) -> String {
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        syntax.quote_identifier(&index.name),
        syntax.quote_identifier(table),
        quote_list(syntax, &index.columns)
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

/// The native type a per-dialect type table gives `dialect`: its own entry, then those of
/// `also` (other names the dialect answers to) in order, then `default`. The error names
/// the column and the entries the table has.
pub fn per_dialect_type(
    dialect: &str,
    also: &[&str],
    column: &str,
    by_dialect: &BTreeMap<String, String>,
) -> Result<String, DialectError> {
    std::iter::once(dialect)
        .chain(also.iter().copied())
        .chain(std::iter::once("default"))
        .find_map(|name| by_dialect.get(name))
        .cloned()
        .ok_or_else(|| {
            let names = by_dialect
                .keys()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            DialectError::new(
                dialect,
                format!("render the type of column `{column}`"),
                format!(
                    "its type table names only {names} and has neither `{dialect}` nor \
                     `default`; add one of them"
                ),
            )
        })
}

/// A column `add_column` adds, with its table before and after the operation.
#[derive(Debug, Clone)]
pub struct AddedColumn<'a> {
    /// The new column, in the model's terms.
    pub column: Column,
    /// The table as the model knows it before; `None` for a table the model does not know
    /// (made by `execute`).
    pub before: Option<&'a Table>,
    /// The table afterwards; for an unknown table, one holding the new column alone.
    pub after: Table,
}

impl<'a> AddedColumn<'a> {
    /// The column `add` (the operation `op`) adds to a table of `before`.
    pub fn new(
        dialect: &str,
        op: &Operation,
        add: &AddColumn,
        before: &'a Schema,
    ) -> Result<Self, DialectError> {
        let column = Column::from_operation(&add.column);
        let old = before.table(&add.table);
        let after = match old {
            Some(_) => table_after(dialect, op, before, &add.table)?,
            None => Table::new(add.table.clone(), vec![column.clone()]),
        };
        Ok(AddedColumn {
            column,
            before: old,
            after,
        })
    }

    /// The columns of the primary key afterwards, for a column added as (part of) the key.
    pub fn primary_key_columns(&self) -> Vec<String> {
        self.after
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.clone())
            .unwrap_or_else(|| vec![self.column.name.clone()])
    }
}

/// What differs between dialects when `bulk_insert` is rendered.
pub trait InsertStyle {
    /// The dialect's quoting and placeholders.
    fn syntax(&self) -> SqlSyntax;

    /// `value` for column `column` (its position among the insert's columns) as a literal,
    /// for offline output.
    fn literal(&self, column: usize, value: &Value) -> Result<String, DialectError>;

    /// The placeholder of `value` for column `column`, the `position`-th (1-based) bound
    /// parameter; the dialect's plain placeholder unless a conversion must be spelled.
    fn placeholder(
        &self,
        column: usize,
        position: usize,
        value: &Value,
    ) -> Result<String, DialectError> {
        let _ = (column, value);
        Ok(self.syntax().placeholder(position))
    }

    /// What follows `INSERT INTO "t" ` for a row that names no column.
    fn empty_row(&self) -> &'static str {
        "DEFAULT VALUES"
    }
}

/// `bulk_insert` as one `INSERT` per row over every column any row names (in name
/// order); a column a row leaves out is NULL. Online, every value is bound; offline, a
/// literal.
pub fn bulk_insert(
    insert: &BulkInsert,
    mode: RenderMode,
    style: &dyn InsertStyle,
) -> Result<Vec<Statement>, DialectError> {
    let syntax = style.syntax();
    let columns = insert.columns();
    let table = syntax.quote_identifier(&insert.table);
    let head = format!(
        "INSERT INTO {table} ({}) VALUES",
        quote_list(&syntax, &columns)
    );
    let mut statements = Vec::with_capacity(insert.rows.len());
    for row in &insert.rows {
        if columns.is_empty() {
            statements.push(Statement::new(format!(
                "INSERT INTO {table} {}",
                style.empty_row()
            )));
            continue;
        }
        let values = BulkInsert::row_values(row, &columns);
        statements.push(match mode {
            RenderMode::Online => {
                let placeholders = values
                    .iter()
                    .enumerate()
                    .map(|(column, value)| style.placeholder(column, column + 1, value))
                    .collect::<Result<Vec<_>, _>>()?;
                Statement::with_params(format!("{head} ({})", placeholders.join(", ")), values)
            }
            RenderMode::Offline => {
                let literals = values
                    .iter()
                    .enumerate()
                    .map(|(column, value)| style.literal(column, value))
                    .collect::<Result<Vec<_>, _>>()?;
                Statement::new(format!("{head} ({})", literals.join(", ")))
            }
        });
    }
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Question-mark placeholders, `?`, and integers as themselves.
    struct Plain;

    impl InsertStyle for Plain {
        fn syntax(&self) -> SqlSyntax {
            SqlSyntax::new()
        }
        fn literal(&self, _: usize, value: &Value) -> Result<String, DialectError> {
            match value {
                Value::Integer(i) => Ok(i.to_string()),
                _ => Ok(String::from("NULL")),
            }
        }
    }

    fn insert(rows: &[&[(&str, i64)]]) -> BulkInsert {
        BulkInsert {
            table: String::from("t\"x"),
            rows: rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|(k, v)| (k.to_string(), Value::Integer(*v)))
                        .collect()
                })
                .collect(),
        }
    }

    #[test]
    fn rows_name_every_column_and_missing_ones_are_null() {
        let rows = insert(&[&[("b", 1)], &[("a", 2)], &[]]);
        let offline = bulk_insert(&rows, RenderMode::Offline, &Plain).ok();
        let sql: Vec<String> = offline.into_iter().flatten().map(|s| s.sql).collect();
        assert_eq!(
            sql,
            [
                "INSERT INTO \"t\"\"x\" (\"a\", \"b\") VALUES (NULL, 1)",
                "INSERT INTO \"t\"\"x\" (\"a\", \"b\") VALUES (2, NULL)",
                "INSERT INTO \"t\"\"x\" (\"a\", \"b\") VALUES (NULL, NULL)",
            ]
        );
        let online = bulk_insert(&rows, RenderMode::Online, &Plain).ok();
        let first = online.and_then(|s| s.into_iter().next());
        assert_eq!(
            first.map(|s| (s.sql, s.params)),
            Some((
                String::from("INSERT INTO \"t\"\"x\" (\"a\", \"b\") VALUES (?, ?)"),
                vec![Value::Null, Value::Integer(1)]
            ))
        );
    }

    #[test]
    fn a_row_without_columns_uses_the_dialects_empty_row() {
        let rows = insert(&[&[]]);
        let sql = bulk_insert(&rows, RenderMode::Online, &Plain).ok();
        assert_eq!(
            sql.and_then(|s| s.into_iter().next()).map(|s| s.sql),
            Some(String::from("INSERT INTO \"t\"\"x\" DEFAULT VALUES"))
        );
    }

    #[test]
    fn foreign_keys_say_no_action_only_when_asked() {
        let fk = ForeignKey {
            name: None,
            columns: vec![String::from("a")],
            references_table: String::from("p"),
            references_columns: vec![String::from("id")],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        };
        let syntax = SqlSyntax::new();
        assert_eq!(
            foreign_key_clause(&syntax, &fk, NoActionSaid::Never),
            "FOREIGN KEY (\"a\") REFERENCES \"p\" (\"id\") ON DELETE CASCADE"
        );
        assert_eq!(
            foreign_key_clause(&syntax, &fk, NoActionSaid::Always),
            "FOREIGN KEY (\"a\") REFERENCES \"p\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION"
        );
    }

    #[test]
    fn hex_digits_pad_and_choose_the_case() {
        assert_eq!(hex_digits(&[0, 10, 255], HexCase::Upper), "000AFF");
        assert_eq!(hex_digits(&[0, 10, 255], HexCase::Lower), "000aff");
        assert_eq!(hex_digits(&[], HexCase::Lower), "");
    }

    #[test]
    fn per_dialect_types_fall_back_in_order() {
        let table: BTreeMap<String, String> = [("mariadb", "inet6"), ("postgres", "inet")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            per_dialect_type("mysql", &["mariadb"], "ip", &table).ok(),
            Some(String::from("inet6"))
        );
        let refused = per_dialect_type("sqlite", &[], "ip", &table).err();
        assert_eq!(
            refused.map(|e| e.to_string()),
            Some(String::from(
                "sqlite cannot render the type of column `ip`: its type table names only \
                 `mariadb`, `postgres` and has neither `sqlite` nor `default`; add one of them"
            ))
        );
    }
}
