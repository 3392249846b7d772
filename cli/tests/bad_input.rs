//! Bad input touches nothing (SPEC 7): a run stopped by a malformed revision file, an
//! invalid configuration or a malformed URL exits 2, names the problem, and leaves the
//! database (or the missing SQLite file) and the project directory as they were.

mod common;

use common::{run_in, Project};
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

/// A second revision, `aaaa00000002` on top of `USERS`, whose body is `body`.
fn second(body: &str) -> String {
    format!("revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"two\"\n\n{body}")
}

/// Malformed second revisions: (case, file name, text). Some are caught reading headers,
/// others only when the whole revision is read before the run.
fn malformed() -> Vec<(&'static str, &'static str, String)> {
    let table = "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\n";
    vec![
        (
            "TOML syntax error",
            "2.toml",
            second("[[upgrade]]\nop = \"create_table\ntable = \"t\"\n"),
        ),
        (
            "unknown top-level key",
            "2.toml",
            second("").replacen("message", "colour = 1\nmessage", 1),
        ),
        (
            "unknown key in an operation",
            "2.toml",
            second(&format!("{table}columns = [{{ name = \"id\", type = \"integer\" }}]\ncolour = \"blue\"\n")),
        ),
        (
            "unknown operation",
            "2.toml",
            second("[[upgrade]]\nop = \"create_tabel\"\ntable = \"t\"\n"),
        ),
        (
            "bad type",
            "2.toml",
            second(&format!("{table}columns = [{{ name = \"id\", type = \"varchar(abc)\" }}]\n")),
        ),
        (
            "bad value type",
            "2.toml",
            second(&format!("{table}columns = [{{ name = \"id\", type = \"integer\", nullable = \"no\" }}]\n")),
        ),
        (
            "duplicate id",
            "2.toml",
            USERS.replace("create users", "the same id again"),
        ),
        (
            "missing parent",
            "2.toml",
            second(&format!("{table}columns = [{{ name = \"id\", type = \"integer\" }}]\n"))
                .replace("down_revision = \"aaaa00000001\"", "down_revision = \"ffff00000000\""),
        ),
        (
            "SQL revision with an unclosed quote",
            "2.sql",
            "-- retort:revision aaaa00000002\n-- retort:down_revision aaaa00000001\n\n-- retort:upgrade\nINSERT INTO users VALUES ('x);\n\n-- retort:downgrade\n"
                .to_string(),
        ),
    ]
}

fn sqlite_tables(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("opens the SQLite file");
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("prepares");
    let names = statement
        .query_map([], |row| row.get::<_, String>(0))
        .expect("queries")
        .collect::<Result<Vec<_>, _>>()
        .expect("reads");
    names
}

#[test]
fn malformed_revisions_create_no_sqlite_file_and_change_no_database() {
    for (case, name, text) in malformed() {
        // A database that does not exist yet: the failed run must not create it.
        let fresh = Project::new();
        fresh.write("1.toml", USERS);
        fresh.write(name, &text);
        for command in [&["upgrade"][..], &["stamp", "head"]] {
            let run = fresh.run(command);
            run.fails(2, &[name]);
            assert!(
                !fresh.path().join("app.db").exists(),
                "{case}: `{}` created the SQLite file; stderr: {}",
                command.join(" "),
                run.stderr
            );
        }

        // An existing database: byte for byte as it was, and no version table.
        let existing = Project::new();
        existing.write("1.toml", USERS);
        let db = existing.path().join("app.db");
        rusqlite::Connection::open(&db)
            .and_then(|c| c.execute_batch("CREATE TABLE kept (id INTEGER PRIMARY KEY)"))
            .expect("creates the database");
        let before = std::fs::read(&db).expect("reads the database");
        existing.write(name, &text);
        existing.run(&["upgrade"]).fails(2, &[name]);
        existing.run(&["stamp", "head"]).fails(2, &[name]);
        assert_eq!(
            std::fs::read(&db).expect("reads the database"),
            before,
            "{case}: the database changed"
        );
        assert_eq!(sqlite_tables(&db), ["kept"], "{case}");
    }
}

#[test]
fn a_malformed_revision_creates_no_version_table_on_postgres() {
    let test = "a_malformed_revision_creates_no_version_table_on_postgres";
    let Some(server) = url_from_env("RETORT_TEST_POSTGRES_URL", test) else {
        return;
    };
    let name = format!("retort_bad_input_{}", std::process::id());
    let url = with_database(&server, &name);
    let parsed = DatabaseUrl::parse(&url).expect("the URL parses");
    let dialect = retort_postgres::PostgresDialect::new();
    let _ = dialect.drop_database(&parsed);
    dialect
        .create_database(&parsed)
        .expect("creates the database");

    let project = Project::new();
    project.write("1.toml", USERS);
    let (_, file, text) = malformed()
        .into_iter()
        .find(|(case, ..)| *case == "bad type")
        .expect("the case exists");
    project.write(file, &text);
    let run = project.run(&["--url", &url, "upgrade"]);
    let version_table = dialect
        .connect(&parsed)
        .and_then(|mut conn| conn.table_exists(None, "retort_version"));
    let users = dialect
        .connect(&parsed)
        .and_then(|mut conn| conn.table_exists(None, "users"));
    let _ = dialect.drop_database(&parsed);
    run.fails(2, &[file, "varchar(abc)"]);
    assert!(
        !version_table.expect("looks for the table"),
        "the version table was created"
    );
    assert!(!users.expect("looks for the table"), "a revision ran");
}

#[test]
fn an_invalid_configuration_creates_nothing_on_disk() {
    let project = Project::new();
    project.write("1.toml", USERS);
    let config = project.path().join("retort.toml");
    let text = std::fs::read_to_string(&config).expect("reads retort.toml");
    let url_line = text
        .lines()
        .find(|line| line.trim_start().starts_with("url"))
        .expect("retort init writes a url")
        .to_string();
    std::fs::write(&config, text.replace(&url_line, "url = \"\"")).expect("writes retort.toml");
    for command in [
        &["upgrade"][..],
        &["downgrade", "base"],
        &["stamp", "head"],
        &["check"],
        &["history", "-i"],
        &["current"],
        &["db", "create"],
    ] {
        project
            .run(command)
            .fails(2, &["the database URL", "is empty"]);
        assert!(
            !project.path().join(".retort").exists(),
            "`{}` created .retort/",
            command.join(" ")
        );
        assert!(!project.path().join("app.db").exists());
    }
}

#[cfg(unix)]
#[test]
fn a_revision_file_whose_name_is_not_utf8_is_an_error() {
    use std::os::unix::ffi::OsStrExt;
    let project = Project::new();
    project.write("1.toml", USERS);
    let name = std::ffi::OsStr::from_bytes(b"2_caf\xe9.toml");
    std::fs::write(
        project.migrations().join(name),
        second("[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n"),
    )
    .expect("writes the file");
    for command in [&["heads"][..], &["upgrade"], &["history"]] {
        project
            .run(command)
            .fails(2, &["2_caf\u{fffd}.toml", "not valid UTF-8"]);
    }
    assert!(!project.path().join("app.db").exists());
}

#[test]
fn an_invalid_percent_escape_in_the_url_is_a_url_error_without_the_password() {
    let project = Project::new();
    project.write("1.toml", USERS);
    let run = run_in(
        project.path(),
        &[
            "--url",
            "postgres://app:s3cr%ZZet@127.0.0.1:1/db",
            "upgrade",
        ],
    );
    run.fails(
        2,
        &[
            "database URL `postgres://app:***@127.0.0.1:1/db` is invalid",
            "the password holds a `%` that is not followed by two hex digits",
        ],
    );
    assert!(
        !run.stderr.contains("s3cr") && !run.stdout.contains("s3cr"),
        "{}",
        run.stderr
    );
}
