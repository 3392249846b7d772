//! What `retort test` asks of a driver: a revision taken up and down alone by a Migrator
//! that is the database's sole writer, some tables read without the rest, and a scratch
//! connection that need not wait for the disk.

use crate::cases::migrator::{POSTS, USERS};
use crate::scratch::{
    connect, describe_state, ensure, ensure_mentions, ensure_schema, state, Scratch,
};
use crate::Context;
use retort_core::migrate::{Migrator, MigratorSettings};

/// An index on `users`: a change every dialect makes in place (no table rebuild).
const NAME_INDEX: &str = r#"
[[upgrade]]
op = "create_index"
name = "ix_users_name"
table = "users"
columns = ["name"]

[[downgrade]]
op = "drop_index"
name = "ix_users_name"
table = "users"
"#;

pub(crate) fn a_sole_writer_takes_each_revision_up_down_and_up_again(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    scratch.revision("aaaa0002", Some("aaaa0001"), NAME_INDEX)?;
    scratch.revision("aaaa0003", Some("aaaa0002"), POSTS)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    conn.trade_durability_for_speed()
        .map_err(|e| format!("trade_durability_for_speed: {e}"))?;
    let migrator = Migrator::new(dialect, &graph, MigratorSettings::default()).as_sole_writer();

    let early = migrator.upgrade_only(conn.as_mut(), "aaaa0002", &mut |_| {});
    let refused = early
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    ensure_mentions(&refused, "applying aaaa0002 before aaaa0001", &["aaaa0001"])?;

    for (id, tables) in [
        ("aaaa0001", vec!["users"]),
        ("aaaa0002", vec!["users"]),
        ("aaaa0003", vec!["posts"]),
    ] {
        let names: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
        let before = conn
            .introspect_tables(&names)
            .map_err(|e| format!("introspect_tables before {id}: {e}"))?;
        let up = |conn: &mut dyn retort_core::Connection| {
            migrator
                .upgrade_only(conn, id, &mut |_| {})
                .map_err(|e| format!("{id} up: {e}"))
        };
        ensure(up(conn.as_mut())?.len() == 1, || {
            format!("{id} did not go up alone")
        })?;
        migrator
            .revert(conn.as_mut(), id, &mut |_| {})
            .map_err(|e| format!("{id} down: {e}"))?;
        let after = conn
            .introspect_tables(&names)
            .map_err(|e| format!("introspect_tables after {id}: {e}"))?;
        ensure_schema(
            dialect,
            &after,
            &before,
            &format!("after {id} went up and down"),
        )?;
        ensure(up(conn.as_mut())?.len() == 1, || {
            format!("{id} did not go up again")
        })?;
    }

    // What the sole writer carried is what the database holds.
    let recorded = state(dialect, &graph, conn.as_mut())?;
    ensure(
        recorded.applied_sorted() == ["aaaa0001", "aaaa0002", "aaaa0003"],
        || format!("recorded: {}", describe_state(&recorded)),
    )?;
    let live = crate::scratch::live_schema(conn.as_mut())?;

    // Some tables are read as the whole schema has them; a name no table has is left out.
    let some = conn
        .introspect_tables(&["posts".to_string(), "no_such_table".to_string()])
        .map_err(|e| format!("introspect_tables: {e}"))?;
    let names: Vec<&str> = some.table_names().collect();
    ensure(names == ["posts"], || {
        format!("introspect_tables read {names:?}")
    })?;
    ensure(some.table("posts") == live.table("posts"), || {
        String::from("`posts` read alone differs from `posts` read with the whole schema")
    })
}
