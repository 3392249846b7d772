//! The JSON documents that cross the plugin ABI, and their conversions from and to the
//! types of [`crate::dialect`].

use crate::db_url::DatabaseUrl;
use crate::dialect::RenderMode;
use crate::dialect::{Capabilities, DbError, DialectError, Statement};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What `describe` returns: everything about a dialect that does not change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Description {
    /// [`crate::Dialect::name`].
    pub name: String,
    /// [`crate::Dialect::url_schemes`].
    pub schemes: Vec<String>,
    /// [`crate::Dialect::version`].
    pub version: String,
    /// [`crate::Dialect::capabilities`].
    pub capabilities: Capabilities,
    /// [`crate::Dialect::script_prologue`].
    pub script_prologue: Vec<String>,
    /// [`crate::Dialect::script_commit_checks`] (absent from older plugins: none).
    #[serde(default)]
    pub script_commit_checks: Vec<String>,
    /// The version of retort-core the plugin was built with: the host sends schemas as
    /// changes only to a plugin whose schema model is its own.
    #[serde(default)]
    pub core_version: String,
}

/// An error crossing the boundary, its kind kept so that the host rebuilds the same error
/// (and so the same message).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireError {
    /// A [`DbError`].
    Db(DbError),
    /// A [`DialectError`].
    Dialect(DialectError),
    /// The plugin no longer holds the schema a render request refers to: send it whole.
    CacheMiss,
    /// A failure of the plugin machinery itself (bad input, a panic, poisoning).
    Plugin {
        /// What went wrong.
        message: String,
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
            WireError::Db(error) => error,
            WireError::Dialect(error) => DbError::new(error.to_string()),
            WireError::Plugin { message } => DbError::new(message),
            WireError::CacheMiss => DbError::new("the plugin lost its cached schema"),
        }
    }

    /// As a [`DialectError`] of `dialect`.
    pub fn into_dialect_error(self, dialect: &str) -> DialectError {
        match self {
            WireError::Dialect(error) => error,
            WireError::Db(error) => {
                DialectError::new(dialect, "render through its plugin", error.to_string())
            }
            WireError::Plugin { message } => {
                DialectError::new(dialect, "render through its plugin", message)
            }
            WireError::CacheMiss => DialectError::new(
                dialect,
                "render through its plugin",
                "the plugin lost its cached schema",
            ),
        }
    }
}

impl From<DbError> for WireError {
    fn from(error: DbError) -> Self {
        WireError::Db(error)
    }
}

impl From<DialectError> for WireError {
    fn from(error: DialectError) -> Self {
        WireError::Dialect(error)
    }
}

/// A [`Value`] with an explicit tag, so that NULL and date-times survive JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum WireValue {
    /// NULL.
    Null,
    /// Text.
    String(String),
    /// An integer.
    Integer(i64),
    /// A float; non-finite floats travel as text.
    Float(f64),
    /// A non-finite float (`NaN`, `inf`, `-inf`), which JSON cannot hold.
    FloatText(String),
    /// A boolean.
    Boolean(bool),
    /// A date-time in its RFC 3339 spelling.
    DateTime(String),
    /// Bytes.
    Bytes(Vec<u8>),
}

impl From<&Value> for WireValue {
    fn from(value: &Value) -> Self {
        match value {
            Value::Null => WireValue::Null,
            Value::String(s) => WireValue::String(s.clone()),
            Value::Integer(i) => WireValue::Integer(*i),
            Value::Float(x) if x.is_finite() => WireValue::Float(*x),
            Value::Float(x) => WireValue::FloatText(x.to_string()),
            Value::Boolean(b) => WireValue::Boolean(*b),
            Value::DateTime(s) => WireValue::DateTime(s.clone()),
            Value::Bytes(b) => WireValue::Bytes(b.clone()),
        }
    }
}

impl From<WireValue> for Value {
    fn from(value: WireValue) -> Self {
        match value {
            WireValue::Null => Value::Null,
            WireValue::String(s) => Value::String(s),
            WireValue::Integer(i) => Value::Integer(i),
            WireValue::Float(x) => Value::Float(x),
            WireValue::FloatText(text) => Value::Float(text.parse().unwrap_or(f64::NAN)),
            WireValue::Boolean(b) => Value::Boolean(b),
            WireValue::DateTime(s) => Value::DateTime(s),
            WireValue::Bytes(b) => Value::Bytes(b),
        }
    }
}

/// A [`Statement`] on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireStatement {
    /// The SQL.
    pub sql: String,
    /// Bound values.
    pub params: Vec<WireValue>,
}

impl From<&Statement> for WireStatement {
    fn from(statement: &Statement) -> Self {
        WireStatement {
            sql: statement.sql.clone(),
            params: statement.params.iter().map(WireValue::from).collect(),
        }
    }
}

impl From<WireStatement> for Statement {
    fn from(statement: WireStatement) -> Self {
        Statement::with_params(
            statement.sql,
            statement.params.into_iter().map(Value::from).collect(),
        )
    }
}

/// Query rows on the wire.
pub type WireRows = Vec<Vec<WireValue>>;

/// A [`DatabaseUrl`] on the wire: the URL as given, and the directory the host resolves a
/// relative database file against (the configuration file's), which the URL text alone
/// does not say.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireUrl {
    /// The URL as given (it may hold a password: it never leaves the process).
    pub url: String,
    /// The directory a relative file path in it is relative to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_dir: Option<PathBuf>,
}

impl From<&DatabaseUrl> for WireUrl {
    fn from(url: &DatabaseUrl) -> Self {
        WireUrl {
            url: url.expose_secret_str().to_string(),
            base_dir: url.base_dir().map(PathBuf::from),
        }
    }
}

impl WireUrl {
    /// The URL again, parsed on this side of the boundary.
    pub fn to_url(&self) -> Result<DatabaseUrl, DbError> {
        match &self.base_dir {
            Some(dir) => DatabaseUrl::parse_relative_to(&self.url, dir),
            None => DatabaseUrl::parse(&self.url),
        }
        .map_err(|e| DbError::new(e.to_string()))
    }
}

/// The input of `render_operation`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderRequest {
    /// The operation.
    pub operation: Operation,
    /// The schema before it.
    pub before: WireBefore,
    /// Online or offline.
    pub mode: RenderMode,
}

/// The schema a render request is against: whole, or by reference to one the plugin
/// keeps from an earlier request (so that a run of N operations sends N operations, not
/// N schemas).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireBefore {
    /// The whole schema; the plugin keeps it as `cache`.
    Full {
        /// The schema.
        schema: Box<Schema>,
        /// The name it is kept under.
        cache: u64,
    },
    /// The schema kept as `cache`; with `apply_pending`, after applying the operation last
    /// rendered against it (the host's schema changed by exactly that).
    Cached {
        /// The name it was kept under.
        cache: u64,
        /// Apply the previously rendered operation first.
        apply_pending: bool,
    },
}

/// The input of `render_sequence`: operations to render in order, against the schema
/// before the first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SequenceRequest {
    /// The operations (externally tagged, see [`super::wire_ops`]).
    pub operations: Vec<super::wire_ops::WireOperation>,
    /// The schema before the first.
    pub before: Box<Schema>,
    /// Online or offline.
    pub mode: RenderMode,
}

/// A [`crate::dialect::RenderedSequence`] on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRenderedSequence {
    /// The statements of each operation rendered, in order.
    pub statements: Vec<Vec<WireStatement>>,
    /// Why the next one could not be rendered, if that is where it stopped.
    pub failure: Option<DialectError>,
}

/// A table name with an optional schema.
pub type WireTableName = (Option<String>, String);
