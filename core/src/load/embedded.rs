//! Revisions compiled into a program (SPEC 10): an application embeds its migrations with
//! `include_str!` and runs them at start-up, with the same checks as files on disk.

use super::{LoadError, Revision};
use crate::location::FileError;
use crate::revision::sql_file::{parse_sql_header, parse_sql_revision_with};
use crate::revision::toml_file::{parse_toml_header, parse_toml_revision_with};
use crate::revision::{FileFormat, RevisionHeader};
use crate::sql::DialectSyntaxes;
use std::path::{Path, PathBuf};

/// Revision files embedded at compile time: `(file name, contents)` pairs.
///
/// ```
/// use retort_core::load::EmbeddedMigrations;
/// static MIGRATIONS: EmbeddedMigrations = EmbeddedMigrations::new(&[
///     ("0001_users.toml", "revision = \"aaaa0001\"\nmessage = \"users\"\n"),
///     // in an application: ("0001_users.toml", include_str!("../migrations/0001_users.toml")),
/// ]);
/// let headers = MIGRATIONS.headers().expect("valid revisions");
/// assert_eq!(headers[0].id, "aaaa0001");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigrations {
    files: &'static [(&'static str, &'static str)],
}

/// Embedded files are named under this pseudo-directory in messages and headers.
const EMBEDDED_DIR: &str = "<embedded>";

impl EmbeddedMigrations {
    /// The embedded files; names end in `.toml` or `.sql`.
    pub const fn new(files: &'static [(&'static str, &'static str)]) -> Self {
        EmbeddedMigrations { files }
    }

    fn path(name: &str) -> PathBuf {
        Path::new(EMBEDDED_DIR).join(name)
    }

    /// Every revision's header, sorted by file name; all malformed files are reported.
    pub fn headers(&self) -> Result<Vec<RevisionHeader>, LoadError> {
        let mut files: Vec<&(&str, &str)> = self.files.iter().collect();
        files.sort_by_key(|(name, _)| *name);
        let mut headers = Vec::with_capacity(files.len());
        let mut errors = Vec::new();
        for (name, text) in files {
            let path = Self::path(name);
            let header = match super::revision_format(&path) {
                Some(FileFormat::Toml) => parse_toml_header(&path, text),
                Some(FileFormat::Sql) => parse_sql_header(&path, text),
                None => Err(FileError::whole_file(
                    &path,
                    "an embedded revision's name must end in .toml or .sql",
                )),
            };
            match header {
                Ok(header) => headers.push(header),
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() {
            Ok(headers)
        } else {
            Err(LoadError::Files(errors))
        }
    }

    /// The whole revision behind `header`, if it is one of these files, its SQL read with
    /// the rules `syntaxes` gives for its dialect.
    pub(crate) fn revision(
        &self,
        header: &RevisionHeader,
        syntaxes: &DialectSyntaxes,
    ) -> Option<Result<Revision, FileError>> {
        let name = header.path.strip_prefix(EMBEDDED_DIR).ok()?.to_str()?;
        let (_, text) = self.files.iter().find(|(file, _)| *file == name)?;
        Some(match header.format {
            FileFormat::Toml => {
                parse_toml_revision_with(&header.path, text, syntaxes).map(Revision::Toml)
            }
            FileFormat::Sql => {
                parse_sql_revision_with(&header.path, text, syntaxes).map(Revision::Sql)
            }
        })
    }
}
