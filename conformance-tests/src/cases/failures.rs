//! A run that fails part-way down: what the version table and the schema keep.

use crate::scratch::{
    connect, describe_state, downgrade, ensure, ensure_mentions, live_schema, state, upgrade,
    Scratch,
};
use crate::Context;
use retort_core::migrate::RowState;

const USERS: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [{ name = "id", type = "bigint", primary_key = true }]

[[downgrade]]
op = "drop_table"
table = "users"
"#;

/// Its downgrade drops `side`, then fails.
const BROKEN_DOWN: &str = r#"
[[upgrade]]
op = "create_table"
table = "side"
columns = [{ name = "id", type = "bigint", primary_key = true }]

[[downgrade]]
op = "drop_table"
table = "side"

[[downgrade]]
op = "execute"
sql = "DELETE FROM no_such_table"
"#;

const THIRD: &str = r#"
[[upgrade]]
op = "create_table"
table = "third"
columns = [{ name = "id", type = "bigint", primary_key = true }]

[[downgrade]]
op = "drop_table"
table = "third"
"#;

/// A downgrade whose second revision fails in its second statement: the revision reverted
/// before it is gone, the failing one is rolled back (transactional DDL) or left as the one
/// dirty row with its error, and the one below it stays applied.
pub(crate) fn failing_downgrade_stops_at_that_revision(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("bbbb0001", None, USERS)?;
    scratch.revision("bbbb0002", Some("bbbb0001"), BROKEN_DOWN)?;
    scratch.revision("bbbb0003", Some("bbbb0002"), THIRD)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")?;
    let error = downgrade(dialect, &graph, conn.as_mut(), "base")
        .err()
        .ok_or("the broken downgrade succeeded")?;
    ensure_mentions(
        &error,
        "the error",
        &["bbbb0002", "operation 2 of 2 (execute)", "no_such_table"],
    )?;
    let recorded = state(dialect, &graph, conn.as_mut())?;
    let live = live_schema(conn.as_mut())?;
    ensure(
        live.table("third").is_none() && !recorded.rows.contains_key("bbbb0003"),
        || {
            format!(
                "the first reverted revision was kept: {}",
                describe_state(&recorded)
            )
        },
    )?;
    ensure(
        live.table("users").is_some()
            && recorded
                .rows
                .get("bbbb0001")
                .is_some_and(|row| row.state == RowState::Applied),
        || {
            format!(
                "the revision below the failed one is not applied: {}",
                describe_state(&recorded)
            )
        },
    )?;
    let failed = recorded
        .rows
        .get("bbbb0002")
        .ok_or("the failed revision's row is gone")?;
    if dialect.capabilities().transactional_ddl {
        ensure(
            failed.state == RowState::Applied && live.table("side").is_some(),
            || {
                format!(
                    "the failed revision was not rolled back: {}",
                    describe_state(&recorded)
                )
            },
        )
    } else {
        let recorded_error = failed.error.clone().unwrap_or_default();
        ensure(
            failed.state == RowState::Dirty && recorded_error.contains("no_such_table"),
            || {
                format!(
                    "the failed revision is not dirty with its error: {}, error {}",
                    describe_state(&recorded),
                    failed.error.as_deref().unwrap_or("none")
                )
            },
        )?;
        ensure(live.table("side").is_none(), || {
            "side is back, though DDL commits implicitly on this database".into()
        })
    }
}
