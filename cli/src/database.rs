//! Choosing a dialect for the project's URL and connecting to the database.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use crate::project::{display_path, Project};
use retort_core::config::Config;
use retort_core::db_url::{DatabaseUrl, FileLocation, UrlForm};
use retort_core::dialect::StatementLimits;
use retort_core::migrate::{MigrateError, Migrator, MigratorSettings};
use retort_core::sql::DialectSyntaxes;
use retort_core::{Connection, Dialect};
use std::path::Path;
use std::time::Duration;

/// The database a command works on: its URL and the dialect that serves it.
pub(crate) struct Database {
    pub(crate) url: DatabaseUrl,
    pub(crate) dialect: Box<dyn Dialect>,
    /// The SQL syntax of every dialect available (built-in and plugins), by name: what
    /// revisions are read and checksummed with.
    pub(crate) syntaxes: DialectSyntaxes,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Database({}, {})",
            self.dialect.name(),
            self.url.redacted()
        )
    }
}

impl Database {
    /// Picks the URL (SPEC 2 precedence) and the dialect for its scheme.
    pub(crate) fn for_project(project: &Project, global: &GlobalArgs) -> CliResult<Database> {
        Database::for_config(&project.config, global)
    }

    /// Like [`Database::for_project`], before the graph is loaded.
    pub(crate) fn for_config(config: &Config, global: &GlobalArgs) -> CliResult<Database> {
        let (url, source) = select_url(config, global)?;
        let registry = crate::dialects::load(global, Some(config))?;
        let syntaxes = registry.syntaxes();
        let dialect = registry.take_for_url(&url).map_err(CliError::input)?;
        url.check(UrlForm::of(&dialect.capabilities()))
            .map_err(|e| CliError::input(format!("{e} (from {source})")))?;
        Ok(Database {
            url,
            dialect,
            syntaxes,
        })
    }

    /// Opens a connection; failures name the redacted URL.
    pub(crate) fn connect(&self) -> CliResult<Box<dyn Connection>> {
        self.dialect.connect(&self.url).map_err(|e| {
            let url = self.url.redacted();
            // Drivers usually name the URL themselves; say it once.
            if e.to_string().contains(&url) {
                CliError::runtime(e)
            } else {
                CliError::runtime(format!("while connecting to {url}: {e}"))
            }
        })
    }

    /// A connection for a command that only reads. A SQLite file that does not exist is
    /// not created: it reads as an empty database (an in-memory one stands in for it). A
    /// path that cannot be looked at (a directory on it is a file, no permission) is an
    /// error, not an empty database.
    pub(crate) fn connect_read_only(&self) -> CliResult<Box<dyn Connection>> {
        if let Some(FileLocation::File(path)) = self.local_file() {
            match std::fs::metadata(path) {
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    let memory = format!("{}::memory:", self.url.scheme());
                    let empty = DatabaseUrl::parse(&memory).map_err(CliError::runtime)?;
                    return self.dialect.connect(&empty).map_err(CliError::runtime);
                }
                Err(error) => {
                    return Err(CliError::runtime(format!(
                        "cannot open the SQLite database {}: {}",
                        self.url.redacted(),
                        unreachable_because(path, &error)
                    )))
                }
            }
        }
        self.connect()
    }

    /// Whether the URL names a database file that does not exist yet (connecting creates
    /// it).
    pub(crate) fn is_missing_sqlite_file(&self) -> bool {
        matches!(self.local_file(), Some(FileLocation::File(path)) if !path.exists())
    }

    /// Where the database lives, for a dialect whose database is a local file.
    pub(crate) fn local_file(&self) -> Option<&FileLocation> {
        if self.dialect.capabilities().local_file_database {
            self.url.local_file().ok()
        } else {
            None
        }
    }

    /// A Migrator for the project's graph with its settings.
    pub(crate) fn migrator<'a>(
        &'a self,
        project: &'a Project,
        lock_timeout: Option<Duration>,
        allow_changed: bool,
    ) -> Migrator<'a> {
        let settings = settings(&project.config, lock_timeout, allow_changed);
        Migrator::new(self.dialect.as_ref(), &project.graph, settings)
            .with_syntaxes(self.syntaxes.clone())
    }
}

/// Why a SQLite path cannot be looked at, in words.
fn unreachable_because(path: &Path, error: &std::io::Error) -> String {
    // ENOTDIR names no component: find the file that stands where a directory should.
    let file_on_the_way = path.ancestors().skip(1).find(|ancestor| ancestor.is_file());
    match (error.kind(), file_on_the_way) {
        (_, Some(file)) => format!(
            "{} is a file, not a directory, so the database cannot exist there",
            display_path(file)
        ),
        (std::io::ErrorKind::PermissionDenied, None) => {
            format!("permission denied while looking for {}", display_path(path))
        }
        _ => format!("cannot look for {} ({error})", display_path(path)),
    }
}

/// The database URL (SPEC 2 precedence), parsed.
pub(crate) fn selected_url(config: &Config, global: &GlobalArgs) -> CliResult<DatabaseUrl> {
    select_url(config, global).map(|(url, _)| url)
}

/// The database URL (SPEC 2 precedence), parsed, and where it came from.
fn select_url(config: &Config, global: &GlobalArgs) -> CliResult<(DatabaseUrl, String)> {
    let selected = config
        .select_url(global.url.as_deref(), global.env.as_deref())
        .map_err(CliError::input)?;
    let source = selected.source().to_string();
    // A `--url` is relative to where retort was started, not to the project directory
    // that is current by now.
    let parsed = match selected.base_dir() {
        Some(_) => selected.parse(),
        None => DatabaseUrl::parse_relative_to(
            selected.expose_secret_str(),
            &crate::project::invocation_dir()?,
        ),
    };
    let url = parsed.map_err(|e| CliError::input(format!("{e} (from {source})")))?;
    Ok((url, source))
}

/// The Migrator's settings from `[migrations]` and the command line.
pub(crate) fn settings(
    config: &Config,
    lock_timeout: Option<Duration>,
    allow_changed: bool,
) -> MigratorSettings {
    let migrations = &config.migrations;
    let mut settings = MigratorSettings::default();
    settings.version_table = migrations.version_table.clone();
    settings.version_table_schema = migrations.version_table_schema.clone();
    settings.transaction_per_migration = migrations.transaction_per_migration;
    settings.allow_changed = allow_changed;
    settings.statement_limits =
        StatementLimits::new(migrations.lock_wait, migrations.statement_timeout);
    if let Some(timeout) = lock_timeout {
        settings.lock_timeout = timeout;
    }
    settings
}

/// A migration error with its exit code (SPEC 7).
pub(crate) fn migrate_error(error: MigrateError) -> CliError {
    if error.is_bad_input() {
        CliError::input(error)
    } else {
        CliError::runtime(error)
    }
}
