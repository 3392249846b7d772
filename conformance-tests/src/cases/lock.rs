//! The migration lock between sessions: a second session waits and gives up after its
//! timeout, saying so; unlocking or closing the first frees it; a run waiting for it
//! gives up without touching anything, or goes ahead once it is free.

use crate::scratch::{connect, describe_state, ensure, live_schema, state, upgrade_with, Scratch};
use crate::Context;
use retort_core::migrate::MigratorSettings;
use std::time::{Duration, Instant};

const USERS: &str = r#"[[upgrade]]
op = "create_table"
table = "users"
columns = [{ name = "id", type = "integer", primary_key = true }]
"#;

pub(crate) fn lock_times_out_while_another_session_holds_it(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let mut first = connect(ctx.dialect, ctx.url)?;
    let mut second = connect(ctx.dialect, ctx.url)?;
    first
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the first session could not take the free lock: {e}"))?;
    let started = Instant::now();
    let error = match second.lock(Duration::from_millis(500)) {
        Ok(()) => return Err("a second session took the lock the first one holds".into()),
        Err(error) => error,
    };
    let waited = started.elapsed();
    ensure(waited >= Duration::from_millis(400), || {
        format!(
            "the second session gave up after {} ms, not after its timeout of 500 ms",
            waited.as_millis()
        )
    })?;
    ensure(error.lock_timeout, || {
        format!("the error is not marked as a lock timeout: {error}")
    })?;
    ensure(error.message.contains("--lock-timeout"), || {
        format!("the error does not name --lock-timeout, the way out: {error}")
    })?;
    first
        .unlock()
        .map_err(|e| format!("unlocking the first session: {e}"))
}

pub(crate) fn unlock_frees_the_lock_for_the_next_session(ctx: &Context<'_>) -> Result<(), String> {
    let mut first = connect(ctx.dialect, ctx.url)?;
    let mut second = connect(ctx.dialect, ctx.url)?;
    first
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the first lock: {e}"))?;
    first.unlock().map_err(|e| format!("unlocking: {e}"))?;
    second
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the lock was not free after unlock: {e}"))?;
    second.unlock().map_err(|e| format!("unlocking: {e}"))?;
    first
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the first session could not lock a second time: {e}"))?;
    first.unlock().map_err(|e| format!("unlocking again: {e}"))
}

pub(crate) fn closing_a_session_frees_its_lock(ctx: &Context<'_>) -> Result<(), String> {
    let mut first = connect(ctx.dialect, ctx.url)?;
    first
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the first lock: {e}"))?;
    drop(first);
    let mut second = connect(ctx.dialect, ctx.url)?;
    second
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("the lock of a closed session was still held: {e}"))?;
    second.unlock().map_err(|e| format!("unlocking: {e}"))
}

pub(crate) fn upgrade_waiting_for_the_lock_gives_up_after_lock_timeout(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    let graph = scratch.graph()?;
    let mut holder = connect(ctx.dialect, ctx.url)?;
    holder
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("taking the lock: {e}"))?;
    let mut settings = MigratorSettings::default();
    settings.lock_timeout = Duration::from_millis(500);
    let mut conn = connect(ctx.dialect, ctx.url)?;
    let started = Instant::now();
    let error = upgrade_with(ctx.dialect, &graph, conn.as_mut(), "head", settings)
        .err()
        .ok_or("an upgrade ran while another session held the lock")?;
    ensure(started.elapsed() >= Duration::from_millis(400), || {
        format!(
            "the run gave up after {} ms, before its lock timeout of 500 ms",
            started.elapsed().as_millis()
        )
    })?;
    ensure(error.contains("--lock-timeout"), || {
        format!("the error does not name --lock-timeout: {error}")
    })?;
    holder.unlock().map_err(|e| format!("unlocking: {e}"))?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        "the run that gave up created tables".into()
    })?;
    let recorded = state(ctx.dialect, &graph, conn.as_mut())?;
    ensure(recorded.rows.is_empty(), || {
        format!(
            "the run that gave up recorded {}",
            describe_state(&recorded)
        )
    })
}

pub(crate) fn upgrade_waiting_for_the_lock_goes_ahead_once_it_is_free(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, USERS)?;
    let graph = scratch.graph()?;
    let mut holder = connect(ctx.dialect, ctx.url)?;
    holder
        .lock(Duration::from_secs(5))
        .map_err(|e| format!("taking the lock: {e}"))?;
    let started = Instant::now();
    let result = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let mut conn = connect(ctx.dialect, ctx.url)?;
            let mut settings = MigratorSettings::default();
            settings.lock_timeout = Duration::from_secs(20);
            upgrade_with(ctx.dialect, &graph, conn.as_mut(), "head", settings)
        });
        std::thread::sleep(Duration::from_millis(400));
        let unlocked = holder.unlock().map_err(|e| format!("unlocking: {e}"));
        let ran = waiter
            .join()
            .unwrap_or_else(|_| Err("the waiting run panicked".into()));
        unlocked.and(ran)
    })?;
    ensure(started.elapsed() >= Duration::from_millis(300), || {
        "the run did not wait for the lock".into()
    })?;
    ensure(result.len() == 1, || {
        format!("the run applied {} revisions, not 1", result.len())
    })
}
