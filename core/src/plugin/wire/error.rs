//! Errors crossing the boundary, as wire types of their own: the host rebuilds the same
//! core error (and so the same message) from them, and renaming a field of a core error
//! type never changes the ABI.

use crate::dialect::{BatchError, DbError, DbErrorCategory, DialectError};
use serde::{Deserialize, Serialize};

/// An error crossing the boundary, its kind kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireError {
    /// A [`DbError`].
    Db(WireDbError),
    /// A [`DialectError`].
    Dialect(WireDialectError),
    /// The plugin no longer holds the schema copy a render request updates: send it whole.
    CacheMiss,
    /// A failure of the plugin machinery itself (bad input, a panic, poisoning).
    Plugin {
        /// What went wrong.
        message: String,
    },
}

/// [`DbError`] on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireDbError {
    /// [`DbError::message`].
    pub message: String,
    /// [`DbError::sqlstate`].
    pub sqlstate: Option<String>,
    /// [`DbError::lock_timeout`].
    pub lock_timeout: bool,
    /// [`DbError::category`].
    pub category: WireDbErrorCategory,
}

/// [`DbErrorCategory`] on the wire; a category the host does not know reads as `other`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // Each variant is the same-named one of `DbErrorCategory`.
pub enum WireDbErrorCategory {
    LockWait,
    StatementTimeout,
    ConnectionLost,
    #[default]
    #[serde(other)]
    Other,
}

/// [`DialectError`] on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireDialectError {
    /// [`DialectError::dialect`].
    pub dialect: String,
    /// [`DialectError::what`].
    pub what: String,
    /// [`DialectError::reason`].
    pub reason: String,
}

/// [`BatchError`] on the wire: what `execute_transaction` answers when it fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum WireBatchError {
    /// [`BatchError::Begin`].
    Begin {
        /// The database's error.
        error: WireDbError,
    },
    /// [`BatchError::Statement`].
    Statement {
        /// The failing statement's index.
        index: usize,
        /// The database's error.
        error: WireDbError,
    },
    /// [`BatchError::Commit`].
    Commit {
        /// The database's error.
        error: WireDbError,
    },
}

impl WireError {
    /// A plugin-machinery error.
    pub fn plugin(message: impl Into<String>) -> Self {
        WireError::Plugin {
            message: message.into(),
        }
    }

    /// As a [`DbError`] (dialect errors keep their message).
    pub fn into_db_error(self) -> DbError {
        match self {
            WireError::Db(error) => DbError::from(error),
            WireError::Dialect(error) => DbError::new(DialectError::from(error).to_string()),
            WireError::Plugin { message } => DbError::new(message),
            WireError::CacheMiss => DbError::new("the plugin lost its copy of the schema"),
        }
    }

    /// As a [`DialectError`] of `dialect` about `what` (what was asked, for the errors
    /// of the plugin machinery, which do not say).
    pub fn into_dialect_error(self, dialect: &str, what: &str) -> DialectError {
        let through_plugin = |reason: String| DialectError::new(dialect, what, reason);
        match self {
            WireError::Dialect(error) => DialectError::from(error),
            WireError::Db(error) => through_plugin(DbError::from(error).to_string()),
            WireError::Plugin { message } => through_plugin(message),
            WireError::CacheMiss => {
                through_plugin(String::from("the plugin lost its copy of the schema"))
            }
        }
    }
}

impl From<DbError> for WireError {
    fn from(error: DbError) -> Self {
        WireError::Db(WireDbError::from(&error))
    }
}

impl From<DialectError> for WireError {
    fn from(error: DialectError) -> Self {
        WireError::Dialect(WireDialectError {
            dialect: error.dialect,
            what: error.what,
            reason: error.reason,
        })
    }
}

impl From<&DbError> for WireDbError {
    fn from(error: &DbError) -> Self {
        WireDbError {
            message: error.message.clone(),
            sqlstate: error.sqlstate.clone(),
            lock_timeout: error.lock_timeout,
            category: match error.category {
                DbErrorCategory::LockWait => WireDbErrorCategory::LockWait,
                DbErrorCategory::StatementTimeout => WireDbErrorCategory::StatementTimeout,
                DbErrorCategory::ConnectionLost => WireDbErrorCategory::ConnectionLost,
                _ => WireDbErrorCategory::Other,
            },
        }
    }
}

impl From<WireDbError> for DbError {
    fn from(error: WireDbError) -> Self {
        let mut db = DbError::new(error.message).categorized(match error.category {
            WireDbErrorCategory::Other => DbErrorCategory::Other,
            WireDbErrorCategory::LockWait => DbErrorCategory::LockWait,
            WireDbErrorCategory::StatementTimeout => DbErrorCategory::StatementTimeout,
            WireDbErrorCategory::ConnectionLost => DbErrorCategory::ConnectionLost,
        });
        db.sqlstate = error.sqlstate;
        db.lock_timeout = error.lock_timeout;
        db
    }
}

impl From<WireDialectError> for DialectError {
    fn from(error: WireDialectError) -> Self {
        DialectError::new(&error.dialect, error.what, error.reason)
    }
}

impl From<&BatchError> for WireBatchError {
    fn from(error: &BatchError) -> Self {
        match error {
            BatchError::Begin(error) => WireBatchError::Begin {
                error: error.into(),
            },
            BatchError::Statement { index, error } => WireBatchError::Statement {
                index: *index,
                error: error.into(),
            },
            BatchError::Commit(error) => WireBatchError::Commit {
                error: error.into(),
            },
        }
    }
}

impl From<WireBatchError> for BatchError {
    fn from(error: WireBatchError) -> Self {
        match error {
            WireBatchError::Begin { error } => BatchError::Begin(error.into()),
            WireBatchError::Statement { index, error } => BatchError::Statement {
                index,
                error: error.into(),
            },
            WireBatchError::Commit { error } => BatchError::Commit(error.into()),
        }
    }
}
