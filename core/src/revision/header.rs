//! The header of a revision: everything the graph needs, nothing that runs.

use crate::dialect::LimitOverrides;
use std::path::PathBuf;
use time::OffsetDateTime;

/// Which of the two revision-file forms a revision was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// A dialect-neutral TOML revision (SPEC 3.1).
    Toml,
    /// A plain-SQL revision for one dialect (SPEC 3.3).
    Sql,
}

/// The header of one revision file (SPEC 3.1, 3.3).
///
/// Graph commands (`heads`, `history`, ...) read only headers; the operations are parsed
/// when a revision is about to run or be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionHeader {
    /// The revision id (`revision = ...`), authoritative over the file name.
    pub id: String,
    /// Parents through `down_revision`: none for a base, several for a merge.
    pub down_revisions: Vec<String>,
    /// Revisions that must be applied first without being parents.
    pub depends_on: Vec<String>,
    /// Branch labels declared by this revision.
    pub branch_labels: Vec<String>,
    /// The human description.
    pub message: String,
    /// When the revision was created; orders revisions that could run in either order.
    pub created: Option<OffsetDateTime>,
    /// False for revisions whose statements cannot run inside a transaction.
    pub transactional: bool,
    /// `lock_wait` and `statement_timeout`: this revision's own limits, over the run's.
    /// They change how long its statements may wait, not what runs, so the checksum
    /// leaves them out.
    pub limits: LimitOverrides,
    /// For a SQL revision: the only dialect it may run on, if declared.
    pub dialect: Option<String>,
    /// The file the revision was read from.
    pub path: PathBuf,
    /// The file's form.
    pub format: FileFormat,
}

impl RevisionHeader {
    /// A header with the given id and parents and defaults elsewhere (tests, generators).
    pub fn new(id: impl Into<String>, down_revisions: Vec<String>) -> Self {
        let id = id.into();
        RevisionHeader {
            path: PathBuf::from(format!("{id}.toml")),
            id,
            down_revisions,
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            message: String::new(),
            created: None,
            transactional: true,
            limits: LimitOverrides::default(),
            dialect: None,
            format: FileFormat::Toml,
        }
    }
}
