//! The dialects a run can use: the built-in drivers of this build, and the plugins named
//! with `--plugin` and `[plugins] paths`. No dialect overrides another: two claiming one
//! URL scheme is an error that names both.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use retort_core::config::Config;
use retort_core::Dialect;
use std::path::{Path, PathBuf};

/// Where a dialect came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// Linked into this binary.
    Builtin,
    /// Loaded from this shared library.
    Plugin(PathBuf),
}

impl Source {
    /// `builtin`, or the library's path (as in `retort dialects`).
    pub(crate) fn label(&self) -> String {
        match self {
            Source::Builtin => String::from("builtin"),
            Source::Plugin(path) => path.display().to_string(),
        }
    }

    fn describe(&self, dialect: &str) -> String {
        match self {
            Source::Builtin => format!("the built-in {dialect} dialect"),
            Source::Plugin(path) => format!("the {dialect} plugin {}", path.display()),
        }
    }
}

/// One available dialect.
#[derive(Debug)]
pub(crate) struct Registered {
    pub(crate) dialect: Box<dyn Dialect>,
    pub(crate) source: Source,
}

/// Every available dialect, in load order: built-ins first.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) entries: Vec<Registered>,
}

/// The dialects linked into this binary (cargo features `sqlite`, ...).
// One push per enabled driver feature; with none enabled the vector stays empty.
#[allow(unused_mut, clippy::vec_init_then_push)]
fn builtin_dialects() -> Vec<Box<dyn Dialect>> {
    let mut dialects: Vec<Box<dyn Dialect>> = Vec::new();
    #[cfg(feature = "sqlite")]
    dialects.push(Box::new(retort_sqlite::SqliteDialect::new()));
    #[cfg(feature = "postgres")]
    dialects.push(Box::new(retort_postgres::PostgresDialect::new()));
    #[cfg(feature = "mysql")]
    dialects.push(Box::new(retort_mysql::MysqlDialect::new()));
    dialects
}

impl Registry {
    /// The built-ins, then `--plugin` paths (relative to the current directory), then the
    /// configuration's `[plugins] paths` (already resolved against its directory).
    pub(crate) fn load(global: &GlobalArgs, config: Option<&Config>) -> CliResult<Registry> {
        let mut registry = Registry::default();
        for dialect in builtin_dialects() {
            registry.add(dialect, Source::Builtin)?;
        }
        let configured = config.map(|c| c.plugins.paths.as_slice()).unwrap_or(&[]);
        for path in global.plugin.iter().chain(configured) {
            registry.add_plugin(path)?;
        }
        Ok(registry)
    }

    /// Loads the plugin at `path` and adds it; the same file named twice is loaded once.
    pub(crate) fn add_plugin(&mut self, path: &Path) -> CliResult<()> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self
            .entries
            .iter()
            .any(|entry| entry.source == Source::Plugin(canonical.clone()))
        {
            return Ok(());
        }
        let dialect = retort_core::plugin::load(path).map_err(CliError::input)?;
        self.add(Box::new(dialect), Source::Plugin(canonical))
    }

    fn add(&mut self, dialect: Box<dyn Dialect>, source: Source) -> CliResult<()> {
        for scheme in dialect.url_schemes() {
            if let Some(other) = self.serving(&scheme) {
                return Err(CliError::input(format!(
                    "the URL scheme `{scheme}` is claimed by both {} and {}: \
                     load only one of them (a plugin cannot replace a built-in driver; \
                     use a `retort` built without that driver)",
                    other.source.describe(other.dialect.name()),
                    source.describe(dialect.name())
                )));
            }
        }
        self.entries.push(Registered { dialect, source });
        Ok(())
    }

    fn serving(&self, scheme: &str) -> Option<&Registered> {
        self.entries
            .iter()
            .find(|entry| entry.dialect.url_schemes().iter().any(|s| s == scheme))
    }

    /// The dialect serving `scheme`, taken out of the registry.
    pub(crate) fn take(mut self, scheme: &str) -> Option<Box<dyn Dialect>> {
        let index = self
            .entries
            .iter()
            .position(|entry| entry.dialect.url_schemes().iter().any(|s| s == scheme))?;
        Some(self.entries.swap_remove(index).dialect)
    }

    /// Every scheme served, for messages.
    pub(crate) fn schemes(&self) -> Vec<String> {
        self.entries
            .iter()
            .flat_map(|entry| entry.dialect.url_schemes())
            .collect()
    }
}
