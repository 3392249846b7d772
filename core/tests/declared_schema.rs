//! `schema.toml`: read into the neutral model with its hints, and refused with file:line:col
//! when it is malformed, as revision files are.

use retort_core::declared::{parse_declared, read_declared};
use retort_core::diff::{diff, ExactSpelling};
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::schema::Schema;
use std::path::Path;

const SHOP: &str = r#"
ignore_tables = ["spatial_ref_sys", "legacy_*"]

[[table]]
name = "users"
comment = "people who sign in"
renamed_from = "people"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "org_id", type = "bigint", nullable = false },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "display_name", type = "varchar(100)", renamed_from = "name" },
  { name = "created_at", type = "timestamptz", nullable = false, default = { sql = "CURRENT_TIMESTAMP" } },
]
indexes = [{ name = "ix_users_email", columns = ["email"], unique = true }]
unique = [{ name = "uq_users_org_email", columns = ["org_id", "email"] }]
checks = [{ name = "ck_users_email", expr = "email <> ''" }]
foreign_keys = [{ name = "fk_users_org", columns = ["org_id"], references_table = "orgs",
                  references_columns = ["id"], on_delete = "cascade" }]

[[table]]
name = "orgs"
columns = [{ name = "id", type = "bigint", primary_key = true }]
"#;

fn parse(text: &str) -> Result<retort_core::declared::DeclaredSchema, String> {
    parse_declared(&[(Path::new("schema.toml"), text)]).map_err(|e| e.to_string())
}

#[test]
fn the_spec_example_reads_into_the_model_the_revisions_would_fold_to() {
    let declared = parse(SHOP).expect("the SPEC's example parses");
    assert_eq!(declared.ignore_tables, ["spatial_ref_sys", "legacy_*"]);
    assert_eq!(declared.table_renames["users"], "people");
    assert_eq!(
        declared.column_renames[&("users".to_string(), "display_name".to_string())],
        "name"
    );

    // The same tables written as a revision fold to the same model.
    let revision = parse_toml_revision(
        Path::new("r.toml"),
        r#"revision = "aaaa0001"

[[upgrade]]
op = "create_table"
table = "orgs"
columns = [{ name = "id", type = "bigint", primary_key = true }]

[[upgrade]]
op = "create_table"
table = "users"
comment = "people who sign in"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "org_id", type = "bigint", nullable = false },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "display_name", type = "varchar(100)" },
  { name = "created_at", type = "timestamptz", nullable = false, default = { sql = "CURRENT_TIMESTAMP" } },
]
unique = [{ name = "uq_users_org_email", columns = ["org_id", "email"] }]
checks = [{ name = "ck_users_email", expr = "email <> ''" }]
foreign_keys = [{ name = "fk_users_org", columns = ["org_id"], references_table = "orgs",
                  references_columns = ["id"], on_delete = "cascade" }]

[[upgrade]]
op = "create_index"
name = "ix_users_email"
table = "users"
columns = ["email"]
unique = true
"#,
    )
    .expect("the revision parses");
    let (folded, _) = Schema::fold(&revision.upgrade).expect("the revision folds");
    assert_eq!(folded, declared.schema);
    let nothing = diff(
        &folded,
        &declared.schema,
        &declared.diff_options(),
        &ExactSpelling,
    );
    assert!(nothing.is_empty(), "{:?}", nothing.operations);
}

#[track_caller]
fn refused(text: &str, expected: &[&str]) {
    let message = parse(text).expect_err("must be refused");
    for fragment in expected {
        assert!(
            message.contains(fragment),
            "`{fragment}` missing from: {message}"
        );
    }
}

#[test]
fn malformed_declarations_are_refused_with_their_location() {
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\", colour = 1 }]\n",
        &["schema.toml:3:", "colour"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumn = []\n",
        &["schema.toml:", "column"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integr\" }]\n",
        &["schema.toml:3:", "integr"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n\n\
         [[table]]\nname = \"t\"\ncolumns = [{ name = \"b\", type = \"integer\" }]\n",
        &[
            "schema.toml:6:8",
            "table `t` is declared twice",
            "schema.toml:2:8",
        ],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" },\n  { name = \"a\", type = \"text\" }]\n",
        &["schema.toml:4:", "column `a` is declared twice"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n\
         foreign_keys = [{ columns = [\"a\"], references_table = \"nope\", references_columns = [\"id\"] }]\n",
        &["schema.toml:4:", "`nope`, which is not declared"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n\
         foreign_keys = [{ columns = [\"a\"], references_table = \"t\", references_columns = [\"b\"] }]\n",
        &["schema.toml:4:", "column `b` of `t`"],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n\
         indexes = [{ name = \"ix\", columns = [\"missing\"] }]\n",
        &["schema.toml:4:", "index `ix`"],
    );
}

#[test]
fn a_foreign_key_may_reference_an_ignored_table() {
    let declared = parse(
        "ignore_tables = [\"legacy_*\"]\n\n[[table]]\nname = \"t\"\n\
         columns = [{ name = \"a\", type = \"integer\" }]\n\
         foreign_keys = [{ columns = [\"a\"], references_table = \"legacy_users\", references_columns = [\"id\"] }]\n",
    )
    .expect("a reference to an ignored table is allowed");
    assert_eq!(declared.schema.len(), 1);
}

#[test]
fn a_directory_of_files_is_one_schema_and_a_missing_file_declares_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        dir.path().join("a_users.toml"),
        "[[table]]\nname = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("b_orders.toml"),
        "[[table]]\nname = \"orders\"\ncolumns = [{ name = \"user_id\", type = \"bigint\" }]\n\
         foreign_keys = [{ columns = [\"user_id\"], references_table = \"users\", references_columns = [\"id\"] }]\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a schema file").expect("write");
    let declared = read_declared(dir.path()).expect("the directory reads");
    let names: Vec<&str> = declared.schema.table_names().collect();
    assert_eq!(names, ["orders", "users"]);

    std::fs::write(
        dir.path().join("c_again.toml"),
        "[[table]]\nname = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\" }]\n",
    )
    .expect("write");
    let message = read_declared(dir.path())
        .expect_err("users twice")
        .to_string();
    assert!(message.contains("c_again.toml:2:"), "{message}");
    assert!(message.contains("a_users.toml:2:"), "{message}");

    let missing = read_declared(&dir.path().join("nope.toml")).expect("nothing declared");
    assert!(missing.is_empty());
}

#[test]
fn ambiguous_rename_hints_are_refused_and_a_stale_one_is_not() {
    // The old name is declared too: both tables would exist, so nothing was renamed.
    refused(
        "[[table]]\nname = \"a\"\ncolumns = [{ name = \"x\", type = \"integer\" }]\n\n\
         [[table]]\nname = \"b\"\nrenamed_from = \"a\"\ncolumns = [{ name = \"x\", type = \"integer\" }]\n",
        &["schema.toml:7:", "table `b` is renamed from `a`, but `a` is declared too"],
    );
    // Two tables claim the same old one.
    refused(
        "[[table]]\nname = \"a\"\nrenamed_from = \"old\"\ncolumns = [{ name = \"x\", type = \"integer\" }]\n\n\
         [[table]]\nname = \"b\"\nrenamed_from = \"old\"\ncolumns = [{ name = \"x\", type = \"integer\" }]\n",
        &["schema.toml:8:", "tables `a` and `b` are both renamed from `old`"],
    );
    // The same, for columns.
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" },\n  \
         { name = \"b\", type = \"integer\", renamed_from = \"a\" }]\n",
        &[
            "schema.toml:4:",
            "column `b` is renamed from `a`, but `a` is declared too",
        ],
    );
    refused(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\", renamed_from = \"z\" },\n  \
         { name = \"b\", type = \"integer\", renamed_from = \"z\" }]\n",
        &["schema.toml:4:", "columns `a` and `b` are both renamed from `z`"],
    );
    // The same old column name in two different tables is two renames, not one.
    let declared = parse(
        "[[table]]\nname = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\", renamed_from = \"z\" }]\n\n\
         [[table]]\nname = \"u\"\ncolumns = [{ name = \"a\", type = \"integer\", renamed_from = \"z\" }]\n",
    )
    .expect("hints in different tables do not collide");
    assert_eq!(declared.column_renames.len(), 2);
}
