//! What `current`, `history -i`, `check` and the runs make of the version table when it
//! holds something other than applied revisions of this project: a dirty row (not applied),
//! rows without a revision file (refused until restored or purged), and a SQLite path that
//! cannot exist. On SQLite, with rows written by hand, as a user's tools would leave them.

mod common;

use common::{run_in, Project};
use retort_conformance::servers::{url_from_env, with_database};
use serde_json::json;

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\ncreated = 2026-11-01T09:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

const POSTS: &str = "revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"create posts\"\ncreated = 2026-11-02T09:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"posts\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"posts\"\n";

const TAGS: &str = "revision = \"aaaa00000003\"\ndown_revision = \"aaaa00000002\"\nmessage = \"create tags\"\ncreated = 2026-11-03T09:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"tags\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"tags\"\n";

fn project() -> Project {
    let p = Project::new();
    p.write("1.toml", USERS);
    p.write("2.toml", POSTS);
    p
}

fn open(p: &Project) -> rusqlite::Connection {
    rusqlite::Connection::open(p.path().join("app.db")).expect("open app.db")
}

/// Adds a version-table row as another tool (or a failed run) would leave it.
fn record(p: &Project, revision: &str, state: &str, error: Option<&str>) {
    open(p)
        .execute(
            "INSERT INTO retort_version (revision, checksum, applied_at, execution_ms, state, error) \
             VALUES (?1, 'sha256:00', '2026-12-01T00:00:00Z', 0, ?2, ?3)",
            rusqlite::params![revision, state, error],
        )
        .expect("insert a version row");
}

/// The version table and the schema's tables: everything a run could change.
fn snapshot(p: &Project) -> (Vec<String>, Vec<String>) {
    let conn = open(p);
    let column = |sql: &str| -> Vec<String> {
        let mut statement = conn.prepare(sql).expect("prepare");
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .expect("query");
        rows.map(|row| row.expect("row")).collect()
    };
    (
        column(
            "SELECT revision || '|' || checksum || '|' || applied_at || '|' || state \
             FROM retort_version ORDER BY revision",
        ),
        column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
    )
}

#[test]
fn a_dirty_revision_is_shown_as_dirty_and_never_as_applied() {
    let p = project();
    p.run(&["upgrade", "aaaa00000001"]).ok();
    record(
        &p,
        "aaaa00000002",
        "dirty",
        Some("operation 1 of 1 (create_table): CREATE TABLE posts -- disk full"),
    );

    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(
        current,
        json!({"heads": ["aaaa00000001"], "applied": ["aaaa00000001"], "dirty": "aaaa00000002", "unknown": []})
    );
    let text = p.run(&["current"]);
    assert_eq!(
        text.ok(),
        "aaaa00000001, create users\naaaa00000002 (dirty), create posts: operation 1 of 1 \
         (create_table): CREATE TABLE posts -- disk full\n"
    );

    let history = p.run(&["history", "-i"]);
    assert_eq!(
        history.ok(),
        "aaaa00000001 -> aaaa00000002 (head) (dirty), create posts\n\
         <base> -> aaaa00000001 (current), create users\n"
    );
    let entries = p.run(&["history", "-i", "--format", "json"]).json();
    assert_eq!(entries[0]["applied"], json!(false), "{entries}");
    assert_eq!(entries[1]["applied"], json!(true), "{entries}");

    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("one document");
    let kinds: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["dirty", "not_at_head"], "{report}");
    let at = report["problems"][1]["message"].as_str().expect("message");
    assert!(
        at.contains("the database is at aaaa00000001 but the graph's head is aaaa00000002 (1 revision(s) not applied)"),
        "{at}"
    );
    assert!(
        report["problems"][0]["message"].as_str().is_some_and(|m| m
            .contains("aaaa00000002 is dirty, not applied")
            && m.contains("disk full")),
        "{report}"
    );

    // Runs refuse while a row is dirty; `stamp` states what the database holds.
    let before = snapshot(&p);
    p.run(&["upgrade"])
        .fails(1, &["aaaa00000002 is dirty", "retort stamp"]);
    p.run(&["downgrade", "-1"])
        .fails(1, &["aaaa00000002 is dirty"]);
    assert_eq!(snapshot(&p), before, "a refused run changed nothing");
    let stamped = p.run(&["stamp", "aaaa00000001", "--format", "json"]).json();
    assert_eq!(
        stamped,
        json!({"heads": ["aaaa00000001"], "applied": ["aaaa00000001"], "dirty": null, "unknown": []})
    );
    p.run(&["upgrade"]).ok();
    p.run(&["check"]).ok();
}

#[test]
fn revisions_without_a_file_stop_every_run_and_are_shown_marked() {
    let p = project();
    p.run(&["upgrade"]).ok();
    record(&p, "bbbb99999999", "applied", None);
    // A revision still to run: a run that went on would apply it.
    p.write("3.toml", TAGS);
    let before = snapshot(&p);

    let refusal = [
        "bbbb99999999",
        "no revision file of this project declares",
        "Restore the missing revision file (for example, check out the code that added it)",
        "retort stamp --purge TARGET",
    ];
    for args in [
        &["upgrade"][..],
        &["upgrade", "--dry-run"],
        &["downgrade", "-1"],
        &["downgrade", "base"],
        &["stamp", "head"],
        &["stamp", "aaaa00000001"],
    ] {
        let run = p.run(args);
        run.fails(1, &refusal);
        assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
        assert_eq!(snapshot(&p), before, "{args:?} changed the database");
    }

    let current = p.run(&["current"]);
    assert_eq!(
        current.ok(),
        "aaaa00000002, create posts\nbbbb99999999 (unknown: no file in migrations/)\n"
    );
    assert!(
        current.stderr.contains("warning: the version table records a revision with no file in migrations: bbbb99999999")
            && current.stderr.contains("retort stamp --purge TARGET"),
        "{}",
        current.stderr
    );
    let json = p.run(&["current", "--format", "json"]).json();
    assert_eq!(
        json,
        json!({
            "heads": ["aaaa00000002"],
            "applied": ["aaaa00000001", "aaaa00000002", "bbbb99999999"],
            "dirty": null,
            "unknown": ["bbbb99999999"],
        })
    );

    let history = p.run(&["history", "-i"]);
    assert_eq!(
        history.ok(),
        "bbbb99999999 (unknown: no file in migrations/)\n\
         aaaa00000002 -> aaaa00000003 (head), create tags\n\
         aaaa00000001 -> aaaa00000002 (current), create posts\n\
         <base> -> aaaa00000001, create users\n"
    );
    assert!(
        history.stderr.contains("warning:") && history.stderr.contains("bbbb99999999"),
        "{}",
        history.stderr
    );

    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    assert!(
        check.stdout.contains("unknown_revision"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("bbbb99999999"), "{}", check.stdout);
    assert_eq!(snapshot(&p), before, "reading changed the database");

    // The ways out: restore the file, or purge and record the real state.
    p.run(&["stamp", "--purge", "aaaa00000002"]).ok();
    assert_eq!(
        p.run(&["current", "--format", "json"]).json()["unknown"],
        json!([])
    );
    p.run(&["upgrade"]).ok();
    p.run(&["check"]).ok();
}

#[test]
fn an_unknown_dirty_row_is_shown_once_and_stamp_replaces_it() {
    let p = project();
    p.run(&["upgrade", "aaaa00000001"]).ok();
    record(&p, "cccc77777777", "dirty", None);
    let current = p.run(&["current"]);
    assert_eq!(
        current.ok(),
        "aaaa00000001, create users\ncccc77777777 (dirty) (unknown: no file in migrations/)\n"
    );
    p.run(&["upgrade"])
        .fails(1, &["cccc77777777 is dirty", "retort stamp"]);
    // A stamp removes dirty rows, known or not: it states what the database holds.
    let stamped = p.run(&["stamp", "aaaa00000001", "--format", "json"]).json();
    assert_eq!(stamped["dirty"], json!(null));
    assert_eq!(stamped["unknown"], json!([]));
}

#[test]
fn a_sqlite_path_that_cannot_exist_is_an_error_and_a_missing_file_is_empty() {
    let p = project();
    std::fs::write(p.path().join("somefile.txt"), "notes").expect("write a file");
    for args in [
        &["current"][..],
        &["current", "--format", "json"],
        &["check"],
        &["history", "-i"],
        &["upgrade", "--dry-run"],
    ] {
        let mut all = vec!["--url", "sqlite://somefile.txt/app.db"];
        all.extend_from_slice(args);
        let run = p.run(&all);
        run.fails(
            1,
            &[
                "sqlite://somefile.txt/app.db",
                "somefile.txt is a file, not a directory",
            ],
        );
        if args.contains(&"json") {
            // A JSON failure is one error document on stdout, never a state.
            let document: serde_json::Value =
                serde_json::from_str(&run.stdout).expect("one JSON document");
            assert_eq!(document["error"]["kind"], "runtime", "{args:?}");
        } else {
            assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        }
    }
    assert_eq!(
        std::fs::read_to_string(p.path().join("somefile.txt")).expect("read"),
        "notes"
    );
    // A file that does not exist yet reads as an empty database and is not created.
    let missing = p.run(&["--url", "sqlite://later.db", "current"]);
    assert!(missing.ok().starts_with("<base>"), "{}", missing.stdout);
    assert!(!p.path().join("later.db").exists());
}

/// A database of its own on the MariaDB/MySQL test server, dropped when the test ends.
struct ServerProject {
    project: Project,
    url: String,
}

impl ServerProject {
    fn run(&self, args: &[&str]) -> common::Run {
        let mut all = vec!["--url", self.url.as_str()];
        all.extend_from_slice(args);
        run_in(self.project.path(), &all)
    }
}

impl Drop for ServerProject {
    fn drop(&mut self) {
        let _ = self.run(&["db", "drop", "--yes"]);
    }
}

#[test]
fn a_failed_revision_on_mysql_is_dirty_not_applied() {
    let Some(server) = url_from_env("RETORT_TEST_MYSQL_URL", "dirty_is_not_applied") else {
        return;
    };
    let url = with_database(
        &server,
        &format!("retort_dirty_{}_{}", std::process::id(), line!()),
    );
    let p = ServerProject {
        project: project(),
        url,
    };
    p.project.write(
        "2.toml",
        &POSTS.replace(
            "[[downgrade]]",
            "[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO nowhere VALUES (1)\"\n\n[[downgrade]]",
        ),
    );
    let _ = p.run(&["db", "drop", "--yes"]);
    p.run(&["db", "create"]).ok();
    p.run(&["upgrade"]).fails(
        1,
        &["aaaa00000002", "operation 2 of 2", "recorded as dirty"],
    );

    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["heads"], json!(["aaaa00000001"]), "{current}");
    assert_eq!(current["applied"], json!(["aaaa00000001"]), "{current}");
    assert_eq!(current["dirty"], json!("aaaa00000002"), "{current}");
    let text = p.run(&["current"]);
    let text = text.ok();
    assert!(
        text.starts_with(
            "aaaa00000001, create users\naaaa00000002 (dirty), create posts: operation 2 of 2"
        ),
        "{text}"
    );
    let history = p.run(&["history", "-i"]);
    assert!(
        history
            .ok()
            .contains("aaaa00000001 -> aaaa00000002 (head) (dirty), create posts")
            && history.stdout.contains("aaaa00000001 (current)"),
        "{}",
        history.stdout
    );
    let check = p.run(&["check"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    assert!(
        check.stdout.contains("aaaa00000002 is dirty, not applied")
            && check.stdout.contains("the database is at aaaa00000001 but"),
        "{}",
        check.stdout
    );
}

/// `retort status` lists every revision in upgrade order with what the database records
/// and what its file says: applied (when, how long), pending, dirty with its error,
/// changed since applied, irreversible, and recorded revisions without a file.
#[test]
fn status_lists_every_revision_state() {
    let p = common::Project::new();
    let revision = |id: &str, down: Option<&str>, table: &str, downgrade: bool| {
        let down = down
            .map(|d| format!("down_revision = \"{d}\"\n"))
            .unwrap_or_default();
        let undo = if downgrade {
            format!("\n[[downgrade]]\nop = \"drop_table\"\ntable = \"{table}\"\n")
        } else {
            String::new()
        };
        format!(
            "revision = \"{id}\"\n{down}message = \"create {table}\"\n\n[[upgrade]]\nop = \
             \"create_table\"\ntable = \"{table}\"\ncolumns = [{{ name = \"id\", type = \
             \"integer\" }}]\n{undo}"
        )
    };
    p.write("1.toml", &revision("aaaa00000001", None, "one", true));
    p.write(
        "2.toml",
        &revision("aaaa00000002", Some("aaaa00000001"), "two", false),
    );
    p.write(
        "3.toml",
        &revision("aaaa00000003", Some("aaaa00000002"), "three", true),
    );
    p.run(&["upgrade", "aaaa00000002"]).ok();
    // Changed after it ran, and a row the project has no file for.
    p.write(
        "1.toml",
        &revision("aaaa00000001", None, "one", true).replace("integer", "bigint"),
    );
    let db = p.path().join("app.db");
    let conn = rusqlite::Connection::open(&db).expect("opens app.db");
    conn.execute(
        "INSERT INTO retort_version VALUES ('ffff00000009', 'sha256:00', \
         '2026-01-01T00:00:00Z', 5, 'dirty', 'boom: no such table')",
        [],
    )
    .expect("inserts a row without a file");
    drop(conn);

    let text = p.run(&["status"]);
    let lines: Vec<&str> = text.ok().lines().collect();
    assert_eq!(lines.len(), 4, "{}", text.stdout);
    assert!(
        lines[0].starts_with("aaaa00000001  applied  20"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(" ms)  create one [changed since applied]"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("aaaa00000002  applied"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("[irreversible]"), "{}", lines[1]);
    assert_eq!(lines[2], "aaaa00000003  pending  create three");
    assert!(
        lines[3].starts_with("ffff00000009  unknown  2026-01-01T00:00:00Z"),
        "{}",
        lines[3]
    );
    assert!(
        lines[3].contains("no file in the project; error: boom"),
        "{}",
        lines[3]
    );

    let json = p.run(&["status", "--format", "json"]).json();
    let entries = json["revisions"].as_array().expect("revisions");
    let states: Vec<&str> = entries.iter().filter_map(|e| e["state"].as_str()).collect();
    assert_eq!(states, ["applied", "applied", "pending", "unknown"]);
    assert_eq!(entries[0]["changed"], true);
    assert!(entries[0]["execution_ms"]
        .as_i64()
        .is_some_and(|ms| ms >= 1));
    assert_eq!(entries[1]["reversible"], false);
    assert_eq!(entries[2]["applied_at"], serde_json::Value::Null);
    assert_eq!(entries[3]["reversible"], serde_json::Value::Null);
    assert_eq!(entries[3]["error"], "boom: no such table");
}
