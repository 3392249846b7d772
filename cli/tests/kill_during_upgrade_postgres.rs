//! SPEC 6 crash safety on PostgreSQL (`RETORT_TEST_POSTGRES_URL`): a `retort upgrade`
//! killed with SIGKILL at pseudo-random moments never leaves a revision recorded as applied
//! that is not, nor one applied and unrecorded; the killed session's advisory lock goes
//! with it, and a later run resumes and finishes.

#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::{run_in, Project};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;
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

/// A database of its own on the test server, dropped when the guard goes.
struct TestDb {
    url: DatabaseUrl,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = PostgresDialect.drop_database(&self.url);
    }
}

fn fresh_database() -> Option<TestDb> {
    let server = match std::env::var("RETORT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("RETORT_REQUIRE_ALL_BACKENDS").as_deref() != Ok("1"),
                "RETORT_TEST_POSTGRES_URL is not set, and RETORT_REQUIRE_ALL_BACKENDS=1 requires it"
            );
            eprintln!("SKIPPED sigkill on PostgreSQL: RETORT_TEST_POSTGRES_URL not set");
            return None;
        }
    };
    let authority_end = server
        .find("://")
        .and_then(|start| server[start + 3..].find('/').map(|i| start + 3 + i))
        .unwrap_or(server.len());
    let name = format!("retort_kill_{}", std::process::id());
    let url = DatabaseUrl::parse(&format!("{}/{name}", &server[..authority_end]))
        .expect("the URL parses");
    let _ = PostgresDialect.drop_database(&url);
    PostgresDialect
        .create_database(&url)
        .expect("creates the test database");
    Some(TestDb { url })
}

fn strings(rows: Vec<Vec<Value>>) -> Vec<String> {
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

/// Asserts that version rows, tables, indexes and rows agree; the applied indexes.
fn observe(db: &TestDb, context: &str) -> BTreeSet<usize> {
    let mut conn = PostgresDialect
        .connect(&db.url)
        .unwrap_or_else(|e| panic!("{context}: connecting: {e}"));
    let mut query = |sql: &str| {
        conn.query(&Statement::new(sql))
            .unwrap_or_else(|e| panic!("{context}: {sql}: {e}"))
    };
    let tables: BTreeSet<usize> = strings(query(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't%'",
    ))
    .iter()
    .map(|t| index_of(t, "t"))
    .collect();
    let indexes: BTreeSet<usize> = strings(query(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_t%'",
    ))
    .iter()
    .map(|ix| index_of(ix, "ix_t"))
    .collect();
    let has_version_table = query("SELECT to_regclass('retort_version') IS NOT NULL")
        == vec![vec![Value::Boolean(true)]];
    let mut recorded = BTreeSet::new();
    if has_version_table {
        for row in query("SELECT revision, state FROM retort_version") {
            let [Value::String(revision), Value::String(state)] = row.as_slice() else {
                panic!("{context}: unexpected version row {row:?}");
            };
            assert_eq!(state, "applied", "{context}: {revision} is {state}");
            let index = (0..REVISIONS)
                .find(|i| revision_id(*i) == *revision)
                .unwrap_or_else(|| panic!("{context}: unknown revision {revision}"));
            recorded.insert(index);
        }
    }
    assert_eq!(
        recorded, tables,
        "{context}: recorded (left) and tables (right) disagree"
    );
    assert_eq!(
        tables, indexes,
        "{context}: tables (left) and indexes (right) disagree"
    );
    for index in &tables {
        let count = query(&format!("SELECT count(*) FROM t{index:03}"));
        assert_eq!(
            count,
            vec![vec![Value::Integer(ROWS as i64)]],
            "{context}: rows of t{index:03}"
        );
    }
    recorded
}

fn remove_all(db: &TestDb) {
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    conn.execute(&Statement::new(
        "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
    ))
    .expect("empties the database");
}

#[test]
fn sigkill_during_upgrade_on_postgres_never_leaves_version_table_and_schema_disagreeing() {
    let Some(db) = fresh_database() else {
        return;
    };
    let project = Project::new();
    write_revisions(&project);
    let url = db.url.expose_secret_str().to_string();

    let started = Instant::now();
    run_in(project.path(), &["--url", &url, "upgrade"]).ok();
    let window = started.elapsed().mul_f64(1.1);
    let everything: BTreeSet<usize> = (0..REVISIONS).collect();
    assert_eq!(observe(&db, "calibration"), everything);

    let mut applied = everything.clone();
    let (mut while_running, mut advanced) = (0, 0);
    let mut seed: u64 = 0x5eed;
    for iteration in 0..KILLS {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if applied.len() == REVISIONS || iteration % 3 == 0 {
            remove_all(&db);
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
            "iteration {iteration} ({start} applied before, killed after {} ms, {})",
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
        assert_eq!(now, (0..now.len()).collect(), "{context}: not a prefix");
        assert!(now.len() >= start, "{context}: revisions were lost");
        advanced += usize::from(killed && now.len() > start);
        applied = now;
    }

    // The killed sessions' locks are gone: a new run gets the lock at once and finishes.
    let resumed = run_in(
        project.path(),
        &["--url", &url, "upgrade", "--lock-timeout", "10"],
    );
    resumed.ok();
    assert_eq!(observe(&db, "after resuming"), everything);
    println!("{KILLS} kills: {while_running} while running, {advanced} kept part of a killed run");
    assert!(
        while_running >= KILLS / 3,
        "only {while_running} of {KILLS} kills landed while retort was running"
    );
}
