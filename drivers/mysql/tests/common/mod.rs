//! Helpers shared by the MySQL driver's tests.
#![allow(dead_code, unreachable_pub)]

use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::ops::Operation;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_mysql::MysqlDialect;
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

/// The SQL texts of the last operation, offline, rendered after the others were folded.
pub fn sql_of_last(ops: &[Operation]) -> Vec<String> {
    let (last, before) = ops.split_last().expect("at least one operation");
    MysqlDialect
        .render_operation(last, &fold(before), RenderMode::Offline)
        .expect("renders")
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

/// A fresh database on the test server, dropped when the guard goes; `None` (after saying
/// so) when `RETORT_TEST_MYSQL_URL` is not set, unless `RETORT_REQUIRE_ALL_BACKENDS=1`.
pub fn fresh_database(test: &str) -> Option<TestDb> {
    let base = url_from_env("RETORT_TEST_MYSQL_URL", test)?;
    let name = format!("retort_t_{}_{test}", std::process::id());
    let url = DatabaseUrl::parse(&with_database(&base, &name)).expect("url parses");
    let _ = MysqlDialect.drop_database(&url);
    MysqlDialect
        .create_database(&url)
        .expect("creates the test database");
    Some(TestDb { url })
}

/// A test database; dropped with the guard.
pub struct TestDb {
    pub url: DatabaseUrl,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = MysqlDialect.drop_database(&self.url);
    }
}

/// The rows of a query.
pub fn rows(
    conn: &mut dyn retort_core::Connection,
    sql: &str,
) -> Vec<Vec<retort_core::revision::values::Value>> {
    conn.query(&Statement::new(sql)).expect("query runs")
}
