//! The Migrator against a real database: runs, failures, races, edits, stamps.

use crate::scratch::{
    connect, describe_state, downgrade, ensure, ensure_mentions, ensure_schema, live_schema, state,
    upgrade, Scratch,
};
use crate::Context;
use retort_core::migrate::{Migrator, MigratorSettings};

pub(crate) const USERS: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "name", type = "varchar(100)", nullable = false },
]

[[downgrade]]
op = "drop_table"
table = "users"
"#;

const EMAIL: &str = r#"
[[upgrade]]
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
"#;

pub(crate) const POSTS: &str = r#"
[[upgrade]]
op = "create_table"
table = "posts"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint", nullable = false },
  { name = "body", type = "text" },
]
foreign_keys = [{ name = "fk_posts_user", columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "cascade" }]

[[downgrade]]
op = "drop_table"
table = "posts"
"#;

pub(crate) fn upgrade_and_downgrade_round_trip(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    scratch.revision("aaaa0002", Some("aaaa0001"), EMAIL)?;
    scratch.revision("aaaa0003", Some("aaaa0002"), POSTS)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;

    let steps = upgrade(dialect, &graph, conn.as_mut(), "head")?;
    let ids: Vec<&str> = steps.iter().map(|s| s.revision.as_str()).collect();
    ensure(ids == ["aaaa0001", "aaaa0002", "aaaa0003"], || {
        format!("upgrade ran {}", ids.join(", "))
    })?;
    let live = live_schema(conn.as_mut())?;
    ensure_schema(ctx.dialect, &live, &scratch.folded()?, "after upgrade head")?;
    let recorded = state(dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.len() == 3, || {
        format!("the version table holds {}", describe_state(&recorded))
    })?;
    ensure(
        recorded
            .rows
            .values()
            .all(|r| r.checksum.starts_with("sha256:")),
        || "a recorded checksum does not start with `sha256:`".into(),
    )?;

    let again = upgrade(dialect, &graph, conn.as_mut(), "head")?;
    ensure(again.is_empty(), || {
        format!("a second upgrade ran {} revision(s)", again.len())
    })?;

    let down = downgrade(dialect, &graph, conn.as_mut(), "aaaa0001")?;
    let ids: Vec<&str> = down.iter().map(|s| s.revision.as_str()).collect();
    ensure(ids == ["aaaa0003", "aaaa0002"], || {
        format!("downgrade ran {}", ids.join(", "))
    })?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.table("posts").is_none(), || {
        "posts still exists after downgrade".into()
    })?;
    ensure(
        live.table("users")
            .is_some_and(|t| t.column("email").is_none()),
        || "users is missing, or still has email, after the downgrade".into(),
    )?;
    downgrade(dialect, &graph, conn.as_mut(), "base")?;
    ensure(live_schema(conn.as_mut())?.is_empty(), || {
        "tables left after downgrade base".into()
    })?;
    ensure(
        state(dialect, &graph, conn.as_mut())?.rows.is_empty(),
        || "rows left after downgrade base".into(),
    )
}

pub(crate) fn failing_statement_leaves_no_trace(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    let broken = r#"
[[upgrade]]
op = "create_table"
table = "half_done"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[upgrade]]
op = "execute"
sql = "INSERT INTO no_such_table (x) VALUES (1)"
"#;
    scratch.revision("aaaa0002", Some("aaaa0001"), broken)?;
    // Never reached: nothing of it may be written, not even a dirty row.
    let after = r#"
[[upgrade]]
op = "create_table"
table = "never_run"
columns = [{ name = "id", type = "integer", primary_key = true }]
"#;
    scratch.revision("aaaa0003", Some("aaaa0002"), after)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    let error = upgrade(dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or("the broken revision succeeded")?;
    ensure_mentions(
        &error,
        "the error",
        &["aaaa0002", "operation 2 of 2 (execute)", "no_such_table"],
    )?;
    let recorded = state(dialect, &graph, conn.as_mut())?;
    let live = live_schema(conn.as_mut())?;
    ensure(
        live.table("users").is_some()
            && recorded
                .rows
                .get("aaaa0001")
                .is_some_and(|row| row.state == retort_core::migrate::RowState::Applied),
        || {
            format!(
                "the good revision was not kept as applied: {}",
                describe_state(&recorded)
            )
        },
    )?;
    ensure(
        live.table("never_run").is_none() && !recorded.rows.contains_key("aaaa0003"),
        || {
            format!(
                "the revision after the failed one was touched: {}",
                describe_state(&recorded)
            )
        },
    )?;
    let dirty: Vec<&String> = recorded
        .rows
        .values()
        .filter(|row| row.state == retort_core::migrate::RowState::Dirty)
        .map(|row| &row.revision)
        .collect();
    ensure(dirty.len() <= 1, || {
        format!("more than one dirty row: {}", describe_state(&recorded))
    })?;
    if dialect.capabilities().transactional_ddl {
        ensure(live.table("half_done").is_none(), || {
            "half_done survived the failed revision".into()
        })?;
        ensure(!recorded.rows.contains_key("aaaa0002"), || {
            "the failed revision was recorded".into()
        })
    } else {
        let row = recorded
            .rows
            .get("aaaa0002")
            .ok_or("no dirty row for the failed revision")?;
        ensure(row.state == retort_core::migrate::RowState::Dirty, || {
            format!(
                "the failed revision is recorded as applied: {}",
                describe_state(&recorded)
            )
        })?;
        let recorded_error = row.error.clone().unwrap_or_default();
        for fragment in ["INSERT INTO no_such_table", "no_such_table"] {
            ensure(recorded_error.contains(fragment), || {
                format!("the dirty row's error lacks `{fragment}`: {recorded_error}")
            })?;
        }
        ensure(live.table("half_done").is_some(), || {
            "half_done is gone, though DDL commits implicitly on this database".into()
        })?;
        // A later run refuses, naming the revision, the failed statement and the way out.
        let refusal = upgrade(dialect, &graph, conn.as_mut(), "head")
            .err()
            .ok_or("an upgrade over a dirty revision went ahead")?;
        ensure_mentions(
            &refusal,
            "the refusal",
            &[
                "aaaa0002",
                "dirty",
                "INSERT INTO no_such_table",
                "retort stamp",
            ],
        )
    }
}

pub(crate) fn concurrent_upgrades_apply_each_revision_once(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    let mut parent: Option<String> = None;
    for n in 1..=8 {
        let id = format!("aaaa{n:04}");
        let body = format!(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"t{n}\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}]\n"
        );
        scratch.revision(&id, parent.as_deref(), &body)?;
        parent = Some(id);
    }
    let graph = scratch.graph()?;
    let results: Vec<Result<usize, String>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = connect(dialect, url)?;
                    upgrade(dialect, &graph, conn.as_mut(), "head").map(|steps| steps.len())
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().unwrap_or_else(|_| Err("a run panicked".into())))
            .collect()
    });
    let mut total = 0;
    for result in results {
        total += result?;
    }
    ensure(total == 8, || {
        format!("the two runs applied {total} revisions in all, not 8")
    })?;
    let mut conn = connect(dialect, url)?;
    let recorded = state(dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.len() == 8, || {
        format!("{} rows recorded", recorded.rows.len())
    })
}

pub(crate) fn edited_applied_revision_is_refused(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")?;
    scratch.revision(
        "aaaa0001",
        None,
        &USERS.replace("varchar(100)", "varchar(200)"),
    )?;
    scratch.revision("aaaa0002", Some("aaaa0001"), EMAIL)?;
    let graph = scratch.graph()?;
    let error = upgrade(dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or("an edited applied revision was accepted")?;
    ensure(
        error.contains("changed since they ran") && error.contains("aaaa0001"),
        || format!("unexpected error: {error}"),
    )?;
    ensure(
        state(dialect, &graph, conn.as_mut())?.rows.len() == 1,
        || "the refused run applied something".into(),
    )?;
    let mut settings = MigratorSettings::default();
    settings.allow_changed = true;
    Migrator::new(dialect, &graph, settings)
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .map_err(|e| format!("--allow-changed did not proceed: {e}"))?;
    Ok(())
}

pub(crate) fn stamp_records_without_running(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    scratch.revision("aaaa0002", Some("aaaa0001"), EMAIL)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    let migrator = Migrator::new(dialect, &graph, MigratorSettings::default());
    let stamped = migrator
        .stamp(conn.as_mut(), "head", false)
        .map_err(|e| e.to_string())?;
    ensure(stamped.rows.len() == 2, || {
        format!("stamp head recorded {}", describe_state(&stamped))
    })?;
    ensure(live_schema(conn.as_mut())?.is_empty(), || {
        "stamp ran a revision".into()
    })?;
    ensure(
        upgrade(dialect, &graph, conn.as_mut(), "head")?.is_empty(),
        || "upgrade after stamp head did something".into(),
    )?;
    let stamped = migrator
        .stamp(conn.as_mut(), "aaaa0001", false)
        .map_err(|e| e.to_string())?;
    ensure(stamped.rows.keys().eq(["aaaa0001"]), || {
        format!("stamp down recorded {}", describe_state(&stamped))
    })?;
    let purged = migrator
        .stamp(conn.as_mut(), "base", true)
        .map_err(|e| e.to_string())?;
    ensure(purged.rows.is_empty(), || {
        format!("stamp --purge base left {}", describe_state(&purged))
    })
}
