//! The JSON documents that cross the plugin ABI, and their conversions from and to the
//! types of [`crate::dialect`].
//!
//! The wire has types of its own, versioned with the ABI (see [`super::abi`]), so that a
//! change to core's types never silently changes what a plugin reads; the golden files in
//! `core/tests/wire/` fail when it does. Two documents are core's serde form on purpose:
//! an [`Operation`](crate::revision::ops::Operation) is written as in TOML revision files and a [`Table`] as in
//! `schema.toml`, formats that users keep in their repositories and that are frozen for
//! that reason already; the golden files pin them on the wire too.

mod describe;
mod error;

pub use describe::{
    Description, WireCapabilities, WireIdentifierLimit, WireOfflineScript, WirePlaceholders,
    WireSpellingRules, WireSyntax,
};
pub use error::{WireBatchError, WireDbError, WireDbErrorCategory, WireDialectError, WireError};

use crate::db_url::DatabaseUrl;
use crate::dialect::{DbError, RenderMode, Statement, StatementLimits};
use crate::revision::values::Value;
use crate::schema::Table;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

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

/// [`RenderMode`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireMode {
    /// [`RenderMode::Online`].
    Online,
    /// [`RenderMode::Offline`].
    Offline,
}

impl From<RenderMode> for WireMode {
    fn from(mode: RenderMode) -> Self {
        match mode {
            RenderMode::Online => WireMode::Online,
            RenderMode::Offline => WireMode::Offline,
        }
    }
}

impl From<WireMode> for RenderMode {
    fn from(mode: WireMode) -> Self {
        match mode {
            WireMode::Online => RenderMode::Online,
            WireMode::Offline => RenderMode::Offline,
        }
    }
}

/// The input of `render_operation`: the operation, and how the plugin's copy of the
/// schema before it changes to equal the host's.
///
/// The plugin keeps one copy of the schema per `copy`, a number the host hands out (one
/// per dialect adapter, fresh whenever the plugin may have lost it) and never folds an
/// operation into it itself: the host sends every table that differs from what it sent
/// before, and the names of tables that are gone. So the copy is exactly the host's
/// schema, whichever retort-core the plugin was built with, and a run of N operations
/// sends about N tables rather than N schemas.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RenderRequest {
    /// The operation, its fields as a TOML revision file writes them (externally tagged,
    /// see [`super::wire_ops`]).
    pub operation: super::wire_ops::WireOperation,
    /// The copy of the schema to update and render against.
    pub copy: u64,
    /// Start the copy from an empty schema (the first request of a copy, or after a
    /// [`WireError::CacheMiss`]).
    #[serde(default)]
    pub reset: bool,
    /// Tables to put into the copy, replacing any of the same name (as `schema.toml`
    /// writes a table).
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Names of tables to take out of the copy.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Online or offline.
    pub mode: WireMode,
}

/// The input of `introspect`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireIntrospect {
    /// The host still holds the schema of this connection's previous answer: the plugin may
    /// answer with the changes since.
    pub known: bool,
}

/// The answer of `introspect`: the live schema, whole or as the changes since the
/// connection's previous answer (most of a large schema is the same from one answer to the
/// next, and sending it whole cost more than reading it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireIntrospection {
    /// `tables` is the whole schema; otherwise they replace the previous answer's tables
    /// of the same names.
    pub reset: bool,
    /// Tables (as `schema.toml` writes a table).
    pub tables: Vec<Table>,
    /// Names of tables of the previous answer that are gone.
    pub removed: Vec<String>,
}

/// [`StatementLimits`] on the wire, in milliseconds (0: no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireLimits {
    /// [`StatementLimits::lock_wait`].
    pub lock_wait_ms: u64,
    /// [`StatementLimits::statement_timeout`].
    pub statement_timeout_ms: u64,
}

impl From<&StatementLimits> for WireLimits {
    fn from(limits: &StatementLimits) -> Self {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        WireLimits {
            lock_wait_ms: millis(limits.lock_wait),
            statement_timeout_ms: millis(limits.statement_timeout),
        }
    }
}

impl From<WireLimits> for StatementLimits {
    fn from(limits: WireLimits) -> Self {
        let mut out = StatementLimits::NONE;
        out.lock_wait = Duration::from_millis(limits.lock_wait_ms);
        out.statement_timeout = Duration::from_millis(limits.statement_timeout_ms);
        out
    }
}

/// A table name with an optional schema.
pub type WireTableName = (Option<String>, String);
