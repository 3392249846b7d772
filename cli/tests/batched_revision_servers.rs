//! On PostgreSQL a transactional revision whose statements are all known ahead is sent in
//! one round trip (BEGIN, its statements, its version row, COMMIT). A statement failing in
//! the middle is reported exactly as when the revision runs statement by statement (as in
//! a run that is one transaction, `transaction_per_migration = false`), and nothing of the
//! revision remains. Its version row records the time by the server's clock.

#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::Project;
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::Dialect;

const GOOD: &str =
    "-- retort:revision c0ffee000001\n\n-- retort:upgrade\nCREATE TABLE kept (id int);\n";

/// Operations (rendered ahead) with bound values, then a statement that fails, then more.
const BROKEN: &str = r#"revision = "c0ffee000002"
down_revision = "c0ffee000001"
message = "breaks in the middle"

[[upgrade]]
op = "create_table"
table = "half_done"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "note", type = "text" }]

[[upgrade]]
op = "bulk_insert"
table = "half_done"
rows = [{ id = 1, note = "it's here" }, { id = 2, note = "so is this" }]

[[upgrade]]
op = "bulk_insert"
table = "half_done"
rows = [{ id = 3, note = "new" }, { id = 1, note = "a duplicate" }]

[[upgrade]]
op = "create_index"
table = "half_done"
name = "half_done_note"
columns = ["note"]
"#;

/// A fresh database, dropped with the guard.
struct Fresh {
    dialect: retort_postgres::PostgresDialect,
    url: DatabaseUrl,
}

impl Fresh {
    fn new(server: &str, tag: &str) -> Fresh {
        let dialect = retort_postgres::PostgresDialect::new();
        let name = format!("retort_batched_{tag}_{}", std::process::id());
        let url = DatabaseUrl::parse(&with_database(server, &name)).expect("the URL parses");
        let _ = dialect.drop_database(&url);
        dialect.create_database(&url).expect("creates the database");
        Fresh { dialect, url }
    }

    fn rows(&self, sql: &str) -> Vec<Vec<Value>> {
        let mut conn = self.dialect.connect(&self.url).expect("connects");
        conn.query(&Statement::new(sql)).expect("the query runs")
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        let _ = self.dialect.drop_database(&self.url);
    }
}

fn project(per_migration: bool) -> Project {
    let project = Project::new();
    if !per_migration {
        let config = project.path().join("retort.toml");
        let text = std::fs::read_to_string(&config).expect("reads retort.toml");
        std::fs::write(
            &config,
            text.replace(
                "# transaction_per_migration = true",
                "transaction_per_migration = false #",
            ),
        )
        .expect("writes retort.toml");
    }
    project.write("001_kept.sql", GOOD);
    project
}

#[test]
fn postgres_failing_statement_in_a_batched_revision_is_named_as_one_at_a_time_and_nothing_remains()
{
    let Some(server) = url_from_env("RETORT_TEST_POSTGRES_URL", "batched_pg") else {
        return;
    };
    let batched = Fresh::new(&server, "batch");
    let one_by_one = Fresh::new(&server, "single");

    // The good revision first, so that the run of one transaction holds only the broken one.
    let mut stderr = Vec::new();
    for (fresh, per_migration) in [(&batched, true), (&one_by_one, false)] {
        let project = project(per_migration);
        let url = fresh.url.expose_secret_str();
        project.run(&["--url", url, "upgrade"]).ok();
        project.write("002_broken.toml", BROKEN);
        let run = project.run(&["--url", url, "upgrade"]);
        run.fails(
            1,
            &[
                "c0ffee000002",
                "operation 3 of 4 (bulk_insert)",
                "INSERT INTO \"half_done\" (\"id\", \"note\") VALUES (CAST($1::text AS integer), CAST($2::text AS text))",
                "duplicate key value violates unique constraint \"half_done_pkey\"",
                "(Key (id)=(1) already exists.)",
            ],
        );
        stderr.push(
            run.stderr
                .replace(project.path().to_str().expect("UTF-8"), "PROJECT"),
        );

        // Nothing of the broken revision remains; the good one does.
        assert_eq!(
            fresh.rows(
                "SELECT relname FROM pg_class WHERE relname IN ('kept', 'half_done', 'half_done_note') \
                 ORDER BY relname"
            ),
            vec![vec![Value::String("kept".into())]]
        );
        assert_eq!(
            fresh.rows("SELECT revision, state FROM retort_version"),
            vec![vec![
                Value::String("c0ffee000001".into()),
                Value::String("applied".into())
            ]]
        );
    }
    assert_eq!(stderr[0], stderr[1], "the same report either way");
}

#[test]
fn postgres_batched_revision_records_its_time_by_the_servers_clock() {
    let Some(server) = url_from_env("RETORT_TEST_POSTGRES_URL", "batched_pg_ms") else {
        return;
    };
    let fresh = Fresh::new(&server, "ms");
    let project = project(true);
    project.write(
        "002_slow.sql",
        "-- retort:revision c0ffee000002\n-- retort:down_revision c0ffee000001\n\n\
         -- retort:upgrade\nSELECT pg_sleep(0.3);\nCREATE TABLE after_sleep (id int);\n",
    );
    project
        .run(&["--url", fresh.url.expose_secret_str(), "upgrade"])
        .ok();
    let recorded = fresh.rows(
        "SELECT revision, execution_ms >= 300 AND execution_ms < 30000 FROM retort_version \
         ORDER BY revision",
    );
    assert_eq!(
        recorded,
        vec![
            vec![Value::String("c0ffee000001".into()), Value::Boolean(false)],
            vec![Value::String("c0ffee000002".into()), Value::Boolean(true)],
        ]
    );
    let quick = fresh.rows("SELECT execution_ms >= 1 FROM retort_version");
    assert!(
        quick.iter().all(|row| row == &[Value::Boolean(true)]),
        "{quick:?}"
    );
}

#[test]
fn postgres_session_killed_in_the_middle_of_a_batched_revision_is_named_and_nothing_remains() {
    let Some(server) = url_from_env("RETORT_TEST_POSTGRES_URL", "batched_pg_kill") else {
        return;
    };
    let fresh = Fresh::new(&server, "kill");
    let project = project(true);
    project.write(
        "002_sleeps.sql",
        "-- retort:revision c0ffee000002\n-- retort:down_revision c0ffee000001\n\n\
         -- retort:upgrade\nSELECT pg_sleep(30) /* retort-kill-me */;\nCREATE TABLE after_sleep (id int);\n",
    );
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["--url", fresh.url.expose_secret_str(), "upgrade"])
        .current_dir(project.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts retort");
    let started = std::time::Instant::now();
    let pid = loop {
        let rows = fresh.rows(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30) /* retort-kill-me */%'",
        );
        if let Some(Value::Integer(pid)) = rows.first().and_then(|row| row.first()) {
            break *pid;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the revision never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    fresh.rows(&format!("SELECT pg_terminate_backend({pid})"));
    let output = child.wait_with_output().expect("retort finishes");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // The server answered the statement with its error before ending the session: the
    // revision stopped there, known not to be committed.
    for fragment in [
        "revision c0ffee000002",
        "statement 1 of 2 (line 5)",
        "SQL: SELECT pg_sleep(30) /* retort-kill-me */",
        "lost the connection to the server (terminating connection due to administrator command)",
        "Nothing of this revision was kept",
    ] {
        assert!(
            stderr.contains(fragment),
            "stderr lacks `{fragment}`: {stderr}"
        );
    }
    assert_eq!(
        fresh.rows("SELECT count(*) FROM pg_class WHERE relname = 'after_sleep'"),
        vec![vec![Value::Integer(0)]]
    );
    assert_eq!(
        fresh.rows("SELECT revision FROM retort_version ORDER BY revision"),
        vec![vec![Value::String("c0ffee000001".into())]]
    );
}
