//! A schema written as `schema.toml` (SPEC 8), for `retort inspect`: deterministic, so
//! that the same schema always prints the same bytes and diffs well in git (tables by name,
//! columns in table order, indexes and constraints by name, as the model keeps them).

use crate::authoring::{toml_key, toml_string, toml_value};
use crate::diff::foreign_key_spec;
use crate::revision::ops::{self, CreateTable};
use crate::schema::{Schema, Table};
use std::fmt::Write as _;

/// Table-level keys, in the order people read a table.
const TABLE_KEYS: &[&str] = &[
    "comment",
    "columns",
    "primary_key",
    "indexes",
    "unique",
    "checks",
    "foreign_keys",
];

/// `schema` as the text of a `schema.toml` that declares it, with `ignore_tables` first
/// when given.
pub fn declared_text(
    schema: &Schema,
    ignore_tables: &[String],
) -> Result<String, toml::ser::Error> {
    let mut text = String::new();
    if !ignore_tables.is_empty() {
        let globs: Vec<String> = ignore_tables.iter().map(|g| toml_string(g)).collect();
        let _ = writeln!(text, "ignore_tables = [{}]", globs.join(", "));
    }
    for table in schema.tables() {
        if !text.is_empty() {
            text.push('\n');
        }
        let _ = writeln!(text, "[[table]]\nname = {}", toml_string(&table.name));
        let entries = table_entries(table)?;
        for key in TABLE_KEYS {
            if let Some(value) = entries.get(*key) {
                let _ = writeln!(text, "{} = {}", toml_key(key), toml_value(value, true));
            }
        }
    }
    Ok(text)
}

/// The keys of `table`'s `[[table]]` entry, other than its name.
fn table_entries(table: &Table) -> Result<toml::Table, toml::ser::Error> {
    let single_key = match &table.primary_key {
        Some(pk) if pk.columns.len() == 1 => Some(pk.columns[0].as_str()),
        _ => None,
    };
    let columns: Vec<ops::Column> = table
        .columns
        .iter()
        .map(|column| {
            let mut declared = column.to_operation();
            if single_key == Some(column.name.as_str()) {
                declared.primary_key = true;
                // A key column is NOT NULL by definition; saying so again is noise.
                declared.nullable = true;
            }
            declared
        })
        .collect();
    let create = CreateTable {
        table: table.name.clone(),
        columns,
        primary_key: match single_key {
            Some(_) => None,
            None => table.primary_key.as_ref().map(|pk| pk.columns.clone()),
        },
        unique: table.unique_constraints.clone(),
        checks: table.checks.clone(),
        foreign_keys: table.foreign_keys.iter().map(foreign_key_spec).collect(),
        comment: table.comment.clone(),
    };
    let mut entries = toml::Table::try_from(&create)?;
    let indexes: Vec<toml::Value> = table
        .indexes
        .iter()
        .map(|index| {
            let mut entry = toml::Table::new();
            entry.insert("name".into(), index.name.clone().into());
            let columns: Vec<toml::Value> =
                index.columns.iter().map(|c| c.clone().into()).collect();
            entry.insert("columns".into(), columns.into());
            if index.unique {
                entry.insert("unique".into(), true.into());
            }
            if let Some(predicate) = &index.predicate {
                entry.insert("where".into(), predicate.clone().into());
            }
            toml::Value::Table(entry)
        })
        .collect();
    if !indexes.is_empty() {
        entries.insert("indexes".into(), indexes.into());
    }
    for empty in ["unique", "checks", "foreign_keys"] {
        if entries
            .get(empty)
            .and_then(toml::Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            entries.remove(empty);
        }
    }
    Ok(entries)
}
