//! Offline = online: the script `upgrade --sql` writes, run through the driver statement
//! by statement, leaves the schema, the data and the version rows an online run leaves;
//! and the downgrade script undoes an online upgrade.

use super::values::shown;
use crate::scratch::{
    connect, describe_state, describe_tables, downgrade, ensure, ensure_schema, live_schema, state,
    upgrade, Scratch,
};
use crate::Context;
use retort_core::dialect::Statement;
use retort_core::migrate::{Direction, Migrator, MigratorSettings};
use retort_core::sql::split_statements;
use retort_core::Connection;

const REVISIONS: [&str; 3] = [
    r#"[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "name", type = "varchar(100)", nullable = false, default = "it's" },
]

[[upgrade]]
op = "bulk_insert"
table = "users"
rows = [{ id = 1, name = "it's; -- not a comment" }, { id = 2, name = "back\\slash \"and\" ✓" }, { id = 3, name = "" }]

[[downgrade]]
op = "drop_table"
table = "users"
"#,
    r#"[[upgrade]]
op = "add_column"
table = "users"
column = { name = "email", type = "varchar(255)" }

[[upgrade]]
op = "create_index"
name = "ix_users_email"
table = "users"
columns = ["email"]
unique = true

[[downgrade]]
op = "drop_index"
name = "ix_users_email"
table = "users"

[[downgrade]]
op = "drop_column"
table = "users"
column = "email"
"#,
    r#"[[upgrade]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint", nullable = false },
  { name = "body", type = "text" },
]
foreign_keys = [{ name = "fk_posts_user", columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "cascade" }]

[[upgrade]]
op = "bulk_insert"
table = "posts"
rows = [{ id = 10, user_id = 1, body = "line\nbreak" }, { id = 11, user_id = 2 }]

[[downgrade]]
op = "drop_table"
table = "posts"
"#,
];

/// Runs an offline script through the connection: client directives (psql's `\set`,
/// sqlite3's `.bail`: lines starting with `\` or `.`) are left out as the shells consume
/// them, and the rest is split into statements by the dialect's lexical rules.
fn run_script(ctx: &Context<'_>, conn: &mut dyn Connection, script: &str) -> Result<(), String> {
    let sql: String = script
        .lines()
        .filter(|line| !line.starts_with('\\') && !line.starts_with('.'))
        .map(|line| format!("{line}\n"))
        .collect();
    let syntax = ctx.dialect.syntax();
    let statements =
        split_statements(&sql, &syntax).map_err(|e| format!("splitting the script: {e}"))?;
    for (n, statement) in statements.iter().enumerate() {
        let text = statement.sql.trim();
        let first = text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let sent = Statement::new(text);
        let result = if matches!(first.as_str(), "SELECT" | "PRAGMA" | "WITH") {
            conn.query(&sent).map(|_| ())
        } else {
            conn.execute(&sent).map(|_| ())
        };
        result.map_err(|e| format!("statement {} of the script ({text}): {e}", n + 1))?;
    }
    Ok(())
}

/// Every row of `table`, as prose per row, in key order.
fn rows_of(
    ctx: &Context<'_>,
    conn: &mut dyn Connection,
    table: &str,
) -> Result<Vec<String>, String> {
    let syntax = ctx.dialect.syntax();
    let rows = conn
        .query(&Statement::new(format!(
            "SELECT * FROM {} ORDER BY 1",
            syntax.quote_identifier(table)
        )))
        .map_err(|e| format!("reading {table}: {e}"))?;
    Ok(rows
        .iter()
        .map(|row| row.iter().map(shown).collect::<Vec<_>>().join(", "))
        .collect())
}

pub(crate) fn offline_upgrade_script_run_through_the_driver_matches_an_online_upgrade(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.chain("abcd", &REVISIONS)?;
    let graph = scratch.graph()?;
    let migrator = Migrator::new(ctx.dialect, &graph, MigratorSettings::default());
    let script = migrator
        .offline_script(None, "head", Direction::Upgrade)
        .map_err(|e| format!("writing the upgrade script: {e}"))?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    run_script(ctx, conn.as_mut(), &script)?;
    let offline_schema = live_schema(conn.as_mut())?;
    let offline_state = state(ctx.dialect, &graph, conn.as_mut())?;
    let offline_users = rows_of(ctx, conn.as_mut(), "users")?;
    let offline_posts = rows_of(ctx, conn.as_mut(), "posts")?;
    // The script's version rows are what an online run reads: it can go down from them.
    downgrade(ctx.dialect, &graph, conn.as_mut(), "base")
        .map_err(|e| format!("an online downgrade after the script: {e}"))?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        format!(
            "after downgrade base the database holds {}",
            describe_tables(&live)
        )
    })?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    let online_schema = live_schema(conn.as_mut())?;
    ensure_schema(
        ctx.dialect,
        &offline_schema,
        &online_schema,
        "after the offline script",
    )?;
    let online_state = state(ctx.dialect, &graph, conn.as_mut())?;
    let checksums = |s: &retort_core::migrate::DbState| -> Vec<(String, String)> {
        s.rows
            .values()
            .map(|r| (r.revision.clone(), r.checksum.clone()))
            .collect()
    };
    ensure(
        checksums(&offline_state) == checksums(&online_state),
        || {
            format!(
                "the version rows differ: offline {}, online {}",
                describe_state(&offline_state),
                describe_state(&online_state)
            )
        },
    )?;
    for (table, offline) in [("users", offline_users), ("posts", offline_posts)] {
        let online = rows_of(ctx, conn.as_mut(), table)?;
        ensure(offline == online, || {
            format!(
                "table `{table}`: the script inserted [{}], the online run [{}]",
                offline.join("; "),
                online.join("; ")
            )
        })?;
    }
    Ok(())
}

pub(crate) fn offline_downgrade_script_run_through_the_driver_undoes_an_online_upgrade(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    let ids = scratch.chain("abcd", &REVISIONS)?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let before = live_schema(conn.as_mut())?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), &ids[0])?;
    let after_first = live_schema(conn.as_mut())?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    let migrator = Migrator::new(ctx.dialect, &graph, MigratorSettings::default());
    let head = ids.last().map(String::as_str);
    let script = migrator
        .offline_script(head, &ids[0], Direction::Downgrade)
        .map_err(|e| format!("writing the downgrade script: {e}"))?;
    run_script(ctx, conn.as_mut(), &script)?;
    ensure_schema(
        ctx.dialect,
        &live_schema(conn.as_mut())?,
        &after_first,
        "after the downgrade script",
    )?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.keys().eq([&ids[0]]), || {
        format!(
            "after the downgrade script the version table holds {}",
            describe_state(&recorded)
        )
    })?;
    let users = rows_of(ctx, conn.as_mut(), "users")?;
    ensure(users.len() == 3, || {
        format!("the downgrade script left {} users, not 3", users.len())
    })?;
    let script = migrator
        .offline_script(Some(&ids[0]), "base", Direction::Downgrade)
        .map_err(|e| format!("writing the downgrade script to base: {e}"))?;
    run_script(ctx, conn.as_mut(), &script)?;
    ensure_schema(
        ctx.dialect,
        &live_schema(conn.as_mut())?,
        &before,
        "after the downgrade script to base",
    )?;
    Ok(())
}
