//! What a failure keeps, by the dialect's capabilities: a run that is one transaction keeps
//! nothing; DDL that commits implicitly leaves the failed revision dirty until `stamp`;
//! `transactional = false` revisions run outside a transaction and stay dirty on failure;
//! `Connection::execute_transaction` runs a batch as one transaction.

use super::values::shown;
use crate::scratch::{
    connect, describe_state, describe_tables, ensure, ensure_mentions, live_schema, state, upgrade,
    upgrade_with, Scratch,
};
use crate::Context;
use retort_core::dialect::{BatchError, Capabilities, RenderMode, Statement};
use retort_core::migrate::{Migrator, MigratorSettings, RowState};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;

pub(crate) fn needs_transactional_ddl(capabilities: &Capabilities) -> Option<&'static str> {
    (!capabilities.transactional_ddl)
        .then_some("DDL commits implicitly on this database (capability transactional_ddl)")
}

pub(crate) fn needs_non_transactional_ddl(capabilities: &Capabilities) -> Option<&'static str> {
    capabilities.transactional_ddl.then_some(
        "DDL is transactional on this database: a failed revision leaves nothing to be dirty",
    )
}

pub(crate) fn needs_non_transactional_revisions(
    capabilities: &Capabilities,
) -> Option<&'static str> {
    (!capabilities.non_transactional_revisions).then_some(
        "the dialect cannot run statements outside a transaction under the lock \
         (capability non_transactional_revisions)",
    )
}

fn table(name: &str) -> String {
    format!(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"{name}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"{name}\"\n"
    )
}

pub(crate) fn a_run_in_one_transaction_keeps_nothing_when_a_revision_fails(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    let broken =
        format!(
        "{}\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO no_such_table (x) VALUES (1)\"\n",
        table("third").replace("[[downgrade]]\nop = \"drop_table\"\ntable = \"third\"\n", "")
    );
    scratch.chain("cccc", &[&table("first"), &table("second"), &broken])?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let mut settings = MigratorSettings::default();
    settings.transaction_per_migration = false;
    let error = upgrade_with(ctx.dialect, &graph, conn.as_mut(), "head", settings)
        .err()
        .ok_or("the broken revision succeeded")?;
    ensure_mentions(&error, "the error", &["cccc0003", "no_such_table"])?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        format!(
            "a run that was one transaction kept {} after failing",
            describe_tables(&live)
        )
    })?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.is_empty(), || {
        format!(
            "a run that was one transaction recorded {}",
            describe_state(&recorded)
        )
    })
}

pub(crate) fn a_dirty_revision_is_cleared_by_stamp_and_then_runs(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("dddd0001", None, &table("first"))?;
    let broken = "[[upgrade]]\nop = \"create_table\"\ntable = \"half\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n\n\
                  [[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO no_such_table (x) VALUES (1)\"\n";
    scratch.revision("dddd0002", Some("dddd0001"), broken)?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let failed = upgrade(ctx.dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or("the broken revision succeeded")?;
    ensure_mentions(&failed, "the error", &["dddd0002", "recorded as dirty"])?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    let dirty = recorded.dirty().map(|row| row.revision.clone());
    ensure(dirty.as_deref() == Some("dddd0002"), || {
        format!(
            "the failed revision is not the dirty one: {}",
            describe_state(&recorded)
        )
    })?;
    // The way out the refusal names: undo by hand what the revision did, stamp the
    // revision below it, fix the revision, run again.
    let syntax = ctx.dialect.syntax();
    conn.execute(&Statement::new(format!(
        "DROP TABLE {}",
        syntax.quote_identifier("half")
    )))
    .map_err(|e| format!("dropping the half-applied table: {e}"))?;
    Migrator::new(ctx.dialect, &graph, MigratorSettings::default())
        .stamp(conn.as_mut(), "dddd0001", false)
        .map_err(|e| format!("stamp over the dirty row: {e}"))?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(recorded.dirty().is_none(), || {
        format!("stamp left a dirty row: {}", describe_state(&recorded))
    })?;
    scratch.revision("dddd0002", Some("dddd0001"), &table("half"))?;
    let graph = scratch.graph()?;
    let steps = upgrade(ctx.dialect, &graph, conn.as_mut(), "head")
        .map_err(|e| format!("the run after stamp and fix: {e}"))?;
    ensure(steps.len() == 1, || {
        format!("the run after the fix ran {} revisions, not 1", steps.len())
    })
}

const NON_TRANSACTIONAL_INDEX: &str = "[[upgrade]]
op = \"create_index\"
name = \"ix_items_qty\"
table = \"items\"
columns = [\"qty\"]
";

const ITEMS: &str = "[[upgrade]]
op = \"create_table\"
table = \"items\"
columns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"qty\", type = \"integer\" }]
";

fn non_transactional(id: &str, parent: &str, body: &str) -> String {
    format!("revision = \"{id}\"\ndown_revision = \"{parent}\"\nmessage = \"{id}\"\ntransactional = false\n\n{body}")
}

pub(crate) fn a_non_transactional_revision_applies_and_is_recorded(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("eeee0001", None, ITEMS)?;
    scratch.file(
        "eeee0002.toml",
        &non_transactional("eeee0002", "eeee0001", NON_TRANSACTIONAL_INDEX),
    )?;
    scratch.revision("eeee0003", Some("eeee0002"), &table("after"))?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    let live = live_schema(conn.as_mut())?;
    crate::scratch::ensure_schema(ctx.dialect, &live, &scratch.folded()?, "after the upgrade")?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(
        recorded.rows.len() == 3 && recorded.rows.values().all(|r| r.state == RowState::Applied),
        || format!("the version table holds {}", describe_state(&recorded)),
    )
}

pub(crate) fn a_failed_non_transactional_revision_stays_dirty_and_blocks_later_runs(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("ffff0001", None, ITEMS)?;
    let broken = format!(
        "{NON_TRANSACTIONAL_INDEX}\n[[upgrade]]\nop = \"create_index\"\nname = \"ix_bad\"\ntable = \"items\"\ncolumns = [\"no_such_column\"]\n"
    );
    scratch.file(
        "ffff0002.toml",
        &non_transactional("ffff0002", "ffff0001", &broken),
    )?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let error = upgrade(ctx.dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or("an index on a missing column was created")?;
    ensure_mentions(&error, "the error", &["ffff0002", "no_such_column"])?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    let applied = recorded
        .rows
        .get("ffff0001")
        .is_some_and(|r| r.state == RowState::Applied);
    let dirty = recorded
        .rows
        .get("ffff0002")
        .is_some_and(|r| r.state == RowState::Dirty);
    ensure(applied && dirty, || {
        format!(
            "expected ffff0001 applied and ffff0002 dirty, found {}",
            describe_state(&recorded)
        )
    })?;
    let again = upgrade(ctx.dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or("a run went ahead over a dirty revision")?;
    ensure_mentions(
        &again,
        "the refusal",
        &["ffff0002", "dirty", "retort stamp"],
    )
}

/// Rendered statements of TOML operations, folded as they go.
fn rendered(ctx: &Context<'_>, body: &str) -> Result<Vec<Statement>, String> {
    let text = format!("revision = \"r\"\nmessage = \"r\"\n\n{body}");
    let scratch = Scratch::new()?;
    scratch.file("r.toml", &text)?;
    let graph = scratch.graph()?;
    let header = graph.get("r").ok_or("revision missing")?;
    let retort_core::load::Revision::Toml(rev) =
        retort_core::load::read_revision(header).map_err(|e| e.to_string())?
    else {
        return Err("not a TOML revision".into());
    };
    let mut schema = Schema::new();
    let mut statements = Vec::new();
    for op in &rev.upgrade {
        statements.extend(
            ctx.dialect
                .render_operation(op, &schema, RenderMode::Online)
                .map_err(|e| e.to_string())?,
        );
        schema.apply(op).map_err(|e| e.to_string())?;
    }
    Ok(statements)
}

fn insert(ctx: &Context<'_>, table: &str, values: Vec<Value>) -> Statement {
    let syntax = ctx.dialect.syntax();
    let marks: Vec<String> = (1..=values.len()).map(|i| syntax.placeholder(i)).collect();
    Statement::with_params(
        format!(
            "INSERT INTO {} VALUES ({})",
            syntax.quote_identifier(table),
            marks.join(", ")
        ),
        values,
    )
}

fn read_all(
    ctx: &Context<'_>,
    conn: &mut dyn retort_core::Connection,
    table: &str,
) -> Result<Vec<Vec<Value>>, String> {
    let syntax = ctx.dialect.syntax();
    conn.query(&Statement::new(format!(
        "SELECT * FROM {} ORDER BY 1",
        syntax.quote_identifier(table)
    )))
    .map_err(|e| format!("reading {table}: {e}"))
}

pub(crate) fn a_batch_in_one_transaction_does_what_its_statements_do_one_at_a_time(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let create = "[[upgrade]]\nop = \"create_table\"\ntable = \"one\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"txt\", type = \"text\" }, { name = \"f\", type = \"double\" }]\n\n\
                  [[upgrade]]\nop = \"create_table\"\ntable = \"batch\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"txt\", type = \"text\" }, { name = \"f\", type = \"double\" }]\n";
    let mut conn = connect(ctx.dialect, ctx.url)?;
    for statement in rendered(ctx, create)? {
        conn.execute(&statement)
            .map_err(|e| format!("{}: {e}", statement.sql))?;
    }
    let rows = [
        vec![
            Value::Integer(1),
            Value::String("it's \\ ✓".into()),
            Value::Float(-1.5e300),
        ],
        vec![Value::Integer(2), Value::Null, Value::Float(0.1)],
    ];
    for row in &rows {
        conn.execute(&insert(ctx, "one", row.clone()))
            .map_err(|e| format!("inserting one at a time: {e}"))?;
    }
    let batch: Vec<Statement> = rows
        .iter()
        .map(|row| insert(ctx, "batch", row.clone()))
        .collect();
    conn.execute_transaction(&batch)
        .map_err(|e| format!("the batch failed: {}", batch_error(&e)))?;
    let (one, batched) = (
        read_all(ctx, conn.as_mut(), "one")?,
        read_all(ctx, conn.as_mut(), "batch")?,
    );
    ensure(one == batched, || {
        let show = |rows: &[Vec<Value>]| {
            rows.iter()
                .map(|r| r.iter().map(shown).collect::<Vec<_>>().join(", "))
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!("one at a time: {}; batched: {}", show(&one), show(&batched))
    })
}

pub(crate) fn a_batch_failing_in_the_middle_names_the_statement_and_keeps_nothing(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let create = "[[upgrade]]\nop = \"create_table\"\ntable = \"kept\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n";
    let mut conn = connect(ctx.dialect, ctx.url)?;
    for statement in rendered(ctx, create)? {
        conn.execute(&statement)
            .map_err(|e| format!("{}: {e}", statement.sql))?;
    }
    let failing = insert(ctx, "no_such_table", vec![Value::Integer(1)]);
    let alone = match conn.execute(&failing) {
        Ok(_) => return Err("inserting into a missing table succeeded".into()),
        Err(error) => error,
    };
    let batch = vec![
        insert(ctx, "kept", vec![Value::Integer(1)]),
        insert(ctx, "kept", vec![Value::Integer(2)]),
        failing,
        insert(ctx, "kept", vec![Value::Integer(3)]),
    ];
    match conn.execute_transaction(&batch) {
        Ok(()) => return Err("a batch with a failing statement succeeded".into()),
        Err(BatchError::Statement { index, error }) => {
            ensure(index == 2, || {
                format!("the failure is put at statement {index}, not at 2 (the third)")
            })?;
            ensure(error.message == alone.message, || {
                format!(
                    "the batch's error differs from the statement's own: `{}` against `{}`",
                    error.message, alone.message
                )
            })?;
        }
        Err(other) => {
            return Err(format!(
                "the batch failed otherwise: {}",
                batch_error(&other)
            ))
        }
    }
    let left = read_all(ctx, conn.as_mut(), "kept")?;
    ensure(left.is_empty(), || {
        format!("the failed batch kept {} row(s)", left.len())
    })?;
    conn.execute_transaction(&[insert(ctx, "kept", vec![Value::Integer(9)])])
        .map_err(|e| {
            format!(
                "the next batch on the same connection failed: {}",
                batch_error(&e)
            )
        })?;
    let left = read_all(ctx, conn.as_mut(), "kept")?;
    ensure(left == vec![vec![Value::Integer(9)]], || {
        format!(
            "after the next batch the table holds {} row(s), not 1",
            left.len()
        )
    })
}

/// A batch failure as prose.
fn batch_error(error: &BatchError) -> String {
    match error {
        BatchError::Begin(e) => format!("the transaction did not start: {e}"),
        BatchError::Statement { index, error } => {
            format!("statement {} of the batch: {error}", index + 1)
        }
        BatchError::Commit(e) => format!("the commit failed: {e}"),
    }
}
