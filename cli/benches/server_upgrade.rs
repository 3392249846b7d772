//! Benchmark: `retort upgrade` on PostgreSQL and MariaDB/MySQL against the database's own
//! client running the same SQL.
//!
//! `cargo bench -p retort-cli --bench server_upgrade` generates the workload of the SQLite
//! benchmark (a `create_table` with three columns plus a `create_index` each), 100 and 1,000
//! revisions, and, for every server whose URL is set (`RETORT_BENCH_POSTGRES_URL` or
//! `RETORT_TEST_POSTGRES_URL`; `RETORT_BENCH_MYSQL_URL` or `RETORT_TEST_MYSQL_URL`), prints
//! the median wall time of:
//!
//! 1. `retort upgrade head` into a freshly created database;
//! 2. the database's client (`psql -f`, `mariadb`) running the script `retort upgrade --sql`
//!    prints: the statements an online run executes and its version-row writes (where an
//!    online run hands over between two revisions behind a dirty row, it writes the first
//!    one's record and the second one's dirty row in one transaction; the script writes
//!    them one by one).
//!
//! 3. for scale, the same client running that script without its version-table statements:
//!    the revisions' DDL alone, statement by statement. A tool that sends the same DDL one
//!    statement at a time and keeps a version table cannot go below its ratio to the full
//!    script; only fewer round trips for the DDL itself (pipelining) could.
//!
//! All run in interleaved rounds (median of 7 each); the database is dropped and created
//! again, untimed, before every run, and dropped at the end.

mod workload;

use retort_conformance::servers::with_database;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use workload::write_project;

/// The project sizes: 100, where start-up weighs more, and 1,000.
const SIZES: [usize; 2] = [100, 1_000];
const RUNS: usize = 7;

/// Runs the release `retort` in `dir`: its stdout, or its stderr as the error.
fn retort(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run retort: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn must(result: Result<Vec<u8>, String>, what: &str) -> Vec<u8> {
    result.unwrap_or_else(|e| panic!("{what} failed: {e}"))
}

/// One server: how to reach it and how its own client runs a script.
struct Server {
    label: &'static str,
    /// The ratio to the client that retort must stay at or below.
    ratio_target: f64,
    url: String,
    client: fn(&str, &str) -> Command,
}

/// `psql` reading the script from stdin, stopping at the first error.
fn psql(url: &str, _database: &str) -> Command {
    let mut command = Command::new("psql");
    command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"]);
    command
}

/// The `mariadb` client reading the script from stdin (it stops at the first error).
fn mariadb(url: &str, database: &str) -> Command {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    let client = if Path::new("/usr/bin/mariadb").exists() {
        "mariadb"
    } else {
        "mysql"
    };
    let mut command = Command::new(client);
    command.args(["--host", host, "--port", port, "--user", user, database]);
    if !password.is_empty() {
        command.env("MYSQL_PWD", password);
    }
    command
}

fn run_client(server: &Server, url: &str, database: &str, script: &str) {
    let mut child = (server.client)(url, database)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the {} client: {e}", server.label));
    child
        .stdin
        .take()
        .expect("client stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let output = child.wait_with_output().expect("wait for the client");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "the {} client failed: {}",
        server.label,
        String::from_utf8_lossy(&output.stderr)
    );
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn bench(dir: &Path, server: &Server) {
    let database = format!("retort_bench_upgrade_{}", std::process::id());
    let url = with_database(&server.url, &database);
    let fresh = || {
        must(
            retort(dir, &["--url", &url, "-q", "db", "drop", "--yes"]),
            "db drop",
        );
        must(
            retort(dir, &["--url", &url, "-q", "db", "create"]),
            "db create",
        );
    };
    fresh();
    if let Err(error) = retort(dir, &["--url", &url, "-q", "upgrade", "head"]) {
        println!(
            "{}: SKIPPED, retort cannot migrate it: {}",
            server.label,
            error.trim()
        );
        let _ = retort(dir, &["--url", &url, "-q", "db", "drop", "--yes"]);
        return;
    }
    let applied = must(retort(dir, &["--url", &url, "current"]), "current");
    let script = String::from_utf8(must(
        retort(dir, &["--url", &url, "upgrade", "head", "--sql"]),
        "upgrade --sql",
    ))
    .expect("the offline script is UTF-8");

    // The client's run must leave what retort's run left.
    fresh();
    run_client(server, &url, &database, &script);
    let after_client = must(retort(dir, &["--url", &url, "current"]), "current");
    assert_eq!(after_client, applied, "the script recorded the same state");

    // Every statement of these scripts is one line; those naming the version table go.
    let ddl_alone: String = script
        .lines()
        .filter(|line| !line.contains("retort_version"))
        .map(|line| format!("{line}\n"))
        .collect();
    let mut retort_times = Vec::with_capacity(RUNS);
    let mut client_times = Vec::with_capacity(RUNS);
    let mut ddl_times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        fresh();
        let start = Instant::now();
        must(
            retort(dir, &["--url", &url, "-q", "upgrade", "head"]),
            "upgrade",
        );
        retort_times.push(start.elapsed());
        fresh();
        let start = Instant::now();
        run_client(server, &url, &database, &script);
        client_times.push(start.elapsed());
        fresh();
        let start = Instant::now();
        run_client(server, &url, &database, &ddl_alone);
        ddl_times.push(start.elapsed());
    }
    let _ = retort(dir, &["--url", &url, "-q", "db", "drop", "--yes"]);
    let (ours, theirs) = (median(retort_times), median(client_times));
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    let target = server.ratio_target;
    let verdict = if ratio <= target {
        "ok"
    } else {
        "ABOVE TARGET"
    };
    println!(
        "{:<11} retort upgrade head {:>8} | client running upgrade --sql {:>8} | ratio {ratio:.2} \
         (target <= {target}: {verdict})",
        server.label,
        ms(ours),
        ms(theirs)
    );
    let floor = median(ddl_times);
    println!(
        "{:<11} client running the DDL alone {:>8} | ratio to the full script {:.2} (the floor \
         for a tool sending the DDL statement by statement)",
        "",
        ms(floor),
        floor.as_secs_f64() / theirs.as_secs_f64()
    );
}

fn env_url(vars: [&str; 2]) -> Option<String> {
    vars.iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

fn main() {
    let root = tempfile::tempdir().expect("temporary directory");
    let mut servers = Vec::new();
    match env_url(["RETORT_BENCH_POSTGRES_URL", "RETORT_TEST_POSTGRES_URL"]) {
        Some(url) => servers.push(Server {
            label: "PostgreSQL",
            ratio_target: 0.95,
            url,
            client: psql,
        }),
        None => println!("PostgreSQL: SKIPPED, set RETORT_BENCH_POSTGRES_URL"),
    }
    match env_url(["RETORT_BENCH_MYSQL_URL", "RETORT_TEST_MYSQL_URL"]) {
        Some(url) => servers.push(Server {
            label: "MariaDB",
            ratio_target: 0.8,
            url,
            client: mariadb,
        }),
        None => println!("MariaDB: SKIPPED, set RETORT_BENCH_MYSQL_URL"),
    }
    for revisions in SIZES {
        let dir = root.path().join(format!("project_{revisions}"));
        write_project(&dir, revisions).expect("generate the project");
        println!(
            "retort on database servers, {revisions} TOML revisions (create_table with 3 columns \
             + create_index each), release build, median of {RUNS}"
        );
        for server in &servers {
            bench(&dir, server);
        }
    }
}
