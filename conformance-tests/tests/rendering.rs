//! Golden rendering: every operation on every dialect, from one table-driven fixture
//! (`golden/rendering.toml`), without a database. Each case folds its `before` operations
//! into a schema, renders `operation` (online: values bound, shown after the SQL as
//! `-- bound: ...`; offline: values as literals) with each built-in dialect, and compares
//! the statements with the fixture's. `RETORT_BLESS=1` rewrites the fixture with what the
//! dialects render now, for review in the diff.

use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::ops::Operation;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Dialect;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The fixture file.
#[derive(Debug, Deserialize, Serialize)]
struct Fixture {
    case: Vec<Case>,
}

/// One operation, rendered by every dialect.
#[derive(Debug, Deserialize, Serialize)]
struct Case {
    /// What the case shows.
    name: String,
    /// `online` (default) or `offline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<String>,
    /// `[[upgrade]]` operations folded into the schema first (not rendered).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    before: String,
    /// One `[[upgrade]]` operation: the one rendered.
    operation: String,
    /// The statements per dialect; `error: ...` when the dialect refuses it.
    sqlite: Vec<String>,
    postgres: Vec<String>,
    mysql: Vec<String>,
}

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/rendering.toml")
}

fn ops(body: &str, context: &str) -> Vec<Operation> {
    let text = format!("revision = \"0123456789ab\"\nmessage = \"golden\"\n\n{body}");
    parse_toml_revision(Path::new("golden.toml"), &text)
        .unwrap_or_else(|e| panic!("{context}: the operations do not parse: {e}"))
        .upgrade
}

fn value(value: &Value) -> String {
    match value {
        Value::Null => String::from("NULL"),
        Value::String(s) => format!("{s:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => format!("{x:?}"),
        Value::Boolean(b) => b.to_string(),
        Value::DateTime(t) => format!("datetime {t}"),
        Value::Bytes(b) => format!(
            "bytes {}",
            b.iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<String>()
        ),
    }
}

fn line(statement: &Statement) -> String {
    if statement.params.is_empty() {
        statement.sql.clone()
    } else {
        let bound: Vec<String> = statement.params.iter().map(value).collect();
        format!("{}  -- bound: {}", statement.sql, bound.join(", "))
    }
}

fn render(dialect: &dyn Dialect, case: &Case) -> Vec<String> {
    let before = ops(&case.before, &case.name);
    let schema = Schema::fold(&before)
        .unwrap_or_else(|e| panic!("{}: `before` does not fold: {e}", case.name))
        .0;
    let operation = ops(&case.operation, &case.name);
    let [operation] = operation.as_slice() else {
        panic!("{}: `operation` must hold exactly one operation", case.name);
    };
    let mode = match case.mode.as_deref() {
        None | Some("online") => RenderMode::Online,
        Some("offline") => RenderMode::Offline,
        Some(other) => panic!(
            "{}: mode `{other}` is neither online nor offline",
            case.name
        ),
    };
    match dialect.render_operation(operation, &schema, mode) {
        Ok(statements) => statements.iter().map(line).collect(),
        Err(error) => vec![format!("error: {error}")],
    }
}

#[test]
fn every_operation_renders_on_every_dialect_as_the_fixture_says() {
    let path = fixture_path();
    let text = std::fs::read_to_string(&path).expect("reading the fixture");
    let mut fixture: Fixture = toml::from_str(&text).expect("the fixture parses");
    let sqlite = retort_sqlite::SqliteDialect::new();
    let postgres = retort_postgres::PostgresDialect::new();
    let mysql = retort_mysql::MysqlDialect::new();
    let bless = std::env::var("RETORT_BLESS").as_deref() == Ok("1");
    let mut differences = Vec::new();
    for case in &mut fixture.case {
        let rendered = [
            ("sqlite", render(&sqlite, case)),
            ("postgres", render(&postgres, case)),
            ("mysql", render(&mysql, case)),
        ];
        for (dialect, found) in rendered {
            let expected = match dialect {
                "sqlite" => &mut case.sqlite,
                "postgres" => &mut case.postgres,
                _ => &mut case.mysql,
            };
            if *expected != found {
                differences.push(format!(
                    "case `{}`, {dialect}:\n  expected:\n    {}\n  found:\n    {}",
                    case.name,
                    expected.join("\n    "),
                    found.join("\n    ")
                ));
                if bless {
                    *expected = found;
                }
            }
        }
    }
    if bless {
        let text = toml::to_string(&fixture).expect("the fixture serializes");
        std::fs::write(&path, text).expect("writing the fixture");
        return;
    }
    assert!(
        differences.is_empty(),
        "{} rendering(s) differ from {} (RETORT_BLESS=1 rewrites it):\n{}",
        differences.len(),
        path.display(),
        differences.join("\n")
    );
}

#[test]
fn the_fixture_covers_every_operation_online_and_bulk_insert_offline() {
    let text = std::fs::read_to_string(fixture_path()).expect("reading the fixture");
    let fixture: Fixture = toml::from_str(&text).expect("the fixture parses");
    let covered: std::collections::BTreeSet<String> = fixture
        .case
        .iter()
        .flat_map(|case| ops(&case.operation, &case.name))
        .map(|op| {
            serde_json::to_value(&op)
                .ok()
                .and_then(|v| v.get("op").and_then(|o| o.as_str().map(String::from)))
                .unwrap_or_default()
        })
        .collect();
    let every = [
        "create_table",
        "drop_table",
        "rename_table",
        "add_column",
        "drop_column",
        "alter_column",
        "create_index",
        "drop_index",
        "create_foreign_key",
        "create_unique_constraint",
        "create_check_constraint",
        "drop_constraint",
        "execute",
        "bulk_insert",
    ];
    for op in every {
        assert!(covered.contains(op), "no golden case renders `{op}`");
    }
    assert!(
        fixture
            .case
            .iter()
            .any(|c| c.mode.as_deref() == Some("offline") && c.operation.contains("bulk_insert")),
        "no offline bulk_insert case"
    );
}
