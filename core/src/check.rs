//! What `retort check` verifies (SPEC 7), as a library function, so that an application
//! embedding retort (SPEC 10) can run the same checks at start-up or in a health probe:
//! one head, the database at that head, no dirty row, no applied file changed since it
//! ran, and no recorded revision without a file.
//!
//! [`check`] returns every [`Finding`] rather than stopping at the first; what to do with
//! them (print, fail, alert) is the caller's business.

use crate::dialect::Connection;
use crate::graph::Graph;
use crate::migrate::{MigrateError, Migrator};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The revision files do not form a valid graph; nothing else could be checked.
    InvalidGraph {
        /// Why, with the file and line.
        message: String,
    },
    /// The graph has more than one head.
    MultipleHeads {
        /// The heads' ids.
        heads: Vec<String>,
    },
    /// A run failed part-way and left a dirty row.
    Dirty {
        /// The dirty revision.
        revision: String,
        /// The failed statement and the database's message, as recorded.
        error: Option<String>,
    },
    /// The database's recorded heads are not the graph's heads.
    NotAtHead {
        /// The database's heads; empty at base.
        current: Vec<String>,
        /// The graph's heads.
        heads: Vec<String>,
        /// Revisions of the graph not recorded as applied.
        pending: usize,
    },
    /// An applied revision's file changed since it ran.
    ChangedFile {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
    },
    /// The version table records revisions that no file in the project holds.
    UnknownRevisions {
        /// Their ids, sorted.
        revisions: Vec<String>,
        /// Where the revision files are.
        migrations_dir: PathBuf,
    },
}

impl Finding {
    /// A stable snake-case name of the kind of finding (`not_at_head`), for machine output.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::InvalidGraph { .. } => "invalid_graph",
            Finding::MultipleHeads { .. } => "multiple_heads",
            Finding::Dirty { .. } => "dirty",
            Finding::NotAtHead { .. } => "not_at_head",
            Finding::ChangedFile { .. } => "changed_file",
            Finding::UnknownRevisions { .. } => "unknown_revision",
        }
    }

    /// The finding in words, with what to do about it; paths written by `show_path` (a
    /// command-line tool shows them relative to the current directory).
    pub fn message_with(&self, show_path: &dyn Fn(&Path) -> String) -> String {
        match self {
            Finding::InvalidGraph { message } => message.clone(),
            Finding::MultipleHeads { heads } => format!(
                "the graph has {} heads ({}): merge them with `retort merge heads -m ...`",
                heads.len(),
                heads.join(", ")
            ),
            Finding::Dirty { revision, error } => format!(
                "revision {revision} is dirty, not applied (a run failed part-way{}): fix the \
                 database by hand, then record its state with `retort stamp`",
                error.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
            ),
            Finding::NotAtHead {
                current,
                heads,
                pending,
            } => format!(
                "the database is at {} but the graph's head is {} ({pending} revision(s) not \
                 applied): run `retort upgrade`",
                if current.is_empty() {
                    String::from("base")
                } else {
                    current.join(", ")
                },
                heads.join(", ")
            ),
            Finding::ChangedFile { revision, path } => format!(
                "applied revision {revision} ({}) changed since it ran; after review, \
                 `retort stamp --accept-changed {revision}` records it as it is now",
                show_path(path)
            ),
            Finding::UnknownRevisions {
                revisions,
                migrations_dir,
            } => format!(
                "the version table records revisions with no file in {}: {} (restore the \
                 files, or record the database's real state with `retort stamp --purge TARGET`)",
                show_path(migrations_dir),
                revisions.join(", ")
            ),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_with(&|path| path.display().to_string()))
    }
}

/// Every finding about `graph` and the database behind `conn`, whose version table
/// `migrator` (built on `graph`) reads; `migrations_dir` is where the files are, for the
/// message about revisions without one. Only reads: nothing is locked or written.
///
/// # Errors
/// The database could not be read, or a revision file could not be read to compare its
/// checksum; both stop the check, since its answer would be a guess.
pub fn check(
    graph: &Graph,
    migrator: &Migrator<'_>,
    conn: &mut dyn Connection,
    migrations_dir: &Path,
) -> Result<Vec<Finding>, MigrateError> {
    let mut findings = Vec::new();
    let heads: Vec<String> = graph.heads().iter().map(|h| h.id.clone()).collect();
    if heads.len() > 1 {
        findings.push(Finding::MultipleHeads {
            heads: heads.clone(),
        });
    }
    let state = migrator.read_state(conn)?;
    if let Some(dirty) = state.dirty() {
        findings.push(Finding::Dirty {
            revision: dirty.revision.clone(),
            error: dirty.error.clone(),
        });
    }
    // Where the database is, from the applied rows only: a dirty row is not applied.
    let current: BTreeSet<String> = state.heads(graph).into_iter().collect();
    let expected: BTreeSet<String> = heads.iter().cloned().collect();
    if current != expected {
        let known_applied = state
            .applied()
            .iter()
            .filter(|id| graph.get(id).is_some())
            .count();
        findings.push(Finding::NotAtHead {
            current: current.into_iter().collect(),
            heads,
            pending: graph.len().saturating_sub(known_applied),
        });
    }
    for (revision, path) in migrator.changed_revisions(&state)? {
        findings.push(Finding::ChangedFile { revision, path });
    }
    let unknown = state.unknown(graph);
    if !unknown.is_empty() {
        findings.push(Finding::UnknownRevisions {
            revisions: unknown.into_iter().map(String::from).collect(),
            migrations_dir: migrations_dir.to_path_buf(),
        });
    }
    Ok(findings)
}
