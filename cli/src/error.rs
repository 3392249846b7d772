//! The CLI's error: a message for people and the exit code of SPEC 7.

use std::fmt;

/// Exit code 1: the database, the file system or the machine failed.
pub(crate) const RUNTIME: u8 = 1;
/// Exit code 2: the user's input is wrong (usage, config, files, targets).
pub(crate) const BAD_INPUT: u8 = 2;
/// Exit code 3: a check found problems.
pub(crate) const PROBLEMS_FOUND: u8 = 3;
/// Exit code 128 + the signal: stopped by SIGINT (Ctrl-C, 130) or SIGTERM (143), as shells
/// report it.
const SIGNALLED: u8 = 128;

/// A failed command.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit_code: u8,
    pub(crate) message: String,
    /// The command printed its own report (with `--format json`, its one JSON document)
    /// before failing, so no error document follows it.
    pub(crate) reported: bool,
}

impl CliError {
    /// Bad input (exit 2).
    pub(crate) fn input(message: impl fmt::Display) -> Self {
        CliError {
            exit_code: BAD_INPUT,
            message: message.to_string(),
            reported: false,
        }
    }

    /// A runtime failure (exit 1).
    pub(crate) fn runtime(message: impl fmt::Display) -> Self {
        CliError {
            exit_code: RUNTIME,
            message: message.to_string(),
            reported: false,
        }
    }

    /// A check found problems (exit 3), after the command printed its report of them.
    pub(crate) fn problems_found(message: impl fmt::Display) -> Self {
        CliError {
            exit_code: PROBLEMS_FOUND,
            message: message.to_string(),
            reported: true,
        }
    }

    /// Stopped by `signal` (SIGINT, SIGTERM) after cleaning up: exit 128 + its number.
    pub(crate) fn interrupted(signal: u8, message: impl fmt::Display) -> Self {
        CliError {
            exit_code: SIGNALLED.saturating_add(signal),
            message: message.to_string(),
            reported: false,
        }
    }

    /// What kind of failure this is, as `--format json` names it.
    pub(crate) fn kind(&self) -> &'static str {
        match self.exit_code {
            BAD_INPUT => "bad_input",
            PROBLEMS_FOUND => "problems_found",
            code if code > SIGNALLED => "interrupted",
            _ => "runtime",
        }
    }
}

pub(crate) type CliResult<T = ()> = Result<T, CliError>;
