//! Checksums (SPEC 5): what runs decides the checksum; layout, comments and line endings
//! do not.

use retort_core::checksum::{sql_checksum, toml_checksum};
use retort_core::revision::sql_file::parse_sql_revision;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::sql::DialectSyntaxes;
use std::path::Path;

const TOML: &str = r#"revision = "5cd038a8f131"
message = "create users"

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "email", type = "varchar(255)", nullable = false },
]

[[upgrade]]
op = "execute"
sql = """
INSERT INTO users (id, email) VALUES (1, 'a@b');
"""

[[downgrade]]
op = "drop_table"
table = "users"
"#;

const SQL: &str = "-- retort:revision 9a8b7c6d5e4f\n-- retort:message backfill\n\n-- retort:upgrade\nUPDATE users SET name = 'x y' WHERE id = 1;\nSELECT 1;\n\n-- retort:downgrade\nUPDATE users SET name = NULL;\n";

fn toml_sum(text: &str) -> String {
    toml_checksum(
        &parse_toml_revision(Path::new("r.toml"), text).expect("valid TOML revision"),
        &DialectSyntaxes::new(),
    )
}

fn sql_sum(text: &str) -> String {
    sql_checksum(&parse_sql_revision(Path::new("r.sql"), text).expect("valid SQL revision"))
}

#[test]
fn a_checksum_is_sha256_hex() {
    let sum = toml_sum(TOML);
    assert!(sum.starts_with("sha256:") && sum.len() == 7 + 64, "{sum}");
    assert!(sql_sum(SQL).starts_with("sha256:"));
}

#[test]
fn toml_reformatting_comments_and_crlf_do_not_change_it() {
    let original = toml_sum(TOML);
    let reformatted = r#"# a comment
revision = "5cd038a8f131"   # same id
message = "create users"

[[upgrade]]
table = "users"
op = "create_table"
columns = [{ name = "id", type = "BIGINT", primary_key = true, nullable = true }, { email_is_next = 0 }]

[[upgrade]]
op = "execute"
sql = "INSERT INTO users (id, email)\n   VALUES (1, 'a@b'); -- seeded"

[[downgrade]]
op = "drop_table"
table = "users"
"#
    .replace(", { email_is_next = 0 }", ", { name = \"email\", nullable = false, type = \"varchar( 255 )\" }");
    assert_eq!(
        toml_sum(&reformatted),
        original,
        "key order, spacing, defaults, type spelling, SQL layout"
    );
    assert_eq!(
        toml_sum(&TOML.replace('\n', "\r\n")),
        original,
        "CRLF checkout"
    );
    // The message and other header fields are not what runs.
    assert_eq!(
        toml_sum(&TOML.replace("create users", "Create the users table")),
        original
    );
}

#[test]
fn toml_changes_to_what_runs_change_it() {
    let original = toml_sum(TOML);
    for (from, to) in [
        ("varchar(255)", "varchar(256)"),
        ("nullable = false", "nullable = true"),
        ("table = \"users\"\ncolumns", "table = \"people\"\ncolumns"),
        ("'a@b'", "'a@c'"),
        ("'a@b'", "'a@b '"),
        (
            "op = \"drop_table\"\ntable = \"users\"",
            "op = \"drop_table\"\ntable = \"user\"",
        ),
    ] {
        let changed = TOML.replacen(from, to, 1);
        assert_ne!(changed, TOML, "replacement {from} applied");
        assert_ne!(toml_sum(&changed), original, "{from} -> {to}");
    }
}

#[test]
fn sql_layout_comments_and_crlf_do_not_change_it() {
    let original = sql_sum(SQL);
    let relaid = "-- retort:revision 9a8b7c6d5e4f\n-- retort:message backfill, reworded\n-- a note\n-- retort:upgrade\n  UPDATE users\n     SET name = 'x y'  -- why\n   WHERE id = 1;\n/* block */ SELECT 1;\n-- retort:downgrade\nUPDATE users SET name = NULL;";
    assert_eq!(sql_sum(relaid), original);
    assert_eq!(sql_sum(&SQL.replace('\n', "\r\n")), original);
}

#[test]
fn sql_changes_to_what_runs_change_it() {
    let original = sql_sum(SQL);
    for (from, to) in [
        ("'x y'", "'x  y'"),
        ("id = 1", "id = 2"),
        ("SELECT 1;\n", ""),
        ("SET name = NULL", "SET name = ''"),
    ] {
        let changed = SQL.replacen(from, to, 1);
        assert_ne!(sql_sum(&changed), original, "{from} -> {to}");
    }
    // Moving a statement from upgrade to downgrade changes it too.
    let moved = SQL.replace(
        "SELECT 1;\n\n-- retort:downgrade\n",
        "\n-- retort:downgrade\nSELECT 1;\n",
    );
    assert_ne!(sql_sum(&moved), original);
}

#[test]
fn an_absent_downgrade_and_an_empty_one_have_the_same_checksum() {
    // Adding `downgrade = []` to an applied revision, to make it reversible, is no change.
    let irreversible = TOML
        .split("[[downgrade]]")
        .next()
        .expect("text")
        .to_string();
    let empty = irreversible.replacen(
        "message = \"create users\"\n",
        "message = \"create users\"\ndowngrade = []\n",
        1,
    );
    let absent = parse_toml_revision(Path::new("r.toml"), &irreversible).expect("valid");
    let explicit = parse_toml_revision(Path::new("r.toml"), &empty).expect("valid");
    assert_eq!(absent.downgrade, None);
    assert_eq!(explicit.downgrade, Some(Vec::new()));
    assert_eq!(toml_sum(&irreversible), toml_sum(&empty));
    assert_ne!(toml_sum(&irreversible), toml_sum(TOML));

    let sql_irreversible = SQL.split("-- retort:downgrade").next().expect("text");
    let sql_empty = format!("{sql_irreversible}-- retort:downgrade\n-- nothing to undo\n");
    let absent = parse_sql_revision(Path::new("r.sql"), sql_irreversible).expect("valid");
    let explicit = parse_sql_revision(Path::new("r.sql"), &sql_empty).expect("valid");
    assert_eq!(absent.downgrade, None);
    assert_eq!(explicit.downgrade, Some(Vec::new()));
    assert_eq!(sql_sum(sql_irreversible), sql_sum(&sql_empty));
    assert_ne!(sql_sum(sql_irreversible), sql_sum(SQL));
}
