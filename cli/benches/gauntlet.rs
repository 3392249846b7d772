//! Benchmark: `retort test`, the migration gauntlet, on generated projects.
//!
//! `cargo bench -p retort-cli --bench gauntlet` generates linear chains of 250, 500 and
//! 1,000 TOML revisions (each a `create_table` with three columns plus a `create_index`,
//! undone by a `drop_table`) and prints the median wall time of `retort test` on SQLite
//! over 3 runs each: every check, the stairway taking each revision up, down and up again.
//! The targets: the 1,000 run under 10 s, and at most 2.5 times the 500 run (no quadratic
//! step). With `RETORT_TEST_POSTGRES_URL` set, it also runs 100 revisions on that
//! PostgreSQL server (its scratch databases are created beside the URL's database).
//!
//! Beside it, for scale, SQLite alone (through rusqlite, no retort): the DDL of one
//! stairway step (create the table and its index, drop it, create both again; and drop
//! them for the next round) in a
//! database already holding 0, 500 and 1,000 such tables, set up as retort sets up its
//! scratch files. SQLite reads its catalog (`sqlite_master`, which has no index on names)
//! once per DDL statement, so this cost grows with the schema, whoever runs the DDL.

mod workload;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use workload::revision_file;

const SIZES: [usize; 3] = [250, 500, 1_000];
const RUNS: usize = 3;
const LARGEST_TARGET: Duration = Duration::from_secs(10);
const RATIO_TARGET: f64 = 2.5;
const POSTGRES_REVISIONS: usize = 100;

fn generate(dir: &Path, revisions: usize) -> std::io::Result<()> {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations)?;
    std::fs::write(
        dir.join("retort.toml"),
        "[database]\nurl = \"sqlite://unused.db\"\n",
    )?;
    let mut parent: Option<String> = None;
    for n in 0..revisions {
        let id = format!("{n:012x}");
        std::fs::write(
            migrations.join(format!("20260101_0000_{id}_revision_{n}.toml")),
            revision_file(&id, parent.as_slice(), n),
        )?;
        parent = Some(id);
    }
    Ok(())
}

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

/// SQLite alone: the milliseconds one stairway step's DDL takes with `tables` tables
/// already there (median of 5 rounds of 100 steps).
fn sqlite_step_ms(dir: &Path, tables: usize) -> rusqlite::Result<f64> {
    let path = dir.join(format!("alone_{tables}.db"));
    let conn = rusqlite::Connection::open(&path)?;
    conn.execute_batch(
        "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -65536",
    )?;
    let create = |name: &str| {
        format!(
            "CREATE TABLE \"{name}\" (\"id\" INTEGER NOT NULL, \"name\" VARCHAR(100) NOT NULL, \
             \"created_at\" TEXT, PRIMARY KEY (\"id\")); \
             CREATE INDEX \"ix_{name}_name\" ON \"{name}\" (\"name\");"
        )
    };
    let mut setup = String::from("BEGIN;");
    for n in 0..tables {
        setup.push_str(&create(&format!("t{n}")));
    }
    setup.push_str("COMMIT;");
    conn.execute_batch(&setup)?;
    let up = format!("BEGIN IMMEDIATE; {} COMMIT;", create("step"));
    let down = "BEGIN IMMEDIATE; DROP TABLE \"step\"; COMMIT;";
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        for _ in 0..100 {
            conn.execute_batch(&up)?;
            conn.execute_batch(down)?;
            conn.execute_batch(&up)?;
            conn.execute_batch(down)?;
        }
        rounds.push(started.elapsed().as_secs_f64() * 1e3 / 100.0);
    }
    rounds.sort_by(f64::total_cmp);
    Ok(rounds[2])
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
        generate(&dir, revisions)?;
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

    println!("SQLite alone, one stairway step's DDL (no retort), median of 5:");
    for tables in [0, 500, 1_000] {
        match sqlite_step_ms(root.path(), tables) {
            Ok(ms) => println!("  with {tables:>5} tables already there: {ms:.3} ms"),
            Err(error) => println!("  with {tables:>5} tables: failed ({error})"),
        }
    }

    match std::env::var("RETORT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let dir = root.path().join("postgres");
            generate(&dir, POSTGRES_REVISIONS)?;
            let median = time_test(&dir, &url);
            println!(
                "retort test on PostgreSQL, {POSTGRES_REVISIONS} revisions, median of {RUNS}: {}",
                seconds(median)
            );
        }
        _ => println!("PostgreSQL: skipped (RETORT_TEST_POSTGRES_URL is not set)"),
    }
    Ok(())
}
