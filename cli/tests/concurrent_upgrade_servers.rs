//! Several instances migrating at start-up, on PostgreSQL: four `retort upgrade` processes
//! at once on a project whose second revision is `CREATE INDEX CONCURRENTLY`
//! (`transactional = false`). The runs that wait for the migration lock must not hold a
//! snapshot while they wait, or the index build waits for them while they wait for it, and
//! PostgreSQL breaks the deadlock by failing the build, leaving the revision dirty and the
//! index invalid.

#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::Project;
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::Dialect;
use std::process::{Command, Stdio};

const PROCESSES: usize = 4;

/// The test's own database, dropped however the test ends.
struct Dropped<'a>(&'a retort_postgres::PostgresDialect, &'a DatabaseUrl);

impl Drop for Dropped<'_> {
    fn drop(&mut self) {
        let _ = self.0.drop_database(self.1);
    }
}

const ROUNDS: usize = 10;

fn write_project(project: &Project) {
    let rows: Vec<String> = (1..=200)
        .map(|id| format!("{{ id = {id}, qty = {} }}", id % 17))
        .collect();
    project.write(
        "001_items.toml",
        &format!(
            "revision = \"c1c000000001\"\nmessage = \"items\"\n\n\
             [[upgrade]]\nop = \"create_table\"\ntable = \"items\"\n\
             columns = [{{ name = \"id\", type = \"bigint\", primary_key = true }}, \
             {{ name = \"qty\", type = \"integer\" }}]\n\n\
             [[upgrade]]\nop = \"bulk_insert\"\ntable = \"items\"\nrows = [{}]\n\n\
             [[downgrade]]\nop = \"drop_table\"\ntable = \"items\"\n",
            rows.join(", ")
        ),
    );
    project.write(
        "002_index.sql",
        "-- retort:revision c1c000000002\n\
         -- retort:down_revision c1c000000001\n\
         -- retort:message index items concurrently\n\
         -- retort:transactional false\n\n\
         -- retort:upgrade\n\
         CREATE INDEX CONCURRENTLY ix_items_qty ON items (qty);\n\n\
         -- retort:downgrade\n\
         DROP INDEX CONCURRENTLY ix_items_qty;\n",
    );
}

#[test]
fn concurrent_upgrades_with_create_index_concurrently_all_succeed_and_leave_a_valid_index() {
    let Some(server) = url_from_env(
        "RETORT_TEST_POSTGRES_URL",
        "concurrent upgrades with CREATE INDEX CONCURRENTLY",
    ) else {
        return;
    };
    let dialect = retort_postgres::PostgresDialect::new();
    let name = format!("retort_cic_{}", std::process::id());
    let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("the URL parses");
    let _dropped = Dropped(&dialect, &url);
    let project = Project::new();
    write_project(&project);
    let raw_url = url.expose_secret_str().to_string();

    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let _ = dialect.drop_database(&url);
        dialect.create_database(&url).expect("creates the database");
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_retort"))
                    .args(["--url", &raw_url, "upgrade", "--lock-timeout", "60"])
                    .current_dir(project.path())
                    .env_remove("DATABASE_URL")
                    .env("NO_COLOR", "1")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawns retort")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("waits for retort");
            if !output.status.success() {
                failures.push(format!(
                    "round {round}: exit {:?}: {}",
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
        }
        let mut conn = dialect.connect(&url).expect("connects");
        let mut query = |sql: &str| {
            conn.query(&Statement::new(sql))
                .unwrap_or_else(|e| panic!("round {round}: {sql}: {e}"))
        };
        let rows = query("SELECT revision, state FROM retort_version ORDER BY revision");
        let expected = |id: &str| vec![Value::String(id.into()), Value::String("applied".into())];
        assert_eq!(
            rows,
            vec![expected("c1c000000001"), expected("c1c000000002")],
            "round {round}: both revisions applied, none dirty; failures: {failures:#?}"
        );
        let valid = query(
            "SELECT i.indisvalid FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_items_qty'",
        );
        assert_eq!(
            valid,
            vec![vec![Value::Boolean(true)]],
            "round {round}: the index exists and is valid; failures: {failures:#?}"
        );
        drop(conn);
    }
    assert!(
        failures.is_empty(),
        "every run succeeds or finds nothing to do: {failures:#?}"
    );
}
