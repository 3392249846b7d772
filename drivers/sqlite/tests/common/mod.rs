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
