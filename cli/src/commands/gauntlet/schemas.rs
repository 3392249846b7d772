//! Reading a scratch database's schema and saying how two schemas differ, in the words a
//! failed check shows: what is left over, what is missing, what is different.

use crate::commands::diff::{describe, with_dialect_limit};
use crate::database::Database;
use retort_core::dialect::spelling_of;
use retort_core::diff::{diff, DiffOptions};
use retort_core::migrate::DbState;
use retort_core::revision::ops::Operation;
use retort_core::schema::Schema;
use retort_core::Connection;
use std::collections::BTreeSet;

/// Which tables a comparison looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every table.
    All,
    /// Only these (the ones a revision's operations name).
    Tables(BTreeSet<String>),
}

/// The live schema without the version table, limited to `scope`.
pub(crate) fn snapshot(
    conn: &mut dyn Connection,
    version_table: &str,
    scope: &Scope,
) -> Result<Schema, String> {
    let read = match scope {
        Scope::All => conn.introspect(),
        // A revision that names no table (`downgrade = []` and nothing else) has nothing
        // to compare.
        Scope::Tables(tables) if tables.is_empty() => return Ok(Schema::new()),
        Scope::Tables(tables) => {
            let tables: Vec<String> = tables.iter().cloned().collect();
            conn.introspect_tables(&tables)
        }
    };
    let mut schema =
        read.map_err(|e| format!("while reading the scratch database's schema: {e}"))?;
    schema.remove_table(version_table);
    Ok(schema)
}

/// How `actual` differs from `expected`, one line each: `left over: ...` for what only
/// `actual` has, `missing: ...` for what only `expected` has, `different: ...` otherwise.
/// Empty when they are the same by the spelling rules of `database`'s dialect.
pub(crate) fn differences(database: &Database, actual: &Schema, expected: &Schema) -> Vec<String> {
    let options = with_dialect_limit(DiffOptions::new(), database);
    let spelling = spelling_of(database.dialect.as_ref());
    let found = diff(actual, expected, &options, &spelling);
    found.operations.iter().map(difference).collect()
}

/// One operation of the way from `actual` to `expected`, as a difference.
pub(crate) fn difference(operation: &Operation) -> String {
    let what = match operation {
        Operation::CreateTable(op) => return format!("missing: table {}", op.table),
        Operation::DropTable(op) => return format!("left over: table {}", op.table),
        Operation::AddColumn(op) => {
            return format!("missing: column {}.{}", op.table, op.column.name)
        }
        Operation::DropColumn(op) => {
            return format!("left over: column {}.{}", op.table, op.column)
        }
        Operation::CreateIndex(op) => return format!("missing: index {} on {}", op.name, op.table),
        Operation::DropIndex(op) => return format!("left over: index {} on {}", op.name, op.table),
        Operation::CreateForeignKey(op) => format!("foreign key {} on {}", op.name, op.table),
        Operation::CreateUniqueConstraint(op) => {
            format!("unique constraint {} on {}", op.name, op.table)
        }
        Operation::CreateCheckConstraint(op) => {
            format!("check constraint {} on {}", op.name, op.table)
        }
        Operation::DropConstraint(op) => {
            return format!("left over: constraint {} on {}", op.name, op.table)
        }
        other => return format!("different: `{}` would make them equal", describe(other)),
    };
    format!("missing: {what}")
}

/// How the version rows of `actual` differ from `expected`'s, by revision, checksum and
/// state (the time and duration of a run differ by nature).
pub(crate) fn row_differences(actual: &DbState, expected: &DbState) -> Vec<String> {
    let mut found = Vec::new();
    for (id, row) in &expected.rows {
        match actual.rows.get(id) {
            None => found.push(format!("missing: version row {id}")),
            Some(other) if other.checksum != row.checksum => found.push(format!(
                "different: version row {id} has checksum {} instead of {}",
                other.checksum, row.checksum
            )),
            Some(other) if other.state != row.state => found.push(format!(
                "different: version row {id} is {} instead of {}",
                other.state.as_str(),
                row.state.as_str()
            )),
            Some(_) => {}
        }
    }
    for id in actual
        .rows
        .keys()
        .filter(|id| !expected.rows.contains_key(*id))
    {
        found.push(format!("left over: version row {id}"));
    }
    found
}
