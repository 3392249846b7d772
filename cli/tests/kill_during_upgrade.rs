//! SPEC 6 crash safety on SQLite: a `retort upgrade` killed with SIGKILL at pseudo-random
//! moments never leaves a revision recorded as applied that is not, nor one applied and
//! unrecorded; a later run resumes on the same file and finishes.

#![cfg(unix)]

mod common;

use common::Project;
use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Revisions in the linear chain; one table, one index and `ROWS` rows each. With 300, a
/// debug build takes about a second for the whole run, so kills can land anywhere in it.
const REVISIONS: usize = 300;
/// Rows bulk-inserted into each table: enough that SQLite spills pages to the database file
/// before the run commits, so a kill leaves a hot journal that must be rolled back.
const ROWS: usize = 40;
/// Kills attempted; each lands at a pseudo-random moment of a run.
const KILLS: usize = 30;
/// SIGKILL, as `Child::kill` sends it on Unix.
const SIGKILL: i32 = 9;

fn revision_id(index: usize) -> String {
    format!("a{:011x}", index + 1)
}

fn table_name(index: usize) -> String {
    format!("t{index:03}")
}

fn index_name(index: usize) -> String {
    format!("ix_t{index:03}_name")
}

/// The index of the revision a generated name stands for, or a failure naming it.
#[track_caller]
fn parse_index(name: &str, prefix: &str, suffix: &str) -> usize {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .and_then(|digits| digits.parse::<usize>().ok())
        .filter(|index| *index < REVISIONS)
        .unwrap_or_else(|| panic!("`{name}` is not one of the generated names"))
}

#[track_caller]
fn revision_index(id: &str) -> usize {
    let index = usize::from_str_radix(id.trim_start_matches('a'), 16)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .unwrap_or_else(|| panic!("`{id}` is not a generated revision id"));
    assert_eq!(revision_id(index), id, "revision id round trip");
    index
}

/// Writes the chain of `REVISIONS` TOML revisions into the project.
fn write_revisions(project: &Project) {
    for index in 0..REVISIONS {
        let table = table_name(index);
        let down = match index {
            0 => String::new(),
            _ => format!("down_revision = \"{}\"\n", revision_id(index - 1)),
        };
        let rows: Vec<String> = (0..ROWS)
            .map(|row| {
                format!(
                    "  {{ id = {}, name = \"row {row} of {table}\", qty = {}, price = {row}.5 }}",
                    row + 1,
                    row * 7
                )
            })
            .collect();
        let text = format!(
            "revision = \"{id}\"\n{down}message = \"table {index}\"\n\n\
             [[upgrade]]\nop = \"create_table\"\ntable = \"{table}\"\n\
             columns = [{{ name = \"id\", type = \"bigint\", primary_key = true }}, \
             {{ name = \"name\", type = \"varchar(100)\", nullable = false }}, \
             {{ name = \"qty\", type = \"integer\" }}, {{ name = \"price\", type = \"double\" }}]\n\n\
             [[upgrade]]\nop = \"create_index\"\nname = \"{ix}\"\ntable = \"{table}\"\n\
             columns = [\"name\", \"qty\"]\n\n\
             [[upgrade]]\nop = \"bulk_insert\"\ntable = \"{table}\"\nrows = [\n{rows}\n]\n\n\
             [[downgrade]]\nop = \"drop_table\"\ntable = \"{table}\"\n",
            id = revision_id(index),
            ix = index_name(index),
            rows = rows.join(",\n"),
        );
        project.write(&format!("{index:03}.toml"), &text);
    }
}

/// splitmix64: a deterministic generator, seeded per iteration.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// Reads the database with rusqlite (which rolls back a hot journal as any opener does) and
/// asserts that the version table, the tables, the indexes and the rows agree exactly.
/// Returns the applied revisions' indexes.
#[track_caller]
fn applied_in_file(db: &Path, context: &str) -> BTreeSet<usize> {
    if !db.exists() {
        return BTreeSet::new();
    }
    let conn = rusqlite::Connection::open(db)
        .unwrap_or_else(|e| panic!("{context}: cannot open {}: {e}", db.display()));
    let names = |kind: &str| -> Vec<String> {
        let mut statement = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%' \
                 ORDER BY name",
            )
            .unwrap_or_else(|e| panic!("{context}: reading sqlite_master: {e}"));
        statement
            .query_map([kind], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .unwrap_or_else(|e| panic!("{context}: reading sqlite_master: {e}"))
    };
    let all_tables = names("table");
    let has_version_table = all_tables.iter().any(|t| t == "retort_version");
    let tables: BTreeSet<usize> = all_tables
        .iter()
        .filter(|t| *t != "retort_version")
        .map(|t| parse_index(t, "t", ""))
        .collect();
    let indexes: BTreeSet<usize> = names("index")
        .iter()
        .map(|ix| parse_index(ix, "ix_t", "_name"))
        .collect();

    let mut recorded = BTreeSet::new();
    if has_version_table {
        let mut statement = conn
            .prepare("SELECT revision, state FROM retort_version")
            .unwrap_or_else(|e| panic!("{context}: reading retort_version: {e}"));
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .unwrap_or_else(|e| panic!("{context}: reading retort_version: {e}"));
        for (revision, state) in rows {
            assert_eq!(
                state, "applied",
                "{context}: revision {revision} is {state}"
            );
            assert!(
                recorded.insert(revision_index(&revision)),
                "{context}: {revision} recorded twice"
            );
        }
    } else {
        assert!(
            tables.is_empty(),
            "{context}: tables {tables:?} exist but no version table"
        );
    }
    assert_eq!(
        recorded, tables,
        "{context}: recorded revisions (left) and created tables (right) disagree"
    );
    assert_eq!(
        tables, indexes,
        "{context}: tables (left) and indexes (right) disagree"
    );
    for index in &tables {
        let (count, qty): (i64, i64) = conn
            .query_row(
                &format!(
                    "SELECT count(*), coalesce(sum(qty), 0) FROM \"{}\"",
                    table_name(*index)
                ),
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("{context}: counting {}: {e}", table_name(*index)));
        let rows = i64::try_from(ROWS).unwrap_or(i64::MAX);
        assert_eq!(
            (count, qty),
            (rows, 7 * rows * (rows - 1) / 2),
            "{context}: rows of {}",
            table_name(*index)
        );
    }
    recorded
}

/// `retort current --format json`: exits 0, nothing dirty; the applied revisions' indexes.
#[track_caller]
fn applied_by_retort(project: &Project, context: &str) -> BTreeSet<usize> {
    let run = project.run(&["current", "--format", "json"]);
    assert_eq!(run.code, 0, "{context}: retort current: {}", run.stderr);
    let current = run.json();
    assert_eq!(current["dirty"], serde_json::Value::Null, "{context}");
    current["applied"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: no `applied` array: {current}"))
        .iter()
        .map(|id| {
            revision_index(
                id.as_str()
                    .unwrap_or_else(|| panic!("{context}: `{id}` is not a string")),
            )
        })
        .collect()
}

/// Both views of the database, checked against each other; `retort_first` varies who opens
/// the file first after a kill (and so who rolls back its hot journal).
#[track_caller]
fn observe(project: &Project, retort_first: bool, context: &str) -> BTreeSet<usize> {
    let db = project.path().join("app.db");
    let (by_retort, in_file) = if retort_first {
        let by_retort = applied_by_retort(project, context);
        (by_retort, applied_in_file(&db, context))
    } else {
        let in_file = applied_in_file(&db, context);
        (applied_by_retort(project, context), in_file)
    };
    assert_eq!(
        by_retort, in_file,
        "{context}: `retort current` (left) and the file (right) disagree"
    );
    in_file
}

fn remove_database(project: &Project) {
    for name in ["app.db", "app.db-journal", "app.db-wal", "app.db-shm"] {
        match std::fs::remove_file(project.path().join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("removing {name}: {e}"),
        }
    }
}

fn spawn_upgrade(project: &Project, target: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["upgrade", target])
        .current_dir(project.path())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning retort upgrade: {e}"))
}

#[test]
fn sigkill_during_upgrade_never_leaves_version_table_and_schema_disagreeing() {
    let project = Project::new();
    write_revisions(&project);

    // Calibration: one whole run, timed, sets the window the kills are spread over.
    let started = Instant::now();
    let run = project.run(&["upgrade"]);
    let full_run = started.elapsed();
    run.ok();
    let everything: BTreeSet<usize> = (0..REVISIONS).collect();
    assert_eq!(observe(&project, false, "calibration"), everything);
    let window = full_run.mul_f64(1.15);

    let mut applied = everything.clone();
    let (mut while_running, mut after_exit, mut with_hot_journal) = (0, 0, 0);
    let (mut mid_run_partial, mut advanced_by_killed_run) = (0, 0);
    for iteration in 0..KILLS {
        let mut rng = Prng(0x5eed_0000 + iteration as u64);
        let fresh = applied.len() == REVISIONS || rng.below(3) == 0;
        if fresh {
            remove_database(&project);
            applied.clear();
        }
        let start = applied.len();
        // Half the runs aim at head; the others at a revision part-way, so that a run that
        // finishes before its kill leaves a partly migrated file for the next iteration.
        let target = if rng.below(2) == 0 {
            REVISIONS - 1
        } else {
            start + rng.below((REVISIONS - start) as u64) as usize
        };
        // A run costs about a full run's time per revision it applies, plus some 60% of that
        // per revision already applied (checksums, introspection); kills are spread over a
        // little more than that, so most land while it runs and a few after it exits.
        let planned = target + 1 - start;
        let expected = window.mul_f64((0.6 * start as f64 + planned as f64) / REVISIONS as f64);
        let delay = expected.mul_f64(rng.below(1_000) as f64 / 1_000.0);

        let mut child = spawn_upgrade(&project, &revision_id(target));
        std::thread::sleep(delay);
        let kill = child.kill();
        let output = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("waiting for retort: {e}"));
        kill.unwrap_or_else(|e| panic!("kill: {e}"));
        let killed = output.status.signal() == Some(SIGKILL);
        let journal = project.path().join("app.db-journal").exists();
        let file = if fresh { "fresh file" } else { "same file" };
        let when = if killed {
            "while running"
        } else {
            "after exit"
        };
        let context = format!(
            "iteration {iteration} ({file}, {start} applied before, target {}, killed after \
             {} ms, {when})",
            target + 1,
            delay.as_millis(),
        );
        if killed {
            while_running += 1;
            with_hot_journal += usize::from(journal);
        } else {
            after_exit += 1;
            assert!(
                output.status.success(),
                "{context}: retort upgrade failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }

        let now = observe(&project, iteration % 2 == 0, &context);
        // The chain is linear: what is applied is always a prefix, at least what was there
        // before and at most what the run aimed at; a finished run reached its target.
        let count = now.len();
        assert_eq!(now, (0..count).collect(), "{context}: not a prefix");
        assert!(
            (start..=target + 1).contains(&count),
            "{context}: {count} applied"
        );
        if !killed {
            assert_eq!(
                count,
                target + 1,
                "{context}: a finished run reached its target"
            );
        } else if count > start {
            advanced_by_killed_run += 1;
            if count < target + 1 {
                mid_run_partial += 1;
            }
        }
        applied = now;
    }

    // Resume on the same file, whatever the last kill left: the run finishes everything.
    let resumed = project.run(&["upgrade"]);
    resumed.ok();
    assert_eq!(observe(&project, true, "after resuming"), everything);
    let again = project.run(&["upgrade"]);
    assert!(again.ok().contains("Nothing to do"), "{}", again.stdout);

    println!(
        "full run {} ms; {KILLS} kills: {while_running} while running ({with_hot_journal} with a \
         hot journal left, {advanced_by_killed_run} after the run committed, {mid_run_partial} \
         with part of the run kept), {after_exit} after exit",
        full_run.as_millis()
    );
    assert!(
        while_running >= KILLS / 3,
        "only {while_running} of {KILLS} kills landed while retort was running"
    );
    assert!(
        with_hot_journal >= 3,
        "only {with_hot_journal} kills interrupted a write transaction"
    );
}

/// What retort prints as done is done (SPEC 6): a run killed the moment its first line
/// reaches stdout has kept every revision that line names, although the SQLite run commits
/// once, at its end. Each executed revision records a real, non-zero `execution_ms`.
#[test]
fn sigkill_after_the_first_printed_step_keeps_the_revision_it_names() {
    use std::io::BufRead as _;
    let project = Project::new();
    write_revisions(&project);
    for round in 0..3 {
        remove_database(&project);
        let mut child = Command::new(env!("CARGO_BIN_EXE_retort"))
            .args(["upgrade"])
            .current_dir(project.path())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawning retort upgrade: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut first = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .unwrap_or_else(|e| panic!("reading retort's output: {e}"));
        let _ = child.kill();
        let _ = child.wait();
        let context = format!("round {round}, first line `{}`", first.trim_end());
        let printed = first
            .strip_prefix("upgrade ")
            .and_then(|rest| rest.split(',').next())
            .unwrap_or_else(|| panic!("{context}: not a step line"));
        let kept = applied_in_file(&project.path().join("app.db"), &context);
        assert!(
            kept.contains(&revision_index(printed)),
            "{context}: printed as done but not kept (kept {} revisions)",
            kept.len()
        );
    }
    project.run(&["upgrade"]).ok();
    let conn = rusqlite::Connection::open(project.path().join("app.db")).expect("open");
    let (executed, zero): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(*) FILTER (WHERE execution_ms <= 0) FROM retort_version",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("reading retort_version");
    assert_eq!(executed, REVISIONS as i64);
    assert_eq!(zero, 0, "executed revisions recorded execution_ms = 0");
}
