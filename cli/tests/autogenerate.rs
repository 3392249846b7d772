//! `retort diff --from files` and `retort revision --autogenerate --from files`: the
//! Alembic loop of editing schema.toml, generating a revision, applying it, and going back,
//! on a real SQLite database.

mod common;

use common::Project;

const SHOP: &str = r#"
[[table]]
name = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false },
]
indexes = [{ name = "ix_users_email", columns = ["email"], unique = true }]

[[table]]
name = "orders"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint", nullable = false },
]
foreign_keys = [{ columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "cascade" }]
"#;

fn project_declaring(schema: &str) -> Project {
    let project = Project::new();
    std::fs::write(project.path().join("schema.toml"), schema).expect("write schema.toml");
    project
}

/// The tables of the project's SQLite database (`app.db`, as `retort init` configures it).
fn tables(project: &Project) -> Vec<String> {
    let connection = rusqlite::Connection::open(project.path().join("app.db")).expect("open");
    let mut statement = connection
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .expect("prepare");
    let names = statement
        .query_map([], |row| row.get::<_, String>(0))
        .expect("query");
    names.map(|name| name.expect("a name")).collect()
}

#[test]
fn diff_prints_operations_and_sql_then_nothing_once_a_generated_revision_exists() {
    let project = project_declaring(SHOP);
    let before = project.run(&["diff", "--from", "files"]);
    let text = before.ok();
    assert!(text.contains("create_table users"), "{text}");
    assert!(text.contains("CREATE TABLE \"orders\""), "{text}");
    // Referenced tables first.
    assert!(text.find("create_table users") < text.find("create_table orders"));

    let json = project
        .run(&["diff", "--from", "files", "--format", "json"])
        .json();
    assert_eq!(json["operations"][0]["op"], "create_table");
    assert!(json["sql"].as_array().is_some_and(|sql| sql.len() >= 3));
    assert!(json["warnings"].as_array().is_some_and(Vec::is_empty));

    let written = project.run(&[
        "revision",
        "--autogenerate",
        "--from",
        "files",
        "-m",
        "baseline",
    ]);
    assert!(
        written.ok().contains("_baseline.toml"),
        "{}",
        written.stdout
    );
    let after = project.run(&["diff", "--from", "files"]);
    assert!(after.ok().contains("No differences"), "{}", after.stdout);
    let again = project.run(&[
        "revision",
        "--autogenerate",
        "--from",
        "files",
        "-m",
        "again",
    ]);
    assert!(again.ok().contains("No changes"), "{}", again.stdout);
    assert_eq!(
        project.history_ids().len(),
        1,
        "no second revision is written"
    );
}

#[test]
fn generated_revisions_apply_and_undo_on_the_database() {
    let project = project_declaring(SHOP);
    project
        .run(&[
            "revision",
            "--autogenerate",
            "--from",
            "files",
            "-m",
            "baseline",
        ])
        .ok();
    project.run(&["upgrade"]).ok();
    assert_eq!(tables(&project), ["orders", "retort_version", "users"]);

    // Edit the declaration: a new NOT NULL column without default, and a renamed table.
    let edited = SHOP
        .replace(
            "{ name = \"email\", type = \"varchar(255)\", nullable = false },",
            "{ name = \"email\", type = \"varchar(255)\", nullable = false },\n  \
             { name = \"age\", type = \"integer\", nullable = false },",
        )
        .replace(
            "name = \"orders\"",
            "name = \"purchases\"\nrenamed_from = \"orders\"",
        );
    std::fs::write(project.path().join("schema.toml"), edited).expect("write schema.toml");
    let generated = project.run(&["revision", "--autogenerate", "--from", "files", "-m", "age"]);
    generated.ok();
    assert!(
        generated
            .stderr
            .contains("warning: adds NOT NULL column `age` without a default"),
        "{}",
        generated.stderr
    );
    let file = project.path().join(generated.stdout.trim());
    let text = std::fs::read_to_string(&file).expect("the generated revision");
    assert!(text.contains("op = \"rename_table\""), "{text}");
    assert!(text.contains("op = \"add_column\""), "{text}");
    assert!(text.contains("op = \"drop_column\""), "{text}");
    // The warning travels with the file, for the reviewer.
    assert!(
        text.contains("# - adds NOT NULL column `age` without a default"),
        "{text}"
    );

    project.run(&["upgrade"]).ok();
    assert_eq!(tables(&project), ["purchases", "retort_version", "users"]);
    project.run(&["downgrade", "-1"]).ok();
    assert_eq!(tables(&project), ["orders", "retort_version", "users"]);
    project.run(&["downgrade", "base"]).ok();
    assert_eq!(tables(&project), ["retort_version"]);
}

#[test]
fn what_cannot_be_compared_is_refused_with_where_and_why() {
    let empty = Project::new();
    empty
        .run(&["diff", "--from", "files"])
        .fails(2, &["schema.toml declares no table"]);

    let malformed = project_declaring(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integr\" }]\n",
    );
    malformed
        .run(&["diff", "--from", "files"])
        .fails(2, &["schema.toml:3:", "integr"]);

    let with_sql = project_declaring(SHOP);
    with_sql.write(
        "1.sql",
        "-- retort:revision aaaa00000001\n-- retort:upgrade\nCREATE TABLE t (a INTEGER);\n-- retort:downgrade\nDROP TABLE t;\n",
    );
    with_sql
        .run(&["revision", "--autogenerate", "--from", "files", "-m", "x"])
        .fails(2, &["migrations/1.sql", "plain SQL", "--from db"]);
    assert_eq!(with_sql.history_ids().len(), 1, "nothing is written");
}
