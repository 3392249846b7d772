//! Live tests on temporary database files: every operation applied and read back.

mod common;

use common::{apply_checking_round_trip, open, ops, rows, url_in};
use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;
use std::time::Duration;

const EVERY_OP: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false, unique = true },
  { name = "active", type = "boolean", default = true, nullable = false },
  { name = "score", type = "numeric(10,2)", default = 1.5 },
  { name = "n", type = "bigint", default = -3 },
  { name = "nick", type = "text", default = "it's" },
  { name = "created", type = "timestamp", default = { sql = "CURRENT_TIMESTAMP" } },
  { name = "expr", type = "integer", default = { sql = "1 + 2" } },
]
checks = [{ name = "ck_score", expr = "score >= 0" }, { expr = "length(email) > 3" }]

[[upgrade]]
op = "create_table"
table = "posts"
columns = [
  { name = "user_id", type = "integer" },
  { name = "slug", type = "varchar(40)" },
  { name = "body", type = "text" },
]
primary_key = ["user_id", "slug"]
unique = [{ name = "uq_body", columns = ["body", "slug"] }]
foreign_keys = [{ name = "fk_user", columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "cascade", on_update = "set_null" }]

[[upgrade]]
op = "bulk_insert"
table = "users"
rows = [{ email = "a@b.c", score = 1.5 }, { email = "x@y.z", score = 2 }]

[[upgrade]]
op = "add_column"
table = "users"
column = { name = "bio", type = "text" }

[[upgrade]]
op = "add_column"
table = "users"
column = { name = "handle", type = "varchar(20)", unique = true }

[[upgrade]]
op = "add_column"
table = "users"
column = { name = "joined", type = "date", nullable = false, default = { sql = "CURRENT_DATE" } }

[[upgrade]]
op = "alter_column"
table = "users"
column = "bio"
new_name = "about"

[[upgrade]]
op = "alter_column"
table = "users"
column = "score"
type = "double"
nullable = false
default = 0.0

[[upgrade]]
op = "alter_column"
table = "users"
column = "nick"
drop_default = true
new_name = "nickname"

[[upgrade]]
op = "create_index"
name = "ix_active"
table = "users"
columns = ["email", "active"]
unique = true
where = "active = 1"

[[upgrade]]
op = "create_index"
name = "ix_plain"
table = "posts"
columns = ["body"]

[[upgrade]]
op = "drop_index"
name = "ix_plain"
table = "posts"

[[upgrade]]
op = "drop_column"
table = "users"
column = "about"

[[upgrade]]
op = "create_unique_constraint"
name = "uq_nick"
table = "users"
columns = ["nickname", "email"]

[[upgrade]]
op = "create_check_constraint"
name = "ck_n"
table = "users"
expr = "n < 1000"

[[upgrade]]
op = "create_table"
table = "tags"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "post_slug", type = "varchar(40)" }, { name = "uid", type = "integer" }]

[[upgrade]]
op = "create_foreign_key"
name = "fk_tag_post"
table = "tags"
columns = ["uid", "post_slug"]
references_table = "posts"
references_columns = ["user_id", "slug"]
on_delete = "set_default"

[[upgrade]]
op = "drop_constraint"
name = "uq_nick"
table = "users"
kind = "unique"

[[upgrade]]
op = "drop_constraint"
name = "ck_score"
table = "users"
kind = "check"

[[upgrade]]
op = "drop_constraint"
name = "fk_tag_post"
table = "tags"
kind = "foreign_key"

[[upgrade]]
op = "rename_table"
table = "tags"
new_name = "labels"

[[upgrade]]
op = "drop_table"
table = "labels"
"#;

#[test]
fn every_operation_reads_back_as_the_fold() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(EVERY_OP);
    apply_checking_round_trip(conn.as_mut(), &all);
    // The rows survived every rebuild of `users`.
    let emails = rows(
        conn.as_mut(),
        "SELECT id, email, score FROM users ORDER BY id",
    );
    assert_eq!(
        emails,
        vec![
            vec![
                Value::Integer(1),
                Value::String("a@b.c".into()),
                Value::Float(1.5)
            ],
            vec![
                Value::Integer(2),
                Value::String("x@y.z".into()),
                Value::Float(2.0)
            ],
        ]
    );
}

#[test]
fn every_type_reads_back_as_declared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [
  { name = "a", type = "smallint" }, { name = "b", type = "integer" }, { name = "c", type = "bigint" },
  { name = "d", type = "boolean" }, { name = "e", type = "real" }, { name = "f", type = "double" },
  { name = "g", type = "numeric" }, { name = "h", type = "numeric(5)" }, { name = "i", type = "decimal(10,2)" },
  { name = "j", type = "varchar(3)" }, { name = "k", type = "char(1)" }, { name = "l", type = "text" },
  { name = "m", type = "date" }, { name = "n", type = "time" }, { name = "o", type = "timestamp" },
  { name = "p", type = "timestamptz" }, { name = "q", type = "json" }, { name = "r", type = "uuid" },
  { name = "s", type = "blob" }, { name = "t", type = { native = "geometry" } },
  { name = "u", type = "boolean", default = false }, { name = "v", type = "text", default = "" },
]

[[upgrade]]
op = "create_table"
table = "big"
columns = [{ name = "id", type = "bigint", primary_key = true, autoincrement = true }]

[[upgrade]]
op = "create_table"
table = "small"
columns = [{ name = "id", type = "smallint", primary_key = true, autoincrement = true }, { name = "x", type = "text" }]

[[upgrade]]
op = "drop_column"
table = "small"
column = "x"
"#);
    apply_checking_round_trip(conn.as_mut(), &all);
}

#[test]
fn hostile_identifiers_work_end_to_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "we\"ird 'table"
columns = [
  { name = "select", type = "integer", primary_key = true },
  { name = "Größe ü", type = "text", unique = true },
  { name = "a,b (c)", type = "integer", default = 1 },
]
checks = [{ name = 'ck "x"', expr = '"select" > 0' }]

[[upgrade]]
op = "create_table"
table = "ORDER"
columns = [{ name = "from", type = "integer" }]
foreign_keys = [{ name = "FK Mixed", columns = ["from"], references_table = "we\"ird 'table", references_columns = ["select"] }]

[[upgrade]]
op = "create_index"
name = 'ix "q"'
table = "we\"ird 'table"
columns = ["Größe ü", "a,b (c)"]
where = '"select" > 1'

# Check and index expressions are SQL text the model cannot rewrite on a rename, so they
# name another column; SQLite now rejects a stale name instead of reading it as a string.
[[upgrade]]
op = "alter_column"
table = "we\"ird 'table"
column = "a,b (c)"
type = "bigint"
new_name = "WHERE"

[[upgrade]]
op = "bulk_insert"
table = "we\"ird 'table"
rows = [{ select = 1, "Größe ü" = "x" }]

[[upgrade]]
op = "rename_table"
table = "ORDER"
new_name = "group by"
"#);
    apply_checking_round_trip(conn.as_mut(), &all);
}

#[test]
fn bulk_insert_values_read_back_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "v"
columns = [{ name = "k", type = "integer", primary_key = true }, { name = "s", type = "text" }, { name = "b", type = "blob" }]
"#);
    apply_checking_round_trip(conn.as_mut(), &all);
    let big = "é🙂x".repeat(100_000);
    let hostile = [
        Value::String("it's \"quoted\"".into()),
        Value::String("'; DROP TABLE v; --".into()),
        Value::String("unicode: Größe 🙂 \u{200b}".into()),
        Value::String(String::new()),
        Value::Null,
        Value::String(big.clone()),
        Value::String("nul\0inside".into()),
        Value::Bytes(vec![0, 1, 2, 255, b'\'', 0]),
        Value::Integer(i64::MIN),
        Value::Float(-0.125),
        Value::DateTime("2024-02-29T23:59:59.123456Z".into()),
    ];
    for mode in [RenderMode::Online, RenderMode::Offline] {
        conn.execute(&Statement::new("DELETE FROM v"))
            .expect("clears");
        let rows_toml: Vec<_> = hostile
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let mut row = std::collections::BTreeMap::new();
                row.insert("k".to_string(), Value::Integer(i as i64));
                let column = if is_text(value) { "s" } else { "b" };
                row.insert(column.to_string(), value.clone());
                row
            })
            .collect();
        let op = retort_core::revision::ops::Operation::BulkInsert(
            retort_core::revision::ops::BulkInsert {
                table: "v".into(),
                rows: rows_toml,
            },
        );
        let schema = Schema::fold(&all).expect("folds").0;
        for statement in SqliteDialect
            .render_operation(&op, &schema, mode)
            .expect("renders")
        {
            conn.execute(&statement).expect("inserts");
        }
        let back = rows(conn.as_mut(), "SELECT s, b FROM v ORDER BY k");
        for (i, value) in hostile.iter().enumerate() {
            let expected = match value {
                Value::DateTime(text) => Value::String(text.clone()),
                other => other.clone(),
            };
            let got = if is_text(value) {
                &back[i][0]
            } else {
                &back[i][1]
            };
            assert_eq!(got, &expected, "value {i} in {mode:?} mode");
        }
    }
    let _ = big;
}

/// Text goes to the TEXT column; everything else to the BLOB column, which has no
/// affinity and so keeps integers, floats and bytes as they are.
fn is_text(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::DateTime(_) | Value::Null)
}

#[test]
fn a_parent_rebuild_under_the_lock_keeps_cascading_children() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    conn.execute(&Statement::new("PRAGMA foreign_keys = ON"))
        .expect("fk on");
    let setup = ops(r#"
[[upgrade]]
op = "create_table"
table = "parent"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "name", type = "text" }]

[[upgrade]]
op = "create_table"
table = "child"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "parent_id", type = "integer" }]
foreign_keys = [{ columns = ["parent_id"], references_table = "parent", references_columns = ["id"], on_delete = "cascade" }]

[[upgrade]]
op = "bulk_insert"
table = "parent"
rows = [{ id = 1, name = "p" }]

[[upgrade]]
op = "bulk_insert"
table = "child"
rows = [{ id = 10, parent_id = 1 }, { id = 11, parent_id = 1 }]

[[upgrade]]
op = "alter_column"
table = "parent"
column = "name"
type = "varchar(10)"
nullable = false
"#);
    apply_checking_round_trip(conn.as_mut(), &setup);
    assert_eq!(
        rows(conn.as_mut(), "SELECT count(*) FROM child"),
        vec![vec![Value::Integer(2)]]
    );
    // The connection's setting is back, and cascades work again.
    assert_eq!(
        rows(conn.as_mut(), "PRAGMA foreign_keys"),
        vec![vec![Value::Integer(1)]]
    );
    conn.execute(&Statement::new("DELETE FROM parent"))
        .expect("deletes");
    assert_eq!(
        rows(conn.as_mut(), "SELECT count(*) FROM child"),
        vec![vec![Value::Integer(0)]]
    );
}

#[test]
fn a_commit_that_breaks_a_foreign_key_fails_and_rolls_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    conn.execute(&Statement::new("CREATE TABLE p (id INTEGER PRIMARY KEY)"))
        .expect("p");
    conn.execute(&Statement::new(
        "CREATE TABLE c (pid INTEGER REFERENCES p (id))",
    ))
    .expect("c");
    conn.lock(Duration::from_secs(1)).expect("locks");
    conn.begin().expect("begins");
    conn.execute(&Statement::new("INSERT INTO c VALUES (42)"))
        .expect("inserts");
    let err = conn.commit().expect_err("violation");
    assert!(
        err.message
            .contains("row 1 of `c` references a missing row of `p`"),
        "{err}"
    );
    conn.unlock().expect("unlocks");
    assert_eq!(
        rows(conn.as_mut(), "SELECT count(*) FROM c"),
        vec![vec![Value::Integer(0)]]
    );
}

#[test]
fn violations_that_were_there_before_the_run_do_not_block_it_new_ones_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    // A database with an orphan row, written with foreign keys off.
    for sql in [
        "PRAGMA foreign_keys = OFF",
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        "CREATE TABLE c (pid INTEGER REFERENCES p (id))",
        "INSERT INTO c VALUES (7)",
    ] {
        conn.execute(&Statement::new(sql)).expect(sql);
    }
    conn.lock(Duration::from_secs(1)).expect("locks");
    conn.begin().expect("begins");
    conn.execute(&Statement::new("CREATE TABLE unrelated (x TEXT)"))
        .expect("creates");
    conn.commit()
        .expect("the orphan row was there before: the revision commits");
    conn.begin().expect("begins");
    conn.execute(&Statement::new("INSERT INTO c VALUES (8)"))
        .expect("inserts");
    let err = conn.commit().expect_err("a new orphan");
    assert!(
        err.message
            .contains("row 2 of `c` references a missing row of `p`")
            && !err.message.contains("row 1 of"),
        "only the new violation is listed: {err}"
    );
    conn.unlock().expect("unlocks");
    assert_eq!(
        rows(conn.as_mut(), "SELECT pid FROM c"),
        vec![vec![Value::Integer(7)]]
    );
    assert!(conn.table_exists(None, "unrelated").expect("looks up"));
}

#[test]
fn a_rebuild_keeps_the_autoincrement_counter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "integer", primary_key = true, autoincrement = true }, { name = "x", type = "text" }]

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{ x = "a" }, { x = "b" }, { x = "c" }]

[[upgrade]]
op = "execute"
sql = "DELETE FROM t WHERE id > 1"

[[upgrade]]
op = "alter_column"
table = "t"
column = "x"
nullable = false
"#);
    // `execute` is opaque to the fold but changes no schema here.
    apply_checking_round_trip(conn.as_mut(), &all);
    conn.execute(&Statement::new("INSERT INTO t (x) VALUES ('d')"))
        .expect("inserts");
    assert_eq!(
        rows(conn.as_mut(), "SELECT max(id) FROM t"),
        vec![vec![Value::Integer(4)]]
    );
}

/// `main` is SQLite's name for the file's own schema (binding hostile names is a
/// conformance case).
#[test]
fn table_exists_knows_the_main_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    conn.execute(&Statement::new("CREATE TABLE \"it's\" (a)"))
        .expect("creates");
    assert!(conn.table_exists(Some("main"), "it's").expect("asks"));
    assert!(!conn.table_exists(Some("temp"), "it's").expect("asks"));
}

#[test]
fn create_and_drop_database_manage_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = url_in(&dir);
    let path = dir.path().join("test.db");
    assert!(SqliteDialect.create_database(&url).expect("creates"));
    assert!(path.exists());
    assert!(!SqliteDialect.create_database(&url).expect("exists"));
    std::fs::write(dir.path().join("test.db-wal"), b"").expect("wal");
    assert!(SqliteDialect.drop_database(&url).expect("drops"));
    assert!(!path.exists() && !dir.path().join("test.db-wal").exists());
    assert!(!SqliteDialect.drop_database(&url).expect("absent"));
    let memory = retort_core::db_url::DatabaseUrl::parse("sqlite::memory:").expect("url");
    assert!(SqliteDialect.create_database(&memory).is_err());
    let mut conn = SqliteDialect.connect(&memory).expect("memory connects");
    assert_eq!(
        rows(conn.as_mut(), "SELECT 1"),
        vec![vec![Value::Integer(1)]]
    );
}

#[test]
fn a_rebuild_leaves_views_on_the_table_working() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "text" }]

[[upgrade]]
op = "execute"
sql = "CREATE VIEW v AS SELECT a FROM t; INSERT INTO t VALUES (7, 'x')"

[[upgrade]]
op = "drop_column"
table = "t"
column = "b"
"#);
    apply_checking_round_trip(conn.as_mut(), &all);
    assert_eq!(
        rows(conn.as_mut(), "SELECT a FROM v"),
        vec![vec![Value::Integer(7)]]
    );
}

#[test]
fn hand_written_tables_introspect_with_names_checks_and_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    conn.execute(&Statement::new("CREATE TABLE p (id INTEGER PRIMARY KEY)"))
        .expect("p");
    conn.execute(&Statement::new(
        "CREATE TABLE [odd] ( -- a comment, with (parens)\n\
         `a` int CONSTRAINT ck_a CHECK (a IN (1, 2)) /* x, y */ DEFAULT 'x,''y)',\n\
         b TEXT UNIQUE DEFAULT (lower('Q')) CHECK (b <> ')'),\n\
         CONSTRAINT \"fk p\" FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET NULL,\n\
         CONSTRAINT uq UNIQUE (a, b))",
    ))
    .expect("odd");
    let schema = conn.introspect().expect("introspects");
    let table = schema.table("odd").expect("odd is there");
    let checks: Vec<_> = table
        .checks
        .iter()
        .map(|c| (c.name.as_deref(), c.expr.as_str()))
        .collect();
    assert_eq!(
        checks,
        vec![(None, "b <> ')'"), (Some("ck_a"), "a IN (1, 2)")]
    );
    let uniques: Vec<_> = table
        .unique_constraints
        .iter()
        .map(|u| (u.name.as_deref(), u.columns.clone()))
        .collect();
    assert_eq!(
        uniques,
        vec![
            (None, vec!["b".to_string()]),
            (Some("uq"), vec!["a".to_string(), "b".to_string()])
        ]
    );
    assert_eq!(table.foreign_keys[0].name.as_deref(), Some("fk p"));
    assert_eq!(
        table.columns[0].default,
        Some(retort_core::revision::values::DefaultValue::String(
            "x,'y)".into()
        ))
    );
    assert_eq!(
        table.columns[1].default,
        Some(retort_core::revision::values::DefaultValue::Sql(
            "lower('Q')".into()
        ))
    );
}

#[test]
fn renaming_and_retyping_a_referenced_column_keeps_the_foreign_keys_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "p"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "code", type = "varchar(10)", unique = true }]

[[upgrade]]
op = "create_table"
table = "c"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "p_code", type = "varchar(10)" }]
foreign_keys = [{ name = "fk_c_p", columns = ["p_code"], references_table = "p", references_columns = ["code"] }]

[[upgrade]]
op = "bulk_insert"
table = "p"
rows = [{ id = 1, code = "a" }]

[[upgrade]]
op = "bulk_insert"
table = "c"
rows = [{ id = 1, p_code = "a" }]

[[upgrade]]
op = "alter_column"
table = "p"
column = "code"
new_name = "ref"
type = "varchar(20)"
"#);
    apply_checking_round_trip(conn.as_mut(), &all);
    let live = conn.introspect().expect("introspects");
    let child = live.table("c").expect("c");
    assert_eq!(child.foreign_keys[0].references_columns, vec!["ref"]);
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT count(*) FROM pragma_foreign_key_check"
        ),
        vec![vec![Value::Integer(0)]]
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT c.id FROM c JOIN p ON p.ref = c.p_code"
        ),
        vec![vec![Value::Integer(1)]]
    );
}

#[test]
fn a_nul_in_text_survives_offline_literals_and_is_refused_as_a_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = open(&dir);
    let literal = SqliteDialect
        .render_literal(&Value::String("a\0b".into()))
        .expect("renders");
    conn.execute(&Statement::new("CREATE TABLE t (x TEXT)"))
        .expect("creates");
    conn.execute(&Statement::new(format!("INSERT INTO t VALUES ({literal})")))
        .expect("inserts");
    assert_eq!(
        rows(conn.as_mut(), "SELECT x, typeof(x) FROM t"),
        vec![vec![
            Value::String("a\0b".into()),
            Value::String("text".into())
        ]]
    );
    let all = ops(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"d\"\ncolumns = [{ name = \"x\", type = \"text\", default = \"a\\u0000b\" }]\n",
    );
    let error = SqliteDialect
        .render_operation(&all[0], &Schema::new(), RenderMode::Online)
        .expect_err("refused");
    assert!(error.to_string().contains("NUL"), "{error}");
}

#[test]
fn some_tables_are_read_by_name_as_sqlite_matches_names_and_views_are_no_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = open(&dir);
    for sql in [
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)",
        "CREATE INDEX ix_users_email ON users (email)",
        "CREATE TABLE other (id INTEGER PRIMARY KEY)",
        "CREATE VIEW emails AS SELECT email FROM users",
    ] {
        conn.execute(&Statement::new(sql)).expect("set-up");
    }
    let whole = conn.introspect().expect("the whole schema");
    let names = |tables: &[&str]| tables.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    let some = conn
        .introspect_tables(&names(&["USERS", "emails", "nope"]))
        .expect("some tables");
    let read: Vec<&str> = some.table_names().collect();
    assert_eq!(read, ["users"]);
    assert_eq!(some.table("users"), whole.table("users"));
    assert!(conn
        .introspect_tables(&names(&["nope"]))
        .expect("none")
        .is_empty());
    assert!(!conn.table_exists(None, "emails").expect("asked"));
    assert!(conn.table_exists(None, "users").expect("asked"));
}
