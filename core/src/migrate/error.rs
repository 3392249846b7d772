//! What can go wrong while migrating, and which exit code each deserves.

use crate::dialect::{DbError, DbErrorCategory, DialectError, ShownDuration, StatementLimits};
use crate::graph::{PlanError, TargetError};
use crate::location::FileError;
use crate::schema::FoldError;
use std::path::PathBuf;

/// A migration that could not be planned or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The database failed outside any revision (connect, lock, version table).
    #[error("while {context}: {source}")]
    Database {
        /// What retort was doing.
        context: String,
        /// The database's error.
        source: DbError,
    },
    /// A statement of a revision failed.
    #[error(transparent)]
    RevisionFailed(Box<RevisionFailure>),
    /// The connection was lost while committing: whether the commit took effect is
    /// unknown to this connection. The caller can reconnect and read the version table
    /// (the CLI does), which tells.
    #[error(
        "the connection was lost while committing {what}: {source}. Whether the commit \
         took effect is unknown to that connection; the version table tells (`retort current`)"
    )]
    CommitOutcomeUnknown {
        /// "revision 5cd038a8f131 (migrations/…toml)", or "the run (revisions …)".
        what: String,
        /// The revisions the commit would have applied or reverted.
        revisions: Vec<String>,
        /// Applying or reverting.
        direction: super::Direction,
        /// The driver's error.
        source: DbError,
    },
    /// A revision is recorded dirty: a previous run failed part-way.
    #[error(
        "revision {revision} is dirty: an earlier run failed part-way{}. Fix the database by hand, then \
         record its real state with `retort stamp` (e.g. `retort stamp {revision}` if the revision is now \
         complete, or the revision below it if not)",
        error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
    )]
    Dirty {
        /// The dirty revision.
        revision: String,
        /// The failed statement and the database's message, as recorded.
        error: Option<String>,
    },
    /// The version table records revisions no revision file declares: what they did is
    /// unknown, so nothing may be planned around them (Alembic: "Can't locate revision").
    #[error(
        "the database records {} that no revision file of this project declares: {}. retort \
         cannot tell what {} did, so it runs nothing. Restore the missing revision {} (for \
         example, check out the code that added {}), or record what the database really \
         holds with `retort stamp --purge TARGET`",
        if ids.len() == 1 { "a revision" } else { "revisions" },
        ids.join(", "),
        if ids.len() == 1 { "it" } else { "they" },
        if ids.len() == 1 { "file" } else { "files" },
        if ids.len() == 1 { "it" } else { "them" }
    )]
    UnknownRevisions {
        /// The unknown ids, sorted.
        ids: Vec<String>,
    },
    /// `upgrade -N` or `downgrade +N`: a relative target that moves the other way.
    #[error(
        "{command} target `{spec}` moves {}; use `retort {} {spec}`",
        if *up { "up" } else { "down" },
        if *up { "upgrade" } else { "downgrade" }
    )]
    WrongDirection {
        /// The command: `upgrade` or `downgrade`.
        command: &'static str,
        /// The target as typed.
        spec: String,
        /// Whether the target moves up.
        up: bool,
    },
    /// Applied revisions whose files changed since they ran.
    #[error(
        "applied revision files changed since they ran:\n{}\n  Review the changes; then `retort stamp --accept-changed` records the files as they are now \
         (or pass --allow-changed to proceed once).",
        changed.iter().map(|(id, path)| format!("  {id} ({})", path.display())).collect::<Vec<_>>().join("\n")
    )]
    ChangedFiles {
        /// Revision id and file of each changed revision.
        changed: Vec<(String, PathBuf)>,
    },
    /// A malformed revision file.
    #[error(transparent)]
    File(#[from] FileError),
    /// A target that does not resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A plan that cannot be made (e.g. downgrading to a revision that is not applied).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// An operation this dialect cannot render; nothing of the run was executed.
    #[error("revision {revision} ({}): {source}", file.display())]
    Unsupported {
        /// The revision id.
        revision: String,
        /// Its file.
        file: PathBuf,
        /// What the dialect said.
        source: DialectError,
    },
    /// A SQL revision written for another dialect.
    #[error("revision {revision} ({}) is written for {wanted}, not {actual}", file.display())]
    WrongDialect {
        /// The revision id.
        revision: String,
        /// Its file.
        file: PathBuf,
        /// Its `-- retort:dialect`.
        wanted: String,
        /// The database's dialect.
        actual: String,
    },
    /// A downgrade would go through revisions without a downgrade section; nothing ran.
    #[error(
        "cannot downgrade: {} no downgrade section, so {} irreversible:\n{}\n\
         Nothing was run. Write the downgrade (`downgrade = []` in TOML, or an empty \
         `-- retort:downgrade` section in SQL, if there is nothing to undo), or record the \
         state without running anything with `retort stamp`",
        if irreversible.len() == 1 { "this revision has" } else { "these revisions have" },
        if irreversible.len() == 1 { "it is" } else { "they are" },
        irreversible.iter().map(|(id, path)| format!("  {id} ({})", path.display())).collect::<Vec<_>>().join("\n")
    )]
    Irreversible {
        /// Revision id and file of each irreversible revision in the plan.
        irreversible: Vec<(String, PathBuf)>,
    },
    /// `stamp --accept-changed` named a revision the database does not record as applied.
    #[error(
        "revision {revision} is not applied, so there is no checksum of it to accept; \
         `retort current` shows what is applied"
    )]
    NotApplied {
        /// The revision id.
        revision: String,
    },
    /// The operations do not apply to the schema simulated from the earlier revisions.
    #[error("revision {revision} ({}): {source}", file.display())]
    Simulation {
        /// The revision id.
        revision: String,
        /// Its file.
        file: PathBuf,
        /// What did not fit.
        source: FoldError,
    },
}

/// A statement of a revision failed; nothing of it remains where the database allows.
#[derive(Debug, thiserror::Error)]
#[error(
    "revision {revision} ({}) failed at {position}:\n  SQL: {sql}\n  database: {source}{}{}",
    file.display(),
    limit_hint(source, limits, *dirty),
    if *dirty { "\n  The revision is recorded as dirty: fix the database by hand, then run `retort stamp` to record the state it is in." } else { "\n  Nothing of this revision was kept." }
)]
pub struct RevisionFailure {
    /// The revision id.
    pub revision: String,
    /// Its file.
    pub file: PathBuf,
    /// "operation 2 of 5 (create_index)" or "statement 2 of 5 (line 14)".
    pub position: String,
    /// The failed SQL.
    pub sql: String,
    /// The database's error.
    pub source: DbError,
    /// Whether a dirty row was left behind.
    pub dirty: bool,
    /// The limits its statements ran under, to name the one a failure hit.
    pub limits: StatementLimits,
}

/// What to say when a statement failed because it hit one of its limits.
fn limit_hint(source: &DbError, limits: &StatementLimits, dirty: bool) -> String {
    let retry = if dirty {
        "Once that session is done it can be retried, after `retort stamp` (see below)"
    } else {
        "It can simply be retried once that session is done"
    };
    match source.category {
        DbErrorCategory::LockWait if !limits.lock_wait.is_zero() => format!(
            "\n  It waited longer than lock_wait ({}) for a lock on a table it uses, held by \
             another session, and gave up rather than hold up the queries queued behind it. \
             {retry}; to wait longer, set `lock_wait` in [migrations] of retort.toml or in \
             the revision's header (0 waits without limit).",
            ShownDuration(limits.lock_wait)
        ),
        DbErrorCategory::StatementTimeout if !limits.statement_timeout.is_zero() => format!(
            "\n  It ran longer than statement_timeout ({}) and was cancelled; to allow longer, \
             set `statement_timeout` in [migrations] of retort.toml or in the revision's \
             header (0 means no limit).",
            ShownDuration(limits.statement_timeout)
        ),
        _ => String::new(),
    }
}

impl MigrateError {
    /// True for mistakes in the user's input (exit 2); false for runtime failures (exit 1).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            MigrateError::Database { .. }
                | MigrateError::CommitOutcomeUnknown { .. }
                | MigrateError::RevisionFailed { .. }
                | MigrateError::Dirty { .. }
                | MigrateError::UnknownRevisions { .. }
        )
    }
}
