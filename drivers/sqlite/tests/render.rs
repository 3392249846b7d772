//! Golden rendering tests: exact SQL for every operation, no database.

mod common;

use common::{fold, ops, render_last, sql_of_last};
use retort_core::dialect::RenderMode;
use retort_core::revision::values::Value;
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;

const USERS: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false, unique = true },
  { name = "active", type = "boolean", default = true },
  { name = "score", type = "numeric(10,2)", default = 1.5 },
  { name = "created", type = "timestamp", default = { sql = "CURRENT_TIMESTAMP" } },
]
checks = [{ name = "ck_score", expr = "score >= 0" }]
"#;

const USERS_SQL: &str = "CREATE TABLE \"users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \
\"email\" VARCHAR(255) NOT NULL, \"active\" BOOLEAN DEFAULT TRUE, \"score\" NUMERIC(10,2) DEFAULT 1.5, \
\"created\" TIMESTAMP DEFAULT (CURRENT_TIMESTAMP), UNIQUE (\"email\"), CONSTRAINT \"ck_score\" CHECK (score >= 0))";

#[test]
fn create_table_renders_columns_defaults_keys_and_constraints() {
    assert_eq!(sql_of_last(&ops(USERS)), vec![USERS_SQL]);
}

#[test]
fn create_table_with_composite_key_and_foreign_key_actions() {
    let ops = ops(r#"
[[upgrade]]
op = "create_table"
table = "a"
columns = [{ name = "x", type = "bigint" }, { name = "y", type = "smallint" }]
primary_key = ["x", "y"]
unique = [{ name = "uq", columns = ["y", "x"] }]
foreign_keys = [{ name = "fk", columns = ["y"], references_table = "b", references_columns = ["id"], on_delete = "cascade", on_update = "set_null" },
                { columns = ["x"], references_table = "c", references_columns = ["id"] }]
"#);
    assert_eq!(
        sql_of_last(&ops),
        vec!["CREATE TABLE \"a\" (\"x\" BIGINT NOT NULL, \"y\" SMALLINT NOT NULL, PRIMARY KEY (\"x\", \"y\"), \
CONSTRAINT \"uq\" UNIQUE (\"y\", \"x\"), FOREIGN KEY (\"x\") REFERENCES \"c\" (\"id\"), \
CONSTRAINT \"fk\" FOREIGN KEY (\"y\") REFERENCES \"b\" (\"id\") ON DELETE CASCADE ON UPDATE SET NULL)"]
    );
}

#[test]
fn every_neutral_type_and_the_escape_hatches_render() {
    let ops = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "a", type = "double" }, { name = "b", type = "real" }, { name = "c", type = "numeric" },
  { name = "d", type = "char(2)" }, { name = "e", type = "text" }, { name = "f", type = "date" },
  { name = "g", type = "time" }, { name = "h", type = "timestamptz" }, { name = "i", type = "json" },
  { name = "j", type = "uuid" }, { name = "k", type = "blob" }, { name = "l", type = { native = "geometry" } },
  { name = "m", type = { postgres = "citext", sqlite = "TEXT COLLATE NOCASE", default = "text" } },
  { name = "n", type = { postgres = "citext", default = "text" } },
]
"#);
    assert_eq!(
        sql_of_last(&ops),
        vec!["CREATE TABLE \"t\" (\"a\" DOUBLE, \"b\" REAL, \"c\" NUMERIC, \"d\" CHAR(2), \"e\" TEXT, \"f\" DATE, \
\"g\" TIME, \"h\" TIMESTAMPTZ, \"i\" JSON TEXT, \"j\" UUID TEXT, \"k\" BLOB, \"l\" geometry, \
\"m\" TEXT COLLATE NOCASE, \"n\" text)"]
    );
}

#[test]
fn a_type_table_without_sqlite_or_default_is_an_error_naming_the_column() {
    let ops = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "tags", type = { postgres = "text[]" } }]
"#);
    let err = SqliteDialect
        .render_operation(&ops[0], &fold(&[]), RenderMode::Offline)
        .expect_err("no sqlite type");
    assert_eq!(err.dialect, "sqlite");
    assert!(err.what.contains("`tags`"), "{err}");
    assert!(
        err.reason.contains("`postgres`") && err.reason.contains("`default`"),
        "{err}"
    );
}

#[test]
fn hostile_identifiers_are_always_quoted() {
    let ops = ops(r#"
[[upgrade]]
op = "create_table"
table = 'we"ird table'
columns = [{ name = "select", type = "integer" }, { name = "Größe ü", type = "text" }]

[[upgrade]]
op = "create_index"
name = 'ix "q"'
table = 'we"ird table'
columns = ["select", "Größe ü"]
unique = true
where = '"select" > 0'

[[upgrade]]
op = "rename_table"
table = 'we"ird table'
new_name = "ORDER"
"#);
    assert_eq!(
        sql_of_last(&ops[..1]),
        vec!["CREATE TABLE \"we\"\"ird table\" (\"select\" INTEGER, \"Größe ü\" TEXT)"]
    );
    assert_eq!(
        sql_of_last(&ops[..2]),
        vec!["CREATE UNIQUE INDEX \"ix \"\"q\"\"\" ON \"we\"\"ird table\" (\"select\", \"Größe ü\") WHERE \"select\" > 0"]
    );
    assert_eq!(
        sql_of_last(&ops),
        vec!["ALTER TABLE \"we\"\"ird table\" RENAME TO \"ORDER\""]
    );
}

#[test]
fn simple_operations_render_in_place() {
    let mut all = ops(USERS);
    all.extend(ops(r#"
[[upgrade]]
op = "add_column"
table = "users"
column = { name = "nick", type = "text", default = "it's" }
"#));
    assert_eq!(
        sql_of_last(&all),
        vec!["ALTER TABLE \"users\" ADD COLUMN \"nick\" TEXT DEFAULT 'it''s'"]
    );
    let mut renamed = ops(USERS);
    renamed.extend(ops(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\nnew_name = \"mail\"\n",
    ));
    assert_eq!(
        sql_of_last(&renamed),
        vec!["ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\""]
    );
    let mut dropped = ops(USERS);
    dropped.extend(ops("[[upgrade]]\nop = \"drop_table\"\ntable = \"users\"\n"));
    assert_eq!(sql_of_last(&dropped), vec!["DROP TABLE \"users\""]);
    let mut index = ops(USERS);
    index.extend(ops(
        "[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"users\"\ncolumns = [\"score\"]\n\n\
         [[upgrade]]\nop = \"drop_index\"\nname = \"ix\"\ntable = \"users\"\n",
    ));
    assert_eq!(
        sql_of_last(&index[..2]),
        vec!["CREATE INDEX \"ix\" ON \"users\" (\"score\")"]
    );
    assert_eq!(sql_of_last(&index), vec!["DROP INDEX \"ix\""]);
}

#[test]
fn a_reshaping_alter_column_rebuilds_the_table_keeping_the_counter_and_indexes() {
    let mut all = ops(USERS);
    all.extend(ops(r#"
[[upgrade]]
op = "create_index"
name = "ix_score"
table = "users"
columns = ["score"]

[[upgrade]]
op = "alter_column"
table = "users"
column = "score"
type = "real"
nullable = false
new_name = "points"
"#));
    let new_table = USERS_SQL
        .replace(
            "CREATE TABLE \"users\"",
            "CREATE TABLE \"_retort_new_users\"",
        )
        .replace(
            "\"score\" NUMERIC(10,2) DEFAULT 1.5",
            "\"score\" REAL NOT NULL DEFAULT 1.5",
        );
    // Reshaped under the old name, then renamed natively, so that references to the
    // column elsewhere (foreign keys, checks, indexes, triggers, views) follow it.
    assert_eq!(
        sql_of_last(&all),
        vec![
            new_table,
            "INSERT INTO \"_retort_new_users\" (rowid, \"id\", \"email\", \"active\", \"score\", \"created\") \
SELECT rowid, \"id\", \"email\", \"active\", \"score\", \"created\" FROM \"users\"".to_string(),
            "DELETE FROM sqlite_sequence WHERE name = '_retort_new_users'".to_string(),
            "INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_new_users', seq FROM sqlite_sequence WHERE name = 'users'".to_string(),
            "DROP TABLE \"users\"".to_string(),
            "PRAGMA legacy_alter_table = ON".to_string(),
            "ALTER TABLE \"_retort_new_users\" RENAME TO \"users\"".to_string(),
            "PRAGMA legacy_alter_table = OFF".to_string(),
            "CREATE INDEX \"ix_score\" ON \"users\" (\"score\")".to_string(),
            "ALTER TABLE \"users\" RENAME COLUMN \"score\" TO \"points\"".to_string(),
        ]
    );
}

#[test]
fn constraint_operations_and_drop_column_rebuild() {
    let base = r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "text" }]
"#;
    for (op, expect_in_create) in [
        ("op = \"create_unique_constraint\"\nname = \"uq\"\ntable = \"t\"\ncolumns = [\"b\"]", "CONSTRAINT \"uq\" UNIQUE (\"b\")"),
        ("op = \"create_check_constraint\"\nname = \"ck\"\ntable = \"t\"\nexpr = \"a > 0\"", "CONSTRAINT \"ck\" CHECK (a > 0)"),
        ("op = \"create_foreign_key\"\nname = \"fk\"\ntable = \"t\"\ncolumns = [\"a\"]\nreferences_table = \"t\"\nreferences_columns = [\"a\"]\non_delete = \"restrict\"", "CONSTRAINT \"fk\" FOREIGN KEY (\"a\") REFERENCES \"t\" (\"a\") ON DELETE RESTRICT"),
    ] {
        let all = ops(&format!("{base}\n[[upgrade]]\n{op}\n"));
        let sql = sql_of_last(&all);
        assert!(sql[0].starts_with("CREATE TABLE \"_retort_new_t\""), "{sql:?}");
        assert!(sql[0].contains(expect_in_create), "{sql:?}");
        assert_eq!(sql[1], "INSERT INTO \"_retort_new_t\" (rowid, \"a\", \"b\") SELECT rowid, \"a\", \"b\" FROM \"t\"");
        assert_eq!(sql[2], "DROP TABLE \"t\"");
    }
    let all = ops(&format!(
        "{base}\n[[upgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"b\"\n"
    ));
    let sql = sql_of_last(&all);
    assert_eq!(sql[0], "CREATE TABLE \"_retort_new_t\" (\"a\" INTEGER)");
    assert_eq!(
        sql[1],
        "INSERT INTO \"_retort_new_t\" (rowid, \"a\") SELECT rowid, \"a\" FROM \"t\""
    );
}

#[test]
fn a_rebuild_of_a_table_the_schema_lacks_names_it() {
    let all = ops("[[upgrade]]\nop = \"drop_column\"\ntable = \"ghost\"\ncolumn = \"b\"\n");
    let err = SqliteDialect
        .render_operation(&all[0], &fold(&[]), RenderMode::Online)
        .expect_err("no such table");
    assert!(err.reason.contains("no table `ghost`"), "{err}");
}

#[test]
fn execute_splits_and_picks_the_sqlite_text() {
    let all = ops(r#"
[[upgrade]]
op = "execute"
sql = { postgres = "SELECT 1", sqlite = "INSERT INTO t VALUES ('a;b'); -- c;\nDELETE FROM t" }
"#);
    assert_eq!(
        sql_of_last(&all),
        vec!["INSERT INTO t VALUES ('a;b')", "DELETE FROM t"]
    );
}

#[test]
fn bulk_insert_binds_online_and_escapes_offline() {
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "text" }, { name = "b", type = "blob" }, { name = "c", type = "boolean" }]

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{ a = "'; DROP TABLE x; --", c = true }, { b = { base64 = "AP8=" }, c = false }]
"#);
    let online = render_last(&all, RenderMode::Online);
    assert_eq!(online.len(), 2);
    assert_eq!(
        online[0].sql,
        "INSERT INTO \"t\" (\"a\", \"b\", \"c\") VALUES (?, ?, ?)"
    );
    assert_eq!(
        online[0].params,
        vec![
            Value::String("'; DROP TABLE x; --".into()),
            Value::Null,
            Value::Boolean(true)
        ]
    );
    assert_eq!(
        sql_of_last(&all),
        vec![
            "INSERT INTO \"t\" (\"a\", \"b\", \"c\") VALUES ('''; DROP TABLE x; --', NULL, 1)",
            "INSERT INTO \"t\" (\"a\", \"b\", \"c\") VALUES (NULL, X'00FF', 0)",
        ]
    );
}

#[test]
fn literals_follow_sqlite_spelling() {
    let d = SqliteDialect;
    let lit = |v: Value| d.render_literal(&v).expect("renders");
    assert_eq!(lit(Value::String("it's".into())), "'it''s'");
    assert_eq!(lit(Value::String("a\0b".into())), "CAST(X'610062' AS TEXT)");
    assert_eq!(lit(Value::Integer(-7)), "-7");
    assert_eq!(lit(Value::Float(1e20)), "1e20");
    assert_eq!(
        lit(Value::DateTime("2024-01-02T03:04:05Z".into())),
        "'2024-01-02T03:04:05Z'"
    );
    assert!(d.render_literal(&Value::Float(f64::NAN)).is_err());
    assert_eq!(d.syntax().quote_identifier("a\"b"), "\"a\"\"b\"");
    let caps = d.capabilities();
    assert!(caps.transactional_ddl && caps.partial_indexes && caps.create_database);
    assert!(!caps.alter_column_in_place && !caps.alter_constraints_in_place && !caps.comments);
    assert_eq!(d.url_schemes(), vec!["sqlite"]);
}

#[test]
fn a_bigint_autoincrement_key_is_declared_integer_and_nothing_else() {
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "bigint", primary_key = true, autoincrement = true }]
"#);
    assert_eq!(
        sql_of_last(&all),
        vec!["CREATE TABLE \"t\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL)"]
    );
    // Validation rejects this in a revision file; the dialect must still refuse it.
    let mut bad = all.clone();
    if let Some(retort_core::revision::ops::Operation::CreateTable(create)) = bad.first_mut() {
        create.columns[0].column_type = retort_core::revision::types::ColumnType::Neutral(
            retort_core::revision::types::NeutralType::Text,
        );
    }
    let err = SqliteDialect
        .render_operation(&bad[0], &fold(&[]), RenderMode::Offline)
        .expect_err("text cannot autoincrement");
    assert_eq!(err.reason, "SQLite's AUTOINCREMENT needs an integer column");
}
