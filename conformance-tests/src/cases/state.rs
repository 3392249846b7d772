//! Reading and probing a database without changing it, and plain-SQL revisions.

use crate::scratch::{
    connect, describe_state, describe_tables, ensure, live_schema, state, upgrade, Scratch,
};
use crate::Context;
use retort_core::migrate::MigratorSettings;

pub(crate) fn reading_the_state_of_a_fresh_database_creates_nothing(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.is_empty(), || {
        format!(
            "a fresh database has version rows: {}",
            describe_state(&recorded)
        )
    })?;
    let version_table = MigratorSettings::default().version_table;
    let exists = conn
        .table_exists(None, &version_table)
        .map_err(|e| format!("looking up {version_table}: {e}"))?;
    ensure(!exists, || {
        format!("reading the state created the version table {version_table}")
    })?;
    let schema = conn
        .introspect()
        .map_err(|e| format!("introspecting: {e}"))?;
    ensure(schema.is_empty(), || {
        format!("a fresh database holds {}", describe_tables(&schema))
    })
}

pub(crate) fn table_exists_binds_the_name(ctx: &Context<'_>) -> Result<(), String> {
    let scratch = Scratch::new()?;
    let hostile = "it's \"x\"; DROP TABLE t; --";
    scratch.revision(
        "aaaa0001",
        None,
        &format!(
            "[[upgrade]]\nop = \"create_table\"\ntable = {}\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n",
            toml::Value::String(hostile.into())
        ),
    )?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    let found = conn
        .table_exists(None, hostile)
        .map_err(|e| format!("looking up a table named `{hostile}`: {e}"))?;
    ensure(found, || format!("the table `{hostile}` was not found"))?;
    for missing in ["it's", "no_such_table", "' OR '1'='1"] {
        let found = conn
            .table_exists(None, missing)
            .map_err(|e| format!("looking up a table named `{missing}`: {e}"))?;
        ensure(!found, || {
            format!("a table `{missing}` was found, though there is none")
        })?;
    }
    Ok(())
}

const SQL_REVISION: &str = "-- retort:revision bbbb0002
-- retort:down_revision bbbb0001
-- retort:message plain sql

-- retort:upgrade
CREATE TABLE plain (id INTEGER PRIMARY KEY, note VARCHAR(40));
INSERT INTO plain (id, note) VALUES (1, 'it''s; here');
INSERT INTO plain (id, note) VALUES (2, '-- not a comment');

-- retort:downgrade
DROP TABLE plain;
";

pub(crate) fn a_sql_revision_runs_statement_by_statement_and_reverts(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision(
        "bbbb0001",
        None,
        "[[upgrade]]\nop = \"create_table\"\ntable = \"first\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"first\"\n",
    )?;
    scratch.file("bbbb0002.sql", SQL_REVISION)?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let steps = upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    ensure(steps.len() == 2, || {
        format!("the upgrade ran {} revisions, not 2", steps.len())
    })?;
    let syntax = ctx.dialect.syntax();
    let rows = conn
        .query(&retort_core::dialect::Statement::new(format!(
            "SELECT {} FROM {} ORDER BY {}",
            syntax.quote_identifier("note"),
            syntax.quote_identifier("plain"),
            syntax.quote_identifier("id")
        )))
        .map_err(|e| format!("reading the rows the SQL revision inserted: {e}"))?;
    let notes: Vec<String> = rows
        .iter()
        .filter_map(|row| match row.first() {
            Some(retort_core::revision::values::Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    ensure(notes == ["it's; here", "-- not a comment"], || {
        format!("the SQL revision inserted {}", notes.join(" | "))
    })?;
    let down = crate::scratch::downgrade(ctx.dialect, &graph, conn.as_mut(), "bbbb0001")?;
    ensure(down.len() == 1, || {
        format!("the downgrade ran {} revisions, not 1", down.len())
    })?;
    let live = live_schema(conn.as_mut())?;
    ensure(
        live.table("plain").is_none() && live.table("first").is_some(),
        || {
            format!(
                "after the downgrade the database holds {}",
                describe_tables(&live)
            )
        },
    )
}
