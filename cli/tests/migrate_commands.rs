//! `upgrade`, `downgrade`, `current`, `stamp`, `check`, `history -i` and `db` on a real
//! SQLite file, run as a user runs them.

mod common;

use common::Project;

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\ncreated = 2026-11-01T09:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }, { name = \"email\", type = \"varchar(255)\", nullable = false }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

const POSTS: &str = "revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"create posts\"\ncreated = 2026-11-02T09:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"posts\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }, { name = \"title\", type = \"text\" }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"posts\"\n";

fn project() -> Project {
    let p = Project::new();
    p.write("1.toml", USERS);
    p.write("2.toml", POSTS);
    p
}

#[test]
fn upgrade_current_downgrade_on_sqlite() {
    let p = project();
    let up = p.run(&["upgrade"]);
    let text = up.ok();
    assert!(
        text.contains("upgrade aaaa00000001, create users"),
        "{text}"
    );
    assert!(
        text.contains("upgrade aaaa00000002, create posts"),
        "{text}"
    );
    assert!(
        p.path().join("app.db").is_file(),
        "the SQLite file was created next to retort.toml"
    );

    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["heads"], serde_json::json!(["aaaa00000002"]));
    assert_eq!(
        current["applied"],
        serde_json::json!(["aaaa00000001", "aaaa00000002"])
    );
    assert_eq!(current["dirty"], serde_json::Value::Null);
    assert!(p
        .run(&["current"])
        .ok()
        .starts_with("aaaa00000002 (head), create posts"));

    let again = p.run(&["upgrade"]);
    assert!(again.ok().contains("Nothing to do"), "{}", again.stdout);

    let history = p.run(&["history", "-i"]);
    assert!(
        history
            .ok()
            .contains("aaaa00000002 (head) (current), create posts"),
        "{}",
        history.stdout
    );
    let json = p.run(&["history", "-i", "--format", "json"]).json();
    assert_eq!(json[0]["applied"], true);

    let down = p.run(&["downgrade", "-1", "--format", "json"]).json();
    assert_eq!(down["steps"][0]["revision"], "aaaa00000002");
    assert_eq!(down["steps"][0]["direction"], "downgrade");
    assert!(down["steps"][0]["ms"].is_u64());
    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["heads"], serde_json::json!(["aaaa00000001"]));
    p.run(&["downgrade", "base"]).ok();
    assert!(p.run(&["current"]).ok().contains("<base>"));
    p.run(&["downgrade", "aaaa00000001"])
        .fails(2, &["aaaa00000001", "not applied"]);
}

#[test]
fn dry_run_and_offline_sql_change_nothing() {
    let p = project();
    let dry = p.run(&["upgrade", "--dry-run", "--format", "json"]).json();
    assert_eq!(dry["steps"].as_array().map(Vec::len), Some(2));
    assert!(
        dry["steps"][0].get("ms").is_none(),
        "no ms in a dry run: {dry}"
    );
    let sql = p.run(&["upgrade", "--sql"]);
    let script = sql.ok();
    assert!(script.contains("CREATE TABLE \"users\""), "{script}");
    assert!(
        script.contains("INSERT INTO \"retort_version\""),
        "{script}"
    );
    assert!(script.contains("'aaaa00000002'"), "{script}");
    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["applied"], serde_json::json!([]));
    let history = p.run(&["history", "-i", "--format", "json"]).json();
    assert_eq!(history[0]["applied"], serde_json::json!(false), "{history}");
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    assert_eq!(report["problems"][0]["kind"], "not_at_head", "{report}");
    assert!(
        !p.path().join("app.db").exists(),
        "commands that only read do not create the SQLite file"
    );
}

#[test]
fn stamp_and_check() {
    let p = project();
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("one JSON document");
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"][0]["kind"], "not_at_head");

    let stamped = p.run(&["stamp", "head", "--format", "json"]).json();
    assert_eq!(stamped["heads"], serde_json::json!(["aaaa00000002"]));
    // Stamped, but the tables the revisions create are not there: check says so.
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("one JSON document");
    assert_eq!(
        common::problem_kinds(&report),
        ["altered_schema", "altered_schema"],
        "{report}"
    );
    assert!(
        check.stdout.contains("create_table users") && check.stdout.contains("create_table posts"),
        "{report}"
    );

    // An applied file edited afterwards: check and upgrade both refuse, naming it.
    p.write("1.toml", &USERS.replace("varchar(255)", "varchar(200)"));
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    assert!(check.stdout.contains("changed_file"), "{}", check.stdout);
    p.run(&["upgrade"])
        .fails(2, &["changed since they ran", "aaaa00000001"]);

    let purged = p
        .run(&["stamp", "base", "--purge", "--format", "json"])
        .json();
    assert_eq!(purged["applied"], serde_json::json!([]));
}

#[test]
fn a_failing_revision_is_reported_and_leaves_no_trace() {
    let p = project();
    p.write(
        "3.toml",
        "revision = \"aaaa00000003\"\ndown_revision = \"aaaa00000002\"\nmessage = \"broken\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"half\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO nowhere VALUES (1)\"\n",
    );
    p.run(&["upgrade"]).fails(
        1,
        &[
            "revision aaaa00000003",
            "3.toml",
            "operation 2 of 2 (execute)",
            "INSERT INTO nowhere",
            "no such table",
        ],
    );
    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(
        current["heads"],
        serde_json::json!(["aaaa00000002"]),
        "the good revisions stay"
    );
    let sql = p.run(&["upgrade", "--dry-run"]);
    assert!(
        sql.ok().contains("would upgrade aaaa00000003"),
        "{}",
        sql.stdout
    );
}

#[test]
fn unknown_schemes_and_bad_urls_are_bad_input_without_passwords() {
    let p = project();
    p.run(&["current", "--url", "oracle://scott:tiger@db/orcl"])
        .fails(2, &["oracle", "scott:***"]);
    let run = p.run(&["current", "--url", "postgres://u:hunter2"]);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert_ne!(run.code, 0);
}

#[test]
fn db_create_and_drop() {
    let p = project();
    let created = p.run(&["db", "create", "--format", "json"]).json();
    assert_eq!(created["created"], true);
    assert!(p.path().join("app.db").is_file());
    assert_eq!(
        p.run(&["db", "create", "--format", "json"]).json()["created"],
        false
    );
    assert_eq!(
        p.run(&["db", "drop", "--yes", "--format", "json"]).json()["dropped"],
        true
    );
    assert!(!p.path().join("app.db").exists());
}

/// The `sqlite3` shell's output for `sql` on the database file `db`.
fn sqlite3(db: &std::path::Path, sql: &str) -> String {
    let output = std::process::Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("run sqlite3");
    assert!(
        output.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn offline_sql_run_by_the_sqlite3_shell_matches_an_online_run() {
    if std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED offline_sql_run_by_the_sqlite3_shell_matches_an_online_run: no sqlite3 shell on PATH");
        return;
    }
    let p = project();
    p.write(
        "3.toml",
        "revision = \"aaaa00000003\"\ndown_revision = \"aaaa00000002\"\nmessage = \"rebuild and data\"\n\n[[upgrade]]\nop = \"bulk_insert\"\ntable = \"users\"\nrows = [{ id = 1, email = \"o'neil@example.com\" }, { id = 2, email = \"'; DROP TABLE users; --\" }]\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"email\"\ntype = \"text\"\n\n[[upgrade]]\nop = \"create_index\"\nname = \"ix_posts_title\"\ntable = \"posts\"\ncolumns = [\"title\"]\nwhere = \"title IS NOT NULL\"\n",
    );
    let script = p.run(&["upgrade", "--sql"]).ok().to_string();
    let offline = p.path().join("offline.db");
    let piped = sqlite3_script(&offline, &script);
    assert!(
        piped.status.success() && piped.stderr.is_empty(),
        "sqlite3: {}",
        String::from_utf8_lossy(&piped.stderr)
    );

    p.run(&["upgrade"]).ok();
    let online = p.path().join("app.db");
    assert_eq!(sqlite3(&offline, ".schema"), sqlite3(&online, ".schema"));
    let rows = "SELECT revision, checksum, state, error FROM retort_version ORDER BY revision";
    assert_eq!(sqlite3(&offline, rows), sqlite3(&online, rows));
    let data = "SELECT id, email FROM users ORDER BY id";
    assert_eq!(sqlite3(&offline, data), sqlite3(&online, data));
    assert!(sqlite3(&online, data).contains("'; DROP TABLE users; --"));
    // And retort reads the offline-made database as fully migrated.
    let current = p
        .run(&[
            "--url",
            &format!("sqlite://{}", offline.display()),
            "current",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(current["heads"], serde_json::json!(["aaaa00000003"]));
}

fn sqlite3_available() -> bool {
    std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok()
}

#[test]
fn a_revision_failing_at_commit_leaves_nothing_behind() {
    if !sqlite3_available() {
        eprintln!(
            "SKIPPED a_revision_failing_at_commit_leaves_nothing_behind: no sqlite3 shell on PATH"
        );
        return;
    }
    let p = Project::new();
    let db = p.path().join("app.db");
    // A foreign key to a non-unique column: SQLite's foreign-key check fails at commit.
    sqlite3(&db, "CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT); CREATE TABLE c(x TEXT REFERENCES p(code));");
    p.write("1.toml", "revision = \"aaaa00000001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n");
    for _ in 0..2 {
        let run = p.run(&["upgrade"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("foreign key mismatch"),
            "{}",
            run.stderr
        );
        // Whichever commit failed (the version table's or the revision's), nothing stays.
        let tables = sqlite3(
            &db,
            "SELECT name FROM sqlite_master WHERE name IN ('t', 'retort_version') ORDER BY name",
        );
        assert_eq!(tables, "", "something of the failed run was kept");
    }
}

#[test]
fn transactional_false_is_refused_on_sqlite_before_anything_runs() {
    let p = project();
    p.write(
        "3.sql",
        "-- retort:revision aaaa00000003\n-- retort:down_revision aaaa00000002\n-- retort:transactional false\n-- retort:upgrade\nCREATE TABLE t3 (a INTEGER);\nVACUUM;\n",
    );
    p.run(&["upgrade"])
        .fails(2, &["aaaa00000003", "transactional = false"]);
    p.run(&["upgrade", "--sql"])
        .fails(2, &["aaaa00000003", "transactional = false"]);
    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["applied"], serde_json::json!([]), "nothing ran");
}

/// The `sqlite3` shell running `script` from stdin on the database file `db`.
fn sqlite3_script(db: &std::path::Path, script: &str) -> std::process::Output {
    std::process::Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run the script")
}

#[test]
fn an_offline_script_fails_where_a_revision_breaks_foreign_keys_as_online() {
    if !sqlite3_available() {
        eprintln!("SKIPPED an_offline_script_fails_where_a_revision_breaks_foreign_keys_as_online: no sqlite3 shell");
        return;
    }
    let p = Project::new();
    p.write(
        "1.toml",
        "revision = \"bbbb00000001\"\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"parent\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"old_child\"\ncolumns = [{ name = \"parent_id\", type = \"integer\" }]\n\
         foreign_keys = [{ columns = [\"parent_id\"], references_table = \"parent\", references_columns = [\"id\"] }]\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"child\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"parent_id\", type = \"integer\" }]\n",
    );
    p.write("2.toml", "revision = \"bbbb00000002\"\ndown_revision = \"bbbb00000001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"other\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n");
    p.write("3.toml", "revision = \"bbbb00000003\"\ndown_revision = \"bbbb00000002\"\n\n[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk_child_parent\"\ntable = \"child\"\ncolumns = [\"parent_id\"]\nreferences_table = \"parent\"\nreferences_columns = [\"id\"]\n");
    p.run(&["upgrade", "bbbb00000001"]).ok();
    let db = p.path().join("app.db");
    // A violation from before: it must not fail later revisions, online or offline.
    sqlite3(
        &db,
        "PRAGMA foreign_keys = OFF; INSERT INTO old_child VALUES (7); INSERT INTO child VALUES (1, 42)",
    );
    let script = p
        .run(&["upgrade", "bbbb00000002", "--sql", "--from", "bbbb00000001"])
        .ok()
        .to_string();
    let run = sqlite3_script(&db, &script);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let script = p
        .run(&["upgrade", "--sql", "--from", "bbbb00000002"])
        .ok()
        .to_string();
    let run = sqlite3_script(&db, &script);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "the orphan must stop the script");
    assert!(
        stderr.contains("the revision breaks foreign keys"),
        "{stderr}"
    );
    assert_eq!(sqlite3(&db, "SELECT id, parent_id FROM child"), "1|42\n");
    assert_eq!(
        sqlite3(&db, "SELECT revision FROM retort_version ORDER BY revision"),
        "bbbb00000001\nbbbb00000002\n"
    );
    // Online, the same revision fails the same way.
    p.run(&["upgrade"])
        .fails(1, &["bbbb00000003", "references a missing row of `parent`"]);
}

#[test]
fn a_new_violation_in_a_without_rowid_table_fails_offline_and_online() {
    if !sqlite3_available() {
        eprintln!("SKIPPED a_new_violation_in_a_without_rowid_table_fails_offline_and_online: no sqlite3 shell");
        return;
    }
    let p = Project::new();
    p.write("1.toml", "revision = \"dddd00000001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE w (k TEXT PRIMARY KEY, pid INTEGER REFERENCES p (id)) WITHOUT ROWID\"\n");
    p.write("2.toml", "revision = \"dddd00000002\"\ndown_revision = \"dddd00000001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO w VALUES ('k2', 98)\"\n");
    p.run(&["upgrade", "dddd00000001"]).ok();
    let db = p.path().join("app.db");
    sqlite3(
        &db,
        "PRAGMA foreign_keys = OFF; INSERT INTO w VALUES ('k1', 99)",
    );
    let script = p
        .run(&["upgrade", "--sql", "--from", "dddd00000001"])
        .ok()
        .to_string();
    let run = sqlite3_script(&db, &script);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !run.status.success() && stderr.contains("the revision breaks foreign keys"),
        "{stderr}"
    );
    assert_eq!(sqlite3(&db, "SELECT k FROM w"), "k1\n");
    p.run(&["upgrade"]).fails(
        1,
        &[
            "dddd00000002",
            "a row of `w` references a missing row of `p`",
        ],
    );
    assert_eq!(sqlite3(&db, "SELECT k FROM w"), "k1\n");
}

#[test]
fn a_failing_offline_script_stops_before_the_rebuild_drops_the_table() {
    if !sqlite3_available() {
        eprintln!("SKIPPED a_failing_offline_script_stops_before_the_rebuild_drops_the_table: no sqlite3 shell");
        return;
    }
    let p = Project::new();
    p.write("1.toml", "revision = \"aaaa00000001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"parent\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"name\", type = \"text\" }]\n");
    p.write("2.toml", "revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\n\n[[upgrade]]\nop = \"alter_column\"\ntable = \"parent\"\ncolumn = \"name\"\nnullable = false\n");
    p.run(&["upgrade", "aaaa00000001"]).ok();
    let db = p.path().join("app.db");
    sqlite3(&db, "INSERT INTO parent (name) VALUES ('p1'), (NULL)");
    let script = p
        .run(&["upgrade", "--sql", "--from", "aaaa00000001"])
        .ok()
        .to_string();
    assert!(
        script.starts_with("-- retort") && script.contains("\n.bail on\n"),
        "{script}"
    );
    let piped = sqlite3_script(&db, &script);
    assert!(
        !piped.status.success(),
        "the script should stop at the NOT NULL failure"
    );
    assert_eq!(
        sqlite3(&db, "SELECT count(*) FROM parent"),
        "2\n",
        "the rows survive"
    );
    let current = p.run(&["current", "--format", "json"]).json();
    assert_eq!(current["heads"], serde_json::json!(["aaaa00000001"]));
}

#[test]
fn db_drop_refuses_a_file_that_is_not_a_database_and_urls_never_leak_passwords() {
    let p = project();
    std::fs::write(p.path().join("notes.txt"), "precious").expect("write");
    p.run(&["db", "drop", "--yes", "--url", "sqlite://notes.txt"])
        .fails(1, &["not a SQLite database"]);
    assert!(p.path().join("notes.txt").is_file());
    let run = p.run(&["current", "--url", "sqlite://u:hunter2@nonexistent/x.db"]);
    assert!(
        !run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"),
        "{}",
        run.stderr
    );
    p.run(&["upgrade", "--lock-timeout", "99999999999"])
        .fails(2, &["lock-timeout"]);
}

#[test]
fn offline_sql_with_one_transaction_per_run_has_the_online_shape() {
    let p = project();
    let config = p.path().join("retort.toml");
    let text = std::fs::read_to_string(&config).expect("reads retort.toml");
    std::fs::write(
        &config,
        text.replace(
            "# transaction_per_migration = true",
            "transaction_per_migration = false #",
        ),
    )
    .expect("writes retort.toml");
    let script = p.run(&["upgrade", "--sql"]).ok().to_string();
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| **l == "BEGIN;").count(),
        1,
        "{script}"
    );
    assert_eq!(
        lines.iter().filter(|l| **l == "COMMIT;").count(),
        1,
        "{script}"
    );
    assert_eq!(lines.last(), Some(&"COMMIT;"), "{script}");
    if !sqlite3_available() {
        eprintln!("SKIPPED the sqlite3 half: no sqlite3 shell on PATH");
        return;
    }
    let offline = p.path().join("offline.db");
    let output = sqlite3_script(&offline, &script);
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = "SELECT revision, state FROM retort_version ORDER BY revision";
    assert_eq!(
        sqlite3(&offline, rows),
        "aaaa00000001|applied\naaaa00000002|applied\n"
    );
}

/// `--lock-timeout` takes whole seconds as before and durations (`500ms`, `2s`, `1m`), and
/// the wait it sets is the one a run keeps when another process holds the database.
#[test]
fn lock_timeout_takes_durations() {
    let p = project();
    p.run(&["upgrade", "aaaa00000001"]).ok();
    let holder = rusqlite::Connection::open(p.path().join("app.db")).expect("opens app.db");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("holds the write lock");
    for (given, shown) in [("700ms", "0.7 s"), ("1s", "1.0 s"), ("1", "1.0 s")] {
        let started = std::time::Instant::now();
        let run = p.run(&["upgrade", "--lock-timeout", given]);
        let waited = started.elapsed();
        run.fails(1, &["another process holds a write lock", shown]);
        assert!(
            waited >= std::time::Duration::from_millis(600) && waited.as_secs() < 10,
            "--lock-timeout {given} waited {waited:?}"
        );
    }
    holder.execute_batch("ROLLBACK").expect("releases the lock");
    p.run(&["upgrade", "--lock-timeout", "2m"]).ok();
    p.run(&["stamp", "aaaa00000001", "--lock-timeout", "1500ms"])
        .ok();
    for bad in ["2x", "-1s", "1.5s", "8d", "999999999s"] {
        p.run(&["upgrade", "--lock-timeout", bad])
            .fails(2, &["--lock-timeout"]);
    }
}

/// With `--format json`, a failure still prints one JSON document on stdout, besides the
/// text on stderr: a runtime failure, bad input and a usage error alike. A check that found
/// problems prints its own report and nothing more.
#[test]
fn json_failures_print_one_error_document() {
    let p = project();
    let document = |run: &common::Run| -> serde_json::Value {
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", run.stdout))
    };
    let bad_target = p.run(&["upgrade", "nosuchrev", "--format", "json"]);
    bad_target.fails(2, &["nosuchrev"]);
    let error = &document(&bad_target)["error"];
    assert_eq!(error["kind"], "bad_input");
    assert_eq!(error["exit_code"], 2);
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("nosuchrev")));

    std::fs::write(p.path().join("app.db"), "not a database").expect("write");
    let runtime = p.run(&["--format=json", "current"]);
    assert_eq!(runtime.code, 1, "{}", runtime.stderr);
    assert_eq!(document(&runtime)["error"]["kind"], "runtime");
    std::fs::remove_file(p.path().join("app.db")).expect("remove");

    let usage = p.run(&["--format", "json", "upgrade", "--lock-timeout", "2x"]);
    usage.fails(2, &["--lock-timeout"]);
    let error = &document(&usage)["error"];
    assert_eq!(error["kind"], "usage");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("2x")));
    let unknown = p.run(&["frobnicate", "--format=json"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert_eq!(document(&unknown)["error"]["kind"], "usage");

    let text = p.run(&["upgrade", "nosuchrev"]);
    assert_eq!(text.code, 2);
    assert!(text.stdout.is_empty(), "text mode printed {}", text.stdout);

    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    let report = document(&check);
    assert_eq!(report["ok"], false);
    assert!(report.get("error").is_none());
}

/// `db drop` asks for the database's name on a terminal and refuses without one unless
/// `--yes` is given: dropping a database by accident should be hard.
#[test]
fn db_drop_needs_the_name_typed_back_or_yes() {
    let p = project();
    p.run(&["db", "create"]).ok();
    let db = p.path().join("app.db");
    // No terminal (the tests' stdin is not one): refused, and the file stays.
    p.run(&["db", "drop"]).fails(2, &["no terminal", "--yes"]);
    assert!(db.is_file());
    // On a terminal (a pseudo-terminal made by `script`), the wrong name keeps it and the
    // right one drops it.
    let on_terminal = |typed: &str| -> std::process::Output {
        use std::io::Write as _;
        let command = format!("{} db drop", env!("CARGO_BIN_EXE_retort"));
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(p.path())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs script(1)");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("{typed}\n").as_bytes())
            .expect("types the name");
        drop(stdin);
        child.wait_with_output().expect("waits")
    };
    let wrong = on_terminal("other.db");
    let text = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(1), "{text}");
    assert!(text.contains("Type `app.db` to confirm"), "{text}");
    assert!(text.contains("was not dropped"), "{text}");
    assert!(db.is_file());
    let right = on_terminal("app.db");
    let text = String::from_utf8_lossy(&right.stdout);
    assert_eq!(right.status.code(), Some(0), "{text}");
    assert!(!db.exists(), "{text}");
}

/// A reviewed change to an applied revision is accepted with `stamp --accept-changed`: the
/// refusal and `check` name the command, it records the file's checksum as it is now (all
/// changed revisions, or only those named), and runs nothing.
#[test]
fn stamp_accept_changed_records_reviewed_changes() {
    let p = project();
    p.run(&["upgrade"]).ok();
    let edit = |name: &str, from: &str, to: &str| {
        let path = p.migrations().join(name);
        let text = std::fs::read_to_string(&path).expect("reads the revision");
        std::fs::write(&path, text.replace(from, to)).expect("edits the revision");
    };
    edit("1.toml", "varchar(255)", "varchar(320)");
    edit("2.toml", "type = \"text\"", "type = \"varchar(200)\"");
    p.run(&["upgrade"]).fails(
        2,
        &[
            "aaaa00000001",
            "aaaa00000002",
            "retort stamp --accept-changed",
        ],
    );
    let check = p.run(&["check"]);
    assert_eq!(check.code, 3);
    assert!(
        check
            .stdout
            .contains("retort stamp --accept-changed aaaa00000001"),
        "{}",
        check.stdout
    );
    let checksums = || {
        sqlite3(
            &p.path().join("app.db"),
            "SELECT revision, checksum FROM retort_version ORDER BY revision",
        )
    };
    let before = checksums();

    // Only the one named.
    let one = p
        .run(&[
            "stamp",
            "--accept-changed",
            "aaaa00000001",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(one["accepted"].as_array().map(Vec::len), Some(1), "{one}");
    assert_eq!(one["accepted"][0]["revision"], "aaaa00000001");
    let after_one = checksums();
    assert_ne!(before, after_one);
    assert_eq!(
        before.lines().nth(1),
        after_one.lines().nth(1),
        "the other row changed"
    );
    p.run(&["upgrade"]).fails(2, &["aaaa00000002"]);

    // Then every changed one; the schema is untouched (varchar(255) stays in the database).
    let all = p.run(&["stamp", "--accept-changed"]);
    assert!(
        all.ok().contains("accepted the change to aaaa00000002"),
        "{}",
        all.stdout
    );
    // The files are accepted, but the database still has what the old files made, and
    // check says so rather than pretending the accepted change ran.
    let check = p.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 3, "{}", check.stderr);
    assert!(!check.stdout.contains("changed_file"), "{}", check.stdout);
    assert!(
        check.stdout.contains("altered_schema")
            && check.stdout.contains("alter_column users.email"),
        "{}",
        check.stdout
    );
    assert!(p.run(&["upgrade"]).ok().contains("Nothing to do"));
    assert!(p
        .run(&["stamp", "--accept-changed"])
        .ok()
        .contains("Nothing to accept"));

    // Bad input: a revision that is not applied, a plain stamp of two targets, with --purge.
    p.run(&["downgrade", "aaaa00000001"]).ok();
    p.run(&["stamp", "--accept-changed", "aaaa00000002"])
        .fails(2, &["aaaa00000002 is not applied"]);
    p.run(&["stamp", "head", "base"]).fails(2, &["one target"]);
    p.run(&["stamp", "--accept-changed", "--purge"])
        .fails(2, &["--purge"]);
}

/// Alembic's range form for offline scripts: `upgrade --sql A:B` is `--from A` to `B`,
/// `downgrade --sql B:A` goes from `B` down to `A`, and `:B` starts at base.
#[test]
fn offline_ranges_are_the_from_form() {
    let p = project();
    let same = |range: &[&str], from: &[&str]| {
        let by_range = p.run(range);
        assert_eq!(by_range.ok(), p.run(from).ok(), "{range:?} vs {from:?}");
    };
    same(
        &["upgrade", "--sql", "aaaa00000001:aaaa00000002"],
        &["upgrade", "--sql", "aaaa00000002", "--from", "aaaa00000001"],
    );
    same(
        &["upgrade", "--sql", ":aaaa00000001"],
        &["upgrade", "--sql", "aaaa00000001"],
    );
    same(
        &["downgrade", "--sql", "aaaa00000002:aaaa00000001"],
        &[
            "downgrade",
            "--sql",
            "aaaa00000001",
            "--from",
            "aaaa00000002",
        ],
    );
    let script = p.run(&["downgrade", "--sql", "aaaa00000002:base"]);
    assert!(
        script.ok().contains("DROP TABLE \"posts\""),
        "{}",
        script.stdout
    );
    assert!(
        script.stdout.contains("DROP TABLE \"users\""),
        "{}",
        script.stdout
    );
    p.run(&["upgrade", "aaaa00000001:aaaa00000002"])
        .fails(2, &["only", "--sql"]);
    p.run(&[
        "upgrade",
        "--sql",
        "aaaa00000001:aaaa00000002",
        "--from",
        "aaaa00000001",
    ])
    .fails(2, &["--from"]);
    p.run(&["upgrade", "--sql", "aaaa00000001:"])
        .fails(2, &["both sides"]);
    p.run(&["downgrade", "--sql", ":aaaa00000001"])
        .fails(2, &["both sides"]);
    assert!(!p.path().join("app.db").exists());
}
