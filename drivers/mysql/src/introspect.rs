//! Reading the live schema into the model's normal form through `information_schema`:
//! five queries (tables, columns, indexes, foreign keys, checks) whatever the number of
//! tables, for the current database (`DATABASE()`).
//!
//! Unique indexes are unique constraints unless marked `retort:index` (made by
//! `create_index`); those marked `retort:unnamed`, and constraints bearing retort's
//! default names, read back as unnamed. The index MySQL makes for a foreign key, named
//! after it, is the foreign key's, not the user's. MariaDB's `json` is `longtext` with a
//! column check `json_valid(col)`: the two read back as one `json` column.

use crate::connection::MysqlConnection;
use crate::expr::from_backticks;
use crate::literal::parse_default;
use crate::render::{default_constraint_name, INDEX_MARK, UNNAMED_MARK};
use crate::types::parse_catalog_type;
use retort_core::dialect::DbError;
use retort_core::revision::ops::ReferentialAction;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::Value;
use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint,
};
use std::collections::BTreeMap;

const TABLES: &str = "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";

const COLUMNS: &str = "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE,
  COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, CHARACTER_SET_NAME
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION";

const INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, INDEX_COMMENT
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// The columns of foreign keys. Their actions come from [`FOREIGN_KEY_ACTIONS`], read on
/// its own: joined to this, `information_schema` reads the constraints of every schema on
/// the server, which takes tens of milliseconds beside a schema of a thousand tables.
const FOREIGN_KEYS: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
  REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/// Each foreign key's `ON DELETE` and `ON UPDATE`.
const FOREIGN_KEY_ACTIONS: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE
FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

/// MariaDB keeps the table in `CHECK_CONSTRAINTS` (check names are per table there).
const CHECKS_MARIADB: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

/// MySQL names the table only in `TABLE_CONSTRAINTS` (check names are per schema there).
const CHECKS_MYSQL: &str = "SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
FROM information_schema.TABLE_CONSTRAINTS tc
JOIN information_schema.CHECK_CONSTRAINTS cc
  ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
WHERE tc.TABLE_SCHEMA = DATABASE() AND cc.CONSTRAINT_SCHEMA = DATABASE()
  AND tc.CONSTRAINT_TYPE = 'CHECK'";

/// One row of catalog text; `None` for NULL.
type TextRow = Vec<Option<String>>;

/// The tables of the current database; with `only`, just the tables it names (the
/// server then opens those alone to answer).
pub(crate) fn introspect(
    conn: &mut MysqlConnection,
    only: Option<&[String]>,
) -> Result<Schema, DbError> {
    let mariadb = conn.is_mariadb();
    let params: Vec<Value> = only
        .unwrap_or_default()
        .iter()
        .map(|t| Value::String(t.clone()))
        .collect();
    let mut run = |sql: &str, table_column: &str| -> Result<Vec<TextRow>, DbError> {
        let sql = match only {
            None => sql.to_string(),
            Some(tables) => limited_to(sql, table_column, tables.len()),
        };
        let rows = conn.rows(&sql, &params).map_err(|e| {
            DbError::new(format!(
                "cannot read the schema from information_schema: {e}"
            ))
        })?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_iter().map(text).collect())
            .collect())
    };
    let table_rows = run(TABLES, "TABLE_NAME")?;
    let column_rows = run(COLUMNS, "TABLE_NAME")?;
    let index_rows = run(INDEXES, "TABLE_NAME")?;
    let fk_rows = with_actions(
        run(FOREIGN_KEYS, "TABLE_NAME")?,
        &run(FOREIGN_KEY_ACTIONS, "TABLE_NAME")?,
    );
    let check_rows = if mariadb {
        run(CHECKS_MARIADB, "TABLE_NAME")?
    } else {
        run(CHECKS_MYSQL, "tc.TABLE_NAME")?
    };

    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for row in &table_rows {
        let name = field(row, 0);
        let mut table = Table::new(name.clone(), Vec::new());
        table.comment = Some(field(row, 1)).filter(|c| !c.is_empty());
        tables.insert(name, table);
    }
    for row in &column_rows {
        let Some(table) = tables.get_mut(&field(row, 0)) else {
            continue;
        };
        let column_type = parse_catalog_type(
            &field(row, 2),
            &field(row, 3),
            row.get(8).and_then(|c| c.as_deref()),
        );
        let extra = field(row, 6).to_ascii_lowercase();
        table.columns.push(Column {
            name: field(row, 1),
            nullable: field(row, 4) == "YES",
            default: parse_default(
                row.get(5).and_then(|c| c.as_deref()),
                &column_type,
                mariadb,
                extra.contains("default_generated"),
            ),
            autoincrement: extra.contains("auto_increment"),
            comment: Some(field(row, 7)).filter(|c| !c.is_empty()),
            column_type,
        });
    }
    read_foreign_keys(&mut tables, &fk_rows);
    read_indexes(&mut tables, &index_rows);
    read_checks(&mut tables, &check_rows);
    Ok(tables.into_values().collect())
}

/// The foreign-key column rows, each with its key's delete and update rules appended (the
/// join `information_schema` is slow at).
fn with_actions(columns: Vec<TextRow>, actions: &[TextRow]) -> Vec<TextRow> {
    let rules: BTreeMap<(String, String), (Option<String>, Option<String>)> = actions
        .iter()
        .map(|row| {
            let rule = |i: usize| row.get(i).cloned().flatten();
            ((field(row, 0), field(row, 1)), (rule(2), rule(3)))
        })
        .collect();
    columns
        .into_iter()
        .map(|mut row| {
            let (delete, update) = rules
                .get(&(field(&row, 0), field(&row, 1)))
                .cloned()
                .unwrap_or_default();
            row.push(delete);
            row.push(update);
            row
        })
        .collect()
}

/// `sql` with `AND column IN (?, ...)` for `count` tables added to its `WHERE` clause,
/// before its `ORDER BY` if it has one.
fn limited_to(sql: &str, column: &str, count: usize) -> String {
    let filter = format!(" AND {column} IN ({})", vec!["?"; count].join(", "));
    match sql.find("\nORDER BY") {
        Some(order) => format!("{}{filter}{}", &sql[..order], &sql[order..]),
        None => format!("{sql}{filter}"),
    }
}

fn read_foreign_keys(tables: &mut BTreeMap<String, Table>, rows: &[TextRow]) {
    for row in rows {
        let Some(table) = tables.get_mut(&field(row, 0)) else {
            continue;
        };
        let name = field(row, 1);
        let same = table
            .foreign_keys
            .last_mut()
            .filter(|fk| fk.name.as_deref() == Some(name.as_str()));
        match same {
            Some(fk) => {
                fk.columns.push(field(row, 2));
                fk.references_columns.push(field(row, 4));
            }
            None => table.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns: vec![field(row, 2)],
                references_table: field(row, 3),
                references_columns: vec![field(row, 4)],
                on_delete: action(&field(row, 5)),
                on_update: action(&field(row, 6)),
            }),
        }
    }
    for table in tables.values_mut() {
        let table_name = table.name.clone();
        for fk in &mut table.foreign_keys {
            if fk.name.as_deref()
                == Some(&default_constraint_name(&table_name, &fk.columns, "fkey"))
            {
                fk.name = None;
            }
        }
    }
}

fn read_indexes(tables: &mut BTreeMap<String, Table>, rows: &[TextRow]) {
    // Rows come ordered by table, index and position: group them.
    let mut grouped: Vec<(String, String, bool, String, Vec<String>)> = Vec::new();
    for row in rows {
        let (table, index) = (field(row, 0), field(row, 1));
        match grouped.last_mut() {
            Some(last) if last.0 == table && last.1 == index => last.4.push(field(row, 3)),
            _ => grouped.push((
                table,
                index,
                field(row, 2) == "0",
                field(row, 4),
                vec![field(row, 3)],
            )),
        }
    }
    for (table_name, index, unique, comment, columns) in grouped {
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        if index == "PRIMARY" {
            table.primary_key = Some(PrimaryKey {
                name: None,
                columns,
            });
            continue;
        }
        let unnamed = comment == UNNAMED_MARK
            || index == default_constraint_name(&table_name, &columns, "key");
        if unique && comment != INDEX_MARK {
            table.unique_constraints.push(UniqueConstraint {
                name: (!unnamed).then_some(index),
                columns,
            });
            continue;
        }
        let backs_foreign_key = !unique
            && table.foreign_keys.iter().any(|fk| {
                let name = fk
                    .name
                    .clone()
                    .unwrap_or_else(|| default_constraint_name(&table_name, &fk.columns, "fkey"));
                name == index && fk.columns == columns
            });
        if backs_foreign_key {
            continue;
        }
        table.indexes.push(Index {
            name: index,
            columns,
            unique,
            predicate: None,
        });
    }
}

fn read_checks(tables: &mut BTreeMap<String, Table>, rows: &[TextRow]) {
    for row in rows {
        let Some(table) = tables.get_mut(&field(row, 0)) else {
            continue;
        };
        let name = field(row, 1);
        let clause = field(row, 2);
        // MariaDB's `json`: a longtext column with the check `json_valid(`col`)` named after it.
        let json_column = table.columns.iter_mut().find(|c| {
            c.name == name
                && c.column_type == ColumnType::Neutral(NeutralType::Text)
                && clause == format!("json_valid({})", crate::quote::quote_identifier(&c.name))
        });
        if let Some(column) = json_column {
            column.column_type = ColumnType::Neutral(NeutralType::Json);
            continue;
        }
        let position_names: Vec<String> = (0..8)
            .map(|n| {
                crate::render::check_name(
                    &table.name,
                    &CheckConstraint {
                        name: None,
                        expr: String::new(),
                    },
                    n,
                )
            })
            .collect();
        table.checks.push(CheckConstraint {
            name: (!position_names.contains(&name)).then_some(name),
            expr: from_backticks(strip_parentheses(&clause)),
        });
    }
}

/// MySQL's `(expr)` as `expr`, when the outer parentheses enclose the whole.
pub(crate) fn strip_parentheses(clause: &str) -> &str {
    use retort_core::Dialect as _;
    retort_core::sql::strip_enclosing_parentheses(clause, &crate::MysqlDialect.syntax())
}

fn action(rule: &str) -> ReferentialAction {
    match rule {
        "CASCADE" => ReferentialAction::Cascade,
        "RESTRICT" => ReferentialAction::Restrict,
        "SET NULL" => ReferentialAction::SetNull,
        "SET DEFAULT" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

pub(crate) fn text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) | Value::DateTime(s) => Some(s),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(x) => Some(x.to_string()),
        Value::Boolean(b) => Some(b.to_string()),
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

fn field(row: &TextRow, index: usize) -> String {
    row.get(index).cloned().flatten().unwrap_or_default()
}
