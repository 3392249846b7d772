//! The sample project run through the real Migrator on a SQLite file: up, down, up again.

mod common;

use common::{open, rows};
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::revision::values::Value;
use retort_core::{Migrator, MigratorSettings};
use retort_sqlite::SqliteDialect;
use std::path::Path;

fn shop_graph() -> Graph {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop/migrations");
    Graph::new(read_headers(&dir).expect("headers load")).expect("graph builds")
}

/// A project of revision files `(name, text)` in a temporary directory, and its graph.
fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Graph) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let graph = Graph::new(read_headers(dir.path()).expect("headers")).expect("graph");
    (dir, graph)
}

fn tables(conn: &mut dyn retort_core::Connection) -> Vec<Vec<Value>> {
    rows(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
}

#[test]
fn the_shop_upgrades_downgrades_and_upgrades_again() {
    for per_revision in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = open(&dir);
        let graph = shop_graph();
        let mut settings = MigratorSettings::default();
        settings.transaction_per_migration = per_revision;
        let migrator = Migrator::new(&SqliteDialect, &graph, settings);
        let steps = migrator
            .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("upgrade (per revision: {per_revision}): {e}"));
        assert_eq!(steps.len(), graph.len());
        let after_up = tables(conn.as_mut());
        assert!(
            after_up.contains(&vec![Value::String("retort_version".into())]),
            "{after_up:?}"
        );
        migrator
            .downgrade(conn.as_mut(), "base", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("downgrade: {e}"));
        assert_eq!(
            tables(conn.as_mut()),
            vec![vec![Value::String("retort_version".into())]]
        );
        migrator
            .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("second upgrade: {e}"));
        assert_eq!(tables(conn.as_mut()), after_up);
    }
}

#[test]
fn a_table_rebuild_keeps_the_tables_triggers() {
    let (_project, graph) = project(&[
        (
            "1.toml",
            "revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"email\", type = \"varchar(100)\" }]\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"audit\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"msg\", type = \"text\" }]\n",
        ),
        (
            "2.toml",
            "revision = \"aaaa0002\"\ndown_revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit (msg) VALUES (NEW.email); END\"\n",
        ),
        // Changing a column's type rebuilds `users` (in the same run as the trigger's creation).
        (
            "3.toml",
            "revision = \"aaaa0003\"\ndown_revision = \"aaaa0002\"\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\ntype = \"text\"\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    Migrator::new(&SqliteDialect, &graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .unwrap_or_else(|e| panic!("upgrade: {e}"));
    let triggers = rows(
        conn.as_mut(),
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    );
    assert_eq!(triggers, vec![vec![Value::String("users_audit".into())]]);
    rows(
        conn.as_mut(),
        "INSERT INTO users (email) VALUES ('a@example.com') RETURNING id",
    );
    let audit = rows(conn.as_mut(), "SELECT msg FROM audit");
    assert_eq!(
        audit,
        vec![vec![Value::String("a@example.com".into())]],
        "the trigger still fires"
    );
}

#[test]
fn dropping_a_column_a_trigger_still_uses_fails_and_leaves_the_table_as_it_was() {
    let (_project, graph) = project(&[
        (
            "1.toml",
            "revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, nick TEXT); CREATE TABLE audit (msg TEXT); CREATE TRIGGER users_nick AFTER UPDATE OF email ON users BEGIN INSERT INTO audit (msg) VALUES (OLD.nick); END; INSERT INTO users (email, nick) VALUES ('a@x', 'ann')\"\n",
        ),
        (
            "2.toml",
            "revision = \"aaaa0002\"\ndown_revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"nick\"\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let migrator = Migrator::new(&SqliteDialect, &graph, MigratorSettings::default());
    let error = migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect_err("the trigger no longer fits");
    let message = error.to_string();
    assert!(
        message.contains("aaaa0002")
            && message.contains("no such column: OLD.nick")
            && message.contains("triggers must fit its new shape"),
        "{message}"
    );
    let columns = rows(conn.as_mut(), "SELECT name FROM pragma_table_info('users')");
    assert_eq!(
        columns,
        ["id", "email", "nick"]
            .iter()
            .map(|c| vec![Value::String((*c).into())])
            .collect::<Vec<_>>()
    );
    let kept = rows(conn.as_mut(), "SELECT nick FROM users");
    assert_eq!(kept, vec![vec![Value::String("ann".into())]]);
    let triggers = rows(
        conn.as_mut(),
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    );
    assert_eq!(triggers, vec![vec![Value::String("users_nick".into())]]);
    let applied = rows(conn.as_mut(), "SELECT revision FROM retort_version");
    assert_eq!(applied, vec![vec![Value::String("aaaa0001".into())]]);
}

#[test]
fn dropping_a_column_keeps_triggers_with_quoted_strings_and_application_functions() {
    let (_project, graph) = project(&[
        (
            "1.toml",
            "revision = \"eeee0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = '''CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, nick TEXT); CREATE TABLE audit (msg TEXT); CREATE TRIGGER users_audit AFTER UPDATE OF email ON users BEGIN INSERT INTO audit VALUES (\"changed\"); INSERT INTO audit SELECT app_hash(NEW.email); END'''\n",
        ),
        (
            "2.toml",
            "revision = \"eeee0002\"\ndown_revision = \"eeee0001\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"nick\"\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    Migrator::new(&SqliteDialect, &graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .unwrap_or_else(|e| panic!("the trigger works in its application: {e}"));
    let triggers = rows(
        conn.as_mut(),
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    );
    assert_eq!(triggers, vec![vec![Value::String("users_audit".into())]]);
    let columns = rows(conn.as_mut(), "SELECT name FROM pragma_table_info('users')");
    assert_eq!(columns.len(), 2, "{columns:?}");
}

#[test]
fn a_rebuild_keeps_rowids_and_triggers_that_spell_the_table_otherwise() {
    let (_project, graph) = project(&[
        (
            "1.toml",
            "revision = \"cccc0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (pid INTEGER REFERENCES parent (id), note TEXT, extra TEXT); CREATE TABLE log (note TEXT); CREATE TRIGGER child_log AFTER INSERT ON CHILD BEGIN INSERT INTO log VALUES (NEW.note); END\"\n",
        ),
        (
            "2.toml",
            "revision = \"cccc0002\"\ndown_revision = \"cccc0001\"\n\n[[upgrade]]\nop = \"drop_column\"\ntable = \"child\"\ncolumn = \"extra\"\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let migrator = Migrator::new(&SqliteDialect, &graph, MigratorSettings::default());
    migrator
        .upgrade(conn.as_mut(), "cccc0001", false, &mut |_| {})
        .unwrap_or_else(|e| panic!("upgrade: {e}"));
    // Rowids with a gap, and a foreign-key violation that predates the run (row 3).
    for sql in [
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO parent VALUES (1)",
        "INSERT INTO child VALUES (1, 'gone', 'x'), (1, 'kept', 'x'), (99, 'orphan', 'x')",
        "DELETE FROM child WHERE note = 'gone'",
        "PRAGMA foreign_keys = ON",
    ] {
        rows(conn.as_mut(), sql);
    }
    migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .unwrap_or_else(|e| panic!("the old violation must not fail the rebuild: {e}"));
    let kept = rows(
        conn.as_mut(),
        "SELECT rowid, note FROM child ORDER BY rowid",
    );
    assert_eq!(
        kept,
        vec![
            vec![Value::Integer(2), Value::String("kept".into())],
            vec![Value::Integer(3), Value::String("orphan".into())],
        ]
    );
    let triggers = rows(
        conn.as_mut(),
        "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    );
    assert_eq!(triggers, vec![vec![Value::String("child_log".into())]]);
}

#[test]
fn a_rebuild_that_would_lose_what_the_model_cannot_hold_is_refused() {
    let (_project, graph) = project(&[
        (
            "1.toml",
            "revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE, twice INTEGER GENERATED ALWAYS AS (id * 2) STORED, note TEXT); INSERT INTO t (id, email, note) VALUES (1, 'A@x', 'keep')\"\n",
        ),
        (
            "2.toml",
            "revision = \"aaaa0002\"\ndown_revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"note\"\nnullable = false\n",
        ),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let error = Migrator::new(&SqliteDialect, &graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect_err("the rebuild must be refused");
    let message = error.to_string();
    assert!(
        message.contains("aaaa0002") && message.contains("a generated column"),
        "{message}"
    );
    assert!(message.contains("a column collation"), "{message}");
    let kept = rows(conn.as_mut(), "SELECT id, twice, note FROM t");
    assert_eq!(
        kept,
        vec![vec![
            Value::Integer(1),
            Value::Integer(2),
            Value::String("keep".into())
        ]],
        "the table and its generated column are untouched"
    );
}
