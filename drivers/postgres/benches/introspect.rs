//! Benchmark: introspecting a generated 1,000-table schema on PostgreSQL.
//!
//! `cargo bench -p retort-postgres --bench introspect` creates a scratch database on the
//! server named by `RETORT_BENCH_POSTGRES_URL` (else `RETORT_TEST_POSTGRES_URL`), fills it
//! with 1,000 tables (five columns each, a primary key, a unique constraint, a check, a
//! secondary index, and a foreign key to the previous table), then prints the median time
//! of `Connection::introspect` over 9 runs, the number of queries it sent, and whether the
//! target (under 1 s) holds. The database is dropped afterwards.

use retort_conformance::servers::with_database;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::{Connection, Dialect};
use retort_postgres::{PostgresConnection, PostgresDialect};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const TABLES: usize = 1_000;
const RUNS: usize = 9;
const TARGET: Duration = Duration::from_secs(1);

fn schema_sql() -> String {
    let mut sql = String::new();
    for n in 0..TABLES {
        let parent = if n == 0 {
            String::new()
        } else {
            format!(
                ", parent_id bigint REFERENCES t{} (id) ON DELETE CASCADE",
                n - 1
            )
        };
        let _ = writeln!(
            sql,
            "CREATE TABLE t{n} (id bigserial PRIMARY KEY, code varchar(40) NOT NULL UNIQUE, \
             amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0), \
             created_at timestamptz NOT NULL DEFAULT now(), note text{parent});\n\
             CREATE INDEX ix_t{n}_created ON t{n} (created_at);"
        );
    }
    sql
}

fn main() {
    let Some(server) = ["RETORT_BENCH_POSTGRES_URL", "RETORT_TEST_POSTGRES_URL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
    else {
        println!(
            "SKIPPED: set RETORT_BENCH_POSTGRES_URL or RETORT_TEST_POSTGRES_URL \
             (e.g. postgres://postgres@127.0.0.1:5432/test)"
        );
        return;
    };
    let name = format!("retort_bench_introspect_{}", std::process::id());
    let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("the URL parses");
    let _ = PostgresDialect.drop_database(&url);
    PostgresDialect
        .create_database(&url)
        .expect("creates the scratch database");

    let mut conn = PostgresConnection::open(&url).expect("connects");
    conn.execute(&Statement::new(schema_sql()))
        .expect("creates the 1,000 tables");
    let mut times = Vec::with_capacity(RUNS);
    let mut tables = 0;
    let mut queries_per_run = 0;
    for _ in 0..RUNS {
        let before = conn.introspection_queries();
        let start = Instant::now();
        let schema = conn.introspect().expect("introspects");
        times.push(start.elapsed());
        queries_per_run = conn.introspection_queries() - before;
        tables = schema.table_names().count();
    }
    assert_eq!(tables, TABLES, "introspection found every table");
    drop(conn);
    let _ = PostgresDialect.drop_database(&url);

    times.sort();
    let median = times[RUNS / 2];
    println!(
        "PostgreSQL introspection of {TABLES} tables (5 columns, pk, unique, check, index, \
         foreign key each)"
    );
    println!(
        "median of {RUNS}: {:.1} ms (fastest {:.1} ms, slowest {:.1} ms)",
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
    println!("queries sent per introspection: {queries_per_run}");
    let verdict = if median < TARGET {
        "ok"
    } else {
        "ABOVE TARGET"
    };
    println!("target < {} ms: {verdict}", TARGET.as_millis());
}
