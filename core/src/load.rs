//! Reading a migrations directory: every revision's header, in parallel, and a whole
//! revision when it is about to run or be checked.

use crate::location::FileError;
use crate::revision::sql_file::{parse_sql_header, parse_sql_revision, SqlRevision};
use crate::revision::toml_file::{parse_toml_header, parse_toml_revision, TomlRevision};
use crate::revision::{FileFormat, RevisionHeader};
use std::path::{Path, PathBuf};

/// Why a migrations directory could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The directory is missing or unreadable.
    #[error("while reading the migrations directory {}: {source}", dir.display())]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// One or more files are malformed; all of them are listed.
    #[error("{}", list_errors(.0))]
    Files(Vec<FileError>),
}

fn list_errors(errors: &[FileError]) -> String {
    const SHOWN: usize = 20;
    let mut text = errors
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    if errors.len() > SHOWN {
        text.push_str(&format!(
            "\n... and {} more malformed revision files",
            errors.len() - SHOWN
        ));
    }
    text
}

/// A fully read revision, in either form.
#[derive(Debug, Clone, PartialEq)]
pub enum Revision {
    /// A TOML revision with its operations.
    Toml(TomlRevision),
    /// A SQL revision with its statements.
    Sql(SqlRevision),
}

impl Revision {
    /// The revision's header.
    pub fn header(&self) -> &RevisionHeader {
        match self {
            Revision::Toml(rev) => &rev.header,
            Revision::Sql(rev) => &rev.header,
        }
    }
}

/// The form of a file by its extension, or `None` for files that are not revisions.
pub fn revision_format(path: &Path) -> Option<FileFormat> {
    let name = path.file_name()?.to_str()?;
    if name.starts_with('.') {
        return None;
    }
    match path.extension()?.to_str()? {
        "toml" => Some(FileFormat::Toml),
        "sql" => Some(FileFormat::Sql),
        _ => None,
    }
}

/// Reads the header of every revision file (`*.toml`, `*.sql`) in `dir`, in parallel.
///
/// Other files and subdirectories are ignored. Headers come back sorted by path; every
/// malformed file is reported, not only the first.
pub fn read_headers(dir: &Path) -> Result<Vec<RevisionHeader>, LoadError> {
    let directory_error = |source| LoadError::Directory {
        dir: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(directory_error)? {
        let entry = entry.map_err(directory_error)?;
        let path = entry.path();
        if let Some(format) = revision_format(&path) {
            if entry.file_type().map_err(directory_error)?.is_file() {
                files.push((path, format));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk_size = files.len().div_ceil(threads).max(64);
    let results: Vec<Result<RevisionHeader, FileError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk_size)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(path, format)| read_header(path, *format))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    vec![Err(FileError::whole_file(
                        dir,
                        "internal error: a reader thread panicked",
                    ))]
                })
            })
            .collect()
    });

    let mut headers = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
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

fn read_text(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path)
        .map_err(|e| FileError::whole_file(path, format!("cannot read the file: {e}")))
}

fn read_header(path: &Path, format: FileFormat) -> Result<RevisionHeader, FileError> {
    let text = read_text(path)?;
    match format {
        FileFormat::Toml => parse_toml_header(path, &text),
        FileFormat::Sql => parse_sql_header(path, &text),
    }
}

/// Reads and validates a whole revision: every operation or statement.
pub fn read_revision(header: &RevisionHeader) -> Result<Revision, FileError> {
    let text = read_text(&header.path)?;
    let revision = match header.format {
        FileFormat::Toml => Revision::Toml(parse_toml_revision(&header.path, &text)?),
        FileFormat::Sql => Revision::Sql(parse_sql_revision(&header.path, &text)?),
    };
    if revision.header().id != header.id {
        return Err(FileError::whole_file(
            &header.path,
            format!(
                "the file changed while retort ran: its revision was `{}`, now `{}`",
                header.id,
                revision.header().id
            ),
        ));
    }
    Ok(revision)
}
