//! What the benchmarks that time whole `retort` runs share: the release binary, wall time,
//! peak memory under GNU time, and the PASS/FAIL verdicts they print.

#![allow(dead_code)] // Each bench uses what it needs.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

pub(crate) const GNU_TIME: &str = "/usr/bin/time";

/// The release binary cargo built for this bench.
pub(crate) fn retort() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    // `retort init` writes `url = "${DATABASE_URL:-sqlite://app.db}"`: keep it SQLite.
    command.env_remove("DATABASE_URL");
    command
}

/// Fails loudly, with what the command printed, unless it succeeded.
pub(crate) fn assert_succeeded(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Fails loudly unless `output` is a successful diff that found nothing: a bench must time
/// a no-op.
pub(crate) fn assert_no_differences(output: &Output, what: &str) {
    assert_succeeded(output, what);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("No differences"),
        "{what} found differences, so the bench would not time a no-op:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The largest peak resident set size of `runs` runs of `program args` in `dir` under GNU
/// time, in MiB; `None` when /usr/bin/time is missing or its report cannot be read.
pub(crate) fn peak_memory_mib(
    program: &str,
    args: &[&str],
    dir: &Path,
    runs: usize,
) -> Option<f64> {
    if !Path::new(GNU_TIME).exists() {
        return None;
    }
    let mut largest_kib: Option<u64> = None;
    for _ in 0..runs {
        let output = Command::new(GNU_TIME)
            .args(["-f", "%M", program])
            .args(args)
            .env_remove("DATABASE_URL")
            .current_dir(dir)
            .output()
            .expect("run /usr/bin/time");
        assert_succeeded(&output, &format!("/usr/bin/time {program}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let kib = stderr.lines().last()?.trim().parse::<u64>().ok()?;
        largest_kib = Some(largest_kib.map_or(kib, |largest| largest.max(kib)));
    }
    largest_kib.map(|kib| kib as f64 / 1024.0)
}

pub(crate) fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

pub(crate) fn verdict(passed: bool) -> &'static str {
    if passed {
        "PASS"
    } else {
        "FAIL"
    }
}
