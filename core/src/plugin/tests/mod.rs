//! The ABI round trip in-process, with a small dialect whose behaviour the tests control.

use crate::db_url::DatabaseUrl;
use crate::dialect::Statement;
use crate::dialect::{
    render_sequence, Capabilities, Connection, DbError, Dialect, DialectError, OfflineScript,
    RenderMode,
};
use crate::revision::ops::{BulkInsert, Operation};
use crate::revision::values::Value;
use crate::schema::Schema;
use crate::sql::{PlaceholderStyle, SqlSyntax};
use std::collections::BTreeMap;

mod connections;

#[derive(Debug)]
struct Probe;

impl Dialect for Probe {
    fn name(&self) -> &str {
        "probe"
    }
    fn url_schemes(&self) -> Vec<String> {
        vec!["probe".into()]
    }
    fn version(&self) -> String {
        "9.9".into()
    }
    fn capabilities(&self) -> Capabilities {
        let mut capabilities = Capabilities::new();
        capabilities.partial_indexes = true;
        capabilities.max_identifier_length = Some(crate::dialect::IdentifierLimit::Bytes(63));
        capabilities
    }
    fn syntax(&self) -> SqlSyntax {
        let mut syntax = SqlSyntax::new();
        syntax.identifier_quote = '`';
        syntax.placeholders = PlaceholderStyle::DollarNumber;
        syntax.hash_comments = true;
        syntax
    }
    fn offline_script(&self) -> OfflineScript {
        let mut script = OfflineScript::new();
        script.prologue = vec![String::from(".probe on")];
        script.commit_checks = vec![String::from("SELECT probe();")];
        script
    }
    fn transaction_elapsed_ms(&self) -> Option<String> {
        Some(String::from("probe_elapsed()"))
    }
    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        match value {
            Value::Float(_) => Err(DialectError::new("probe", "render a float", "no floats")),
            other => Ok(format!("{other:?}")),
        }
    }
    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        _mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        if let Operation::CreateTable(create) = op {
            assert!(create.table != "explode", "asked to render explode");
        }
        if let Operation::DropTable(drop) = op {
            let what = format!("drop {}", drop.table);
            return Err(DialectError::new("probe", what, "never"));
        }
        let Operation::BulkInsert(insert) = op else {
            // What the plugin sees of the schema: its table names.
            let names: Vec<&str> = before.table_names().collect();
            return Ok(vec![Statement::new(names.join(","))]);
        };
        let columns = insert.columns();
        Ok(insert
            .rows
            .iter()
            .map(|row| Statement::with_params("INSERT", BulkInsert::row_values(row, &columns)))
            .collect())
    }
    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        Err(DbError::with_sqlstate(
            format!("cannot reach {}", url.redacted()),
            "08001",
        ))
    }
}

#[test]
fn calls_and_values_survive_the_function_table() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    assert_eq!(dialect.name(), "probe");
    assert_eq!(dialect.url_schemes(), vec!["probe".to_string()]);
    assert_eq!(dialect.version(), "9.9");
    assert!(dialect.capabilities().partial_indexes);
    assert_eq!(
        dialect.capabilities().max_identifier_length,
        Some(crate::dialect::IdentifierLimit::Bytes(63))
    );
    assert_eq!(
        dialect.syntax(),
        Probe.syntax(),
        "the syntax is data of the description"
    );
    assert_eq!(dialect.syntax().quote_identifier("a`b"), "`a``b`");
    assert_eq!(dialect.offline_script(), Probe.offline_script());
    assert_eq!(
        dialect.transaction_elapsed_ms().as_deref(),
        Some("probe_elapsed()")
    );
    assert_eq!(dialect.render_literal(&Value::Null).expect("null"), "Null");

    let row: BTreeMap<String, Value> = [
        (
            "at".to_string(),
            Value::DateTime("2026-01-02T03:04:05Z".into()),
        ),
        ("raw".to_string(), Value::Bytes(vec![0, 255])),
        ("n".to_string(), Value::Integer(-7)),
    ]
    .into();
    let op = Operation::BulkInsert(BulkInsert {
        table: "t".into(),
        rows: vec![row],
    });
    let statements = dialect
        .render_operation(&op, &Schema::default(), RenderMode::Online)
        .expect("render");
    assert_eq!(
        statements[0].params,
        vec![
            Value::DateTime("2026-01-02T03:04:05Z".into()),
            Value::Integer(-7),
            Value::Bytes(vec![0, 255]),
        ]
    );
}

#[test]
fn errors_keep_their_kind_and_message() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    let literal = dialect.render_literal(&Value::Float(1.5));
    assert_eq!(
        literal,
        Err(DialectError::new("probe", "render a float", "no floats"))
    );
    let url = DatabaseUrl::parse("probe://app:secret@host/db").expect("url");
    let error = dialect
        .connect(&url)
        .map(|_| ())
        .expect_err("connect fails");
    assert_eq!(error.sqlstate.as_deref(), Some("08001"));
    assert_eq!(
        error.to_string(),
        "cannot reach probe://app:***@host/db (SQLSTATE 08001)"
    );
}

#[test]
fn a_panic_poisons_the_plugin_and_later_calls_are_refused() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    assert!(!dialect.is_poisoned());
    // The panic is caught in the plugin; the host gets an error, not a crash.
    let error = dialect
        .render_operation(&create("explode"), &Schema::new(), RenderMode::Online)
        .expect_err("the panic is an error");
    assert!(
        error.to_string().contains("asked to render explode"),
        "{error}"
    );
    assert!(dialect.is_poisoned());
    let refused = dialect
        .render_literal(&Value::Integer(1))
        .expect_err("refused after the panic");
    assert!(
        refused.to_string().contains("panicked"),
        "unexpected message: {refused}"
    );
}

pub(super) fn create(table: &str) -> Operation {
    let text = format!(
        "revision = \"a\"\nmessage = \"m\"\n[[upgrade]]\nop = \"create_table\"\ntable = \"{table}\"\n\
         columns = [{{ name = \"id\", type = \"integer\" }}]\n"
    );
    let revision =
        crate::revision::toml_file::parse_toml_revision(std::path::Path::new("r.toml"), &text)
            .expect("revision");
    revision.upgrade.into_iter().next().expect("one operation")
}

#[test]
fn the_plugin_sees_the_schema_as_it_is_whether_sent_whole_or_as_changes() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    let seen = |schema: &Schema, op: &Operation| {
        dialect
            .render_operation(op, schema, RenderMode::Online)
            .expect("render")[0]
            .sql
            .clone()
    };
    let mut schema = Schema::new();
    let (a, b, c) = (create("a"), create("b"), create("c"));
    assert_eq!(seen(&schema, &a), "");
    assert_eq!(seen(&schema, &a), "", "rendered twice at the same state");
    schema.apply(&a).expect("apply a");
    assert_eq!(seen(&schema, &b), "a", "changed by the rendered operation");
    schema.apply(&b).expect("apply b");
    schema.remove_table("a");
    assert_eq!(seen(&schema, &c), "b", "changed otherwise: sent whole");
    let mut other = schema.clone();
    other.apply(&c).expect("apply c");
    assert_eq!(seen(&other, &a), "b,c", "another schema value");
    schema.apply(&a).expect("apply a again");
    assert_eq!(seen(&schema, &c), "a,b", "back to the first one");
}

#[test]
fn a_sequence_renders_through_a_plugin_as_linked_and_stops_at_a_failure() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    let (a, b) = (create("a"), create("b"));
    let drop: Operation =
        serde_json::from_str(r#"{"op": "drop_table", "table": "a"}"#).expect("drop_table");
    let mut before = Schema::new();
    before.apply(&create("base")).expect("apply base");
    let ops = [&a, &b, &drop, &a];
    let through_plugin = render_sequence(&dialect, &ops, &before, RenderMode::Online);
    let linked = render_sequence(&Probe, &ops, &before, RenderMode::Online);
    assert_eq!(through_plugin, linked);
    let sql: Vec<&str> = through_plugin
        .statements
        .iter()
        .map(|statements| statements[0].sql.as_str())
        .collect();
    assert_eq!(sql, ["base", "a,base"], "each against the fold before it");
    assert_eq!(
        through_plugin.failure,
        Some(DialectError::new("probe", "drop a", "never"))
    );
}

#[test]
fn declarations_are_checked_header_first() {
    use crate::plugin::abi::{
        FunctionTable, PluginDeclaration, ABI_MAJOR, MAGIC, PANIC_ABORT, TABLE_SIZE_2_0,
        TABLE_SIZE_2_1,
    };
    use crate::plugin::host::{PluginDialect, PluginError};

    struct Exported;
    impl crate::plugin::export::ExportedDialect for Exported {
        fn state() -> &'static crate::plugin::export::PluginState {
            static STATE: std::sync::OnceLock<crate::plugin::export::PluginState> =
                std::sync::OnceLock::new();
            STATE.get_or_init(|| crate::plugin::export::PluginState::new(Box::new(Probe)))
        }
    }
    static TABLE: FunctionTable = crate::plugin::export::function_table::<Exported>();
    let load = |edit: &dyn Fn(&mut PluginDeclaration)| {
        let mut declaration = PluginDeclaration::new("probe", "1", &TABLE);
        edit(&mut declaration);
        let declaration: &'static PluginDeclaration = Box::leak(Box::new(declaration));
        // SAFETY: leaked, so 'static, and built from 'static strings and table.
        unsafe { PluginDialect::from_declaration(declaration, "probe.so") }
    };
    let older = load(&|d| {
        d.header.abi_minor = 0;
        d.table_size = TABLE_SIZE_2_0;
    })
    .expect("an older minor of this major loads");
    assert_eq!(older.plugin_abi(), format!("{ABI_MAJOR}.0"));
    assert!(
        !older.has_execute_transaction(),
        "its table ends before the slot"
    );
    let previous = load(&|d| {
        d.header.abi_minor = 1;
        d.table_size = TABLE_SIZE_2_1;
    })
    .expect("the previous minor loads");
    assert!(previous.has_execute_transaction());
    assert!(
        !previous.has_render_checks(),
        "its table ends before the slot"
    );
    let newer = load(&|d| d.header.abi_minor += 1).expect("a newer minor only appends");
    assert!(newer.has_execute_transaction());
    assert!(newer.has_render_checks());

    let error =
        |edit: &dyn Fn(&mut PluginDeclaration)| load(edit).expect_err("refused").to_string();
    let bad_magic = error(&|d| d.header.magic = *b"NOTRETRT");
    assert!(
        bad_magic.contains("lacks the retort magic bytes"),
        "{bad_magic}"
    );
    let old_major = error(&|d| d.header.abi_major = 1);
    assert!(old_major.contains("ABI 1."), "{old_major}");
    assert!(
        old_major.contains("rebuild the plugin against retort-core"),
        "{old_major}"
    );
    let aborts = error(&|d| d.panic_strategy = PANIC_ABORT);
    assert!(aborts.contains("panic = \"abort\""), "{aborts}");
    let short = error(&|d| d.table_size = TABLE_SIZE_2_0 - 8);
    assert!(short.contains("function table of"), "{short}");
    let no_table = error(&|d| d.table = std::ptr::null());
    assert!(
        no_table.contains("function table pointer is null"),
        "{no_table}"
    );
    let no_name = error(&|d| d.name_ptr = std::ptr::null());
    assert!(no_name.contains("plugin name is null"), "{no_name}");
    assert_eq!(MAGIC, *b"RETORTPL");
    // SAFETY: null is what this checks; nothing is read through it.
    let null = unsafe { PluginDialect::from_declaration(std::ptr::null(), "null.so") };
    assert!(
        matches!(null, Err(PluginError::Malformed { .. })),
        "{null:?}"
    );
}

#[test]
fn a_panic_in_a_sequence_is_reported_against_its_operation_and_poisons_the_plugin() {
    let dialect = crate::in_process_dialect!(Probe).expect("in-process plugin");
    let (a, b) = (create("a"), create("explode"));
    let rendered = render_sequence(&dialect, &[&a, &b, &a], &Schema::new(), RenderMode::Online);
    assert_eq!(
        rendered.statements.len(),
        1,
        "the operation before the panic"
    );
    let failure = rendered.failure.expect("the panic is a failure");
    assert_eq!(failure.what, "render `create_table` through its plugin");
    assert!(
        failure
            .reason
            .contains("panicked (asked to render explode)"),
        "{failure}"
    );
    let refused = dialect
        .render_literal(&Value::Integer(1))
        .expect_err("poisoned");
    assert!(
        refused.to_string().contains("panicked earlier"),
        "{refused}"
    );
}

#[test]
fn a_plugin_that_reports_no_identifier_limit_has_none() {
    // A description from a plugin built before the limit existed.
    let json = r#"{"name": "old", "schemes": ["old"], "version": "1",
        "capabilities": {"transactional_ddl": true}}"#;
    let description: crate::plugin::wire::Description =
        serde_json::from_str(json).expect("an older description loads");
    assert!(description.capabilities.transactional_ddl);
    assert_eq!(description.capabilities.max_identifier_length, None);
}
