//! `retort test` (SPEC 7) against real databases: a clean project passes; each planted
//! fault fails the right check and names its revision; the scratch databases are gone
//! after a passing run, a failing run and a SIGINT; the configured database is never
//! created. SQLite always; PostgreSQL and MariaDB with `RETORT_TEST_POSTGRES_URL` and
//! `RETORT_TEST_MYSQL_URL`.

mod common;

use common::clients::{Database, Server};
use common::{Project, Run};
use retort_conformance::servers::with_database;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Creates `users` (with an index on `email`); down: drops it.
const CREATE_USERS: &str = r#"revision = "aaaa0001"
message = "create users"
created = 2026-01-01T00:00:00Z

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = false },
]

[[upgrade]]
op = "create_index"
name = "ix_users_email"
table = "users"
columns = ["email"]

[[downgrade]]
op = "drop_table"
table = "users"
"#;

/// The second revision: `upgrade` and `downgrade` operations as given.
fn second(id: &str, parent: &str, body: &str) -> String {
    format!(
        "revision = \"{id}\"\ndown_revision = \"{parent}\"\nmessage = \"second {id}\"\n\
         created = 2026-01-02T00:00:00Z\n\n{body}"
    )
}

const ADD_NAME: &str = r#"[[upgrade]]
op = "add_column"
table = "users"
column = { name = "name", type = "varchar(100)" }

[[downgrade]]
op = "drop_column"
table = "users"
column = "name"
"#;

/// head's schema in retort's words.
const DECLARED: &str = r#"[[table]]
name = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "name", type = "varchar(100)" },
]
indexes = [{ name = "ix_users_email", columns = ["email"] }]
"#;

/// A project on `server` whose configured database does not exist (and must not be
/// created): `retort test` works beside it.
struct Gauntlet {
    project: Project,
    url: String,
}

impl Gauntlet {
    fn new(server: &Server, second_body: &str) -> Gauntlet {
        let project = Project::new();
        let url = match server {
            Server::Sqlite(_) => format!("sqlite://{}/app.db", project.path().display()),
            Server::Postgres(url) | Server::Mysql(url) => {
                with_database(url, "retort_gauntlet_never_created")
            }
        };
        project.write("0001_create_users.toml", CREATE_USERS);
        project.write(
            "0002_second.toml",
            &second("aaaa0002", "aaaa0001", second_body),
        );
        Gauntlet { project, url }
    }

    fn test(&self, args: &[&str]) -> Run {
        let mut all = vec!["--url", self.url.as_str(), "test"];
        all.extend_from_slice(args);
        self.project.run(&all)
    }

    /// `test --format json` expected to exit with `code`; its document.
    #[track_caller]
    fn report(&self, code: i32, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let run = self.test(&all);
        assert_eq!(
            run.code, code,
            "stdout: {} stderr: {}",
            run.stdout, run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not one JSON document ({e}): {}", run.stdout))
    }

    fn write_file(&self, relative: &str, text: &str) {
        let path = self.project.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("directory");
        std::fs::write(path, text).expect("written");
    }
}

/// The check called `name` of a report.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check `{name}` in {report}"))
}

fn details(check: &Value) -> String {
    check["details"].to_string()
}

/// Whether the database (or SQLite file) a redacted scratch URL names still exists.
fn exists(server: &Server, probe: &Database, url: &str) -> bool {
    let name = url
        .rsplit('/')
        .next()
        .and_then(|last| last.split('?').next())
        .unwrap_or_default();
    match server {
        Server::Sqlite(_) => std::path::Path::new(url.trim_start_matches("sqlite://")).exists(),
        Server::Postgres(_) => {
            probe
                .query(&format!(
                    "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
                ))
                .trim()
                != "0"
        }
        Server::Mysql(_) => {
            probe
                .query(&format!(
                    "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{name}'"
                ))
                .trim()
                != "0"
        }
    }
}

/// Asserts that the report's scratch databases, and the configured database, are gone.
#[track_caller]
fn assert_cleaned_up(server: &Server, probe: &Database, gauntlet: &Gauntlet, report: &Value) {
    let scratch = report["scratch_databases"].as_array().expect("a list");
    assert!(!scratch.is_empty(), "{report}");
    for url in scratch {
        let url = url.as_str().expect("a URL");
        assert!(!exists(server, probe, url), "{url} is left behind");
    }
    assert!(
        !exists(server, probe, &gauntlet.url),
        "the configured database was created"
    );
}

#[test]
fn a_clean_project_passes_and_each_planted_fault_fails_its_check() {
    let dir = tempfile::tempdir().expect("a directory");
    for server in Server::available(dir.path(), "gauntlet") {
        let probe = server.database("gauntlet_probe");

        // Clean: every check passes, test data included, and nothing is left behind.
        let clean = Gauntlet::new(&server, ADD_NAME);
        std::fs::write(clean.project.path().join("schema.toml"), DECLARED).expect("written");
        clean.write_file(
            "test_data/aaaa0002.toml",
            "[[insert]]\ntable = \"users\"\nrows = [{ id = 1, email = \"ada@example.com\" }]\n",
        );
        // A revision that names no table, as `retort revision` writes it.
        clean.project.write(
            "0003_empty.toml",
            "revision = \"aaaa0003\"\ndown_revision = \"aaaa0002\"\nmessage = \"nothing\"\n\
             created = 2026-01-03T00:00:00Z\ndowngrade = []\n",
        );
        let report = clean.report(0, &[]);
        assert_eq!(report["ok"], true, "{server:?}: {report}");
        for name in [
            "graph",
            "fresh",
            "stairway",
            "declared",
            "adopt",
            "downgrade",
            "offline",
        ] {
            assert_eq!(
                check(&report, name)["status"],
                "passed",
                "{server:?} {name}: {report}"
            );
        }
        assert_eq!(
            check(&report, "stairway")["steps"].as_array().map(Vec::len),
            Some(3)
        );
        assert_cleaned_up(&server, &probe, &clean, &report);

        // A downgrade that forgets an index.
        let forgets = Gauntlet::new(
            &server,
            "downgrade = []\n\n[[upgrade]]\nop = \"create_index\"\nname = \"ix_users_email_id\"\n\
             table = \"users\"\ncolumns = [\"email\", \"id\"]\n",
        );
        let report = forgets.report(3, &[]);
        let stairway = check(&report, "stairway");
        assert_eq!(stairway["status"], "failed", "{server:?}: {report}");
        assert_eq!(stairway["revision"], "aaaa0002");
        assert!(
            details(stairway).contains("left over: index ix_users_email_id on users"),
            "{server:?}: {stairway}"
        );
        // head → base drops the table, and the forgotten index with it.
        assert_eq!(check(&report, "downgrade")["status"], "passed", "{report}");
        assert_cleaned_up(&server, &probe, &forgets, &report);
        // The text names the revision too.
        let text = forgets.test(&[]);
        assert_eq!(text.code, 3);
        assert!(
            text.stdout
                .contains("FAILED  stairway aaaa0002 second aaaa0002"),
            "{}",
            text.stdout
        );
        assert!(text.stdout.contains("test FAILED."), "{}", text.stdout);

        // A downgrade that drops a column the upgrade did not add.
        let drops = Gauntlet::new(
            &server,
            "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\n\
             column = { name = \"name\", type = \"varchar(100)\" }\n\n\
             [[downgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"name\"\n\n\
             [[downgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"email\"\n",
        );
        let report = drops.report(3, &[]);
        let stairway = check(&report, "stairway");
        assert_eq!(stairway["revision"], "aaaa0002", "{server:?}: {report}");
        assert!(
            details(stairway).contains("missing: column users.email"),
            "{stairway}"
        );

        // Two heads fail the graph check, unless --heads allows them.
        let heads = Gauntlet::new(&server, ADD_NAME);
        heads.project.write(
            "0003_other.toml",
            &second(
                "aaaa0003",
                "aaaa0001",
                "[[upgrade]]\nop = \"create_table\"\ntable = \"other\"\n\
                 columns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n\
                 [[downgrade]]\nop = \"drop_table\"\ntable = \"other\"\n",
            ),
        );
        let report = heads.report(3, &[]);
        let graph = check(&report, "graph");
        assert_eq!(graph["status"], "failed");
        assert!(
            graph["message"]
                .as_str()
                .is_some_and(|m| m.contains("aaaa0002") && m.contains("aaaa0003")),
            "{graph}"
        );
        assert_eq!(heads.report(0, &["--heads"])["ok"], true);

        // A revision that fails on a table holding the test rows (fresh passes: no rows).
        let rows = Gauntlet::new(
            &server,
            "[[upgrade]]\nop = \"create_index\"\nname = \"ux_users_email\"\ntable = \"users\"\n\
             columns = [\"email\"]\nunique = true\n\n\
             [[downgrade]]\nop = \"drop_index\"\nname = \"ux_users_email\"\ntable = \"users\"\n",
        );
        rows.write_file(
            "test_data/aaaa0002.toml",
            "[[insert]]\ntable = \"users\"\nrows = [\n  { id = 1, email = \"same@example.com\" },\n  \
             { id = 2, email = \"same@example.com\" },\n]\n",
        );
        let report = rows.report(3, &[]);
        assert_eq!(check(&report, "fresh")["status"], "passed", "{report}");
        let stairway = check(&report, "stairway");
        assert_eq!(stairway["revision"], "aaaa0002", "{server:?}: {report}");
        assert!(
            stairway["message"]
                .as_str()
                .is_some_and(|m| m.contains("failed to upgrade")),
            "{stairway}"
        );
        assert_cleaned_up(&server, &probe, &rows, &report);

        // A schema.toml that disagrees with head.
        let declared = Gauntlet::new(&server, ADD_NAME);
        let disagreeing = DECLARED.replace(
            "  { name = \"name\", type = \"varchar(100)\" },\n",
            "  { name = \"name\", type = \"varchar(100)\" },\n  { name = \"age\", type = \"integer\" },\n",
        );
        std::fs::write(declared.project.path().join("schema.toml"), disagreeing).expect("written");
        let report = declared.report(3, &[]);
        let found = check(&report, "declared");
        assert_eq!(found["status"], "failed", "{server:?}: {report}");
        assert!(
            details(found).contains("missing: column users.age"),
            "{found}"
        );
        assert_eq!(check(&report, "stairway")["status"], "passed", "{report}");
    }
}

#[test]
fn irreversible_revisions_are_applied_not_failed_and_junit_is_written() {
    let project = Gauntlet::new(
        &Server::Sqlite(std::path::PathBuf::new()),
        "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\n\
         column = { name = \"name\", type = \"varchar(100)\" }\n",
    );
    let junit = project.project.path().join("report.xml");
    let junit_arg = junit.display().to_string();
    let report = project.report(0, &["--junit", &junit_arg]);
    let stairway = check(&report, "stairway");
    assert_eq!(stairway["steps"][1]["outcome"], "irreversible", "{report}");
    let downgrade = check(&report, "downgrade");
    assert_eq!(downgrade["status"], "skipped");
    assert!(
        downgrade["message"]
            .as_str()
            .is_some_and(|m| m.contains("aaaa0002")),
        "{downgrade}"
    );
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    assert!(
        xml.contains("<testsuite name=\"retort test\" tests=\"9\" failures=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("classname=\"retort.stairway\" name=\"aaaa0002 second aaaa0002\""),
        "{xml}"
    );

    // A relative path is relative to where retort was started, as every path given to it.
    let sub = project.project.path().join("sub");
    std::fs::create_dir_all(&sub).expect("a subdirectory");
    common::run_in(
        &sub,
        &["--url", &project.url, "test", "-q", "--junit", "rel.xml"],
    )
    .ok();
    assert!(sub.join("rel.xml").exists());
    assert!(!project.project.path().join("rel.xml").exists());
}

#[test]
fn since_starts_the_stairway_at_a_revision() {
    let project = Gauntlet::new(&Server::Sqlite(std::path::PathBuf::new()), ADD_NAME);
    let report = project.report(0, &["--since", "aaaa0002"]);
    let steps = check(&report, "stairway")["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(steps.len(), 1, "{report}");
    assert_eq!(steps[0]["revision"], "aaaa0002");
    project
        .test(&["--since", "nope"])
        .fails(2, &["--since nope"]);
}

#[test]
fn bad_input_and_an_unreachable_server_stop_before_any_check() {
    let project = Gauntlet::new(&Server::Sqlite(std::path::PathBuf::new()), ADD_NAME);
    project.write_file(
        "test_data/ffff9999.toml",
        "[[insert]]\ntable = \"users\"\nrows = [{ id = 1 }]\n",
    );
    project
        .test(&[])
        .fails(2, &["ffff9999.toml", "no revision has the id `ffff9999`"]);
    std::fs::remove_file(project.project.path().join("test_data/ffff9999.toml")).expect("removed");

    let unreachable = project.project.run(&[
        "--url",
        "postgres://someone:hunter2@127.0.0.1:1/app",
        "test",
    ]);
    unreachable.fails(1, &["cannot create the scratch database"]);
    assert!(
        !unreachable.stderr.contains("hunter2"),
        "{}",
        unreachable.stderr
    );
    assert!(
        !unreachable.stdout.contains("hunter2"),
        "{}",
        unreachable.stdout
    );
}

#[test]
fn sigint_in_the_middle_drops_the_scratch_databases() {
    let dir = tempfile::tempdir().expect("a directory");
    for server in Server::available(dir.path(), "gauntlet_sigint") {
        if matches!(server, Server::Sqlite(_)) {
            continue;
        }
        let probe = server.database("gauntlet_sigint_probe");
        let gauntlet = Gauntlet::new(&server, ADD_NAME);
        for n in 3..40 {
            gauntlet.project.write(
                &format!("{n:04}_t.toml"),
                &format!(
                    "revision = \"bbbb{n:04}\"\ndown_revision = \"{}\"\nmessage = \"table {n}\"\n\
                     created = 2026-01-03T00:00:00Z\n\n[[upgrade]]\nop = \"create_table\"\n\
                     table = \"t{n}\"\ncolumns = [{{ name = \"id\", type = \"bigint\", primary_key = true }}]\n\n\
                     [[downgrade]]\nop = \"drop_table\"\ntable = \"t{n}\"\n",
                    if n == 3 { "aaaa0002".to_string() } else { format!("bbbb{:04}", n - 1) }
                ),
            );
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_retort"))
            .args(["--url", &gauntlet.url, "-v", "test"])
            .current_dir(gauntlet.project.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("retort starts");
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        // Interrupt once the stairway is under way.
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line.expect("a line");
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("stairway bbbb0004") {
                break;
            }
        }
        let pid = child.id().to_string();
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill runs");
        let output = child.wait_with_output().expect("retort ends");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(
            output.status.code(),
            Some(130),
            "{server:?}: {seen} {stderr}"
        );
        assert!(
            stderr.contains("interrupted: the scratch databases were dropped"),
            "{stderr}"
        );
        let created: Vec<&str> = stderr
            .lines()
            .filter_map(|line| line.strip_prefix("created the scratch database "))
            .collect();
        assert!(created.len() >= 2, "{stderr}");
        for url in created {
            assert!(
                !exists(&server, &probe, url),
                "{server:?}: {url} is left behind"
            );
        }
    }
}

#[test]
fn keep_leaves_the_scratch_databases_and_prints_where_they_are() {
    let project = Gauntlet::new(&Server::Sqlite(std::path::PathBuf::new()), ADD_NAME);
    let report = project.report(0, &["--keep"]);
    assert_eq!(report["kept"], true, "{report}");
    let kept: Vec<String> = report["scratch_databases"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|url| url.as_str())
        .map(|url| url.trim_start_matches("sqlite://").to_string())
        .collect();
    assert_eq!(kept.len(), 4, "{report}");
    for path in &kept {
        assert!(std::path::Path::new(path).exists(), "{path} is gone");
    }
    let text = project.test(&["--keep"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("kept the scratch database sqlite://"),
        "{}",
        text.stdout
    );
    for path in kept {
        if let Some(dir) = std::path::Path::new(&path).parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    for line in text.stdout.lines() {
        if let Some(url) = line.strip_prefix("kept the scratch database sqlite://") {
            if let Some(dir) = std::path::Path::new(url).parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}
