//! Benchmark: `retort upgrade` on SQLite against the `sqlite3` shell running the same SQL.
//!
//! `cargo bench -p retort-cli --bench sqlite_upgrade` generates 1,000 TOML revisions in a
//! linear chain, each a `create_table` with three columns plus a `create_index`, and prints
//! the median wall time of:
//!
//! 1. `retort upgrade head` from an empty SQLite file (a fresh file each run);
//! 2. `sqlite3 FILE` reading the script `retort upgrade --sql` prints, which holds exactly
//!    the statements an online run executes, version-table rows included. It is run twice:
//!    as printed (`BEGIN`/`COMMIT` per revision, one commit and so one journal sync per
//!    revision), and reshaped like the online run on SQLite (the migration lock is one
//!    `BEGIN IMMEDIATE` transaction; each revision is a `SAVEPOINT`/`RELEASE` inside it,
//!    so the file is synced once). The second is the like-for-like comparison;
//! 3. `retort current` on the migrated database (median of 20 runs).
//!
//! The upgrade variants run in interleaved rounds (median of 9 each, a fresh file each run).
//!
//! If `/usr/bin/sqlite3` is missing, the comparison is skipped and said so.

mod workload;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use workload::write_project;

const REVISIONS: usize = 1_000;
const UPGRADE_RUNS: usize = 9;
const CURRENT_RUNS: usize = 20;
const SQLITE3: &str = "/usr/bin/sqlite3";
/// The savepoint name the SQLite driver uses for a revision inside the locked run.
const SAVEPOINT: &str = "retort_revision";
const RATIO_TARGET: f64 = 1.3;
const CURRENT_TARGET_MS: f64 = 10.0;

/// Runs the release `retort` in `dir`; panics with its stderr if it fails.
fn retort(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run retort");
    assert!(
        output.status.success(),
        "retort {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn url(db: &Path) -> String {
    format!("sqlite://{}", db.display())
}

/// Removes a database file and its journal, so that the next run starts empty.
fn remove_database(db: &Path) {
    let _ = std::fs::remove_file(db);
    let mut journal = db.as_os_str().to_owned();
    journal.push("-journal");
    let _ = std::fs::remove_file(PathBuf::from(journal));
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Median of `runs` timed calls of `run`, each on a freshly removed database file.
fn timed_fresh(db: &Path, runs: usize, mut run: impl FnMut()) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        remove_database(db);
        let start = Instant::now();
        run();
        times.push(start.elapsed());
    }
    median(times)
}

/// `sqlite3 -bail FILE < script`; panics if the shell reports an error.
fn sqlite3(db: &Path, script: &str) {
    let mut child = Command::new(SQLITE3)
        .arg("-bail")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sqlite3");
    child
        .stdin
        .take()
        .expect("sqlite3 stdin")
        .write_all(script.as_bytes())
        .expect("write the script to sqlite3");
    let output = child.wait_with_output().expect("wait for sqlite3");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Number of rows in the version table and of user tables, read with sqlite3.
fn contents(db: &Path) -> String {
    let output = Command::new(SQLITE3)
        .arg(db)
        .arg(
            "SELECT (SELECT count(*) FROM retort_version WHERE state = 'applied') || ' ' || \
             (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't%') || ' ' || \
             (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_t%')",
        )
        .output()
        .expect("run sqlite3");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The offline script reshaped like the online run on SQLite: one `BEGIN IMMEDIATE`
/// (the migration lock), a savepoint per revision, one `COMMIT`.
fn savepoint_script(script: &str) -> String {
    let mut out = String::with_capacity(script.len() + 64);
    let mut began = false;
    for line in script.lines() {
        match line {
            "BEGIN;" => {
                if !began {
                    out.push_str("BEGIN IMMEDIATE;\n");
                    began = true;
                }
                let _ = writeln!(out, "SAVEPOINT {SAVEPOINT};");
            }
            "COMMIT;" => {
                let _ = writeln!(out, "RELEASE {SAVEPOINT};");
            }
            other => {
                // The version table is created before the first revision, inside the lock.
                if !began && other.starts_with("CREATE TABLE") {
                    out.push_str("BEGIN IMMEDIATE;\n");
                    began = true;
                }
                out.push_str(other);
                out.push('\n');
            }
        }
    }
    out.push_str("COMMIT;\n");
    out
}

/// A timed command: its label and how to run it once.
type Variant<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    let dir = root.path().join("project");
    write_project(&dir, REVISIONS).expect("generate the project");
    // The header cache never trusts a file modified within two seconds.
    std::thread::sleep(Duration::from_millis(2100));
    let db = root.path().join("bench.db");
    let db_url = url(&db);

    // One unmeasured run fills the header cache and the page cache.
    remove_database(&db);
    retort(&dir, &["--url", &db_url, "upgrade", "head"]);
    let expected = contents(&db);

    println!(
        "retort on SQLite, {REVISIONS} TOML revisions (create_table with 3 columns + create_index \
         each), release build"
    );
    println!("{:<58} {:>5} {:>12}", "what", "runs", "median");
    let row = |what: &str, runs: usize, time: Duration| {
        println!("{what:<58} {runs:>5} {:>12}", ms(time));
    };

    // The variants run in interleaved rounds, so that load from elsewhere on the machine
    // falls on all of them alike.
    let mut variants: Vec<Variant<'_>> = vec![(
        "retort upgrade head (empty file)",
        Box::new(|| {
            retort(&dir, &["--url", &db_url, "-q", "upgrade", "head"]);
        }),
    )];
    if Path::new(SQLITE3).exists() {
        let script = String::from_utf8(retort(
            &dir,
            &["--url", &db_url, "upgrade", "head", "--sql"],
        ))
        .expect("the offline script is UTF-8");
        let reshaped = savepoint_script(&script);
        for (what, text) in [
            (
                "sqlite3 < upgrade --sql (BEGIN/COMMIT per revision)",
                script,
            ),
            (
                "sqlite3 < same, one transaction + savepoint per revision",
                reshaped,
            ),
        ] {
            remove_database(&db);
            sqlite3(&db, &text);
            let got = contents(&db);
            assert_eq!(got, expected, "the script left different contents ({what})");
            let db = db.clone();
            variants.push((what, Box::new(move || sqlite3(&db, &text))));
        }
    } else {
        println!("{SQLITE3} is missing: the comparison with the sqlite3 shell is skipped");
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(UPGRADE_RUNS); variants.len()];
    for _ in 0..UPGRADE_RUNS {
        for (index, (_, run)) in variants.iter().enumerate() {
            times[index].push(timed_fresh(&db, 1, run));
        }
    }
    let medians: Vec<Duration> = times.into_iter().map(median).collect();
    for ((what, _), time) in variants.iter().zip(&medians) {
        row(what, UPGRADE_RUNS, *time);
    }
    let upgrade = medians[0];
    let ratios: Vec<(&'static str, f64)> = variants
        .iter()
        .zip(&medians)
        .skip(1)
        .map(|((what, _), time)| (*what, upgrade.as_secs_f64() / time.as_secs_f64()))
        .collect();

    // `current` on a database migrated by retort itself.
    remove_database(&db);
    retort(&dir, &["--url", &db_url, "-q", "upgrade", "head"]);
    let mut times = Vec::with_capacity(CURRENT_RUNS);
    for _ in 0..CURRENT_RUNS {
        let start = Instant::now();
        retort(&dir, &["--url", &db_url, "current"]);
        times.push(start.elapsed());
    }
    let current = median(times);
    row("retort current (migrated file)", CURRENT_RUNS, current);

    println!();
    for (what, ratio) in &ratios {
        let verdict = if *ratio <= RATIO_TARGET {
            "ok"
        } else {
            "ABOVE TARGET"
        };
        println!("ratio retort / {what}: {ratio:.2} (target <= {RATIO_TARGET}: {verdict})");
    }
    let current_ms = current.as_secs_f64() * 1000.0;
    let verdict = if current_ms < CURRENT_TARGET_MS {
        "ok"
    } else {
        "ABOVE TARGET"
    };
    println!("retort current: {current_ms:.1} ms (target < {CURRENT_TARGET_MS} ms: {verdict})");
}
