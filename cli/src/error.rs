//! The CLI's error: a message for people and the exit code of SPEC 7.

use std::fmt;

/// Exit code 1: the database, the file system or the machine failed.
pub(crate) const RUNTIME: u8 = 1;
/// Exit code 2: the user's input is wrong (usage, config, files, targets).
pub(crate) const BAD_INPUT: u8 = 2;

/// A failed command.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit_code: u8,
    pub(crate) message: String,
}

impl CliError {
    /// Bad input (exit 2).
    pub(crate) fn input(message: impl fmt::Display) -> Self {
        CliError {
            exit_code: BAD_INPUT,
            message: message.to_string(),
        }
    }

    /// A runtime failure (exit 1).
    pub(crate) fn runtime(message: impl fmt::Display) -> Self {
        CliError {
            exit_code: RUNTIME,
            message: message.to_string(),
        }
    }
}

pub(crate) type CliResult<T = ()> = Result<T, CliError>;
