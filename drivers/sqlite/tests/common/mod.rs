//! Helpers shared by the SQLite driver's tests.
#![allow(dead_code, unreachable_pub)]

use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::ops::Operation;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;
use std::path::Path;

/// The upgrade operations of a TOML revision body (`[[upgrade]]` tables).
pub fn ops(body: &str) -> Vec<Operation> {
    let text = format!("revision = \"0123456789ab\"\nmessage = \"test\"\n\n{body}");
    parse_toml_revision(Path::new("test.toml"), &text)
        .unwrap_or_else(|e| panic!("test revision does not parse: {e}"))
        .upgrade
}

/// The schema the operations fold into.
pub fn fold(ops: &[Operation]) -> Schema {
    Schema::fold(ops).expect("operations fold").0
}

/// The SQL of the last operation, rendered after the others were folded.
pub fn render_last(ops: &[Operation], mode: RenderMode) -> Vec<Statement> {
    let (last, before) = ops.split_last().expect("at least one operation");
    SqliteDialect
        .render_operation(last, &fold(before), mode)
        .expect("renders")
}

/// The SQL texts of the last operation, offline.
pub fn sql_of_last(ops: &[Operation]) -> Vec<String> {
    render_last(ops, RenderMode::Offline)
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

/// A connection to a fresh database file in `dir`.
pub fn open(dir: &tempfile::TempDir) -> Box<dyn retort_core::Connection> {
    let url = url_in(dir);
    SqliteDialect.connect(&url).expect("connects")
}

/// The URL of `test.db` in `dir`.
pub fn url_in(dir: &tempfile::TempDir) -> retort_core::db_url::DatabaseUrl {
    let path = dir.path().join("test.db");
    retort_core::db_url::DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
        .expect("url parses")
}

/// Applies each operation as the Migrator does (lock, savepoint per op, commit, unlock),
/// rendering online against the folded schema before it, and checks after every one that
/// the database reads back as the fold.
pub fn apply_checking_round_trip(conn: &mut dyn retort_core::Connection, all: &[Operation]) {
    conn.lock(std::time::Duration::from_secs(5)).expect("locks");
    let mut schema = Schema::new();
    for (index, op) in all.iter().enumerate() {
        let statements = SqliteDialect
            .render_operation(op, &schema, RenderMode::Online)
            .unwrap_or_else(|e| panic!("op {index} ({}) renders: {e}", op.name()));
        conn.begin().expect("begins");
        for statement in &statements {
            conn.execute(statement).unwrap_or_else(|e| {
                panic!("op {index} ({}): {} failed: {e}", op.name(), statement.sql)
            });
        }
        conn.commit()
            .unwrap_or_else(|e| panic!("op {index} commits: {e}"));
        schema.apply(op).expect("folds");
        let live = conn.introspect().expect("introspects");
        if live != schema {
            // Only what SQLite spells its own way (a `bigint` rowid key reads back as
            // `integer`) may differ; the differ, with the dialect's rules, must see nothing.
            let left = retort_core::diff::diff(
                &live,
                &schema,
                &retort_core::diff::DiffOptions::new(),
                &retort_core::dialect::spelling_of(&SqliteDialect),
            );
            assert!(
                left.operations.is_empty() && left.warnings.is_empty(),
                "after op {index} ({}): {:?} {:?}\nlive: {live:?}\nfolded: {schema:?}",
                op.name(),
                left.operations,
                left.warnings
            );
        }
    }
    conn.unlock().expect("unlocks");
}

/// The rows of a query.
pub fn rows(
    conn: &mut dyn retort_core::Connection,
    sql: &str,
) -> Vec<Vec<retort_core::revision::values::Value>> {
    conn.query(&Statement::new(sql)).expect("query runs")
}
