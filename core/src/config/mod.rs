//! Configuration: `retort.toml` lookup, interpolation, environments and URL precedence (SPEC 2).
//!
//! The flow: [`find_config`] (or `--config`) names the file; [`Config::load`] reads it with
//! an [`Environment`] (the process's variables, plus a `.env` file next to the config for
//! names not already set), expanding `${VAR}` / `${VAR:-default}` in its strings (see
//! [`interpolate`](self#interpolation)); [`Config::select_url`] then picks the database URL.
//!
//! # Interpolation
//!
//! `${VAR}` is `VAR`'s value (an error naming `VAR` and the key's file:line:column when
//! unset); `${VAR:-default}` falls back to `default` when `VAR` is unset or empty; `$$` is a
//! literal `$`, and any other `$` is kept as it is. Defaults do not nest. `url` values are
//! expanded only when selected, so an unset variable in an unused `[env.NAME]` section is
//! not an error; every other string is expanded on load.
//!
//! # Paths
//!
//! `migrations.dir`, `schema.file` and `plugins.paths` are relative to the directory of the
//! configuration file, and so is a relative `sqlite://` path in a URL taken from the
//! configuration, `.env` or `DATABASE_URL` (see [`SelectedUrl::base_dir`]); a `--url` is
//! relative to the current directory, like any other command-line path.

mod environment;
mod error;
mod interpolate;
mod load;
mod select;
#[cfg(test)]
mod tests;
mod value;

use crate::dialect::DEFAULT_LOCK_WAIT;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use environment::{Environment, VarOrigin};
pub use error::ConfigError;
pub use select::{select_url_without_config, SelectedUrl, UrlSource};
pub use value::UrlTemplate;

/// The name of the configuration file.
pub const CONFIG_FILE_NAME: &str = "retort.toml";
/// The environment variable consulted last for the database URL.
pub const DATABASE_URL_VAR: &str = "DATABASE_URL";
/// The name of the dotenv file read next to the configuration file.
pub const DOTENV_FILE_NAME: &str = ".env";
/// The placeholders `migrations.file_template` may use.
pub const FILE_TEMPLATE_PLACEHOLDERS: [&str; 10] = [
    "date", "time", "rev", "slug", "year", "month", "day", "hour", "minute", "second",
];

/// `retort.toml` in `start_dir` or its nearest parent that has one.
///
/// A relative `start_dir` is taken relative to the current directory, so the search can
/// climb above it; the returned path is then absolute.
pub fn find_config(start_dir: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start_dir).unwrap_or_else(|_| start_dir.to_path_buf());
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// A loaded `retort.toml`: every section with its defaults filled in, strings interpolated,
/// paths resolved against the file's directory.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The configuration file.
    pub path: PathBuf,
    /// Its directory, the base of every relative path in it.
    pub dir: PathBuf,
    /// `[database]`.
    pub database: DatabaseSettings,
    /// `[migrations]`.
    pub migrations: MigrationSettings,
    /// `[schema]`.
    pub schema: SchemaSettings,
    /// `[plugins]`.
    pub plugins: PluginSettings,
    /// `[env.NAME]` sections, by name: each one's `url`.
    pub environments: BTreeMap<String, UrlTemplate>,
    /// The variables interpolation reads: the process's, plus the `.env` file's.
    pub environment: Environment,
}

/// `[database]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DatabaseSettings {
    /// `url`, expanded only when selected.
    pub url: Option<UrlTemplate>,
    /// `dialect`: overrides the dialect inferred from the URL's scheme.
    pub dialect: Option<String>,
}

/// `[migrations]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationSettings {
    /// `dir`: where revision files live (default `migrations`).
    pub dir: PathBuf,
    /// `file_template`: new revision file names, without extension
    /// (default `{date}_{time}_{rev}_{slug}`).
    pub file_template: String,
    /// `version_table` (default `retort_version`).
    pub version_table: String,
    /// `version_table_schema`: the schema holding the version table (default: the
    /// connection's current schema).
    pub version_table_schema: Option<String>,
    /// `transaction_per_migration` (default true); false runs the whole upgrade in one
    /// transaction.
    pub transaction_per_migration: bool,
    /// `lock_wait` (default [`DEFAULT_LOCK_WAIT`]): how long a statement of a revision may
    /// wait for a lock before the revision fails; zero waits without limit.
    pub lock_wait: Duration,
    /// `statement_timeout` (default none, zero): how long a statement of a revision may run.
    pub statement_timeout: Duration,
}

impl MigrationSettings {
    /// The defaults, with `dir` resolved against `base_dir`.
    pub fn defaults(base_dir: &Path) -> MigrationSettings {
        MigrationSettings {
            dir: base_dir.join("migrations"),
            file_template: "{date}_{time}_{rev}_{slug}".into(),
            version_table: "retort_version".into(),
            version_table_schema: None,
            transaction_per_migration: true,
            lock_wait: DEFAULT_LOCK_WAIT,
            statement_timeout: Duration::ZERO,
        }
    }
}

/// `[schema]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaSettings {
    /// `file`: the declared schema (default `schema.toml`).
    pub file: PathBuf,
}

impl SchemaSettings {
    /// The defaults, with `file` resolved against `base_dir`.
    pub fn defaults(base_dir: &Path) -> SchemaSettings {
        SchemaSettings {
            file: base_dir.join("schema.toml"),
        }
    }
}

/// `[plugins]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PluginSettings {
    /// `paths`: dialect plugins (shared libraries) to load at start-up.
    pub paths: Vec<PathBuf>,
}

/// The keys of `retort.toml` per table (`database`, `migrations`, `schema`, `plugins`,
/// `env.NAME`), as the loader accepts them.
pub fn known_keys() -> Vec<(&'static str, &'static [&'static str])> {
    load::known_keys()
}

impl Config {
    /// Reads and checks the configuration file at `path`, with `environment` (normally
    /// [`Environment::from_process`]) plus the `.env` file next to it for interpolation.
    pub fn load(path: &Path, environment: &Environment) -> Result<Config, ConfigError> {
        load::load(path, environment)
    }

    /// The configuration to use: `explicit` (from `--config`, relative to `current_dir`) if
    /// given, which must exist; else `retort.toml` in `current_dir` or its nearest parent;
    /// `None` if there is none.
    pub fn discover(
        explicit: Option<&Path>,
        current_dir: &Path,
        environment: &Environment,
    ) -> Result<Option<Config>, ConfigError> {
        let path = match explicit {
            Some(path) => current_dir.join(path),
            None => match find_config(current_dir) {
                Some(found) => found,
                None => return Ok(None),
            },
        };
        Config::load(&path, environment).map(Some)
    }

    /// The names of the `[env.NAME]` sections, sorted.
    pub fn environment_names(&self) -> impl Iterator<Item = &str> {
        self.environments.keys().map(String::as_str)
    }

    /// The database URL, by precedence: `cli_url` (`--url`) > the `[env.NAME]` section
    /// selected by `env_name` (`--env`) > `[database] url` > `DATABASE_URL` (from the
    /// process or `.env`). An unknown `env_name` is an error even when `cli_url` wins.
    pub fn select_url(
        &self,
        cli_url: Option<&str>,
        env_name: Option<&str>,
    ) -> Result<SelectedUrl, ConfigError> {
        select::select(Some(self), &self.environment, cli_url, env_name)
    }
}
