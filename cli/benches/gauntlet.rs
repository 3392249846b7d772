//! Benchmark: `retort test`, the migration gauntlet, on generated projects.
//!
//! `cargo bench -p retort-cli --bench gauntlet` generates linear chains of 250, 500 and
//! 1,000 TOML revisions (each a `create_table` with three columns plus a `create_index`,
//! undone by a `drop_table`) and prints the median wall time of `retort test` on SQLite
//! over 3 runs each: every check, the stairway taking each revision up, down and up again.
//! The targets: the 1,000 run under 10 s, and at most 2.5 times the 500 run (no quadratic
//! step). With `RETORT_TEST_POSTGRES_URL` set, it also runs 100 revisions on that
//! PostgreSQL server (its scratch databases are created beside the URL's database).

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
