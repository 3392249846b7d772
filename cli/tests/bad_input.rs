//! Bad input touches nothing (SPEC 7): a run stopped by a malformed revision file, an
//! invalid configuration or a malformed URL exits 2, names the problem, and leaves the
//! database (or the missing SQLite file) and the project directory as they were.

mod common;

use common::{run_in, Project};

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

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
