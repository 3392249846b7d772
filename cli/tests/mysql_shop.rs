//! The sample project (examples/shop) end to end on a live MySQL/MariaDB server
//! (`RETORT_TEST_MYSQL_URL`): `db create`, `upgrade`, `current`, `check`, `downgrade`,
//! `db drop`, run as a user runs them.

mod common;

use common::run_in;
use retort_conformance::servers::{url_from_env, with_database};
use std::path::Path;

/// Copies examples/shop into a temporary directory.
fn shop_copy() -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_dir(&source, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read examples/shop") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "shop.db" {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The URL of a database of its own on the test server, or `None` (after saying so).
fn database_url(test: &str) -> Option<String> {
    let base = url_from_env("RETORT_TEST_MYSQL_URL", test)?;
    Some(with_database(
        &base,
        &format!("retort_cli_{}_{test}", std::process::id()),
    ))
}

#[test]
fn the_shop_example_migrates_up_and_down_on_mysql() {
    let Some(url) = database_url("shop") else {
        return;
    };
    let dir = shop_copy();
    let run = |args: &[&str]| {
        let mut all = vec!["--url", url.as_str()];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let _ = run(&["db", "drop", "--yes"]);
    run(&["db", "create"]).ok();
    let up = run(&["upgrade"]);
    let text = up.ok().to_string();
    for id in [
        "1f0e2d3c4b5a",
        "5cd038a8f131",
        "9a8b7c6d5e4f",
        "ab12cd34ef56",
    ] {
        assert!(text.contains(id), "upgrade did not run {id}: {text}");
    }
    let current = run(&["current"]);
    assert!(current.ok().contains("c0ffee000001"), "{}", current.stdout);
    let check = run(&["check"]);
    let checked = format!("{}{}", check.stdout, check.stderr);
    let down = run(&["downgrade", "base"]);
    down.ok();
    let after = run(&["current"]);
    assert!(after.ok().contains("<base>"), "{}", after.stdout);
    run(&["db", "drop", "--yes"]).ok();
    assert_eq!(check.code, 0, "check after upgrade: {checked}");
}
