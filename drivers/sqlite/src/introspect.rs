//! Reading the live schema into the model's normal form in four queries whatever the
//! number of tables: `sqlite_master`, then `pragma_table_info`, `pragma_index_list` with
//! `pragma_index_info`, and `pragma_foreign_key_list`, each joined with `sqlite_master` so
//! that one statement reads every table. Some tables alone are read with the pragmas of
//! each (and `sqlite_master` once).
//!
//! Limits: check constraints and constraint names come from the `CREATE TABLE` text (see
//! [`crate::create_sql`]); an expression index lists its expression columns as
//! `(expression)`; the primary key's constraint name is not read.

use crate::connection::SqliteConnection;
use crate::create_sql::read_create_table;
use crate::literal::parse_default;
use crate::types::parse_declared;
use retort_core::dialect::{DbError, Statement};
use retort_core::revision::ops::ReferentialAction;
use retort_core::revision::values::Value;
use retort_core::schema::{Column, ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint};
use std::collections::{BTreeMap, HashMap};

/// Every table but SQLite's own (`sqlite_%`); with `only`, just the tables it names
/// (matched as SQLite matches names, without regard to ASCII case).
pub(crate) fn introspect(
    conn: &SqliteConnection,
    only: Option<&[String]>,
) -> Result<Schema, DbError> {
    let master = match only {
        None => Statement::new(format!("{MASTER} ORDER BY m.name")),
        Some(tables) => {
            let placeholders = vec!["?"; tables.len()].join(", ");
            Statement::with_params(
                format!(
                    "{MASTER} AND m.tbl_name COLLATE NOCASE IN ({placeholders}) ORDER BY m.name"
                ),
                tables.iter().map(|t| Value::String(t.clone())).collect(),
            )
        }
    };
    let master = conn.rows(&master)?;
    let mut index_sql: BTreeMap<String, String> = BTreeMap::new();
    let mut triggers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tables = Vec::new();
    for row in &master {
        let (kind, name, sql) = (text(row, 0), text(row, 1), text(row, 3));
        if kind == "index" {
            index_sql.insert(name, sql);
        } else if kind == "trigger" {
            // `tbl_name` is spelled as the trigger named its table; SQLite matches table
            // names without regard to ASCII case, and so must this.
            triggers
                .entry(text(row, 2).to_ascii_lowercase())
                .or_default()
                .push(sql);
        } else if !name.starts_with("sqlite_") {
            tables.push((name, sql));
        }
    }
    // Every table: one statement each, joined with `sqlite_master`. Some tables: the
    // pragmas of each, whose cost follows the table, not the size of the schema.
    let read = |all_tables: &str, one_table: &str| -> Result<_, DbError> {
        if only.is_none() {
            return Ok(by_table(conn.rows(&Statement::new(all_tables))?));
        }
        let mut grouped = HashMap::new();
        for (name, _) in &tables {
            let one = Statement::with_params(one_table, vec![Value::String(name.clone())]);
            grouped.extend(by_table(conn.rows(&one)?));
        }
        Ok(grouped)
    };
    let mut columns = read(COLUMNS, COLUMNS_OF)?;
    let mut indexes = read(INDEXES, INDEXES_OF)?;
    let mut foreign_keys = read(FOREIGN_KEYS, FOREIGN_KEYS_OF)?;
    let mut schema = Schema::new();
    for (name, sql) in tables {
        let rows = TableRows {
            columns: columns.remove(&name).unwrap_or_default(),
            indexes: indexes.remove(&name).unwrap_or_default(),
            foreign_keys: foreign_keys.remove(&name).unwrap_or_default(),
        };
        let mut table = read_table(&name, &sql, &index_sql, rows);
        table.triggers = triggers
            .remove(&name.to_ascii_lowercase())
            .unwrap_or_default();
        table.unrepresented = unrepresented(&sql, &table);
        schema.insert_table(table);
    }
    Ok(schema)
}

/// The user tables of `sqlite_master`, for the joins below (SQLite's own are left out, as
/// above); a macro, so that `concat!` can build the queries at compile time.
macro_rules! user_tables {
    () => {
        "sqlite_master AS m WHERE m.type = 'table' AND substr(m.name, 1, 7) <> 'sqlite_'"
    };
}

/// Tables, indexes and triggers; ends in its `WHERE` clause, so that a filter can follow.
const MASTER: &str = "SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_master AS m \
     WHERE m.type IN ('table', 'index', 'trigger')";

const COLUMNS: &str = concat!(
    "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
     FROM pragma_table_info(m.name) AS p, ",
    user_tables!(),
    " ORDER BY m.name, p.cid"
);

const INDEXES: &str = concat!(
    "SELECT m.name, il.name, il.\"unique\", il.origin, ii.name \
     FROM pragma_index_list(m.name) AS il, pragma_index_info(il.name) AS ii, ",
    user_tables!(),
    " ORDER BY m.name, il.name, ii.seqno"
);

const FOREIGN_KEYS: &str = concat!(
    "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
     FROM pragma_foreign_key_list(m.name) AS f, ",
    user_tables!(),
    " ORDER BY m.name, f.id, f.seq"
);

/// [`COLUMNS`] of the one table `?1` names.
const COLUMNS_OF: &str = "SELECT ?1, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
     FROM pragma_table_info(?1) AS p ORDER BY p.cid";

/// [`INDEXES`] of the one table `?1` names.
const INDEXES_OF: &str = "SELECT ?1, il.name, il.\"unique\", il.origin, ii.name \
     FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii \
     ORDER BY il.name, ii.seqno";

/// [`FOREIGN_KEYS`] of the one table `?1` names.
const FOREIGN_KEYS_OF: &str =
    "SELECT ?1, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
     FROM pragma_foreign_key_list(?1) AS f ORDER BY f.id, f.seq";

/// Rows whose first value names a table, grouped by it, without that first value.
fn by_table(rows: Vec<Vec<Value>>) -> HashMap<String, Vec<Vec<Value>>> {
    let mut grouped: HashMap<String, Vec<Vec<Value>>> = HashMap::new();
    for mut row in rows {
        if row.is_empty() {
            continue;
        }
        let table = text(&row, 0);
        row.remove(0);
        grouped.entry(table).or_default().push(row);
    }
    grouped
}

/// One table's rows of the three pragma queries.
struct TableRows {
    columns: Vec<Vec<Value>>,
    indexes: Vec<Vec<Value>>,
    foreign_keys: Vec<Vec<Value>>,
}

fn read_table(
    name: &str,
    create_sql: &str,
    index_sql: &BTreeMap<String, String>,
    rows: TableRows,
) -> Table {
    let info = read_create_table(create_sql);
    let mut table = Table::new(name, Vec::new());

    let mut key: Vec<(i64, String)> = Vec::new();
    for row in rows.columns {
        let column_name = text(&row, 0);
        let pk = integer(&row, 4);
        if pk > 0 {
            key.push((pk, column_name.clone()));
        }
        let column_type = match info.type_hints.iter().find(|(c, _)| *c == column_name) {
            Some((_, hint)) => parse_declared(hint),
            None => parse_declared(&text(&row, 1)),
        };
        table.columns.push(Column {
            autoincrement: info.autoincrement.as_deref() == Some(column_name.as_str()),
            name: column_name,
            column_type,
            nullable: integer(&row, 2) == 0 && pk == 0,
            default: match row.get(3) {
                Some(Value::String(default)) => Some(parse_default(default)),
                _ => None,
            },
            comment: None,
        });
    }
    key.sort();
    if !key.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: key.into_iter().map(|(_, c)| c).collect(),
        });
    }

    let mut indexes: BTreeMap<String, (bool, String, Vec<String>)> = BTreeMap::new();
    for row in rows.indexes {
        let entry = indexes
            .entry(text(&row, 0))
            .or_insert_with(|| (integer(&row, 1) == 1, text(&row, 2), Vec::new()));
        entry.2.push(match row.get(3) {
            Some(Value::String(column)) => column.clone(),
            _ => String::from("(expression)"),
        });
    }
    for (index_name, (unique, origin, columns)) in indexes {
        match origin.as_str() {
            "u" => {
                let name = info
                    .named_uniques
                    .iter()
                    .find(|(_, c)| *c == columns)
                    .map(|(n, _)| n.clone());
                table
                    .unique_constraints
                    .push(UniqueConstraint { name, columns });
            }
            "pk" => {}
            _ => {
                let predicate = index_sql.get(&index_name).and_then(|sql| predicate_of(sql));
                table.indexes.push(Index {
                    name: index_name,
                    columns,
                    unique,
                    predicate,
                });
            }
        }
    }

    let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for row in rows.foreign_keys {
        let fk = keys.entry(integer(&row, 0)).or_insert_with(|| ForeignKey {
            name: None,
            columns: Vec::new(),
            references_table: text(&row, 1),
            references_columns: Vec::new(),
            on_delete: action(&text(&row, 5)),
            on_update: action(&text(&row, 4)),
        });
        fk.columns.push(text(&row, 2));
        fk.references_columns.push(text(&row, 3));
    }
    for mut fk in keys.into_values() {
        fk.name = info
            .named_foreign_keys
            .iter()
            .find(|(_, columns, target)| *columns == fk.columns && *target == fk.references_table)
            .map(|(n, _, _)| n.clone());
        table.foreign_keys.push(fk);
    }
    table.checks = info.checks;
    table
}

/// The `WHERE` predicate of a `CREATE INDEX` text: what follows the column list.
fn predicate_of(sql: &str) -> Option<String> {
    use retort_core::sql::{tokens, TokenKind};
    use retort_core::Dialect as _;
    let mut depth = 0usize;
    let mut list_closed = false;
    for token in tokens(sql, &crate::SqliteDialect.syntax()) {
        let token = token.ok()?;
        if list_closed {
            if token.kind.is_trivia() {
                continue;
            }
            return token
                .is_keyword(sql, "WHERE")
                .then(|| sql[token.end..].trim().to_string());
        }
        if token.kind != TokenKind::Punct {
            continue;
        }
        match token.text(sql) {
            "(" => depth += 1,
            ")" if depth > 0 => {
                depth -= 1;
                list_closed = depth == 0;
            }
            _ => {}
        }
    }
    None
}

fn action(text: &str) -> ReferentialAction {
    match text.to_ascii_uppercase().as_str() {
        "CASCADE" => ReferentialAction::Cascade,
        "RESTRICT" => ReferentialAction::Restrict,
        "SET NULL" => ReferentialAction::SetNull,
        "SET DEFAULT" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

fn text(row: &[Value], index: usize) -> String {
    match row.get(index) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        _ => String::new(),
    }
}

fn integer(row: &[Value], index: usize) -> i64 {
    match row.get(index) {
        Some(Value::Integer(i)) => *i,
        _ => 0,
    }
}

/// What a table holds that the neutral model cannot carry through a rebuild. A word match
/// on the CREATE TABLE text may also hit a string or a name: that errs on the side of
/// refusing a rebuild, never of losing something.
fn unrepresented(create_sql: &str, table: &Table) -> Vec<String> {
    let upper = create_sql.to_ascii_uppercase();
    let mut found: Vec<String> = [
        ("GENERATED ALWAYS", "a generated column"),
        (" AS (", "a generated column"),
        ("COLLATE", "a column collation"),
        ("WITHOUT ROWID", "WITHOUT ROWID"),
        (" STRICT", "STRICT typing"),
    ]
    .iter()
    .filter(|(pattern, _)| upper.contains(pattern))
    .map(|(_, feature)| feature.to_string())
    .collect();
    found.dedup();
    for index in &table.indexes {
        if index.columns.iter().any(|c| c.starts_with('(')) {
            found.push(format!("the expression index `{}`", index.name));
        }
    }
    found
}
