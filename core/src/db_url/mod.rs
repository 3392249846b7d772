//! Database URLs: parsing, for any scheme, and redaction.
//!
//! Core knows no scheme. Every URL is read in the two forms a dialect can use, and the
//! dialect serving the scheme says which applies ([`UrlForm::of`] its capabilities):
//!
//! - [`UrlForm::Server`]: `scheme://user:password@host:port/database?key=value`, every
//!   part optional and percent-decoded (`postgres://app:pw@db:5432/prod?sslmode=require`,
//!   `mysql://root@localhost/app`, a plugin's `duckdb://...`);
//! - [`UrlForm::LocalFile`]: a database file, relative to the configuration's directory
//!   unless absolute, or a private in-memory database: `sqlite://relative.db`,
//!   `sqlite:///abs/path.db`, `sqlite:relative.db`, `sqlite::memory:` (also
//!   `sqlite://:memory:`), with an optional `?key=value` query; the path is percent-decoded.
//!
//! [`DatabaseUrl::parse`] refuses only what is no URL at all (empty, no scheme); whether
//! the text fits the dialect's form is [`DatabaseUrl::check`] (or
//! [`DatabaseUrl::parse_as`] in one step), which the host runs once it knows the dialect.
//!
//! A [`DatabaseUrl`] prints redacted (`postgres://app:***@db/prod`) through `Display` and
//! `Debug`; the string with its password is reachable only through
//! [`DatabaseUrl::expose_secret_str`].

mod parse;
mod redact;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::dialect::Capabilities;

pub use redact::redact_url;

/// How a dialect's URLs name its database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UrlForm {
    /// `scheme://user:password@host:port/database?key=value`.
    Server,
    /// A database file (or `:memory:`) on this machine: `scheme://path`, `scheme:path`.
    LocalFile,
}

impl UrlForm {
    /// The form of the URLs of a dialect with these capabilities
    /// ([`Capabilities::local_file_database`]).
    pub fn of(capabilities: &Capabilities) -> UrlForm {
        if capabilities.local_file_database {
            UrlForm::LocalFile
        } else {
            UrlForm::Server
        }
    }
}

/// Where a local-file database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileLocation {
    /// A private in-memory database (`scheme::memory:`).
    Memory,
    /// A database file; relative unless resolved with [`DatabaseUrl::parse_relative_to`].
    File(PathBuf),
}

/// A parsed database URL. Prints redacted; see the [module docs](self).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    scheme: String,
    /// The directory a relative file path was resolved against, if any.
    base_dir: Option<PathBuf>,
    /// The URL read as [`UrlForm::Server`], or why it is not one.
    server: Result<ServerParts, UrlError>,
    /// The URL read as [`UrlForm::LocalFile`], or why it is not one.
    local: Result<LocalFile, UrlError>,
}

/// The parts of a `scheme://` URL, percent-decoded.
#[derive(Clone, PartialEq, Eq)]
struct ServerParts {
    user: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    params: Vec<(String, String)>,
}

/// A URL read as naming a local database file.
#[derive(Clone, PartialEq, Eq)]
struct LocalFile {
    location: FileLocation,
    params: Vec<(String, String)>,
}

/// A database URL that could not be parsed. Messages carry the URL only redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL is empty (or only whitespace).
    #[error(
        "the database URL is empty: expected e.g. `sqlite://app.db` or `postgres://user@host/db`"
    )]
    Empty,
    /// No `scheme:` in front.
    #[error("database URL `{url}` has no scheme: expected it to start with e.g. `sqlite://`, `postgres://` or `mysql://`")]
    MissingScheme {
        /// The URL, redacted.
        url: String,
    },
    /// The port is not a number from 0 to 65535.
    #[error(
        "database URL `{url}` has an invalid port: expected a number from 0 to 65535 after `host:`"
    )]
    InvalidPort {
        /// The URL, redacted.
        url: String,
    },
    /// A URL of a local-file dialect that names no file.
    #[error("database URL `{url}` names no database file: expected `{scheme}://relative.db`, `{scheme}:///abs/path.db` or `{scheme}::memory:`")]
    MissingFilePath {
        /// The URL, redacted.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// Any other malformation.
    #[error("database URL `{url}` is invalid: {reason}")]
    Invalid {
        /// The URL, redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl DatabaseUrl {
    /// Parses `url`; a relative file path stays relative (to the process's directory).
    ///
    /// # Errors
    ///
    /// An empty URL, or one without a scheme. Whether it fits its dialect's form is
    /// [`DatabaseUrl::check`].
    pub fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
        parse::parse(url, None)
    }

    /// Parses `url`, resolving a relative file path against `base_dir` (the directory of
    /// the configuration file the URL came from).
    ///
    /// # Errors
    ///
    /// As [`DatabaseUrl::parse`].
    pub fn parse_relative_to(url: &str, base_dir: &Path) -> Result<DatabaseUrl, UrlError> {
        parse::parse(url, Some(base_dir))
    }

    /// Parses `url` and checks that it is of `form` ([`DatabaseUrl::parse`], then
    /// [`DatabaseUrl::check`]).
    ///
    /// # Errors
    ///
    /// What either reports.
    pub fn parse_as(url: &str, form: UrlForm) -> Result<DatabaseUrl, UrlError> {
        let parsed = DatabaseUrl::parse(url)?;
        parsed.check(form)?;
        Ok(parsed)
    }

    /// Whether the URL is of `form`.
    ///
    /// # Errors
    ///
    /// What is wrong with it as such a URL: a server URL without `//`, with an invalid
    /// port, a malformed percent-escape or undecodable part; a local-file URL naming no
    /// file.
    pub fn check(&self, form: UrlForm) -> Result<(), UrlError> {
        match form {
            UrlForm::Server => self.server.as_ref().map(|_| ()).map_err(Clone::clone),
            UrlForm::LocalFile => self.local.as_ref().map(|_| ()).map_err(Clone::clone),
        }
    }

    /// The scheme as written, lower-cased (`postgresql`, `mariadb`, `duckdb`, ...).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The directory a relative file path was resolved against, if one was given.
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// Read as [`UrlForm::LocalFile`]: where the database lives (a relative path resolved
    /// against the base directory).
    ///
    /// # Errors
    ///
    /// The URL names no file ([`UrlError::MissingFilePath`]).
    pub fn local_file(&self) -> Result<&FileLocation, UrlError> {
        match &self.local {
            Ok(local) => Ok(&local.location),
            Err(error) => Err(error.clone()),
        }
    }

    /// The user name, percent-decoded, when one is given.
    pub fn user(&self) -> Option<&str> {
        self.server().and_then(|s| s.user.as_deref())
    }

    /// The password, percent-decoded. Never print it.
    pub fn expose_password(&self) -> Option<&str> {
        self.server().and_then(|s| s.password.as_deref())
    }

    /// The host (IPv6 addresses without brackets; a percent-encoded socket directory decoded).
    pub fn host(&self) -> Option<&str> {
        self.server().and_then(|s| s.host.as_deref())
    }

    /// The port as written; the dialect knows its default.
    pub fn port(&self) -> Option<u16> {
        self.server().and_then(|s| s.port)
    }

    /// The database name (the path without its leading `/`), percent-decoded.
    pub fn database(&self) -> Option<&str> {
        self.server().and_then(|s| s.database.as_deref())
    }

    /// The query parameters, percent-decoded, in order. May hold secrets (`password=`).
    pub fn query_params(&self) -> &[(String, String)] {
        match (&self.server, &self.local) {
            (Ok(server), _) => &server.params,
            (_, Ok(local)) => &local.params,
            _ => &[],
        }
    }

    /// The value of the first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query_params()
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The URL with its secrets masked (see [`redact_url`]); what `Display` prints.
    pub fn redacted(&self) -> String {
        redact_url(&self.raw)
    }

    /// The same server URL naming the database `name` instead, credentials, host and
    /// query parameters kept: where `retort test` creates its scratch databases.
    ///
    /// # Errors
    ///
    /// The URL is not a server URL ([`UrlForm::Server`]).
    pub fn with_database(&self, name: &str) -> Result<DatabaseUrl, UrlError> {
        self.check(UrlForm::Server)?;
        let (head, query) = match self.raw.split_once('?') {
            Some((head, query)) => (head, format!("?{query}")),
            None => (self.raw.as_str(), String::new()),
        };
        let authority_start = head.find("://").map_or(0, |start| start + 3);
        let authority_end = head[authority_start..]
            .find('/')
            .map_or(head.len(), |i| authority_start + i);
        let raw = format!("{}/{name}{query}", &head[..authority_end]);
        parse::parse(&raw, self.base_dir.as_deref())
    }

    /// The URL exactly as given, password included: only for handing to a database client.
    pub fn expose_secret_str(&self) -> &str {
        &self.raw
    }

    fn server(&self) -> Option<&ServerParts> {
        self.server.as_ref().ok()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        DatabaseUrl::parse(url)
    }
}
