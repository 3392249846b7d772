//! Crash safety (SPEC 6): an upgrade in a second process killed with SIGKILL at
//! pseudo-random moments never leaves a revision recorded as applied that is not, nor one
//! applied and unrecorded. Where DDL commits implicitly, at most the interrupted revision
//! is left dirty, the next run refuses naming the way out (`retort stamp`), and taking it
//! works. The killed sessions' locks go with them, and a last run finishes.

use crate::scratch::{connect, ensure, ensure_mentions, live_schema, state, upgrade_with, Scratch};
use crate::{ChildCommand, Context};
use retort_core::dialect::Statement;
use retort_core::migrate::{Migrator, MigratorSettings, RowState};
use retort_core::revision::values::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const REVISIONS: usize = 60;
const ROWS: usize = 10;
const KILLS: usize = 12;

fn revision_id(index: usize) -> String {
    format!("k{:011x}", index + 1)
}

fn write_revisions(scratch: &Scratch) -> Result<(), String> {
    let rows: Vec<String> = (0..ROWS)
        .map(|row| format!("{{ id = {}, qty = {row} }}", row + 1))
        .collect();
    for index in 0..REVISIONS {
        let parent = index.checked_sub(1).map(revision_id);
        scratch.revision(
            &revision_id(index),
            parent.as_deref(),
            &format!(
                "[[upgrade]]\nop = \"create_table\"\ntable = \"t{index:03}\"\n\
                 columns = [{{ name = \"id\", type = \"bigint\", primary_key = true }}, \
                 {{ name = \"qty\", type = \"integer\" }}]\n\n\
                 [[upgrade]]\nop = \"create_index\"\nname = \"ix_t{index:03}\"\n\
                 table = \"t{index:03}\"\ncolumns = [\"qty\"]\n\n\
                 [[upgrade]]\nop = \"bulk_insert\"\ntable = \"t{index:03}\"\nrows = [{}]\n\n\
                 [[downgrade]]\nop = \"drop_table\"\ntable = \"t{index:03}\"\n",
                rows.join(", ")
            ),
        )?;
    }
    Ok(())
}

/// What a kill left: the revisions recorded applied, and the one recorded dirty.
struct Observed {
    applied: BTreeSet<usize>,
    dirty: Option<usize>,
}

fn index_of(id: &str) -> Result<usize, String> {
    (0..REVISIONS)
        .find(|i| revision_id(*i) == id)
        .ok_or_else(|| format!("the version table names an unknown revision {id}"))
}

/// Checks that the version rows and the schema agree, and says what is applied.
fn observe(ctx: &Context<'_>, scratch: &Scratch, context: &str) -> Result<Observed, String> {
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    let mut applied = BTreeSet::new();
    let mut dirty = None;
    for row in recorded.rows.values() {
        let index = index_of(&row.revision)?;
        match row.state {
            RowState::Applied => {
                applied.insert(index);
            }
            RowState::Dirty if dirty.is_none() && !ctx.dialect.capabilities().transactional_ddl => {
                dirty = Some(index);
            }
            RowState::Dirty => {
                return Err(format!("{context}: {} is recorded dirty", row.revision))
            }
        }
    }
    let live = live_schema(conn.as_mut())?;
    let mut tables = BTreeSet::new();
    for table in live.tables() {
        let index = table
            .name
            .strip_prefix('t')
            .and_then(|digits| digits.parse::<usize>().ok())
            .ok_or_else(|| format!("{context}: an unexpected table `{}`", table.name))?;
        tables.insert(index);
        if applied.contains(&index) {
            ensure(
                table
                    .indexes
                    .iter()
                    .any(|ix| ix.name == format!("ix_t{index:03}")),
                || {
                    format!(
                        "{context}: revision {index} is recorded applied, but its index is missing"
                    )
                },
            )?;
        }
    }
    let mut expected = applied.clone();
    expected.extend(dirty.filter(|d| tables.contains(d)));
    ensure(tables == expected, || {
        let list = |set: &BTreeSet<usize>| {
            set.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{context}: the tables of revisions [{}] exist, but revisions [{}] are recorded",
            list(&tables),
            list(&expected)
        )
    })?;
    let syntax = ctx.dialect.syntax();
    for index in &applied {
        let count = conn
            .query(&Statement::new(format!(
                "SELECT count(*) FROM {}",
                syntax.quote_identifier(&format!("t{index:03}"))
            )))
            .map_err(|e| format!("{context}: counting t{index:03}: {e}"))?;
        ensure(count == vec![vec![Value::Integer(ROWS as i64)]], || {
            format!("{context}: t{index:03} is recorded applied but lacks some of its {ROWS} rows")
        })?;
    }
    if let Some(dirty) = dirty {
        ensure(applied == (0..dirty).collect(), || {
            format!("{context}: the dirty revision {dirty} does not follow the applied ones")
        })?;
    }
    Ok(Observed { applied, dirty })
}

/// Drops every table and version row: the database as the factory made it.
fn empty(ctx: &Context<'_>) -> Result<(), String> {
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let syntax = ctx.dialect.syntax();
    let mut schema = conn
        .introspect()
        .map_err(|e| format!("introspecting: {e}"))?;
    let names: Vec<String> = schema.table_names().map(String::from).collect();
    for name in names {
        conn.execute(&Statement::new(format!(
            "DROP TABLE {}",
            syntax.quote_identifier(&name)
        )))
        .map_err(|e| format!("emptying the database: dropping {name}: {e}"))?;
        schema.remove_table(&name);
    }
    Ok(())
}

/// Takes the way out of a dirty revision: the next run refuses naming it; undo it by
/// hand and stamp the revision below.
fn clear_dirty(
    ctx: &Context<'_>,
    scratch: &Scratch,
    dirty: usize,
    context: &str,
) -> Result<(), String> {
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let refusal = upgrade_with(
        ctx.dialect,
        &graph,
        conn.as_mut(),
        "head",
        MigratorSettings::default(),
    )
    .err()
    .ok_or_else(|| format!("{context}: a run went ahead over the dirty revision"))?;
    ensure_mentions(
        &refusal,
        "the refusal",
        &[&revision_id(dirty), "dirty", "retort stamp"],
    )?;
    let table = format!("t{dirty:03}");
    if conn.table_exists(None, &table).map_err(|e| e.to_string())? {
        conn.execute(&Statement::new(format!(
            "DROP TABLE {}",
            ctx.dialect.syntax().quote_identifier(&table)
        )))
        .map_err(|e| format!("{context}: dropping the half-created {table}: {e}"))?;
    }
    let below = dirty
        .checked_sub(1)
        .map_or_else(|| "base".to_string(), revision_id);
    Migrator::new(ctx.dialect, &graph, MigratorSettings::default())
        .stamp(conn.as_mut(), &below, false)
        .map_err(|e| format!("{context}: stamp {below}: {e}"))?;
    Ok(())
}

/// Runs the child to the end, or kills it after `delay`: whether the kill landed while
/// it ran.
fn run_child(
    child: &ChildCommand,
    scratch: &Scratch,
    ctx: &Context<'_>,
    delay: Option<Duration>,
) -> Result<bool, String> {
    let mut process = child.spawn(scratch, ctx.url)?;
    if let Some(delay) = delay {
        std::thread::sleep(delay);
        let _ = process.kill();
    }
    let output = process
        .wait_with_output()
        .map_err(|e| format!("waiting for the child: {e}"))?;
    if output.status.success() {
        return Ok(false);
    }
    if delay.is_some() && output.status.code().is_none() {
        return Ok(true);
    }
    Err(format!(
        "the child upgrade failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

pub(crate) fn sigkill_during_upgrade_never_leaves_version_table_and_schema_disagreeing(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let child = ctx.child.ok_or("no child command")?;
    let scratch = Scratch::new()?;
    write_revisions(&scratch)?;
    let everything: BTreeSet<usize> = (0..REVISIONS).collect();
    let started = Instant::now();
    run_child(child, &scratch, ctx, None)?;
    let window = started.elapsed().mul_f64(1.1);
    ensure(
        observe(ctx, &scratch, "calibration")?.applied == everything,
        || "a whole child run did not apply every revision".into(),
    )?;
    let mut applied = everything.clone();
    let (mut while_running, mut left_dirty) = (0, 0);
    let mut seed: u64 = 0x5eed;
    for iteration in 0..KILLS {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if applied.len() == REVISIONS || iteration % 3 == 0 {
            empty(ctx)?;
            applied.clear();
        }
        let start = applied.len();
        let remaining = (REVISIONS - start) as f64 / REVISIONS as f64;
        let delay = window.mul_f64(remaining * ((seed >> 33) % 1_000) as f64 / 1_000.0);
        let killed = run_child(child, &scratch, ctx, Some(delay))?;
        let context = format!(
            "kill {} ({start} applied before, killed after {} ms, {})",
            iteration + 1,
            delay.as_millis(),
            if killed {
                "while running"
            } else {
                "after it finished"
            }
        );
        while_running += usize::from(killed);
        let now = observe(ctx, &scratch, &context)?;
        ensure(now.applied == (0..now.applied.len()).collect(), || {
            format!("{context}: the applied revisions are not a prefix of the chain")
        })?;
        ensure(now.applied.len() >= start, || {
            format!("{context}: revisions applied before were lost")
        })?;
        if let Some(dirty) = now.dirty {
            left_dirty += 1;
            clear_dirty(ctx, &scratch, dirty, &context)?;
            let after = observe(ctx, &scratch, &format!("{context}, after the way out"))?;
            ensure(
                after.dirty.is_none() && after.applied == now.applied,
                || format!("{context}: stamp did not leave the applied revisions and no dirty row"),
            )?;
        }
        applied = now.applied;
    }
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let mut settings = MigratorSettings::default();
    settings.lock_timeout = Duration::from_secs(10);
    upgrade_with(ctx.dialect, &graph, conn.as_mut(), "head", settings)
        .map_err(|e| format!("the run after the kills (their locks should be gone): {e}"))?;
    ensure(
        observe(ctx, &scratch, "after resuming")?.applied == everything,
        || "the run after the kills did not apply every revision".into(),
    )?;
    ensure(while_running >= KILLS / 3, || {
        format!("only {while_running} of {KILLS} kills landed while the upgrade ran")
    })?;
    if ctx.dialect.capabilities().transactional_ddl {
        ensure(left_dirty == 0, || {
            format!("{left_dirty} kills left a dirty revision, though DDL is transactional")
        })?;
    }
    Ok(())
}
