//! Benchmark: `retort test`, the migration gauntlet, on generated projects.
//!
//! `cargo bench -p retort-cli --bench gauntlet` generates linear chains of 250, 500 and
//! 1,000 TOML revisions (each a `create_table` with three columns plus a `create_index`,
//! undone by a `drop_table`) and prints the median wall time of `retort test` on SQLite
//! over 3 runs each: every check, the stairway taking each revision up, down and up again.
//! The targets: the 1,000 run under 10 s, and at most 2.5 times the 500 run (no quadratic
//! step). With `RETORT_TEST_POSTGRES_URL` or `RETORT_TEST_MYSQL_URL` set, it also runs
//! 100 revisions on that server (its scratch databases are created beside the URL's).
//!
//! Beside it, for scale, SQLite alone (through rusqlite, no retort) running the stairway's
//! DDL for 500 and 1,000 revisions: each table and its index created, dropped and created
//! again. SQLite reads its whole catalog (`sqlite_master`, which has no index on names)
//! for each DDL statement, so that cost grows with the schema whoever runs the DDL, and
//! its ratio is the floor under retort's.

mod workload;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use workload::write_project;

const SIZES: [usize; 3] = [250, 500, 1_000];
const RUNS: usize = 3;
const LARGEST_TARGET: Duration = Duration::from_secs(10);
const RATIO_TARGET: f64 = 2.5;
const SERVER_REVISIONS: usize = 100;

/// The median time of `retort --url URL test -q` in `dir`; panics if a run fails.
fn time_test(dir: &Path, url: &str) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_retort"))
            .args(["--url", url, "test", "-q"])
            .current_dir(dir)
            .output()
            .expect("run retort");
        times.push(started.elapsed());
        assert!(
            output.status.success(),
            "retort test failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    times.sort();
    times[RUNS / 2]
}

/// SQLite alone: the DDL of the stairway over `revisions` revisions (each table and its
/// index created, dropped and created again, one transaction each, the tables of the
/// revisions before it staying), on a file set up as retort sets up its scratch files.
fn sqlite_stairway(dir: &Path, revisions: usize) -> rusqlite::Result<Duration> {
    let path = dir.join(format!("alone_{revisions}.db"));
    let conn = rusqlite::Connection::open(&path)?;
    conn.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -65536",
    )?;
    let started = Instant::now();
    for n in 0..revisions {
        let up = format!(
            "BEGIN IMMEDIATE; CREATE TABLE \"t{n}\" (\"id\" INTEGER NOT NULL, \
             \"name\" VARCHAR(100) NOT NULL, \"created_at\" TEXT, PRIMARY KEY (\"id\")); \
             CREATE INDEX \"ix_t{n}_name\" ON \"t{n}\" (\"name\"); COMMIT;"
        );
        conn.execute_batch(&up)?;
        conn.execute_batch(&format!("BEGIN IMMEDIATE; DROP TABLE \"t{n}\"; COMMIT;"))?;
        conn.execute_batch(&up)?;
    }
    Ok(started.elapsed())
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn main() -> std::io::Result<()> {
    let root = tempfile::tempdir()?;
    println!("retort test on SQLite, median of {RUNS} runs:");
    let mut medians = Vec::new();
    for revisions in SIZES {
        let dir = root.path().join(format!("sqlite_{revisions}"));
        write_project(&dir, revisions)?;
        let url = format!("sqlite://{}", dir.join("app.db").display());
        let median = time_test(&dir, &url);
        println!("  {revisions:>5} revisions: {}", seconds(median));
        medians.push(median);
    }
    let (half, full) = (medians[1], medians[2]);
    let ratio = full.as_secs_f64() / half.as_secs_f64();
    println!(
        "  1,000 revisions: {} (target: under {}) {}",
        seconds(full),
        seconds(LARGEST_TARGET),
        if full < LARGEST_TARGET {
            "MET"
        } else {
            "NOT MET"
        }
    );
    println!(
        "  1,000 / 500: {ratio:.2}x (target: at most {RATIO_TARGET}x) {}",
        if ratio <= RATIO_TARGET {
            "MET"
        } else {
            "NOT MET"
        }
    );

    let alone: Vec<Duration> = [500, 1_000]
        .iter()
        .map(|&revisions| sqlite_stairway(root.path(), revisions))
        .collect::<rusqlite::Result<_>>()
        .unwrap_or_default();
    if let [half, full] = alone.as_slice() {
        println!(
            "SQLite alone, the stairway's DDL without retort: 500 revisions {}, 1,000 \
             revisions {}, {:.2}x",
            seconds(*half),
            seconds(*full),
            full.as_secs_f64() / half.as_secs_f64()
        );
    }

    for (server, variable) in [
        ("PostgreSQL", "RETORT_TEST_POSTGRES_URL"),
        ("MariaDB", "RETORT_TEST_MYSQL_URL"),
    ] {
        match std::env::var(variable) {
            Ok(url) if !url.is_empty() => {
                let dir = root.path().join(server);
                write_project(&dir, SERVER_REVISIONS)?;
                let median = time_test(&dir, &url);
                println!(
                    "retort test on {server}, {SERVER_REVISIONS} revisions, median of {RUNS}: {}",
                    seconds(median)
                );
            }
            _ => println!("{server}: skipped ({variable} is not set)"),
        }
    }
    Ok(())
}
