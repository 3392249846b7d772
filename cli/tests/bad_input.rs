//! Bad input touches nothing (SPEC 7): a run stopped by a malformed revision file, an
//! invalid configuration or a malformed URL exits 2, names the problem, and leaves the
//! database (or the missing SQLite file) and the project directory as they were.

mod common;

use common::{run_in, Project};

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

/// A second revision, `aaaa00000002` on top of `USERS`, whose body is `body`.
fn second(body: &str) -> String {
    format!("revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"two\"\n\n{body}")
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
