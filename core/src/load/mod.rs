//! Reading a migrations directory: every revision's header, in parallel, and a whole
//! revision when it is about to run or be checked.

mod cache;
mod embedded;

pub use embedded::EmbeddedMigrations;

use crate::location::FileError;
use crate::revision::sql_file::{parse_sql_header, parse_sql_revision_with, SqlRevision};
use crate::revision::toml_file::{parse_toml_header, parse_toml_revision_with, TomlRevision};
use crate::revision::{FileFormat, RevisionHeader};
use crate::sql::DialectSyntaxes;
use cache::{CachedHeader, DirHandle, HeaderCache, Stamp};
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

    /// Whether the revision can be downgraded: it has a downgrade section, perhaps an empty
    /// one. A revision without one is irreversible.
    pub fn is_reversible(&self) -> bool {
        match self {
            Revision::Toml(rev) => rev.downgrade.is_some(),
            Revision::Sql(rev) => rev.downgrade.is_some(),
        }
    }
}

/// The form of a file by its extension, or `None` for files that are not revisions.
pub fn revision_format(path: &Path) -> Option<FileFormat> {
    let name = path.file_name()?.to_str()?;
    if name.starts_with('.') {
        return None;
    }
    let extension = path.extension()?.to_str()?;
    if extension.eq_ignore_ascii_case("toml") {
        Some(FileFormat::Toml)
    } else if extension.eq_ignore_ascii_case("sql") {
        Some(FileFormat::Sql)
    } else {
        None
    }
}

/// Reads the header of every revision file (`*.toml`, `*.sql`) in `dir`, in parallel.
///
/// Other files and subdirectories are ignored. Headers come back sorted by file name;
/// every malformed file is reported, not only the first.
pub fn read_headers(dir: &Path) -> Result<Vec<RevisionHeader>, LoadError> {
    read_headers_with(dir, None, None)
}

/// Like [`read_headers`], keeping a header cache in the file `cache` (created as needed,
/// with a `.gitignore` beside it): unchanged files are then `stat`ed instead of read.
pub fn read_headers_cached(dir: &Path, cache: &Path) -> Result<Vec<RevisionHeader>, LoadError> {
    read_headers_with(dir, Some(cache), None)
}

/// Like [`read_headers_cached`] on at most `threads` threads, for a caller that keeps other
/// work running meanwhile (`current` reads the database at the same time).
pub fn read_headers_cached_on(
    dir: &Path,
    cache: &Path,
    threads: usize,
) -> Result<Vec<RevisionHeader>, LoadError> {
    read_headers_with(dir, Some(cache), Some(threads))
}

fn read_headers_with(
    dir: &Path,
    cache_path: Option<&Path>,
    max_threads: Option<usize>,
) -> Result<Vec<RevisionHeader>, LoadError> {
    let names = revision_files(dir)?;
    let cache = cache_path.map(HeaderCache::open);
    let cache_len = cache.as_ref().map_or(0, HeaderCache::len);
    // Each file with the cache entry of the same name, moved out of the cache (no copies).
    let mut jobs: Vec<(String, FileFormat, Option<CachedHeader>)> = match cache {
        Some(cache) => {
            let entries = cache.take_for(names.iter().map(|(name, _)| name.as_str()));
            names
                .into_iter()
                .zip(entries)
                .map(|((name, format), entry)| (name, format, entry))
                .collect()
        }
        None => names
            .into_iter()
            .map(|(name, format)| (name, format, None))
            .collect(),
    };
    let handle = cache_path.and_then(|_| DirHandle::open(dir));
    let handle = handle.as_ref();

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(max_threads.unwrap_or(usize::MAX))
        .clamp(1, 8);
    let chunk_size = jobs.len().div_ceil(threads).max(64);
    let results: Vec<Result<ReadHeader, FileError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks_mut(chunk_size)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter_mut()
                        .map(|(name, format, cached)| {
                            read_header(dir, name, *format, cached.take(), handle)
                        })
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

    let mut read = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(header) => read.push(header),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(LoadError::Files(errors));
    }
    if let Some(cache_path) = cache_path {
        if read.iter().any(|r| !r.from_cache) || cache_len != read.len() {
            let stamped: Vec<_> = read
                .iter()
                .filter_map(|r| Some((&r.header, r.stamp?)))
                .collect();
            HeaderCache::save(cache_path, &stamped);
        }
    }
    Ok(read.into_iter().map(|r| r.header).collect())
}

/// The revision files of `dir`, sorted by name: regular files (or links to them) named
/// `*.toml` or `*.sql` in any case. FIFOs, devices and directories are passed over, so that
/// nothing can make retort hang or read without end.
fn revision_files(dir: &Path) -> Result<Vec<(String, FileFormat)>, LoadError> {
    let directory_error = |source| LoadError::Directory {
        dir: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    let mut bad_names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(directory_error)? {
        let entry = entry.map_err(directory_error)?;
        let raw_name = entry.file_name();
        // Judged by the lossy name, so that `caf\xe9.toml` counts as a revision file (and is
        // refused below) instead of being passed over as if it were not one.
        let lossy_name = raw_name.to_string_lossy();
        let Some(format) = revision_format(Path::new(&*lossy_name)) else {
            continue;
        };
        let file_type = entry.file_type().map_err(directory_error)?;
        let regular = file_type.is_file()
            || (file_type.is_symlink()
                && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
        if !regular {
            continue;
        }
        match raw_name.into_string() {
            Ok(name) => files.push((name, format)),
            Err(raw) => bad_names.push(FileError::whole_file(
                &dir.join(&raw),
                "the file name is not valid UTF-8: rename the file",
            )),
        }
    }
    if !bad_names.is_empty() {
        return Err(LoadError::Files(bad_names));
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

struct ReadHeader {
    header: RevisionHeader,
    stamp: Option<Stamp>,
    from_cache: bool,
}

fn read_header(
    dir: &Path,
    name: &str,
    format: FileFormat,
    cached: Option<CachedHeader>,
    handle: Option<&DirHandle>,
) -> Result<ReadHeader, FileError> {
    let stamp = handle.and_then(|handle| Stamp::read(handle, name));
    if let (Some(cached), Some(stamp)) = (cached, stamp) {
        if let Some(header) = cached.into_header(dir, name, stamp) {
            return Ok(ReadHeader {
                header,
                stamp: Some(stamp),
                from_cache: true,
            });
        }
    }
    let path = dir.join(name);
    let text = read_text(&path)?;
    let header = match format {
        FileFormat::Toml => parse_toml_header(&path, &text)?,
        FileFormat::Sql => parse_sql_header(&path, &text)?,
    };
    Ok(ReadHeader {
        header,
        stamp,
        from_cache: false,
    })
}

/// Revision files larger than this are refused rather than read (a guard against a link
/// to something endless); 64 MiB is far beyond any real revision.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The buffer a file is first read into; larger files grow it as they are read.
const INITIAL_READ: usize = 8 << 10;

fn read_text(path: &Path) -> Result<String, FileError> {
    let cannot =
        |e: std::io::Error| FileError::whole_file(path, format!("cannot read the file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Room for a typical revision from the start: an empty buffer is read into 32 bytes,
    // then 32, 64, 128... (six `read` calls for a 600-byte file instead of two).
    let mut bytes = Vec::with_capacity(INITIAL_READ);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::whole_file(
            path,
            "the file is larger than 64 MiB: not a revision file retort will read",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(e.as_bytes());
        FileError::at_offset(
            path,
            &text,
            e.utf8_error().valid_up_to(),
            "the file is not valid UTF-8",
        )
    })
}

/// Reads and validates a whole revision with the generic lexical rules for any SQL in it,
/// whatever dialect it is written for: [`read_revision_with`] an empty [`DialectSyntaxes`].
pub fn read_revision(header: &RevisionHeader) -> Result<Revision, FileError> {
    read_revision_with(header, &DialectSyntaxes::new())
}

/// Reads and validates a whole revision: every operation or statement, SQL read with the
/// rules `syntaxes` gives for the dialect it is written for.
pub fn read_revision_with(
    header: &RevisionHeader,
    syntaxes: &DialectSyntaxes,
) -> Result<Revision, FileError> {
    let text = read_text(&header.path)?;
    let revision = match header.format {
        FileFormat::Toml => {
            Revision::Toml(parse_toml_revision_with(&header.path, &text, syntaxes)?)
        }
        FileFormat::Sql => Revision::Sql(parse_sql_revision_with(&header.path, &text, syntaxes)?),
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
