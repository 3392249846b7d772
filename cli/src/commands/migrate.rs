//! Commands that talk to the database: `upgrade`, `downgrade`, `current`, `stamp`, `db`.

use crate::args::{DbAction, GlobalArgs, RunArgs};
use crate::database::{migrate_error, settings, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, load_config, Project};
use retort_core::db_url::FileLocation;
use retort_core::migrate::{
    check_direction, read_recorded_state, DbState, Direction, MigrateError, Migrator, Progress,
    RowState, Step,
};
use serde_json::json;
use std::io::{IsTerminal, Write as _};
use std::time::{Duration, Instant};

pub(crate) struct RunRequest<'a> {
    pub(crate) direction: Direction,
    pub(crate) target: &'a str,
    pub(crate) run: &'a RunArgs,
    pub(crate) from: Option<&'a str>,
    pub(crate) allow_changed: bool,
}

pub(crate) fn run(
    out: &Output,
    project: &Project,
    global: &GlobalArgs,
    request: &RunRequest<'_>,
) -> CliResult {
    let (range_from, target) = offline_range(request)?;
    // A target that moves the wrong way is bad input: refused before a connection could
    // create a SQLite file.
    check_direction(target, request.direction).map_err(migrate_error)?;
    let database = Database::for_project(project, global)?;
    let migrator = database.migrator(project, request.run.lock_timeout, request.allow_changed);
    if request.run.sql {
        let from = match (request.direction, range_from.or(request.from)) {
            (_, Some("")) => None,
            (_, Some(from)) => Some(from),
            (Direction::Upgrade, None) => None,
            (Direction::Downgrade, None) => Some("heads"),
        };
        let script = migrator
            .offline_script(from, target, request.direction)
            .map_err(migrate_error)?;
        out.emit(|_| script.clone(), || json!({ "sql": script }));
        return Ok(());
    }
    if !request.run.dry_run && database.is_missing_sqlite_file() {
        // Connecting creates the file: rehearse on an empty database first, so that a
        // malformed revision or a refused plan leaves no file behind.
        let mut empty = database.connect_read_only()?;
        match request.direction {
            Direction::Upgrade => {
                migrator.upgrade(empty.as_mut(), request.target, true, &mut |_| {})
            }
            Direction::Downgrade => {
                migrator.downgrade(empty.as_mut(), request.target, true, &mut |_| {})
            }
        }
        .map_err(migrate_error)?;
    }
    let mut conn = if request.run.dry_run {
        database.connect_read_only()?
    } else {
        database.connect()?
    };
    let text = !out.is_json() && !out.quiet;
    // A status line on stderr for longer runs, and only on a terminal (SPEC 6).
    let live = text && std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut planned: Vec<Step> = Vec::new();
    // Lines on stdout name revisions that are done and durable; what is running shows only
    // in the status line (SPEC 6: what retort prints as done is done).
    let mut report = |event: Progress<'_>| match event {
        Progress::Planned(steps) => planned = steps.to_vec(),
        Progress::Started(index) if live => {
            let step = &planned[index];
            eprint!(
                "\r\x1b[2K[{}/{}] {} {} running ({:.1} s)",
                index + 1,
                planned.len(),
                verb(step.direction),
                step.revision,
                started.elapsed().as_secs_f64()
            );
        }
        Progress::Committing(count) if live => {
            eprint!(
                "\r\x1b[2Kcommitting {count} revision{} ({:.1} s)",
                if count == 1 { "" } else { "s" },
                started.elapsed().as_secs_f64()
            );
        }
        Progress::Finished(_, step) if text => {
            if live {
                eprint!("\r\x1b[2K");
            }
            print_step(step);
        }
        _ => {}
    };
    let steps = match request.direction {
        Direction::Upgrade => migrator.upgrade(
            conn.as_mut(),
            request.target,
            request.run.dry_run,
            &mut report,
        ),
        Direction::Downgrade => migrator.downgrade(
            conn.as_mut(),
            request.target,
            request.run.dry_run,
            &mut report,
        ),
    };
    if live {
        // Clear the status line, so that an error or the summary starts on a clean line.
        eprint!("\r\x1b[2K");
    }
    let steps = steps.map_err(|error| run_error(error, &database, &migrator))?;
    out.emit(
        |out| {
            if out.quiet {
                String::new()
            } else if steps.is_empty() {
                match request.direction {
                    Direction::Upgrade => {
                        format!("Nothing to do: `{}` is already applied.\n", request.target)
                    }
                    Direction::Downgrade => format!(
                        "Nothing to do: nothing after `{}` is applied.\n",
                        request.target
                    ),
                }
            } else if request.run.dry_run {
                steps
                    .iter()
                    .map(|s| format!("would {}\n", step_text(s)))
                    .collect()
            } else {
                // A real run printed its steps as they finished.
                String::new()
            }
        },
        || json!({ "steps": steps }),
    );
    Ok(())
}

/// Alembic's range form for offline scripts, `upgrade --sql A:B` and `downgrade --sql B:A`:
/// the script starts at the left side and goes to the right one (an empty left side of an
/// upgrade is base). Returns the starting point, if a range was given, and the target.
fn offline_range<'r>(request: &RunRequest<'r>) -> CliResult<(Option<&'r str>, &'r str)> {
    let Some((from, to)) = request.target.split_once(':') else {
        return Ok((None, request.target));
    };
    let typed = request.target;
    if !request.run.sql {
        return Err(CliError::input(format!(
            "the range `{typed}` is for offline scripts only: add --sql, or give one target"
        )));
    }
    if request.from.is_some() {
        return Err(CliError::input(format!(
            "the range `{typed}` says where the script starts, and so does --from: give one"
        )));
    }
    if to.is_empty() || (from.is_empty() && request.direction == Direction::Downgrade) {
        return Err(CliError::input(format!(
            "the range `{typed}` needs a revision on both sides of `:` (an upgrade may leave \
             the left side empty to start at base)"
        )));
    }
    Ok((Some(from), to))
}

/// A run's error. When the connection was lost while committing, the outcome is unknown to
/// that connection: a new one reads the version table, and the message says what it holds.
fn run_error(error: MigrateError, database: &Database, migrator: &Migrator<'_>) -> CliError {
    let MigrateError::CommitOutcomeUnknown {
        revisions,
        direction,
        ..
    } = &error
    else {
        return migrate_error(error);
    };
    let found = database.connect().and_then(|mut conn| {
        migrator
            .read_state_locked(conn.as_mut())
            .map_err(CliError::runtime)
    });
    let state = match found {
        Ok(state) => state,
        Err(reason) => {
            return CliError::runtime(format!(
                "{error}\n  Reconnecting to find out failed too ({}); `retort current` shows \
                 what the version table records.",
                reason.message
            ))
        }
    };
    let recorded = |id: &String| {
        state
            .rows
            .get(id)
            .is_some_and(|row| row.state == RowState::Applied)
    };
    let ids = revisions.join(", ");
    let took_effect = match direction {
        Direction::Upgrade => revisions.iter().all(recorded),
        Direction::Downgrade => !revisions.iter().any(recorded),
    };
    let kept_nothing = match direction {
        Direction::Upgrade => !revisions.iter().any(recorded),
        Direction::Downgrade => revisions.iter().all(recorded),
    };
    let verdict = if took_effect {
        format!(
            "Reconnected and read the version table: {ids} {}, so the commit took effect; \
             run the command again for what was left to do.",
            match direction {
                Direction::Upgrade => "is recorded as applied",
                Direction::Downgrade => "is no longer recorded",
            }
        )
    } else if kept_nothing {
        format!(
            "Reconnected and read the version table: {ids} {}, so the commit did not take \
             effect and nothing of it was kept; the run can simply be retried.",
            match direction {
                Direction::Upgrade => "is not recorded",
                Direction::Downgrade => "is still recorded as applied",
            }
        )
    } else {
        let applied: Vec<&str> = revisions
            .iter()
            .filter(|id| recorded(id))
            .map(String::as_str)
            .collect();
        format!(
            "Reconnected and read the version table: of {ids}, it records as applied {}; \
             check the database with `retort current`.",
            if applied.is_empty() {
                "none".to_string()
            } else {
                applied.join(", ")
            }
        )
    };
    CliError::runtime(format!("{error}\n  {verdict}"))
}

fn verb(direction: Direction) -> &'static str {
    match direction {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    }
}

fn step_text(step: &Step) -> String {
    let verb = verb(step.direction);
    let time = step.ms.map(|ms| format!(" ({ms} ms)")).unwrap_or_default();
    format!("{verb} {}, {}{time}", step.revision, step.message)
}

fn print_step(step: &Step) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", step_text(step));
}

fn state_json(project: &Project, state: &DbState) -> serde_json::Value {
    json!({
        "heads": state.heads(&project.graph),
        "applied": state.applied_sorted(),
        "dirty": state.dirty().map(|row| row.revision.clone()),
        "unknown": state.unknown(&project.graph),
    })
}

/// The marker of a recorded revision without a file: `(unknown: no file in migrations/)`.
pub(crate) fn unknown_marker(project: &Project) -> String {
    format!(
        "(unknown: no file in {}{})",
        display_path(&project.config.migrations.dir),
        std::path::MAIN_SEPARATOR
    )
}

/// Says on stderr that the version table records revisions without files, and what
/// follows from it; nothing when there are none or with `--quiet`.
pub(crate) fn warn_unknown(out: &Output, project: &Project, state: &DbState) {
    let unknown = state.unknown(&project.graph);
    if unknown.is_empty() || out.quiet {
        return;
    }
    eprintln!(
        "warning: the version table records {} with no file in {}: {}. `upgrade`, \
         `downgrade` and `stamp` refuse to run until the files are restored or \
         `retort stamp --purge TARGET` records what the database holds",
        if unknown.len() == 1 {
            "a revision"
        } else {
            "revisions"
        },
        display_path(&project.config.migrations.dir),
        unknown.join(", ")
    );
}

/// `current`'s text: the applied heads, then a dirty revision and revisions without a
/// file, each marked; a dirty revision is never shown as applied.
fn state_text(out: &Output, project: &Project, state: &DbState) -> String {
    let graph = &project.graph;
    let heads = state.heads(graph);
    let unknown = state.unknown(graph);
    let mut text = String::new();
    if heads.is_empty() && state.applied_sorted().is_empty() {
        text.push_str("<base> (no revision applied)\n");
    }
    let message = |id: &str| {
        graph
            .get(id)
            .map(|h| format!(", {}", h.message))
            .unwrap_or_default()
    };
    for id in &heads {
        let head = if graph.is_head(id) {
            format!(" {}", out.marker("(head)"))
        } else {
            String::new()
        };
        text.push_str(&format!("{}{head}{}\n", out.bold(id), message(id)));
    }
    let dirty = state.dirty();
    if let Some(dirty) = dirty {
        let id = dirty.revision.as_str();
        let marker = if unknown.contains(&id) {
            format!(" {}", unknown_marker(project))
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{id} (dirty){marker}{}{}\n",
            message(id),
            dirty
                .error
                .as_ref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    for id in unknown {
        if dirty.is_none_or(|row| row.revision != id) {
            text.push_str(&format!("{id} {}\n", unknown_marker(project)));
        }
    }
    text
}

/// `current` reads the database on one thread while the graph loads on another: each
/// takes several milliseconds on a large project (SQLite parses its whole schema on the
/// first query), and `current` should answer in under ten.
pub(crate) fn current(out: &Output, global: &GlobalArgs) -> CliResult {
    let config = load_config(global)?;
    let database = Database::for_config(&config, global)?;
    let settings = settings(&config, None, false);
    let (project, state) = std::thread::scope(|scope| {
        let graph =
            scope.spawn(|| Project::from_config_beside_other_work(config.clone(), global.verbose));
        let reading = Instant::now();
        let state = database.connect_read_only().and_then(|mut conn| {
            read_recorded_state(database.dialect.as_ref(), &settings, conn.as_mut())
                .map_err(migrate_error)
        });
        if global.verbose >= 2 {
            eprintln!(
                "timing: database state read in {:.1} ms",
                reading.elapsed().as_secs_f64() * 1e3
            );
        }
        let project = graph
            .join()
            .unwrap_or_else(|_| Err("internal error: the graph loader panicked".into()));
        (project, state)
    });
    let project = project.map_err(CliError::input)?;
    let state = state?;
    warn_unknown(out, &project, &state);
    out.emit(
        |out| state_text(out, &project, &state),
        || state_json(&project, &state),
    );
    Ok(())
}

pub(crate) fn stamp(
    out: &Output,
    project: &Project,
    global: &GlobalArgs,
    target: &str,
    purge: bool,
    lock_timeout: Option<Duration>,
) -> CliResult {
    let database = Database::for_project(project, global)?;
    let migrator = database.migrator(project, lock_timeout, false);
    if database.is_missing_sqlite_file() {
        // As for a run: a stamp that fails on bad input must not create the file.
        let mut empty = database.connect_read_only()?;
        migrator
            .stamp(empty.as_mut(), target, purge)
            .map_err(migrate_error)?;
    }
    let mut conn = database.connect()?;
    let state = migrator
        .stamp(conn.as_mut(), target, purge)
        .map_err(migrate_error)?;
    out.emit(
        |out| state_text(out, project, &state),
        || state_json(project, &state),
    );
    Ok(())
}

/// The recorded state, for `history -i`.
pub(crate) fn read_state(project: &Project, global: &GlobalArgs) -> CliResult<DbState> {
    let database = Database::for_project(project, global)?;
    let mut conn = database.connect_read_only()?;
    database
        .migrator(project, None, false)
        .read_state(conn.as_mut())
        .map_err(migrate_error)
}

pub(crate) fn db(
    out: &Output,
    project: &Project,
    global: &GlobalArgs,
    action: &DbAction,
) -> CliResult {
    let database = Database::for_project(project, global)?;
    let shown = database.url.redacted();
    let (key, changed, text) = match action {
        DbAction::Create => {
            let created = database
                .dialect
                .create_database(&database.url)
                .map_err(|e| CliError::runtime(format!("while creating {shown}: {e}")))?;
            (
                "created",
                created,
                if created {
                    format!("created {shown}\n")
                } else {
                    format!("{shown} exists already\n")
                },
            )
        }
        DbAction::Drop { yes } => {
            if !yes {
                confirm_drop(&database)?;
            }
            let dropped = database
                .dialect
                .drop_database(&database.url)
                .map_err(|e| CliError::runtime(format!("while dropping {shown}: {e}")))?;
            (
                "dropped",
                dropped,
                if dropped {
                    format!("dropped {shown}\n")
                } else {
                    format!("{shown} did not exist\n")
                },
            )
        }
    };
    out.emit(|_| text.clone(), || json!({ key: changed }));
    Ok(())
}

/// `db drop` without `--yes`: on a terminal, the database's name must be typed back, as
/// sqlx-cli asks; with no terminal to ask on, the drop is refused.
fn confirm_drop(database: &Database) -> CliResult {
    let shown = database.url.redacted();
    let name = match (database.local_file(), database.url.database()) {
        (Some(FileLocation::File(path)), _) => path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        (_, Some(name)) => name.to_string(),
        _ => shown.clone(),
    };
    if !std::io::stdin().is_terminal() {
        return Err(CliError::input(format!(
            "refusing to drop {shown} without confirmation: there is no terminal to ask on; \
             pass --yes to drop it"
        )));
    }
    eprint!("This drops {shown} and everything in it. Type `{name}` to confirm: ");
    let mut typed = String::new();
    std::io::stdin()
        .read_line(&mut typed)
        .map_err(|e| CliError::runtime(format!("while reading the confirmation: {e}")))?;
    if typed.trim_end_matches(['\r', '\n']) == name {
        Ok(())
    } else {
        Err(CliError::runtime(format!(
            "{shown} was not dropped: what was typed is not `{name}`"
        )))
    }
}
