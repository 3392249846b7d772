//! The version table (SPEC 5): one row per applied revision.

use super::Direction;
use crate::dialect::{DbError, Dialect, DialectError, RenderMode, Statement};
use crate::revision::ops::{Column, CreateTable, Operation};
use crate::revision::types::{ColumnType, NeutralType};
use crate::revision::values::Value;
use crate::schema::Schema;
use std::collections::BTreeMap;

/// The state of a recorded revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// Applied completely.
    Applied,
    /// A non-transactional revision is running, or failed part-way.
    Dirty,
}

impl RowState {
    /// The state as the version table stores it (`applied`, `dirty`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Applied => "applied",
            RowState::Dirty => "dirty",
        }
    }
}

/// One row of the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    /// The revision id.
    pub revision: String,
    /// `sha256:...` of what ran.
    pub checksum: String,
    /// When it was applied (UTC, RFC 3339).
    pub applied_at: String,
    /// How long it took.
    pub execution_ms: i64,
    /// Applied or dirty.
    pub state: RowState,
    /// For a dirty row: the failed statement and the database's message.
    pub error: Option<String>,
}

/// The version table of one database, as SQL in one dialect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionTable<'a> {
    pub(crate) dialect: &'a dyn Dialect,
    pub(crate) schema: Option<&'a str>,
    pub(crate) table: &'a str,
}

const COLUMNS: &str = "revision, checksum, applied_at, execution_ms, state, error";

impl VersionTable<'_> {
    pub(crate) fn name(&self) -> String {
        self.dialect
            .syntax()
            .qualified_table(self.schema, self.table)
    }

    fn columns(&self) -> String {
        COLUMNS
            .split(", ")
            .map(|c| self.dialect.syntax().quote_identifier(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The table as a neutral `create_table`, rendered by the dialect.
    pub(crate) fn create(&self, mode: RenderMode) -> Result<Vec<Statement>, DialectError> {
        let column = |name: &str, t: NeutralType, nullable: bool, primary_key: bool| Column {
            name: name.into(),
            column_type: ColumnType::Neutral(t),
            nullable,
            default: None,
            primary_key,
            autoincrement: false,
            unique: false,
            comment: None,
        };
        let op = Operation::CreateTable(CreateTable {
            table: self.table.to_string(),
            columns: vec![
                column("revision", NeutralType::Varchar(64), false, true),
                column("checksum", NeutralType::Varchar(80), false, false),
                column("applied_at", NeutralType::Varchar(40), false, false),
                column("execution_ms", NeutralType::BigInt, false, false),
                column("state", NeutralType::Varchar(16), false, false),
                column("error", NeutralType::Text, true, false),
            ],
            primary_key: None,
            unique: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            comment: None,
        });
        let mut statements = self
            .dialect
            .render_operation(&op, &Schema::default(), mode)?;
        if let Some(schema) = self.schema {
            self.place_in_schema(&mut statements, schema)?;
        }
        Ok(statements)
    }

    /// Operations name tables without a schema; the version table's statements are
    /// qualified here, so that `version_table_schema` is honoured when it is created too.
    /// Only the table references our dialects emit (`TABLE t`, `ON t`) are rewritten, so a
    /// column that happens to share the table's name is left alone.
    fn place_in_schema(
        &self,
        statements: &mut [Statement],
        schema: &str,
    ) -> Result<(), DialectError> {
        let quoted = self.dialect.syntax().quote_identifier(self.table);
        let qualified = self.name();
        let mut created = false;
        for statement in statements.iter_mut() {
            for keyword in ["TABLE ", " ON "] {
                let from = format!("{keyword}{quoted}");
                if statement.sql.contains(&from) {
                    created |= keyword == "TABLE " && statement.sql.starts_with("CREATE ");
                    statement.sql = statement
                        .sql
                        .replace(&from, &format!("{keyword}{qualified}"));
                }
            }
        }
        if created {
            Ok(())
        } else {
            Err(DialectError::new(
                self.dialect.name(),
                format!("create the version table in the schema `{schema}`"),
                "its CREATE TABLE statement does not name the table as `CREATE TABLE <name>`",
            ))
        }
    }

    pub(crate) fn select_all(&self) -> Statement {
        Statement::new(format!("SELECT {} FROM {}", self.columns(), self.name()))
    }

    pub(crate) fn insert(
        &self,
        row: &VersionRow,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        self.insert_timed(row, None, mode)
    }

    /// [`VersionTable::insert`], with `execution_ms` taken from the SQL expression
    /// `elapsed_ms` (the server's clock) instead of the row when one is given.
    pub(crate) fn insert_timed(
        &self,
        row: &VersionRow,
        elapsed_ms: Option<&str>,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        let mut bind = Binder::new(self.dialect, mode);
        let values = [
            bind.value(Value::String(row.revision.clone()))?,
            bind.value(Value::String(row.checksum.clone()))?,
            bind.value(Value::String(row.applied_at.clone()))?,
            match elapsed_ms {
                Some(expression) => expression.to_string(),
                None => bind.value(Value::Integer(row.execution_ms))?,
            },
            bind.value(Value::String(row.state.as_str().into()))?,
            bind.value(row.error.clone().map_or(Value::Null, Value::String))?,
        ];
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name(),
            self.columns(),
            values.join(", ")
        );
        Ok(bind.finish(sql))
    }

    /// Sets a row's state, time and error (non-transactional revisions).
    pub(crate) fn update_state(
        &self,
        revision: &str,
        state: RowState,
        execution_ms: i64,
        error: Option<&str>,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        let q = |c: &str| self.dialect.syntax().quote_identifier(c);
        let mut bind = Binder::new(self.dialect, mode);
        let sql = format!(
            "UPDATE {} SET {} = {}, {} = {}, {} = {} WHERE {} = {}",
            self.name(),
            q("state"),
            bind.value(Value::String(state.as_str().into()))?,
            q("execution_ms"),
            bind.value(Value::Integer(execution_ms))?,
            q("error"),
            bind.value(error.map_or(Value::Null, |e| Value::String(e.into())))?,
            q("revision"),
            bind.value(Value::String(revision.into()))?,
        );
        Ok(bind.finish(sql))
    }

    /// Records a revision's checksum anew (`stamp --accept-changed`).
    pub(crate) fn update_checksum(
        &self,
        revision: &str,
        checksum: &str,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        let q = |c: &str| self.dialect.syntax().quote_identifier(c);
        let mut bind = Binder::new(self.dialect, mode);
        let sql = format!(
            "UPDATE {} SET {} = {} WHERE {} = {}",
            self.name(),
            q("checksum"),
            bind.value(Value::String(checksum.into()))?,
            q("revision"),
            bind.value(Value::String(revision.into()))?,
        );
        Ok(bind.finish(sql))
    }

    pub(crate) fn delete(
        &self,
        revision: &str,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        let mut bind = Binder::new(self.dialect, mode);
        let sql = format!(
            "DELETE FROM {} WHERE {} = {}",
            self.name(),
            self.dialect.syntax().quote_identifier("revision"),
            bind.value(Value::String(revision.into()))?
        );
        Ok(bind.finish(sql))
    }

    /// What marks a revision as running before a non-transactional one starts: its row,
    /// dirty, going up; its applied row turned dirty going down.
    pub(crate) fn mark_dirty(
        &self,
        row: &VersionRow,
        direction: Direction,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        match direction {
            Direction::Upgrade => self.insert(
                &VersionRow {
                    state: RowState::Dirty,
                    ..row.clone()
                },
                mode,
            ),
            Direction::Downgrade => {
                self.update_state(&row.revision, RowState::Dirty, 0, None, mode)
            }
        }
    }

    /// What records a finished revision: going up, its row inserted (after a transaction)
    /// or its dirty row made applied; going down, its row deleted.
    pub(crate) fn record_done(
        &self,
        row: &VersionRow,
        direction: Direction,
        transactional: bool,
        mode: RenderMode,
    ) -> Result<Statement, DialectError> {
        match (direction, transactional) {
            (Direction::Upgrade, true) => self.insert(
                &VersionRow {
                    state: RowState::Applied,
                    ..row.clone()
                },
                mode,
            ),
            (Direction::Upgrade, false) => self.update_state(
                &row.revision,
                RowState::Applied,
                row.execution_ms,
                None,
                mode,
            ),
            (Direction::Downgrade, _) => self.delete(&row.revision, mode),
        }
    }

    pub(crate) fn delete_all(&self) -> Statement {
        Statement::new(format!("DELETE FROM {}", self.name()))
    }

    /// Parses the rows `select_all` returned.
    pub(crate) fn parse_rows(
        &self,
        rows: Vec<Vec<Value>>,
    ) -> Result<BTreeMap<String, VersionRow>, DbError> {
        let text = |value: &Value| match value {
            Value::String(s) => Some(s.clone()),
            Value::DateTime(s) => Some(s.clone()),
            _ => None,
        };
        let mut parsed = BTreeMap::new();
        for row in rows {
            let malformed = || {
                DbError::new(format!(
                    "the version table {} holds a row retort cannot read: ({})",
                    self.name(),
                    row.iter().map(shown).collect::<Vec<_>>().join(", ")
                ))
            };
            let [revision, checksum, applied_at, execution_ms, state, error] = row.as_slice()
            else {
                return Err(malformed());
            };
            let state = match text(state).as_deref() {
                Some("applied") => RowState::Applied,
                Some("dirty") => RowState::Dirty,
                _ => return Err(malformed()),
            };
            let row = VersionRow {
                revision: text(revision).ok_or_else(malformed)?,
                checksum: text(checksum).unwrap_or_default(),
                applied_at: text(applied_at).unwrap_or_default(),
                execution_ms: match execution_ms {
                    Value::Integer(ms) => *ms,
                    _ => 0,
                },
                state,
                error: text(error),
            };
            parsed.insert(row.revision.clone(), row);
        }
        Ok(parsed)
    }
}

/// Values as placeholders with bound parameters (online) or as literals (offline).
struct Binder<'d> {
    dialect: &'d dyn Dialect,
    mode: RenderMode,
    params: Vec<Value>,
}

impl<'d> Binder<'d> {
    fn new(dialect: &'d dyn Dialect, mode: RenderMode) -> Self {
        Binder {
            dialect,
            mode,
            params: Vec::new(),
        }
    }

    fn value(&mut self, value: Value) -> Result<String, DialectError> {
        match self.mode {
            RenderMode::Offline => self.dialect.render_literal(&value),
            RenderMode::Online => {
                self.params.push(value);
                Ok(self.dialect.syntax().placeholder(self.params.len()))
            }
        }
    }

    fn finish(self, sql: String) -> Statement {
        Statement::with_params(sql, self.params)
    }
}

/// A cell of a row retort cannot read, as a person reads it: text quoted, NULL bare.
fn shown(value: &Value) -> String {
    match value {
        Value::Null => String::from("NULL"),
        Value::String(s) | Value::DateTime(s) => format!("'{s}'"),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Bytes(bytes) => format!("{} bytes", bytes.len()),
    }
}
