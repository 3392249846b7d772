//! A live PostgreSQL connection.

use crate::introspect;
use crate::params::{Cell, Param};
use crate::quote::quote_identifier;
use crate::session::Session;
use postgres::types::{ToSql, Type};
use postgres::SimpleQueryMessage;
use retort_core::db_url::{DatabaseUrl, UrlForm};
use retort_core::dialect::{BatchError, DbErrorCategory as Category};
use retort_core::dialect::{DbError, DbErrorCategory, Statement, StatementLimits};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Connection;
use std::time::{Duration, Instant};
use tokio_postgres::Config;

/// The advisory-lock key of retort's migration lock (`retort` in ASCII).
pub const LOCK_KEY: i64 = 0x7265_746f_7274;

/// The first pause between two attempts at the migration lock; it doubles up to
/// [`LONGEST_PAUSE`], so that a short wait ends soon and a long one costs little.
const FIRST_PAUSE: Duration = Duration::from_millis(10);
/// The longest pause between two attempts at the migration lock.
const LONGEST_PAUSE: Duration = Duration::from_millis(250);

/// `pause` give or take a quarter, so that runs started together do not retry in step.
fn jittered(pause: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    // A fresh `RandomState` is seeded randomly: a random number without a dependency.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let quarter = pause / 4;
    let spread = u32::try_from(random % 1_001).unwrap_or(500);
    pause - quarter + quarter * 2 * spread / 1_000
}

/// A connection to one PostgreSQL database.
pub struct PostgresConnection {
    client: Session,
    /// The URL, redacted, for messages.
    label: String,
    /// Queries introspection sent so far (its cost does not grow with the table count).
    pub(crate) introspection_queries: u64,
}

impl std::fmt::Debug for PostgresConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresConnection")
            .field("url", &self.label)
            .finish_non_exhaustive()
    }
}

/// The client configuration a URL describes; `database` overrides the URL's database.
/// The port a URL without one means.
const DEFAULT_PORT: u16 = 5432;

/// The client configuration a URL describes.
fn config(url: &DatabaseUrl, database: Option<&str>) -> Result<Config, DbError> {
    let mut config = Config::new();
    url.check(UrlForm::Server)
        .map_err(|e| DbError::new(e.to_string()))?;
    config.host(url.host().unwrap_or("localhost"));
    config.port(url.port().unwrap_or(DEFAULT_PORT));
    if let Some(user) = url.user() {
        config.user(user);
    } else if let Ok(user) = std::env::var("USER") {
        config.user(&user);
    }
    if let Some(password) = url.expose_password() {
        config.password(password);
    }
    if let Some(name) = database.or(url.database()) {
        config.dbname(name);
    }
    config.application_name("retort");
    let mut options = Vec::new();
    for (key, value) in url.query_params() {
        match key.as_str() {
            "options" => options.push(value.clone()),
            "schema" | "search_path" => options.push(format!("-csearch_path={value}")),
            "application_name" => {
                config.application_name(value);
            }
            "connect_timeout" => {
                let seconds = value.parse::<u64>().map_err(|_| {
                    DbError::new(format!(
                        "connect_timeout in {} is `{value}`, not a number of seconds",
                        url.redacted()
                    ))
                })?;
                config.connect_timeout(Duration::from_secs(seconds));
            }
            // `sslmode` and `sslrootcert` are read by `tls::from_url`.
            _ => {}
        }
    }
    if !options.is_empty() {
        config.options(options.join(" "));
    }
    Ok(config)
}

fn connect_client(url: &DatabaseUrl, database: Option<&str>) -> Result<Session, DbError> {
    let tls = crate::tls::from_url(url)?;
    let mut config = config(url, database)?;
    config.ssl_mode(tls.mode);
    Session::connect(
        &config,
        tls.connector,
        &format!("cannot connect to {}", url.redacted()),
    )
}

/// A `postgres` error as a [`DbError`]: `context`, the server's message and its SQLSTATE.
pub(crate) fn db_error(context: &str, error: &postgres::Error) -> DbError {
    match error.as_db_error() {
        Some(db) => {
            // The server ends the session after these (FATAL): say so as when it just goes.
            let mut message = if ends_session(db.code().code()) {
                format!(
                    "{context}: lost the connection to the server ({})",
                    db.message()
                )
            } else {
                format!("{context}: {}", db.message())
            };
            if let Some(detail) = db.detail() {
                message.push_str(&format!(" ({detail})"));
            }
            DbError::with_sqlstate(message, db.code().code())
        }
        None if error.is_closed() => DbError::new(format!(
            "{context}: lost the connection to the server (it closed the connection)"
        )),
        None => {
            // The client's message alone can be as vague as "error performing TLS
            // handshake"; the causes say why.
            let mut message = format!("{context}: {error}");
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            DbError::new(message)
        }
    }
}

/// Connection exceptions, and the server ending the session (terminated, crashed, shutting
/// down): a FATAL error closes the connection after it.
fn ends_session(sqlstate: &str) -> bool {
    sqlstate.starts_with("08") || matches!(sqlstate, "57P01" | "57P02" | "57P03")
}

/// [`db_error`], with the category of failure retort reports in its own words: a lock wait
/// or statement time limit hit, or the connection lost (after which even a `COMMIT`'s
/// outcome is unknown).
fn classified(context: &str, error: &postgres::Error) -> DbError {
    use postgres::error::SqlState;
    let category = match error.code() {
        Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE => DbErrorCategory::LockWait,
        Some(code) if *code == SqlState::QUERY_CANCELED => DbErrorCategory::StatementTimeout,
        Some(code) if ends_session(code.code()) => DbErrorCategory::ConnectionLost,
        Some(_) => DbErrorCategory::Other,
        None => {
            let io = std::error::Error::source(error)
                .is_some_and(|cause| cause.downcast_ref::<std::io::Error>().is_some());
            if error.is_closed() || io {
                DbErrorCategory::ConnectionLost
            } else {
                DbErrorCategory::Other
            }
        }
    };
    db_error(context, error).categorized(category)
}

/// The oldest server this dialect supports (`server_version_num`): introspection reads
/// `pg_index.indnkeyatts`, new in PostgreSQL 11.
const OLDEST_SERVER: i32 = 110_000;

/// Why this dialect cannot work with a server of `server_version_num`, if it cannot.
fn unsupported_server(version: i32) -> Option<String> {
    (version < OLDEST_SERVER).then(|| {
        let shown = if version >= 100_000 {
            format!("{}.{}", version / 10_000, version % 10_000)
        } else {
            format!(
                "{}.{}.{}",
                version / 10_000,
                version / 100 % 100,
                version % 100
            )
        };
        format!(
            "the server is PostgreSQL {shown}; the postgres dialect needs PostgreSQL {} or later",
            OLDEST_SERVER / 10_000
        )
    })
}

impl PostgresConnection {
    /// Connects to the database `url` names.
    pub fn open(url: &DatabaseUrl) -> Result<PostgresConnection, DbError> {
        let mut client = connect_client(url, None)?;
        let version: i32 = client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .and_then(|row| row.try_get(0))
            .map_err(|e| db_error("cannot read the server version", &e))?;
        if let Some(reason) = unsupported_server(version) {
            return Err(DbError::new(format!(
                "cannot use the database {}: {reason}",
                url.redacted()
            )));
        }
        Ok(PostgresConnection {
            client,
            label: url.redacted(),
            introspection_queries: 0,
        })
    }

    /// How many queries introspection has sent on this connection (for benchmarks).
    pub fn introspection_queries(&self) -> u64 {
        self.introspection_queries
    }

    /// The underlying client, for what the trait does not cover.
    pub(crate) fn client(&mut self) -> &mut Session {
        &mut self.client
    }

    pub(crate) fn batch(&mut self, sql: &str, what: &str) -> Result<(), DbError> {
        self.client
            .batch_execute(sql)
            .map_err(|e| classified(what, &e))
    }

    /// Rows of a query, every column decoded into a [`Value`].
    pub(crate) fn rows(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        let failed = |e: &postgres::Error| db_error("query failed", e);
        let prepared = self
            .client
            .prepare(&statement.sql)
            .map_err(|e| failed(&e))?;
        let decodable = prepared
            .columns()
            .iter()
            .all(|c| <Cell as postgres::types::FromSql>::accepts(c.type_()));
        if !decodable && statement.params.is_empty() {
            let types: Vec<Type> = prepared
                .columns()
                .iter()
                .map(|c| c.type_().clone())
                .collect();
            return self.text_rows(&statement.sql, &types);
        }
        let params: Vec<Param> = statement.params.iter().map(Param).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = self
            .client
            .query(&prepared, &refs)
            .map_err(|e| failed(&e))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        row.try_get::<_, Cell>(i)
                            .map(|cell| cell.0)
                            .map_err(|e| failed(&e))
                    })
                    .collect()
            })
            .collect()
    }

    /// A parameterless query through the text protocol, for column types without a binary
    /// decoder (`numeric`, `time`, `interval`...): those read back as their text.
    fn text_rows(&mut self, sql: &str, types: &[Type]) -> Result<Vec<Vec<Value>>, DbError> {
        let messages = self
            .client
            .simple_query(sql)
            .map_err(|e| db_error("query failed", &e))?;
        let mut rows = Vec::new();
        for message in messages {
            if let SimpleQueryMessage::Row(row) = message {
                rows.push(
                    (0..row.len())
                        .map(|i| from_text(row.get(i), types.get(i)))
                        .collect(),
                );
            }
        }
        Ok(rows)
    }
}

fn from_text(text: Option<&str>, ty: Option<&Type>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    let as_string = || Value::String(text.to_string());
    match ty {
        Some(&Type::INT2 | &Type::INT4 | &Type::INT8) => text
            .parse()
            .map(Value::Integer)
            .unwrap_or_else(|_| as_string()),
        Some(&Type::FLOAT4 | &Type::FLOAT8) => text
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| as_string()),
        Some(&Type::BOOL) => Value::Boolean(text == "t"),
        Some(&Type::DATE) => Value::DateTime(text.to_string()),
        Some(&Type::TIMESTAMP) => Value::DateTime(text.replacen(' ', "T", 1)),
        Some(&Type::TIMESTAMPTZ) => Value::DateTime(rfc3339_offset(&text.replacen(' ', "T", 1))),
        Some(&Type::BYTEA) => text
            .strip_prefix("\\x")
            .and_then(decode_hex)
            .map_or_else(as_string, Value::Bytes),
        _ => as_string(),
    }
}

impl Connection for PostgresConnection {
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError> {
        if statement.params.is_empty() {
            // The simple protocol: several statements and no preparation, as `psql` runs them.
            self.batch(&statement.sql, "statement failed")?;
            return Ok(0);
        }
        let params: Vec<Param> = statement.params.iter().map(Param).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        self.client
            .execute(statement.sql.as_str(), &refs)
            .map_err(|e| classified("statement failed", &e))
    }

    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        self.rows(statement)
    }

    fn execute_transaction(&mut self, statements: &[Statement]) -> Result<(), BatchError> {
        // BEGIN, the statements and COMMIT in one round trip (see `Session::pipeline`).
        let mut batch = Vec::with_capacity(statements.len() + 2);
        batch.push(Statement::new("BEGIN"));
        batch.extend_from_slice(statements);
        batch.push(Statement::new("COMMIT"));
        let results = self.client.pipeline(&batch);
        let commit = batch.len() - 1;
        let first_error = results
            .into_iter()
            .enumerate()
            .find_map(|(index, result)| result.err().map(|error| (index, error)));
        let Some((index, error)) = first_error else {
            return Ok(());
        };
        let context = match index {
            0 => "cannot start a transaction",
            i if i == commit => "cannot commit",
            _ => "statement failed",
        };
        // The server's own error for a statement before COMMIT means it stopped there,
        // even when it ended the session after it; without one the connection went
        // silently, and the COMMIT went out with the rest: whether it ran is unknown.
        let from_server = error.as_db_error().is_some();
        let error = classified(context, &error);
        if error.category == Category::ConnectionLost && (!from_server || index == commit) {
            return Err(BatchError::Commit(error));
        }
        match index {
            0 => {
                let _ = self.rollback();
                Err(BatchError::Begin(error))
            }
            // After a failed statement the server took COMMIT as ROLLBACK: nothing is kept.
            i if i == commit => Err(BatchError::Commit(error)),
            i => Err(BatchError::Statement {
                index: i - 1,
                error,
            }),
        }
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.batch("BEGIN", "cannot start a transaction")
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.batch("COMMIT", "cannot commit")
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.batch("ROLLBACK", "cannot roll back")
    }

    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        // Short attempts, each a statement of its own outside any transaction, with pauses
        // between them: a run blocked inside `pg_advisory_lock` would hold that statement's
        // snapshot while it waits, and `CREATE INDEX CONCURRENTLY` in the lock holder's
        // `transactional = false` revision waits for every older snapshot to go. Each would
        // wait for the other until PostgreSQL broke the deadlock by failing the index build,
        // leaving the revision dirty and the index invalid.
        let deadline = Instant::now() + timeout;
        let mut pause = FIRST_PAUSE;
        loop {
            let taken: bool = self
                .client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
                .and_then(|row| row.try_get(0))
                .map_err(|e| db_error("cannot take the migration lock", &e))?;
            if taken {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(DbError::lock_timeout(format!(
                    "another retort run holds the migration lock (advisory lock {LOCK_KEY}) on {}; gave up after {} s (--lock-timeout)",
                    self.label,
                    timeout.as_secs_f64()
                )));
            }
            std::thread::sleep(jittered(pause).min(left));
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
            .map(|_| ())
            .map_err(|e| db_error("cannot release the migration lock", &e))
    }

    fn trade_durability_for_speed(&mut self) -> Result<(), DbError> {
        // The commit returns before its WAL reaches the disk; a crash may lose the last
        // ones, never corrupt the database.
        self.client
            .execute("SELECT set_config('synchronous_commit', 'off', false)", &[])
            .map(|_| ())
            .map_err(|e| classified("cannot set synchronous_commit", &e))
    }

    fn set_statement_limits(&mut self, limits: &StatementLimits) -> Result<(), DbError> {
        // Session settings (`false`: not only for the current transaction); 0 is no limit.
        let millis = |d: Duration| format!("{}ms", d.as_millis().min(i32::MAX as u128));
        self.client
            .execute(
                "SELECT set_config('lock_timeout', $1, false), \
                 set_config('statement_timeout', $2, false)",
                &[&millis(limits.lock_wait), &millis(limits.statement_timeout)],
            )
            .map(|_| ())
            .map_err(|e| classified("cannot set lock_timeout and statement_timeout", &e))
    }

    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError> {
        // `to_regclass` resolves an unqualified name through the search_path.
        let name = match schema {
            Some(schema) => format!("{}.{}", quote_identifier(schema), quote_identifier(table)),
            None => quote_identifier(table),
        };
        let row = self
            .client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .map_err(|e| db_error("cannot look the table up", &e))?;
        row.try_get(0)
            .map_err(|e| db_error("cannot look the table up", &e))
    }

    fn introspect(&mut self) -> Result<Schema, DbError> {
        introspect::introspect(self, None)
    }

    fn introspect_tables(&mut self, tables: &[String]) -> Result<Schema, DbError> {
        introspect::introspect(self, Some(tables))
    }

    fn render_checks(
        &mut self,
        checks: &[(String, String)],
    ) -> Result<Option<Vec<String>>, DbError> {
        introspect::render_checks(self, checks).map(Some)
    }
}

/// Runs `sql` on the maintenance database (`postgres`, or the URL's `maintenance_db`).
fn on_maintenance(url: &DatabaseUrl, sql: &str) -> Result<(), DbError> {
    let maintenance = url.query_param("maintenance_db").unwrap_or("postgres");
    let mut client = connect_client(url, Some(maintenance))?;
    client
        .batch_execute(sql)
        .map_err(|e| db_error(&format!("on {}", url.redacted()), &e))
}

fn database_name(url: &DatabaseUrl) -> Result<&str, DbError> {
    url.database().ok_or_else(|| {
        DbError::new(format!(
            "the URL {} names no database; expected postgres://user@host/DATABASE",
            url.redacted()
        ))
    })
}

/// `CREATE DATABASE`; false if it existed.
pub(crate) fn create_database(url: &DatabaseUrl) -> Result<bool, DbError> {
    let name = database_name(url)?;
    match on_maintenance(url, &format!("CREATE DATABASE {}", quote_identifier(name))) {
        Ok(()) => Ok(true),
        Err(e) if e.sqlstate.as_deref() == Some("42P04") => Ok(false),
        Err(e) => Err(e),
    }
}

/// `DROP DATABASE`; false if it did not exist.
pub(crate) fn drop_database(url: &DatabaseUrl) -> Result<bool, DbError> {
    let name = database_name(url)?;
    match on_maintenance(url, &format!("DROP DATABASE {}", quote_identifier(name))) {
        Ok(()) => Ok(true),
        Err(e) if e.sqlstate.as_deref() == Some("3D000") => Ok(false),
        Err(e) => Err(e),
    }
}

/// `...+00` (PostgreSQL's text offset) as `...Z`, `+05:30` kept, `+05` as `+05:00`.
fn rfc3339_offset(text: &str) -> String {
    let split = text.rfind(['+', '-']).filter(|&i| i > 10);
    match split {
        Some(i) if text[i..] == *"+00" || text[i..] == *"+00:00" => format!("{}Z", &text[..i]),
        Some(i) if text.len() - i == 3 => format!("{text}:00"),
        _ => text.to_string(),
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{jittered, unsupported_server, FIRST_PAUSE, LONGEST_PAUSE};

    #[test]
    fn pauses_between_lock_attempts_vary_within_a_quarter() {
        for pause in [FIRST_PAUSE, LONGEST_PAUSE] {
            let seen: std::collections::BTreeSet<_> = (0..50).map(|_| jittered(pause)).collect();
            assert!(seen.len() > 1, "the pauses vary");
            for each in seen {
                assert!(each >= pause * 3 / 4 && each <= pause * 5 / 4, "{each:?}");
            }
        }
    }

    #[test]
    fn servers_before_11_are_refused_naming_their_version() {
        assert_eq!(unsupported_server(150_019), None);
        assert_eq!(unsupported_server(110_000), None);
        assert_eq!(
            unsupported_server(100_023).as_deref(),
            Some(
                "the server is PostgreSQL 10.23; the postgres dialect needs PostgreSQL 11 or later"
            )
        );
        assert_eq!(
            unsupported_server(90_624).as_deref(),
            Some("the server is PostgreSQL 9.6.24; the postgres dialect needs PostgreSQL 11 or later")
        );
    }
}
