//! The dialects a program can use: those it links in and the plugins it loads, found by
//! name or URL scheme.
//!
//! The CLI fills one with its built-in drivers, then the plugins named with `--plugin` and
//! `[plugins] paths`; a library user fills one with the drivers it links. No dialect
//! overrides another: two claiming one URL scheme is an error that names both. The
//! registry also gives the SQL syntax of every dialect it holds
//! ([`DialectRegistry::syntaxes`]), with which SQL revisions naming a dialect are read and
//! checksummed.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::db_url::DatabaseUrl;
use crate::dialect::Dialect;
use crate::plugin::PluginError;
use crate::sql::DialectSyntaxes;

/// Where a dialect came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DialectSource {
    /// Linked into the program.
    Builtin,
    /// Loaded from this shared library (its canonical path).
    Plugin(PathBuf),
}

impl DialectSource {
    /// `builtin`, or the library's path (as `retort dialects` lists it).
    pub fn label(&self) -> String {
        match self {
            DialectSource::Builtin => String::from("builtin"),
            DialectSource::Plugin(path) => path.display().to_string(),
        }
    }

    fn describe(&self, dialect: &str) -> String {
        match self {
            DialectSource::Builtin => format!("the built-in {dialect} dialect"),
            DialectSource::Plugin(path) => format!("the {dialect} plugin {}", path.display()),
        }
    }
}

/// One available dialect and where it came from.
#[derive(Debug)]
pub struct RegisteredDialect {
    dialect: Box<dyn Dialect>,
    source: DialectSource,
}

impl RegisteredDialect {
    /// The dialect.
    pub fn dialect(&self) -> &dyn Dialect {
        self.dialect.as_ref()
    }

    /// Where it came from.
    pub fn source(&self) -> &DialectSource {
        &self.source
    }

    fn serves(&self, scheme: &str) -> bool {
        self.dialect
            .url_schemes()
            .iter()
            .any(|served| served.eq_ignore_ascii_case(scheme))
    }
}

/// Why a dialect could not be added or found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two dialects claim one URL scheme.
    #[error(
        "the URL scheme `{scheme}` is claimed by both {first} and {second}: load only one of \
         them (a plugin cannot replace a built-in driver; use a build without that driver)"
    )]
    SchemeClaimedTwice {
        /// The scheme.
        scheme: String,
        /// The dialect that claimed it first, described.
        first: String,
        /// The dialect that claimed it again, described.
        second: String,
    },
    /// A plugin could not be loaded.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// No dialect serves a URL's scheme.
    #[error("no dialect serves the URL scheme `{scheme}` (in {url}); known schemes: {}", known_schemes(.known))]
    UnknownScheme {
        /// The scheme.
        scheme: String,
        /// The URL, redacted.
        url: String,
        /// The schemes that are served.
        known: Vec<String>,
    },
}

fn known_schemes(known: &[String]) -> String {
    if known.is_empty() {
        String::from("none in this build: load a dialect plugin with --plugin or [plugins] paths")
    } else {
        known.join(", ")
    }
}

/// Every available dialect, in the order added (built-ins first, by convention).
#[derive(Default)]
pub struct DialectRegistry {
    entries: Vec<RegisteredDialect>,
}

impl fmt::Debug for DialectRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|entry| entry.dialect.name()))
            .finish()
    }
}

impl DialectRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        DialectRegistry::default()
    }

    /// Adds a dialect linked into the program.
    ///
    /// # Errors
    ///
    /// [`RegistryError::SchemeClaimedTwice`] when a dialect already added serves one of its
    /// URL schemes.
    pub fn add_builtin(&mut self, dialect: Box<dyn Dialect>) -> Result<(), RegistryError> {
        self.add(dialect, DialectSource::Builtin)
    }

    /// Loads the plugin at `path` and adds it; the same file named twice is loaded once.
    ///
    /// # Errors
    ///
    /// A plugin that cannot be loaded, and [`RegistryError::SchemeClaimedTwice`].
    pub fn add_plugin(&mut self, path: &Path) -> Result<(), RegistryError> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let source = DialectSource::Plugin(canonical);
        if self.entries.iter().any(|entry| entry.source == source) {
            return Ok(());
        }
        let dialect = crate::plugin::load(path)?;
        self.add(Box::new(dialect), source)
    }

    /// Adds `dialect`, which came from `source`.
    ///
    /// # Errors
    ///
    /// [`RegistryError::SchemeClaimedTwice`] when a dialect already added serves one of its
    /// URL schemes.
    pub fn add(
        &mut self,
        dialect: Box<dyn Dialect>,
        source: DialectSource,
    ) -> Result<(), RegistryError> {
        for scheme in dialect.url_schemes() {
            if let Some(other) = self.entries.iter().find(|entry| entry.serves(&scheme)) {
                return Err(RegistryError::SchemeClaimedTwice {
                    first: other.source.describe(other.dialect.name()),
                    second: source.describe(dialect.name()),
                    scheme,
                });
            }
        }
        self.entries.push(RegisteredDialect { dialect, source });
        Ok(())
    }

    /// Every dialect, in the order added.
    pub fn entries(&self) -> &[RegisteredDialect] {
        &self.entries
    }

    /// The dialect serving the URL scheme `scheme` (ignoring ASCII case).
    pub fn by_scheme(&self, scheme: &str) -> Option<&dyn Dialect> {
        self.entries
            .iter()
            .find(|entry| entry.serves(scheme))
            .map(RegisteredDialect::dialect)
    }

    /// The dialect called `name`, or else serving a URL scheme `name` (so `postgresql`
    /// finds the dialect called `postgres` that serves it); ignoring ASCII case.
    pub fn by_name(&self, name: &str) -> Option<&dyn Dialect> {
        self.entries
            .iter()
            .find(|entry| entry.dialect.name().eq_ignore_ascii_case(name))
            .map(RegisteredDialect::dialect)
            .or_else(|| self.by_scheme(name))
    }

    /// The dialect serving `url`'s scheme.
    ///
    /// # Errors
    ///
    /// [`RegistryError::UnknownScheme`], listing the schemes served.
    pub fn for_url(&self, url: &DatabaseUrl) -> Result<&dyn Dialect, RegistryError> {
        self.by_scheme(url.scheme())
            .ok_or_else(|| self.unknown_scheme(url))
    }

    /// The dialect serving `url`'s scheme, taken out of the registry.
    ///
    /// # Errors
    ///
    /// [`RegistryError::UnknownScheme`], listing the schemes served.
    pub fn take_for_url(mut self, url: &DatabaseUrl) -> Result<Box<dyn Dialect>, RegistryError> {
        match self
            .entries
            .iter()
            .position(|entry| entry.serves(url.scheme()))
        {
            Some(index) => Ok(self.entries.swap_remove(index).dialect),
            None => Err(self.unknown_scheme(url)),
        }
    }

    fn unknown_scheme(&self, url: &DatabaseUrl) -> RegistryError {
        RegistryError::UnknownScheme {
            scheme: url.scheme().to_string(),
            url: url.redacted(),
            known: self.schemes(),
        }
    }

    /// Every scheme served, in the order the dialects were added.
    pub fn schemes(&self) -> Vec<String> {
        self.entries
            .iter()
            .flat_map(|entry| entry.dialect.url_schemes())
            .collect()
    }

    /// The SQL syntax of every dialect, under its name and URL schemes: what SQL revisions
    /// naming one of them are read and checksummed with.
    pub fn syntaxes(&self) -> DialectSyntaxes {
        syntaxes_of(self.entries.iter().map(RegisteredDialect::dialect))
    }
}

/// The SQL syntax of each of `dialects`, under its name and URL schemes.
pub fn syntaxes_of<'a>(dialects: impl IntoIterator<Item = &'a dyn Dialect>) -> DialectSyntaxes {
    let mut syntaxes = DialectSyntaxes::new();
    for dialect in dialects {
        let syntax = dialect.syntax();
        syntaxes.add([dialect.name().to_string()], syntax);
        syntaxes.add(dialect.url_schemes(), syntax);
    }
    syntaxes
}
