//! The `retort` binary: parses arguments, runs the command, reports errors with the exit
//! codes of SPEC 7 (0 success, 1 runtime failure, 2 bad input, 3 a check found problems).

mod args;
mod commands;
mod database;
mod dialects;
mod error;
mod output;
mod project;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use error::CliResult;
use output::Output;
use retort_core::migrate::Direction;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let color = cli.global.color;
    let verbose = cli.global.verbose;
    let json = cli.global.format == args::Format::Json;
    let started = std::time::Instant::now();
    let result = cli.resolve_paths().and_then(|()| run(cli));
    if verbose >= 2 {
        eprintln!(
            "timing: {:.1} ms in all",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            output::report_error(&error.message, color);
            if json && !error.reported {
                output::error_document(error.kind(), &error.message, error.exit_code);
            }
            ExitCode::from(error.exit_code)
        }
    }
}

/// A command line clap refused: its message on stderr as clap writes it, and with
/// `--format json` among the arguments also the error document on stdout, so that a script
/// reading stdout never gets nothing. Help and version requests are not errors.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    let _ = error.print();
    let exit_code = error::BAD_INPUT;
    if json_requested(std::env::args_os().skip(1)) {
        output::error_document("usage", &first_line(&error.to_string()), exit_code);
    }
    ExitCode::from(exit_code)
}

/// Whether the raw arguments ask for JSON (`--format json` or `--format=json`).
fn json_requested(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let args: Vec<std::ffi::OsString> = args.collect();
    args.windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || args.iter().any(|arg| arg == "--format=json")
}

/// The first line of clap's message, without its `error: ` prefix.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

fn run(cli: Cli) -> CliResult {
    let out = Output::new(&cli.global);
    match &cli.command {
        Command::Init { dir, dialect } => commands::init::run(&out, dir.as_deref(), *dialect),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "retort",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Revision(args) => commands::revision::revision(
            &out,
            &cli.global,
            &project::Project::load(&cli.global)?,
            args,
        ),
        Command::Merge {
            message,
            rev_id,
            branch_label,
            revisions,
        } => commands::revision::merge(
            &out,
            &project::Project::load(&cli.global)?,
            message,
            rev_id.as_deref(),
            branch_label,
            revisions,
        ),
        Command::History {
            range,
            indicate_current,
        } => {
            let project = if *indicate_current {
                project::Project::load_for_database(&cli.global)?
            } else {
                project::Project::load(&cli.global)?
            };
            let state = if *indicate_current {
                Some(commands::migrate::read_state(&project, &cli.global)?)
            } else {
                None
            };
            commands::graph::history(&out, &project, range.as_deref(), state.as_ref())
        }
        Command::Upgrade {
            target,
            run,
            from,
            allow_changed,
        } => {
            let request = commands::migrate::RunRequest {
                direction: Direction::Upgrade,
                target,
                run,
                from: from.as_deref(),
                allow_changed: *allow_changed,
            };
            commands::migrate::run(
                &out,
                &project::Project::load_for_database(&cli.global)?,
                &cli.global,
                &request,
            )
        }
        Command::Downgrade { target, run, from } => {
            let request = commands::migrate::RunRequest {
                direction: Direction::Downgrade,
                target,
                run,
                from: from.as_deref(),
                allow_changed: true,
            };
            commands::migrate::run(
                &out,
                &project::Project::load_for_database(&cli.global)?,
                &cli.global,
                &request,
            )
        }
        Command::Current => commands::migrate::current(&out, &cli.global),
        Command::Stamp {
            targets,
            purge,
            accept_changed,
            lock_timeout,
        } => {
            let project = project::Project::load_for_database(&cli.global)?;
            if *accept_changed {
                commands::accept::accept_changed(
                    &out,
                    &project,
                    &cli.global,
                    targets,
                    *lock_timeout,
                )
            } else {
                let [target] = targets.as_slice() else {
                    return Err(error::CliError::input(format!(
                        "stamp records one target, and {} were given ({}); to accept changed \
                         files of several revisions, use `retort stamp --accept-changed REV...`",
                        targets.len(),
                        targets.join(" ")
                    )));
                };
                commands::migrate::stamp(&out, &project, &cli.global, target, *purge, *lock_timeout)
            }
        }
        Command::Check => commands::check::check(&out, &cli.global),
        Command::Test(args) => commands::gauntlet::run(&out, &cli.global, args),
        Command::Diff { from } => commands::diff::run(&out, &cli.global, *from),
        Command::Inspect { sql } => commands::inspect::run(&out, &cli.global, *sql),
        Command::Status => commands::status::status(
            &out,
            &project::Project::load_for_database(&cli.global)?,
            &cli.global,
        ),
        Command::Db { action } => commands::migrate::db(
            &out,
            &project::Project::load_for_database(&cli.global)?,
            &cli.global,
            action,
        ),
        Command::Dialects => commands::plugin::dialects(&out, &cli.global),
        Command::Plugin {
            action: args::PluginAction::Check { path, cases },
        } => commands::plugin::check(&out, &cli.global, path, cases),
        Command::Plugin {
            action: args::PluginAction::ConformanceChild { path },
        } => commands::plugin::conformance_child(path),
        Command::Heads => commands::graph::heads(&out, &project::Project::load(&cli.global)?),
        Command::Branches => commands::graph::branches(&out, &project::Project::load(&cli.global)?),
        Command::Show { revision } => {
            let project = project::Project::load(&cli.global)?;
            commands::graph::show(&out, &project, &cli.global, revision)
        }
        Command::Edit { revision } => {
            commands::revision::edit(&project::Project::load(&cli.global)?, revision)
        }
    }
}
