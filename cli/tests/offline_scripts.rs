//! Offline scripts (`--sql`) run by each database's own client, as a DBA runs them: they
//! check where they start and stop before changing anything on the wrong database, and
//! the values they write read back byte for byte. SQLite always; PostgreSQL and MariaDB
//! with `RETORT_TEST_POSTGRES_URL` and `RETORT_TEST_MYSQL_URL`.

mod common;

use common::clients::{Database, Server};
use common::Project;

/// Three revisions in a line, each creating (and dropping on the way down) a table.
fn three_tables() -> Project {
    let p = Project::new();
    for n in 1..=3 {
        let down = if n > 1 {
            format!("down_revision = \"aaaa0000000{}\"\n", n - 1)
        } else {
            String::new()
        };
        p.write(
            &format!("{n}.toml"),
            &format!(
                "revision = \"aaaa0000000{n}\"\n{down}message = \"t{n}\"\n\n\
                 [[upgrade]]\nop = \"create_table\"\ntable = \"t{n}\"\n\
                 columns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n\
                 [[downgrade]]\nop = \"drop_table\"\ntable = \"t{n}\"\n"
            ),
        );
    }
    p
}

/// What a script must not change: the tables and the version table's rows.
fn state(db: &Database) -> String {
    let tables = db.tables();
    let rows = if tables.lines().any(|t| t == "retort_version") {
        db.query("SELECT revision, state FROM retort_version ORDER BY revision")
    } else {
        String::new()
    };
    format!("{tables}--\n{rows}")
}

/// Runs `script` and asserts that it ran to the end.
#[track_caller]
fn runs(db: &Database, script: &str) {
    let output = db.run_script(script);
    assert!(
        output.status.success(),
        "{}: the script failed: {}",
        db.url(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `script` and asserts that the client stopped with `message`, nothing changed.
#[track_caller]
fn stops(db: &Database, script: &str, message: &str) {
    let before = state(db);
    let output = db.run_script(script);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "{}: the script ran on the wrong database",
        db.url()
    );
    assert!(stderr.contains(message), "{}: {stderr}", db.url());
    assert_eq!(
        state(db),
        before,
        "{}: the script changed something",
        db.url()
    );
}

fn sql(p: &Project, db: &Database, args: &[&str]) -> String {
    let url = db.url();
    let mut all = vec!["--url", url.as_str()];
    all.extend_from_slice(args);
    p.run(&all).ok().to_string()
}

#[test]
fn offline_scripts_stop_on_a_database_that_is_not_where_they_start() {
    let p = three_tables();
    for server in Server::available(p.path(), "offline_scripts_check_where_they_start") {
        let db = server.database("offline_start");
        let url = db.url();
        let applied = |ids: &[&str]| {
            let rows: Vec<String> = ids.iter().map(|id| format!("{id}|applied\n")).collect();
            rows.concat()
        };
        let base = sql(&p, &db, &["upgrade", "--sql"]);
        let from_1 = sql(&p, &db, &["upgrade", "--sql", "--from", "aaaa00000001"]);
        let down = sql(
            &p,
            &db,
            &[
                "downgrade",
                "aaaa00000001",
                "--sql",
                "--from",
                "aaaa00000003",
            ],
        );

        // No version table yet: a script from a revision stops at reading it.
        stops(&db, &from_1, "retort_version");
        // At base: the script from base runs.
        runs(&db, &base);
        assert_eq!(
            db.query("SELECT revision, state FROM retort_version ORDER BY revision"),
            applied(&["aaaa00000001", "aaaa00000002", "aaaa00000003"]),
            "{url}"
        );
        // Already migrated, or at another revision than the script's.
        stops(
            &db,
            &base,
            "retort: a revision this script applies is already applied",
        );
        stops(
            &db,
            &from_1,
            "retort: a revision this script applies is already applied",
        );
        // Reverting a revision that one still applied needs.
        let down_from_2 = sql(
            &p,
            &db,
            &[
                "downgrade",
                "aaaa00000001",
                "--sql",
                "--from",
                "aaaa00000002",
            ],
        );
        stops(
            &db,
            &down_from_2,
            "retort: a revision above the script's start is applied",
        );
        // An ancestor of the starting revision is missing.
        db.query("DELETE FROM retort_version WHERE revision = 'aaaa00000002'");
        stops(
            &db,
            &down,
            "retort: revision aaaa00000003 or an ancestor is not applied",
        );
        db.query(
            "INSERT INTO retort_version (revision, checksum, applied_at, execution_ms, state) \
             VALUES ('aaaa00000002', 'sha256:0', '1970-01-01T00:00:00Z', 0, 'applied')",
        );
        // A dirty row, even of a revision the script does not know.
        db.query(
            "INSERT INTO retort_version (revision, checksum, applied_at, execution_ms, state) \
             VALUES ('ffff00000009', 'sha256:0', '1970-01-01T00:00:00Z', 0, 'dirty')",
        );
        stops(&db, &down, "retort: a revision is dirty (a run failed)");
        db.query("DELETE FROM retort_version WHERE revision = 'ffff00000009'");
        // In the right state, the downgrade runs.
        runs(&db, &down);
        assert_eq!(
            state(&db),
            format!("retort_version\nt1\n--\n{}", applied(&["aaaa00000001"])),
            "{url}"
        );
        // Going down again: what it reverts is not applied.
        stops(
            &db,
            &down,
            "retort: revision aaaa00000003 or an ancestor is not applied",
        );
        // Revisions of another branch may be there; the script from the first runs.
        db.query(
            "INSERT INTO retort_version (revision, checksum, applied_at, execution_ms, state) \
             VALUES ('ffff00000009', 'sha256:0', '1970-01-01T00:00:00Z', 0, 'applied')",
        );
        runs(&db, &from_1);
        assert_eq!(
            state(&db),
            format!(
                "retort_version\nt1\nt2\nt3\n--\n{}",
                applied(&[
                    "aaaa00000001",
                    "aaaa00000002",
                    "aaaa00000003",
                    "ffff00000009"
                ])
            ),
            "{url}"
        );
    }
}

#[test]
fn carriage_returns_and_line_feeds_survive_the_native_clients() {
    let p = Project::new();
    let values = ["a\rb", "c\r\nd", "e\nf", "\r", "g\r\n\r\nh\r\n"];
    let rows: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{{ id = {i}, body = \"{}\" }}", v.escape_default()))
        .collect();
    p.write(
        "1.toml",
        &format!(
            "revision = \"cccc00000001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"notes\"\n\
             columns = [{{ name = \"id\", type = \"integer\", primary_key = true }}, \
             {{ name = \"body\", type = \"text\" }}, \
             {{ name = \"note\", type = \"varchar(20)\", default = \"x\\r\\ny\\r\" }}]\n\n\
             [[upgrade]]\nop = \"bulk_insert\"\ntable = \"notes\"\nrows = [{}]\n",
            rows.join(", ")
        ),
    );
    let expected: String = values
        .iter()
        .map(|v| {
            let hex: String = v.bytes().map(|b| format!("{b:02x}")).collect();
            format!("{hex}\n")
        })
        .collect();
    for server in Server::available(p.path(), "carriage_returns_survive") {
        let db = server.database("offline_cr");
        runs(&db, &sql(&p, &db, &["upgrade", "--sql"]));
        let read = db.query(&format!("SELECT {} FROM notes ORDER BY id", db.hex("body")));
        assert_eq!(read, expected, "{}", db.url());
        // A default holding them, too.
        let note = db.query(&format!("SELECT DISTINCT {} FROM notes", db.hex("note")));
        assert_eq!(note, "780d0a790d\n", "{}", db.url());
    }
}

#[test]
fn a_timestamptz_with_an_offset_is_stored_in_utc_on_mysql() {
    let p = Project::new();
    p.write(
        "1.toml",
        "revision = \"eeee00000001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"events\"\n\
         columns = [{ name = \"id\", type = \"integer\", primary_key = true }, \
         { name = \"at\", type = \"timestamptz\" }]\n\n\
         [[upgrade]]\nop = \"bulk_insert\"\ntable = \"events\"\n\
         rows = [{ id = 1, at = 2026-11-21T19:40:00+02:00 }]\n",
    );
    let servers = Server::available(p.path(), "a_timestamptz_with_an_offset_is_stored_in_utc");
    let Some(server) = servers.iter().find(|s| matches!(s, Server::Mysql(_))) else {
        return;
    };
    let read = "SET time_zone = '+00:00'; SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') FROM events";
    let online = server.database("tz_online");
    p.run(&["--url", &online.url(), "upgrade"]).ok();
    assert_eq!(online.query(read), "2026-11-21 17:40:00\n");
    let offline = server.database("tz_offline");
    runs(&offline, &sql(&p, &offline, &["upgrade", "--sql"]));
    assert_eq!(offline.query(read), "2026-11-21 17:40:00\n");
}

/// `n` revisions in a line, each creating a table; revision `n` is `ffff` + `n` in hex.
fn many_tables(count: usize, broken: &[usize]) -> Project {
    let p = Project::new();
    for n in 1..=count {
        let down = if n > 1 {
            format!("down_revision = \"ffff{:08x}\"\n", n - 1)
        } else {
            String::new()
        };
        let op = if broken.contains(&n) {
            "create_tabel"
        } else {
            "create_table"
        };
        p.write(
            &format!("{n:04}.toml"),
            &format!(
                "revision = \"ffff{n:08x}\"\n{down}message = \"t{n}\"\n\n\
                 [[upgrade]]\nop = \"{op}\"\ntable = \"t{n}\"\n\
                 columns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n\
                 [[downgrade]]\nop = \"drop_table\"\ntable = \"t{n}\"\n"
            ),
        );
    }
    p
}

#[test]
fn a_long_plan_is_read_on_several_threads_and_rendered_in_order() {
    // 200 revisions: the reading is spread over threads, the script keeps the plan's order.
    let p = many_tables(200, &[]);
    let script = p.run(&["upgrade", "--sql"]).ok().to_string();
    let order: Vec<&str> = script
        .lines()
        .filter_map(|line| line.strip_prefix("-- revision "))
        .map(|line| &line[..12])
        .collect();
    let expected: Vec<String> = (1..=200).map(|n| format!("ffff{n:08x}")).collect();
    assert_eq!(order, expected);
    let down = p.run(&["downgrade", "base", "--sql"]).ok().to_string();
    assert_eq!(down.matches("DROP TABLE \"t").count(), 200);

    // Two bad files far apart (read by different threads): the first in the plan is named,
    // as when the files were read one after the other.
    let p = many_tables(200, &[150, 60]);
    let run = p.run(&["upgrade", "--sql"]);
    run.fails(2, &["0060.toml", "unknown operation `create_tabel`"]);
    assert!(!run.stderr.contains("0150.toml"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}
