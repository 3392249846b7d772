//! Positions in a source file, and the error that names one.

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column (counted in characters) in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl LineCol {
    /// The line and column of byte `offset` in `text` (clamped to its end).
    pub fn of_offset(text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        LineCol { line, column }
    }
}

/// An error in a file a user wrote: which file, where in it, and what was expected.
///
/// Displayed as `path:line:column: message` (or `path:line:` / `path:` when less is known),
/// the form editors and terminals turn into links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file the error is in.
    pub path: PathBuf,
    /// Where in the file, when known.
    pub at: Option<LineCol>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl FileError {
    /// An error at byte `offset` of `text`, the contents of `path`.
    pub fn at_offset(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        FileError {
            path: path.to_path_buf(),
            at: Some(LineCol::of_offset(text, offset)),
            message: message.into(),
        }
    }

    /// An error at a known line and column of `path`.
    pub fn at_line_col(
        path: &Path,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        FileError {
            path: path.to_path_buf(),
            at: Some(LineCol { line, column }),
            message: message.into(),
        }
    }

    /// A TOML syntax or shape error in `text`, the contents of `path`, where the parser
    /// says it is.
    pub fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> Self {
        match error.span() {
            Some(span) => FileError::at_offset(path, text, span.start, error.message().trim_end()),
            None => FileError::whole_file(path, error.message().trim_end()),
        }
    }

    /// An error about `path` as a whole.
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        FileError {
            path: path.to_path_buf(),
            at: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some(LineCol { line, column }) => {
                write!(
                    f,
                    "{}:{line}:{column}: {}",
                    self.path.display(),
                    self.message
                )
            }
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for FileError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(LineCol::of_offset(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(LineCol::of_offset(text, 3), LineCol { line: 2, column: 1 });
        // 'é' is two bytes: the column after it counts characters, not bytes.
        assert_eq!(LineCol::of_offset(text, 7), LineCol { line: 2, column: 4 });
        assert_eq!(LineCol::of_offset(text, 99), LineCol { line: 3, column: 2 });
    }
}
