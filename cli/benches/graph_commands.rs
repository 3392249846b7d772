//! Benchmark: graph commands on a generated project of 10,000 TOML revisions, once linear
//! and once branchy (a branch every 300 revisions, merged 150 revisions later).
//!
//! `cargo bench -p retort-cli --bench graph_commands` prints, per project and command, the
//! wall time of a cold first run (no header cache yet: every file is read and parsed), the
//! median and worst of 15 further runs of the release binary, and the peak memory (maximum
//! resident set size, measured with GNU time when /usr/bin/time is present).
//!
//! The files are given two seconds to settle first: the header cache never trusts a file
//! modified within two seconds, and a real project's files are not seconds old.

mod workload;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use workload::revision_file;

const REVISIONS: usize = 10_000;
const RUNS: usize = 15;

/// Writes a project; `branch_every` = 0 for a linear chain. Otherwise every
/// `branch_every` revisions a side branch opens from the main line, takes every odd
/// revision, and is merged back `branch_every / 2` revisions later.
fn generate(dir: &Path, branch_every: usize) -> std::io::Result<()> {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations)?;
    std::fs::write(
        dir.join("retort.toml"),
        "[database]\nurl = \"sqlite://bench.db\"\n",
    )?;
    let mut main_tip: Option<String> = None;
    let mut side_tip: Option<String> = None;
    let mut side_opened_at = 0;
    for n in 0..REVISIONS {
        let id = format!("{n:012x}");
        let opens_side = branch_every > 0 && n > 0 && n % branch_every == 0 && side_tip.is_none();
        let merges_side = side_tip.is_some() && n == side_opened_at + branch_every / 2;
        if opens_side {
            side_opened_at = n;
            write_revision(&migrations, &id, main_tip.as_slice(), n)?;
            side_tip = Some(id);
        } else if merges_side {
            let parents: Vec<String> = main_tip.iter().chain(side_tip.iter()).cloned().collect();
            write_revision(&migrations, &id, &parents, n)?;
            side_tip = None;
            main_tip = Some(id);
        } else if side_tip.is_some() && n % 2 == 1 {
            write_revision(&migrations, &id, side_tip.as_slice(), n)?;
            side_tip = Some(id);
        } else {
            write_revision(&migrations, &id, main_tip.as_slice(), n)?;
            main_tip = Some(id);
        }
    }
    Ok(())
}

fn write_revision(
    migrations: &Path,
    id: &str,
    parents: &[String],
    n: usize,
) -> std::io::Result<()> {
    std::fs::write(
        migrations.join(format!("20260101_0000_{id}_revision_{n}.toml")),
        revision_file(id, parents, n),
    )
}

struct Figures {
    cold: Duration,
    median: Duration,
    worst: Duration,
    peak_kib: Option<u64>,
}

fn measure(dir: &Path, args: &[&str]) -> Figures {
    let binary = env!("CARGO_BIN_EXE_retort");
    let _ = std::fs::remove_dir_all(dir.join(".retort"));
    let start = Instant::now();
    let status = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run retort")
        .status;
    let cold = start.elapsed();
    assert!(status.success(), "retort {args:?} failed");
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let output = Command::new(binary)
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run retort");
        times.push(start.elapsed());
        assert!(
            output.status.success(),
            "retort {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    times.sort();
    let peak_kib = Path::new("/usr/bin/time").exists().then(|| {
        let output = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(binary)
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run /usr/bin/time");
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0)
    });
    Figures {
        cold,
        median: times[RUNS / 2],
        worst: times[RUNS - 1],
        peak_kib,
    }
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    println!(
        "retort graph commands on {REVISIONS} TOML revisions ({RUNS} runs each, release build)"
    );
    println!(
        "{:<8} {:<30} {:>10} {:>10} {:>10} {:>12}",
        "project", "command", "cold", "median", "worst", "peak memory"
    );
    for (name, branch_every) in [("linear", 0), ("branchy", 300)] {
        let dir = root.path().join(name);
        generate(&dir, branch_every).expect("generate the project");
        std::thread::sleep(Duration::from_millis(2100));
        for args in [&["heads"][..], &["history", "--format", "json"][..]] {
            let figures = measure(&dir, args);
            let ms = |d: Duration| format!("{:.1}ms", d.as_secs_f64() * 1000.0);
            let peak = figures.peak_kib.map_or("n/a".to_string(), |kib| {
                format!("{:.1} MB", kib as f64 / 1024.0)
            });
            println!(
                "{name:<8} {:<30} {:>10} {:>10} {:>10} {peak:>12}",
                format!("retort {}", args.join(" ")),
                ms(figures.cold),
                ms(figures.median),
                ms(figures.worst),
            );
        }
    }
}
