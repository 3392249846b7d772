//! Irreversible revisions: a revision without a downgrade section cannot be downgraded; an
//! explicit empty downgrade means "nothing to undo". On a real SQLite file.

mod common;

use common::Project;

const USERS: &str = "revision = \"aaaa00000001\"\nmessage = \"create users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n";

/// `aaaa00000002`: creates `posts`, with no downgrade section at all.
const POSTS_TOML: &str = "revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\nmessage = \"create posts\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"posts\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n";

/// The same in SQL, without a `-- retort:downgrade` marker.
const POSTS_SQL: &str = "-- retort:revision aaaa00000002\n-- retort:down_revision aaaa00000001\n-- retort:message create posts\n\n-- retort:upgrade\nCREATE TABLE posts (id INTEGER PRIMARY KEY);\n";

fn tables(p: &Project) -> Vec<String> {
    let conn = rusqlite::Connection::open(p.path().join("app.db")).expect("opens app.db");
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

fn applied(p: &Project) -> serde_json::Value {
    p.run(&["current", "--format", "json"]).json()["applied"].clone()
}

/// Absent refuses (exit 2, naming the revision and the ways out, nothing changed); adding
/// an explicit empty downgrade is no change to the applied file, and then downgrading
/// works and has nothing to undo.
fn absent_refuses_and_empty_is_allowed(file: &str, irreversible: &str, made_reversible: &str) {
    let p = Project::new();
    p.write("1.toml", USERS);
    let path = p.write(file, irreversible);
    p.run(&["upgrade"]).ok();
    let before = std::fs::read(p.path().join("app.db")).expect("reads app.db");

    for command in [
        &["downgrade", "base"][..],
        &["downgrade", "-1"],
        &["downgrade", "base", "--dry-run"],
        &["downgrade", "base", "--sql"],
    ] {
        let run = p.run(command);
        run.fails(
            2,
            &[
                "aaaa00000002",
                file,
                "irreversible",
                "Nothing was run",
                "retort stamp",
            ],
        );
        assert!(
            !run.stdout.contains("downgrade aaaa00000002"),
            "`{}` reported a downgrade: {}",
            command.join(" "),
            run.stdout
        );
    }
    assert_eq!(
        std::fs::read(p.path().join("app.db")).expect("reads app.db"),
        before,
        "a refused downgrade changed the database"
    );
    assert_eq!(
        applied(&p),
        serde_json::json!(["aaaa00000001", "aaaa00000002"])
    );
    let shown = p.run(&["show", "aaaa00000002"]);
    assert!(
        shown.ok().contains("Downgrade: none (irreversible)"),
        "{}",
        shown.stdout
    );

    // Made reversible with an explicit empty downgrade: not a changed file.
    std::fs::write(&path, made_reversible).expect("rewrites the revision");
    p.run(&["check"]).ok();
    assert!(p.run(&["upgrade"]).ok().contains("Nothing to do"));
    let down = p.run(&["downgrade", "-1"]);
    assert!(
        down.ok().contains("downgrade aaaa00000002, create posts"),
        "{}",
        down.stdout
    );
    assert_eq!(applied(&p), serde_json::json!(["aaaa00000001"]));
    // Nothing to undo: the table stays.
    assert!(tables(&p).contains(&"posts".to_string()));
}

#[test]
fn a_toml_revision_without_downgrade_is_irreversible() {
    absent_refuses_and_empty_is_allowed(
        "2.toml",
        POSTS_TOML,
        &POSTS_TOML.replace(
            "message = \"create posts\"\n",
            "message = \"create posts\"\ndowngrade = []\n",
        ),
    );
}

#[test]
fn a_sql_revision_without_downgrade_is_irreversible() {
    absent_refuses_and_empty_is_allowed(
        "2.sql",
        POSTS_SQL,
        &format!("{POSTS_SQL}\n-- retort:downgrade\n-- nothing to undo\n"),
    );
}

#[test]
fn a_downgrade_that_stops_below_an_irreversible_revision_runs() {
    let p = Project::new();
    p.write(
        "1.toml",
        POSTS_TOML
            .replace("aaaa00000002", "aaaa00000000")
            .replace("down_revision = \"aaaa00000001\"\n", "")
            .as_str(),
    );
    p.write(
        "2.toml",
        &USERS.replace(
            "revision = \"aaaa00000001\"\n",
            "revision = \"aaaa00000001\"\ndown_revision = \"aaaa00000000\"\n",
        ),
    );
    p.run(&["upgrade"]).ok();
    p.run(&["downgrade", "-1"]).ok();
    assert_eq!(applied(&p), serde_json::json!(["aaaa00000000"]));
    p.run(&["downgrade", "base"])
        .fails(2, &["aaaa00000000", "irreversible"]);
}

#[test]
fn new_revisions_and_merges_are_written_reversible() {
    let p = Project::new();
    let toml = p.revision("aaaa00000001", &[]);
    let sql = p.revision("aaaa00000002", &["--sql"]);
    p.revision("bbbb00000002", &["--head", "aaaa00000001", "--splice"]);
    p.run(&["merge", "heads", "-m", "join", "--rev-id", "cccc00000003"])
        .ok();
    let text = std::fs::read_to_string(p.path().join(&toml)).expect("reads the new file");
    assert!(text.contains("\ndowngrade = []\n"), "{text}");
    let text = std::fs::read_to_string(p.path().join(&sql)).expect("reads the new file");
    assert!(text.contains("\n-- retort:downgrade\n"), "{text}");
    p.run(&["upgrade", "heads"]).ok();
    let down = p.run(&["downgrade", "base"]);
    assert!(
        down.ok().contains("downgrade cccc00000003, join"),
        "{}",
        down.stdout
    );
    assert_eq!(applied(&p), serde_json::json!([]));
}
