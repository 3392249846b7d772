//! The `Dialect` trait and the `Connection` it opens (SPEC 9): everything retort needs
//! from one database, and nothing else.
//!
//! A dialect *renders*: operations to SQL, with no connection, which is what makes offline
//! (`--sql`) output exact. A connection *executes*. Both traits are object safe and
//! synchronous, so that drivers can be chosen at run time and loaded as plugins; no type of
//! a particular database client appears in them.

mod batch;
mod error;
mod limits;
mod names;
mod sequence;

pub use batch::{execute_one_by_one, BatchError};
pub use error::{DbError, DbErrorCategory, DialectError};
pub use limits::{
    parse_duration, DurationError, LimitOverrides, ShownDuration, StatementLimits,
    DEFAULT_LOCK_WAIT, DURATION_EXPECTED,
};
pub use names::{choose_object_name, describe_length, object_name, IdentifierLimit};
pub use sequence::{render_folding, render_sequence, table_after, RenderedSequence};

use crate::db_url::DatabaseUrl;
use crate::diff::{DialectSpelling, SpellingRules};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use crate::sql::SqlSyntax;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// What a database can do. Run-time data with defaults, so that a plugin built before a
/// capability existed answers "no" to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Capabilities {
    /// DDL takes part in transactions (PostgreSQL, SQLite); a failed revision leaves no trace.
    pub transactional_ddl: bool,
    /// `create_index` with `where`.
    pub partial_indexes: bool,
    /// Column type, nullability and default change in place, without a table rebuild.
    pub alter_column_in_place: bool,
    /// Constraints can be added to and dropped from an existing table in place.
    pub alter_constraints_in_place: bool,
    /// Table and column comments are stored.
    pub comments: bool,
    /// The dialect can create and drop whole databases (`db create`, `db drop`).
    pub create_database: bool,
    /// Statements can run outside a transaction while the migration lock is held, so that
    /// `transactional = false` revisions (e.g. `CREATE INDEX CONCURRENTLY`) can run.
    pub non_transactional_revisions: bool,
    /// The migration lock is one transaction that holds the whole run (SQLite's immediate
    /// write transaction): a revision's own begin and commit are savepoints inside it, and
    /// nothing of the run is durable before the lock is released.
    pub run_commits_at_unlock: bool,
    /// The longest identifier the database keeps whole; `None`: no limit (SQLite), and
    /// what a plugin that does not report it answers. Revisions naming anything longer
    /// are refused before a run.
    pub max_identifier_length: Option<IdentifierLimit>,
    /// The database is a file on this machine (or in memory), named by the URL's path:
    /// `scheme://relative.db` (relative to the configuration's directory),
    /// `scheme:///abs/path.db`, `scheme::memory:`. Otherwise URLs name a server,
    /// `scheme://user:password@host:port/database` (see [`crate::db_url::UrlForm`]).
    pub local_file_database: bool,
}

impl Capabilities {
    /// Builds capabilities field by field (the struct is non-exhaustive for plugins' sake).
    pub fn new() -> Self {
        Capabilities::default()
    }
}

/// One statement ready to run: SQL text and the values bound to its placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// The SQL, with the dialect's placeholders (`?`, `$1`) where `params` are bound.
    pub sql: String,
    /// Values bound to the placeholders, in order; empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Value>,
}

impl Statement {
    /// A statement without parameters.
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// A statement with bound parameters.
    pub fn with_params(sql: impl Into<String>, params: Vec<Value>) -> Self {
        Statement {
            sql: sql.into(),
            params,
        }
    }
}

/// What an offline script adds around a dialect's statements, for the client that runs it:
/// data, because it belongs to one client's way of running scripts rather than to the
/// database. Absent fields read as empty, so a plugin that declares none adds nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OfflineScript {
    /// Lines the script starts with, written verbatim: client directives such as the
    /// `sqlite3` shell's `.bail on`, which stops the script at the first error, and
    /// statements with their terminators.
    pub prologue: Vec<String>,
    /// Statements the script runs before each `COMMIT`, standing in for the checks a live
    /// connection makes when it commits (SQLite: foreign keys, which a rebuild runs
    /// without). They must fail, stopping the script, where the online commit would fail.
    pub commit_checks: Vec<String>,
}

impl OfflineScript {
    /// Nothing added (to fill in field by field; the struct is non-exhaustive).
    pub fn new() -> Self {
        OfflineScript::default()
    }
}

/// How values reach the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderMode {
    /// For a live connection: values are bound as parameters, never spliced into SQL.
    Online,
    /// For `--sql` output: values are rendered as literals by the dialect's own escaping.
    Offline,
}

/// The [`crate::diff::Spelling`] of `dialect`: its syntax and its spelling rules.
pub fn spelling_of(dialect: &dyn Dialect) -> DialectSpelling {
    DialectSpelling::new(dialect.syntax(), dialect.spelling_rules())
}

/// One database family's SQL: identifiers, types, operations, and how to connect.
pub trait Dialect: Send + Sync + fmt::Debug {
    /// The dialect's name, as in `-- retort:dialect` and per-dialect tables (`postgres`).
    fn name(&self) -> &str;

    /// The URL schemes this dialect serves (`postgres`, `postgresql`).
    fn url_schemes(&self) -> Vec<String>;

    /// The driver's version.
    fn version(&self) -> String {
        String::from("unknown")
    }

    /// What the database can do.
    fn capabilities(&self) -> Capabilities;

    /// How the dialect quotes identifiers, writes placeholders and reads SQL text (for
    /// splitting and checksumming SQL revisions written for it).
    fn syntax(&self) -> SqlSyntax {
        SqlSyntax::default()
    }

    /// What an offline (`--sql`) script adds for the client that runs it: see
    /// [`OfflineScript`]. The default adds nothing.
    fn offline_script(&self) -> OfflineScript {
        OfflineScript::default()
    }

    /// What the server changes in what it stores without changing the meaning, so that
    /// comparing a live schema with a declared one (SPEC 8) ignores it. Expressions always
    /// compare by their tokens under [`Dialect::syntax`]; the default adds no rule.
    fn spelling_rules(&self) -> SpellingRules {
        SpellingRules::default()
    }

    /// A value as an SQL literal (offline output; never used for a live connection).
    fn render_literal(&self, value: &Value) -> Result<String, DialectError>;

    /// The statements that carry out `op`, given the schema as it is before it (some
    /// dialects need a table's current shape, e.g. for SQLite's table rebuild).
    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError>;

    /// An SQL expression for the milliseconds the current transaction has run so far, by
    /// the server's clock and at least 1, if the dialect has one. With it a revision's
    /// version row is written in the same batch as its statements
    /// ([`Connection::execute_transaction`]); without it, statement by statement.
    fn transaction_elapsed_ms(&self) -> Option<String> {
        None
    }

    /// Opens a connection to the database `url` names.
    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError>;

    /// Creates the database `url` names; false if it existed already.
    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        let _ = url;
        Err(DbError::unsupported(self.name(), "creating databases"))
    }

    /// Drops the database `url` names; false if it did not exist.
    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        let _ = url;
        Err(DbError::unsupported(self.name(), "dropping databases"))
    }
}

/// A live connection: executes statements, manages transactions and the migration lock,
/// and reads the schema back.
pub trait Connection: Send {
    /// Runs one statement; returns the number of rows it changed, where the database says.
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError>;

    /// Runs a query; every row as a vector of values, in column order.
    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError>;

    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), DbError>;

    /// Commits the transaction.
    fn commit(&mut self) -> Result<(), DbError>;

    /// Rolls the transaction back.
    fn rollback(&mut self) -> Result<(), DbError>;

    /// Takes the database-wide migration lock, waiting at most `timeout`.
    fn lock(&mut self, timeout: Duration) -> Result<(), DbError>;

    /// Releases the migration lock.
    fn unlock(&mut self) -> Result<(), DbError>;

    /// Whether a table exists (the version table, before it is created).
    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError>;

    /// The live schema, in the neutral model.
    fn introspect(&mut self) -> Result<Schema, DbError>;

    /// The live schema of the tables named in `tables` only; a name no table has is left
    /// out. What `retort test` compares after each revision of its stairway, so that its
    /// cost follows the revision, not the size of the schema. The default reads the whole
    /// schema and keeps those tables; a driver that can ask its catalog for some tables
    /// only should.
    fn introspect_tables(&mut self, tables: &[String]) -> Result<Schema, DbError> {
        let mut schema = self.introspect()?;
        schema.retain_tables(|name| tables.iter().any(|wanted| wanted == name));
        Ok(schema)
    }

    /// Commits on this connection need not survive a crash from now on: its database is
    /// thrown away afterwards (`retort test`'s scratch databases), so waiting for the disk
    /// buys nothing. The default changes nothing.
    fn trade_durability_for_speed(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    /// Applies `limits` to the statements this connection runs from now on, until the next
    /// call. A failure that a limit causes is reported with the matching
    /// [`DbErrorCategory`]. The default ignores them: a database without such settings
    /// waits as long as it must.
    fn set_statement_limits(&mut self, limits: &StatementLimits) -> Result<(), DbError> {
        let _ = limits;
        Ok(())
    }

    /// Runs `statements` in one transaction of their own and commits it. A connection
    /// that can sends them together (one round trip); the default runs them one by one.
    /// Either way a failure names the first statement that failed, and after one nothing
    /// of the transaction is kept.
    fn execute_transaction(&mut self, statements: &[Statement]) -> Result<(), BatchError> {
        execute_one_by_one(self, statements)
    }

    /// Each check of `checks` (table, expression) as the server writes it when it stores
    /// it, so that a declared check compares with a live one the server re-rendered beyond
    /// what the spelling rules cover (SPEC 8). The tables exist; nothing may be left behind
    /// (e.g. temporary tables in a transaction that is rolled back). `Ok(None)`: the
    /// dialect does not render checks (the default), and comparisons use the text. An
    /// error (e.g. a role that may not create temporary tables): this comparison uses the
    /// text, and says so.
    fn render_checks(
        &mut self,
        checks: &[(String, String)],
    ) -> Result<Option<Vec<String>>, DbError> {
        let _ = checks;
        Ok(None)
    }
}
