//! Benchmark: a no-op `retort diff` (the default `--from db`) against a live database that
//! matches a generated `schema.toml` of 100 and 1,000 tables, on PostgreSQL side by side
//! with `pg_dump --schema-only` of the same database, and on SQLite.
//!
//! `cargo bench -p retort-cli --bench diff_database` scaffolds each project with the release
//! binary's `retort init` and writes a `schema.toml` whose tables, taken together, have
//! columns of every neutral type (with defaults, some NOT NULL), an index each (every 20th
//! also a partial one), unique constraints, checks, and on every 5th table a foreign key to
//! an earlier table with an `on_delete` action. Each database is brought to that schema the
//! way a user would: `retort revision --autogenerate --from files -m baseline`, then
//! `retort upgrade`. The bench checks once that `retort diff` prints "No differences" and
//! exits 0, so that it times a real no-op, then:
//!
//! - PostgreSQL (`RETORT_TEST_POSTGRES_URL`, default
//!   `postgres://postgres:postgres@127.0.0.1:5432/test`; skipped with a notice when no
//!   database can be created there): in a freshly created database, dropped at the end, also
//!   on failure, 3 unmeasured warm-up runs of each command, then 11 pairs of
//!   `retort --url URL diff` and `pg_dump --schema-only -d URL -f /dev/null`, alternating
//!   which runs first. It prints the median wall time of each, the median of the per-pair
//!   ratios retort / pg_dump, and the peak memory of each.
//! - SQLite (a fresh file in the project): 3 warm-up runs, then the median and fastest wall
//!   time of 15 runs, and the peak memory.
//!
//! Peak memory is the largest maximum resident set size of 3 runs under GNU time, when
//! /usr/bin/time is present. The targets, for 1,000 tables: on PostgreSQL at most 1.0× the
//! time of `pg_dump --schema-only`, on SQLite a median under 100 ms, and peak memory under
//! 64 MiB for both. The files are given two seconds to settle before anything is timed: the
//! header cache never trusts a file modified within two seconds, and a real project's files
//! are not seconds old.

mod measure;

use measure::{
    assert_no_differences, assert_succeeded, milliseconds, peak_memory_mib, retort, verdict,
    GNU_TIME,
};
use retort_conformance::servers::with_database;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [100, 1_000];
const TARGET_TABLES: usize = 1_000;
const WARM_UP_RUNS: usize = 3;
const TIMED_PAIRS: usize = 11;
const TIMED_RUNS: usize = 15;
const MEMORY_RUNS: usize = 3;
const TARGET_RATIO: f64 = 1.0;
const TARGET_SQLITE_MEDIAN_MS: f64 = 100.0;
const TARGET_PEAK_MIB: f64 = 64.0;
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres:postgres@127.0.0.1:5432/test";
const BASELINE_ARGS: [&str; 6] = [
    "revision",
    "--autogenerate",
    "--from",
    "files",
    "-m",
    "baseline",
];

/// Every neutral type of the reference, with the default a column of that type declares
/// (`None`: no default) and whether it is NOT NULL.
const TYPED_COLUMNS: [(&str, &str, Option<&str>, bool); 17] = [
    ("c_smallint", "smallint", Some("1"), true),
    ("c_integer", "integer", Some("0"), false),
    ("c_bigint", "bigint", None, false),
    ("c_real", "real", Some("1.5"), false),
    ("c_double", "double", Some("0.25"), true),
    ("c_numeric", "numeric(12,4)", Some("0"), false),
    ("c_boolean", "boolean", Some("false"), true),
    ("c_varchar", "varchar(64)", Some("\"new\""), false),
    ("c_char", "char(2)", Some("\"xx\""), false),
    ("c_text", "text", None, false),
    ("c_date", "date", Some("{ sql = \"CURRENT_DATE\" }"), false),
    ("c_time", "time", None, false),
    ("c_timestamp", "timestamp", None, false),
    ("c_timestamptz", "timestamptz", None, false),
    ("c_json", "json", None, false),
    ("c_uuid", "uuid", None, false),
    ("c_blob", "blob", None, false),
];
/// How many of `TYPED_COLUMNS` each table has, taken in turn, so that every window of 17
/// consecutive tables has every type 6 times.
const TYPED_COLUMNS_PER_TABLE: usize = 6;
const ON_DELETE_ACTIONS: [&str; 4] = ["cascade", "set_null", "restrict", "no_action"];

/// The name of generated table `n`.
fn table_name(n: usize) -> String {
    format!("t{n:04}")
}

/// Whether table `n` has a foreign key (to an earlier table).
fn has_foreign_key(n: usize) -> bool {
    n > 0 && n % 5 == 0
}

/// The `[[table]]` entry of table `n`.
fn table_entry(n: usize) -> String {
    let table = table_name(n);
    let autoincrement = if n % 2 == 0 {
        ", autoincrement = true"
    } else {
        ""
    };
    let mut text = format!(
        "\n[[table]]\nname = \"{table}\"\ncolumns = [\n  \
         {{ name = \"id\", type = \"bigint\", primary_key = true{autoincrement} }},\n  \
         {{ name = \"name\", type = \"varchar({})\", nullable = false }},\n  \
         {{ name = \"quantity\", type = \"integer\", nullable = false, default = 0 }},\n  \
         {{ name = \"created_at\", type = \"timestamptz\", nullable = false, \
         default = {{ sql = \"CURRENT_TIMESTAMP\" }} }},\n",
        40 + n % 200
    );
    for k in 0..TYPED_COLUMNS_PER_TABLE {
        let (name, neutral_type, default, not_null) =
            TYPED_COLUMNS[(n * TYPED_COLUMNS_PER_TABLE + k) % TYPED_COLUMNS.len()];
        let _ = write!(text, "  {{ name = \"{name}\", type = \"{neutral_type}\"");
        if not_null {
            text.push_str(", nullable = false");
        }
        if let Some(default) = default {
            let _ = write!(text, ", default = {default}");
        }
        text.push_str(" },\n");
    }
    if has_foreign_key(n) {
        text.push_str("  { name = \"parent_id\", type = \"bigint\" },\n");
    }
    text.push_str("]\n");

    let _ = write!(
        text,
        "indexes = [{{ name = \"ix_{table}_created_at\", columns = [\"created_at\"] }}"
    );
    if n % 20 == 0 {
        let _ = write!(
            text,
            ", {{ name = \"ix_{table}_name_positive\", columns = [\"name\", \"quantity\"], \
             where = \"quantity > 0\" }}"
        );
    }
    text.push_str("]\n");
    if n % 2 == 0 {
        let _ = writeln!(
            text,
            "unique = [{{ name = \"uq_{table}_name\", columns = [\"name\"] }}]"
        );
    }
    if n % 3 == 0 {
        let _ = writeln!(
            text,
            "checks = [{{ name = \"ck_{table}_quantity\", \
             expr = \"quantity >= 0 AND quantity < 1000000\" }}]"
        );
    }
    if has_foreign_key(n) {
        let _ = writeln!(
            text,
            "foreign_keys = [{{ name = \"fk_{table}_parent\", columns = [\"parent_id\"], \
             references_table = \"{}\", references_columns = [\"id\"], on_delete = \"{}\" }}]",
            table_name(n / 2),
            ON_DELETE_ACTIONS[(n / 5) % ON_DELETE_ACTIONS.len()]
        );
    }
    text
}

/// `schema.toml` declaring `tables` tables.
fn schema_file(tables: usize) -> String {
    let mut text = String::from("# Generated by the diff_database bench.\n");
    for n in 0..tables {
        text.push_str(&table_entry(n));
    }
    text
}

/// Scaffolds the project with `retort init`, writes `schema.toml` and autogenerates the
/// baseline revision that creates it all.
fn generate(dir: &Path, tables: usize) {
    let init = retort()
        .arg("init")
        .arg(dir)
        .output()
        .expect("run retort init");
    assert_succeeded(&init, "retort init");
    std::fs::write(dir.join("schema.toml"), schema_file(tables)).expect("write schema.toml");
    let baseline = retort()
        .args(BASELINE_ARGS)
        .current_dir(dir)
        .output()
        .expect("run retort revision --autogenerate");
    assert_succeeded(&baseline, "retort revision --autogenerate --from files");
}

/// `retort` in `dir` with `--url url`, or with the project's own SQLite URL.
fn retort_with(dir: &Path, url: Option<&str>) -> Command {
    let mut command = retort();
    command.current_dir(dir);
    if let Some(url) = url {
        command.args(["--url", url]);
    }
    command
}

fn upgrade(dir: &Path, url: Option<&str>) {
    let output = retort_with(dir, url)
        .arg("upgrade")
        .output()
        .expect("run retort upgrade");
    assert_succeeded(&output, "retort upgrade");
}

/// `retort diff` (the default `--from db`) in `dir`, against `url` or the project's URL.
fn diff_command(dir: &Path, url: Option<&str>) -> Command {
    let mut command = retort_with(dir, url);
    command.arg("diff");
    command
}

/// Fails loudly unless the diff exits 0 and finds nothing: the bench must time a no-op.
fn assert_no_op_diff(dir: &Path, url: Option<&str>) {
    let output = diff_command(dir, url).output().expect("run retort diff");
    assert_no_differences(&output, "retort diff");
}

/// `pg_dump --schema-only` of the database `url` names, into /dev/null.
fn pg_dump(url: &str) -> Command {
    let mut command = Command::new("pg_dump");
    command.args(["--schema-only", "-d", url, "-f", "/dev/null"]);
    command
}

/// Runs `command` and returns its wall time, failing loudly unless it succeeds.
fn timed(command: &mut Command, what: &str) -> Duration {
    let start = Instant::now();
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    let elapsed = start.elapsed();
    assert_succeeded(&output, what);
    elapsed
}

fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    values[values.len() / 2]
}

fn mib_text(mib: Option<f64>) -> String {
    mib.map_or_else(|| "not measured".to_string(), |mib| format!("{mib:.1} MiB"))
}

fn memory_verdict(what: &str, mib: Option<f64>) {
    match mib {
        Some(mib) => println!(
            "{what}, peak memory < {TARGET_PEAK_MIB} MiB: {mib:.1} MiB {}",
            verdict(mib < TARGET_PEAK_MIB)
        ),
        None => println!(
            "{what}, peak memory < {TARGET_PEAK_MIB} MiB: not measured \
             ({GNU_TIME} is missing or unreadable)"
        ),
    }
}

/// A PostgreSQL database created for the bench, dropped when this goes out of scope, on
/// success and on a panic alike.
struct ScratchDatabase<'a> {
    dir: &'a Path,
    url: String,
}

impl<'a> ScratchDatabase<'a> {
    /// Creates the database `name` on the server of `server_url`, or returns the reason it
    /// cannot.
    fn create(dir: &'a Path, server_url: &str, name: &str) -> Result<Self, String> {
        let url = with_database(server_url, name);
        let output = retort_with(dir, Some(&url))
            .args(["-q", "db", "create"])
            .output()
            .map_err(|e| format!("cannot run retort db create: {e}"))?;
        if output.status.success() {
            Ok(ScratchDatabase { dir, url })
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }
}

impl Drop for ScratchDatabase<'_> {
    fn drop(&mut self) {
        let dropped = retort_with(self.dir, Some(&self.url))
            .args(["-q", "db", "drop", "--yes"])
            .output();
        if !matches!(&dropped, Ok(output) if output.status.success()) {
            eprintln!("could not drop the bench database {}", self.url);
        }
    }
}

/// The PostgreSQL figures of one project.
struct PostgresFigures {
    retort_median_ms: f64,
    pg_dump_median_ms: f64,
    ratio: f64,
    retort_peak_mib: Option<f64>,
    pg_dump_peak_mib: Option<f64>,
}

/// Times the no-op diff against `pg_dump --schema-only` on the database `url`, which is at
/// head and matches the project's `schema.toml`.
fn measure_postgres(dir: &Path, url: &str) -> PostgresFigures {
    let time_retort = || timed(&mut diff_command(dir, Some(url)), "retort diff");
    let time_pg_dump = || timed(&mut pg_dump(url), "pg_dump --schema-only");
    for _ in 0..WARM_UP_RUNS {
        time_retort();
        time_pg_dump();
    }
    let mut retort_times = Vec::with_capacity(TIMED_PAIRS);
    let mut pg_dump_times = Vec::with_capacity(TIMED_PAIRS);
    let mut ratios = Vec::with_capacity(TIMED_PAIRS);
    for pair in 0..TIMED_PAIRS {
        // Alternate which runs first, so that neither always finds the caches the other
        // warmed.
        let (retort_time, pg_dump_time) = if pair % 2 == 0 {
            let retort_time = time_retort();
            (retort_time, time_pg_dump())
        } else {
            let pg_dump_time = time_pg_dump();
            (time_retort(), pg_dump_time)
        };
        ratios.push(retort_time.as_secs_f64() / pg_dump_time.as_secs_f64());
        retort_times.push(retort_time);
        pg_dump_times.push(pg_dump_time);
    }
    PostgresFigures {
        retort_median_ms: milliseconds(median(retort_times)),
        pg_dump_median_ms: milliseconds(median(pg_dump_times)),
        ratio: median(ratios),
        retort_peak_mib: peak_memory_mib(
            env!("CARGO_BIN_EXE_retort"),
            &["--url", url, "diff"],
            dir,
            MEMORY_RUNS,
        ),
        pg_dump_peak_mib: peak_memory_mib(
            "pg_dump",
            &["--schema-only", "-d", url, "-f", "/dev/null"],
            dir,
            MEMORY_RUNS,
        ),
    }
}

fn bench_postgres(projects: &[(usize, PathBuf)]) {
    let server_url = std::env::var("RETORT_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_string());
    let mut databases = Vec::new();
    for (tables, dir) in projects {
        let name = format!("retort_bench_diff_{}_{tables}", std::process::id());
        match ScratchDatabase::create(dir, &server_url, &name) {
            Ok(database) => {
                upgrade(dir, Some(&database.url));
                assert_no_op_diff(dir, Some(&database.url));
                databases.push((*tables, database));
            }
            Err(reason) => {
                println!("PostgreSQL skipped: cannot create a database on {server_url}: {reason}");
                return;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(2100));

    println!(
        "retort --url URL diff vs pg_dump --schema-only -d URL -f /dev/null, PostgreSQL, \
         no-op diff (release build; {WARM_UP_RUNS} warm-up runs of each, then \
         {TIMED_PAIRS} alternating pairs)"
    );
    println!(
        "{:>6} {:>13} {:>13} {:>15} {:>13} {:>13}",
        "tables", "retort", "pg_dump", "retort/pg_dump", "retort peak", "pg_dump peak"
    );
    let mut target_figures = None;
    for (tables, database) in &databases {
        let figures = measure_postgres(database.dir, &database.url);
        println!(
            "{tables:>6} {:>13} {:>13} {:>15} {:>13} {:>13}",
            format!("{:.1} ms", figures.retort_median_ms),
            format!("{:.1} ms", figures.pg_dump_median_ms),
            format!("{:.2}x", figures.ratio),
            mib_text(figures.retort_peak_mib),
            mib_text(figures.pg_dump_peak_mib),
        );
        if *tables == TARGET_TABLES {
            target_figures = Some(figures);
        }
    }
    let figures = target_figures.expect("the target size is among SIZES");
    println!();
    println!(
        "PostgreSQL, {TARGET_TABLES} tables, retort diff / pg_dump --schema-only <= \
         {TARGET_RATIO:.1}x: {:.2}x {}",
        figures.ratio,
        verdict(figures.ratio <= TARGET_RATIO)
    );
    memory_verdict(
        &format!("PostgreSQL, {TARGET_TABLES} tables, retort diff"),
        figures.retort_peak_mib,
    );
    println!(
        "PostgreSQL, {TARGET_TABLES} tables, pg_dump --schema-only peak memory (for \
         comparison): {}",
        mib_text(figures.pg_dump_peak_mib)
    );
}

fn bench_sqlite(projects: &[(usize, PathBuf)]) {
    for (_, dir) in projects {
        upgrade(dir, None);
        assert_no_op_diff(dir, None);
    }
    std::thread::sleep(Duration::from_millis(2100));

    println!(
        "retort diff, SQLite, no-op diff (release build; {WARM_UP_RUNS} warm-up + \
         {TIMED_RUNS} timed runs)"
    );
    println!(
        "{:>6} {:>12} {:>12} {:>14}",
        "tables", "median", "fastest", "peak memory"
    );
    let mut target_figures = None;
    for (tables, dir) in projects {
        let time_retort = || timed(&mut diff_command(dir, None), "retort diff");
        for _ in 0..WARM_UP_RUNS {
            time_retort();
        }
        let mut times: Vec<Duration> = (0..TIMED_RUNS).map(|_| time_retort()).collect();
        times.sort();
        let median_ms = milliseconds(times[times.len() / 2]);
        let fastest_ms = milliseconds(times[0]);
        let peak_mib = peak_memory_mib(env!("CARGO_BIN_EXE_retort"), &["diff"], dir, MEMORY_RUNS);
        println!(
            "{tables:>6} {:>12} {:>12} {:>14}",
            format!("{median_ms:.1} ms"),
            format!("{fastest_ms:.1} ms"),
            mib_text(peak_mib),
        );
        if *tables == TARGET_TABLES {
            target_figures = Some((median_ms, peak_mib));
        }
    }
    let (median_ms, peak_mib) = target_figures.expect("the target size is among SIZES");
    println!();
    println!(
        "SQLite, {TARGET_TABLES} tables, median wall time < {TARGET_SQLITE_MEDIAN_MS} ms: \
         {median_ms:.1} ms {}",
        verdict(median_ms < TARGET_SQLITE_MEDIAN_MS)
    );
    memory_verdict(&format!("SQLite, {TARGET_TABLES} tables"), peak_mib);
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    let projects: Vec<(usize, PathBuf)> = SIZES
        .iter()
        .map(|&tables| {
            let dir = root.path().join(format!("project-{tables}"));
            generate(&dir, tables);
            (tables, dir)
        })
        .collect();
    bench_postgres(&projects);
    println!();
    bench_sqlite(&projects);
}
