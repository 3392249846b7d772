//! The table rebuild of SQLite's documented 12-step `ALTER TABLE` procedure, for what
//! SQLite cannot alter in place.
//!
//! Runs inside the migration's transaction; the connection turns `foreign_keys` off for the
//! whole locked run (so that dropping the old table cascades nothing) and checks every
//! foreign key before each commit. Indexes are recreated and the AUTOINCREMENT counter
//! carried over. Triggers on the table are dropped with it and created again from the
//! schema's record of them (introspection reads them); after a rebuild that removed a
//! column, no-op statements compile them, so that one that names the removed column fails
//! the migration, which rolls back. Views and other tables' triggers that name the table
//! keep working (it keeps its name); one that names a removed column is not checked, and
//! fails when next used.

use super::table::{create_index_sql, create_table_sql};
use crate::quote::{quote_identifier, quote_list, quote_string};
use crate::SQLITE;
use retort_core::dialect::{DialectError, Statement};
use retort_core::revision::ops::Operation;
use retort_core::schema::{Schema, Table};

/// The prefix of the table a rebuild builds before it takes the old one's name.
pub const REBUILD_PREFIX: &str = "_retort_new_";

/// The statements that rebuild `table` into the shape `op` gives it.
pub(crate) fn rebuild(
    op: &Operation,
    table: &str,
    before: &Schema,
) -> Result<Vec<Statement>, DialectError> {
    let old = before
        .table(table)
        .ok_or_else(|| missing_table(op, table))?;
    if !old.unrepresented.is_empty() {
        return Err(DialectError::new(
            SQLITE,
            format!("render `{}` on table `{table}`", op.name()),
            format!(
                "SQLite must rebuild the table for it, and the table has {}, which a rebuild \
                 would lose; make this change with `execute` and your own SQL",
                old.unrepresented.join(", ")
            ),
        ));
    }
    let new = retort_core::dialect::table_after(SQLITE, op, before, table)?;
    Ok(rebuild_statements(old, &new)?
        .into_iter()
        .map(Statement::new)
        .collect())
}

fn rebuild_statements(old: &Table, new: &Table) -> Result<Vec<String>, DialectError> {
    let temp = format!("{REBUILD_PREFIX}{}", new.name);
    let mut sql = vec![create_table_sql(new, &temp)?];

    let mut targets = Vec::new();
    for column in &new.columns {
        if old.column(&column.name).is_some() {
            targets.push(column.name.as_str());
        }
    }
    if !targets.is_empty() {
        // Rows keep their rowids (foreign-key violations and anything else keyed by rowid
        // stay the same rows). An INTEGER PRIMARY KEY column, being the rowid, comes after
        // it in the list, and the last value given for the rowid is the one SQLite keeps.
        let rowid = rowid_name(old, new)
            .map(|r| format!("{r}, "))
            .unwrap_or_default();
        let columns = quote_list(&targets);
        sql.push(format!(
            "INSERT INTO {} ({rowid}{columns}) SELECT {rowid}{columns} FROM {}",
            quote_identifier(&temp),
            quote_identifier(&old.name)
        ));
    }
    let counts =
        old.columns.iter().any(|c| c.autoincrement) && new.columns.iter().any(|c| c.autoincrement);
    if counts {
        // Copying explicit ids set the new counter to the largest id; the old counter may
        // be higher (deleted rows), and ids must never be reused.
        sql.push(format!(
            "DELETE FROM sqlite_sequence WHERE name = {}",
            quote_string(&temp)
        ));
        sql.push(format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {}",
            quote_string(&temp),
            quote_string(&old.name)
        ));
    }
    sql.push(format!("DROP TABLE {}", quote_identifier(&old.name)));
    // Legacy renaming: the modern one re-parses every view and trigger, and fails on any
    // that names the table dropped a moment ago.
    sql.push(String::from("PRAGMA legacy_alter_table = ON"));
    sql.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote_identifier(&temp),
        quote_identifier(&new.name)
    ));
    sql.push(String::from("PRAGMA legacy_alter_table = OFF"));
    for index in &new.indexes {
        sql.push(create_index_sql(&new.name, index));
    }
    sql.extend(new.triggers.iter().cloned());
    let column_removed = old.columns.iter().any(|c| {
        !new.columns
            .iter()
            .any(|n| n.name.eq_ignore_ascii_case(&c.name))
    });
    if column_removed && !new.triggers.is_empty() {
        sql.extend(trigger_probes(new));
    }
    Ok(sql)
}

/// A name of the rowid that no column of either table shadows, if there is one.
fn rowid_name(old: &Table, new: &Table) -> Option<&'static str> {
    ["rowid", "_rowid_", "oid"].into_iter().find(|alias| {
        ![old, new]
            .iter()
            .any(|t| t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(alias)))
    })
}

/// What every trigger probe starts with: the connection knows them by it (see
/// `SqliteConnection::execute`), and a reader of a failed run or a script sees why.
pub(crate) const TRIGGER_PROBE: &str = "/* retort: the table's triggers must fit its new shape */";

/// Statements that change nothing but make SQLite compile every trigger of `table`, for a
/// rebuild that removed a column.
///
/// `CREATE TRIGGER` does not resolve the names in its body, so a trigger that names a
/// column the rebuild removed would be created and only fail at the table's next write.
/// Preparing an insert, an update of every column and a delete compiles every trigger
/// (`UPDATE OF` ones included) and fails the migration now, while it can roll back;
/// `WHERE 0` keeps them from touching a row or firing anything, online and offline alike.
/// Only the table's own triggers are checked: the rename that gives the rebuilt table its
/// name back is a legacy one, which checks no view or other trigger.
fn trigger_probes(table: &Table) -> Vec<String> {
    let name = quote_identifier(&table.name);
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let assignments: Vec<String> = columns
        .iter()
        .map(|c| format!("{0} = {0}", quote_identifier(c)))
        .collect();
    vec![
        format!(
            "{TRIGGER_PROBE} INSERT INTO {name} ({0}) SELECT {0} FROM {name} WHERE 0",
            quote_list(&columns)
        ),
        format!(
            "{TRIGGER_PROBE} UPDATE {name} SET {} WHERE 0",
            assignments.join(", ")
        ),
        format!("{TRIGGER_PROBE} DELETE FROM {name} WHERE 0"),
    ]
}

/// The error for an operation on a table the schema does not hold.
pub(crate) fn missing_table(op: &Operation, table: &str) -> DialectError {
    DialectError::new(
        SQLITE,
        format!("render `{}` on table `{table}`", op.name()),
        format!(
            "SQLite rebuilds the table for it and needs its current shape, but the schema \
             before the operation has no table `{table}`"
        ),
    )
}
