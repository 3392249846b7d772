//! Every operation and every neutral type: applied, read back, and compared with the
//! schema the operations describe (the round trip of SPEC 3.4).

use crate::scratch::{
    connect, describe_tables, ensure, ensure_schema, live_schema, upgrade, Scratch,
};
use crate::Context;
use retort_core::load::{read_revision, Revision};
use retort_core::schema::Schema;

/// One revision per step, each a realistic use of one or a few operations.
const STEPS: &[&str] = &[
    r#"[[upgrade]]
op = "create_table"
table = "accounts"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "name", type = "varchar(100)", nullable = false, unique = true },
  { name = "balance", type = "numeric(12,2)", nullable = false, default = 0 },
]
checks = [{ name = "ck_balance", expr = "balance >= 0" }]
"#,
    r#"[[upgrade]]
op = "create_table"
table = "entries"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "account_id", type = "bigint", nullable = false },
  { name = "amount", type = "numeric(12,2)", nullable = false },
  { name = "note", type = "text" },
]
foreign_keys = [{ name = "fk_entries_account", columns = ["account_id"], references_table = "accounts", references_columns = ["id"], on_delete = "cascade" }]
"#,
    r#"[[upgrade]]
op = "add_column"
table = "entries"
column = { name = "booked", type = "boolean", nullable = false, default = false }

[[upgrade]]
op = "create_index"
name = "ix_entries_account"
table = "entries"
columns = ["account_id", "booked"]
"#,
    r#"[[upgrade]]
op = "alter_column"
table = "entries"
column = "note"
type = "varchar(500)"

[[upgrade]]
op = "alter_column"
table = "entries"
column = "amount"
new_name = "value"
"#,
    r#"[[upgrade]]
op = "create_unique_constraint"
name = "uq_entries_note"
table = "entries"
columns = ["note"]

[[upgrade]]
op = "create_check_constraint"
name = "ck_entries_value"
table = "entries"
expr = "value <> 0"
"#,
    r#"[[upgrade]]
op = "create_table"
table = "tags"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "entry_id", type = "bigint" }, { name = "label", type = "varchar(40)" }]

[[upgrade]]
op = "create_foreign_key"
name = "fk_tags_entry"
table = "tags"
columns = ["entry_id"]
references_table = "entries"
references_columns = ["id"]
on_delete = "set_null"
"#,
    r#"[[upgrade]]
op = "drop_constraint"
name = "uq_entries_note"
table = "entries"
kind = "unique"

[[upgrade]]
op = "drop_index"
name = "ix_entries_account"
table = "entries"

[[upgrade]]
op = "drop_column"
table = "entries"
column = "booked"
"#,
    r#"[[upgrade]]
op = "rename_table"
table = "tags"
new_name = "labels"

[[upgrade]]
op = "alter_column"
table = "labels"
column = "label"
nullable = false

[[upgrade]]
op = "alter_column"
table = "accounts"
column = "balance"
drop_default = true
"#,
    r#"[[upgrade]]
op = "create_table"
table = "every_type"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "a_smallint", type = "smallint" },
  { name = "a_bigint", type = "bigint" },
  { name = "a_boolean", type = "boolean" },
  { name = "a_real", type = "real" },
  { name = "a_double", type = "double" },
  { name = "a_numeric", type = "numeric(10,3)" },
  { name = "a_decimal", type = "decimal(6)" },
  { name = "a_varchar", type = "varchar(40)" },
  { name = "a_char", type = "char(3)" },
  { name = "a_text", type = "text" },
  { name = "a_date", type = "date" },
  { name = "a_time", type = "time" },
  { name = "a_timestamp", type = "timestamp" },
  { name = "a_timestamptz", type = "timestamptz" },
  { name = "a_json", type = "json" },
  { name = "a_uuid", type = "uuid" },
  { name = "a_blob", type = "blob" },
]

[[upgrade]]
op = "drop_table"
table = "labels"
"#,
];

pub(crate) fn every_operation_and_type_round_trips(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    let mut conn = connect(dialect, url)?;
    let mut ops = Vec::new();
    let mut parent: Option<String> = None;
    for (n, body) in STEPS.iter().enumerate() {
        let id = format!("op{:06}", n + 1);
        scratch.revision(&id, parent.as_deref(), body)?;
        let graph = scratch.graph()?;
        upgrade(dialect, &graph, conn.as_mut(), "head")
            .map_err(|e| format!("step {}: {e}", n + 1))?;
        let header = graph.get(&id).ok_or("revision missing")?;
        let Revision::Toml(rev) = read_revision(header).map_err(|e| e.to_string())? else {
            return Err("not a TOML revision".into());
        };
        ops.extend(rev.upgrade);
        let (expected, _) = Schema::fold(&ops).map_err(|e| e.to_string())?;
        let live = live_schema(conn.as_mut())?;
        ensure_schema(
            ctx.dialect,
            &live,
            &expected,
            &format!("after step {}", n + 1),
        )?;
        parent = Some(id);
    }
    Ok(())
}

/// A partial index (`create_index` with `where`): applied where the dialect has them;
/// elsewhere refused with a clear error before anything of the run is executed.
pub(crate) fn partial_index_applies_or_is_refused_up_front(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision(
        "aaaa0001",
        None,
        r#"[[upgrade]]
op = "create_table"
table = "jobs"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "done", type = "boolean" }]
"#,
    )?;
    scratch.revision(
        "aaaa0002",
        Some("aaaa0001"),
        r#"[[upgrade]]
op = "create_index"
name = "ix_jobs_open"
table = "jobs"
columns = ["id"]
where = "done = false"
"#,
    )?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    let result = upgrade(dialect, &graph, conn.as_mut(), "head");
    let live = live_schema(conn.as_mut())?;
    if dialect.capabilities().partial_indexes {
        result.map_err(|e| format!("a partial index failed: {e}"))?;
        let index = live
            .table("jobs")
            .and_then(|t| t.indexes.iter().find(|i| i.name == "ix_jobs_open"))
            .ok_or("the partial index is missing")?;
        ensure(index.predicate.is_some(), || {
            format!("the partial index `{}` lost its predicate", index.name)
        })
    } else {
        let error = result
            .err()
            .ok_or("a partial index was accepted by a dialect without partial indexes")?;
        for fragment in ["aaaa0002", "ix_jobs_open", "partial"] {
            ensure(error.contains(fragment), || {
                format!("the refusal lacks `{fragment}`: {error}")
            })?;
        }
        ensure(live.is_empty(), || {
            format!(
                "the refused run executed something: {}",
                describe_tables(&live)
            )
        })
    }
}
