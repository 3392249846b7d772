//! The Migrator on a live server (`RETORT_TEST_POSTGRES_URL`): `version_table_schema`, and
//! `transactional = false` revisions such as `CREATE INDEX CONCURRENTLY`, which cannot run
//! inside a transaction and deadlock under a transaction-scoped lock.

mod common;

use common::{fresh_database, rows};
use retort_core::dialect::Statement;
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::revision::values::Value;
use retort_core::{Dialect, Migrator, MigratorSettings};
use retort_postgres::PostgresDialect;
use std::path::Path;

fn graph_of(dir: &Path, files: &[(&str, &str)]) -> Graph {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("writes a revision");
    }
    Graph::new(read_headers(dir).expect("headers load")).expect("graph builds")
}

const ACCOUNTS: &str = r#"revision = "a1"
message = "accounts"

[[upgrade]]
op = "create_table"
table = "accounts"
columns = [{ name = "id", type = "bigint", primary_key = true }, { name = "email", type = "text" }]

[[downgrade]]
op = "drop_table"
table = "accounts"
"#;

#[test]
fn the_version_table_is_created_and_kept_in_version_table_schema() {
    let Some(db) = fresh_database("vt_schema") else {
        return;
    };
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    conn.execute(&Statement::new("CREATE SCHEMA audit"))
        .expect("schema made");
    let dir = tempfile::tempdir().expect("temp dir");
    let graph = graph_of(dir.path(), &[("a1.toml", ACCOUNTS)]);
    let mut settings = MigratorSettings::default();
    settings.version_table_schema = Some("audit".into());
    let migrator = Migrator::new(&PostgresDialect, &graph, settings);
    migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("upgrades");
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'retort_version'"
        ),
        vec![vec![Value::String("audit".into())]],
        "the version table lives in `audit` only"
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT revision, state FROM audit.retort_version"
        ),
        vec![vec![
            Value::String("a1".into()),
            Value::String("applied".into())
        ]]
    );
    let state = migrator.read_state(conn.as_mut()).expect("reads the state");
    assert_eq!(state.heads(&graph), vec!["a1".to_string()]);
    migrator
        .downgrade(conn.as_mut(), "base", false, &mut |_| {})
        .expect("downgrades");
    assert_eq!(
        rows(conn.as_mut(), "SELECT count(*) FROM audit.retort_version"),
        vec![vec![Value::Integer(0)]]
    );
}

#[test]
fn create_index_concurrently_runs_in_a_non_transactional_revision() {
    let Some(db) = fresh_database("concurrently") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let index = "-- retort:revision b2\n-- retort:down_revision a1\n-- retort:transactional false\n\n\
                 -- retort:upgrade\nCREATE INDEX CONCURRENTLY ix_accounts_email ON accounts (email);\n\n\
                 -- retort:downgrade\nDROP INDEX CONCURRENTLY ix_accounts_email;\n";
    let graph = graph_of(dir.path(), &[("a1.toml", ACCOUNTS), ("b2.sql", index)]);
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    let migrator = Migrator::new(&PostgresDialect, &graph, MigratorSettings::default());
    let steps = migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("a concurrent index build runs outside a transaction, under the session lock");
    assert_eq!(steps.len(), 2);
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname = 'ix_accounts_email'"
        ),
        vec![vec![Value::Boolean(true)]],
        "the index exists and is valid"
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT revision, state FROM retort_version ORDER BY revision"
        ),
        vec![
            vec![Value::String("a1".into()), Value::String("applied".into())],
            vec![Value::String("b2".into()), Value::String("applied".into())],
        ]
    );
    migrator
        .downgrade(conn.as_mut(), "a1", false, &mut |_| {})
        .expect("the index is dropped concurrently too");
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT count(*) FROM pg_class WHERE relname = 'ix_accounts_email'"
        ),
        vec![vec![Value::Integer(0)]]
    );
}

/// Between two `transactional = false` revisions one transaction records the first and
/// marks the second dirty; it commits before the second one's `CREATE INDEX CONCURRENTLY`
/// (which cannot run inside a transaction block) starts, and a failure further on leaves
/// the second one dirty with its error and the first applied.
#[test]
fn consecutive_non_transactional_revisions_hand_over_and_fail_as_before() {
    let Some(db) = fresh_database("handover") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let first =
        "-- retort:revision b2\n-- retort:down_revision a1\n-- retort:transactional false\n\n\
                 -- retort:upgrade\nCREATE INDEX CONCURRENTLY ix_first ON accounts (id);\n";
    let second =
        "-- retort:revision c3\n-- retort:down_revision b2\n-- retort:transactional false\n\n\
                  -- retort:upgrade\nCREATE INDEX CONCURRENTLY ix_second ON accounts (email);\n\
                  CREATE INDEX CONCURRENTLY ix_bad ON accounts (no_such_column);\n";
    let graph = graph_of(
        dir.path(),
        &[("a1.toml", ACCOUNTS), ("b2.sql", first), ("c3.sql", second)],
    );
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    let migrator = Migrator::new(&PostgresDialect, &graph, MigratorSettings::default());
    let message = migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect_err("the last statement fails")
        .to_string();
    assert!(
        message.contains("c3")
            && message.contains("statement 2 of 2")
            && message.contains("no_such_column"),
        "{message}"
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT revision, state, error LIKE '%no_such_column%' FROM retort_version \
             ORDER BY revision"
        ),
        vec![
            vec![
                Value::String("a1".into()),
                Value::String("applied".into()),
                Value::Null
            ],
            vec![
                Value::String("b2".into()),
                Value::String("applied".into()),
                Value::Null
            ],
            vec![
                Value::String("c3".into()),
                Value::String("dirty".into()),
                Value::Boolean(true)
            ],
        ]
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indisvalid AND c.relname LIKE 'ix\\_%' ORDER BY 1"
        ),
        vec![
            vec![Value::String("ix_first".into())],
            vec![Value::String("ix_second".into())],
        ],
        "both revisions' concurrent builds ran outside a transaction block"
    );
}
