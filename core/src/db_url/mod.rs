//! Database URLs: parsing the `sqlite`, `postgres` and `mysql` schemes, and redaction.
//!
//! Accepted forms (SPEC 2):
//!
//! - `sqlite://relative.db`, `sqlite:///abs/path.db`, `sqlite::memory:` (also
//!   `sqlite://:memory:` and `sqlite:relative.db`); a `?key=value` query is kept;
//! - `postgres://` or `postgresql://user:pass@host:5432/db?sslmode=require`;
//! - `mysql://` or `mariadb://user:pass@host:3306/db`;
//! - any other `scheme://...`, kept whole for the dialect plugin that registers `scheme`.
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

pub use redact::redact_url;

/// The canonical dialect name of the SQLite family.
pub const SQLITE: &str = "sqlite";
/// The canonical dialect name of the PostgreSQL family.
pub const POSTGRES: &str = "postgres";
/// The canonical dialect name of the MySQL/MariaDB family.
pub const MYSQL: &str = "mysql";

/// Where a SQLite database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteLocation {
    /// A private in-memory database (`sqlite::memory:`).
    Memory,
    /// A database file; relative unless resolved with [`DatabaseUrl::parse_relative_to`].
    File(PathBuf),
}

/// A parsed database URL. Prints redacted; see the [module docs](self).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    scheme: String,
    target: Target,
}

/// What the URL names, by family.
#[derive(Clone, PartialEq, Eq)]
enum Target {
    Sqlite {
        location: SqliteLocation,
        params: Vec<(String, String)>,
    },
    Server(ServerParts),
    /// A scheme no built-in dialect knows: everything after `scheme://`.
    Other {
        rest: String,
    },
}

/// The parts of a `postgres://` or `mysql://` URL, percent-decoded.
#[derive(Clone, PartialEq, Eq)]
struct ServerParts {
    user: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
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
    /// No `scheme://` in front.
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
    /// A `sqlite` URL that names no file.
    #[error("database URL `{url}` names no SQLite file: expected `sqlite://relative.db`, `sqlite:///abs/path.db` or `sqlite::memory:`")]
    MissingSqlitePath {
        /// The URL, redacted.
        url: String,
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
    /// Parses `url`; a relative SQLite path stays relative (to the process's directory).
    pub fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
        parse::parse(url)
    }

    /// Parses `url`, resolving a relative SQLite path against `base_dir` (the directory of
    /// the configuration file the URL came from).
    pub fn parse_relative_to(url: &str, base_dir: &Path) -> Result<DatabaseUrl, UrlError> {
        let mut parsed = parse::parse(url)?;
        if let Target::Sqlite {
            location: SqliteLocation::File(path),
            ..
        } = &mut parsed.target
        {
            *path = base_dir.join(&*path);
        }
        Ok(parsed)
    }

    /// The scheme as written, lower-cased (`postgresql`, `mariadb`, `duckdb`, ...).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The built-in family: [`SQLITE`], [`POSTGRES`] or [`MYSQL`]; `None` for other schemes.
    pub fn dialect(&self) -> Option<&'static str> {
        parse::builtin_dialect(&self.scheme)
    }

    /// For a `sqlite` URL, where the database lives.
    pub fn sqlite_location(&self) -> Option<&SqliteLocation> {
        match &self.target {
            Target::Sqlite { location, .. } => Some(location),
            _ => None,
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

    /// The port as written.
    pub fn port(&self) -> Option<u16> {
        self.server().and_then(|s| s.port)
    }

    /// The port as written, else the family's default (5432 for PostgreSQL, 3306 for MySQL).
    pub fn port_or_default(&self) -> Option<u16> {
        self.port().or(match self.dialect() {
            Some(POSTGRES) => Some(5432),
            Some(MYSQL) => Some(3306),
            _ => None,
        })
    }

    /// The database name (the path without its leading `/`), percent-decoded.
    pub fn database(&self) -> Option<&str> {
        self.server().and_then(|s| s.database.as_deref())
    }

    /// The query parameters, percent-decoded, in order. May hold secrets (`password=`).
    pub fn query_params(&self) -> &[(String, String)] {
        match &self.target {
            Target::Sqlite { params, .. } => params,
            Target::Server(server) => &server.params,
            Target::Other { .. } => &[],
        }
    }

    /// The value of the first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query_params()
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// For a scheme no built-in dialect knows: everything after `scheme://`, unredacted.
    pub fn expose_secret_rest(&self) -> Option<&str> {
        match &self.target {
            Target::Other { rest } => Some(rest),
            _ => None,
        }
    }

    /// The URL with its secrets masked (see [`redact_url`]); what `Display` prints.
    pub fn redacted(&self) -> String {
        redact_url(&self.raw)
    }

    /// The URL exactly as given, password included: only for handing to a database client.
    pub fn expose_secret_str(&self) -> &str {
        &self.raw
    }

    fn server(&self) -> Option<&ServerParts> {
        match &self.target {
            Target::Server(server) => Some(server),
            _ => None,
        }
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

impl DatabaseUrl {
    /// The same URL with its SQLite file replaced by `path` (a path resolved elsewhere, e.g.
    /// on the other side of the plugin boundary). Other URLs are returned unchanged.
    pub(crate) fn with_sqlite_file(mut self, path: PathBuf) -> DatabaseUrl {
        if let Target::Sqlite { location, .. } = &mut self.target {
            *location = SqliteLocation::File(path);
        }
        self
    }
}
