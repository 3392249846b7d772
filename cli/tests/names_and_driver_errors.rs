//! Long names and driver errors as users meet them on real servers
//! (`RETORT_TEST_POSTGRES_URL`, `RETORT_TEST_MYSQL_URL`):
//!
//! - tables named with PostgreSQL's 63 bytes migrate up and down with every kind of
//!   unnamed constraint, and a longer identifier is refused (exit 2) before anything runs,
//!   online and offline, on PostgreSQL and on MySQL/MariaDB;
//! - a connection that cannot be made, or that the server drops mid-run, is reported in
//!   prose: no Rust value (`DriverError { .. }`, `IoError { .. }`), no password.

mod common;

use common::{Project, Run};
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::{Connection, Dialect};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A database of its own on a test server, dropped afterwards.
struct ServerDb {
    dialect: Box<dyn Dialect>,
    url: String,
}

impl ServerDb {
    fn new(dialect: Box<dyn Dialect>, var: &str, test: &str) -> Option<ServerDb> {
        let server = url_from_env(var, test)?;
        let name = format!("retort_names_{}_{test}", std::process::id());
        let db = ServerDb {
            dialect,
            url: with_database(&server, &name),
        };
        let _ = db.dialect.drop_database(&db.parsed());
        db.dialect
            .create_database(&db.parsed())
            .expect("creates the test database");
        Some(db)
    }

    fn postgres(test: &str) -> Option<ServerDb> {
        let dialect = Box::new(retort_postgres::PostgresDialect::new());
        ServerDb::new(dialect, "RETORT_TEST_POSTGRES_URL", test)
    }

    fn mysql(test: &str) -> Option<ServerDb> {
        let dialect = Box::new(retort_mysql::MysqlDialect::new());
        ServerDb::new(dialect, "RETORT_TEST_MYSQL_URL", test)
    }

    fn parsed(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&self.url).expect("the URL parses")
    }

    fn connect(&self) -> Box<dyn Connection> {
        self.dialect
            .connect(&self.parsed())
            .unwrap_or_else(|e| panic!("connecting to the test database: {e}"))
    }

    /// `retort --url URL ARGS` in `project`.
    fn run(&self, project: &Project, args: &[&str]) -> Run {
        let mut all = vec!["--url", self.url.as_str()];
        all.extend_from_slice(args);
        project.run(&all)
    }

    /// The tables of the database, the version table aside.
    fn tables(&self) -> Vec<String> {
        let schema = self.connect().introspect().expect("introspects");
        schema
            .table_names()
            .filter(|name| *name != "retort_version")
            .map(str::to_string)
            .collect()
    }

    /// The rows of the version table (none when it does not exist).
    fn recorded(&self) -> usize {
        let mut conn = self.connect();
        if !conn.table_exists(None, "retort_version").expect("looks") {
            return 0;
        }
        conn.query(&Statement::new("SELECT revision FROM retort_version"))
            .expect("reads the version table")
            .len()
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let _ = self.dialect.drop_database(&self.parsed());
    }
}

/// `stem` padded with letters to `length` bytes.
fn long_name(stem: &str, length: usize) -> String {
    let mut name = stem.to_string();
    while name.len() < length {
        name.push(char::from(b'a' + (name.len() % 26) as u8));
    }
    name
}

/// Two tables of 63 bytes whose first 58 agree, so that PostgreSQL-style names of their
/// unnamed constraints, shortened, would meet; each with a primary key, a unique column
/// and a check, the second with a foreign key to the first.
fn write_long_tables(project: &Project, first: &str, second: &str) {
    let table = |id: &str, down: &str, name: &str, fk: &str| {
        format!(
            r#"revision = "{id}"
{down}message = "{id}"

[[upgrade]]
op = "create_table"
table = "{name}"
columns = [
  {{ name = "id", type = "integer", primary_key = true }},
  {{ name = "code", type = "varchar(20)", unique = true }},
  {{ name = "parent", type = "integer" }},
]
checks = [{{ expr = "parent > 0" }}]
{fk}
[[downgrade]]
op = "drop_table"
table = "{name}"
"#
        )
    };
    project.write("1_first.toml", &table("aaaa00000001", "", first, ""));
    let fk = format!(
        "foreign_keys = [{{ columns = [\"parent\"], references_table = \"{first}\", references_columns = [\"id\"] }}]\n"
    );
    project.write(
        "2_second.toml",
        &table(
            "aaaa00000002",
            "down_revision = \"aaaa00000001\"\n",
            second,
            &fk,
        ),
    );
}

#[test]
fn tables_named_with_63_bytes_migrate_up_and_down_on_postgres() {
    let Some(db) = ServerDb::postgres("long_tables") else {
        return;
    };
    let project = Project::new();
    let first = long_name("orders_line_items_adjustments_history_archive_2026_", 63);
    let second = format!("{}_b", &first[..61]);
    assert_eq!((first.len(), second.len()), (63, 63));
    write_long_tables(&project, &first, &second);

    db.run(&project, &["upgrade"]).ok();
    let mut tables = db.tables();
    tables.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(tables, expected);
    // Every constraint there, under its own name, none of them a table's name.
    let rows = db
        .connect()
        .query(&Statement::new(
            "SELECT conname::text FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() \
             AND t.relname <> 'retort_version'",
        ))
        .expect("reads pg_constraint");
    let mut names: Vec<String> = rows
        .into_iter()
        .map(|row| match row.as_slice() {
            [Value::String(name)] => name.clone(),
            other => panic!("unexpected row {other:?}"),
        })
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 7, "3 + 4 constraints: {names:?}");
    assert!(
        names.iter().all(|n| *n != first && *n != second),
        "{names:?}"
    );
    // They read back as the unnamed constraints the revisions declare.
    let check = db.run(&project, &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    db.run(&project, &["downgrade", "base"]).ok();
    assert!(db.tables().is_empty(), "{:?}", db.tables());
    db.run(&project, &["upgrade"]).ok();
}

/// A project whose second revision names something one unit over `limit`.
fn project_with_long_name(name: &str) -> Project {
    let project = Project::new();
    project.write(
        "1_base.toml",
        r#"revision = "bbbb00000001"
message = "base"

[[upgrade]]
op = "create_table"
table = "accounts"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "code", type = "text" }]
"#,
    );
    project.write(
        "2_index.toml",
        &format!(
            r#"revision = "bbbb00000002"
down_revision = "bbbb00000001"
message = "index"

[[upgrade]]
op = "create_index"
name = "{name}"
table = "accounts"
columns = ["id"]
"#
        ),
    );
    project
}

/// The refusal names the file, the operation, the identifier and the limit, and nothing ran.
fn assert_refused(db: &ServerDb, project: &Project, name: &str, limit: &str) {
    let fragments = ["2_index.toml", "create_index", name, limit];
    db.run(project, &["upgrade"]).fails(2, &fragments);
    assert!(
        db.tables().is_empty(),
        "the refused run created {:?}",
        db.tables()
    );
    assert_eq!(db.recorded(), 0, "the refused run recorded revisions");
    db.run(project, &["upgrade", "--sql"]).fails(2, &fragments);
}

#[test]
fn an_identifier_over_63_bytes_is_refused_before_anything_runs_on_postgres() {
    let Some(db) = ServerDb::postgres("too_long") else {
        return;
    };
    // 64 bytes, only 33 characters: PostgreSQL counts bytes.
    let name = format!("ix_{}", "é".repeat(30)) + "x";
    assert_eq!(name.len(), 64);
    let project = project_with_long_name(&name);
    assert_refused(&db, &project, &name, "63 bytes");
}

#[test]
fn an_identifier_over_64_characters_is_refused_before_anything_runs_on_mysql() {
    let Some(db) = ServerDb::mysql("too_long") else {
        return;
    };
    let name = long_name("ix_accounts_", 65);
    let project = project_with_long_name(&name);
    assert_refused(&db, &project, &name, "64 characters");
    // 64 characters are fine.
    let fits = long_name("ix_accounts_", 64);
    let project = project_with_long_name(&fits);
    db.run(&project, &["upgrade"]).ok();
}

/// A message a person reads: no Rust value, no password.
#[track_caller]
fn assert_prose(run: &Run, password: Option<&str>) {
    let output = format!("{}{}", run.stdout, run.stderr);
    for rust in ["{", "}", "DriverError", "IoError", "Error {", "Some("] {
        assert!(!output.contains(rust), "`{rust}` in: {output}");
    }
    if let Some(password) = password {
        assert!(!output.contains(password), "the password shows: {output}");
    }
}

#[test]
fn a_refused_connection_is_reported_in_prose() {
    for url in [
        "postgres://retort:s3cret-pw@127.0.0.1:1/app",
        "mysql://retort:s3cret-pw@127.0.0.1:1/app",
    ] {
        let project = Project::new();
        for args in [&["current"][..], &["upgrade"][..]] {
            let mut all = vec!["--url", url];
            all.extend_from_slice(args);
            let run = project.run(&all);
            run.fails(1, &["cannot connect", "127.0.0.1:1", "refused"]);
            assert_prose(&run, Some("s3cret-pw"));
        }
    }
}

/// The server drops the connection while a revision runs (killed from another session
/// while it sleeps): the failure says so in prose.
fn kill_mid_run(db: &ServerDb, sleep: &str, find: &str, kill: &str) -> Run {
    let project = Project::new();
    project.write(
        "1_sleep.toml",
        &format!(
            r#"revision = "cccc00000001"
message = "slow"

[[upgrade]]
op = "execute"
sql = "{sleep} /* retort-kill-me */"

[[upgrade]]
op = "create_table"
table = "after_sleep"
columns = [{{ name = "id", type = "integer" }}]
"#
        ),
    );
    let child = Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["--url", db.url.as_str(), "upgrade"])
        .current_dir(project.path())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts retort");
    let mut observer = db.connect();
    let started = Instant::now();
    let id = loop {
        let rows = observer
            .query(&Statement::new(find))
            .expect("reads the server's sessions");
        if let Some(Value::Integer(id)) = rows.first().and_then(|row| row.first()) {
            break *id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the revision never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    observer
        .query(&Statement::new(kill.replace("{id}", &id.to_string())))
        .expect("kills the migrating session");
    let output = child.wait_with_output().expect("retort finishes");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_prose(&run, None);
    assert!(!db.tables().contains(&"after_sleep".to_string()));
    run
}

#[test]
fn a_connection_killed_mid_run_is_reported_in_prose_on_mysql() {
    let Some(db) = ServerDb::mysql("killed") else {
        return;
    };
    let run = kill_mid_run(
        &db,
        "DO SLEEP(30)",
        "SELECT id FROM information_schema.processlist \
         WHERE info LIKE 'DO SLEEP(30) /* retort-kill-me */%'",
        "KILL CONNECTION {id}",
    );
    run.fails(1, &["cccc00000001", "lost the connection to the server"]);
}

#[test]
fn a_connection_killed_mid_run_is_reported_in_prose_on_postgres() {
    let Some(db) = ServerDb::postgres("killed") else {
        return;
    };
    let run = kill_mid_run(
        &db,
        "SELECT pg_sleep(30)",
        "SELECT pid FROM pg_stat_activity \
         WHERE query LIKE 'SELECT pg_sleep(30) /* retort-kill-me */%'",
        "SELECT pg_terminate_backend({id})",
    );
    run.fails(1, &["cccc00000001", "lost the connection to the server"]);
}
