//! The rusqlite connection: statements with bound values, the lock, transactions.
//!
//! `PRAGMA foreign_keys` is ignored inside a transaction, and `DROP TABLE` with foreign keys
//! on deletes child rows, so the lock turns foreign keys off for the whole locked run (the
//! rebuild drops tables), and each commit checks every foreign key instead.

use crate::render::TRIGGER_PROBE;
use retort_core::db_url::{DatabaseUrl, FileLocation};
use retort_core::dialect::{DbError, Statement};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Connection;
use rusqlite::types::{Value as SqlValue, ValueRef};
use std::collections::HashMap;
use std::time::Duration;

const SAVEPOINT: &str = "retort_revision";
/// At most this many foreign-key violations are listed in an error.
const SHOWN_VIOLATIONS: usize = 10;

/// A connection to one SQLite database.
#[derive(Debug)]
pub struct SqliteConnection {
    conn: rusqlite::Connection,
    /// While locked: whether foreign keys were on before, to restore at unlock.
    locked: Option<bool>,
    /// A revision's transaction (a savepoint while locked) is open.
    in_transaction: bool,
    /// Foreign-key violations the database held before this run or transaction began, each
    /// with how often it occurs: a revision is refused for violations it adds, not for
    /// ones it found.
    preexisting_violations: HashMap<Violation, usize>,
}

/// One row of `pragma_foreign_key_check`: child table, rowid (none in a `WITHOUT ROWID`
/// table, whose violations are then told apart only by their count), parent table, and
/// which of the child's foreign keys.
type Violation = (String, Option<String>, String, String);

impl SqliteConnection {
    /// Whether `table` may be a table of the main database, from SQLite's own table of
    /// names (a query of `sqlite_master` would read every row of it). When the pragma
    /// cannot answer, the name is kept: reading it decides.
    fn may_be_a_table(&self, table: &str) -> bool {
        let found = self.rows(&Statement::with_params(
            "SELECT 1 FROM pragma_table_list(?1) WHERE schema = 'main' AND type = 'table'",
            vec![Value::String(table.to_string())],
        ));
        found.map_or(true, |rows| !rows.is_empty())
    }

    /// The schema, or the tables `only` names, in one read transaction (or a savepoint
    /// inside the run's): every table is read from the same state, and the file is not
    /// locked and unlocked once per pragma.
    fn introspect_some(&mut self, only: Option<&[String]>) -> Result<Schema, DbError> {
        self.batch("SAVEPOINT retort_introspect")?;
        let schema = crate::introspect::introspect(self, only);
        let released = self.batch("RELEASE retort_introspect");
        let schema = schema?;
        released?;
        Ok(schema)
    }

    /// Opens the database `url` names (`sqlite://path` or `sqlite::memory:`, under any
    /// scheme: a dialect built on this one serves its own).
    pub fn open(url: &DatabaseUrl) -> Result<SqliteConnection, DbError> {
        let location = url.local_file().map_err(|e| DbError::new(e.to_string()))?;
        let conn = match location {
            FileLocation::Memory => rusqlite::Connection::open_in_memory(),
            FileLocation::File(path) => rusqlite::Connection::open(path),
            _ => {
                return Err(DbError::new(format!(
                    "the URL {} names no SQLite database this driver can open",
                    url.redacted()
                )))
            }
        }
        .map_err(|e| {
            // SQLite's message repeats the path, which came from the URL: redact it too.
            let mut error = db_error(
                &format!("cannot open the SQLite database {}", url.redacted()),
                &e,
            );
            error.message = retort_core::db_url::redact_url(&error.message);
            error
        })?;
        // A double-quoted name that matches no column must be an error, not a string
        // literal (SQLite's legacy fallback turns typos into constants).
        for setting in [
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DDL,
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DML,
        ] {
            conn.set_db_config(setting, false)
                .map_err(|e| db_error("while configuring the SQLite connection", &e))?;
        }
        Ok(SqliteConnection::from_rusqlite(conn))
    }

    /// Wraps an open rusqlite connection.
    pub fn from_rusqlite(conn: rusqlite::Connection) -> SqliteConnection {
        SqliteConnection {
            conn,
            locked: None,
            in_transaction: false,
            preexisting_violations: HashMap::new(),
        }
    }

    /// The rusqlite connection underneath.
    pub fn raw(&self) -> &rusqlite::Connection {
        &self.conn
    }

    pub(crate) fn batch(&self, sql: &str) -> Result<(), DbError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| db_error(&format!("`{sql}` failed"), &e))
    }

    /// Runs `statement` and collects its rows.
    pub(crate) fn rows(&self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        let fail = |e: rusqlite::Error| db_error(&format!("`{}` failed", statement.sql), &e);
        let mut prepared = self.conn.prepare(&statement.sql).map_err(fail)?;
        collect_rows(&mut prepared, statement)
    }

    /// Runs a trigger probe of a table rebuild as the database's own applications would
    /// compile the triggers: with SQLite's default acceptance of double-quoted strings
    /// (which this connection otherwise refuses). Only a missing column, what a rebuild
    /// can cause, fails it; a function or collation that only the application registers
    /// does not.
    fn probe_triggers(&mut self, statement: &Statement) -> Result<u64, DbError> {
        let quoted_strings = |on: bool| {
            [
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DDL,
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DML,
            ]
            .into_iter()
            .try_for_each(|setting| self.conn.set_db_config(setting, on).map(|_| ()))
            .map_err(|e| db_error("while configuring the SQLite connection", &e))
        };
        quoted_strings(true)?;
        let probed = self.rows(statement);
        quoted_strings(false)?;
        match probed {
            Err(error) if error.message.contains("no such column") => Err(error),
            _ => Ok(0),
        }
    }

    /// Every foreign-key violation in the database.
    fn violations(&self) -> Result<Vec<Violation>, DbError> {
        let rows = self.rows(&Statement::new(
            "SELECT \"table\", rowid, \"parent\", fkid FROM pragma_foreign_key_check",
        ))?;
        Ok(rows
            .iter()
            .map(|row| {
                let cell = |i: usize| row.get(i).map(show).unwrap_or_default();
                let rowid = row.get(1).filter(|v| **v != Value::Null).map(show);
                (cell(0), rowid, cell(2), cell(3))
            })
            .collect())
    }

    /// Remembers the violations there are now, so that only new ones fail a commit.
    fn note_preexisting_violations(&mut self) -> Result<(), DbError> {
        let mut counts = HashMap::new();
        for violation in self.violations()? {
            *counts.entry(violation).or_insert(0) += 1;
        }
        self.preexisting_violations = counts;
        Ok(())
    }

    /// Fails, listing them, if a foreign key is violated that was not before the run;
    /// rolls back what `rollback` does.
    fn check_foreign_keys(&mut self) -> Result<(), DbError> {
        let violations = match self.violations() {
            Ok(violations) => violations,
            Err(error) => {
                // A check that cannot run (e.g. a foreign key to a non-unique column) must
                // not let the transaction through either.
                let _ = self.rollback();
                return Err(error);
            }
        };
        // What is left after taking away, one by one, the violations there were before.
        let mut before = self.preexisting_violations.clone();
        let violations: Vec<Violation> = violations
            .into_iter()
            .filter(|v| match before.get_mut(v) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            })
            .collect();
        if violations.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = violations
            .iter()
            .take(SHOWN_VIOLATIONS)
            .map(|(table, rowid, parent, _)| match rowid {
                Some(rowid) => {
                    format!("row {rowid} of `{table}` references a missing row of `{parent}`")
                }
                None => format!("a row of `{table}` references a missing row of `{parent}`"),
            })
            .collect();
        let more = violations.len().saturating_sub(SHOWN_VIOLATIONS);
        let rolled_back = self.rollback();
        let mut message = format!(
            "foreign keys are violated, so the transaction was rolled back: {}",
            listed.join("; ")
        );
        if more > 0 {
            message.push_str(&format!(" (and {more} more)"));
        }
        if let Err(e) = rolled_back {
            message.push_str(&format!("; rolling back failed too: {e}"));
        }
        Err(DbError::new(message))
    }
}

impl Connection for SqliteConnection {
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError> {
        if statement.sql.starts_with(TRIGGER_PROBE) {
            return self.probe_triggers(statement);
        }
        self.rows(statement)?;
        Ok(self.conn.changes())
    }

    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        self.rows(statement)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        if self.locked.is_some() {
            self.batch(&format!("SAVEPOINT {SAVEPOINT}"))?;
        } else {
            self.batch("BEGIN")?;
            if let Err(error) = self.note_preexisting_violations() {
                let _ = self.batch("ROLLBACK");
                return Err(error);
            }
        }
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.check_foreign_keys()?;
        if self.locked.is_some() {
            self.batch(&format!("RELEASE {SAVEPOINT}"))?;
        } else {
            self.batch("COMMIT")?;
        }
        self.in_transaction = false;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        if self.locked.is_some() {
            self.batch(&format!("ROLLBACK TO {SAVEPOINT}; RELEASE {SAVEPOINT}"))
        } else {
            self.batch("ROLLBACK")
        }
    }

    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        if self.locked.is_some() {
            return Err(DbError::new(
                "the migration lock is already held by this connection",
            ));
        }
        let foreign_keys = matches!(
            self.rows(&Statement::new("PRAGMA foreign_keys"))?
                .first()
                .and_then(|r| r.first()),
            Some(Value::Integer(1))
        );
        self.batch("PRAGMA foreign_keys = OFF")?;
        let began = self
            .conn
            .busy_timeout(timeout)
            .and_then(|()| self.conn.execute_batch("BEGIN IMMEDIATE"));
        if let Err(e) = began {
            let _ = self.batch(if foreign_keys {
                "PRAGMA foreign_keys = ON"
            } else {
                "PRAGMA foreign_keys = OFF"
            });
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                return Err(DbError::lock_timeout(format!(
                    "another process holds a write lock on the SQLite database; waited {:.1} s \
                     (raise --lock-timeout, or find the process holding it): {e}",
                    timeout.as_secs_f64()
                )));
            }
            return Err(db_error(
                "cannot take the migration lock (BEGIN IMMEDIATE)",
                &e,
            ));
        }
        self.locked = Some(foreign_keys);
        if let Err(error) = self.note_preexisting_violations() {
            let _ = self.unlock();
            return Err(error);
        }
        Ok(())
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        let Some(foreign_keys) = self.locked.take() else {
            return Ok(());
        };
        self.in_transaction = false;
        // The whole run is one transaction on SQLite: if its COMMIT fails, none of the
        // revisions reported as done were kept, and the message must say so.
        let committed = self.batch("COMMIT").map_err(|mut error| {
            let _ = self.batch("ROLLBACK");
            error.message = format!(
                "{}; the run's transaction was rolled back, so no revision of this run was kept",
                error.message
            );
            error
        });
        let restored = if foreign_keys {
            self.batch("PRAGMA foreign_keys = ON")
        } else {
            Ok(())
        };
        committed.and(restored)
    }

    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError> {
        let master = match schema {
            Some(schema) => format!("{}.sqlite_master", crate::quote::quote_identifier(schema)),
            None => String::from("sqlite_master"),
        };
        let rows = self.rows(&Statement::with_params(
            format!("SELECT 1 FROM {master} WHERE type = 'table' AND name = ?"),
            vec![Value::String(table.to_string())],
        ))?;
        Ok(!rows.is_empty())
    }

    fn introspect(&mut self) -> Result<Schema, DbError> {
        self.introspect_some(None)
    }

    fn introspect_tables(&mut self, tables: &[String]) -> Result<Schema, DbError> {
        // Reading `sqlite_master` means reading all of it; the tables that do not exist
        // are known without that (a revision's tables before it creates them).
        let mut existing = Vec::new();
        for table in tables {
            if self.may_be_a_table(table) {
                existing.push(table.clone());
            }
        }
        if existing.is_empty() {
            return Ok(Schema::new());
        }
        self.introspect_some(Some(&existing))
    }

    fn trade_durability_for_speed(&mut self) -> Result<(), DbError> {
        // Rollbacks still work (the journal is kept in memory); only the disk goes. A page
        // cache that holds a large schema saves reading its pages again after each change.
        self.batch(
            "PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY; PRAGMA cache_size = -65536",
        )
    }
}

/// Binds `statement`'s parameters to `prepared`, runs it and collects its rows.
fn collect_rows(
    prepared: &mut rusqlite::Statement<'_>,
    statement: &Statement,
) -> Result<Vec<Vec<Value>>, DbError> {
    let fail = |e: rusqlite::Error| db_error(&format!("`{}` failed", statement.sql), &e);
    for (index, value) in statement.params.iter().enumerate() {
        prepared
            .raw_bind_parameter(index + 1, to_sql(value))
            .map_err(fail)?;
    }
    let width = prepared.column_count();
    let mut rows = prepared.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(fail)? {
        let mut values = Vec::with_capacity(width);
        for index in 0..width {
            values.push(from_sql(row.get_ref(index).map_err(fail)?));
        }
        out.push(values);
    }
    Ok(out)
}

fn to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::String(text) | Value::DateTime(text) => SqlValue::Text(text.clone()),
        Value::Integer(i) => SqlValue::Integer(*i),
        Value::Float(x) => SqlValue::Real(*x),
        Value::Boolean(b) => SqlValue::Integer(i64::from(*b)),
        Value::Bytes(bytes) => SqlValue::Blob(bytes.clone()),
    }
}

/// A cell back as a value; text that is not UTF-8 comes back as its bytes.
fn from_sql(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(x) => Value::Float(x),
        ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => Value::String(text.to_string()),
            Err(_) => Value::Bytes(bytes.to_vec()),
        },
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec()),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) | Value::DateTime(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Null => String::from("NULL"),
        Value::Float(x) => x.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Bytes(bytes) => format!("{} bytes", bytes.len()),
    }
}

/// A database error with SQLite's message and extended result code (SQLite has no
/// SQLSTATE; the code is said in the message, not as a Rust enum's name).
fn db_error(context: &str, error: &rusqlite::Error) -> DbError {
    match error {
        rusqlite::Error::SqliteFailure(code, _) => DbError::new(format!(
            "{context}: {error} (SQLite result code {})",
            code.extended_code
        )),
        _ => DbError::new(format!("{context}: {error}")),
    }
}
