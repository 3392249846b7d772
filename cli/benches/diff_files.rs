//! Benchmark: `retort diff --from files` on SQLite projects of 100 and 1,000 TOML revisions
//! whose `schema.toml` declares exactly the tables the revisions create, so that the diff is
//! a real no-op (every revision is read and folded, every table compared).
//!
//! `cargo bench -p retort-cli --bench diff_files` scaffolds each project with the release
//! binary's `retort init`, writes one linear chain of revisions (each a `create_table` of
//! seven or eight columns of assorted types, with defaults, plus a `create_index`; every
//! 10th table also a foreign key to an earlier table, a unique constraint and a check) and
//! the matching `schema.toml`, checks once that the diff prints "No differences" and exits
//! 0, then prints the median and fastest wall time of 15 runs (after 3 unmeasured warm-up
//! runs) and the peak memory (maximum resident set size, measured with GNU time when
//! /usr/bin/time is present).
//!
//! The targets, for 1,000 revisions: median under 100 ms, peak memory under 64 MiB.
//! The files are given two seconds to settle first: the header cache never trusts a file
//! modified within two seconds, and a real project's files are not seconds old.

mod measure;

use measure::{
    assert_no_differences, assert_succeeded, milliseconds, peak_memory_mib, retort, verdict,
    GNU_TIME,
};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [100, 1_000];
const WARM_UP_RUNS: usize = 3;
const TIMED_RUNS: usize = 15;
const MEMORY_RUNS: usize = 3;
const TARGET_REVISIONS: usize = 1_000;
const TARGET_MEDIAN_MS: f64 = 100.0;
const TARGET_PEAK_MIB: f64 = 64.0;
const DIFF_ARGS: [&str; 3] = ["diff", "--from", "files"];

/// The name of generated table `n`.
fn table_name(n: usize) -> String {
    format!("t{n:04}")
}

/// A revision id of 12 hex digits that does not sort in chain order, as real ids do not.
fn revision_id(n: usize) -> String {
    format!("{:012x}", (n as u64 + 1) * 0x9e37_79b1)
}

/// Whether table `n` has a foreign key, a unique constraint and a check.
fn has_constraints(n: usize) -> bool {
    n > 0 && n % 10 == 0
}

/// The keys shared by `create_table` in a revision and `[[table]]` in `schema.toml`:
/// the columns, and for every 10th table its constraints.
fn table_body(n: usize) -> String {
    let mut body = format!(
        "columns = [\n  \
         {{ name = \"id\", type = \"bigint\", primary_key = true }},\n  \
         {{ name = \"name\", type = \"varchar({})\", nullable = false }},\n  \
         {{ name = \"body\", type = \"text\" }},\n  \
         {{ name = \"quantity\", type = \"integer\", nullable = false, default = 0 }},\n  \
         {{ name = \"active\", type = \"boolean\", nullable = false, default = true }},\n  \
         {{ name = \"created_at\", type = \"timestamptz\", nullable = false, \
         default = {{ sql = \"CURRENT_TIMESTAMP\" }} }},\n  \
         {{ name = \"price\", type = \"numeric(10,2)\" }},\n",
        40 + n % 200
    );
    if has_constraints(n) {
        body.push_str("  { name = \"parent_id\", type = \"bigint\", nullable = false },\n");
    }
    body.push_str("]\n");
    if has_constraints(n) {
        let table = table_name(n);
        let _ = write!(
            body,
            "unique = [{{ name = \"uq_{table}_name_parent\", columns = [\"name\", \"parent_id\"] }}]\n\
             checks = [{{ name = \"ck_{table}_price\", expr = \"price >= 0\" }}]\n\
             foreign_keys = [{{ name = \"fk_{table}_parent\", columns = [\"parent_id\"], \
             references_table = \"{}\", references_columns = [\"id\"], on_delete = \"cascade\" }}]\n",
            table_name(n / 2)
        );
    }
    body
}

/// The text of revision `n`: creates table `n` and its index; undone by dropping the table.
fn revision_file(n: usize) -> String {
    let table = table_name(n);
    let mut text = format!("revision = \"{}\"\n", revision_id(n));
    if n > 0 {
        let _ = writeln!(text, "down_revision = \"{}\"", revision_id(n - 1));
    }
    let _ = write!(
        text,
        "message = \"create {table}\"\ncreated = 2026-01-01T00:00:00Z\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"{table}\"\n{}\n\
         [[upgrade]]\nop = \"create_index\"\nname = \"ix_{table}_created_at\"\ntable = \"{table}\"\n\
         columns = [\"created_at\"]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"{table}\"\n",
        table_body(n)
    );
    text
}

/// `schema.toml` declaring the tables of the first `revisions` revisions.
fn schema_file(revisions: usize) -> String {
    let mut text = String::from("# The tables the generated revisions create.\n");
    for n in 0..revisions {
        let table = table_name(n);
        let _ = write!(
            text,
            "\n[[table]]\nname = \"{table}\"\n{}\
             indexes = [{{ name = \"ix_{table}_created_at\", columns = [\"created_at\"] }}]\n",
            table_body(n)
        );
    }
    text
}

/// Scaffolds the project with `retort init`, then writes the revisions and `schema.toml`.
fn generate(dir: &Path, revisions: usize) {
    let init = retort()
        .arg("init")
        .arg(dir)
        .output()
        .expect("run retort init");
    assert_succeeded(&init, "retort init");
    let migrations = dir.join("migrations");
    for n in 0..revisions {
        let file = format!(
            "20260101_0000_{}_create_{}.toml",
            revision_id(n),
            table_name(n)
        );
        std::fs::write(migrations.join(file), revision_file(n)).expect("write a revision");
    }
    std::fs::write(dir.join("schema.toml"), schema_file(revisions)).expect("write schema.toml");
}

fn run_diff(dir: &Path) -> Output {
    retort()
        .args(DIFF_ARGS)
        .current_dir(dir)
        .output()
        .expect("run retort diff")
}

/// Fails loudly unless the diff exits 0 and finds nothing: the bench must time a no-op.
fn assert_no_op_diff(dir: &Path) {
    assert_no_differences(&run_diff(dir), "retort diff --from files");
}

/// The wall times of the timed runs, sorted, after the warm-up runs.
fn time_diff(dir: &Path) -> Vec<Duration> {
    for _ in 0..WARM_UP_RUNS {
        assert_succeeded(&run_diff(dir), "retort diff --from files (warm-up)");
    }
    let mut times = Vec::with_capacity(TIMED_RUNS);
    for _ in 0..TIMED_RUNS {
        let start = Instant::now();
        let output = run_diff(dir);
        times.push(start.elapsed());
        assert_succeeded(&output, "retort diff --from files");
    }
    times.sort();
    times
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    let projects: Vec<(usize, std::path::PathBuf)> = SIZES
        .iter()
        .map(|&revisions| {
            let dir = root.path().join(format!("project-{revisions}"));
            generate(&dir, revisions);
            (revisions, dir)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(2100));

    println!(
        "retort diff --from files, SQLite project, no-op diff (release build; \
         {WARM_UP_RUNS} warm-up + {TIMED_RUNS} timed runs)"
    );
    println!(
        "{:>9} {:>12} {:>12} {:>14}",
        "revisions", "median", "fastest", "peak memory"
    );
    let mut target_figures = None;
    for (revisions, dir) in &projects {
        assert_no_op_diff(dir);
        let times = time_diff(dir);
        let median_ms = milliseconds(times[times.len() / 2]);
        let fastest_ms = milliseconds(times[0]);
        let peak_mib = peak_memory_mib(env!("CARGO_BIN_EXE_retort"), &DIFF_ARGS, dir, MEMORY_RUNS);
        let peak =
            peak_mib.map_or_else(|| "not measured".to_string(), |mib| format!("{mib:.1} MiB"));
        println!(
            "{revisions:>9} {:>12} {:>12} {peak:>14}",
            format!("{median_ms:.1} ms"),
            format!("{fastest_ms:.1} ms"),
        );
        if *revisions == TARGET_REVISIONS {
            target_figures = Some((median_ms, peak_mib));
        }
    }

    let (median_ms, peak_mib) = target_figures.expect("the target size is among SIZES");
    println!();
    println!(
        "{TARGET_REVISIONS} revisions, median wall time < {TARGET_MEDIAN_MS} ms: \
         {median_ms:.1} ms {}",
        verdict(median_ms < TARGET_MEDIAN_MS)
    );
    match peak_mib {
        Some(mib) => println!(
            "{TARGET_REVISIONS} revisions, peak memory < {TARGET_PEAK_MIB} MiB: {mib:.1} MiB {}",
            verdict(mib < TARGET_PEAK_MIB)
        ),
        None => println!(
            "{TARGET_REVISIONS} revisions, peak memory < {TARGET_PEAK_MIB} MiB: not measured \
             ({GNU_TIME} is missing or unreadable)"
        ),
    }
}
