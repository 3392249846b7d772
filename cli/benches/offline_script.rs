//! Benchmark: offline scripts (`retort upgrade --sql`, `retort downgrade --sql`) of the
//! workload of the other migration benchmarks.
//!
//! `cargo bench -p retort-cli --bench offline_script` generates two linear projects, of 100
//! and of 1,000 revisions (each a `create_table` with three columns plus a `create_index`),
//! and prints the median wall time of the release binary rendering, for each of the three
//! dialects (offline needs no server: the URL only names the dialect):
//!
//! 1. `retort upgrade head --sql` (base to head);
//! 2. `retort downgrade base --sql` (head to base).
//!
//! Every command runs in interleaved rounds (median and fastest of 15 each; on a machine
//! busy with other work the fastest run is the better guide), after one unmeasured run
//! that fills the header cache and the page cache. The script goes to a file, as with
//! `retort upgrade --sql > upgrade.sql` (a pipe would time the reader too: a 1 MB script
//! fills a pipe's buffer twenty times over). The files are given two seconds to settle
//! first: the header cache never trusts a file modified within two seconds.
//!
//! The target (issue 12) is 50 ms for `upgrade --sql` of 1,000 revisions.

mod workload;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use workload::write_project;

const SIZES: [usize; 2] = [100, 1_000];
const RUNS: usize = 15;
const TARGET_MS: f64 = 50.0;
const TARGET_REVISIONS: usize = 1_000;
const DIALECTS: [(&str, &str); 3] = [
    ("sqlite", "sqlite://unused.db"),
    ("postgres", "postgres://bench@localhost/bench"),
    ("mysql", "mysql://bench@localhost/bench"),
];

/// One measured command: the project, the dialect and the arguments.
struct Case {
    revisions: usize,
    dialect: &'static str,
    args: Vec<String>,
    dir: std::path::PathBuf,
}

impl Case {
    fn label(&self) -> String {
        let command = self
            .args
            .iter()
            .skip(2)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        format!("retort {command}")
    }

    /// Runs the command once, its script written to `script` (emptied first, untimed);
    /// panics with its stderr if it fails. Returns the wall time and the script's size.
    fn run(&self, script: &Path) -> (Duration, u64) {
        let file = std::fs::File::create(script).expect("create the script file");
        let start = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_retort"))
            .args(&self.args)
            .current_dir(&self.dir)
            .stdout(Stdio::from(file))
            .output()
            .expect("run retort");
        let elapsed = start.elapsed();
        assert!(
            output.status.success(),
            "retort {:?} failed: {}",
            self.args,
            String::from_utf8_lossy(&output.stderr)
        );
        let size = std::fs::metadata(script).expect("the script file").len();
        (elapsed, size)
    }
}

/// The median and the fastest of `times`, in milliseconds.
fn median_and_min(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[0]))
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    let mut cases = Vec::new();
    for revisions in SIZES {
        let dir = root.path().join(format!("project-{revisions}"));
        write_project(&dir, revisions).expect("generate the project");
        for (dialect, url) in DIALECTS {
            for command in [&["upgrade", "head"][..], &["downgrade", "base"][..]] {
                let mut args = vec!["--url".to_string(), url.to_string()];
                args.extend(command.iter().map(|a| a.to_string()));
                args.push("--sql".to_string());
                cases.push(Case {
                    revisions,
                    dialect,
                    args,
                    dir: dir.clone(),
                });
            }
        }
    }
    std::thread::sleep(Duration::from_millis(2100));
    // One unmeasured run each fills the header cache and the page cache.
    let script = root.path().join("script.sql");
    let sizes: Vec<u64> = cases.iter().map(|case| case.run(&script).1).collect();

    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(RUNS); cases.len()];
    for _ in 0..RUNS {
        for (case, times) in cases.iter().zip(&mut times) {
            times.push(case.run(&script).0);
        }
    }

    println!("retort offline scripts of the migration workload ({RUNS} runs each, release build)");
    println!(
        "{:>9} {:<9} {:<28} {:>10} {:>10} {:>10}",
        "revisions", "dialect", "command", "script", "median", "fastest"
    );
    let mut verdicts = Vec::new();
    for ((case, times), size) in cases.iter().zip(times).zip(sizes) {
        let (median_ms, fastest_ms) = median_and_min(times);
        println!(
            "{:>9} {:<9} {:<28} {:>10} {:>10} {:>10}",
            case.revisions,
            case.dialect,
            case.label(),
            format!("{:.0} KB", size as f64 / 1000.0),
            format!("{median_ms:.1} ms"),
            format!("{fastest_ms:.1} ms"),
        );
        if case.revisions == TARGET_REVISIONS && case.args[2] == "upgrade" {
            verdicts.push((case.dialect, median_ms));
        }
    }
    println!();
    for (dialect, median_ms) in verdicts {
        let verdict = if median_ms <= TARGET_MS {
            "ok"
        } else {
            "ABOVE TARGET"
        };
        println!(
            "upgrade --sql of {TARGET_REVISIONS} revisions on {dialect}: {median_ms:.1} ms \
             (target <= {TARGET_MS} ms: {verdict})"
        );
    }
}
