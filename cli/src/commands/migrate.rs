//! Commands that talk to the database: `upgrade`, `downgrade`, `current`, `stamp`, `db`.

use crate::args::{DbAction, GlobalArgs, RunArgs};
use crate::database::{migrate_error, settings, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{load_config, Project};
use retort_core::migrate::{read_recorded_state, DbState, Direction, Progress, Step};
use serde_json::json;
use std::io::{IsTerminal, Write as _};
use std::time::Instant;

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
    let database = Database::for_project(project, global)?;
    let migrator = database.migrator(project, request.run.lock_timeout, request.allow_changed);
    if request.run.sql {
        let from = match (request.direction, request.from) {
            (_, Some(from)) => Some(from),
            (Direction::Upgrade, None) => None,
            (Direction::Downgrade, None) => Some("heads"),
        };
        let script = migrator
            .offline_script(from, request.target, request.direction)
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
    let mut report = |event: Progress<'_>| match event {
        Progress::Planned(steps) => planned = steps.to_vec(),
        Progress::Started(index) if live && planned.len() > PROGRESS_FROM => {
            let step = &planned[index];
            eprint!(
                "\r\x1b[2K[{}/{}] {} {} ({:.1} s)",
                index + 1,
                planned.len(),
                verb(step.direction),
                step.revision,
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
    }
    .map_err(migrate_error)?;
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

/// Runs of more revisions than this show a status line on a terminal.
const PROGRESS_FROM: usize = 3;

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
        "applied": state.rows.keys().collect::<Vec<_>>(),
        "dirty": state.dirty().map(|row| row.revision.clone()),
    })
}

fn state_text(out: &Output, project: &Project, state: &DbState) -> String {
    let heads = state.heads(&project.graph);
    let mut text = String::new();
    if heads.is_empty() && state.rows.is_empty() {
        text.push_str("<base> (no revision applied)\n");
    }
    for id in &heads {
        let head = if project.graph.is_head(id) {
            format!(" {}", out.marker("(head)"))
        } else {
            String::new()
        };
        let message = project
            .graph
            .get(id)
            .map(|h| h.message.as_str())
            .unwrap_or_default();
        text.push_str(&format!("{}{head}, {message}\n", out.bold(id)));
    }
    if let Some(dirty) = state.dirty() {
        text.push_str(&format!(
            "{} (dirty){}\n",
            dirty.revision,
            dirty
                .error
                .as_ref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    let applied = state.applied();
    let unknown = project.graph.unknown_applied(&applied);
    if !unknown.is_empty() {
        text.push_str(&format!(
            "warning: the version table records revisions this project does not have: {}\n",
            unknown.join(", ")
        ));
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
    lock_timeout: Option<u64>,
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
        DbAction::Drop => {
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
