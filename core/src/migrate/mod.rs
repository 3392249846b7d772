//! The Migrator (SPEC 5, 6, 10): plans with the graph, renders with a dialect, executes
//! through a connection, and keeps the version table, under the migration lock.
//!
//! Usable as a library: an application opens a connection with its dialect, builds a
//! [`Graph`] from its revisions and calls [`Migrator::upgrade`] at start-up, with the same
//! locking and checks as the CLI.

mod accept;
mod batch;
mod dirty_row;
mod error;
mod identifiers;
mod limits;
mod live_schema;
mod offline;
mod parallel;
mod prepare;
mod run;
mod start_guard;
mod version_table;

pub use accept::AcceptedChange;
pub use error::{MigrateError, RevisionFailure};
pub use prepare::{check_direction, read_recorded_state};
pub use version_table::{RowState, VersionRow};

use prepare::Loaded;

use crate::dialect::{Dialect, StatementLimits, DEFAULT_LOCK_WAIT};
use crate::graph::Graph;
use crate::load::{read_revision_with, EmbeddedMigrations, Revision};
use crate::location::FileError;
use crate::revision::RevisionHeader;
use crate::sql::DialectSyntaxes;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;
use version_table::VersionTable;

/// How the Migrator runs (from `[migrations]` and the command line).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MigratorSettings {
    /// The version table's name.
    pub version_table: String,
    /// Its schema, where the database has schemas.
    pub version_table_schema: Option<String>,
    /// One transaction per revision (true) or one for the whole run.
    pub transaction_per_migration: bool,
    /// How long to wait for the migration lock.
    pub lock_timeout: Duration,
    /// Proceed although applied revision files changed.
    pub allow_changed: bool,
    /// The limits on each revision's statements (`[migrations] lock_wait` and
    /// `statement_timeout`), which a revision's header can override. `transactional =
    /// false` revisions wait for locks without limit unless their own header sets one:
    /// what they wait for (`CREATE INDEX CONCURRENTLY` waits for other transactions to
    /// end) blocks nobody, and failing leaves them dirty rather than undone.
    pub statement_limits: StatementLimits,
}

impl Default for MigratorSettings {
    fn default() -> Self {
        MigratorSettings {
            version_table: "retort_version".into(),
            version_table_schema: None,
            transaction_per_migration: true,
            lock_timeout: Duration::from_secs(60),
            allow_changed: false,
            statement_limits: StatementLimits::new(DEFAULT_LOCK_WAIT, Duration::ZERO),
        }
    }
}

/// Which way a step goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Applying a revision.
    Upgrade,
    /// Reverting one.
    Downgrade,
}

/// One revision applied or reverted (SPEC 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Applying or reverting.
    pub direction: Direction,
    /// The revision id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// How long it took; absent for a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
}

/// What happens during a run, for progress displays.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// The plan is made: these steps will run.
    Planned(&'a [Step]),
    /// A step starts (0-based index into the plan).
    Started(usize),
    /// A step is done and durable: its commit has returned.
    Finished(usize, &'a Step),
    /// Every step ran; the run's single transaction (see
    /// [`crate::dialect::Capabilities::run_commits_at_unlock`]) commits this many now.
    Committing(usize),
}

/// The recorded state of a database: its version-table rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbState {
    /// Every row, by revision id (unknown ids included).
    pub rows: BTreeMap<String, VersionRow>,
}

impl DbState {
    /// The ids of the revisions recorded as applied. A dirty row is not applied: its
    /// revision failed or is still running, so it is neither a head nor a planning input.
    pub fn applied(&self) -> HashSet<String> {
        self.rows
            .values()
            .filter(|row| row.state == RowState::Applied)
            .map(|row| row.revision.clone())
            .collect()
    }

    /// Whether `id` is recorded as applied (a dirty row is not).
    pub fn is_applied(&self, id: &str) -> bool {
        self.rows
            .get(id)
            .is_some_and(|row| row.state == RowState::Applied)
    }

    /// The ids recorded as applied, sorted (unknown ids included).
    pub fn applied_sorted(&self) -> Vec<&str> {
        self.rows
            .values()
            .filter(|row| row.state == RowState::Applied)
            .map(|row| row.revision.as_str())
            .collect()
    }

    /// The recorded ids, applied or dirty, that `graph` does not hold (their files are
    /// gone, or belong to another branch of the code), sorted.
    pub fn unknown(&self, graph: &Graph) -> Vec<&str> {
        self.rows
            .keys()
            .map(String::as_str)
            .filter(|id| graph.get(id).is_none())
            .collect()
    }

    /// A dirty row, if any: a run failed part-way.
    pub fn dirty(&self) -> Option<&VersionRow> {
        self.rows.values().find(|row| row.state == RowState::Dirty)
    }

    /// The current heads: applied revisions with no applied child (SPEC 4).
    pub fn heads(&self, graph: &Graph) -> Vec<String> {
        graph
            .current_heads(&self.applied())
            .into_iter()
            .map(|h| h.id.clone())
            .collect()
    }
}

/// Runs revisions of one graph against databases of one dialect.
///
/// Like its graph, a Migrator is a snapshot of the revisions: each file is read in full at
/// most once (the changed-file check excepted, which always reads the disk); build a new
/// Migrator to run edited files.
#[derive(Debug)]
pub struct Migrator<'a> {
    dialect: &'a dyn Dialect,
    graph: &'a Graph,
    settings: MigratorSettings,
    embedded: Option<EmbeddedMigrations>,
    /// The lexical rules by dialect that SQL revisions and raw SQL are read and
    /// checksummed with.
    syntaxes: DialectSyntaxes,
    /// Revisions read in full by earlier calls, by id: a rehearsal (a dry run before the
    /// real run) does not parse every file twice, and the run executes what was checked.
    read_before: Mutex<HashMap<String, Loaded>>,
    /// With [`Migrator::as_sole_writer`]: what the last run left, which the next run
    /// starts from instead of reading the database.
    carried: Option<Mutex<Carried>>,
}

/// What a run leaves to the next one of a sole writer.
#[derive(Debug, Default)]
pub(crate) struct Carried {
    /// The schema, folded through the run's operations.
    pub(crate) schema: Option<crate::schema::Schema>,
    /// The version rows, as the run wrote them.
    pub(crate) state: Option<DbState>,
}

impl<'a> Migrator<'a> {
    /// A migrator for `graph` on `dialect`. SQL written for `dialect` (under its name or
    /// one of its URL schemes) is read with its [`Dialect::syntax`], SQL for any other
    /// dialect with the generic rules; see [`Migrator::with_syntaxes`].
    pub fn new(dialect: &'a dyn Dialect, graph: &'a Graph, settings: MigratorSettings) -> Self {
        Migrator {
            dialect,
            graph,
            settings,
            embedded: None,
            syntaxes: crate::registry::syntaxes_of([dialect]),
            read_before: Mutex::default(),
            carried: None,
        }
    }

    /// Reads revisions from files compiled into the program instead of the disk; build
    /// the graph from [`EmbeddedMigrations::headers`].
    pub fn with_embedded(mut self, migrations: EmbeddedMigrations) -> Self {
        self.embedded = Some(migrations);
        self
    }

    /// Reads SQL written for each dialect with the rules `syntaxes` gives (e.g.
    /// [`DialectRegistry::syntaxes`](crate::registry::DialectRegistry::syntaxes)), so that
    /// revisions holding SQL for several dialects get the checksums the CLI computes with
    /// the same dialects available. Replaces the table [`Migrator::new`] made.
    pub fn with_syntaxes(mut self, syntaxes: DialectSyntaxes) -> Self {
        self.syntaxes = syntaxes;
        self
    }

    /// For a caller that is the only writer of one database and runs many short runs on
    /// it, as `retort test` is of its scratch databases: each run starts from the schema
    /// (as its operations fold it) and the version rows the previous run left, instead of
    /// reading the whole schema and version table again. The first run, a run after one
    /// that failed or after a stamp, and a run after raw SQL (which the model cannot
    /// follow) read the database as usual. Use one Migrator per database when this is on.
    pub fn as_sole_writer(mut self) -> Self {
        self.carried = Some(Mutex::default());
        self
    }

    /// What the previous run left, if this Migrator is a sole writer; taken, so that a run
    /// that fails leaves nothing behind.
    pub(crate) fn take_carried(&self) -> Carried {
        self.carried
            .as_ref()
            .and_then(|carried| carried.lock().ok())
            .map(|mut carried| std::mem::take(&mut *carried))
            .unwrap_or_default()
    }

    /// Keeps what a run left for the next one, if this Migrator is a sole writer.
    pub(crate) fn carry(&self, left: Carried) {
        if let Some(mut carried) = self.carried.as_ref().and_then(|c| c.lock().ok()) {
            *carried = left;
        }
    }

    /// The whole revision behind `header`, embedded or from its file.
    pub(crate) fn read(&self, header: &RevisionHeader) -> Result<Revision, FileError> {
        let embedded = self
            .embedded
            .and_then(|embedded| embedded.revision(header, &self.syntaxes));
        match embedded {
            Some(revision) => revision,
            None => read_revision_with(header, &self.syntaxes),
        }
    }

    /// The checksum of `revision`, with this Migrator's lexical rules.
    pub(crate) fn checksum(&self, revision: &Revision) -> String {
        crate::checksum::checksum(revision, &self.syntaxes)
    }

    /// Reads the recorded state under the migration lock: once it is granted, no other
    /// session, a lost one whose `COMMIT` the server may still be finishing included, can
    /// change the version table until it is read.
    pub fn read_state_locked(
        &self,
        conn: &mut dyn crate::dialect::Connection,
    ) -> Result<DbState, MigrateError> {
        self.locked(conn, |conn| self.read_state(conn))
    }

    fn version_table(&self) -> VersionTable<'_> {
        VersionTable {
            dialect: self.dialect,
            schema: self.settings.version_table_schema.as_deref(),
            table: &self.settings.version_table,
        }
    }
}
