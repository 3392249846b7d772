//! A live MySQL/MariaDB connection (the synchronous `mysql` crate, TLS through rustls).

use crate::introspect;
use crate::params::{decode_row, to_param};
use crate::quote::{quote_identifier, SQL_MODE_WITH_ESCAPES};
use crate::server::Server;
use crate::tls::{ssl_opts, tls_mode, TlsMode};
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Params, Row};
use retort_core::db_url::{DatabaseUrl, UrlForm};
use retort_core::dialect::{DbError, DbErrorCategory, Statement, StatementLimits};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Connection;
use std::time::Duration;

/// A connection to one MySQL or MariaDB database.
pub struct MysqlConnection {
    conn: Conn,
    /// The URL, redacted, for messages.
    label: String,
    /// MariaDB rather than MySQL (their catalogs differ in places).
    mariadb: bool,
}

impl std::fmt::Debug for MysqlConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MysqlConnection")
            .field("url", &self.label)
            .field("mariadb", &self.mariadb)
            .finish_non_exhaustive()
    }
}

/// The port a URL without one means.
const DEFAULT_PORT: u16 = 3306;

/// The client options a URL describes; `with_database` false connects to no database.
fn options(url: &DatabaseUrl, with_database: bool, tls: TlsMode) -> Result<Opts, DbError> {
    url.check(UrlForm::Server)
        .map_err(|e| DbError::new(e.to_string()))?;
    let mut builder = OptsBuilder::new()
        .ip_or_hostname(Some(url.host().unwrap_or("localhost")))
        .tcp_port(url.port().unwrap_or(DEFAULT_PORT))
        .user(
            url.user()
                .map(str::to_string)
                .or_else(|| std::env::var("USER").ok()),
        )
        .pass(url.expose_password())
        .db_name(url.database().filter(|_| with_database))
        .prefer_socket(false)
        .ssl_opts(ssl_opts(url, tls))
        .init(vec![
            String::from("SET NAMES utf8mb4"),
            String::from(SQL_MODE_WITH_ESCAPES),
            String::from("SET time_zone = '+00:00'"),
        ]);
    for (key, value) in url.query_params() {
        match key.as_str() {
            "socket" => builder = builder.socket(Some(value.clone())),
            "connect_timeout" => {
                let seconds = value.parse::<u64>().map_err(|_| {
                    DbError::new(format!(
                        "connect_timeout in {} is `{value}`, not a number of seconds",
                        url.redacted()
                    ))
                })?;
                builder = builder.tcp_connect_timeout(Some(Duration::from_secs(seconds)));
            }
            _ => {}
        }
    }
    Ok(Opts::from(builder))
}

/// Connects; with `ssl-mode=preferred` (the default), without TLS when the server has
/// none.
fn connect_conn(url: &DatabaseUrl, with_database: bool) -> Result<Conn, DbError> {
    let mode = tls_mode(url)?;
    let failed = |e: &mysql::Error| db_error(&format!("cannot connect to {}", url.redacted()), e);
    match Conn::new(options(url, with_database, mode)?) {
        Ok(conn) => Ok(conn),
        Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
            if mode == TlsMode::Preferred =>
        {
            Conn::new(options(url, with_database, TlsMode::Disabled)?).map_err(|e| failed(&e))
        }
        Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported)) => {
            Err(DbError::new(format!(
                "cannot connect to {}: the server offers no TLS, and ssl-mode={} requires it \
                 (set ssl-mode=preferred or disabled to connect without TLS)",
                url.redacted(),
                mode.as_str()
            )))
        }
        Err(e) => Err(failed(&e)),
    }
}

/// A `mysql` error as a [`DbError`]: `context`, the server's message, code and SQLSTATE.
pub(crate) fn db_error(context: &str, error: &mysql::Error) -> DbError {
    match error {
        mysql::Error::MySqlError(e) => DbError::with_sqlstate(
            format!("{context}: {} (error {})", e.message, e.code),
            e.state.clone(),
        ),
        other => DbError::new(format!("{context}: {}", crate::error::describe(other))),
    }
}

/// [`db_error`], with the category of failure retort reports in its own words: a lock wait
/// or statement time limit hit, or the connection lost (after which even a `COMMIT`'s
/// outcome is unknown).
fn classified(context: &str, error: &mysql::Error) -> DbError {
    let category = match error {
        // Lock wait timeout (metadata or row lock).
        mysql::Error::MySqlError(e) if e.code == 1205 => DbErrorCategory::LockWait,
        // MariaDB's max_statement_time, MySQL's max_execution_time.
        mysql::Error::MySqlError(e) if matches!(e.code, 1969 | 3024) => {
            DbErrorCategory::StatementTimeout
        }
        // The session was killed, or the server is shutting down.
        mysql::Error::MySqlError(e) if matches!(e.code, 1053 | 1927) => {
            DbErrorCategory::ConnectionLost
        }
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => DbErrorCategory::ConnectionLost,
        _ => DbErrorCategory::Other,
    };
    db_error(context, error).categorized(category)
}

/// The server's error code, if it answered with one.
fn error_code(error: &mysql::Error) -> Option<u16> {
    match error {
        mysql::Error::MySqlError(e) => Some(e.code),
        _ => None,
    }
}

impl MysqlConnection {
    /// Connects to the database `url` names.
    pub fn open(url: &DatabaseUrl) -> Result<MysqlConnection, DbError> {
        let mut conn = connect_conn(url, true)?;
        let version: Option<String> = conn
            .query_first("SELECT VERSION()")
            .map_err(|e| db_error("cannot read the server version", &e))?;
        let version = version.unwrap_or_default();
        // A server that does not say its version is taken at its word of being supported.
        let server = Server::parse(&version);
        if let Some(reason) = server.and_then(|s| s.unsupported()) {
            return Err(DbError::new(format!(
                "cannot use the database {}: {reason}",
                url.redacted()
            )));
        }
        Ok(MysqlConnection {
            conn,
            label: url.redacted(),
            mariadb: server.map_or(version.contains("MariaDB"), |s| s.mariadb),
        })
    }

    /// Whether the server is MariaDB.
    pub fn is_mariadb(&self) -> bool {
        self.mariadb
    }

    /// The underlying connection, for what the trait does not cover.
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Rows of a query (binary protocol), every column decoded into a [`Value`].
    pub(crate) fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>, DbError> {
        let rows: Vec<Row> = self
            .conn
            .exec(sql, positional(params))
            .map_err(|e| db_error("query failed", &e))?;
        rows.into_iter()
            .map(|row| decode_row(row).map_err(DbError::new))
            .collect()
    }

    fn simple(&mut self, sql: &str, what: &str) -> Result<(), DbError> {
        self.conn.query_drop(sql).map_err(|e| classified(what, &e))
    }

    /// The migration lock's name: one per database, since `GET_LOCK` is server-wide.
    fn lock_name(&mut self) -> Result<String, DbError> {
        let database: Option<String> = self
            .conn
            .query_first("SELECT DATABASE()")
            .map_err(|e| db_error("cannot read the current database", &e))?
            .flatten();
        let name = format!("retort:{}", database.unwrap_or_default());
        // MySQL refuses lock names longer than 64 characters.
        Ok(name.chars().take(64).collect())
    }
}

/// Reads every row of every result set, failing with the first error among them. The
/// client's `query_drop` would discard the rest unread, and with it an error the server
/// sends in place of rows: a statement cancelled by `max_statement_time` or killed while
/// it returns rows would pass for one that succeeded.
fn drain<P: mysql::prelude::Protocol>(
    mut result: mysql::QueryResult<'_, '_, '_, P>,
) -> mysql::Result<()> {
    while let Some(set) = result.iter() {
        for row in set {
            row?;
        }
    }
    Ok(())
}

fn positional(params: &[Value]) -> Params {
    if params.is_empty() {
        Params::Empty
    } else {
        Params::Positional(params.iter().map(to_param).collect())
    }
}

impl Connection for MysqlConnection {
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError> {
        let result = if statement.params.is_empty() {
            // The text protocol: no preparation, as the `mariadb` client runs statements.
            self.conn.query_iter(&statement.sql).and_then(drain)
        } else {
            self.conn
                .exec_iter(&statement.sql, positional(&statement.params))
                .and_then(drain)
        };
        result.map_err(|e| classified("statement failed", &e))?;
        Ok(self.conn.affected_rows())
    }

    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        self.rows(&statement.sql, &statement.params)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.simple("START TRANSACTION", "cannot start a transaction")
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.simple("COMMIT", "cannot commit")
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.simple("ROLLBACK", "cannot roll back")
    }

    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        // A session lock, outside any transaction (DDL commits implicitly here anyway).
        let name = self.lock_name()?;
        let seconds = timeout.as_secs_f64().min(f64::from(u32::MAX));
        let taken = self.rows(
            "SELECT GET_LOCK(?, ?)",
            &[Value::String(name.clone()), Value::Float(seconds)],
        )?;
        match taken.first().and_then(|row| row.first()) {
            Some(Value::Integer(1)) => Ok(()),
            Some(Value::Integer(0)) => Err(DbError::lock_timeout(format!(
                "another retort run holds the migration lock (GET_LOCK('{name}')) on {}; gave up after {} s (--lock-timeout)",
                self.label, seconds
            ))),
            other => Err(DbError::new(format!(
                "cannot take the migration lock GET_LOCK('{name}') on {}: the server answered {}",
                self.label,
                match other {
                    None => String::from("no row"),
                    Some(Value::Null) => String::from("NULL (an error, such as the session being killed)"),
                    Some(Value::Integer(n)) => n.to_string(),
                    Some(Value::String(s)) => format!("'{s}'"),
                    Some(_) => String::from("a value that is neither 0 nor 1"),
                }
            ))),
        }
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        let name = self.lock_name()?;
        self.rows("SELECT RELEASE_LOCK(?)", &[Value::String(name)])
            .map(|_| ())
    }

    fn set_statement_limits(&mut self, limits: &StatementLimits) -> Result<(), DbError> {
        // Both lock waits are whole seconds here: metadata locks (`lock_wait_timeout`, what
        // DDL waits for) and InnoDB row locks. Zero is no limit, i.e. each one's maximum.
        let seconds = |d: Duration, none: u64| match d.as_millis() {
            0 => none,
            ms => u64::try_from(ms.div_ceil(1_000)).unwrap_or(none).min(none),
        };
        let lock_wait = seconds(limits.lock_wait, 31_536_000);
        let row_lock_wait = seconds(limits.lock_wait, 1_073_741_824);
        // MariaDB limits every statement (seconds, fractions allowed); MySQL only SELECTs.
        let timeout = limits.statement_timeout.as_millis();
        let statement_timeout = if self.mariadb {
            format!("max_statement_time = {}", timeout as f64 / 1_000.0)
        } else {
            format!("max_execution_time = {timeout}")
        };
        self.simple(
            &format!(
                "SET SESSION lock_wait_timeout = {lock_wait}, \
                 SESSION innodb_lock_wait_timeout = {row_lock_wait}, SESSION {statement_timeout}"
            ),
            "cannot set the lock wait and statement time limits",
        )
    }

    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError> {
        // The schema is compared with a plain value or `DATABASE()`: behind `COALESCE` the
        // server no longer sees which schema to look in, and opens the tables of every one.
        let name = Value::String(table.to_string());
        let rows = match schema {
            Some(schema) => self.rows(
                "SELECT COUNT(*) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                &[Value::String(schema.to_string()), name],
            ),
            None => self.rows(
                "SELECT COUNT(*) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                &[name],
            ),
        }?;
        Ok(matches!(
            rows.first().and_then(|r| r.first()),
            Some(Value::Integer(n)) if *n > 0
        ))
    }

    fn introspect(&mut self) -> Result<Schema, DbError> {
        introspect::introspect(self, None)
    }

    fn introspect_tables(&mut self, tables: &[String]) -> Result<Schema, DbError> {
        if tables.is_empty() {
            // `IN ()` is not SQL.
            return Ok(Schema::new());
        }
        introspect::introspect(self, Some(tables))
    }

    fn render_checks(
        &mut self,
        checks: &[(String, String)],
    ) -> Result<Option<Vec<String>>, DbError> {
        crate::check_rendering::render_checks(self, checks).map(Some)
    }
}

fn database_name(url: &DatabaseUrl) -> Result<&str, DbError> {
    url.database().ok_or_else(|| {
        DbError::new(format!(
            "the URL {} names no database; expected mysql://user@host/DATABASE",
            url.redacted()
        ))
    })
}

/// Runs `sql` on a connection to no particular database; `Ok(false)` when the server
/// answers with error `benign`.
fn on_server(url: &DatabaseUrl, sql: &str, benign: u16) -> Result<bool, DbError> {
    let mut conn = connect_conn(url, false)?;
    match conn.query_drop(sql) {
        Ok(()) => Ok(true),
        Err(e) if error_code(&e) == Some(benign) => Ok(false),
        Err(e) => Err(db_error(&format!("on {}", url.redacted()), &e)),
    }
}

/// `CREATE DATABASE` (utf8mb4); false if it existed (error 1007).
pub(crate) fn create_database(url: &DatabaseUrl) -> Result<bool, DbError> {
    let name = quote_identifier(database_name(url)?);
    on_server(
        url,
        &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
        1007,
    )
}

/// `DROP DATABASE`; false if it did not exist (error 1008).
pub(crate) fn drop_database(url: &DatabaseUrl) -> Result<bool, DbError> {
    let name = quote_identifier(database_name(url)?);
    on_server(url, &format!("DROP DATABASE {name}"), 1008)
}
