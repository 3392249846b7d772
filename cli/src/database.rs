//! Choosing a dialect for the project's URL and connecting to the database.

use crate::args::GlobalArgs;
use crate::dialects::Registry;
use crate::error::{CliError, CliResult};
use crate::project::{display_path, Project};
use retort_core::config::Config;
use retort_core::db_url::{DatabaseUrl, SqliteLocation};
use retort_core::dialect::StatementLimits;
use retort_core::migrate::{MigrateError, Migrator, MigratorSettings};
use retort_core::{Connection, Dialect};
use std::path::Path;
use std::time::Duration;

/// The database a command works on: its URL and the dialect that serves it.
pub(crate) struct Database {
    pub(crate) url: DatabaseUrl,
    pub(crate) dialect: Box<dyn Dialect>,
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
        let url = selected_url(config, global)?;
        let scheme = url.scheme().to_string();
        let registry = Registry::load(global, Some(config))?;
        let known = registry.schemes();
        let dialect = registry.take(&scheme).ok_or_else(|| {
            CliError::input(format!(
                "no dialect serves the URL scheme `{scheme}` (in {}); known schemes: {}",
                url.redacted(),
                if known.is_empty() {
                    "none in this build: load a dialect plugin with --plugin or [plugins] paths"
                        .to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        Ok(Database { url, dialect })
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
        if let Some(SqliteLocation::File(path)) = self.url.sqlite_location() {
            match std::fs::metadata(path) {
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    let empty = DatabaseUrl::parse("sqlite::memory:").map_err(CliError::runtime)?;
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

    /// Whether the URL names a SQLite file that does not exist yet (connecting creates it).
    pub(crate) fn is_missing_sqlite_file(&self) -> bool {
        matches!(self.url.sqlite_location(), Some(SqliteLocation::File(path)) if !path.exists())
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
    let selected = config
        .select_url(global.url.as_deref(), global.env.as_deref())
        .map_err(CliError::input)?;
    // A `--url` is relative to where retort was started, not to the project directory
    // that is current by now.
    let parsed = match selected.base_dir() {
        Some(_) => selected.parse(),
        None => DatabaseUrl::parse_relative_to(
            selected.expose_secret_str(),
            &crate::project::invocation_dir()?,
        ),
    };
    parsed.map_err(|e| CliError::input(format!("{e} (from {})", selected.source())))
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
