//! Failing fast instead of blocking production: a revision whose statement waits for a
//! lock held by another session gives up after `lock_wait`, says so, leaves the database
//! as the failure rules of SPEC 6 do (PostgreSQL: nothing; MariaDB: the dirty row), and
//! can be retried once the other session is done.

#![cfg(unix)]

mod common;

use common::{Project, Run};
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::{Connection, Dialect};
use std::time::{Duration, Instant};

/// A database of the test's own, dropped however the test ends.
struct TestDb {
    dialect: Box<dyn Dialect>,
    url: DatabaseUrl,
}

impl TestDb {
    /// A new database `retort_NAME_PID` on the server of `var`.
    fn fresh(var: &str, dialect: Box<dyn Dialect>, name: &str) -> Option<TestDb> {
        let server = url_from_env(var, name)?;
        let name = format!("retort_{name}_{}", std::process::id());
        let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("the URL parses");
        let _ = dialect.drop_database(&url);
        dialect.create_database(&url).expect("creates the database");
        Some(TestDb { dialect, url })
    }

    fn connect(&self) -> Box<dyn Connection> {
        self.dialect.connect(&self.url).expect("connects")
    }

    fn url(&self) -> &str {
        self.url.expose_secret_str()
    }

    /// The version table's rows as `(revision, state)`.
    fn version_rows(&self) -> Vec<(String, String)> {
        self.connect()
            .query(&Statement::new(
                "SELECT revision, state FROM retort_version ORDER BY revision",
            ))
            .expect("reads the version table")
            .into_iter()
            .map(|row| match row.as_slice() {
                [Value::String(id), Value::String(state)] => (id.clone(), state.clone()),
                other => panic!("unexpected row {other:?}"),
            })
            .collect()
    }

    /// The columns of `items`, in order.
    fn columns(&self) -> Vec<String> {
        self.connect()
            .introspect()
            .expect("introspects")
            .table("items")
            .expect("the table items")
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = self.dialect.drop_database(&self.url);
    }
}

/// A project whose `[migrations]` holds `settings`, with a first revision creating
/// `items` with a few rows.
fn project(settings: &str) -> Project {
    let project = Project::new();
    let config = project.path().join("retort.toml");
    let text = std::fs::read_to_string(&config).expect("reads retort.toml");
    let text = text.replacen("[migrations]\n", &format!("[migrations]\n{settings}\n"), 1);
    std::fs::write(&config, text).expect("writes retort.toml");
    project.write(
        "001_items.toml",
        "revision = \"10c000000001\"\nmessage = \"items\"\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"items\"\n\
         columns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n\
         [[upgrade]]\nop = \"bulk_insert\"\ntable = \"items\"\nrows = [{ id = 1 }, { id = 2 }]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"items\"\n",
    );
    project
}

/// The second revision: a column added to `items`, with `header` lines of its own.
fn add_column(project: &Project, header: &str) {
    project.write(
        "002_note.toml",
        &format!(
            "revision = \"10c000000002\"\ndown_revision = \"10c000000001\"\n\
             message = \"note\"\n{header}\n\
             [[upgrade]]\nop = \"add_column\"\ntable = \"items\"\n\
             column = {{ name = \"note\", type = \"text\" }}\n\n\
             [[downgrade]]\nop = \"drop_column\"\ntable = \"items\"\ncolumn = \"note\"\n"
        ),
    );
}

/// `retort upgrade` while another session reads `items` in an open transaction; returns
/// the run and how long it took.
fn upgrade_while_items_is_read(db: &TestDb, project: &Project) -> (Run, Duration) {
    let mut blocker = db.connect();
    blocker.begin().expect("begins");
    blocker
        .query(&Statement::new("SELECT COUNT(*) FROM items"))
        .expect("reads items, holding its lock until the transaction ends");
    let started = Instant::now();
    let run = project.run(&["--url", db.url(), "upgrade"]);
    let took = started.elapsed();
    blocker.rollback().expect("ends the blocking transaction");
    (run, took)
}

fn applied(ids: &[&str]) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| (id.to_string(), "applied".to_string()))
        .collect()
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_revision_waiting_for_a_lock_fails_after_lock_wait_and_can_be_retried() {
    let Some(db) = TestDb::fresh(
        "RETORT_TEST_POSTGRES_URL",
        Box::new(retort_postgres::PostgresDialect::new()),
        "lock_wait_pg",
    ) else {
        return;
    };
    // The run allows a minute; the revision itself only a second.
    let project = project("lock_wait = \"1m\"");
    project.run(&["--url", db.url(), "upgrade"]).ok();
    add_column(&project, "lock_wait = \"1s\"");

    let (run, took) = upgrade_while_items_is_read(&db, &project);
    run.fails(
        1,
        &[
            "revision 10c000000002",
            "waited longer than lock_wait (1s) for a lock",
            "can simply be retried",
            "`lock_wait` in [migrations]",
            "Nothing of this revision was kept",
        ],
    );
    assert!(took < Duration::from_secs(10), "gave up after {took:?}");
    assert_eq!(db.version_rows(), applied(&["10c000000001"]));
    assert_eq!(db.columns(), ["id"]);

    project.run(&["--url", db.url(), "upgrade"]).ok();
    assert_eq!(
        db.version_rows(),
        applied(&["10c000000001", "10c000000002"])
    );
    assert_eq!(db.columns(), ["id", "note"]);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_statement_running_longer_than_statement_timeout_fails_naming_it() {
    let Some(db) = TestDb::fresh(
        "RETORT_TEST_POSTGRES_URL",
        Box::new(retort_postgres::PostgresDialect::new()),
        "statement_timeout_pg",
    ) else {
        return;
    };
    let project = project("statement_timeout = \"0\"");
    project.write(
        "002_slow.sql",
        "-- retort:revision 10c000000002\n-- retort:down_revision 10c000000001\n\
         -- retort:statement_timeout 500ms\n\n-- retort:upgrade\nSELECT pg_sleep(30);\n",
    );
    let started = Instant::now();
    let run = project.run(&["--url", db.url(), "upgrade"]);
    run.fails(
        1,
        &[
            "revision 10c000000002",
            "ran longer than statement_timeout (500ms)",
            "Nothing of this revision was kept",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(db.version_rows(), applied(&["10c000000001"]));
}

#[cfg(feature = "mysql")]
#[test]
fn mariadb_revision_waiting_for_a_lock_fails_after_lock_wait_dirty_and_can_be_retried() {
    let Some(db) = TestDb::fresh(
        "RETORT_TEST_MYSQL_URL",
        Box::new(retort_mysql::MysqlDialect::new()),
        "lock_wait_mariadb",
    ) else {
        return;
    };
    let project = project("lock_wait = \"1s\"");
    project.run(&["--url", db.url(), "upgrade"]).ok();
    add_column(&project, "");

    let (run, took) = upgrade_while_items_is_read(&db, &project);
    run.fails(
        1,
        &[
            "revision 10c000000002",
            "waited longer than lock_wait (1s) for a lock",
            "it can be retried, after `retort stamp`",
            "recorded as dirty",
        ],
    );
    assert!(took < Duration::from_secs(10), "gave up after {took:?}");
    // DDL is not transactional here: the row went in dirty first and stays (SPEC 6); the
    // table is untouched.
    assert_eq!(
        db.version_rows(),
        [
            ("10c000000001".to_string(), "applied".to_string()),
            ("10c000000002".to_string(), "dirty".to_string())
        ]
    );
    assert_eq!(db.columns(), ["id"]);

    // The way out SPEC 6 names: record the real state, then run again.
    project
        .run(&["--url", db.url(), "upgrade"])
        .fails(1, &["10c000000002", "dirty", "retort stamp"]);
    project
        .run(&["--url", db.url(), "stamp", "10c000000001"])
        .ok();
    project.run(&["--url", db.url(), "upgrade"]).ok();
    assert_eq!(
        db.version_rows(),
        applied(&["10c000000001", "10c000000002"])
    );
    assert_eq!(db.columns(), ["id", "note"]);
}

#[cfg(feature = "mysql")]
#[test]
fn mariadb_statement_running_longer_than_statement_timeout_fails_naming_it() {
    let Some(db) = TestDb::fresh(
        "RETORT_TEST_MYSQL_URL",
        Box::new(retort_mysql::MysqlDialect::new()),
        "statement_timeout_mariadb",
    ) else {
        return;
    };
    let project = project("");
    project.write(
        "002_slow.sql",
        "-- retort:revision 10c000000002\n-- retort:down_revision 10c000000001\n\
         -- retort:statement_timeout 500ms\n\n-- retort:upgrade\nSELECT SLEEP(30);\n",
    );
    let started = Instant::now();
    let run = project.run(&["--url", db.url(), "upgrade"]);
    run.fails(
        1,
        &[
            "revision 10c000000002",
            "ran longer than statement_timeout (500ms)",
            "recorded as dirty",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        db.version_rows(),
        [
            ("10c000000001".to_string(), "applied".to_string()),
            ("10c000000002".to_string(), "dirty".to_string())
        ]
    );
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_non_transactional_revision_waits_past_the_runs_lock_wait() {
    let Some(db) = TestDb::fresh(
        "RETORT_TEST_POSTGRES_URL",
        Box::new(retort_postgres::PostgresDialect::new()),
        "lock_wait_cic_pg",
    ) else {
        return;
    };
    let project = project("lock_wait = \"1s\"");
    project.run(&["--url", db.url(), "upgrade"]).ok();
    project.write(
        "002_index.sql",
        "-- retort:revision 10c000000002\n-- retort:down_revision 10c000000001\n\
         -- retort:transactional false\n\n-- retort:upgrade\n\
         CREATE INDEX CONCURRENTLY ix_items_id ON items (id);\n",
    );
    // A transaction holding a snapshot, which CREATE INDEX CONCURRENTLY waits for (a lock
    // wait to PostgreSQL) without blocking anyone: the revision waits for it to end.
    let mut reader = db.connect();
    reader
        .execute(&Statement::new(
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1",
        ))
        .expect("opens a transaction with a snapshot");
    let ends = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        reader.rollback().expect("ends the transaction");
    });
    let started = Instant::now();
    let run = project.run(&["--url", db.url(), "upgrade"]);
    let took = started.elapsed();
    ends.join().expect("the reader ends");
    run.ok();
    assert!(took >= Duration::from_secs(2), "it did wait: {took:?}");
    assert_eq!(
        db.version_rows(),
        applied(&["10c000000001", "10c000000002"])
    );
}
