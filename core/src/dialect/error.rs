//! Errors of dialects (rendering) and connections (the database).

use serde::{Deserialize, Serialize};

/// An operation this dialect cannot render, or cannot render as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{dialect} cannot {what}: {reason}")]
pub struct DialectError {
    /// The dialect's name.
    pub dialect: String,
    /// What was asked, e.g. "create the partial index `ix_active`".
    pub what: String,
    /// Why not, and what to do instead.
    pub reason: String,
}

impl DialectError {
    /// An error of `dialect` about `what`, because of `reason`.
    pub fn new(dialect: &str, what: impl Into<String>, reason: impl Into<String>) -> Self {
        DialectError {
            dialect: dialect.to_string(),
            what: what.into(),
            reason: reason.into(),
        }
    }
}

/// A failure reported by the database or on the way to it. The message never holds a
/// password: drivers build it from redacted URLs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}{}", sqlstate.as_ref().map(|s| format!(" (SQLSTATE {s})")).unwrap_or_default())]
pub struct DbError {
    /// What failed and the database's own message.
    pub message: String,
    /// The SQLSTATE code, where the database gives one.
    pub sqlstate: Option<String>,
    /// The lock could not be had in time (exit 1, with its own message).
    #[serde(default)]
    pub lock_timeout: bool,
    /// What kind of failure it was, where the driver can tell (absent from older plugins:
    /// [`DbErrorCategory::Other`]).
    #[serde(default)]
    pub category: DbErrorCategory,
}

/// What kind of failure a [`DbError`] is, for the failures retort reports in their own
/// words. Drivers classify their client's and server's errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DbErrorCategory {
    /// Anything else: the database refused, or the driver could not tell.
    #[default]
    Other,
    /// A statement waited longer than its lock wait limit for a lock held by another
    /// session (PostgreSQL `lock_timeout`, MySQL error 1205).
    LockWait,
    /// A statement ran longer than its statement timeout.
    StatementTimeout,
    /// The connection was lost (closed, reset, or the server ended the session): what the
    /// statement did, a `COMMIT` included, is unknown to the client.
    ConnectionLost,
}

impl DbError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            sqlstate: None,
            lock_timeout: false,
            category: DbErrorCategory::Other,
        }
    }

    /// An error with a message and the database's SQLSTATE.
    pub fn with_sqlstate(message: impl Into<String>, sqlstate: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            sqlstate: Some(sqlstate.into()),
            lock_timeout: false,
            category: DbErrorCategory::Other,
        }
    }

    /// The migration lock was not granted within the timeout.
    pub fn lock_timeout(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            sqlstate: None,
            lock_timeout: true,
            category: DbErrorCategory::Other,
        }
    }

    /// The same error, of `category`.
    pub fn categorized(mut self, category: DbErrorCategory) -> Self {
        self.category = category;
        self
    }

    /// Something this dialect does not support.
    pub fn unsupported(dialect: &str, what: &str) -> Self {
        DbError::new(format!("the {dialect} dialect does not support {what}"))
    }
}
