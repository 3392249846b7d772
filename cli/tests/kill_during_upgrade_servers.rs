//! SPEC 6 crash safety on database servers: a `retort upgrade` killed with SIGKILL at
//! pseudo-random moments.
//!
//! - PostgreSQL (`RETORT_TEST_POSTGRES_URL`), with transactional DDL: no revision is ever
//!   recorded as applied that is not, nor applied and unrecorded; the killed session's
//!   advisory lock goes with it.
//! - MariaDB/MySQL (`RETORT_TEST_MYSQL_URL`), where DDL commits implicitly: every revision
//!   recorded as applied is complete, at most one revision is recorded dirty (the one the
//!   kill interrupted), nothing else is half-applied, and the next run refuses until the
//!   way out it names (`retort stamp`) is taken.
//!
//! Either way a later run resumes and finishes.

#![cfg(unix)]

mod common;

use common::{run_in, Project};
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::{Connection, Dialect};
use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Instant;

const REVISIONS: usize = 120;
const ROWS: usize = 10;
const KILLS: usize = 20;
const SIGKILL: i32 = 9;

fn revision_id(index: usize) -> String {
    format!("a{:011x}", index + 1)
}

fn revision_index(id: &str) -> usize {
    (0..REVISIONS)
        .find(|i| revision_id(*i) == id)
        .unwrap_or_else(|| panic!("unknown revision {id}"))
}

fn write_revisions(project: &Project) {
    for index in 0..REVISIONS {
        let down = match index {
            0 => String::new(),
            _ => format!("down_revision = \"{}\"\n", revision_id(index - 1)),
        };
        let rows: Vec<String> = (0..ROWS)
            .map(|row| format!("{{ id = {}, qty = {row} }}", row + 1))
            .collect();
        project.write(
            &format!("{index:03}.toml"),
            &format!(
                "revision = \"{id}\"\n{down}message = \"table {index}\"\n\n\
                 [[upgrade]]\nop = \"create_table\"\ntable = \"t{index:03}\"\n\
                 columns = [{{ name = \"id\", type = \"bigint\", primary_key = true }}, \
                 {{ name = \"qty\", type = \"integer\" }}]\n\n\
                 [[upgrade]]\nop = \"create_index\"\nname = \"ix_t{index:03}\"\n\
                 table = \"t{index:03}\"\ncolumns = [\"qty\"]\n\n\
                 [[upgrade]]\nop = \"bulk_insert\"\ntable = \"t{index:03}\"\nrows = [{}]\n\n\
                 [[downgrade]]\nop = \"drop_table\"\ntable = \"t{index:03}\"\n",
                rows.join(", "),
                id = revision_id(index),
            ),
        );
    }
}

/// One server kind: its dialect and how to list the generated tables and indexes.
struct Server {
    name: &'static str,
    url_var: &'static str,
    dialect: Box<dyn Dialect>,
    tables: &'static str,
    indexes: &'static str,
    /// DDL is transactional: no revision is ever left dirty.
    transactional: bool,
}

/// A database of its own on the test server, dropped when the guard goes.
struct TestDb<'s> {
    server: &'s Server,
    url: DatabaseUrl,
}

impl Drop for TestDb<'_> {
    fn drop(&mut self) {
        let _ = self.server.dialect.drop_database(&self.url);
    }
}

impl Server {
    fn fresh_database(&self) -> Option<TestDb<'_>> {
        let server = url_from_env(self.url_var, &format!("sigkill on {}", self.name))?;
        let name = format!("retort_kill_{}", std::process::id());
        let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("the URL parses");
        let _ = self.dialect.drop_database(&url);
        self.dialect
            .create_database(&url)
            .expect("creates the test database");
        Some(TestDb { server: self, url })
    }
}

impl TestDb<'_> {
    fn connect(&self, context: &str) -> Box<dyn Connection> {
        self.server
            .dialect
            .connect(&self.url)
            .unwrap_or_else(|e| panic!("{context}: connecting: {e}"))
    }

    fn empty(&self) {
        let _ = self.server.dialect.drop_database(&self.url);
        self.server
            .dialect
            .create_database(&self.url)
            .expect("creates the database again");
    }
}

fn strings(rows: Vec<Vec<Value>>) -> BTreeSet<String> {
    rows.into_iter()
        .map(|row| match row.as_slice() {
            [Value::String(s)] => s.clone(),
            other => panic!("unexpected row {other:?}"),
        })
        .collect()
}

fn index_of(name: &str, prefix: &str) -> usize {
    name.strip_prefix(prefix)
        .and_then(|digits| digits.parse().ok())
        .unwrap_or_else(|| panic!("`{name}` is not a generated name"))
}

/// What a kill left: the complete revisions, and the one recorded dirty, if any.
struct Observed {
    applied: BTreeSet<usize>,
    dirty: Option<usize>,
}

/// Asserts that the version rows and the schema agree; what is applied and what is dirty.
fn observe(db: &TestDb<'_>, context: &str) -> Observed {
    let mut conn = db.connect(context);
    let has_version_table = conn
        .table_exists(None, "retort_version")
        .unwrap_or_else(|e| panic!("{context}: looking up the version table: {e}"));
    let mut query = |sql: &str| {
        conn.query(&Statement::new(sql))
            .unwrap_or_else(|e| panic!("{context}: {sql}: {e}"))
    };
    let tables: BTreeSet<usize> = strings(query(db.server.tables))
        .iter()
        .map(|t| index_of(t, "t"))
        .collect();
    let indexes: BTreeSet<usize> = strings(query(db.server.indexes))
        .iter()
        .map(|ix| index_of(ix, "ix_t"))
        .collect();
    let mut applied = BTreeSet::new();
    let mut dirty = None;
    if has_version_table {
        for row in query("SELECT revision, state FROM retort_version") {
            let [Value::String(revision), Value::String(state)] = row.as_slice() else {
                panic!("{context}: unexpected version row {row:?}");
            };
            match state.as_str() {
                "applied" => {
                    applied.insert(revision_index(revision));
                }
                "dirty" if !db.server.transactional && dirty.is_none() => {
                    dirty = Some(revision_index(revision));
                }
                other => panic!("{context}: {revision} is {other}"),
            }
        }
    }
    // Every applied revision is complete; only the dirty one may be partly there.
    let mut expected_tables = applied.clone();
    expected_tables.extend(dirty.filter(|d| tables.contains(d)));
    assert_eq!(
        tables, expected_tables,
        "{context}: tables (left) and applied + dirty revisions (right) disagree"
    );
    let mut conn = db.connect(context);
    for index in &applied {
        assert!(
            indexes.contains(index),
            "{context}: index of t{index:03} missing"
        );
        let count = conn
            .query(&Statement::new(format!("SELECT count(*) FROM t{index:03}")))
            .unwrap_or_else(|e| panic!("{context}: counting t{index:03}: {e}"));
        assert_eq!(
            count,
            vec![vec![Value::Integer(ROWS as i64)]],
            "{context}: rows of t{index:03}"
        );
    }
    if let Some(dirty) = dirty {
        assert_eq!(
            applied,
            (0..dirty).collect(),
            "{context}: the dirty revision follows the applied ones"
        );
    }
    Observed { applied, dirty }
}

fn sigkill_during_upgrade(server: &Server) {
    let Some(db) = server.fresh_database() else {
        return;
    };
    let project = Project::new();
    write_revisions(&project);
    let url = db.url.expose_secret_str().to_string();

    let started = Instant::now();
    run_in(project.path(), &["--url", &url, "upgrade"]).ok();
    let window = started.elapsed().mul_f64(1.1);
    let everything: BTreeSet<usize> = (0..REVISIONS).collect();
    assert_eq!(observe(&db, "calibration").applied, everything);

    let mut applied = everything.clone();
    let (mut while_running, mut advanced, mut left_dirty) = (0, 0, 0);
    let mut seed: u64 = 0x5eed;
    for iteration in 0..KILLS {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if applied.len() == REVISIONS || iteration % 3 == 0 {
            db.empty();
            applied.clear();
        }
        let start = applied.len();
        let remaining = (REVISIONS - start) as f64 / REVISIONS as f64;
        let delay = window.mul_f64(remaining * ((seed >> 33) % 1_000) as f64 / 1_000.0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_retort"))
            .args(["--url", &url, "upgrade"])
            .current_dir(project.path())
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns retort");
        std::thread::sleep(delay);
        let kill = child.kill();
        let output = child.wait_with_output().expect("waits for retort");
        kill.expect("kill");
        let killed = output.status.signal() == Some(SIGKILL);
        let context = format!(
            "{} iteration {iteration} ({start} applied before, killed after {} ms, {})",
            server.name,
            delay.as_millis(),
            if killed {
                "while running"
            } else {
                "after exit"
            }
        );
        if killed {
            while_running += 1;
        } else {
            assert!(
                output.status.success(),
                "{context}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let now = observe(&db, &context);
        assert_eq!(
            now.applied,
            (0..now.applied.len()).collect(),
            "{context}: not a prefix"
        );
        assert!(now.applied.len() >= start, "{context}: revisions were lost");
        advanced += usize::from(killed && now.applied.len() > start);
        if let Some(dirty) = now.dirty {
            left_dirty += 1;
            // The next run refuses, naming the revision and the way out; take it: undo
            // the half-applied revision by hand, then stamp what is really there.
            let refused = run_in(project.path(), &["--url", &url, "upgrade"]);
            refused.fails(1, &[&revision_id(dirty), "dirty", "retort stamp"]);
            let mut conn = db.connect(&context);
            conn.execute(&Statement::new(format!("DROP TABLE IF EXISTS t{dirty:03}")))
                .expect("drops the half-created table");
            let stamp_target = if dirty == 0 {
                "base".to_string()
            } else {
                revision_id(dirty - 1)
            };
            run_in(project.path(), &["--url", &url, "stamp", &stamp_target]).ok();
            let after = observe(&db, &format!("{context}, after the way out"));
            assert_eq!(after.dirty, None, "{context}: stamp cleared the dirty row");
            assert_eq!(after.applied, now.applied);
        }
        applied = now.applied;
    }

    // The killed sessions' locks are gone: a new run gets the lock at once and finishes.
    let resumed = run_in(
        project.path(),
        &["--url", &url, "upgrade", "--lock-timeout", "10"],
    );
    resumed.ok();
    assert_eq!(observe(&db, "after resuming").applied, everything);
    println!(
        "{}: {KILLS} kills: {while_running} while running, {advanced} kept part of a killed \
         run, {left_dirty} left a dirty revision",
        server.name
    );
    assert!(
        while_running >= KILLS / 3,
        "only {while_running} of {KILLS} kills landed while retort was running"
    );
    if server.transactional {
        assert_eq!(
            left_dirty, 0,
            "transactional DDL never leaves a dirty revision"
        );
    }
}

#[cfg(feature = "postgres")]
#[test]
fn sigkill_during_upgrade_on_postgres_never_leaves_version_table_and_schema_disagreeing() {
    sigkill_during_upgrade(&Server {
        name: "PostgreSQL",
        url_var: "RETORT_TEST_POSTGRES_URL",
        dialect: Box::new(retort_postgres::PostgresDialect::new()),
        tables: "SELECT tablename::text FROM pg_tables \
                 WHERE schemaname = 'public' AND tablename LIKE 't%'",
        indexes: "SELECT indexname::text FROM pg_indexes \
                  WHERE schemaname = 'public' AND indexname LIKE 'ix_t%'",
        transactional: true,
    });
}

#[cfg(feature = "mysql")]
#[test]
fn sigkill_during_upgrade_on_mysql_leaves_at_most_the_interrupted_revision_dirty() {
    sigkill_during_upgrade(&Server {
        name: "MariaDB",
        url_var: "RETORT_TEST_MYSQL_URL",
        dialect: Box::new(retort_mysql::MysqlDialect::new()),
        tables: "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name LIKE 't%'",
        indexes: "SELECT DISTINCT CAST(index_name AS CHAR) FROM information_schema.statistics \
                  WHERE table_schema = DATABASE() AND index_name LIKE 'ix_t%'",
        transactional: false,
    });
}
