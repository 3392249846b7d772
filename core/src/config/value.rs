//! A string value read from `retort.toml`, remembering where it was written.

use std::fmt;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::interpolate::{self, InterpolationError};
use super::{ConfigError, Environment};
use crate::db_url::redact_url;
use crate::location::{FileError, LineCol};

/// A string from the configuration file, with its position for error messages.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SourceValue {
    /// The string as written (after TOML's escapes), before interpolation.
    pub(crate) text: String,
    pub(crate) path: PathBuf,
    /// The position of the string literal (its opening quote).
    pub(crate) at: LineCol,
    /// True when the literal is `"text"` or `'text'` byte for byte, so that an offset into
    /// `text` is an offset into the file one character after `at`.
    verbatim: bool,
}

impl SourceValue {
    /// The value of `spanned`, read from `source`, the contents of `path`.
    pub(crate) fn new(path: &Path, source: &str, spanned: Spanned<String>) -> SourceValue {
        let span = spanned.span();
        let text = spanned.into_inner();
        let literal = source.get(span.clone()).unwrap_or("");
        let verbatim =
            literal.len() == text.len() + 2 && literal.get(1..literal.len() - 1) == Some(&text);
        SourceValue {
            path: path.to_path_buf(),
            at: LineCol::of_offset(source, span.start),
            text,
            verbatim,
        }
    }

    /// Where byte `offset` of the text is in the file (the literal's start if unknown).
    pub(crate) fn position_of(&self, offset: usize) -> LineCol {
        match self.text.get(..offset) {
            Some(before) if self.verbatim => LineCol {
                line: self.at.line,
                column: self.at.column + 1 + before.chars().count(),
            },
            _ => self.at,
        }
    }

    /// An error about this value as a whole, at its opening quote.
    pub(crate) fn error(&self, message: impl Into<String>) -> ConfigError {
        FileError::at_line_col(&self.path, self.at.line, self.at.column, message).into()
    }

    /// An error about this value at byte `offset` of its text.
    pub(crate) fn error_at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        let at = self.position_of(offset);
        FileError::at_line_col(&self.path, at.line, at.column, message).into()
    }

    /// The text with `${...}` expanded from `environment`; `key` names the setting in errors.
    pub(crate) fn expand(
        &self,
        key: &str,
        environment: &Environment,
    ) -> Result<String, ConfigError> {
        interpolate::interpolate(&self.text, |name| environment.get(name).map(str::to_string))
            .map_err(|error| self.interpolation_error(key, error))
    }

    /// Checks the `${...}` syntax only (for URLs, expanded later and only when selected).
    pub(crate) fn check_syntax(&self, key: &str) -> Result<(), ConfigError> {
        interpolate::check_syntax(&self.text).map_err(|error| self.interpolation_error(key, error))
    }

    fn interpolation_error(&self, key: &str, error: InterpolationError) -> ConfigError {
        match error {
            InterpolationError::Unset { name, offset } => self.error_at(
                offset,
                format!(
                    "environment variable `{name}` is not set (used by {key}): set it, add it to \
                     the .env file next to the configuration, or give a default with \
                     `${{{name}:-...}}`"
                ),
            ),
            InterpolationError::Syntax { message, offset } => {
                self.error_at(offset, format!("{message} (in {key})"))
            }
        }
    }
}

/// A `url` setting of `retort.toml`, not yet interpolated: variables in a URL are looked up
/// only when that URL is the one chosen. `Debug` prints it redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    pub(crate) value: SourceValue,
}

impl UrlTemplate {
    /// The configuration file it is written in.
    pub fn path(&self) -> &Path {
        &self.value.path
    }

    /// Where in that file (the string's opening quote).
    pub fn at(&self) -> LineCol {
        self.value.at
    }

    /// The template with secrets masked, `${...}` left as written.
    pub fn redacted(&self) -> String {
        redact_url(&self.value.text)
    }
}

impl fmt::Debug for UrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlTemplate")
            .field("template", &self.redacted())
            .field("path", &self.value.path)
            .field("at", &self.value.at)
            .finish()
    }
}
