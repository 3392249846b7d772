//! The `retort` binary: parses arguments, runs the command, reports errors with the exit
//! codes of SPEC 7 (0 success, 1 runtime failure, 2 bad input, 3 a check found problems).

mod args;
mod commands;
mod error;
mod output;
mod project;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use error::CliResult;
use output::Output;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.global.color;
    let verbose = cli.global.verbose;
    let started = std::time::Instant::now();
    let result = run(cli);
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
            ExitCode::from(error.exit_code)
        }
    }
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
        Command::Revision(args) => {
            commands::revision::revision(&out, &project::Project::load(&cli.global)?, args)
        }
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
        Command::History { range } => commands::graph::history(
            &out,
            &project::Project::load(&cli.global)?,
            range.as_deref(),
        ),
        Command::Heads => commands::graph::heads(&out, &project::Project::load(&cli.global)?),
        Command::Branches => commands::graph::branches(&out, &project::Project::load(&cli.global)?),
        Command::Show { revision } => {
            commands::graph::show(&out, &project::Project::load(&cli.global)?, revision)
        }
    }
}
