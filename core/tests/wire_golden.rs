//! Golden files of the plugin wire (`core/tests/wire/*.json`): each document a plugin reads
//! or writes, built from fixed data and compared byte for byte with its file. A failure
//! means the ABI changed: if that was meant, bump the ABI version (see `plugin::abi`),
//! then write the files anew with `RETORT_BLESS_WIRE=1 cargo test -p retort-core --test
//! wire_golden`.

use retort_core::dialect::{
    BatchError, Capabilities, DbError, DbErrorCategory, DialectError, IdentifierLimit,
    OfflineScript, RenderMode, Statement, StatementLimits,
};
use retort_core::diff::SpellingRules;
use retort_core::plugin::abi::{ABI_MAJOR, ABI_MINOR};
use retort_core::plugin::wire::{
    Description, RenderRequest, WireBatchError, WireCapabilities, WireError, WireIntrospect,
    WireIntrospection, WireLimits, WireOfflineScript, WireSpellingRules, WireStatement, WireSyntax,
    WireValue,
};
use retort_core::plugin::wire_ops::WireOperation;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::sql::{PlaceholderStyle, SqlSyntax};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The wire documents are those of this ABI version; a new major or minor may change them.
const WIRE_OF_ABI: (u32, u32) = (2, 2);

fn golden(name: &str, document: &impl Serialize) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/wire")
        .join(format!("{name}.json"));
    let mut json = serde_json::to_string_pretty(document).expect("encodes");
    json.push('\n');
    if std::env::var_os("RETORT_BLESS_WIRE").is_some() {
        std::fs::write(&path, &json).expect("writing the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert_eq!(
        json,
        expected,
        "the wire form of `{name}` changed ({}): that changes the plugin ABI",
        path.display()
    );
}

#[test]
fn the_golden_files_are_those_of_this_abi() {
    assert_eq!(
        (ABI_MAJOR, ABI_MINOR),
        WIRE_OF_ABI,
        "a new ABI version: check the wire documents and set WIRE_OF_ABI"
    );
}

#[test]
fn description() {
    let mut capabilities = Capabilities::new();
    capabilities.transactional_ddl = true;
    capabilities.partial_indexes = true;
    capabilities.max_identifier_length = Some(IdentifierLimit::Bytes(63));
    let mut syntax = SqlSyntax::new();
    syntax.identifier_quote = '`';
    syntax.placeholders = PlaceholderStyle::DollarNumber;
    syntax.hash_comments = true;
    let mut script = OfflineScript::new();
    script.prologue = vec![String::from(".bail on")];
    script.commit_checks = vec![String::from("SELECT check_things();")];
    let mut spelling = SpellingRules::new();
    spelling.casts_are_spelling = true;
    spelling.foreign_keys_bring_indexes = true;
    let description = Description {
        name: String::from("example"),
        schemes: vec![String::from("example"), String::from("ex")],
        version: String::from("1.2.3"),
        capabilities: WireCapabilities::from(&capabilities),
        syntax: WireSyntax::from(&syntax),
        offline_script: WireOfflineScript::from(&script),
        transaction_elapsed_ms: Some(String::from("elapsed_ms()")),
        spelling: WireSpellingRules::from(&spelling),
    };
    golden("description", &description);
    let read: Description =
        serde_json::from_str(&serde_json::to_string(&description).expect("encodes"))
            .expect("decodes");
    assert_eq!(SqlSyntax::from(&read.syntax), syntax);
    assert_eq!(Capabilities::from(&read.capabilities), capabilities);
    assert_eq!(OfflineScript::from(&read.offline_script), script);
    assert_eq!(SpellingRules::from(&read.spelling), spelling);

    // A plugin built before the spelling rules existed describes itself without them.
    let older: Description =
        serde_json::from_str(r#"{"name": "old", "schemes": ["old"]}"#).expect("decodes");
    assert_eq!(SpellingRules::from(&older.spelling), SpellingRules::new());
}

const REVISION: &str = r#"
revision = "a1"
message = "golden"

[[upgrade]]
op = "create_table"
table = "parents"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[upgrade]]
op = "create_table"
table = "children"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "parent_id", type = "integer", nullable = false },
  { name = "name", type = "varchar(40)", unique = true, default = "x" },
  { name = "price", type = "decimal(10, 2)", nullable = true },
]
foreign_keys = [{ name = "fk_parent", columns = ["parent_id"], references_table = "parents", references_columns = ["id"], on_delete = "cascade" }]
checks = [{ name = "ck_price", expr = "price >= 0" }]

[[upgrade]]
op = "create_index"
table = "children"
name = "ix_children_name"
columns = ["name"]
where = "price > 0"

[[upgrade]]
op = "add_column"
table = "children"
column = { name = "note", type = "text", comment = "free text" }

[[upgrade]]
op = "rename_table"
table = "children"
new_name = "kids"

[[upgrade]]
op = "alter_column"
table = "kids"
column = "name"
type = "varchar(80)"
nullable = false
new_name = "full_name"

[[upgrade]]
op = "create_foreign_key"
name = "fk_x"
table = "kids"
columns = ["id"]
references_table = "people"
references_columns = ["id"]

[[upgrade]]
op = "create_unique_constraint"
name = "uq_note"
table = "kids"
columns = ["note"]

[[upgrade]]
op = "create_check_constraint"
name = "ck_note"
table = "kids"
expr = "note <> ''"

[[upgrade]]
op = "execute"
sql = { postgres = "SELECT 1", default = "SELECT 2" }

[[upgrade]]
op = "bulk_insert"
table = "kids"
rows = [{ id = 1, note = "a", at = 2026-01-02T03:04:05Z, raw = { base64 = "AAEC/w==" } }]

[[upgrade]]
op = "drop_constraint"
name = "ck_note"
table = "kids"
kind = "check"

[[upgrade]]
op = "drop_index"
name = "ix_children_name"
table = "kids"

[[upgrade]]
op = "drop_column"
table = "kids"
column = "note"

[[upgrade]]
op = "drop_table"
table = "kids"
"#;

/// ABI 2.2's `render_checks`: `[[table, expression]]` in; `null` (not rendered) or the
/// expressions as the server stores them out.
#[test]
fn render_checks() {
    let request: Vec<(String, String)> = vec![(String::from("t"), String::from("n IN (1, 2)"))];
    let rendered: Option<Vec<String>> = Some(vec![String::from("n = ANY (ARRAY[1, 2])")]);
    let not_rendered: Option<Vec<String>> = None;
    golden(
        "render_checks",
        &serde_json::json!({
            "request": request,
            "answer": rendered,
            "answer_of_a_dialect_that_does_not_render": not_rendered,
        }),
    );
}

#[test]
fn render_request() {
    let revision = parse_toml_revision(Path::new("a1.toml"), REVISION).expect("revision");
    let (schema, _) = Schema::fold(&revision.upgrade[..3]).expect("fold");
    let request = RenderRequest {
        operation: WireOperation::from(&revision.upgrade[3]),
        copy: 7,
        reset: false,
        tables: schema.tables().cloned().collect(),
        removed: vec![String::from("gone")],
        mode: RenderMode::Online.into(),
    };
    golden("render_request", &request);
    let introspection = WireIntrospection {
        reset: false,
        tables: schema.tables().cloned().collect(),
        removed: vec![String::from("gone")],
    };
    golden("introspection", &introspection);
    golden("introspect", &WireIntrospect { known: true });
    let operations: Vec<WireOperation> = revision.upgrade.iter().map(WireOperation::from).collect();
    golden("operations", &operations);
}

#[test]
fn values_and_statements() {
    let values = [
        Value::Null,
        Value::String(String::from("it's")),
        Value::Integer(-7),
        Value::Float(1.5),
        Value::Float(f64::INFINITY),
        Value::Boolean(true),
        Value::DateTime(String::from("2026-01-02T03:04:05Z")),
        Value::Bytes(vec![0, 255]),
    ];
    let statement = Statement::with_params("INSERT INTO t VALUES ($1, $2)", values.to_vec());
    golden("statement", &WireStatement::from(&statement));
    let rows: Vec<Vec<WireValue>> = vec![values.iter().map(WireValue::from).collect()];
    golden("rows", &rows);
}

#[test]
fn errors() {
    let errors = vec![
        WireError::from(
            DbError::with_sqlstate("relation \"t\" does not exist", "42P01")
                .categorized(DbErrorCategory::LockWait),
        ),
        WireError::from(DbError::lock_timeout("the lock was not granted")),
        WireError::from(DialectError::new("example", "render `x`", "never")),
        WireError::CacheMiss,
        WireError::plugin("the plugin panicked"),
    ];
    golden("errors", &errors);
    let batch = [
        BatchError::Begin(DbError::new("no begin")),
        BatchError::Statement {
            index: 2,
            error: DbError::new("bad"),
        },
        BatchError::Commit(DbError::new("lost").categorized(DbErrorCategory::ConnectionLost)),
    ];
    let wire: Vec<WireBatchError> = batch.iter().map(WireBatchError::from).collect();
    golden("batch_errors", &wire);
    let back: Vec<BatchError> = wire.into_iter().map(BatchError::from).collect();
    assert_eq!(back, batch);
}

#[test]
fn statement_limits() {
    let limits = StatementLimits::new(Duration::from_millis(1_500), Duration::from_secs(120));
    golden("limits", &WireLimits::from(&limits));
}
