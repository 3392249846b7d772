//! The environment variables configuration reads: the process's, plus a `.env` file's.
//!
//! Configuration never reads or changes the process environment itself: it is handed an
//! [`Environment`], built from the process once by the CLI and from a map by tests.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::ConfigError;
use crate::location::{FileError, LineCol};

/// Where an environment variable's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VarOrigin {
    /// The process environment (or the map a test built it from).
    Process,
    /// A `.env` file.
    DotEnv(PathBuf),
}

/// A snapshot of environment variables: a name → value lookup with each value's origin.
///
/// `Debug` prints only how many variables there are: values are often secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, (String, VarOrigin)>,
}

impl Environment {
    /// The variables of the running process (those that are not valid UTF-8 are skipped).
    pub fn from_process() -> Environment {
        std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .collect()
    }

    /// An environment holding exactly `pairs`, as if they were the process's variables.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Environment
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars = pairs
            .into_iter()
            .map(|(name, value)| (name.into(), (value.into(), VarOrigin::Process)))
            .collect();
        Environment { vars }
    }

    /// The value of variable `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|(value, _)| value.as_str())
    }

    /// Where variable `name` came from, if set.
    pub fn origin(&self, name: &str) -> Option<&VarOrigin> {
        self.vars.get(name).map(|(_, origin)| origin)
    }

    /// Adds the variables of the `.env` file at `path`, if it exists; variables already set
    /// win, and within the file the first definition of a name wins (as `dotenvy` loads).
    ///
    /// The file follows `dotenvy`'s syntax: `NAME=value`, an optional `export ` prefix,
    /// `#` comments, single quotes (literal) and double quotes (with `\` escapes).
    /// Unquoted and double-quoted values expand `$NAME` / `${NAME}` from the process
    /// environment and earlier lines of the file; single-quote a value holding a literal `$`.
    pub fn with_dotenv(mut self, path: &Path) -> Result<Environment, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(self),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for item in dotenvy::from_read_iter(body.as_bytes()) {
            match item {
                Ok((name, value)) => {
                    self.vars
                        .entry(name)
                        .or_insert_with(|| (value, VarOrigin::DotEnv(path.to_path_buf())));
                }
                // Never quote the line: a `.env` line is likely to hold a password.
                Err(dotenvy::Error::LineParse(fragment, index)) => {
                    let at = locate(body, &fragment, index);
                    return Err(FileError::at_line_col(
                        path,
                        at.line,
                        at.column,
                        "cannot parse this line: expected `NAME=value` (a name of letters, \
                         digits, `_` and `.`; a value with spaces or `#` in quotes, quotes closed)",
                    )
                    .into());
                }
                Err(other) => return Err(FileError::whole_file(path, other.to_string()).into()),
            }
        }
        Ok(self)
    }
}

/// Where in `body` dotenvy's error lies. dotenvy reports the text it failed on (a whole
/// line, or the value part of one) and a character index into it, not a line number: the
/// first place that text starts a line or follows `=` is the line that failed, since every
/// earlier line parsed.
fn locate(body: &str, fragment: &str, char_index: usize) -> LineCol {
    let starts_entry = |start: usize| {
        let before = body[..start].trim_end_matches([' ', '\t']);
        before.is_empty() || before.ends_with('\n') || before.ends_with('=')
    };
    let start = body
        .match_indices(fragment)
        .map(|(start, _)| start)
        .find(|&start| !fragment.is_empty() && starts_entry(start))
        .unwrap_or(0);
    if fragment.trim_end().contains('\n') {
        // A quote left open swallowed the lines after it: point at the line that opened it.
        return LineCol::of_offset(body, start);
    }
    let offset = fragment
        .char_indices()
        .nth(char_index)
        .map_or(fragment.len(), |(byte, _)| byte);
    LineCol::of_offset(body, start + offset)
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Environment {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Environment::from_pairs(pairs)
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Environment({} variables)", self.vars.len())
    }
}
