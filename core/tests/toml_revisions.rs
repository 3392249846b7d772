//! TOML revision files: good files, every operation, and one test per error kind with its
//! line and column.

use retort_core::revision::ops::{Operation, ReferentialAction, SqlText};
use retort_core::revision::toml_file::{parse_toml_header, parse_toml_revision};
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::{DefaultValue, Value};
use retort_core::LineCol;
use std::path::Path;

const PATH: &str = "migrations/x.toml";

const EVERY_OPERATION: &str = r#"
revision = "5cd038a8f131"
down_revision = "1f0e2d3c4b5a"
message = "every operation"
created = 2026-11-21T17:40:00Z
branch_labels = ["billing"]
depends_on = ["ab12cd34ef56"]

[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false, unique = true },
  { name = "created_at", type = "timestamptz", nullable = false, default = { sql = "CURRENT_TIMESTAMP" } },
  { name = "doc", type = { native = "tsvector" } },
  { name = "nick", type = { postgres = "citext", default = "text" }, default = "anon", comment = "shown" },
  { name = "score", type = "numeric(10,2)", default = 1.5 },
  { name = "active", type = "boolean", default = true },
]
unique = [{ name = "uq_nick", columns = ["nick"] }]
checks = [{ expr = "score >= 0" }]
foreign_keys = [{ columns = ["id"], references_table = "accounts", references_columns = ["id"], on_delete = "cascade", on_update = "SET NULL" }]
comment = "people"

[[upgrade]]
op = "rename_table"
table = "users"
new_name = "members"

[[upgrade]]
op = "add_column"
table = "members"
column = { name = "age", type = "integer", default = 0 }

[[upgrade]]
op = "alter_column"
table = "members"
column = "age"
type = "smallint"
nullable = false
new_name = "years"

[[upgrade]]
op = "create_index"
name = "ix_active"
table = "members"
columns = ["active"]
unique = false
where = "active"

[[upgrade]]
op = "create_foreign_key"
name = "fk_x"
table = "members"
columns = ["id"]
references_table = "people"
references_columns = ["id"]

[[upgrade]]
op = "create_unique_constraint"
name = "uq_email"
table = "members"
columns = ["email"]

[[upgrade]]
op = "create_check_constraint"
name = "ck_years"
table = "members"
expr = "years < 200"

[[upgrade]]
op = "execute"
sql = { postgres = "SELECT 1", default = "SELECT 2" }

[[upgrade]]
op = "bulk_insert"
table = "members"
rows = [
  { id = 1, email = "a@example.com", active = true, score = 2.5, created_at = 2026-01-02T03:04:05Z },
  { id = 2, email = "", doc = { base64 = "AAEC/w==" } },
]

[[downgrade]]
op = "drop_constraint"
name = "ck_years"
table = "members"
kind = "check"

[[downgrade]]
op = "drop_index"
name = "ix_active"
table = "members"

[[downgrade]]
op = "drop_column"
table = "members"
column = "years"

[[downgrade]]
op = "drop_table"
table = "members"
"#;

fn reject(text: &str) -> (LineCol, String) {
    let err = parse_toml_revision(Path::new(PATH), text).expect_err("the file should be rejected");
    assert_eq!(err.path, Path::new(PATH));
    (err.at.expect("error has a position"), err.message)
}

fn header_plus(body: &str) -> String {
    format!("revision = \"aaaa0001\"\nmessage = \"m\"\n\n{body}")
}

#[test]
fn every_operation_parses_into_typed_values() {
    let rev = parse_toml_revision(Path::new(PATH), EVERY_OPERATION).expect("valid file");
    assert_eq!(rev.header.id, "5cd038a8f131");
    assert_eq!(rev.header.down_revisions, ["1f0e2d3c4b5a"]);
    assert_eq!(rev.header.depends_on, ["ab12cd34ef56"]);
    assert_eq!(rev.header.branch_labels, ["billing"]);
    assert_eq!(rev.header.message, "every operation");
    assert!(rev.header.transactional);
    let names: Vec<_> = rev.upgrade.iter().map(Operation::name).collect();
    assert_eq!(
        names,
        [
            "create_table",
            "rename_table",
            "add_column",
            "alter_column",
            "create_index",
            "create_foreign_key",
            "create_unique_constraint",
            "create_check_constraint",
            "execute",
            "bulk_insert"
        ]
    );
    assert_eq!(rev.downgrade.as_ref().map(Vec::len), Some(4));

    let Operation::CreateTable(table) = &rev.upgrade[0] else {
        panic!("create_table first")
    };
    assert_eq!(
        table.columns[1].column_type,
        ColumnType::Neutral(NeutralType::Varchar(255))
    );
    assert!(!table.columns[1].nullable && table.columns[3].nullable);
    assert_eq!(
        table.columns[2].default,
        Some(DefaultValue::Sql("CURRENT_TIMESTAMP".into()))
    );
    assert_eq!(
        table.columns[3].column_type,
        ColumnType::Native("tsvector".into())
    );
    assert_eq!(table.columns[5].default, Some(DefaultValue::Float(1.5)));
    assert_eq!(
        table.foreign_keys[0].on_update,
        Some(ReferentialAction::SetNull)
    );
    let Operation::Execute(execute) = &rev.upgrade[8] else {
        panic!("execute")
    };
    assert_eq!(execute.sql.for_dialect("postgres"), Some("SELECT 1"));
    assert_eq!(execute.sql.for_dialect("mysql"), Some("SELECT 2"));
    assert!(matches!(execute.sql, SqlText::PerDialect(_)));
    let Operation::BulkInsert(insert) = &rev.upgrade[9] else {
        panic!("bulk_insert")
    };
    assert_eq!(
        insert.rows[0]["created_at"],
        Value::DateTime("2026-01-02T03:04:05Z".into())
    );
    assert_eq!(insert.rows[1]["doc"], Value::Bytes(vec![0, 1, 2, 255]));
    assert_eq!(insert.rows[1]["email"], Value::String(String::new()));
}

#[test]
fn the_fast_header_read_agrees_with_the_full_read() {
    let full = parse_toml_revision(Path::new(PATH), EVERY_OPERATION).expect("valid");
    let header = parse_toml_header(Path::new(PATH), EVERY_OPERATION).expect("valid");
    assert_eq!(header, full.header);
}

#[test]
fn a_merge_and_a_root_and_a_multiline_message_containing_a_table_line() {
    let merge = "revision = \"abcd1234\"\ndown_revision = [\"aaaa1111\", \"bbbb2222\"]\n";
    let header = parse_toml_header(Path::new(PATH), merge).expect("merge");
    assert_eq!(header.down_revisions, ["aaaa1111", "bbbb2222"]);
    let root = "revision = \"abcd1234\"\ndown_revision = \"\"\ntransactional = false\n";
    let header = parse_toml_header(Path::new(PATH), root).expect("root");
    assert!(header.down_revisions.is_empty() && !header.transactional);
    let tricky = "revision = \"abcd1234\"\nmessage = '''\n[not a table]\n'''\n";
    let header = parse_toml_header(Path::new(PATH), tricky).expect("multi-line message");
    assert_eq!(header.message, "[not a table]\n");
}

#[test]
fn crlf_files_read_like_lf_files() {
    let crlf = EVERY_OPERATION.replace('\n', "\r\n");
    let a = parse_toml_revision(Path::new(PATH), EVERY_OPERATION).expect("lf");
    let b = parse_toml_revision(Path::new(PATH), &crlf).expect("crlf");
    assert_eq!(a, b);
}

#[test]
fn syntax_error_names_line_and_column() {
    let (at, message) = reject("revision = \"aaaa0001\"\nmessage = \"unterminated\n");
    assert_eq!(at.line, 2);
    assert!(
        message.contains("string") || message.contains("quote"),
        "{message}"
    );
}

#[test]
fn unknown_header_key_is_rejected_where_it_stands() {
    let (at, message) = reject("revision = \"aaaa0001\"\n  down_revison = \"bbbb0002\"\n");
    assert_eq!(at, LineCol { line: 2, column: 3 });
    assert!(
        message.contains("unknown field `down_revison`"),
        "{message}"
    );
    assert!(
        message.contains("down_revision"),
        "lists what was expected: {message}"
    );
    // The header-only read rejects it as well.
    let err = parse_toml_header(
        Path::new(PATH),
        "revision = \"aaaa0001\"\ndown_revison = \"b\"\n",
    )
    .expect_err("should be rejected");
    assert_eq!(err.at, Some(LineCol { line: 2, column: 1 }));
}

#[test]
fn missing_revision_is_rejected() {
    let (_, message) = reject("message = \"no id\"\n");
    assert!(message.contains("missing field `revision`"), "{message}");
}

#[test]
fn invalid_revision_id_points_at_the_value() {
    let (at, message) = reject("revision = \"ab cd\"\n");
    assert_eq!(
        at,
        LineCol {
            line: 1,
            column: 12
        }
    );
    assert!(message.contains("not a valid revision id"), "{message}");
}

#[test]
fn wrong_type_for_down_revision() {
    let (at, message) = reject("revision = \"aaaa0001\"\ndown_revision = 12\n");
    assert_eq!(
        at,
        LineCol {
            line: 2,
            column: 17
        }
    );
    assert!(
        message.contains("expected a revision id or an array of ids"),
        "{message}"
    );
}

#[test]
fn created_must_be_a_date_time() {
    let (at, message) = reject("revision = \"aaaa0001\"\ncreated = 2026-11-21\n");
    assert_eq!(
        at,
        LineCol {
            line: 2,
            column: 11
        }
    );
    assert!(message.contains("must be a date and time"), "{message}");
}

#[test]
fn unknown_operation_lists_the_known_ones() {
    let (at, message) = reject(&header_plus(
        "[[upgrade]]\nop = \"create_tabel\"\ntable = \"t\"\n",
    ));
    assert_eq!(at, LineCol { line: 5, column: 6 });
    assert!(
        message.contains("upgrade operation 1 of 1: unknown operation `create_tabel`"),
        "{message}"
    );
    assert!(message.contains("create_table, drop_table"), "{message}");
}

#[test]
fn missing_op_key() {
    let (at, message) = reject(&header_plus("[[upgrade]]\ntable = \"t\"\n"));
    assert_eq!(at.line, 4);
    assert!(message.contains("missing `op`"), "{message}");
}

#[test]
fn unknown_key_in_an_operation_points_at_the_key() {
    let body = "[[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\n\n[[downgrade]]\nop = \"drop_index\"\nname = \"i\"\ntable = \"t\"\n   colums = [\"a\"]\n";
    let (at, message) = reject(&header_plus(body));
    assert_eq!(
        at,
        LineCol {
            line: 12,
            column: 4
        }
    );
    assert!(
        message.contains("downgrade operation 1 of 1 (drop_index): unknown field `colums`"),
        "{message}"
    );
}

#[test]
fn missing_required_field_names_it() {
    let (at, message) = reject(&header_plus(
        "[[upgrade]]\nop = \"rename_table\"\ntable = \"t\"\n",
    ));
    assert_eq!(at.line, 4);
    assert!(message.contains("missing field `new_name`"), "{message}");
}

#[test]
fn bad_type_name_points_at_the_type() {
    let body = "[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"c\", type = \"varchar(abc)\" }\n";
    let (at, message) = reject(&header_plus(body));
    assert_eq!(
        at,
        LineCol {
            line: 7,
            column: 31
        }
    );
    assert!(
        message.contains("`abc` where a whole number was expected"),
        "{message}"
    );
    let unknown = body.replace("varchar(abc)", "strnig");
    let (_, message) = at_text(&header_plus(&unknown));
    assert!(message.contains("unknown type `strnig`"), "{message}");
}

fn at_text(text: &str) -> (LineCol, String) {
    reject(text)
}

#[test]
fn semantic_errors_name_the_operation() {
    let body = "[[upgrade]]\nop = \"drop_table\"\ntable = \"a\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\" }, { name = \"a\", type = \"text\" }]\n";
    let (at, message) = reject(&header_plus(body));
    assert_eq!(at.line, 8);
    assert!(
        message.contains("upgrade operation 2 of 2 (create_table): column `a` is declared twice"),
        "{message}"
    );

    let fk = "[[upgrade]]\nop = \"create_foreign_key\"\nname = \"f\"\ntable = \"t\"\ncolumns = [\"a\", \"b\"]\nreferences_table = \"u\"\nreferences_columns = [\"a\"]\n";
    let (_, message) = reject(&header_plus(fk));
    assert!(
        message.contains("2 column(s) but 1 referenced column(s)"),
        "{message}"
    );

    let alter = "[[upgrade]]\nop = \"alter_column\"\ntable = \"t\"\ncolumn = \"c\"\n";
    let (_, message) = reject(&header_plus(alter));
    assert!(message.contains("nothing to alter"), "{message}");

    let serial = "[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"c\", type = \"text\", autoincrement = true }\n";
    let (_, message) = reject(&header_plus(serial));
    assert!(
        message.contains("autoincrement needs an integer type"),
        "{message}"
    );
}

#[test]
fn bad_bulk_insert_values_point_at_the_value() {
    let body = "[[upgrade]]\nop = \"bulk_insert\"\ntable = \"t\"\nrows = [{ a = [1, 2] }]\n";
    let (at, message) = reject(&header_plus(body));
    assert_eq!(
        at,
        LineCol {
            line: 7,
            column: 15
        }
    );
    assert!(
        message.contains("an array is not a cell value"),
        "{message}"
    );
    let b64 =
        "[[upgrade]]\nop = \"bulk_insert\"\ntable = \"t\"\nrows = [{ a = { base64 = \"@@\" } }]\n";
    let (_, message) = reject(&header_plus(b64));
    assert!(message.contains("not valid base64"), "{message}");
}

#[test]
fn upgrade_must_be_an_array_of_tables() {
    let (at, message) = reject(&header_plus("upgrade = \"drop everything\"\n"));
    assert_eq!(
        at,
        LineCol {
            line: 4,
            column: 11
        }
    );
    assert!(
        message.contains("`upgrade` must be an array of operations"),
        "{message}"
    );
}

#[test]
fn unknown_constraint_kind_and_referential_action() {
    let body =
        "[[upgrade]]\nop = \"drop_constraint\"\nname = \"c\"\ntable = \"t\"\nkind = \"primary\"\n";
    let (at, message) = reject(&header_plus(body));
    assert_eq!(at, LineCol { line: 8, column: 8 });
    assert!(message.contains("unknown variant `primary`"), "{message}");
}

#[test]
fn a_misspelt_table_is_caught_by_the_header_read_too() {
    let text = "revision = \"aaaa0001\"\n\n[[upgrad]]\nop = \"drop_table\"\ntable = \"t\"\n";
    let err = parse_toml_header(Path::new(PATH), text).expect_err("unknown table");
    assert_eq!(err.at, Some(LineCol { line: 3, column: 3 }), "{err}");
    assert!(err.message.contains("unknown field `upgrad`"), "{err}");
    // A line that merely looks like a table inside a multi-line string is fine.
    let sql = "revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"\"\"\nSELECT 1\n[x]\n\"\"\"\n";
    parse_toml_header(Path::new(PATH), sql).expect("a string line is not a table");
}

#[test]
fn limits_are_read_checked_and_left_out_of_the_checksum() {
    let body = "\n[[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\n";
    let plain = format!("revision = \"abcd1234\"\n{body}");
    let limited =
        format!("revision = \"abcd1234\"\nlock_wait = \"30s\"\nstatement_timeout = \"0\"\n{body}");
    let header = parse_toml_header(Path::new(PATH), &limited).expect("valid");
    assert_eq!(
        header.limits.lock_wait,
        Some(std::time::Duration::from_secs(30))
    );
    assert_eq!(
        header.limits.statement_timeout,
        Some(std::time::Duration::ZERO)
    );
    let checksum = |text: &str| {
        retort_core::checksum::toml_checksum(
            &parse_toml_revision(Path::new(PATH), text).expect("valid"),
            &retort_core::sql::DialectSyntaxes::new(),
        )
    };
    assert_eq!(checksum(&plain), checksum(&limited));

    let bad = format!("revision = \"abcd1234\"\nlock_wait = \"5 minutes\"\n{body}");
    let (at, message) = reject(&bad);
    assert_eq!((at.line, at.column), (2, 13));
    assert!(
        message.contains("`lock_wait`: `5 minutes` is not a duration: expected a duration"),
        "{message}"
    );
    let header_error = parse_toml_header(Path::new(PATH), &bad).expect_err("also on a header read");
    assert!(header_error.to_string().contains("5 minutes"));
}
