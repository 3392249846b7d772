//! Relative targets that move the wrong way (`upgrade -2`, `downgrade +2`) or nowhere
//! (`+0`, `-0`) are bad input named as typed, and change nothing; on SQLite.

mod common;

use common::Project;

fn revision(n: u32) -> String {
    let parent = if n == 1 {
        String::new()
    } else {
        format!("down_revision = \"aaaa0000000{}\"\n", n - 1)
    };
    format!(
        "revision = \"aaaa0000000{n}\"\n{parent}message = \"table {n}\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t{n}\"\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"t{n}\"\n"
    )
}

fn project() -> Project {
    let p = Project::new();
    for n in 1..=4 {
        p.write(&format!("{n}.toml"), &revision(n));
    }
    p
}

fn heads(p: &Project) -> serde_json::Value {
    p.run(&["current", "--format", "json"]).json()["heads"].clone()
}

#[test]
fn a_relative_target_that_moves_the_wrong_way_is_bad_input_named_as_typed() {
    let p = project();
    p.run(&["upgrade", "aaaa00000002"]).ok();
    let at = serde_json::json!(["aaaa00000002"]);

    p.run(&["upgrade", "-2"]).fails(
        2,
        &["upgrade target `-2` moves down; use `retort downgrade -2`"],
    );
    p.run(&["upgrade", "-1", "--dry-run"])
        .fails(2, &["upgrade target `-1` moves down"]);
    p.run(&["upgrade", "-1", "--sql"])
        .fails(2, &["upgrade target `-1` moves down"]);
    p.run(&["downgrade", "+2"]).fails(
        2,
        &["downgrade target `+2` moves up; use `retort upgrade +2`"],
    );
    p.run(&["downgrade", "+1", "--sql"])
        .fails(2, &["downgrade target `+1` moves up"]);
    assert_eq!(heads(&p), at, "a refused target changed nothing");

    // Steps of zero go nowhere: bad input too, whichever way.
    for (command, step) in [
        ("upgrade", "+0"),
        ("upgrade", "-0"),
        ("downgrade", "-0"),
        ("downgrade", "+0"),
    ] {
        p.run(&[command, step]).fails(
            2,
            &[&format!(
                "`{step}`: a relative step needs a whole number from 1 on"
            )],
        );
    }
    assert_eq!(heads(&p), at);
    // ... and found before the database is read: a row without a file does not hide them.
    let conn = rusqlite::Connection::open(p.path().join("app.db")).expect("open app.db");
    conn.execute(
        "INSERT INTO retort_version VALUES ('bbbb99999999', 'sha256:00', '2026-12-01T00:00:00Z', 0, 'applied', NULL)",
        [],
    )
    .expect("insert a row");
    p.run(&["upgrade", "+0"])
        .fails(2, &["`+0`: a relative step needs a whole number from 1 on"]);
    p.run(&["upgrade", "-1"])
        .fails(2, &["upgrade target `-1` moves down"]);
    conn.execute(
        "DELETE FROM retort_version WHERE revision = 'bbbb99999999'",
        [],
    )
    .expect("delete the row");

    // The right way still works, and REV-N names a place either command may reach.
    p.run(&["upgrade", "+2"]).ok();
    assert_eq!(heads(&p), serde_json::json!(["aaaa00000004"]));
    p.run(&["downgrade", "-1"]).ok();
    p.run(&["downgrade", "aaaa00000004-2"]).ok();
    assert_eq!(heads(&p), at);
    p.run(&["upgrade", "aaaa00000004-1"]).ok();
    assert_eq!(heads(&p), serde_json::json!(["aaaa00000003"]));
}

#[test]
fn a_wrong_way_target_on_a_new_project_creates_no_database() {
    let p = project();
    p.run(&["upgrade", "-1"])
        .fails(2, &["upgrade target `-1` moves down"]);
    assert!(
        !p.path().join("app.db").exists(),
        "bad input must not create the SQLite file"
    );
}
